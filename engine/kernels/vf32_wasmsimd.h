// vf32 on WebAssembly SIMD128: 4 lanes. Wasm has no fused multiply-add (relaxed-simd's is not in
// our Emscripten 3.1.6 nor guaranteed by browsers), so madd is a multiply then an add, which also
// keeps results identical across browsers. See vf32.h for the API.
#pragma once
#include <cstdint>
#include <wasm_simd128.h>

#define CNN_VF32_ISA_WASMSIMD 1
#define CNN_VF32_ISA wasmsimd  // the <isa> part of kernel symbols (kernel_list.h)
#define CNN_VF32_ISA_NAME "wasmsimd"
#define VF32_LANES 4

namespace cnn {
typedef v128_t vf32;

static inline vf32 vf32_zero() { return wasm_f32x4_const(0.0f, 0.0f, 0.0f, 0.0f); }
static inline vf32 vf32_splat(float x) { return wasm_f32x4_splat(x); }
static inline vf32 vf32_load_splat(const float* p) { return wasm_v128_load32_splat(p); }
static inline vf32 vf32_load(const float* p) { return wasm_v128_load(p); }
static inline void vf32_store(float* p, vf32 v) { wasm_v128_store(p, v); }
static inline vf32 vf32_add(vf32 a, vf32 b) { return wasm_f32x4_add(a, b); }
static inline vf32 vf32_sub(vf32 a, vf32 b) { return wasm_f32x4_sub(a, b); }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return wasm_f32x4_mul(a, b); }
static inline vf32 vf32_madd(vf32 a, vf32 b, vf32 c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
// pmax/pmin (a < b ? b : a) map to single x86 instructions; f32x4.max's NaN and -0 rules cost
// several. Our inputs are finite, where both agree.
static inline vf32 vf32_max(vf32 a, vf32 b) { return wasm_f32x4_pmax(a, b); }
static inline vf32 vf32_min(vf32 a, vf32 b) { return wasm_f32x4_pmin(a, b); }
static inline vf32 vf32_select_ge0(vf32 x, vf32 v) {
  return wasm_v128_and(wasm_f32x4_ge(x, wasm_f32x4_const(0.0f, 0.0f, 0.0f, 0.0f)), v);
}
static inline float vf32_hsum(vf32 v) {
  vf32 s = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}
static inline float vf32_hmax(vf32 v) {
  vf32 s = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = wasm_f32x4_pmax(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}
typedef v128_t vm32;
static inline vm32 vf32_gt(vf32 a, vf32 b) { return wasm_f32x4_gt(a, b); }
static inline vf32 vf32_blend(vm32 m, vf32 t, vf32 f) { return wasm_v128_bitselect(t, f, m); }
static inline vf32 vf32_iota() { return wasm_f32x4_const(0.0f, 1.0f, 2.0f, 3.0f); }
static inline void vf32_deinterleave(vf32 a, vf32 b, vf32* even, vf32* odd) {
  *even = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
  *odd = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
}
static inline void vf32_store_i32(int32_t* p, vf32 v) { wasm_v128_store(p, wasm_i32x4_trunc_sat_f32x4(v)); }
// r[i] lane j <- r[j] lane i (a 4 x 4 transpose in registers).
static inline void vf32_transpose(vf32 r[4]) {
  const v128_t t0 = wasm_i32x4_shuffle(r[0], r[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r[0], r[1], 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r[2], r[3], 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r[2], r[3], 2, 6, 3, 7);
  r[0] = wasm_i64x2_shuffle(t0, t2, 0, 2);
  r[1] = wasm_i64x2_shuffle(t0, t2, 1, 3);
  r[2] = wasm_i64x2_shuffle(t1, t3, 0, 2);
  r[3] = wasm_i64x2_shuffle(t1, t3, 1, 3);
}
// --- for the training kernels (maxpool backward, softmax cross-entropy, optimizers) ---
static inline vf32 vf32_div(vf32 a, vf32 b) { return wasm_f32x4_div(a, b); }
static inline vf32 vf32_sqrt(vf32 a) { return wasm_f32x4_sqrt(a); }
static inline vm32 vf32_eq(vf32 a, vf32 b) { return wasm_f32x4_eq(a, b); }
static inline vf32 vf32_and(vm32 m, vf32 v) { return wasm_v128_and(m, v); }
static inline vf32 vf32_load_i32(const int32_t* p) { return wasm_f32x4_convert_i32x4(wasm_v128_load(p)); }
static inline void vf32_interleave(vf32 even, vf32 odd, vf32* lo, vf32* hi) {
  *lo = wasm_i32x4_shuffle(even, odd, 0, 4, 1, 5);
  *hi = wasm_i32x4_shuffle(even, odd, 2, 6, 3, 7);
}
static inline vf32 vf32_round(vf32 a) { return wasm_f32x4_nearest(a); }
static inline vf32 vf32_exp2i(vf32 n) {
  return wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
}
}  // namespace cnn
