// Datasets from files in the page (issue 6): Fashion-MNIST is fetched only when picked, with a
// progress readout, unpacked by our own gunzip in wasm, shown (12,000 / 2,000 samples, 10 classes)
// and trains; a link with data=fashion-mnist restores it; a cancelled, missing or corrupt download
// leaves the current dataset. The learner's own files: an IDX pair through the hidden file input,
// a CSV and a set of PNG pictures (made here, in node) through cnnSandbox.loadDataFiles become the
// dataset; broken files give a message and the previous dataset stays. No console errors.
// Screenshots: tests/browser/artifacts/data-*.png. Fetch and unpack times are printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, deflateSync } from 'node:zlib';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, openLab, screenshot, waitForFrames, state, waitState } from './lib.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab?.close(); });

const FM = 'data/fashion-mnist-12k.bin.gz';
const center = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];

// Errors the tests cause on purpose: a 404 answer and an aborted download.
const unexpected = (errors) => errors.filter((e) => !/status of 404|ERR_ABORTED|fashion-mnist-12k.*(aborted|cancel)/i.test(e));

async function throttle(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: bytesPerSecond, uploadThroughput: -1 });
  return cdp;
}

async function dataTab(page) {
  await page.evaluate(() => window.cnnSandbox.setTab('data'));
  await waitForFrames(page, 3);
}

// --- files made in node ---
function idx(dims, data) {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h[2] = 8; h[3] = dims.length;
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([h, Buffer.from(data)]);
}
// n images of s x s in k classes: class c is a bar at row/column c (clearly learnable).
function idxPair(n, s, k) {
  const px = new Uint8Array(n * s * s), ys = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    ys[i] = c;
    for (let t = 0; t < s; t++) px[i * s * s + (c * 2 + 1) * s + t] = 200 + (i % 50);
  }
  return { images: idx([n, s, s], px), labels: idx([n], ys) };
}
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
function crc32(buf) { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; }
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
// An RGB PNG of w x h from pixel(x, y) -> [r, g, b].
function png(w, h, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set(pixel(x, y), y * (1 + 3 * w) + 1 + 3 * x);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
// circles and squares on a dark ground, 40 x 32 pixels, shifted a little per picture
function shapePng(kind, i) {
  const cx = 20 + (i % 5) - 2, cy = 16 + (i % 3) - 1;
  return png(40, 32, (x, y) => {
    const on = kind === 'circle' ? (x - cx) ** 2 + (y - cy) ** 2 < 100 : Math.abs(x - cx) < 9 && Math.abs(y - cy) < 9;
    return on ? [230, 200 + (i % 20), 40] : [10, 10, 30];
  });
}
const toArray = (b) => Array.from(b);  // Buffers cross page.evaluate as plain arrays

test('Fashion-MNIST loads only when picked, shows progress, becomes the dataset and trains', async () => {
  const page = await openLab(lab);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await dataTab(page);
  let s = await state(page);
  assert.ok(s.datasets.includes('fashion-mnist'), `fashion-mnist is offered: ${s.datasets}`);
  assert.equal(s.datasetShown, 'digits');
  assert.equal(s.datasetLoading, null);
  await page.waitForTimeout(500);
  const fetchedEarly = await page.evaluate((f) => performance.getEntriesByType('resource').some((e) => e.name.includes(f)), FM);
  assert.ok(!fetchedEarly && !requests.some((u) => u.includes(FM)), 'nothing is fetched before the learner picks it');
  // a slow network (3 MB/s) so that the progress is there to see
  const cdp = await throttle(page, 3e6);
  assert.equal(await page.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist')), true);
  s = await waitState(page, (t) => t.datasetLoading && t.datasetLoading.bytes > 0, 'download progress');
  assert.equal(s.datasetLoading.name, 'fashion-mnist');
  assert.ok(s.datasetLoading.total > 5e6, `total from Content-Length: ${s.datasetLoading.total}`);
  assert.equal(s.datasetShown, 'digits', 'the current dataset stays while the file loads');
  assert.ok(s.rects.data_progress && s.rects.data_cancel, 'the Data panel shows a progress bar and Cancel');
  await waitForFrames(page, 2);
  await screenshot(page, 'data-fashion-progress');
  s = await waitState(page, (t) => t.datasetShown === 'fashion-mnist', 'fashion-mnist shown', 240000);
  await cdp.detach();
  const info = s.datasetInfo;
  assert.equal(info.nTrain, 12000);
  assert.equal(info.nTest, 2000);
  assert.deepEqual(info.shape, [28, 28, 1]);
  assert.equal(info.classNames.length, 10);
  assert.ok(info.classNames.includes('Ankle boot') && info.classNames.includes('T-shirt/top'));
  assert.deepEqual(info.trainCounts, Array(10).fill(1200));
  assert.deepEqual(info.testCounts, Array(10).fill(200));
  assert.equal(s.dataMessageIsError, false);
  assert.match(s.dataMessage, /Loaded fashion-mnist: 12,000 train \/ 2,000 test/);
  const fetch = await page.evaluate(() => window.cnnSandbox.lastDataFetch());
  assert.ok(fetch.progressEvents >= 2, `progress was reported ${fetch.progressEvents} times`);
  assert.equal(fetch.bytes, fetch.total);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-fashion-loaded');
  // train a few steps on it: the loss falls
  assert.ok(s.trainingAllowed, `training allowed on fashion-mnist (${s.trainingBlockedBecause})`);
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.002));
  const m = await page.evaluate(() => window.cnnSandbox.train(80));
  assert.ok(m, 'train(80) resolved');
  s = await state(page);
  assert.ok(s.lossHistoryLength >= 80, `steps run: ${s.lossHistoryLength}`);
  assert.ok(s.lastSmoothLoss < s.firstLoss * 0.75, `loss fell: ${s.firstLoss} -> ${s.lastSmoothLoss}`);
  // going away and back costs no second download
  const before = requests.filter((u) => u.includes(FM)).length;
  await page.evaluate(() => window.cnnSandbox.setDataset('digits'));
  await waitState(page, (t) => t.datasetShown === 'digits', 'back to digits');
  await page.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
  await waitState(page, (t) => t.datasetShown === 'fashion-mnist', 'fashion-mnist again');
  assert.equal(requests.filter((u) => u.includes(FM)).length, before, 'kept in memory');
  assert.deepEqual(unexpected(page.errors), []);
  await page.context().close();

  // unthrottled: how long fetch + unpack take (printed for the report)
  const times = [];
  for (let k = 0; k < 2; k++) {
    const p2 = await openLab(lab);
    const t0 = Date.now();
    await p2.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
    const s2 = await waitState(p2, (t) => t.datasetShown === 'fashion-mnist', 'fashion-mnist (unthrottled)');
    times.push({ wallMs: Date.now() - t0, fetchMs: Math.round(s2.lastDataLoad.fetchMs), unpackMs: Math.round(s2.lastDataLoad.decodeMs), bytes: s2.lastDataLoad.bytes });
    assert.deepEqual(unexpected(p2.errors), []);
    await p2.context().close();
  }
  console.log('# fashion-mnist in Chromium (fetch from localhost, then gunzip + convert in wasm):', JSON.stringify(times));
});

