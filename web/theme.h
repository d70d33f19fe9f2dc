// theme.h: every colour the interface draws with, in one place, in two themes (the default dark one
// and a high-contrast one), and the list of foreground/background pairs the interface puts together,
// so that a doctest (tests/web/test_theme.cpp) computes the WCAG 2.1 contrast ratio of each: text
// 4.5:1 (1.4.3), component boundaries, focus and graphics 3:1 (1.4.11). Panels ask Th() for a role
// instead of writing a colour; ThemeStyle() fills ImGui's style from the same theme.
#pragma once
#include <string>
#include <vector>

#include "imgui.h"

enum class ThemeKind : int { dark = 0, high_contrast = 1 };

struct Theme {
  ThemeKind kind = ThemeKind::dark;
  const char* name = "dark";
  // text roles (drawn on the window, popups and the note boxes)
  ImVec4 dim, error, ok, warning, highlight, shape, lock;
  ImVec4 note_bg;  // the Analysis panel's note box
  ImVec4 train_button, train_button_hovered;
  ImU32 accent = 0;        // the designer's drop marker, links
  ImU32 series[8] = {};    // runs' curves (session.cpp hands them out)
  ImU32 classes[10] = {};  // classes in the data, predictions and boundaries
  ImU32 outline = 0;       // frames around pictures (filters, maps, samples)
  ImU32 select = 0;        // the selected cell, the unit whose field is shown
  ImU32 field = 0;         // a receptive field's outline
  ImU32 grid = 0, grid_minor = 0, plot_frame = 0, crosshair = 0;
  ImU32 legend_bg = 0;                  // behind the plots' legends and readouts
  ImU32 alarm_bg = 0, alarm_text = 0;   // a plot's "diverged" label
  ImU32 muted = 0;                      // a bar or a dot that is not the one in question
  ImU32 dark_text = 0, light_text = 0;  // text over colour-mapped cells (confusion matrix)
  float border_size = 1.0f;             // frame and tab borders (CSS px before scaling)
};

const Theme& Th();              // the theme in use (one object: references to its roles stay valid)
void ThemeSet(ThemeKind kind);  // takes effect for ImGui's style at the next ThemeStyle()
const Theme& ThemeOf(ThemeKind kind);
// ImGui's colours and sizes for a theme (before scaling by the device pixel ratio).
void ThemeStyle(ThemeKind kind, ImGuiStyle& style);

// WCAG 2.1: relative luminance of an sRGB colour and the contrast ratio (L1 + 0.05) / (L2 + 0.05),
// 1 to 21. `fg` is composited over `bg` by its alpha first (the way ImGui draws it).
double RelativeLuminance(const ImVec4& c);
double ContrastRatio(const ImVec4& fg, const ImVec4& bg);
ImVec4 Over(const ImVec4& fg, const ImVec4& bg);  // fg composited over an opaque bg
// The theme's dark_text or light_text, whichever contrasts more with an opaque bg (labels over a
// progress bar's fill, over colour-mapped cells).
ImU32 TextOn(const ImVec4& bg);
// The colour main.cpp clears the canvas to: the style's WindowBg composited over the page's base
// colour. The tiled windows that cover the screen draw no background of their own
// (ImGuiWindowFlags_NoBackground): the clear is their background. Under software WebGL each
// full-screen blended quad costs ~15 ms of CPU a frame at 1280x720 (bench/RESULTS.md).
ImVec4 ThemeClearColor(ThemeKind kind);

struct ContrastPair {
  std::string what;  // "Text on ButtonHovered"
  ImVec4 fg, bg;     // bg opaque (already composited over the window)
  double need;       // 4.5 text, 3 graphics and component boundaries
};
// Every pair the interface draws, for a theme and the ImGui style ThemeStyle() makes of it.
std::vector<ContrastPair> ThemeContrastPairs(ThemeKind kind);
