// main.cpp: the platform layer, read top to bottom: window, ImGui context, backends, fonts, loop,
// shutdown. Everything the learner sees is drawn by AppFrame() (app.cpp and the panel_*.cpp files).
//
// In the browser the canvas is sized in device pixels (CSS size x devicePixelRatio) and ImGui works
// in those pixels, with fonts rasterized at the device size and the style scaled to match: text is
// crisp on high-DPI screens and mouse coordinates need no conversion.
#include <cstdio>
#include <deque>

#include <GLFW/glfw3.h>

#include "app.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#define CNN_FONT_FILE "/fonts/DejaVuSans.ttf"
#define CNN_MONO_FONT_FILE "/fonts/DejaVuSansMono.ttf"
#endif

static GLFWwindow* g_window = nullptr;
static AppState g_app;
AppState& AppGlobal() { return g_app; }
static float g_font_scale = 0;  // device pixel ratio the fonts were last built for

static float DevicePixelRatio() {
#ifdef __EMSCRIPTEN__
  double r = emscripten_get_device_pixel_ratio();
  return r > 0 ? float(r) : 1.0f;
#else
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(g_window, &xs, &ys);
  return xs > 0 ? xs : 1.0f;
#endif
}

// (Re)builds the font atlas and the style for a device pixel ratio.
static void BuildFontsAndStyle(float dpr) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  float base = 15.0f * dpr;
  g_app.font_ui = io.Fonts->AddFontFromFileTTF(CNN_FONT_FILE, base, &cfg);
  g_app.font_mono = io.Fonts->AddFontFromFileTTF(CNN_MONO_FONT_FILE, base, &cfg);
  g_app.font_big = io.Fonts->AddFontFromFileTTF(CNN_FONT_FILE, 20.0f * dpr, &cfg);
  if (!g_app.font_ui) g_app.font_ui = io.Fonts->AddFontDefault();
  if (!g_app.font_mono) g_app.font_mono = g_app.font_ui;
  if (!g_app.font_big) g_app.font_big = g_app.font_ui;
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  AppStyle(style);
  style.ScaleAllSizes(dpr);
  ImGui::GetStyle() = style;
  g_app.dpr = dpr;
  g_font_scale = dpr;
}


// Input queue. ImGui 1.86 keeps keys as a down/up state read once per frame, so a key pressed and
// released between two frames is never seen, and a key typed before some characters in the same
// frame is applied after them. On a slow frame (a big training slice, a busy laptop) fast typing
// would lose Enter, Backspace or Ctrl+A, or reorder a line break. GLFW's key, character and mouse
// button events therefore go through this queue, and each frame takes events in order only while no
// key changes twice, no character follows a key press and no click follows typing (or typing a
// click); the rest waits for the next frame. A delayed click keeps the position it was made at.
struct InputEvent {
  enum Kind { Key, Char, Mouse } kind;
  int a = 0, b = 0, c = 0, d = 0;  // key: key, scancode, action, mods; char: codepoint; mouse: button, action, mods
  double x = 0, y = 0;             // cursor position when a mouse button changed
};
static std::deque<InputEvent> g_input;
static GLFWkeyfun g_imgui_key = nullptr;
static GLFWcharfun g_imgui_char = nullptr;
static GLFWmousebuttonfun g_imgui_mouse = nullptr;

static void QueueKey(GLFWwindow*, int key, int scancode, int action, int mods) {
  g_input.push_back({InputEvent::Key, key, scancode, action, mods});
}
static void QueueChar(GLFWwindow*, unsigned int c) { g_input.push_back({InputEvent::Char, int(c)}); }
static void QueueMouse(GLFWwindow* w, int button, int action, int mods) {
  InputEvent e{InputEvent::Mouse, button, action, mods};
  glfwGetCursorPos(w, &e.x, &e.y);
  g_input.push_back(e);
}

static bool IsModifier(int key) {
  return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_CONTROL ||
         key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
         key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}

