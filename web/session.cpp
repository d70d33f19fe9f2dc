// session.cpp: keeps the dataset, network and trainer in step with what the learner chose, runs
// training in a time slice per frame, and copies the trainer's history into the current run.
//
// The network is rebuilt whenever the last VALID model text, the dataset, the batch size or the
// seed change: a half-typed line never touches it. Other hyperparameters (learning rate, schedule,
// weight decay, epochs) go to the running trainer on the fly.
#include "session.h"

#include "cnn/diagnose.h"

#include <algorithm>
#include <cstdio>
#include <new>

#include "app.h"
#include "theme.h"
#include "worker/worker_protocol.h"

namespace wp = worker_protocol;

static constexpr int kMaxRuns = 8;

void SessionDeleter::operator()(Session* s) const { delete s; }

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// data.js (web/shell/data.js): fetch a web file with progress, cancel it, open the file pickers.
// clang-format off
EM_JS(void, DataJsFetch, (const char* name, const char* url), {
  if (window.cnnData) window.cnnData.fetchDataset(UTF8ToString(name), UTF8ToString(url));
});
EM_JS(void, DataJsCancel, (), {
  if (window.cnnData) window.cnnData.cancelFetch();
});
EM_JS(void, DataJsPick, (int folder), {
  if (window.cnnData) window.cnnData.pickFiles(folder !== 0);
});
// clang-format on
#else
static void DataJsCancel() {}
static void DataJsPick(int) {}
#endif

static constexpr const char* kUploadBase = "my-data";
static constexpr const char* kFallbackDataset = "digits";
static std::string g_upload_name;  // the latest upload's name, listed by DatasetNames()

bool IsUploadName(const std::string& name) { return name.compare(0, 7, kUploadBase) == 0; }

// The sets this platform offers: every generated one, and the file-backed ones where they can be
// had (natively from the IDX files; in the browser when the site holds their packed web file).
static bool Offered(const cnn::DatasetInfo& d) {
#ifdef __EMSCRIPTEN__
  return !d.needs_files || !d.web_file.empty();
#else
  (void)d;
  return true;
#endif
}

// The offered sets, listed once (the Data panel asks every frame).
static const std::vector<cnn::DatasetInfo>& Catalog() {
  static const std::vector<cnn::DatasetInfo> offered = [] {
    std::vector<cnn::DatasetInfo> v;
    for (const cnn::DatasetInfo& d : cnn::dataset_list())
      if (Offered(d)) v.push_back(d);
    return v;
  }();
  return offered;
}

const cnn::DatasetInfo* CatalogInfo(const std::string& name) {
  for (const cnn::DatasetInfo& d : Catalog())
    if (d.name == name) return &d;
  return nullptr;
}

static Session& S(AppState& app) {
  if (!app.session) {
    app.session.reset(new Session());
    SessionWorkerStart(*app.session);  // the trainer's Web Worker, where the page has one
  }
  return *app.session;
}
Session& SessionGet(AppState& app) { return S(app); }

std::vector<std::string> DatasetNames() {
  std::vector<std::string> names;
  for (const cnn::DatasetInfo& d : Catalog()) names.push_back(d.name);
  if (!g_upload_name.empty()) names.push_back(g_upload_name);
  return names;
}

static void CountClasses(Session& s) {
  int k = std::max(s.data.num_classes, 0);
  s.train_counts.assign(size_t(k), 0);
  s.test_counts.assign(size_t(k), 0);
  for (int32_t y : s.data.train_y)
    if (y >= 0 && y < k) s.train_counts[size_t(y)]++;
  for (int32_t y : s.data.test_y)
    if (y >= 0 && y < k) s.test_counts[size_t(y)]++;
}

