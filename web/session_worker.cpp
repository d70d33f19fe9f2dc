// session_worker.cpp: the page's side of the training worker (issue 19). The trainer runs in a
// dedicated Web Worker (web/worker/trainer_worker.cpp, loaded by web/shell/trainer_worker.js and
// started by web/shell/trainer_client.js); the session's own trainer and network then MIRROR the
// worker's: each report brings the counters, the history entries not seen yet, the last
// evaluation and (at most ~10 a second, and whenever the worker stops) the weights, which go into
// the page's network, so the inspection views read them while training runs.
//
// Without a worker (no Worker in the browser, ?worker=0, or the worker failed to load or stopped),
// the session trains in the frame as before (session.cpp). A worker that stops mid-run hands over
// at its last report: the page keeps the curves and the weights (and, from the last checkpoint, the
// optimizer and data-order state, so the run goes on as it would have).
#include <algorithm>
#include <cstdio>

#include "cnn/kernels.h"
#include "session.h"
#include "worker/worker_protocol.h"

namespace wp = worker_protocol;

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "js_export.h"
#include "js_reply.h"
// clang-format off
EM_JS(int, WorkerJsStart, (), {
  return window.cnnTrainer && window.cnnTrainer.start(window.cnnSandboxBuild || 'simd') ? 1 : 0;
});
EM_JS(void, WorkerJsPost, (const uint8_t* p, int n), {
  const b = HEAPU8.slice(p, p + n).buffer;
  if (window.cnnTrainer) window.cnnTrainer.post(b);
});
// clang-format on
#else
static int WorkerJsStart() { return 0; }
static void WorkerJsPost(const uint8_t*, int) {}
#endif

bool SessionWorkerOn(const Session& s) { return s.worker.state != WorkerLink::kOff; }
bool SessionTrainsInWorker(const AppState& app) { return app.session && SessionWorkerOn(*app.session); }
int64_t SessionEvalWaitingStep(const AppState& app) {
  return SessionTrainsInWorker(app) ? app.session->worker.eval_waiting_step : -1;
}

void SessionWorkerStart(Session& s) {
  if (s.worker.started) return;
  s.worker.started = true;
  s.worker.state = WorkerJsStart() ? WorkerLink::kLoading : WorkerLink::kOff;
  if (s.worker.state == WorkerLink::kOff)
    s.worker.failure = "no worker in this page (a browser without Web Workers, or ?worker=0)";
}

static void Post(Session& s, const wp::Writer& w) { WorkerJsPost(w.bytes.data(), int(w.bytes.size())); }
static wp::Header Head(Session& s, uint32_t type) { return wp::Header{type, ++s.worker.seq, s.worker.gen}; }

static std::string DataKey(const Session& s) { return s.data_name + "#" + std::to_string(s.data_revision); }

void SessionWorkerSetup(AppState& app, Session& s) {
  if (!SessionWorkerOn(s)) return;
  WorkerLink& wl = s.worker;
  wl.gen++;
  wp::Writer w;
  const wp::Header h = Head(s, wp::kSetup);
  wl.ctl_seq = wl.base_seq = h.seq;
  wp::WriteHeader(w, h);
  w.Str(s.net_text);
  w.Pod(int32_t(std::max(app.settings.batch, 1)));
  w.Pod(int32_t(s.net.loss));
  wp::WriteSettings(w, app.settings);
  const std::string key = DataKey(s);
  const cnn::DatasetInfo* info = CatalogInfo(s.data_name);
  if (key == wl.data_key) {
    w.Pod(uint8_t(wp::kDataSame));
  } else if (info && !info->needs_files && !IsUploadName(s.data_name)) {
    w.Pod(uint8_t(wp::kDataGenerated));  // made from its name and seed 1, as LoadDataset does
    w.Str(s.data_name);
    w.Pod(uint64_t(1));
  } else {
    w.Pod(uint8_t(wp::kDataBytes));  // once per dataset: the worker keeps it
    wp::WriteDataset(w, s.data);
  }
  wl.data_key = key;
  Post(s, w);
  wl.kernels_sent = -1;
  SessionWorkerSync(app, s);
}

void SessionWorkerConfig(AppState& app, Session& s) {
  if (!SessionWorkerOn(s)) return;
  wp::Writer w;
  wp::WriteHeader(w, Head(s, wp::kConfig));
  wp::WriteSettings(w, app.settings);
  Post(s, w);
}

void SessionWorkerCommand(Session& s, uint32_t type, int32_t arg) {
  if (!SessionWorkerOn(s)) return;
  wp::Writer w;
  const wp::Header h = Head(s, type);
  wp::WriteHeader(w, h);
  if (type == wp::kStep || type == wp::kThreads) w.Pod(arg);
  if (type == wp::kKernels) w.Pod(uint8_t(arg));
  Post(s, w);
  s.worker.ctl_seq = h.seq;
  if (type == wp::kReset) s.worker.base_seq = h.seq;
}