// Hands this frame's share of the queue to ImGui's GLFW callbacks. Returns true and the position
// if a mouse button was pressed, so the caller can put ImGui's mouse where the click happened.
static bool DispatchInput(GLFWwindow* w, double* click_x, double* click_y) {
  bool typed = false, key_pressed = false, clicked = false;
  int keys_seen[16], n_keys = 0, buttons_seen = 0;
  while (!g_input.empty()) {
    const InputEvent& e = g_input.front();
    if (e.kind == InputEvent::Key) {
      bool seen = false;
      for (int i = 0; i < n_keys; i++) seen |= keys_seen[i] == e.a;
      if (seen || clicked || n_keys == 16) break;
      keys_seen[n_keys++] = e.a;
      if (e.c == GLFW_PRESS && !IsModifier(e.a)) key_pressed = true;
      typed = true;
      if (g_imgui_key) g_imgui_key(w, e.a, e.b, e.c, e.d);
    } else if (e.kind == InputEvent::Char) {
      if (key_pressed || clicked) break;
      typed = true;
      if (g_imgui_char) g_imgui_char(w, unsigned(e.a));
    } else {
      int bit = 1 << (e.a & 7);
      if (typed || (buttons_seen & bit)) break;
      buttons_seen |= bit;
      if (e.b == GLFW_PRESS) { clicked = true; *click_x = e.x; *click_y = e.y; }
      if (g_imgui_mouse) g_imgui_mouse(w, e.a, e.b, e.c);
    }
    g_input.pop_front();
  }
  return clicked;
}

static void Frame() {
#ifdef __EMSCRIPTEN__
  // Follow the page: the canvas fills the window (CSS), its pixel size follows CSS size x dpr.
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  float dpr = DevicePixelRatio();
  int want_w = int(css_w * dpr + 0.5), want_h = int(css_h * dpr + 0.5);
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(g_window, &cur_w, &cur_h);
  if (want_w > 0 && want_h > 0 && (want_w != cur_w || want_h != cur_h)) glfwSetWindowSize(g_window, want_w, want_h);
#else
  float dpr = DevicePixelRatio();
#endif
  if (dpr != g_font_scale) BuildFontsAndStyle(dpr);

  glfwPollEvents();
  double click_x = 0, click_y = 0;
  bool clicked = DispatchInput(g_window, &click_x, &click_y);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (clicked) ImGui::GetIO().MousePos = ImVec2(float(click_x), float(click_y));
#ifdef __EMSCRIPTEN__
  ImGui::GetIO().DisplayFramebufferScale = ImVec2(1, 1);
#endif
  ImGui::NewFrame();
  AppFrame(g_app);
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(g_window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  AppAfterRender(g_app);
  glfwSwapBuffers(g_window);
}

static void GlfwError(int code, const char* msg) { std::fprintf(stderr, "GLFW error %d: %s\n", code, msg); }

int main(int, char**) {
  glfwSetErrorCallback(GlfwError);
  if (!glfwInit()) { std::fprintf(stderr, "cnn-sandbox: could not initialize GLFW\n"); return 1; }
#ifdef __EMSCRIPTEN__
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  const char* glsl_version = "#version 300 es";
  double css_w = 1280, css_h = 720;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  float dpr0 = float(emscripten_get_device_pixel_ratio());
  int win_w = int(css_w * dpr0), win_h = int(css_h * dpr0);
#else
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  const char* glsl_version = "#version 330 core";
  int win_w = 1400, win_h = 860;
#endif
  g_window = glfwCreateWindow(win_w, win_h, "CNN Sandbox", nullptr, nullptr);
  if (!g_window) { std::fprintf(stderr, "cnn-sandbox: could not create an OpenGL (ES) 3 window\n"); return 1; }
  glfwMakeContextCurrent(g_window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.IniFilename = nullptr;  // the layout is computed from the window size, not saved
  ImGui_ImplGlfw_InitForOpenGL(g_window, true);
  // ImGui installed its callbacks; ours go in front and feed them from the queue, one frame's worth at a time
  g_imgui_key = glfwSetKeyCallback(g_window, QueueKey);
  g_imgui_char = glfwSetCharCallback(g_window, QueueChar);
  g_imgui_mouse = glfwSetMouseButtonCallback(g_window, QueueMouse);
  ImGui_ImplOpenGL3_Init(glsl_version);

  AppInit(g_app);
  BuildFontsAndStyle(DevicePixelRatio());

#ifdef __EMSCRIPTEN__
  EM_ASM(if (typeof Module.onAppReady === 'function') Module.onAppReady(););
  emscripten_set_main_loop(Frame, 0, true);
#else
  while (!glfwWindowShouldClose(g_window)) Frame();
  AppShutdown(g_app);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(g_window);
  glfwTerminate();
#endif
  return 0;
}
