// Share, embed, keep (issue 8): a lab given through the URL fragment is restored exactly and a
// copied link reopens it; a malformed fragment gives a message and the default lab; embed mode has
// its compact layout and a locked architecture cannot be edited; the JS API trains N steps and its
// metrics match the plotted curves (the CSV of the plots); the design survives a reload; a saved
// model file loads back with identical predictions, a damaged or foreign one is refused and the
// current model stays. Screenshots: tests/browser/artifacts/share-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, openLab, screenshot, canvasStats, waitForFrames, state, waitState } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const info = (page) => page.evaluate(() => window.cnnSandbox.getShareInfo());
const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');

// A custom model (comment, odd spacing, UTF-8) and non-default settings on every key.
const model = '# mein Netz: 3x3 Faltungen ü\ninput 28x28x1\nconv 6 k5 same\nrelu\nmaxpool k2\nconv 12 k3\nrelu\nmaxpool k2\ndense 10\nsoftmax\n';
const linkSettings = { data: 'digits', opt: 'momentum', lr: '0.0123', mom: '0.8', wd: '0.0001', sched: 'step', sched_epochs: '3',
  gamma: '0.25', batch: '16', epochs: '4', seed: '77', eval_every: '40', eval_samples: '200', loss: 'quadratic', tab: 'analysis' };
const hash = 'v=1&' + Object.entries(linkSettings).map(([k, v]) => `${k}=${v}`).join('&') + '&model=' + enc(model);

function parseFragment(f) {
  const out = {};
  for (const kv of f.replace(/^#/, '').split('&')) {
    const i = kv.indexOf('=');
    out[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' '));
  }
  return out;
}

test('a lab given through the URL fragment is restored exactly, and a copied link reopens it', async () => {
  const page = await openLab(lab, { hash });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const s = await state(page);
  assert.equal(s.modelText, model, 'model text restored byte for byte');
  assert.equal(s.dataset, 'digits');
  assert.equal(s.tab, 'analysis');
  assert.equal(s.modelValid, true);
  const sh = await info(page);
  assert.equal(sh.restoredFrom, 'link');
  assert.equal(sh.loadError, '');
  const f = parseFragment(sh.fragment);
  for (const [k, v] of Object.entries(linkSettings)) assert.equal(f[k], v, `setting ${k}`);
  assert.equal(f.model, model);
  await screenshot(page, 'share-link-1280x720');
  // Copy link by click; the fragment is also written back into the address bar
  const r = (await state(page)).rects.copy_link;
  assert.ok(r, 'Copy link button reports its rect');
  await page.mouse.click(...center(r));
  await waitForFrames(page, 3);
  const link = await page.evaluate(() => window.cnnSandbox.lastCopiedLink());
  assert.ok(link && link.includes('#v=1&'), `a link was copied: ${link}`);
  const clip = await page.evaluate(() => navigator.clipboard.readText().catch((e) => 'unreadable: ' + e.message));
  assert.equal(clip, link, 'the clipboard holds the link');
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => location.hash.slice(1)), sh.fragment, 'the address bar follows the lab');
  // reopen it in a fresh browser context (no shared storage)
  const page2 = await openLab(lab, { hash: link.split('#')[1] });
  const s2 = await state(page2);
  assert.equal(s2.modelText, model);
  assert.equal(s2.dataset, 'digits');
  assert.equal(s2.tab, 'analysis');
  assert.equal((await info(page2)).fragment, sh.fragment, 'the reopened lab encodes to the same fragment');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page2.errors, []);
  await page.context().close();
  await page2.context().close();
});

test('a malformed fragment gives a message and the default lab, never a blank page', async () => {
  const bad = ['lr=abc', 'model=%zz', 'foo=1', 'v=9&preset=lenet5', 'data=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E',
               'preset=no-such-net', 'batch=1&batch=2', 'model=' + 'x'.repeat(70000)];
  for (const h of bad) {
    const page = await openLab(lab, { hash: h });
    const s = await state(page);
    const sh = await info(page);
    assert.ok(sh.loadError.length > 20, `${h.slice(0, 40)}: a message (${sh.loadError})`);
    assert.equal(s.statusIsError, true);
    assert.ok(s.status.includes('default lab'), `status says the default lab is shown: ${s.status}`);
    assert.equal(s.preset, 'lenet5', 'default lab');
    assert.equal(s.modelValid, true);
    assert.equal(s.trainingAllowed, true);
    const c = await canvasStats(page);
    assert.ok(c.distinctColors > 20 && c.maxLuma - c.minLuma > 100, `the canvas is drawn: ${JSON.stringify(c)}`);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0, 'nothing from the fragment became HTML');
    assert.deepEqual(page.errors, []);
    if (h === 'lr=abc') {
      console.log(`malformed fragment '${h}': ${sh.loadError}`);
      await screenshot(page, 'share-malformed-1280x720');
    }
    await page.context().close();
  }
});

