// Convolution as im2col + GEMM (darknet's classic path): per sample, the receptive windows are
// copied into the columns of a matrix, then one GEMM with the weights computes every output map.
// Backward: dW += dY col^T (GEMM with a transpose), dcol = W^T dY, then col2im scatters dcol back.
#include "cnn/kernels.h"
#include "cnn/nn.h"

namespace cnn {

ConvDims conv_dims(const LayerSpec& l, const LayerInfo& info) {
  ConvDims d;
  d.c = info.in.c; d.h = info.in.h; d.w = info.in.w;
  d.oc = info.out.c; d.oh = info.out.h; d.ow = info.out.w;
  d.kh = l.kh; d.kw = l.kw; d.sh = l.sh; d.sw = l.sw; d.dh = l.dh; d.dw = l.dw;
  d.pad = info.pad;
  d.bias = l.bias;
  return d;
}

// The copies are kernels (kernel_list.inc rows im2col and col2im_add): their SIMD versions and their
// scalar references live in engine/kernels/im2col.cpp.
static Im2colShape im2col_shape(const ConvDims& d) {
  return Im2colShape{d.c, d.h, d.w, d.oh, d.ow, d.kh, d.kw, d.sh, d.sw, d.dh, d.dw, d.pad.top, d.pad.left};
}

void im2col(float* col, const float* x, const ConvDims& d) { im2col_f32(col, x, im2col_shape(d)); }

void col2im_add(float* dx, const float* col, const ConvDims& d) { col2im_add_f32(dx, col, im2col_shape(d)); }

void conv2d_forward(float* y, float* col, const float* x, const float* w, const float* b, int n,
                    const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols());
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * P;
  const bool direct = !d.needs_im2col();
  for (int s = 0; s < n; ++s) {
    const float* xs = x + s * in_size;
    float* ys = y + s * out_size;
    const float* cols = xs;
    if (!direct) { im2col(col, xs, d); cols = col; }
    // ys (oc x P) = W (oc x K) * cols (K x P)
    sgemm(false, false, d.oc, P, K, 1.0f, w, K, cols, P, 0.0f, ys, P);
    if (b) {
      for (int m = 0; m < d.oc; ++m) {
        float* r = ys + int64_t(m) * P;
        const float bm = b[m];
        for (int p = 0; p < P; ++p) r[p] += bm;
      }
    }
  }
}

void conv2d_backward(float* dx, float* dw, float* db, float* col, const float* dy, const float* x,
                     const float* w, int n, const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols());
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * P;
  const bool direct = !d.needs_im2col();
  for (int s = 0; s < n; ++s) {
    const float* xs = x + s * in_size;
    const float* dys = dy + s * out_size;
    if (db) {
      for (int m = 0; m < d.oc; ++m) {
        const float* r = dys + int64_t(m) * P;
        float acc = 0.0f;
        for (int p = 0; p < P; ++p) acc += r[p];
        db[m] += acc;
      }
    }
    if (dw) {
      const float* cols = xs;
      if (!direct) { im2col(col, xs, d); cols = col; }
      // dW (oc x K) += dY (oc x P) * cols^T (P x K)
      sgemm(false, true, d.oc, K, P, 1.0f, dys, P, cols, P, 1.0f, dw, K);
    }
    if (dx) {
      float* dxs = dx + s * in_size;
      if (direct) {
        // dX (K x P) += W^T (K x oc) * dY (oc x P), straight into dx
        sgemm(true, false, K, P, d.oc, 1.0f, w, K, dys, P, 1.0f, dxs, P);
      } else {
        sgemm(true, false, K, P, d.oc, 1.0f, w, K, dys, P, 0.0f, col, P);
        col2im_add(dxs, col, d);
      }
    }
  }
}

}  // namespace cnn
