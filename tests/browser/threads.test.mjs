// Issue 19.3: threads where the page allows them. A cross-origin isolated page (COOP + COEP, as
// scripts/serve.mjs sends) gets SharedArrayBuffer, and its training worker loads the engine built
// with wasm threads (cnn-trainer-worker-threads.js); a page that is not isolated gets the one-thread
// worker. Either way the same seed gives the same bits: the worker's own benchmark checks 1 and 2
// threads against each other before timing, and the page's training curve and weights are the
// command line's (`cnn-sandbox train`, the wasm build under node; with --threads 2 the pthread build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLab, openLab, screenshot, siteDir, repoRoot, waitState, browserName } from './lib.mjs';

let isolated, plain;
before(async () => {
  isolated = await startLab({ isolated: true });
  plain = await startLab();
});
after(async () => {
  await isolated?.close();
  await plain?.close();
});

const f32 = (x) => Math.fround(x);
const wideText = readFileSync(join(repoRoot, 'assets/presets/wide.txt'), 'utf8');

// A training worker of the test's own, started as the page starts its one: its 'ready' message
// (threads in effect) and the answer to a benchmark of `model` with thread counts 1 and 2.
function workerReadyAndBench(page, model) {
  return page.evaluate(async (text) => {
    const w = new Worker('trainer_worker.js');
    const next = (type) => new Promise((resolve, reject) => {
      const h = (e) => {
        if (e.data && e.data.type === 'fatal') reject(new Error(e.data.message));
        if (e.data && e.data.type === type) { w.removeEventListener('message', h); resolve(e.data); }
      };
      w.addEventListener('message', h);
    });
    const ready = await next('ready');
    w.postMessage({ type: 'bench', model: text, mode: 'train', batch: 8, runs: 1, threads: [1, 2] });
    const bench = (await next('bench')).result;
    w.terminate();
    return { ready, bench, cores: navigator.hardwareConcurrency, isolated: window.crossOriginIsolated };
  }, model);
}

test('an isolated page\'s worker computes on 2 threads with the bits of one; a page that is not isolated, on one', async (t) => {
  if (browserName !== 'chromium') t.diagnostic('run in ' + browserName);
  const page = await openLab(isolated, { hash: 'preset=wide&data=digits' });
  const r = await workerReadyAndBench(page, wideText);
  assert.equal(r.isolated, true, 'served with COOP + COEP, the page is cross-origin isolated');
  assert.equal(r.ready.isolated, true, 'and so is its worker');
  assert.ok(r.cores >= 2, `this machine reports ${r.cores} core(s)`);
  assert.equal(r.ready.threads, Math.min(r.cores, 4), 'the worker computes on min(hardwareConcurrency, 4) threads');
  // The benchmark checked that 2 threads give the bits of 1 (outputs and gradients of a step of the
  // Wide net) before timing them: an error would say otherwise.
  assert.equal(r.bench.error, undefined, r.bench.error);
  assert.deepEqual(r.bench.threads.map((x) => [x.threads, x.threads_used]), [[1, 1], [2, 2]]);
  assert.ok(r.bench.threads.every((x) => x.samples_per_second.median > 0));
  t.diagnostic(`Wide, batch 8, in the isolated page's worker: ${r.bench.threads.map((x) => `${x.threads} thread(s) ${x.samples_per_second.median.toFixed(1)} samples/s`).join(', ')}`);
  assert.deepEqual(page.errors, []);

  const p2 = await openLab(plain, { hash: 'preset=wide&data=digits' });
  const q = await workerReadyAndBench(p2, wideText);
  assert.equal(q.isolated, false, 'served without the headers, the page is not isolated');
  assert.equal(q.ready.threads, 1, 'its worker computes on one thread');
  assert.equal(q.bench.error, undefined, q.bench.error);
  assert.deepEqual(q.bench.threads.map((x) => [x.threads, x.threads_used]), [[1, 1], [2, 1]], 'asked for 2, the one-thread build gives 1');
  assert.deepEqual(p2.errors, []);
});

// `cnn-sandbox train` under node: one epoch of LeNet-5 on digits with seed 1 (188 steps); with
// threads > 1 the pthread build on that many threads.
function cli(threads) {
  const tool = join(dirname(siteDir), threads > 1 ? 'cnn-sandbox-pthread.js' : 'cnn-sandbox.js');
  assert.ok(existsSync(tool), `${tool} is missing: build it (cmake --build --preset wasm --target ${threads > 1 ? 'cnn-sandbox-pthread' : 'cnn-sandbox'})`);
  const out = join(mkdtempSync(join(tmpdir(), 'cnn-threads-')), 'w.bin');
  const r = spawnSync('node', ['--no-experimental-fetch', tool, 'train', '--model', join(repoRoot, 'assets/presets/lenet5.txt'),
    '--data', 'digits', '--epochs', '1', '--seed', '1', '--threads', String(threads), '--json', '--save', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1));
  assert.equal(j.steps, 188);
  return { json: j, weights: readFileSync(out) };
}

test('the isolated page trains on 2 threads and gives the curve of one thread and of the command line', async (t) => {
  const runs = {};
  for (const [name, lab] of [['isolated', isolated], ['plain', plain]]) {
    const page = await openLab(lab, { hash: 'preset=lenet5&data=digits&seed=1' });
    await waitState(page, (s) => s.modelValid, 'the lab');
    const hasWorker = await page.evaluate(() => typeof window.cnnSandbox.trainerState === 'function');
    if (!hasWorker) { t.skip('this page does not train in a worker (issue 19.1 not built)'); return; }
    const m = await page.evaluate(() => window.cnnSandbox.train(188));
    const w = await page.evaluate(() => window.cnnSandbox.trainerState());
    assert.equal(w.where, 'worker', `${name}: training runs in the worker (${w.failure})`);
    assert.equal(w.threads, name === 'isolated' ? 2 : 1, `${name}: the worker's engine computes on ${name === 'isolated' ? 2 : 1} thread(s)`);
    // On every core (2 of this machine's 2), reports come every 200 ms, since each one the page
    // draws takes from training; on one, every 100 ms.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(w.reportEveryMs, w.threads >= cores ? 200 : 100, `${name}: ${w.threads} thread(s) of ${cores} cores, reports every ${w.reportEveryMs} ms`);
    assert.equal(m.steps, 188);
    assert.ok(m.loss.every(Number.isFinite));
    const file = Buffer.from(await page.evaluate(() => Array.from(window.cnnSandbox.saveModelFile())));
    runs[name] = { loss: m.loss, file };
    await screenshot(page, `threads-${name}-lenet5`);
    assert.deepEqual(page.errors, []);
  }
  // The two pages' curves, step by step, bit for bit.
  assert.deepEqual(runs.isolated.loss.map(f32), runs.plain.loss.map(f32), '2 threads give the curve of one');
  // Both are the command line's, on one thread and on two (the pthread build under node).
  for (const threads of [1, 2]) {
    const c = cli(threads);
    assert.equal(f32(runs.isolated.loss.at(-1)), f32(c.json.final_step_loss), `the last step's loss is the CLI's (--threads ${threads})`);
    for (const [name, r] of Object.entries(runs))
      assert.ok(r.file.indexOf(c.weights.subarray(16)) >= 0, `${name}: the page's weights are the CLI's (--threads ${threads}), bit for bit`);
  }
});
