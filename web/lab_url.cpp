// lab_url.cpp: the lab as a link (lab_link.h: cnn/url_state.h and the page's view) and back; the restore on page load (the
// link, else the autosave, else the default lab) and the autosave while the page runs.
#include <algorithm>

#include "app.h"
#include "browser.h"
#include "lab_link.h"
#include "session.h"

LabLink LabUrlState(const AppState& app) {
  LabLink l;
  cnn::UrlState& u = l.lab;
  const Preset* preset = nullptr;
  for (const Preset& p : app.presets)
    if (p.name == app.doc.preset_name && p.text == app.doc.text) preset = &p;
  if (preset) {
    u.has_preset = true;
    u.preset = preset->name;
  }  // short links for unchanged presets
  else {
    u.has_model = true;
    u.model = app.doc.text;
  }
  // the learner's own files stay on this machine: a link never names them (it then carries no
  // dataset, and the page that opens it picks one the model fits)
  u.has_data = !IsUploadName(app.dataset_name);
  if (u.has_data) u.data = app.dataset_name;
  u.set_all(app.settings);
  l.has_tab = true;
  l.tab = LeftTabKey(app.left_tab);
  l.panels = app.share.panels;
  l.embed = app.share.embed;
  l.lock = app.share.locked;
  l.parents = app.share.parents;
  // the open lesson, when the page can fetch it again (a learner's own file stays on their machine)
  auto open = app.lessons.entries.find(app.lessons.open);
  if (open != app.lessons.entries.end() && !open->second.loaded_file) {
    l.has_lesson = true;
    l.lesson = app.lessons.open;
  }
  return l;
}

std::string ShareCurrentFragment(const AppState& app) { return LabLinkEncode(LabUrlState(app)); }

// Checks everything first, then changes the lab (see share.h).
bool LabApplyUrlState(AppState& app, const LabLink& link, bool with_view, std::string* err) {
  const cnn::UrlState& u = link.lab;
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
  for (int i = 0; i < cnn::kSettingCount; i++)  // the settings the link gives (range-checked when decoded)
    if (u.has(i)) cnn::setting_set(&app.settings, i, cnn::setting_get(u.settings, i));
  if (with_view) {
    if (link.has_tab) {
      app.left_tab = LeftTabFromKey(link.tab);
      app.request_tab = true;
    }
    app.share.panels = link.panels;
    app.share.embed = link.embed;
    app.share.locked = link.lock;
    app.share.locked_text = app.doc.text;
    // a lesson named by the link opens; its setup applies when the link brings no model of its own
    if (link.has_lesson) LessonsOpen(app, link.lesson, !u.has_model && !u.has_preset);
  }
  return true;
}

bool ShareApplyFragment(AppState& app, const std::string& fragment, std::string* err) {
  LabLink u;
  if (!LabLinkDecode(fragment, &u, err)) return false;
  if (app.share.locked && (u.lab.has_model || u.lab.has_preset) && !u.lock) {
    // a locked lesson keeps its network; the lock itself is lifted only by a new page load
    *err = "The architecture is locked in this lesson; open the full lab to change it.";
    return false;
  }
  return LabApplyUrlState(app, u, true, err);
}

void ShareInit(AppState& app) {
  ShareState& sh = app.share;
  std::string hash = BrowserReadHash();
  if (!hash.empty() && hash != "#") {
    std::string err;
    if (ShareApplyFragment(app, hash, &err)) {
      sh.restored_from = "link";
      LabLink l;
      if (LabLinkDecode(hash, &l, nullptr)) sh.parents = l.parents;  // only here: see ShareState
    } else {
      sh.load_error = err + " The default lab is shown instead.";
      app.status = sh.load_error;
      app.status_is_error = true;
    }
  } else {
    std::string saved = BrowserReadAutosave();
    std::string err;
    if (!saved.empty()) {
      LabLink u;
      if (LabLinkDecode(saved, &u, &err)) {
        u.embed = u.lock = false;  // the autosave is the learner's own lab, never a lesson
        if (LabApplyUrlState(app, u, true, &err)) {
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
  sh.undo.clear();  // opening the page is not an edit
  sh.redo.clear();
  sh.have_last = false;
  LabTrackChanges(app);
  sh.current = sh.written = ShareCurrentFragment(app);
  if (sh.restored_from == "link") sh.written.clear();  // write the canonical form back once
}

void LabAutosave(AppState& app) {
  ShareState& sh = app.share;
  const double now = cnn::now_ms();
  std::string f = ShareCurrentFragment(app);
  if (f != sh.current) {
    sh.current = f;
    sh.changed_at = now;
  }
  // a short quiet time: typing in the editor writes once, not on every key
  if (sh.current == sh.written || now - sh.changed_at < 300) return;
  BrowserWriteHash(sh.current);
  if (!sh.embed) {
    LabLink u = LabUrlState(app);
    u.embed = u.lock = false;
    if (BrowserWriteAutosave(LabLinkEncode(u))) sh.autosaves++;
  }
  sh.written = sh.current;
}
