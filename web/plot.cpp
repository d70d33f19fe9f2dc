// plot.cpp: the line-plot widget of plot.h.
#include "plot.h"

#include "imgui_internal.h"
#include "theme.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace Plot {

struct Series {
  std::string label;
  std::vector<float> x, y;
  ImU32 color;
  float thickness;
  int flags;
};

// Series are told apart by more than colour (WCAG 1.4.1): the theme's curve colour i (runs get them
// in order) has marker shape i, any other colour the next shape in order of first appearance; the
// first keeps plain lines and round dots; a line with a legend carries its shape every few font
// sizes and in the legend.
enum Marker {
  Marker_Circle,
  Marker_Square,
  Marker_Triangle,
  Marker_Diamond,
  Marker_TriangleDown,
  Marker_Cross,
  Marker_Plus,
  Marker_Ring,
  Marker_Count
};
static const char* const kMarkerNames[Marker_Count] = {"circle",        "square", "triangle", "diamond",
                                                       "triangle down", "cross",  "plus",     "ring"};
const char* MarkerName(int shape) { return kMarkerNames[((shape % Marker_Count) + Marker_Count) % Marker_Count]; }
void DrawMarker(ImDrawList* dl, ImVec2 p, int shape, float r, ImU32 col) {
  switch (shape % Marker_Count) {
    case Marker_Circle: dl->AddCircleFilled(p, r, col, 8); break;
    case Marker_Square:
      dl->AddRectFilled(ImVec2(p.x - r * 0.85f, p.y - r * 0.85f), ImVec2(p.x + r * 0.85f, p.y + r * 0.85f), col);
      break;
    case Marker_Triangle:
      dl->AddTriangleFilled(ImVec2(p.x, p.y - r * 1.15f), ImVec2(p.x + r, p.y + r * 0.75f),
                            ImVec2(p.x - r, p.y + r * 0.75f), col);
      break;
    case Marker_Diamond:
      dl->AddQuadFilled(ImVec2(p.x, p.y - r * 1.2f), ImVec2(p.x + r, p.y), ImVec2(p.x, p.y + r * 1.2f),
                        ImVec2(p.x - r, p.y), col);
      break;
    case Marker_TriangleDown:
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y - r * 0.75f), ImVec2(p.x + r, p.y - r * 0.75f),
                            ImVec2(p.x, p.y + r * 1.15f), col);
      break;
    case Marker_Cross:
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), col, r * 0.55f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), col, r * 0.55f);
      break;
    case Marker_Ring: dl->AddCircle(p, r, col, 10, r * 0.5f); break;
    case Marker_Plus:
      dl->AddLine(ImVec2(p.x - r * 1.1f, p.y), ImVec2(p.x + r * 1.1f, p.y), col, r * 0.6f);
      dl->AddLine(ImVec2(p.x, p.y - r * 1.1f), ImVec2(p.x, p.y + r * 1.1f), col, r * 0.6f);
      break;
  }
}

struct PlotContext {
  bool active = false;
  std::string empty_text = "no data yet: press Train";  // drawn over an empty plot (SetupEmptyText)
  std::string title;
  ImRect frame;
  std::string x_label, y_label;
  int x_flags = 0, y_flags = 0;
  bool fixed_y = false, fixed_x = false;
  double x_min = 0, x_max = 1;
  double y_min = 0, y_max = 1;
  std::vector<Series> series;
  bool hovered = false;
};

static PlotContext g;
static std::map<std::string, std::vector<YTick>> g_ticks;

const std::vector<YTick>& LastYTicks(const std::string& title) { return g_ticks[title]; }
static std::map<std::string, std::vector<LegendEntry>> g_legends;
static std::map<std::string, int> g_legend_corner;  // where each plot's legend was last drawn
static std::map<std::string, LegendPlace> g_legend_place;
constexpr int kCorners = 5;
static const char* const kCornerNames[kCorners] = {"top right", "bottom right", "top left", "bottom left",
                                                   "middle right"};
LegendPlace LastLegendPlace(const std::string& title) { return g_legend_place[title]; }

