// The trainer: minibatch SGD as in Algorithm 1 of the notes, one update per minibatch, with
// evaluation, history and the numerical-fault path (see train.h for the contract).
#include "cnn/train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#include <chrono>
#endif

#include "cnn/format.h"
#include "cnn/parallel.h"

namespace cnn {

double now_ms() {
#ifdef __EMSCRIPTEN__
  return emscripten_get_now();
#else
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
#endif
}

// ---- configuration -------------------------------------------------------------------------------

static bool fail(std::string* err, const std::string& msg) {
  if (err) *err = msg;
  return false;
}

static std::string fmt(const char* f, double a) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

TrainConfig train_config_from_settings(const Settings& s) {
  TrainConfig c;
  c.optimizer = OptimizerKind(s.optimizer);
  c.lr = s.lr;
  c.momentum = s.momentum;
  c.weight_decay = s.weight_decay;
  c.schedule.kind = ScheduleKind(s.schedule);
  c.schedule.step_epochs = s.step_epochs;
  c.schedule.gamma = s.gamma;
  c.batch = s.batch;
  c.epochs = s.epochs;
  c.seed = uint64_t(s.seed);
  c.eval_every = s.eval_every;
  c.eval_limit = s.eval_samples;
  c.limit_train = s.limit_train;
  return c;
}

bool train_config_check(const TrainConfig& c, std::string* err) {
  auto finite_pos = [](float x) { return std::isfinite(x) && x > 0.0f; };
  if (!finite_pos(c.lr))
    return fail(err, fmt("learning rate %g is not valid: it must be a positive number such as 0.01", c.lr));
  if (c.batch < 1 || c.batch > 4096)
    return fail(err, fmt("batch size %g is not valid: use 1 to 4096 (32 is a good start)", c.batch));
  if (c.epochs < 1 || c.epochs > 100000) return fail(err, fmt("epochs %g is not valid: use 1 to 100000", c.epochs));
  if (!(c.momentum >= 0.0f && c.momentum < 1.0f))
    return fail(err, fmt("momentum %g is not valid: it must be in [0, 1), typically 0.9", c.momentum));
  if (!(c.beta1 >= 0.0f && c.beta1 < 1.0f))
    return fail(err, fmt("Adam beta1 %g is not valid: it must be in [0, 1), typically 0.9", c.beta1));
  if (!(c.beta2 >= 0.0f && c.beta2 < 1.0f))
    return fail(err, fmt("Adam beta2 %g is not valid: it must be in [0, 1), typically 0.999", c.beta2));
  if (!finite_pos(c.eps))
    return fail(err, fmt("Adam epsilon %g is not valid: it must be positive, typically 1e-8", c.eps));
  if (!(std::isfinite(c.weight_decay) && c.weight_decay >= 0.0f))
    return fail(err, fmt("weight decay %g is not valid: it must be 0 or positive, e.g. 5e-4", c.weight_decay));
  if (c.schedule.kind == ScheduleKind::step) {
    if (c.schedule.step_epochs < 1)
      return fail(err, fmt("step schedule: every %g epochs is not valid: use 1 or more", c.schedule.step_epochs));
    if (!(c.schedule.gamma > 0.0f && c.schedule.gamma <= 1.0f))
      return fail(err, fmt("step schedule: gamma %g is not valid: it must be in (0, 1], e.g. 0.1", c.schedule.gamma));
  }
  if (c.eval_every < 0)
    return fail(err, fmt("eval_every %g is not valid: use 0 (once per epoch) or a number of steps", c.eval_every));
  if (c.limit_train < 0 || c.limit_train > kMaxSamples)
    return fail(err, fmt("training samples %g is not valid: use 0 (all of them) or a count from 1 to ", c.limit_train) +
                         with_commas(kMaxSamples));
  if (c.eval_limit < 0)
    return fail(err, fmt("eval_limit %g is not valid: use 0 (all test samples) or a count", c.eval_limit));
  if (!(c.smoothing >= 0.0f && c.smoothing < 1.0f))
    return fail(err, fmt("loss smoothing %g is not valid: it must be in [0, 1)", c.smoothing));
  if (c.micro_batch < -1 || c.micro_batch > c.batch)
    return fail(err, fmt("micro-batch %g is not valid: use -1 (automatic), 0 (the whole batch) or ", c.micro_batch) +
                         fmt("1 to the batch size %g", c.batch));
  return true;
}

int train_micro_batch(const TrainConfig& c, const Network& net) {
  if (c.micro_batch > 0) return std::min(c.micro_batch, c.batch);
  if (c.micro_batch == 0 || !c.shares_frame) return c.batch;
  // Batchnorm's statistics are over the minibatch: slicing it would change what the layer computes.
  for (const LayerSpec& l : net.spec.layers)
    if (l.kind == LayerKind::batchnorm) return c.batch;
  const int64_t macs = std::max<int64_t>(net.info.total_macs, 1);
  return int(std::clamp<int64_t>(kSliceMacs / macs, 1, c.batch));
}

OptimConfig optim_config(const TrainConfig& c) {
  OptimConfig o;
  o.kind = c.optimizer;
  o.lr = c.lr;
  o.momentum = c.momentum;
  o.nesterov = c.nesterov;
  o.beta1 = c.beta1;
  o.beta2 = c.beta2;
  o.eps = c.eps;
  o.weight_decay = c.weight_decay;
  return o;
}

// ---- evaluation ----------------------------------------------------------------------------------

static bool is_classification(const Dataset& d) { return !d.regression() && d.num_classes > 0; }

// Forward (inference) and loss over samples [begin, end) of a split; adds into r's sums.
void evaluate_add(Network* net, const Dataset& d, Split split, int64_t begin, int64_t end, EvalResult* r) {
  const bool cls = r->classification;
  const float* xs = split == Split::train ? d.train_x.data() : d.test_x.data();
  const std::vector<int32_t>& ys = split == Split::train ? d.train_y : d.test_y;
  const std::vector<float>& ts = split == Split::train ? d.train_t : d.test_t;
  const int64_t ss = d.sample_size();
  for (int64_t b = begin; b < end; b += net->max_batch) {
    const int n = int(std::min<int64_t>(net->max_batch, end - b));
    network_forward(net, xs + b * ss, n, false);
    const int32_t* labels = cls ? ys.data() + b : nullptr;
    const float* targets = d.regression() ? ts.data() + b * d.target_dim : nullptr;
    r->loss_sum += double(network_loss(net, labels, targets)) * n;
    r->n += n;
    if (cls) {
      r->correct += network_count_correct(net, labels);
      for (int i = 0; i < n; ++i) {
        int p = network_predicted_class(net, i);
        if (labels[i] >= 0 && labels[i] < r->num_classes && p >= 0 && p < r->num_classes)
          r->confusion[size_t(labels[i]) * r->num_classes + p] += 1;
      }
    }
  }
}

EvalResult evaluate_start(const Dataset& d) {
  EvalResult r;
  r.classification = is_classification(d);
  r.num_classes = r.classification ? d.num_classes : 0;
  r.confusion.assign(size_t(r.num_classes) * r.num_classes, 0);
  return r;
}

void evaluate_finish(EvalResult* r) {
  r->loss = r->n > 0 ? float(r->loss_sum / double(r->n)) : 0.0f;
  if (r->classification && r->n > 0) {
    r->accuracy = float(double(r->correct) / double(r->n));
    r->zero_one = 1.0f - r->accuracy;
  }
}

EvalResult evaluate(Network* net, const Dataset& d, Split split, int64_t limit) {
  EvalResult r = evaluate_start(d);
  int64_t n = split == Split::train ? d.n_train() : d.n_test();
  if (limit > 0) n = std::min(n, limit);
  if (n > 0 && net->max_batch > 0) evaluate_add(net, d, split, 0, n, &r);
  evaluate_finish(&r);
  return r;
}

// ---- setup ---------------------------------------------------------------------------------------

int64_t trainer_train_samples(const TrainConfig& cfg, const Dataset& d) {
  const int64_t n = d.n_train();
  return cfg.limit_train > 0 ? std::min<int64_t>(n, cfg.limit_train) : n;
}

TrainerMemory trainer_memory(const TrainConfig& cfg, const Dataset* d) {
  TrainerMemory m;
  m.optimizer_slots = cfg.optimizer == OptimizerKind::adam ? 2 : cfg.optimizer == OptimizerKind::momentum ? 1 : 0;
  if (d) {
    m.target_floats = d->target_dim;
    m.train_samples = trainer_train_samples(cfg, *d);
  }
  return m;
}

bool trainer_setup(Trainer* t, Network* net, const Dataset* data, const TrainConfig& cfg, std::string* err) {
  t->net = nullptr;
  t->data = nullptr;
  if (!net || !data) return fail(err, "trainer: no network or no dataset");
  if (!train_config_check(cfg, err)) return false;
  const Dataset& d = *data;
  if (net->num_layers() == 0 || net->params.size() != net->grads.size())
    return fail(err, "trainer: the network is not built");
  if (d.n_train() < 1) return fail(err, "dataset '" + d.name + "' has no training samples");
  if (net->info.input != d.shape)
    return fail(err, "the model's input is " + shape_text(net->info.input) + " but dataset '" + d.name +
                         "' has samples of " + shape_text(d.shape) + ": change the model's first line to `input " +
                         shape_text(d.shape) + "`");
  const int64_t out = net->out_size();
  if (d.regression()) {
    if (out != d.target_dim)
      return fail(err, fmt("the model has %g outputs but this regression set has ", double(out)) +
                           fmt("%g target values per sample: make the last dense layer that size "
                               "(and leave out softmax)",
                               d.target_dim));
    if (int64_t(d.train_t.size()) != d.n_train() * d.target_dim ||
        int64_t(d.test_t.size()) != d.n_test() * d.target_dim)
      return fail(err, "dataset '" + d.name + "': targets and samples differ in number");
  } else {
    if (d.num_classes < 1) return fail(err, "dataset '" + d.name + "' has no classes");
    const bool binary_ok = out == 1 && d.num_classes == 2;
    if (out != d.num_classes && !binary_ok)
      return fail(err, fmt("the model has %g outputs but dataset '", double(out)) + d.name +
                           fmt("' has %g classes: make the last dense layer `dense ", d.num_classes) +
                           std::to_string(d.num_classes) + "`");
    if (int64_t(d.train_y.size()) != d.n_train() || int64_t(d.test_y.size()) != d.n_test())
      return fail(err, "dataset '" + d.name + "': labels and samples differ in number");
    for (const std::vector<int32_t>* ys : {&d.train_y, &d.test_y})
      for (int32_t y : *ys)
        if (y < 0 || y >= d.num_classes)
          return fail(err, "dataset '" + d.name + fmt("': label %g is outside the classes ", y) +
                               fmt("0..%g", d.num_classes - 1));
  }
  if (cfg.batch > net->max_batch)
    return fail(err, fmt("batch size %g is larger than the network was built for ", cfg.batch) +
                         fmt("(%g): rebuild it with a larger batch", net->max_batch));
  // The trainer's own memory (optimizer state, the rollback snapshot of weights and state, the
  // batch buffers and the epoch order) counts against the page's budget together with the
  // network's: the one memory plan, checked before anything is allocated.
  const MemoryPlan plan = plan_memory(net->spec, net->info, net->max_batch, trainer_memory(cfg, &d));
  const int64_t trainer_bytes = plan.optimizer_bytes + plan.rollback_bytes + plan.batch_bytes;
  if (plan.training_bytes > kMemoryBudgetBytes)
    return fail(err, "training this model with " + std::string(optimizer_name(cfg.optimizer)) + " needs " +
                         format_bytes(plan.training_bytes) + " (the network " + format_bytes(plan.network_bytes) +
                         ", the optimizer and its rollback copy " + format_bytes(trainer_bytes) +
                         "), more than the page's budget of " + format_bytes(kMemoryBudgetBytes) +
                         ": use a smaller batch, fewer or smaller layers, or plain SGD (it keeps no state)");
  t->net = net;
  t->data = data;
  t->cfg = cfg;
  try {
    trainer_reset(t);
  } catch (const std::bad_alloc&) {
    t->net = nullptr;
    t->data = nullptr;
    return fail(err, "not enough memory to set up training (" + format_bytes(trainer_bytes) +
                         " for the optimizer): use a smaller model or plain SGD");
  }
  return true;
}

void trainer_reset(Trainer* t) {
  if (!t->net || !t->data) return;
  const TrainConfig& c = t->cfg;
  const Dataset& d = *t->data;
  static_cast<TrainerRun&>(*t) = TrainerRun();  // progress, history, speed, internals: all at their start
  // One seed, separate streams: the weights, the shuffle and the augmentation never share draws,
  // so turning augmentation on does not change the batch order.
  if (c.init_weights) network_init(t->net, c.seed);
  t->shuffle_rng.reseed(c.seed, 101);
  t->augment_rng.reseed(c.seed, 202);
  optimizer_init(&t->opt, optim_config(c), int64_t(t->net->params.size()));

  const int64_t n = trainer_train_samples(c, d);
  t->steps_per_epoch = (n + c.batch - 1) / c.batch;
  t->total_steps = t->steps_per_epoch * c.epochs;
  t->order.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) t->order[size_t(i)] = int32_t(i);
  t->batch_x.assign(size_t(c.batch * d.sample_size()), 0.0f);
  t->batch_y.assign(size_t(c.batch), 0);
  t->batch_t.assign(d.regression() ? size_t(c.batch) * d.target_dim : 0, 0.0f);