// Puts `d` in place as the current dataset; the one shown until now is parked if it cannot be
// made again from a seed (a fetched file, the latest upload), else dropped.
static void Install(Session& s, const std::string& name, cnn::Dataset&& d) {
  if (s.data_ok && !s.data_name.empty()) {
    const cnn::DatasetInfo* info = CatalogInfo(s.data_name);
    bool keep = (info && info->needs_files) || (IsUploadName(s.data_name) && s.data_name == s.upload_name);
    if (keep) s.parked[s.data_name] = std::move(s.data);
  }
  s.data = std::move(d);
  s.data_name = name;
  s.data_ok = true;
  s.data_error.clear();
  s.data_revision++;
  CountClasses(s);
}

#ifdef __EMSCRIPTEN__
static void StartFetch(Session& s, const cnn::DatasetInfo& info) {
  if (s.fetch_name == info.name) return;
  s.fetch_name = info.name;
  s.fetch_bytes = s.fetch_total = 0;
  s.data_message.clear();
  DataJsFetch(info.name.c_str(), info.web_file.c_str());
}
#endif

static void LoadDataset(AppState& app, Session& s, const std::string& name) {
  // A fetch for another name is no longer wanted.
  if (!s.fetch_name.empty() && s.fetch_name != name) SessionCancelFetch(app, "");
  auto parked = s.parked.find(name);
  if (parked != s.parked.end()) {
    cnn::Dataset d = std::move(parked->second);
    s.parked.erase(parked);
    Install(s, name, std::move(d));
    return;
  }
  if (IsUploadName(name)) {
    // An upload that is gone (replaced by a newer one, or a name from an old undo step).
    s.data_message = "'" + name + "' was replaced by a newer upload (only the latest is kept); load your files again.";
    s.data_message_error = true;
    app.dataset_name = s.data_name.empty() ? kFallbackDataset : s.data_name;
    return;
  }
  const cnn::DatasetInfo* info = CatalogInfo(name);
#ifdef __EMSCRIPTEN__
  if (info && info->needs_files) {  // fetched once, on demand; the current dataset stays meanwhile
    StartFetch(s, *info);
    return;
  }
#endif
  (void)info;
  cnn::DataOptions opt;
  opt.seed = 1;
  std::string err;
  cnn::Dataset d;
  if (!cnn::dataset_make(name, opt, &d, &err)) {
    if (s.data_ok) {  // keep what is shown; say why
      s.data_message = err;
      s.data_message_error = true;
      app.dataset_name = s.data_name;
      return;
    }
    s.data_name = name;
    s.data_ok = false;
    s.data_error = err;
    return;
  }
  Install(s, name, std::move(d));
}

void SessionCancelFetch(AppState& app, const std::string& why) {
  Session& s = S(app);
  if (s.fetch_name.empty()) return;
  const std::string name = s.fetch_name;
  s.fetch_name.clear();
  s.fetch_bytes = s.fetch_total = 0;
  s.unpacking = false;
  s.fetched.clear();
  s.fetched.shrink_to_fit();
  DataJsCancel();
  if (app.dataset_name == name) app.dataset_name = s.data_name.empty() ? kFallbackDataset : s.data_name;
  if (!why.empty()) {
    s.data_message = why;
    s.data_message_error = false;
  }
}

void SessionFetchProgress(AppState& app, double bytes, double total) {
  Session& s = S(app);
  if (s.fetch_name.empty() || s.unpacking) return;
  s.fetch_bytes = bytes;
  s.fetch_total = total;
}

// A dataset could not be fetched or read: say so, keep the current one, and point the lab's
// choice back at it.
static void DataLoadFailed(AppState& app, Session& s, const std::string& name, const std::string& why) {
  s.data_message = "Could not load " + name + ": " + why +
                   (s.data_ok ? " The current dataset (" + s.data_name + ") stays." : "");
  s.data_message_error = true;
  if (app.dataset_name == name) app.dataset_name = s.data_name.empty() ? kFallbackDataset : s.data_name;
}

void SessionFetchDone(AppState& app, const std::string& name, const uint8_t* bytes, size_t n, const std::string& error,
                      double fetch_ms) {
  Session& s = S(app);
  if (s.fetch_name != name || s.unpacking) return;  // cancelled or superseded meanwhile
  s.fetch_name.clear();
  if (!bytes) {
    DataLoadFailed(app, s, name, error.empty() ? "the download failed." : error);
    return;
  }
  // Unpacked by SessionEnsure a frame later (the panel shows "unpacking" meanwhile).
  s.fetch_name = name;
  s.fetched.assign(bytes, bytes + n);
  s.fetched_ms = fetch_ms;
  s.unpacking = true;
  s.unpack_frames = 0;
}