void SessionWorkerWeights(Session& s) {
  if (!SessionWorkerOn(s) || !s.ready) return;
  wp::Writer w;
  wp::WriteHeader(w, Head(s, wp::kWeights));
  wp::WriteNetState(w, s.net, false);
  Post(s, w);
}

// Every frame: what the worker must follow that is not a command (the SIMD switch).
void SessionWorkerSync(AppState& app, Session& s) {
  (void)app;
  if (!SessionWorkerOn(s)) return;
  const int k = cnn::kernel_set() == cnn::KernelSet::reference ? 1 : 0;
  if (k != s.worker.kernels_sent) {
    s.worker.kernels_sent = k;
    SessionWorkerCommand(s, wp::kKernels, k);
  }
}

template <class T>
static void Splice(std::vector<T>* into, size_t from, const std::vector<T>& tail) {
  into->resize(std::min(into->size(), from));
  into->insert(into->end(), tail.begin(), tail.end());
}

// A report from the worker: the page's trainer and network take its state. restore: the bytes of
// the last report that carried a checkpoint, applied again after the worker stopped (history and
// counters go back to that step; the page trains on from there).
static bool ApplyReport(AppState& app, Session& s, const uint8_t* p, size_t n, bool restore) {
  WorkerLink& wl = s.worker;
  wp::Reader r(p, n);
  const wp::Header h = wp::ReadHeader(r);
  if (r.bad || h.type != wp::kReport || h.gen != wl.gen || h.seq < wl.base_seq || !s.ready)
    return false;  // an older network or run
  const bool ok = r.Pod<uint8_t>() != 0;
  const std::string error = r.Str();
  wl.threads = r.Pod<int32_t>();
  wl.report_every_ms = r.Pod<int32_t>();
  wl.evaluator = r.Pod<uint8_t>();
  wl.evaluator_failure = r.Str();
  wl.evaluator_answers = r.Pod<int64_t>();
  wl.steps_beside = r.Pod<int64_t>();
  if (!ok) {
    if (!restore) SessionWorkerFailed(app, "it could not set up this network (" + error + ")");
    return false;
  }
  wp::Report rep;
  wp::ReadReport(r, &rep);
  if (r.bad) return false;
  cnn::Trainer& t = s.trainer;
  cnn::TrainHistory& hi = t.history;
  // A report's history continues the page's (reports arrive in order; a reset starts at 0).
  if (rep.from_step > hi.loss.size() || rep.from_eval > hi.eval_step.size()) return false;
  if (restore) {  // the entries are the page's already: cut what came after the checkpoint
    const size_t k = rep.from_step + rep.history.loss.size(), e = rep.from_eval + rep.history.eval_step.size();
    for (auto* v : {&hi.loss, &hi.loss_smooth, &hi.loss_smooth_log, &hi.lr}) v->resize(std::min(v->size(), k));
    for (auto* v :
         {&hi.eval_step, &hi.eval_epoch, &hi.train_loss, &hi.train_acc, &hi.test_loss, &hi.test_acc, &hi.test_error})
      v->resize(std::min(v->size(), e));
  } else {
    Splice(&hi.loss, rep.from_step, rep.history.loss);
    Splice(&hi.loss_smooth, rep.from_step, rep.history.loss_smooth);
    Splice(&hi.loss_smooth_log, rep.from_step, rep.history.loss_smooth_log);
    Splice(&hi.lr, rep.from_step, rep.history.lr);
    Splice(&hi.eval_step, rep.from_eval, rep.history.eval_step);
    Splice(&hi.eval_epoch, rep.from_eval, rep.history.eval_epoch);
    Splice(&hi.train_loss, rep.from_eval, rep.history.train_loss);
    Splice(&hi.train_acc, rep.from_eval, rep.history.train_acc);
    Splice(&hi.test_loss, rep.from_eval, rep.history.test_loss);
    Splice(&hi.test_acc, rep.from_eval, rep.history.test_acc);
    Splice(&hi.test_error, rep.from_eval, rep.history.test_error);
    if (rep.samples_seen > t.samples_seen) app.stats.sps_window_samples += rep.samples_seen - t.samples_seen;
  }
  const int64_t step_before = t.step;
  t.step = rep.step;
  t.step_in_epoch = rep.step_in_epoch;
  t.samples_seen = rep.samples_seen;
  t.epoch = rep.epoch;
  t.samples_per_second = rep.samples_per_second;
  t.train_ms = rep.train_ms;
  t.last_eval = rep.last_eval;
  wl.eval_waiting_step = restore ? -1 : rep.eval_waiting_step;
  bool checkpoint = false;
  if (rep.has_weights) {
    if (wp::ReadNetState(r, &s.net)) {
      wl.weights_step = rep.step;
      wl.snapshots++;
    }
    checkpoint = r.Pod<uint8_t>() != 0 && !r.bad;
    if (checkpoint && restore && !wp::ReadCheckpoint(r, &t)) return false;
  }
  if (restore) {
    t.finished = rep.finished != 0;
    t.fault = cnn::FaultKind(rep.fault);
    t.message = rep.message;
    // Steps asked for that the worker had done after the checkpoint are to be done again here.
    if (app.pending_steps > 0 && step_before > t.step) app.pending_steps += int(step_before - t.step);
    SessionSyncRun(app);
    return true;
  }
  if (checkpoint) {
    wl.checkpoint.assign(p, p + n);
    wl.checkpoint_step = rep.step;
  }
  // What is running, stopped or asked for: only a report that saw the page's last command says so
  // (an older one could undo a Train or a Step the worker has not read yet).
  if (h.seq >= wl.ctl_seq) {
    t.paused = rep.paused != 0;
    t.finished = rep.finished != 0;
    t.fault = cnn::FaultKind(rep.fault);
    t.message = rep.message;
    app.pending_steps = int(std::min<int64_t>(rep.steps_left, 1 << 30));
  }
  wl.reports++;
  SessionSyncRun(app);  // the curves with the counters, as in-frame training has them
  return true;
}

