// The lab page (issue 7): the default lab trains from a click on Train and the loss falls; an
// invalid model shows its message and nothing crashes; every panel renders for every preset at
// 1280x720 and in a 900x600 iframe-sized window; no console errors. Screenshots of each state go
// to tests/browser/artifacts/ (lab-*.png). Frame times and samples/s while training are printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, openLab, screenshot, canvasStats, waitForFrames, state, waitState, browserName } from './lib.mjs';

// The notes' examples on 224x224x3 and 32x32x1 inputs: no dataset of ours has those shapes.
const analysisOnly = ['alexnet-conv1', 'rf-example', 'vgg16'];

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];

test('the default lab trains from a click on Train, the loss falls, frame time and throughput are reported', async () => {
  const page = await openLab(lab);
  let s = await state(page);
  assert.equal(s.modelValid, true, 'the default model is valid');
  assert.ok(s.trainingAllowed, `training allowed on open (blocked: ${s.trainingBlockedBecause})`);
  assert.equal(s.lossHistoryLength, 0);
  await screenshot(page, 'lab-default-1280x720');
  assert.ok(s.rects.train, 'the Train button reports its rect');
  const [x, y] = center(s.rects.train);
  await page.mouse.click(x, y);
  s = await waitState(page, (t) => t.lossHistoryLength >= 60 && t.evaluations >= 1, '60 training steps and one evaluation', 120000);
  // measure over a few seconds of training
  const frames0 = s.frame, t0 = Date.now();
  await page.waitForTimeout(3000);
  s = await state(page);
  const fps = (s.frame - frames0) / ((Date.now() - t0) / 1000);
  console.log(`training ${s.preset} on ${s.dataset}: ${fps.toFixed(1)} frames/s measured from outside, page reports fps ${s.fps.toFixed(1)}, ` +
              `mean frame ${s.frameMs.toFixed(1)} ms, max ${s.maxFrameMs.toFixed(1)} ms, work ${s.workMs.toFixed(1)} ms/frame (budget ${s.trainBudgetMs} ms), ` +
              `${s.samplesPerSecond.toFixed(0)} samples/s, ${s.steps} steps, loss ${s.firstLoss.toFixed(3)} -> smoothed ${s.lastSmoothLoss.toFixed(3)}, test accuracy ${s.testAccuracy}`);
  assert.equal(s.training, true);
  assert.ok(s.samplesPerSecond > 0, 'samples per second reported');
  assert.ok(s.lastSmoothLoss < s.firstLoss * 0.8, `the loss falls: first ${s.firstLoss}, smoothed now ${s.lastSmoothLoss}`);
  await screenshot(page, 'lab-training-1280x720');
  // Pause by click: the step count stops
  const [px, py] = center(s.rects.pause);
  await page.mouse.click(px, py);
  await waitForFrames(page, 3);
  const paused = await state(page);
  assert.equal(paused.training, false);
  await page.waitForTimeout(500);
  assert.equal((await state(page)).steps, paused.steps, 'no steps while paused');
  // CSV export by click
  const csvText = await page.evaluate(() => window.cnnSandbox.curvesCsv());
  assert.match(csvText, /^run,label,kind,step,value\n1,/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Frame intervals over `ms` milliseconds, from the browser's own animation-frame clock.
async function frameIntervals(page, ms = 4000) {
  const ts = await page.evaluate((ms) => new Promise((res) => {
    const ts = [];
    const f = (t) => { ts.push(t); if (t - ts[0] < ms) requestAnimationFrame(f); else res(ts); };
    requestAnimationFrame(f);
  }), ms);
  const gaps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
  const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * p))];
  return { fps: 1000 * gaps.length / (ts.at(-1) - ts[0]), median: q(0.5), p95: q(0.95), max: gaps.at(-1) };
}
const fmtFrames = (f) => `${f.fps.toFixed(1)} fps, interval median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`;

