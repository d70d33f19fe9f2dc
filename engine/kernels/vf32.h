// vf32.h: the engine's small vector API, one implementation per instruction set, chosen at compile
// time (ggml's simd-mappings.h in spirit). Every SIMD kernel is written once against it:
//
//   vf32 v = vf32_load(p);            // VF32_LANES floats, unaligned
//   acc = vf32_madd(a, b, acc);       // a * b + acc: fused where the ISA has FMA, mul + add in wasm
//   vf32_store(p, v);
//
// ISA          header              lanes  madd
// wasm SIMD128 vf32_wasmsimd.h    4      mul + add (wasm has no FMA)
// AVX2 + FMA   vf32_avx2.h         8      vfmadd
// SSE2         vf32_sse2.h         4      mul + add
// NEON (arm64) vf32_neon.h         4      vfmaq
// none         vf32_scalar.h       1      mul + add
//
// The web build compiles with -msimd128 and so has exactly one path. Natively the best ISA the
// compiler targets is used; -DCNN_SIMD_FORCE_SSE2 or -DCNN_SIMD_FORCE_SCALAR pick a lesser one so
// that its kernels can be tested on an AVX2 machine. Private to engine/: public headers carry no
// intrinsics.
#pragma once

#if defined(CNN_SIMD_FORCE_SCALAR)
#include "vf32_scalar.h"
#elif defined(__wasm_simd128__)
#include "vf32_wasmsimd.h"
#elif defined(__AVX2__) && defined(__FMA__) && !defined(CNN_SIMD_FORCE_SSE2)
#include "vf32_avx2.h"
#elif defined(__SSE2__) || defined(_M_X64)
#include "vf32_sse2.h"
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include "vf32_neon.h"
#else
#include "vf32_scalar.h"
#endif

#include "kernel_list.h"

// Put before the loop of a scalar reference kernel: keeps it scalar. Otherwise the compiler
// vectorizes the simplest ones (ReLU, the optimizer updates) by itself, and `--kernels reference`
// (the page's switch) would compare SIMD with SIMD. What the auto-vectorizer alone achieves is
// measured with the native-novec preset instead.
#if defined(__clang__)
#define CNN_SCALAR_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define CNN_SCALAR_LOOP
#endif
