// app.cpp: the top-level layout of the lab and the per-frame order of work:
//   1. frame timing, 2. one training slice (a time budget adapted so the page stays at >= 30 fps),
//   3. the windows, whose rects are computed from the viewport every frame (no saved layout,
//      nothing overlaps at any size): left column "Model" with tabs Designer / Analysis / Data,
//      right column "Training" (controls) above "Plots".
#include "app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "cnn/kernels.h"
#include "cnn/train.h"
#include "inspect.h"
#include "theme.h"
#include "imgui.h"
#include "imgui_internal.h"
#include "session.h"

// The page opens on a working lab: a small CNN on a generated image set, ready to train.
static const char* kDefaultPreset = "lenet5";
static const char* kDefaultDataset = "digits";

const char* LeftTabKey(LeftTab t) {
  switch (t) {
    case LeftTab::Designer: return "designer";
    case LeftTab::Analysis: return "analysis";
    case LeftTab::Data: return "data";
    case LeftTab::Lessons: return "lessons";
  }
  return "designer";
}

LeftTab LeftTabFromKey(const std::string& key) {
  for (LeftTab t : {LeftTab::Analysis, LeftTab::Data, LeftTab::Lessons})
    if (key == LeftTabKey(t)) return t;
  return LeftTab::Designer;
}

void AppInit(AppState& app) {
  LoadPresets(app);
  app.dataset_name = kDefaultDataset;
  if (!ApplyPreset(app, kDefaultPreset)) {
    if (!app.presets.empty()) ApplyPreset(app, app.presets.front().name);
    else DocSetText(app, "input 28x28x1\nconv 8 k3 s2\nrelu\ndense 10\nsoftmax\n");
  }
  app.preset_changed = true;
  app.stats.last_start = cnn::now_ms();
  app.stats.sps_window_start = app.stats.last_start;
  ShareInit(app);    // the link (URL fragment) or the autosaved design, over the default lab
  LessonsInit(app);  // progress, then the lesson files (fetched)
  // A fresh visit (no link, no autosave, no lesson seen yet) starts with the course.
  if (app.share.restored_from.empty() && !LessonsHaveProgress(app)) app.left_tab = LeftTab::Lessons;
  app.request_tab = true;  // else ImGui would open the first tab (Lessons) by default
}

static void UpdateFrameStats(AppState& app, double start, double end, double train_ms) {
  FrameStats& s = app.stats;
  float interval = float(start - s.last_start);
  s.last_start = start;
  s.interval_ms[s.head] = interval;
  s.work_ms[s.head] = float(end - start);
  s.train_ms[s.head] = float(train_ms);
  s.head = (s.head + 1) % FrameStats::kN;
  s.count = std::min(s.count + 1, FrameStats::kN);
  double sum = 0, mx = 0, work = 0;
  for (int i = 0; i < s.count; i++) {
    sum += s.interval_ms[i];
    mx = std::max(mx, double(s.interval_ms[i]));
    work += s.work_ms[i];
  }
  s.mean_interval_ms = float(sum / std::max(s.count, 1));
  s.max_interval_ms = float(mx);
  s.mean_work_ms = float(work / std::max(s.count, 1));
  s.fps = s.mean_interval_ms > 0 ? 1000.0f / s.mean_interval_ms : 0;
  // samples/s over windows of a second of training; none while paused, so the first figure after
  // Train is a second of this run (not the samples of one step spread over the pause before it)
  if (!app.training && app.pending_steps <= 0) {
    s.samples_per_sec = 0;
    s.sps_window_samples = 0;
    s.sps_window_start = end;
  }
  double win = end - s.sps_window_start;
  if (win >= 1000.0) {
    s.samples_per_sec = double(s.sps_window_samples) * 1000.0 / win;
    s.sps_window_samples = 0;
    s.sps_window_start = end;
  }
}

