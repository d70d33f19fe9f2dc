// theme.cpp: the two themes, ImGui's style from them, and the contrast pairs (see theme.h).
#include "theme.h"

#include <algorithm>
#include <cmath>

// Every role of a theme, its dark value first and its high-contrast value second (one list: a new
// role is one line, and the two themes read side by side).
static Theme MakeTheme(ThemeKind kind) {
  const bool hc = kind == ThemeKind::high_contrast;
  auto pick = [hc](auto dark, auto high) { return hc ? high : dark; };
  Theme t;
  t.kind = kind;
  t.name = pick("dark", "high contrast");
  t.dim = pick(ImVec4(0.62f, 0.65f, 0.72f, 1), ImVec4(0.86f, 0.86f, 0.86f, 1));
  t.error = pick(ImVec4(1.0f, 0.45f, 0.40f, 1), ImVec4(1.0f, 0.60f, 0.55f, 1));
  t.ok = pick(ImVec4(0.50f, 0.85f, 0.50f, 1), ImVec4(0.45f, 1.0f, 0.45f, 1));
  t.warning = pick(ImVec4(1.0f, 0.78f, 0.45f, 1), ImVec4(1.0f, 0.85f, 0.30f, 1));
  t.highlight = pick(ImVec4(1.0f, 0.85f, 0.35f, 1), ImVec4(1.0f, 1.0f, 0.0f, 1));
  t.shape = pick(ImVec4(0.55f, 0.80f, 1.0f, 1), ImVec4(0.55f, 0.92f, 1.0f, 1));
  t.lock = pick(ImVec4(0.95f, 0.80f, 0.40f, 1), ImVec4(1.0f, 0.90f, 0.40f, 1));
  t.note_bg = pick(ImVec4(0.16f, 0.20f, 0.28f, 1), ImVec4(0.06f, 0.08f, 0.18f, 1));
  t.train_button = pick(ImVec4(0.16f, 0.40f, 0.22f, 1), ImVec4(0.0f, 0.28f, 0.05f, 1));
  t.train_button_hovered = pick(ImVec4(0.21f, 0.50f, 0.29f, 1), ImVec4(0.0f, 0.38f, 0.10f, 1));
  t.accent = pick(IM_COL32(110, 170, 255, 255), IM_COL32(0, 210, 255, 255));
  // the plots' series, then the class colours (8 and 10 of them)
  const ImU32 series[2][8] = {{IM_COL32(90, 170, 255, 255), IM_COL32(255, 150, 60, 255), IM_COL32(110, 210, 110, 255),
                               IM_COL32(235, 95, 120, 255), IM_COL32(190, 140, 255, 255), IM_COL32(240, 220, 90, 255),
                               IM_COL32(80, 215, 210, 255), IM_COL32(230, 230, 230, 255)},
                              {IM_COL32(0, 200, 255, 255), IM_COL32(255, 150, 0, 255), IM_COL32(60, 255, 60, 255),
                               IM_COL32(255, 100, 180, 255), IM_COL32(200, 150, 255, 255), IM_COL32(255, 255, 0, 255),
                               IM_COL32(150, 255, 255, 255), IM_COL32(255, 255, 255, 255)}};
  const ImU32 classes[2][10] = {
      {IM_COL32(90, 170, 255, 255), IM_COL32(255, 150, 60, 255), IM_COL32(110, 210, 110, 255),
       IM_COL32(235, 95, 120, 255), IM_COL32(190, 140, 255, 255), IM_COL32(240, 220, 90, 255),
       IM_COL32(80, 215, 210, 255), IM_COL32(200, 160, 120, 255), IM_COL32(250, 170, 220, 255),
       IM_COL32(170, 170, 170, 255)},
      {IM_COL32(0, 200, 255, 255), IM_COL32(255, 150, 0, 255), IM_COL32(60, 255, 60, 255), IM_COL32(255, 100, 180, 255),
       IM_COL32(200, 150, 255, 255), IM_COL32(255, 255, 0, 255), IM_COL32(150, 255, 255, 255),
       IM_COL32(255, 200, 140, 255), IM_COL32(255, 190, 230, 255), IM_COL32(200, 200, 200, 255)}};
  std::copy(series[hc], series[hc] + 8, t.series);
  std::copy(classes[hc], classes[hc] + 10, t.classes);
  t.outline = pick(IM_COL32(120, 126, 140, 255), IM_COL32(255, 255, 255, 255));
  t.select = pick(IM_COL32(60, 255, 120, 255), IM_COL32(0, 255, 80, 255));
  t.field = pick(IM_COL32(120, 220, 255, 170), IM_COL32(0, 255, 255, 255));
  t.grid = pick(IM_COL32(255, 255, 255, 28), IM_COL32(255, 255, 255, 70));
  t.grid_minor = pick(IM_COL32(255, 255, 255, 14), IM_COL32(255, 255, 255, 35));
  t.plot_frame = pick(IM_COL32(255, 255, 255, 40), IM_COL32(255, 255, 255, 200));
  t.crosshair = pick(IM_COL32(255, 255, 255, 90), IM_COL32(255, 255, 255, 200));
  t.legend_bg = pick(IM_COL32(20, 22, 27, 200), IM_COL32(0, 0, 0, 235));
  t.alarm_bg = pick(IM_COL32(90, 20, 20, 230), IM_COL32(130, 0, 0, 255));
  t.alarm_text = pick(IM_COL32(255, 170, 160, 255), IM_COL32(255, 255, 255, 255));
  t.muted = pick(IM_COL32(110, 120, 140, 255), IM_COL32(160, 160, 160, 255));
  t.dark_text = pick(IM_COL32(20, 20, 20, 255), IM_COL32(0, 0, 0, 255));
  t.light_text = pick(IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 255, 255));
  t.border_size = pick(1.0f, 2.0f);
  return t;
}

