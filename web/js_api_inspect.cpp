// js_api_inspect.cpp: window.cnnSandbox.inspect (web/shell/api_inspect.js): choose a tab and a
// view, click a unit, draw on the pad, and read what the views show, for the browser tests.
#include <algorithm>
#include <cctype>
#include <string>

#include "app.h"
#include "inspect_views.h"
#include "js_export.h"
#include "js_reply.h"
#include "nlohmann/json.hpp"
#include "session.h"

CNN_EXPORT int cnn_inspect_show(const char* tab, const char* view) {
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  std::string t = tab ? tab : "", v = view ? view : "";
  if (t == "curves") in.tab = InspectTab::Curves;
  else if (t == "inside") in.tab = InspectTab::Inside;
  else if (t == "backprop") in.tab = InspectTab::Backprop;
  else if (t == "notes") in.tab = InspectTab::Notes;
  else return 0;
  in.request_tab = true;
  if (in.tab == InspectTab::Notes && !v.empty()) {  // notes: fig1 | fig5 | line | fig3
    static const char* notes[] = {"fig1", "fig5", "line", "fig3"};
    for (int k = 0; k < 4; k++)
      if (v == notes[k]) {
        in.notes_view = k;
        return 1;
      }
    return 0;
  }
  if (!v.empty()) {
    bool found = false;
    for (int k = 0; k < int(InsideView::Count); k++) {
      std::string nm = InsideViewName(InsideView(k));
      std::transform(nm.begin(), nm.end(), nm.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      if (nm == v) {
        in.view = InsideView(k);
        found = true;
      }
    }
    if (!found) return 0;
    in.last_refresh = -1000;
  }
  return 1;
}

CNN_EXPORT int cnn_inspect_select_unit(int layer, int chan, int row, int col) {
  AppState& app = AppGlobal();
  Session* s = InspectSession(app);
  if (!s || layer < 1 || layer > s->net.num_layers()) return 0;
  InspectSyncKey(app, *s);
  InspectSelectUnit(app, *s, layer, chan, row, col);
  InspectRefreshSample(app, *s);
  return 1;
}

CNN_EXPORT void cnn_inspect_draw_stroke() {  // a diagonal stroke on the pad, as a mouse would draw
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  Session* s = InspectSession(app);
  if (!s) return;
  InspectSyncKey(app, *s);
  const cnn::Shape sh = s->data.shape;
  for (int i = 0; i < sh.h; i++) {
    int j = sh.w / 2;
    in.pad[size_t(i) * sh.w + j] = 1.0f;
    if (j + 1 < sh.w) in.pad[size_t(i) * sh.w + j + 1] = 0.7f;
  }
  in.use_pad = true;
  in.pad_dirty = true;
}

CNN_EXPORT const char* cnn_inspect_get_state(int run_gradcheck) {
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  if (run_gradcheck) InspectRunGradientCheck(app);
  using nlohmann::json;
  json j;
  static const char* tabs[] = {"curves", "inside", "backprop", "notes"};
  j["tab"] = tabs[int(in.tab)];
  j["view"] = InsideViewName(in.view);
  j["gpuColormap"] = ColormapUsesGpu();
  j["ready"] = InspectSession(app) != nullptr;
  j["error"] = in.error;
  j["predicted"] = in.predicted;
  j["probs"] = in.probs;
  j["usePad"] = in.use_pad;
  j["sample"] = in.sample;
  if (in.rf_layer >= 1) {
    const cnn::FieldRect& r = in.rf_rect;
    j["field"] = {{"layer", in.rf_layer},
                  {"row", in.rf_row},
                  {"col", in.rf_col},
                  {"chan", in.rf_chan},
                  {"nominal", {r.first[0], r.first[1], r.last[0], r.last[1]}},
                  {"exact", {r.clip_first[0], r.clip_first[1], r.clip_last[0], r.clip_last[1]}},
                  {"wholeInput", r.whole_input}};
    if (Session* s = InspectSession(app); s && !in.erf.empty()) {
      cnn::FieldRect sup = cnn::field_support(in.erf.data(), s->net.info.input);
      j["field"]["support"] = {sup.first[0], sup.first[1], sup.last[0], sup.last[1]};
    }
  }
  int conf_total = 0;
  for (int32_t c : in.conf.confusion) conf_total += c;
  j["confusionTotal"] = conf_total;
  j["confusionSelected"] = {in.conf_sel_true, in.conf_sel_pred};
  j["dynamicsPoints"] = in.dyn_step.size();
  j["traceStep"] = in.bp_step;
  j["haveTrace"] = in.have_trace;
  j["haveLine"] = in.have_line;
  if (in.have_line) {
    int flat01 = 0, flatce = 0;
    for (size_t k = 1; k < in.line.t.size(); k++) {
      if (!in.line.zero_one.empty()) flat01 += in.line.zero_one[k] == in.line.zero_one[k - 1];
      flatce += in.line.cross_entropy[k] == in.line.cross_entropy[k - 1];
    }
    j["line"] = {{"points", in.line.t.size()}, {"flatZeroOne", flat01}, {"flatCrossEntropy", flatce}};
  }
  if (in.have_gradcheck) {
    const cnn::GradCheckResult& g = in.gradcheck;
    json layers = json::array();
    for (size_t i = 0; i < g.layers.size(); i++)
      layers.push_back({{"errW", g.layers[i].err_w},
                        {"errB", g.layers[i].err_b},
                        {"errX", g.layers[i].err_x},
                        {"checked", g.layers[i].checked},
                        {"kinks", g.layers[i].kinks}});
    j["gradcheck"] = {{"maxError", g.max_error}, {"worstLayer", g.worst_layer},
                      {"errDp", g.err_dp},       {"message", g.message},
                      {"layers", layers},        {"ms", in.gradcheck_ms}};
  }
  return JsonReply(app, j);
}
