// inspect_view_confusion.cpp: the Confusion view: the matrix over the first test samples (computed a batch a
// frame in inspect_compute.cpp), its cells clickable to list their samples.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"
#include "theme.h"

void ShowInsideConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  if (s.data.num_classes < 2) {
    ImGui::TextWrapped("A regression set has no classes, so no confusion matrix.");
    return;
  }
  const bool stale = in.conf_step != s.trainer.step;
  if (in.conf_cursor < 0 &&
      (in.conf.confusion.empty() || (stale && (!app.training || app.frame - in.last_refresh == 0))))
    InspectStartConfusion(app, s);
  InspectStepConfusion(app, s);
  if (in.conf_cursor >= 0) {
    ImGui::SameLine();
    ImGui::TextColored(kDim, "evaluating %lld / %zu ...", (long long)in.conf_cursor, in.conf_pred.size());
  }
  if (in.conf.confusion.empty()) return;
  const int K = in.conf.num_classes;
  const std::vector<int32_t>& cm = in.conf.confusion;
  int total = 0, right = 0;
  for (int a = 0; a < K; a++)
    for (int b = 0; b < K; b++) {
      total += cm[size_t(a) * K + b];
      if (a == b) right += cm[size_t(a) * K + b];
    }
  ImGui::Text("first %d test samples at step %lld: accuracy %.1f%%", total, (long long)in.conf_step,
              total ? 100.0 * right / total : 0.0);
  ImGui::TextColored(kDim, "rows: true class, columns: predicted. Click a cell to list its samples.");
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const float cell = std::floor(std::clamp(
      (std::min(avail_w * 0.55f, ImGui::GetContentRegionAvail().y - fs * 2) - fs * 4) / K, fs * 1.3f, fs * 2.6f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::BeginGroup();
  ImVec2 o = ImGui::GetCursorScreenPos();
  const float label_w = fs * 4;
  ImGui::InvisibleButton("matrix", ImVec2(label_w + cell * K, fs + cell * K));
  bool clicked = ImGui::IsItemClicked();
  ImVec2 m = ImGui::GetIO().MousePos;
  for (int b = 0; b < K; b++) {
    std::string nm = b < int(s.data.class_names.size()) ? s.data.class_names[size_t(b)].substr(0, 4)
                                                        : std::to_string(b);
    dl->AddText(ImVec2(o.x + label_w + b * cell + 2, o.y), ImGui::GetColorU32(ImGuiCol_Text), nm.c_str());
  }
  for (int a = 0; a < K; a++) {
    int row_total = 0;
    for (int b = 0; b < K; b++) row_total += cm[size_t(a) * K + b];
    std::string nm = a < int(s.data.class_names.size()) ? s.data.class_names[size_t(a)].substr(0, 7)
                                                        : std::to_string(a);
    dl->AddText(ImVec2(o.x, o.y + fs + a * cell + (cell - fs) / 2), ImGui::GetColorU32(ImGuiCol_Text), nm.c_str());
    for (int b = 0; b < K; b++) {
      int c = cm[size_t(a) * K + b];
      float t = row_total ? float(c) / row_total : 0;
      ImVec2 c0(o.x + label_w + b * cell, o.y + fs + a * cell), c1(c0.x + cell - 1, c0.y + cell - 1);
      ImU32 col = a == b ? ColormapColor(ColorMode::Sequential, 0.15f + 0.85f * t)
                         : ColormapColor(ColorMode::Diverging, t * 2.0f);
      dl->AddRectFilled(c0, c1, col);
      if (a == in.conf_sel_true && b == in.conf_sel_pred) dl->AddRect(c0, c1, Th().select, 0, 0, 2);
      char buf[16];
      std::snprintf(buf, sizeof buf, "%d", c);
      ImVec2 ts = ImGui::CalcTextSize(buf);
      if (ts.x < cell - 2)
        dl->AddText(ImVec2(c0.x + (cell - ts.x) / 2, c0.y + (cell - ts.y) / 2),
                    (a == b ? t < 0.45f : t > 0.2f) ? Th().light_text : Th().dark_text, buf);
      if (clicked && m.x >= c0.x && m.x < c1.x && m.y >= c0.y && m.y < c1.y) {
        in.conf_sel_true = a;
        in.conf_sel_pred = b;
      }
    }
  }
  {
    ImVec2 a = ImVec2(o.x + label_w, o.y + fs), b = ImVec2(o.x + label_w + cell * K, o.y + fs + cell * K);
    app.rects["confusion_matrix"] = ImVec4(a.x, a.y, b.x, b.y);
  }
  ImGui::EndGroup();
  if (in.conf_sel_true >= 0 && in.conf_sel_true < K && in.conf_sel_pred < K) {
    ImGui::SameLine(0, fs);
    ImGui::BeginGroup();
    auto nm = [&](int k) {
      return k < int(s.data.class_names.size()) ? s.data.class_names[size_t(k)] : std::to_string(k);
    };
    ImGui::Text("true %s, predicted %s:", nm(in.conf_sel_true).c_str(), nm(in.conf_sel_pred).c_str());
    ImGui::BeginChild("conf_list", ImVec2(0, std::max(fs * 4, ImGui::GetContentRegionAvail().y)), false);
    int shown = 0;
    for (size_t i = 0; i < in.conf_pred.size(); i++) {
      if (s.data.test_y[i] != in.conf_sel_true || in.conf_pred[i] != in.conf_sel_pred) continue;
      char buf[96];
      std::snprintf(buf, sizeof buf, "#%zu  p(pred) %.3f  p(true) %.3f", i, in.conf_score[i], in.conf_true_score[i]);
      if (ImGui::Selectable(buf)) {
        in.sample = int(i);
        in.use_pad = false;
        in.view = InsideView::Predict;
        in.last_refresh = -1000;
      }
      if (++shown >= 200) {
        ImGui::TextColored(kDim, "(first 200)");
        break;
      }
    }
    if (!shown) ImGui::TextColored(kDim, "no samples");
    ImGui::EndChild();
    ImGui::EndGroup();
  }
}
