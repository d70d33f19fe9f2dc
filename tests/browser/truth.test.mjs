// Issue 15: what the page shows and writes must be true (normalization in exports, the loss in use
// and its unit, diagnoses of runs gone wrong, the notes' numbers). One test per item shown on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLab, openLab, screenshot, state, waitState, waitForFrames } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
const f32 = (x) => Math.fround(x);
// rect a inside rect b ([x0, y0, x1, y1], CSS px; half a pixel of rounding)
const inside = (a, b) => a[0] >= b[0] - 0.5 && a[1] >= b[1] - 0.5 && a[2] <= b[2] + 0.5 && a[3] <= b[3] + 0.5;

async function download(page, rect) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.mouse.click(...center(rect))]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

test('item 1: the PyTorch export and the model file carry the input normalization and class names', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(20));
  const s = await state(page);
  const info = s.datasetInfo;
  assert.ok(info && info.normMean > 0 && info.normStd > 0, 'the page knows its normalization');
  const py = await download(page, s.rects.export_pytorch);
  const script = py.bytes.toString('utf8');
  const mean = Number(/\n {4}INPUT_MEAN = ([0-9.e+-]+)\n/.exec(script)?.[1]);
  const sd = Number(/\n {4}INPUT_STD = ([0-9.e+-]+)\n/.exec(script)?.[1]);
  assert.equal(f32(mean), f32(info.normMean), 'INPUT_MEAN is the training split mean');
  assert.equal(f32(sd), f32(info.normStd), 'INPUT_STD is the training split std');
  assert.match(script, /return self\.layers\(self\.standardize\(x\)\)/);
  assert.match(script, /image pixels as byte \/ 255, in \[0, 1\]/);
  const names = JSON.parse(/\n {4}CLASS_NAMES = (\[.*\])\n/.exec(script)[1]);
  assert.deepEqual(names, info.classNames);
  // The model file: format 2 with the data notes.
  const mf = await download(page, s.rects.save_model);
  assert.equal(mf.bytes.readUInt32LE(8), 2, 'format 2');
  const text = mf.bytes.toString('latin1');
  assert.match(text, /dataset digits\nkind image\ninput_mean [0-9.e-]+\ninput_std [0-9.e-]+\nclass 0\n/);
  await screenshot(page, 'truth-export');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// ImGui's combo and text fields are clicked as a learner would.
async function typeInto(page, rect, text) {
  await page.mouse.dblclick(...center(rect));
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('items 3 and 4: the loss in use and its unit, the no-softmax notice and its one-click fix, the loss as a choice', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=2' });
  const noSoftmax = 'input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nflatten\ndense 10\n';
  assert.equal(await page.evaluate((t) => window.cnnSandbox.setModel(t), noSoftmax), true);
  // The state says what the model needs at once; the page draws it on the next frames (and the
  // Training window takes its new height a frame later): wait until a learner sees the row, the
  // notice and the button inside the Training window.
  const seen = (x, names) => names.every((k) => x.rects[k] && inside(x.rects[k], x.rects.win_training));
  let s = await waitState(page, (x) => x.loss && x.loss.notice && seen(x, ['loss', 'loss_notice', 'loss_fix']), 'the notice');
  assert.equal(s.loss.inUse, 'quadratic (squared error summed over 10 outputs)');
  assert.equal(s.loss.unit, 'squared output units');
  assert.deepEqual(s.loss.choices, ['quadratic (squared error summed over 10 outputs)'], 'one loss fits: no choice');
  assert.match(s.loss.notice, /ends without softmax.*quadratic loss against one-hot labels/);
  assert.equal(s.loss.fix, 'Add softmax');
  assert.ok(s.rects.loss && s.rects.loss_notice && s.rects.loss_fix, 'loss row, notice and button are drawn');
  await page.evaluate(() => window.cnnSandbox.train(10));
  await screenshot(page, 'truth-loss-notice');
  // One click: softmax appended, cross-entropy in nats.
  s = await waitState(page, (x) => seen(x, ['loss_fix']), 'the button after training');  // the panel may have grown a status line
  await page.mouse.click(...center(s.rects.loss_fix));
  s = await waitState(page, (x) => x.loss && !x.loss.notice && x.loss.network === 'cross-entropy' && seen(x, ['loss']), 'the fix');
  assert.equal(s.loss.inUse, 'cross-entropy, nats');
  assert.equal(s.loss.unit, 'nats');
  assert.deepEqual(s.loss.choices, ['cross-entropy, nats', 'quadratic (squared error summed over 10 outputs)']);
  // The choice: open the combo and pick the quadratic loss (the second entry).
  await page.mouse.click(...center(s.rects.loss));
  await waitForFrames(page, 3);
  await screenshot(page, 'truth-loss-choice');
  const r = s.rects.loss;
  const rowH = r[3] - r[1];
  await page.mouse.click(r[0] + 20, r[3] + rowH * 1.4);
  s = await waitState(page, (x) => x.loss && x.loss.network === 'quadratic', 'the quadratic loss chosen');
  assert.equal(s.loss.inUse, 'quadratic (squared error summed over 10 outputs)');
  await page.evaluate(() => window.cnnSandbox.train(10));
  await screenshot(page, 'truth-loss-quadratic');
  // Nats and bits, said once where both appear: under the notes' Figure 1 (bits).
  await page.evaluate(() => window.cnnSandbox.inspect.show('notes', 'fig1'));
  s = await waitState(page, (x) => x.rects.nats_bits, 'the nats/bits note');
  await screenshot(page, 'truth-nats-bits');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('item 13: a run whose loss explodes or whose accuracy stays at chance is diagnosed; ticks never overlap', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1&opt=adam', height: 800 });
  let s = await state(page);
  await typeInto(page, s.rects.lr, '1000');
  await waitForFrames(page, 3);
  await page.evaluate(() => window.cnnSandbox.train(400));
  s = await waitState(page, (x) => x.diagnosis && x.diagnosis.kind, 'a diagnosis');
  console.log(`lr 1000: last loss ${s.lastLoss}, linear smoothed ${s.lastSmoothLoss}, log smoothed ${s.smoothLog}, ` +
              `accuracy ${s.testAccuracy}; ${s.diagnosis.kind}: ${s.diagnosis.text}`);
  assert.match(s.diagnosis.text, /Lower the learning rate \(try 100, 10x lower\)/);
  assert.ok(s.rects.diagnosis, 'the diagnosis is drawn in the training panel');
  // The smoothed curve on the log axis follows the losses (geometric mean), within a factor 100 of the last one.
  assert.ok(s.smoothLog > 0 && Math.abs(Math.log10(s.smoothLog / Math.max(s.lastLoss, 1e-30))) < 2,
            `log-space smoothing ${s.smoothLog} vs last loss ${s.lastLoss}`);
  await waitForFrames(page, 3);
  s = await state(page);
  const ticks = s.plotTicks.Loss;
  assert.ok(ticks.length >= 2, `some loss ticks are labelled (${JSON.stringify(ticks)})`);
  for (let i = 1; i < ticks.length; i++)
    assert.ok(ticks[i][1] <= ticks[i - 1][0], `tick labels ${ticks[i - 1][2]} and ${ticks[i][2]} overlap`);
  await screenshot(page, 'truth-diagnosis');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('item 2: the notes 725,077,721,088 beside ours for AlexNet\'s first layer', async () => {
  const page = await openLab(lab, { hash: 'preset=alexnet-conv1&tab=analysis' });
  const s = await waitState(page, (x) => x.rects.notes_725, 'the notes\' count on the Analysis tab');
  await screenshot(page, 'truth-725');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