// The second half of a fetch: our own gunzip and the packed loader, then the switch.
static void UnpackFetched(AppState& app, Session& s) {
  const std::string name = s.fetch_name;
  std::vector<uint8_t> bytes;
  bytes.swap(s.fetched);
  const size_t n = bytes.size();
  const double fetch_ms = s.fetched_ms;
  s.unpacking = false;
  s.fetch_name.clear();
  const double t0 = cnn::now_ms();
  cnn::DataOptions opt;
  opt.seed = 1;
  cnn::Dataset d;
  std::string err;
  if (!cnn::dataset_from_packed(cnn::ByteSpan(bytes), opt, &d, &err)) {
    DataLoadFailed(app, s, name, err + " (a damaged or incomplete file: reload the page to fetch it again).");
    return;
  }
  d.name = name;
  s.last_decode_ms = cnn::now_ms() - t0;
  s.last_fetch_ms = fetch_ms;
  s.last_fetch_bytes = double(n);
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "Loaded %s: %s train / %s test samples (%.1f MB fetched in %.0f ms, unpacked in %.0f ms).",
                name.c_str(), cnn::with_commas(d.n_train()).c_str(), cnn::with_commas(d.n_test()).c_str(),
                double(n) / 1e6, fetch_ms, s.last_decode_ms);
  s.data_message = buf;
  s.data_message_error = false;
  if (app.dataset_name == name) Install(s, name, std::move(d));
  else s.parked[name] = std::move(d);
}

void SessionUploadBegin(AppState& app, int total) {
  Session& s = S(app);
  s.upload_busy = true;
  s.upload_done = 0;
  s.upload_total = total;
  s.pending_files.clear();
  s.pending_images.clear();
  s.pending_h = s.pending_w = std::clamp(s.upload_side, 4, cnn::kMaxImageSide);
  s.pending_c = s.upload_rgb ? 3 : 1;
  s.data_message.clear();
}

void SessionUploadProgress(AppState& app, int done) { S(app).upload_done = done; }

void SessionUploadFail(AppState& app, const std::string& message) {
  Session& s = S(app);
  s.upload_busy = false;
  s.pending_files.clear();
  s.pending_images.clear();
  s.data_message = message + (s.data_ok ? " The current dataset (" + s.data_name + ") stays." : "");
  s.data_message_error = true;
}

bool SessionUploadAddFile(AppState& app, const std::string& name, const uint8_t* bytes, size_t n) {
  Session& s = S(app);
  try {
    s.pending_files.emplace_back(name, std::vector<uint8_t>(bytes, bytes + n));
  } catch (const std::bad_alloc&) {
    SessionUploadFail(
        app, name + ": not enough memory to read it (" + cnn::with_commas(int64_t(n)) + " bytes); use a smaller file.");
    return false;
  }
  return true;
}

bool SessionUploadAddImage(AppState& app, const std::string& path, const uint8_t* px, int h, int w, int c) {
  Session& s = S(app);
  if (int64_t(s.pending_images.size()) >= cnn::kMaxUploadImages) {
    SessionUploadFail(app, "More than " + cnn::with_commas(cnn::kMaxUploadImages) +
                               " pictures: choose fewer (the limit per upload).");
    return false;
  }
  cnn::LabeledImage im;
  im.label = cnn::label_from_path(path);
  if (im.label.empty()) {
    SessionUploadFail(
        app,
        path +
            ": no label in its name or folder. Name pictures like cat_001.png, or put them in one folder per class (cat/1.png).");
    return false;
  }
  im.h = h;
  im.w = w;
  im.c = c;
  if (h > 0 && w > 0 && (c == 1 || c == 3) && h <= cnn::kMaxPhotoSide && w <= cnn::kMaxPhotoSide)
    im.pixels.assign(px, px + size_t(h) * size_t(w) * size_t(c));
  cnn::LabeledImage small;
  std::string err;
  if (!cnn::image_resample(im, s.pending_h, s.pending_w, s.pending_c, &small, &err)) {
    SessionUploadFail(app, path + ": " + err + ".");
    return false;
  }
  s.pending_images.push_back(std::move(small));
  return true;
}

