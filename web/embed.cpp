// embed.cpp: embed mode (#embed=1): the compact layout a course page puts in an iframe, and the
// locked architecture of a lesson (#lock=1).
#include <algorithm>
#include <cmath>

#include "app.h"
#include "browser.h"
#include "lab_link.h"
#include "imgui.h"
#include "session.h"
#include "theme.h"

void EmbedKeepLock(AppState& app) {
  ShareState& sh = app.share;
  if (!sh.locked || app.doc.text == sh.locked_text) return;
  DocSetText(app, sh.locked_text);
  app.status =
      "The architecture is locked in this lesson: the model cannot be edited here (\"Open full lab\" opens an editable copy).";
  app.status_is_error = true;
}

static void ShowLockedModel(AppState& app) {
  const ModelDoc& d = app.doc;
  ImGui::TextColored(Th().lock, "Locked network");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("This lesson shows exactly one network; train it and watch the curves.");
  ImGui::SameLine();
  if (d.valid) ImGui::TextDisabled("%s parameters", cnn::with_commas(d.info.total_params).c_str());
  ImGui::PushFont(app.font_mono);
  ImGui::BeginChild("locked_text", ImVec2(0, 0), true);
  int n = 0;
  size_t a = 0;
  while (a < d.text.size()) {
    size_t b = d.text.find('\n', a);
    if (b == std::string::npos) b = d.text.size();
    ImGui::TextDisabled("%2d", ++n);
    ImGui::SameLine();
    ImGui::TextUnformatted(d.text.data() + a, d.text.data() + b);
    a = b + 1;
  }
  ImGui::EndChild();
  ImGui::PopFont();
  SaveRect(app, "locked_model");
}

// The compact layout for an iframe (900x600 and below): no title bars, the model on the left with
// fewer tabs, training and curves on the right, a thin strip with "Open full lab".
void EmbedLayout(AppState& app) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 o = vp->WorkPos, size = vp->WorkSize;
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoBackground;  // see app.cpp's kFixed
  app.narrow = true;
  const float left_w = std::floor(size.x * 0.42f);
  const float right_w = size.x - left_w;
  float train_h = app.train_content_h > 0 ? app.train_content_h + st.WindowPadding.y * 2 : size.y * 0.4f;
  train_h = std::floor(std::min(train_h, size.y * 0.55f));

  ImGui::SetNextWindowPos(o);
  ImGui::SetNextWindowSize(ImVec2(left_w, size.y));
  ImGui::Begin("###embed_model", nullptr, fixed);
  ImGui::TextUnformatted("CNN Sandbox");
  ImGui::SameLine();
  if (ImGui::SmallButton("Open full lab")) {
    LabLink u = LabUrlState(app);
    u.embed = u.lock = false;
    BrowserOpenTab(LabLinkEncode(u));
  }
  SaveRect(app, "open_full");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open this lab, editable, in a new tab");
  // the designer tab of a locked lab shows the model read-only
  ShowModelTabs(app, "embed_left", "Model", [](AppState& a) {
    if (a.share.locked) ShowLockedModel(a);
    else ShowDesignerPanel(a);
  });
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(o.x + left_w, o.y));
  ImGui::SetNextWindowSize(ImVec2(right_w, train_h));
  ImGui::Begin("###embed_training", nullptr, fixed);
  ShowTrainingPanel(app);
  app.train_content_h = ImGui::GetCursorPosY() - ImGui::GetCursorStartPos().y - st.ItemSpacing.y;
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(o.x + left_w, o.y + train_h));
  ImGui::SetNextWindowSize(ImVec2(right_w, size.y - train_h));
  ImGui::Begin("###embed_plots", nullptr, fixed);
  ShowPlotsPanel(app);
  ImGui::End();
  app.rects["embed_layout"] = ImVec4(o.x, o.y, o.x + left_w, o.y + size.y);
}
