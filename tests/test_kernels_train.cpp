// Kernel tests for the training-step kernels: max-pool backward, softmax cross-entropy, momentum
// (plain and Nesterov) and Adam updates with weight decay. Each SIMD kernel against its scalar
// reference at sizes below, at and above the vector width (and a few multiples), natively and under
// node. Exact where the kernel promises the same bits, a few ulps where it computes exp differently.
// Each kernel_tests::<base>() is one row of cnn/kernel_list.inc (test_kernels.cpp makes the cases).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/optim.h"
#include "cnn/rng.h"
#include "kernel_tests.h"

namespace kernel_tests {
namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// The optimizer calls the kernels: one SIMD and one reference optimizer step give the same weights.
void optimizer_step_matches(cnn::OptimizerKind kind, cnn::Rng& rng) {
  cnn::OptimConfig cfg;
  cfg.kind = kind;
  cfg.nesterov = true;
  cfg.weight_decay = 1e-3f;
  std::vector<float> w(37), g(37);
  fill(w, rng);
  fill(g, rng);
  std::vector<float> w_ref = w;
  cnn::Optimizer a, b;
  cnn::optimizer_init(&a, cfg, 37);
  cnn::optimizer_init(&b, cfg, 37);
  for (int s = 0; s < 3; ++s) {
    {
      KernelSetScope k(cnn::KernelSet::simd);
      cnn::optimizer_step(&a, w.data(), g.data(), 0.01f);
    }
    {
      KernelSetScope k(cnn::KernelSet::reference);
      cnn::optimizer_step(&b, w_ref.data(), g.data(), 0.01f);
    }
  }
  CHECK(same_bits(w, w_ref));
}

}  // namespace

void maxpool2x2_backward() {  // each gradient to its arg max, bit for bit, ties included
  cnn::Rng rng(505);
  for (int h = 2; h <= 19; ++h)
    for (int w = 2; w <= 41; w += (w < 20 ? 1 : 7)) {
      const int planes = 2, oh = h / 2, ow = w / 2;
      std::vector<float> x(size_t(planes) * h * w);
      for (size_t i = 0; i < x.size(); ++i)  // half the planes on 2 levels: many ties
        x[i] = i < x.size() / 2 ? float(rng.below(2)) : rng.uniform(-1.0f, 1.0f);
      std::vector<float> y(size_t(planes) * oh * ow), dy(y.size());
      std::vector<int32_t> a(y.size());
      cnn::maxpool2x2_forward_reference(y.data(), a.data(), x.data(), planes, h, w);
      fill(dy, rng);
      std::vector<float> dx(x.size()), dx_ref, dx_layer;
      fill(dx, rng);  // backward accumulates: start from something other than 0
      dx_ref = dx_layer = dx;
      {
        KernelSetScope simd(cnn::KernelSet::simd);
        cnn::maxpool2x2_backward(dx.data(), dy.data(), a.data(), planes, h, w);
        const cnn::PoolDims d = pool2x2_dims(planes, h, w);
        cnn::maxpool_backward(dx_layer.data(), dy.data(), a.data(), 1, d);
      }
      cnn::maxpool2x2_backward_reference(dx_ref.data(), dy.data(), a.data(), planes, h, w);
      INFO("h=", h, " w=", w);
      REQUIRE(same_bits(dx, dx_ref));
      REQUIRE(same_bits(dx_layer, dx_ref));
    }
  // A tie goes to the one input the forward pass chose (the first in window order), not to all.
  const float x[4] = {1.0f, 1.0f, 1.0f, 1.0f};
  float y[1];
  int32_t a[1];
  cnn::maxpool2x2_forward(y, a, x, 1, 2, 2);
  float dx[4] = {0, 0, 0, 0};
  const float dy[1] = {3.0f};
  cnn::maxpool2x2_backward(dx, dy, a, 1, 2, 2);
  CHECK(dx[0] == 3.0f);
  CHECK(dx[1] + dx[2] + dx[3] == 0.0f);
}

void softmax_xent() {  // within a few ulps of the reference; finite on huge scores
  cnn::Rng rng(606);
  for (int k = 1; k <= 3 * 8 + 3; ++k)
    for (int n : {1, 3, 32}) {
      std::vector<float> z(size_t(n) * k), p(z.size()), dz(z.size()), p_ref(z.size()), dz_ref(z.size()),
          dz_only(z.size());
      fill(z, rng, -8.0f, 8.0f);
      std::vector<int32_t> labels(static_cast<size_t>(n));
      for (int32_t& l : labels) l = int32_t(rng.below(uint32_t(k)));
      float loss, loss_dz, loss_only;
      {
        KernelSetScope simd(cnn::KernelSet::simd);
        loss = cnn::softmax_xent_f32(p.data(), dz.data(), z.data(), labels.data(), n, k);
        loss_dz = cnn::softmax_xent_f32(nullptr, dz_only.data(), z.data(), labels.data(), n, k);
        loss_only = cnn::softmax_xent_f32(nullptr, nullptr, z.data(), labels.data(), n, k);
      }
      const float loss_ref = cnn::softmax_xent_reference(p_ref.data(), dz_ref.data(), z.data(), labels.data(), n, k);
      INFO("n=", n, " k=", k);
      REQUIRE(std::fabs(loss - loss_ref) <= 1e-6f * (1.0f + std::fabs(loss_ref)));
      CHECK(loss_dz == loss);
      CHECK(loss_only == loss);
      for (size_t i = 0; i < z.size(); ++i) {
        REQUIRE(std::fabs(p[i] - p_ref[i]) <= 1e-6f * p_ref[i] + 1e-12f);
        REQUIRE(std::fabs(dz[i] - dz_ref[i]) <= 1e-6f / float(n));
        REQUIRE(dz_only[i] == dz[i]);
      }
      for (int s = 0; s < n; ++s) {  // each sample's probabilities sum to 1 and dz to 0
        float ps = 0, ds = 0;
        for (int i = 0; i < k; ++i) {
          ps += p[size_t(s) * k + i];
          ds += dz[size_t(s) * k + i];
        }
        REQUIRE(std::fabs(ps - 1.0f) <= 1e-5f);
        REQUIRE(std::fabs(ds) <= 1e-5f);
      }
    }
  // log-sum-exp: scores far beyond exp's range give the exact loss, not inf or NaN.
  const float z[5] = {1000.0f, 0.0f, -1000.0f, 999.0f, 1000.0f};
  const int32_t y = 1;
  float p[5], dz[5];
  KernelSetScope simd(cnn::KernelSet::simd);
  const float loss = cnn::softmax_xent_f32(p, dz, z, &y, 1, 5);
  // -log p_1 = log(2 e^1000 + e^999 + ...) - 0 = 1000 + log(2 + e^-1)
  CHECK(loss == doctest::Approx(1000.0 + std::log(2.0 + std::exp(-1.0))).epsilon(1e-6));
  CHECK(p[0] == doctest::Approx(1.0 / (2.0 + std::exp(-1.0))).epsilon(1e-6));
  CHECK(p[1] == 0.0f);
  CHECK(dz[1] == -1.0f);
}

}  // namespace kernel_tests