const Theme& ThemeOf(ThemeKind kind) {
  static const Theme dark = MakeTheme(ThemeKind::dark), high_contrast = MakeTheme(ThemeKind::high_contrast);
  return kind == ThemeKind::high_contrast ? high_contrast : dark;
}
// One current theme, overwritten by ThemeSet: panels may keep a reference to a role
// (static const ImVec4& kDim = Th().dim) and see the theme in use.
static Theme& Current() {
  static Theme t = ThemeOf(ThemeKind::dark);
  return t;
}
const Theme& Th() { return Current(); }
void ThemeSet(ThemeKind kind) { Current() = ThemeOf(kind); }

void ThemeStyle(ThemeKind kind, ImGuiStyle& style) {
  const Theme& t = ThemeOf(kind);
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.TabRounding = 3.0f;
  style.WindowBorderSize = t.border_size;
  // every button, field and tab has a visible edge (WCAG 1.4.11: 3:1 against the window)
  style.FrameBorderSize = t.border_size;
  style.TabBorderSize = t.border_size;
  style.WindowPadding = ImVec2(8, 6);
  style.FramePadding = ImVec2(6, 3);
  style.ItemSpacing = ImVec2(7, 4);
  ImVec4* c = style.Colors;
  if (kind == ThemeKind::dark) {
    c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.115f, 0.135f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = ImVec4(0.08f, 0.085f, 0.10f, 0.97f);
    c[ImGuiCol_Border] = ImVec4(0.45f, 0.48f, 0.56f, 1.0f);
    c[ImGuiCol_TitleBg] = ImVec4(0.13f, 0.16f, 0.22f, 1.0f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.15f, 0.21f, 0.32f, 1.0f);
    c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.23f, 1.0f);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.035f);
    // ImGui's hovered and pressed blues are too light for white text (3.0:1 and 3.6:1)
    c[ImGuiCol_ButtonHovered] = ImVec4(0.16f, 0.42f, 0.75f, 1.0f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.08f, 0.33f, 0.66f, 1.0f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.16f, 0.42f, 0.75f, 0.90f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.08f, 0.33f, 0.66f, 1.0f);
    c[ImGuiCol_TabHovered] = c[ImGuiCol_HeaderHovered];
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.20f, 0.30f, 0.45f, 1.0f);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.20f, 0.34f, 0.55f, 1.0f);
    c[ImGuiCol_ScrollbarGrab] = ImVec4(0.45f, 0.47f, 0.52f, 1.0f);
    c[ImGuiCol_ScrollbarGrabHovered] = ImVec4(0.55f, 0.57f, 0.62f, 1.0f);
    c[ImGuiCol_ScrollbarGrabActive] = ImVec4(0.65f, 0.67f, 0.72f, 1.0f);
    c[ImGuiCol_CheckMark] = ImVec4(0.45f, 0.72f, 1.0f, 1.0f);
    c[ImGuiCol_SliderGrab] = ImVec4(0.45f, 0.70f, 1.0f, 1.0f);
    c[ImGuiCol_Separator] = c[ImGuiCol_Border];
    c[ImGuiCol_NavHighlight] = ImVec4(1.0f, 0.75f, 0.28f, 1.0f);   // the keyboard focus: amber, not the buttons' blue
    c[ImGuiCol_TextDisabled] = ImVec4(0.60f, 0.62f, 0.67f, 1.0f);  // also the plots' labels, on FrameBg
  } else {
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), yellow(1, 1, 0, 1);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = ImVec4(0.70f, 0.70f, 0.70f, 1);
    c[ImGuiCol_WindowBg] = black;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = black;
    c[ImGuiCol_Border] = white;
    c[ImGuiCol_FrameBg] = black;
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.12f, 0.14f, 0.30f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.16f, 0.20f, 0.42f, 1);
    c[ImGuiCol_TitleBg] = black;
    c[ImGuiCol_TitleBgActive] = ImVec4(0.08f, 0.10f, 0.30f, 1);
    c[ImGuiCol_ScrollbarBg] = black;
    c[ImGuiCol_ScrollbarGrab] = ImVec4(0.75f, 0.75f, 0.75f, 1);
    c[ImGuiCol_ScrollbarGrabHovered] = ImVec4(0.90f, 0.90f, 0.90f, 1);
    c[ImGuiCol_ScrollbarGrabActive] = white;
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = yellow;
    c[ImGuiCol_SliderGrabActive] = ImVec4(1, 1, 0.6f, 1);
    c[ImGuiCol_Button] = black;
    c[ImGuiCol_ButtonHovered] = ImVec4(0.10f, 0.20f, 0.45f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.14f, 0.28f, 0.60f, 1);
    c[ImGuiCol_Header] = ImVec4(0.10f, 0.20f, 0.45f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.14f, 0.28f, 0.60f, 1);
    c[ImGuiCol_HeaderActive] = ImVec4(0.18f, 0.32f, 0.68f, 1);
    c[ImGuiCol_Separator] = white;
    c[ImGuiCol_SeparatorHovered] = yellow;
    c[ImGuiCol_SeparatorActive] = yellow;
    c[ImGuiCol_Tab] = black;
    c[ImGuiCol_TabHovered] = ImVec4(0.14f, 0.28f, 0.60f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.10f, 0.22f, 0.55f, 1);
    c[ImGuiCol_TabUnfocused] = black;
    c[ImGuiCol_TabUnfocusedActive] = ImVec4(0.10f, 0.22f, 0.55f, 1);
    c[ImGuiCol_PlotLines] = white;
    c[ImGuiCol_PlotHistogram] = yellow;
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    c[ImGuiCol_TableBorderStrong] = white;
    c[ImGuiCol_TableBorderLight] = ImVec4(0.70f, 0.70f, 0.70f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.08f);
    c[ImGuiCol_TextSelectedBg] = ImVec4(0.05f, 0.15f, 0.50f, 1);
    c[ImGuiCol_NavHighlight] = yellow;
  }
}

