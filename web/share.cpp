// share.cpp: links, embed mode, autosave and model files (see share.h).
//
// [SECTION] Browser glue (EM_JS: compiled into the page's script at link time, nothing is evaluated)
// [SECTION] The lab as a URL state, and back
// [SECTION] Model files
// [SECTION] Per-frame work: lock, autosave, embed layout
// [SECTION] Buttons
// [SECTION] JS API (window.cnnSandbox, see shell/share.js)
#include "share.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "app.h"
#include "cnn/export.h"
#include "cnn/model_file.h"
#include "cnn/url_state.h"
#include "imgui.h"
#include "nlohmann/json.hpp"
#include "session.h"

#include "js_export.h"

// ---------------------------------------------------------------------------------------------
// [SECTION] Browser glue
// localStorage may be switched off (private windows, iframes with storage blocked): every access
// is guarded, and a page without storage simply does not autosave.
static void TrackChanges(AppState& app);  // [SECTION] Undo/redo

#ifdef __EMSCRIPTEN__
static const char* kAutosaveKey = "cnn-sandbox.autosave.v1";
EM_JS(char*, ShareJsGetHash, (), {
  var h = "";
  try { h = String(window.location.hash || ""); } catch (e) {}
  var n = lengthBytesUTF8(h) + 1, p = _malloc(n);
  stringToUTF8(h, p, n);
  return p;
});
EM_JS(char*, ShareJsGetStorage, (const char* key), {
  var v = "";
  try { v = window.localStorage.getItem(UTF8ToString(key)) || ""; } catch (e) {}
  var n = lengthBytesUTF8(v) + 1, p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(int, ShareJsSetStorage, (const char* key, const char* value), {
  try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); return 1; } catch (e) { return 0; }
});
// replaceState, not location.hash =: no history entry per keystroke, no hashchange event.
EM_JS(void, ShareJsSetHash, (const char* frag), {
  try { window.history.replaceState(null, "", "#" + UTF8ToString(frag)); } catch (e) {}
});
EM_JS(void, ShareJsCopyLink, (const char* frag), {
  var link = window.location.href.split("#")[0] + "#" + UTF8ToString(frag);
  window.cnnShareLastLink = link;
  if (window.cnnShare) window.cnnShare.copyText(link);
});
EM_JS(void, ShareJsDownload, (const char* data, int size, const char* name), {
  var bytes = HEAPU8.slice(data, data + size);
  window.cnnShareLastFile = { name: UTF8ToString(name), bytes: bytes };
  if (Module.cnnDownload) Module.cnnDownload(bytes, UTF8ToString(name), "application/octet-stream");
});
EM_JS(void, ShareJsPickFile, (), {
  if (window.cnnShare) window.cnnShare.pickModelFile();
});
EM_JS(void, ShareJsOpenFull, (const char* frag), {
  var link = window.location.href.split("#")[0] + "#" + UTF8ToString(frag);
  window.open(link, "_blank", "noopener");
});
static std::string TakeString(char* p) {
  std::string s = p ? p : "";
  std::free(p);
  return s;
}
static std::string ReadHash() { return TakeString(ShareJsGetHash()); }
static std::string ReadStorage() { return TakeString(ShareJsGetStorage(kAutosaveKey)); }
static bool WriteStorage(const std::string& v) { return ShareJsSetStorage(kAutosaveKey, v.c_str()) != 0; }
static void WriteHash(const std::string& f) { ShareJsSetHash(f.c_str()); }
static void CopyLink(const std::string& f) { ShareJsCopyLink(f.c_str()); }
static void Download(const std::string& bytes, const char* name) { ShareJsDownload(bytes.data(), int(bytes.size()), name); }
static void PickFile() { ShareJsPickFile(); }
static void OpenFull(const std::string& f) { ShareJsOpenFull(f.c_str()); }
#else
// The desktop window: no URL and no storage; the fragment is printed so it can still be shared.
static std::string ReadHash() { return ""; }
static std::string ReadStorage() { return ""; }
static bool WriteStorage(const std::string&) { return false; }
static void WriteHash(const std::string&) {}
static void CopyLink(const std::string& f) { std::printf("#%s\n", f.c_str()); }
static void Download(const std::string& bytes, const char* name) {
  FILE* fp = std::fopen(name, "wb");
  if (fp) { std::fwrite(bytes.data(), 1, bytes.size(), fp); std::fclose(fp); }
}
static void PickFile() {}
static void OpenFull(const std::string&) {}
#endif

