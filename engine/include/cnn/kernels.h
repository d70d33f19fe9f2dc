// kernels.h: the compute kernels the layers call, with a scalar reference for each one.
// The SIMD set is chosen at compile time (wasm SIMD128, AVX2/FMA or SSE2 on x86, NEON, scalar);
// at run time a program can switch to the reference kernels (`--kernels reference`, the page's
// switch) to show the speed-up. No intrinsics in this header.
#pragma once
#include <cstdint>

namespace cnn {

enum class KernelSet : uint8_t { simd, reference };
void set_kernel_set(KernelSet k);
KernelSet kernel_set();
const char* simd_isa_name();  // "avx2", "sse2", "wasmsimd", "neon" or "scalar"

// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is m x k, op(B) is k x n.
// ta/tb: A (resp. B) is stored transposed. beta == 0 overwrites C (NaNs in C are not propagated).
void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);
// The plain triple loop, always scalar: the reference every GEMM kernel is tested against.
void sgemm_reference(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                     const float* b, int ldb, float beta, float* c, int ldc);

// The blocking of this build's sgemm (register tile mr x nr, cache blocks mc, kc, nc), so that tests
// and benchmarks can probe sizes below, at and above each edge.
struct GemmTile { int mr, nr, mc, kc, nc; };
GemmTile gemm_tile();
const char* gemm_kernel_name();  // the micro-kernel's symbol, e.g. "f32_gemm_ukernel__avx2_6x16"

// The arithmetic peak of this build's vector unit: `iterations` rounds of 12 independent vector
// multiply-adds on registers. Returns the floating-point operations done (2 per lane per madd);
// the result goes to *sink so the loop cannot be optimized away. Benchmarks time it.
int64_t madd_peak_loop(int64_t iterations, float* sink);

}  // namespace cnn