  // augment_sample reads only the shape, the normalization and the switches.
  Dataset& m = t->augment_meta;
  m.name = d.name;
  m.shape = d.shape;
  m.norm_mean = d.norm_mean;
  m.norm_std = d.norm_std;
  m.augment = c.augment;
  m.augment_shift = d.augment_shift;
  m.augment_flip = d.augment_flip;

  t->micro = train_micro_batch(c, *t->net);
}

static void take_snapshot(Trainer* t);

bool trainer_update_config(Trainer* t, const TrainConfig& cfg, std::string* err) {
  if (!t->net) return fail(err, "trainer: not set up");
  if (!train_config_check(cfg, err)) return false;
  if (cfg.batch != t->cfg.batch)
    return fail(err, "the batch size changes the steps of an epoch: reset the training to change it");
  if (cfg.limit_train != t->cfg.limit_train)
    return fail(err, "the training samples change the steps of an epoch: reset the training to change them");
  if (cfg.seed != t->cfg.seed)
    return fail(err,
                "the seed fixes the initial weights and the order of the samples: reset the "
                "training to change it");
  const bool new_kind = cfg.optimizer != t->cfg.optimizer;
  t->cfg = cfg;
  if (new_kind) {
    optimizer_init(&t->opt, optim_config(cfg), int64_t(t->net->params.size()));
    // The old snapshot's optimizer state belongs to the old optimizer: the current weights (all
    // finite, every update was checked) with the fresh state become the point to return to.
    if (t->have_snapshot) take_snapshot(t);
  } else {
    int64_t steps = t->opt.t;
    double p1 = t->opt.beta1_pow, p2 = t->opt.beta2_pow;
    // The state (velocity, moments) stays; the coefficients change from the next step.
    t->opt.cfg = optim_config(cfg);
    t->opt.t = steps;
    t->opt.beta1_pow = p1;
    t->opt.beta2_pow = p2;
  }
  t->augment_meta.augment = cfg.augment;
  t->micro = train_micro_batch(cfg, *t->net);  // an open step goes on in the new slices
  t->total_steps = t->steps_per_epoch * cfg.epochs;
  const bool evaluating = t->eval_pending || !t->evals_waiting.empty();
  if (t->epoch < cfg.epochs && !evaluating) t->finished = false;
  if (t->epoch >= cfg.epochs && !evaluating) t->finished = true;
  return true;
}

