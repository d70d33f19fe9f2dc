// session.cpp: keeps the dataset, network and trainer in step with what the learner chose, runs
// training in a time slice per frame, and copies the trainer's history into the current run.
//
// The network is rebuilt whenever the last VALID model text, the dataset, the batch size or the
// seed change: a half-typed line never touches it. Other hyperparameters (learning rate, schedule,
// weight decay, epochs) go to the running trainer on the fly.
#include "session.h"

#include <algorithm>
#include <cstdio>

#include "app.h"

static const ImU32 kRunColors[] = {
    IM_COL32(90, 170, 255, 255), IM_COL32(255, 150, 60, 255), IM_COL32(110, 210, 110, 255),
    IM_COL32(235, 95, 120, 255), IM_COL32(190, 140, 255, 255), IM_COL32(240, 220, 90, 255),
    IM_COL32(80, 215, 210, 255), IM_COL32(230, 230, 230, 255),
};
static constexpr int kMaxRuns = 8;

void SessionDeleter::operator()(Session* s) const { delete s; }

cnn::TrainConfig MakeTrainConfig(const TrainSettings& s) {
  cnn::TrainConfig c;
  c.optimizer = cnn::OptimizerKind(s.optimizer);
  c.lr = s.lr;
  c.momentum = s.momentum;
  c.schedule.kind = cnn::ScheduleKind(s.schedule);
  c.schedule.step_epochs = s.step_epochs;
  c.schedule.gamma = s.gamma;
  c.batch = s.batch;
  c.epochs = s.epochs;
  c.weight_decay = s.weight_decay;
  c.seed = uint64_t(s.seed);
  c.eval_every = s.eval_every;
  c.eval_limit = s.eval_samples;
  return c;
}

static bool SameConfig(const cnn::TrainConfig& a, const cnn::TrainConfig& b) {
  return a.optimizer == b.optimizer && a.lr == b.lr && a.momentum == b.momentum && a.schedule.kind == b.schedule.kind &&
         a.schedule.step_epochs == b.schedule.step_epochs && a.schedule.gamma == b.schedule.gamma && a.epochs == b.epochs &&
         a.weight_decay == b.weight_decay && a.eval_every == b.eval_every && a.eval_limit == b.eval_limit;
}

static Session& S(AppState& app) {
  if (!app.session) {
    app.session.reset(new Session());
    for (const cnn::DatasetInfo& d : cnn::dataset_list()) {
#ifdef __EMSCRIPTEN__
      if (d.needs_files) continue;  // no local files in the browser (the packed subset comes later)
#endif
      app.session->catalog.push_back(d);
    }
  }
  return *app.session;
}

const std::vector<std::string>& DatasetNames() {
  static std::vector<std::string> names;
  if (names.empty()) {
    for (const cnn::DatasetInfo& d : cnn::dataset_list()) {
#ifdef __EMSCRIPTEN__
      if (d.needs_files) continue;
#endif
      names.push_back(d.name);
    }
  }
  return names;
}

static void LoadDataset(Session& s, const std::string& name) {
  s.data_name = name;
  s.data_ok = false;
  s.data_error.clear();
  cnn::DataOptions opt;
  opt.seed = 1;
  std::string err;
  cnn::Dataset d;
  if (!cnn::dataset_make(name, opt, &d, &err)) {
    s.data_error = err;
    return;
  }
  s.data = std::move(d);
  s.data_ok = true;
  int k = std::max(s.data.num_classes, 0);
  s.train_counts.assign(size_t(k), 0);
  s.test_counts.assign(size_t(k), 0);
  for (int32_t y : s.data.train_y) if (y >= 0 && y < k) s.train_counts[size_t(y)]++;
  for (int32_t y : s.data.test_y) if (y >= 0 && y < k) s.test_counts[size_t(y)]++;
}

// After a preset is chosen: keep the dataset if the model fits it, else switch to the first one
// whose samples have the model's input shape and whose classes match its outputs.
static void PickDatasetForModel(AppState& app, Session& s) {
  if (!app.doc.valid) return;
  const cnn::Shape in = app.doc.info.input;
  int64_t outs = app.doc.info.layers.empty() ? in.size() : app.doc.info.layers.back().out.size();
  auto fits = [&](const cnn::DatasetInfo& d) {
    if (d.shape != in) return false;
    if (d.kind == cnn::DataKind::regression) return d.target_dim == outs;
    return d.num_classes == outs || (d.num_classes == 2 && outs == 1);
  };
  for (const cnn::DatasetInfo& d : s.catalog)
    if (d.name == app.dataset_name && fits(d)) return;
  for (const cnn::DatasetInfo& d : s.catalog)
    if (fits(d)) { app.dataset_name = d.name; return; }
}

bool TrainingAllowed(const AppState& app, std::string* why) {
  if (!app.doc.valid) { *why = "Fix the model first: " + app.doc.error.message; return false; }
  if (!app.session) { *why = "starting"; return false; }
  const Session& s = *app.session;
  if (!s.data_ok) { *why = s.data_error.empty() ? "no dataset" : s.data_error; return false; }
  if (!s.ready) { *why = s.error; return false; }
  return true;
}

