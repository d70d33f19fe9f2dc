// kernel_list.h: which micro-kernel each instruction set uses, one table per ISA. The generic name
// on the left is what the kernel sources define; the name on the right is the symbol the binary
// carries, XNNPACK style: <dtype>_<op>__<isa>_<tile or unroll>. So `git grep __wasmsimd` lists
// every WebAssembly kernel, and a profile names the variant that ran.
//
// GEMM tiles (MR rows x NR = NV vectors of columns) are sized to the register file: accumulators
// MR*NV, plus NV B vectors and one broadcast A value, must fit in the 16 (x86, wasm on x86 hosts)
// or 32 (NEON) vector registers, or the kernel spills. V8 keeps one xmm register as scratch, and a
// wasm multiply-add needs a temporary, so wasm tiles stay at 8 accumulators. Measured in node on the
// 2-core EPYC (bench/gemm_tiles.sh, CPU clock, n = 256/512, GFLOP/s): 4x8 36-40, 2x16 25-37,
// 5x8 24-26, 4x12 22-23, 3x16 23; unrolling k by 2 or 4 made 4x8 slower (26, 23).
#pragma once

#if defined(CNN_VF32_ISA_AVX2)
#define CNN_GEMM_MR 6
#define CNN_GEMM_NV 2
#define f32_gemm_ukernel f32_gemm_ukernel__avx2_6x16
#define f32_madd_peak f32_madd_peak__avx2_x12
#define f32_maxpool2x2 f32_maxpool2x2__avx2_u1
#define f32_im2col f32_im2col__avx2_u1
#define f32_col2im_add f32_col2im_add__avx2_u1
#define f32_relu f32_relu__avx2_u1
#define f32_relu_backward f32_relu_backward__avx2_u1
#define f32_sgd_update f32_sgd_update__avx2_u1
#define f32_maxpool2x2_backward f32_maxpool2x2_backward__avx2_u1
#define f32_softmax_xent f32_softmax_xent__avx2_u1
#define f32_momentum_update f32_momentum_update__avx2_u1
#define f32_adam_update f32_adam_update__avx2_u1
#elif defined(CNN_VF32_ISA_SSE2)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#define f32_gemm_ukernel f32_gemm_ukernel__sse2_4x8
#define f32_madd_peak f32_madd_peak__sse2_x12
#define f32_maxpool2x2 f32_maxpool2x2__sse2_u1
#define f32_im2col f32_im2col__sse2_u1
#define f32_col2im_add f32_col2im_add__sse2_u1
#define f32_relu f32_relu__sse2_u1
#define f32_relu_backward f32_relu_backward__sse2_u1
#define f32_sgd_update f32_sgd_update__sse2_u1
#define f32_maxpool2x2_backward f32_maxpool2x2_backward__sse2_u1
#define f32_softmax_xent f32_softmax_xent__sse2_u1
#define f32_momentum_update f32_momentum_update__sse2_u1
#define f32_adam_update f32_adam_update__sse2_u1
#elif defined(CNN_VF32_ISA_WASMSIMD)
#ifndef CNN_GEMM_MR  // overridable for tile experiments (bench/gemm_tiles.sh)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 2
#endif
#define f32_gemm_ukernel f32_gemm_ukernel__wasmsimd_4x8
#define f32_madd_peak f32_madd_peak__wasmsimd_x12
#define f32_maxpool2x2 f32_maxpool2x2__wasmsimd_u1
#define f32_im2col f32_im2col__wasmsimd_u1
#define f32_col2im_add f32_col2im_add__wasmsimd_u1
#define f32_relu f32_relu__wasmsimd_u1
#define f32_relu_backward f32_relu_backward__wasmsimd_u1
#define f32_sgd_update f32_sgd_update__wasmsimd_u1
#define f32_maxpool2x2_backward f32_maxpool2x2_backward__wasmsimd_u1
#define f32_softmax_xent f32_softmax_xent__wasmsimd_u1
#define f32_momentum_update f32_momentum_update__wasmsimd_u1
#define f32_adam_update f32_adam_update__wasmsimd_u1
#elif defined(CNN_VF32_ISA_NEON)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define f32_gemm_ukernel f32_gemm_ukernel__neon_4x16
#define f32_madd_peak f32_madd_peak__neon_x12
#define f32_maxpool2x2 f32_maxpool2x2__neon_u1
#define f32_im2col f32_im2col__neon_u1
#define f32_col2im_add f32_col2im_add__neon_u1
#define f32_relu f32_relu__neon_u1
#define f32_relu_backward f32_relu_backward__neon_u1
#define f32_sgd_update f32_sgd_update__neon_u1
#define f32_maxpool2x2_backward f32_maxpool2x2_backward__neon_u1
#define f32_softmax_xent f32_softmax_xent__neon_u1
#define f32_momentum_update f32_momentum_update__neon_u1
#define f32_adam_update f32_adam_update__neon_u1
#elif defined(CNN_VF32_ISA_SCALAR)
#define CNN_GEMM_MR 4
#define CNN_GEMM_NV 4
#define f32_gemm_ukernel f32_gemm_ukernel__scalar_4x4
#define f32_madd_peak f32_madd_peak__scalar_x12
#define f32_maxpool2x2 f32_maxpool2x2__scalar_u1
#define f32_im2col f32_im2col__scalar_u1
#define f32_col2im_add f32_col2im_add__scalar_u1
#define f32_relu f32_relu__scalar_u1
#define f32_relu_backward f32_relu_backward__scalar_u1
#define f32_sgd_update f32_sgd_update__scalar_u1
#define f32_maxpool2x2_backward f32_maxpool2x2_backward__scalar_u1
#define f32_softmax_xent f32_softmax_xent__scalar_u1
#define f32_momentum_update f32_momentum_update__scalar_u1
#define f32_adam_update f32_adam_update__scalar_u1
#endif
#define CNN_GEMM_NR (CNN_GEMM_NV * VF32_LANES)

#define CNN_STRINGIZE_(x) #x
#define CNN_STRINGIZE(x) CNN_STRINGIZE_(x)
