// eltwise.cpp: element-wise loops of a training step (ReLU forward and backward, the SGD, momentum
// and Adam updates), written against vf32 so that they stay vectorized in builds without the auto-vectorizer
// (native-novec) and do not depend on what the compiler decides. Each is bit-identical to its
// scalar reference: the same operations in the same order, no fused multiply-add.
// Rows relu_forward, relu_backward, sgd_update, momentum_update and adam_update of cnn/kernel_list.inc.
#include <cmath>

#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

void relu_forward_reference(float* y, const float* x, int64_t n) {
  CNN_SCALAR_LOOP
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void relu_backward_reference(float* dx, const float* dy, const float* x, int64_t n) {
  CNN_SCALAR_LOOP
  for (int64_t i = 0; i < n; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
}
void sgd_update_reference(float* w, const float* g, int64_t n, float lr, float weight_decay) {
  CNN_SCALAR_LOOP
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + weight_decay * w[i];
    w[i] -= lr * gi;
  }
}

void CNN_UKERNEL(relu, u1)(float* y, const float* x, int64_t n) {
  const vf32 zero = vf32_zero();
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES) {
    const vf32 v = vf32_load(x + i);
    // not max(): -0 and NaN give +0. A mask and, not a blend: wasm's bitselect costs V8 three x86
    // instructions, and this loop is memory-bound enough that they showed (0.6x the scalar loop).
    vf32_store(y + i, vf32_and(vf32_gt(v, zero), v));
  }
  for (; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void CNN_UKERNEL(relu_backward, u1)(float* dx, const float* dy, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES)
    vf32_store(dx + i, vf32_add(vf32_load(dx + i), vf32_select_ge0(vf32_load(x + i), vf32_load(dy + i))));
  for (; i < n; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
}

void CNN_UKERNEL(sgd_update, u1)(float* w, const float* g, int64_t n, float lr, float weight_decay) {
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

// ---- momentum and Adam (the formulas are in optim.h): the same operations in the same order as the
// references, so bit-identical; sqrt and division are correctly rounded in every ISA here.

void momentum_update_reference(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                               float weight_decay) {
  CNN_SCALAR_LOOP
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + weight_decay * w[i];
    const float vi = mu * v[i] + gi;
    v[i] = vi;
    const float d = nesterov ? gi + mu * vi : vi;
    w[i] -= lr * d;
  }
}

void adam_update_reference(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2,
                           float eps, float weight_decay, float bias1, float bias2) {
  const float one_m_b1 = 1.0f - beta1, one_m_b2 = 1.0f - beta2;
  CNN_SCALAR_LOOP
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + weight_decay * w[i];
    const float mi = beta1 * m[i] + one_m_b1 * gi;
    const float vi = beta2 * v[i] + one_m_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float m_hat = mi / bias1, v_hat = vi / bias2;
    w[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
  }
}

void CNN_UKERNEL(momentum_update, u1)(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                                      float weight_decay) {
  const vf32 vlr = vf32_splat(lr), vmu = vf32_splat(mu), vwd = vf32_splat(weight_decay);
  int64_t i = 0;
  if (nesterov) {
    for (; i + VF32_LANES <= n; i += VF32_LANES) {
      const vf32 wv = vf32_load(w + i);
      const vf32 gi = vf32_add(vf32_load(g + i), vf32_mul(vwd, wv));
      const vf32 vi = vf32_add(vf32_mul(vmu, vf32_load(v + i)), gi);
      vf32_store(v + i, vi);
      vf32_store(w + i, vf32_sub(wv, vf32_mul(vlr, vf32_add(gi, vf32_mul(vmu, vi)))));
    }
  } else {
    for (; i + VF32_LANES <= n; i += VF32_LANES) {
      const vf32 wv = vf32_load(w + i);
      const vf32 gi = vf32_add(vf32_load(g + i), vf32_mul(vwd, wv));
      const vf32 vi = vf32_add(vf32_mul(vmu, vf32_load(v + i)), gi);
      vf32_store(v + i, vi);
      vf32_store(w + i, vf32_sub(wv, vf32_mul(vlr, vi)));
    }
  }
  momentum_update_reference(w + i, g + i, v + i, n - i, lr, mu, nesterov, weight_decay);  // tail
}

void CNN_UKERNEL(adam_update, u1)(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1,
                                  float beta2, float eps, float weight_decay, float bias1, float bias2) {
  const vf32 vlr = vf32_splat(lr), vwd = vf32_splat(weight_decay), veps = vf32_splat(eps);
  const vf32 vb1 = vf32_splat(beta1), vb2 = vf32_splat(beta2);
  const vf32 v1b1 = vf32_splat(1.0f - beta1), v1b2 = vf32_splat(1.0f - beta2);
  const vf32 vbias1 = vf32_splat(bias1), vbias2 = vf32_splat(bias2);
  int64_t i = 0;
  for (; i + VF32_LANES <= n; i += VF32_LANES) {
    const vf32 wv = vf32_load(w + i);
    const vf32 gi = vf32_add(vf32_load(g + i), vf32_mul(vwd, wv));
    const vf32 mi = vf32_add(vf32_mul(vb1, vf32_load(m + i)), vf32_mul(v1b1, gi));
    const vf32 vi = vf32_add(vf32_mul(vb2, vf32_load(v + i)), vf32_mul(vf32_mul(v1b2, gi), gi));
    vf32_store(m + i, mi);
    vf32_store(v + i, vi);
    const vf32 m_hat = vf32_div(mi, vbias1), v_hat = vf32_div(vi, vbias2);
    const vf32 step = vf32_div(vf32_mul(vlr, m_hat), vf32_add(vf32_sqrt(v_hat), veps));
    vf32_store(w + i, vf32_sub(wv, step));
  }
  adam_update_reference(w + i, g + i, m + i, v + i, n - i, lr, beta1, beta2, eps, weight_decay, bias1, bias2);
}

}  // namespace cnn
