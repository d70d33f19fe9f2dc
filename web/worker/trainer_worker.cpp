// trainer_worker.cpp: the page's trainer in a dedicated Web Worker (issue 19): the engine without
// the interface, so training runs at the engine's speed while the page draws.
//
// web/shell/trainer_worker.js loads this build and hands every message from the page to
// cnn_worker_command; between messages it calls cnn_worker_tick, which trains for a slice of time
// and posts a report (counters, new history entries, the last evaluation and, at most ~10 times a
// second (5 when it trains on every core) and whenever it stops, the weights). The page
// (web/session_worker.cpp) mirrors the report into its own engine instance, whose network the
// inspection views read.
//
// Evaluations run beside training: trainer_worker.js starts a second worker, the evaluator (this
// build, one thread, cnn_evaluator_command), and this trainer hands it each evaluation point's
// network state (cnn::Trainer::eval_elsewhere) and trains on; the answers come back in order and
// enter the history as the in-place evaluation would have made them, bit for bit. Without an
// evaluator (none in this browser, ?evaluator=0, or it failed), or for requests it had not answered
// when it failed, this worker evaluates them itself, on a second network.
//
// Meanings are the page's: Step is one minibatch (trainer_step), Pause stops between steps, a
// numerical fault pauses with the last good weights (the trainer restores them; the report carries
// them), and the trainer, network and data are the same code the page and `cnn-sandbox train` run,
// so the same seed gives the same curve bit for bit.
#include <emscripten.h>

#include <algorithm>
#include <string>

#include "cnn/bench.h"
#include "cnn/data.h"
#include "cnn/kernels.h"
#include "cnn/net.h"
#include "cnn/parallel.h"
#include "cnn/train.h"
#include "worker_protocol.h"

namespace wp = worker_protocol;

