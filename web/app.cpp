// app.cpp: the top-level layout of the lab.
#include "app.h"

#include "cnn/kernels.h"
#include "imgui.h"

void AppInit(AppState& app) {}

void AppStyle(ImGuiStyle& style) {
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
}

void AppFrame(AppState& app) {
  app.frame++;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("CNN Sandbox", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse);
  ImGui::PushFont(app.font_big);
  ImGui::TextUnformatted("CNN Sandbox");
  ImGui::PopFont();
  ImGui::Text("Engine kernels: %s", cnn::simd_isa_name());
  ImGui::End();
}

void AppAfterRender(AppState& app) {}
void AppShutdown(AppState& app) {}