// ---------------------------------------------------------------------------------------------
// [SECTION] The lab as a URL state, and back

static const char* TabKey(LeftTab t) {
  switch (t) {
    case LeftTab::Designer: return "designer";
    case LeftTab::Analysis: return "analysis";
    case LeftTab::Data: return "data";
  }
  return "designer";
}

static cnn::UrlState CurrentState(const AppState& app) {
  cnn::UrlState u;
  const Preset* preset = nullptr;
  for (const Preset& p : app.presets)
    if (p.name == app.doc.preset_name && p.text == app.doc.text) preset = &p;
  if (preset) { u.has_preset = true; u.preset = preset->name; }  // short links for unchanged presets
  else { u.has_model = true; u.model = app.doc.text; }
  // the learner's own files stay on this machine: a link never names them (it then carries no
  // dataset, and the page that opens it picks one the model fits)
  u.has_data = !IsUploadName(app.dataset_name);
  if (u.has_data) u.data = app.dataset_name;
  const TrainSettings& s = app.settings;
  u.has_optimizer = true; u.optimizer = s.optimizer;
  u.has_lr = true; u.lr = s.lr;
  u.has_momentum = true; u.momentum = s.momentum;
  u.has_weight_decay = true; u.weight_decay = s.weight_decay;
  u.has_schedule = true; u.schedule = s.schedule;
  u.has_step_epochs = true; u.step_epochs = s.step_epochs;
  u.has_gamma = true; u.gamma = s.gamma;
  u.has_batch = true; u.batch = s.batch;
  u.has_epochs = true; u.epochs = s.epochs;
  u.has_seed = true; u.seed = s.seed;
  u.has_eval_every = true; u.eval_every = s.eval_every;
  u.has_eval_samples = true; u.eval_samples = s.eval_samples;
  u.has_tab = true; u.tab = TabKey(app.left_tab);
  u.panels = app.share.panels;
  u.embed = app.share.embed;
  u.lock = app.share.locked;
  return u;
}

std::string ShareCurrentFragment(const AppState& app) { return cnn::url_state_encode(CurrentState(app)); }

// Checks everything first, then changes the lab: a refused state changes nothing.
static bool ApplyState(AppState& app, const cnn::UrlState& u, bool with_view, std::string* err) {
  const Preset* preset = nullptr;
  if (u.has_preset) {
    for (const Preset& p : app.presets)
      if (p.name == u.preset) preset = &p;
    if (!preset) {
      std::string names;
      for (const Preset& p : app.presets) names += (names.empty() ? "" : ", ") + p.name;
      *err = "The link names a preset '" + u.preset + "' this page does not have (it has " + names + ").";
      return false;
    }
  }
  if (u.has_data) {
    const std::vector<std::string>& names = DatasetNames();
    if (std::find(names.begin(), names.end(), u.data) == names.end()) {
      std::string all;
      for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
      *err = "The link names a dataset '" + u.data + "' this page does not have (it has " + all + ").";
      return false;
    }
  }
  if (u.has_optimizer && (u.optimizer < 0 || u.optimizer > 2)) { *err = "bad optimizer"; return false; }
  if (u.has_schedule && (u.schedule < 0 || u.schedule > 2)) { *err = "bad schedule"; return false; }

  if (preset) {
    ApplyPreset(app, preset->name);
  } else if (u.has_model) {
    DocSetText(app, u.model);
    app.doc.preset_name.clear();
    app.doc.preset_description.clear();
  }
  if (u.has_data) {
    app.dataset_name = u.data;
    app.preset_changed = false;  // the link says which data: do not pick another
  } else if (preset || u.has_model) {
    app.preset_changed = true;  // choose a dataset the model fits
  }
  TrainSettings& s = app.settings;
  if (u.has_optimizer) s.optimizer = u.optimizer;
  if (u.has_lr) s.lr = u.lr;
  if (u.has_momentum) s.momentum = u.momentum;
  if (u.has_weight_decay) s.weight_decay = u.weight_decay;
  if (u.has_schedule) s.schedule = u.schedule;
  if (u.has_step_epochs) s.step_epochs = u.step_epochs;
  if (u.has_gamma) s.gamma = u.gamma;
  if (u.has_batch) s.batch = u.batch;
  if (u.has_epochs) s.epochs = u.epochs;
  if (u.has_seed) s.seed = u.seed;
  if (u.has_eval_every) s.eval_every = u.eval_every;
  if (u.has_eval_samples) s.eval_samples = u.eval_samples;
  if (with_view) {
    if (u.has_tab) {
      app.left_tab = u.tab == "analysis" ? LeftTab::Analysis : u.tab == "data" ? LeftTab::Data : LeftTab::Designer;
      app.request_tab = true;
    }
    app.share.panels = u.panels;
    app.share.embed = u.embed;
    app.share.locked = u.lock;
    app.share.locked_text = app.doc.text;
  }
  return true;
}