// ---- the step ------------------------------------------------------------------------------------

float trainer_current_lr(const Trainer* t) {
  return schedule_lr(t->cfg.schedule, t->cfg.lr, t->step, t->steps_per_epoch, t->total_steps);
}

double trainer_epoch_progress(const Trainer* t) {
  if (t->steps_per_epoch <= 0) return 0;
  return double(t->step) / double(t->steps_per_epoch);
}

// A float is infinite or NaN when its exponent bits are all ones. An integer OR over the array
// (associative, so the compiler vectorizes it, where a float sum must keep its order), split over
// the threads: each part says whether it found one, and the answer is the same for any split.
static bool all_finite(const float* a, int64_t n) {
  uint32_t bad[kMaxThreads] = {};
  parallel_run((n + kElementGrain - 1) / kElementGrain, n * (kElementWork / 2), [&](int t, int nt) {
    const Range r = split_range(n, t, nt, kElementGrain);
    uint32_t found = 0;
    for (int64_t i = r.begin; i < r.end; ++i) {
      uint32_t bits;
      std::memcpy(&bits, a + i, sizeof bits);
      found |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
    }
    bad[t] = found;
  });
  uint32_t any = 0;
  for (uint32_t b : bad) any |= b;
  return any == 0;
}

// dst = src, the copy split over the threads (the snapshot copies every weight at every step).
static void copy_floats(std::vector<float>* dst, const std::vector<float>& src) {
  dst->resize(src.size());  // the same size every time: no allocation after the first step
  parallel_copy(dst->data(), src.data(), int64_t(src.size()));
}

