// Issue 17: the lab for screen readers and keyboards. axe-core (npm) finds no violation of WCAG
// 2.1 A/AA or its best practices, with the text view hidden and shown; a keyboard-only learner
// designs a model, trains it and reads the test accuracy from the text view; the canvas's
// shortcuts and the help work; Escape leaves an ImGui text field and keeps what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startLab, openLab, screenshot, state, waitState, waitForFrames, canvasStats } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
const a11yState = (page) => page.evaluate(() => window.cnnA11y.refresh() || window.cnnA11y.state());
const active = (page) => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));

// axe-core in the page (evaluated, not a script tag: the page's CSP allows only its own scripts)
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })),
             passes: r.passes.length, incomplete: r.incomplete.map((v) => v.id) };
  });
}

// Tab until the focus is on the element with this id (at most `max` presses)
async function tabTo(page, id, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await active(page) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached #${id} (focus on ${await active(page)})`);
}

test('axe-core: no WCAG 2.1 A/AA or best-practice violations, text view hidden and shown', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(5));
  await waitForFrames(page, 3);
  const hidden = await axe(page);
  console.log(`axe, text view hidden: ${hidden.passes} rules pass, incomplete: [${hidden.incomplete}]`);
  assert.deepEqual(hidden.violations, []);
  await page.focus('#tv-model');
  await page.evaluate(() => window.cnnA11y.refresh());
  assert.equal(await page.evaluate(() => document.getElementById('tv').classList.contains('tv-shown')), true, 'the text view shows while it has the focus');
  const shown = await axe(page);
  console.log(`axe, text view shown: ${shown.passes} rules pass, incomplete: [${shown.incomplete}]`);
  assert.deepEqual(shown.violations, []);
  await screenshot(page, 'a11y-text-view-1280x720');
  // the table is the canvas's analysis: LeNet-5's rows and total
  const t = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('#tv-analysis tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    return { caption: document.querySelector('#tv-analysis caption').textContent, rows, heads: [...document.querySelectorAll('#tv-analysis thead th')].map((h) => h.scope) };
  });
  const s = await state(page);
  assert.ok(t.heads.every((x) => x === 'col'));
  assert.ok(t.caption.includes(`${s.totalParams.toLocaleString('en-US')} parameters`), t.caption);
  assert.ok(t.rows.length >= 5);
  assert.match(t.rows[0][0], /^conv 6 k5/);
  assert.equal(t.rows[0][2], '156', 'conv 6 k5 on 1 channel: (1*5*5 + 1)*6 = 156 parameters');
  assert.equal(t.rows[0][3], '(1*5*5 + 1)*6');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard only: design a model, set one epoch, train it and read the test accuracy from the text view', async () => {
  const page = await openLab(lab, { hash: 'data=digits&seed=4' });
  const s0 = await state(page);
  const [h, w, c] = s0.datasetInfo.shape;
  const model = `input ${h}x${w}x${c}\nconv 8 k3 p1\nrelu\nmaxpool k2 s2\nflatten\ndense ${s0.datasetInfo.numClasses}\nsoftmax\n`;
  // from the canvas (focused at load), Tab reaches the skip link; Enter opens the text view
  assert.equal(await active(page), 'canvas');
  await tabTo(page, 'tv-skip');
  await page.keyboard.press('Enter');
  assert.equal(await active(page), 'tv-h');
  // the model text: select all, type, apply with Ctrl+Enter
  await tabTo(page, 'tv-model');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(model);
  await page.keyboard.press('Control+Enter');
  let s = await waitState(page, (x) => x.modelText === model && x.modelValid, 'the typed model applied');
  const a = await a11yState(page);
  assert.equal(a.analysis.rows.length, 6);
  assert.equal(a.analysis.rows[0].paramsText, `${(c * 9 + 1) * 8}`, 'conv 8 k3: (c*3*3 + 1)*8 parameters');
  // an error in the text: said in an alert, with the line
  await page.keyboard.press('Control+End');
  await page.keyboard.type('conv 0 k3\n');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /Model text: .*line 8/.test(document.getElementById('tv-alert').textContent), null, { timeout: 10000 });
  assert.equal(await page.getAttribute('#tv-model', 'aria-invalid'), 'true');
  await page.keyboard.press('Control+Z');  // the textarea's own undo
  await page.evaluate(() => { });           // (the field now holds the valid model again)
  const text = await page.inputValue('#tv-model');
  if (text !== model) { await page.keyboard.press('Control+A'); await page.keyboard.type(model); }
  await page.keyboard.press('Control+Enter');
  await waitState(page, (x) => x.modelText === model && x.modelValid, 'the valid model back');
  // one epoch
  await tabTo(page, 'tv-set-epochs');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('1');
  await page.keyboard.press('Tab');  // change event: the setting is set
  // Train (Enter on the focused button), then wait for the run to end by itself after 1 epoch
  await tabTo(page, 'tv-train');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^Training/.test(document.getElementById('tv-live').textContent), null, { timeout: 20000 });
  assert.equal(await page.getAttribute('#tv-train', 'aria-pressed'), 'true');
  s = await waitState(page, (x) => !x.training && x.steps > 0 && x.testAccuracy !== null, 'one epoch trained', 300000);
  await page.evaluate(() => window.cnnA11y.refresh());
  const curves = await page.$$eval('#tv-curves li', (ls) => ls.map((l) => l.textContent));
  const accLine = curves.find((l) => l.startsWith('test accuracy'));
  assert.ok(accLine, `a test accuracy sentence in ${JSON.stringify(curves)}`);
  const shown = Number(/^test accuracy ([0-9.]+)/.exec(accLine)[1]);
  assert.equal(shown, Number(s.testAccuracy.toPrecision(3)), 'the text view says the lab\'s test accuracy');
  assert.ok(shown > 0.5, `test accuracy ${shown} after one epoch is well above chance`);
  assert.match(accLine, /after 1\.0 epochs/);
  const live = await page.textContent('#tv-live');
  assert.match(live, /^Paused; epoch 1\.00/);
  console.log(`keyboard-only run: ${accLine} | live: ${live}`);
  await screenshot(page, 'a11y-keyboard-trained');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('shortcuts on the canvas, the help, and Escape that leaves a text field keeping the text', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  assert.equal(await active(page), 'canvas');
  await page.keyboard.press('2');
  await waitState(page, (x) => x.tab === 'analysis', 'key 2: Analysis', 10000);
  await page.keyboard.press('3');
  await waitState(page, (x) => x.tab === 'data', 'key 3: Data', 10000);
  await page.keyboard.press('1');
  await waitState(page, (x) => x.tab === 'designer', 'key 1: Designer', 10000);
  await page.keyboard.press('s');
  await waitState(page, (x) => x.steps === 1, 'key s: one step', 20000);
  await page.keyboard.press('t');
  await waitState(page, (x) => x.training, 'key t: train', 10000);
  await page.keyboard.press('t');
  await waitState(page, (x) => !x.training, 'key t again: pause', 10000);
  // the help: a dialog with the focus on Close; Escape closes it and the focus comes back
  // '?' reaches the page from ImGui's next frame (A11yShortcuts), not from the key event itself
  await page.keyboard.press('Shift+Slash');
  await page.waitForSelector('#tv-help', { state: 'visible', timeout: 10000 });
  assert.equal(await active(page), 'tv-help-close');
  await screenshot(page, 'a11y-help');
  // the single-key shortcuts can be turned off (WCAG 2.1.4)
  await page.keyboard.press('Tab');
  assert.equal(await active(page), 'tv-shortcuts');
  await page.keyboard.press('Space');
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#tv-help'), false);
  assert.equal(await active(page), 'canvas');
  const steps = (await state(page)).steps;
  await page.keyboard.press('s');
  await waitForFrames(page, 5);
  assert.equal((await state(page)).steps, steps, 'with the shortcuts off, s does nothing');
  await page.evaluate(() => localStorage.removeItem('cnnSandbox.shortcuts'));
  // Tab leaves the canvas (no keyboard trap)
  await page.keyboard.press('Tab');
  assert.notEqual(await active(page), 'canvas');
  // Escape in the model text (an ImGui field) leaves it with the edit kept, where ImGui alone would revert
  let s = await state(page);
  await page.mouse.click(...center(s.rects.model_text));
  await waitForFrames(page, 3);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# kept after Escape\n');
  s = await waitState(page, (x) => x.modelText.endsWith('# kept after Escape\n'), 'typed into the model text', 10000);
  await page.keyboard.press('Escape');
  await waitForFrames(page, 4);
  assert.equal((await page.evaluate(() => window.cnnSandbox.inputState())).textFieldActive, false, 'Escape left the field');
  assert.ok((await state(page)).modelText.endsWith('# kept after Escape\n'), 'and kept the text');
  assert.equal(await active(page), 'canvas');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The share of the canvas's pixels that are pure black (the high-contrast theme's background)
