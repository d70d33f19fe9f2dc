// worker_protocol.h: the messages between the page and its training worker (issue 19), as bytes.
//
// The page (web/session_worker.cpp) and the worker (web/worker/trainer_worker.cpp) are two builds
// of the engine in two threads of the browser; they talk through postMessage with one
// ArrayBuffer per message, transferred, never copied twice. This header is the one description of
// those bytes, read and written by both sides:
//
//   page -> worker   Header{type, seq, gen} then the fields of the command (below)
//   worker -> page   Header{kReport, seq of the last command done, gen} then a WorkerReport
//
// The trainer hands each evaluation to a worker of its own, the evaluator (the same build, one
// thread), and trains on meanwhile (cnn::Trainer::eval_elsewhere):
//
//   trainer -> evaluator   Header{kEvalSetup} (the network; the test split when it changed),
//                          Header{kEvalRun} (an EvalRequest: the network's state at the point)
//   evaluator -> trainer   Header{kEvalAnswer}: the request's id and its EvalResult, or an error
//
// Numbers are little-endian PODs (wasm is little-endian on both sides); a string or a vector is
// its element count (uint64) and its elements. The settings travel as one double per row of
// cnn/settings.inc (setting_get/setting_set), so the worker reads the page's one settings list.
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/settings.h"
#include "cnn/train.h"