bool ShareApplyFragment(AppState& app, const std::string& fragment, std::string* err) {
  cnn::UrlState u;
  if (!cnn::url_state_decode(fragment, &u, err)) return false;
  if (app.share.locked && (u.has_model || u.has_preset) && !u.lock) {
    // a locked lesson keeps its network; the lock itself is lifted only by a new page load
    *err = "The architecture is locked in this lesson; open the full lab to change it.";
    return false;
  }
  return ApplyState(app, u, true, err);
}

void ShareInit(AppState& app) {
  ShareState& sh = app.share;
  std::string hash = ReadHash();
  if (!hash.empty() && hash != "#") {
    std::string err;
    if (ShareApplyFragment(app, hash, &err)) {
      sh.restored_from = "link";
    } else {
      sh.load_error = err + " The default lab is shown instead.";
      app.status = sh.load_error;
      app.status_is_error = true;
    }
  } else {
    std::string saved = ReadStorage();
    std::string err;
    if (!saved.empty()) {
      cnn::UrlState u;
      if (cnn::url_state_decode(saved, &u, &err)) {
        u.embed = u.lock = false;  // the autosave is the learner's own lab, never a lesson
        if (ApplyState(app, u, true, &err)) {
          sh.restored_from = "autosave";
          app.status = "Your last design was restored (autosaved in this browser).";
          app.status_is_error = false;
        }
      }
      if (sh.restored_from.empty()) {
        app.status = "The autosaved design could not be restored (" + err + "); the default lab is shown.";
        app.status_is_error = true;
      }
    }
  }
  app.doc.undo.clear();  // opening the page is not an edit
  app.doc.redo.clear();
  sh.undo.clear();
  sh.redo.clear();
  sh.have_last = false;
  TrackChanges(app);
  sh.current = sh.written = ShareCurrentFragment(app);
  if (sh.restored_from == "link") sh.written.clear();  // write the canonical form back once
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Model files

static std::string FileSettings(const AppState& app) {
  cnn::UrlState u = CurrentState(app);
  u.embed = u.lock = false;
  u.has_tab = false;
  u.panels.clear();
  u.has_model = u.has_preset = false;  // the text travels beside it
  return cnn::url_state_encode(u);
}

std::string ShareModelFileBytes(AppState& app, std::string* err) {
  SessionEnsure(app);
  if (!app.session || !app.session->ready) {
    std::string why;
    TrainingAllowed(app, &why);
    *err = "Nothing to save yet: " + (why.empty() ? std::string("the network is not built") : why);
    return "";
  }
  // The file carries the training data's normalization and class names (format 2), so an export
  // made from it later takes raw pixels as the page's does.
  const cnn::DataNotes notes = app.session->data_ok ? cnn::data_notes_from_dataset(app.session->data) : cnn::DataNotes();
  return cnn::model_file_from_network(app.session->net, app.session->net_text, FileSettings(app), notes);
}

bool ShareLoadModelFile(AppState& app, const std::string& bytes, std::string* err) {
  if (app.share.locked) {
    *err = "The architecture is locked in this lesson: a model file cannot replace it.";
    return false;
  }
  cnn::Network probe;
  cnn::ModelFile f;
  if (!cnn::model_file_load(bytes, std::max(app.settings.batch, 1), &probe, &f, err)) return false;
  cnn::UrlState u;
  std::string serr;
  bool settings_ok = f.settings.empty() || cnn::url_state_decode(f.settings, &u, &serr);
  if (settings_ok) {
    u.has_model = u.has_preset = false;
    u.has_tab = false;
    if (u.has_data) {  // a dataset this page lacks: keep ours, the weights still load
      const std::vector<std::string>& names = DatasetNames();
      if (std::find(names.begin(), names.end(), u.data) == names.end()) u.has_data = false;
    }
    ApplyState(app, u, false, &serr);
  }
  DocSetText(app, f.model_text);
  app.doc.preset_name.clear();
  app.doc.preset_description.clear();
  if (!settings_ok || !u.has_data) app.preset_changed = true;
  // Rebuild now (not next frame) so the weights go into the network the trainer uses.
  if (app.session) app.session->net_text.clear();
  SessionEnsure(app);
  if (!app.session || !app.session->ready) {
    std::string why;
    TrainingAllowed(app, &why);
    *err = "The model was loaded but cannot be trained here, so its weights were not used: " + why;
    return false;
  }
  std::string e;
  if (!f.weights.empty() && !cnn::load_sandbox_weights(&app.session->net, f.weights.data(), int64_t(f.weights.size()), &e)) {
    *err = "The weights could not be loaded: " + e;
    return false;
  }
  app.status = f.weights.empty() ? "Model loaded (architecture only: fresh weights)." : "Model loaded with its trained weights.";
  app.status_is_error = false;
  return true;
}

static void SaveModelFile(AppState& app) {
  std::string err;
  std::string bytes = ShareModelFileBytes(app, &err);
  ShareState& sh = app.share;
  if (bytes.empty()) {
    sh.file_message = err;
    sh.file_message_is_error = true;
    return;
  }
  std::string name = (app.doc.preset_name.empty() ? std::string("model") : app.doc.preset_name) + ".cnnmodel";
  Download(bytes, name.c_str());
  char buf[160];
  std::snprintf(buf, sizeof buf, "saved %s (%s bytes, step %lld)", name.c_str(), cnn::with_commas(int64_t(bytes.size())).c_str(),
                (long long)SessionStepCount(app));
  sh.file_message = buf;
  sh.file_message_is_error = false;
}

// The model as a PyTorch script (issue 11): the same nn.Module the cross-check referees, with the
// trained weights embedded, downloaded as a .py file. Before any training it carries the initial
// weights, which is still a faithful starting point for a learner's own training loop.
static void ExportPytorch(AppState& app) {
  ShareState& sh = app.share;
  SessionEnsure(app);
  if (!app.session || !app.session->ready) {
    std::string why;
    TrainingAllowed(app, &why);
    sh.file_message = "Nothing to export yet: " + (why.empty() ? std::string("the network is not built") : why);
    sh.file_message_is_error = true;
    return;
  }
  cnn::PytorchExportOptions opt;
  opt.model_text = app.session->net_text;
  // forward() takes raw pixels (byte / 255) and standardizes them as the page did before training.
  if (app.session->data_ok) opt.data = cnn::data_notes_from_dataset(app.session->data);
  std::string script, err;
  if (!cnn::export_pytorch(app.session->net.spec, &app.session->net, opt, &script, &err)) {
    sh.file_message = "PyTorch export failed: " + err;
    sh.file_message_is_error = true;
    return;
  }
  std::string name = (app.doc.preset_name.empty() ? std::string("model") : app.doc.preset_name) + ".py";
  for (char& c : name) if (c == '-') c = '_';  // a Python module name
  Download(script, name.c_str());
  char buf[160];
  std::snprintf(buf, sizeof buf, "exported %s (%s bytes, step %lld)", name.c_str(),
                cnn::with_commas(int64_t(script.size())).c_str(), (long long)SessionStepCount(app));
  sh.file_message = buf;
  sh.file_message_is_error = false;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Per-frame work

static void KeepLock(AppState& app) {
  ShareState& sh = app.share;
  if (!sh.locked || app.doc.text == sh.locked_text) return;
  DocSetText(app, sh.locked_text);
  app.doc.undo.clear();
  app.doc.redo.clear();
  app.status = "The architecture is locked in this lesson: the model cannot be edited here (\"Open full lab\" opens an editable copy).";
  app.status_is_error = true;
}

static void Autosave(AppState& app) {
  ShareState& sh = app.share;
  const double now = cnn::now_ms();
  std::string f = ShareCurrentFragment(app);
  if (f != sh.current) { sh.current = f; sh.changed_at = now; }
  // a short quiet time: typing in the editor writes once, not on every key
  if (sh.current == sh.written || now - sh.changed_at < 300) return;
  WriteHash(sh.current);
  if (!sh.embed) {
    cnn::UrlState u;
    std::string err;
    cnn::url_state_decode(sh.current, &u, &err);
    u.embed = u.lock = false;
    if (WriteStorage(cnn::url_state_encode(u))) sh.autosaves++;
  }
  sh.written = sh.current;
}


static void ShowLockedModel(AppState& app) {
  const ModelDoc& d = app.doc;
  ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.4f, 1), "Locked network");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("This lesson shows exactly one network; train it and watch the curves.");
  ImGui::SameLine();
  if (d.valid) ImGui::TextDisabled("%s parameters", cnn::with_commas(d.info.total_params).c_str());
  ImGui::PushFont(app.font_mono);
  ImGui::BeginChild("locked_text", ImVec2(0, 0), true);
  int n = 0;
  size_t a = 0;
  while (a < d.text.size()) {
    size_t b = d.text.find('\n', a);
    if (b == std::string::npos) b = d.text.size();
    ImGui::TextDisabled("%2d", ++n);
    ImGui::SameLine();
    ImGui::TextUnformatted(d.text.data() + a, d.text.data() + b);
    a = b + 1;
  }
  ImGui::EndChild();
  ImGui::PopFont();
  SaveRect(app, "locked_model");
}