const blackShare = async (page) => (await canvasStats(page)).blackShare;

function checkFits(s, where) {
  const vp = s.rects.viewport;
  const inside = (r) => r[0] >= vp[0] - 0.5 && r[1] >= vp[1] - 0.5 && r[2] <= vp[2] + 0.5 && r[3] <= vp[3] + 0.5;
  assert.deepEqual(s.truncated, [], `${where}: labels cut short`);
  for (const [k, r] of Object.entries(s.rects)) if (/^(win_|tab_|rtab_|view_)/.test(k)) assert.ok(inside(r), `${where}: ${k} ${r} outside ${vp}`);
}

// One column: each view of the switcher, each tab in it, clicked as a learner would; Train and Step
// on the Training view are at least minHeight CSS px high
async function everyPanel(page, tag, minHeight) {
  const click = async (name) => {
    const s = await state(page);
    assert.ok(s.rects[name], `${tag}: ${name} on screen`);
    await page.mouse.click(...center(s.rects[name]), { delay: 40 });
    await waitForFrames(page, 4);
    checkFits(await state(page), `${tag} after ${name}`);
  };
  await click('view_Model');
  for (const t of ['tab_Analysis', 'tab_Data', 'tab_Designer']) await click(t);
  await click('view_Training');
  const s = await state(page);
  for (const b of ['train', 'step']) {
    assert.ok(s.rects[b], `${tag}: ${b} on the Training view`);
    assert.ok(s.rects[b][3] - s.rects[b][1] >= minHeight, `${tag}: ${b} is ${(s.rects[b][3] - s.rects[b][1]).toFixed(1)} CSS px high`);
  }
  await screenshot(page, `${tag}-training`);
  await click('view_Curves');
  for (const t of ['rtab_Inside', 'rtab_Backprop', 'rtab_Notes', 'rtab_Curves']) await click(t);
  await screenshot(page, `${tag}-curves`);
}

