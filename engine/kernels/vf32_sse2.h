// vf32 on x86 SSE2: 4 lanes, multiply then add (no FMA). See vf32.h for the API.
#pragma once
#include <cstdint>
#include <emmintrin.h>
#include <xmmintrin.h>

#define CNN_VF32_ISA_SSE2 1
#define CNN_VF32_ISA sse2  // the <isa> part of kernel symbols (kernel_list.h)
#define CNN_VF32_ISA_NAME "sse2"
#define VF32_LANES 4

namespace cnn {
typedef __m128 vf32;

static inline vf32 vf32_zero() { return _mm_setzero_ps(); }
static inline vf32 vf32_splat(float x) { return _mm_set1_ps(x); }
static inline vf32 vf32_load_splat(const float* p) { return _mm_load1_ps(p); }
static inline vf32 vf32_load(const float* p) { return _mm_loadu_ps(p); }
static inline void vf32_store(float* p, vf32 v) { _mm_storeu_ps(p, v); }
static inline vf32 vf32_add(vf32 a, vf32 b) { return _mm_add_ps(a, b); }
static inline vf32 vf32_sub(vf32 a, vf32 b) { return _mm_sub_ps(a, b); }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return _mm_mul_ps(a, b); }
static inline vf32 vf32_madd(vf32 a, vf32 b, vf32 c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
static inline vf32 vf32_max(vf32 a, vf32 b) { return _mm_max_ps(a, b); }
static inline vf32 vf32_min(vf32 a, vf32 b) { return _mm_min_ps(a, b); }
static inline vf32 vf32_select_ge0(vf32 x, vf32 v) { return _mm_and_ps(_mm_cmpge_ps(x, _mm_setzero_ps()), v); }
static inline float vf32_hsum(vf32 v) {
  __m128 s = _mm_add_ps(v, _mm_movehl_ps(v, v));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
static inline float vf32_hmax(vf32 v) {
  __m128 s = _mm_max_ps(v, _mm_movehl_ps(v, v));
  s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
typedef __m128 vm32;
static inline vm32 vf32_gt(vf32 a, vf32 b) { return _mm_cmpgt_ps(a, b); }
static inline vf32 vf32_blend(vm32 m, vf32 t, vf32 f) { return _mm_or_ps(_mm_and_ps(m, t), _mm_andnot_ps(m, f)); }
static inline vf32 vf32_iota() { return _mm_setr_ps(0, 1, 2, 3); }
static inline void vf32_deinterleave(vf32 a, vf32 b, vf32* even, vf32* odd) {
  *even = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  *odd = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
static inline void vf32_store_i32(int32_t* p, vf32 v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_cvttps_epi32(v));
}
// r[i] lane j <- r[j] lane i (a 4 x 4 transpose in registers).
static inline void vf32_transpose(vf32 r[4]) { _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]); }
// --- for the training kernels (maxpool backward, softmax cross-entropy, optimizers) ---
static inline vf32 vf32_div(vf32 a, vf32 b) { return _mm_div_ps(a, b); }
static inline vf32 vf32_sqrt(vf32 a) { return _mm_sqrt_ps(a); }
static inline vm32 vf32_eq(vf32 a, vf32 b) { return _mm_cmpeq_ps(a, b); }
static inline vf32 vf32_and(vm32 m, vf32 v) { return _mm_and_ps(m, v); }
static inline vf32 vf32_load_i32(const int32_t* p) {
  return _mm_cvtepi32_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
static inline void vf32_interleave(vf32 even, vf32 odd, vf32* lo, vf32* hi) {
  *lo = _mm_unpacklo_ps(even, odd);
  *hi = _mm_unpackhi_ps(even, odd);
}
// SSE2 has no round instruction: cvtps_epi32 rounds to nearest even under the default MXCSR.
static inline vf32 vf32_round(vf32 a) { return _mm_cvtepi32_ps(_mm_cvtps_epi32(a)); }
static inline vf32 vf32_exp2i(vf32 n) {
  return _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127)), 23));
}
}  // namespace cnn