// The compact layout for an iframe (900x600 and below): no title bars, the model on the left with
// fewer tabs, training and curves on the right, a thin strip with "Open full lab".
static void EmbedLayout(AppState& app) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoTitleBar;
  app.narrow = true;
  const float left_w = std::floor(size.x * 0.42f);
  const float right_w = size.x - left_w;
  float train_h = app.train_content_h > 0 ? app.train_content_h + st.WindowPadding.y * 2 : size.y * 0.4f;
  train_h = std::floor(std::min(train_h, size.y * 0.55f));

  ImGui::SetNextWindowPos(o);
  ImGui::SetNextWindowSize(ImVec2(left_w, size.y));
  ImGui::Begin("###embed_model", nullptr, fixed);
  ImGui::TextUnformatted("CNN Sandbox");
  ImGui::SameLine();
  if (ImGui::SmallButton("Open full lab")) {
    cnn::UrlState u = CurrentState(app);
    u.embed = u.lock = false;
    OpenFull(cnn::url_state_encode(u));
  }
  SaveRect(app, "open_full");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open this lab, editable, in a new tab");
  // the designer tab of a locked lab shows the model read-only
  ShowModelTabs(app, "embed_left", "Model", [](AppState& a) { if (a.share.locked) ShowLockedModel(a); else ShowDesignerPanel(a); });
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(o.x + left_w, o.y));
  ImGui::SetNextWindowSize(ImVec2(right_w, train_h));
  ImGui::Begin("###embed_training", nullptr, fixed);
  ShowTrainingPanel(app);
  app.train_content_h = ImGui::GetCursorPosY() - ImGui::GetCursorStartPos().y - st.ItemSpacing.y;
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(o.x + left_w, o.y + train_h));
  ImGui::SetNextWindowSize(ImVec2(right_w, size.y - train_h));
  ImGui::Begin("###embed_plots", nullptr, fixed);
  ShowPlotsPanel(app);
  ImGui::End();
  app.rects["embed_layout"] = ImVec4(o.x, o.y, o.x + left_w, o.y + size.y);
}

