// Max pooling (with its argmax cache), average pooling and global average pooling, NCHW.
#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/parallel.h"
#include "layer_table.h"

namespace cnn {

PoolDims pool_dims(const LayerSpec& l, const LayerInfo& info) { return window_dims<PoolDims>(l, info); }

namespace {
// Calls f(o, row0, ky0, ky1, col0, kx0, kx1) for each output o = oy*ow + ox of a plane: the window's
// top-left cell (row0, col0), which may lie in the padding, and the window rows ky0..ky1-1 and
// columns kx0..kx1-1 that lie inside the input.
template <class F>
inline void for_each_window(const PoolDims& d, F f) {
  for (int oy = 0; oy < d.oh; ++oy) {
    const int y0 = oy * d.sh - d.pad.top;
    const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + d.kh > d.h ? d.h - y0 : d.kh;
    for (int ox = 0; ox < d.ow; ++ox) {
      const int x0 = ox * d.sw - d.pad.left;
      const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + d.kw > d.w ? d.w - x0 : d.kw;
      f(int64_t(oy) * d.ow + ox, y0, ky0, ky1, x0, kx0, kx1);
    }
  }
}

// Calls body(p) for each plane p in [0, planes), the planes split over the threads (parallel.h),
// each plane whole on one thread; plane_work: one plane's work.
template <class F>
inline void for_each_plane(int64_t planes, int64_t plane_work, F body) {
  parallel_for(
      planes, plane_work,
      [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) body(p);
      },
      1);
}
}  // namespace

// Threads (parallel.h): every pass below is split over the n*c planes, each plane computed whole by
// one thread (pooling never mixes planes): the bits do not depend on the count. The work estimate
// counts one element's work per input value.

void maxpool_forward(float* y, int32_t* argmax, const float* x, int n, const PoolDims& d) {
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  // 2x2, stride 2, unpadded (the common case): a branch-free SIMD kernel, same ties (kernels.h).
  const bool simd2x2 = d.kh == 2 && d.kw == 2 && d.sh == 2 && d.sw == 2 && d.pad.top == 0 && d.pad.left == 0 &&
                       d.oh == d.h / 2 && d.ow == d.w / 2 && kernel_set() == KernelSet::simd;
  parallel_for(
      planes, in_plane * kElementWork,
      [&](int64_t p0, int64_t p1) {
        if (simd2x2) {
          maxpool2x2_forward(y + p0 * out_plane, argmax + p0 * out_plane, x + p0 * in_plane, p1 - p0, d.h, d.w);
          return;
        }
        for (int64_t p = p0; p < p1; ++p) {
          const float* xp = x + p * in_plane;
          float* yp = y + p * out_plane;
          int32_t* ap = argmax + p * out_plane;
          for_each_window(d, [&](int64_t o, int y0, int ky0, int ky1, int x0, int kx0, int kx1) {
            int32_t best = -1;
            float bv = 0.0f;
            if (ky0 < ky1 && kx0 < kx1) {
              best = (y0 + ky0) * d.w + x0 + kx0;
              bv = xp[best];
              for (int ky = ky0; ky < ky1; ++ky) {
                const int row = (y0 + ky) * d.w + x0;
                for (int kx = kx0; kx < kx1; ++kx) {
                  const float v = xp[row + kx];
                  if (v > bv) {  // strict >: ties keep the first
                    best = row + kx;
                    bv = v;
                  }
                }
              }
            }
            yp[o] = bv;
            ap[o] = best;
          });
        }
      },
      1);
}

void maxpool_backward(float* dx, const float* dy, const int32_t* argmax, int n, const PoolDims& d) {
  // The scatter below, in both kernel sets: the SIMD maxpool2x2_backward (kernels.h) gives the same
  // bits but measured slower (cnn-sandbox bench --kernel maxpool2x2_backward: 0.64x in wasm, 0.77x
  // natively): one read-modify-write per window is already all the memory traffic there is.
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  for_each_plane(planes, in_plane * kElementWork, [&](int64_t p) {
    float* dxp = dx + p * in_plane;
    const float* dyp = dy + p * out_plane;
    const int32_t* ap = argmax + p * out_plane;
    for (int64_t o = 0; o < out_plane; ++o)
      if (ap[o] >= 0) dxp[ap[o]] += dyp[o];
  });
}