bool SessionUploadFinish(AppState& app, bool images) {
  Session& s = S(app);
  s.upload_busy = false;
  const std::string name = s.upload_count == 0 ? std::string(kUploadBase)
                                               : std::string(kUploadBase) + "-" + std::to_string(s.upload_count + 1);
  cnn::DataOptions opt;
  opt.seed = uint64_t(app.settings.seed);  // the held-out part is drawn from the lab's seed
  cnn::Dataset d;
  std::string err, desc;
  bool ok;
  if (images) {
    ok = cnn::dataset_from_images(s.pending_images, s.pending_h, s.pending_w, s.pending_c, opt, &d, &err,
                                  "your pictures");
    desc = cnn::with_commas(int64_t(s.pending_images.size())) + " pictures resampled to " +
           std::to_string(s.pending_h) + "x" + std::to_string(s.pending_w) + (s.pending_c == 3 ? " RGB" : " grey");
  } else {
    std::vector<cnn::NamedBytes> files;
    for (auto& f : s.pending_files) {
      files.push_back(cnn::NamedBytes{f.first, cnn::ByteSpan(f.second)});
      desc += (desc.empty() ? "" : ", ") + f.first;
    }
    try {
      ok = cnn::dataset_from_files(files, opt, &d, &err, name);
    } catch (const std::bad_alloc&) {  // the page's memory (at most 2 GB of wasm) ran out
      ok = false;
      err =
          "not enough memory for these files as floats (4 bytes per pixel): use fewer samples (a subset of the files)";
    }
  }
  s.pending_files.clear();
  s.pending_files.shrink_to_fit();
  s.pending_images.clear();
  s.pending_images.shrink_to_fit();
  if (!ok) {
    SessionUploadFail(app, err);
    return false;
  }
  d.name = name;
  // the previous upload goes: only the latest is kept
  if (!s.upload_name.empty()) s.parked.erase(s.upload_name);
  s.upload_name = g_upload_name = name;
  s.upload_count++;
  s.upload_desc = "Your files (they stay on this machine): " + desc;
  char buf[160];
  std::snprintf(buf, sizeof buf, "Loaded %s: %s train / %s test samples of %s, %d classes.", name.c_str(),
                cnn::with_commas(d.n_train()).c_str(), cnn::with_commas(d.n_test()).c_str(),
                cnn::shape_text(d.shape, cnn::ShapeForm::count_if_flat).c_str(), d.num_classes);
  s.data_message = buf;
  s.data_message_error = false;
  if (!s.fetch_name.empty()) SessionCancelFetch(app, "");
  Install(s, name, std::move(d));
  app.dataset_name = name;
  return true;
}

void SessionPickFiles(AppState& app, bool folder) {
  (void)app;
  DataJsPick(folder ? 1 : 0);
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
  for (const cnn::DatasetInfo& d : Catalog())
    if (d.name == app.dataset_name && fits(d)) return;
  if (s.data_ok && s.data_name == app.dataset_name && IsUploadName(s.data_name)) {  // the learner's own set
    cnn::DatasetInfo mine;
    mine.shape = s.data.shape;
    mine.num_classes = s.data.num_classes;
    mine.target_dim = s.data.target_dim;
    mine.kind = s.data.regression() ? cnn::DataKind::regression : cnn::DataKind::image;
    if (fits(mine)) return;
  }
  for (const cnn::DatasetInfo& d : Catalog())
    if (fits(d) && !d.needs_files) {
      app.dataset_name = d.name;
      return;
    }  // nothing to download
}