void SessionWorkerFailed(AppState& app, const std::string& why) {
  Session& s = SessionGet(app);
  if (!SessionWorkerOn(s)) return;
  // The page trains on in the frame from the worker's last checkpoint (its trainer's state then:
  // the steps after it are done again, the same way); without one (the worker stopped before its
  // first report), from where the page's own trainer is, which is where the worker started.
  const bool restored = !s.worker.checkpoint.empty() &&
                        ApplyReport(app, s, s.worker.checkpoint.data(), s.worker.checkpoint.size(), true);
  s.worker.state = WorkerLink::kOff;
  s.worker.failure = why;
  s.worker.eval_waiting_step = -1;
  s.worker.checkpoint.clear();
  char buf[500];
  std::snprintf(buf, sizeof buf,
                "The training worker stopped: %s. Training goes on in this page (slower) from step %lld%s.",
                why.c_str(), (long long)s.trainer.step,
                restored ? ", its last checkpoint: the run continues as it would have" : "");
  app.status = buf;
  app.status_is_error = true;
}

#ifdef __EMSCRIPTEN__
// trainer_client.js: a report (bytes copied into the heap), or the worker failed (kind 2) / is ready (kind 1).
CNN_EXPORT void cnn_worker_report(const uint8_t* p, int n) {
  AppState& app = AppGlobal();
  Session& s = SessionGet(app);
  if (ApplyReport(app, s, p, size_t(std::max(n, 0)), false) && s.worker.state == WorkerLink::kLoading)
    s.worker.state = WorkerLink::kReady;
}
CNN_EXPORT void cnn_worker_event(int kind, const char* message) {
  AppState& app = AppGlobal();
  Session& s = SessionGet(app);
  if (kind == 1 && s.worker.state == WorkerLink::kLoading) s.worker.state = WorkerLink::kReady;
  if (kind == 2) SessionWorkerFailed(app, message ? message : "unknown error");
}
#endif

#ifdef __EMSCRIPTEN__
// cnnSandbox.trainerState(): where training runs and what the worker has sent (tests, the bench).
// evaluator: who evaluates the worker's evaluation points ('worker': a worker of its own, beside
// training; 'loading': that worker is starting, the trainer evaluates meanwhile; 'trainer': the
// training worker itself, between steps; 'page' without a worker).
CNN_EXPORT const char* cnn_get_worker_state() {
  AppState& app = AppGlobal();
  const Session& s = SessionGet(app);
  const WorkerLink& wl = s.worker;
  nlohmann::json j;
  j["where"] = SessionWorkerOn(s) ? "worker" : "page";
  j["state"] = wl.state == WorkerLink::kReady ? "ready" : wl.state == WorkerLink::kLoading ? "loading" : "off";
  j["threads"] = wl.threads;
  j["reportEveryMs"] = wl.report_every_ms;
  j["reports"] = wl.reports;
  j["snapshots"] = wl.snapshots;
  j["weightsStep"] = wl.weights_step;
  j["checkpointStep"] = wl.checkpoint_step;
  j["failure"] = wl.failure;
  j["evaluator"] = !SessionWorkerOn(s) ? "page"
                   : wl.evaluator == 2 ? "worker"
                   : wl.evaluator == 1 ? "loading"
                                       : "trainer";
  j["evaluatorFailure"] = wl.evaluator_failure;
  j["evalWaitingStep"] = wl.eval_waiting_step;
  j["evaluatorAnswers"] = wl.evaluator_answers;  // evaluations the evaluator made
  j["stepsBeside"] = wl.steps_beside;            // steps the trainer took while one was being made
  return JsonReply(app, j);
}
#endif
