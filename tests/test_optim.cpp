// Optimizers and schedules, checked step by step against numbers computed from the equations in
// double precision (Kingma & Ba 2015, Algorithm 1; PyTorch's SGD with momentum/Nesterov), by a
// separate 20-line script, not by this code. The setting: w0 = (0.5, -1, 2) and three fixed
// gradients g1 = (0.1, -0.2, 0.3), g2 = (0.4, 0, -0.5), g3 = (-0.3, 0.6, 0.2), lr = 0.1.
// Tolerance: 1e-6 relative (float32 arithmetic against double-precision expectations).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "cnn/optim.h"

using cnn::OptimConfig;
using cnn::OptimizerKind;

namespace {

const float kW0[3] = {0.5f, -1.0f, 2.0f};
const float kG[3][3] = {{0.1f, -0.2f, 0.3f}, {0.4f, 0.0f, -0.5f}, {-0.3f, 0.6f, 0.2f}};

// Runs three steps and checks the weights after each against expected[step][i].
void check_three_steps(const OptimConfig& cfg, const double expected[3][3]) {
  cnn::Optimizer opt;
  cnn::optimizer_init(&opt, cfg, 3);
  float w[3] = {kW0[0], kW0[1], kW0[2]};
  for (int t = 0; t < 3; ++t) {
    cnn::optimizer_step(&opt, w, kG[t], cfg.lr);
    CAPTURE(t + 1);
    for (int i = 0; i < 3; ++i) {
      CAPTURE(i);
      CHECK(w[i] == doctest::Approx(expected[t][i]).epsilon(1e-6));
    }
  }
  CHECK(opt.t == 3);
}

}  // namespace

TEST_CASE("optim: Adam, three steps against the paper's Algorithm 1") {
  OptimConfig c;
  c.kind = OptimizerKind::adam;
  c.lr = 0.1f;  // beta1 0.9, beta2 0.999, eps 1e-8
  // Step 1: m_hat = g and v_hat = g^2 exactly, so every weight moves by lr against the sign of
  // its gradient: the bias correction is what makes the first step lr-sized. (ConvNetJS multiplied
  // by (1 - beta^t) instead of dividing, which makes this first step about 1e-3 times too small.)
  // Step 2, second weight, by hand: g2 = 0, m2 = 0.9 * -0.02 = -0.018, v2 = 0.999 * 4e-5 = 3.996e-5,
  // m_hat = -0.018 / 0.19, v_hat = 3.996e-5 / 0.001999, w = -0.9 + 0.1 * 0.670059 = -0.832994.
  const double expected[3][3] = {
      {0.400000010, -0.900000005, 1.900000003},
      {0.311562364, -0.832994184, 1.929356123},
      {0.293891534, -0.877238926, 1.930081939},
  };
  check_three_steps(c, expected);
}

TEST_CASE("optim: Adam with L2 weight decay added to the gradient") {
  OptimConfig c;
  c.kind = OptimizerKind::adam;
  c.lr = 0.1f;
  c.weight_decay = 0.01f;
  const double expected[3][3] = {
      {0.400000010, -0.900000005, 1.900000003},
      {0.311129738, -0.829867872, 1.924863312},
      {0.292196716, -0.871939660, 1.920151782},
  };
  check_three_steps(c, expected);
}

TEST_CASE("optim: SGD with momentum (heavy ball), PyTorch's formulation") {
  OptimConfig c;
  c.kind = OptimizerKind::momentum;
  c.lr = 0.1f;
  c.momentum = 0.9f;
  // By hand: v1 = g1, w1 = w0 - 0.1 g1 = (0.49, -0.98, 1.97); v2 = 0.9 v1 + g2 = (0.49, -0.18,
  // -0.23), w2 = (0.441, -0.962, 1.993); v3 = (0.141, 0.438, -0.007), w3 = (0.4269, -1.0058, 1.9937).
  const double expected[3][3] = {
      {0.490000000, -0.980000000, 1.970000000},
      {0.441000000, -0.962000000, 1.993000000},
      {0.426900000, -1.005800000, 1.993700000},
  };
  check_three_steps(c, expected);
}

TEST_CASE("optim: SGD with Nesterov momentum, PyTorch's formulation") {
  OptimConfig c;
  c.kind = OptimizerKind::momentum;
  c.lr = 0.1f;
  c.momentum = 0.9f;
  c.nesterov = true;
  // By hand, step 1: v1 = g1, d = g1 + 0.9 g1 = 1.9 g1, w1 = w0 - 0.19 g1 = (0.481, -0.962, 1.943).
  const double expected[3][3] = {
      {0.481000000, -0.962000000, 1.943000000},
      {0.396900000, -0.945800000, 2.013700000},
      {0.414210000, -1.045220000, 1.994330000},
  };
  check_three_steps(c, expected);
}