test('display: the high-contrast theme, text at 200 %, and 200 % browser zoom keep every panel usable', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(20));
  await waitForFrames(page, 3);
  const darkBlack = await blackShare(page);
  await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: true }));
  await waitForFrames(page, 4);
  let d = (await a11yState(page)).display;
  assert.equal(d.highContrast, true);
  assert.equal(d.theme, 'high contrast');
  const hcBlack = await blackShare(page);
  console.log(`black pixels: dark theme ${(100 * darkBlack).toFixed(1)} %, high contrast ${(100 * hcBlack).toFixed(1)} %`);
  assert.ok(darkBlack < 0.02 && hcBlack > 0.5, 'the high-contrast theme draws on black');
  checkFits(await state(page), 'high contrast');
  await screenshot(page, 'a11y-high-contrast-1280x720');
  for (const t of ['Analysis', 'Data']) {
    await page.evaluate((n) => window.cnnSandbox.setTab(n), t.toLowerCase());
    await waitForFrames(page, 4);
    await screenshot(page, `a11y-high-contrast-${t.toLowerCase()}-1280x720`);
  }
  // the choice is kept for the next visit
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('cnnSandbox.display'))).highContrast, true);
  // text at 200 %: the fonts and every size double; 1280x720 then lays out like 640x360
  await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: false, textPercent: 200 }));
  await page.evaluate(() => window.cnnSandbox.setTab('designer'));
  await waitForFrames(page, 4);
  let s = await state(page);
  d = (await a11yState(page)).display;
  assert.equal(d.textPercent, 200);
  assert.equal(s.singleColumn, true, '1280x720 at 200 % text lays out like 640x360: one column');
  checkFits(s, '200 % text');
  await screenshot(page, 'a11y-text-200-1280x720');
  // every panel is still reachable at 200 %: the switcher's views, then their tabs, by click
  await everyPanel(page, 'a11y-text-200-1280x720', 2 * 15);  // 15 px text at 200 %
  s = await state(page);
  await page.evaluate(() => window.cnnA11y.setDisplay({ textPercent: 100 }));
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // 200 % browser zoom of a 1280x720 window: 640x360 CSS px at 2 device px each
  const zoom = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2', width: 640, height: 360, dpr: 2 });
  await zoom.evaluate(() => window.cnnSandbox.train(20));
  await waitForFrames(zoom, 4);
  s = await state(zoom);
  assert.equal(s.dpr, 2);
  assert.equal(s.singleColumn, true);
  checkFits(s, '200 % zoom');
  await screenshot(zoom, 'a11y-zoom-200-640x360');
  await everyPanel(zoom, 'a11y-zoom-200-640x360', 15);  // the browser doubles CSS px itself
  assert.deepEqual(zoom.errors, []);
  await zoom.context().close();
});