bool TrainingAllowed(const AppState& app, std::string* why) {
  if (!app.doc.valid) {
    *why = "Fix the model first: " + app.doc.error.message;
    return false;
  }
  if (!app.session) {
    *why = "starting";
    return false;
  }
  const Session& s = *app.session;
  if (!s.data_ok) {
    *why = !s.fetch_name.empty()  ? "loading " + s.fetch_name + "..."
           : s.data_error.empty() ? "no dataset"
                                  : s.data_error;
    return false;
  }
  if (!s.ready) {
    *why = s.error;
    return false;
  }
  return true;
}

static cnn::LossKind SessionLossWanted(const AppState& app) {
  if (!app.doc.valid || !app.session || !app.session->data_ok) return cnn::LossKind::quadratic;
  const cnn::ModelSpec& m = app.doc.last_valid_spec;
  const cnn::LossKind def = cnn::default_loss(m);
  if (app.settings.loss < 0) return def;
  const std::vector<cnn::LossKind> fit = cnn::losses_that_fit(m, app.doc.last_valid_info,
                                                              app.session->data.num_classes);
  for (cnn::LossKind k : fit)
    if (int(k) == app.settings.loss) return k;
  return def;
}

int SessionLossWantedKind(const AppState& app) { return int(SessionLossWanted(app)); }

bool SessionEnsure(AppState& app) {
  Session& s = S(app);
  if (s.unpacking && ++s.unpack_frames > 2) UnpackFetched(app, s);
  if (app.preset_changed) {
    PickDatasetForModel(app, s);
    app.preset_changed = false;
  }
  if (s.data_name != app.dataset_name) LoadDataset(app, s, app.dataset_name);
  if (!s.data_ok) {
    s.ready = false;
    return false;
  }

  const std::string& text = app.doc.last_valid_text;
  if (text.empty()) {
    s.ready = false;
    s.error = "no valid model yet";
    return false;
  }
  // The loss the learner chose (where more than one fits), else the model's default; a change of
  // loss starts a new run (its curves are in other units).
  const cnn::LossKind want_loss = SessionLossWanted(app);
  bool rebuild = text != s.net_text || s.net_data_name != s.data_name || s.net_batch != app.settings.batch ||
                 s.net_seed != app.settings.seed || s.net_limit_train != app.settings.limit_train ||
                 (s.ready && s.net.loss != want_loss);
  if (rebuild) {
    s.net_text = text;
    s.net_data_name = s.data_name;
    s.net_batch = app.settings.batch;
    s.net_seed = app.settings.seed;
    s.net_limit_train = app.settings.limit_train;
    s.ready = false;
    s.error.clear();
    app.training = false;
    app.pending_steps = 0;
    app.current_run = -1;  // the next Train starts a new run; the old curves stay
    const cnn::ModelSpec& spec = app.doc.last_valid_spec;
    const cnn::Dataset& d = s.data;
    if (spec.input != d.shape) {
      bool any = false;
      for (const cnn::DatasetInfo& c : Catalog()) any |= c.shape == spec.input;
      if (!any) {
        s.error = "This model is for analysis only: no dataset here has " +
                  cnn::shape_text(spec.input, cnn::ShapeForm::count_if_flat) +
                  " samples. To train it, change its input line (\"Fit model to data\" in the Data tab sets it to " +
                  d.name + "'s " + cnn::shape_text(d.shape, cnn::ShapeForm::count_if_flat) + ").";
        return false;
      }
      s.error = "The model's input is " + cnn::shape_text(spec.input, cnn::ShapeForm::count_if_flat) + " but " +
                d.name + " samples are " + cnn::shape_text(d.shape, cnn::ShapeForm::count_if_flat) +
                ": change the input line, use \"Fit model to data\", or pick another dataset.";
      return false;
    }
    std::string err;
    cnn::TrainConfig cfg = cnn::train_config_from_settings(app.settings);
    cfg.shares_frame = !SessionWorkerOn(s);  // in the frame: automatic micro-batches are slices
    if (!cnn::train_config_check(cfg, &err)) {
      s.error = err;
      return false;
    }
    if (!cnn::network_build(&s.net, spec, std::max(app.settings.batch, 1), &err)) {
      s.error = err;
      return false;
    }
    if (want_loss != s.net.loss && !cnn::network_set_loss(&s.net, want_loss, &err)) {
      s.error = err;
      return false;
    }
    if (!cnn::trainer_setup(&s.trainer, &s.net, &s.data, cfg, &err)) {
      s.error = err;
      return false;
    }
    s.trainer_settings = app.settings;
    s.diagnosis = {};
    s.copied_steps = s.copied_evals = 0;
    s.ready = true;
    SessionWorkerSetup(app, s);  // the worker builds the same network and trainer
    return true;
  }
  // Settings changed on the fly (lr, schedule, epochs, ...; batch, seed and the training subset
  // rebuilt above): a refused change is tried again, and said again, until the settings change.
  if (s.ready && app.settings != s.trainer_settings) {
    std::string err;
    cnn::TrainConfig cfg = cnn::train_config_from_settings(app.settings);
    cfg.shares_frame = s.trainer.cfg.shares_frame;  // a run goes on where it started (worker or frame)
    if (!cnn::trainer_update_config(&s.trainer, cfg, &err)) {
      app.status = err;
      app.status_is_error = true;
    } else {
      s.trainer_settings = app.settings;
      SessionWorkerConfig(app, s);
    }
  }
  return s.ready;
}

