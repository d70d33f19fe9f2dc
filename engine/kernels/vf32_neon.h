// vf32 on arm64 NEON: 4 lanes, fused multiply-add. See vf32.h for the API.
#pragma once
#include <cstdint>
#include <arm_neon.h>

#define CNN_VF32_ISA_NEON 1
#define CNN_VF32_ISA neon  // the <isa> part of kernel symbols (kernel_list.h)
#define CNN_VF32_ISA_NAME "neon"
#define VF32_LANES 4

namespace cnn {
typedef float32x4_t vf32;

static inline vf32 vf32_zero() { return vdupq_n_f32(0.0f); }
static inline vf32 vf32_splat(float x) { return vdupq_n_f32(x); }
static inline vf32 vf32_load_splat(const float* p) { return vld1q_dup_f32(p); }
static inline vf32 vf32_load(const float* p) { return vld1q_f32(p); }
static inline void vf32_store(float* p, vf32 v) { vst1q_f32(p, v); }
static inline vf32 vf32_add(vf32 a, vf32 b) { return vaddq_f32(a, b); }
static inline vf32 vf32_sub(vf32 a, vf32 b) { return vsubq_f32(a, b); }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return vmulq_f32(a, b); }
static inline vf32 vf32_madd(vf32 a, vf32 b, vf32 c) { return vfmaq_f32(c, a, b); }
static inline vf32 vf32_max(vf32 a, vf32 b) { return vmaxq_f32(a, b); }
static inline vf32 vf32_min(vf32 a, vf32 b) { return vminq_f32(a, b); }
static inline vf32 vf32_select_ge0(vf32 x, vf32 v) {
  return vreinterpretq_f32_u32(vandq_u32(vcgeq_f32(x, vdupq_n_f32(0.0f)), vreinterpretq_u32_f32(v)));
}
static inline float vf32_hsum(vf32 v) { return vaddvq_f32(v); }
static inline float vf32_hmax(vf32 v) { return vmaxvq_f32(v); }
typedef uint32x4_t vm32;
static inline vm32 vf32_gt(vf32 a, vf32 b) { return vcgtq_f32(a, b); }
static inline vf32 vf32_blend(vm32 m, vf32 t, vf32 f) { return vbslq_f32(m, t, f); }
static inline vf32 vf32_iota() {
  static const float k[4] = {0, 1, 2, 3};
  return vld1q_f32(k);
}
static inline void vf32_deinterleave(vf32 a, vf32 b, vf32* even, vf32* odd) {
  *even = vuzp1q_f32(a, b);
  *odd = vuzp2q_f32(a, b);
}
static inline void vf32_store_i32(int32_t* p, vf32 v) { vst1q_s32(p, vcvtq_s32_f32(v)); }
// r[i] lane j <- r[j] lane i (a 4 x 4 transpose in registers).
static inline void vf32_transpose(vf32 r[4]) {
  const float32x4x2_t p01 = vtrnq_f32(r[0], r[1]), p23 = vtrnq_f32(r[2], r[3]);
  r[0] = vcombine_f32(vget_low_f32(p01.val[0]), vget_low_f32(p23.val[0]));
  r[1] = vcombine_f32(vget_low_f32(p01.val[1]), vget_low_f32(p23.val[1]));
  r[2] = vcombine_f32(vget_high_f32(p01.val[0]), vget_high_f32(p23.val[0]));
  r[3] = vcombine_f32(vget_high_f32(p01.val[1]), vget_high_f32(p23.val[1]));
}
// --- for the training kernels (maxpool backward, softmax cross-entropy, optimizers) ---
static inline vf32 vf32_div(vf32 a, vf32 b) { return vdivq_f32(a, b); }
static inline vf32 vf32_sqrt(vf32 a) { return vsqrtq_f32(a); }
static inline vm32 vf32_eq(vf32 a, vf32 b) { return vceqq_f32(a, b); }
static inline vf32 vf32_and(vm32 m, vf32 v) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(v))); }
static inline vf32 vf32_load_i32(const int32_t* p) { return vcvtq_f32_s32(vld1q_s32(p)); }
static inline void vf32_interleave(vf32 even, vf32 odd, vf32* lo, vf32* hi) {
  *lo = vzip1q_f32(even, odd);
  *hi = vzip2q_f32(even, odd);
}
static inline vf32 vf32_round(vf32 a) { return vrndnq_f32(a); }
static inline vf32 vf32_exp2i(vf32 n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23));
}
}  // namespace cnn
