// api.js: window.cnnSandbox, a small JavaScript API over the running lab (for browser tests and
// course pages). It calls the exported C functions of js_api.cpp through Module.ccall (the page's
// Content-Security-Policy forbids eval, and ccall needs none). Issue 8 extends it.
'use strict';
(function () {
  function call(name, ret, types, args) {
    if (!window.cnnSandbox.ready()) throw new Error('cnnSandbox: the lab is still loading (wait for cnnSandbox.ready())');
    return Module.ccall(name, ret, types || [], args || []);
  }
  // A hidden file picker (#id, the types it offers), there from the start so that tests and
  // assistive tools can find it; the chosen file goes to onFile (a failure is logged). Returns the
  // function that opens it.
  function filePicker(id, accept, onFile) {
    let input = null;
    function make() {
      if (input) return input;
      input = document.createElement('input');
      input.type = 'file';
      input.id = id;
      input.accept = accept;
      input.style.display = 'none';
      input.addEventListener('change', () => {
        const f = input.files && input.files[0];
        input.value = '';
        if (f) Promise.resolve(onFile(f)).catch((e) => console.warn(id + ':', e));
      });
      document.body.appendChild(input);
      return input;
    }
    if (document.body) make(); else document.addEventListener('DOMContentLoaded', make);
    return () => make().click();
  }
  window.cnnSandbox = {
    // true once main() has run and the first frame can be drawn
    ready: () => !!(window.Module && Module.appReady && typeof Module._cnn_get_state === 'function'),
    getState: () => JSON.parse(call('cnn_get_state', 'string')),
    setModel: (text) => call('cnn_set_model', 'number', ['string'], [String(text)]) === 1,
    setPreset: (name) => call('cnn_set_preset', 'number', ['string'], [String(name)]) === 1,
    setDataset: (name) => call('cnn_set_dataset', 'number', ['string'], [String(name)]) === 1,
    setTab: (name) => call('cnn_set_tab', 'number', ['string'], [String(name)]) === 1,
    set: (key, value) => call('cnn_set_number', 'number', ['string', 'number'], [String(key), Number(value)]) === 1,
    train: () => call('cnn_train', null),
    pause: () => call('cnn_pause', null),
    step: (n) => call('cnn_step', null, ['number'], [n === undefined ? 1 : n]),
    reset: () => call('cnn_reset', null),
    undo: () => call('cnn_undo', null),
    redo: () => call('cnn_redo', null),
    curvesCsv: () => call('cnn_curves_csv', 'string'),
    // the input layer (main.cpp, input.js): frames drawn, idle, tooltip shown, active text field, touch style
    inputState: () => JSON.parse(call('cnn_get_input_state', 'string')),
    // the next frame paints the whole canvas, not only what changed (main.cpp, damage.h)
    repaintAll: () => call('cnn_repaint_all', null),
    // for the page's other scripts (lessons.js, share.js): an exported C function once the lab is
    // ready, one whose string result is JSON, and a file picker
    call,
    callJson: (name, types, args) => JSON.parse(call(name, 'string', types, args)),
    filePicker,
  };
})();
