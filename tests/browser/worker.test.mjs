// Issue 19: the trainer runs in a dedicated Web Worker (web/worker/, web/session_worker.cpp).
// Through the worker: Train, Pause, Step, Reset and the seed keep their meanings, and the page's
// curve and weights equal `cnn-sandbox train`'s for the same seed bit for bit; the inspection views
// follow the weights while training runs; the page is not cross-origin isolated and still trains;
// a numerical fault in the worker pauses with the last good weights; a worker that stops (or never
// loads) hands over to in-frame training with nothing lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { startLab, openLab, screenshot, state, waitState, canvasStats, repoRoot, siteDir } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const f32 = (x) => Math.fround(x);
const trainer = (page) => page.evaluate(() => window.cnnSandbox.trainerState());
// the trainer's state once its evaluator has loaded (or failed to)
async function evaluatorSettled(page) {
  let w = await trainer(page);
  for (let i = 0; i < 600 && w.evaluator === 'loading'; i++) {
    await page.waitForTimeout(50);
    w = await trainer(page);
  }
  return w;
}
const fileBytes = async (page) => Buffer.from(await page.evaluate(() => Array.from(window.cnnSandbox.saveModelFile())));

// `cnn-sandbox train` (the wasm build under node, beside the site): one epoch of LeNet-5 on digits
// with seed 1 (188 steps), evaluating as the page does (500 test samples every 50 steps), its last
// step's loss, its last evaluation and its weights file.
let cliRun = null;
function cli() {
  if (cliRun) return cliRun;
  const tool = join(dirname(siteDir), 'cnn-sandbox.js');
  assert.ok(existsSync(tool), `${tool} is missing: build it (cmake --build --preset wasm --target cnn-sandbox)`);
  const out = join(mkdtempSync(join(tmpdir(), 'cnn-worker-')), 'w.bin');
  const r = spawnSync('node', ['--no-experimental-fetch', tool, 'train', '--model', join(repoRoot, 'assets/presets/lenet5.txt'), '--data', 'digits',
    '--epochs', '1', '--seed', '1', '--eval-every', '50', '--eval-samples', '500', '--json', '--save', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1));
  assert.equal(j.steps, 188);
  cliRun = { json: j, weights: readFileSync(out) };
  return cliRun;
}

// The page's run equals the command line's: the last step's loss, the last evaluation, and every
// weight's bits (the weights file's bytes appear inside the page's model file). The evaluation
// points (every 50 steps and the epoch's end) equal the first run's, bit for bit.
let firstEvals = null;
async function assertSameAsCli(page, what) {
  const c = cli();
  const m = await page.evaluate(() => window.cnnSandbox.getMetrics());
  assert.equal(m.steps, 188, `${what}: 188 steps`);
  assert.equal(m.loss.length, 188);
  assert.ok(m.loss.every(Number.isFinite));
  assert.equal(f32(m.loss.at(-1)), f32(c.json.final_step_loss), `${what}: the last step's loss is the CLI's`);
  assert.deepEqual(m.evalStep, [50, 100, 150, 188], `${what}: evaluation points`);
  assert.equal(f32(m.testLoss.at(-1)), f32(c.json.test_loss), `${what}: the last test loss is the CLI's`);
  assert.equal(f32(m.testAccuracy.at(-1)), f32(c.json.test_accuracy), `${what}: the last test accuracy is the CLI's`);
  const evals = { testLoss: m.testLoss, testAccuracy: m.testAccuracy };
  if (firstEvals) assert.deepEqual(evals, firstEvals, `${what}: every evaluation point is the first run's`);
  else firstEvals = evals;
  const file = await fileBytes(page);
  assert.ok(file.indexOf(c.weights.subarray(16)) >= 0 || file.indexOf(c.weights) >= 0, `${what}: the page's weights are the CLI's, bit for bit`);
  return m;
}