// Whether the segment a-b has a point in r (Liang-Barsky: clip the segment's parameter t in [0, 1]
// against each of r's four sides).
static bool SegmentMeetsRect(ImVec2 a, ImVec2 b, const ImRect& r) {
  const float d[2] = {b.x - a.x, b.y - a.y};
  const float lo[2] = {r.Min.x - a.x, r.Min.y - a.y}, hi[2] = {r.Max.x - a.x, r.Max.y - a.y};
  float t0 = 0, t1 = 1;
  for (int axis = 0; axis < 2; ++axis) {
    if (d[axis] == 0) {
      if (lo[axis] > 0 || hi[axis] < 0) return false;  // parallel to this axis's sides, outside them
      continue;
    }
    float ta = lo[axis] / d[axis], tb = hi[axis] / d[axis];
    if (ta > tb) std::swap(ta, tb);
    t0 = std::max(t0, ta);
    t1 = std::min(t1, tb);
    if (t0 > t1) return false;
  }
  return true;
}
const std::vector<LegendEntry>& LastLegend(const std::string& title) { return g_legends[title]; }
static bool g_last_hover_valid = false;
static double g_last_hover_x = 0, g_last_hover_y = 0;

bool BeginPlot(const char* title_id, const ImVec2& size_arg) {
  IM_ASSERT(!g.active && "BeginPlot without EndPlot");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  ImVec2 size(size_arg.x > 0 ? size_arg.x : std::max(avail.x + size_arg.x, 4.0f),
              size_arg.y > 0 ? size_arg.y : std::max(avail.y + size_arg.y, 4.0f));
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::PushID(title_id);
  ImGui::InvisibleButton("##plot", size);
  g.hovered = ImGui::IsItemHovered();
  ImGui::PopID();
  if (!ImGui::IsItemVisible()) return false;
  g = PlotContext();
  g.active = true;
  g.hovered = ImGui::IsItemHovered();
  const char* end = ImGui::FindRenderedTextEnd(title_id);
  g.title.assign(title_id, end);
  g.frame = ImRect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  return true;
}

void SetupAxes(const char* x_label, const char* y_label, int x_flags, int y_flags) {
  g.x_label = x_label ? x_label : "";
  g.y_label = y_label ? y_label : "";
  g.x_flags = x_flags;
  g.y_flags = y_flags;
}

void SetupAxisLimitsY(double y_min, double y_max) {
  g.fixed_y = true;
  g.y_min = y_min;
  g.y_max = y_max;
}

void SetupAxisLimitsX(double x_min, double x_max) {
  g.fixed_x = true;
  g.x_min = x_min;
  g.x_max = x_max;
}

void PlotLine(const char* label, const float* xs, const float* ys, int count, ImU32 color, float thickness, int flags) {
  if (!g.active) return;
  Series s;
  s.label = label;
  s.color = color;
  s.thickness = thickness;
  s.flags = flags;
  s.x.reserve(size_t(std::max(count, 0)));
  s.y.reserve(size_t(std::max(count, 0)));
  for (int i = 0; i < count; i++) {
    float y = ys[i];
    if (!std::isfinite(y) || !std::isfinite(xs[i])) continue;
    if ((g.y_flags & AxisFlags_Log) && y <= 0) continue;
    s.x.push_back(xs[i]);
    s.y.push_back(y);
  }
  g.series.push_back(std::move(s));
}

// "Nice" tick step (1, 2 or 5 times a power of ten) for about `target` ticks over `range`.
static double NiceStep(double range, int target) {
  double raw = range / std::max(target, 1);
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void FormatTick(char* buf, size_t n, double v, double step, bool percent) {
  if (percent) {
    std::snprintf(buf, n, "%.0f%%", v * 100);
    return;
  }
  double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-3)) std::snprintf(buf, n, "%.0e", v);
  else if (a >= 1000) std::snprintf(buf, n, "%.0fk", v / 1000);
  else {
    int dec = step >= 1 ? 0 : int(std::ceil(-std::log10(step)));
    std::snprintf(buf, n, "%.*f", std::min(dec, 4), v);
  }
}

