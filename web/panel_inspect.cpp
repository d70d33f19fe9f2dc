// panel_inspect.cpp: the "Inside" tab (issue 9) and the tab bar of the bottom-right window. The
// tab shows one of seven views, one file each (inspect_views.h): filters, feature maps, the
// receptive field of a clicked unit, prediction with a drawing pad, the confusion matrix, the
// decision field of the 2D sets and per-layer training dynamics. Their numbers come from
// inspect_compute.cpp; their JS hook is js_api_inspect.cpp (window.cnnSandbox.inspect).
//
// Cost: everything that runs the network (a sample's forward pass, the field's backward pass, the
// decision field, dynamics) refreshes at most every `refresh_frames` frames while training, and
// once when something changes while paused; the confusion matrix is evaluated one batch per frame.
#include <string>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"

const char* InsideViewName(InsideView v) {
  switch (v) {
    case InsideView::Filters: return "Filters";
    case InsideView::Maps: return "Maps";
    case InsideView::Field: return "Field";
    case InsideView::Predict: return "Predict";
    case InsideView::Confusion: return "Confusion";
    case InsideView::Boundary: return "Boundary";
    case InsideView::Dynamics: return "Dynamics";
    default: return "?";
  }
}

void ShowInspectPanel(AppState& app) {
  InspectState& in = app.inspect;
  in.maps_used = 0;
  Session* sp = InspectSession(app);
  if (!sp) {
    std::string why;
    TrainingAllowed(app, &why);
    ImGui::TextWrapped("Nothing to look inside yet: %s", why.empty() ? "no network" : why.c_str());
    return;
  }
  Session& s = *sp;
  InspectSyncKey(app, s);
  // view selector
  for (int v = 0; v < int(InsideView::Count); v++) {
    if (v) {  // next button on this line only if it fits (narrow windows wrap, nothing is cut off)
      float w = ImGui::CalcTextSize(InsideViewName(InsideView(v))).x + ImGui::GetStyle().FramePadding.x * 2;
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    }
    bool sel = int(in.view) == v;
    if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(InsideViewName(InsideView(v)))) {
      in.view = InsideView(v);
      in.last_refresh = -1000;
    }
    SaveRect(app, std::string("inside_") + InsideViewName(InsideView(v)));
    if (sel) ImGui::PopStyleColor();
  }
  // refresh policy: while training every refresh_frames frames; when paused as soon as anything moved
  const int64_t step = s.trainer.step;
  bool due = app.frame - in.last_refresh >= (app.training ? in.refresh_frames : 1) &&
             (step != in.refreshed_step || in.last_refresh < 0 || app.frame - in.last_refresh > 1000);
  if (in.last_refresh == -1000 || in.pad_dirty) due = true;
  if (due) {
    InspectRefreshSample(app, s);
    InspectRefreshDynamics(app, s);
    in.last_refresh = app.frame;
    in.refreshed_step = step;
    in.pad_dirty = false;
  }
  if (!in.error.empty()) ImGui::TextColored(kWarn, "%s", in.error.c_str());
  ImGui::BeginChild("inside_view", ImVec2(0, 0), false);
  ImGui::PushTextWrapPos(0.0f);  // every line wraps at the edge (a phone), none runs off
  switch (in.view) {
    case InsideView::Filters: ShowInsideFilters(app, s, due); break;
    case InsideView::Maps: ShowInsideMaps(app, s, due); break;
    case InsideView::Field: ShowInsideField(app, s, due); break;
    case InsideView::Predict: ShowInsidePredict(app, s, due); break;
    case InsideView::Confusion: ShowInsideConfusion(app, s); break;
    case InsideView::Boundary: ShowInsideBoundary(app, s, due); break;
    case InsideView::Dynamics: ShowInsideDynamics(app, s); break;
    default: break;
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void ShowInspectTabs(AppState& app) {
  InspectState& in = app.inspect;
  // training dynamics are sampled whichever tab is open, so the curves cover the whole run
  if (Session* s = InspectSession(app); s && app.frame - in.dyn_frame >= in.refresh_frames) {
    InspectSyncKey(app, *s);
    InspectRefreshDynamics(app, *s);
    in.dyn_frame = app.frame;
  }
  if (!ImGui::BeginTabBar("right_tabs")) return;
  struct TabDef {
    const char* name;
    InspectTab tab;
    void (*show)(AppState&);
  };
  const TabDef tabs[] = {{"Curves", InspectTab::Curves, ShowPlotsPanel},
                         {"Inside", InspectTab::Inside, ShowInspectPanel},
                         {"Backprop", InspectTab::Backprop, ShowBackpropPanel},
                         {"Notes", InspectTab::Notes, ShowNotesPanel}};
  for (const TabDef& t : tabs) {
    if (!BeginPanelTab(app, t.name, (std::string("rtab_") + t.name).c_str(), "rtab", t.tab, &in.tab, in.request_tab))
      continue;
    t.show(app);
    EndPanelTab();
  }
  in.request_tab = false;
  ImGui::EndTabBar();
}
