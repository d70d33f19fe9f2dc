// a11y.js: the lab for screen readers and keyboards (issue 17). The canvas is one picture to
// assistive technology, so this script keeps a text view beside it: semantic HTML with the same
// model, analysis table, dataset, training status and curves, read from the C side
// (cnn_a11y_state, js_api_a11y.cpp) and acting on the same lab through window.cnnSandbox.
//  - The text view is visually hidden until a control in it has the keyboard focus; then it is
//    shown as a panel over the right of the page (a visible focus, WCAG 2.4.7). "Skip to the text
//    view" is the first stop of the Tab key.
//  - Training status goes to a polite live region at most every 10 s while training, and at once
//    when training starts, pauses or a step ends; model and data errors go to an alert.
//  - Keyboard shortcuts on the canvas (not in text fields): ? help, t train/pause, s one step,
//    1-3 Designer/Analysis/Data, 4-7 Curves/Inside/Backprop/Notes, 8 Training; they can be turned
//    off in the help (WCAG 2.1.4). Escape leaves an ImGui text field and keeps its text (ImGui's
//    own Escape would put the old text back).
// Polling reads the C side without Module.ccall (which wakes the render loop): an idle page stays idle.
'use strict';
(function () {
  const canvas = document.getElementById('canvas');
  const ready = () => !!(window.Module && Module.appReady && typeof Module._cnn_a11y_state === 'function');
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  };
  const SHORTCUTS_KEY = 'cnnSandbox.shortcuts';
  const shortcutsOn = () => { try { return localStorage.getItem(SHORTCUTS_KEY) !== 'off'; } catch (e) { return true; } };

  // ---- the canvas: what it is, where its text is -----------------------------------------------
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-label', 'CNN Sandbox lab (drawn on a canvas)');
  canvas.setAttribute('aria-describedby', 'tv-about');
  canvas.setAttribute('tabindex', '0');
  // A frame shows that the canvas has the keyboard focus when Tab brought it there (not on load or
  // on a click, where the pointer already says where the learner is)
  let lastTab = -1e9;
  window.addEventListener('keydown', (e) => { if (e.key === 'Tab') lastTab = performance.now(); }, true);
  canvas.addEventListener('focus', () => { if (performance.now() - lastTab < 1000) canvas.classList.add('kbd-focus'); });
  canvas.addEventListener('blur', () => canvas.classList.remove('kbd-focus'));
  canvas.addEventListener('pointerdown', () => canvas.classList.remove('kbd-focus'));

  // ---- the text view --------------------------------------------------------------------------
  const skip = el('a', { href: '#tv', id: 'tv-skip', class: 'tv-skip', text: 'Skip to the text view of the lab' });
  skip.addEventListener('click', (e) => { e.preventDefault(); show(true); heading.focus(); });
  const heading = el('h1', { id: 'tv-h', tabindex: '-1', text: 'CNN Sandbox: text view' });
  const about = el('p', { id: 'tv-about', text: 'The lab is drawn on a canvas. This text view has the same model, analysis, data, training and curves, and acts on the same lab. Press ? on the canvas for keyboard shortcuts.' });

  const presetSel = el('select', { id: 'tv-preset' });
  const presetBtn = el('button', { type: 'button', id: 'tv-preset-load', text: 'Load preset' });
  const modelText = el('textarea', { id: 'tv-model', rows: '10', cols: '40', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', 'aria-describedby': 'tv-model-help' });
  const modelHelp = el('p', { id: 'tv-model-help', text: 'One layer per line, e.g. "conv 6 k5 p2". Apply with the button or Ctrl+Enter.' });
  const applyBtn = el('button', { type: 'button', id: 'tv-apply', text: 'Apply model text' });
  const modelStatus = el('p', { id: 'tv-model-status' });
  const alertBox = el('div', { id: 'tv-alert', role: 'alert' });
  const table = el('table', { id: 'tv-analysis' });
  const dataSel = el('select', { id: 'tv-dataset' });
  const dataBtn = el('button', { type: 'button', id: 'tv-dataset-load', text: 'Load dataset' });
  const dataSummary = el('p', { id: 'tv-data-summary' });
  const trainBtn = el('button', { type: 'button', id: 'tv-train', text: 'Train' });
  const stepBtn = el('button', { type: 'button', id: 'tv-step', text: 'Step (one minibatch)' });
  const resetBtn = el('button', { type: 'button', id: 'tv-reset', text: 'Reset weights (new run)' });
  const undoBtn = el('button', { type: 'button', id: 'tv-undo', text: 'Undo' });
  const redoBtn = el('button', { type: 'button', id: 'tv-redo', text: 'Redo' });
  const settingInputs = {};
  const settingRow = (key, label, attrs) => {
    const input = el('input', Object.assign({ type: 'number', id: 'tv-set-' + key }, attrs));
    settingInputs[key] = input;
    input.addEventListener('change', () => {
      const v = Number(input.value);
      if (!Number.isFinite(v)) { say(`${label}: "${input.value}" is not a number; type a number such as ${attrs.placeholder}.`); return; }
      if (!window.cnnSandbox.set(key, v)) say(`${label} could not be set.`);
    });
    return el('p', {}, el('label', { for: input.id, text: label + ' ' }), input);
  };
  const trainStatus = el('p', { id: 'tv-train-status' });
  const live = el('div', { id: 'tv-live', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const curves = el('ul', { id: 'tv-curves' });
  const inside = el('ul', { id: 'tv-inside' });
  // Display: the high-contrast theme, the text size, reduced motion (kept in localStorage; the
  // defaults follow prefers-contrast / forced-colors and prefers-reduced-motion)
  const DISPLAY_KEY = 'cnnSandbox.display';
  const media = (q) => !!(window.matchMedia && window.matchMedia(q).matches);
  function loadDisplay() {
    const d = { highContrast: media('(prefers-contrast: more)') || media('(forced-colors: active)'), textPercent: 100, reducedMotion: media('(prefers-reduced-motion: reduce)') };
    try { Object.assign(d, JSON.parse(localStorage.getItem(DISPLAY_KEY) || '{}')); } catch (e) { /* none kept */ }
    return d;
  }
  let display = loadDisplay();
  const hcBox = el('input', { type: 'checkbox', id: 'tv-hc' });
  const sizeSel = el('select', { id: 'tv-text-size' }, ...[100, 125, 150, 175, 200].map((v) => el('option', { value: String(v), text: v + ' %' })));
  const motionBox = el('input', { type: 'checkbox', id: 'tv-motion' });
  function applyDisplay(d, keep) {
    display = d;
    if (!ready()) return;
    Module.ccall('cnn_set_display', 'number', ['number', 'number', 'number'], [d.highContrast ? 1 : 0, d.textPercent, d.reducedMotion ? 1 : 0]);
    document.documentElement.classList.toggle('high-contrast', !!d.highContrast);
    if (keep) { try { localStorage.setItem(DISPLAY_KEY, JSON.stringify(d)); } catch (e) { /* private mode */ } }
  }
  const displayFromControls = () => ({ highContrast: hcBox.checked, textPercent: Number(sizeSel.value), reducedMotion: motionBox.checked });
  for (const c of [hcBox, sizeSel, motionBox]) c.addEventListener('change', () => applyDisplay(displayFromControls(), true));
  // the Lessons tab in words (web/lessons.h): the course's progress, the open lesson, its exercises and verdicts
  const lessonView = el('div', { id: 'tv-lesson' });
  const section = (id, title, ...kids) => el('section', { id, 'aria-labelledby': id + '-h' }, el('h2', { id: id + '-h', text: title }), ...kids);
  const view = el('main', { id: 'tv', class: 'tv', 'aria-labelledby': 'tv-h' },
    heading, about,
    section('tv-model-sec', 'Model',
      el('p', {}, el('label', { for: 'tv-preset', text: 'Preset ' }), presetSel, ' ', presetBtn),
      el('p', {}, el('label', { for: 'tv-model', text: 'Model text' })), modelText, modelHelp,
      el('p', {}, applyBtn, ' ', undoBtn, ' ', redoBtn), modelStatus,
      el('h3', { text: 'Analysis' }), table),
    section('tv-data-sec', 'Data', el('p', {}, el('label', { for: 'tv-dataset', text: 'Dataset ' }), dataSel, ' ', dataBtn), dataSummary),
    section('tv-train-sec', 'Training',
      el('p', {}, trainBtn, ' ', stepBtn, ' ', resetBtn),
      settingRow('lr', 'Learning rate', { step: 'any', min: '0', placeholder: '0.001' }),
      settingRow('batch', 'Batch size', { step: '1', min: '1', placeholder: '32' }),
      settingRow('epochs', 'Epochs', { step: '1', min: '1', placeholder: '5' }),
      settingRow('seed', 'Seed', { step: '1', min: '0', placeholder: '1' }),
      trainStatus),
    section('tv-lesson-sec', 'Lesson', lessonView),
    section('tv-curves-sec', 'Curves', curves),
    section('tv-inside-sec', 'Inside the network', el('p', { text: 'What the Inside views show, in words (they refresh while training).' }), inside),
    section('tv-display-sec', 'Display',
      el('p', {}, hcBox, el('label', { for: 'tv-hc', text: ' High-contrast theme' })),
      el('p', {}, el('label', { for: 'tv-text-size', text: 'Text size ' }), sizeSel),
      el('p', {}, motionBox, el('label', { for: 'tv-motion', text: ' Reduce motion (live views redraw about once a second while training)' }))),
    alertBox, live);
  // the help: keyboard shortcuts, and the switch for the single-key ones
  const shortcutBox = el('input', { type: 'checkbox', id: 'tv-shortcuts' });
  const closeHelp = el('button', { type: 'button', id: 'tv-help-close', text: 'Close' });
  const help = el('div', { id: 'tv-help', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'tv-help-h', class: 'tv-help', hidden: '' },
    el('h2', { id: 'tv-help-h', text: 'Keyboard shortcuts' }),
    el('p', { text: 'On the lab (the canvas), outside text fields:' }),
    el('dl', {},
      ...[['?', 'this help'], ['t', 'train or pause'], ['s', 'one step (one minibatch)'],
        ['1, 2, 3', 'Designer, Analysis, Data'], ['c', 'high-contrast theme on or off'], ['+, -', 'larger or smaller text (100 to 200 %)'], ['4, 5, 6, 7', 'Curves, Inside, Backprop, Notes'], ['8', 'Training (one-column layout)'],
        ['Ctrl+Z, Ctrl+Shift+Z', 'undo, redo the model and settings (Designer)'],
        ['Arrow keys, Space, Enter', 'move between and use the canvas\'s controls'],
        ['Escape', 'leave a text field, keeping what you typed; close this help'],
        ['Tab, Shift+Tab', 'leave the canvas (outside a text field) for the text view, which has the same model, data, training and curves']]
        .flatMap(([k, v]) => [el('dt', {}, el('kbd', { text: k })), el('dd', { text: v })])),
    el('p', {}, shortcutBox, el('label', { for: 'tv-shortcuts', text: ' Single-key shortcuts (t, s, c, +, -, 1-8, ?) on' })),
    el('p', { text: 'The text view\'s Display section has the theme, the text size and reduced motion.' }),
    closeHelp);
  const root = el('div', { id: 'tv-root' }, skip, view, help);
  document.body.insertBefore(root, canvas);  // first in the Tab order, before the canvas
  // the canvas and input.js's hidden text field (the ImGui field's stand-in) form the lab's landmark
  const labRegion = el('section', { id: 'lab', 'aria-label': 'Lab' });
  document.body.insertBefore(labRegion, canvas);
  labRegion.append(canvas);
  if (window.cnnInput) labRegion.append(window.cnnInput.textField);

  // Shown while the focus is inside (WCAG 2.4.7: the focus is visible); hidden otherwise.
  function show(on) { view.classList.toggle('tv-shown', on); }
  view.addEventListener('focusin', () => show(true));
  view.addEventListener('focusout', (e) => { if (!view.contains(e.relatedTarget)) show(false); });

  let helpReturn = null;
  function openHelp() {
    helpReturn = document.activeElement;
    shortcutBox.checked = shortcutsOn();
    help.hidden = false;
    closeHelp.focus();
  }
  function closeHelpDialog() {
    help.hidden = true;
    (helpReturn && helpReturn.focus ? helpReturn : canvas).focus();
  }
  closeHelp.addEventListener('click', closeHelpDialog);
  shortcutBox.addEventListener('change', () => { try { localStorage.setItem(SHORTCUTS_KEY, shortcutBox.checked ? 'on' : 'off'); } catch (e) { /* private mode */ } });
  function helpKey(e) {  // the focus stays in the dialog while it is open
    if (e.key === 'Escape') { e.preventDefault(); closeHelpDialog(); }
    if (e.key === 'Tab') {
      const f = [shortcutBox, closeHelp];
      const i = f.indexOf(document.activeElement);
      e.preventDefault();
      f[(i + (e.shiftKey ? f.length - 1 : 1)) % f.length].focus();
    }
  }

  // ---- acting on the lab ----------------------------------------------------------------------
  function say(msg) { alertBox.textContent = ''; setTimeout(() => { alertBox.textContent = msg; }, 50); }
  let last = null;           // the last state read
  let lastLive = 0;          // time of the last live-region message while training
  let pendingLive = false;   // announce at the next refresh (an action, or training started/stopped)
  const api = () => window.cnnSandbox;

  function applyModel() {
    const ok = api().setModel(modelText.value);
    modelDirty = false;
    refresh(true);
    if (ok && last && last.model.valid) say('Model applied: ' + (last.analysis ? `${last.analysis.rows.length} layers, ${last.analysis.totalParamsText} parameters.` : 'valid.'));
  }
  let modelDirty = false;
  modelText.addEventListener('input', () => { modelDirty = true; });
  applyBtn.addEventListener('click', applyModel);
  presetBtn.addEventListener('click', () => { api().setPreset(presetSel.value); modelDirty = false; refresh(true); say('Preset ' + presetSel.value + ' loaded.'); });
  dataBtn.addEventListener('click', () => { api().setDataset(dataSel.value); pendingLive = true; refresh(true); });
  trainBtn.addEventListener('click', () => { trainOrPause(); });
  stepBtn.addEventListener('click', () => { api().step(1); pendingLive = true; });
  resetBtn.addEventListener('click', () => { api().reset(); pendingLive = true; refresh(true); });
  undoBtn.addEventListener('click', () => { api().undo(); modelDirty = false; refresh(true); });
  redoBtn.addEventListener('click', () => { api().redo(); modelDirty = false; refresh(true); });
  function trainOrPause() {
    if (!ready()) return;
    if (last && last.training.training) api().pause(); else api().train();
    pendingLive = true;
    refresh(true);
  }

  // ---- keyboard shortcuts on the canvas ---------------------------------------------------------
  const panels = { 1: 'designer', 2: 'analysis', 3: 'data', 4: 'curves', 5: 'inside', 6: 'backprop', 7: 'notes', 8: 'training' };
  const textFieldActive = () => !!(window.cnnInput && document.activeElement === window.cnnInput.textField);
  // Keys belong to the lab (GLFW, ImGui) only while the canvas or its text field has the focus: in
  // the text view or on the page, GLFW must not see them (it would press ImGui's focused button on
  // Space and keep Tab and Backspace from the browser). Registered before GLFW's window listeners.
  // The text view's own keys are handled here too, since the event stops at the window.
  const labHasFocus = () => document.activeElement === canvas || textFieldActive();
  for (const type of ['keypress', 'keyup']) window.addEventListener(type, (e) => { if (!labHasFocus()) e.stopImmediatePropagation(); }, true);
  window.addEventListener('keydown', (e) => {
    if (labHasFocus()) return;
    e.stopImmediatePropagation();
    if (!help.hidden && help.contains(document.activeElement)) helpKey(e);
    else if (document.activeElement === modelText && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); applyModel(); }
  }, true);
  window.addEventListener('keydown', (e) => {
    if (!ready()) return;
    if (e.key === 'Escape' && textFieldActive()) {
      // leave the ImGui field with its text kept; ImGui must not see this Escape (it would revert)
      e.preventDefault(); e.stopImmediatePropagation();
      Module.ccall('cnn_leave_text_field', 'number', [], []);
      canvas.focus({ preventScroll: true });
      return;
    }
    if (document.activeElement !== canvas || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    // Tab and Shift+Tab leave the canvas like any other control (GLFW would keep them: no trap, 2.1.2)
    if (e.key === 'Tab') { e.stopImmediatePropagation(); }
    // the single-key shortcuts go on to ImGui as characters: js_api_a11y.cpp's A11yShortcuts hands
    // back those no text field took (cnnA11y.shortcut below)
  }, true);

  // ---- the view, from the C side ----------------------------------------------------------------
  const fmt = (v, d) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v).toPrecision(d));
  function fillSelect(sel, names, current) {
    if (sel.options.length !== names.length || [...sel.options].some((o, i) => o.value !== names[i])) {
      sel.replaceChildren(...names.map((n) => el('option', { value: n, text: n })));
    }
    if (current && document.activeElement !== sel) sel.value = current;
  }
  function fillTable(a) {
    const head = ['Layer', 'Output (rows x columns x channels)', 'Parameters', 'Parameter formula', 'Receptive field (input pixels)', 'Multiply-accumulates per sample'];
    if (!a) { table.replaceChildren(el('caption', { text: 'No valid model yet.' })); return; }
    const cap = `Analysis of the model${a.stale ? ' (the last valid one: the text has an error)' : ''}: input ${a.input}, ${a.totalParamsText} parameters, ${a.totalMacsText} multiply-accumulates per sample, training memory ${a.trainingMemory} of the ${a.budget} budget${a.overBudget ? ' (over the budget: Train is refused)' : ''}.`;
    table.replaceChildren(
      el('caption', { text: cap }),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...a.rows.map((r) => el('tr', {},
        el('th', { scope: 'row', text: r.layer }), el('td', { text: r.output }), el('td', { text: r.paramsText }),
        el('td', { text: r.formula || '–' }), el('td', { text: `${r.field} (${r.fieldPixels.toLocaleString('en-US')} pixels)` }), el('td', { text: r.macsText })))),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', text: 'Total' }), el('td', { text: '' }), el('td', { text: a.totalParamsText }),
        el('td', { text: '' }), el('td', { text: '' }), el('td', { text: a.totalMacsText }))));
  }
  function trainingSentence(s) {
    const t = s.training;
    const parts = [t.training ? 'Training' : (t.steps > 0 ? 'Paused' : 'Not started')];
    if (t.steps > 0) parts.push(`epoch ${t.epochs.toFixed(2)}, step ${t.steps.toLocaleString('en-US')}`);
    if (s.curves.loss) parts.push(s.curves.loss);
    if (s.curves.testAccuracy) parts.push(s.curves.testAccuracy);
    if (t.training && t.samplesPerSecond > 0) parts.push(`${Math.round(t.samplesPerSecond).toLocaleString('en-US')} samples per second`);
    let text = parts.join('; ') + '.';
    if (t.loss) text += ` Loss in use: ${t.loss}.`;
    if (!t.allowed && t.blockedBecause) text += ' Train is not available: ' + t.blockedBecause;
    if (t.diagnosis) text += ' ' + t.diagnosis;
    if (t.status) text += ' ' + t.status;
    return text;
  }
  let lastJson = '', lastError = '', lastDataMsg = '', wasTraining = false, lastSteps = 0;
  function refresh(force) {
    if (!ready()) return;
    const json = Module.UTF8ToString(Module._cnn_a11y_state());
    if (!force && json === lastJson) return;
    lastJson = json;
    const s = JSON.parse(json);
    last = s;
    if (document.activeElement !== hcBox) hcBox.checked = s.display.highContrast;
    if (document.activeElement !== sizeSel) sizeSel.value = String(s.display.textPercent);
    if (document.activeElement !== motionBox) motionBox.checked = s.display.reducedMotion;
    fillSelect(presetSel, s.presets, s.model.preset);
    fillSelect(dataSel, s.datasets, s.dataset);
    if (!modelDirty && document.activeElement !== modelText && modelText.value !== s.model.text) modelText.value = s.model.text;
    modelStatus.textContent = s.model.valid ? 'The model text is valid.' : 'The model text has an error: ' + s.model.error;
    modelText.setAttribute('aria-invalid', s.model.valid ? 'false' : 'true');
    if (!s.model.valid && s.model.error !== lastError) say('Model text: ' + s.model.error);
    lastError = s.model.valid ? '' : s.model.error;
    fillTable(s.analysis);
    dataSummary.textContent = [s.data.summary, s.data.message].filter(Boolean).join('. ');
    if (s.data.isError && s.data.message && s.data.message !== lastDataMsg) say('Data: ' + s.data.message);
    lastDataMsg = s.data.message;
    trainBtn.textContent = s.training.training ? 'Pause' : 'Train';
    trainBtn.setAttribute('aria-pressed', s.training.training ? 'true' : 'false');
    trainBtn.disabled = !s.training.training && !s.training.allowed;
    const sentence = trainingSentence(s);
    trainStatus.textContent = sentence;
    curves.replaceChildren(...['loss', 'testAccuracy', 'testLoss'].filter((k) => s.curves[k]).map((k) => el('li', { text: s.curves[k] })));
    if (!curves.children.length) curves.append(el('li', { text: 'No run yet: train to draw the curves.' }));
    const ins = s.inside || {};
    const insideLines = [`Inside view shown: ${ins.view}`];
    if (ins.sample) insideLines.push(`${ins.sample}: ${ins.prediction || 'no prediction yet (open the Inside tab)'}`);
    for (const m of ins.maps || []) insideLines.push('Feature maps of ' + m);
    if (ins.field) insideLines.push('Receptive field: ' + ins.field);
    if (ins.confusion) insideLines.push('Confusion matrix: ' + ins.confusion);
    inside.replaceChildren(...insideLines.map((t) => el('li', { text: t })));
    if (typeof Module._cnn_lessons_state === 'function') {
      const ls = JSON.parse(Module.UTF8ToString(Module._cnn_lessons_state()));
      const pr = JSON.parse(Module.UTF8ToString(Module._cnn_lessons_progress()));
      const kids = [];
      if (ls.message) kids.push(el('p', { text: ls.message }));
      const l = ls.lesson;
      if (l) {
        kids.push(el('h3', { text: l.title }), el('p', { text: 'Notes: ' + l.notes }));
        for (const para of l.paragraphs) kids.push(el('p', { text: para }));
        const list = el('ol', {});
        for (const e of l.exercises) {
          const parts = [e.ask];
          if (e.kind === 'choice') parts.push('Options: ' + e.options.map((o, i) => String.fromCharCode(65 + i) + '. ' + o.text).join(' '));
          if (e.kind === 'task') parts.push('Checked: ' + e.check);
          if (e.message) parts.push((e.correct ? 'Answered right: ' : 'Last answer: ') + e.message + (e.lines.length ? ' ' + e.lines.join('; ') : ''));
          list.append(el('li', { text: parts.join(' ') }));
        }
        kids.push(list);
      } else {
        kids.push(el('p', { text: 'No lesson open. ' + pr.lessons.filter((x) => x.completed).length + ' of ' + pr.lessons.length + ' lessons completed.' }));
        kids.push(el('ul', {}, ...pr.lessons.map((x) => el('li', { text: `${x.title} (${x.notes}): ${x.correct} of ${x.exercises} exercises right${x.completed ? ', completed' : ''}` }))));
      }
      lessonView.replaceChildren(...kids);
    }
    // the live region: on start, pause and the end of a step; every 10 s while training
    const now = performance.now();
    const changedRun = s.training.training !== wasTraining || (!s.training.training && s.training.steps !== lastSteps);
    if (pendingLive || changedRun || (s.training.training && now - lastLive > 10000)) {
      live.textContent = sentence;
      lastLive = now;
      pendingLive = false;
    }
    wasTraining = s.training.training;
    lastSteps = s.training.steps;
  }
  // 1 Hz while the page is visible; nothing in a hidden tab. The display options apply once the lab runs.
  let displayApplied = false;
  const tick = () => {
    if (!displayApplied && ready()) { displayApplied = true; applyDisplay(display, false); }
    if (document.visibilityState === 'visible') refresh(false);
  };
  setInterval(tick, 1000);
  const soon = setInterval(() => { if (ready()) { clearInterval(soon); tick(); } }, 50);  // the display at the first frames
  function shortcut(key) {
    if (!ready() || !shortcutsOn()) return;
    if (key === '?') openHelp();
    else if (key === 't' || key === 'T') trainOrPause();
    else if (key === 's' || key === 'S') { api().step(1); pendingLive = true; }
    else if (panels[key]) Module.ccall('cnn_show_panel', 'number', ['string'], [panels[key]]);
    else if (key === 'c' || key === 'C') applyDisplay(Object.assign({}, display, { highContrast: !display.highContrast }), true);
    else if (key === '+' || key === '=' || key === '-') {
      const sizes = [100, 125, 150, 175, 200];
      const i = sizes.indexOf(display.textPercent);
      const j = Math.max(0, Math.min(sizes.length - 1, (i < 0 ? 0 : i) + (key === '-' ? -1 : 1)));
      applyDisplay(Object.assign({}, display, { textPercent: sizes[j] }), true);
    }
  }
  window.cnnA11y = { refresh: () => { tick(); refresh(true); }, state: () => last, openHelp, shortcut,
                     setDisplay: (d) => applyDisplay(Object.assign({}, display, d), true) };
})();
