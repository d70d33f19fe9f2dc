// Firefox and WebKit for the browser tests, behind the part of playwright's Page API the tests use
// (evaluate, waitForFunction, waitForTimeout, mouse, keyboard, screenshot, locator(sel).screenshot,
// goto, setInputFiles, waitForEvent('download'), context().close(), page.errors), so that a test
// file written for chromium runs unchanged in all three. lib.mjs loads this file only when
// BROWSER=firefox or BROWSER=webkit.
//
//   firefox  Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi. With a window:
//            headless Firefox has no WebGL here, under Xvfb it gets WebGL2 from Mesa's software GL.
//   webkit   WebKitGTK's MiniBrowser (Safari's engine) driven by selenium-webdriver through
//            WebKitWebDriver (Debian's webkit2gtk-driver), bound to 127.0.0.1 (its default host is
//            not loopback). One WebDriver session per page. A device pixel ratio of 2 comes from a
//            second driver started with GDK_SCALE=2 (WebKitGTK has no per-page emulation).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Installed in every page after it loads: blob downloads (the page's only kind) are kept in
// window.__cnnDownloads instead of going to a dialog or the disk, so a test reads the very bytes
// the browser was handed; errors logged or thrown go to window.__cnnErrors (WebKit has no log API).
function pageHooks() {
  if (window.__cnnHooks) return;
  window.__cnnHooks = true;
  window.__cnnDownloads = [];
  window.__cnnErrors = window.__cnnErrors || [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.download && this.href.startsWith('blob:')) {
      const entry = { name: this.download, bytes: null };
      window.__cnnDownloads.push(entry);
      fetch(this.href).then((r) => r.arrayBuffer()).then((b) => { entry.bytes = Array.from(new Uint8Array(b)); });
      return;
    }
    return click.call(this);
  };
  const err = console.error;
  console.error = function (...a) { window.__cnnErrors.push('console: ' + a.join(' ')); return err.apply(this, a); };
  window.addEventListener('error', (e) => window.__cnnErrors.push('exception: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => window.__cnnErrors.push('exception: ' + (e.reason?.message || e.reason)));
}

// The in-page part of setInputFiles: a File in a DataTransfer, set on the input, then 'change'.
function setFiles({ selector, name, mimeType, bytes }) {
  const input = document.querySelector(selector);
  if (!input) throw new Error(`setInputFiles: no element ${selector}`);
  const dt = new DataTransfer();
  dt.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType || 'application/octet-stream' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The shared half of both page wrappers; a backend supplies run(fn, arg) (the page's value of
// fn(arg), awaited), mouse, keyboard, screenshots and navigation.
class PageBase {
  constructor() {
    this.errors = [];
    this.downloadsSeen = 0;
  }
  async evaluate(fn, arg) {
    const v = await this.run(fn, arg);
    await this.syncErrors();
    return v;
  }
  async syncErrors() {}
  async waitForFunction(fn, arg, { timeout = 30000 } = {}) {
    const t0 = Date.now();
    for (;;) {
      const v = await this.run(fn, arg);
      if (v) return v;
      if (Date.now() - t0 > timeout) throw new Error(`waitForFunction timed out after ${timeout} ms: ${String(fn).slice(0, 120)}`);
      await sleep(50);
    }
  }
  waitForTimeout(ms) { return sleep(ms); }
  locator(selector) { return { screenshot: () => this.elementScreenshot(selector) }; }
  // Clipboard access is granted when the browser starts (Firefox's testing prefs, WebKit's
  // javascript-can-access-clipboard setting), so there is nothing to grant per page.
  context() { return { close: () => this.close(), grantPermissions: async () => {} }; }
  async setInputFiles(selector, { name, mimeType, buffer }) {
    await this.run(setFiles, { selector, name, mimeType, bytes: Array.from(buffer) });
  }
  // Resolves with the next blob download the page starts: { suggestedFilename(), path() }.
  async waitForEvent(kind, { timeout = 30000 } = {}) {
    if (kind !== 'download') throw new Error(`waitForEvent('${kind}') is not available in ${this.browserName}`);
    const k = this.downloadsSeen++;
    const d = await this.waitForFunction((i) => { const e = window.__cnnDownloads?.[i]; return e && e.bytes ? e : null; }, k, { timeout });
    return {
      suggestedFilename: () => d.name,
      path: async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'cnn-dl-')), d.name);
        writeFileSync(file, Buffer.from(d.bytes));
        return file;
      },
    };
  }
}