// The training budget per frame. The learner needs both a live page (at least 30 frames per
// second, 33.3 ms apart) and fast training, so training gets what the interface and the browser
// leave of a 33 ms frame. With vsync, frames come 16.7, 33.3 or 50 ms apart: a 16.7 ms frame means
// room to spare (the budget grows a little), a frame later than 36 ms means too much (it shrinks by
// part of the excess), anything between is the target and holds. Measured from frame start to
// frame start, so the browser's own work (compositing, WebGL) counts too. When the page misses
// 30 fps without any training (software WebGL, a slow machine), starving training would buy no
// frames back: training then takes a third of the frame (half of what the rest takes).
static void AdaptTrainBudget(AppState& app, float interval_ms) {
  constexpr float kMin = 3.0f, kMax = 28.0f;
  if (!app.training || interval_ms <= 0 || interval_ms > 1000.0f) return;  // paused, or a tab in the background
  const FrameStats& st = app.stats;
  const float last_train = st.count > 0 ? st.train_ms[(st.head + FrameStats::kN - 1) % FrameStats::kN] : 0.0f;
  const float other = std::max(0.0f, interval_ms - last_train);
  app.other_ms_ema = app.other_ms_ema > 0 ? 0.9f * app.other_ms_ema + 0.1f * other : other;
  float& b = app.train_budget_ms;
  if (app.other_ms_ema > 30.0f) b += 0.1f * (0.5f * app.other_ms_ema - b);
  else if (interval_ms > 36.0f) b -= std::max(0.5f, 0.25f * (interval_ms - 33.3f));
  else if (interval_ms < 25.0f) b += 0.25f;
  b = std::clamp(b, kMin, kMax);
}

void SaveRect(AppState& app, const char* name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  app.rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}
void SaveRect(AppState& app, const std::string& name) { SaveRect(app, name.c_str()); }

void SaveText(AppState& app, const std::string& name, const std::string& text) { app.texts[name] = text; }

void ItemTooltip(AppState& app, const std::string& name, const std::string& text) {
  app.texts[name] = text;
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", text.c_str());
}