test('through the worker, Train + Pause + Step make the CLI curve and weights bit for bit; reset and seed too', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1' });
  await waitState(page, () => true, 'the lab');
  let w = await evaluatorSettled(page);
  assert.equal(w.where, 'worker', `training runs in the worker (${w.failure})`);
  assert.equal(w.evaluator, 'worker', `evaluations run in a worker of the trainer's (${w.evaluatorFailure})`);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false, 'this page is not cross-origin isolated');
  // Train, then Pause somewhere: Pause stops between steps and nothing runs while paused.
  await page.evaluate(() => window.cnnSandbox.train());
  let s = await waitState(page, (x) => x.steps >= 30, '30 steps through the worker');
  await page.evaluate(() => window.cnnSandbox.pause());
  s = await waitState(page, (x) => !x.training, 'paused');
  await page.waitForTimeout(600);
  const pausedAt = (await state(page)).steps;
  await page.waitForTimeout(400);
  assert.equal((await state(page)).steps, pausedAt, 'no steps while paused');
  assert.ok(pausedAt >= 30 && pausedAt < 188, `paused at ${pausedAt}`);
  // Step: one minibatch each, then train(n) resolves after exactly n steps.
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.cnnSandbox.step(1));
  await waitState(page, (x) => x.steps === pausedAt + 3 && !x.pendingSteps, '3 single steps');
  let m = await page.evaluate((n) => window.cnnSandbox.train(n), 188 - pausedAt - 3);
  assert.equal(m.steps, 188, 'train(n) resolved after exactly n more steps');
  const first = await assertSameAsCli(page, 'worker run');
  await screenshot(page, 'worker-trained');
  w = await trainer(page);
  assert.equal(w.where, 'worker');
  assert.ok(w.reports > 0 && w.snapshots > 0 && w.weightsStep === 188, `reports and snapshots: ${JSON.stringify(w)}`);
  // Reset: weights from the seed again; the same steps give the same curve.
  await page.evaluate(() => window.cnnSandbox.reset());
  await waitState(page, (x) => x.steps === 0, 'reset');
  m = await page.evaluate(() => window.cnnSandbox.train(40));
  assert.deepEqual(m.loss, first.loss.slice(0, 40), 'after Reset: the same 40 losses');
  // Another seed: another curve; back to seed 1: the first one again.
  assert.equal(await page.evaluate(() => window.cnnSandbox.set('seed', 2)), true);
  await waitState(page, (x) => x.steps === 0, 'seed 2: a new network');
  const m2 = await page.evaluate(() => window.cnnSandbox.train(40));
  assert.notDeepEqual(m2.loss, first.loss.slice(0, 40), 'seed 2 gives another curve');
  assert.equal(await page.evaluate(() => window.cnnSandbox.set('seed', 1)), true);
  await waitState(page, (x) => x.steps === 0, 'seed 1 again');
  const m1 = await page.evaluate(() => window.cnnSandbox.train(40));
  assert.deepEqual(m1.loss, first.loss.slice(0, 40), 'seed 1 again: the first curve');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('without a worker (?worker=0) the page trains in the frame, to the same bits', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1', query: '?worker=0' });
  const w = await trainer(page);
  assert.equal(w.where, 'page');
  assert.match(w.failure, /no worker in this page/);
  const m = await page.evaluate(() => window.cnnSandbox.train(188));
  assert.equal(m.steps, 188);
  await assertSameAsCli(page, 'in-frame run');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The lab (lab.url + `rest`) in a context of its own whose requests matching `pattern` go to
// `handler` instead of the server: a worker that cannot load, or never does.
async function openRouted(pattern, handler, rest) {
  const context = await lab.browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.route(pattern, handler);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  await page.goto(lab.url + rest);
  await page.waitForFunction(() => document.getElementById('status')?.classList.contains('hidden'), null, { timeout: 60000 });
  return page;
}

test('a worker that cannot load: the page falls back to in-frame training and says why', async () => {
  const page = await openRouted(/cnn-trainer-worker(-scalar)?\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }), '#preset=lenet5&data=digits&seed=1');
  const m = await page.evaluate(() => window.cnnSandbox.train(20));
  assert.equal(m.steps, 20, 'train(20) resolves after 20 steps');
  const w = await waitState(page, () => true, 'state').then(() => trainer(page));
  assert.equal(w.where, 'page', `fell back: ${JSON.stringify(w)}`);
  assert.match(w.failure, /engine|load|script/i);
  assert.ok(m.loss.every(Number.isFinite));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a worker stuck loading (no error ever comes): given up after its patience, the page trains in the frame', async () => {
  const page = await openRouted(/cnn-trainer-worker(-scalar)?\.wasm$/, () => {} /* never answered */, '?workerPatience=2000#preset=lenet5&data=digits&seed=1&epochs=1');
  const t0 = Date.now();
  const m = await page.evaluate(() => window.cnnSandbox.train(188));
  assert.equal(m.steps, 188, 'train(188) resolves after 188 steps');
  const w = await trainer(page);
  console.log(`stuck worker: ${JSON.stringify(w)}; train(188) took ${Date.now() - t0} ms`);
  assert.equal(w.where, 'page');
  assert.match(w.failure, /did not load within 2 s/);
  await assertSameAsCli(page, 'run whose worker never loaded');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a worker that stops mid-run: the page goes on from its last checkpoint, train(n) still ends at n, the bits are the CLI\'s', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1' });
  assert.equal((await trainer(page)).where, 'worker');
  const done = page.evaluate(() => window.cnnSandbox.train(188));
  // the worker sends its whole state about once a second: wait for the first checkpoint (not for a
  // step count: on a quiet machine 100 steps took less than a second, and none had come yet)
  let before = await trainer(page);
  for (let i = 0; i < 600 && !(before.checkpointStep > 0); i++) {
    await page.waitForTimeout(50);
    before = await trainer(page);
  }
  assert.ok(before.checkpointStep > 0 && before.checkpointStep < 188, `a checkpoint was sent mid-run: ${JSON.stringify(before)}`);
  await page.evaluate(() => window.cnnTrainer.terminate('terminated by the test'));
  const m = await done;
  assert.equal(m.steps, 188, 'train(188) resolved after 188 steps');
  const w = await trainer(page);
  assert.equal(w.where, 'page');
  assert.equal(w.failure, 'terminated by the test');
  const s = await state(page);
  assert.match(s.status, /The training worker stopped: terminated by the test\. Training goes on in this page/);
  await screenshot(page, 'worker-stopped');
  await assertSameAsCli(page, 'run handed over to the page');
  await page.context().close();
});