bool SessionEnsure(AppState& app) {
  Session& s = S(app);
  if (app.preset_changed) {
    PickDatasetForModel(app, s);
    app.preset_changed = false;
  }
  if (s.data_name != app.dataset_name) LoadDataset(s, app.dataset_name);
  if (!s.data_ok) { s.ready = false; return false; }

  const std::string& text = app.doc.last_valid_text;
  if (text.empty()) { s.ready = false; s.error = "no valid model yet"; return false; }
  bool rebuild = text != s.net_text || s.net_data_name != s.data_name || s.net_batch != app.settings.batch || s.net_seed != app.settings.seed;
  if (rebuild) {
    s.net_text = text;
    s.net_data_name = s.data_name;
    s.net_batch = app.settings.batch;
    s.net_seed = app.settings.seed;
    s.ready = false;
    s.error.clear();
    app.training = false;
    app.pending_steps = 0;
    app.current_run = -1;  // the next Train starts a new run; the old curves stay
    const cnn::ModelSpec& spec = app.doc.last_valid_spec;
    const cnn::Dataset& d = s.data;
    if (spec.input != d.shape) {
      bool any = false;
      for (const cnn::DatasetInfo& c : s.catalog) any |= c.shape == spec.input;
      if (!any) {
        s.error = "This model is for analysis only: no dataset here has " + ShapeText(spec.input) +
                  " samples. To train it, change its input line (\"Fit model to data\" in the Data tab sets it to " + d.name + "'s " + ShapeText(d.shape) + ").";
        return false;
      }
      s.error = "The model's input is " + ShapeText(spec.input) + " but " + d.name + " samples are " + ShapeText(d.shape) +
                ": change the input line, use \"Fit model to data\", or pick another dataset.";
      return false;
    }
    std::string err;
    cnn::TrainConfig cfg = MakeTrainConfig(app.settings);
    if (!cnn::train_config_check(cfg, &err)) { s.error = err; return false; }
    if (!cnn::network_build(&s.net, spec, std::max(app.settings.batch, 1), &err)) { s.error = err; return false; }
    if (!cnn::trainer_setup(&s.trainer, &s.net, &s.data, cfg, &err)) { s.error = err; return false; }
    s.copied_steps = s.copied_evals = 0;
    s.ready = true;
    return true;
  }
  if (s.ready) {
    cnn::TrainConfig cfg = MakeTrainConfig(app.settings);
    if (!SameConfig(cfg, s.trainer.cfg)) {
      std::string err;
      if (!cnn::trainer_update_config(&s.trainer, cfg, &err)) { app.status = err; app.status_is_error = true; }
    }
  }
  return s.ready;
}

static void StartRun(AppState& app) {
  Session& s = *app.session;
  if (app.current_run >= 0 && !s.trainer.finished) return;
  if (app.current_run >= 0 && s.trainer.finished) cnn::trainer_reset(&s.trainer);
  else if (s.trainer.step > 0) cnn::trainer_reset(&s.trainer);
  s.copied_steps = s.copied_evals = 0;
  if (int(app.runs.size()) >= kMaxRuns) app.runs.erase(app.runs.begin());
  Run r;
  r.id = app.next_run_id++;
  char buf[160];
  static const char* opt_names[] = {"sgd", "momentum", "adam"};
  std::snprintf(buf, sizeof buf, "#%d %s, %s lr %g, batch %d", r.id, app.doc.preset_name.empty() ? "custom" : app.doc.preset_name.c_str(),
                opt_names[std::clamp(app.settings.optimizer, 0, 2)], app.settings.lr, app.settings.batch);
  r.label = buf;
  r.model_text = s.net_text;
  // a colour no kept run uses
  for (int c = 0; c < int(IM_ARRAYSIZE(kRunColors)); c++) {
    bool used = false;
    for (const Run& o : app.runs) used |= o.color == kRunColors[c];
    if (!used) { r.color = kRunColors[c]; break; }
  }
  if (!r.color) r.color = kRunColors[r.id % IM_ARRAYSIZE(kRunColors)];
  app.runs.push_back(r);
  app.current_run = int(app.runs.size()) - 1;
}

void SessionTrainPressed(AppState& app) {
  std::string why;
  if (!TrainingAllowed(app, &why)) { app.status = why; app.status_is_error = true; return; }
  StartRun(app);
  cnn::trainer_resume(&app.session->trainer);
  app.training = true;
  app.status = "training";
  app.status_is_error = false;
}

void SessionPause(AppState& app) {
  app.training = false;
  app.pending_steps = 0;
  if (app.session && app.session->ready) cnn::trainer_pause(&app.session->trainer);
  app.status = "paused";
  app.status_is_error = false;
}

void SessionStep(AppState& app, int n) {
  std::string why;
  if (!TrainingAllowed(app, &why)) { app.status = why; app.status_is_error = true; return; }
  StartRun(app);
  app.pending_steps += std::max(n, 1);
}

