// share.h: links, embedding and keeping (issue 8). The lab's state lives in the URL fragment
// (cnn/url_state.h) and in localStorage; a model file (cnn/model_file.h) carries a trained network
// off the page and back; an embed mode gives course pages a compact, optionally locked lab.
//   share.cpp             ShareFrame (the per-frame work) and the Copy link / Save / Load buttons
//   lab_url.cpp           the lab as a URL state and back; restore on load; autosave
//   model_files.cpp       .cnnmodel files: save, load
//   pytorch_download.cpp  the network as a PyTorch script, downloaded
//   embed.cpp             embed mode: the compact layout, the locked architecture
//   lab_undo.cpp          undo/redo over the whole lab (model text, settings, dataset)
//   browser.cpp           the browser glue (URL, localStorage, clipboard, downloads)
//   js_api_share.cpp      window.cnnSandbox's share functions (shell/share.js)
//
// Order on load: the URL fragment if there is one (a malformed one gives a message and the default
// lab), else the autosaved design, else the default lab. While the page runs, every change is
// written back to the fragment (history.replaceState, so Back is not flooded) and, outside embed
// mode, to localStorage.
#pragma once
#include <string>
#include <vector>

#include "cnn/settings.h"

struct AppState;
struct LabLink;

struct ShareState {
  bool embed = false;         // compact layout for an iframe (#embed=1)
  bool locked = false;        // the architecture cannot be edited (#lock=1)
  std::string locked_text;    // the model text the lock keeps
  std::string restored_from;  // "link", "autosave" or "" (default lab)
  std::string load_error;     // why the link was not used ("" if it was)
  std::string current;        // fragment of the state as of the last frame
  std::string written;        // fragment last written to the URL / localStorage
  double changed_at = 0;      // when `current` last changed (ms)
  int autosaves = 0;          // localStorage writes so far
  std::string copied_link;    // last link put on the clipboard
  double copied_at = -1e9;    // for the "copied" note beside the button
  std::string file_message;   // result of the last model-file load/save
  bool file_message_is_error = false;
  std::string file_bytes;           // the model file cnn_share_save_file made, until the next call
  std::vector<std::string> panels;  // open panels besides the left tab (other helpers' views)
  // Parent origins that may script the embed (#parent=, web/shell/embed_api.js): read from the
  // link the page was opened with, never changed later (a parent cannot widen its own rights).
  std::vector<std::string> parents;

  // Undo/redo over the whole lab (model text AND settings/dataset), one timeline. Model edits keep
  // the grouping of model_doc.cpp (a new step when it opens a new undo group); a setting dragged
  // for a while is one step.
  struct Snap {
    std::string text, preset, preset_description, dataset;
    cnn::Settings settings;
    bool operator==(const Snap& o) const {
      return text == o.text && preset == o.preset && dataset == o.dataset && settings == o.settings;
    }
  };
  std::vector<Snap> undo, redo;
  Snap last;  // the lab as last seen
  bool have_last = false;
  int doc_edit_groups = 0;  // model_doc's edit groups as last seen
  std::string last_kind;    // "text" or the name of the setting changed last
  double last_push_ms = -1e9;
};

void ShareUndo(AppState& app);
void ShareRedo(AppState& app);
bool ShareCanUndo(AppState& app);
bool ShareCanRedo(AppState& app);

void ShareInit(AppState& app);  // end of AppInit: apply the link or the autosave
// After the training slice, before the panels. Keeps the lock, writes the autosave, and in embed
// mode draws the whole compact layout: returns true then (AppFrame skips its own layout).
bool ShareFrame(AppState& app);
void ShowShareButtons(AppState& app);  // "Copy link", "Save model", "Load model" row

// The lab as a fragment, and the inverse (false + message in *err; nothing changed then).
std::string ShareCurrentFragment(const AppState& app);
bool ShareApplyFragment(AppState& app, const std::string& fragment, std::string* err);
std::string ShareModelFileBytes(AppState& app, std::string* err);  // "" + *err when no network
bool ShareLoadModelFile(AppState& app, const std::string& bytes, std::string* err);

// lab_url.cpp
LabLink LabUrlState(const AppState& app);  // the whole lab: model, data, settings, view
// Checks everything first, then changes the lab: a refused state changes nothing. with_view: also
// the tab, the panels, embed and lock.
bool LabApplyUrlState(AppState& app, const LabLink& link, bool with_view, std::string* err);
void LabAutosave(AppState& app);  // the fragment to the address bar and localStorage, after a quiet time
// model_files.cpp, pytorch_download.cpp: download, with the result in share.file_message
void SaveModelFile(AppState& app);
void DownloadPytorch(AppState& app);
std::string ModelFileStem(const AppState& app);  // the preset's name, or "model"
// Downloads bytes as `name` and says so in share.file_message: "<verb> <name> (<size> bytes, step <n>)".
void DownloadAndSay(AppState& app, const std::string& bytes, const std::string& name, const char* verb);
// embed.cpp
void EmbedKeepLock(AppState& app);  // a locked lesson's model text comes back at once
void EmbedLayout(AppState& app);    // the whole compact layout of embed mode
// lab_undo.cpp
void LabTrackChanges(AppState& app);  // records a change made since the last call as an undo step
