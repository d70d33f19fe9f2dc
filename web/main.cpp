// main.cpp: the platform layer, read top to bottom: window, ImGui context, backends, fonts, loop,
// shutdown. Everything the learner sees is drawn by AppFrame() (app.cpp and the panel_*.cpp files).
//
// In the browser the canvas is sized in device pixels (CSS size x devicePixelRatio) and ImGui works
// in those pixels, with fonts rasterized at the device size and the style scaled to match: text is
// crisp on high-DPI screens and mouse coordinates need no conversion.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include <GLFW/glfw3.h>

#include "app.h"
#include "damage.h"
#include "cnn/train.h"
#include "imgui.h"
#include "imgui_internal.h"
#include "theme.h"
#include "js_export.h"
#include "session.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#define CNN_FONT_FILE "/fonts/DejaVuSans.ttf"
#define CNN_MONO_FONT_FILE "/fonts/DejaVuSansMono.ttf"
#endif

static GLFWwindow* g_window = nullptr;
static void (*g_after_draw)() = nullptr;  // native --screenshot: reads the frame before it is swapped
static AppState g_app;
AppState& AppGlobal() { return g_app; }
static float g_font_scale = 0;      // device pixel ratio the fonts were last built for
static int g_style_version = -1;    // app.style_version they were built for (theme, text size)
static bool g_touch_style = false;  // the primary pointer is coarse (a finger): touch-sized widgets

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
  const float ui = dpr * float(g_app.text_scale_pct) / 100.0f;  // the text size control scales everything drawn
  float base = 15.0f * ui;
  g_app.font_ui = io.Fonts->AddFontFromFileTTF(CNN_FONT_FILE, base, &cfg);
  g_app.font_mono = io.Fonts->AddFontFromFileTTF(CNN_MONO_FONT_FILE, base, &cfg);
  g_app.font_big = io.Fonts->AddFontFromFileTTF(CNN_FONT_FILE, 20.0f * ui, &cfg);
  if (!g_app.font_ui) g_app.font_ui = io.Fonts->AddFontDefault();
  if (!g_app.font_mono) g_app.font_mono = g_app.font_ui;
  if (!g_app.font_big) g_app.font_big = g_app.font_ui;
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  DamageAll();
  ImGuiStyle style;
  ThemeStyle(Th().kind, style);
  if (g_touch_style) {
    // Touch targets of at least 40 CSS px: frames (buttons, fields, tabs, checkboxes) 40 px high.
    style.FramePadding = ImVec2(6, (40.0f - 15.0f) * 0.5f);
    style.ItemSpacing = ImVec2(8, 6);
    style.ScrollbarSize = 18;
    style.GrabMinSize = 20;
    style.TouchExtraPadding = ImVec2(
        4, 3);  // small buttons (a layer row's +, 2x, x) take a finger a little beyond their text
  }
  style.ScaleAllSizes(ui);
  ImGui::GetStyle() = style;
  g_app.dpr = dpr;
  g_font_scale = dpr;
  g_style_version = g_app.style_version;
}

// Input queue. ImGui 1.86 keeps keys and mouse buttons as a down/up state read once per frame, so
// an event pair that lands between two frames is easily lost or reordered: a key pressed and
// released is never seen, a key typed before some characters is applied after them, and a quick
// click (move, press and release in one frame, as a touchpad tap or page.mouse.click does) arrives
// as a press at a place the mouse never hovered, which tab items and overlapping widgets ignore
// (they take a press only if they were hovered on the previous frame). GLFW's key, character,
// cursor and mouse button events, touches and the hidden text field's edits therefore go through
// this queue, and each frame takes events in order only while:
//   - no key changes twice, no character follows a key press, no click follows typing (or typing
//     a click), and no two mouse button changes share a frame;
//   - a press happens where the mouse was on the previous frame: a press somewhere else first
//     moves the mouse there for one frame, and the press follows on the next;
//   - no move follows a button change (the release of a tap is seen where the finger was).
// The rest waits for the next frame. ImGui's mouse position and buttons are set from the queue.
struct InputEvent {
  enum Kind { Key, Char, Button, Move, Edit, Select } kind;
  int a = 0, b = 0, c = 0, d = 0;  // key: key, scancode, action, mods; char: codepoint; button: button, action, mods;
                                   // edit/select: start, end (UTF-16 units of the active text field)
  double x = 0, y = 0;             // button, move: pointer position (device px)
  std::string text;                // edit: the text that replaces [start, end)
  InputEvent(Kind k, int a_ = 0, int b_ = 0, int c_ = 0, int d_ = 0) : kind(k), a(a_), b(b_), c(c_), d(d_) {}
};
static std::deque<InputEvent> g_input;
static GLFWkeyfun g_imgui_key = nullptr;
static GLFWcharfun g_imgui_char = nullptr;
static GLFWscrollfun g_imgui_scroll = nullptr;
static ImVec2 g_mouse_pos(-FLT_MAX, -FLT_MAX);  // where ImGui saw the mouse on the last frame
static bool g_mouse_down[ImGuiMouseButton_COUNT] = {};
static bool g_key_down[GLFW_KEY_LAST + 1] = {};  // keys as GLFW reported them (for the Cmd fix-up below)
static void Wake();

