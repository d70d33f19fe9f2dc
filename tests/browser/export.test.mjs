// The page's "PyTorch" button (issue 11) and a 10,000-step endurance run in the browser (issue 10).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startLab, openLab, screenshot } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];

test('the PyTorch button downloads a script of the trained network that PyTorch loads', async () => {
  const page = await openLab(lab, { hash: 'preset=tiny-mlp&data=spirals&seed=2' });
  await page.evaluate(() => window.cnnSandbox.train(30));
  const s = await page.evaluate(() => window.cnnSandbox.getState());
  assert.ok(s.rects.export_pytorch, 'the button is drawn');
  const [download] = await Promise.all([page.waitForEvent('download'), page.mouse.click(...center(s.rects.export_pytorch))]);
  assert.equal(download.suggestedFilename(), 'tiny_mlp.py');
  const path = join(mkdtempSync(join(tmpdir(), 'cnn-export-')), 'tiny_mlp.py');  // Python wants a .py name
  copyFileSync(await download.path(), path);
  const script = readFileSync(path, 'utf8');
  assert.match(script, /class SandboxNet\(nn\.Module\)/);
  assert.match(script, /nn\.Linear\(2, 16\)/);
  assert.doesNotMatch(script, /carries no trained weights/, 'the trained weights are embedded');
  await screenshot(page, 'export-pytorch-button');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // With Debian's python3-torch (installed by scripts/setup.sh): the module loads the weights and
  // its forward pass gives probabilities.
  const py = '/usr/bin/python3';
  const probe = existsSync(py) ? spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }) : { status: 1 };
  if (probe.status !== 0) { console.log('python3-torch not found: the script was checked as text only'); return; }
  const code = [
    'import importlib.util, sys, torch',
    `spec = importlib.util.spec_from_file_location("exported", ${JSON.stringify(path)})`,
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'net = m.SandboxNet(); assert m.load_sandbox_weights(net)',
    'n = sum(p.numel() for p in net.parameters())',
    'y = net(torch.randn(4, 2, 1, 1))',
    'print(n, float(y.sum()))',
  ].join('\n');
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [params, total] = r.stdout.trim().split(' ').map(Number);
  assert.equal(params, 354, 'the preset has 354 parameters');
  assert.ok(Math.abs(total - 4) < 1e-5, `4 softmax rows sum to 4, got ${total}`);
});

test('endurance: 10,000 training steps in the page, memory stays flat', async () => {
  const page = await openLab(lab, { hash: 'preset=tiny-mlp&data=spirals&epochs=100000&batch=32' });
  const samples = [];
  for (let chunk = 0; chunk < 10; chunk++) {
    const m = await page.evaluate(async () => {
      const r = await window.cnnSandbox.train(1000);
      return { steps: r.steps, wasm: window.Module.HEAP8.length, js: performance.memory ? performance.memory.usedJSHeapSize : 0 };
    });
    samples.push(m);
  }
  const mb = (b) => (b / 1048576).toFixed(2);
  console.log('steps, wasm memory MB, JS heap MB: ' + samples.map((m) => `${m.steps}:${mb(m.wasm)}/${mb(m.js)}`).join('  '));
  assert.equal(samples[9].steps, 10000);
  const wasmGrowth = samples[9].wasm - samples[0].wasm;
  assert.ok(wasmGrowth <= 4 * 1048576, `wasm memory grew ${mb(wasmGrowth)} MB from step 1,000 to 10,000`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
