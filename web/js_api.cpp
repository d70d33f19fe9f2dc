// js_api.cpp: the C side of window.cnnSandbox (web/shell/api.js), for browser tests and course
// pages. Each function runs between two frames, on the same state the interface shows.
// (Issue 8 grows this into the documented page API: URL state, onEpoch callbacks, files.)
#include <algorithm>
#include <cstdint>
#include <string>

#include "app.h"
#include "cnn/diagnose.h"
#include "cnn/kernels.h"
#include "plot.h"
#include "nlohmann/json.hpp"
#include "session.h"

#include "js_export.h"
#include "js_reply.h"

// Everything a test or a lesson script may want to read, as one JSON object. Rects are in CSS
// pixels (device pixels / devicePixelRatio) relative to the canvas, ready for mouse clicks.
CNN_EXPORT const char* cnn_get_state() {
  AppState& app = AppGlobal();
  using nlohmann::json;
  json j;
  j["frame"] = app.frame;
  j["fps"] = app.stats.fps;
  j["frameMs"] = app.stats.mean_interval_ms;
  j["maxFrameMs"] = app.stats.max_interval_ms;
  j["workMs"] = app.stats.mean_work_ms;
  j["trainBudgetMs"] = app.train_budget_ms;
  j["samplesPerSecond"] = app.stats.samples_per_sec;
  j["training"] = app.training;
  j["steps"] = SessionStepCount(app);
  j["epochProgress"] = SessionEpochProgress(app);
  j["dpr"] = app.dpr;
  j["narrow"] = app.narrow;
  j["singleColumn"] = app.single_column;
  j["view"] = app.view == 0 ? "model" : app.view == 1 ? "training" : "curves";
  j["truncated"] = app.truncated;
  j["tab"] = LeftTabKey(app.left_tab);
  j["preset"] = app.doc.preset_name;
  j["dataset"] = app.dataset_name;
  j["modelText"] = app.doc.text;
  j["modelValid"] = app.doc.valid;
  j["modelParsed"] = app.doc.parsed;
  j["totalParams"] = app.doc.valid ? app.doc.info.total_params : 0;
  j["trainingMemoryBytes"] = AnalysisMemoryPlan(app).training_bytes;  // the Analysis panel's figure
  j["undoDepth"] = app.share.undo.size();                             // the lab's timeline (lab_undo.cpp)
  j["redoDepth"] = app.share.redo.size();
  json err = nullptr;
  if (!app.doc.valid) {
    err = json::object();
    err["message"] = app.doc.error.message;
    err["hint"] = app.doc.error.hint;
    err["line"] = app.doc.error.line;
    err["column"] = app.doc.error.column;
    err["layer"] = app.doc.error.layer;
    err["text"] = app.doc.error.to_string();
  }
  j["error"] = err;
  std::string why;
  j["trainingAllowed"] = TrainingAllowed(app, &why);
  j["trainingBlockedBecause"] = why;
  j["status"] = app.status;
  j["statusIsError"] = app.status_is_error;
  // curves of the current run (or the last kept one)
  const Run* r = app.current_run >= 0 ? &app.runs[size_t(app.current_run)]
                                      : (app.runs.empty() ? nullptr : &app.runs.back());
  j["runs"] = app.runs.size();
  j["lossHistoryLength"] = r ? r->loss.size() : 0;
  j["firstLoss"] = r && !r->loss.empty() ? json(r->loss.front()) : json(nullptr);
  j["lastLoss"] = r && !r->loss.empty() ? json(r->loss.back()) : json(nullptr);
  j["lastSmoothLoss"] = r && !r->smooth.empty() ? json(r->smooth.back()) : json(nullptr);
  j["evaluations"] = r ? r->eval_step.size() : 0;
  j["testAccuracy"] = r && !r->test_acc.empty() ? json(r->test_acc.back()) : json(nullptr);
  j["testLoss"] = r && !r->test_loss.empty() ? json(r->test_loss.back()) : json(nullptr);
  json rects = json::object();
  for (const auto& [name, v] : app.rects) rects[name] = {v.x / app.dpr, v.y / app.dpr, v.z / app.dpr, v.w / app.dpr};
  j["rects"] = rects;
  j["texts"] = app.texts;  // named sentences drawn this frame (SaveText, ItemTooltip)
  j["presetDescription"] = app.doc.preset_description;
  // Issue 15: the loss in use, the choice, the notice, the run's diagnosis, the plots' y tick labels.
  {
    json loss = nullptr;
    if (app.doc.valid && app.session && app.session->data_ok && app.session->ready) {
      const cnn::ModelInfo& info = app.doc.last_valid_info;
      const int64_t outs = info.layers.empty() ? info.input.size() : info.layers.back().out.size();
      const cnn::LossKind k = cnn::LossKind(SessionLossWantedKind(app));
      json choices = json::array();
      for (cnn::LossKind c : cnn::losses_that_fit(app.doc.last_valid_spec, info, app.session->data.num_classes))
        choices.push_back(cnn::loss_label(c, outs));
      const cnn::ModelDataNotice n = cnn::model_data_notice(app.doc.last_valid_spec, info, app.doc.last_valid_text,
                                                            app.session->data.num_classes);
      loss = {{"inUse", cnn::loss_label(k, outs)},
              {"unit", cnn::loss_unit(k)},
              {"network", app.session->ready ? cnn::loss_kind_name(app.session->net.loss) : ""},
              {"choices", choices},
              {"notice", n.show ? n.text : std::string()},
              {"fix", n.fix_label}};
    }
    j["loss"] = loss;
    const cnn::RunDiagnosis& dg = TrainingDiagnosis(app);
    j["diagnosis"] = {{"kind", dg.kind == cnn::RunTrouble::loss_exploded ? "loss_exploded"
                               : dg.kind == cnn::RunTrouble::at_chance   ? "at_chance"
                                                                         : ""},
                      {"text", dg.text}};
    json ticks = json::object();
    for (const char* title : {"Loss", "Test accuracy"}) {
      json t = json::array();
      for (const Plot::YTick& y : Plot::LastYTicks(title)) t.push_back({y.top / app.dpr, y.bottom / app.dpr, y.text});
      ticks[title] = t;
    }
    j["plotTicks"] = ticks;
    j["smoothLog"] = r && !r->smooth_log.empty() ? json(r->smooth_log.back()) : json(nullptr);
  }
  json presets = json::array();
  for (const Preset& p : app.presets) presets.push_back(p.name);
  j["presets"] = presets;
  j["datasets"] = DatasetNames();
  // Datasets: what is shown, what is loading, the last load's message (data.js, panel_data.cpp)
  {
    Session& s = SessionGet(app);
    j["datasetShown"] = s.data_ok ? s.data_name : std::string();
    json info = nullptr;
    if (s.data_ok) {
      const cnn::Dataset& d = s.data;
      info = {{"name", s.data_name},           {"nTrain", d.n_train()},
              {"nTest", d.n_test()},           {"shape", {d.shape.h, d.shape.w, d.shape.c}},
              {"numClasses", d.num_classes},   {"classNames", d.class_names},
              {"trainCounts", s.train_counts}, {"testCounts", s.test_counts},
              {"normMean", d.norm_mean},       {"normStd", d.norm_std}};
    }
    j["datasetInfo"] = info;
    json loading = nullptr;
    if (!s.fetch_name.empty())
      loading = {{"name", s.fetch_name},
                 {"bytes", s.fetch_bytes},
                 {"total", s.fetch_total},
                 {"unpacking", s.unpacking}};
    else if (s.upload_busy) loading = {{"name", "files"}, {"files", s.upload_done}, {"totalFiles", s.upload_total}};
    j["datasetLoading"] = loading;
    j["dataMessage"] = s.data_message;
    j["dataMessageIsError"] = s.data_message_error;
    j["lastDataLoad"] = {{"fetchMs", s.last_fetch_ms}, {"decodeMs", s.last_decode_ms}, {"bytes", s.last_fetch_bytes}};
    j["uploadLimits"] = {{"maxFileBytes", cnn::kMaxInputBytes},
                         {"maxInflatedBytes", cnn::kMaxInflatedBytes},
                         {"maxSamples", cnn::kMaxSamples},
                         {"maxPictures", cnn::kMaxUploadImages},
                         {"maxPictureSide", cnn::kMaxPhotoSide},
                         {"pictureSide", s.upload_side},
                         {"pictureRgb", s.upload_rgb}};
  }
  return JsonReply(app, j);
}

