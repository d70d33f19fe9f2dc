// eltwise.cpp: element-wise loops of a training step (ReLU forward and backward, the SGD update),
// written against vf32 so that they stay vectorized in builds without the auto-vectorizer
// (native-novec) and do not depend on what the compiler decides. Each is bit-identical to its
// scalar reference: the same operations in the same order, no fused multiply-add.
#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

void f32_relu(float* y, const float* x, int64_t n);
void f32_relu_backward(float* dx, const float* dy, const float* x, int64_t n);
void f32_sgd_update(float* w, const float* g, int64_t n, float lr, float weight_decay);

void relu_forward_reference(float* y, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void relu_backward_reference(float* dx, const float* dy, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
}
void sgd_update_reference(float* w, const float* g, int64_t n, float lr, float weight_decay) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + weight_decay * w[i];
    w[i] -= lr * gi;
  }
}

void f32_relu(float* y, const float* x, int64_t n) {
  const vf32 zero = vf32_zero();
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES) {
    const vf32 v = vf32_load(x + i);
    vf32_store(y + i, vf32_blend(vf32_gt(v, zero), v, zero));  // not max(): -0 and NaN give +0
  }
  for (; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void f32_relu_backward(float* dx, const float* dy, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES)
    vf32_store(dx + i, vf32_add(vf32_load(dx + i), vf32_select_ge0(vf32_load(x + i), vf32_load(dy + i))));
  for (; i < n; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
}

void f32_sgd_update(float* w, const float* g, int64_t n, float lr, float weight_decay) {
  const vf32 vlr = vf32_splat(lr), vwd = vf32_splat(weight_decay);
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES) {
    const vf32 wv = vf32_load(w + i);
    const vf32 gi = vf32_add(vf32_load(g + i), vf32_mul(vwd, wv));
    vf32_store(w + i, vf32_sub(wv, vf32_mul(vlr, gi)));
  }
  for (; i < n; ++i) {
    const float gi = g[i] + weight_decay * w[i];
    w[i] -= lr * gi;
  }
}

void relu_forward_f32(float* y, const float* x, int64_t n) {
  if (kernel_set() == KernelSet::reference) relu_forward_reference(y, x, n);
  else f32_relu(y, x, n);
}
void relu_backward_f32(float* dx, const float* dy, const float* x, int64_t n) {
  if (kernel_set() == KernelSet::reference) relu_backward_reference(dx, dy, x, n);
  else f32_relu_backward(dx, dy, x, n);
}
void sgd_update_f32(float* w, const float* g, int64_t n, float lr, float weight_decay) {
  if (kernel_set() == KernelSet::reference) sgd_update_reference(w, g, n, lr, weight_decay);
  else f32_sgd_update(w, g, n, lr, weight_decay);
}

}  // namespace cnn
