// softmax_xent.cpp: softmax and cross-entropy of a batch of scores in one pass, the last step of
// every classifier's forward pass and the first of its backward pass:
//
//   p_i = exp(z_i - m) / sum_j exp(z_j - m),  m = max_j z_j      (subtracting m: no overflow)
//   loss = mean over samples of  m + log(sum_j exp(z_j - m)) - z_y   (log-sum-exp, never log(p))
//   dz_i = (p_i - [i == y]) / n
//
// The SIMD version computes exp with its own polynomial (below), 4 or 8 lanes at a time; the
// reference uses the C library's expf. They agree to a few ulps, not bit for bit.
//
// Measured (cnn-sandbox bench --kernel softmax_xent): the kernel itself is several times faster than
// the reference, but with 10 classes and batch 32 it is a few microseconds of a training step that
// takes milliseconds, so it shows in no whole-network figure. It is vectorized for wide outputs
// (hundreds of classes) and so the step has no scalar exp left in the loss.
// Row softmax_xent of cnn/kernel_list.inc.
#include <cmath>

#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

float softmax_xent_reference(float* p, float* dz, const float* z, const int32_t* labels, int n, int k) {
  double total = 0.0;
  const float inv_n = 1.0f / float(n);
  for (int s = 0; s < n; ++s) {
    const float* zs = z + int64_t(s) * k;
    float m = zs[0];
    for (int i = 1; i < k; ++i) m = zs[i] > m ? zs[i] : m;
    float sum = 0.0f;
    for (int i = 0; i < k; ++i) sum += std::exp(zs[i] - m);
    const float inv = 1.0f / sum;
    const int y = labels[s];
    total += double(m) + std::log(double(sum)) - double(zs[y]);
    for (int i = 0; i < k; ++i) {
      const float pi = std::exp(zs[i] - m) * inv;
      if (p) p[int64_t(s) * k + i] = pi;
      if (dz) dz[int64_t(s) * k + i] = (pi - (i == y ? 1.0f : 0.0f)) * inv_n;
    }
  }
  return float(total / n);
}

// exp(x) for x <= 88, 0 below -87.3 (the softmax only asks for x <= 0): x = n ln2 + r with |r| <= ln2/2, ln2 split in two (Cody and Waite) so that n ln2 is
// exact; e^r by its Taylor polynomial to degree 6 (relative error below 2e-7 on that interval);
// 2^n written straight into the exponent bits.
static inline vf32 vf32_exp(vf32 x0) {
  const vf32 x = vf32_max(vf32_min(x0, vf32_splat(88.0f)), vf32_splat(-87.3f));
  const vf32 n = vf32_round(vf32_mul(x, vf32_splat(1.44269504088896341f)));
  vf32 r = vf32_sub(x, vf32_mul(n, vf32_splat(0.693145751953125f)));
  r = vf32_sub(r, vf32_mul(n, vf32_splat(1.428606765330187045e-06f)));
  vf32 q = vf32_splat(1.0f / 720.0f);
  q = vf32_madd(q, r, vf32_splat(1.0f / 120.0f));
  q = vf32_madd(q, r, vf32_splat(1.0f / 24.0f));
  q = vf32_madd(q, r, vf32_splat(1.0f / 6.0f));
  q = vf32_madd(q, r, vf32_splat(0.5f));
  q = vf32_madd(q, r, vf32_splat(1.0f));
  q = vf32_madd(q, r, vf32_splat(1.0f));
  // below e^-87.3 (near the smallest normal float) the answer is 0, as expf's is near enough
  return vf32_and(vf32_gt(x0, vf32_splat(-87.3f)), vf32_mul(q, vf32_exp2i(n)));
}

float CNN_UKERNEL(softmax_xent, u1)(float* p, float* dz, const float* z, const int32_t* labels, int n, int k) {
  double total = 0.0;
  const float inv_n = 1.0f / float(n);
  float* e = p ? p : dz;  // where exp(z - m) waits for the sum (nowhere when only the loss is asked)
  for (int s = 0; s < n; ++s) {
    const float* zs = z + int64_t(s) * k;
    float* es = e ? e + int64_t(s) * k : nullptr;
    // max
    int i = 0;
    float m = zs[0];
    if (k >= VF32_LANES) {
      vf32 vm = vf32_load(zs);
      for (i = VF32_LANES; i + VF32_LANES <= k; i += VF32_LANES) vm = vf32_max(vm, vf32_load(zs + i));
      m = vf32_hmax(vm);
    }
    for (; i < k; ++i) m = zs[i] > m ? zs[i] : m;
    // exp and its sum; the tail goes through the same polynomial (one splatted lane), so every
    // class gets the same function
    const vf32 vmax = vf32_splat(m);
    vf32 vsum = vf32_zero();
    float sum = 0.0f;
    for (i = 0; i + VF32_LANES <= k; i += VF32_LANES) {
      const vf32 ev = vf32_exp(vf32_sub(vf32_load(zs + i), vmax));
      vsum = vf32_add(vsum, ev);
      if (es) vf32_store(es + i, ev);
    }
    sum = vf32_hsum(vsum);
    for (; i < k; ++i) {
      float ev[VF32_LANES];
      vf32_store(ev, vf32_exp(vf32_splat(zs[i] - m)));
      sum += ev[0];
      if (es) es[i] = ev[0];
    }
    const int y = labels[s];
    total += double(m) + std::log(double(sum)) - double(zs[y]);
    if (!es) continue;
    const float inv = 1.0f / sum;
    const float py = es[y] * inv;  // before the loop below overwrites es (which is p or dz)
    const vf32 vinv = vf32_splat(inv), vinv_n = vf32_splat(inv_n);
    float* ps = p ? p + int64_t(s) * k : nullptr;
    float* ds = dz ? dz + int64_t(s) * k : nullptr;
    for (i = 0; i + VF32_LANES <= k; i += VF32_LANES) {
      const vf32 pv = vf32_mul(vf32_load(es + i), vinv);
      if (ps) vf32_store(ps + i, pv);
      if (ds) vf32_store(ds + i, vf32_mul(pv, vinv_n));
    }
    for (; i < k; ++i) {
      const float pi = es[i] * inv;
      if (ps) ps[i] = pi;
      if (ds) ds[i] = pi * inv_n;
    }
    if (ds) ds[y] = (py - 1.0f) * inv_n;
  }
  return float(total / n);
}

}  // namespace cnn