// ---- contrast ---------------------------------------------------------------------------------

static double Linear(float v) {
  const double c = std::clamp(double(v), 0.0, 1.0);
  return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double RelativeLuminance(const ImVec4& c) { return 0.2126 * Linear(c.x) + 0.7152 * Linear(c.y) + 0.0722 * Linear(c.z); }
ImVec4 Over(const ImVec4& fg, const ImVec4& bg) {
  const float a = fg.w;
  return ImVec4(fg.x * a + bg.x * (1 - a), fg.y * a + bg.y * (1 - a), fg.z * a + bg.z * (1 - a), 1);
}
ImVec4 ThemeClearColor(ThemeKind kind) {
  ImGuiStyle style;
  ThemeStyle(kind, style);
  const ImVec4 base = kind == ThemeKind::high_contrast ? ImVec4(0, 0, 0, 1) : ImVec4(0.10f, 0.11f, 0.13f, 1);
  return Over(style.Colors[ImGuiCol_WindowBg], base);
}
double ContrastRatio(const ImVec4& fg, const ImVec4& bg) {
  const double l1 = RelativeLuminance(Over(fg, bg)), l2 = RelativeLuminance(bg);
  return (std::max(l1, l2) + 0.05) / (std::min(l1, l2) + 0.05);
}

ImU32 TextOn(const ImVec4& bg) {
  const Theme& t = Th();
  const ImVec4 dark = ImGui::ColorConvertU32ToFloat4(t.dark_text), light = ImGui::ColorConvertU32ToFloat4(t.light_text);
  return ContrastRatio(dark, bg) >= ContrastRatio(light, bg) ? t.dark_text : t.light_text;
}

std::vector<ContrastPair> ThemeContrastPairs(ThemeKind kind) {
  const Theme& t = ThemeOf(kind);
  ImGuiStyle style;
  ThemeStyle(kind, style);
  const ImVec4* c = style.Colors;
  const ImVec4 win = ThemeClearColor(kind);  // main.cpp's glClearColor: the tiled windows' background
  const ImVec4 popup = Over(c[ImGuiCol_PopupBg], win);
  const ImVec4 u = ImVec4(1, 1, 1, 1);
  auto col = [](ImU32 v) { return ImGui::ColorConvertU32ToFloat4(v); };
  std::vector<ContrastPair> out;
  auto add = [&](const std::string& what, ImVec4 fg, ImVec4 bg, double need) { out.push_back({what, fg, bg, need}); };
  (void)u;
  // 1.4.3: ImGui's text on everything it draws text on (each background over the window)
  struct Bg {
    const char* name;
    ImGuiCol_ idx;
  };
  const Bg text_bgs[] = {{"FrameBg", ImGuiCol_FrameBg},
                         {"FrameBgHovered", ImGuiCol_FrameBgHovered},
                         {"FrameBgActive", ImGuiCol_FrameBgActive},
                         {"Button", ImGuiCol_Button},
                         {"ButtonHovered", ImGuiCol_ButtonHovered},
                         {"ButtonActive", ImGuiCol_ButtonActive},
                         {"Header", ImGuiCol_Header},
                         {"HeaderHovered", ImGuiCol_HeaderHovered},
                         {"HeaderActive", ImGuiCol_HeaderActive},
                         {"Tab", ImGuiCol_Tab},
                         {"TabHovered", ImGuiCol_TabHovered},
                         {"TabActive", ImGuiCol_TabActive},
                         {"TabUnfocused", ImGuiCol_TabUnfocused},
                         {"TabUnfocusedActive", ImGuiCol_TabUnfocusedActive},
                         {"TitleBg", ImGuiCol_TitleBg},
                         {"TitleBgActive", ImGuiCol_TitleBgActive},
                         {"TableHeaderBg", ImGuiCol_TableHeaderBg},
                         {"TableRowBgAlt", ImGuiCol_TableRowBgAlt}};
  add("Text on WindowBg", c[ImGuiCol_Text], win, 4.5);
  add("TextDisabled (hints, plot labels) on WindowBg", c[ImGuiCol_TextDisabled], win, 4.5);
  add("TextDisabled (plot labels) on FrameBg (the plot area)", c[ImGuiCol_TextDisabled], Over(c[ImGuiCol_FrameBg], win),
      4.5);
  add("Text on PopupBg (tooltips, combos)", c[ImGuiCol_Text], popup, 4.5);
  for (const Bg& b : text_bgs) add(std::string("Text on ") + b.name, c[ImGuiCol_Text], Over(c[b.idx], win), 4.5);
  add("Text on TextSelectedBg over FrameBg", c[ImGuiCol_Text],
      Over(c[ImGuiCol_TextSelectedBg], Over(c[ImGuiCol_FrameBg], win)), 4.5);
  add("Text on the Train button", c[ImGuiCol_Text], t.train_button, 4.5);
  add("Text on the Train button, hovered", c[ImGuiCol_Text], t.train_button_hovered, 4.5);
  // the theme's text roles, on the window, on tooltips and in the Analysis note box
  const struct {
    const char* name;
    ImVec4 v;
  } roles[] = {{"dim", t.dim},     {"error", t.error}, {"ok", t.ok}, {"warning", t.warning}, {"highlight", t.highlight},
               {"shape", t.shape}, {"lock", t.lock}};
  for (const auto& r : roles) {
    add(std::string(r.name) + " text on WindowBg", r.v, win, 4.5);
    add(std::string(r.name) + " text on PopupBg", r.v, popup, 4.5);
    add(std::string(r.name) + " text on FrameBg", r.v, Over(c[ImGuiCol_FrameBg], win), 4.5);
  }
  add("Text on the note box", c[ImGuiCol_Text], t.note_bg, 4.5);
  add("warning text on the note box", t.warning, t.note_bg, 4.5);
  add("dim text on the note box", t.dim, t.note_bg, 4.5);
  add("alarm label on its box", col(t.alarm_text), Over(col(t.alarm_bg), win), 4.5);
  add("Text on a legend box", c[ImGuiCol_Text], Over(col(t.legend_bg), Over(c[ImGuiCol_FrameBg], win)), 4.5);
  // a progress bar's label (ProgressBarLabelled): over the fill in the better of dark and light text,
  // over the rest in Text (on FrameBg, above)
  const ImVec4 fill = Over(c[ImGuiCol_PlotHistogram], Over(c[ImGuiCol_FrameBg], win));
  const ImVec4 dark = col(t.dark_text), light = col(t.light_text);
  add("a progress bar's label on its fill", ContrastRatio(dark, fill) >= ContrastRatio(light, fill) ? dark : light,
      fill, 4.5);
  add("dark text on the lightest matrix cell", col(t.dark_text), ImVec4(1, 1, 1, 1), 4.5);
  add("light text on the darkest matrix cell", col(t.light_text), ImVec4(0, 0, 0, 1), 4.5);
  // 1.4.11: component edges, the focus indicator, controls' states, essential graphics 3:1
  add("Border (edges of buttons, fields, tabs) on WindowBg", c[ImGuiCol_Border], win, 3.0);
  add("NavHighlight (keyboard focus) on WindowBg", c[ImGuiCol_NavHighlight], win, 3.0);
  add("CheckMark on FrameBg", c[ImGuiCol_CheckMark], Over(c[ImGuiCol_FrameBg], win), 3.0);
  add("SliderGrab on FrameBg", c[ImGuiCol_SliderGrab], Over(c[ImGuiCol_FrameBg], win), 3.0);
  add("ScrollbarGrab on ScrollbarBg", c[ImGuiCol_ScrollbarGrab], Over(c[ImGuiCol_ScrollbarBg], win), 3.0);
  add("accent on WindowBg", col(t.accent), win, 3.0);
  add("outline of pictures on WindowBg", col(t.outline), win, 3.0);
  add("selection outline on WindowBg", col(t.select), win, 3.0);
  add("muted bar on WindowBg", col(t.muted), win, 3.0);
  for (int i = 0; i < 8; i++) {
    add("curve colour " + std::to_string(i + 1) + " on WindowBg", col(t.series[i]), win, 3.0);
    add("curve colour " + std::to_string(i + 1) + " on a legend box", col(t.series[i]),
        Over(col(t.legend_bg), Over(c[ImGuiCol_FrameBg], win)), 3.0);
    add("curve colour " + std::to_string(i + 1) + " on FrameBg (the plot area)", col(t.series[i]),
        Over(c[ImGuiCol_FrameBg], win), 3.0);
  }
  for (int i = 0; i < 10; i++) add("class colour " + std::to_string(i) + " on WindowBg", col(t.classes[i]), win, 3.0);
  return out;
}