for (const preset of ['lenet5', 'wide']) {
  test(`${preset} trains in slices: frame times paused vs training and samples/s are reported`, async () => {
    const page = await openLab(lab);
    assert.equal(await page.evaluate((p) => window.cnnSandbox.setPreset(p), preset), true);
    await page.evaluate(() => window.cnnSandbox.setDataset('digits'));
    await waitForFrames(page, 3);
    let s = await state(page);
    assert.ok(s.trainingAllowed, `training allowed (blocked: ${s.trainingBlockedBecause})`);
    const idle = await frameIntervals(page);
    await page.mouse.click(...center(s.rects.train));
    s = await waitState(page, (t) => t.steps >= 3, `3 steps of ${preset}`, 180000);
    const steps0 = s.steps, t0 = Date.now();
    const busy = await frameIntervals(page);
    s = await state(page);
    const stepsPerSec = (s.steps - steps0) / ((Date.now() - t0) / 1000);
    console.log(`${preset} on digits: paused ${fmtFrames(idle)}; training ${fmtFrames(busy)}; page work ${s.workMs.toFixed(1)} ms/frame, ` +
                `training budget ${s.trainBudgetMs.toFixed(1)} ms, ${s.samplesPerSecond.toFixed(0)} samples/s (${(stepsPerSec * 32).toFixed(0)} from steps), ${s.steps} steps`);
    assert.equal(s.training, true);
    assert.ok(s.steps > steps0, 'training goes on while frames are measured');
    await screenshot(page, `lab-training-${preset}`);
    if (preset !== 'lenet5') { assert.deepEqual(page.errors, []); await page.context().close(); return; }
    // The SIMD switch: the scalar reference kernels take over, training goes on, and back
    const kernels = () => page.evaluate(() => window.Module.ccall('cnn_kernels_in_use', 'string', [], []));
    assert.equal(await kernels(), 'wasmsimd');
    const sps = async () => { const a = await state(page); await page.waitForTimeout(3000); const b = await state(page); return (b.steps - a.steps) * 32 / 3; };
    const simdSps = await sps();
    await page.mouse.click(...center(s.rects.simd));
    await waitForFrames(page, 3);
    assert.equal(await kernels(), 'reference');
    const refSps = await sps();
    console.log(`${preset}: page samples/s with SIMD128 ${simdSps.toFixed(0)}, with the scalar reference kernels ${refSps.toFixed(0)} (x${(simdSps / refSps).toFixed(1)})`);
    assert.ok(refSps > 0, 'training goes on with the reference kernels');
    await page.mouse.click(...center((await state(page)).rects.simd));
    await waitForFrames(page, 3);
    assert.equal(await kernels(), 'wasmsimd');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('an invalid model shows the analyzer message at its layer, training is off, the last valid model stays', async () => {
  const height0 = 720;
  const page = await openLab(lab);
  const ok = await page.evaluate(() => window.cnnSandbox.setModel('input 28x28x1\nconv 6 k5\nmaxpool k2\nconv 16 k40\nrelu\ndense 10\nsoftmax\n'));
  assert.equal(ok, false);
  await waitForFrames(page, 3);
  let s = await state(page);
  assert.equal(s.modelValid, false);
  assert.equal(s.modelParsed, true);
  assert.equal(s.error.layer, 3, 'the error points at the third layer (conv 16 k40)');
  assert.ok(s.error.message.length > 10, `an error message: ${s.error.message}`);
  assert.equal(s.trainingAllowed, false);
  await screenshot(page, 'lab-invalid-designer');
  // a click on the disabled Train does nothing
  await page.mouse.click(...center(s.rects.train));
  await page.mouse.move(5, height0 - 5);  // no tooltip over the next screenshots
  await waitForFrames(page, 3);
  s = await state(page);
  assert.equal(s.steps, 0);
  assert.equal(s.training, false);
  await page.evaluate(() => window.cnnSandbox.setTab('analysis'));
  await waitForFrames(page, 3);
  await screenshot(page, 'lab-invalid-analysis');
  // text that does not parse at all, typed into the model text box
  await page.evaluate(() => window.cnnSandbox.setTab('designer'));
  await waitForFrames(page, 3);
  s = await state(page);
  // Typed as one burst of DOM key events inside a single task, so every press, release and character
  // reaches the page between two frames, as on a busy laptop: none may be lost or reordered (ImGui
  // 1.86 alone drops a key pressed and released within one frame, and applies it after the characters).
  const typed = 'input 28x28x1\nconv six k5\n';
  await page.mouse.click(...center(s.rects.model_text));
  await waitForFrames(page, 3);
  await page.evaluate((text) => {
    const fire = (type, keyCode, charCode = 0) => {
      const e = new KeyboardEvent(type, { bubbles: true, cancelable: true, ctrlKey: type !== 'keyup' && keyCode === 65 && window.__ctrl });
      Object.defineProperty(e, 'keyCode', { get: () => keyCode });
      Object.defineProperty(e, 'charCode', { get: () => charCode });
      window.dispatchEvent(e);
    };
    window.__ctrl = true;
    fire('keydown', 17); fire('keydown', 65); fire('keyup', 65); fire('keyup', 17);  // Ctrl+A
    window.__ctrl = false;
    for (const ch of text) {
      const code = ch === '\n' ? 13 : ch.toUpperCase().charCodeAt(0);
      fire('keydown', code);
      if (ch !== '\n') fire('keypress', code, ch.charCodeAt(0));
      fire('keyup', code);
    }
  }, typed);
  await waitForFrames(page, 40);
  s = await state(page);
  assert.equal(s.modelText, typed, 'every typed key arrived, in order');
  assert.equal(s.modelParsed, false, `typed text does not parse: ${JSON.stringify(s.modelText)}`);
  assert.equal(s.error.line, 2, `error on the conv line: ${s.error.text}`);
  await screenshot(page, 'lab-invalid-typed');
  // Undo back to a valid model: the button works from the keyboard-free path too
  await page.mouse.click(5, 5);
  for (let i = 0; i < 40 && !(await state(page)).modelValid; i++) await page.evaluate(() => window.cnnSandbox.undo());
  s = await state(page);
  assert.equal(s.modelValid, true, 'undo reaches a valid model');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const [width, height] of [[1280, 720], [900, 600]]) {
  test(`every panel renders for every preset at ${width}x${height}`, async () => {
    const page = await openLab(lab, { width, height });
    const presets = (await state(page)).presets;
    assert.ok(presets.length >= 6, `presets: ${presets}`);
    for (const p of presets) {
      assert.equal(await page.evaluate((n) => window.cnnSandbox.setPreset(n), p), true);
      for (const tab of ['designer', 'analysis', 'data']) {
        await page.evaluate((t) => window.cnnSandbox.setTab(t), tab);
        await waitForFrames(page, 4);
        const s = await state(page);
        assert.equal(s.tab, tab);
        assert.equal(s.modelValid, true, `${p} is valid: ${s.error?.text}`);
        await screenshot(page, `lab-${width}x${height}-${p}-${tab}`);
        const st = await canvasStats(page);
        assert.ok(st.distinctColors > 20 && st.maxLuma - st.minLuma > 100, `${p}/${tab} drew something`);
        // the window rects tile the viewport: the Train button and the plots are on screen
        for (const name of ['train', 'plot_loss', 'plot_acc']) {
          const r = s.rects[name];
          assert.ok(r && r[0] >= 0 && r[1] >= 0 && r[2] <= width + 1 && r[3] <= height + 1, `${name} on screen: ${r}`);
        }
      }
      const s = await state(page);
      if (analysisOnly.includes(p)) {
        assert.equal(s.trainingAllowed, false, `${p} is analysis only (no dataset has its input shape)`);
        assert.match(s.trainingBlockedBecause, /analysis only/);
      } else {
        assert.equal(s.trainingAllowed, true, `${p} trains on ${s.dataset}: ${s.trainingBlockedBecause}`);
      }
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

// Issue 15 item 14 / issue 18 item 2: the budget limits training, not analysis. VGG-16 gets its
// table and ONE training-memory figure (the engine's memory plan), above the 1 GiB budget; only
// Train is refused. LeNet-5's figure is the same plan, within the budget.
test('VGG-16 is analyzed with its training memory against the budget; only Train is refused', async () => {
  const page = await openLab(lab);
  assert.equal(await page.evaluate(() => window.cnnSandbox.setPreset('lenet5')), true);
  await page.evaluate(() => window.cnnSandbox.setTab('analysis'));
  let s = await waitState(page, (t) => t.preset === 'lenet5' && t.trainingAllowed, 'lenet5 ready');
  assert.ok(s.trainingMemoryBytes > 5e6 && s.trainingMemoryBytes < 2 ** 30, `LeNet-5 training memory ${s.trainingMemoryBytes}`);
  console.log(`LeNet-5: training memory ${s.trainingMemoryBytes} bytes (${(s.trainingMemoryBytes / 2 ** 20).toFixed(1)} MiB)`);
  assert.equal(await page.evaluate(() => window.cnnSandbox.setPreset('vgg16')), true);
  await waitForFrames(page, 4);
  s = await state(page);
  assert.equal(s.modelValid, true, `VGG-16 analyzes: ${s.error?.text}`);
  assert.equal(s.totalParams, 138357544);
  assert.ok(s.trainingMemoryBytes > 2 ** 30, `VGG-16 training memory ${s.trainingMemoryBytes} is over the budget`);
  console.log(`VGG-16: training memory ${s.trainingMemoryBytes} bytes (${(s.trainingMemoryBytes / 2 ** 30).toFixed(1)} GiB)`);
  assert.equal(s.trainingAllowed, false);
  assert.match(s.trainingBlockedBecause, /analysis only/);
  await screenshot(page, 'lab-vgg16-analysis');
  // A model the digits fit, over the budget: analyzed, and Train refused with the budget named.
  const wide = 'input 28x28x1\nconv 1024 k3 same\nrelu\nconv 1024 k3 same\nrelu\ngap\ndense 10\nsoftmax\n';
  assert.equal(await page.evaluate((t) => window.cnnSandbox.setModel(t), wide), true);
  s = await waitState(page, (t) => t.modelValid && t.trainingBlockedBecause.includes('budget'), 'refused for its memory');
  assert.ok(s.trainingMemoryBytes > 2 ** 30, `${s.trainingMemoryBytes}`);
  assert.equal(s.trainingAllowed, false);
  console.log(`over-budget model: ${s.trainingBlockedBecause}`);
  await screenshot(page, 'lab-over-budget-analysis');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('every preset that trains takes a few steps on its dataset', async () => {
  const page = await openLab(lab);
  const presets = (await state(page)).presets.filter((p) => !analysisOnly.includes(p));
  for (const p of presets) {
    await page.evaluate((n) => window.cnnSandbox.setPreset(n), p);
    await waitForFrames(page, 2);
    await page.evaluate(() => window.cnnSandbox.step(3));
    const s = await waitState(page, (t) => t.steps >= 3, `${p}: 3 steps`);
    assert.ok(Number.isFinite(s.lastLoss), `${p}: finite loss ${s.lastLoss}`);
  }
  await screenshot(page, 'lab-after-preset-steps');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the layer list edits by mouse: duplicate, remove, drag to reorder; text follows; undo restores', async () => {
  const page = await openLab(lab);
  // LeNet-5 with the learner's comments: list edits must keep each comment with its layer
  const commented = '# my LeNet\ninput 28x28x1\nconv 6 k5 p2  # C1\nrelu\nmaxpool k2    # S2\nconv 16 k5\nrelu\nmaxpool k2\n' +
                    'dense 120\nrelu\ndense 84\nrelu\ndense 10\nsoftmax  # ten classes\n';
  assert.equal(await page.evaluate((t) => window.cnnSandbox.setModel(t), commented), true);
  await waitForFrames(page, 3);
  let s = await state(page);
  const original = s.modelText;
  assert.equal(original, commented);
  const lines = (t) => t.trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\s*#.*$/, ''));
  // duplicate layer 1 (conv 6 k5 p2)
  await page.mouse.click(...center(s.rects.duplicate_1));
  await waitForFrames(page, 3);
  s = await state(page);
  assert.deepEqual(lines(s.modelText).slice(1, 3), ['conv 6 k5 p2', 'conv 6 k5 p2'], 'duplicated');
  assert.equal(s.modelValid, true);
  // remove it again
  await page.mouse.click(...center(s.rects.remove_2));
  await waitForFrames(page, 3);
  s = await state(page);
  assert.equal(lines(s.modelText).length, lines(original).length, 'removed');
  // drag layer 2 (relu) down, below the middle of the maxpool row (options of a selected row may lie between)
  const dragRelu = async () => {
    const r = s.rects.layer_2, r3 = s.rects.layer_3, h = r3[3] - r3[1];
    const y0 = (r[1] + r[3]) / 2, y1 = (r3[1] + r3[3]) / 2 + h * 0.3;
    await page.mouse.move(r[0] + 40, y0);
    await page.mouse.down();
    for (let k = 1; k <= 8; k++) { await page.mouse.move(r[0] + 40, y0 + (y1 - y0) * k / 8); await waitForFrames(page, 1); }
    // then aim again, twice, at the maxpool row where it is now (rows reorder only on release, but
    // the layout can shift under the press)
    for (let k = 0; k < 2; k++) {
      const m = (await state(page)).rects.layer_3;
      await page.mouse.move(r[0] + 40, (m[1] + m[3]) / 2 + (m[3] - m[1]) * 0.3);
      await waitForFrames(page, 2);
    }
    await waitForFrames(page, 2);
    await screenshot(page, 'lab-designer-dragging');  // the moved row is outlined while it travels
    await page.mouse.up();
    await waitForFrames(page, 3);
    return state(page);
  };
  const beforeDrag = s.modelText;
  s = await dragRelu();
  const want = ['conv 6 k5 p2', 'maxpool k2', 'relu'];
  if (browserName === 'firefox' && lines(s.modelText).slice(1, 4).join('|') !== want.join('|')) {
    // In CI's Firefox (puppeteer over WebDriver BiDi) the pointer has twice been seen at the foot
    // of the list during this drag (the drop line under softmax, relu moved to the end), which we
    // could not reproduce by hand or in 6 runs here; the page drops where its line is drawn. Undo
    // that move (one undo step) and drag once more; the retry is reported.
    console.log(`firefox: the drag landed elsewhere (${lines(s.modelText).join(', ')}); undone and retried once`);
    await page.evaluate(() => window.cnnSandbox.undo());
    await waitForFrames(page, 3);
    s = await state(page);
    assert.equal(s.modelText, beforeDrag, 'one undo step takes the move back');
    s = await dragRelu();
  }
  assert.deepEqual(lines(s.modelText).slice(1, 4), want, `reordered: ${s.modelText}`);
  assert.deepEqual(s.modelText.split('\n').slice(0, 5), ['# my LeNet', 'input 28x28x1', 'conv 6 k5 p2  # C1', 'maxpool k2    # S2', 'relu'],
                   `comments stay with their layers: ${s.modelText}`);
  assert.match(s.modelText, /softmax +# ten classes\n$/);
  await screenshot(page, 'lab-designer-edited');
  // undo everything
  for (let i = 0; i < 10 && (await state(page)).modelText !== original; i++) await page.evaluate(() => window.cnnSandbox.undo());
  s = await state(page);
  assert.equal(s.modelText, original, 'undo returns to the preset text');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('runs are kept and overlaid, the plots read out under the mouse, CSV downloads', async () => {
  const page = await openLab(lab);
  await page.evaluate(() => { window.cnnSandbox.setPreset('tiny-mlp'); });
  await waitForFrames(page, 3);
  let s = await state(page);
  assert.equal(s.dataset, 'spirals', 'tiny-mlp picks a 2D point set');
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.01));
  await page.mouse.click(...center(s.rects.train));
  await waitState(page, (t) => t.lossHistoryLength >= 150, 'run 1: 150 steps');
  await page.mouse.click(...center((await state(page)).rects.reset));
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.001));
  await waitForFrames(page, 2);
  await page.mouse.click(...center((await state(page)).rects.train));
  s = await waitState(page, (t) => t.lossHistoryLength >= 150 && t.runs === 2, 'run 2: 150 steps');
  await page.mouse.click(...center(s.rects.pause));
  await waitForFrames(page, 2);
  s = await state(page);
  const p = s.rects.plot_loss;
  await page.mouse.move(p[0] + (p[2] - p[0]) * 0.6, (p[1] + p[3]) / 2);
  await waitForFrames(page, 4);
  await screenshot(page, 'lab-two-runs-hover');
  const csvRect = (await state(page)).rects.csv;
  await page.mouse.click(...center(csvRect));
  await waitForFrames(page, 3);
  const dl = await page.evaluate(() => window.Module.lastDownload);
  assert.equal(dl?.name, 'cnn-sandbox-curves.csv');
  const runsInCsv = new Set(dl.text.trim().split('\n').slice(1).map((l) => l.split(',')[0]));
  assert.deepEqual([...runsInCsv].sort(), ['1', '2'], 'both runs in the CSV');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a dataset the model does not fit: training is off with the reason, "Fit model to data" fixes it', async () => {
  const page = await openLab(lab, { width: 900, height: 600 });
  for (const [name, kind] of [['shapes', 'classes'], ['bar-angle', 'regression']]) {
    // a preset picks a dataset it fits on the next frame; choose the mismatching set after that
    await page.evaluate(() => { window.cnnSandbox.setPreset('lenet5'); window.cnnSandbox.setTab('data'); });
    await waitForFrames(page, 2);
    await page.evaluate((n) => window.cnnSandbox.setDataset(n), name);
    await waitForFrames(page, 4);
    let s = await state(page);
    assert.equal(s.dataset, name);
    assert.equal(s.trainingAllowed, false, `lenet5 (10 outputs) does not fit ${name}`);
    assert.ok(s.trainingBlockedBecause.length > 20, s.trainingBlockedBecause);
    await screenshot(page, `lab-900x600-data-${name}-mismatch`);
    await page.mouse.click(...center(s.rects.fit_model));
    await waitForFrames(page, 4);
    s = await state(page);
    assert.equal(s.modelValid, true);
    assert.equal(s.trainingAllowed, true, `after the fit: ${s.trainingBlockedBecause}`);
    if (kind === 'regression') assert.doesNotMatch(s.modelText, /softmax/, 'regression ends without softmax');
    await page.evaluate(() => window.cnnSandbox.step(2));
    await waitState(page, (t) => t.steps >= 2, `${name}: 2 steps`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the scalar build (for browsers without WebAssembly SIMD) loads and trains', async () => {
  const page = await openLab(lab, { query: '?build=scalar' });
  assert.equal(await page.evaluate(() => window.cnnSandboxBuild), 'scalar');
  await page.evaluate(() => window.cnnSandbox.step(3));
  const s = await waitState(page, (t) => t.steps >= 3, 'scalar build: 3 steps');
  assert.ok(Number.isFinite(s.lastLoss));
  await screenshot(page, 'lab-scalar-build');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the designer\'s kind menu lists every kind of the engine\'s layer table; gmaxpool added from it analyzes', async () => {
  const page = await openLab(lab);
  assert.equal(await page.evaluate(() => window.cnnSandbox.setModel('input 12x12x1\nconv 4 k3\nrelu\n')), true);
  await page.evaluate(() => window.cnnSandbox.setTab('designer'));
  await waitForFrames(page, 3);
  let s = await state(page);
  assert.ok(s.rects.add_layer, 'the + Add layer button reports its rect');
  await page.mouse.click(...center(s.rects.add_layer));
  await waitForFrames(page, 3);
  s = await state(page);
  for (const k of ['conv', 'maxpool', 'avgpool', 'gap', 'dense', 'flatten', 'relu', 'leakyrelu', 'sigmoid', 'tanh',
                   'softmax', 'dropout', 'batchnorm', 'gmaxpool'])
    assert.ok(s.rects[`kind_${k}`], `the menu shows ${k}`);
  await screenshot(page, 'lab-designer-kind-menu');
  await page.mouse.click(...center(s.rects.kind_gmaxpool));
  await waitForFrames(page, 3);
  s = await state(page);
  assert.match(s.modelText, /^input 12x12x1\nconv 4 k3\nrelu\ngmaxpool\n?$/, s.modelText);
  assert.equal(s.modelValid, true);
  await screenshot(page, 'lab-designer-gmaxpool');
  // a conv row's option fields, drawn from the same table (maps, kernel, stride, padding, dilation, bias)
  await page.mouse.click(...center(s.rects.layer_1));
  await waitForFrames(page, 3);
  await screenshot(page, 'lab-designer-conv-options');
  assert.equal((await state(page)).modelValid, true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