test('evaluations run beside training; onEpoch sees the epoch\'s evaluation; a stopped evaluator hands its work back, nothing lost', async () => {
  // Beside: while the trainer trains on, an evaluation point is waiting for the evaluator's answer
  // (the curves get it in order), and onEpoch's metrics hold the epoch's last evaluation.
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1' });
  assert.equal((await evaluatorSettled(page)).evaluator, 'worker');
  await page.evaluate(() => { window.epochSeen = []; window.cnnSandbox.onEpoch((k, m) => window.epochSeen.push({ k, evalStep: m.evalStep.slice() })); });
  const done = page.evaluate(() => window.cnnSandbox.train(188));
  let w = await trainer(page);
  for (let i = 0; i < 4000 && w.evaluatorAnswers < 2; i++) {
    await page.waitForTimeout(5);
    w = await trainer(page);
  }
  console.log(`before the evaluator stops: ${JSON.stringify(w)}`);
  assert.ok(w.evaluatorAnswers >= 2, 'the evaluator answered the points of steps 50 and 100');
  assert.ok(w.stepsBeside > 0, `the trainer took ${w.stepsBeside} steps while an evaluation was being made elsewhere`);
  // Stop the evaluator as a crash would: the trainer evaluates what it had not answered, and on.
  await page.evaluate(() => window.cnnTrainer.stopEvaluator('stopped by the test'));
  const m = await done;
  assert.equal(m.steps, 188);
  w = await trainer(page);
  assert.equal(w.where, 'worker', 'the worker trains on');
  assert.equal(w.evaluator, 'trainer', 'the trainer evaluates now');
  assert.match(w.evaluatorFailure, /stopped by the test/);
  assert.equal(w.evalWaitingStep, -1);
  await assertSameAsCli(page, 'run whose evaluator stopped');
  await page.waitForTimeout(300);  // onEpoch polls each animation frame
  const seen = await page.evaluate(() => window.epochSeen);
  assert.equal(seen.length, 1, `one epoch: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen[0], { k: 1, evalStep: [50, 100, 150, 188] }, 'onEpoch(1) sees the epoch\'s last evaluation');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // ?evaluator=0: the trainer evaluates between its steps, to the same bits.
  const p2 = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1', query: '?evaluator=0' });
  w = await trainer(p2);
  assert.equal(w.where, 'worker');
  const m2 = await p2.evaluate(() => window.cnnSandbox.train(188));
  assert.equal(m2.steps, 188);
  w = await trainer(p2);
  assert.equal(w.evaluator, 'trainer');
  assert.match(w.evaluatorFailure, /turned off/);
  await assertSameAsCli(p2, 'run evaluated by the trainer');
  assert.deepEqual(p2.errors, []);
  await p2.context().close();
});

test('an evaluator that stops answering without an error: the worker gives up on it after its patience, evaluates itself, nothing lost', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1', query: '?evalPatience=1500' });
  assert.equal((await evaluatorSettled(page)).evaluator, 'worker');
  await page.evaluate(() => window.cnnTrainer.muteEvaluator());
  const t0 = Date.now();
  const m = await page.evaluate(() => window.cnnSandbox.train(188));
  assert.equal(m.steps, 188);
  const w = await trainer(page);
  console.log(`the muted evaluator was given up: ${JSON.stringify(w)}, train(188) took ${Date.now() - t0} ms`);
  assert.equal(w.evaluator, 'trainer');
  assert.match(w.evaluatorFailure, /did not answer for 1\.5 s/);
  assert.equal(w.evaluatorAnswers, 0);
  await assertSameAsCli(page, 'run whose evaluator went silent');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an evaluator whose answer cannot be read: the trainer gives it up and ends its Worker, evaluates itself, nothing lost', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1' });
  assert.equal((await evaluatorSettled(page)).evaluator, 'worker');
  // the page's dedicated workers: the trainer and, nested in it, the evaluator
  const urls = () => page.workers().map((w) => w.url());
  const evaluators = () => urls().filter((u) => /role=evaluator/.test(u)).length;
  console.log(`workers with the evaluator: ${JSON.stringify(urls())}`);
  assert.equal(evaluators(), 1, 'the evaluator is a worker of the page');
  await page.evaluate(() => window.cnnTrainer.garbleEvaluator());
  const m = await page.evaluate(() => window.cnnSandbox.train(188));
  assert.equal(m.steps, 188);
  const w = await trainer(page);
  console.log(`the garbled evaluator was given up: ${JSON.stringify(w)}`);
  assert.equal(w.evaluator, 'trainer');
  assert.match(w.evaluatorFailure, /its answer was cut short/);
  assert.equal(w.evaluatorAnswers, 0);
  for (let i = 0; i < 100 && evaluators() > 0; i++) await page.waitForTimeout(50);
  console.log(`workers after: ${JSON.stringify(urls())}`);
  assert.equal(evaluators(), 0, 'its Worker was ended, not left idle');
  await assertSameAsCli(page, 'run whose evaluator answered garbage');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a numerical fault in the worker (lr 1000): reported, paused, the last good weights kept', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&opt=sgd' });
  assert.equal(await page.evaluate(() => window.cnnSandbox.set('lr', 1000)), true);
  await page.evaluate(() => window.cnnSandbox.train());
  const s = await waitState(page, (x) => !x.training && x.statusIsError, 'the fault');
  console.log(`fault at step ${s.steps}: ${s.status}`);
  assert.match(s.status, /training paused and (the weights of step \d+ \(the last with a finite loss\) were restored|the initial weights were kept)/);
  const w = await trainer(page);
  assert.equal(w.where, 'worker', 'the worker is still the trainer');
  assert.equal(w.weightsStep, s.steps, 'the page holds the weights the worker kept');
  const p = await page.evaluate(() => window.cnnSandbox.predict(8));
  assert.ok(p.length === 80 && p.every(Number.isFinite), 'the kept weights give finite outputs');
  const m = await page.evaluate(() => window.cnnSandbox.getMetrics());
  assert.ok(m.loss.every(Number.isFinite), 'the curve holds finite losses only');
  await page.waitForTimeout(500);
  assert.equal((await state(page)).steps, s.steps, 'paused: no steps after the fault');
  await screenshot(page, 'worker-fault');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the inspection views follow the weights while the worker trains', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1' });
  assert.equal(await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'predict')), true);
  await page.evaluate(() => window.cnnSandbox.train());
  await waitState(page, (x) => x.steps >= 5, 'training');
  // The views recompute every 20 frames while training (a few seconds on a loaded machine): wait
  // for three different predictions of the same sample while the run goes on.
  const probs = new Set();
  const t0 = Date.now();
  let looks = 0;
  while (probs.size < 3 && Date.now() - t0 < 90000) {
    const i = await page.evaluate(() => window.cnnSandbox.inspect.getState());
    probs.add(JSON.stringify(i.probs));
    looks++;
    await page.waitForTimeout(500);
  }
  const s = await state(page);
  console.log(`the prediction view showed ${probs.size} different outputs in ${looks} looks over ${((Date.now() - t0) / 1000).toFixed(1)} s of training (step ${s.steps}, ${s.fps.toFixed(1)} fps)`);
  assert.equal(s.training, true, 'still training');
  assert.ok(probs.size >= 3, `the prediction view changes while training (${probs.size} distinct of ${looks})`);
  await screenshot(page, 'worker-inside-predict');
  assert.equal(await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'dynamics')), true);
  const d0 = (await page.evaluate(() => window.cnnSandbox.inspect.getState())).dynamicsPoints;
  await page.waitForTimeout(8000);
  const d1 = (await page.evaluate(() => window.cnnSandbox.inspect.getState())).dynamicsPoints;
  assert.ok(d1 > d0, `the dynamics view gains points while training (${d0} -> ${d1})`);
  await screenshot(page, 'worker-inside-dynamics');
  await page.evaluate(() => window.cnnSandbox.pause());
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// While the worker trains, the page changes only when a report arrives (about 10 a second): it
// draws each report once and skips the frames between them, which would show the same picture (on
// software WebGL each one costs tens of milliseconds of a core the worker needs). Input still draws
// at once, and the curves on screen keep up with the reports.
test('while the worker trains untouched, the page draws once per report; input draws at once', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1' });
  await page.evaluate(() => window.cnnSandbox.train());
  await waitState(page, (x) => x.steps >= 20, '20 steps', 60000);
  const look = () => page.evaluate(() => ({ drawn: window.cnnSandbox.inputState().framesDrawn, reports: window.cnnSandbox.trainerState().reports,
                                            steps: window.cnnSandbox.getState().steps, t: performance.now() }));
  const raf = (ms) => page.evaluate((ms) => new Promise((res) => { let n = 0; const t0 = performance.now(); const f = () => { n++; if (performance.now() - t0 < ms) requestAnimationFrame(f); else res(n); }; requestAnimationFrame(f); }), ms);
  const a = await look();
  const animationFrames = await raf(3000);
  const b = await look();
  const drawn = b.drawn - a.drawn, reports = b.reports - a.reports, secs = (b.t - a.t) / 1000;
  console.log(`worker training, untouched, ${secs.toFixed(1)} s: ${reports} reports, ${drawn} frames drawn, ${animationFrames} animation frames, ${b.steps - a.steps} steps`);
  assert.equal((await trainer(page)).where, 'worker');
  assert.ok(b.steps > a.steps, 'training goes on');
  assert.ok(reports >= 5, `reports keep coming (${reports} in ${secs.toFixed(1)} s)`);
  assert.ok(drawn <= reports + 2, `at most one frame per report (${drawn} frames, ${reports} reports)`);
  assert.ok(drawn >= Math.min(5, reports / 2), `the reports are drawn (${drawn} frames, ${reports} reports)`);
  assert.ok(drawn < animationFrames / 2 || animationFrames < 2 * reports, `frames between reports are skipped (${drawn} drawn of ${animationFrames} animation frames)`);
  // the page's curve holds every step the reports brought
  const s = await state(page);
  assert.ok(s.lossHistoryLength >= b.steps - 1, `the curve holds the steps reported (${s.lossHistoryLength} points, step ${b.steps})`);
  await screenshot(page, 'worker-training-draws-per-report');
  // Input draws at once, between reports: a hover over Step shows its tooltip
  const st = await state(page);
  const c = await look();
  await page.mouse.move((st.rects.step[0] + st.rects.step[2]) / 2, (st.rects.step[1] + st.rects.step[3]) / 2);
  await page.waitForFunction(() => window.cnnSandbox.inputState().tooltip, null, { timeout: 5000 });
  const d = await look();
  assert.ok(d.drawn > c.drawn, 'the hover drew');
  await page.evaluate(() => window.cnnSandbox.pause());
  await waitState(page, (x) => !x.training, 'paused');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Drawing is what leaves the trainer less than the whole machine under software WebGL, and its cost
// follows the area painted (bench/RESULTS.md). The tiled windows cover the screen and draw no
// background of their own: the canvas is cleared to it. A window background would add 1.0 alone.
test('a frame paints each pixel less than once on average; the windows\' background is the clear colour', async () => {
  for (const [w, h, hash, theme, bg] of [[1280, 720, 'preset=lenet5&data=digits', 'dark', [27, 29, 34]],
                                         [1280, 720, 'preset=lenet5&data=digits', 'high contrast', [0, 0, 0]],
                                         [390, 844, 'preset=lenet5&data=digits', 'dark', [27, 29, 34]],
                                         [900, 600, 'preset=lenet5&data=digits&embed=1', 'dark', [27, 29, 34]]]) {
    const page = await openLab(lab, { width: w, height: h, hash });
    await waitState(page, () => true, 'the lab');
    if (theme === 'high contrast') await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: true }));
    await page.waitForTimeout(500);
    const s = await page.evaluate(() => window.cnnSandbox.inputState());
    const top = Object.entries(s.paintedBy).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${w}x${h} ${hash} (${theme}): painted ${s.painted} of the canvas a frame; most: ${top}`);
    assert.ok(s.painted > 0.1 && s.painted < 1.0, `${w}x${h} ${theme}: painted ${s.painted} (at most once per pixel on average)`);
    for (const [name, a] of Object.entries(s.paintedBy)) assert.ok(a < 0.5, `${name} paints ${a} of the canvas`);
    // each tiled window's bottom-left corner, inside its padding, shows the window background
    const rects = Object.entries((await state(page)).rects).filter(([k]) => k.startsWith('win_') || k === 'embed_layout');
    assert.ok(rects.length >= 1, 'the windows\' rectangles are reported');
    const seen = (await canvasStats(page, rects.map(([, r]) => [r[0] + 4, r[3] - 4]))).atPoints;
    rects.forEach(([k], i) => seen[i].forEach((v, j) => assert.ok(Math.abs(v - bg[j]) <= 1, `${w}x${h} ${theme}: ${k}'s background is rgb(${bg}) (found rgb(${seen[i]}))`)));
    await screenshot(page, `worker-painted-${w}x${h}${theme === 'dark' ? '' : '-contrast'}${hash.includes('embed') ? '-embed' : ''}`);
    if (theme !== 'dark') await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: false }));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

