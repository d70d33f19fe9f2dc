// model_files.cpp: .cnnmodel files (cnn/model_file.h): the model text, the trained weights, the
// settings as a URL state and the data's normalization, saved from the page and loaded back.
#include <algorithm>
#include <cstdio>

#include "app.h"
#include "browser.h"
#include "cnn/export.h"
#include "cnn/model_file.h"
#include "lab_link.h"
#include "session.h"

// The file's settings block: the dataset and every setting (cnn/settings.inc), no page view.
static std::string FileSettings(const AppState& app) {
  cnn::UrlState u = LabUrlState(app).lab;
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
  const cnn::DataNotes notes = app.session->data_ok ? cnn::data_notes_from_dataset(app.session->data)
                                                    : cnn::DataNotes();
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
  LabLink link;  // older files may name a tab: read as a link, its view is not applied
  cnn::UrlState& u = link.lab;
  std::string serr;
  bool settings_ok = f.settings.empty() || LabLinkDecode(f.settings, &link, &serr);
  if (settings_ok) {
    u.has_model = u.has_preset = false;
    if (u.has_data) {  // a dataset this page lacks: keep ours, the weights still load
      const std::vector<std::string>& names = DatasetNames();
      if (std::find(names.begin(), names.end(), u.data) == names.end()) u.has_data = false;
    }
    LabApplyUrlState(app, link, false, &serr);
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
  if (!f.weights.empty() &&
      !cnn::load_sandbox_weights(&app.session->net, f.weights.data(), int64_t(f.weights.size()), &e)) {
    *err = "The weights could not be loaded: " + e;
    return false;
  }
  SessionWorkerWeights(*app.session);  // the trainer in the worker (issue 19) takes them too
  app.status = f.weights.empty() ? "Model loaded (architecture only: fresh weights)."
                                 : "Model loaded with its trained weights.";
  app.status_is_error = false;
  return true;
}

void SaveModelFile(AppState& app) {
  std::string err;
  std::string bytes = ShareModelFileBytes(app, &err);
  ShareState& sh = app.share;
  if (bytes.empty()) {
    sh.file_message = err;
    sh.file_message_is_error = true;
    return;
  }
  DownloadAndSay(app, bytes, ModelFileStem(app) + ".cnnmodel", "saved");
}

std::string ModelFileStem(const AppState& app) {
  return app.doc.preset_name.empty() ? std::string("model") : app.doc.preset_name;
}

void DownloadAndSay(AppState& app, const std::string& bytes, const std::string& name, const char* verb) {
  BrowserDownload(bytes, name.c_str());
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %s (%s bytes, step %lld)", verb, name.c_str(),
                cnn::with_commas(int64_t(bytes.size())).c_str(), (long long)SessionStepCount(app));
  app.share.file_message = buf;
  app.share.file_message_is_error = false;
}