void SameLineOrWrap(float w) {
  const ImGuiWindow* win = ImGui::GetCurrentWindow();
  const float x = win->DC.CursorPosPrevLine.x + ImGui::GetStyle().ItemSpacing.x;
  if (x + w <= ImGui::GetContentRegionMaxAbs().x + 0.5f) ImGui::SameLine();
}
void ProgressBarLabelled(float fraction, const ImVec2& size, const char* label) {
  fraction = ImSaturate(fraction);
  ImGui::ProgressBar(fraction, size, "");  // "" draws no label of ImGui's (it would sit on the fill)
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  const float b = st.FrameBorderSize;
  const float split = lo.x + b + (hi.x - lo.x - 2 * b) * fraction;  // where ImGui's fill ends
  const ImVec2 ts = ImGui::CalcTextSize(label);
  const ImVec2 at(IM_FLOOR(std::max(lo.x + st.FramePadding.x, (lo.x + hi.x - ts.x) * 0.5f)),
                  IM_FLOOR((lo.y + hi.y - ts.y) * 0.5f));
  const ImVec4* c = st.Colors;
  const ImVec4 under = Over(c[ImGuiCol_FrameBg], ThemeClearColor(Th().kind));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(lo, ImVec2(split, hi.y), true);
  dl->AddText(at, TextOn(Over(c[ImGuiCol_PlotHistogram], under)), label);
  dl->PopClipRect();
  dl->PushClipRect(ImVec2(split, lo.y), hi, true);
  dl->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), label);
  dl->PopClipRect();
}
float ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}
float CheckboxWidth(const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return ImGui::GetFrameHeight() + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

void SaveTabRect(AppState& app, const char* name, const char* label) {
  SaveRect(app, name);
  const float w = ImGui::GetItemRectSize().x, need = ImGui::TabItemCalcSize(label, false).x;
  if (w + 0.5f < need) app.truncated.push_back(label);
}

void EndPanelTab() {
  ImGui::EndChild();
  ImGui::EndTabItem();
}

void ShowModelTabs(AppState& app, const char* id, const char* designer_label, void (*show_designer)(AppState&)) {
  if (!ImGui::BeginTabBar(id)) return;
  struct TabDef {
    const char* label;
    const char* rect;
    LeftTab tab;
    void (*show)(AppState&);
  };
  const TabDef tabs[] = {{"Lessons", "tab_Lessons", LeftTab::Lessons, ShowLessonsPanel},
                         {designer_label, "tab_Designer", LeftTab::Designer, show_designer},
                         {"Analysis", "tab_Analysis", LeftTab::Analysis, ShowAnalysisPanel},
                         {"Data", "tab_Data", LeftTab::Data, ShowDataPanel}};
  for (const TabDef& t : tabs) {
    // a course page's embed shows the Lessons tab only for its lesson
    if (t.tab == LeftTab::Lessons && app.share.embed && app.lessons.open.empty() && app.lessons.requested.empty())
      continue;
    if (!BeginPanelTab(app, t.label, t.rect, "tab", t.tab, &app.left_tab, app.request_tab)) continue;
    t.show(app);
    EndPanelTab();
  }
  app.request_tab = false;
  ImGui::EndTabBar();
}

static void Rect(const char* name, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  (void)name;
}

// The tiled windows cover the screen and draw no background: the canvas is cleared to it
// (ThemeClearColor), one blended full-screen quad fewer a frame.
static constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                           ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;

// Records the current window's rect under `name` (the layout test checks windows do not overlap).
static void SaveWindowRect(AppState& app, const char* name) {
  ImVec2 a = ImGui::GetWindowPos(), b = ImGui::GetWindowSize();
  app.rects[name] = ImVec4(a.x, a.y, a.x + b.x, a.y + b.y);
}

// The training controls and the share buttons; their height is kept for next frame's layout.
static void TrainingWindowContents(AppState& app) {
  ShowTrainingPanel(app);
  ShowShareButtons(app);
  // the extent of everything drawn (robust to a trailing SameLine), for next frame's height
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  app.train_content_h = w->DC.CursorMaxPos.y - w->DC.CursorStartPos.y;
}

// Landscape screens from 780 CSS px wide: the model on the left, training above the curves on the right.
static void TwoColumnLayout(AppState& app, ImVec2 o, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& st = ImGui::GetStyle();
  float left_w = std::floor(size.x * (app.narrow ? 0.5f : 0.47f));
  float right_w = size.x - left_w;
  float row = ImGui::GetFrameHeightWithSpacing();
  float title = fs + st.FramePadding.y * 2;
  int settings_rows = 4 + ((app.settings.optimizer == 1 || app.settings.schedule == 1) ? 1 : 0);
  float train_h = title + st.WindowPadding.y * 2 + row * (2 + settings_rows) +
                  ImGui::GetTextLineHeightWithSpacing() * 2.2f;
  // after the first frame, exactly what the panel used (it grows with a status line or extra settings)
  if (app.train_content_h > 0) train_h = title + st.WindowPadding.y * 2 + app.train_content_h;
  train_h = std::floor(std::min(train_h, size.y * 0.5f));

  Rect("model", o, ImVec2(left_w, size.y));
  ImGui::Begin("CNN Sandbox: model###model", nullptr, kFixed);
  SaveWindowRect(app, "win_model");
  ShowModelTabs(app, "left", "Designer", ShowDesignerPanel);
  ImGui::End();

  Rect("training", ImVec2(o.x + left_w, o.y), ImVec2(right_w, train_h));
  ImGui::Begin("Training###training", nullptr, kFixed);
  SaveWindowRect(app, "win_training");
  TrainingWindowContents(app);
  ImGui::End();

  Rect("plots", ImVec2(o.x + left_w, o.y + train_h), ImVec2(right_w, size.y - train_h));
  ImGui::Begin("Curves###plots", nullptr, kFixed);
  SaveWindowRect(app, "win_plots");
  ShowInspectTabs(app);  // Curves (ShowPlotsPanel) | Inside | Backprop | Notes: inspect.h
  ImGui::End();
}

// Phones and portrait screens: one window the size of the screen, a switcher on top (Model,
// Training, Curves), the chosen panel below with the whole width. Training keeps running whichever
// panel is shown; the switcher's buttons are a full row high, easy to hit with a finger.
static void SingleColumnLayout(AppState& app, ImVec2 o, ImVec2 size) {
  Rect("single", o, size);
  ImGui::Begin("CNN Sandbox###single", nullptr, kFixed | ImGuiWindowFlags_NoTitleBar);
  SaveWindowRect(app, "win_single");
  // a tab asked for by the JS API (or a lesson) brings its panel to the front
  if (app.request_tab) app.view = 0;
  if (app.inspect.request_tab) app.view = 2;
  static const char* kViews[] = {"Model", "Training", "Curves"};
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w = std::floor((ImGui::GetContentRegionAvail().x - gap * 2) / 3);
  const float h = ImGui::GetFrameHeight() * 1.4f;
  for (int v = 0; v < 3; v++) {
    if (v) ImGui::SameLine();
    const bool sel = app.view == v;
    if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::Button(kViews[v], ImVec2(w, h))) app.view = v;
    if (sel) ImGui::PopStyleColor();
    SaveRect(app, std::string("view_") + kViews[v]);
    if (ImGui::CalcTextSize(kViews[v]).x > w) app.truncated.push_back(kViews[v]);
  }
  ImGui::Separator();
  ImGui::BeginChild("view", ImVec2(0, 0), false);
  switch (app.view) {
    case 0: ShowModelTabs(app, "left", "Designer", ShowDesignerPanel); break;
    case 1: TrainingWindowContents(app); break;
    default: ShowInspectTabs(app); break;
  }
  ImGui::EndChild();
  ImGui::End();
}

