// lab_undo.cpp: undo/redo over the whole lab.
// model_doc.cpp keeps the model text's own stack (and its grouping of keystrokes); this timeline
// adds the settings and the dataset, so Undo after changing the learning rate undoes that change.
#include <cstring>
#include <type_traits>

#include "app.h"
#include "session.h"

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
void LabTrackChanges(AppState& app) {
  ShareState& sh = app.share;
  ShareState::Snap now = TakeSnap(app);
  if (!sh.have_last) {
    sh.last = now;
    sh.have_last = true;
  } else if (!(now == sh.last)) {
    std::string kind = ChangeKind(sh.last, now);
    double t = cnn::now_ms();
    bool doc_new_group = app.doc.edit_groups != sh.doc_edit_groups;
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
  sh.doc_edit_groups = app.doc.edit_groups;
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
  sh.doc_edit_groups = app.doc.edit_groups;
}

void ShareUndo(AppState& app) {
  LabTrackChanges(app);  // an edit made since the last frame (e.g. by the JS API) is a step too
  ShareState& sh = app.share;
  if (sh.undo.empty()) return;
  sh.redo.push_back(sh.last);
  ShareState::Snap s = sh.undo.back();
  sh.undo.pop_back();
  RestoreSnap(app, s);
}

void ShareRedo(AppState& app) {
  LabTrackChanges(app);
  ShareState& sh = app.share;
  if (sh.redo.empty()) return;
  sh.undo.push_back(sh.last);
  ShareState::Snap s = sh.redo.back();
  sh.redo.pop_back();
  RestoreSnap(app, s);
}

bool ShareCanUndo(AppState& app) { LabTrackChanges(app); return !app.share.undo.empty(); }
bool ShareCanRedo(AppState& app) { LabTrackChanges(app); return !app.share.redo.empty(); }

