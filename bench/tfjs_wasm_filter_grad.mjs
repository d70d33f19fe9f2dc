// tfjs_wasm_filter_grad.mjs: the one kernel TF.js 4.22's wasm backend lacks to train a CNN,
// Conv2DBackpropFilter (the filter gradient of a 2-D convolution), registered for backend 'wasm' and
// written in plain JavaScript over the backend's own heap, as issue 5 describes ("with a minimal
// added filter-gradient kernel"). Without it, model.fit / trainOnBatch on the wasm backend throws
// "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'".
//
// NHWC, dilation 1 (what tf.layers.conv2d uses by default):
//   dW[kh][kw][ci][co] = sum over n, oy, ox of x[n][oy*sh - top + kh][ox*sw - left + kw][ci] * dy[n][oy][ox][co]
// The innermost loop runs over co, contiguous in both dy and dW, so V8 keeps it tight.
export function registerWasmConv2DBackpropFilter(tf) {
  const name = 'Conv2DBackpropFilter';
  if (tf.getKernel(name, 'wasm')) return false;  // a later TF.js has its own: keep it
  const { backend_util } = tf;
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs;
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
      const fmt = backend_util.convertConv2DDataFormat(dataFormat);
      if (fmt !== 'channelsLast') throw new Error('Conv2DBackpropFilter (bench kernel): only NHWC is implemented');
      const ci = backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, fmt);
      const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: K,
        filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = ci;
      const top = ci.padInfo.top, left = ci.padInfo.left;
      const out = backend.makeOutput(filterShape, 'float32');
      // Views after makeOutput: allocating may grow (and so replace) the wasm heap.
      const xv = backend.typedArrayFromHeap(x), dyv = backend.typedArrayFromHeap(dy);
      const dw = backend.typedArrayFromHeap(out);
      dw.fill(0);
      for (let n = 0; n < N; ++n)
        for (let oy = 0; oy < OH; ++oy)
          for (let ox = 0; ox < OW; ++ox) {
            const dyBase = ((n * OH + oy) * OW + ox) * K;
            for (let kh = 0; kh < FH; ++kh) {
              const iy = oy * SH - top + kh;
              if (iy < 0 || iy >= H) continue;
              for (let kw = 0; kw < FW; ++kw) {
                const ix = ox * SW - left + kw;
                if (ix < 0 || ix >= W) continue;
                const xBase = ((n * H + iy) * W + ix) * C;
                const wBase = (kh * FW + kw) * C * K;
                for (let c = 0; c < C; ++c) {
                  const xval = xv[xBase + c];
                  if (xval === 0) continue;  // ReLU outputs are half zeros
                  const o = wBase + c * K;
                  for (let k = 0; k < K; ++k) dw[o + k] += xval * dyv[dyBase + k];
                }
              }
            }
          }
      return out;
    },
  });
  return true;
}

// Checks the kernel against the pure-JS backend's Conv2DBackpropFilter on one small case; throws if
// they differ (so compare.mjs never times a wrong gradient).
export async function checkWasmConv2DBackpropFilter(tf) {
  const x = [2, 7, 6, 3], f = [3, 3, 3, 4];
  const xs = Array.from({ length: x.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.37));
  const dyShape = [2, 4, 3, 4];  // stride 2, 'same' padding
  const dys = Array.from({ length: dyShape.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.11));
  const run = async (backend) => {
    await tf.setBackend(backend);
    const r = tf.engine().runKernel(
      'Conv2DBackpropFilter', { x: tf.tensor4d(xs, x), dy: tf.tensor4d(dys, dyShape) },
      { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: f });
    const v = await r.data();
    r.dispose();
    return v;
  };
  const want = await run('cpu');
  const got = await run('wasm');
  let err = 0;
  for (let i = 0; i < want.length; ++i) err = Math.max(err, Math.abs(want[i] - got[i]));
  if (!(err < 1e-4)) throw new Error(`Conv2DBackpropFilter (bench kernel) differs from TF.js cpu by ${err}`);
  return err;
}
