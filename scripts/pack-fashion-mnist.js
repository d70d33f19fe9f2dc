#!/usr/bin/env node
// Packs a stratified subset of Fashion-MNIST for the web page into one gzip'd file in the
// CNNPACK1 layout that cnn::dataset_from_packed reads (engine/include/cnn/data.h):
//   "CNNPACK1" | u32le n_train, n_test, h, w, c, num_classes, name_len, names_len |
//   name | class names joined by '\n' | train labels | test labels | train pixels | test pixels
// The subset takes, for every class, the first N images of that class in file order (Fashion-MNIST
// is balanced, so the subset is too). Run by the wasm build (scripts/pack-fashion-mnist.cmake):
//   node scripts/pack-fashion-mnist.js IN_DIR OUT_FILE [TRAIN_PER_CLASS=1200] [TEST_PER_CLASS=200]
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function fail(msg) {
  process.stderr.write('pack-fashion-mnist: ' + msg + '\n');
  process.exit(1);
}

function readIdx(dir, base, wantDims) {
  let file = path.join(dir, base + '.gz');
  let bytes;
  if (fs.existsSync(file)) bytes = zlib.gunzipSync(fs.readFileSync(file));
  else if (fs.existsSync(path.join(dir, base))) bytes = fs.readFileSync((file = path.join(dir, base)));
  else fail(`cannot find ${base}.gz in ${dir} (install the Debian package dataset-fashion-mnist)`);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 8 || bytes[3] !== wantDims)
    fail(`${file}: not an unsigned-byte IDX file with ${wantDims} dimensions`);
  const dims = [];
  for (let i = 0; i < wantDims; ++i) dims.push(bytes.readUInt32BE(4 + 4 * i));
  const header = 4 + 4 * wantDims;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + count) fail(`${file}: ${bytes.length - header} data bytes, header says ${count}`);
  return { dims, data: bytes.subarray(header) };
}

const [dir, out, trainArg, testArg] = process.argv.slice(2);
if (!dir || !out) fail('usage: pack-fashion-mnist.js IN_DIR OUT_FILE [TRAIN_PER_CLASS] [TEST_PER_CLASS]');
const perClass = [parseInt(trainArg || '1200', 10), parseInt(testArg || '200', 10)];
const classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const K = classes.length;

const splits = [['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'], ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']].map(
  ([img, lab], s) => {
    const images = readIdx(dir, img, 3), labels = readIdx(dir, lab, 1);
    const [n, h, w] = images.dims;
    if (labels.dims[0] !== n) fail(`${img}: ${n} images but ${labels.dims[0]} labels`);
    const taken = new Array(K).fill(0);
    const idx = [];
    for (let i = 0; i < n; ++i) {
      const y = labels.data[i];
      if (y >= K) fail(`${lab}: label ${y} out of range`);
      if (taken[y] < perClass[s]) { taken[y]++; idx.push(i); }
    }
    if (taken.some((t) => t < perClass[s])) fail(`${img}: fewer than ${perClass[s]} images in some class`);
    const ss = h * w;
    const px = Buffer.alloc(idx.length * ss), ys = Buffer.alloc(idx.length);
    idx.forEach((i, j) => { ys[j] = labels.data[i]; images.data.copy(px, j * ss, i * ss, (i + 1) * ss); });
    return { n: idx.length, h, w, px, ys };
  });

const [tr, te] = splits;
const name = Buffer.from('fashion-mnist', 'utf8');
const names = Buffer.from(classes.join('\n'), 'utf8');
const hdr = Buffer.alloc(8 + 32);
hdr.write('CNNPACK1', 0, 'latin1');
[tr.n, te.n, tr.h, tr.w, 1, K, name.length, names.length].forEach((v, i) => hdr.writeUInt32LE(v, 8 + 4 * i));
const raw = Buffer.concat([hdr, name, names, tr.ys, te.ys, tr.px, te.px]);
const gz = zlib.gzipSync(raw, { level: 9 });
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, gz);
console.log(`pack-fashion-mnist: ${out}: ${tr.n} train + ${te.n} test images, ${raw.length} bytes raw, ${gz.length} bytes gzip'd`);
