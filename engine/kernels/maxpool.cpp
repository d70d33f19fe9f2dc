// maxpool.cpp: 2x2 max pooling with stride 2 and no padding (LeNet's and most CNNs' pooling), with
// the arg max cache the backward pass routes gradients by.
//
// Why a kernel of its own: the general loop (nn.h maxpool_forward) decides every comparison with a
// branch, and on real activations those branches are coin flips: profiled natively, LeNet
// inference spent 35% of its time there, more than in the GEMM. Here the four candidates of L
// windows are compared at once and the winners picked with blends, no branches.
//
// Ties: the first maximum in row-major window order wins (strict >), like the general loop, so the
// two give the same arg max bit for bit.
//
// Rows maxpool2x2_forward and maxpool2x2_backward of cnn/kernel_list.inc. The SIMD kernels compute
// indices in float lanes: planes of 2^24 cells or more go to the reference, which is exact.
#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

void maxpool2x2_forward_reference(float* y, int32_t* argmax, const float* x, int64_t planes, int h, int w) {
  const int oh = h / 2, ow = w / 2;
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * h * w;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        const int i00 = 2 * oy * w + 2 * ox;
        const int cand[4] = {i00, i00 + 1, i00 + w, i00 + w + 1};
        int best = cand[0];
        for (int c = 1; c < 4; ++c)
          if (xp[cand[c]] > xp[best]) best = cand[c];
        y[(p * oh + oy) * ow + ox] = xp[best];
        argmax[(p * oh + oy) * ow + ox] = best;
      }
  }
}

// L windows starting at window column ox of window row oy; reads input columns 2*ox .. 2*ox + 2L - 1.
static inline void maxpool2x2_windows(float* yr, int32_t* ar, const float* r0, const float* r1, int oy, int ox, int w,
                                      vf32 one, vf32 vw, vf32 vw1, vf32 iota2) {
  vf32 a0, a1, b0, b1;  // top-left, top-right, bottom-left, bottom-right of L windows
  vf32_deinterleave(vf32_load(r0 + 2 * ox), vf32_load(r0 + 2 * ox + VF32_LANES), &a0, &a1);
  vf32_deinterleave(vf32_load(r1 + 2 * ox), vf32_load(r1 + 2 * ox + VF32_LANES), &b0, &b1);
  vf32 m = a0, off = vf32_zero();
  vm32 c = vf32_gt(a1, m);
  m = vf32_blend(c, a1, m);
  off = vf32_blend(c, one, off);
  c = vf32_gt(b0, m);
  m = vf32_blend(c, b0, m);
  off = vf32_blend(c, vw, off);
  c = vf32_gt(b1, m);
  m = vf32_blend(c, b1, m);
  off = vf32_blend(c, vw1, off);
  vf32_store(yr + ox, m);
  // Indices are whole numbers below 2^24 (checked by the caller), exact in float.
  vf32_store_i32(ar + ox, vf32_add(vf32_add(vf32_splat(float(2 * oy * w + 2 * ox)), iota2), off));
}

void CNN_UKERNEL(maxpool2x2, u1)(float* y, int32_t* argmax, const float* x, int64_t planes, int h, int w) {
  if (int64_t(h) * w >= (int64_t(1) << 24)) {
    maxpool2x2_forward_reference(y, argmax, x, planes, h, w);
    return;
  }
  const int oh = h / 2, ow = w / 2;
  const vf32 one = vf32_splat(1.0f), vw = vf32_splat(float(w)), vw1 = vf32_splat(float(w + 1));
  const vf32 iota2 = vf32_add(vf32_iota(), vf32_iota());  // 0 2 4 6 ...: column of each window
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * h * w;
    float* yp = y + p * oh * ow;
    int32_t* ap = argmax + p * oh * ow;
    for (int oy = 0; oy < oh; ++oy) {
      const float* r0 = xp + 2 * oy * w;
      const float* r1 = r0 + w;
      float* yr = yp + oy * ow;
      int32_t* ar = ap + oy * ow;
      int ox = 0;
      for (; ox + VF32_LANES <= ow; ox += VF32_LANES)
        maxpool2x2_windows(yr, ar, r0, r1, oy, ox, w, one, vw, vw1, iota2);
      // Tail: once more over the last L windows, overlapping windows already done (they come out
      // the same). Profiled natively, the scalar tail this replaces took most of the time: with
      // 8 lanes, 14 windows a row (28 x 28 maps) are 8 in vector and 6 in branches that mispredict.
      if (ox < ow && ow >= VF32_LANES) {
        maxpool2x2_windows(yr, ar, r0, r1, oy, ow - VF32_LANES, w, one, vw, vw1, iota2);
        ox = ow;
      }
      for (; ox < ow; ++ox) {  // rows of fewer than L windows: scalar, with selects instead of branches
        const int i00 = 2 * oy * w + 2 * ox;
        int best = i00;
        float bv = xp[i00];
        const float v1 = xp[i00 + 1], v2 = xp[i00 + w], v3 = xp[i00 + w + 1];
        best = v1 > bv ? i00 + 1 : best;
        bv = v1 > bv ? v1 : bv;
        best = v2 > bv ? i00 + w : best;
        bv = v2 > bv ? v2 : bv;
        best = v3 > bv ? i00 + w + 1 : best;
        bv = v3 > bv ? v3 : bv;
        yr[ox] = bv;
        ar[ox] = best;
      }
    }
  }
}

