// lab_undo.cpp: undo/redo over the whole lab: the model text (grouped as model_doc.cpp groups its
// edits), the dataset and the settings, so Undo after changing the learning rate undoes that change.

#include "app.h"
#include "session.h"

static constexpr size_t kMaxLabUndo = 200;

static ShareState::Snap TakeSnap(const AppState& app) {
  ShareState::Snap s;
  s.text = app.doc.text;
  s.preset = app.doc.preset_name;
  s.preset_description = app.doc.preset_description;
  s.dataset = app.dataset_name;
  s.settings = app.settings;
  return s;
}

// What differs between two snapshots: "text", "data" or the name of the first setting (cnn/settings.inc).
static std::string ChangeKind(const ShareState::Snap& a, const ShareState::Snap& b) {
  if (a.text != b.text) return "text";
  if (a.dataset != b.dataset) return "data";
  const int i = cnn::settings_first_difference(a.settings, b.settings);
  if (i >= 0) return cnn::setting_info(i).name;
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
  app.settings = s.settings;
  sh.last = TakeSnap(app);
  sh.last_kind.clear();
  sh.doc_edit_groups = app.doc.edit_groups;
}

// One step back (from undo to redo) or forward (from redo to undo).
static void Travel(AppState& app, std::vector<ShareState::Snap>& from, std::vector<ShareState::Snap>& to) {
  LabTrackChanges(app);  // an edit made since the last frame (e.g. by the JS API) is a step too
  if (from.empty()) return;
  to.push_back(app.share.last);
  ShareState::Snap s = from.back();
  from.pop_back();
  RestoreSnap(app, s);
}

void ShareUndo(AppState& app) { Travel(app, app.share.undo, app.share.redo); }
void ShareRedo(AppState& app) { Travel(app, app.share.redo, app.share.undo); }

bool ShareCanUndo(AppState& app) {
  LabTrackChanges(app);
  return !app.share.undo.empty();
}
bool ShareCanRedo(AppState& app) {
  LabTrackChanges(app);
  return !app.share.redo.empty();
}
