// inspect_view_field.cpp: the Field view: the receptive field of the clicked unit, its exact rectangle on the
// input (from the model analysis) beside the effective field |d unit / d input|.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"
#include "theme.h"

static void DrawFieldRects(ImDrawList* dl, const cnn::FieldRect& r, ImVec2 p0, float px, float py) {
  // nominal (may reach into the padding, outside the picture): dashed look with a thin line
  ImVec2 a(p0.x + r.first[1] * px, p0.y + r.first[0] * py), b(p0.x + (r.last[1] + 1) * px, p0.y + (r.last[0] + 1) * py);
  dl->AddRect(a, b, Th().field, 0, 0, 1.0f);
  ImVec2 c(p0.x + r.clip_first[1] * px, p0.y + r.clip_first[0] * py),
      d(p0.x + (r.clip_last[1] + 1) * px, p0.y + (r.clip_last[0] + 1) * py);
  dl->AddRect(c, d, Th().select, 0, 0, 2.0f);
}

void ShowInsideField(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  cnn::Network& net = s.net;
  const float fs = ImGui::GetFontSize();
  SampleChooser(app, s);
  // layer picker: spatial layers only
  if (in.rf_layer < 1) {
    // the most active unit of the last layer with maps: a unit whose field lights up
    if (in.acts.empty()) InspectRefreshSample(app, s);
    for (int j = net.num_layers(); j >= 1 && !in.acts.empty(); j--) {
      const cnn::Shape sh = net.out_shape(j);
      if (sh.h * sh.w <= 1) continue;
      const std::vector<float>& a = in.acts[size_t(j)];
      const int64_t k = int64_t(std::max_element(a.begin(), a.end()) - a.begin());
      InspectSelectUnit(app, s, j, int(k / (int64_t(sh.h) * sh.w)), int((k / sh.w) % sh.h), int(k % sh.w));
      break;
    }
    if (in.rf_layer < 1) InspectSelectUnit(app, s, 1, 0, 0, 0);
    InspectRefreshSample(app, s);
    upload = true;
  }
  ImGui::SetNextItemWidth(fs * 12);
  if (ImGui::BeginCombo("layer", InspectLayerName(net, in.rf_layer).c_str())) {
    for (int j = 1; j <= net.num_layers(); j++)
      if (ImGui::Selectable(InspectLayerName(net, j).c_str(), j == in.rf_layer))
        InspectSelectUnit(app, s, j, 0, net.out_shape(j).h / 2, net.out_shape(j).w / 2);
    ImGui::EndCombo();
  }
  const cnn::Shape ish = net.info.input;
  const cnn::LayerInfo& li = net.info.layers[size_t(in.rf_layer - 1)];
  ImGui::SameLine();
  ImGui::Text("unit: map %d, row %d, col %d", in.rf_chan, in.rf_row, in.rf_col);
  const cnn::FieldRect& r = in.rf_rect;
  if (r.whole_input)
    ImGui::TextColored(kDim, "After a dense (or global pooling) layer every unit sees the whole %dx%d input.", ish.h,
                       ish.w);
  else {
    // Named for a learner (issue 15.12: not "Analyzer: field ..."), recorded for tests.
    char text[512];
    std::snprintf(
        text, sizeof text,
        "Receptive field (from the model analysis): %lldx%lld pixels, jump %lld, first centre %.1f. Nominal rows %lld..%lld, cols %lld..%lld (thin blue); real pixels rows %lld..%lld, cols %lld..%lld (green)%s.",
        (long long)li.rf.size[0], (long long)li.rf.size[1], (long long)li.rf.jump[0], li.rf.start[0],
        (long long)r.first[0], (long long)r.last[0], (long long)r.first[1], (long long)r.last[1],
        (long long)r.clip_first[0], (long long)r.clip_last[0], (long long)r.clip_first[1], (long long)r.clip_last[1],
        r.clipped ? ": part of the nominal field is padding" : "");
    ImGui::TextWrapped("%s", text);
    SaveRect(app, "field_text");
    SaveText(app, "field_text", text);
  }
  if (in.acts.empty() || int(in.erf.size()) != int(ish.size())) return;
  // input picture and effective field, side by side, with a margin for the padding
  const float avail = ImGui::GetContentRegionAvail().x;
  const float side = std::floor(
      std::min({(avail - fs * 3) / 2.0f, fs * 14.0f, ImGui::GetContentRegionAvail().y - fs * 6}));
  const float side_c = std::max(side, fs * 6);
  const float px = side_c / ish.w, py = side_c / ish.h;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // input (channel 0)
  ImGui::BeginGroup();
  ImGui::TextColored(kDim, "input (channel 0)");
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  float lo = 0, hi = 0;
  for (int64_t k = 0; k < int64_t(ish.h) * ish.w; k++) {
    lo = std::min(lo, in.acts[0][size_t(k)]);
    hi = std::max(hi, in.acts[0][size_t(k)]);
  }
  HeatTile(app, upload, "input", in.acts[0].data(), ish.w, ish.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1,
           ImVec2(side_c * ish.w / std::max(ish.w, ish.h), side_c * ish.h / std::max(ish.w, ish.h)));
  dl->PushClipRect(ImVec2(p0.x - fs, p0.y - fs), ImVec2(p0.x + side_c + fs, p0.y + side_c + fs), true);
  DrawFieldRects(dl, r, p0, px, py);
  dl->PopClipRect();
  ImGui::EndGroup();
  ImGui::SameLine(0, fs * 1.5f);
  ImGui::BeginGroup();
  ImGui::TextColored(kDim, "|d unit / d input| (effective field)");
  ImVec2 q0 = ImGui::GetCursorScreenPos();
  std::vector<float> e0(in.erf.begin(), in.erf.begin() + long(int64_t(ish.h) * ish.w));  // channel 0
  for (int c = 1; c < ish.c; c++)
    for (size_t k = 0; k < e0.size(); k++) e0[k] += in.erf[size_t(c) * e0.size() + k];
  float emax = MaxAbs(e0.data(), int64_t(e0.size()));
  HeatTile(app, upload, "erf", e0.data(), ish.w, ish.h, ColorMode::Sequential, 1, 0, emax,
           ImVec2(side_c * ish.w / std::max(ish.w, ish.h), side_c * ish.h / std::max(ish.w, ish.h)));
  dl->PushClipRect(ImVec2(q0.x - fs, q0.y - fs), ImVec2(q0.x + side_c + fs, q0.y + side_c + fs), true);
  DrawFieldRects(dl, r, q0, px, py);
  dl->PopClipRect();
  cnn::FieldRect sup = cnn::field_support(in.erf.data(), ish);
  ImGui::EndGroup();
  if (!sup.empty())
    ImGui::TextWrapped(
        "nonzero gradient: rows %lld..%lld, cols %lld..%lld (ReLUs that are off and max-pooling can shrink it; a linear net fills the green box)",
        (long long)sup.first[0], (long long)sup.last[0], (long long)sup.first[1], (long long)sup.last[1]);
  else {
    ImGui::PushStyleColor(ImGuiCol_Text, kWarn);
    ImGui::TextWrapped(
        "The gradient of this unit is zero everywhere for this input (a ReLU on its path is off): try another unit or sample.");
    ImGui::PopStyleColor();
  }
  // the layer's maps, to click another unit
  const cnn::Shape sh = net.out_shape(in.rf_layer);
  if (sh.h * sh.w > 1) {
    ImGui::TextColored(kDim, "click a unit of %s:", InspectLayerName(net, in.rf_layer).c_str());
    MapTiles(app, s, upload, in.rf_layer, 16);
  }
}