CNN_EXPORT int cnn_set_model(const char* text) {
  AppState& app = AppGlobal();
  DocSetText(app, text ? text : "");
  app.doc.preset_name.clear();
  return app.doc.valid ? 1 : 0;
}

CNN_EXPORT int cnn_set_preset(const char* name) {
  AppState& app = AppGlobal();
  if (!ApplyPreset(app, name ? name : "")) return 0;
  app.preset_changed = true;
  return 1;
}

CNN_EXPORT int cnn_set_dataset(const char* name) {
  AppState& app = AppGlobal();
  for (const std::string& n : DatasetNames())
    if (n == name) {
      app.dataset_name = n;
      return 1;
    }
  return 0;
}

CNN_EXPORT int cnn_set_tab(const char* name) {
  AppState& app = AppGlobal();
  const std::string n = name ? name : "";
  const LeftTab t = LeftTabFromKey(n);
  if (n != LeftTabKey(t)) return 0;  // not a tab's key
  app.left_tab = t;
  app.request_tab = true;
  return 1;
}

// Numeric settings by name (cnn/settings.inc, in camelCase: lr, batch, weightDecay, evalEvery,
// optimizer 0 sgd 1 momentum 2 adam, schedule 0 constant 1 step 2 cosine, loss -1 auto ...), and
// budgetMs. Not range-checked: a lesson may set lr 1000 to show a run blowing up.
CNN_EXPORT int cnn_set_number(const char* key, double v) {
  AppState& app = AppGlobal();
  std::string k = key ? key : "";
  if (const int i = cnn::setting_find_name(k); i >= 0) cnn::setting_set(&app.settings, i, v);
  else if (k == "budgetMs") app.train_budget_ms = float(v);
  else return 0;
  return 1;
}