bool ShareFrame(AppState& app) {
  KeepLock(app);
  TrackChanges(app);
  Autosave(app);
  if (!app.share.embed) return false;
  EmbedLayout(app);
  KeepLock(app);  // an edit made this frame (e.g. "Fit model to data") is undone at once
  return true;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Undo/redo over the whole lab
// model_doc.cpp keeps the model text's own stack (and its grouping of keystrokes); this timeline
// adds the settings and the dataset, so Undo after changing the learning rate undoes that change.
static_assert(std::is_trivially_copyable<TrainSettings>::value, "TrainSettings is snapshotted as bytes");
static constexpr size_t kMaxLabUndo = 200;

static ShareState::Snap TakeSnap(const AppState& app) {
  ShareState::Snap s;
  s.text = app.doc.text;
  s.preset = app.doc.preset_name;
  s.preset_description = app.doc.preset_description;
  s.dataset = app.dataset_name;
  const char* b = reinterpret_cast<const char*>(&app.settings);
  s.settings.assign(b, b + sizeof(TrainSettings));
  return s;
}

// What differs between two snapshots: "text", "data" or the byte offset of the first setting.
static std::string ChangeKind(const ShareState::Snap& a, const ShareState::Snap& b) {
  if (a.text != b.text) return "text";
  if (a.dataset != b.dataset) return "data";
  for (size_t i = 0; i < a.settings.size() && i < b.settings.size(); i++)
    if (a.settings[i] != b.settings[i]) return "setting@" + std::to_string(i / 4);
  return "preset";
}

// Records a change made since the last call (by a panel, the JS API or a link) as an undo step.
static void TrackChanges(AppState& app) {
  ShareState& sh = app.share;
  ShareState::Snap now = TakeSnap(app);
  const std::string doc_top = app.doc.undo.empty() ? std::string() : app.doc.undo.back();
  if (!sh.have_last) {
    sh.last = now;
    sh.have_last = true;
  } else if (!(now == sh.last)) {
    std::string kind = ChangeKind(sh.last, now);
    double t = cnn::now_ms();
    bool doc_new_group = app.doc.undo.size() != sh.doc_undo_size || doc_top != sh.doc_undo_top;
    bool merge = kind == sh.last_kind && !sh.undo.empty() &&
                 (kind == "text" ? !doc_new_group : t - sh.last_push_ms < 1000.0);
    if (!merge) {
      sh.undo.push_back(sh.last);
      if (sh.undo.size() > kMaxLabUndo) sh.undo.erase(sh.undo.begin());
    }
    sh.redo.clear();
    sh.last_kind = kind;
    sh.last_push_ms = t;
    sh.last = now;
  }
  sh.doc_undo_size = app.doc.undo.size();
  sh.doc_undo_top = doc_top;
}

static void RestoreSnap(AppState& app, const ShareState::Snap& s) {
  ShareState& sh = app.share;
  if (s.text != app.doc.text && !sh.locked) DocSetText(app, s.text);
  app.doc.preset_name = s.preset;
  app.doc.preset_description = s.preset_description;
  app.dataset_name = s.dataset;
  if (s.settings.size() == sizeof(TrainSettings)) std::memcpy(&app.settings, s.settings.data(), sizeof(TrainSettings));
  sh.last = TakeSnap(app);
  sh.last_kind.clear();
  sh.doc_undo_size = app.doc.undo.size();
  sh.doc_undo_top = app.doc.undo.empty() ? std::string() : app.doc.undo.back();
}

void ShareUndo(AppState& app) {
  TrackChanges(app);  // an edit made since the last frame (e.g. by the JS API) is a step too
  ShareState& sh = app.share;
  if (sh.undo.empty()) return;
  sh.redo.push_back(sh.last);
  ShareState::Snap s = sh.undo.back();
  sh.undo.pop_back();
  RestoreSnap(app, s);
}

void ShareRedo(AppState& app) {
  TrackChanges(app);
  ShareState& sh = app.share;
  if (sh.redo.empty()) return;
  sh.undo.push_back(sh.last);
  ShareState::Snap s = sh.redo.back();
  sh.redo.pop_back();
  RestoreSnap(app, s);
}

bool ShareCanUndo(AppState& app) { TrackChanges(app); return !app.share.undo.empty(); }
bool ShareCanRedo(AppState& app) { TrackChanges(app); return !app.share.redo.empty(); }

// ---------------------------------------------------------------------------------------------
// [SECTION] Buttons

void ShowShareButtons(AppState& app) {
  ShareState& sh = app.share;
  if (ImGui::Button("Copy link")) {
    sh.copied_link = ShareCurrentFragment(app);
    CopyLink(sh.copied_link);
    sh.copied_at = cnn::now_ms();
  }
  SaveRect(app, "copy_link");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A link that reopens this lab: model, data, settings and open tab");
  ImGui::SameLine();
  if (ImGui::Button("Save model")) SaveModelFile(app);
  SaveRect(app, "save_model");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Download the architecture and the trained weights (.cnnmodel)");
  ImGui::SameLine();
  if (ImGui::Button("PyTorch")) ExportPytorch(app);
  SaveRect(app, "export_pytorch");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Download this network as a PyTorch script (.py): an nn.Module with the trained\n"
                      "weights, a comment for each line of model text, and a training loop to start from");
  ImGui::SameLine();
  ImGui::BeginDisabled(sh.locked);
  if (ImGui::Button("Load model...")) PickFile();
  ImGui::EndDisabled();
  SaveRect(app, "load_model");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(sh.locked ? "The architecture is locked in this lesson" : "Open a .cnnmodel file saved from this page");
  // The note after the buttons: beside them when it fits, else on its own line (never cut off).
  const char* note = nullptr;
  bool note_is_error = false;
  if (cnn::now_ms() - sh.copied_at < 2500) note = "link copied";
  else if (!sh.file_message.empty() && sh.file_message_is_error) note = "file refused", note_is_error = true;  // the why is in the status line
  else if (!sh.file_message.empty()) note = sh.file_message.c_str();
  else if (sh.autosaves > 0 || sh.restored_from == "autosave") note = "design autosaved";
  if (!note) return;
  ImGui::SameLine();
  if (ImGui::CalcTextSize(note).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
  if (note_is_error) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.40f, 1.0f), "%s", note);
  else ImGui::TextDisabled("%s", note);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] JS API

