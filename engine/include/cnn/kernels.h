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

// ---- convolution copies (im2col.cpp) --------------------------------------------------------------
// One sample, NCHW. col is (c*kh*kw) x (oh*ow): col[(ci*kh + ki)*kw + kj][oy*ow + ox] =
// x[ci][oy*sh - pad_top + ki*dh][ox*sw - pad_left + kj*dw], 0 outside the input.
struct Im2colShape {
  int c, h, w;        // input sample
  int oh, ow;         // output map
  int kh, kw, sh, sw, dh, dw;
  int pad_top, pad_left;
};
void im2col_f32(float* col, const float* x, const Im2colShape& s);
// The adjoint: dx += col scattered back (overlapping windows add up).
void col2im_add_f32(float* dx, const float* col, const Im2colShape& s);
void im2col_reference(float* col, const float* x, const Im2colShape& s);
void col2im_add_reference(float* dx, const float* col, const Im2colShape& s);

// ---- pooling (maxpool.cpp) -----------------------------------------------------------------------
// 2x2 max pooling, stride 2, no padding, over `planes` planes of h x w (NCHW: planes = n*c);
// y and argmax are planes x (h/2) x (w/2). argmax holds the winner's index in its input plane
// (iy*w + ix); ties go to the first maximum in row-major window order (top-left, top-right,
// bottom-left, bottom-right), as in the general maxpool_forward of nn.h.
void maxpool2x2_forward(float* y, int32_t* argmax, const float* x, int64_t planes, int h, int w);
void maxpool2x2_forward_reference(float* y, int32_t* argmax, const float* x, int64_t planes, int h, int w);
// The backward pass: dx[plane][argmax[o]] += dy[o] for every window o (dx is planes x h x w; cells no
// window covers, an odd last row or column, are left alone). argmax as maxpool2x2_forward made it.
void maxpool2x2_backward(float* dx, const float* dy, const int32_t* argmax, int64_t planes, int h, int w);
void maxpool2x2_backward_reference(float* dx, const float* dy, const int32_t* argmax, int64_t planes, int h, int w);

// ---- softmax cross-entropy (softmax_xent.cpp) ------------------------------------------------------
// n samples of k scores z (n x k). Writes the probabilities p (if p) and dz = (p - onehot(y)) / n
// (if dz); returns the mean cross-entropy, computed as log-sum-exp (stable for any finite z).
// The SIMD exp is a polynomial: p agrees with the reference within a few ulps.
float softmax_xent_f32(float* p, float* dz, const float* z, const int32_t* labels, int n, int k);
float softmax_xent_reference(float* p, float* dz, const float* z, const int32_t* labels, int n, int k);

// ---- element-wise (eltwise.cpp): bit-identical to their references -------------------------------
// y = x > 0 ? x : 0
void relu_forward_f32(float* y, const float* x, int64_t n);
// dx += x >= 0 ? dy : 0 (the notes take dh/da = 1 at a = 0)
void relu_backward_f32(float* dx, const float* dy, const float* x, int64_t n);
// w -= lr * (g + weight_decay * w)
void sgd_update_f32(float* w, const float* g, int64_t n, float lr, float weight_decay);
void relu_forward_reference(float* y, const float* x, int64_t n);
void relu_backward_reference(float* dx, const float* dy, const float* x, int64_t n);
void sgd_update_reference(float* w, const float* g, int64_t n, float lr, float weight_decay);
// Momentum (heavy ball or Nesterov) and Adam, as in optim.h; bit-identical to their references.
void momentum_update_f32(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                         float weight_decay);
void momentum_update_reference(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                               float weight_decay);
void adam_update_f32(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2,
                     float eps, float weight_decay, float bias1, float bias2);
void adam_update_reference(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1,
                           float beta2, float eps, float weight_decay, float bias1, float bias2);

}  // namespace cnn