TEST_CASE("optim: weight decay on SGD and momentum") {
  OptimConfig c;
  c.lr = 0.1f;
  c.weight_decay = 0.1f;
  SUBCASE("sgd") {
    c.kind = OptimizerKind::sgd;
    // Step 1 by hand: g + 0.1 w = (0.15, -0.3, 0.5), w1 = (0.485, -0.97, 1.95).
    const double expected[3][3] = {
        {0.485000000, -0.970000000, 1.950000000},
        {0.440150000, -0.960300000, 1.980500000},
        {0.465748500, -1.010697000, 1.940695000},
    };
    check_three_steps(c, expected);
  }
  SUBCASE("momentum") {
    c.kind = OptimizerKind::momentum;
    c.momentum = 0.9f;
    const double expected[3][3] = {
        {0.485000000, -0.970000000, 1.950000000},
        {0.426650000, -0.933300000, 1.935500000},
        {0.399868500, -0.950937000, 1.883095000},
    };
    check_three_steps(c, expected);
  }
}

TEST_CASE("optim: reset forgets the state; names round-trip") {
  OptimConfig c;
  c.kind = OptimizerKind::adam;
  c.lr = 0.1f;
  cnn::Optimizer opt;
  cnn::optimizer_init(&opt, c, 3);
  float w[3] = {kW0[0], kW0[1], kW0[2]};
  cnn::optimizer_step(&opt, w, kG[0], c.lr);
  cnn::optimizer_step(&opt, w, kG[1], c.lr);
  cnn::optimizer_reset(&opt);
  float w2[3] = {kW0[0], kW0[1], kW0[2]};
  cnn::optimizer_step(&opt, w2, kG[0], c.lr);
  CHECK(w2[0] == doctest::Approx(0.400000010).epsilon(1e-6));
  CHECK(opt.t == 1);
  CHECK(cnn::optimizer_state_floats(OptimizerKind::adam, 10) == 20);
  for (OptimizerKind k : {OptimizerKind::sgd, OptimizerKind::momentum, OptimizerKind::adam}) {
    OptimizerKind back;
    REQUIRE(cnn::optimizer_from_name(cnn::optimizer_name(k), &back));
    CHECK(back == k);
  }
  OptimizerKind dummy;
  CHECK_FALSE(cnn::optimizer_from_name("adamw", &dummy));
}

TEST_CASE("optim: learning-rate schedules") {
  using cnn::ScheduleConfig;
  using cnn::ScheduleKind;
  ScheduleConfig s;
  CHECK(cnn::schedule_lr(s, 0.5f, 123, 10, 1000) == 0.5f);

  s.kind = ScheduleKind::step;
  s.step_epochs = 2;
  s.gamma = 0.1f;
  // 10 steps per epoch: epochs 0-1 at 1.0, epochs 2-3 at 0.1, epochs 4-5 at 0.01.
  CHECK(cnn::schedule_lr(s, 1.0f, 0, 10, 100) == 1.0f);
  CHECK(cnn::schedule_lr(s, 1.0f, 19, 10, 100) == 1.0f);
  CHECK(cnn::schedule_lr(s, 1.0f, 20, 10, 100) == doctest::Approx(0.1));
  CHECK(cnn::schedule_lr(s, 1.0f, 39, 10, 100) == doctest::Approx(0.1));
  CHECK(cnn::schedule_lr(s, 1.0f, 40, 10, 100) == doctest::Approx(0.01));

  s.kind = ScheduleKind::cosine;
  // base * (1 + cos(pi t / T)) / 2 with T = 1000: t = 0 -> base, 250 -> base (1 + 1/sqrt2) / 2,
  // 500 -> base / 2, 1000 -> 0.
  CHECK(cnn::schedule_lr(s, 0.2f, 0, 10, 1000) == doctest::Approx(0.2).epsilon(1e-7));
  CHECK(cnn::schedule_lr(s, 0.2f, 250, 10, 1000) == doctest::Approx(0.2 * (1 + 0.7071067811865476) / 2).epsilon(1e-7));
  CHECK(cnn::schedule_lr(s, 0.2f, 500, 10, 1000) == doctest::Approx(0.1).epsilon(1e-7));
  CHECK(cnn::schedule_lr(s, 0.2f, 900, 10, 1000) == doctest::Approx(0.2 * (1 - 0.9510565162951535) / 2).epsilon(1e-6));
  CHECK(std::fabs(cnn::schedule_lr(s, 0.2f, 1000, 10, 1000)) < 1e-12);

  // Our cosine against exact values (computed in double with libm once, hard-coded here).
  CHECK(std::fabs(cnn::cos_pi(0.1) - 0.9510565162951535) < 1e-15);
  CHECK(std::fabs(cnn::cos_pi(0.25) - 0.7071067811865476) < 1e-15);
  CHECK(std::fabs(cnn::cos_pi(0.3) - 0.5877852522924731) < 1e-15);
  CHECK(std::fabs(cnn::cos_pi(0.5)) < 1e-15);
  CHECK(std::fabs(cnn::cos_pi(0.7) + 0.587785252292473) < 1e-15);
  CHECK(cnn::cos_pi(1.0) == doctest::Approx(-1.0).epsilon(1e-15));
}
