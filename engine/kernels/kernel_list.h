// kernel_list.h: which micro-kernel each instruction set uses, one table per ISA. The generic name
// on the left is what the kernel sources define; the name on the right is the symbol the binary
// carries, XNNPACK style: <dtype>_<op>__<isa>_<tile or unroll>. So `git grep __wasmsimd` lists
// every WebAssembly kernel, and a profile names the variant that ran.
//
// GEMM tiles (MR rows x NR = NV vectors of columns) are sized to the register file: accumulators
// MR*NV, plus NV B vectors and one broadcast A value, must fit in the 16 (x86, wasm on x86 hosts)
// or 32 (NEON) vector registers, or the kernel spills.
#pragma once

#if defined(CNN_VF32_ISA_AVX2)
#define CNN_GEMM_MR 6
#define CNN_GEMM_NV 2
#define f32_gemm_ukernel f32_gemm_ukernel__avx2_6x16
#elif defined(CNN_VF32_ISA_SSE2)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#define f32_gemm_ukernel f32_gemm_ukernel__sse2_4x8
#elif defined(CNN_VF32_ISA_WASMSIMD)
#ifndef CNN_GEMM_MR  // overridable for tile experiments (bench/gemm_tiles.sh)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#endif
#define f32_gemm_ukernel f32_gemm_ukernel__wasmsimd_4x8
#elif defined(CNN_VF32_ISA_NEON)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define f32_gemm_ukernel f32_gemm_ukernel__neon_4x16
#elif defined(CNN_VF32_ISA_SCALAR)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define f32_gemm_ukernel f32_gemm_ukernel__scalar_4x4
#endif
#define CNN_GEMM_NR (CNN_GEMM_NV * VF32_LANES)
