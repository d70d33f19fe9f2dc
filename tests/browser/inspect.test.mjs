// The "look inside" views (issue 9): every view of the Inside, Backprop and Notes tabs renders for
// every preset without console errors, at 1280x720 and 900x600 (screenshots inspect-*.png in
// tests/browser/artifacts/); the gradient check reports a relative error below 1e-3 on every layer
// of the trainable presets; a clicked unit's exact field equals the support of its effective field
// on a linear network; the drawing pad changes the prediction; the zero-one curve is a staircase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, openLab, screenshot, canvasStats, canvasPixels, waitForFrames, state, waitState } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const inspect = (page) => page.evaluate(() => window.cnnSandbox.inspect.getState());
const show = (page, tab, view) => page.evaluate(([t, v]) => window.cnnSandbox.inspect.show(t, v), [tab, view || '']);

const insideViews = ['filters', 'maps', 'field', 'predict', 'confusion', 'boundary', 'dynamics'];
const notesViews = ['fig1', 'fig5', 'line', 'fig3'];
const analysisOnly = ['alexnet-conv1', 'rf-example'];

async function openWithInspect(opts) {
  const page = await openLab(lab, opts);
  await page.waitForFunction(() => !!(window.cnnSandbox && window.cnnSandbox.inspect), null, { timeout: 20000 });
  return page;
}

async function choosePreset(page, preset) {
  assert.equal(await page.evaluate((p) => window.cnnSandbox.setPreset(p), preset), true, `preset ${preset}`);
  await waitForFrames(page, 10);  // the page picks a dataset that fits and rebuilds the network
  if (!analysisOnly.includes(preset)) {
    await waitState(page, (s) => s.trainingAllowed, `${preset} ready to train`);
    // a rebuild that lands between the call and the next frame drops pending steps: ask again
    for (let attempt = 0; ; attempt++) {
      await page.evaluate(() => window.cnnSandbox.step(15));
      try { await waitState(page, (s) => s.steps >= 15, `${preset}: 15 steps`, 20000); break; } catch (e) { if (attempt >= 2) throw e; }
    }
  }
}

async function renderAll(page, preset, size, views) {
  for (const v of views.inside) {
    assert.equal(await show(page, 'inside', v), true);
    await waitForFrames(page, v === 'confusion' ? 40 : 4);
    await screenshot(page, `inspect-${size}-${preset}-inside-${v}`);
  }
  assert.equal(await show(page, 'backprop'), true);
  await waitForFrames(page, 3);
  const s = await state(page);
  if (s.rects.bp_next) {  // one click per step: three steps forward
    for (let i = 0; i < 3; i++) { const r = s.rects.bp_next; await page.mouse.click((r[0] + r[2]) / 2, (r[1] + r[3]) / 2); await waitForFrames(page, 2); }
  }
  await screenshot(page, `inspect-${size}-${preset}-backprop`);
  for (const v of views.notes) {
    assert.equal(await show(page, 'notes', v), true);
    await waitForFrames(page, 4);
    await screenshot(page, `inspect-${size}-${preset}-notes-${v}`);
  }
  const st = await canvasStats(page);
  assert.ok(st.distinctColors > 20, `${preset}: the canvas is not blank`);
}

