// panel_plots.cpp: live curves of every kept run: minibatch loss (raw and smoothed) with the test
// loss, and test accuracy with the zero-one error. Runs are overlaid in their own colours; a CSV of
// all curves can be downloaded.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cnn/diagnose.h"
#include "app.h"
#include "imgui.h"
#include "plot.h"
#include "session.h"
#include "theme.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static const ImVec4& kDim = Th().dim;

static ImU32 WithAlpha(ImU32 c, int a) { return (c & ~IM_COL32_A_MASK) | (ImU32(a) << IM_COL32_A_SHIFT); }

// Lighter variant of a run colour for its second curve (test vs. train).
static ImU32 Lighter(ImU32 c) {
  ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(0.55f * v.x + 0.45f, 0.55f * v.y + 0.45f, 0.55f * v.z + 0.45f, 1));
}

std::string RunsToCsv(const AppState& app) {
  std::ostringstream o;
  o << "run,label,kind,step,value\n";
  auto Put = [&](const Run& r, const char* kind, const std::vector<float>& x, const std::vector<float>& y) {
    for (size_t i = 0; i < x.size() && i < y.size(); i++) {
      std::string label = r.label;
      std::replace(label.begin(), label.end(), '"', '\'');
      o << r.id << ",\"" << label << "\"," << kind << "," << x[i] << "," << y[i] << "\n";
    }
  };
  for (const Run& r : app.runs) {
    Put(r, "loss", r.step, r.loss);
    Put(r, "loss_smooth", r.step, r.smooth);
    Put(r, "test_loss", r.eval_step, r.test_loss);
    Put(r, "test_accuracy", r.eval_step, r.test_acc);
    Put(r, "test_zero_one_error", r.eval_step, r.test_err);
    Put(r, "train_zero_one_error", r.eval_step, r.train_err);
  }
  return o.str();
}

void DownloadText(const char* filename, const std::string& text, const char* mime) {
#ifdef __EMSCRIPTEN__
  // A Blob and a temporary link: the browser saves the file (no server round trip, allowed by the CSP).
  // Module.cnnDownload (loader.js) makes a Blob and clicks a temporary link: the browser saves the
  // file, with no server round trip (allowed by the page's CSP).
  // clang-format off
  EM_ASM({ Module.cnnDownload(UTF8ToString($0), UTF8ToString($1), UTF8ToString($2)); }, text.c_str(), filename, mime);
  // clang-format on
#else
  std::ofstream f(filename);
  f << text;
  std::fprintf(stderr, "wrote %s (%zu bytes)\n", filename, text.size());
#endif
}

static void ShowRunsRow(AppState& app) {
  const float fs = ImGui::GetFontSize();
  int remove = -1;
  for (size_t i = 0; i < app.runs.size(); i++) {
    Run& r = app.runs[i];
    char label[32];
    std::snprintf(label, sizeof label, "#%d%s", r.id, int(i) == app.current_run ? "*" : "");
    // wrap before a checkbox that would not fit on this line
    float need = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
    if (ImGui::GetContentRegionAvail().x < need) ImGui::NewLine();
    ImGui::PushID(r.id);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, ImGui::ColorConvertU32ToFloat4(r.color));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(Lighter(r.color)));
    ImGui::Checkbox(label, &r.visible);
    ImGui::PopStyleColor(2);
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::TextUnformatted(r.label.c_str());
      ImGui::TextColored(kDim, "%zu steps, %lld samples%s", r.loss.size(), (long long)r.samples,
                         int(i) == app.current_run ? " (current run)" : "");
      if (!r.test_acc.empty()) ImGui::Text("last test accuracy %.1f%%", r.test_acc.back() * 100.0);
      ImGui::TextColored(kDim, "right-click to remove");
      ImGui::EndTooltip();
    }
    if (ImGui::BeginPopupContextItem("run")) {
      if (ImGui::MenuItem("Remove this run")) remove = int(i);
      ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::PopID();
  }
  (void)fs;
  if (remove >= 0) {
    app.runs.erase(app.runs.begin() + remove);
    if (app.current_run == remove) app.current_run = -1;
    else if (app.current_run > remove) app.current_run--;
  }
  ImGui::NewLine();
}

