// Fully connected layer: one GEMM per pass over the whole batch.
#include "cnn/kernels.h"
#include "cnn/nn.h"

namespace cnn {

void dense_forward(float* y, const float* x, const float* w, const float* b, int n, int in, int out) {
  // y (n x out) = x (n x in) * W^T (in x out)
  sgemm(false, true, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
  if (b) {
    for (int s = 0; s < n; ++s) {
      float* ys = y + int64_t(s) * out;
      for (int o = 0; o < out; ++o) ys[o] += b[o];
    }
  }
}

void dense_backward(float* dx, float* dw, float* db, const float* dy, const float* x, const float* w,
                    int n, int in, int out) {
  // dW (out x in) += dY^T (out x n) * X (n x in)
  if (dw) sgemm(true, false, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
  if (db) {
    for (int s = 0; s < n; ++s) {
      const float* dys = dy + int64_t(s) * out;
      for (int o = 0; o < out; ++o) db[o] += dys[o];
    }
  }
  // dX (n x in) += dY (n x out) * W (out x in)
  if (dx) sgemm(false, false, n, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
}

}  // namespace cnn
