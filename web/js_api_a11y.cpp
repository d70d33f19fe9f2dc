// js_api_a11y.cpp: what the page's text view (web/shell/a11y.js, issue 17) mirrors of the canvas,
// as one JSON object: the model and its analysis table, the dataset, the training status and a
// sentence per plot. The text view is for screen readers and keyboards; it edits the same model and
// acts on the same lab through window.cnnSandbox, so it and the canvas never disagree.
#include <algorithm>
#include <cstring>
#include <cstdio>
#include <string>

#include "app.h"
#include "imgui.h"
#include "imgui_internal.h"
#include "inspect.h"
#include "inspect_views.h"
#include "plot.h"
#include "theme.h"
#include "cnn/describe.h"
#include "cnn/diagnose.h"
#include "cnn/format.h"
#include "cnn/train.h"
#include "nlohmann/json.hpp"
#include "session.h"

#include "js_export.h"
#include "js_reply.h"

using nlohmann::json;

static std::string FieldText(const cnn::ReceptiveField& rf) {
  char buf[96];
  if (rf.whole_input)
    std::snprintf(buf, sizeof buf, "whole input %lldx%lld", (long long)rf.size[0], (long long)rf.size[1]);
  else if (rf.size[0] == rf.size[1] && rf.jump[0] == rf.jump[1])
    std::snprintf(buf, sizeof buf, "%lldx%lld, jump %lld", (long long)rf.size[0], (long long)rf.size[1],
                  (long long)rf.jump[0]);
  else
    std::snprintf(buf, sizeof buf, "%lldx%lld, jump %lldx%lld", (long long)rf.size[0], (long long)rf.size[1],
                  (long long)rf.jump[0], (long long)rf.jump[1]);
  return buf;
}

static json AnalysisJson(const AppState& app) {
  // The last valid model: the one the canvas's table shows while the text does not parse.
  if (app.doc.last_valid_text.empty()) return nullptr;
  const cnn::ModelSpec& spec = app.doc.last_valid_spec;
  const cnn::ModelInfo& info = app.doc.last_valid_info;
  json rows = json::array();
  for (size_t i = 0; i < spec.layers.size() && i < info.layers.size(); i++) {
    const cnn::LayerInfo& li = info.layers[i];
    rows.push_back({{"layer", cnn::layer_to_text(spec.layers[i])},
                    {"line", spec.layers[i].line},
                    {"output", cnn::shape_text(li.out)},
                    {"params", li.params},
                    {"paramsText", cnn::with_commas(li.params)},
                    {"formula", li.params_formula},
                    {"field", FieldText(li.rf)},
                    {"fieldPixels", cnn::receptive_field_pixels(li.rf)},
                    {"macs", li.macs},
                    {"macsText", cnn::with_commas(li.macs)}});
  }
  const cnn::MemoryPlan plan = AnalysisMemoryPlan(app);
  return {{"input", cnn::shape_text(info.input)},
          {"rows", rows},
          {"totalParams", info.total_params},
          {"totalParamsText", cnn::with_commas(info.total_params)},
          {"totalMacsText", cnn::with_commas(info.total_macs)},
          {"trainingMemory", cnn::format_bytes(plan.training_bytes)},
          {"budget", cnn::format_bytes(cnn::kMemoryBudgetBytes)},
          {"overBudget", plan.training_bytes > cnn::kMemoryBudgetBytes},
          {"stale", !app.doc.valid}};
}

