// kernel_list.h: this build's SIMD kernels. Every row of cnn/kernel_list.inc declares here the
// symbol its SIMD kernel carries, XNNPACK style: f32_<op>__<isa>_<tile or unroll>. So
// `git grep __wasmsimd` (or nm) lists every WebAssembly kernel, and a profile names the variant that
// ran. A kernel source defines its function as CNN_UKERNEL(op, variant)(params) { ... }.
//
// GEMM tiles (MR rows x NR = NV vectors of columns) are sized to the register file: accumulators
// MR*NV, plus NV B vectors and one broadcast A value, must fit in the 16 (x86, wasm on x86 hosts)
// or 32 (NEON) vector registers, or the kernel spills. V8 keeps one xmm register as scratch, and a
// wasm multiply-add needs a temporary, so wasm tiles stay at 8 accumulators. Measured in node on the
// 2-core EPYC (bench/gemm_tiles.sh, CPU clock, n = 256/512, GFLOP/s): 4x8 36-40, 2x16 25-37,
// 5x8 24-26, 4x12 22-23, 3x16 23; unrolling k by 2 or 4 made 4x8 slower (26, 23).
// CNN_GEMM_TILE is MRxNR (NR = NV * VF32_LANES) as written in the symbol; tests check the two agree.
#pragma once
#include "cnn/kernels.h"

#if defined(CNN_VF32_ISA_AVX2)
#define CNN_GEMM_MR 6
#define CNN_GEMM_NV 2
#define CNN_GEMM_TILE 6x16
#elif defined(CNN_VF32_ISA_SSE2)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#define CNN_GEMM_TILE 4x8
#elif defined(CNN_VF32_ISA_WASMSIMD)
#ifndef CNN_GEMM_MR  // overridable for tile experiments (bench/gemm_tiles.sh)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#define CNN_GEMM_TILE 4x8
#endif
#elif defined(CNN_VF32_ISA_NEON)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define CNN_GEMM_TILE 4x16
#elif defined(CNN_VF32_ISA_SCALAR)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define CNN_GEMM_TILE 4x4
#endif
#ifndef CNN_GEMM_TILE  // a tile experiment: MR and NV given on the command line
#define CNN_GEMM_TILE MRxNR
#endif
#define CNN_GEMM_NR (CNN_GEMM_NV * VF32_LANES)

#define CNN_STRINGIZE_(x) #x
#define CNN_STRINGIZE(x) CNN_STRINGIZE_(x)
// f32_<op>__<isa>_<variant>; the extra levels expand CNN_VF32_ISA and CNN_GEMM_TILE before pasting.
#define CNN_UKERNEL_PASTE_(op, isa, variant) f32_##op##__##isa##_##variant
#define CNN_UKERNEL_(op, isa, variant) CNN_UKERNEL_PASTE_(op, isa, variant)
#define CNN_UKERNEL(op, variant) CNN_UKERNEL_(op, CNN_VF32_ISA, variant)

namespace cnn {
#define CNN_KERNEL(base, entry, op, variant, ret, params, args) ret CNN_UKERNEL(op, variant) params;
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL
// The GEMM's register tile (gemm.cpp) and the peak loop (peak.cpp): not rows of the list (the first
// is a part of sgemm's SIMD kernel, the second computes nothing to check), named the same way.
void CNN_UKERNEL(gemm_ukernel, CNN_GEMM_TILE)(int kc, const float* a, const float* b, int ldb, float* c, int ldc,
                                              int mr, int nr, float alpha, float beta);
int64_t CNN_UKERNEL(madd_peak, x12)(int64_t iterations, float* sink);
}  // namespace cnn
