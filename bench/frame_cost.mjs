// frame_cost.mjs: what one frame of a changed WebGL canvas costs the browser, on its own. A bare
// 1280x720 WebGL2 canvas (the lab's context attributes: no alpha, depth, stencil or antialiasing,
// preserveDrawingBuffer) is cleared in a scissor box of a given size at a given rate; the CPU time
// of every Chromium process (/proc/<pid>/stat, user + system) is summed over the window and divided
// by the frames drawn. "idle" runs nothing; "rAF only" runs the requestAnimationFrame callbacks
// (every display frame, 60 a second) without a GL call; a frame's cost is the canvas cases' CPU
// above "rAF only", divided by the frames drawn. Linux only.
//
//   cd bench && node frame_cost.mjs [--fps 5] [--seconds 6] [--rounds 2]
//
// Chromium's flags are the tests' (tests/browser/lib.mjs: SwiftShader as the GPU, compositing
// included); CHROMIUM_DROP='--use-angle=swiftshader' gives Chromium's own choice on a machine
// without a GPU. bench/RESULTS.md has what it measured and what follows for the page.
import { readFileSync, readdirSync } from 'node:fs';
import { startLab } from '../tests/browser/lib.mjs';

const opt = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const fps = Number(opt('--fps', 5)), seconds = Number(opt('--seconds', 6)), rounds = Number(opt('--rounds', 2));

function chromiumCpuSeconds() {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      sum += (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, USER_HZ = 100
    } catch { /* the process ended */ }
  }
  return sum;
}

const cases = [
  { label: 'idle (no rAF)', w: -2, h: -2 },
  { label: 'rAF only, no GL call', w: -1, h: -1 },
  { label: 'scissor 0x0 (the canvas marked changed)', w: 0, h: 0 },
  { label: 'scissor 64x64', w: 64, h: 64 },
  { label: 'scissor 1280x360 (half)', w: 1280, h: 360 },
  { label: 'scissor 1280x720 (all)', w: 1280, h: 720 },
];
const lab = await startLab();
const page = await lab.browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.setContent('<body style="margin:0"><canvas id=c width=1280 height=720></canvas></body>');
const results = cases.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (const [i, c] of cases.entries()) {
    await page.evaluate(([w, h, fps]) => {
      const old = document.getElementById('c');
      const cv = document.createElement('canvas');
      cv.width = 1280; cv.height = 720; cv.id = 'c';
      old.replaceWith(cv);
      const gl = cv.getContext('webgl2', { alpha: false, depth: false, stencil: false, antialias: false, preserveDrawingBuffer: true });
      gl.enable(gl.SCISSOR_TEST);
      const gen = window.gen = (window.gen || 0) + 1;
      let last = 0, k = 0;
      window.frames = 0;
      const frame = (t) => {
        if (window.gen !== gen) return;
        if (t - last >= 1000 / fps - 2) {
          last = t;
          if (w >= 0) { gl.scissor(0, 0, w, h); gl.clearColor(++k % 2, 0.5, 0.2, 1); gl.clear(gl.COLOR_BUFFER_BIT); }
          window.frames++;
        }
        requestAnimationFrame(frame);
      };
      if (w > -2) requestAnimationFrame(frame);
    }, [c.w, c.h, fps]);
    await page.waitForTimeout(1000);
    const c0 = chromiumCpuSeconds(), f0 = await page.evaluate(() => window.frames), t0 = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const c1 = chromiumCpuSeconds(), f1 = await page.evaluate(() => window.frames), dt = (Date.now() - t0) / 1000;
    results[i].push({ fps: (f1 - f0) / dt, cores: (c1 - c0) / dt, msPerFrame: (1000 * (c1 - c0)) / Math.max(1, f1 - f0) });
    process.stderr.write('.');
  }
}
await lab.close();
const med = (a) => { const b = [...a].sort((x, y) => x - y); return b.length % 2 ? b[b.length >> 1] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2; };
console.log(`\nChromium (${process.env.CHROMIUM_DROP ? 'dropped: ' + process.env.CHROMIUM_DROP : "the tests' flags"}), a 1280x720 WebGL2 canvas at ${fps} frames/s, ` +
            `${seconds} s a case, median of ${rounds} rounds: CPU of every Chromium process`);
console.log('case'.padEnd(42) + 'frames/s'.padStart(10) + 'cores'.padStart(8) + 'CPU ms a frame over rAF only'.padStart(30));
const base = med(results[1].map((x) => x.cores));
for (const [i, c] of cases.entries()) {
  const rs = results[i], f = med(rs.map((x) => x.fps)), cores = med(rs.map((x) => x.cores));
  console.log(c.label.padEnd(42) + f.toFixed(1).padStart(10) + cores.toFixed(3).padStart(8) +
              (c.w >= 0 ? ((1000 * (cores - base)) / f).toFixed(1) : '').padStart(30));
}
