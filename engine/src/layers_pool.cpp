// Max pooling (with its argmax cache), average pooling and global average pooling, NCHW.
#include "cnn/kernels.h"
#include "cnn/nn.h"

namespace cnn {

PoolDims pool_dims(const LayerSpec& l, const LayerInfo& info) {
  PoolDims d;
  d.c = info.in.c; d.h = info.in.h; d.w = info.in.w;
  d.oh = info.out.h; d.ow = info.out.w;
  d.kh = l.kh; d.kw = l.kw; d.sh = l.sh; d.sw = l.sw;
  d.pad = info.pad;
  return d;
}

void maxpool_forward(float* y, int32_t* argmax, const float* x, int n, const PoolDims& d) {
  // 2x2, stride 2, unpadded (the common case): a branch-free SIMD kernel, same ties (kernels.h).
  if (d.kh == 2 && d.kw == 2 && d.sh == 2 && d.sw == 2 && d.pad.top == 0 && d.pad.left == 0 &&
      d.oh == d.h / 2 && d.ow == d.w / 2 && kernel_set() == KernelSet::simd) {
    maxpool2x2_forward(y, argmax, x, int64_t(n) * d.c, d.h, d.w);
    return;
  }
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * in_plane;
    float* yp = y + p * out_plane;
    int32_t* ap = argmax + p * out_plane;
    for (int oy = 0; oy < d.oh; ++oy) {
      const int y0 = oy * d.sh - d.pad.top;
      const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + d.kh > d.h ? d.h - y0 : d.kh;
      for (int ox = 0; ox < d.ow; ++ox) {
        const int x0 = ox * d.sw - d.pad.left;
        const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + d.kw > d.w ? d.w - x0 : d.kw;
        int32_t best = -1;
        float bv = 0.0f;
        if (ky0 < ky1 && kx0 < kx1) {
          best = (y0 + ky0) * d.w + x0 + kx0;
          bv = xp[best];
          for (int ky = ky0; ky < ky1; ++ky) {
            const int row = (y0 + ky) * d.w + x0;
            for (int kx = kx0; kx < kx1; ++kx) {
              const float v = xp[row + kx];
              if (v > bv) { best = row + kx; bv = v; }  // strict >: ties keep the first
            }
          }
        }
        yp[oy * d.ow + ox] = bv;
        ap[oy * d.ow + ox] = best;
      }
    }
  }
}

void maxpool_backward(float* dx, const float* dy, const int32_t* argmax, int n, const PoolDims& d) {
  // The scatter below, in both kernel sets: the SIMD maxpool2x2_backward (kernels.h) gives the same
  // bits but measured slower (cnn-sandbox bench --kernel maxpool2x2_backward: 0.64x in wasm, 0.77x
  // natively): one read-modify-write per window is already all the memory traffic there is.
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  for (int64_t p = 0; p < planes; ++p) {
    float* dxp = dx + p * in_plane;
    const float* dyp = dy + p * out_plane;
    const int32_t* ap = argmax + p * out_plane;
    for (int64_t o = 0; o < out_plane; ++o)
      if (ap[o] >= 0) dxp[ap[o]] += dyp[o];
  }
}

void avgpool_forward(float* y, const float* x, int n, const PoolDims& d) {
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  const float inv = 1.0f / float(d.kh * d.kw);  // padded cells count (count_include_pad=True)
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * in_plane;
    float* yp = y + p * out_plane;
    for (int oy = 0; oy < d.oh; ++oy) {
      const int y0 = oy * d.sh - d.pad.top;
      const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + d.kh > d.h ? d.h - y0 : d.kh;
      for (int ox = 0; ox < d.ow; ++ox) {
        const int x0 = ox * d.sw - d.pad.left;
        const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + d.kw > d.w ? d.w - x0 : d.kw;
        float acc = 0.0f;
        for (int ky = ky0; ky < ky1; ++ky) {
          const float* r = xp + int64_t(y0 + ky) * d.w + x0;
          for (int kx = kx0; kx < kx1; ++kx) acc += r[kx];
        }
        yp[oy * d.ow + ox] = acc * inv;
      }
    }
  }
}

void avgpool_backward(float* dx, const float* dy, int n, const PoolDims& d) {
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  const float inv = 1.0f / float(d.kh * d.kw);
  for (int64_t p = 0; p < planes; ++p) {
    float* dxp = dx + p * in_plane;
    const float* dyp = dy + p * out_plane;
    for (int oy = 0; oy < d.oh; ++oy) {
      const int y0 = oy * d.sh - d.pad.top;
      const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + d.kh > d.h ? d.h - y0 : d.kh;
      for (int ox = 0; ox < d.ow; ++ox) {
        const int x0 = ox * d.sw - d.pad.left;
        const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + d.kw > d.w ? d.w - x0 : d.kw;
        const float g = dyp[oy * d.ow + ox] * inv;
        for (int ky = ky0; ky < ky1; ++ky) {
          float* r = dxp + int64_t(y0 + ky) * d.w + x0;
          for (int kx = kx0; kx < kx1; ++kx) r[kx] += g;
        }
      }
    }
  }
}

void gap_forward(float* y, const float* x, int n, int c, int hw) {
  const float inv = 1.0f / float(hw);
  for (int64_t p = 0; p < int64_t(n) * c; ++p) {
    const float* xp = x + p * hw;
    float acc = 0.0f;
    for (int i = 0; i < hw; ++i) acc += xp[i];
    y[p] = acc * inv;
  }
}

void gap_backward(float* dx, const float* dy, int n, int c, int hw) {
  const float inv = 1.0f / float(hw);
  for (int64_t p = 0; p < int64_t(n) * c; ++p) {
    float* dxp = dx + p * hw;
    const float g = dy[p] * inv;
    for (int i = 0; i < hw; ++i) dxp[i] += g;
  }
}

}  // namespace cnn
