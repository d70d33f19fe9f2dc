// share.cpp: the per-frame work of links, embed mode and autosave, and the row of buttons that
// copies a link, saves and loads model files and downloads the PyTorch script (see share.h).
#include "share.h"

#include "app.h"
#include "browser.h"
#include "imgui.h"
#include "session.h"
#include "theme.h"

bool ShareFrame(AppState& app) {
  EmbedKeepLock(app);
  LabTrackChanges(app);
  LabAutosave(app);
  if (!app.share.embed) return false;
  EmbedLayout(app);
  EmbedKeepLock(app);  // an edit made this frame (e.g. "Fit model to data") is undone at once
  return true;
}

void ShowShareButtons(AppState& app) {
  ShareState& sh = app.share;
  if (ImGui::Button("Copy link")) {
    sh.copied_link = ShareCurrentFragment(app);
    BrowserCopyLink(sh.copied_link);
    sh.copied_at = cnn::now_ms();
  }
  SaveRect(app, "copy_link");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A link that reopens this lab: model, data, settings and open tab");
  SameLineOrWrap(ButtonWidth("Save model"));
  if (ImGui::Button("Save model")) SaveModelFile(app);
  SaveRect(app, "save_model");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Download the architecture and the trained weights (.cnnmodel)");
  SameLineOrWrap(ButtonWidth("PyTorch"));
  if (ImGui::Button("PyTorch")) DownloadPytorch(app);
  SaveRect(app, "export_pytorch");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Download this network as a PyTorch script (.py): an nn.Module with the trained\n"
        "weights, a comment for each line of model text, and a training loop to start from");
  SameLineOrWrap(ButtonWidth("Load model..."));
  ImGui::BeginDisabled(sh.locked);
  if (ImGui::Button("Load model...")) BrowserPickModelFile();
  ImGui::EndDisabled();
  SaveRect(app, "load_model");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(sh.locked ? "The architecture is locked in this lesson"
                                : "Open a .cnnmodel file saved from this page");
  // The note after the buttons: beside them when it fits, else on its own line (never cut off).
  const char* note = nullptr;
  bool note_is_error = false;
  if (cnn::now_ms() - sh.copied_at < 2500) note = "link copied";
  else if (!sh.file_message.empty() && sh.file_message_is_error)
    note = "file refused", note_is_error = true;  // the why is in the status line
  else if (!sh.file_message.empty()) note = sh.file_message.c_str();
  else if (sh.autosaves > 0 || sh.restored_from == "autosave") note = "design autosaved";
  if (!note) return;
  ImGui::SameLine();
  if (ImGui::CalcTextSize(note).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
  if (note_is_error) ImGui::TextColored(Th().error, "%s", note);
  else ImGui::TextDisabled("%s", note);
}
