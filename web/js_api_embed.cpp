// js_api_embed.cpp: the C side of the postMessage API for course pages on other origins
// (web/shell/embed_api.js). A message from the parent page changes the lab through the same strict
// parser as a link (cnn/url_state.h, lab_link.h): embed_api.js turns {type: 'setModel', text} or
// {type: 'settings', settings: {lr: 0.01}} into the fragment `model=...` or `lr=0.01`, and this
// file checks all of it before it changes anything, so a bad message changes nothing and its reply
// says what is wrong (the link's own sentence).
#include <string>

#include "app.h"
#include "cnn/spec.h"
#include "cnn/url_state.h"
#include "js_export.h"
#include "js_reply.h"
#include "lab_link.h"
#include "nlohmann/json.hpp"
#include "share.h"

// The link's sentences speak of "the link"; the parent page sent a request, not a link.
static std::string MessageProblem(const std::string& link_error) {
  const std::string prefix = cnn::url_state_error(""), names = "The link names ";
  if (link_error.rfind(prefix, 0) == 0) return link_error.substr(prefix.size());
  if (link_error.rfind(names, 0) == 0) return "the request names " + link_error.substr(names.size());
  return link_error;
}

// Applies the engine's part of a link (model or preset, data, settings; no view keys) to the lab.
// Returns {"ok": true} or {"ok": false, "error": "..."}; on error nothing changed.
CNN_EXPORT const char* cnn_embed_apply(const char* fragment) {
  AppState& app = AppGlobal();
  nlohmann::json j;
  std::string err;
  cnn::UrlState u;
  LabLink link;
  if (!cnn::url_state_decode(fragment ? fragment : "", &u, &err)) {
    err = MessageProblem(err);
  } else if ((u.has_model || u.has_preset) && app.share.locked) {
    err = "the architecture is locked in this lesson (lock=1 in the lab's link); the model cannot be changed.";
  } else {
    if (u.has_model) {  // a link may carry any text (the editor shows its error); a message must analyze
      cnn::ModelSpec spec;
      cnn::ModelInfo info;
      cnn::SpecError e;
      if (!cnn::parse_and_analyze(u.model, &spec, &info, &e)) err = "the model text does not analyze: " + e.to_string();
    }
    link.lab = u;
    if (err.empty() && !LabApplyUrlState(app, link, false, &err)) err = MessageProblem(err);
  }
  j["ok"] = err.empty();
  if (!err.empty()) j["error"] = err;
  return JsonReply(app, j);
}

// What the parent page may rely on: the link's parent= origins (empty: any), the embed and lock,
// and whether the page was opened from a link that could not be read.
CNN_EXPORT const char* cnn_embed_info() {
  AppState& app = AppGlobal();
  nlohmann::json j;
  j["parents"] = app.share.parents;
  j["embed"] = app.share.embed;
  j["locked"] = app.share.locked;
  j["linkError"] = app.share.restored_from == "link" ? std::string() : app.share.load_error;
  std::string keys;
  for (int i = 0; i < cnn::kSettingCount; i++) keys += std::string(i ? "," : "") + cnn::setting_info(i).url_key;
  j["settingKeys"] = keys;
  nlohmann::json settings = nlohmann::json::object();
  for (int i = 0; i < cnn::kSettingCount; i++)
    settings[cnn::setting_info(i).url_key] = cnn::setting_text(app.settings, i);
  j["settings"] = settings;
  return JsonReply(app, j);
}