// Batchnorm's running statistics, per layer: running_mean then running_var (a fault's snapshot,
// an evaluation request).
static void copy_running(const Network& net, std::vector<std::vector<float>>* out) {
  out->resize(net.state.size());
  for (size_t i = 0; i < net.state.size(); ++i) {
    const LayerState& s = net.state[i];
    std::vector<float>& r = (*out)[i];
    r.resize(s.running_mean.size() + s.running_var.size());
    std::copy(s.running_mean.begin(), s.running_mean.end(), r.begin());
    std::copy(s.running_var.begin(), s.running_var.end(), r.begin() + long(s.running_mean.size()));
  }
}
static void load_running(Network* net, const std::vector<std::vector<float>>& in) {
  for (size_t i = 0; i < net->state.size() && i < in.size(); ++i) {
    LayerState& s = net->state[i];
    const std::vector<float>& r = in[i];
    std::copy(r.begin(), r.begin() + long(s.running_mean.size()), s.running_mean.begin());
    std::copy(r.begin() + long(s.running_mean.size()), r.end(), s.running_var.begin());
  }
}

static void take_snapshot(Trainer* t) {
  Network* net = t->net;
  copy_floats(&t->snap_params, net->params);
  copy_floats(&t->snap_m, t->opt.m);
  copy_floats(&t->snap_v, t->opt.v);
  t->snap_t = t->opt.t;
  t->snap_beta1_pow = t->opt.beta1_pow;
  t->snap_beta2_pow = t->opt.beta2_pow;
  copy_running(*net, &t->snap_running);
  t->snap_step = t->step + 1;
  t->have_snapshot = true;
}