for (const preset of ['lenet5', 'tiny-mlp', 'vgg-small', 'wide', 'alexnet-conv1', 'rf-example']) {
  test(`every inside/backprop/notes view renders for ${preset} at 1280x720, no console errors`, async () => {
    const page = await openWithInspect({ width: 1280, height: 720 });
    await choosePreset(page, preset);
    await renderAll(page, preset, '1280x720', { inside: insideViews, notes: notesViews });
    const ins = await inspect(page);
    if (!analysisOnly.includes(preset)) assert.equal(ins.ready, true);
    console.log(`${preset}: gpu colour map ${ins.gpuColormap}, predicted ${ins.predicted}, confusion over ${ins.confusionTotal} samples, dynamics points ${ins.dynamicsPoints}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

// The heatmaps coloured on the CPU (?heatmaps=cpu: RGBA8 textures; WebKitGTK's default, where the
// shader path crashed its compositor) show what the shaders show: the same trained filters, maps
// and field. A pixel matches when the other picture has its colour, within 2 levels, there or at a
// neighbour (where two cells of a heatmap meet, the shader's sampling and the texture's may put the
// boundary a pixel apart).
test('the heatmaps coloured on the CPU (?heatmaps=cpu) look as the shaders colour them', async () => {
  const shots = {};
  for (const q of ['', '?heatmaps=cpu']) {
    const page = await openWithInspect({ hash: 'preset=lenet5&data=digits&seed=3', query: q, width: 1280, height: 720 });
    await page.evaluate(() => window.cnnSandbox.train(30));
    const ins = await inspect(page);
    assert.equal(ins.gpuColormap, q === '', `${q || 'default'}: colour-mapped ${q ? 'on the CPU' : 'by the shaders'}`);
    for (const v of ['filters', 'maps', 'field']) {
      assert.equal(await show(page, 'inside', v), true);
      await page.mouse.move(2, 2);
      await waitForFrames(page, 4);
      await screenshot(page, `inspect-heatmaps-${q ? 'cpu' : 'gpu'}-${v}`);
      (shots[v] ??= []).push(await canvasPixels(page));
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  for (const [v, [{ width: w, data: a }, { data: b }]] of Object.entries(shots)) {
    assert.equal(a.length, b.length);
    const h = a.length / 4 / w;
    const near = (i, j) => Math.abs(a[i] - b[j]) <= 2 && Math.abs(a[i + 1] - b[j + 1]) <= 2 && Math.abs(a[i + 2] - b[j + 2]) <= 2;
    let exact = 0, differ = 0;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = 4 * (y * w + x);
        if (near(i, i)) continue;
        exact++;
        let found = false;
        for (let dy = -1; dy <= 1 && !found; dy++)
          for (let dx = -1; dx <= 1 && !found; dx++) {
            const yy = y + dy, xx = x + dx;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w) found = near(i, 4 * (yy * w + xx));
          }
        if (!found) differ++;
      }
    console.log(`${v}: ${exact} pixels differ by more than 2 levels between the shaders' picture and the CPU's; ${differ} have no match at a neighbour either`);
    assert.equal(differ, 0, `${v}: the CPU's colours are the shaders' (${differ} pixels differ)`);
  }
});

test('the 900x600 window: every view of lenet5 and tiny-mlp renders', async () => {
  const page = await openWithInspect({ width: 900, height: 600 });
  for (const preset of ['lenet5', 'tiny-mlp']) {
    await choosePreset(page, preset);
    await renderAll(page, preset, '900x600', { inside: insideViews, notes: notesViews });
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('gradient check: relative error below 1e-3 on every layer of every trainable preset', async () => {
  const page = await openWithInspect({ width: 1280, height: 720 });
  for (const preset of ['lenet5', 'tiny-mlp', 'vgg-small', 'wide']) {
    await choosePreset(page, preset);
    const s = await page.evaluate(() => window.cnnSandbox.inspect.gradientCheck());
    assert.ok(s.gradcheck, `${preset}: a gradient check result`);
    assert.equal(s.gradcheck.message, '', `${preset}: ${s.gradcheck.message}`);
    const worst = s.gradcheck.layers.map((l, i) => [i + 1, Math.max(l.errW, l.errB, l.errX)]);
    console.log(`${preset}: gradient check max ${s.gradcheck.maxError.toExponential(2)} (${s.gradcheck.ms.toFixed(0)} ms); per layer ${worst.filter((w) => w[1] >= 0).map((w) => `${w[0]}:${w[1].toExponential(1)}`).join(' ')}`);
    for (const [i, e] of worst) assert.ok(e < 1e-3, `${preset} layer ${i}: relative error ${e}`);
    assert.ok(s.gradcheck.maxError < 1e-3);
    await show(page, 'backprop');
    await waitForFrames(page, 3);
    await screenshot(page, `inspect-gradcheck-${preset}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a clicked unit: exact field = support of the effective field (linear net); the pad changes the prediction; the zero-one line is a staircase', async () => {
  const page = await openWithInspect({ width: 1280, height: 720 });
  // a linear conv net on the 28x28 digits: the effective field fills the exact rectangle
  const ok = await page.evaluate(() => window.cnnSandbox.setModel('input 28x28x1\nconv 4 k5 s2 p2\nconv 4 k3 p1\ndense 10\nsoftmax\n'));
  assert.equal(ok, true);
  await waitState(page, (s) => s.trainingAllowed, 'linear net ready');
  await show(page, 'inside', 'field');
  for (const [row, col] of [[0, 0], [7, 7], [13, 13], [3, 10]]) {
    assert.equal(await page.evaluate(([r, c]) => window.cnnSandbox.inspect.selectUnit(2, 1, r, c), [row, col]), true);
    const f = (await inspect(page)).field;
    assert.deepEqual(f.support, f.exact, `unit (${row}, ${col}): support ${f.support} vs exact ${f.exact}`);
  }
  await waitForFrames(page, 3);
  await screenshot(page, 'inspect-field-linear-corner');
  // drawing pad
  await page.evaluate(() => window.cnnSandbox.setPreset('lenet5'));
  await waitState(page, (s) => s.trainingAllowed, 'lenet5 ready');
  await show(page, 'inside', 'predict');
  await waitForFrames(page, 4);
  const before = await inspect(page);
  await page.evaluate(() => window.cnnSandbox.inspect.drawStroke());
  await waitForFrames(page, 4);
  const afterPad = await inspect(page);
  assert.equal(afterPad.usePad, true);
  assert.notDeepEqual(afterPad.probs, before.probs, 'the drawing changed the softmax scores');
  await screenshot(page, 'inspect-predict-pad');
  // zero-one vs cross-entropy along a line
  await show(page, 'notes', 'line');
  await waitForFrames(page, 5);
  const l = (await inspect(page)).line;
  assert.ok(l, 'the line was computed');
  assert.ok(l.flatZeroOne > l.points / 3, `zero-one flat steps ${l.flatZeroOne} of ${l.points}`);
  assert.equal(l.flatCrossEntropy, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