void ShowPlotsPanel(AppState& app) {
  const float fs = ImGui::GetFontSize();
  // toolbar
  ImGui::Checkbox("log loss", &app.plot_log_y);
  SameLineOrWrap(CheckboxWidth("raw loss"));
  ImGui::Checkbox("raw loss", &app.plot_show_raw);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show every minibatch loss (noisy) under the smoothed curve");
  SameLineOrWrap(CheckboxWidth("train error"));
  ImGui::Checkbox("train error", &app.plot_show_train_err);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Also plot the zero-one error on the training minibatches (between evaluations)");
  SameLineOrWrap(ButtonWidth("CSV"));
  ImGui::BeginDisabled(app.runs.empty());
  if (ImGui::Button("CSV")) DownloadText("cnn-sandbox-curves.csv", RunsToCsv(app), "text/csv");
  { SaveRect(app, "csv"); }
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Download every run's curves as CSV (run, label, kind, step, value)");
  SameLineOrWrap(ButtonWidth("Clear"));
  if (ImGui::Button("Clear")) {
    // keep the run being trained
    if (app.current_run >= 0) {
      Run cur = app.runs[size_t(app.current_run)];
      app.runs.clear();
      app.runs.push_back(cur);
      app.current_run = 0;
    } else {
      app.runs.clear();
    }
  }
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Forget the kept runs (the current one stays)");
  ImGui::EndDisabled();
  SameLineOrWrap(ImGui::CalcTextSize("runs:").x);
  ImGui::TextColored(kDim, "runs:");
  ImGui::SameLine();
  ShowRunsRow(app);

  ImVec2 avail = ImGui::GetContentRegionAvail();
  bool side = avail.x > avail.y * 2.2f;  // wide and short: plots side by side
  ImVec2 size = side ? ImVec2((avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f, avail.y)
                     : ImVec2(avail.x, (avail.y - ImGui::GetStyle().ItemSpacing.y) * 0.5f);
  size.y = std::max(size.y, fs * 6);

  // both plots share the step axis: 0 .. the longest visible run
  float max_step = 1;
  for (const Run& r : app.runs)
    if (r.visible)
      max_step = std::max(
          {max_step, r.step.empty() ? 0.0f : r.step.back(), r.eval_step.empty() ? 0.0f : r.eval_step.back()});

  // The loss in use and its unit label the axis (issue 15.4); on a log axis the smoothed curve is
  // the average of log(loss) (a geometric mean), so it follows what the axis shows (issue 15.13).
  // The label is the plotted runs' loss (a run keeps the loss it trained with); before any run,
  // the loss the next one will use; runs with different losses are named in the legend.
  std::string loss_axis = "minibatch (thin), smoothed, test (dots)";
  std::string runs_loss;
  bool mixed = false;
  for (const Run& r : app.runs) {
    if (!r.visible || r.loss_label.empty()) continue;
    if (runs_loss.empty()) runs_loss = r.loss_label;
    else if (runs_loss != r.loss_label) mixed = true;
  }
  if (mixed) loss_axis = "loss per run (legend): " + loss_axis;
  else if (!runs_loss.empty()) loss_axis = runs_loss + ": " + loss_axis;
  else if (std::string why; app.doc.valid && app.session && app.session->data_ok && TrainingAllowed(app, &why)) {
    const cnn::ModelInfo& info = app.doc.last_valid_info;
    const int64_t outs = info.layers.empty() ? info.input.size() : info.layers.back().out.size();
    loss_axis = cnn::loss_label(cnn::LossKind(SessionLossWantedKind(app)), outs) + ": " + loss_axis;
  }
  SaveText(app, "loss_axis", loss_axis);
  if (Plot::BeginPlot("Loss", size)) {
    Plot::SetupAxisLimitsX(0, max_step);
    Plot::SetupAxes("step", loss_axis.c_str(), 0, app.plot_log_y ? Plot::AxisFlags_Log : 0);
    for (const Run& r : app.runs) {
      if (!r.visible) continue;
      char label[96];
      if (app.plot_show_raw) {
        std::snprintf(label, sizeof label, "#%d raw", r.id);
        Plot::PlotLine(label, r.step.data(), r.loss.data(), int(r.loss.size()), WithAlpha(r.color, 70), 1.0f,
                       Plot::LineFlags_NoLegend);
      }
      if (mixed)
        std::snprintf(label, sizeof label, "#%d %s", r.id, r.loss_label.empty() ? "loss" : r.loss_label.c_str());
      else std::snprintf(label, sizeof label, "#%d loss", r.id);
      const std::vector<float>& sm = app.plot_log_y && r.smooth_log.size() == r.smooth.size() ? r.smooth_log : r.smooth;
      Plot::PlotLine(label, r.step.data(), sm.data(), int(sm.size()), r.color, 2.0f);
      std::snprintf(label, sizeof label, "#%d test loss", r.id);
      Plot::PlotLine(label, r.eval_step.data(), r.test_loss.data(),
                     int(std::min(r.eval_step.size(), r.test_loss.size())), Lighter(r.color), 1.5f,
                     Plot::LineFlags_Markers | Plot::LineFlags_NoLegend);
    }
    Plot::EndPlot();
  }
  SaveRect(app, "plot_loss");
  {
    // A run gone wrong is named on the plot that shows it (issue 15.13).
    const cnn::RunDiagnosis& dg = TrainingDiagnosis(app);
    if (dg.kind != cnn::RunTrouble::none) {
      const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
      const float pad = fs * 0.5f;
      const char* head = dg.kind == cnn::RunTrouble::loss_exploded ? "Loss exploded: lower the learning rate"
                                                                   : "Accuracy at chance: lower the learning rate";
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const ImVec2 ts = ImGui::CalcTextSize(head);
      const ImVec2 at(lo.x + fs * 3.6f, lo.y + fs * 2.2f);
      if (at.x + ts.x + pad < hi.x) {
        dl->AddRectFilled(ImVec2(at.x - pad * 0.5f, at.y - pad * 0.3f),
                          ImVec2(at.x + ts.x + pad * 0.5f, at.y + ts.y + pad * 0.3f), Th().alarm_bg, 3.0f);
        dl->AddText(at, Th().alarm_text, head);
      }
    }
  }
  if (side) ImGui::SameLine();
  if (Plot::BeginPlot("Test accuracy", size)) {
    // The axis says what each line is (issue 15.12): accuracy, and the zero-one error 1 - accuracy.
    static const char* kAccAxis = "test accuracy (line, dots); zero-one error = 1 - accuracy (light line)";
    SaveText(app, "acc_axis", kAccAxis);
    Plot::SetupAxes("step", kAccAxis, 0, Plot::AxisFlags_Percent);
    // trained but not yet evaluated: the test set is scored every `eval every` steps, not per step
    const bool trained = std::any_of(app.runs.begin(), app.runs.end(),
                                     [](const Run& r) { return r.visible && !r.step.empty(); });
    if (trained && app.settings.eval_every > 0) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "no test evaluation yet: one every %d steps", app.settings.eval_every);
      Plot::SetupEmptyText(msg);
    }
    Plot::SetupAxisLimitsY(0.0, 1.0);
    Plot::SetupAxisLimitsX(0, max_step);
    for (const Run& r : app.runs) {
      if (!r.visible) continue;
      char label[48];
      int n = int(std::min(r.eval_step.size(), r.test_acc.size()));
      std::snprintf(label, sizeof label, "#%d accuracy", r.id);
      Plot::PlotLine(label, r.eval_step.data(), r.test_acc.data(), n, r.color, 2.0f, Plot::LineFlags_Markers);
      std::snprintf(label, sizeof label, "#%d error", r.id);
      Plot::PlotLine(label, r.eval_step.data(), r.test_err.data(), int(std::min(r.eval_step.size(), r.test_err.size())),
                     Lighter(r.color), 1.0f, Plot::LineFlags_NoLegend);
      if (app.plot_show_train_err) {
        std::snprintf(label, sizeof label, "#%d train error", r.id);
        Plot::PlotLine(label, r.eval_step.data(), r.train_err.data(),
                       int(std::min(r.eval_step.size(), r.train_err.size())), WithAlpha(Lighter(r.color), 120), 1.0f,
                       Plot::LineFlags_NoLegend);
      }
    }
    Plot::EndPlot();
  }
  SaveRect(app, "plot_acc");
}