static void restore_snapshot(Trainer* t) {
  if (!t->have_snapshot) return;
  Network* net = t->net;
  std::copy(t->snap_params.begin(), t->snap_params.end(), net->params.begin());
  t->opt.m = t->snap_m;
  t->opt.v = t->snap_v;
  t->opt.t = t->snap_t;
  t->opt.beta1_pow = t->snap_beta1_pow;
  t->opt.beta2_pow = t->snap_beta2_pow;
  load_running(net, t->snap_running);
}

static std::string lr_text(float lr) { return fmt("%g", lr); }

// Restores the last good weights, pauses, and explains. `what` names the failing quantity.
static void on_fault(Trainer* t, FaultKind kind, float loss, float lr) {
  restore_snapshot(t);
  t->fault = kind;
  t->paused = true;
  const int64_t s = t->step + 1;  // 1-based number of the failing step
  std::string what;
  switch (kind) {
    case FaultKind::loss:
      what = std::isnan(loss) ? "The loss became NaN (not a number)" : "The loss became infinite";
      break;
    case FaultKind::gradient: what = "A gradient became infinite or NaN"; break;
    case FaultKind::weights: what = "An update made a weight infinite or NaN"; break;
    case FaultKind::none: break;
  }
  std::string kept;
  if (t->have_snapshot)
    kept = fmt("the weights of step %g (the last with a finite loss) were restored", double(t->snap_step));
  else kept = "the initial weights were kept (no step had succeeded yet)";
  float lower = lr / 10.0f;
  t->message = what + fmt(" at step %g", double(s)) + ": training paused and " + kept +
               ". The steps were too large: the learning rate " + lr_text(lr) +
               " is most likely too high for this model" +
               (t->cfg.weight_decay >= 0.1f
                    ? " (and the weight decay " + lr_text(t->cfg.weight_decay) + " is unusually large)"
                    : std::string()) +
               ". Try " + lr_text(lower) + " (10x lower), then resume or reset.";
}

// Test samples an evaluation covers, and the chunk it runs them in: inference costs about a third of
// training per sample, so chunks of 3 slices take about one slice's time.
static int64_t eval_samples(const Trainer* t) {
  int64_t n = t->data->n_test();
  if (t->cfg.eval_limit > 0) n = std::min<int64_t>(n, t->cfg.eval_limit);
  return n;
}
static int64_t eval_chunk(const Trainer* t) {
  return std::min<int64_t>(t->net->max_batch, 3 * int64_t(std::max(t->micro, 1)));
}

