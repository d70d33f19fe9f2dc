// vf32 on x86 AVX2 + FMA: 8 lanes, fused multiply-add. See vf32.h for the API.
#pragma once
#include <immintrin.h>

#define CNN_VF32_ISA_AVX2 1
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
}  // namespace cnn