namespace worker_protocol {

enum MsgType : uint32_t {
  // page -> worker
  kSetup = 1,    // model text, batch, loss, settings, dataset (see WriteSetup); weights from the seed
  kConfig = 2,   // settings changed on the fly (lr, schedule, epochs, ...): trainer_update_config
  kTrain = 3,    // trainer_resume, then train until paused, finished or a fault
  kPause = 4,    // stop between steps (also drops steps still asked for)
  kStep = 5,     // int32 n: n more minibatches (whether training or not, as the page's Step)
  kReset = 6,    // trainer_reset + pause: weights from the seed again
  kWeights = 7,  // the page's network weights (a loaded model file): params, running statistics
  kThreads = 8,  // int32 n: threads the worker's engine may use (1 = none; honoured where built)
  kKernels = 9,  // uint8: 0 the SIMD kernels, 1 the scalar references (the page's SIMD switch)
  // trainer -> evaluator
  kEvalSetup = 20,  // model text, batch, loss, uint8 has_data then the test split (WriteDataset)
  kEvalRun = 21,    // uint8 kernels (as kKernels), then an EvalRequest (WriteEvalRequest)
  // worker -> page
  kReport = 100,
  // evaluator -> trainer
  kEvalAnswer = 101,  // uint64 id, uint8 ok, string error, then the EvalResult (WriteEvalResult)
};

// How the dataset of a kSetup travels.
enum DataMode : uint8_t {
  kDataSame = 0,       // what the previous kSetup carried (the page tracks it)
  kDataGenerated = 1,  // name + seed: the worker makes it with cnn::dataset_make
  kDataBytes = 2,      // the whole cnn::Dataset (a download or the learner's files), once
};

struct Header {
  uint32_t type = 0;
  uint32_t seq = 0;  // page's command counter; a report carries the last one the worker did
  int32_t gen = 0;   // page's setup generation: reports of an older network are dropped
};

class Writer {
 public:
  std::vector<uint8_t> bytes;
  template <class T>
  void Pod(const T& v) {
    const size_t n = bytes.size();
    bytes.resize(n + sizeof(T));
    std::memcpy(bytes.data() + n, &v, sizeof(T));
  }
  template <class T>
  void Vec(const T* p, size_t count) {
    Pod(uint64_t(count));
    const size_t n = bytes.size();
    bytes.resize(n + count * sizeof(T));
    if (count) std::memcpy(bytes.data() + n, p, count * sizeof(T));
  }
  template <class T>
  void Vec(const std::vector<T>& v) {
    Vec(v.data(), v.size());
  }
  // The tail of v from index `from`.
  template <class T>
  void Tail(const std::vector<T>& v, size_t from) {
    Vec(v.data() + std::min(from, v.size()), v.size() - std::min(from, v.size()));
  }
  void Str(const std::string& s) { Vec(s.data(), s.size()); }
};

// Reads what Writer wrote; any read past the end sets `bad` and yields zeros (a message cut short
// is refused as a whole by the caller).
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool bad = false;
  template <class T>
  T Pod() {
    T v{};
    if (n_ - at_ < sizeof(T) || at_ > n_) {
      bad = true;
      return v;
    }
    std::memcpy(&v, p_ + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  template <class T>
  void Vec(std::vector<T>* out) {
    const uint64_t count = Pod<uint64_t>();
    if (bad || count > (n_ - at_) / sizeof(T)) {
      bad = true;
      out->clear();
      return;
    }
    out->resize(size_t(count));
    if (count) std::memcpy(out->data(), p_ + at_, size_t(count) * sizeof(T));
    at_ += size_t(count) * sizeof(T);
  }
  std::string Str() {
    std::vector<char> v;
    Vec(&v);
    return std::string(v.begin(), v.end());
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
};

inline void WriteHeader(Writer& w, const Header& h) {
  w.Pod(h.type);
  w.Pod(h.seq);
  w.Pod(h.gen);
}
inline Header ReadHeader(Reader& r) {
  Header h;
  h.type = r.Pod<uint32_t>();
  h.seq = r.Pod<uint32_t>();
  h.gen = r.Pod<int32_t>();
  return h;
}

inline void WriteSettings(Writer& w, const cnn::Settings& s) {
  w.Pod(int32_t(cnn::kSettingCount));
  for (int i = 0; i < cnn::kSettingCount; i++) w.Pod(cnn::setting_get(s, i));
}
inline cnn::Settings ReadSettings(Reader& r) {
  cnn::Settings s;
  const int n = r.Pod<int32_t>();
  if (n != cnn::kSettingCount) {
    r.bad = true;
    return s;
  }
  for (int i = 0; i < n; i++) cnn::setting_set(&s, i, r.Pod<double>());
  return s;
}

// with_train false: the test split only (the evaluator's), the training vectors empty.
inline void WriteDataset(Writer& w, const cnn::Dataset& d, bool with_train = true) {
  w.Str(d.name);
  w.Pod(d.shape.h);
  w.Pod(d.shape.w);
  w.Pod(d.shape.c);
  w.Pod(int32_t(d.num_classes));
  w.Pod(uint64_t(d.class_names.size()));
  for (const std::string& c : d.class_names) w.Str(c);
  w.Pod(int32_t(d.target_dim));
  const size_t k = with_train ? ~size_t(0) : 0;  // training entries written
  w.Vec(d.train_x.data(), std::min(k, d.train_x.size()));
  w.Vec(d.test_x);
  w.Vec(d.train_y.data(), std::min(k, d.train_y.size()));
  w.Vec(d.test_y);
  w.Vec(d.train_t.data(), std::min(k, d.train_t.size()));
  w.Vec(d.test_t);
  w.Pod(d.norm_mean);
  w.Pod(d.norm_std);
  w.Pod(uint8_t(d.augment));
  w.Pod(int32_t(d.augment_shift));
  w.Pod(uint8_t(d.augment_flip));
}
inline void ReadDataset(Reader& r, cnn::Dataset* d) {
  d->name = r.Str();
  d->shape.h = r.Pod<decltype(d->shape.h)>();
  d->shape.w = r.Pod<decltype(d->shape.w)>();
  d->shape.c = r.Pod<decltype(d->shape.c)>();
  d->num_classes = r.Pod<int32_t>();
  const uint64_t k = r.Pod<uint64_t>();
  d->class_names.clear();
  for (uint64_t i = 0; i < k && !r.bad; i++) d->class_names.push_back(r.Str());
  d->target_dim = r.Pod<int32_t>();
  r.Vec(&d->train_x);
  r.Vec(&d->test_x);
  r.Vec(&d->train_y);
  r.Vec(&d->test_y);
  r.Vec(&d->train_t);
  r.Vec(&d->test_t);
  d->norm_mean = r.Pod<float>();
  d->norm_std = r.Pod<float>();
  d->augment = r.Pod<uint8_t>() != 0;
  d->augment_shift = r.Pod<int32_t>();
  d->augment_flip = r.Pod<uint8_t>() != 0;
}

// A network's state as the page's views need it: parameters, the last step's gradients (the
// dynamics view's gradient norms) and batchnorm's running statistics, layer by layer.
inline void WriteNetState(Writer& w, const cnn::Network& net, bool grads) {
  w.Vec(net.params);
  if (grads) w.Vec(net.grads);
  else w.Vec<float>(nullptr, 0);
  w.Pod(uint64_t(net.state.size()));
  for (const auto& c : net.state) {
    w.Vec(c.running_mean);
    w.Vec(c.running_var);
  }
}
// False (network untouched) when the sizes do not match this network.
inline bool ReadNetState(Reader& r, cnn::Network* net) {
  std::vector<float> params, grads;
  r.Vec(&params);
  r.Vec(&grads);
  const uint64_t layers = r.Pod<uint64_t>();
  if (r.bad || params.size() != net->params.size() || (!grads.empty() && grads.size() != net->grads.size()) ||
      layers != net->state.size())
    return false;
  std::vector<std::vector<float>> mean(layers), var(layers);
  for (size_t i = 0; i < layers; i++) {
    r.Vec(&mean[i]);
    r.Vec(&var[i]);
    if (r.bad || mean[i].size() != net->state[i].running_mean.size() ||
        var[i].size() != net->state[i].running_var.size())
      return false;
  }
  // the arenas keep their addresses: layer_params point into them
  std::memcpy(net->params.data(), params.data(), params.size() * sizeof(float));
  if (!grads.empty()) std::memcpy(net->grads.data(), grads.data(), grads.size() * sizeof(float));
  for (size_t i = 0; i < layers; i++) {
    net->state[i].running_mean = mean[i];
    net->state[i].running_var = var[i];
  }
  return true;
}

// An evaluation's result (the last evaluation of a report, an evaluator's answer).
inline void WriteEvalResult(Writer& w, const cnn::EvalResult& e) {
  w.Pod(int64_t(e.n));
  w.Pod(e.loss);
  w.Pod(uint8_t(e.classification));
  w.Pod(e.accuracy);
  w.Pod(e.zero_one);
  w.Pod(int32_t(e.num_classes));
  w.Vec(e.confusion);
}
inline void ReadEvalResult(Reader& r, cnn::EvalResult* e) {
  e->n = r.Pod<int64_t>();
  e->loss = r.Pod<float>();
  e->classification = r.Pod<uint8_t>() != 0;
  e->accuracy = r.Pod<float>();
  e->zero_one = r.Pod<float>();
  e->num_classes = r.Pod<int32_t>();
  r.Vec(&e->confusion);
}

// What the evaluator needs of an EvalRequest: its id, the samples, the chunk and the network's state.
inline void WriteEvalRequest(Writer& w, const cnn::EvalRequest& q) {
  w.Pod(uint64_t(q.id));
  w.Pod(int64_t(q.n));
  w.Pod(int64_t(q.chunk));
  w.Vec(q.params);
  w.Pod(uint64_t(q.running.size()));
  for (const std::vector<float>& v : q.running) w.Vec(v);
}
inline void ReadEvalRequest(Reader& r, cnn::EvalRequest* q) {
  q->id = r.Pod<uint64_t>();
  q->n = r.Pod<int64_t>();
  q->chunk = r.Pod<int64_t>();
  r.Vec(&q->params);
  const uint64_t k = r.Pod<uint64_t>();
  if (r.bad || k > (uint64_t(1) << 20)) {
    r.bad = true;
    return;
  }
  q->running.resize(size_t(k));
  for (std::vector<float>& v : q->running) r.Vec(&v);
}

// Everything else a run needs to go on exactly as it would have (the data order and its random
// streams, the smoothed loss, the optimizer's state, the fault snapshot, dropout's stream), taken
// between steps (no step or evaluation open). The page keeps the latest one and trains on from it
// if the worker stops.
inline void WriteRng(Writer& w, const cnn::Rng& g) {
  w.Pod(g.state);
  w.Pod(g.inc);
}
inline void ReadRng(Reader& r, cnn::Rng* g) {
  g->state = r.Pod<uint64_t>();
  g->inc = r.Pod<uint64_t>();
}
inline void WriteCheckpoint(Writer& w, const cnn::Trainer& t) {
  WriteRng(w, t.shuffle_rng);
  WriteRng(w, t.augment_rng);
  WriteRng(w, t.net->dropout_rng);
  w.Vec(t.order);
  w.Pod(uint8_t(t.need_shuffle));
  w.Pod(t.window_loss);
  w.Pod(int64_t(t.window_correct));
  w.Pod(int64_t(t.window_samples));
  w.Pod(int64_t(t.window_steps));
  w.Pod(t.ema);
  w.Pod(t.ema_decay_pow);
  w.Pod(t.ema_log);
  w.Pod(int64_t(t.opt.t));
  w.Pod(t.opt.beta1_pow);
  w.Pod(t.opt.beta2_pow);
  w.Vec(t.opt.m);
  w.Vec(t.opt.v);
  w.Pod(uint8_t(t.have_snapshot));
  w.Vec(t.snap_params);
  w.Vec(t.snap_m);
  w.Vec(t.snap_v);
  w.Pod(int64_t(t.snap_t));
  w.Pod(t.snap_beta1_pow);
  w.Pod(t.snap_beta2_pow);
  w.Pod(int64_t(t.snap_step));
  w.Pod(uint64_t(t.snap_running.size()));
  for (const std::vector<float>& v : t.snap_running) w.Vec(v);
}
// Into a trainer set up for the same network and data; false (trainer untouched) on a mismatch.
inline bool ReadCheckpoint(Reader& r, cnn::Trainer* t) {
  cnn::Trainer c;  // the fields below only
  ReadRng(r, &c.shuffle_rng);
  ReadRng(r, &c.augment_rng);
  cnn::Rng drop;
  ReadRng(r, &drop);
  r.Vec(&c.order);
  c.need_shuffle = r.Pod<uint8_t>() != 0;
  c.window_loss = r.Pod<double>();
  c.window_correct = r.Pod<int64_t>();
  c.window_samples = r.Pod<int64_t>();
  c.window_steps = r.Pod<int64_t>();
  c.ema = r.Pod<double>();
  c.ema_decay_pow = r.Pod<double>();
  c.ema_log = r.Pod<double>();
  c.opt.t = r.Pod<int64_t>();
  c.opt.beta1_pow = r.Pod<double>();
  c.opt.beta2_pow = r.Pod<double>();
  r.Vec(&c.opt.m);
  r.Vec(&c.opt.v);
  c.have_snapshot = r.Pod<uint8_t>() != 0;
  r.Vec(&c.snap_params);
  r.Vec(&c.snap_m);
  r.Vec(&c.snap_v);
  c.snap_t = r.Pod<int64_t>();
  c.snap_beta1_pow = r.Pod<double>();
  c.snap_beta2_pow = r.Pod<double>();
  c.snap_step = r.Pod<int64_t>();
  const uint64_t k = r.Pod<uint64_t>();
  if (r.bad || k > t->net->state.size()) return false;
  c.snap_running.resize(size_t(k));
  for (auto& v : c.snap_running) r.Vec(&v);
  if (r.bad || c.opt.m.size() != t->opt.m.size() || c.opt.v.size() != t->opt.v.size()) return false;
  t->shuffle_rng = c.shuffle_rng;
  t->augment_rng = c.augment_rng;
  t->net->dropout_rng = drop;
  t->order = std::move(c.order);
  t->need_shuffle = c.need_shuffle;
  t->window_loss = c.window_loss;
  t->window_correct = c.window_correct;
  t->window_samples = c.window_samples;
  t->window_steps = c.window_steps;
  t->ema = c.ema;
  t->ema_decay_pow = c.ema_decay_pow;
  t->ema_log = c.ema_log;
  t->opt.t = c.opt.t;
  t->opt.beta1_pow = c.opt.beta1_pow;
  t->opt.beta2_pow = c.opt.beta2_pow;
  t->opt.m = std::move(c.opt.m);
  t->opt.v = std::move(c.opt.v);
  t->have_snapshot = c.have_snapshot;
  t->snap_params = std::move(c.snap_params);
  t->snap_m = std::move(c.snap_m);
  t->snap_v = std::move(c.snap_v);
  t->snap_t = c.snap_t;
  t->snap_beta1_pow = c.snap_beta1_pow;
  t->snap_beta2_pow = c.snap_beta2_pow;
  t->snap_step = c.snap_step;
  t->snap_running = std::move(c.snap_running);
  t->step_open = false;
  t->eval_pending = false;
  return true;
}

// The trainer's state after some work: counters, the history entries the page has not seen yet,
// the last evaluation and (at most ~10 times a second, and whenever the worker stops) the weights.
struct Report {
  int64_t step = 0, step_in_epoch = 0, samples_seen = 0, steps_left = 0;
  int32_t epoch = 0;
  uint8_t paused = 0, finished = 0, fault = 0, running = 0;
  std::string message;
  double samples_per_second = 0, train_ms = 0;
  uint64_t from_step = 0, from_eval = 0;  // history index of the first entry sent
  cnn::TrainHistory history;              // entries from from_step / from_eval on
  cnn::EvalResult last_eval;
  int64_t eval_waiting_step = -1;  // the step of the oldest evaluation not yet in the history; -1: none
  uint8_t has_weights = 0;         // then the network's state follows (ReadNetState), then
                                   // uint8 has_checkpoint and the checkpoint (ReadCheckpoint)
};

inline void WriteReport(Writer& w, const cnn::Trainer& t, int64_t steps_left, bool running, size_t from_step,
                        size_t from_eval, bool weights, bool checkpoint) {
  w.Pod(int64_t(t.step));
  w.Pod(int64_t(t.step_in_epoch));
  w.Pod(int64_t(t.samples_seen));
  w.Pod(int64_t(steps_left));
  w.Pod(int32_t(t.epoch));
  w.Pod(uint8_t(t.paused));
  w.Pod(uint8_t(t.finished));
  w.Pod(uint8_t(t.fault));
  w.Pod(uint8_t(running));
  w.Str(t.message);
  w.Pod(t.samples_per_second);
  w.Pod(t.train_ms);
  const cnn::TrainHistory& h = t.history;
  w.Pod(uint64_t(from_step));
  w.Tail(h.loss, from_step);
  w.Tail(h.loss_smooth, from_step);
  w.Tail(h.loss_smooth_log, from_step);
  w.Tail(h.lr, from_step);
  w.Pod(uint64_t(from_eval));
  w.Tail(h.eval_step, from_eval);
  w.Tail(h.eval_epoch, from_eval);
  w.Tail(h.train_loss, from_eval);
  w.Tail(h.train_acc, from_eval);
  w.Tail(h.test_loss, from_eval);
  w.Tail(h.test_acc, from_eval);
  w.Tail(h.test_error, from_eval);
  WriteEvalResult(w, t.last_eval);
  w.Pod(int64_t(t.evals_waiting.empty() ? -1 : t.evals_waiting.front().at_step));
  w.Pod(uint8_t(weights));
  if (weights) {
    WriteNetState(w, *t.net, true);
    // (a checkpoint holds no evaluation in progress: the page's trainer evaluates in place)
    checkpoint = checkpoint && !t.step_open && !t.eval_pending && t.evals_waiting.empty();
    w.Pod(uint8_t(checkpoint));
    if (checkpoint) WriteCheckpoint(w, t);
  }
}

// Reads a report up to its weights (which follow when has_weights: ReadNetState).
inline void ReadReport(Reader& r, Report* o) {
  o->step = r.Pod<int64_t>();
  o->step_in_epoch = r.Pod<int64_t>();
  o->samples_seen = r.Pod<int64_t>();
  o->steps_left = r.Pod<int64_t>();
  o->epoch = r.Pod<int32_t>();
  o->paused = r.Pod<uint8_t>();
  o->finished = r.Pod<uint8_t>();
  o->fault = r.Pod<uint8_t>();
  o->running = r.Pod<uint8_t>();
  o->message = r.Str();
  o->samples_per_second = r.Pod<double>();
  o->train_ms = r.Pod<double>();
  cnn::TrainHistory& h = o->history;
  o->from_step = r.Pod<uint64_t>();
  r.Vec(&h.loss);
  r.Vec(&h.loss_smooth);
  r.Vec(&h.loss_smooth_log);
  r.Vec(&h.lr);
  o->from_eval = r.Pod<uint64_t>();
  r.Vec(&h.eval_step);
  r.Vec(&h.eval_epoch);
  r.Vec(&h.train_loss);
  r.Vec(&h.train_acc);
  r.Vec(&h.test_loss);
  r.Vec(&h.test_acc);
  r.Vec(&h.test_error);
  ReadEvalResult(r, &o->last_eval);
  o->eval_waiting_step = r.Pod<int64_t>();
  o->has_weights = r.Pod<uint8_t>();
}

}  // namespace worker_protocol