void SessionReset(AppState& app) {
  app.training = false;
  app.pending_steps = 0;
  app.current_run = -1;
  if (app.session && app.session->ready) {
    cnn::trainer_reset(&app.session->trainer);
    cnn::trainer_pause(&app.session->trainer);
    app.session->copied_steps = app.session->copied_evals = 0;
  }
  app.status = "reset: new weights from the seed; the next Train starts a new run";
  app.status_is_error = false;
}

// Appends what the trainer recorded since the last frame to the current run.
static void SyncRun(AppState& app) {
  Session& s = *app.session;
  if (app.current_run < 0 || app.current_run >= int(app.runs.size())) return;
  Run& r = app.runs[size_t(app.current_run)];
  const cnn::TrainHistory& h = s.trainer.history;
  if (h.loss.size() < s.copied_steps || h.eval_step.size() < s.copied_evals) {  // trainer was reset underneath
    s.copied_steps = s.copied_evals = 0;
    r.step.clear(); r.loss.clear(); r.smooth.clear();
    r.eval_step.clear(); r.test_loss.clear(); r.test_acc.clear(); r.test_err.clear(); r.train_err.clear();
  }
  for (size_t i = s.copied_steps; i < h.loss.size(); i++) {
    r.step.push_back(float(i + 1));
    r.loss.push_back(h.loss[i]);
    r.smooth.push_back(i < h.loss_smooth.size() ? h.loss_smooth[i] : h.loss[i]);
  }
  s.copied_steps = h.loss.size();
  for (size_t i = s.copied_evals; i < h.eval_step.size(); i++) {
    r.eval_step.push_back(h.eval_step[i]);
    r.test_loss.push_back(i < h.test_loss.size() ? h.test_loss[i] : 0.0f);
    if (i < h.test_acc.size()) r.test_acc.push_back(h.test_acc[i]);
    if (i < h.test_error.size()) r.test_err.push_back(h.test_error[i]);
    if (i < h.train_acc.size()) r.train_err.push_back(1.0f - h.train_acc[i]);
  }
  s.copied_evals = h.eval_step.size();
  r.samples = s.trainer.samples_seen;
}

void SessionTrainSlice(AppState& app, double budget_ms) {
  if (!app.session || !app.session->ready) return;
  Session& s = *app.session;
  cnn::Trainer& t = s.trainer;
  int64_t before = t.samples_seen;
  if (app.pending_steps > 0) {
    // Step button / JS step(n): whole minibatches, as many as fit in the budget (at least one).
    double t0 = cnn::now_ms();
    while (app.pending_steps > 0) {
      int done = cnn::trainer_step(&t, 1);
      app.pending_steps--;
      if (done == 0) { app.pending_steps = 0; break; }
      if (cnn::now_ms() - t0 > budget_ms) break;
    }
  } else if (app.training) {
    cnn::trainer_run_for(&t, budget_ms);
  }
  app.stats.sps_window_samples += t.samples_seen - before;
  SyncRun(app);
  if (t.fault != cnn::FaultKind::none && (app.training || !t.message.empty())) {
    if (app.training) { app.training = false; }
    app.status = t.message;
    app.status_is_error = true;
  } else if (t.finished && app.training) {
    app.training = false;
    char buf[160];
    if (t.last_eval.classification)
      std::snprintf(buf, sizeof buf, "finished %d epochs: test accuracy %.1f%%, test loss %.4f", t.cfg.epochs, t.last_eval.accuracy * 100.0, t.last_eval.loss);
    else
      std::snprintf(buf, sizeof buf, "finished %d epochs: test loss %.4f", t.cfg.epochs, t.last_eval.loss);
    app.status = buf;
    app.status_is_error = false;
  }
}

DatasetView SessionDatasetView(AppState& app) {
  DatasetView v;
  Session& s = S(app);
  if (!s.data_ok) { v.error = s.data_error; return v; }
  const cnn::Dataset& d = s.data;
  v.ok = true;
  v.h = d.shape.h; v.w = d.shape.w; v.c = d.shape.c;
  v.num_classes = d.num_classes;
  v.points2d = d.shape.h == 1 && d.shape.w == 1 && d.shape.c == 2;
  v.n_train = d.n_train();
  v.n_test = d.n_test();
  v.class_names = d.class_names;
  v.train_counts = s.train_counts;
  v.test_counts = s.test_counts;
  v.train_x = d.train_x.data();
  v.train_y = d.train_y.empty() ? nullptr : d.train_y.data();
  v.train_t = d.train_t.empty() ? nullptr : d.train_t.data();
  v.target_dim = d.target_dim;
  v.norm_mean = d.norm_mean;
  v.norm_std = d.norm_std;
  for (const cnn::DatasetInfo& c : s.catalog)
    if (c.name == d.name) v.description = c.description;
  return v;
}

double SessionEpochProgress(const AppState& app) {
  if (!app.session || !app.session->ready) return 0;
  return cnn::trainer_epoch_progress(&app.session->trainer);
}
int64_t SessionStepCount(const AppState& app) {
  return app.session && app.session->ready ? app.session->trainer.step : 0;
}
int64_t SessionStepsPerEpoch(const AppState& app) {
  return app.session && app.session->ready ? app.session->trainer.steps_per_epoch : 0;
}
