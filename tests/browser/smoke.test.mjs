// The page loads, the ImGui canvas renders, and nothing is logged as an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, openLab, screenshot, canvasStats } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

test('page loads and the ImGui canvas is drawn, without console errors', async () => {
  const page = await openLab(lab);
  const file = await screenshot(page, 'smoke-1280x720');
  const stats = await canvasStats(page);
  console.log(`canvas ${stats.width}x${stats.height}, ${stats.distinctColors} colours, luma ${stats.minLuma}..${stats.maxLuma}; screenshot ${file}`);
  assert.equal(stats.width, 1280);
  assert.ok(stats.distinctColors > 20, `canvas looks blank: ${stats.distinctColors} distinct colours`);
  assert.ok(stats.maxLuma - stats.minLuma > 100, 'canvas has no contrast (no text drawn?)');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a high-DPI screen gets a canvas in device pixels', async () => {
  const page = await openLab(lab, { width: 900, height: 600, dpr: 2 });
  const size = await page.evaluate(() => [document.getElementById('canvas').width, document.getElementById('canvas').height]);
  assert.deepEqual(size, [1800, 1200]);
  await screenshot(page, 'smoke-900x600-dpr2');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
