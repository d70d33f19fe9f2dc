// app.h: the one state struct of the front end and the functions main.cpp calls.
#pragma once
#include <string>

struct ImFont;
struct ImGuiStyle;

struct AppState {
  // Set by main.cpp.
  ImFont* font_ui = nullptr;
  ImFont* font_mono = nullptr;
  ImFont* font_big = nullptr;
  float dpr = 1.0f;  // device pixel ratio; sizes in ImGui are device pixels
  int frame = 0;
};

void AppInit(AppState& app);
void AppStyle(ImGuiStyle& style);   // colours and spacing before scaling by dpr
void AppFrame(AppState& app);       // builds one frame of the interface
void AppAfterRender(AppState& app); // after the draw data is submitted (frame timing)
void AppShutdown(AppState& app);
