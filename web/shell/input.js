// input.js: what the page adds to Emscripten's GLFW for every device (main.cpp has the C side).
//  - Touch: the canvas's touch events go to cnn_touch (one finger is the mouse; main.cpp turns a
//    drag on empty space into scrolling and a long press into a tooltip); the browser's own
//    scrolling, zooming and mouse emulation of touches are switched off on the canvas.
//  - A hidden DOM text field follows the active ImGui text field (text, selection, caret position)
//    so that a touch device opens its on-screen keyboard, and what that keyboard, autocorrect or an
//    IME does to the DOM field is sent to ImGui as an edit. Keys of a real keyboard still go to
//    GLFW (this script's listeners run first and keep the DOM field from applying them twice).
//  - The system clipboard: the DOM paste/copy/cut events on that field (or the page) carry the
//    text into and out of ImGui's clipboard functions; the async Clipboard API where ImGui copies
//    outside such an event.
//  - Idle: visibilitychange and an IntersectionObserver stop drawing in a hidden tab or an embed
//    scrolled out of view; a resize, and every call into the C side (Module.ccall), wakes the loop.
// Loaded before the engine's script, so its window listeners run before GLFW's.
'use strict';
(function () {
  const canvas = document.getElementById('canvas');
  const M = () => window.Module;
  const ready = () => !!(window.Module && Module.appReady);
  const isMac = /Mac|iPhone|iPad|iPod/.test(navigator.platform || '') || /Mac OS X/.test(navigator.userAgent);

  // ---- the hidden text field --------------------------------------------------------------------
  const ta = document.createElement('textarea');
  ta.id = 'text-input';
  for (const [k, v] of [['autocomplete', 'off'], ['autocorrect', 'off'], ['autocapitalize', 'off'],
    ['spellcheck', 'false'], ['tabindex', '-1'], ['aria-label', 'Text of the field being edited'],
    ['enterkeyhint', 'enter']]) ta.setAttribute(k, v);
  document.body.appendChild(ta);

  const field = { active: false, id: 0, multiline: false, text: '', s0: 0, s1: 0 };
  let synced = '';          // the DOM field's value as last synchronised with ImGui
  let lastSel = [0, 0];     // the DOM selection as last set or sent
  let composing = false;
  let realKey = false;      // a key of a real keyboard is down: GLFW applies it, the DOM field must not
  let shortcut = null;      // 'c', 'x' or 'v' while Ctrl/Cmd+that key is being handled
  let clipOut = null;       // text ImGui copied during a copy/cut event
  let inClipEvent = false;

  function syncFromImGui(sameField) {
    if (composing) return;
    // A selection made in the DOM field whose selectionchange event has not come yet (it is queued;
    // a frame may run first) is newer than ImGui's: in the same field over the same text it stays,
    // and ImGui follows.
    const a = ta.selectionStart, b = ta.selectionEnd;
    if (sameField && ta.value === field.text && document.activeElement === ta && (a !== lastSel[0] || b !== lastSel[1])) {
      synced = field.text;
      lastSel = [a, b];
      if (a !== field.s0 || b !== field.s1) M().ccall('cnn_text_select', null, ['number', 'number'], [a, b]);
      return;
    }
    if (ta.value !== field.text) ta.value = field.text;
    synced = field.text;
    if (ta.selectionStart !== field.s0 || ta.selectionEnd !== field.s1) ta.setSelectionRange(field.s0, field.s1);
    lastSel = [field.s0, field.s1];
  }

  function focusField() {
    if (document.activeElement !== ta) ta.focus({ preventScroll: true });
  }

  window.cnnInput = {
    // main.cpp: the active ImGui text field changed (text, selection in UTF-16 units, caret in CSS px;
    // lagging: edits made here are still queued, ImGui's text is behind the DOM field's; id: ImGui's)
    field(active, multiline, text, s0, s1, x, y, h, lagging, id) {
      const sameField = field.active && !!active && field.id === id;
      field.active = !!active;
      if (!active) {
        if (document.activeElement === ta) { ta.blur(); canvas.focus({ preventScroll: true }); }
        return;
      }
      Object.assign(field, { id, multiline: !!multiline, text, s0, s1 });
      ta.style.left = Math.max(0, Math.min(x, innerWidth - 4)) + 'px';
      ta.style.top = Math.max(0, Math.min(y, innerHeight - h)) + 'px';
      ta.style.height = h + 'px';
      // edits of the DOM field still queued: ImGui's text lags behind it, the report after them syncs
      if (!lagging) syncFromImGui(sameField);
      focusField();
    },
    // main.cpp: ImGui copied text (Ctrl+C/X in a field)
    copied(text) {
      if (inClipEvent) { clipOut = text; return; }
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(() => {});
    },
    isMac,
    textField: ta,
    fieldId: () => (field.active ? field.id : 0),  // the active field's ImGui ID (tests)
  };

  // What the DOM field's own editing did (an on-screen keyboard, autocorrect, an IME, a menu's
  // paste that reached it): the smallest replaced range, sent as one edit.
  ta.addEventListener('input', () => {
    if (!ready() || !field.active) return;
    const v = ta.value, old = synced;
    if (v === old) return;
    let p = 0;
    while (p < v.length && p < old.length && v[p] === old[p]) p++;
    let s = 0;
    while (s < v.length - p && s < old.length - p && v[v.length - 1 - s] === old[old.length - 1 - s]) s++;
    let ins = v.slice(p, v.length - s);
    synced = v;
    const enter = !field.multiline && ins.includes('\n');
    if (enter) ins = ins.replace(/\n/g, '');
    if (ins.length || p < old.length - s) M().ccall('cnn_text_edit', null, ['number', 'number', 'string'], [p, old.length - s, ins]);
    if (enter) M().ccall('cnn_text_enter', null, [], []);
    // the caret where the DOM field has it (an IME's commit may leave it after the replaced range)
    const a = ta.selectionStart, b = ta.selectionEnd;
    if (!enter && (a !== b || a !== p + ins.length)) M().ccall('cnn_text_select', null, ['number', 'number'], [a, b]);
    lastSel = [a, b];
  });
  ta.addEventListener('beforeinput', (e) => {
    if (realKey && !e.isComposing && e.cancelable && e.inputType !== 'insertFromPaste') e.preventDefault();
  });
  ta.addEventListener('compositionstart', () => { composing = true; });
  ta.addEventListener('compositionend', () => { composing = false; });
  // A selection made in the DOM field (touch selection handles, a long press): ImGui follows.
  document.addEventListener('selectionchange', () => {
    if (!ready() || !field.active || composing || realKey || document.activeElement !== ta) return;
    const a = ta.selectionStart, b = ta.selectionEnd;
    if (a === lastSel[0] && b === lastSel[1]) return;
    lastSel = [a, b];
    M().ccall('cnn_text_select', null, ['number', 'number'], [a, b]);
  });

  // ---- keys ---------------------------------------------------------------------------------------
  const navKeys = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown',
    'Enter', 'Backspace', 'Delete', 'Tab', 'Escape']);
  window.addEventListener('keydown', (e) => {
    const mod = isMac ? e.metaKey : e.ctrlKey;
    const k = (e.key || '').toLowerCase();
    shortcut = mod && (k === 'c' || k === 'x' || k === 'v') ? k : null;
    if (e.target !== ta) return;
    realKey = !(e.keyCode === 229 || e.key === 'Unidentified' || e.key === 'Process' || e.isComposing);
    if (!realKey) { e.stopImmediatePropagation(); return; }  // an on-screen keyboard: its edit comes as input
    // GLFW (listening on window) has the key; the DOM field's copy is put right from ImGui's state
    if (!shortcut && (navKeys.has(e.key) || ((e.ctrlKey || e.metaKey) && e.key.length === 1))) e.preventDefault();
  }, true);
  window.addEventListener('keyup', () => { realKey = false; }, true);

  // ---- clipboard -----------------------------------------------------------------------------------
  document.addEventListener('paste', (e) => {
    if (!ready() || !field.active) return;
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    e.preventDefault();
    const fromKey = shortcut === 'v';
    shortcut = null;
    M().ccall('cnn_clipboard_paste', null, ['string', 'number'], [text, fromKey ? 0 : 1]);
  }, true);
  function copyOrCut(e) {
    if (!ready() || !field.active) return;
    const cut = e.type === 'cut';
    const fromKey = shortcut === (cut ? 'x' : 'c');
    shortcut = null;
    clipOut = null;
    inClipEvent = true;
    try { M().ccall('cnn_clipboard_copy', null, ['number', 'number'], [cut ? 1 : 0, fromKey ? 0 : 1]); } finally { inClipEvent = false; }
    if (clipOut !== null && e.clipboardData) { e.clipboardData.setData('text/plain', clipOut); e.preventDefault(); }
  }
  document.addEventListener('copy', copyOrCut, true);
  document.addEventListener('cut', copyOrCut, true);

  // ---- touch ---------------------------------------------------------------------------------------
  let touchId = null;
  function touchAt(t) {
    const r = canvas.getBoundingClientRect();
    return [(t.clientX - r.left) * (canvas.width / r.width), (t.clientY - r.top) * (canvas.height / r.height)];
  }
  function onTouch(e) {
    if (e.target !== canvas || !ready()) return;
    e.preventDefault();             // no mouse emulation, no page scroll or zoom, no callout
    e.stopImmediatePropagation();   // and not GLFW's touch handling (it has no touch positions)
    const phase = { touchstart: 0, touchmove: 1, touchend: 2, touchcancel: 3 }[e.type];
    for (const t of e.changedTouches) {
      if (phase === 0 && touchId === null) touchId = t.identifier;
      if (t.identifier !== touchId) continue;
      const [x, y] = touchAt(t);
      M()._cnn_touch(phase, x, y);  // a tap's end runs its frames now: a text field it hit takes the focus here
      if (phase >= 2) touchId = null;
    }
  }
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'])
    window.addEventListener(type, onTouch, { capture: true, passive: false });

  // ---- idle ------------------------------------------------------------------------------------------
  let inView = true;
  const setVisible = () => { if (ready()) M()._cnn_set_visible(!document.hidden && inView ? 1 : 0); };
  document.addEventListener('visibilitychange', setVisible);
  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => { inView = entries[entries.length - 1].isIntersecting; setVisible(); }).observe(canvas);
  }
  window.addEventListener('resize', () => { if (ready()) M()._cnn_wake(); });

  // loader.js calls this once main() has run
  window.cnnInput.attach = function () {
    M()._cnn_set_mac(isMac ? 1 : 0);
    const ccall = M().ccall;
    // A JS API call changes the lab: draw it (getters change nothing)
    M().ccall = function (name) {
      const r = ccall.apply(this, arguments);
      if (!/^cnn_get_/.test(name)) M()._cnn_wake();
      return r;
    };
    setVisible();
  };
})();
