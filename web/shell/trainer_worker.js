// trainer_worker.js: the dedicated Web Worker that trains for the page (issue 19). It loads the
// engine without the interface (cnn-trainer-worker.js, or -scalar.js for a browser without
// WebAssembly SIMD: ?build=scalar), hands each message from the page (one ArrayBuffer, see
// web/worker/worker_protocol.h) to cnn_worker_command, and keeps calling cnn_worker_tick, a slice
// of training at a time, while there is work; between slices the page's next message (Pause, Step,
// a new learning rate) gets in. Reports go back from C++ as transferred ArrayBuffers.
//
// Threads: when the page is cross-origin isolated (so this worker is too, and has SharedArrayBuffer),
// the SIMD build with wasm threads (cnn-trainer-worker-threads.js) computes each minibatch on
// min(navigator.hardwareConcurrency, 4) threads, with the same bits as one; otherwise one thread.
// ?threads=N in this script's URL asks for N (1 loads the one-thread build).
//
// Evaluations beside training: once loaded, the trainer starts a second worker from this script
// with ?role=evaluator (the one-thread build of the same kind), hands it each evaluation point's
// network state and trains on; the answers come back in order (web/worker/trainer_worker.cpp). Without
// Worker here, with ?evaluator=0 in this script's URL, or when the evaluator fails, the trainer
// evaluates between its steps, as before; nothing is lost (it keeps each request until answered).
// {type: 'stop-evaluator', message} from the page stops the evaluator as a crash would (tests).
// An evaluator that stops answering without an error (a worker the browser dropped) is given up
// after kEvalPatienceMs without an answer (?evalPatience=ms in this script's URL), the same way;
// {type: 'mute-evaluator'} (tests) drops the requests from then on, as such an evaluator would;
// {type: 'garble-evaluator'} (tests) cuts its answers short, which the trainer (C++) refuses,
// giving the evaluator up and ending its Worker (cnnDropEvaluator).
//
// Everything but Module lives in the closure: importScripts puts Emscripten's globals (run, abort,
// ...) in this same global scope.
'use strict';
var Module;
(function () {
  const build = /[?&]build=scalar\b/.test(self.location.search) ? 'scalar' : 'simd';
  const evaluatorRole = /[?&]role=evaluator\b/.test(self.location.search);
  const kMaxThreads = 4;
  const asked = /[?&]threads=(\d+)/.exec(self.location.search);
  const threads = !evaluatorRole && build === 'simd' && self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function'
    ? Math.max(1, Math.min(asked ? Number(asked[1]) : (navigator.hardwareConcurrency || 1), kMaxThreads)) : 1;
  const script = build === 'scalar' ? 'cnn-trainer-worker-scalar.js'
    : threads > 1 ? 'cnn-trainer-worker-threads.js' : 'cnn-trainer-worker.js';
  const kSliceMs = 25;  // a Pause waits at most about this long
  let started = false;
  const queue = [];
  let scheduled = false;
  const tickChannel = new MessageChannel();
  function fatal(what) {
    postMessage({ type: 'fatal', message: String(what) });
  }
  Module = {
    print: (t) => console.log('[trainer] ' + t),
    printErr: (t) => console.warn('[trainer] ' + t),
    // The threaded build: its pool of pthread Workers (-sPTHREAD_POOL_SIZE=Module.cnnThreadPool), and
    // the script they load (not this one).
    cnnThreadPool: threads - 1,
    mainScriptUrlOrBlob: script,
    onRuntimeInitialized: () => {
      started = true;
      if (evaluatorRole) {
        postMessage({ type: 'ready' });
        while (queue.length) evaluate(queue.shift());
        return;
      }
      startEvaluator();
      const used = threads > 1 ? Module._cnn_worker_set_threads(threads) : 1;
      // Reports (each drawn once by the page) every 100 ms, or every 200 ms when this trainer computes
      // on every core the machine has: each frame the page draws then takes a core's time from
      // training (on software WebGL, tens of ms a frame). ?reportMs=N in this script's URL sets it.
      const askedReport = /[?&]reportMs=(\d+)/.exec(self.location.search);
      Module._cnn_worker_set_report_every(askedReport ? Number(askedReport[1]) : used >= (navigator.hardwareConcurrency || 1) ? 200 : 100);
      postMessage({ type: 'ready', build: build, threads: used, isolated: self.crossOriginIsolated === true });
      while (queue.length) {
        const m = queue.shift();
        if (m instanceof ArrayBuffer) command(m); else self.onmessage({ data: m });
      }
    },
    onAbort: (what) => fatal('the engine stopped: ' + what),
  };
  // ---- the evaluator (a worker of this trainer's) ----
  let evaluator = null;
  const patience = /[?&]evalPatience=(\d+)/.exec(self.location.search);
  const kEvalPatienceMs = patience ? Math.max(100, Number(patience[1])) : 60000;
  const kEvalRun = 21;  // worker_protocol.h: a request (the only message answered)
  let evalOut = 0, evalSince = 0, muted = false;  // requests unanswered; since when nothing came back
  let garbled = false;  // tests: answers arrive cut short (the trainer gives the evaluator up)
  function postToEvaluator(b) {
    if (!evaluator) return;
    if (new Uint32Array(b, 0, 1)[0] === kEvalRun) {
      if (evalOut++ === 0) evalSince = performance.now();
      if (muted) return;
    }
    evaluator.postMessage(b, [b]);
  }
  setInterval(() => {
    if (evaluator && evalOut > 0 && performance.now() - evalSince > kEvalPatienceMs)
      evaluatorLost(`it did not answer for ${(kEvalPatienceMs / 1000).toFixed(kEvalPatienceMs % 1000 ? 1 : 0)} s`);
  }, Math.min(kEvalPatienceMs / 4, 5000));
  function withHeap(buf, f) {
    const u8 = new Uint8Array(buf);
    const p = Module._malloc(Math.max(u8.length, 1));
    Module.HEAPU8.set(u8, p);  // HEAPU8 after _malloc: a grown memory has a new view
    try { f(p, u8.length); } finally { Module._free(p); }
  }
  function setEvaluator(on, why) {
    withHeap(new TextEncoder().encode(String(why)), (p, n) => Module._cnn_worker_set_evaluator(on, p, n));
  }
  // Ends the evaluator's Worker; C++ calls it too (cnnDropEvaluator) when it gives the evaluator up
  // for an error it answered with or an answer it could not read.
  function dropEvaluator() {
    if (!evaluator) return false;
    try { evaluator.terminate(); } catch (e) { /* gone */ }
    evaluator = null;
    self.cnnPostToEvaluator = null;
    evalOut = 0;
    return true;
  }
  self.cnnDropEvaluator = dropEvaluator;
  function evaluatorLost(why) {
    if (!dropEvaluator()) return;
    setEvaluator(0, why);
    schedule();
  }
  function startEvaluator() {
    if (typeof Worker !== 'function') {
      setEvaluator(0, 'no Worker inside a worker in this browser');
      return;
    }
    if (/[?&]evaluator=0\b/.test(self.location.search)) {
      setEvaluator(0, 'turned off (?evaluator=0)');
      return;
    }
    try {
      evaluator = new Worker(self.location.pathname + '?role=evaluator' + (build === 'scalar' ? '&build=scalar' : ''));
    } catch (err) {
      evaluator = null;
      setEvaluator(0, 'could not start: ' + (err && err.message ? err.message : err));
      return;
    }
    setEvaluator(2, '');  // loading
    evaluator.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) {
        evalOut = Math.max(0, evalOut - 1);
        evalSince = performance.now();
        const answer = garbled ? e.data.slice(0, 12) : e.data;
        try { withHeap(answer, (p, n) => Module._cnn_worker_eval_answer(p, n)); } catch (err) { fatal(err && err.message ? err.message : err); return; }
        schedule();
        return;
      }
      if (e.data && e.data.type === 'ready') {
        self.cnnPostToEvaluator = postToEvaluator;
        setEvaluator(1, '');
        schedule();
      }
      if (e.data && e.data.type === 'fatal') evaluatorLost('it stopped: ' + e.data.message);
    };
    evaluator.onerror = (e) => { e.preventDefault(); evaluatorLost('it stopped: ' + (e.message || 'its script failed to load')); };
    evaluator.onmessageerror = () => evaluatorLost('a message could not be read');
  }
  // the evaluator's side: each command from its trainer, answered at once from C++
  function evaluate(buf) {
    try { withHeap(buf, (p, n) => Module._cnn_evaluator_command(p, n)); } catch (err) { fatal(err && err.message ? err.message : err); }
  }
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
  function command(buf) {
    try {
      withHeap(buf, (p, n) => Module._cnn_worker_command(p, n));
    } catch (err) {
      fatal(err && err.message ? err.message : err);
      return;
    }
    schedule();
  }
  // {type: 'bench', model, mode, batch, runs, threads: [1, 2]}: the engine's benchmark in this worker
  // (bench/compare.mjs, tests/browser/threads.test.mjs); answers {type: 'bench', result: {...}}.
  function bench(o) {
    const text = new TextEncoder().encode(String(o.model) + '\0');
    const counts = (o.threads || [1]).map((n) => n | 0);
    const pm = Module._malloc(text.length), pt = Module._malloc(4 * Math.max(counts.length, 1));
    Module.HEAPU8.set(text, pm);
    counts.forEach((n, i) => { Module.HEAP32[(pt >> 2) + i] = n; });
    const r = Module._cnn_worker_bench(pm, o.mode === 'infer' ? 0 : 1, o.batch || 32, o.runs || 5, pt, counts.length);
    Module._free(pm);
    Module._free(pt);
    let end = r;
    while (Module.HEAPU8[end]) ++end;
    // slice(): a copy, since TextDecoder refuses a view of shared memory (the threaded build's)
    postMessage({ type: 'bench', result: JSON.parse(new TextDecoder().decode(Module.HEAPU8.slice(r, end))) });
  }
  self.onmessage = (e) => {
    if (evaluatorRole) {
      if (!(e.data instanceof ArrayBuffer)) return;
      if (!started) queue.push(e.data); else evaluate(e.data);
      return;
    }
    if (e.data && e.data.type === 'mute-evaluator') {
      muted = true;
      return;
    }
    if (e.data && e.data.type === 'garble-evaluator') {
      garbled = true;
      return;
    }
    if (e.data && e.data.type === 'stop-evaluator') {
      if (!started) queue.push(e.data); else evaluatorLost(String(e.data.message || 'stopped by the page'));
      return;
    }
    if (e.data && e.data.type === 'bench') {
      if (!started) { queue.push(e.data); return; }
      try { bench(e.data); } catch (err) { postMessage({ type: 'bench', result: { error: String(err && err.message ? err.message : err) } }); }
      return;
    }
    if (!(e.data instanceof ArrayBuffer)) return;
    if (!started) queue.push(e.data); else command(e.data);
  };
  try {
    importScripts(script);
  } catch (err) {
    fatal('could not load the engine: ' + (err && err.message ? err.message : err));
  }
})();