// Content cut off at the right (or, in a window that cannot scroll, at the bottom) this frame, in
// app.truncated for the layout test: a window whose content runs past its visible width and has no
// horizontal scrollbar, and a table column whose content runs past the column (a settings row's
// label). Tab labels are checked where they are drawn (SaveTabRect). `where` names the window
// (ImGui's "parent/child" path without the ###ids) and the overflow in CSS px.
static void ReportCutContent(AppState& app) {
  ImGuiContext& g = *GImGui;
  const float eps = 0.5f * app.dpr;
  auto name = [](const char* n) {
    std::string s;
    for (const char* p = n; *p;) {  // "CNN Sandbox###single/view_0A1B2C3D" -> "CNN Sandbox/view"
      if (p[0] == '#' && p[1] == '#' && p[2] == '#') {
        while (*p && *p != '/') p++;
        continue;
      }
      if (p[0] == '_' && std::strspn(p + 1, "0123456789ABCDEF") == 8) {
        p += 9;
        continue;
      }
      s += *p++;
    }
    return s;
  };
  char buf[256];
  for (ImGuiWindow* w : g.Windows) {
    if (!w->Active || w->Hidden || (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_AlwaysAutoResize)))
      continue;
    const bool scroll_x = (w->Flags & ImGuiWindowFlags_HorizontalScrollbar) || w->ScrollbarX;
    // A multiline text field (its rect saved as "..._text": the model text) is a child window that
    // ends with a Dummy as wide as the whole field from inside its padding (imgui_widgets.cpp,
    // InputTextEx): not content. Its lines are clipped at the field's edge like any editor's.
    bool text_field = false;
    for (const auto& [k, r] : app.rects)
      text_field |= k.size() > 5 && k.compare(k.size() - 5, 5, "_text") == 0 && std::abs(r.x - w->Pos.x) < 1 &&
                    std::abs(r.y - w->Pos.y) < 1 && std::abs(r.z - (w->Pos.x + w->Size.x)) < 1;
    if (text_field) continue;
    const float over_x = w->DC.CursorMaxPos.x - w->WorkRect.Max.x;
    if (!scroll_x && over_x > eps) {
      std::snprintf(buf, sizeof buf, "%s: content %.0f px too wide", name(w->Name).c_str(), over_x / app.dpr);
      app.truncated.push_back(buf);
    }
    const float over_y = w->DC.CursorMaxPos.y - (w->InnerRect.Max.y - w->WindowPadding.y);
    if ((w->Flags & ImGuiWindowFlags_NoScrollbar) && (w->Flags & ImGuiWindowFlags_ChildWindow) &&
        over_y > eps + w->WindowPadding.y) {
      std::snprintf(buf, sizeof buf, "%s: content %.0f px too tall", name(w->Name).c_str(), over_y / app.dpr);
      app.truncated.push_back(buf);
    }
  }
  for (int i = 0; i < g.Tables.GetMapSize(); i++) {
    const ImGuiTable* t = g.Tables.TryGetMapData(i);
    if (!t || t->LastFrameActive != g.FrameCount || !t->OuterWindow || !t->OuterWindow->Active) continue;
    for (int c = 0; c < t->ColumnsCount; c++) {
      const ImGuiTableColumn& col = t->Columns[c];
      if (!col.IsVisibleX) continue;
      const float content = ImMax(col.ContentMaxXFrozen, col.ContentMaxXUnfrozen);
      const float over = content - col.WorkMaxX;
      if (over > eps) {
        const char* col_name = ImGui::TableGetColumnName(t, c);
        std::snprintf(buf, sizeof buf, "%s: table column %d%s%s content %.0f px too wide",
                      name(t->OuterWindow->Name).c_str(), c + 1, col_name && *col_name ? " " : "",
                      col_name ? col_name : "", over / app.dpr);
        app.truncated.push_back(buf);
      }
    }
  }
}