CNN_EXPORT const char* cnn_share_fragment() {
  static std::string out;
  out = ShareCurrentFragment(AppGlobal());
  return out.c_str();
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
  static std::string out;
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
  out = j.dump();
  return out.c_str();
}

// Curves of the current (or last) run: exactly the vectors the plots draw.
CNN_EXPORT const char* cnn_share_metrics() {
  static std::string out;
  AppState& app = AppGlobal();
  nlohmann::json j;
  j["steps"] = SessionStepCount(app);
  j["stepsPerEpoch"] = SessionStepsPerEpoch(app);
  j["epochProgress"] = SessionEpochProgress(app);
  j["epoch"] = app.session && app.session->ready ? app.session->trainer.epoch : 0;
  j["training"] = app.training;
  j["pendingSteps"] = app.pending_steps;
  const Run* r = app.current_run >= 0 && app.current_run < int(app.runs.size()) ? &app.runs[size_t(app.current_run)]
                 : app.runs.empty() ? nullptr : &app.runs.back();
  j["run"] = r ? r->label : "";
  j["step"] = r ? r->step : std::vector<float>();
  j["loss"] = r ? r->loss : std::vector<float>();
  j["smoothLoss"] = r ? r->smooth : std::vector<float>();
  j["evalStep"] = r ? r->eval_step : std::vector<float>();
  j["testLoss"] = r ? r->test_loss : std::vector<float>();
  j["testAccuracy"] = r ? r->test_acc : std::vector<float>();
  j["lastLoss"] = r && !r->loss.empty() ? nlohmann::json(r->loss.back()) : nlohmann::json(nullptr);
  j["lastTestAccuracy"] = r && !r->test_acc.empty() ? nlohmann::json(r->test_acc.back()) : nlohmann::json(nullptr);
  out = j.dump();
  return out.c_str();
}

CNN_EXPORT int cnn_share_epoch() {
  AppState& app = AppGlobal();
  return app.session && app.session->ready ? int(app.session->trainer.epoch) : 0;
}
CNN_EXPORT int cnn_share_pending() { return AppGlobal().pending_steps; }
CNN_EXPORT int cnn_share_locked() { return AppGlobal().share.locked ? 1 : 0; }

// Network outputs for the first n test samples (inference mode), n <= the batch size.
CNN_EXPORT const char* cnn_share_predict(int n) {
  static std::string out;
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
  out = j.dump();
  return out.c_str();
}

// The model file, kept until the next call; the size through cnn_share_file_size().
static std::string g_file;
CNN_EXPORT const char* cnn_share_save_file() {
  AppState& app = AppGlobal();
  std::string err;
  g_file = ShareModelFileBytes(app, &err);
  if (g_file.empty()) { app.share.file_message = err; app.share.file_message_is_error = true; }
  return g_file.data();
}
CNN_EXPORT int cnn_share_file_size() { return int(g_file.size()); }
CNN_EXPORT void cnn_share_download() { SaveModelFile(AppGlobal()); }
CNN_EXPORT void cnn_share_export_pytorch() { ExportPytorch(AppGlobal()); }

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