// The Inside views in words: the view shown, the sample and its prediction, each layer's strongest
// feature map, the clicked unit's receptive field, the confusion matrix's accuracy and mistakes.
// From what the views last computed (they refresh while training), never a computation of its own.
static json InsideJson(AppState& app) {
  InspectState& in = app.inspect;
  json j = {{"view", InsideViewName(in.view)}};
  if (!app.session || !app.session->ready || !app.session->data_ok) return j;
  Session& s = *app.session;
  const std::vector<std::string>& names = s.data.class_names;
  const int truth = InspectShownLabel(app, s);
  j["sample"] = in.use_pad ? std::string("your drawing") : "test sample " + std::to_string(in.sample + 1);
  if (!in.probs.empty() && !s.data.regression())
    j["prediction"] = cnn::describe_prediction(in.probs.data(), int(in.probs.size()), in.predicted, truth, names);
  json maps = json::array();
  for (int l = 1; l <= s.net.num_layers() && l < int(in.acts.size()); l++) {
    const cnn::Shape sh = s.net.out_shape(l);
    if (sh.h * sh.w <= 1 || int64_t(in.acts[size_t(l)].size()) != sh.size()) continue;  // only maps with a picture
    const float* a = in.acts[size_t(l)].data();
    int best = 0;  // the map with the strongest response
    for (int i = 0; i < sh.h * sh.w * sh.c; i++)
      if (a[i] > a[best]) best = i;
    maps.push_back(InspectLayerName(s.net, l) + ", " + cnn::describe_map(a, sh.h, sh.w, sh.c, best % sh.c));
  }
  j["maps"] = maps;
  if (in.rf_layer > 0 && !in.rf_rect.empty()) {
    const cnn::FieldRect& r = in.rf_rect;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "unit (row %d, column %d) of %s sees input rows %lld to %lld and columns %lld to %lld%s",
                  in.rf_row + 1, in.rf_col + 1, InspectLayerName(s.net, in.rf_layer).c_str(),
                  (long long)r.clip_first[0] + 1, (long long)r.clip_last[0] + 1, (long long)r.clip_first[1] + 1,
                  (long long)r.clip_last[1] + 1, r.clipped ? " (part of its field is padding)" : "");
    j["field"] = r.whole_input ? "unit of " + InspectLayerName(s.net, in.rf_layer) + " sees the whole input"
                               : std::string(buf);
  }
  if (in.conf.n > 0 && in.conf.num_classes > 0 && !in.conf.confusion.empty())
    j["confusion"] = cnn::describe_confusion(in.conf.confusion.data(), in.conf.num_classes, names) + " (at step " +
                     std::to_string(in.conf_step) + ")";
  return j;
}

