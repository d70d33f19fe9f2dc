// inspect_widgets.cpp: the small drawing pieces the "Inside" views share: a heatmap tile that
// reports the clicked cell, the tiles of one activation x^(j), and the test-sample chooser.
#include <algorithm>
#include <cmath>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"
#include "theme.h"

// A heatmap tile at the cursor. Uploads when `upload`; returns true when clicked, with the clicked
// cell in *row, *col.
bool HeatTile(AppState& app, bool upload, const char* id, const float* v, int w, int h, ColorMode mode, float scale,
              float lo, float hi, ImVec2 size, int* row, int* col) {
  InspectState& in = app.inspect;
  if (in.maps_used >= int(in.maps.size())) in.maps.resize(size_t(in.maps_used) + 16);
  Heatmap& hm = in.maps[size_t(in.maps_used++)];
  if (upload || !hm.valid || hm.w != w || hm.h != h) HeatmapSet(hm, v, w, h, mode, scale, lo, hi);
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  bool clicked = ImGui::InvisibleButton(id, size);
  ImVec2 p1(p0.x + size.x, p0.y + size.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  HeatmapDraw(dl, hm, p0, p1);
  dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), Th().outline);
  if (clicked && row && col) {
    ImVec2 m = ImGui::GetIO().MousePos;
    *col = std::clamp(int((m.x - p0.x) / size.x * w), 0, w - 1);
    *row = std::clamp(int((m.y - p0.y) / size.y * h), 0, h - 1);
  }
  return clicked;
}

float TileSide(int h, float fs) { return std::floor(h >= 20 ? fs * 3.6f : h >= 8 ? fs * 2.8f : fs * 2.0f); }

// All channels (up to `max_c`) of an activation x^(j) as tiles; flat vectors as one strip.
// Clicking a map cell selects that unit (returns true).
bool MapTiles(AppState& app, Session& s, bool upload, int j, int max_c) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.net.out_shape(j);
  const std::vector<float>& a = in.acts[size_t(j)];
  const float fs = ImGui::GetFontSize();
  bool picked = false;
  float lo = 0, hi = 0;
  for (float v : a) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (hi <= lo) hi = lo + 1;
  ImGui::PushID(j);
  if (sh.h * sh.w == 1) {  // a vector: one strip, one cell per unit
    const float avail = ImGui::GetContentRegionAvail().x;
    const int c = int(std::min<int64_t>(sh.c, 256));
    float cell = std::clamp(avail / float(c), 2.0f, fs * 1.2f);
    int r = 0, col = 0;
    if (HeatTile(app, upload, "strip", a.data(), c, 1, ColorMode::Sequential, 1, lo, hi, ImVec2(cell * c, fs * 1.2f),
                 &r, &col) &&
        j > 0) {
      InspectSelectUnit(app, s, j, col, 0, 0);
      picked = true;
    }
  } else {
    const float side = TileSide(sh.h, fs);
    const float aspect = float(sh.w) / float(sh.h);
    const int n = std::min(sh.c, max_c);
    for (int c = 0; c < n; c++) {
      ImGui::PushID(c);
      int r = 0, col = 0;
      if (HeatTile(app, upload, "map", a.data() + int64_t(c) * sh.h * sh.w, sh.w, sh.h, ColorMode::Sequential, 1, lo,
                   hi, ImVec2(side * aspect, side), &r, &col) &&
          j > 0) {
        InspectSelectUnit(app, s, j, c, r, col);
        picked = true;
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("map %d of %s; click a unit to see its receptive field", c,
                          InspectLayerName(s.net, j).c_str());
      ImGui::PopID();
      if (c + 1 < n) SameLineOrWrap(ImGui::GetItemRectSize().x);  // the tile's whole width, border included
    }
    if (sh.c > n) {
      ImGui::SameLine();
      ImGui::TextColored(kDim, "+%d more", sh.c - n);
    }
  }
  ImGui::PopID();
  return picked;
}

void SampleChooser(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  int v = in.sample;
  if (ImGui::InputInt("test sample", &v)) {
    in.sample = int(std::clamp<int64_t>(v, 0, std::max<int64_t>(s.data.n_test() - 1, 0)));
    in.use_pad = false;
    in.last_refresh = -1000;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("next")) {
    in.sample = int((in.sample + 1) % std::max<int64_t>(s.data.n_test(), 1));
    in.use_pad = false;
    in.last_refresh = -1000;
  }
  int y = InspectShownLabel(app, s);
  if (y >= 0 && y < int(s.data.class_names.size())) {
    ImGui::SameLine();
    ImGui::TextColored(kDim, "label: %s", s.data.class_names[size_t(y)].c_str());
  }
  if (in.use_pad) {
    ImGui::SameLine();
    ImGui::TextColored(kWarn, "(showing the drawing pad)");
  }
}
