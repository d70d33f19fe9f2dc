// Optimizers and learning-rate schedules: flat loops over the parameter, gradient and state arenas.
// The formulas are in optim.h; each loop below is that formula and nothing else, so a reader can
// check it line by line against the paper.
#include "cnn/kernels.h"
#include "cnn/optim.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cnn/format.h"
#include "cnn/parallel.h"
namespace cnn {

const char* const kOptimizerNames[] = {"sgd", "momentum", "adam"};  // OptimizerKind order
const char* optimizer_name(OptimizerKind k) { return enum_name(k, kOptimizerNames); }
bool optimizer_from_name(const char* name, OptimizerKind* out) { return enum_from_name(name, kOptimizerNames, out); }

// Threads (parallel.h): each update is split over the parameter array (parallel_for); every
// parameter is updated by the same code on whichever thread, so the bits do not depend on the count.
void sgd_update(float* w, const float* g, int64_t n, float lr, float weight_decay) {
  const bool simd = kernel_set() == KernelSet::simd;
  parallel_for(n, kElementWork, [&](int64_t b, int64_t e) {
    if (simd) {
      sgd_update_f32(w + b, g + b, e - b, lr, weight_decay);
      return;
    }  // same bits
    for (int64_t i = b; i < e; ++i) {
      float gi = g[i] + weight_decay * w[i];
      w[i] -= lr * gi;
    }
  });
}

void momentum_update(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                     float weight_decay) {
  const bool simd = kernel_set() == KernelSet::simd;
  parallel_for(n, 2 * kElementWork, [&](int64_t b, int64_t e) {
    if (simd) {  // the same bits (kernels.h)
      momentum_update_f32(w + b, g + b, v + b, e - b, lr, mu, nesterov, weight_decay);
      return;
    }
    for (int64_t i = b; i < e; ++i) {
      float gi = g[i] + weight_decay * w[i];
      float vi = mu * v[i] + gi;  // PyTorch, dampening 0; v starts at 0 so v_1 = g_1
      v[i] = vi;
      // Nesterov looks ahead: the step uses the gradient plus the velocity it is about to add.
      float d = nesterov ? gi + mu * vi : vi;
      w[i] -= lr * d;
    }
  });
}

// Adam reads four arrays and writes three, with a division and a square root: 4 elements' work.
void adam_update(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, float bias1, float bias2) {
  const bool simd = kernel_set() == KernelSet::simd;
  parallel_for(n, 4 * kElementWork, [&](int64_t b, int64_t e) {
    if (simd) {  // the same bits (kernels.h)
      adam_update_f32(w + b, g + b, m + b, v + b, e - b, lr, beta1, beta2, eps, weight_decay, bias1, bias2);
      return;
    }
    const float one_m_b1 = 1.0f - beta1, one_m_b2 = 1.0f - beta2;
    for (int64_t i = b; i < e; ++i) {
      float gi = g[i] + weight_decay * w[i];
      float mi = beta1 * m[i] + one_m_b1 * gi;       // biased first moment estimate
      float vi = beta2 * v[i] + one_m_b2 * gi * gi;  // biased second raw moment estimate
      m[i] = mi;
      v[i] = vi;
      float m_hat = mi / bias1;  // bias-corrected estimates
      float v_hat = vi / bias2;
      w[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
    }
  });
}

int64_t optimizer_state_floats(OptimizerKind k, int64_t n_params) {
  switch (k) {
    case OptimizerKind::sgd: return 0;
    case OptimizerKind::momentum: return n_params;
    case OptimizerKind::adam: return 2 * n_params;
  }
  return 0;
}

void optimizer_init(Optimizer* o, const OptimConfig& cfg, int64_t n_params) {
  o->cfg = cfg;
  o->n = n_params;
  o->m.assign(cfg.kind == OptimizerKind::sgd ? 0 : size_t(n_params), 0.0f);
  o->v.assign(cfg.kind == OptimizerKind::adam ? size_t(n_params) : 0, 0.0f);
  o->t = 0;
  o->beta1_pow = o->beta2_pow = 1.0;
}

void optimizer_reset(Optimizer* o) {
  std::fill(o->m.begin(), o->m.end(), 0.0f);
  std::fill(o->v.begin(), o->v.end(), 0.0f);
  o->t = 0;
  o->beta1_pow = o->beta2_pow = 1.0;
}

void optimizer_step(Optimizer* o, float* params, const float* grads, float lr) {
  const OptimConfig& c = o->cfg;
  o->t += 1;
  switch (c.kind) {
    case OptimizerKind::sgd: sgd_update(params, grads, o->n, lr, c.weight_decay); break;
    case OptimizerKind::momentum:
      momentum_update(params, grads, o->m.data(), o->n, lr, c.momentum, c.nesterov, c.weight_decay);
      break;
    case OptimizerKind::adam: {
      o->beta1_pow *= double(c.beta1);
      o->beta2_pow *= double(c.beta2);
      float bias1 = float(1.0 - o->beta1_pow), bias2 = float(1.0 - o->beta2_pow);
      adam_update(params, grads, o->m.data(), o->v.data(), o->n, lr, c.beta1, c.beta2, c.eps, c.weight_decay, bias1,
                  bias2);
      break;
    }
  }
}

const char* const kScheduleNames[] = {"constant", "step", "cosine"};  // ScheduleKind order
const char* schedule_name(ScheduleKind k) { return enum_name(k, kScheduleNames); }
bool schedule_from_name(const char* name, ScheduleKind* out) { return enum_from_name(name, kScheduleNames, out); }

// Taylor series of cos and sin on |y| <= pi/4, where 11 terms leave an error below 1e-17.
static double cos_taylor(double y) {
  double y2 = y * y, term = 1.0, sum = 1.0;
  for (int k = 1; k <= 11; ++k) {
    term *= -y2 / double((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}
static double sin_taylor(double y) {
  double y2 = y * y, term = y, sum = y;
  for (int k = 1; k <= 11; ++k) {
    term *= -y2 / double((2 * k) * (2 * k + 1));
    sum += term;
  }
  return sum;
}

double cos_pi(double x) {
  const double pi = 3.14159265358979323846;
  if (x < 0) x = 0;
  if (x > 1) x = 1;
  double sign = 1.0;
  if (x > 0.5) {
    x = 1.0 - x;
    sign = -1.0;
  }  // cos(pi x) = -cos(pi (1 - x))
  if (x <= 0.25) return sign * cos_taylor(pi * x);
  return sign * sin_taylor(pi * (0.5 - x));  // cos(pi x) = sin(pi (1/2 - x))
}

float schedule_lr(const ScheduleConfig& s, float base, int64_t step, int64_t steps_per_epoch, int64_t total_steps) {
  switch (s.kind) {
    case ScheduleKind::constant: return base;
    case ScheduleKind::step: {
      int64_t epoch = steps_per_epoch > 0 ? step / steps_per_epoch : 0;
      int64_t drops = s.step_epochs > 0 ? epoch / s.step_epochs : 0;
      float lr = base;
      for (int64_t i = 0; i < drops; ++i) lr *= s.gamma;
      return lr;
    }
    case ScheduleKind::cosine: {
      if (total_steps <= 0) return base;
      double x = double(step) / double(total_steps);
      return float(double(base) * 0.5 * (1.0 + cos_pi(x)));
    }
  }
  return base;
}

}  // namespace cnn