static void schedule_eval(Trainer* t) {
  const Dataset& d = *t->data;
  const float train_loss = t->window_samples > 0 ? float(t->window_loss / double(t->window_samples)) : 0.0f;
  const float train_acc = t->window_samples > 0 ? float(double(t->window_correct) / double(t->window_samples)) : 0.0f;
  t->window_loss = 0;
  t->window_correct = t->window_samples = t->window_steps = 0;
  if (t->eval_elsewhere) {  // the network's state now, for whoever evaluates it
    EvalRequest& q = t->evals_waiting.emplace_back();
    q.id = ++t->eval_ids;
    q.at_step = t->step;
    q.train_loss = train_loss;
    q.train_acc = train_acc;
    q.n = eval_samples(t);
    q.chunk = eval_chunk(t);
    q.params = t->net->params;
    copy_running(*t->net, &q.running);
    return;
  }
  t->eval_pending = true;
  t->eval_cursor = 0;
  t->eval_end = eval_samples(t);
  t->eval_acc = evaluate_start(d);
  t->eval_train_loss = train_loss;
  t->eval_train_acc = train_acc;
  t->eval_at_step = t->step;
}

// An evaluation point enters the history (in place or answered).
static void record_eval(Trainer* t, int64_t at_step, float train_loss, float train_acc, const EvalResult& r) {
  t->last_eval = r;
  TrainHistory& h = t->history;
  h.eval_step.push_back(float(at_step));
  h.eval_epoch.push_back(float(double(at_step) / double(t->steps_per_epoch)));
  h.train_loss.push_back(train_loss);
  h.test_loss.push_back(std::isfinite(r.loss) ? r.loss : 0.0f);
  if (r.classification) {
    h.train_acc.push_back(train_acc);
    h.test_acc.push_back(r.accuracy);
    h.test_error.push_back(r.zero_one);
  }
  if (t->epoch >= t->cfg.epochs && !t->eval_pending && t->evals_waiting.empty()) {
    t->finished = true;
    t->message = fmt("Training finished: %g epochs", t->cfg.epochs) + fmt(", %g steps.", double(t->step));
  }
}

// Evaluates up to one chunk of the pending evaluation; records the point when done.
static void eval_advance(Trainer* t) {
  const Dataset& d = *t->data;
  if (t->eval_cursor < t->eval_end) {
    int64_t end = std::min<int64_t>(t->eval_end, t->eval_cursor + eval_chunk(t));
    evaluate_add(t->net, d, Split::test, t->eval_cursor, end, &t->eval_acc);
    t->eval_cursor = end;
  }
  if (t->eval_cursor < t->eval_end) return;
  evaluate_finish(&t->eval_acc);
  t->eval_pending = false;
  record_eval(t, t->eval_at_step, t->eval_train_loss, t->eval_train_acc, t->eval_acc);
}

bool trainer_eval_blocked(const Trainer* t) { return t->evals_waiting.size() >= kMaxEvalsWaiting; }

bool trainer_eval_answer(Trainer* t, uint64_t id, const EvalResult& r) {
  if (t->evals_waiting.empty() || t->evals_waiting.front().id != id) return false;
  const EvalRequest q = std::move(t->evals_waiting.front());
  t->evals_waiting.pop_front();
  record_eval(t, q.at_step, q.train_loss, q.train_acc, r);
  return true;
}

bool evaluate_request(Network* net, const Dataset& d, const EvalRequest& q, EvalResult* out, std::string* err) {
  bool fits = q.params.size() == net->params.size() && q.running.size() == net->state.size() && q.chunk > 0 &&
              q.n >= 0 && q.n <= d.n_test();
  for (size_t i = 0; fits && i < q.running.size(); ++i)
    fits = q.running[i].size() == net->state[i].running_mean.size() + net->state[i].running_var.size();
  if (!fits) return fail(err, "an evaluation request does not fit this network or dataset");
  std::copy(q.params.begin(), q.params.end(), net->params.begin());  // the arena keeps its address
  load_running(net, q.running);
  *out = evaluate_start(d);
  for (int64_t b = 0; b < q.n; b += q.chunk) evaluate_add(net, d, Split::test, b, std::min(q.n, b + q.chunk), out);
  evaluate_finish(out);
  return true;
}

static void eval_complete(Trainer* t) {
  while (t->eval_pending) eval_advance(t);
}