static void StartRun(AppState& app) {
  Session& s = *app.session;
  if (app.current_run >= 0 && !s.trainer.finished) return;
  if ((app.current_run >= 0 && s.trainer.finished) || s.trainer.step > 0) {
    cnn::trainer_reset(&s.trainer);
    SessionWorkerCommand(s, wp::kReset);
  }
  s.copied_steps = s.copied_evals = 0;
  if (int(app.runs.size()) >= kMaxRuns) app.runs.erase(app.runs.begin());
  Run r;
  r.id = app.next_run_id++;
  char buf[160];
  static const char* opt_names[] = {"sgd", "momentum", "adam"};
  std::snprintf(buf, sizeof buf, "#%d %s, %s lr %g, batch %d", r.id,
                app.doc.preset_name.empty() ? "custom" : app.doc.preset_name.c_str(),
                opt_names[std::clamp(app.settings.optimizer, 0, 2)], app.settings.lr, app.settings.batch);
  r.label = buf;
  r.model_text = s.net_text;
  if (s.ready) {  // the loss its values are in, for the loss axis (the choice may change later)
    const cnn::ModelInfo& ni = s.net.info;
    r.loss_label = cnn::loss_label(s.net.loss, ni.layers.empty() ? ni.input.size() : ni.layers.back().out.size());
  }
  // a colour no kept run uses
  for (int c = 0; c < 8; c++) {
    bool used = false;
    for (const Run& o : app.runs) used |= o.color == Th().series[c];
    if (!used) {
      r.color = Th().series[c];
      break;
    }
  }
  if (!r.color) r.color = Th().series[r.id % 8];
  app.runs.push_back(r);
  app.current_run = int(app.runs.size()) - 1;
}

// Train and Step: refused with the reason in the status line, else a run is started (or goes on).
static bool BeginTraining(AppState& app) {
  std::string why;
  if (!TrainingAllowed(app, &why)) {
    app.status = why;
    app.status_is_error = true;
    return false;
  }
  StartRun(app);
  return true;
}

void SessionTrainPressed(AppState& app) {
  if (!BeginTraining(app)) return;
  cnn::trainer_resume(&app.session->trainer);
  SessionWorkerCommand(*app.session, wp::kTrain);
  app.training = true;
  app.status = "training";
  app.status_is_error = false;
}

void SessionPause(AppState& app) {
  app.training = false;
  app.pending_steps = 0;
  if (app.session && app.session->ready) {
    cnn::trainer_pause(&app.session->trainer);
    SessionWorkerCommand(*app.session, wp::kPause);
  }
  app.status = "paused";
  app.status_is_error = false;
}