test('a link with data=fashion-mnist restores it; cancelled, missing and corrupt downloads keep the current dataset', async () => {
  const page = await openLab(lab, { hash: 'v=1&data=fashion-mnist&tab=data' });
  let s = await waitState(page, (t) => t.datasetShown === 'fashion-mnist', 'fashion-mnist from the link', 240000);
  assert.equal(s.datasetInfo.nTrain, 12000);
  assert.equal(s.tab, 'data');
  assert.deepEqual(unexpected(page.errors), []);
  await page.context().close();

  const p = await openLab(lab);
  await dataTab(p);
  // Cancel, clicked in the panel while the download runs
  const cdp = await throttle(p, 5e5);
  await p.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
  s = await waitState(p, (t) => t.datasetLoading && t.datasetLoading.bytes > 0 && t.rects.data_cancel, 'progress with Cancel');
  await p.mouse.click(...center(s.rects.data_cancel));
  s = await waitState(p, (t) => !t.datasetLoading, 'download cancelled', 30000);
  assert.equal(s.dataset, 'digits', 'the picker goes back to the current dataset');
  assert.equal(s.datasetShown, 'digits');
  assert.match(s.dataMessage, /cancelled/);
  await cdp.detach();
  // a missing file (404)
  await p.route('**/' + FM, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
  await p.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
  s = await waitState(p, (t) => !t.datasetLoading && t.dataMessageIsError, '404 message');
  assert.match(s.dataMessage, /404/);
  assert.match(s.dataMessage, /current dataset \(digits\) stays/);
  assert.equal(s.dataset, 'digits');
  assert.equal(s.datasetShown, 'digits');
  await waitForFrames(p, 3);
  await screenshot(p, 'data-fashion-404');
  // corrupt bytes (a gzip header, then garbage)
  await p.unroute('**/' + FM);
  const junk = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]), Buffer.alloc(5000, 0x5a)]);
  await p.route('**/' + FM, (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: junk }));
  await p.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
  s = await waitState(p, (t) => !t.datasetLoading && t.dataMessageIsError && /packed dataset/.test(t.dataMessage), 'corrupt-file message');
  assert.match(s.dataMessage, /Could not load fashion-mnist: packed dataset: /);
  assert.equal(s.datasetShown, 'digits');
  assert.equal(s.trainingAllowed, true, 'the lab still trains on the current dataset');
  // offline
  await p.unroute('**/' + FM);
  await p.route('**/' + FM, (route) => route.abort('internetdisconnected'));
  await p.evaluate(() => window.cnnSandbox.setDataset('fashion-mnist'));
  s = await waitState(p, (t) => !t.datasetLoading && t.dataMessageIsError && /network request failed/.test(t.dataMessage), 'offline message');
  assert.equal(s.datasetShown, 'digits');
  const errs = unexpected(p.errors).filter((e) => !/INTERNET_DISCONNECTED/.test(e));
  assert.deepEqual(errs, []);
  await p.context().close();
});