// ---- a step, in slices ----------------------------------------------------------------------------
//
// step_begin gathers the minibatch and zeroes the gradients; each step_slice computes the forward
// pass, the loss and the backward pass of the next micro-batch of it, adding its share (m/n) of the
// averaged gradient; the last slice applies the update (step_finish). The page runs as many slices
// per frame as fit its budget; the command line runs them back to back.

// Gathers the next minibatch (shuffling at the start of an epoch) and opens the step.
static void step_begin(Trainer* t) {
  const Dataset& d = *t->data;
  const TrainConfig& c = t->cfg;
  if (t->need_shuffle) {
    shuffle(t->order.data(), int64_t(t->order.size()), t->shuffle_rng);
    t->need_shuffle = false;
  }
  const int64_t first = t->step_in_epoch * c.batch;
  const int n = int(std::min<int64_t>(c.batch, int64_t(t->order.size()) - first));
  const int64_t ss = d.sample_size();
  const bool cls = is_classification(d);
  for (int i = 0; i < n; ++i) {
    const int32_t idx = t->order[size_t(first + i)];
    float* dst = t->batch_x.data() + i * ss;
    if (c.augment) augment_sample(t->augment_meta, d.train_sample(idx), dst, t->augment_rng);
    else std::memcpy(dst, d.train_sample(idx), size_t(ss) * sizeof(float));
    if (cls) t->batch_y[size_t(i)] = d.train_y[size_t(idx)];
    if (d.regression())
      std::memcpy(t->batch_t.data() + size_t(i) * d.target_dim, d.train_t.data() + size_t(idx) * d.target_dim,
                  size_t(d.target_dim) * sizeof(float));
  }
  network_zero_grad(t->net);
  t->step_open = true;
  t->step_n = n;
  t->step_done = 0;
  t->step_correct = 0;
  t->step_loss_sum = 0;
}

// Applies the update of the open step and records it. False on a fault (and no step is taken).
static bool step_finish(Trainer* t) {
  Network* net = t->net;
  const TrainConfig& c = t->cfg;
  const int n = t->step_n;
  t->step_open = false;
  const float lr = trainer_current_lr(t);
  const float loss = float(t->step_loss_sum / double(n));
  const int64_t np = int64_t(net->params.size());
  if (!all_finite(net->grads.data(), np)) {
    on_fault(t, FaultKind::gradient, loss, lr);
    return false;
  }

  // Update, keeping the weights from before it in case it overflows.
  take_snapshot(t);
  optimizer_step(&t->opt, net->params.data(), net->grads.data(), lr);
  if (!all_finite(net->params.data(), np)) {
    on_fault(t, FaultKind::weights, loss, lr);
    return false;
  }

  // Record.
  TrainHistory& h = t->history;
  h.loss.push_back(loss);
  const double a = c.smoothing;
  t->ema = a * t->ema + (1.0 - a) * double(loss);
  t->ema_log = a * t->ema_log + (1.0 - a) * std::log(std::max(double(loss), 1e-30));
  t->ema_decay_pow *= a;
  h.loss_smooth.push_back(float(t->ema / (1.0 - t->ema_decay_pow)));
  h.loss_smooth_log.push_back(float(std::exp(t->ema_log / (1.0 - t->ema_decay_pow))));
  h.lr.push_back(lr);
  t->window_loss += double(loss) * n;
  t->window_correct += t->step_correct;
  t->window_samples += n;
  t->window_steps += 1;
  t->step += 1;
  t->step_in_epoch += 1;
  t->samples_seen += n;

  bool eval_now = c.eval_every > 0 && t->step % c.eval_every == 0;
  if (t->step_in_epoch == t->steps_per_epoch) {
    t->epoch += 1;
    t->step_in_epoch = 0;
    t->need_shuffle = true;
    if (c.eval_every == 0 || t->epoch >= c.epochs) eval_now = true;  // always one at the very end
  }
  if (eval_now) schedule_eval(t);
  return true;
}

