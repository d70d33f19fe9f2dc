// js_api_share.cpp: window.cnnSandbox's links, model files and run read-outs (web/shell/share.js).
#include <algorithm>

#include "app.h"
#include "js_export.h"
#include "js_reply.h"
#include "nlohmann/json.hpp"
#include "session.h"

CNN_EXPORT const char* cnn_share_fragment() {
  AppState& app = AppGlobal();
  app.js_out = ShareCurrentFragment(app);
  return app.js_out.c_str();
}

// 1 = applied; 0 = refused (the message is in cnn_share_info().error and the status line).
CNN_EXPORT int cnn_share_apply(const char* fragment) {
  AppState& app = AppGlobal();
  std::string err;
  if (!ShareApplyFragment(app, fragment ? fragment : "", &err)) {
    app.share.load_error = err;
    app.share.written.clear();  // put the lab's own fragment back into the address bar
    app.status = err;
    app.status_is_error = true;
    return 0;
  }
  app.share.load_error.clear();
  return 1;
}

CNN_EXPORT const char* cnn_share_info() {
  AppState& app = AppGlobal();
  const ShareState& sh = app.share;
  nlohmann::json j;
  j["embed"] = sh.embed;
  j["locked"] = sh.locked;
  j["restoredFrom"] = sh.restored_from;
  j["loadError"] = sh.load_error;
  j["fragment"] = sh.current;
  j["autosaves"] = sh.autosaves;
  j["copiedLink"] = sh.copied_link;
  j["fileMessage"] = sh.file_message;
  j["fileMessageIsError"] = sh.file_message_is_error;
  j["panels"] = sh.panels;
  return JsonReply(app, j);
}

// Curves of the current (or last) run: exactly the vectors the plots draw.
CNN_EXPORT const char* cnn_share_metrics() {
  AppState& app = AppGlobal();
  nlohmann::json j;
  j["steps"] = SessionStepCount(app);
  j["stepsPerEpoch"] = SessionStepsPerEpoch(app);
  j["epochProgress"] = SessionEpochProgress(app);
  j["epoch"] = app.session && app.session->ready ? app.session->trainer.epoch : 0;
  j["training"] = app.training;
  j["pendingSteps"] = app.pending_steps;
  const Run* r = app.current_run >= 0 && app.current_run < int(app.runs.size()) ? &app.runs[size_t(app.current_run)]
                 : app.runs.empty()                                             ? nullptr
                                                                                : &app.runs.back();
  j["run"] = r ? r->label : "";
  j["step"] = r ? r->step : std::vector<float>();
  j["loss"] = r ? r->loss : std::vector<float>();
  j["smoothLoss"] = r ? r->smooth : std::vector<float>();
  j["evalStep"] = r ? r->eval_step : std::vector<float>();
  j["testLoss"] = r ? r->test_loss : std::vector<float>();
  j["testAccuracy"] = r ? r->test_acc : std::vector<float>();
  j["lastLoss"] = r && !r->loss.empty() ? nlohmann::json(r->loss.back()) : nlohmann::json(nullptr);
  j["lastTestAccuracy"] = r && !r->test_acc.empty() ? nlohmann::json(r->test_acc.back()) : nlohmann::json(nullptr);
  return JsonReply(app, j);
}

// Epochs completed with their evaluations in the curves (onEpoch's metrics hold the epoch's last
// evaluation): while the worker's evaluator is still at a point of epoch k, epoch k is not done yet.
CNN_EXPORT int cnn_share_epoch() {
  AppState& app = AppGlobal();
  if (!app.session || !app.session->ready) return 0;
  const cnn::Trainer& t = app.session->trainer;
  const int64_t waiting = SessionEvalWaitingStep(app);
  if (waiting > 0 && t.steps_per_epoch > 0) return int(std::min<int64_t>(t.epoch, (waiting - 1) / t.steps_per_epoch));
  return t.epoch;
}
// Steps train(n) still waits for, and 1 while an evaluation the steps made is not in the curves.
CNN_EXPORT int cnn_share_pending() {
  AppState& app = AppGlobal();
  return app.pending_steps > 0 ? app.pending_steps : SessionEvalWaitingStep(app) >= 0 ? 1 : 0;
}
CNN_EXPORT int cnn_share_locked() { return AppGlobal().share.locked ? 1 : 0; }

// Network outputs for the first n test samples (inference mode), n <= the batch size.
CNN_EXPORT const char* cnn_share_predict(int n) {
  AppState& app = AppGlobal();
  nlohmann::json j = nullptr;
  if (SessionEnsure(app)) {
    Session& s = *app.session;
    const bool test = s.data.n_test() > 0;
    const int64_t avail = test ? s.data.n_test() : s.data.n_train();
    n = int(std::min<int64_t>({int64_t(std::max(n, 1)), avail, int64_t(s.net.max_batch)}));
    const float* y = cnn::network_forward(&s.net, test ? s.data.test_x.data() : s.data.train_x.data(), n, false);
    if (y) j = std::vector<float>(y, y + int64_t(n) * s.net.out_size());
  }
  return JsonReply(app, j);
}

// The model file, kept until the next call; the size through cnn_share_file_size().
CNN_EXPORT const char* cnn_share_save_file() {
  AppState& app = AppGlobal();
  std::string err;
  app.share.file_bytes = ShareModelFileBytes(app, &err);
  if (app.share.file_bytes.empty()) {
    app.share.file_message = err;
    app.share.file_message_is_error = true;
  }
  return app.share.file_bytes.data();
}
CNN_EXPORT int cnn_share_file_size() { return int(AppGlobal().share.file_bytes.size()); }
CNN_EXPORT void cnn_share_download() { SaveModelFile(AppGlobal()); }
CNN_EXPORT void cnn_share_export_pytorch() { DownloadPytorch(AppGlobal()); }

CNN_EXPORT int cnn_share_load_file(const char* data, int size) {
  AppState& app = AppGlobal();
  std::string err;
  bool ok = size >= 0 && ShareLoadModelFile(app, std::string(data ? data : "", data ? size_t(size) : 0), &err);
  ShareState& sh = app.share;
  sh.file_message = ok ? "Model file loaded." : err;
  sh.file_message_is_error = !ok;
  if (!ok) {
    app.status = "Model file refused: " + err + " The current model stays.";
    app.status_is_error = true;
  }
  return ok ? 1 : 0;
}