CNN_EXPORT void cnn_train() {
  AppState& app = AppGlobal();
  SessionEnsure(app);
  SessionTrainPressed(app);
}
CNN_EXPORT void cnn_pause() { SessionPause(AppGlobal()); }
CNN_EXPORT void cnn_step(int n) {
  AppState& app = AppGlobal();
  SessionEnsure(app);
  SessionStep(app, n);
}
CNN_EXPORT void cnn_reset() { SessionReset(AppGlobal()); }
CNN_EXPORT void cnn_undo() { ShareUndo(AppGlobal()); }  // model and settings (lab_undo.cpp)
CNN_EXPORT void cnn_redo() { ShareRedo(AppGlobal()); }

CNN_EXPORT const char* cnn_curves_csv() {
  AppState& app = AppGlobal();
  app.js_out = RunsToCsv(app);
  return app.js_out.c_str();
}

// ---------------------------------------------------------------------------------------------
// Datasets from files (web/shell/data.js): the fetched Fashion-MNIST subset and the learner's own
// files. Bytes arrive in a buffer data.js allocated with _malloc; C copies what it keeps.

CNN_EXPORT void cnn_data_fetch_progress(double bytes, double total) { SessionFetchProgress(AppGlobal(), bytes, total); }

// data == 0: the fetch failed with `error` (or was cancelled); the current dataset stays.
CNN_EXPORT void cnn_data_fetch_done(const char* name, const uint8_t* data, double size, const char* error,
                                    double fetch_ms) {
  SessionFetchDone(AppGlobal(), name ? name : "", data, size_t(size), error ? error : "", fetch_ms);
}

CNN_EXPORT void cnn_data_cancel_fetch() {
  SessionCancelFetch(AppGlobal(), "Download cancelled; the current dataset stays.");
}

// side > 0 / rgb >= 0 override the data panel's picture size and colour for this upload.
CNN_EXPORT void cnn_data_upload_begin(int total_files, int side, int rgb) {
  AppState& app = AppGlobal();
  Session& s = SessionGet(app);
  if (side > 0) s.upload_side = std::min(std::max(side, 4), 64);
  if (rgb >= 0) s.upload_rgb = rgb != 0;
  SessionUploadBegin(app, total_files);
}
CNN_EXPORT void cnn_data_upload_progress(int done) { SessionUploadProgress(AppGlobal(), done); }
CNN_EXPORT void cnn_data_upload_fail(const char* message) {
  SessionUploadFail(AppGlobal(), message ? message : "the files could not be read");
}
CNN_EXPORT int cnn_data_upload_add_file(const char* name, const uint8_t* data, double size) {
  return SessionUploadAddFile(AppGlobal(), name ? name : "file", data, size_t(size)) ? 1 : 0;
}
CNN_EXPORT int cnn_data_upload_add_image(const char* path, const uint8_t* px, int h, int w, int c) {
  return SessionUploadAddImage(AppGlobal(), path ? path : "", px, h, w, c) ? 1 : 0;
}
CNN_EXPORT int cnn_data_upload_finish(int images) { return SessionUploadFinish(AppGlobal(), images != 0) ? 1 : 0; }

// For tests and course pages: the kernels the engine runs now ("wasmsimd", "avx2", ... or "reference").
CNN_EXPORT const char* cnn_kernels_in_use() {
  return cnn::kernel_set() == cnn::KernelSet::simd ? cnn::simd_isa_name() : "reference";
}