// ---- backward ------------------------------------------------------------------------------------
// The general loop scatters dx[argmax[o]] += dy[o]: a dependent load, a random store and nothing to
// vectorize. With 2x2 windows, stride 2, the four cells a window can route to are known: compare
// each window's arg max with the offsets of its four cells, mask dy with the result, and add whole
// rows with interleaved stores. A window's gradient lands on exactly one cell (its arg max, so ties
// keep going to the one input the forward pass chose); the three others get + 0.
// Measured (bench --kernel maxpool2x2_backward, 32 x 32 planes of 28 x 28): 0.64x the scalar scatter
// in wasm, 0.77x natively. Both move the same cache lines, and the vector version spends ~7
// operations per window on masks and shuffles where the scatter spends one read-modify-write. So
// the layer keeps the scatter (layers_pool.cpp); this kernel stays, tested, as the measured answer.

void maxpool2x2_backward_reference(float* dx, const float* dy, const int32_t* argmax, int64_t planes, int h, int w) {
  const int64_t in_plane = int64_t(h) * w, out_plane = int64_t(h / 2) * (w / 2);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t o = 0; o < out_plane; ++o) dx[p * in_plane + argmax[p * out_plane + o]] += dy[p * out_plane + o];
}

void CNN_UKERNEL(maxpool2x2_backward, u1)(float* dx, const float* dy, const int32_t* argmax, int64_t planes, int h,
                                          int w) {
  if (int64_t(h) * w >= (int64_t(1) << 24)) {
    maxpool2x2_backward_reference(dx, dy, argmax, planes, h, w);
    return;
  }
  const int oh = h / 2, ow = w / 2;
  const vf32 one = vf32_splat(1.0f), vw = vf32_splat(float(w)), vw1 = vf32_splat(float(w + 1)), zero = vf32_zero();
  const vf32 iota2 = vf32_add(vf32_iota(), vf32_iota());
  for (int64_t p = 0; p < planes; ++p) {
    float* dxp = dx + p * h * w;
    const float* dyp = dy + p * oh * ow;
    const int32_t* ap = argmax + p * oh * ow;
    for (int oy = 0; oy < oh; ++oy) {
      float* r0 = dxp + 2 * oy * w;
      float* r1 = r0 + w;
      const float* dyr = dyp + oy * ow;
      const int32_t* ar = ap + oy * ow;
      int ox = 0;
      for (; ox + VF32_LANES <= ow; ox += VF32_LANES) {
        const vf32 g = vf32_load(dyr + ox);
        // Offset of the winner inside its window: 0, 1, w or w + 1 (exact in float below 2^24).
        const vf32 off = vf32_sub(vf32_load_i32(ar + ox), vf32_add(vf32_splat(float(2 * oy * w + 2 * ox)), iota2));
        const vf32 tl = vf32_and(vf32_eq(off, zero), g), tr = vf32_and(vf32_eq(off, one), g);
        const vf32 bl = vf32_and(vf32_eq(off, vw), g), br = vf32_and(vf32_eq(off, vw1), g);
        vf32 lo, hi;
        vf32_interleave(tl, tr, &lo, &hi);
        vf32_store(r0 + 2 * ox, vf32_add(vf32_load(r0 + 2 * ox), lo));
        vf32_store(r0 + 2 * ox + VF32_LANES, vf32_add(vf32_load(r0 + 2 * ox + VF32_LANES), hi));
        vf32_interleave(bl, br, &lo, &hi);
        vf32_store(r1 + 2 * ox, vf32_add(vf32_load(r1 + 2 * ox), lo));
        vf32_store(r1 + 2 * ox + VF32_LANES, vf32_add(vf32_load(r1 + 2 * ox + VF32_LANES), hi));
      }
      for (; ox < ow; ++ox) dxp[ar[ox]] += dyr[ox];  // tail: fewer than L windows left in this row
    }
  }
}

}  // namespace cnn
