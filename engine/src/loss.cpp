// Losses: each returns the batch mean and the gradient w.r.t. the network output (1/n included),
// because the risk is the average of the per-sample losses (notes, equation 1 and Algorithm 1).
#include <cmath>

#include "cnn/kernels.h"
#include "cnn/nn.h"

namespace cnn {

// Smallest probability used when displaying dL/dp = -q/p: a true 0 would print as -inf.
static constexpr float kDisplayMinProb = 1e-30f;

int argmax_index(const float* p, int k) {
  int best = 0;
  for (int i = 1; i < k; ++i)
    if (p[i] > p[best]) best = i;
  return best;
}

float softmax_cross_entropy_loss(float* dz, float* dp, const float* z, const float* p, const int32_t* labels, int n,
                                 int k) {
  // Training (no dL/dp display asked for): the vectorized log-sum-exp and gradient in one pass.
  // dz then comes from the kernel's own probabilities, within a few ulps of p.
  if (!dp && n > 0 && kernel_set() == KernelSet::simd) return softmax_xent_f32(nullptr, dz, z, labels, n, k);
  double total = 0.0;
  const float inv_n = 1.0f / float(n);
  for (int s = 0; s < n; ++s) {
    const float* zs = z + int64_t(s) * k;
    const float* ps = p + int64_t(s) * k;
    const int y = labels[s];
    // -log p_y = log(sum_i exp(z_i)) - z_y = m + log(sum_i exp(z_i - m)) - z_y
    float m = zs[0];
    for (int i = 1; i < k; ++i) m = zs[i] > m ? zs[i] : m;
    double sum = 0.0;
    for (int i = 0; i < k; ++i) sum += std::exp(double(zs[i]) - m);
    total += double(m) + std::log(sum) - double(zs[y]);
    if (dz) {
      float* d = dz + int64_t(s) * k;
      for (int i = 0; i < k; ++i) d[i] = (ps[i] - (i == y ? 1.0f : 0.0f)) * inv_n;
    }
    if (dp) {
      float* d = dp + int64_t(s) * k;
      for (int i = 0; i < k; ++i) d[i] = 0.0f;
      const float py = ps[y] > kDisplayMinProb ? ps[y] : kDisplayMinProb;
      d[y] = -inv_n / py;
    }
  }
  return float(total / n);
}

float sigmoid_binary_cross_entropy_loss(float* dz, float* dp, const float* z, const float* p, const int32_t* labels,
                                        const float* targets, int n) {
  double total = 0.0;
  const float inv_n = 1.0f / float(n);
  for (int s = 0; s < n; ++s) {
    const float y = labels ? float(labels[s]) : targets[s];
    const double zs = z[s];
    // -y log p - (1-y) log(1-p) with p = sigmoid(z), written so exp never overflows
    total += (zs > 0 ? zs : 0.0) - zs * y + std::log1p(std::exp(-std::fabs(zs)));
    if (dz) dz[s] = (p[s] - y) * inv_n;
    if (dp) {
      float q = p[s] * (1.0f - p[s]);
      q = q > kDisplayMinProb ? q : kDisplayMinProb;
      dp[s] = (p[s] - y) * inv_n / q;
    }
  }
  return float(total / n);
}

float quadratic_loss(float* dp, const float* p, const int32_t* labels, const float* targets, int n, int k) {
  double total = 0.0;
  const float inv_n = 1.0f / float(n);
  for (int s = 0; s < n; ++s) {
    const float* ps = p + int64_t(s) * k;
    for (int i = 0; i < k; ++i) {
      const float y = targets ? targets[int64_t(s) * k + i] : (labels[s] == i ? 1.0f : 0.0f);
      const float e = ps[i] - y;
      total += double(e) * e;
      if (dp) dp[int64_t(s) * k + i] = 2.0f * e * inv_n;
    }
  }
  return float(total / n);
}

float zero_one_loss(const float* p, const int32_t* labels, int n, int k) {
  int wrong = 0;
  for (int s = 0; s < n; ++s) {
    const float* ps = p + int64_t(s) * k;
    const int pred = k == 1 ? (ps[0] >= 0.5f ? 1 : 0) : argmax_index(ps, k);
    wrong += pred != labels[s];
  }
  return n > 0 ? float(wrong) / float(n) : 0.0f;
}

}  // namespace cnn