static bool IsModifier(int key) {
  return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_CONTROL ||
         key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
         key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}

static void QueueKey(GLFWwindow*, int key, int scancode, int action, int mods) {
  Wake();
  if (key < 0 || key > GLFW_KEY_LAST) return;
  // A key released while Cmd was held never gets its keyup in macOS browsers, so GLFW reports its
  // next press as a repeat: that is a press again, and Cmd's release releases what is still down.
  if (action == GLFW_REPEAT && !g_key_down[key]) action = GLFW_PRESS;
  g_key_down[key] = action != GLFW_RELEASE;
  g_input.push_back({InputEvent::Key, key, scancode, action, mods});
  if (action == GLFW_RELEASE && (key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER))
    for (int k = 0; k <= GLFW_KEY_LAST; k++)
      if (g_key_down[k] && !IsModifier(k)) {
        g_key_down[k] = false;
        g_input.push_back({InputEvent::Key, k, 0, GLFW_RELEASE, 0});
      }
}
static void QueueChar(GLFWwindow*, unsigned int c) {
  Wake();
  g_input.push_back({InputEvent::Char, int(c)});
}
static void QueueButtonAt(int button, int action, int mods, double x, double y) {
  Wake();
  InputEvent e{InputEvent::Button, button, action, mods};
  e.x = x, e.y = y;
  g_input.push_back(e);
}
static void QueueButton(GLFWwindow* w, int button, int action, int mods) {
  double x = 0, y = 0;
  glfwGetCursorPos(w, &x, &y);
  QueueButtonAt(button, action, mods, x, y);
}
static void QueueMoveTo(double x, double y) {
  Wake();
  if (!g_input.empty() && g_input.back().kind == InputEvent::Move) {
    g_input.back().x = x, g_input.back().y = y;
    return;
  }
  InputEvent e{InputEvent::Move};
  e.x = x, e.y = y;
  g_input.push_back(e);
}
static void QueueMove(GLFWwindow*, double x, double y) { QueueMoveTo(x, y); }
static GLFWcursorenterfun g_imgui_enter = nullptr;
static void QueueEnter(GLFWwindow* w, int entered) {
  if (g_imgui_enter) g_imgui_enter(w, entered);
  bool held = false;
  for (bool b : g_mouse_down) held |= b;
  if (!entered && !held)
    QueueMoveTo(-FLT_MAX, -FLT_MAX);  // nothing stays hovered when the mouse leaves (a drag keeps it)
}
static void QueueScroll(GLFWwindow* w, double dx, double dy) {
  Wake();
  if (g_imgui_scroll) g_imgui_scroll(w, dx, dy);
}
static void QueueKeyTap(int key,
                        int mods_key) {  // a shortcut made by the page (paste from a menu, the on-screen Enter)
  if (mods_key) g_input.push_back({InputEvent::Key, mods_key, 0, GLFW_PRESS, 0});
  g_input.push_back({InputEvent::Key, key, 0, GLFW_PRESS, 0});
  g_input.push_back({InputEvent::Key, key, 0, GLFW_RELEASE, 0});
  if (mods_key) g_input.push_back({InputEvent::Key, mods_key, 0, GLFW_RELEASE, 0});
  Wake();
}

// The active ImGui text field's edit state (imgui_internal.h), or null when no field is active.
static ImGuiInputTextState* ActiveTextField() {
  ImGuiContext& g = *GImGui;
  return (g.ActiveId != 0 && g.InputTextState.ID == g.ActiveId) ? &g.InputTextState : nullptr;
}

// Applies an edit of the hidden DOM text field (an on-screen keyboard, autocorrect, an IME) to the
// active ImGui field: select [start, end), then type the replacement through stb_textedit as
// ImGui's own keys do (so undo and the cursor follow), or delete the selection.
static void ApplyTextEdit(const InputEvent& e) {
  ImGuiInputTextState* st = ActiveTextField();
  if (!st) return;
  const int n = st->CurLenW;
  st->Stb.select_start = ImClamp(e.a, 0, n);
  st->Stb.select_end = st->Stb.cursor = ImClamp(e.b, st->Stb.select_start, n);
  if (e.kind == InputEvent::Select) {
    st->CursorFollow = true;
    return;
  }
  constexpr int kStbBackspace = 0x200009;  // STB_TEXTEDIT_K_BACKSPACE in imgui_widgets.cpp (1.86)
  if (e.text.empty()) {
    if (st->HasSelection()) st->OnKeyPressed(kStbBackspace);
    return;
  }
  for (const char* s = e.text.c_str(); *s;) {
    unsigned int c = 0;
    s += ImTextCharFromUtf8(&c, s, nullptr);
    if (c == 0) break;
    if ((c < 0x20 && c != '\n' && c != '\t') || c > IM_UNICODE_CODEPOINT_MAX) continue;
    st->OnKeyPressed(int(c));
  }
}