test('runs are told apart by more than colour: each run has its own marker shape in the plots and legends', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(15));
  await page.evaluate(() => window.cnnSandbox.reset());
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.01));
  await page.evaluate(() => window.cnnSandbox.train(15));
  await page.evaluate(() => window.cnnSandbox.reset());
  await page.evaluate(() => window.cnnSandbox.train(15));
  await waitForFrames(page, 4);
  const a = await a11yState(page);
  const loss = a.legends.Loss;
  console.log(`loss legend: ${loss.map((e) => `${e.label} (${e.marker})`).join(', ')}`);
  assert.equal(loss.length, 3, 'three runs in the legend');
  assert.equal(new Set(loss.map((e) => e.marker)).size, 3, 'three different marker shapes');
  assert.deepEqual(loss.map((e) => e.marker), ['circle', 'square', 'triangle'], 'run colours 1, 2, 3: shapes 1, 2, 3');
  await screenshot(page, 'a11y-three-runs-markers');
  await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: true }));
  await waitForFrames(page, 4);
  assert.deepEqual((await a11yState(page)).legends.Loss.map((e) => e.marker), ['circle', 'square', 'triangle'], 'the same shapes in the high-contrast theme');
  await screenshot(page, 'a11y-three-runs-markers-high-contrast');
  await page.evaluate(() => window.cnnA11y.setDisplay({ highContrast: false }));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a legend hides no point and no line of its plot: at 94% test accuracy the accuracy legend leaves the top right corner', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1' });
  await page.evaluate(() => window.cnnSandbox.train(60));
  await waitForFrames(page, 4);
  const m = await page.evaluate(() => window.cnnSandbox.getMetrics());
  assert.ok(m.testAccuracy[0] > 0.9, `the evaluation at step 50 is near the top: ${m.testAccuracy[0]}`);
  const p = (await a11yState(page)).legendPlaces;
  console.log(`legends: ${JSON.stringify(p)}`);
  assert.deepEqual(p.Loss, { corner: 'top right', hidden: 0, segments: 0 }, 'the loss legend stays top right, over no point nor line');
  assert.equal(p['Test accuracy'].hidden, 0, 'the accuracy legend covers no point');
  assert.equal(p['Test accuracy'].segments, 0, 'nor a line between points');
  assert.notEqual(p['Test accuracy'].corner, 'top right', 'where the step-50 point is');
  await screenshot(page, 'a11y-legend-clear-of-points');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // A run of one epoch, whose curves reach the right edge: accuracy near 1 along the top, its
  // zero-one error near 0 along the bottom. When only points counted, the accuracy legend left the
  // top right at step 50 for the bottom right and stayed there, over the error line's last segment.
  const p2 = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&epochs=1' });
  await p2.evaluate(() => window.cnnSandbox.train(60));
  await waitForFrames(p2, 4);
  console.log(`legends of the one-epoch run at step 60: ${JSON.stringify((await a11yState(p2)).legendPlaces)}`);
  await p2.evaluate(() => window.cnnSandbox.train(128));
  await waitForFrames(p2, 4);
  const q = (await a11yState(p2)).legendPlaces;
  console.log(`legends at the epoch's end: ${JSON.stringify(q)}`);
  for (const t of ['Loss', 'Test accuracy']) {
    assert.equal(q[t].hidden, 0, `the ${t} legend covers no point`);
    assert.equal(q[t].segments, 0, `the ${t} legend covers no line`);
  }
  await screenshot(p2, 'a11y-legend-clear-after-epoch');
  assert.deepEqual(p2.errors, []);
  await p2.context().close();
});