// ----------------------------------------------------------------------------------------------
// Firefox (puppeteer-core, WebDriver BiDi)

class FirefoxPage extends PageBase {
  constructor(context, page) {
    super();
    this.browserName = 'firefox';
    this.ctx = context;
    this.p = page;
    this.mouse = page.mouse;
    page.on('console', (m) => { if (m.type() === 'error') this.errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => this.errors.push(`exception: ${e.message}`));
    page.on('requestfailed', (r) => this.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    const kb = page.keyboard;
    this.keyboard = {
      type: (text) => kb.type(text),
      // 'Control+Z' as in playwright: modifiers down, the key, modifiers up
      press: async (combo) => {
        const keys = combo.split('+');
        const last = keys.pop();
        for (const k of keys) await kb.down(k);
        await kb.press(last.length === 1 ? last.toLowerCase() : last);
        for (const k of keys.reverse()) await kb.up(k);
      },
    };
  }
  run(fn, arg) { return this.p.evaluate(fn, arg); }
  async goto(url) {
    await this.p.goto(url);
    await this.p.evaluate(pageHooks);
  }
  screenshot(opts) { return this.p.screenshot(opts); }
  async elementScreenshot(selector) { return Buffer.from(await (await this.p.$(selector)).screenshot()); }
  async close() { await this.ctx.close(); }
}

// puppeteer-core sends the viewport and a screen orientation together; Firefox ESR before 141
// (Debian 12's bookworm main, without bookworm-security) lacks the orientation command and
// rejects it. The viewport command is independent and still applies: wait until the window has
// the size asked for, and only then go on (any other error, or a size that never comes, fails).
async function setFirefoxViewport(page, width, height, dpr) {
  try {
    await page.setViewport({ width, height, deviceScaleFactor: dpr });
  } catch (e) {
    if (!/unknown command emulation\.setScreenOrientationOverride/.test(String(e?.message))) throw e;
    const want = [width, height, dpr ?? 1];
    let got;
    for (let i = 0; i < 100; i++) {
      got = await page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio]);
      if (got.every((v, k) => v === want[k])) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`Firefox: the viewport ${want.join('x')} did not apply (window ${got.join('x')}) after ${e.message}`);
  }
}

async function startFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  if (!process.env.DISPLAY) throw new Error('BROWSER=firefox needs a display (headless Firefox has no WebGL): run the tests under xvfb-run');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: false,
    args: ['--width=1920', '--height=1200'],
    extraPrefsFirefox: {
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.reportingpolicy.firstRun': false,
      'app.update.enabled': false,
      'dom.events.asyncClipboard.readText': true,
      'dom.events.testing.asyncClipboard': true,  // readText without the paste prompt
    },
  });
  return {
    async newPage({ width, height, dpr }) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await setFirefoxViewport(page, width, height, dpr);
      return new FirefoxPage(context, page);
    },
    close: () => browser.close(),
  };
}

// ----------------------------------------------------------------------------------------------
// WebKit (selenium-webdriver, WebKitWebDriver, MiniBrowser)

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