void EndPlot() {
  IM_ASSERT(g.active);
  g.active = false;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiStyle& st = ImGui::GetStyle();
  const float fs = ImGui::GetFontSize();
  // marker shape of a colour: its place in the theme's curve colours, else its order in this plot
  std::vector<ImU32> colors;
  for (const Series& s : g.series)
    if (std::find(colors.begin(), colors.end(), s.color) == colors.end()) colors.push_back(s.color);
  auto ShapeOf = [&](ImU32 c) {
    for (int i = 0; i < 8; i++)
      if (Th().series[i] == c) return i % Marker_Count;
    return int(std::find(colors.begin(), colors.end(), c) - colors.begin()) % Marker_Count;
  };
  const ImU32 col_bg = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const ImU32 col_grid = Th().grid;
  const ImU32 col_text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 col_dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const bool logy = g.y_flags & AxisFlags_Log;
  const bool percent = g.y_flags & AxisFlags_Percent;

  dl->AddRectFilled(g.frame.Min, g.frame.Max, col_bg, st.FrameRounding);

  // --- limits ---
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const Series& s : g.series)
    for (size_t i = 0; i < s.x.size(); i++) {
      x0 = std::min(x0, double(s.x[i]));
      x1 = std::max(x1, double(s.x[i]));
      double y = logy ? std::log10(double(s.y[i])) : s.y[i];
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  bool empty = x0 > x1;
  if (empty) {
    x0 = 0;
    x1 = 1;
    y0 = logy ? -1 : 0;
    y1 = logy ? 1 : 1;
  }
  if (g.fixed_y) {
    y0 = logy ? std::log10(std::max(g.y_min, 1e-12)) : g.y_min;
    y1 = logy ? std::log10(std::max(g.y_max, 1e-12)) : g.y_max;
  } else {
    double pad = (y1 - y0) * 0.06;
    if (pad <= 0) pad = logy ? 0.5 : (std::fabs(y0) > 0 ? std::fabs(y0) * 0.1 : 1.0);
    y0 -= pad;
    y1 += pad;
    if (!logy && y0 < 0 && !empty) {
      bool any_neg = false;
      for (const Series& s : g.series)
        for (float v : s.y) any_neg |= v < 0;
      if (!any_neg) y0 = 0;  // losses, errors and accuracies are never negative: keep 0 in view
    }
  }
  if (g.fixed_x) {
    x0 = g.x_min;
    x1 = g.x_max;
  }
  if (x1 <= x0) x1 = x0 + 1;

  // --- areas: title on top, y ticks left, x ticks and label below ---
  char buf[64];
  float left = fs * 3.2f, bottom = fs * 1.5f, top = fs * 2.0f, right = fs * 1.0f;
  // The header: the title at the left, "x: label" at the right, the y label between them. Where
  // the title and the x label do not fit side by side (a phone), the x label and the y label take a
  // second line; a title wider than the plot is cut with "..." and shown whole in a tooltip.
  const std::string xl = g.x_label.empty() ? std::string() : "x: " + g.x_label;
  const float pad = st.FramePadding.x, title_w = ImGui::CalcTextSize(g.title.c_str()).x;
  const float xl_w = xl.empty() ? 0 : ImGui::CalcTextSize(xl.c_str()).x;
  const bool two_lines = !xl.empty() && pad + title_w + fs + xl_w + pad > g.frame.GetWidth();
  if (two_lines) top += fs * 1.2f;
  ImRect area(ImVec2(g.frame.Min.x + left, g.frame.Min.y + top), ImVec2(g.frame.Max.x - right, g.frame.Max.y - bottom));
  if (area.GetWidth() < 10 || area.GetHeight() < 10) return;
  auto MapX = [&](double x) { return float(area.Min.x + (x - x0) / (x1 - x0) * area.GetWidth()); };
  auto MapY = [&](double y) { return float(area.Max.y - (y - y0) / (y1 - y0) * area.GetHeight()); };

  const float line1 = g.frame.Min.y + fs * 0.2f, line2 = two_lines ? line1 + fs * 1.2f : line1;
  {
    const ImVec2 t0(g.frame.Min.x + pad, line1), t1(g.frame.Max.x - pad, line1 + fs * 1.2f);
    ImGui::PushStyleColor(ImGuiCol_Text, col_text);
    ImGui::RenderTextEllipsis(dl, t0, t1, t1.x, t1.x, g.title.c_str(), nullptr, nullptr);
    ImGui::PopStyleColor();
    if (title_w > t1.x - t0.x && ImGui::IsMouseHoveringRect(t0, t1) && ImGui::IsWindowHovered())
      ImGui::SetTooltip("%s", g.title.c_str());
  }
  // The x label sits at the right; the y label between the title (or the left edge) and it, cut
  // with an ellipsis where the plot is too narrow (never drawn over the x label; whole in a tooltip).
  float x_label_left = g.frame.Max.x - pad;
  if (!xl.empty()) {
    x_label_left = std::max(g.frame.Min.x + pad, g.frame.Max.x - xl_w - pad);
    dl->AddText(ImVec2(x_label_left, line2), col_dim, xl.c_str());
  }
  if (!g.y_label.empty()) {
    const float tx = two_lines ? g.frame.Min.x + pad : g.frame.Min.x + pad + title_w + fs;
    const float right = x_label_left - fs * 0.8f;
    if (right > tx + fs) {
      const ImVec2 ts = ImGui::CalcTextSize(g.y_label.c_str());
      dl->PushClipRect(ImVec2(tx, line2 - fs * 0.2f), ImVec2(right, line2 + fs * 1.4f), true);
      ImGui::PushStyleColor(ImGuiCol_Text, col_dim);
      ImGui::RenderTextEllipsis(dl, ImVec2(tx, line2), ImVec2(right, line2 + fs * 1.2f), right, right,
                                g.y_label.c_str(), nullptr, &ts);
      ImGui::PopStyleColor();
      dl->PopClipRect();
      if (ts.x > right - tx && ImGui::IsMouseHoveringRect(ImVec2(tx, line2), ImVec2(right, line2 + fs * 1.2f)) &&
          ImGui::IsWindowHovered())
        ImGui::SetTooltip("%s", g.y_label.c_str());
    }
  }

  // y grid. A label is drawn only where it does not touch the one drawn before it (ticks come in
  // increasing value, so upwards), so labels never overlap at any range (issue 15.13); the grid
  // lines stay. Log axes label every `stride` decades, with 2 and 5 between only when they fit.
  std::vector<YTick>& drawn = g_ticks[g.title];
  drawn.clear();
  float last_top = 1e30f;
  auto Label = [&](float py) {
    ImVec2 ts = ImGui::CalcTextSize(buf);
    const float top = py - ts.y * 0.5f, bottom = top + ts.y;
    if (bottom + fs * 0.1f > last_top) return;  // would touch the previous label
    dl->AddText(ImVec2(area.Min.x - ts.x - fs * 0.3f, top), col_dim, buf);
    drawn.push_back({top, bottom, buf});
    last_top = top;
  };
  int log_ticks_in_range = 0;
  if (logy) {
    int e0 = int(std::floor(y0)), e1 = int(std::ceil(y1));
    for (int e = e0; e <= e1; e++)
      for (int m : {1, 2, 5}) {
        double v = std::log10(double(m)) + e;
        log_ticks_in_range += v >= y0 && v <= y1;
      }
  }
  if (logy && log_ticks_in_range < 2) {
    // less than a decade in view: linear "nice" ticks at their log positions
    double lo = std::pow(10.0, y0), hi = std::pow(10.0, y1);
    double step = NiceStep(hi - lo, std::max(2, int(area.GetHeight() / (fs * 2.2f))));
    for (double v = std::ceil(lo / step) * step; v <= hi; v += step) {
      if (v <= 0) continue;
      float py = MapY(std::log10(v));
      dl->AddLine(ImVec2(area.Min.x, py), ImVec2(area.Max.x, py), col_grid);
      std::snprintf(buf, sizeof buf, "%g", v);
      Label(py);
    }
  } else if (logy) {
    int e0 = int(std::floor(y0)), e1 = int(std::ceil(y1));
    const double ppd = area.GetHeight() / std::max(y1 - y0, 1e-9);  // pixels per decade
    const double need = fs * 1.4;                                   // a label and a gap
    int stride = std::max(1, int(std::ceil(need / ppd)));
    for (int nice : {1, 2, 3, 5, 10, 20, 50, 100})
      if (nice >= stride) {
        stride = nice;
        break;
      }
    const bool minor = stride == 1 && ppd * std::log10(2.0) >= need;  // 1-2 and 5-10 are the closest pairs
    for (int e = e0; e <= e1; e++) {
      for (int m : {1, 2, 5}) {
        if (m != 1 && !minor) continue;
        double v = std::log10(double(m)) + e;
        if (v < y0 || v > y1) continue;
        float py = MapY(v);
        dl->AddLine(ImVec2(area.Min.x, py), ImVec2(area.Max.x, py), m == 1 ? col_grid : Th().grid_minor);
        if (((e % stride) + stride) % stride != 0) continue;
        double val = m * std::pow(10.0, e);
        if (val >= 0.01 && val < 1000) std::snprintf(buf, sizeof buf, "%g", val);
        else std::snprintf(buf, sizeof buf, "%.0e", val);
        Label(py);
      }
    }
  } else {
    double step = NiceStep(y1 - y0, std::max(2, int(area.GetHeight() / (fs * 2.2f))));
    for (double v = std::ceil(y0 / step) * step; v <= y1 + step * 1e-6; v += step) {
      float py = MapY(v);
      dl->AddLine(ImVec2(area.Min.x, py), ImVec2(area.Max.x, py), col_grid);
      FormatTick(buf, sizeof buf, std::fabs(v) < step * 1e-6 ? 0.0 : v, step, percent);
      Label(py);
    }
  }
  // x grid
  {
    double step = NiceStep(x1 - x0, std::max(2, int(area.GetWidth() / (fs * 5.0f))));
    if (step < 1) step = 1;
    for (double v = std::ceil(x0 / step) * step; v <= x1 + step * 1e-6; v += step) {
      float px = MapX(v);
      dl->AddLine(ImVec2(px, area.Min.y), ImVec2(px, area.Max.y), col_grid);
      FormatTick(buf, sizeof buf, v, step, false);
      ImVec2 ts = ImGui::CalcTextSize(buf);
      dl->AddText(ImVec2(px - ts.x * 0.5f, area.Max.y + fs * 0.15f), col_dim, buf);
    }
  }
  dl->AddRect(area.Min, area.Max, Th().plot_frame);

  // --- series ---
  dl->PushClipRect(area.Min, area.Max, true);
  std::vector<ImVec2> pts;
  for (const Series& s : g.series) {
    size_t n = s.x.size();
    if (n == 0) continue;
    pts.clear();
    float width = area.GetWidth();
    if (n > size_t(width * 2)) {
      // min/max per pixel column keeps the envelope of a noisy curve
      int col = -1;
      float lo = 0, hi = 0, first = 0, last = 0;
      auto Flush = [&]() {
        if (col < 0) return;
        float px = area.Min.x + col + 0.5f;
        pts.push_back(ImVec2(px, first));
        if (hi != first) pts.push_back(ImVec2(px, hi));
        if (lo != hi) pts.push_back(ImVec2(px, lo));
        if (last != lo) pts.push_back(ImVec2(px, last));
      };
      for (size_t i = 0; i < n; i++) {
        double yv = logy ? std::log10(double(s.y[i])) : s.y[i];
        float px = MapX(s.x[i]), py = MapY(yv);
        int c = int(px - area.Min.x);
        if (c != col) {
          Flush();
          col = c;
          lo = hi = first = py;
        }
        lo = std::max(lo, py);
        hi = std::min(hi, py);
        last = py;
      }
      Flush();
    } else {
      for (size_t i = 0; i < n; i++) {
        double yv = logy ? std::log10(double(s.y[i])) : s.y[i];
        pts.push_back(ImVec2(MapX(s.x[i]), MapY(yv)));
      }
    }
    if (pts.size() >= 2)
      dl->AddPolyline(pts.data(), int(pts.size()), s.color, 0, s.thickness * std::max(1.0f, fs / 15.0f));
    const int shape = ShapeOf(s.color);
    if ((s.flags & LineFlags_Markers) || pts.size() == 1)
      for (const ImVec2& p : pts) DrawMarker(dl, p, shape, fs * 0.18f + s.thickness, s.color);
    else if (shape != Marker_Circle && !(s.flags & LineFlags_NoLegend) && pts.size() >= 2) {
      // the shape along the line, every 6 font sizes, each colour starting at its own offset
      const float every = fs * 6, start = fs * (1.0f + 0.9f * float(shape));
      float next = pts[0].x + start;
      for (const ImVec2& p : pts)
        if (p.x >= next) {
          DrawMarker(dl, p, shape, fs * 0.28f, s.color);
          next = p.x + every;
        }
    }
  }
  dl->PopClipRect();

  // --- legend (inside the area, in the corner that hides the fewest points) ---
  {
    float swatch = fs * 0.9f;
    float maxw = 0;
    // a line with no points yet (a run not evaluated yet) has no entry drawn: the legend would
    // name nothing and cover the plot's empty-state message in a small plot
    auto drawn = [](const Series& s) { return !(s.flags & LineFlags_NoLegend) && !s.x.empty(); };
    int rows = 0;
    for (const Series& s : g.series)
      if (drawn(s)) {
        maxw = std::max(maxw, ImGui::CalcTextSize(s.label.c_str()).x);
        rows++;
      }
    // Top right unless data lies under it there (a test accuracy near 100% at the last step): then
    // the place, of the four corners and the right side's middle (where an accuracy curve near 1 and
    // its error line near 0 leave room), with the fewest points under the box; the place it had stays
    // on a tie, so the legend moves only when data comes under it and another place is clearer.
    const float box_w = maxw + swatch + fs * 0.8f, box_h = std::min(rows * (fs + 2), area.GetHeight() - fs * 0.6f);
    auto box_at = [&](int corner) {  // kCornerNames
      const float bx = corner < 2 || corner == 4 ? area.Max.x - box_w : area.Min.x + fs * 0.3f;
      const float by = corner == 4       ? std::floor(area.GetCenter().y - box_h * 0.5f)
                       : corner % 2 == 0 ? area.Min.y + fs * 0.3f
                                         : area.Max.y - box_h - fs * 0.3f;
      return ImRect(ImVec2(bx - fs * 0.3f, by - fs * 0.15f), ImVec2(bx + box_w - fs * 0.3f, by + box_h));
    };
    // A line's segments count as well as its points: a legend over the stretch between two
    // evaluations hides the line there as surely as over a point. Each box counts with a margin of
    // a third of the font size around it: a line running along the legend's edge (a zero-one error
    // near 0 under a bottom-right legend) is as hard to read as one under it.
    int& corner = g_legend_corner[g.title];
    int hidden[kCorners] = {}, crossed[kCorners] = {};
    if (rows > 0) {
      ImRect boxes[kCorners];
      for (int k = 0; k < kCorners; ++k) {
        boxes[k] = box_at(k);
        boxes[k].Expand(fs * 0.33f);
      }
      for (const Series& s : g.series) {
        const bool line = !(s.flags & LineFlags_Markers);
        ImVec2 prev;
        for (size_t i = 0; i < s.x.size(); ++i) {
          const ImVec2 p(MapX(s.x[i]), MapY(logy ? std::log10(double(s.y[i])) : s.y[i]));
          for (int k = 0; k < kCorners; ++k) {
            hidden[k] += boxes[k].Contains(p);
            crossed[k] += line && i > 0 && SegmentMeetsRect(prev, p, boxes[k]);
          }
          prev = p;
        }
      }
      for (int k = 0; k < kCorners; ++k)
        if (hidden[k] + crossed[k] < hidden[corner] + crossed[corner]) corner = k;
    }
    const ImRect box = box_at(corner);
    g_legend_place[g.title] = rows > 0 ? LegendPlace{kCornerNames[corner], hidden[corner], crossed[corner]}
                                       : LegendPlace{};
    float x = box.Min.x + fs * 0.3f;
    float y = box.Min.y + fs * 0.15f;
    int shown = 0;
    std::vector<LegendEntry>& legend = g_legends[g.title];
    legend.clear();
    for (const Series& s : g.series)
      if (!(s.flags & LineFlags_NoLegend)) legend.push_back({s.label, kMarkerNames[ShapeOf(s.color)]});
    for (const Series& s : g.series) {
      if (!drawn(s)) continue;
      if (y + fs > area.Max.y) break;
      if (shown == 0) dl->AddRectFilled(box.Min, box.Max, Th().legend_bg, 3);
      dl->AddLine(ImVec2(x, y + fs * 0.5f), ImVec2(x + swatch, y + fs * 0.5f), s.color, 3.0f);
      if (ShapeOf(s.color) != Marker_Circle)
        DrawMarker(dl, ImVec2(x + swatch * 0.5f, y + fs * 0.5f), ShapeOf(s.color), fs * 0.28f, s.color);
      dl->AddText(ImVec2(x + swatch + fs * 0.3f, y), col_text, s.label.c_str());
      y += fs + 2;
      shown++;
    }
  }

  // --- hover readout ---
  ImVec2 mouse = ImGui::GetIO().MousePos;
  if (g.hovered && area.Contains(mouse) && !empty) {
    double mx = x0 + (mouse.x - area.Min.x) / area.GetWidth() * (x1 - x0);
    double my = y0 + (area.Max.y - mouse.y) / area.GetHeight() * (y1 - y0);
    g_last_hover_valid = true;
    g_last_hover_x = mx;
    g_last_hover_y = logy ? std::pow(10.0, my) : my;
    dl->AddLine(ImVec2(mouse.x, area.Min.y), ImVec2(mouse.x, area.Max.y), Th().crosshair);
    ImGui::BeginTooltip();
    ImGui::Text("%s = %.0f", g.x_label.empty() ? "x" : g.x_label.c_str(), mx);
    for (const Series& s : g.series) {
      if (s.x.empty() || (s.flags & LineFlags_NoHover)) continue;
      auto it = std::lower_bound(s.x.begin(), s.x.end(), float(mx));
      size_t i = size_t(it - s.x.begin());
      if (i >= s.x.size()) i = s.x.size() - 1;
      if (i > 0 && std::fabs(s.x[i - 1] - mx) < std::fabs(s.x[i] - mx)) i--;
      // markers-only series (evaluations) read out only near a point
      if ((s.flags & LineFlags_Markers) && std::fabs(MapX(s.x[i]) - mouse.x) > fs * 3) continue;
      ImVec2 p(MapX(s.x[i]), MapY(logy ? std::log10(double(s.y[i])) : s.y[i]));
      dl->AddCircle(p, fs * 0.3f, s.color, 12, 2.0f);
      ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(s.color), ImGuiColorEditFlags_NoTooltip,
                         ImVec2(fs * 0.7f, fs * 0.7f));
      ImGui::SameLine();
      if (percent) ImGui::Text("%s: %.2f%%  (step %.0f)", s.label.c_str(), s.y[i] * 100.0, s.x[i]);
      else ImGui::Text("%s: %.4g  (step %.0f)", s.label.c_str(), s.y[i], s.x[i]);
    }
    ImGui::EndTooltip();
  }
  if (empty) {
    // wrapped to the plot area (a narrow plot must not spill it over the tick labels); a plot too
    // low for the whole message (about 3 lines at 844x390) shows only its head, before the ':'
    std::string text = g.empty_text;
    const float wrap = std::max(fs * 4, area.GetWidth() - fs);
    ImVec2 ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    const size_t colon = text.find(':');
    if (ts.y > area.GetHeight() && colon != std::string::npos) {
      text.resize(colon);
      ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    }
    const char* msg = text.c_str();
    dl->AddText(ImGui::GetFont(), fs, ImVec2(area.GetCenter().x - ts.x * 0.5f, area.GetCenter().y - ts.y * 0.5f),
                col_dim, msg, nullptr, wrap);
  }
}

void SetupEmptyText(const char* text) { g.empty_text = text ? text : ""; }

bool LastHover(double* x, double* y) {
  if (!g_last_hover_valid) return false;
  *x = g_last_hover_x;
  *y = g_last_hover_y;
  return true;
}

}  // namespace Plot
