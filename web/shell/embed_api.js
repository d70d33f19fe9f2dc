// embed_api.js: the lab scripted by a course page on another origin (issue 14, item 5). A page
// that embeds the lab in an iframe from another host cannot touch window.cnnSandbox (the browser
// throws a SecurityError across origins), so the lab answers postMessage requests instead and posts
// events back. The protocol (README, "Course pages on other origins"; docs/course-example.html):
//
//   parent -> lab   {id, type, ...}              id: a string or a number, echoed in the reply
//   lab -> parent   {cnnSandbox: 'reply', id, ok: true, result} | {cnnSandbox: 'reply', id, ok: false, error}
//   lab -> parent   {cnnSandbox: 'event', event: NAME, data}
//
// Requests: getState, getMetrics, setModel {text}, setPreset {name}, setDataset {name},
// settings {settings: {lr: 0.01, opt: 'sgd', ...}} (the link's keys and values), lesson {name} or
// {text}, train {steps?}, pause, step {count?}, reset. Events: ready, step (at most 2 a second while
// training), epoch, training (started/stopped), exercise, lessonCompleted, error.
//
// Every value a message carries goes through the link's own strict parser (web/js_api_embed.cpp:
// the model text must also analyze): a bad message gets an error reply saying what is wrong and the
// lab is untouched. Only the window that embeds the lab is answered, and with `parent=ORIGIN,...`
// in the lab's link only pages of those origins: messages from others are ignored (a console
// warning says so), and events go to the parent's origin, never to '*'.
// Training requests go through the public API (cnnSandbox.train/pause/step), like any page script.
'use strict';
(function () {
  const S = window.cnnSandbox;
  if (!S) throw new Error('embed_api.js needs api.js and share.js (window.cnnSandbox) loaded first');
  // The link as the page was opened, before the lab rewrites the address to its own canonical form.
  const initialHash = location.hash;
  const linkNamesParent = /(^|[#&])parent=/.test(initialHash);
  const embedded = window.parent && window.parent !== window;
  const STEP_EVENT_MS = 500;
  const MAX_QUEUED = 64;

  let ready = false;
  let allowed = null;      // null: any origin; else the list from parent=
  let refuseAll = false;   // the link named parents but could not be read: answer no one
  let parentOrigin = null; // the parent's origin once known (a request, or the browser's ancestor list)
  const queue = [];

  const call = (name, ret, types, args) => Module.ccall(name, ret, types || [], args || []);
  const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  function originAllowed(origin) {
    if (refuseAll) return false;
    return allowed === null || allowed.includes(origin);
  }
  // Where events go: the parent's origin when it is known and allowed; '*' only when any parent
  // may listen (no parent= in the link) and its origin is not known (an opaque origin).
  function eventTarget() {
    if (refuseAll) return null;
    if (parentOrigin && parentOrigin !== 'null' && originAllowed(parentOrigin)) return parentOrigin;
    if (allowed === null) return '*';
    return null;
  }
  function guessParentOrigin() {
    try {
      if (location.ancestorOrigins && location.ancestorOrigins.length) return location.ancestorOrigins[0];
    } catch (e) { /* not in every browser */ }
    try { if (document.referrer) return new URL(document.referrer).origin; } catch (e) { /* no referrer */ }
    return null;
  }

  function post(msg, target) {
    if (!embedded || !target) return;
    try { window.parent.postMessage(msg, target); } catch (e) { console.warn('cnnSandbox embed: could not post to the parent:', e.message); }
  }
  // The one hook page code calls to tell the course page something (lessons call it with
  // 'exercise' {lesson, exercise, correct} and 'lessonCompleted' {lesson}).
  window.cnnSandboxEvent = function (name, payload) {
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('cnnSandboxEvent(name, payload): name must be a word, got ' + String(name));
    if (!ready && name !== 'ready') return;  // the parent hears nothing before 'ready'
    let data = payload === undefined ? null : payload;
    try { data = JSON.parse(JSON.stringify(data)); } catch (e) { throw new Error('cnnSandboxEvent: the payload of ' + name + ' is not plain data: ' + e.message); }
    post({ cnnSandbox: 'event', event: name, data: data }, eventTarget());
  };

  function reply(source, origin, id, ok, value) {
    const msg = ok ? { cnnSandbox: 'reply', id: id, ok: true, result: value === undefined ? null : value }
      : { cnnSandbox: 'reply', id: id, ok: false, error: String(value) };
    const target = origin && origin !== 'null' ? origin : (allowed === null ? '*' : null);
    if (!target) return;
    try { source.postMessage(msg, target); } catch (e) { console.warn('cnnSandbox embed: could not reply:', e.message); }
  }

  class RequestError extends Error {}
  const fail = (m) => { throw new RequestError(m); };
  function want(msg, key, kind) {
    const v = msg[key];
    if (kind === 'string' && typeof v !== 'string') fail(`'${msg.type}' needs '${key}' as a string, got ${v === undefined ? 'nothing' : typeof v}`);
    if (kind === 'count' && !(Number.isInteger(v) && v >= 1 && v <= 1000000)) fail(`'${msg.type}': '${key}' must be a whole number from 1 to 1000000, got ${JSON.stringify(v)}`);
    return v;
  }
  function onlyKeys(msg, keys) {
    for (const k of Object.keys(msg))
      if (k !== 'id' && k !== 'type' && !keys.includes(k))
        fail(`'${msg.type}' does not take '${k}'` + (keys.length ? ` (it takes ${keys.join(', ')})` : ' (it takes no arguments)'));
  }
  // The engine's link parser checks and applies (js_api_embed.cpp); its sentence is the error.
  function applyFragment(fragment) {
    const r = JSON.parse(call('cnn_embed_apply', 'string', ['string'], [fragment]));
    if (!r.ok) fail(r.error);
  }
  const enc = encodeURIComponent;
  const afterFrames = (n) => new Promise((r) => { let i = 0; const f = () => (++i >= n ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); });

  function summary() {
    const s = S.getState();
    const m = S.getMetrics();
    const info = JSON.parse(call('cnn_embed_info', 'string'));
    return {
      model: s.modelText, preset: s.preset, modelValid: s.modelValid, totalParams: s.totalParams,
      dataset: s.dataset, datasetShown: s.datasetShown, datasetLoading: s.datasetLoading,
      settings: info.settings, training: s.training, trainingAllowed: s.trainingAllowed, trainingBlockedBecause: s.trainingBlockedBecause,
      steps: m.steps, epoch: m.epoch, stepsPerEpoch: m.stepsPerEpoch, lastLoss: s.lastLoss, smoothLoss: s.lastSmoothLoss,
      testAccuracy: s.testAccuracy, testLoss: s.testLoss, samplesPerSecond: s.samplesPerSecond,
      locked: info.locked, embed: info.embed, presets: s.presets, datasets: s.datasets,
      lessons: typeof S.openLesson === 'function',
    };
  }
  function metricsNow() {
    const s = S.getState();
    const m = S.getMetrics();
    return {
      steps: m.steps, epoch: m.epoch, epochProgress: m.epochProgress, training: s.training,
      loss: s.lastLoss, smoothLoss: s.lastSmoothLoss, testAccuracy: s.testAccuracy, testLoss: s.testLoss,
      evaluations: s.evaluations, samplesPerSecond: s.samplesPerSecond, dataset: s.datasetShown,
    };
  }
  async function untilStepsDone() {
    await afterFrames(2);
    while (S.getMetrics().pendingSteps > 0) await afterFrames(1);
    await afterFrames(1);
  }
  function checkTrainable() {
    const s = S.getState();
    if (!s.trainingAllowed) fail('training is not possible now: ' + (s.trainingBlockedBecause || 'the lab is not ready'));
  }

  const handlers = {
    getState: (msg) => { onlyKeys(msg, []); return summary(); },
    getMetrics: (msg) => { onlyKeys(msg, []); return metricsNow(); },
    setModel: (msg) => { onlyKeys(msg, ['text']); applyFragment('model=' + enc(want(msg, 'text', 'string'))); return { totalParams: S.getState().totalParams }; },
    setPreset: (msg) => { onlyKeys(msg, ['name']); applyFragment('preset=' + enc(want(msg, 'name', 'string'))); return { model: S.getState().modelText }; },
    setDataset: async (msg) => {
      onlyKeys(msg, ['name']);
      const name = want(msg, 'name', 'string');
      applyFragment('data=' + enc(name));
      // fetched sets (fashion-mnist, mnist) take a download: the reply comes when the data is in
      const t0 = performance.now();
      for (;;) {
        await afterFrames(1);
        const s = S.getState();
        if (s.datasetShown === name && !s.datasetLoading) return { dataset: name, info: s.datasetInfo };
        if (s.dataset !== name) fail(`the dataset '${name}' could not be loaded: ` + (s.dataMessage || 'another dataset was picked meanwhile'));
        if (performance.now() - t0 > 600000) fail(`the dataset '${name}' did not load within 10 minutes`);
      }
    },
    settings: (msg) => {
      onlyKeys(msg, ['settings']);
      const set = msg.settings;
      if (!isPlainObject(set) || !Object.keys(set).length) fail(`'settings' needs 'settings' as an object of the link's keys, e.g. {lr: 0.01, batch: 64}`);
      const keys = JSON.parse(call('cnn_embed_info', 'string')).settingKeys.split(',');
      const parts = [];
      for (const [k, v] of Object.entries(set)) {
        if (!keys.includes(k)) fail(`'${k}' is not a setting (settings: ${keys.join(', ')})`);
        if (typeof v !== 'number' && typeof v !== 'string') fail(`the setting '${k}' must be a number or a string, got ${v === null ? 'null' : typeof v}`);
        if (typeof v === 'number' && !Number.isFinite(v)) fail(`the setting '${k}' must be a finite number, got ${v}`);
        parts.push(k + '=' + enc(String(v)));
      }
      applyFragment(parts.join('&'));
      return { settings: JSON.parse(call('cnn_embed_info', 'string')).settings };
    },
    lesson: async (msg) => {
      onlyKeys(msg, ['name', 'text']);
      if ((msg.name === undefined) === (msg.text === undefined)) fail(`'lesson' needs either 'name' (a built-in lesson) or 'text' (a lesson file's text)`);
      const arg = msg.name !== undefined ? want(msg, 'name', 'string') : want(msg, 'text', 'string');
      if (typeof S.openLesson !== 'function') fail('lessons are not available in this build of the lab');
      let r;
      try { r = await S.openLesson(arg); } catch (e) { fail(e.message || String(e)); }
      if (r === false) fail('the lesson could not be opened');
      if (r && typeof r === 'object' && r.ok === false) fail(r.message || r.error || 'the lesson could not be opened');
      return r === undefined || r === true ? { opened: true } : r;
    },
    train: async (msg) => {
      onlyKeys(msg, ['steps']);
      const n = msg.steps === undefined ? 0 : want(msg, 'steps', 'count');
      checkTrainable();
      if (!n) {
        if (!S.getState().training) S.train();
        return { training: true };
      }
      await S.train(n);
      return metricsNow();
    },
    step: async (msg) => {
      onlyKeys(msg, ['count']);
      const n = msg.count === undefined ? 1 : want(msg, 'count', 'count');
      checkTrainable();
      S.step(n);
      await untilStepsDone();
      return metricsNow();
    },
    pause: (msg) => { onlyKeys(msg, []); S.pause(); return { training: false, steps: S.getMetrics().steps }; },
    reset: (msg) => { onlyKeys(msg, []); S.reset(); return { steps: 0 }; },
  };

  async function handle(ev) {
    const msg = ev.data;
    if (!isPlainObject(msg)) {
      reply(ev.source, ev.origin, null, false, 'a request is an object {id, type, ...}, got ' + (msg === null ? 'null' : Array.isArray(msg) ? 'an array' : typeof msg));
      return;
    }
    const id = msg.id;
    if (!((typeof id === 'string' && id.length > 0 && id.length <= 200) || Number.isFinite(id))) {
      reply(ev.source, ev.origin, null, false, 'a request needs an id (a non-empty string of at most 200 characters, or a number); the reply carries it back');
      return;
    }
    if (typeof msg.type !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, msg.type)) {
      reply(ev.source, ev.origin, id, false, `unknown request type ${JSON.stringify(msg.type)} (known: ${Object.keys(handlers).join(', ')})`);
      return;
    }
    try {
      reply(ev.source, ev.origin, id, true, await handlers[msg.type](msg));
    } catch (e) {
      if (!(e instanceof RequestError)) console.error('cnnSandbox embed:', msg.type, e);
      reply(ev.source, ev.origin, id, false, e instanceof RequestError ? e.message : `'${msg.type}' failed: ${e.message || e}`);
    }
  }

  window.addEventListener('message', (ev) => {
    if (!embedded || ev.source !== window.parent) return;  // only the page that embeds the lab
    if (!ready) {
      if (queue.length < MAX_QUEUED) queue.push(ev);
      else reply(ev.source, ev.origin, isPlainObject(ev.data) ? ev.data.id : null, false, `more than ${MAX_QUEUED} requests before the lab was ready; wait for the 'ready' event`);
      return;
    }
    if (!originAllowed(ev.origin)) {
      console.warn(`cnnSandbox embed: ignored a message from ${ev.origin}: ` +
        (refuseAll ? 'the link names parent= origins but could not be read' : `the link allows only ${allowed.join(', ')} (parent=)`));
      return;
    }
    parentOrigin = ev.origin;
    handle(ev);
  });

  // --- events ---
  let lastStepPost = 0, lastSteps = -1, lastTraining = false, lastError = '';
  function watch() {
    if (!S.ready()) return;
    const s = S.getState();
    const now = performance.now();
    if (s.training !== lastTraining) {
      lastTraining = s.training;
      window.cnnSandboxEvent('training', { training: s.training, steps: s.steps });
    }
    if (s.steps !== lastSteps && now - lastStepPost >= STEP_EVENT_MS) {
      lastSteps = s.steps;
      lastStepPost = now;
      if (s.steps > 0) window.cnnSandboxEvent('step', metricsNow());
    }
    const err = s.statusIsError ? s.status : s.dataMessageIsError ? s.dataMessage : '';
    if (err && err !== lastError) window.cnnSandboxEvent('error', { message: err });
    lastError = err;
  }

  function start() {
    if (!S.ready()) { setTimeout(start, 50); return; }
    const info = JSON.parse(call('cnn_embed_info', 'string'));
    if (info.parents.length) allowed = info.parents;
    else if (linkNamesParent) {
      refuseAll = true;  // fail closed: the teacher meant to restrict, and the restriction is unreadable
      console.error('cnnSandbox embed: the link names parent= but could not be read (' + info.linkError + '); no page may script this lab');
    }
    parentOrigin = guessParentOrigin();
    ready = true;
    // Epoch k ends at step k * stepsPerEpoch: its mean training loss over that epoch's steps and the
    // last test evaluation at or before its end (taken every eval_every steps), from the run's curves.
    S.onEpoch((epoch, m) => {
      const end = epoch * m.stepsPerEpoch, start = end - m.stepsPerEpoch;
      let sum = 0, n = 0;
      for (let i = 0; i < m.step.length; i++) if (m.step[i] > start && m.step[i] <= end) { sum += m.loss[i]; n++; }
      let e = -1;
      for (let i = 0; i < m.evalStep.length; i++) if (m.evalStep[i] <= end) e = i;
      window.cnnSandboxEvent('epoch', {
        epoch: epoch, steps: end, loss: n ? sum / n : null,
        testAccuracy: e >= 0 ? m.testAccuracy[e] : null, testLoss: e >= 0 ? m.testLoss[e] : null, evalStep: e >= 0 ? m.evalStep[e] : null,
        dataset: S.getState().datasetShown,
      });
    });
    const s = S.getState();
    lastTraining = s.training;
    lastSteps = s.steps;
    window.cnnSandboxEvent('ready', Object.assign({ protocol: 1 }, summary()));
    for (const ev of queue.splice(0)) {
      if (originAllowed(ev.origin)) { parentOrigin = ev.origin; handle(ev); }
      else console.warn(`cnnSandbox embed: ignored a message from ${ev.origin} (not in parent=)`);
    }
    setInterval(watch, 250);
  }
  if (embedded) start();  // a page that is not in a frame has no parent: events go nowhere
})();
