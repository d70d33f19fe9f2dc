// js_reply.h: the reply of a window.cnnSandbox call that returns JSON, in one place. The text is
// kept in app.js_out until the next such call (the page's JavaScript copies it at once).
#pragma once
#include "app.h"
#include "nlohmann/json.hpp"

inline const char* JsonReply(AppState& app, const nlohmann::json& j) {
  app.js_out = j.dump();
  return app.js_out.c_str();
}
