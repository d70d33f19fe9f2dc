// compare.mjs: one run, side by side: CNN Sandbox natively and in wasm (node), TF.js (wasm and pure-JS
// backends) and ConvNetJS, on the two nets (assets/presets/lenet5.txt, wide.txt), one
// thread, batch 32, float32, random data; then the ratios the issue sets as targets.
//
//   cd bench && npm ci && node compare.mjs [--native PATH] [--wasm PATH.js] [--clock cpu|wall]
//                                          [--quick] [--slow] [--skip NAME,...]
//
// NAME: native, wasm, native-novec, tfjs-wasm, tfjs-cpu, convnetjs. Our engine reports its own
// validated medians (cnn-sandbox bench --json); the JS libraries are timed here the same way:
// warm-up, then the median of several timed runs. Never run from the tests (it takes minutes).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const quick = args.includes('--quick');
// The clock: this machine is shared, so by default every engine is timed by the CPU time of its
// own process (process.cpuUsage(); cnn-sandbox bench --clock cpu), which leaves out the time other
// jobs held the cores. --clock wall for wall-clock time on a quiet machine.
const clock = opt('--clock', 'cpu');
const now = clock === 'cpu'
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();
const skip = new Set((opt('--skip', '') || '').split(',').filter(Boolean));
const firstExisting = (...paths) => paths.find((p) => p && existsSync(p));
const nativeBin = firstExisting(opt('--native'), join(root, 'build/native/cnn-sandbox'), join(root, 'build/h-kernels/cnn-sandbox'));
const wasmJs = firstExisting(opt('--wasm'), join(root, 'build/wasm/cnn-sandbox.js'), join(root, 'build/h-kernels-wasm/cnn-sandbox.js'));
const novecBin = firstExisting(opt('--native-novec'), join(root, 'build/native-novec/cnn-sandbox'));
const BATCH = 32;
const RUNS = quick ? 3 : 5;
const nets = ['lenet5', 'wide'];
const modes = ['train', 'infer'];

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
// Warm up for warmS seconds (at least 2 calls), then RUNS runs of about runS seconds each;
// returns the median samples/s. fn() processes `per` samples.
function timeIt(fn, per, warmS = 1.0, runS = 0.6) {
  let t0 = now();
  let calls = 0;
  while (calls < 2 || now() - t0 < warmS * 1000) { fn(); ++calls; }
  t0 = now();
  fn();
  const one = Math.max((now() - t0) / 1000, 1e-6);
  const reps = Math.max(1, Math.round(runS / one));
  const rates = [];
  for (let r = 0; r < RUNS; ++r) {
    t0 = now();
    for (let i = 0; i < reps; ++i) fn();
    rates.push((per * reps) / ((now() - t0) / 1000));
  }
  return median(rates);
}

const results = {};  // results[engine][net/mode] = samples/s (or a string: why not measured)
const put = (engine, key, v) => { (results[engine] ||= {})[key] = v; };