CNN_EXPORT const char* cnn_a11y_state() {
  AppState& app = AppGlobal();
  json j;
  j["model"] = {{"text", app.doc.text},
                {"valid", app.doc.valid},
                {"preset", app.doc.preset_name},
                {"error", app.doc.valid ? std::string() : app.doc.error.to_string()}};
  j["analysis"] = AnalysisJson(app);
  j["presets"] = json::array();
  for (const Preset& p : app.presets) j["presets"].push_back(p.name);
  j["datasets"] = DatasetNames();
  j["dataset"] = app.dataset_name;
  {
    Session& s = SessionGet(app);
    std::string summary;
    if (s.data_ok) {
      const cnn::Dataset& d = s.data;
      summary = d.name + ": " + cnn::with_commas(d.n_train()) + " training and " + cnn::with_commas(d.n_test()) +
                " test samples of " + cnn::shape_text(d.shape) +
                (d.num_classes > 0 ? ", " + std::to_string(d.num_classes) + " classes" : std::string(", regression"));
    } else if (!s.fetch_name.empty()) {
      summary = "loading " + s.fetch_name;
    }
    json classes = json::array();  // each class's name and marker shape (the point views draw them)
    if (s.data_ok)
      for (int k = 0; k < s.data.num_classes; k++)
        classes.push_back(
            {{"name", size_t(k) < s.data.class_names.size() ? s.data.class_names[size_t(k)] : std::to_string(k)},
             {"marker", Plot::MarkerName(k)}});
    j["data"] = {{"summary", summary},
                 {"message", s.data_message},
                 {"isError", s.data_message_error},
                 {"classes", classes}};
  }
  // Training: what the Training panel and the status line say.
  const int64_t steps = SessionStepCount(app);
  const double epochs = SessionEpochProgress(app);
  std::string why;
  const bool allowed = TrainingAllowed(app, &why);
  json t = {{"training", app.training},
            {"steps", steps},
            {"epochs", epochs},
            {"allowed", allowed},
            {"blockedBecause", why},
            {"status", app.status},
            {"statusIsError", app.status_is_error},
            {"samplesPerSecond", app.training ? app.stats.samples_per_sec : 0.0},
            {"diagnosis", TrainingDiagnosis(app).text}};
  std::string loss_label;
  if (app.doc.valid && app.session && app.session->data_ok && app.session->ready) {
    const cnn::ModelInfo& info = app.doc.last_valid_info;
    const int64_t outs = info.layers.empty() ? info.input.size() : info.layers.back().out.size();
    const cnn::LossKind k = cnn::LossKind(SessionLossWantedKind(app));
    loss_label = cnn::loss_label(k, outs);
  }
  t["loss"] = loss_label;
  j["training"] = t;
  // One sentence per plot, for the current run (or the last kept one).
  const Run* r = app.current_run >= 0 ? &app.runs[size_t(app.current_run)]
                                      : (app.runs.empty() ? nullptr : &app.runs.back());
  json curves = json::object();
  if (r) {
    const int64_t per_epoch = SessionStepsPerEpoch(app);
    const long long last_step = r->step.empty() ? 0 : (long long)r->step.back();
    const long long eval_step = r->eval_step.empty() ? 0 : (long long)r->eval_step.back();
    const double ep = per_epoch > 0 ? double(last_step) / double(per_epoch) : -1;
    const double eval_ep = per_epoch > 0 ? double(eval_step) / double(per_epoch) : -1;
    // The run's own loss (a run keeps the loss it trained with, whatever is chosen now): "nats"
    // reads well after the number; another loss is named in brackets.
    const std::string& run_loss = r->loss_label;
    const std::string unit = run_loss.find("nats") != std::string::npos ? "nats" : std::string();
    curves["loss"] = cnn::describe_curve("training loss (smoothed)", r->smooth.data(), r->smooth.size(), unit, ep,
                                         last_step) +
                     (unit.empty() && !run_loss.empty() ? " (" + run_loss + ")" : std::string());
    curves["testAccuracy"] = cnn::describe_curve("test accuracy", r->test_acc.data(), r->test_acc.size(), "", eval_ep,
                                                 eval_step);
    curves["testLoss"] = cnn::describe_curve("test loss", r->test_loss.data(), r->test_loss.size(), unit, eval_ep,
                                             eval_step);
    curves["run"] = r->label;
  }
  j["curves"] = curves;
  j["inside"] = InsideJson(app);
  j["runs"] = app.runs.size();
  json legends = json::object(), places = json::object();
  for (const char* title : {"Loss", "Test accuracy"}) {
    json l = json::array();
    for (const Plot::LegendEntry& e : Plot::LastLegend(title)) l.push_back({{"label", e.label}, {"marker", e.marker}});
    legends[title] = l;
    const Plot::LegendPlace p = Plot::LastLegendPlace(title);
    places[title] = {{"corner", p.corner}, {"hidden", p.hidden}, {"segments", p.segments}};
  }
  j["legends"] = legends;
  j["legendPlaces"] = places;  // where each legend is and how many points and segments it covers (tests)
  {                            // ImGui's keyboard focus (the amber frame): its window and rect in CSS px, for tests
    ImGuiContext& g = *ImGui::GetCurrentContext();
    json nav = nullptr;
    if (g.NavWindow && g.NavId != 0) {
      const ImRect r = ImGui::WindowRectRelToAbs(g.NavWindow, g.NavWindow->NavRectRel[g.NavLayer]);
      nav = {{"window", g.NavWindow->Name},
             {"visible", g.NavDisableHighlight == false},
             {"rect", {r.Min.x / app.dpr, r.Min.y / app.dpr, r.Max.x / app.dpr, r.Max.y / app.dpr}}};
    }
    j["nav"] = nav;
  }
  j["display"] = {{"highContrast", Th().kind == ThemeKind::high_contrast},
                  {"textPercent", app.text_scale_pct},
                  {"reducedMotion", app.reduced_motion},
                  {"theme", Th().name}};
  return JsonReply(app, j);
}