test('the learner\'s IDX pair, CSV and pictures become the dataset; broken files keep the previous one', async () => {
  const page = await openLab(lab);
  await dataTab(page);
  let s = await state(page);
  assert.ok(s.rects.data_files, 'the Data panel has a Load your files button');
  assert.equal(await page.locator('#data-file-input').count(), 1, 'the hidden file input exists');
  // IDX pair through the real <input type=file> (the button opens it; the test sets its files)
  const pair = idxPair(120, 8, 3);
  await page.setInputFiles('#data-file-input', [
    { name: 'train-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: gzipSync(pair.images) },
    { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: pair.labels },
  ]);
  s = await waitState(page, (t) => t.datasetShown === 'my-data', 'IDX upload shown', 60000);
  assert.equal(s.dataset, 'my-data');
  assert.deepEqual(s.datasetInfo.shape, [8, 8, 1]);
  assert.equal(s.datasetInfo.numClasses, 3);
  assert.equal(s.datasetInfo.nTrain + s.datasetInfo.nTest, 120);
  assert.deepEqual(s.datasetInfo.testCounts, [7, 7, 7], 'a sixth of each class held out');
  assert.ok(s.datasets.includes('my-data'), 'the picker lists the upload');
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-idx');
  // the upload is not written into links (it stays on this machine)
  const link = await page.evaluate(() => window.cnnSandbox.getLink());
  assert.ok(!/data=my-data/.test(link), `no upload name in the link: ${link}`);

  // a truncated IDX file: message, previous dataset stays
  let r = await page.evaluate(async (f) => window.cnnSandbox.loadDataFiles([
    { name: 'train-images-idx3-ubyte', bytes: new Uint8Array(f.img) }, { name: 'train-labels-idx1-ubyte', bytes: new Uint8Array(f.lab) }]),
  { img: toArray(pair.images.subarray(0, pair.images.length - 30)), lab: toArray(pair.labels) });
  assert.equal(r.ok, false);
  assert.match(r.message, /train-images-idx3-ubyte: truncated/);
  assert.match(r.message, /current dataset \(my-data\) stays/);
  s = await state(page);
  assert.equal(s.datasetShown, 'my-data');
  assert.equal(s.dataMessageIsError, true);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-truncated');

  // CSV with a header and word labels; 4x4 pictures of 0..255
  let csv = 'label,' + Array.from({ length: 16 }, (_, i) => 'p' + i).join(',') + '\n';
  for (let i = 0; i < 60; i++) {
    const k = ['left', 'right'][i % 2];
    csv += k + ',' + Array.from({ length: 16 }, (_, p) => ((p % 4 < 2) === (k === 'left') ? 220 : 10 + (i % 7))).join(',') + '\n';
  }
  r = await page.evaluate(async (text) => window.cnnSandbox.loadDataFiles([{ name: 'sides.csv', bytes: text }]), csv);
  assert.equal(r.ok, true, r.message);
  assert.equal(r.dataset, 'my-data-2');
  assert.deepEqual(r.info.shape, [4, 4, 1]);
  assert.deepEqual(r.info.classNames, ['left', 'right']);
  assert.equal(r.info.nTrain, 50);
  assert.equal(r.info.nTest, 10);
  // a bad row says which line and what is wrong
  r = await page.evaluate(async (text) => window.cnnSandbox.loadDataFiles([{ name: 'bad.csv', bytes: text }]),
    'label,a,b\n0,1,2\n1,3,oops\n');
  assert.equal(r.ok, false);
  assert.match(r.message, /bad\.csv, line 3: value 2 \('oops'\) is not a number/);
  assert.equal((await state(page)).datasetShown, 'my-data-2');

  // PNG pictures labelled by file name and by folder, decoded by the browser, 28x28 grey
  const files = [];
  for (let i = 0; i < 12; i++) files.push({ name: `circle_${String(i).padStart(3, '0')}.png`, bytes: toArray(shapePng('circle', i)) });
  for (let i = 0; i < 12; i++) files.push({ name: `square/img${i}.png`, bytes: toArray(shapePng('square', i)) });
  r = await page.evaluate(async (fs) => window.cnnSandbox.loadDataFiles(fs.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }))), files);
  assert.equal(r.ok, true, r.message);
  assert.deepEqual(r.info.shape, [28, 28, 1]);
  assert.deepEqual(r.info.classNames, ['circle', 'square']);
  assert.equal(r.info.nTrain + r.info.nTest, 24);
  assert.deepEqual(r.info.testCounts, [2, 2]);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-pictures');
  // the same pictures in colour at 16x16, through the real file input
  await page.setInputFiles('#data-file-input', files.slice(0, 6).concat(files.slice(12, 18)).map((f) => ({ name: f.name.replace('/', '_'), mimeType: 'image/png', buffer: Buffer.from(f.bytes) })));
  // (the panel's size and colour apply to the file input; the API takes them as options)
  await waitState(page, (t) => t.datasetShown === 'my-data-4', 'pictures from the file input');
  r = await page.evaluate(async (fs) => window.cnnSandbox.loadDataFiles(fs.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })), { side: 16, rgb: true }), files);
  assert.equal(r.ok, true, r.message);
  assert.deepEqual(r.info.shape, [16, 16, 3]);
  // train on the pictures: fit the model to the data (the Data panel's button), a few steps
  await page.evaluate(() => window.cnnSandbox.set('lr', 0.003));
  s = await waitState(page, (t) => t.rects.fit_model, 'Fit model to data button');
  await page.mouse.click(...center(s.rects.fit_model));
  s = await waitState(page, (t) => t.trainingAllowed, 'model fits the pictures', 30000);
  await page.evaluate(() => window.cnnSandbox.train(30));
  s = await state(page);
  assert.ok(s.lastSmoothLoss < s.firstLoss, `loss fell on the pictures: ${s.firstLoss} -> ${s.lastSmoothLoss}`);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-pictures-rgb');

  // broken pictures, mixed files, one class only: messages, the previous dataset stays
  const prev = (await state(page)).datasetShown;
  r = await page.evaluate(async () => window.cnnSandbox.loadDataFiles([{ name: 'cat_1.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) }, { name: 'dog_1.png', bytes: new Uint8Array([1]) }]));
  assert.equal(r.ok, false);
  assert.match(r.message, /cat_1\.png: the browser could not decode this picture/);
  r = await page.evaluate(async (f) => window.cnnSandbox.loadDataFiles([{ name: 'cat_1.png', bytes: new Uint8Array(f) }, { name: 'x.csv', bytes: '0,1\n1,2\n' }]), files[0].bytes);
  assert.equal(r.ok, false);
  assert.match(r.message, /mix pictures/);
  r = await page.evaluate(async (fs) => window.cnnSandbox.loadDataFiles(fs.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }))), files.slice(0, 4));
  assert.equal(r.ok, false);
  assert.match(r.message, /every image has the label 'circle'.*one folder per class/);
  r = await page.evaluate(async () => window.cnnSandbox.loadDataFiles([{ name: 'notes.bin', bytes: new Uint8Array([1, 0, 2, 0, 3]) }]));
  assert.equal(r.ok, false);
  assert.match(r.message, /not a format the sandbox reads/);
  s = await state(page);
  assert.equal(s.datasetShown, prev);
  assert.equal(s.dataset, prev);
  assert.equal(s.trainingAllowed, true);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-refused');
  assert.deepEqual(unexpected(page.errors), []);
  await page.context().close();
});