void AppFrame(AppState& app) {
  app.frame++;
  double start = cnn::now_ms();
  app.rects.clear();
  app.texts.clear();
  app.truncated.clear();
  app.dragging_layer = -1;  // set again by the layer list while a row is dragged

  // 1-2: keep the engine objects in step with the choices, then train for a slice of the frame
  SessionEnsure(app);
  AdaptTrainBudget(app, float(start - app.stats.last_start));
  double t0 = cnn::now_ms();
  SessionTrainSlice(app, app.train_budget_ms);
  double train_ms = cnn::now_ms() - t0;
  if (ShareFrame(app)) {  // embed mode drew its own compact layout
    ReportCutContent(app);
    UpdateFrameStats(app, start, cnn::now_ms(), train_ms);
    return;
  }

  // 3: layout from the viewport size (device pixels)
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  // in CSS px at the chosen text size: 200 % text on 1280x720 lays out like 640x360 (like browser zoom)
  const float css_scale = app.dpr * float(app.text_scale_pct) / 100.0f;
  const ImVec2 css(size.x / css_scale, size.y / css_scale);
  // A phone, a laptop at 200 % zoom or text size (under 780 CSS px wide) or a portrait screen gets
  // one column and a switcher: side by side, each column would be too narrow for its tabs, the
  // training settings, the plots' titles and the model text (at 640 wide they were cut off).
  app.single_column = css.x < 780 || css.y > css.x * 1.15f;
  app.narrow = app.single_column || css.x < 1000;
  if (app.single_column) SingleColumnLayout(app, o, size);
  else TwoColumnLayout(app, o, size);
  app.rects["viewport"] = ImVec4(o.x, o.y, o.x + size.x, o.y + size.y);
  ReportCutContent(app);

  UpdateFrameStats(app, start, cnn::now_ms(), train_ms);
}

void AppAfterRender(AppState& app) {}

void AppShutdown(AppState& app) { app.session.reset(); }
