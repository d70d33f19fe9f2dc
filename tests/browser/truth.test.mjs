// Issue 15: what the page shows and writes must be true (normalization in exports, the loss in use
// and its unit, diagnoses of runs gone wrong, the notes' numbers). One test per item shown on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLab, openLab, screenshot, state } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
const f32 = (x) => Math.fround(x);

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
