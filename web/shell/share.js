// share.js: the browser half of issue 8 (web/share.h lists the C++ side): the model-file picker, the
// clipboard, and the lesson API on window.cnnSandbox (setModel, train(steps), getMetrics,
// onEpoch, links, model files, predictions). No eval, no inline script (the page's CSP forbids
// both): C functions are reached through Module.ccall, events through addEventListener.
'use strict';
(function () {
  const S = window.cnnSandbox;
  if (!S) throw new Error('share.js needs api.js (window.cnnSandbox) loaded first');
  const call = S.call, json = S.callJson;

  // --- files and clipboard (used by the buttons in share.cpp) ---
  // the file is read here and handed to the engine: it never leaves the machine
  const pickModelFile = S.filePicker('model-file-input', '.cnnmodel,application/octet-stream', async (f) =>
    S.loadModelFile(new Uint8Array(await f.arrayBuffer())));
  function loadBytes(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = Module._malloc(Math.max(u8.length, 1));
    if (!p) return { ok: false, message: 'out of memory for a file of ' + u8.length + ' bytes' };
    try {
      Module.HEAPU8.set(u8, p);
      const ok = call('cnn_share_load_file', 'number', ['number', 'number'], [p, u8.length]) === 1;
      const info = json('cnn_share_info');
      return { ok: ok, message: info.fileMessage };
    } finally {
      Module._free(p);
    }
  }
  window.cnnShare = {
    pickModelFile,
    copyText: (text) => {
      window.cnnShareLastLink = text;
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(() => {});
    },
  };

  // --- the lesson API ---
  const baseSetModel = S.setModel, baseTrain = S.train;
  const epochListeners = [];
  let lastEpoch = -1;
  function afterFrames(n) {
    return new Promise((r) => { let i = 0; const f = () => (++i >= n ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); });
  }
  function watchEpochs() {
    if (S.ready() && epochListeners.length) {
      const e = call('cnn_share_epoch', 'number');
      if (lastEpoch >= 0 && e > lastEpoch) {
        // a fast model can finish more than one epoch in a frame: every epoch is reported
        const m = S.getMetrics();
        for (let k = lastEpoch + 1; k <= e; k++)
          for (const cb of epochListeners.slice()) { try { cb(k, m); } catch (err) { console.warn('onEpoch callback:', err); } }
      }
      lastEpoch = e;
    }
    requestAnimationFrame(watchEpochs);
  }
  requestAnimationFrame(watchEpochs);
  // A fragment typed into the address bar (a real navigation; the page's own replaceState fires no
  // event) applies at once, with the same strict parsing as on load.
  // The fragment comes from the event, not from location: a frame may run between the navigation
  // and this event, and the page's replaceState would already have put its own state back there.
  window.addEventListener('hashchange', (e) => {
    if (!S.ready()) return;
    const h = new URL(e.newURL).hash.replace(/^#/, '');
    if (h && h !== call('cnn_share_fragment', 'string')) S.setLink(h);
  });

  Object.assign(S, {
    // false when the text does not analyze, or when a lesson locks the architecture
    setModel: (text) => (call('cnn_share_locked', 'number') === 1 ? false : baseSetModel(text)),
    // train() starts training; train(n) runs n minibatches and resolves with getMetrics()
    train: (steps) => {
      if (steps === undefined) return baseTrain();
      const n = Math.floor(Number(steps));
      if (!(n >= 1)) throw new Error('cnnSandbox.train(steps): steps must be a whole number >= 1, got ' + steps);
      S.step(n);
      return (async () => {
        await afterFrames(2);
        while (call('cnn_share_pending', 'number') > 0) await afterFrames(1);
        await afterFrames(1);
        return S.getMetrics();
      })();
    },
    getMetrics: () => json('cnn_share_metrics'),
    // cb(epoch, metrics) after each completed epoch; returns a function that removes it
    onEpoch: (cb) => {
      if (typeof cb !== 'function') throw new Error('cnnSandbox.onEpoch(cb): cb must be a function');
      epochListeners.push(cb);
      return () => { const i = epochListeners.indexOf(cb); if (i >= 0) epochListeners.splice(i, 1); };
    },
    predict: (n) => json('cnn_share_predict', ['number'], [n === undefined ? 8 : n]),
    getShareInfo: () => json('cnn_share_info'),
    getLink: () => window.location.href.split('#')[0] + '#' + call('cnn_share_fragment', 'string'),
    // applies a fragment (with or without '#'); { ok, message }
    setLink: (fragment) => {
      const ok = call('cnn_share_apply', 'number', ['string'], [String(fragment)]) === 1;
      return { ok: ok, message: ok ? '' : json('cnn_share_info').loadError };
    },
    lastCopiedLink: () => window.cnnShareLastLink || null,
    // the .cnnmodel bytes of the current network (Uint8Array), or null with getShareInfo().fileMessage
    saveModelFile: () => {
      const p = call('cnn_share_save_file', 'number');
      const n = call('cnn_share_file_size', 'number');
      return n > 0 ? Module.HEAPU8.slice(p, p + n) : null;
    },
    downloadModelFile: () => call('cnn_share_download', null),
    downloadPytorch: () => call('cnn_share_export_pytorch', null),
    loadModelFile: (bytes) => loadBytes(bytes),
  });
})();
