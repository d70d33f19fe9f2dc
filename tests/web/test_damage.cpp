// Which part of the canvas a frame changed (web/damage.h, issue 19), on real Dear ImGui frames
// drawn without a window: two tiled windows side by side, as the lab lays them out. A frame that
// changes nothing repaints nothing; a change in one window repaints within that window; a window
// that appears or goes away repaints where it is or was; a new stacking order, a new display size
// or DamageAll repaint everything; a texture upload repaints the windows that draw the texture; a
// draw callback repaints its window every frame. The browser test (worker.test.mjs) checks the
// pixels: the partly repainted canvas equals a whole repaint.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "damage.h"
#include "imgui.h"

namespace {

constexpr float kW = 1000, kH = 600;

// What a frame shows: the right window's text, an image in the left one, a popup-like window, ...
struct Scene {
  std::string right_text = "step 1";
  std::string left_text = "model 1";
  float progress = 0.3f;
  bool overlay = false;  // a small window over the right one (a tooltip, a popup)
  ImVec2 overlay_pos{700, 100};
  bool callback = false;     // the left window draws through a callback (as the GPU heatmaps do)
  bool left_on_top = false;  // the left window overlaps the right one and is drawn after it
  ImVec2 display{kW, kH};
};

void DrawNothing(const ImDrawList*, const ImDrawCmd*) {}

// The frame's damage as one box (the union of DamageCompute's rectangles) and how many there were.
int g_rect_count = 0;
DamageRect Frame(const Scene& s) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = s.display;
  io.DeltaTime = 1.0f / 60;
  ImGui::NewFrame();
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoTitleBar;  // (a title bar's colour follows the focus)
  auto left = [&] {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(s.left_on_top ? 600 : 500, kH));
    ImGui::Begin("left", nullptr, fixed);
    ImGui::Text("%s", s.left_text.c_str());
    ImGui::Image((ImTextureID)(intptr_t)7, ImVec2(64, 64));
    if (s.callback) ImGui::GetWindowDrawList()->AddCallback(DrawNothing, nullptr);
    ImGui::End();
  };
  auto right = [&] {
    ImGui::SetNextWindowPos(ImVec2(500, 0));
    ImGui::SetNextWindowSize(ImVec2(500, kH));
    ImGui::Begin("right", nullptr, fixed);
    ImGui::Text("%s", s.right_text.c_str());
    for (int i = 0; i < 12; i++) ImGui::Text("a line that stays as it is, number %d", i);
    char label[32];
    std::snprintf(label, sizeof label, "%.0f%%", 100 * s.progress);
    ImGui::ProgressBar(s.progress, ImVec2(-1, 0), label);
    ImGui::End();
  };
  left();
  right();
  if (s.left_on_top) ImGui::SetWindowFocus("left");
  if (s.overlay) {
    ImGui::SetNextWindowPos(s.overlay_pos);
    ImGui::SetNextWindowSize(ImVec2(120, 40));
    ImGui::Begin("overlay", nullptr, fixed | ImGuiWindowFlags_NoTitleBar);
    ImGui::Text("tip");
    ImGui::End();
  }
  ImGui::Render();
  const std::vector<DamageRect>& rects = DamageCompute(ImGui::GetDrawData());
  g_rect_count = int(rects.size());
  DamageRect u{};
  for (const DamageRect& r : rects) {
    CHECK(!r.Empty());
    u = u.Empty() ? r
                  : DamageRect{std::min(u.x0, r.x0), std::min(u.y0, r.y0), std::max(u.x1, r.x1), std::max(u.y1, r.y1)};
  }
  return u;
}

// r lies within [x0, x1) x [y0, y1), give or take 3 pixels: a window's anti-aliased border reaches
// a pixel beyond its rectangle, and a damage rectangle adds whole pixels and one more on each side
bool Within(DamageRect r, float x0, float y0, float x1, float y1) {
  return r.x0 >= x0 - 3 && r.y0 >= y0 - 3 && r.x1 <= x1 + 3 && r.y1 <= y1 + 3;
}

bool Whole(DamageRect r, ImVec2 d = ImVec2(kW, kH)) { return r.x0 == 0 && r.y0 == 0 && r.x1 == d.x && r.y1 == d.y; }