void avgpool_forward(float* y, const float* x, int n, const PoolDims& d) {
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  const float inv = 1.0f / float(d.kh * d.kw);  // padded cells count (count_include_pad=True)
  for_each_plane(planes, in_plane * kElementWork, [&](int64_t p) {
    const float* xp = x + p * in_plane;
    float* yp = y + p * out_plane;
    for_each_window(d, [&](int64_t o, int y0, int ky0, int ky1, int x0, int kx0, int kx1) {
      float acc = 0.0f;
      for (int ky = ky0; ky < ky1; ++ky) {
        const float* r = xp + int64_t(y0 + ky) * d.w + x0;
        for (int kx = kx0; kx < kx1; ++kx) acc += r[kx];
      }
      yp[o] = acc * inv;
    });
  });
}

void avgpool_backward(float* dx, const float* dy, int n, const PoolDims& d) {
  const int64_t planes = int64_t(n) * d.c;
  const int64_t in_plane = int64_t(d.h) * d.w, out_plane = int64_t(d.oh) * d.ow;
  const float inv = 1.0f / float(d.kh * d.kw);
  for_each_plane(planes, in_plane * kElementWork, [&](int64_t p) {
    float* dxp = dx + p * in_plane;
    const float* dyp = dy + p * out_plane;
    for_each_window(d, [&](int64_t o, int y0, int ky0, int ky1, int x0, int kx0, int kx1) {
      const float g = dyp[o] * inv;
      for (int ky = ky0; ky < ky1; ++ky) {
        float* r = dxp + int64_t(y0 + ky) * d.w + x0;
        for (int kx = kx0; kx < kx1; ++kx) r[kx] += g;
      }
    });
  });
}

void gap_forward(float* y, const float* x, int n, int c, int hw) {
  const float inv = 1.0f / float(hw);
  parallel_for(
      int64_t(n) * c, int64_t(hw) * kElementWork,
      [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
          const float* xp = x + p * hw;
          float acc = 0.0f;
          for (int i = 0; i < hw; ++i) acc += xp[i];
          y[p] = acc * inv;
        }
      },
      kElementGrain);  // one output each: whole cache lines of y
}

void gap_backward(float* dx, const float* dy, int n, int c, int hw) {
  const float inv = 1.0f / float(hw);
  for_each_plane(int64_t(n) * c, int64_t(hw) * kElementWork, [&](int64_t p) {
    float* dxp = dx + p * hw;
    const float g = dy[p] * inv;
    for (int i = 0; i < hw; ++i) dxp[i] += g;
  });
}

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

