// Helpers for the browser tests: serve the built page, drive a browser, collect console errors,
// save screenshots as artifacts, check the canvas is not blank.
//   SITE_DIR    folder of the built page (default build/wasm/site)
//   BROWSER     chromium (default), firefox or webkit
//   CHROMIUM    chromium binary (default /usr/bin/chromium), driven by playwright-core
//   FIREFOX     Firefox binary (default /usr/bin/firefox-esr), driven by puppeteer-core over WebDriver
//               BiDi; it runs with a window (headless Firefox has no WebGL), so under xvfb-run
//   WEBKIT      WebKitGTK's MiniBrowser (Safari's engine), driven by selenium-webdriver through
//               WebKitWebDriver (Debian's webkit2gtk-driver); also under xvfb-run
// Firefox and WebKit pages are wrapped (drivers.mjs) in the part of playwright's Page API that the
// tests use, so one test file runs in all three.
import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const browserName = (process.env.BROWSER || 'chromium').toLowerCase();
if (!['chromium', 'firefox', 'webkit'].includes(browserName)) throw new Error(`BROWSER=${browserName}: use chromium, firefox or webkit`);

const here = fileURLToPath(new URL('.', import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const siteDir = resolve(process.env.SITE_DIR || join(repoRoot, 'build', 'wasm', 'site'));
export const artifactDir = join(here, 'artifacts');

// Chromium's flags: SwiftShader stands in for a GPU, for WebGL and for compositing. For the
// benchmarks (bench/compare.mjs), CHROMIUM_ARGS adds flags and CHROMIUM_DROP removes some (both
// space-separated): CHROMIUM_DROP='--use-angle=swiftshader' is Chromium's own choice on a machine
// without a GPU (chrome://gpu: compositing software only, WebGL software only).
const chromiumArgs = [
  '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--disable-features=Translate,MediaRouter',
  ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : []),
].filter((a) => !(process.env.CHROMIUM_DROP || '').split(' ').includes(a));

// Starts the server and the browser once for a test file. Returns { url, browser, close() }.
// isolated: serve the page cross-origin isolated (COOP + COEP, as scripts/serve.mjs does by
// default), so that its worker trains on threads; the tests' default is a page that is not.
export async function startLab({ isolated = false } = {}) {
  if (!existsSync(join(siteDir, 'index.html'))) throw new Error(`${siteDir}/index.html not found: build the page first`);
  const srv = await startServer(siteDir, 0, true, { isolated });
  if (browserName !== 'chromium') {
    const { startDriver } = await import('./drivers.mjs');
    const driver = await startDriver(browserName);
    return { url: srv.url, browser: null, driver, close: async () => { await driver.close(); await srv.close(); } };
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: chromiumArgs,
  });
  return { url: srv.url, browser, close: async () => { await browser.close(); await srv.close(); } };
}

// Opens the page (optionally with a URL hash) and waits for the ImGui app to have drawn frames.
// Every console error and uncaught exception is recorded in page.errors.
// `query` (e.g. '?build=scalar') goes before the hash. touch: a phone or tablet context (touch
// events, a coarse pointer, a mobile viewport; Chromium only).
// A fresh visit (no link, no autosave) starts in the Lessons tab (issue 14); unless `firstVisit`,
// the page is then treated as a returning learner's: the course marked as seen, the Designer shown.
export async function openLab(lab, { hash = '', query = '', width = 1280, height = 720, dpr = 1, waitReady = true, touch = false, firstVisit = false } = {}) {
  if (lab.driver) {
    const page = await lab.driver.newPage({ width, height, dpr });
    // no init scripts here: mark the course as seen from a plain file of the same origin first, so
    // the lab itself loads once (a reload would lose the first load's messages)
    if (!firstVisit) {
      await page.goto(new URL('style.css', lab.url).href);
      await page.evaluate(() => {
        try { if (!localStorage.getItem('cnn-sandbox.lessons.v1')) localStorage.setItem('cnn-sandbox.lessons.v1', '{"v":1,"seen":true}'); } catch (e) {}
      });
    }
    await page.goto(lab.url + query + (hash ? '#' + hash : ''));
    if (waitReady) await waitForFrames(page, 5);
    return page;
  }
  const context = await lab.browser.newContext({ viewport: { width, height }, deviceScaleFactor: dpr, ...(touch ? { hasTouch: true, isMobile: true } : {}) });
  if (!firstVisit) {
    await context.addInitScript(() => {
      try { if (!localStorage.getItem('cnn-sandbox.lessons.v1')) localStorage.setItem('cnn-sandbox.lessons.v1', '{"v":1,"seen":true}'); } catch (e) {}
    });
  }
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => page.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(lab.url + query + (hash ? '#' + hash : ''));
  if (waitReady) await waitForFrames(page, 5);
  return page;
}