// The pixels two screenshots differ in (decoded in the page), and the box around them.
async function pixelDiff(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const read = async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      c.getContext('2d').drawImage(img, 0, 0);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height);
    };
    const [x, y] = [await read(a), await read(b)];
    let n = 0, box = [1e9, 1e9, -1, -1];
    for (let i = 0; i < x.data.length; i += 4) {
      if (x.data[i] === y.data[i] && x.data[i + 1] === y.data[i + 1] && x.data[i + 2] === y.data[i + 2]) continue;
      const p = i / 4, px = p % x.width, py = Math.floor(p / x.width);
      n++; box = [Math.min(box[0], px), Math.min(box[1], py), Math.max(box[2], px), Math.max(box[3], py)];
    }
    return { pixels: n, box };
  }, [a.toString('base64'), b.toString('base64')]);
}

test('a frame repaints only what changed, and the canvas then shows what a whole repaint shows', async () => {
  for (const [w, h, hash] of [[1280, 720, 'preset=lenet5&data=digits&seed=3'], [390, 844, 'preset=lenet5&data=digits&seed=3'],
                              [900, 600, 'preset=lenet5&data=digits&seed=3&embed=1']]) {
    const page = await openLab(lab, { width: w, height: h, hash });
    await waitState(page, () => true, 'the lab');
    await page.waitForTimeout(600);
    const s0 = await page.evaluate(() => window.cnnSandbox.inputState());
    assert.equal(s0.keepsPixels, true, 'the canvas keeps its pixels between frames (preserveDrawingBuffer)');
    // training untouched: each report repaints the windows it changed, not the whole canvas (the
    // curves on screen, also in the phone's one-view layout)
    await page.evaluate(() => window.cnnSandbox.inspect.show('curves'));
    await page.evaluate(() => window.cnnSandbox.train());
    const seen = [];
    for (let i = 0; i < 25; i++) {
      await page.waitForTimeout(80);
      seen.push((await page.evaluate(() => window.cnnSandbox.inputState())).repainted);
    }
    const most = Math.max(...seen);
    console.log(`${w}x${h}${hash.includes('embed') ? ' embed' : ''}: part of the canvas repainted per frame while training: ${seen.map((v) => v.toFixed(2)).join(' ')}`);
    assert.ok(most > 0, 'training repaints something');
    if (w === 1280) assert.ok(most < 0.7, `a report repaints ${most} of the canvas (the model window stays as it is)`);
    // input while it trains: hovering, a tooltip, another tab and back
    for (const [x, y] of [[100, 140], [w - 200, 60], [w / 2, h / 2], [60, h - 60]]) {
      await page.mouse.move(x, y, { steps: 4 });
      await page.waitForTimeout(150);
    }
    if (!hash.includes('embed')) {
      // the filters (heatmaps drawn by a callback, new textures with each report), the data tab, back
      assert.equal(await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'filters')), true);
      await page.waitForTimeout(700);
      assert.equal(await page.evaluate(() => window.cnnSandbox.setTab('data')), true);
      await page.waitForTimeout(400);
      await page.evaluate(() => { window.cnnSandbox.setTab('designer'); window.cnnSandbox.inspect.show('curves'); });
    }
    await page.evaluate(() => window.cnnSandbox.pause());
    await waitState(page, (s) => !s.training, 'paused');
    await page.waitForTimeout(800);
    const partial = await page.locator('#canvas').screenshot();
    const before = (await page.evaluate(() => window.cnnSandbox.inputState())).framesPainted;
    await page.evaluate(() => window.cnnSandbox.repaintAll());
    await page.waitForTimeout(600);
    const after = await page.evaluate(() => window.cnnSandbox.inputState());
    assert.ok(after.framesPainted > before, 'repaintAll painted a frame');
    const whole = await page.locator('#canvas').screenshot();
    const d = await pixelDiff(page, partial, whole);
    if (d.pixels) await screenshot(page, `worker-repaint-${w}x${h}-whole`);
    assert.equal(d.pixels, 0, `${w}x${h}: the partly repainted canvas differs from a whole repaint in ${d.pixels} pixels, within [${d.box}]`);
    await screenshot(page, `worker-repaint-${w}x${h}${hash.includes('embed') ? '-embed' : ''}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  // ?redraw=always draws every frame and paints only changes: none while idle; ?redraw=full paints each
  for (const [query, paintsAll] of [['?redraw=always', false], ['?redraw=full', true]]) {
    const page = await openLab(lab, { query, hash: 'preset=lenet5&data=digits' });
    await page.waitForTimeout(800);
    const a = await page.evaluate(() => window.cnnSandbox.inputState());
    await page.waitForTimeout(1000);
    const b = await page.evaluate(() => window.cnnSandbox.inputState());
    const drawn = b.framesDrawn - a.framesDrawn, painted = b.framesPainted - a.framesPainted;
    console.log(`${query}: ${drawn} frames drawn in 1 s untouched, ${painted} painted`);
    assert.ok(drawn >= 5, `${query} draws frames while untouched (${drawn})`);
    if (paintsAll) assert.ok(painted >= drawn - 1 && b.repainted === 1, `${query}: ${painted} of ${drawn} frames painted, the last ${b.repainted} of the canvas`);
    else assert.equal(painted, 0, `${query}: nothing changed, nothing painted`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
