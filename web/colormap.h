// colormap.h: heatmaps drawn from engine buffers. The floats go to the GPU as an R32F texture and
// the colour-map shaders of shaders/ (diverging for weights and gradients, sequential for
// activations) colour them while ImGui renders, through an ImDrawList callback. Where the shader
// path cannot start (no R32F, a compile error), the same colour maps run on the CPU into an RGBA
// texture (texture.h) instead, and the page says so once in the console.
//
//   Heatmap hm;                                          // one per picture, kept between frames
//   HeatmapSet(hm, values, w, h, ColorMode::Diverging, max_abs);   // when the values change
//   HeatmapDraw(ImGui::GetWindowDrawList(), hm, p0, p1);             // every frame
#pragma once
#include <cstdint>
#include <vector>

#include "imgui.h"
#include "texture.h"

enum class ColorMode : int { Diverging = 0, Sequential = 1 };

struct Heatmap {
  unsigned tex = 0;  // R32F texture (GPU path)
  Texture rgba;      // colour texture (CPU path)
  int w = 0, h = 0;
  ColorMode mode = ColorMode::Sequential;
  float scale = 1, lo = 0, hi = 1;
  bool valid = false;
};

// values: h rows of w floats, row 0 drawn at the top. Diverging: colour of v / scale in [-1, 1];
// Sequential: of (v - lo) / (hi - lo) in [0, 1].
void HeatmapSet(Heatmap& hm, const float* values, int w, int h, ColorMode mode, float scale, float lo = 0,
                float hi = 1);
void HeatmapDraw(ImDrawList* dl, const Heatmap& hm, ImVec2 p0, ImVec2 p1);
bool ColormapUsesGpu();  // false once the shader path has failed (CPU colour mapping)

// The same colour maps on the CPU (fallback, legends, bars).
ImU32 ColormapColor(ColorMode mode, float t);  // t in [-1, 1] (diverging) or [0, 1] (sequential)
// max |v| (for a diverging scale), at least 1e-12
float MaxAbs(const float* v, int64_t n);
// The colour of class k (ten colours, repeating): data points, prediction bars, decision fields.
ImU32 ClassColor(int k);
