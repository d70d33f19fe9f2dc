// api_bench.js: window.cnnSandbox.bench, the engine's timed benchmark in this tab (web/js_api_bench.cpp;
// the same measurement as `cnn-sandbox bench --model`, natively and under node). It runs
// synchronously: the page does not draw while it measures (a few seconds).
//
//   cnnSandbox.bench({ model: 'wide', mode: 'train', batch: 32, steps: 0, runs: 5, kernels: 'simd' })
//     -> { samples_per_second: { median, min, max, spread }, effective_gflops, validation, ... }
'use strict';
(function () {
  if (!window.cnnSandbox) throw new Error('api_bench.js: load api.js first');
  window.cnnSandbox.bench = function (opts) {
    const o = Object.assign({ model: 'lenet5', mode: 'train', batch: 32, steps: 0, runs: 5, kernels: 'simd' }, opts || {});
    if (o.mode !== 'train' && o.mode !== 'infer') throw new Error(`cnnSandbox.bench: mode '${o.mode}': expected train or infer`);
    for (const k of ['batch', 'runs']) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`cnnSandbox.bench: ${k} ${o[k]}: expected a whole number of at least 1`);
    }
    if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`cnnSandbox.bench: steps ${o.steps}: expected a whole number (0: automatic)`);
    if (!window.cnnSandbox.ready()) throw new Error('cnnSandbox: the lab is still loading (wait for cnnSandbox.ready())');
    const r = JSON.parse(Module.ccall('cnn_bench', 'string', ['string', 'number', 'number', 'number', 'number', 'string'],
      [String(o.model), o.mode === 'train' ? 1 : 0, o.batch, o.steps, o.runs, String(o.kernels)]));
    if (r.error) throw new Error(`cnnSandbox.${r.error}`);
    return r;
  };
})();