// Keyboard: a panel by name, as a shortcut or the text view asks for it. Left tabs: designer,
// analysis, data; right tabs: curves, inside, backprop, notes; training (the single-column view;
// in two columns it is always shown). In one column the panel's view is brought to the front.
CNN_EXPORT int cnn_show_panel(const char* name) {
  AppState& app = AppGlobal();
  const std::string n = name ? name : "";
  static const struct {
    const char* name;
    int left;
    int right;
  } kPanels[] = {{"designer", int(LeftTab::Designer), -1}, {"analysis", int(LeftTab::Analysis), -1},
                 {"data", int(LeftTab::Data), -1},         {"curves", -1, int(InspectTab::Curves)},
                 {"inside", -1, int(InspectTab::Inside)},  {"backprop", -1, int(InspectTab::Backprop)},
                 {"notes", -1, int(InspectTab::Notes)},    {"training", -1, -1}};
  for (const auto& p : kPanels) {
    if (n != p.name) continue;
    if (p.left >= 0) {
      app.left_tab = LeftTab(p.left);
      app.request_tab = true;
    } else if (p.right >= 0) {
      app.inspect.tab = InspectTab(p.right);
      app.inspect.request_tab = true;
    } else app.view = 1;
    return 1;
  }
  return 0;
}

// Escape in an ImGui text field would put back the text it had when the field was entered
// (ImGui's cancel); the page's Escape leaves the field and keeps every edit instead.
CNN_EXPORT int cnn_leave_text_field() {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  if (g.ActiveId == 0 || ImGui::GetInputTextState(g.ActiveId) == nullptr) return 0;
  ImGui::ClearActiveID();
  return 1;
}

// Display options (the text view's Display section and the help): the high-contrast theme, the text
// size (100 to 200 % of normal: WCAG 1.4.4 asks for 200 % without loss of content or function) and
// reduced motion (the live views redraw once a second or so instead of about 3 times a second while
// training). Returns 0 and changes nothing for a size outside 100..200.
CNN_EXPORT int cnn_set_display(int high_contrast, int text_pct, int reduced_motion) {
  AppState& app = AppGlobal();
  if (text_pct < 100 || text_pct > 200) return 0;
  const ThemeKind kind = high_contrast ? ThemeKind::high_contrast : ThemeKind::dark;
  if (kind != Th().kind || text_pct != app.text_scale_pct) app.style_version++;
  // the runs keep their place in the palette: run colour i of the old theme becomes colour i of the new
  for (Run& r : app.runs)
    for (int i = 0; i < 8; i++)
      if (r.color == Th().series[i]) {
        r.color = ThemeOf(kind).series[i];
        break;
      }
  ThemeSet(kind);
  app.text_scale_pct = text_pct;
  app.reduced_motion = reduced_motion != 0;
  app.inspect.refresh_frames = app.reduced_motion ? 60 : 20;
  return 1;
}

void A11yShortcuts(AppState& app) {
  (void)app;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  if (g.ActiveId != 0 || g.IO.KeyCtrl || g.IO.KeySuper || g.IO.KeyAlt) return;  // a field or a drag has the keys
  for (ImWchar c : g.IO.InputQueueCharacters) {
    if (c == 0 || c > 127 || std::strchr("tTsS12345678cC+=-?", int(c)) == nullptr) continue;
#ifdef __EMSCRIPTEN__
    // clang-format off
    EM_ASM({ if (window.cnnA11y) window.cnnA11y.shortcut(String.fromCharCode($0)); }, int(c));
    // clang-format on
#endif
  }
}