// ---- CNN Sandbox (its own bench command: validates against the reference, then times) ---------
function ours(engine, cmd, preArgs) {
  for (const net of nets)
    for (const mode of modes) {
      const model = join(root, 'assets/presets', `${net}.txt`);
      try {
        const out = execFileSync(cmd, [...preArgs, 'bench', '--model', model, '--mode', mode, '--batch', String(BATCH),
          '--runs', String(RUNS), '--clock', clock, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        put(engine, `${net}/${mode}`, JSON.parse(out).samples_per_second.median);
      } catch (e) {
        put(engine, `${net}/${mode}`, `failed: ${(e.stderr || e.message).toString().trim().split('\n')[0]}`);
      }
      process.stderr.write('.');
    }
}
if (!skip.has('native')) {
  if (nativeBin) ours('ours native', nativeBin, []);
  else put('ours native', 'note', 'no native build (cmake --preset native && cmake --build --preset native)');
}
if (!skip.has('native-novec') && novecBin) ours('ours native-novec', novecBin, []);
if (!skip.has('wasm')) {
  if (wasmJs) ours('ours wasm (node)', process.execPath, ['--no-experimental-fetch', wasmJs]);
  else put('ours wasm (node)', 'note', 'no wasm build (cmake --preset wasm && cmake --build --preset wasm)');
}

// ---- ConvNetJS ------------------------------------------------------------------------------
function convnetjsBench() {
  const convnetjs = require('convnetjs');
  const defs = {
    lenet5: [
      { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 120, activation: 'relu' },
      { type: 'fc', num_neurons: 84, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ],
    wide: [
      { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
      { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 1, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 128, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ],
  };
  for (const net of nets) {
    const n = new convnetjs.Net();
    n.makeLayers(defs[net]);
    const trainer = new convnetjs.Trainer(n, { method: 'sgd', learning_rate: 0.01, momentum: 0, batch_size: BATCH, l2_decay: 0 });
    const xs = [];
    for (let i = 0; i < BATCH; ++i) {
      const v = new convnetjs.Vol(28, 28, 1, 0);
      for (let j = 0; j < v.w.length; ++j) v.w[j] = Math.random();
      xs.push(v);
    }
    let k = 0;
    // One sample per call; batch_size makes the trainer update every 32 samples.
    put('ConvNetJS 0.3', `${net}/train`, timeIt(() => { trainer.train(xs[k % BATCH], k % 10); ++k; }, 1, 0.5, net === 'wide' ? 1.5 : 0.6));
    process.stderr.write('.');
    put('ConvNetJS 0.3', `${net}/infer`, timeIt(() => { n.forward(xs[k % BATCH], false); ++k; }, 1, 0.5, 0.6));
    process.stderr.write('.');
  }
}
if (!skip.has('convnetjs')) {
  try { convnetjsBench(); } catch (e) { put('ConvNetJS 0.3', 'note', `not measured: ${e.message} (cd bench && npm ci)`); }
}

// ---- TF.js ------------------------------------------------------------------------------------
async function tfjsBench(backend, label) {
  const tf = require('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const build = (net) => {
    const m = tf.sequential();
    const L = tf.layers;
    if (net === 'lenet5') {
      m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }));
      m.add(L.maxPooling2d({ poolSize: 2 }));
      m.add(L.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }));
      m.add(L.maxPooling2d({ poolSize: 2 }));
      m.add(L.flatten());
      m.add(L.dense({ units: 120, activation: 'relu' }));
      m.add(L.dense({ units: 84, activation: 'relu' }));
      m.add(L.dense({ units: 10, activation: 'softmax' }));
    } else {
      m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
      m.add(L.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
      m.add(L.maxPooling2d({ poolSize: 2 }));
      m.add(L.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
      m.add(L.maxPooling2d({ poolSize: 2 }));
      m.add(L.flatten());
      m.add(L.dense({ units: 128, activation: 'relu' }));
      m.add(L.dense({ units: 10, activation: 'softmax' }));
    }
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    return m;
  };
  for (const net of nets) {
    const m = build(net);
    const x = tf.randomUniform([BATCH, 28, 28, 1]);
    const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10).toFloat();
    put(label, `${net}/infer`, timeIt(() => { const p = m.predict(x); p.dataSync(); p.dispose(); }, BATCH, 0.5, 0.6));
    process.stderr.write('.');
    if (backend === 'cpu' && net === 'wide' && !args.includes('--slow')) {
      put(label, `${net}/train`, 'skipped: about 100 s per step (--slow to measure)');
      continue;
    }
    try {
      // trainOnBatch is async; time whole steps with await.
      const step = async () => { await m.trainOnBatch(x, y); };
      await step();
      let t0 = now();
      while (now() - t0 < 1000) await step();
      const rates = [];
      for (let r = 0; r < RUNS; ++r) {
        t0 = now();
        let steps = 0;
        while (steps < 1 || now() - t0 < 600) { await step(); ++steps; }
        rates.push((BATCH * steps) / ((now() - t0) / 1000));
      }
      put(label, `${net}/train`, median(rates));
    } catch (e) {
      put(label, `${net}/train`, `cannot train: ${e.message.split('\n')[0]}`);
    }
    process.stderr.write('.');
    x.dispose();
    y.dispose();
  }
}
for (const [backend, label] of [['wasm', 'TF.js 4.22 wasm'], ['cpu', 'TF.js 4.22 pure JS']]) {
  if (skip.has(`tfjs-${backend}`)) continue;
  try { await tfjsBench(backend, label); } catch (e) { put(label, 'note', `not measured: ${e.message.split('\n')[0]} (cd bench && npm ci)`); }
}
process.stderr.write('\n');

// ---- report -------------------------------------------------------------------------------------
const cols = ['lenet5/train', 'lenet5/infer', 'wide/train', 'wide/infer'];
const fmt = (v) => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : v === undefined ? '-' : 'n/a');
console.log(`samples/s, one thread, batch ${BATCH}, float32 (median of ${RUNS} runs, ${clock} clock)`);
console.log('engine'.padEnd(24) + cols.map((c) => c.padStart(14)).join(''));
for (const [engine, r] of Object.entries(results)) {
  console.log(engine.padEnd(24) + cols.map((c) => fmt(r[c]).padStart(14)).join(''));
}
const notes = [];
for (const [engine, r] of Object.entries(results))
  for (const [k, v] of Object.entries(r)) if (typeof v === 'string') notes.push(`  ${engine} ${k}: ${v}`);
