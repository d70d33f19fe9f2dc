// optim.h: the optimizers and learning-rate schedules. An optimizer is a flat loop over three
// arrays of the same length (llm.c style): the parameter arena, the gradient arena (same layout,
// filled by backward) and the optimizer's own state. It knows nothing of layers.
//
// Updates, for each parameter w with gradient g (the minibatch mean of the per-sample gradients,
// Algorithm 1 of the notes), at step t = 1, 2, ...:
//
//   weight decay (L2, as PyTorch's `weight_decay` in SGD and Adam, NOT AdamW's decoupled decay):
//     g <- g + weight_decay * w          (the gradient of the extra term weight_decay/2 * ||w||^2)
//   sgd:       w <- w - lr * g
//   momentum:  v <- mu * v + g           (v starts at 0, so v_1 = g_1: PyTorch's first step)
//              w <- w - lr * v                      plain ("heavy ball")
//              w <- w - lr * (g + mu * v)           Nesterov, PyTorch's formulation
//   adam:      m <- beta1 * m + (1 - beta1) * g      Kingma & Ba 2015, Algorithm 1, literally:
//              v <- beta2 * v + (1 - beta2) * g^2
//              m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
//              w <- w - lr * m_hat / (sqrt(v_hat) + eps)
//
// An update writes each weight once and cannot fail half-way; the trainer checks the gradients
// before it and the weights after it, and puts back a snapshot if either is not finite, so no one
// ever sees weights half-updated.
#pragma once
#include <cstdint>
#include <vector>

namespace cnn {

enum class OptimizerKind : uint8_t { sgd, momentum, adam };
const char* optimizer_name(OptimizerKind k);                     // "sgd", "momentum", "adam"
bool optimizer_from_name(const char* name, OptimizerKind* out);  // false for an unknown name

struct OptimConfig {
  OptimizerKind kind = OptimizerKind::sgd;
  float lr = 0.01f;                                 // base learning rate (the schedule scales it)
  float momentum = 0.9f;                            // mu, for kind == momentum
  bool nesterov = false;                            // for kind == momentum
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // for kind == adam (the paper's defaults)
  float weight_decay = 0.0f;                        // L2 coefficient added to the gradient, for every kind
};

// --- the flat loops (tests and the Optimizer below call these) -----------------------------------
// n floats each. lr is the learning rate of this step (schedule already applied).
void sgd_update(float* w, const float* g, int64_t n, float lr, float weight_decay);
void momentum_update(float* w, const float* g, float* v, int64_t n, float lr, float mu, bool nesterov,
                     float weight_decay);
// t >= 1 is the number of this step; bias1 = 1 - beta1^t and bias2 = 1 - beta2^t (passed in so
// the powers are computed once per step, by repeated multiplication: no pow(), same bits on every
// platform).
void adam_update(float* w, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, float bias1, float bias2);

// --- an optimizer with its state ----------------------------------------------------------------
struct Optimizer {
  OptimConfig cfg;
  int64_t n = 0;           // parameters
  int64_t t = 0;           // steps taken
  double beta1_pow = 1.0;  // beta1^t, beta2^t (double: 1 - beta2^t is small in the first steps)
  double beta2_pow = 1.0;
  std::vector<float> m;  // momentum: velocity; adam: first moment
  std::vector<float> v;  // adam: second moment
};

void optimizer_init(Optimizer* o, const OptimConfig& cfg, int64_t n_params);
void optimizer_reset(Optimizer* o);  // zero the state and t, keep the config
// One update of all n parameters with learning rate lr (the schedule's value for this step).
void optimizer_step(Optimizer* o, float* params, const float* grads, float lr);
// Floats of state the optimizer keeps (for the page's memory estimate).
int64_t optimizer_state_floats(OptimizerKind k, int64_t n_params);

// --- learning-rate schedules ----------------------------------------------------------------------
enum class ScheduleKind : uint8_t { constant, step, cosine };
const char* schedule_name(ScheduleKind k);  // "constant", "step", "cosine"
bool schedule_from_name(const char* name, ScheduleKind* out);

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::constant;
  int step_epochs = 1;  // step: multiply by gamma every step_epochs epochs
  float gamma = 0.1f;
};

// Learning rate for the step with 0-based index `step` (the update about to be made).
//   constant: base
//   step:     base * gamma^floor(epoch / step_epochs), epoch = step / steps_per_epoch
//   cosine:   base * (1 + cos(pi * step / total_steps)) / 2, falling to 0 at total_steps
// The cosine is our own polynomial (no libm), so the value is the same natively and in wasm.
float schedule_lr(const ScheduleConfig& s, float base, int64_t step, int64_t steps_per_epoch, int64_t total_steps);

// cos(pi * x) for x in [0, 1], within 1e-15 of the true value, with + - * only.
double cos_pi(double x);

}  // namespace cnn
