// api_inspect.js: window.cnnSandbox.inspect, the JS side of the "look inside" views (issue 9),
// for browser tests and course pages. Load after api.js.
'use strict';
(function () {
  const call = (name, ret, types, args) => window.Module.ccall(name, ret, types || [], args || []);
  const api = {
    // tab: 'curves' | 'inside' | 'backprop' | 'notes'; view (inside): 'filters' | 'maps' | 'field' |
    // 'predict' | 'confusion' | 'boundary' | 'dynamics'. Returns false for an unknown name.
    show: (tab, view) => call('cnn_inspect_show', 'number', ['string', 'string'], [tab, view || '']) === 1,
    // the views' numbers (probabilities, the clicked unit's field, gradient check, ...)
    getState: () => JSON.parse(call('cnn_inspect_get_state', 'string', ['number'], [0])),
    // runs the gradient check on two test samples and returns the state with its per-layer errors
    gradientCheck: () => JSON.parse(call('cnn_inspect_get_state', 'string', ['number'], [1])),
    selectUnit: (layer, chan, row, col) => call('cnn_inspect_select_unit', 'number', ['number', 'number', 'number', 'number'], [layer, chan, row, col]) === 1,
    drawStroke: () => call('cnn_inspect_draw_stroke', null),
  };
  const attach = () => { if (window.cnnSandbox) window.cnnSandbox.inspect = api; else setTimeout(attach, 50); };
  attach();
})();