test('the Inside views in words: the prediction, each layer\'s strongest map, the clicked unit\'s field, the confusion matrix', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(60));
  assert.equal(await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'maps')), true);
  await waitForFrames(page, 6);
  const ins = await page.evaluate(() => window.cnnSandbox.inspect.getState());
  let a = (await a11yState(page)).inside;
  console.log(JSON.stringify(a));
  assert.equal(a.view, 'Maps');
  assert.equal(a.sample, `test sample ${ins.sample + 1}`);
  // the words say what the view computed: the predicted class and its probability
  const p = /^predicted (\d+) \(p ([0-9.e-]+)\)/.exec(a.prediction);
  assert.ok(p, a.prediction);
  assert.equal(Number(p[1]), ins.predicted);
  // 3 significant digits, more where 3 would round a probability below 1 up to 1 (describe.cpp)
  const prob = ins.probs[ins.predicted];
  let digits = 3;
  while (digits < 9 && prob < 1 && Number(prob.toPrecision(digits)) === 1) digits++;
  assert.equal(Number(p[2]), Number(prob.toPrecision(digits)), `${a.prediction} for p = ${prob}`);
  // LeNet-5's four layers with pictures: conv 28x28x6, relu, maxpool 14x14x6, conv 10x10x16, relu, maxpool 5x5x16
  assert.equal(a.maps.length, 6);
  assert.match(a.maps[0], /map \d of 6: strongest response [0-9.e+-]+ at the [a-z ]+ \(row \d+, column \d+ of 28x28\), mean/);
  assert.match(a.maps[5], /of 5x5/);
  // a unit's field, then the confusion matrix
  assert.equal(await page.evaluate(() => window.cnnSandbox.inspect.selectUnit(1, 0, 13, 13)), true);
  await waitForFrames(page, 4);
  a = (await a11yState(page)).inside;
  assert.match(a.field, /^unit \(row 14, column 14\) of .* sees input rows 12 to 16 and columns 12 to 16/);
  await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'confusion'));
  await page.waitForFunction(() => { window.cnnA11y.refresh(); return !!(window.cnnA11y.state().inside || {}).confusion; }, null, { timeout: 60000 });
  a = (await a11yState(page)).inside;
  assert.match(a.confusion, /^accuracy [0-9.]+ on 500 test samples; (no mistakes|most often confused: true \d taken for \d \(\d+ times?\))/);
  const items = await page.$$eval('#tv-inside li', (ls) => ls.map((l) => l.textContent));
  assert.ok(items.some((t) => t.startsWith('Confusion matrix: accuracy')), JSON.stringify(items));
  console.log(items.join('\n'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('classes are told apart by more than colour: a marker shape per class in the data points, the class table and the decision field', async () => {
  const page = await openLab(lab, { hash: 'data=spirals&seed=3' });
  let s = await waitState(page, (x) => x.datasetInfo && x.datasetInfo.name === 'spirals', 'the spirals', 60000);
  const k = s.datasetInfo.numClasses;
  assert.equal(await page.evaluate((t) => window.cnnSandbox.setModel(t), `input 1x1x2\ndense 24\nrelu\ndense 24\nrelu\ndense ${k}\nsoftmax\n`), true);
  await page.evaluate(() => window.cnnSandbox.setTab('data'));
  await page.evaluate(() => window.cnnSandbox.train(200));
  await waitForFrames(page, 4);
  const classes = (await a11yState(page)).data.classes;
  console.log(`spirals: ${classes.map((c) => `${c.name} (${c.marker})`).join(', ')}`);
  assert.equal(classes.length, k);
  assert.equal(new Set(classes.map((c) => c.marker)).size, k, 'one shape per class');
  await screenshot(page, 'a11y-classes-data-markers');
  await page.evaluate(() => window.cnnSandbox.inspect.show('inside', 'boundary'));
  await waitForFrames(page, 8);
  await screenshot(page, 'a11y-classes-boundary-markers');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the canvas\'s own controls work from the keyboard: ImGui\'s focus moves with the arrow keys and Space presses a button', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  assert.equal(await active(page), 'canvas');
  const same = (a, b) => a && b && Math.abs(a[0] - b[0]) < 2 && Math.abs(a[1] - b[1]) < 2 && Math.abs(a[2] - b[2]) < 2 && Math.abs(a[3] - b[3]) < 2;
  // Ctrl+Tab brings the keyboard focus into the next window; the arrows move it to Step
  let nav = null, s = null, path = [];
  for (let i = 0; i < 6 && !(nav && /Training/.test(nav.window)); i++) {
    await page.keyboard.press('Control+Tab');
    await waitForFrames(page, 3);
    nav = (await a11yState(page)).nav;
    path.push(nav && nav.window);
  }
  assert.ok(nav && /Training/.test(nav.window), `Ctrl+Tab reaches the Training window: ${path}`);
  const keys = ['ArrowUp', 'ArrowUp', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft'];
  for (const k of keys) { await page.keyboard.press(k); await waitForFrames(page, 2); }
  for (let i = 0; i < 6; i++) {
    s = await state(page);
    nav = (await a11yState(page)).nav;
    if (same(nav.rect, s.rects.step)) break;
    await page.keyboard.press('ArrowRight');
    await waitForFrames(page, 2);
  }
  assert.ok(same(nav.rect, s.rects.step), `the focus on Step: ${JSON.stringify(nav)} vs ${s.rects.step}`);
  assert.equal(nav.visible, true, 'the focus frame is drawn');
  await screenshot(page, 'a11y-imgui-keyboard-focus-step');
  const steps = s.steps;
  await page.keyboard.press('Space');
  await waitState(page, (x) => x.steps === steps + 1, 'Space on Step: one step', 20000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