// --- pooling -------------------------------------------------------------------------------------
void pool_text(const LayerSpec& l, std::string* s) {
  *s += " " + pair_text('k', l.kh, l.kw);
  if (l.sh != l.kh || l.sw != l.kw) *s += " " + pair_text('s', l.sh, l.sw);
  if (l.padding == Padding::explicit_pad) *s += " " + pair_text('p', l.ph, l.pw);
}
bool pool_analyze(LayerAnalysis& a) { return analyze_window(a, false); }
void maxpool_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->argmax = sat_mul(batch, li.out.size());
}
void maxpool_fwd(const LayerCall& c) { maxpool_forward(c.out, c.s.argmax.data(), c.x, c.n, pool_dims(c.l, c.li)); }
void maxpool_bwd(const LayerCall& c) { maxpool_backward(c.dx, c.dy, c.s.argmax.data(), c.n, pool_dims(c.l, c.li)); }
void maxpool_ref(const RefCall& c) { ref::maxpool_forward<double>(c.y, nullptr, c.x, c.n, pool_dims(c.l, c.li)); }
void avgpool_fwd(const LayerCall& c) { avgpool_forward(c.out, c.x, c.n, pool_dims(c.l, c.li)); }
void avgpool_bwd(const LayerCall& c) { avgpool_backward(c.dx, c.dy, c.n, pool_dims(c.l, c.li)); }
void avgpool_ref(const RefCall& c) { ref::avgpool_forward(c.y, c.x, c.n, pool_dims(c.l, c.li)); }
// Does some window of a pooling axis lie entirely in the padding? (in: input size, k kernel,
// s stride, lo padding before, out: output size.)
bool has_empty_window(int in, int k, int s, int lo, int out) {
  for (int o = 0; o < out; ++o) {
    const int first = o * s - lo, last = first + k - 1;
    if (last < 0 || first >= in) return true;
  }
  return false;
}
void pool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t, bool is_max) {
  const Pad4& p = li.pad;
  const bool padded = p.top || p.left || p.bottom || p.right;
  const bool symmetric = p.top == p.bottom && p.left == p.right;
  t->unflatten_if_flat(li.in);
  const char* cls = is_max ? "nn.MaxPool2d" : "nn.AvgPool2d";
  std::string args = "kernel_size=" + torch_pair(l.kh, l.kw) + ", stride=" + torch_pair(l.sh, l.sw);
  // PyTorch pads pools symmetrically by at most half the kernel (max: with -inf; avg: zeros
  // counted in the divisor, count_include_pad=True, as ours).
  const bool fits = symmetric && 2 * p.top <= l.kh && 2 * p.left <= l.kw;
  const bool empty = is_max && padded &&
                     (has_empty_window(li.in.h, l.kh, l.sh, p.top, li.out.h) ||
                      has_empty_window(li.in.w, l.kw, l.sw, p.left, li.out.w));
  if (padded && fits && !empty) {
    args += ", padding=" + torch_pair(p.top, p.left);
  } else if (padded) {
    if (is_max) {
      t->comment("padded cells never win the max: pad with -inf");
      t->add(strf("nn.ConstantPad2d((%d, %d, %d, %d), float(\"-inf\"))", p.left, p.right, p.top, p.bottom));
    } else {
      t->comment("padded cells count as zeros in the average, as count_include_pad=True");
      t->add(strf("nn.ZeroPad2d((%d, %d, %d, %d))", p.left, p.right, p.top, p.bottom));
    }
  }
  t->add(std::string(cls) + "(" + args + ")");
  if (empty) {
    t->comment("windows lying entirely in the padding give 0 in the sandbox");
    t->add("EmptyWindowsToZero()");
    t->need_empty_windows = true;
  }
}
void maxpool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) { pool_torch(l, li, t, true); }
void avgpool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) { pool_torch(l, li, t, false); }
void pool_defaults(LayerSpec* l) {
  l->kh = l->kw = 2;
  l->sh = l->sw = 2;
  l->padding = Padding::explicit_pad;
}
const LayerField kPoolFields[] = {
    {LayerFieldType::pair, "kernel h, w", nullptr, &LayerSpec::kh, nullptr, nullptr, 0},
    {LayerFieldType::pair, "stride h, w", nullptr, &LayerSpec::sh, nullptr, nullptr, 0},
    {LayerFieldType::pool_padding, "pad h, w", nullptr, &LayerSpec::ph, nullptr, nullptr, 0},
};

// --- global average pooling ----------------------------------------------------------------------
bool gap_analyze(LayerAnalysis& a) {
  analyze_whole_map(a, "each output averages a whole map, so it sees the whole input");
  return true;
}
void gap_fwd(const LayerCall& c) { gap_forward(c.out, c.x, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_bwd(const LayerCall& c) { gap_backward(c.dx, c.dy, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_ref(const RefCall& c) { ref::gap_forward(c.y, c.x, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_torch(const LayerSpec&, const LayerInfo& li, TorchModules* t) {
  t->unflatten_if_flat(li.in);
  t->add("nn.AdaptiveAvgPool2d(1)");
  t->add("nn.Flatten()");
  t->flat = true;
}
const char* const kPoolHelp =
    "pools take: kK or kKHxKW (window), sS (stride, default = window), pP (padding, default 0); e.g. "
    "`maxpool k2` or `maxpool k3 s2`";

}  // namespace

extern const LayerKindDesc kMaxpoolKind;
extern const LayerKindDesc kAvgpoolKind;
extern const LayerKindDesc kGapKind;
const LayerKindDesc kMaxpoolKind = {
    LayerKind::maxpool, "maxpool",   nullptr,     kPoolHelp,   false,         pool_text,     pool_analyze,
    maxpool_buffers,    maxpool_fwd, maxpool_bwd, maxpool_ref, maxpool_torch, pool_defaults, LAYER_FIELDS(kPoolFields)};
const LayerKindDesc kAvgpoolKind = {LayerKind::avgpool,
                                    "avgpool",
                                    nullptr,
                                    kPoolHelp,
                                    false,
                                    pool_text,
                                    pool_analyze,
                                    nullptr,
                                    avgpool_fwd,
                                    avgpool_bwd,
                                    avgpool_ref,
                                    avgpool_torch,
                                    pool_defaults,
                                    LAYER_FIELDS(kPoolFields)};
const LayerKindDesc kGapKind = {LayerKind::gap, "gap",       nullptr, "",      false,
                                nullptr,        gap_analyze, nullptr, gap_fwd, gap_bwd,
                                gap_ref,        gap_torch,   nullptr, nullptr, 0};

}  // namespace cnn