void SessionStep(AppState& app, int n) {
  if (!BeginTraining(app)) return;
  app.pending_steps += std::max(n, 1);
  SessionWorkerCommand(*app.session, wp::kStep, std::max(n, 1));
}

void SessionReset(AppState& app) {
  app.training = false;
  app.pending_steps = 0;
  app.current_run = -1;
  if (app.session && app.session->ready) {
    cnn::trainer_reset(&app.session->trainer);
    cnn::trainer_pause(&app.session->trainer);
    SessionWorkerCommand(*app.session, wp::kReset);
    app.session->copied_steps = app.session->copied_evals = 0;
  }
  app.status = "reset: new weights from the seed; the next Train starts a new run";
  app.status_is_error = false;
}

// Appends what the trainer recorded since the last frame (or the worker's last report) to the
// current run.
void SessionSyncRun(AppState& app) {
  Session& s = *app.session;
  if (app.current_run < 0 || app.current_run >= int(app.runs.size())) return;
  Run& r = app.runs[size_t(app.current_run)];
  const cnn::TrainHistory& h = s.trainer.history;
  if (h.loss.size() < s.copied_steps || h.eval_step.size() < s.copied_evals) {  // trainer was reset underneath
    s.copied_steps = s.copied_evals = 0;
    r.step.clear();
    r.loss.clear();
    r.smooth.clear();
    r.smooth_log.clear();
    r.eval_step.clear();
    r.test_loss.clear();
    r.test_acc.clear();
    r.test_err.clear();
    r.train_err.clear();
  }
  for (size_t i = s.copied_steps; i < h.loss.size(); i++) {
    r.step.push_back(float(i + 1));
    r.loss.push_back(h.loss[i]);
    r.smooth.push_back(i < h.loss_smooth.size() ? h.loss_smooth[i] : h.loss[i]);
    r.smooth_log.push_back(i < h.loss_smooth_log.size() ? h.loss_smooth_log[i] : h.loss[i]);
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
  SessionWorkerSync(app, s);
  if (SessionWorkerOn(s)) {
    // The worker trains (session_worker.cpp): its reports have updated the trainer between frames.
  } else if (app.pending_steps > 0) {
    // Step button / JS step(n): whole minibatches, as many as fit in the budget (at least one).
    int64_t left = app.pending_steps;
    cnn::trainer_step_for(&t, &left, budget_ms);
    app.pending_steps = int(left);
  } else if (app.training) {
    cnn::trainer_run_for(&t, budget_ms);
  }
  app.stats.sps_window_samples += t.samples_seen - before;
  SessionSyncRun(app);
  if (t.fault != cnn::FaultKind::none && (app.training || !t.message.empty())) {
    if (app.training) { app.training = false; }
    app.status = t.message;
    app.status_is_error = true;
  } else if (t.finished && app.training) {
    app.training = false;
    char buf[160];
    if (t.last_eval.classification)
      std::snprintf(buf, sizeof buf, "finished %d epochs: test accuracy %.1f%%, test loss %.4f", t.cfg.epochs,
                    t.last_eval.accuracy * 100.0, t.last_eval.loss);
    else std::snprintf(buf, sizeof buf, "finished %d epochs: test loss %.4f", t.cfg.epochs, t.last_eval.loss);
    app.status = buf;
    app.status_is_error = false;
  }
}

DatasetView SessionDatasetView(AppState& app) {
  DatasetView v;
  Session& s = S(app);
  if (!s.data_ok) {
    v.error = s.data_error;
    return v;
  }
  const cnn::Dataset& d = s.data;
  v.ok = true;
  v.h = d.shape.h;
  v.w = d.shape.w;
  v.c = d.shape.c;
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
  for (const cnn::DatasetInfo& c : Catalog())
    if (c.name == s.data_name) {
      v.description = c.description;
#ifdef __EMSCRIPTEN__
      if (!c.web_note.empty()) v.description += ". In this page: " + c.web_note + ".";
#endif
    }
  if (IsUploadName(s.data_name)) v.description = s.upload_desc;
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