// Hands this frame's share of the queue to ImGui. Returns where ImGui should see the mouse.
static ImVec2 DispatchInput(GLFWwindow* w) {
  bool typed = false, key_pressed = false, clicked = false, button_changed = false;
  int keys_seen[16], n_keys = 0;
  ImVec2 pos = g_mouse_pos;
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
    } else if (e.kind == InputEvent::Edit || e.kind == InputEvent::Select) {
      if (typed || clicked || button_changed) break;  // one edit a frame: ImGui copies it to the text in between
      typed = true;
      ApplyTextEdit(e);
    } else if (e.kind == InputEvent::Move) {
      if (button_changed) break;
      pos = ImVec2(float(e.x), float(e.y));
    } else {
      if (button_changed || (e.b == GLFW_PRESS && typed)) break;
      const ImVec2 at(float(e.x), float(e.y));
      if (e.b == GLFW_PRESS &&
          ImLengthSqr(ImVec2(at.x - g_mouse_pos.x, at.y - g_mouse_pos.y)) > 0.25f) {  // hover first, press next frame
        pos = at;
        break;
      }
      button_changed = true;
      pos = at;
      if (e.b == GLFW_PRESS) clicked = true;
      if (e.a >= 0 && e.a < ImGuiMouseButton_COUNT) g_mouse_down[e.a] = e.b == GLFW_PRESS;
    }
    g_input.pop_front();
  }
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Touch (input.js sends the canvas's touch events here, in device px; the browser's own mouse
// emulation of touches is switched off there). One finger is the mouse: a tap is a click, a drag
// drags what it pressed on, a drag that starts on a window's empty space scrolls that window, and
// a long press (held still for kLongPressMs) shows the tooltip under the finger and does not click.
// A drag that starts on an item (a button, a layer row, a picture) and moves mostly vertically
// before the long press scrolls too, as on any phone page: the item lets go without a click.
// Held past the long press first, a drag drags the item (a layer row to reorder).
static bool g_touch_down = false, g_touch_moved = false;
static bool g_touch_scroll = false;  // this touch scrolls (decided at its first move past the slop)
static double g_touch_t0 = 0, g_touch_x0 = 0, g_touch_y0 = 0;

static std::string g_touch_scrolled;  // the window a touch drag last scrolled (for tests)
constexpr double kLongPressMs = 500;

static void ScrollByTouchDrag() {
  ImGuiContext& g = *GImGui;
  static ImGuiWindow* item_window = nullptr;  // the window of the item a scrolling touch started on
  ImGuiWindow* w = g.ActiveIdWindow;
  if (!g_touch_down || !g_touch_scroll) item_window = nullptr;
  if (g_touch_down && g_touch_scroll && g.ActiveId != 0 && w && g.ActiveId != w->MoveId) {
    item_window = w;  // started on an item: it lets go (no click, no drag), its window scrolls
    ImGui::ClearActiveID();
  } else if (g_touch_down && g_touch_scroll && g.ActiveId == 0 && !item_window && g.HoveredWindow) {
    item_window = g.HoveredWindow;  // started on something that takes no press (a hovered text): its window scrolls
  }
  if (item_window) w = item_window;
  else if (!g_touch_down || g.ActiveId == 0 || !w || g.ActiveId != w->MoveId) return;
  const ImVec2 d = g.IO.MouseDelta;
  if (d.x == 0 && d.y == 0) return;
  // each direction scrolls the innermost window that can scroll that way (a wide table inside a tall tab)
  auto scroller = [w](int axis) {
    ImGuiWindow* s = w;
    while (s->ScrollMax[axis] <= 0 && (s->Flags & ImGuiWindowFlags_ChildWindow) && s->ParentWindow) s = s->ParentWindow;
    return s->ScrollMax[axis] > 0 ? s : nullptr;
  };
  if (ImGuiWindow* s = scroller(1); s && d.y != 0) {
    ImGui::SetScrollY(s, ImClamp(s->Scroll.y - d.y, 0.0f, s->ScrollMax.y));
    g_touch_scrolled = s->Name;
  }
  if (ImGuiWindow* s = scroller(0); s && d.x != 0)
    ImGui::SetScrollX(s, ImClamp(s->Scroll.x - d.x, 0.0f, s->ScrollMax.x));
}

// ---------------------------------------------------------------------------------------------
// Idle: when nothing trains, loads, animates or is touched, the loop stops after a few frames and
// input, a JS API call (input.js wraps Module.ccall) or a resize wakes it. A hidden tab or an
// embed scrolled out of view draws nothing. ?redraw=always keeps the old draw-every-frame loop
// (each frame still paints only what changed); ?redraw=full also paints the whole canvas each time.
// Training in the worker (issue 19) is a change the page sees only when a report arrives (about
// 10 a second, 5 when the worker trains on every core: trainer_worker.cpp): each report is drawn
// once, and the frames between reports, which would show the same picture, are not drawn. On
// software WebGL a frame of the lab costs tens of milliseconds of rasterizing, which the worker's
// core would otherwise pay.
static int g_wake_frames = 0;    // frames still to draw after the last wake
static double g_wake_until = 0;  // ... and for this long (ImGui's short fades, a tooltip settling)
static bool g_visible = true, g_paused = false, g_always_draw = false;
static bool g_report_unseen = false;  // a training worker's report arrived since the last frame
static int g_frames_drawn = 0;
static bool g_keeps_pixels = false;  // the canvas's preserveDrawingBuffer (main)
static bool g_repaint_all = false;   // ?redraw=full: every frame paints the whole canvas
static int g_frames_painted = 0;     // frames that painted something
static float g_last_painted = 0;     // the part of the canvas the last frame painted (0 to 1)
static int g_last_rects = 0;         // ... in this many rectangles
constexpr int kWakeFrames = 4;
constexpr double kWakeMs = 250;

static void ResumeLoop() {
#ifdef __EMSCRIPTEN__
  if (g_paused && g_visible) {
    g_paused = false;
    emscripten_resume_main_loop();
  }
#endif
}

static void Wake() {
  g_wake_frames = kWakeFrames;
  g_wake_until = cnn::now_ms() + kWakeMs;
  ResumeLoop();
}

// True while something changes without input: training, steps, data loading, the confusion matrix,
// an autosave or a "copied" note waiting for its time, keys or buttons held, a finger down.
static bool NeedsFrames(const AppState& app) {
  const bool frame_trains = (app.training || app.pending_steps > 0) && !SessionTrainsInWorker(app);
  if (g_always_draw || frame_trains || g_report_unseen || !g_input.empty() || g_touch_down) return true;
  if (g_wake_frames > 0 || cnn::now_ms() < g_wake_until) return true;
  for (bool b : g_mouse_down)
    if (b) return true;
  for (int k = 0; k <= GLFW_KEY_LAST; k++)
    if (g_key_down[k] && !IsModifier(k)) return true;  // key repeat
  const double now = cnn::now_ms();
  const ShareState& sh = app.share;
  if (sh.current != sh.written || now - sh.changed_at < 400 || now - sh.copied_at < 2600) return true;
  if (app.inspect.conf_cursor >= 0) return true;  // the confusion matrix is evaluated a batch a frame
  if (app.session) {
    const Session& s = *app.session;
    if (!s.fetch_name.empty() || !s.fetched.empty() || s.unpacking || s.upload_busy || !s.pending_files.empty() ||
        !s.pending_images.empty())
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The hidden DOM text field (input.js) follows the active ImGui text field: its text, selection
// and caret position are sent when they change, so an on-screen keyboard opens on it and edits it,
// and the browser's copy/cut/paste events happen on it.
struct TextFieldReport {
  bool active = false, multiline = false;
  bool lagging = false;  // edits of the DOM field still queued: ImGui's text is behind it
  ImGuiID id = 0;
  std::string text;
  int sel0 = 0, sel1 = 0;
  float x = 0, y = 0, h = 0;
  bool operator==(const TextFieldReport& o) const {
    return active == o.active && lagging == o.lagging && id == o.id && multiline == o.multiline && text == o.text &&
           sel0 == o.sel0 && sel1 == o.sel1 && x == o.x && y == o.y && h == o.h;
  }
};
static TextFieldReport g_field;

static void ReportTextField(float dpr) {
  TextFieldReport r;
  if (const ImGuiInputTextState* st = ActiveTextField()) {
    ImGuiContext& g = *GImGui;
    r.active = true;
    r.id = st->ID;
    r.multiline = !st->Stb.single_line;
    r.text.resize(size_t(st->CurLenW) * 4 + 1);
    r.text.resize(
        size_t(ImTextStrToUtf8(&r.text[0], int(r.text.size()), st->TextW.Data, st->TextW.Data + st->CurLenW)));
    r.sel0 = ImMin(st->Stb.select_start, st->Stb.select_end);
    r.sel1 = ImMax(st->Stb.select_start, st->Stb.select_end);
    if (r.sel0 == r.sel1) r.sel0 = r.sel1 = st->Stb.cursor;
    r.x = std::floor(g.PlatformImePos.x / dpr);
    r.y = std::floor(g.PlatformImePos.y / dpr);
    r.h = std::ceil(g.FontSize / dpr);
    for (const InputEvent& e : g_input) r.lagging |= e.kind == InputEvent::Edit || e.kind == InputEvent::Select;
  }
  if (r == g_field) return;
  g_field = r;
#ifdef __EMSCRIPTEN__
  // clang-format off
  EM_ASM({ if (window.cnnInput) window.cnnInput.field($0, $1, UTF8ToString($2), $3, $4, $5, $6, $7, $8, $9 >>> 0); },
         r.active, r.multiline, r.text.c_str(), r.sel0, r.sel1, r.x, r.y, r.h, r.lagging, r.id);
  // clang-format on
#endif
}

// ---------------------------------------------------------------------------------------------
// The system clipboard. ImGui copies and pastes through io.Set/GetClipboardTextFn; in the browser
// the text comes from the DOM paste event (input.js hands it over before ImGui sees Ctrl+V) and goes
// out through the copy/cut event that Ctrl+C/X raise (input.js runs the frames that process the
// shortcut, inside the event, and puts what ImGui copied on the clipboard), or the async Clipboard
// API when ImGui copies outside such an event.
#ifdef __EMSCRIPTEN__
static std::string g_clipboard;
static bool g_mac = false;  // shortcuts with Cmd (ImGui's macOS behaviours), decided by input.js
static const char* GetClipboard(void*) { return g_clipboard.c_str(); }
static void SetClipboard(void*, const char* text) {
  g_clipboard = text ? text : "";
  // clang-format off
  EM_ASM({ if (window.cnnInput) window.cnnInput.copied(UTF8ToString($0)); }, g_clipboard.c_str());
  // clang-format on
}
#endif

static void Frame();

// Runs the frames that empty the input queue now (inside a DOM event, where a copy must be answered
// and where a touch device lets a text field take the focus, which opens its keyboard).
static void FlushInput() {
  for (int i = 0; i < 8 && !g_input.empty(); i++) Frame();
}

CNN_EXPORT void cnn_wake() { Wake(); }
// The next frame paints the whole canvas (tests compare it with what the partial frames left).
CNN_EXPORT void cnn_repaint_all() {
  DamageAll();
  Wake();
}
// trainer_client.js, after each report: one frame shows it while the worker is busy; a report that
// ends the work (Pause, the last step, a fault) wakes the page as any other change does.
CNN_EXPORT void cnn_worker_report_arrived() {
  if (!g_app.training && g_app.pending_steps <= 0) {
    Wake();
    return;
  }
  g_report_unseen = true;
  ResumeLoop();
}
CNN_EXPORT void cnn_set_visible(int visible) {
  g_visible = visible != 0;
#ifdef __EMSCRIPTEN__
  if (g_visible) Wake();
  else if (!g_paused) {
    g_paused = true;
    emscripten_pause_main_loop();
  }
#endif
}
CNN_EXPORT void cnn_touch(int phase, double x, double y) {
  const double now = cnn::now_ms();

  if (phase == 0) {
    if (g_touch_down) return;  // one finger at a time
    g_touch_down = true, g_touch_moved = false, g_touch_scroll = false;
    g_touch_t0 = now, g_touch_x0 = x, g_touch_y0 = y;
    QueueButtonAt(0, GLFW_PRESS, 0, x, y);
    return;
  }
  if (!g_touch_down) return;
  const double slop = 10.0 * g_app.dpr;
  if (!g_touch_moved && (std::abs(x - g_touch_x0) > slop || std::abs(y - g_touch_y0) > slop)) {
    g_touch_moved = true;
    g_touch_scroll = now - g_touch_t0 < kLongPressMs && std::abs(y - g_touch_y0) > std::abs(x - g_touch_x0);
  }
  if (phase == 1) {
    QueueMoveTo(x, y);
    return;
  }
  g_touch_down = false;
  const bool long_press = !g_touch_moved && now - g_touch_t0 >= kLongPressMs;
  if (phase == 3 || long_press || g_touch_scroll) {  // leave first: the release lands on nothing
    QueueMoveTo(-FLT_MAX, -FLT_MAX);
    QueueButtonAt(0, GLFW_RELEASE, 0, -FLT_MAX, -FLT_MAX);
  } else {
    QueueButtonAt(0, GLFW_RELEASE, 0, x, y);
    QueueMoveTo(-FLT_MAX, -FLT_MAX);  // nothing stays hovered under a lifted finger
  }
  FlushInput();
}
// An edit or a selection made in the hidden DOM text field (UTF-16 offsets, as ImWchar here).
CNN_EXPORT void cnn_text_edit(int start, int end, const char* text) {
  InputEvent e{InputEvent::Edit, start, end};
  e.text = text ? text : "";
  g_input.push_back(e);
  Wake();
}
CNN_EXPORT void cnn_text_select(int start, int end) {
  g_input.push_back({InputEvent::Select, start, end});
  Wake();
}
CNN_EXPORT void cnn_text_enter() { QueueKeyTap(GLFW_KEY_ENTER, 0); }
#ifdef __EMSCRIPTEN__
CNN_EXPORT void cnn_set_mac(int mac) {
  g_mac = mac != 0;
  ImGui::GetIO().ConfigMacOSXBehaviors = g_mac;
}
// A paste event's text; `synthesize` when no Ctrl/Cmd+V is on its way (a menu's Paste).
CNN_EXPORT void cnn_clipboard_paste(const char* text, int synthesize) {
  g_clipboard = text ? text : "";
  if (synthesize) QueueKeyTap(GLFW_KEY_V, g_mac ? GLFW_KEY_LEFT_SUPER : GLFW_KEY_LEFT_CONTROL);
  Wake();
}
// A copy or cut event: let ImGui process the shortcut now (made here when the event came from a
// menu), so that SetClipboard reports the text while the event is still being dispatched.
CNN_EXPORT void cnn_clipboard_copy(int cut, int synthesize) {
  if (synthesize) QueueKeyTap(cut ? GLFW_KEY_X : GLFW_KEY_C, g_mac ? GLFW_KEY_LEFT_SUPER : GLFW_KEY_LEFT_CONTROL);
  FlushInput();
}
#endif
// How many times the last frame painted each pixel of the canvas, on average: the area of every
// triangle ImGui drew (its corners held to its command's clip rectangle, exact for the rectangles
// that are nearly all of it) over the canvas's. Software WebGL's time for a frame follows it
// (bench/RESULTS.md); tests keep it down. Computed when asked, from the last frame's draw data.
static double PaintedArea(const ImDrawData* dd, std::string* by_window) {
  const double screen = double(dd->DisplaySize.x) * dd->DisplaySize.y;
  if (screen <= 0) return 0;
  double total = 0;
  *by_window = "{";
  for (int l = 0; l < dd->CmdListsCount; l++) {
    const ImDrawList* dl = dd->CmdLists[l];
    double area = 0;
    for (const ImDrawCmd& cmd : dl->CmdBuffer) {
      if (cmd.UserCallback) continue;
      const ImVec4 c = cmd.ClipRect;
      auto at = [&](unsigned i) {
        const ImVec2 p = dl->VtxBuffer[int(cmd.VtxOffset + i)].pos;
        return ImVec2(std::clamp(p.x, c.x, c.z), std::clamp(p.y, c.y, c.w));
      };
      for (unsigned e = 0; e + 2 < cmd.ElemCount; e += 3) {
        const ImDrawIdx* ix = &dl->IdxBuffer[int(cmd.IdxOffset + e)];
        const ImVec2 a = at(ix[0]), b = at(ix[1]), d = at(ix[2]);
        area += 0.5 * std::fabs(double(b.x - a.x) * (d.y - a.y) - double(d.x - a.x) * (b.y - a.y));
      }
    }
    char item[160];
    std::snprintf(item, sizeof item, "%s\"%.60s\":%.3f", l ? "," : "", dl->_OwnerName ? dl->_OwnerName : "",
                  area / screen);
    *by_window += item;
    total += area;
  }
  *by_window += "}";
  return total / screen;
}

// For tests: what the input layer did (frames drawn, idle, a tooltip on screen, the text field).
CNN_EXPORT const char* cnn_get_input_state() {
  static std::string s;
  ImGuiContext& g = *GImGui;
  bool tooltip = false;
  float scroll_y = -1;
  for (ImGuiWindow* w : g.Windows) {
    tooltip |= (w->Flags & ImGuiWindowFlags_Tooltip) && w->WasActive;
    if (w->Name == g_touch_scrolled) scroll_y = w->Scroll.y / g_app.dpr;
  }
  const bool active_is_window = g.ActiveId != 0 && g.ActiveIdWindow && g.ActiveId == g.ActiveIdWindow->MoveId;
  std::string painted_by;
  const ImDrawData* dd = ImGui::GetDrawData();  // the last frame's, valid until the next NewFrame
  const double painted = dd ? PaintedArea(dd, &painted_by) : 0;
  char buf[768];
  std::snprintf(
      buf, sizeof buf,
      "{\"framesDrawn\":%d,\"idle\":%s,\"tooltip\":%s,\"textFieldActive\":%s,\"multiline\":%s,"
      "\"queued\":%d,\"touchStyle\":%s,\"frameHeightCss\":%.2f,\"touchScrollY\":%.1f,\"activeId\":%u,\"activeIsWindow\":%s,"
      "\"hoveredWindow\":\"%.60s\",\"painted\":%.3f,\"triangles\":%d,\"framesPainted\":%d,"
      "\"repainted\":%.4f,\"repaintedRects\":%d,\"keepsPixels\":%s,\"paintedBy\":",
      g_frames_drawn, g_paused ? "true" : "false", tooltip ? "true" : "false", g_field.active ? "true" : "false",
      g_field.multiline ? "true" : "false", int(g_input.size()), g_touch_style ? "true" : "false",
      ImGui::GetFrameHeight() / g_app.dpr, scroll_y, unsigned(g.ActiveId), active_is_window ? "true" : "false",
      g.HoveredWindow ? g.HoveredWindow->Name : "", painted, dd ? dd->TotalIdxCount / 3 : 0, g_frames_painted,
      g_last_painted, g_last_rects, g_keeps_pixels ? "true" : "false");
  s = buf;
  s += painted_by.empty() ? "{}" : painted_by;
  s += "}";
  return s.c_str();
}

// Paints the frame: only the part that changed (damage.h) where the canvas keeps its pixels
// between frames, else all of it. The part is cleared to the tiled windows' background (they draw
// none) and every list is drawn with its clip rectangles held to it.
static ImVec4 g_last_clear(-1, -1, -1, -1);

static void Paint(ImDrawData* dd) {
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(g_window, &fb_w, &fb_h);
  const ImVec4 clear = ThemeClearColor(Th().kind);
  if (!g_keeps_pixels || g_repaint_all || std::memcmp(&clear, &g_last_clear, sizeof clear) != 0) DamageAll();
  g_last_clear = clear;
  const std::vector<DamageRect>& rects = DamageCompute(dd);
  const float screen = dd->DisplaySize.x * dd->DisplaySize.y;
  float area = 0;
  for (const DamageRect& r : rects) area += r.Area();
  g_last_painted = screen > 0 ? area / screen : 0;
  g_last_rects = int(rects.size());
  if (rects.empty()) return;
  g_frames_painted++;
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  static std::vector<ImVec4> clips;  // the draw data as ImGui made it (restored: inputState reads it)
  clips.clear();
  for (int l = 0; l < dd->CmdListsCount; l++)
    for (const ImDrawCmd& c : dd->CmdLists[l]->CmdBuffer) clips.push_back(c.ClipRect);
  for (const DamageRect& r : rects) {
    // display coordinates to framebuffer pixels (1:1 in the page; the desktop window may scale)
    const ImVec2 sc = dd->FramebufferScale, o = dd->DisplayPos;
    const int x0 = int((r.x0 - o.x) * sc.x), x1 = int((r.x1 - o.x) * sc.x + 0.5f);
    const int y0 = int((r.y0 - o.y) * sc.y), y1 = int((r.y1 - o.y) * sc.y + 0.5f);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, fb_h - y1, x1 - x0, y1 - y0);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    size_t k = 0;
    for (int l = 0; l < dd->CmdListsCount; l++)
      for (ImDrawCmd& c : dd->CmdLists[l]->CmdBuffer) {
        const ImVec4 m = clips[k++];
        c.ClipRect = ImVec4(std::max(m.x, r.x0), std::max(m.y, r.y0), std::min(m.z, r.x1), std::min(m.w, r.y1));
      }
    ImGui_ImplOpenGL3_RenderDrawData(dd);
  }
  size_t k = 0;
  for (int l = 0; l < dd->CmdListsCount; l++)
    for (ImDrawCmd& c : dd->CmdLists[l]->CmdBuffer) c.ClipRect = clips[k++];
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
  if (dpr != g_font_scale || g_app.style_version != g_style_version) BuildFontsAndStyle(dpr);

  glfwPollEvents();
  const ImVec2 mouse = DispatchInput(g_window);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = g_mouse_pos = mouse;  // from the queue, not GLFW's live state
  for (int i = 0; i < ImGuiMouseButton_COUNT; i++) io.MouseDown[i] = g_mouse_down[i];
#ifdef __EMSCRIPTEN__
  io.DisplayFramebufferScale = ImVec2(1, 1);
#endif
  ImGui::NewFrame();
  ScrollByTouchDrag();
  AppFrame(g_app);
  A11yShortcuts(g_app);  // js_api_a11y.cpp: t, s, 1-8, c, +, -, ? typed outside a text field
  ReportTextField(dpr);
  ImGui::Render();
  Paint(ImGui::GetDrawData());
  AppAfterRender(g_app);
  if (g_after_draw) g_after_draw();
  glfwSwapBuffers(g_window);
  g_frames_drawn++;
  g_report_unseen = false;
  if (g_wake_frames > 0) g_wake_frames--;
#ifdef __EMSCRIPTEN__
  if (!g_paused && (!g_visible || !NeedsFrames(g_app))) {
    g_paused = true;
    emscripten_pause_main_loop();
  }
#endif
}

#ifndef __EMSCRIPTEN__
// The desktop window, checked without a person (ctest's gui_window, under xvfb-run):
//   cnn-sandbox-gui --train-steps N --screenshot FILE.png
// presses Train, and once N steps are done draws a few more frames, saves the window as a PNG
// (glReadPixels, Debian's stb_image_write) and exits; 0 if the picture has content, else 1.
#include <stb_image_write.h>

static int64_t g_auto_steps = 0;
static std::string g_auto_png;
static int g_auto_frames_left = -1;  // frames to draw after the last step (the curves catch up)
static int g_auto_exit = -1;         // exit code once the screenshot is taken

static void SaveWindowPng() {
  if (g_auto_frames_left < 0 || --g_auto_frames_left > 0) return;
  int w = 0, h = 0;
  glfwGetFramebufferSize(g_window, &w, &h);
  std::vector<unsigned char> px(size_t(w) * size_t(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // the window is opaque
  std::vector<unsigned> colors;
  for (size_t i = 0; i < px.size() && colors.size() < 1000; i += 4 * 97) {
    unsigned c = px[i] << 16 | px[i + 1] << 8 | px[i + 2];
    if (std::find(colors.begin(), colors.end(), c) == colors.end()) colors.push_back(c);
  }
  stbi_flip_vertically_on_write(1);  // GL rows go bottom-up
  bool ok = stbi_write_png(g_auto_png.c_str(), w, h, 4, px.data(), w * 4) != 0;
  std::printf("cnn-sandbox-gui: %lld steps, loss %.4f; %dx%d screenshot with %zu colours -> %s%s\n",
              (long long)SessionStepCount(g_app),
              g_app.runs.empty() || g_app.runs.back().loss.empty() ? -1.0 : double(g_app.runs.back().loss.back()), w, h,
              colors.size(), g_auto_png.c_str(), ok ? "" : " (could not write it)");
  g_auto_exit = ok && colors.size() > 20 ? 0 : 1;
  glfwSetWindowShouldClose(g_window, GLFW_TRUE);
}

// Returns false (after a message) on arguments it does not know.
static bool ParseArgs(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--train-steps") && i + 1 < argc) g_auto_steps = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--screenshot") && i + 1 < argc) g_auto_png = argv[++i];
    else {
      std::fprintf(
          stderr,
          "cnn-sandbox-gui: unknown argument '%s'\nusage: cnn-sandbox-gui [--train-steps N --screenshot FILE.png]\n",
          argv[i]);
      return false;
    }
  }
  if (g_auto_steps < 0 || (g_auto_steps > 0) != !g_auto_png.empty()) {
    std::fprintf(stderr, "cnn-sandbox-gui: --train-steps N (N > 0) and --screenshot FILE.png go together\n");
    return false;
  }
  return true;
}

// Called after each frame: starts training once, and schedules the screenshot after N steps.
static void AutoRunFrame() {
  if (g_auto_steps <= 0 || g_auto_frames_left >= 0) return;
  if (!g_app.training && SessionStepCount(g_app) == 0 && g_app.frame > 2) SessionTrainPressed(g_app);
  if (SessionStepCount(g_app) >= g_auto_steps || (g_app.frame > 5 && !g_app.training)) {
    if (g_app.training) SessionPause(g_app);
    if (SessionStepCount(g_app) < g_auto_steps)
      std::fprintf(stderr, "cnn-sandbox-gui: training stopped after %lld of %lld steps: %s\n",
                   (long long)SessionStepCount(g_app), (long long)g_auto_steps, g_app.status.c_str());
    g_auto_frames_left = 5;
    g_after_draw = SaveWindowPng;
  }
}
#endif

static void GlfwError(int code, const char* msg) { std::fprintf(stderr, "GLFW error %d: %s\n", code, msg); }

int main(int argc, char** argv) {
#ifndef __EMSCRIPTEN__
  if (!ParseArgs(argc, argv)) return 2;
#else
  (void)argc, (void)argv;
#endif
  glfwSetErrorCallback(GlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr, "cnn-sandbox: could not initialize GLFW\n");
    return 1;
  }
#ifdef __EMSCRIPTEN__
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // ImGui draws with neither depth nor stencil, and the canvas is opaque (every frame clears it to
  // the window background): a WebGL context without those buffers, and without alpha, so that the
  // browser's compositor need not blend the canvas over the page. Measured under software WebGL:
  // bench/RESULTS.md.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  // The same context, made here first with preserveDrawingBuffer (GLFW's hints have no such
  // attribute; the canvas returns this context to GLFW's own getContext): the canvas keeps its
  // pixels from frame to frame, and a frame repaints only what changed (damage.h).
  // clang-format off
  g_keeps_pixels = EM_ASM_INT({
    var c = Module['canvas'] || document.getElementById('canvas');
    var gl = c && c.getContext('webgl2', {alpha: false, depth: false, stencil: false, antialias: false, preserveDrawingBuffer: true});
    return gl && gl.getContextAttributes().preserveDrawingBuffer ? 1 : 0;
  });
  // clang-format on
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
  if (!g_window) {
    std::fprintf(stderr, "cnn-sandbox: could not create an OpenGL (ES) 3 window\n");
    return 1;
  }
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
  glfwSetMouseButtonCallback(g_window, QueueButton);  // ImGui's only marks presses; buttons are set from the queue
  glfwSetCursorPosCallback(g_window, QueueMove);
  g_imgui_enter = glfwSetCursorEnterCallback(g_window, QueueEnter);
  g_imgui_scroll = glfwSetScrollCallback(g_window, QueueScroll);
  io.ConfigInputTextCursorBlink = false;  // a blinking caret would need frames while idle
  ImGui_ImplOpenGL3_Init(glsl_version);

  AppInit(g_app);
#ifdef __EMSCRIPTEN__
  // clang-format off
  g_touch_style = EM_ASM_INT(return window.matchMedia && matchMedia('(pointer: coarse)').matches ? 1 : 0);
  // clang-format on
  g_app.touch_style = g_touch_style;
  // clang-format off
  g_repaint_all = EM_ASM_INT(return new URLSearchParams(location.search).get('redraw') === 'full' ? 1 : 0);
  g_always_draw = g_repaint_all || EM_ASM_INT(return new URLSearchParams(location.search).get('redraw') === 'always' ? 1 : 0);
  // clang-format on
  io.SetClipboardTextFn = SetClipboard;
  io.GetClipboardTextFn = GetClipboard;
#endif
  BuildFontsAndStyle(DevicePixelRatio());

#ifdef __EMSCRIPTEN__
  // clang-format off
  EM_ASM(if (typeof Module.onAppReady === 'function') Module.onAppReady(););
  // clang-format on
  Wake();
  emscripten_set_main_loop(Frame, 0, true);
#else
  while (!glfwWindowShouldClose(g_window)) {
    if (!NeedsFrames(g_app)) glfwWaitEventsTimeout(0.25);  // idle: sleep until input (callbacks wake)
    Frame();
    AutoRunFrame();
  }
  AppShutdown(g_app);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(g_window);
  glfwTerminate();
  if (g_auto_exit >= 0) return g_auto_exit;
#endif
  return 0;
}