// Computes the next slice of the open step (forward, loss, backward on up to `micro` samples), and
// the update after the last one. Returns 1 when that completed the step, 0 when the step is still
// open, -1 on a fault (the step is dropped; resume retries it).
static int step_slice(Trainer* t) {
  const double t0 = now_ms();
  Network* net = t->net;
  const Dataset& d = *t->data;
  const bool cls = is_classification(d);
  const int n = t->step_n, first = t->step_done;
  const int m = std::min(t->micro, n - first);
  const int64_t ss = d.sample_size();

  network_forward(net, t->batch_x.data() + first * ss, m, true);
  const float loss = network_loss(net, cls ? t->batch_y.data() + first : nullptr,
                                  d.regression() ? t->batch_t.data() + size_t(first) * d.target_dim : nullptr);
  if (!std::isfinite(loss)) {
    t->step_open = false;
    on_fault(t, FaultKind::loss, loss, trainer_current_lr(t));
    return -1;
  }
  if (cls) t->step_correct += network_count_correct(net, t->batch_y.data() + first);
  t->step_loss_sum += double(loss) * m;
  // The slice's loss is its own mean (1/m); its share of the minibatch's mean is m/n of that.
  if (m != n) network_scale_loss_grad(net, float(m) / float(n));
  network_backward(net, false);  // adds to the gradients of the earlier slices
  t->step_done += m;
  int result = 0;
  if (t->step_done == n) result = step_finish(t) ? 1 : -1;
  const double ms = now_ms() - t0;
  t->train_ms += ms;
  if (t->train_ms > 0) t->samples_per_second = double(t->samples_seen) * 1000.0 / t->train_ms;
  t->slice_ms = t->slice_ms > 0 ? 0.8 * t->slice_ms + 0.2 * ms : ms;
  return result;
}

// One whole minibatch step (continuing an open one). Returns false (and takes no step) when
// finished or on a fault.
static bool step_once(Trainer* t) {
  if (!t->step_open) {
    if (t->finished || t->epoch >= t->cfg.epochs || trainer_eval_blocked(t)) return false;
    step_begin(t);
  }
  for (;;) {
    int r = step_slice(t);
    if (r != 0) return r > 0;
  }
}

int trainer_step(Trainer* t, int n) {
  if (!t->net) return 0;
  int done = 0;
  if (t->step_open && n > 0) {  // finish the step the frames had started: it counts as one
    if (!step_once(t)) return 0;
    ++done;
  }
  eval_complete(t);
  for (int i = done; i < n; ++i) {
    if (!step_once(t)) break;
    ++done;
    eval_complete(t);
  }
  return done;
}

int trainer_run_for(Trainer* t, double budget_ms) {
  if (!t->net || t->paused || t->finished) return 0;
  const double start = now_ms();
  int done = 0;
  for (;;) {
    if (t->eval_pending && !t->step_open) {
      const double e0 = now_ms();
      eval_advance(t);
      const double ms = now_ms() - e0;
      t->eval_slice_ms = t->eval_slice_ms > 0 ? 0.8 * t->eval_slice_ms + 0.2 * ms : ms;
    } else {
      if (!t->step_open) {
        if (t->finished || t->epoch >= t->cfg.epochs || trainer_eval_blocked(t)) break;
        step_begin(t);
      }
      const int r = step_slice(t);
      if (r < 0) break;
      done += r;
    }
    if (t->paused || t->finished) break;
    // Start the next unit only if it is expected to end within the budget.
    const double next = t->eval_pending && !t->step_open ? t->eval_slice_ms : t->slice_ms;
    if (now_ms() - start + next > budget_ms) break;
  }
  return done;
}

int trainer_step_for(Trainer* t, int64_t* steps_left, double budget_ms) {
  const double start = now_ms();
  int done = 0;
  while (*steps_left > 0) {
    if (!t->step_open && trainer_eval_blocked(t)) break;  // Step's count waits for the answers
    if (trainer_step(t, 1) == 0) {
      *steps_left = 0;
      break;
    }
    --*steps_left;
    ++done;
    if (now_ms() - start > budget_ms) break;
  }
  return done;
}

int64_t trainer_run_to_end(Trainer* t) {
  if (!t->net) return 0;
  int64_t done = 0;
  if (t->step_open) {
    if (!step_once(t)) return 0;
    ++done;
  }
  eval_complete(t);
  while (!t->finished && t->fault == FaultKind::none) {
    if (!step_once(t)) break;
    ++done;
    eval_complete(t);
  }
  return done;
}

void trainer_pause(Trainer* t) { t->paused = true; }

void trainer_resume(Trainer* t) {
  t->paused = false;
  if (t->fault != FaultKind::none) {
    t->fault = FaultKind::none;
    t->message.clear();
  }
}

}  // namespace cnn