test('the Data panel with its load controls fits a 900x600 window', async () => {
  const page = await openLab(lab, { width: 900, height: 600 });
  await dataTab(page);
  const s = await state(page);
  assert.ok(s.rects.data_files && s.rects.dataset, 'picker and Load button are drawn');
  assert.ok(s.rects.data_files[2] <= 900 && s.rects.data_files[3] <= 600, `Load button inside the window: ${s.rects.data_files}`);
  await screenshot(page, 'data-900x600');
  assert.deepEqual(unexpected(page.errors), []);
  await page.context().close();
});

test('a folder of class folders through the folder picker, files dropped on the lab; limits are stated and enforced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-data-'));
  const top = join(dir, 'pets');
  for (const kind of ['circle', 'square']) {
    mkdirSync(join(top, kind), { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(top, kind, `img${i}.png`), shapePng(kind, i));
  }
  writeFileSync(join(top, 'circle', '.DS_Store'), Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]));  // ignored
  const page = await openLab(lab);
  await dataTab(page);
  try {
    await page.setInputFiles('#data-folder-input', top);
    let s = await waitState(page, (t) => t.datasetShown === 'my-data', 'folder upload shown', 60000);
    assert.deepEqual(s.datasetInfo.classNames, ['circle', 'square'], 'labels from the class folders (the chosen folder itself is not a label)');
    assert.equal(s.datasetInfo.nTrain + s.datasetInfo.nTest, 12);
    // limits: stated in getState (and in the panel), enforced with a message
    const lim = s.uploadLimits;
    assert.equal(lim.maxFileBytes, 100 * 1048576);
    assert.equal(lim.maxPictureSide, 4096);
    assert.equal(lim.maxPictures, 20000);
    const wide = toArray(png(4097, 1, () => [255, 255, 255]));
    let r = await page.evaluate(async (b) => window.cnnSandbox.loadDataFiles([{ name: 'wide_1.png', bytes: new Uint8Array(b) }, { name: 'tall_1.png', bytes: new Uint8Array(b) }]), wide);
    assert.equal(r.ok, false);
    assert.match(r.message, /wide_1\.png: 4097 x 1 pixels; pictures may be at most 4096 pixels per side/);
    r = await page.evaluate(async () => window.cnnSandbox.loadDataFiles([new File([new Uint8Array(100 * 1048576 + 1)], 'huge.csv')]));
    assert.equal(r.ok, false);
    assert.match(r.message, /huge\.csv: 104,857,601 bytes exceed the limit of 100 MB \(104,857,600 bytes\) per file/);
    s = await state(page);
    assert.equal(s.datasetShown, 'my-data', 'the folder upload stays');
    await waitForFrames(page, 3);
    await screenshot(page, 'data-upload-limit');
    // files dropped on the lab load the same way
    const dropped = ['circle', 'square'].flatMap((k) => [0, 1, 2, 3].map((i) => ({ name: `${k}_${i}.png`, bytes: toArray(shapePng(k, i)) })));
    await page.evaluate((fs) => {
      const dt = new DataTransfer();
      for (const f of fs) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
      const c = document.getElementById('canvas');
      c.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      c.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped);
    s = await waitState(page, (t) => t.datasetShown === 'my-data-2', 'dropped pictures shown', 60000);
    assert.deepEqual(s.datasetInfo.classNames, ['circle', 'square']);
    assert.equal(s.datasetInfo.nTrain + s.datasetInfo.nTest, 8);
    assert.deepEqual(unexpected(page.errors), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await page.context().close();
  }
});

