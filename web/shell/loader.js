// loader.js: checks what the page needs (WebGL2, WebAssembly SIMD), shows loading progress, then
// starts the engine. A browser that lacks something gets a plain message, never a blank page.
'use strict';
(function () {
  const statusBox = document.getElementById('status');
  const statusText = document.getElementById('status-text');
  const progress = document.getElementById('status-progress');
  function fail(msg) {
    statusBox.classList.add('error');
    statusText.textContent = msg;
    progress.style.display = 'none';
  }
  document.getElementById('canvas').addEventListener('contextmenu', (e) => e.preventDefault());
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) { fail('CNN Sandbox needs WebGL 2, which this browser does not provide (or has switched off). Try a current Firefox, Chrome, Edge or Safari, and check that hardware acceleration is allowed.'); return; }
  if (typeof WebAssembly !== 'object') { fail('CNN Sandbox needs WebAssembly, which this browser does not provide.'); return; }
  // The smallest module that uses a SIMD128 instruction: (func (result v128) (v128.const i32x4 0 0 0 0))
  const simdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  const hasSimd = WebAssembly.validate(simdProbe) && !/[?&]build=scalar\b/.test(location.search);
  window.cnnSandboxBuild = hasSimd ? 'simd' : 'scalar';
  const script = hasSimd ? 'cnn-sandbox-web.js' : 'cnn-sandbox-web-scalar.js';
  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
    setStatus: (t) => {
      const m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(t || '');
      if (m) { progress.value = 100 * Number(m[1]) / Number(m[2]); statusText.textContent = 'Loading CNN Sandbox… ' + Math.round(progress.value) + '%'; }
    },
    onAppReady: () => {
      window.Module.appReady = true; statusBox.classList.add('hidden'); document.getElementById('canvas').focus();
      if (window.cnnInput) window.cnnInput.attach();
    },
    // Saves text as a file (CSV of the curves, model files): a Blob behind a temporary link.
    cnnDownload: (data, name, type) => {
      const url = URL.createObjectURL(new Blob([data], { type: type }));
      const a = document.createElement('a');
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      window.Module.lastDownload = { name: name, size: data.length, text: data.length < 1e6 ? data : null };
    },
    onAbort: (what) => fail('CNN Sandbox stopped: ' + what + '. Reload the page; your design is kept.'),
  };
  const s = document.createElement('script');
  s.src = script;
  s.onerror = () => fail('Could not load ' + script + '. If you opened the file directly, serve the folder over HTTP instead (see the README).');
  document.body.appendChild(s);
})();
