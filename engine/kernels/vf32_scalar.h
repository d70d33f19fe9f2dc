// vf32 without SIMD: one lane, plain C++. Kernels written against the API still compile and stay
// correct on any target; this is also how the scalar path of every kernel is tested on x86
// (-DCNN_SIMD_FORCE_SCALAR). See vf32.h for the API.
#pragma once
#include <cstdint>

#define CNN_VF32_ISA_SCALAR 1
#define CNN_VF32_ISA scalar  // the <isa> part of kernel symbols (kernel_list.h)
#define CNN_VF32_ISA_NAME "scalar"
#define VF32_LANES 1

namespace cnn {
typedef float vf32;

static inline vf32 vf32_zero() { return 0.0f; }
static inline vf32 vf32_splat(float x) { return x; }
static inline vf32 vf32_load_splat(const float* p) { return *p; }
static inline vf32 vf32_load(const float* p) { return *p; }
static inline void vf32_store(float* p, vf32 v) { *p = v; }
static inline vf32 vf32_add(vf32 a, vf32 b) { return a + b; }
static inline vf32 vf32_sub(vf32 a, vf32 b) { return a - b; }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return a * b; }
static inline vf32 vf32_madd(vf32 a, vf32 b, vf32 c) { return a * b + c; }
static inline vf32 vf32_max(vf32 a, vf32 b) { return a < b ? b : a; }
static inline vf32 vf32_min(vf32 a, vf32 b) { return b < a ? b : a; }
static inline vf32 vf32_select_ge0(vf32 x, vf32 v) { return x >= 0.0f ? v : 0.0f; }
static inline float vf32_hsum(vf32 v) { return v; }
static inline float vf32_hmax(vf32 v) { return v; }
typedef bool vm32;
static inline vm32 vf32_gt(vf32 a, vf32 b) { return a > b; }
static inline vf32 vf32_blend(vm32 m, vf32 t, vf32 f) { return m ? t : f; }
static inline vf32 vf32_iota() { return 0.0f; }
// One lane: the "pair" (a, b) is itself the even and the odd element.
static inline void vf32_deinterleave(vf32 a, vf32 b, vf32* even, vf32* odd) {
  *even = a;
  *odd = b;
}
static inline void vf32_store_i32(int32_t* p, vf32 v) { *p = int32_t(v); }
static inline void vf32_transpose(vf32*) {}  // a 1 x 1 block is its own transpose
// --- for the training kernels (maxpool backward, softmax cross-entropy, optimizers) ---
static inline vf32 vf32_div(vf32 a, vf32 b) { return a / b; }
static inline vf32 vf32_sqrt(vf32 a) { return __builtin_sqrtf(a); }
static inline vm32 vf32_eq(vf32 a, vf32 b) { return a == b; }
static inline vf32 vf32_and(vm32 m, vf32 v) { return m ? v : 0.0f; }
static inline vf32 vf32_load_i32(const int32_t* p) { return float(*p); }
static inline void vf32_interleave(vf32 even, vf32 odd, vf32* lo, vf32* hi) {
  *lo = even;
  *hi = odd;
}
static inline vf32 vf32_round(vf32 a) { return __builtin_rintf(a); }
static inline vf32 vf32_exp2i(vf32 n) {
  const uint32_t bits = uint32_t(int32_t(n) + 127) << 23;
  float r;
  __builtin_memcpy(&r, &bits, sizeof r);
  return r;
}
}  // namespace cnn