struct Context {
  Context() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);  // the atlas, built; no GL texture is needed
    io.Fonts->SetTexID((ImTextureID)(intptr_t)1);
    DamageAll();
    Scene s;
    for (int i = 0; i < 3; i++) Frame(s);  // ImGui settles its windows' sizes over the first frames
  }
  ~Context() { ImGui::DestroyContext(); }
};

}  // namespace

TEST_CASE("the first frame repaints everything; the same frame again repaints nothing") {
  Context c;
  DamageAll();
  Scene s;
  CHECK(Whole(Frame(s)));
  const DamageRect r = Frame(s);
  CHECK(r.Empty());
  CHECK(r.Area() == 0);
}

TEST_CASE("a change in one window repaints within that window only") {
  Context c;
  Scene s;
  Frame(s);
  s.right_text = "step 2";
  DamageRect r = Frame(s);
  INFO("damage ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(!r.Empty());
  CHECK(Within(r, 500, 0, kW, kH));  // the right window
  CHECK(r.y1 - r.y0 <= 24);          // the same triangles, one glyph changed: that glyph's line
  CHECK(r.x1 - r.x0 <= 40);
  CHECK(Frame(s).Empty());   // and then nothing
  s.right_text = "step 10";  // one glyph more: other triangles, the whole list repaints
  r = Frame(s);
  CHECK(Within(r, 500, 0, kW, kH));
  CHECK(r.y1 - r.y0 >= kH - 4);
}

TEST_CASE("a progress bar that moves repaints its row; changes far apart repaint two rectangles") {
  Context c;
  Scene s;
  Frame(s);
  s.progress = 0.5f;  // the bar's fill and its label's digits ("30%" -> "50%")
  DamageRect r = Frame(s);
  INFO("bar: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(g_rect_count == 1);
  CHECK(Within(r, 500, 200, kW, 300));  // below the twelve lines
  CHECK(r.y1 - r.y0 <= 26);
  s.left_text = "model 2";  // and a glyph at the top of the left window
  s.progress = 0.6f;
  r = Frame(s);
  INFO("two: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(g_rect_count == 2);
  CHECK(Within(r, 0, 0, kW, 300));
  CHECK(Frame(s).Empty());
}

TEST_CASE("a window that appears repaints where it is, one that goes away where it was") {
  Context c;
  Scene s;
  Frame(s);
  s.overlay = true;
  DamageRect r = Frame(s);
  INFO("appears: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(Within(r, 700, 100, 820, 140));
  CHECK(r.x1 - r.x0 >= 100);
  s.overlay_pos = ImVec2(300, 400);  // moved: the old place and the new
  r = Frame(s);
  INFO("moved: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(Within(r, 300, 100, 820, 440));
  CHECK((r.x0 <= 300 && r.x1 >= 820 && r.y0 <= 100 && r.y1 >= 440));
  s.overlay = false;
  r = Frame(s);
  INFO("goes: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(Within(r, 300, 400, 420, 440));
  CHECK(!r.Empty());
}

TEST_CASE("a new stacking order, a new display size or DamageAll repaint everything") {
  Context c;
  Scene s;
  Frame(s);
  s.left_on_top = true;  // the left window now overlaps the right one and is drawn last
  CHECK(Whole(Frame(s)));
  CHECK(Frame(s).Empty());
  s.display = ImVec2(kW, kH + 100);
  CHECK(Whole(Frame(s), s.display));
  DamageAll();
  CHECK(Whole(Frame(s), s.display));
  CHECK(Frame(s).Empty());
}

TEST_CASE("a texture upload repaints the windows that draw it; a draw callback repaints its window every frame") {
  Context c;
  Scene s;
  Frame(s);
  DamageTexture(7);  // the left window's image
  DamageRect r = Frame(s);
  INFO("texture: ", r.x0, ",", r.y0, " - ", r.x1, ",", r.y1);
  CHECK(!r.Empty());
  CHECK(Within(r, 0, 0, 500, kH));
  DamageTexture(99);  // a texture nobody draws
  CHECK(Frame(s).Empty());
  s.callback = true;
  for (int i = 0; i < 3; i++) {
    r = Frame(s);
    CHECK(!r.Empty());
    CHECK(Within(r, 0, 0, 500, kH));
  }
}
