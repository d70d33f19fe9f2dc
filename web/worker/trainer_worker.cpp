// trainer_worker.cpp: the page's trainer in a dedicated Web Worker (issue 19): the engine without
// the interface, so training runs at the engine's speed while the page draws.
//
// web/shell/trainer_worker.js loads this build and hands every message from the page to
// cnn_worker_command; between messages it calls cnn_worker_tick, which trains for a slice of time
// and posts a report (counters, new history entries, the last evaluation and, at most ~10 times a
// second and whenever it stops, the weights). The page (web/session_worker.cpp) mirrors the report
// into its own engine instance, whose network the inspection views read.
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
};
WorkerState W;

constexpr double kWeightsEveryMs = 100;      // snapshots for the views: at most ~10 a second
constexpr double kCheckpointEveryMs = 1000;  // the whole trainer state: about once a second

// clang-format off
EM_JS(void, PostToPage, (const uint8_t* p, int n), {
  const b = HEAPU8.slice(p, p + n).buffer;
  postMessage(b, [b]);
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
  if (W.ready) {
    cnn::Trainer& t = W.trainer;
    if (t.history.loss.size() < W.sent_steps || t.history.eval_step.size() < W.sent_evals)
      W.sent_steps = W.sent_evals = 0;  // reset
    // A checkpoint (for the page to train on should this worker stop) every kCheckpointEveryMs
    // while busy, and with every report once stopped.
    const bool checkpoint = weights &&
                            (!(W.running || W.steps_left > 0) || now - W.last_checkpoint_ms >= kCheckpointEveryMs);
    wp::WriteReport(w, t, W.steps_left, W.running, W.sent_steps, W.sent_evals, weights, checkpoint);
    if (checkpoint && !t.step_open && !t.eval_pending) W.last_checkpoint_ms = now;
    W.sent_steps = t.history.loss.size();
    W.sent_evals = t.history.eval_step.size();
    if (weights) W.last_weights_ms = now;
  }
  PostToPage(w.bytes.data(), int(w.bytes.size()));
  W.dirty = false;
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
  if (!cnn::network_build_from_text(&W.net, model, std::max(batch, 1), &W.error)) return;
  if (cnn::LossKind(loss) != W.net.loss && !cnn::network_set_loss(&W.net, cnn::LossKind(loss), &W.error)) return;
  if (!cnn::trainer_setup(&W.trainer, &W.net, &W.data, cfg, &W.error)) return;
  W.error.clear();
  W.ready = true;
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
  const bool busy = W.running || W.steps_left > 0;
  // (a fault stops the work without a step: that is news too)
  const bool moved = t.step != before || W.dirty || was_busy;
  // While busy, weights at most every kWeightsEveryMs (counters and curves with them); when the
  // work stops, always (what the page shows paused is exactly the worker's state).
  if (!busy && moved) SendReport(true);
  else if (busy && cnn::now_ms() - W.last_weights_ms >= kWeightsEveryMs) {
    // Between steps, so the weights and gradients are a step's (a step of the Wide net in slices
    // may be half done): finish the open step (and an evaluation due), as the next tick would.
    while (W.running && (t.step_open || t.eval_pending) && !t.paused && !t.finished && t.fault == cnn::FaultKind::none)
      cnn::trainer_run_for(&t, 0);
    if (t.fault != cnn::FaultKind::none || t.finished) W.running = false;
    SendReport(true);
    return (W.running || W.steps_left > 0) ? 1 : 0;
  }
  return busy ? 1 : 0;
}

}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void cnn_worker_command(const uint8_t* p, int n) { Command(p, size_t(std::max(n, 0))); }
EMSCRIPTEN_KEEPALIVE int cnn_worker_tick(double budget_ms) { return Tick(budget_ms); }
EMSCRIPTEN_KEEPALIVE int cnn_worker_threads() { return W.threads; }
// trainer_worker.js, once loaded: the threads this worker's engine computes with (the count in effect).
EMSCRIPTEN_KEEPALIVE int cnn_worker_set_threads(int n) {
  W.threads = cnn::set_num_threads(n);
  return W.threads;
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