// Waits for `n` more animation frames (the status box is hidden once main() runs), then until the
// app has taken every queued input event (one a frame: a click is a hover, a press and a release
// frame) and for two frames more, in which what the input did shows: a fixed number of frames was
// not always enough for a click to land once frames that change nothing became cheap (web/damage.h).
export async function waitForFrames(page, n = 3, timeout = 60000) {
  await page.waitForFunction(() => document.getElementById('status')?.classList.contains('hidden'), null, { timeout });
  const frames = (k) => page.evaluate((k) => new Promise((r) => { let i = 0; const f = () => (++i >= k ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); }), k);
  await frames(n);
  if (!(await page.evaluate(() => !!window.cnnSandbox?.inputState))) return;
  await page.waitForFunction(() => window.cnnSandbox.inputState().queued === 0, null, { timeout, polling: 'raf' });
  await frames(2);
}

export async function screenshot(page, name) {
  mkdirSync(artifactDir, { recursive: true });
  // chromium's keep their plain names; the other browsers' are prefixed: firefox-smoke-1280x720.png
  const file = join(artifactDir, `${browserName === 'chromium' ? '' : browserName + '-'}${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// The canvas's pixels, read back from a screenshot of the canvas element (the compositor's
// picture: what the learner sees): { width, height, data } with data RGBA, row by row from the top.
export async function canvasPixels(page) {
  const png = await page.locator('#canvas').screenshot();
  const r = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, rgba: btoa(s) };
  }, png.toString('base64'));
  return { width: r.width, height: r.height, data: Buffer.from(r.rgba, 'base64') };
}

// Statistics of the canvas pixels (canvasPixels); `points` ([x, y] in CSS pixels, dpr 1) adds the
// colours there: atPoints, [r, g, b] each.
export async function canvasStats(page, points = []) {
  const { width, height, data: d } = await canvasPixels(page);
  const colors = new Set();
  let min = 255, max = 0, black = 0, n = 0;
  for (let i = 0; i < d.length; i += 4 * 7, n++) {
    const v = (d[i] * 299 + d[i + 1] * 587 + d[i + 2] * 114) / 1000;
    if (v < min) min = v; if (v > max) max = v;
    if (d[i] + d[i + 1] + d[i + 2] === 0) black++;
    if (colors.size < 5000) colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  }
  const atPoints = points.map(([x, y]) => { const i = 4 * (Math.round(y) * width + Math.round(x)); return [d[i], d[i + 1], d[i + 2]]; });
  return { width, height, distinctColors: colors.size, minLuma: min, maxLuma: max, blackShare: black / n, atPoints };
}

// The page's state through the JS API (window.cnnSandbox.getState()).
export const state = (page) => page.evaluate(() => window.cnnSandbox.getState());

// Polls the page state until pred(state) holds; on timeout fails with `what` and the last state
// (without the model text and widget rects, which would drown it).
export async function waitState(page, pred, what, timeout = 120000) {
  const t0 = Date.now();
  let s;
  while (Date.now() - t0 < timeout) {
    s = await state(page);
    if (pred(s)) return s;
    await page.waitForTimeout(150);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify({ ...s, modelText: undefined, rects: undefined })}`);
}

// The input layer's state (window.cnnSandbox.inputState(): frames drawn, idle, tooltip, text field).
export const inputState = (page) => page.evaluate(() => window.cnnSandbox.inputState());

// A phone or tablet: touch events, a coarse pointer, devicePixelRatio 2.
export const openTouchLab = (lab, opts = {}) => openLab(lab, { dpr: 2, ...opts, touch: true });

// One finger through the DevTools protocol (page.touchscreen only taps): down at `from`, held
// `holdMs`, moved to `to` in `steps` steps about a frame apart, lifted.
export async function touchDrag(page, from, to, { steps = 10, holdMs = 60, stepMs = 24 } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const at = (x, y) => [{ x, y, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(...from) });
  await page.waitForTimeout(holdMs);
  for (let i = 1; i <= steps; i++) {
    const x = from[0] + (to[0] - from[0]) * i / steps, y = from[1] + (to[1] - from[1]) * i / steps;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(x, y) });
    await page.waitForTimeout(stepMs);
  }
  await page.waitForTimeout(holdMs);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

// A long press: one finger down at `p` for `ms`; `during` runs while it is held.
export async function touchHold(page, p, ms, during) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: p[0], y: p[1], id: 1 }] });
  await page.waitForTimeout(ms);
  if (during) await during();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}
