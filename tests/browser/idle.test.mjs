// Idle costs nothing (issue 16): with nothing training, loading or touched, the lab draws only on
// input or change (a few frames after each) and stops drawing in an embed scrolled out of view.
// Measured in one run: frames drawn and the page's main-thread CPU time (CDP Performance metrics)
// over 10 s idle, with the idle loop and with ?redraw=full (the old loop: every frame, all of it).
// Input, a JS API call and training still draw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, openLab, waitForFrames, state, waitState, inputState, screenshot } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];

// Frames the app drew and the renderer's main-thread time over `ms` of doing nothing.
async function measureIdle(page, ms) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const f0 = (await inputState(page)).framesDrawn, m0 = await metrics();
  await page.waitForTimeout(ms);
  const f1 = (await inputState(page)).framesDrawn, m1 = await metrics();
  await cdp.detach();
  return { frames: f1 - f0, taskMs: 1000 * (m1.TaskDuration - m0.TaskDuration), scriptMs: 1000 * (m1.ScriptDuration - m0.ScriptDuration) };
}
const fmt = (r) => `${r.frames} frames drawn, main-thread task time ${r.taskMs.toFixed(0)} ms (script ${r.scriptMs.toFixed(0)} ms)`;

test('an idle lab draws a few frames in 10 s, wakes on input and API calls, and draws while training', async () => {
  // before: the old loop (every animation frame), then after: the idle loop, same build, same run
  const always = await openLab(lab, { query: '?redraw=full' });
  await always.waitForTimeout(1500);
  const before = await measureIdle(always, 10000);
  await always.context().close();

  const page = await openLab(lab);
  await page.waitForTimeout(1500);  // the opening frames, the first autosave
  const after = await measureIdle(page, 10000);
  console.log(`10 s idle at 1280x720 (SwiftShader WebGL): draw every frame: ${fmt(before)}; idle loop: ${fmt(after)}`);
  assert.ok(after.frames <= 5, `an idle page draws at most a few frames in 10 s (drew ${after.frames})`);
  assert.ok(before.frames >= 20, `the old loop draws all the time (${before.frames} frames)`);
  assert.ok(after.taskMs < before.taskMs / 4, 'and idle costs a fraction of its CPU time');
  assert.equal((await inputState(page)).idle, true);

  // a mouse move wakes it (a hover shows), then it settles again
  let f0 = (await inputState(page)).framesDrawn;
  const s = await state(page);
  await page.mouse.move(...center(s.rects.step));
  await waitForFrames(page, 8);
  let f1 = (await inputState(page)).framesDrawn;
  assert.ok(f1 - f0 >= 2, `a mouse move draws frames (${f1 - f0})`);
  await page.waitForTimeout(1000);
  assert.equal((await inputState(page)).idle, true, 'idle again after the move');

  // a JS API call wakes it: the tab switches on screen (its rect is reported by a drawn frame)
  f0 = (await inputState(page)).framesDrawn;
  await page.evaluate(() => window.cnnSandbox.setTab('data'));
  await waitState(page, (t) => t.tab === 'data' && t.rects.data_grid !== undefined || t.tab === 'data', 'the Data tab', 10000);
  await waitForFrames(page, 6);
  f1 = (await inputState(page)).framesDrawn;
  assert.ok(f1 - f0 >= 2, `an API call draws frames (${f1 - f0})`);
  await screenshot(page, 'idle-after-api-call');

  // training draws (in the worker, the default: each report once, so the loop rests between
  // reports; worker.test.mjs counts them), and stops drawing once paused
  f0 = (await inputState(page)).framesDrawn;
  await page.evaluate(() => window.cnnSandbox.train());
  await page.waitForTimeout(2000);
  f1 = (await inputState(page)).framesDrawn;
  const t = await state(page);
  console.log(`training: ${f1 - f0} frames in 2 s, ${t.steps} steps`);
  assert.ok(f1 - f0 >= 3 && t.steps > 0, `training draws (${f1 - f0} frames in 2 s)`);
  await page.evaluate(() => window.cnnSandbox.pause());
  await page.waitForTimeout(1000);
  const paused = await measureIdle(page, 3000);
  assert.ok(paused.frames <= 3, `paused: idle again (${paused.frames} frames in 3 s)`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an embed scrolled out of view stops drawing, also while training, and resumes in view', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // a course page: one embed, then a long text
  await page.goto(lab.url + 'style.css');  // any page of the same origin, to reach the frame's API
  await page.setContent(`<body style="margin:0"><div style="height:40px">Lesson</div>
    <iframe id="lab" src="${lab.url}index.html#embed=1" style="width:900px;height:600px;border:0"></iframe>
    <div style="height:3000px">More text</div></body>`);
  const frame = await (await page.waitForSelector('#lab')).contentFrame();
  await frame.waitForFunction(() => window.cnnSandbox && window.cnnSandbox.ready(), null, { timeout: 60000 });
  const frames = () => frame.evaluate(() => window.cnnSandbox.inputState().framesDrawn);
  await frame.evaluate(() => window.cnnSandbox.train());
  await page.waitForTimeout(1500);
  let f0 = await frames();
  await page.waitForTimeout(2000);  // the worker's reports, each drawn once: about 10 a second
  const inView = (await frames()) - f0;
  await page.evaluate(() => window.scrollTo(0, 2000));
  await page.waitForTimeout(500);
  f0 = await frames();
  await page.waitForTimeout(2000);
  const outOfView = (await frames()) - f0;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  f0 = await frames();
  await page.waitForTimeout(2000);
  const back = (await frames()) - f0;
  console.log(`embed while training: ${inView} frames in 2 s in view, ${outOfView} frames in 2 s out of view, ${back} frames in 2 s back in view`);
  assert.ok(inView >= 3, 'draws in view');
  assert.ok(outOfView <= 1, `out of view: no frames (${outOfView})`);
  assert.ok(back >= 3, 'draws again in view');
  assert.deepEqual(errors, []);
  await context.close();
});