if (notes.length) console.log('\nnot measured:\n' + notes.join('\n'));

const ratio = (a, b, key) => {
  const x = results[a]?.[key], y = results[b]?.[key];
  return typeof x === 'number' && typeof y === 'number' ? `${(x / y).toFixed(2)}x` : 'n/a';
};
const W = 'ours wasm (node)';
console.log('\nratios (ours / theirs)        ' + cols.map((c) => c.padStart(14)).join(''));
for (const other of ['TF.js 4.22 wasm', 'TF.js 4.22 pure JS', 'ConvNetJS 0.3', 'ours native'])
  if (results[other]) console.log(`wasm / ${other}`.padEnd(30) + cols.map((c) => ratio(W, other, c).padStart(14)).join(''));
if (results['ours native-novec'])
  console.log('native / native-novec'.padEnd(30) + cols.map((c) => ratio('ours native', 'ours native-novec', c).padStart(14)).join(''));
// TF.js wasm cannot train a CNN as shipped (no Conv2DBackpropFilter); the issue measured it with a
// minimal filter-gradient kernel added: LeNet 920, Wide 48 samples/s on this machine.
const tfjsWasmTrain = { 'lenet5/train': 920, 'wide/train': 48 };
if (typeof results[W]?.['lenet5/train'] === 'number')
  console.log('wasm / TF.js wasm+kernel (issue)'.padEnd(30) + cols.map((c) => (tfjsWasmTrain[c] && typeof results[W][c] === 'number'
    ? `${(results[W][c] / tfjsWasmTrain[c]).toFixed(2)}x` : '-').padStart(14)).join(''));
// The PyTorch 1.13 figures on this machine (python3-torch is not installed here).
const pytorch = { 'lenet5/train': 3800, 'lenet5/infer': 11800, 'wide/train': 500, 'wide/infer': 1320 };
if (typeof results['ours native']?.['lenet5/train'] === 'number')
  console.log('native / PyTorch (issue)'.padEnd(30) + cols.map((c) => `${(results['ours native'][c] / pytorch[c]).toFixed(2)}x`.padStart(14)).join(''));
console.log(`\nissue targets: wasm LeNet train >= 2x TF.js wasm (with its added filter-gradient kernel: 920) and 10x ConvNetJS;\n` +
  `wasm Wide train >= 4x TF.js wasm (48); wasm inference >= TF.js wasm; native LeNet train > PyTorch (3800), Wide >= 0.8x (400).`);
