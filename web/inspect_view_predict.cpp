// inspect_view_predict.cpp: the Predict view: the network's outputs for a test sample or a drawing on the pad.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.h"
#include "cnn/explain.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"
#include "theme.h"

static void PadWidget(AppState& app, Session& s, float side) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.data.shape;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("pad", ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cw = side / sh.w, ch = side / sh.h;
  dl->AddRectFilled(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(0, 0, 0, 255));
  for (int i = 0; i < sh.h; i++)
    for (int j = 0; j < sh.w; j++) {
      float v = in.pad[size_t(i) * sh.w + j];
      if (v <= 0.01f) continue;
      int g = int(std::clamp(v, 0.0f, 1.0f) * 255);
      dl->AddRectFilled(ImVec2(p0.x + j * cw, p0.y + i * ch), ImVec2(p0.x + (j + 1) * cw, p0.y + (i + 1) * ch),
                        IM_COL32(g, g, g, 255));
    }
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), Th().outline);
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(0)) {
    ImVec2 m = ImGui::GetIO().MousePos;
    float cx = (m.x - p0.x) / cw, cy = (m.y - p0.y) / ch;
    const float radius = std::max(1.0f, sh.w / 18.0f);  // a pen about as wide as a digit's stroke
    bool changed = false;
    for (int i = 0; i < sh.h; i++)
      for (int j = 0; j < sh.w; j++) {
        float dx = j + 0.5f - cx, dy = i + 0.5f - cy;
        float dd = std::sqrt(dx * dx + dy * dy);
        float v = std::clamp(1.3f - dd / radius, 0.0f, 1.0f);
        float& p = in.pad[size_t(i) * sh.w + j];
        if (v > p) {
          p = v;
          changed = true;
        }
      }
    if (changed) {
      in.use_pad = true;
      in.pad_dirty = true;
    }
  }
}

static void ProbBars(AppState& app, Session& s, float width) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int K = int(in.probs.size());
  const bool one = K == 1;  // a sigmoid: p is the score of class 1
  const int rows = one ? 2 : std::min(K, 20);
  const float name_w = fs * 6.5f;
  for (int k = 0; k < rows; k++) {
    float p = one ? (k == 1 ? in.probs[0] : 1 - in.probs[0]) : in.probs[size_t(k)];
    std::string name = k < int(s.data.class_names.size()) ? s.data.class_names[size_t(k)] : std::to_string(k);
    ImVec2 c = ImGui::GetCursorScreenPos();
    ImGui::TextUnformatted(name.c_str());
    ImVec2 b0(c.x + name_w, c.y + 2),
        b1(c.x + name_w + (width - name_w - fs * 4) * std::clamp(p, 0.0f, 1.0f), c.y + fs - 1);
    dl->AddRectFilled(ImVec2(c.x + name_w, c.y + 2), ImVec2(c.x + width - fs * 4, c.y + fs - 1),
                      IM_COL32(40, 44, 52, 255));
    dl->AddRectFilled(b0, b1,
                      k == in.predicted || (one && (in.probs[0] >= 0.5f) == (k == 1)) ? ClassColor(k) : Th().muted);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", p);
    dl->AddText(ImVec2(c.x + width - fs * 3.6f, c.y), ImGui::GetColorU32(ImGuiCol_Text), buf);
  }
}

void ShowInsidePredict(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  if (s.data.regression()) {
    ImGui::TextWrapped(
        "A regression network: its outputs are numbers, not class scores. Maps and Field show what it computes.");
    return;
  }
  if (s.net.loss == cnn::LossKind::quadratic) {
    // A classifier without softmax (issue 15.3): its outputs are scores fitted to one-hot labels.
    ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
    const std::string note =
        "A " + std::to_string(s.data.num_classes) +
        "-class classifier trained with the quadratic loss (it ends without softmax): the bars are its outputs, "
        "fitted to one-hot labels, not probabilities; the largest is the prediction. The training panel offers the fix.";
    ImGui::TextWrapped("%s", note.c_str());
    ImGui::PopStyleColor();
    SaveText(app, "predict_note", note);
  }
  SampleChooser(app, s);
  const cnn::Shape sh = s.data.shape;
  const bool can_draw = sh.c == 1 && sh.h >= 8 && sh.w >= 8;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float side = std::floor(std::min(fs * 11.0f, std::max(fs * 6.0f, ImGui::GetContentRegionAvail().y - fs * 3)));
  ImGui::BeginGroup();
  if (can_draw) {
    ImGui::TextColored(kDim, "draw here (drag):");
    PadWidget(app, s, side);
    if (ImGui::SmallButton("clear")) {
      std::fill(in.pad.begin(), in.pad.end(), 0.0f);
      in.pad_dirty = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(in.use_pad ? "show the sample" : "show the pad")) {
      in.use_pad = !in.use_pad;
      in.pad_dirty = true;
    }
  } else if (!in.acts.empty() && sh.h * sh.w > 1) {
    ImGui::TextColored(kDim, "the sample:");
    float lo = 0, hi = 0;
    for (float v : in.acts[0]) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    HeatTile(app, upload, "sample", in.acts[0].data(), sh.w, sh.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1,
             ImVec2(side, side));
  } else if (!in.acts.empty()) {
    ImGui::Text("point (%.2f, %.2f)", in.acts[0][0], in.acts[0].size() > 1 ? in.acts[0][1] : 0.0f);
  }
  ImGui::EndGroup();
  ImGui::SameLine(0, fs);
  ImGui::BeginGroup();
  if (can_draw && !in.acts.empty() && !in.use_pad) {
    float lo = 0, hi = 0;
    for (float v : in.acts[0]) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    ImGui::TextColored(kDim, "test sample %d:", in.sample);
    HeatTile(app, upload, "sample", in.acts[0].data(), sh.w, sh.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1,
             ImVec2(fs * 4, fs * 4));
  }
  {
    // What the outputs are (issue 15.9): softmax probabilities, a sigmoid's, or plain outputs.
    const std::string what = std::string(cnn::output_bars_label(s.net.spec)) +
                             (in.use_pad ? " (your drawing):" : " (the sample):");
    ImGui::TextColored(kDim, "%s", what.c_str());
    SaveRect(app, "predict_bars");
    SaveText(app, "predict_bars", what);
  }
  if (!in.probs.empty()) ProbBars(app, s, std::max(fs * 12, avail - (can_draw ? side : fs * 8) - fs * 2));
  ImGui::EndGroup();
}