namespace {

struct WorkerState {
  int32_t gen = -1;  // the page's setup generation this trainer belongs to
  uint32_t seq = 0;  // the last command done
  cnn::Dataset data;
  bool have_data = false;
  cnn::Network net;
  cnn::Trainer trainer;
  bool ready = false;                     // trainer_setup succeeded
  std::string error;                      // why not ready
  bool running = false;                   // Train pressed and not paused (nor finished, nor faulted)
  int64_t steps_left = 0;                 // minibatches asked for by Step commands and not yet done
  size_t sent_steps = 0, sent_evals = 0;  // history entries the page has
  bool dirty = false;                     // a command changed something the page has not been told
  double last_weights_ms = -1e9, last_checkpoint_ms = -1e9;
  int threads = 1;  // kThreads; the engine honours it where built with threads
  // Reports with weights while busy, at most one every this many ms (trainer_worker.js sets it: 200
  // when this trainer computes on every core the machine has, since each report the page draws then
  // takes a core's time from training; else 100).
  double report_every_ms = 100;
  // The setup's network, to build the evaluating one from.
  std::string model;
  int batch = 1, loss = 0;
  uint32_t setups = 0, data_serial = 0;  // Setups done, datasets taken
  // The evaluator: in use, what it has been sent, and why it is not in use.
  bool evaluator = false;
  bool evaluator_loading = false;  // started, not ready yet
  uint32_t eval_setup_sent = 0, eval_data_sent = 0;
  std::string evaluator_failure;
  int64_t evaluator_answers = 0;  // evaluations the evaluator made (taken into the history)
  int64_t steps_beside = 0;       // steps taken while an evaluation was with the evaluator
  // Evaluations done here (no evaluator): a network built from `model` when first needed.
  cnn::Network eval_net;
  uint32_t eval_net_setup = 0;
};
WorkerState W;

// The evaluator's side (the same build in the other worker).
struct EvaluatorState {
  cnn::Network net;
  cnn::Dataset data;
  bool ready = false;
  std::string error;
};
EvaluatorState E;

constexpr double kCheckpointEveryMs = 1000;  // the whole trainer state: about once a second

// clang-format off
EM_JS(void, PostToPage, (const uint8_t* p, int n), {
  const b = HEAPU8.slice(p, p + n).buffer;
  postMessage(b, [b]);
});
// (trainer_worker.js defines it while it has an evaluator)
EM_JS(void, PostToEvaluator, (const uint8_t* p, int n), {
  const b = HEAPU8.slice(p, p + n).buffer;
  if (self.cnnPostToEvaluator) self.cnnPostToEvaluator(b);
});
// The evaluator's JS Worker, ended when this trainer gives it up for an answer it could not read or
// an error it reported (it would idle until the page closes otherwise).
EM_JS(void, DropEvaluatorWorker, (), {
  if (self.cnnDropEvaluator) self.cnnDropEvaluator();
});
// clang-format on

// An error report (setup failed): a report with the trainer's counters at zero and the message.
void SendReport(bool weights) {
  const double now = cnn::now_ms();
  wp::Writer w;
  wp::WriteHeader(w, wp::Header{wp::kReport, W.seq, W.gen});
  w.Pod(uint8_t(W.ready));
  w.Str(W.error);
  w.Pod(int32_t(W.threads));
  w.Pod(int32_t(W.report_every_ms));
  w.Pod(uint8_t(W.evaluator ? 2 : W.evaluator_loading ? 1 : 0));
  w.Str(W.evaluator_failure);
  w.Pod(W.evaluator_answers);
  w.Pod(W.steps_beside);
  if (W.ready) {
    cnn::Trainer& t = W.trainer;
    if (t.history.loss.size() < W.sent_steps || t.history.eval_step.size() < W.sent_evals)
      W.sent_steps = W.sent_evals = 0;  // reset
    // A checkpoint (for the page to train on should this worker stop) every kCheckpointEveryMs
    // while busy, and with every report once stopped.
    const bool checkpoint = weights &&
                            (!(W.running || W.steps_left > 0) || now - W.last_checkpoint_ms >= kCheckpointEveryMs);
    wp::WriteReport(w, t, W.steps_left, W.running, W.sent_steps, W.sent_evals, weights, checkpoint);
    if (checkpoint && !t.step_open && !t.eval_pending && t.evals_waiting.empty()) W.last_checkpoint_ms = now;
    W.sent_steps = t.history.loss.size();
    W.sent_evals = t.history.eval_step.size();
    if (weights) W.last_weights_ms = now;
  }
  PostToPage(w.bytes.data(), int(w.bytes.size()));
  W.dirty = false;
}

// Builds a network from the setup's model text (the evaluating network: the evaluator's or this
// worker's own).
bool BuildLike(cnn::Network* net, const std::string& model, int batch, int loss, std::string* err) {
  if (!cnn::network_build_from_text(net, model, batch, err)) return false;
  return cnn::LossKind(loss) == net->loss || cnn::network_set_loss(net, cnn::LossKind(loss), err);
}

void Setup(wp::Reader& r) {
  const std::string model = r.Str();
  const int batch = r.Pod<int32_t>();
  const int loss = r.Pod<int32_t>();
  const cnn::Settings settings = wp::ReadSettings(r);
  const uint8_t mode = r.Pod<uint8_t>();
  W.ready = false;
  W.running = false;
  W.steps_left = 0;
  W.sent_steps = W.sent_evals = 0;
  if (mode == wp::kDataGenerated) {
    const std::string name = r.Str();
    cnn::DataOptions opt;
    opt.seed = r.Pod<uint64_t>();
    if (r.bad) {
      W.error = "the page's setup message was cut short";
      return;
    }
    cnn::Dataset d;
    if (!cnn::dataset_make(name, opt, &d, &W.error)) {
      W.have_data = false;
      return;
    }
    W.data = std::move(d);
    W.have_data = true;
    W.data_serial++;
  } else if (mode == wp::kDataBytes) {
    cnn::Dataset d;
    wp::ReadDataset(r, &d);
    if (r.bad) {
      W.error = "the page's dataset message was cut short";
      W.have_data = false;
      return;
    }
    W.data = std::move(d);
    W.have_data = true;
    W.data_serial++;
  }
  if (r.bad) {
    W.error = "the page's setup message was cut short";
    return;
  }
  if (!W.have_data) {
    W.error = "no dataset in the worker";
    return;
  }
  cnn::TrainConfig cfg = cnn::train_config_from_settings(settings);
  if (!cnn::train_config_check(cfg, &W.error)) return;
  if (!BuildLike(&W.net, model, std::max(batch, 1), loss, &W.error)) return;
  W.trainer.eval_elsewhere = W.evaluator;
  if (!cnn::trainer_setup(&W.trainer, &W.net, &W.data, cfg, &W.error)) return;
  W.model = model;
  W.batch = std::max(batch, 1);
  W.loss = loss;
  W.setups++;
  W.error.clear();
  W.ready = true;
}

// ---- evaluations ---------------------------------------------------------------------------------

// Answers every waiting request here (no evaluator, or it stopped before answering them).
void EvaluateHere() {
  cnn::Trainer& t = W.trainer;
  while (!t.evals_waiting.empty()) {
    const cnn::EvalRequest& q = t.evals_waiting.front();
    cnn::EvalResult r = cnn::evaluate_start(W.data);
    std::string err;
    if (W.eval_net_setup != W.setups) {
      W.eval_net_setup = BuildLike(&W.eval_net, W.model, W.batch, W.loss, &err) ? W.setups : 0;
    }
    if (W.eval_net_setup != W.setups || !cnn::evaluate_request(&W.eval_net, W.data, q, &r, &err)) {
      t.message = "an evaluation could not be made: " + err;  // the point shows nothing evaluated
      r = cnn::evaluate_start(W.data);
      cnn::evaluate_finish(&r);
    }
    cnn::trainer_eval_answer(&t, q.id, r);
    W.dirty = true;
  }
}

// The evaluator stopped (or never came): this worker evaluates from now on, starting with what
// the evaluator had not answered.
void EvaluatorLost(const std::string& why) {
  DropEvaluatorWorker();
  W.evaluator = W.evaluator_loading = false;
  W.evaluator_failure = why;
  W.trainer.eval_elsewhere = false;
  if (W.ready) EvaluateHere();
  W.dirty = true;
}

// Hands the evaluator the requests it has not had (after the network and data, when they are new).
void SendEvalRequests() {
  cnn::Trainer& t = W.trainer;
  if (!W.ready || !W.evaluator) return;
  bool any = false;
  for (const cnn::EvalRequest& q : t.evals_waiting) any = any || !q.sent;
  if (!any) return;
  if (W.eval_setup_sent != W.setups) {
    wp::Writer w;
    wp::WriteHeader(w, wp::Header{wp::kEvalSetup, 0, W.gen});
    w.Str(W.model);
    w.Pod(int32_t(W.batch));
    w.Pod(int32_t(W.loss));
    const bool data = W.eval_data_sent != W.data_serial;
    w.Pod(uint8_t(data));
    if (data) wp::WriteDataset(w, W.data, false);
    PostToEvaluator(w.bytes.data(), int(w.bytes.size()));
    W.eval_setup_sent = W.setups;
    W.eval_data_sent = W.data_serial;
  }
  const uint8_t kernels = cnn::kernel_set() == cnn::KernelSet::reference ? 1 : 0;
  for (cnn::EvalRequest& q : t.evals_waiting) {
    if (q.sent) continue;
    wp::Writer w;
    wp::WriteHeader(w, wp::Header{wp::kEvalRun, 0, W.gen});
    w.Pod(kernels);
    wp::WriteEvalRequest(w, q);
    PostToEvaluator(w.bytes.data(), int(w.bytes.size()));
    q.sent = true;
  }
}

// An answer from the evaluator.
void EvalAnswer(const uint8_t* p, size_t n) {
  wp::Reader r(p, n);
  const wp::Header h = wp::ReadHeader(r);
  const uint64_t id = r.Pod<uint64_t>();
  const bool ok = r.Pod<uint8_t>() != 0;
  const std::string error = r.Str();
  cnn::EvalResult e;
  wp::ReadEvalResult(r, &e);
  if (r.bad || h.type != wp::kEvalAnswer) {
    EvaluatorLost("its answer was cut short");
    return;
  }
  if (!ok) {
    EvaluatorLost(error);
    return;
  }
  if (W.ready && cnn::trainer_eval_answer(&W.trainer, id, e)) {  // else a dropped run's
    W.evaluator_answers++;
    W.dirty = true;
  }
}

// The evaluator: one command at a time, each answered at once.
void EvaluatorCommand(const uint8_t* p, size_t n) {
  wp::Reader r(p, n);
  const wp::Header h = wp::ReadHeader(r);
  if (r.bad) return;
  if (h.type == wp::kEvalSetup) {
    const std::string model = r.Str();
    const int batch = r.Pod<int32_t>();
    const int loss = r.Pod<int32_t>();
    if (r.Pod<uint8_t>()) wp::ReadDataset(r, &E.data);
    E.ready = false;
    if (r.bad) E.error = "the trainer's setup message was cut short";
    else if (BuildLike(&E.net, model, std::max(batch, 1), loss, &E.error)) E.ready = true;
    return;
  }
  if (h.type != wp::kEvalRun) return;
  const uint8_t kernels = r.Pod<uint8_t>();
  cnn::EvalRequest q;
  wp::ReadEvalRequest(r, &q);
  cnn::EvalResult e;
  std::string err = E.error;
  bool ok = false;
  if (r.bad) err = "the trainer's evaluation message was cut short";
  else if (E.ready) {
    cnn::set_kernel_set(kernels ? cnn::KernelSet::reference : cnn::KernelSet::simd);
    ok = cnn::evaluate_request(&E.net, E.data, q, &e, &err);
  }
  wp::Writer w;
  wp::WriteHeader(w, wp::Header{wp::kEvalAnswer, 0, h.gen});
  w.Pod(uint64_t(q.id));
  w.Pod(uint8_t(ok));
  w.Str(ok ? std::string() : "the evaluator could not evaluate (" + err + ")");
  wp::WriteEvalResult(w, e);
  PostToPage(w.bytes.data(), int(w.bytes.size()));  // to its parent: the trainer
}

void Command(const uint8_t* p, size_t n) {
  wp::Reader r(p, n);
  const wp::Header h = wp::ReadHeader(r);
  if (r.bad) return;
  W.seq = h.seq;
  W.dirty = true;
  if (h.type == wp::kSetup) {
    W.gen = h.gen;
    Setup(r);
    return;
  }
  if (h.type == wp::kThreads) {
    W.threads = cnn::set_num_threads(std::max(1, r.Pod<int32_t>()));  // 1 in a build without threads
    return;
  }
  if (h.type == wp::kKernels) {
    cnn::set_kernel_set(r.Pod<uint8_t>() ? cnn::KernelSet::reference : cnn::KernelSet::simd);
    return;
  }
  if (h.gen != W.gen || !W.ready) return;  // for a network this worker no longer has
  cnn::Trainer& t = W.trainer;
  switch (h.type) {
    case wp::kConfig: {
      const cnn::Settings s = wp::ReadSettings(r);
      std::string err;
      if (!r.bad && !cnn::trainer_update_config(&t, cnn::train_config_from_settings(s), &err)) t.message = err;
      break;
    }
    case wp::kTrain:
      cnn::trainer_resume(&t);
      W.running = !t.finished;
      break;
    case wp::kPause:
      cnn::trainer_pause(&t);
      W.running = false;
      W.steps_left = 0;
      break;
    case wp::kStep: W.steps_left += std::max(1, r.Pod<int32_t>()); break;
    case wp::kReset:
      cnn::trainer_reset(&t);
      cnn::trainer_pause(&t);
      W.running = false;
      W.steps_left = 0;
      break;
    case wp::kWeights:
      if (!wp::ReadNetState(r, &W.net)) t.message = "the page's weights do not fit the worker's network";
      break;
    default: break;
  }
}

// Trains for about budget_ms: Step's minibatches first (as the page does), else a training slice.
// Returns 1 while there is more to do.
int Tick(double budget_ms) {
  if (!W.ready) {
    if (W.dirty) SendReport(false);
    return 0;
  }
  cnn::Trainer& t = W.trainer;
  const int64_t before = t.step;
  const bool was_busy = W.running || W.steps_left > 0;
  // (answers come in between ticks: one waiting now waits through this tick's steps)
  const bool beside = W.evaluator && !t.evals_waiting.empty();
  if (W.steps_left > 0) {
    cnn::trainer_step_for(&t, &W.steps_left, budget_ms);
  } else if (W.running) {
    cnn::trainer_run_for(&t, budget_ms);
  }
  if (t.fault != cnn::FaultKind::none) {
    W.running = false;
    W.steps_left = 0;
  }
  if (t.finished) W.running = false;
  if (beside) W.steps_beside += t.step - before;
  SendEvalRequests();  // (without an evaluator nothing waits: EvaluatorLost answered it all)
  const bool busy = W.running || W.steps_left > 0;
  // Nothing to do until the evaluator answers: the answer ticks again (no spinning meanwhile).
  const bool stalled = !t.evals_waiting.empty() && (cnn::trainer_eval_blocked(&t) || t.epoch >= t.cfg.epochs || !busy);
  // (a fault stops the work without a step: that is news too)
  const bool moved = t.step != before || W.dirty || was_busy;
  // While busy, weights at most every report_every_ms (counters and curves with them); when the
  // work stops, always (what the page shows paused is exactly the worker's state).
  if (!busy && moved) SendReport(true);
  else if (busy && cnn::now_ms() - W.last_weights_ms >= W.report_every_ms) {
    // Between steps, so the weights and gradients are a step's (a step of the Wide net in slices
    // may be half done): finish the open step (and an evaluation due), as the next tick would.
    while (W.running && (t.step_open || t.eval_pending) && !t.paused && !t.finished && t.fault == cnn::FaultKind::none)
      cnn::trainer_run_for(&t, 0);
    if (t.fault != cnn::FaultKind::none || t.finished) W.running = false;
    SendReport(true);
    return (W.running || W.steps_left > 0) && !stalled ? 1 : 0;
  }
  return busy && !stalled ? 1 : 0;
}

}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void cnn_worker_command(const uint8_t* p, int n) { Command(p, size_t(std::max(n, 0))); }
EMSCRIPTEN_KEEPALIVE int cnn_worker_tick(double budget_ms) { return Tick(budget_ms); }
EMSCRIPTEN_KEEPALIVE int cnn_worker_threads() { return W.threads; }
// trainer_worker.js: the evaluator is loading (2), ready (1), or stopped or could not start (0, with why).
EMSCRIPTEN_KEEPALIVE void cnn_worker_set_evaluator(int on, const char* why_p, int why_n) {
  if (on == 2) {
    W.evaluator_loading = true;
    W.dirty = true;
  } else if (on) {
    W.evaluator = true;
    W.evaluator_loading = false;
    W.evaluator_failure.clear();
    W.eval_setup_sent = W.eval_data_sent = 0;
    W.trainer.eval_elsewhere = true;
    W.dirty = true;
  } else {
    EvaluatorLost(std::string(why_p, size_t(std::max(why_n, 0))));
  }
}
// trainer_worker.js: an answer from the evaluator.
EMSCRIPTEN_KEEPALIVE void cnn_worker_eval_answer(const uint8_t* p, int n) { EvalAnswer(p, size_t(std::max(n, 0))); }
// The evaluator's trainer_worker.js: a command from its trainer.
EMSCRIPTEN_KEEPALIVE void cnn_evaluator_command(const uint8_t* p, int n) {
  EvaluatorCommand(p, size_t(std::max(n, 0)));
}
// trainer_worker.js, once loaded: the threads this worker's engine computes with (the count in effect).
EMSCRIPTEN_KEEPALIVE int cnn_worker_set_threads(int n) {
  W.threads = cnn::set_num_threads(n);
  return W.threads;
}
// trainer_worker.js, once loaded: the reports' interval while busy, in ms (clamped to 20..1000).
EMSCRIPTEN_KEEPALIVE int cnn_worker_set_report_every(int ms) {
  W.report_every_ms = std::clamp(ms, 20, 1000);
  return int(W.report_every_ms);
}
// A benchmark in this worker's engine (trainer_worker.js's {type: 'bench'} message: bench/compare.mjs,
// tests/browser/threads.test.mjs): cnn::bench_model with the thread counts of `threads` side by side
// (each checked to give the first one's bits), as bench_model_json's JSON or {"error": "..."}.
EMSCRIPTEN_KEEPALIVE const char* cnn_worker_bench(const char* model, int train, int batch, int runs, const int* threads,
                                                  int n_threads) {
  static std::string out;
  cnn::ModelBenchConfig c;
  c.name = "model";
  c.text = model;
  c.train = train != 0;
  c.batch = batch;
  c.runs = runs;
  c.threads.assign(threads, threads + std::max(n_threads, 0));
  cnn::ModelBenchResult r;
  std::string err;
  const int before = cnn::num_threads();
  out = cnn::bench_model(c, &r, &err) == 0 ? cnn::bench_model_json(c, r) : "";
  cnn::set_num_threads(before);
  if (out.empty()) {
    std::string e;
    for (char ch : err) e += ch == '"' || ch == '\\' ? ' ' : ch;
    out = "{\"error\": \"" + e + "\"}";
  }
  return out.c_str();
}
}
