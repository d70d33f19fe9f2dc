// trainer_client.js: starts the page's training worker (issue 19: trainer_worker.js, the engine
// without the interface) and carries its messages: the page's C++ (web/session_worker.cpp) posts
// commands as ArrayBuffers through cnnTrainer.post, and each report the worker sends is copied into
// the page's heap and handed to cnn_worker_report. A worker that fails to load or stops (an error,
// an abort, terminate()) is reported once through cnn_worker_event, and the page trains in the
// frame from then on. ?worker=0 (or a browser without Worker) keeps training in the frame.
'use strict';
(function () {
  let worker = null;
  let failed = false;
  // A worker that has not said 'ready' after this long (its script or engine stuck loading: no
  // error event ever comes) is given up like one that failed: train(n) would otherwise wait forever.
  // ?workerPatience=ms (tests).
  const loadPatience = /[?&]workerPatience=(\d+)/.exec(location.search);
  const kLoadPatienceMs = loadPatience ? Math.max(100, Number(loadPatience[1])) : 30000;
  let loadTimer = 0;
  const pending = [];  // reports that arrive before the page's runtime is up (never, in practice)
  function deliver(buf) {
    if (!window.Module || typeof Module._cnn_worker_report !== 'function') { pending.push(buf); return; }
    while (pending.length) deliver1(pending.shift());
    deliver1(buf);
  }
  function deliver1(buf) {
    const u8 = new Uint8Array(buf);
    const p = Module._malloc(Math.max(u8.length, 1));
    Module.HEAPU8.set(u8, p);  // HEAPU8 after _malloc: a grown memory has a new view
    Module._cnn_worker_report(p, u8.length);
    Module._free(p);
    // an idle page draws on change only (main.cpp): a report is one, drawn once
    if (typeof Module._cnn_worker_report_arrived === 'function') Module._cnn_worker_report_arrived();
  }
  function fail(why) {
    if (failed) return;
    failed = true;
    clearTimeout(loadTimer);
    if (worker) { try { worker.terminate(); } catch (e) { /* already gone */ } }
    worker = null;
    console.warn('CNN Sandbox: the training worker stopped (' + why + '); training goes on in the page.');
    if (window.Module && typeof Module.ccall === 'function') Module.ccall('cnn_worker_event', null, ['number', 'string'], [2, String(why)]);
  }
  window.cnnTrainer = {
    // Called once by the page's C++. False: no worker (the page trains in the frame).
    start: (build) => {
      if (typeof Worker === 'undefined' || /[?&]worker=0\b/.test(location.search)) return false;
      try {
        // ?threads=N on the page caps the worker's threads (an isolated page; bench/compare.mjs)
        const asked = /[?&]threads=(\d+)/.exec(location.search);
        // ?evaluator=0: the worker evaluates between its steps, not in a worker of its own (bench/compare.mjs)
        const noEvaluator = /[?&]evaluator=0\b/.test(location.search);
        // ?evalPatience=ms: how long the worker waits for its evaluator's answer before evaluating itself
        const patience = /[?&]evalPatience=(\d+)/.exec(location.search);
        // ?reportMs=ms: the worker's reports while it trains, one every ms (bench/compare.mjs)
        const reportMs = /[?&]reportMs=(\d+)/.exec(location.search);
        const q = [build === 'scalar' ? 'build=scalar' : '', asked ? 'threads=' + asked[1] : '', noEvaluator ? 'evaluator=0' : '',
          patience ? 'evalPatience=' + patience[1] : '', reportMs ? 'reportMs=' + reportMs[1] : ''].filter(Boolean).join('&');
        worker = new Worker('trainer_worker.js' + (q ? '?' + q : ''));
      } catch (err) {
        worker = null;
        return false;
      }
      worker.onmessage = (e) => {
        if (e.data instanceof ArrayBuffer) { deliver(e.data); return; }
        if (e.data && e.data.type === 'ready') {
          clearTimeout(loadTimer);
          Module.ccall('cnn_worker_event', null, ['number', 'string'], [1, '']);
        }
        if (e.data && e.data.type === 'fatal') fail(e.data.message);
      };
      worker.onerror = (e) => { e.preventDefault(); fail(e.message || 'the worker script failed to load'); };
      worker.onmessageerror = () => fail('a message could not be read');
      loadTimer = setTimeout(() => fail(`it did not load within ${(kLoadPatienceMs / 1000).toFixed(kLoadPatienceMs % 1000 ? 1 : 0)} s`), kLoadPatienceMs);
      return true;
    },
    post: (buf) => { if (worker) worker.postMessage(buf, [buf]); },
    active: () => !!worker,
    // For tests: stop the worker as a crash would.
    terminate: (why) => fail(why || 'terminated'),
    // For tests: stop the worker's evaluator as a crash would (the worker evaluates from then on).
    stopEvaluator: (why) => { if (worker) worker.postMessage({ type: 'stop-evaluator', message: String(why || 'stopped by the page') }); },
    // For tests: the evaluator stops answering without an error (the worker gives up on it after ?evalPatience).
    muteEvaluator: () => { if (worker) worker.postMessage({ type: 'mute-evaluator' }); },
    // For tests: the evaluator's answers arrive cut short (the trainer gives it up and ends its Worker).
    garbleEvaluator: () => { if (worker) worker.postMessage({ type: 'garble-evaluator' }); },
  };
  // cnnSandbox.trainerState(): { where: 'worker' | 'page', state, threads, reports, snapshots, ... }
  if (window.cnnSandbox) window.cnnSandbox.trainerState = () => JSON.parse(Module.ccall('cnn_get_worker_state', 'string', [], []));
})();
