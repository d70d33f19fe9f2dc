// Element-wise activations, softmax and dropout.
#include <cmath>

#include "cnn/kernels.h"
#include "cnn/nn.h"

namespace cnn {

void relu_forward(float* y, const float* x, int64_t count) {
  if (kernel_set() == KernelSet::simd) { relu_forward_f32(y, x, count); return; }  // same bits
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void relu_backward(float* dx, const float* dy, const float* x, int64_t count) {
  if (kernel_set() == KernelSet::simd) { relu_backward_f32(dx, dy, x, count); return; }  // same bits
  // The notes (Appendix B): dh/da = 1 for a >= 0, 0 otherwise. So a = 0 passes the gradient.
  for (int64_t i = 0; i < count; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
}

void leakyrelu_forward(float* y, const float* x, int64_t count, float alpha) {
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] >= 0.0f ? x[i] : alpha * x[i];
}
void leakyrelu_backward(float* dx, const float* dy, const float* x, int64_t count, float alpha) {
  for (int64_t i = 0; i < count; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : alpha * dy[i];
}

void sigmoid_forward(float* y, const float* x, int64_t count) {
  // Two branches so exp never overflows: for x < 0, e^x / (1 + e^x).
  for (int64_t i = 0; i < count; ++i) {
    const float v = x[i];
    if (v >= 0.0f) {
      y[i] = 1.0f / (1.0f + std::exp(-v));
    } else {
      const float e = std::exp(v);
      y[i] = e / (1.0f + e);
    }
  }
}
void sigmoid_backward(float* dx, const float* dy, const float* y, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dx[i] += dy[i] * y[i] * (1.0f - y[i]);
}

void tanh_forward(float* y, const float* x, int64_t count) {
  for (int64_t i = 0; i < count; ++i) y[i] = std::tanh(x[i]);
}
void tanh_backward(float* dx, const float* dy, const float* y, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dx[i] += dy[i] * (1.0f - y[i] * y[i]);
}

void softmax_forward(float* y, const float* x, int n, int k) {
  for (int s = 0; s < n; ++s) {
    const float* xs = x + int64_t(s) * k;
    float* ys = y + int64_t(s) * k;
    float mx = xs[0];
    for (int i = 1; i < k; ++i) mx = xs[i] > mx ? xs[i] : mx;
    float sum = 0.0f;
    for (int i = 0; i < k; ++i) { ys[i] = std::exp(xs[i] - mx); sum += ys[i]; }
    const float inv = 1.0f / sum;
    for (int i = 0; i < k; ++i) ys[i] *= inv;
  }
}
void softmax_backward(float* dx, const float* dy, const float* y, int n, int k) {
  for (int s = 0; s < n; ++s) {
    const float* dys = dy + int64_t(s) * k;
    const float* ys = y + int64_t(s) * k;
    float* dxs = dx + int64_t(s) * k;
    float dot = 0.0f;
    for (int i = 0; i < k; ++i) dot += dys[i] * ys[i];
    for (int i = 0; i < k; ++i) dxs[i] += ys[i] * (dys[i] - dot);
  }
}

void dropout_forward(float* y, uint8_t* keep, const float* x, int64_t count, float rate, bool training,
                     Rng& rng) {
  if (!training || rate <= 0.0f) {
    for (int64_t i = 0; i < count; ++i) y[i] = x[i];
    if (training)
      for (int64_t i = 0; i < count; ++i) keep[i] = 1;
    return;
  }
  const float scale = rate < 1.0f ? 1.0f / (1.0f - rate) : 0.0f;
  for (int64_t i = 0; i < count; ++i) {
    keep[i] = rng.uniform() >= rate ? 1 : 0;
    y[i] = keep[i] ? x[i] * scale : 0.0f;
  }
}
void dropout_backward(float* dx, const float* dy, const uint8_t* keep, int64_t count, float rate,
                      bool training) {
  if (!training || rate <= 0.0f) {
    for (int64_t i = 0; i < count; ++i) dx[i] += dy[i];
    return;
  }
  const float scale = rate < 1.0f ? 1.0f / (1.0f - rate) : 0.0f;
  for (int64_t i = 0; i < count; ++i) dx[i] += keep[i] ? dy[i] * scale : 0.0f;
}

}  // namespace cnn