test('embed mode: compact layout at 900x600, a locked architecture cannot be edited', async () => {
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&embed=1&lock=1', width: 900, height: 600 });
  let s = await state(page);
  const sh = await info(page);
  assert.equal(sh.embed, true);
  assert.equal(sh.locked, true);
  assert.ok(s.rects.embed_layout, 'the compact layout is drawn');
  assert.ok(s.rects.locked_model, 'the locked model view is shown instead of the editor');
  assert.ok(s.rects.open_full, '"Open full lab" is there');
  assert.equal(s.rects.copy_link, undefined, 'no share buttons in the lesson');
  assert.ok(s.rects.train, 'Train is there');
  const [, , lx1] = s.rects.embed_layout;
  assert.ok(lx1 < 900 * 0.45, `the model column is narrow (${lx1} px)`);
  const before = s.modelText;
  await screenshot(page, 'share-embed-900x600');
  // by the API
  assert.equal(await page.evaluate(() => window.cnnSandbox.setModel('input 28x28x1\ndense 10\nsoftmax\n')), false);
  assert.equal((await page.evaluate(() => window.cnnSandbox.setLink('model=input+28x28x1%0Adense+10%0Asoftmax%0A'))).ok, false);
  // by typing into the model area and pressing undo keys
  await page.mouse.click(...center(s.rects.locked_model));
  await page.keyboard.type('dense 3\n');
  await page.keyboard.press('Control+Z');
  // by a model file
  const r = await page.evaluate(() => window.cnnSandbox.loadModelFile(new Uint8Array([1, 2, 3])));
  assert.equal(r.ok, false);
  assert.ok(r.message.includes('locked'), r.message);
  await waitForFrames(page, 5);
  s = await state(page);
  assert.equal(s.modelText, before, 'the locked model is unchanged');
  // training works in the lesson
  await page.mouse.click(...center(s.rects.train));
  await page.waitForFunction(() => window.cnnSandbox.getMetrics().steps >= 20, null, { timeout: 60000 });
  await screenshot(page, 'share-embed-training-900x600');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('JS API: setModel, train(N) and getMetrics match the plotted curves; onEpoch fires', async () => {
  const page = await openLab(lab);
  const r = await page.evaluate(async () => {
    const S = window.cnnSandbox;
    const ok = S.setModel('input 1x1x2\ndense 16\nrelu\ndense 2\nsoftmax\n');
    S.setDataset('spirals');
    S.set('batch', 32);
    S.set('lr', 0.01);
    const epochs = [];
    S.onEpoch((e, m) => epochs.push([e, m.steps]));
    const m = await S.train(70);
    return { ok, m, csv: S.curvesCsv(), epochs, state: S.getState() };
  });
  assert.equal(r.ok, true);
  assert.equal(r.state.dataset, 'spirals');
  assert.equal(r.m.steps, 70, 'exactly 70 steps');
  assert.equal(r.m.loss.length, 70);
  assert.equal(r.m.stepsPerEpoch, 32);
  assert.ok(r.m.epochProgress > 2.18 && r.m.epochProgress < 2.2, `epoch progress ${r.m.epochProgress}`);
  // the plotted loss curve (the CSV export of the plot) is the same series
  const rows = r.csv.trim().split('\n').slice(1).map((l) => l.split(','));
  const plotted = rows.filter((c) => c[c.length - 3] === 'loss').map((c) => Number(c[c.length - 1]));
  assert.equal(plotted.length, 70);
  for (let i = 0; i < 70; i++) assert.ok(Math.abs(plotted[i] - r.m.loss[i]) <= 1e-5 * Math.max(1, Math.abs(r.m.loss[i])), `step ${i + 1}`);
  const evals = rows.filter((c) => c[c.length - 3] === 'test_accuracy').map((c) => Number(c[c.length - 1]));
  assert.equal(evals.length, r.m.testAccuracy.length);
  assert.ok(r.m.lastLoss < r.m.loss[0], `the loss falls: ${r.m.loss[0]} -> ${r.m.lastLoss}`);
  assert.deepEqual(r.epochs.map((e) => e[0]), [1, 2], 'onEpoch after epochs 1 and 2');
  console.log(`JS API: 70 steps on spirals, loss ${r.m.loss[0].toFixed(3)} -> ${r.m.lastLoss.toFixed(3)}, ${r.m.testAccuracy.length} evaluations, onEpoch at steps ${r.epochs.map((e) => e[1]).join(', ')}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the design survives a reload (localStorage)', async () => {
  const page = await openLab(lab);
  const text = 'input 28x28x1\nconv 4 k3 s2\nrelu\ndense 10\nsoftmax\n';
  await page.evaluate((t) => { window.cnnSandbox.setModel(t); window.cnnSandbox.set('lr', 0.02); window.cnnSandbox.set('seed', 5); }, text);
  await page.waitForFunction(() => window.cnnSandbox.getShareInfo().autosaves >= 1, null, { timeout: 10000 });
  const saved = await page.evaluate(() => localStorage.getItem('cnn-sandbox.autosave.v1'));
  assert.ok(saved.includes('lr=0.02') && saved.includes('seed=5'), saved);
  await page.goto(lab.url);  // the bare page, no fragment
  await waitForFrames(page, 5);
  const s = await state(page);
  assert.equal(s.modelText, text);
  const sh = await info(page);
  assert.equal(sh.restoredFrom, 'autosave');
  const f = parseFragment(sh.fragment);
  assert.equal(f.lr, '0.02');
  assert.equal(f.seed, '5');
  // a damaged autosave gives the default lab and a message
  await page.evaluate(() => localStorage.setItem('cnn-sandbox.autosave.v1', 'lr=%%%'));
  await page.goto(lab.url + '?again');
  await waitForFrames(page, 5);
  const s2 = await state(page);
  assert.equal(s2.preset, 'lenet5');
  assert.ok(s2.status.includes('could not be restored'), s2.status);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a saved model file loads back with identical predictions; a damaged or foreign one is refused and the model stays', async () => {
  // the loss chosen in the lab (issue 15.3) travels in the file's settings with the rest
  const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&batch=32&seed=3&loss=quadratic' });
  assert.equal(parseFragment((await info(page)).fragment).loss, 'quadratic');
  await page.evaluate(() => window.cnnSandbox.train(40));
  const p1 = await page.evaluate(() => window.cnnSandbox.predict(16));
  assert.equal(p1.length, 16 * 10);
  // the button downloads the file through a Blob
  const s = await state(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.mouse.click(...center(s.rects.save_model))]);
  assert.equal(download.suggestedFilename(), 'lenet5.cnnmodel');
  const bytes = await page.evaluate(() => Array.from(window.cnnSandbox.saveModelFile()));
  const path = await download.path();
  const fromDisk = [...(await import('node:fs')).readFileSync(path)];
  assert.deepEqual(fromDisk, bytes, 'the downloaded file is the model file');
  assert.deepEqual(bytes.slice(0, 8), [67, 78, 78, 83, 66, 88, 26, 10], 'magic CNNSBX\\x1a\\n');
  console.log(`model file: ${bytes.length} bytes for LeNet-5 after 40 steps`);
  // change everything: another model, new weights
  await page.evaluate(() => { window.cnnSandbox.setPreset('tiny-mlp'); window.cnnSandbox.set('loss', -1); });
  await waitForFrames(page, 3);
  assert.equal(parseFragment((await info(page)).fragment).loss, 'auto');
  // load through the file picker
  await page.setInputFiles('#model-file-input', { name: 'lenet5.cnnmodel', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await page.waitForFunction(() => window.cnnSandbox.getShareInfo().fileMessage === 'Model file loaded.', null, { timeout: 10000 });
  await waitForFrames(page, 2);
  let st = await state(page);
  assert.equal(st.dataset, 'digits');
  await waitForFrames(page, 2);
  assert.equal(parseFragment((await info(page)).fragment).loss, 'quadratic', 'the loss came back with the file');
  const p2 = await page.evaluate(() => window.cnnSandbox.predict(16));
  assert.deepEqual(p2, p1, 'identical predictions after loading');
  // damaged: one flipped bit in the weights; cut short; foreign (PNG); model text
  const damaged = bytes.slice(); damaged[damaged.length - 100] ^= 4;
  const cases = [['damaged', damaged, 'damaged'], ['cut', bytes.slice(0, 1000), 'cut short'],
                 ['png', [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13], 'not a CNN Sandbox model file'],
                 ['text', [...Buffer.from('input 28x28x1\ndense 10\n')], 'looks like text']];
  for (const [name, b, says] of cases) {
    await page.setInputFiles('#model-file-input', { name: name + '.cnnmodel', mimeType: 'application/octet-stream', buffer: Buffer.from(b) });
    await page.waitForFunction((w) => window.cnnSandbox.getShareInfo().fileMessage.includes(w), says, { timeout: 10000 });
    st = await state(page);
    assert.ok(st.status.includes('The current model stays'), st.status);
    assert.equal(st.preset, '', 'still the loaded model');
    assert.deepEqual(await page.evaluate(() => window.cnnSandbox.predict(16)), p1, `${name}: predictions unchanged`);
    if (name === 'damaged') { await waitForFrames(page, 2); await screenshot(page, 'share-damaged-file-1280x720'); }
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('undo and redo cover the settings and the dataset as well as the model', async () => {
  const page = await openLab(lab, { width: 900, height: 600 });
  const frag = async () => parseFragment((await info(page)).fragment);
  const f0 = await frag();
  const t0 = (await state(page)).modelText;
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.05));
  await waitForFrames(page, 3);
  await page.evaluate(() => window.cnnSandbox.setDataset('bars'));
  await waitForFrames(page, 3);
  await page.evaluate(() => window.cnnSandbox.setModel('input 28x28x1\nconv 4 k3 s2\nrelu\ndense 4\nsoftmax\n'));
  await waitForFrames(page, 3);
  await page.evaluate(() => window.cnnSandbox.set('batch', 8));
  await waitForFrames(page, 3);
  let f = await frag();
  assert.equal(f.batch, '8');
  await page.evaluate(() => window.cnnSandbox.undo());  // batch
  await waitForFrames(page, 2);
  f = await frag();
  assert.equal(f.batch, f0.batch, 'undo restores the batch size');
  assert.ok(f.model.includes('dense 4'), 'the model edit is still there');
  await page.evaluate(() => window.cnnSandbox.undo());  // model
  await waitForFrames(page, 2);
  assert.equal((await state(page)).modelText, t0, 'undo restores the model');
  await page.evaluate(() => window.cnnSandbox.undo());  // dataset
  await page.evaluate(() => window.cnnSandbox.undo());  // learning rate
  await waitForFrames(page, 2);
  f = await frag();
  assert.equal(f.data, f0.data);
  assert.equal(f.lr, f0.lr, 'undo restores the learning rate');
  await page.evaluate(() => { window.cnnSandbox.redo(); window.cnnSandbox.redo(); });
  await waitForFrames(page, 2);
  f = await frag();
  assert.equal(f.lr, '0.05');
  assert.equal(f.data, 'bars', 'redo replays learning rate and dataset');
  const s = await state(page);
  for (const k of ['copy_link', 'save_model', 'load_model']) assert.ok(s.rects[k] && s.rects[k][2] <= 900, `${k} fits at 900 px`);
  await screenshot(page, 'share-buttons-900x600');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a fragment typed into the address bar applies at once; a bad one is refused and replaced', async () => {
  const page = await openLab(lab);
  await page.evaluate(() => { location.hash = 'preset=tiny-mlp&data=spirals&lr=0.03'; });
  await waitForFrames(page, 3);
  let s = await state(page);
  assert.equal(s.preset, 'tiny-mlp');
  assert.equal(s.dataset, 'spirals');
  await page.evaluate(() => { location.hash = 'lr=0.03&data=%3Cb%3E'; });
  s = await waitState(page, (t) => t.status.includes("'data'"), 'the message refusing the bad fragment', 20000);
  assert.equal(s.preset, 'tiny-mlp', 'the lab stays');
  assert.ok(s.status.includes("'data'"), s.status);
  await page.waitForTimeout(800);
  assert.ok((await page.evaluate(() => location.hash)).includes('preset=tiny-mlp'), 'the address bar shows the lab again');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
