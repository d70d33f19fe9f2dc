// plot.h: a small line-plot widget drawn on ImDrawList. ImPlot is in no registry we can use, so this
// follows the shape of its API, and code that uses it reads like ImPlot:
//
//   if (Plot::BeginPlot("Loss", ImVec2(-1, 200))) {
//     Plot::SetupAxes("step", "loss", 0, Plot::AxisFlags_Log);
//     Plot::PlotLine("run 1", xs, ys, n, IM_COL32(90, 160, 255, 255));
//     Plot::EndPlot();
//   }
//
// Series are collected between BeginPlot and EndPlot (the limits fit all of them), then drawn:
// long series are reduced to a min/max pair per pixel column, so ten thousand steps cost no more
// than the plot's width. Hovering shows a vertical cursor and each series' value under it.
#pragma once
#include <string>
#include <vector>
#include "imgui.h"

namespace Plot {

enum AxisFlags_ {
  AxisFlags_None = 0,
  AxisFlags_Log = 1 << 0,      // log10 scale (non-positive values are skipped)
  AxisFlags_Percent = 1 << 1,  // tick labels as percentages of 1
};

enum LineFlags_ {
  LineFlags_None = 0,
  LineFlags_Markers = 1 << 0,  // a dot at every point (for sparse series such as evaluations)
  LineFlags_NoLegend = 1 << 1,
  LineFlags_NoHover = 1 << 2,
};

// size: width/height in pixels; <= 0 means "the available width/height" (as ImGui::BeginChild).
bool BeginPlot(const char* title_id, const ImVec2& size);
void SetupAxes(const char* x_label, const char* y_label, int x_flags = 0, int y_flags = 0);
void SetupAxisLimitsY(double y_min, double y_max);  // fixed y range (e.g. 0..1 for accuracy)
void SetupAxisLimitsX(double x_min, double x_max);  // fixed x range (plots that share an axis)
void PlotLine(const char* label, const float* xs, const float* ys, int count, ImU32 color, float thickness = 1.5f,
              int flags = 0);
void SetupEmptyText(const char* text);  // what an empty plot says (default "no data yet: press Train")
void EndPlot();

// Value under the mouse of the last plot that was hovered (for tests and readouts).
bool LastHover(double* x, double* y);

// The y tick labels the last EndPlot of the plot titled `title` drew (screen y of each label's top
// and bottom, and its text), for tests: no two overlap.
struct YTick {
  float top, bottom;
  std::string text;
};
const std::vector<YTick>& LastYTicks(const std::string& title);
// The legend of the last EndPlot of the plot titled `title`: each entry's label and marker shape
// ("circle" is the plain line and round dots), for tests: runs differ by shape, not only colour.
// The marker shapes (circle, square, triangle, diamond, triangle down, cross, plus, ring) by
// index modulo 8: plots give them to curve colours, the point views to classes (WCAG 1.4.1).
void DrawMarker(ImDrawList* dl, ImVec2 p, int shape, float r, ImU32 col);
const char* MarkerName(int shape);
struct LegendEntry {
  std::string label;
  const char* marker;
};
const std::vector<LegendEntry>& LastLegend(const std::string& title);
// Where the last EndPlot of `title` put its legend: "top right", "bottom right", "top left", "bottom
// left" or "middle right" ("" when it drew none), how many of the plot's points lie under it and how
// many of its lines' segments pass under it, each counted within a third of the font size of the box
// (tests: a legend hides nothing when some place is clear).
struct LegendPlace {
  const char* corner = "";
  int hidden = 0;    // points
  int segments = 0;  // line segments (between points) that pass under the box
};
LegendPlace LastLegendPlace(const std::string& title);
}  // namespace Plot
