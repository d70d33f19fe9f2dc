// kernels.h: the compute kernels the layers call, each with a scalar reference beside it. The list of
// kernels, their signatures and their contracts is cnn/kernel_list.inc: one row per kernel declares
// here its entry point (SIMD or reference, per set_kernel_set) and its scalar reference
// <base>_reference. The SIMD set is chosen at compile time (wasm SIMD128, AVX2/FMA or SSE2 on x86,
// NEON, scalar); at run time a program can switch to the references (`--kernels reference`, the
// page's switch) to show the speed-up. No intrinsics in this header.
#pragma once
#include <cstdint>

namespace cnn {

enum class KernelSet : uint8_t { simd, reference };
void set_kernel_set(KernelSet k);
KernelSet kernel_set();
const char* simd_isa_name();  // "avx2", "sse2", "wasmsimd", "neon" or "scalar"
int simd_lanes();             // floats per vector instruction of that ISA: 8, 4, 4, 4 or 1

// The shape of one im2col / col2im_add call: one sample, NCHW.
struct Im2colShape {
  int c, h, w;  // input sample
  int oh, ow;   // output map
  int kh, kw, sh, sw, dh, dw;
  int pad_top, pad_left;
};

#define CNN_KERNEL(base, entry, op, variant, ret, params, args) \
  ret entry params;                                             \
  ret base##_reference params;
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL

// The rows of kernel_list.inc as data, for tests and benchmarks: the base name ("relu_forward") and
// the symbol of this build's SIMD kernel ("f32_relu__avx2_u1").
struct KernelInfo {
  const char* name;
  const char* simd_symbol;
};
int kernel_count();
const KernelInfo& kernel_info(int i);

// The blocking of this build's sgemm (register tile mr x nr, cache blocks mc, kc, nc), so that tests
// and benchmarks can probe sizes below, at and above each edge.
struct GemmTile {
  int mr, nr, mc, kc, nc;
};
GemmTile gemm_tile();
const char* gemm_kernel_name();  // the micro-kernel's symbol, e.g. "f32_gemm_ukernel__avx2_6x16"

// The arithmetic peak of this build's vector unit (a measuring loop, not a kernel of the list: it
// computes nothing to check): `iterations` rounds of 12 independent vector multiply-adds on
// registers. Returns the floating-point operations done (2 per lane per madd); the result goes to
// *sink so the loop cannot be optimized away. Benchmarks time it.
int64_t madd_peak_loop(int64_t iterations, float* sink);

}  // namespace cnn