test('the real Fashion-MNIST test files as a learner\'s IDX upload (10,000 images, gzip\'d)', async (t) => {
  const fmDir = process.env.CNN_FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
  let images, labels;
  try {
    images = readFileSync(join(fmDir, 't10k-images-idx3-ubyte.gz'));
    labels = readFileSync(join(fmDir, 't10k-labels-idx1-ubyte.gz'));
  } catch {
    t.skip(`no Fashion-MNIST files in ${fmDir} (apt install dataset-fashion-mnist)`);
    return;
  }
  const page = await openLab(lab);
  await dataTab(page);
  const t0 = Date.now();
  await page.setInputFiles('#data-file-input', [
    { name: 't10k-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: images },
    { name: 't10k-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: labels },
  ]);
  const s = await waitState(page, (x) => x.datasetShown === 'my-data', 'the uploaded Fashion-MNIST test files', 120000);
  const ms = Date.now() - t0;
  assert.equal(s.datasetInfo.nTrain + s.datasetInfo.nTest, 10000);
  assert.deepEqual(s.datasetInfo.testCounts, Array(10).fill(167), 'a sixth of each class (1,000) held out');
  assert.deepEqual(s.datasetInfo.shape, [28, 28, 1]);
  assert.equal(s.trainingAllowed, true, 'the default model fits 28x28x1 with 10 classes');
  console.log(`# upload of t10k-images/labels (${images.length + labels.length} bytes gzip'd) to dataset: ${ms} ms wall`);
  await waitForFrames(page, 3);
  await screenshot(page, 'data-upload-fashion-idx');
  assert.deepEqual(unexpected(page.errors), []);
  await page.context().close();
});