async function startWebKitDriver(env) {
  const bin = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
  const port = await freePort();
  const proc = spawn(bin, [`--port=${port}`, '--host=127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`${bin} exited (${proc.exitCode}): ${stderr}`);
    try { if ((await fetch(url + '/status')).ok) break; } catch { /* not listening yet */ }
    if (i > 200) throw new Error(`${bin} did not answer on ${url}: ${stderr}`);
    await sleep(50);
  }
  // a MiniBrowser left behind by a failed test must not keep node's event loop (or the display) alive
  proc.unref();
  proc.stderr.unref?.();
  return { url, close: () => { proc.kill(); } };
}

class WebKitPage extends PageBase {
  constructor(driver, wd) {
    super();
    this.browserName = 'webkit';
    this.d = driver;
    const { Key, Origin } = wd;
    const actions = () => this.d.actions({ async: true });
    const at = (x, y) => ({ x: Math.round(x), y: Math.round(y), origin: Origin.VIEWPORT, duration: 0 });
    let pos = { x: 0, y: 0 };
    this.mouse = {
      click: async (x, y, { delay = 0 } = {}) => {
        pos = { x, y };
        let a = actions().move(at(x, y)).press();
        if (delay) a = a.pause(delay);
        await a.release().perform();
      },
      move: async (x, y) => { pos = { x, y }; await actions().move(at(x, y)).perform(); },
      down: async () => { await actions().move(at(pos.x, pos.y)).press().perform(); },
      up: async () => { await actions().move(at(pos.x, pos.y)).release().perform(); },
    };
    const keyOf = (k) => {
      const named = { Control: Key.CONTROL, Shift: Key.SHIFT, Alt: Key.ALT, Meta: Key.META, Enter: Key.ENTER,
        Backspace: Key.BACK_SPACE, Delete: Key.DELETE, Tab: Key.TAB, Escape: Key.ESCAPE, Home: Key.HOME, End: Key.END,
        ArrowLeft: Key.ARROW_LEFT, ArrowRight: Key.ARROW_RIGHT, ArrowUp: Key.ARROW_UP, ArrowDown: Key.ARROW_DOWN };
      if (named[k]) return named[k];
      if (k.length === 1) return k.toLowerCase();
      throw new Error(`keyboard.press: unknown key ${k}`);
    };
    this.keyboard = {
      type: async (text) => { await actions().sendKeys(text.replace(/\n/g, Key.ENTER)).perform(); },
      press: async (combo) => {
        const keys = combo.split('+').map(keyOf);
        const last = keys.pop();
        let a = actions();
        for (const k of keys) a = a.keyDown(k);
        a = a.keyDown(last).keyUp(last);
        for (const k of keys.reverse()) a = a.keyUp(k);
        await a.perform();
      },
    };
  }
  // fn(arg) in the page, awaited; undefined survives the round trip as undefined
  async run(fn, arg) {
    const src = typeof fn === 'function' ? fn.toString() : `() => (${fn})`;
    const r = await this.d.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       Promise.resolve().then(() => (${src})(arguments[0]))
         .then((v) => done(v === undefined ? { u: 1 } : { v }), (e) => done({ e: String((e && e.stack) || e) }));`,
      arg === undefined ? null : arg);
    if (r.e) throw new Error(`evaluate failed in webkit: ${r.e}`);
    return r.u ? undefined : r.v;
  }
  async syncErrors() {
    const e = await this.run(() => (window.__cnnErrors || []).splice(0));
    if (e?.length) this.errors.push(...e);
  }
  async goto(url) {
    await this.d.get(url);
    await this.run(pageHooks);
  }
  async screenshot({ path } = {}) {
    const png = Buffer.from(await this.d.takeScreenshot(), 'base64');
    if (path) writeFileSync(path, png);
    return png;
  }
  async elementScreenshot(selector) {
    const { By } = await import('selenium-webdriver');
    return Buffer.from(await (await this.d.findElement(By.css(selector))).takeScreenshot(), 'base64');
  }
  async close() {
    await this.syncErrors().catch(() => {});
    await this.d.quit();
  }
}

async function startWebKit() {
  if (!process.env.DISPLAY) throw new Error('BROWSER=webkit needs a display: run the tests under xvfb-run');
  const wd = await import('selenium-webdriver');
  const binary = process.env.WEBKIT || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
  const open = new Set();  // pages a failed test did not close: quit when the lab closes
  return {
    // WebKitWebDriver takes one session at a time, and a test may hold two pages: a driver per page
    async newPage({ width, height, dpr }) {
      if (dpr !== 1 && dpr !== 2) throw new Error(`webkit: device pixel ratio ${dpr} (only 1 and 2, through GDK_SCALE)`);
      const service = await startWebKitDriver(dpr === 2 ? { GDK_SCALE: '2' } : {});
      const driver = await new wd.Builder().usingServer(service.url).withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary, args: ['--automation', '--javascript-can-access-clipboard=true'] },
      }).build();
      await driver.manage().setTimeouts({ script: 300000 });
      // the window's outer size, so that the page's inner size is width x height (CSS px)
      const win = driver.manage().window();
      await win.setRect({ x: 0, y: 0, width, height });
      for (let i = 0; i < 3; i++) {
        const inner = await driver.executeScript('return [window.innerWidth, window.innerHeight]');
        if (inner[0] === width && inner[1] === height) break;
        const r = await win.getRect();
        await win.setRect({ width: r.width + width - inner[0], height: r.height + height - inner[1] });
      }
      const page = new WebKitPage(driver, wd);
      open.add(page);
      const close = page.close.bind(page);
      page.close = async () => {
        open.delete(page);
        try { await close(); } finally { service.close(); }
      };
      return page;
    },
    close: async () => { for (const p of [...open]) await p.close().catch(() => {}); },
  };
}

export async function startDriver(name) {
  if (name === 'firefox') return startFirefox();
  if (name === 'webkit') return startWebKit();
  throw new Error(`no driver for ${name}`);
}
