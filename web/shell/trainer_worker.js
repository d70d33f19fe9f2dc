// trainer_worker.js: the dedicated Web Worker that trains for the page (issue 19). It loads the
// engine without the interface (cnn-trainer-worker.js, or -scalar.js for a browser without
// WebAssembly SIMD: ?build=scalar), hands each message from the page (one ArrayBuffer, see
// web/worker/worker_protocol.h) to cnn_worker_command, and keeps calling cnn_worker_tick, a slice
// of training at a time, while there is work; between slices the page's next message (Pause, Step,
// a new learning rate) gets in. Reports go back from C++ as transferred ArrayBuffers.
'use strict';
const build = /[?&]build=scalar\b/.test(self.location.search) ? 'scalar' : 'simd';
const kSliceMs = 25;  // a Pause waits at most about this long
let started = false;
const queue = [];
let scheduled = false;
const tickChannel = new MessageChannel();

function fatal(what) {
  postMessage({ type: 'fatal', message: String(what) });
}
var Module = {
  print: (t) => console.log('[trainer] ' + t),
  printErr: (t) => console.warn('[trainer] ' + t),
  onRuntimeInitialized: () => {
    started = true;
    postMessage({ type: 'ready', build: build });
    while (queue.length) run(queue.shift());
  },
  onAbort: (what) => fatal('the engine stopped: ' + what),
};
function schedule() {
  if (scheduled) return;
  scheduled = true;
  tickChannel.port2.postMessage(0);
}
tickChannel.port1.onmessage = () => {
  scheduled = false;
  try {
    if (Module._cnn_worker_tick(kSliceMs)) schedule();
  } catch (err) {
    fatal(err && err.message ? err.message : err);
  }
};
function run(buf) {
  try {
    const u8 = new Uint8Array(buf);
    const p = Module._malloc(Math.max(u8.length, 1));
    Module.HEAPU8.set(u8, p);  // HEAPU8 after _malloc: a grown memory has a new view
    Module._cnn_worker_command(p, u8.length);
    Module._free(p);
  } catch (err) {
    fatal(err && err.message ? err.message : err);
    return;
  }
  schedule();
}
self.onmessage = (e) => {
  if (!(e.data instanceof ArrayBuffer)) return;
  if (!started) queue.push(e.data); else run(e.data);
};
try {
  importScripts(build === 'scalar' ? 'cnn-trainer-worker-scalar.js' : 'cnn-trainer-worker.js');
} catch (err) {
  fatal('could not load the engine: ' + (err && err.message ? err.message : err));
}