using kernel_tests::fill;
using kernel_tests::KernelSetScope;

TEST_CASE("kernels: the loss's fast path gives the loss and gradient of the scalar loss") {
  cnn::Rng rng(607);
  const int n = 7, k = 10;
  std::vector<float> z(n * k), p(z.size()), dz(z.size()), dz_ref(z.size());
  fill(z, rng, -3.0f, 3.0f);
  cnn::softmax_forward(p.data(), z.data(), n, k);
  std::vector<int32_t> labels(n);
  for (int32_t& l : labels) l = int32_t(rng.below(k));
  float loss, loss_ref;
  {
    KernelSetScope s(cnn::KernelSet::simd);
    loss = cnn::softmax_cross_entropy_loss(dz.data(), nullptr, z.data(), p.data(), labels.data(), n, k);
  }
  {
    KernelSetScope s(cnn::KernelSet::reference);
    loss_ref = cnn::softmax_cross_entropy_loss(dz_ref.data(), nullptr, z.data(), p.data(), labels.data(), n, k);
  }
  CHECK(loss == doctest::Approx(loss_ref).epsilon(1e-6));
  for (size_t i = 0; i < z.size(); ++i) REQUIRE(std::fabs(dz[i] - dz_ref[i]) <= 1e-7f);
}

namespace kernel_tests {

// Momentum (heavy ball and Nesterov) and Adam, with and without weight decay, state carried across
// three steps; then one optimizer step with each kernel set.
void momentum_update() {
  cnn::Rng rng(708);
  for (int n = 0; n <= 3 * 16 + 5; ++n)
    for (int variant = 0; variant < 4; ++variant) {
      const float wd = variant & 1 ? 1e-2f : 0.0f;
      const bool nesterov = variant & 2;
      std::vector<float> w(static_cast<size_t>(n)), g(w.size()), m(w.size());
      fill(w, rng);
      fill(g, rng);
      fill(m, rng);
      std::vector<float> w1 = w, m1 = m, w1r = w, m1r = m;
      for (int step = 1; step <= 3; ++step) {
        {
          KernelSetScope simd(cnn::KernelSet::simd);
          cnn::momentum_update_f32(w1.data(), g.data(), m1.data(), n, 0.05f, 0.9f, nesterov, wd);
        }
        cnn::momentum_update_reference(w1r.data(), g.data(), m1r.data(), n, 0.05f, 0.9f, nesterov, wd);
      }
      INFO("n=", n, " weight decay=", wd, " nesterov=", nesterov);
      REQUIRE(same_bits(w1, w1r));
      REQUIRE(same_bits(m1, m1r));
    }
  optimizer_step_matches(cnn::OptimizerKind::momentum, rng);
}

void adam_update() {
  cnn::Rng rng(709);
  for (int n = 0; n <= 3 * 16 + 5; ++n)
    for (int variant = 0; variant < 2; ++variant) {
      const float wd = variant & 1 ? 1e-2f : 0.0f;
      std::vector<float> w(static_cast<size_t>(n)), g(w.size()), m(w.size()), v(w.size());
      fill(w, rng);
      fill(g, rng);
      fill(m, rng);
      fill(v, rng, 0.0f, 1.0f);  // second moments are >= 0
      std::vector<float> w2 = w, m2 = m, v2 = v, w2r = w, m2r = m, v2r = v;
      for (int step = 1; step <= 3; ++step) {  // state carried across steps
        {
          KernelSetScope simd(cnn::KernelSet::simd);
          cnn::adam_update_f32(w2.data(), g.data(), m2.data(), v2.data(), n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd,
                               1.0f - std::pow(0.9f, float(step)), 1.0f - std::pow(0.999f, float(step)));
        }
        cnn::adam_update_reference(w2r.data(), g.data(), m2r.data(), v2r.data(), n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd,
                                   1.0f - std::pow(0.9f, float(step)), 1.0f - std::pow(0.999f, float(step)));
      }
      INFO("n=", n, " weight decay=", wd);
      REQUIRE(same_bits(w2, w2r));
      REQUIRE(same_bits(m2, m2r));
      REQUIRE(same_bits(v2, v2r));
    }
  optimizer_step_matches(cnn::OptimizerKind::adam, rng);
}

}  // namespace kernel_tests
