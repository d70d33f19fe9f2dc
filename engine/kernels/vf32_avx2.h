// vf32 on x86 AVX2 + FMA: 8 lanes, fused multiply-add. See vf32.h for the API.
#pragma once
#include <cstdint>
#include <immintrin.h>

#define CNN_VF32_ISA_AVX2 1
#define CNN_VF32_ISA avx2  // the <isa> part of kernel symbols (kernel_list.h)
#define CNN_VF32_ISA_NAME "avx2"
#define VF32_LANES 8

namespace cnn {
typedef __m256 vf32;

static inline vf32 vf32_zero() { return _mm256_setzero_ps(); }
static inline vf32 vf32_splat(float x) { return _mm256_set1_ps(x); }
static inline vf32 vf32_load_splat(const float* p) { return _mm256_broadcast_ss(p); }
static inline vf32 vf32_load(const float* p) { return _mm256_loadu_ps(p); }
static inline void vf32_store(float* p, vf32 v) { _mm256_storeu_ps(p, v); }
static inline vf32 vf32_add(vf32 a, vf32 b) { return _mm256_add_ps(a, b); }
static inline vf32 vf32_sub(vf32 a, vf32 b) { return _mm256_sub_ps(a, b); }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return _mm256_mul_ps(a, b); }
static inline vf32 vf32_madd(vf32 a, vf32 b, vf32 c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf32 vf32_max(vf32 a, vf32 b) { return _mm256_max_ps(a, b); }
static inline vf32 vf32_min(vf32 a, vf32 b) { return _mm256_min_ps(a, b); }
// x >= 0 ? v : 0, lane by lane (ReLU's backward with the notes' derivative 1 at 0).
static inline vf32 vf32_select_ge0(vf32 x, vf32 v) {
  return _mm256_and_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ), v);
}
static inline float vf32_hsum(vf32 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
static inline float vf32_hmax(vf32 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
// Masks (all bits of a lane set where true) and what the pooling kernels need besides arithmetic.
typedef __m256 vm32;
static inline vm32 vf32_gt(vf32 a, vf32 b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline vf32 vf32_blend(vm32 m, vf32 t, vf32 f) { return _mm256_blendv_ps(f, t, m); }
static inline vf32 vf32_iota() { return _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7); }
// (a0 a1 .. a7), (b0 .. b7) -> even (a0 a2 a4 a6 b0 b2 b4 b6), odd (a1 a3 .. b7)
static inline void vf32_deinterleave(vf32 a, vf32 b, vf32* even, vf32* odd) {
  const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));  // a0 a2 b0 b2 | a4 a6 b4 b6
  const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
  *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
  *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}
// Stores lanes holding whole numbers below 2^24 as int32.
static inline void vf32_store_i32(int32_t* p, vf32 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm256_cvttps_epi32(v));
}
// r[i] lane j <- r[j] lane i (an 8 x 8 transpose in registers).
static inline void vf32_transpose(vf32 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));  // column 0 | column 4, rows 0-3
  const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));  // the same, rows 4-7
  const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}
// --- for the training kernels (maxpool backward, softmax cross-entropy, optimizers) ---
static inline vf32 vf32_div(vf32 a, vf32 b) { return _mm256_div_ps(a, b); }
static inline vf32 vf32_sqrt(vf32 a) { return _mm256_sqrt_ps(a); }
static inline vm32 vf32_eq(vf32 a, vf32 b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline vf32 vf32_and(vm32 m, vf32 v) { return _mm256_and_ps(m, v); }
// int32 lanes (whole numbers below 2^24) to float.
static inline vf32 vf32_load_i32(const int32_t* p) {
  return _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
// The inverse of vf32_deinterleave: (e0 o0 e1 o1 ..) into *lo (first L) and *hi (next L).
static inline void vf32_interleave(vf32 even, vf32 odd, vf32* lo, vf32* hi) {
  const __m256 a = _mm256_unpacklo_ps(even, odd);  // e0 o0 e1 o1 | e4 o4 e5 o5
  const __m256 b = _mm256_unpackhi_ps(even, odd);  // e2 o2 e3 o3 | e6 o6 e7 o7
  *lo = _mm256_permute2f128_ps(a, b, 0x20);
  *hi = _mm256_permute2f128_ps(a, b, 0x31);
}
// Nearest whole number (ties to even), for the exponential's range reduction.
static inline vf32 vf32_round(vf32 a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// 2^n for whole n in [-126, 127], built in the exponent bits.
static inline vf32 vf32_exp2i(vf32 n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
}  // namespace cnn
