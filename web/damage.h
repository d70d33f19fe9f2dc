// damage.h: which part of the canvas a frame changed, so that the page repaints only that part.
//
// Under software WebGL every pixel and every triangle a frame draws costs CPU, and a learner's
// machine without a GPU has only its cores (bench/RESULTS.md). Most frames change one window: a
// training report redraws the curves, a hovered button its own window. Each frame, DamageCompute
// compares the frame's draw lists (ImGui's, one per window and child) with the last painted frame's:
// a list whose vertices, indices, commands or textures changed, one that appeared or went away,
// damages its rectangle, before and after (or only its changed triangles' box). The frame then
// repaints those rectangles (each: clear, and every list clipped to it) over the last frame's
// pixels, which the canvas keeps (preserveDrawingBuffer). A frame that changed nothing paints
// nothing.
//
// Everything else repaints the whole canvas: the first frame, a new canvas size, fonts or theme,
// a change of the lists' stacking order, and any canvas that does not keep its pixels (the desktop
// window's swapped buffers). A list that draws through a callback (the GPU heatmaps) is repainted
// with every frame it is in, since its pixels depend on more than its vertices.
#pragma once
#include <vector>

#include "imgui.h"

// A rectangle in ImGui's display coordinates: [x0, x1) x [y0, y1). Empty when x1 <= x0 or y1 <= y0.
struct DamageRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool Empty() const { return x1 <= x0 || y1 <= y0; }
  float Area() const { return Empty() ? 0.0f : (x1 - x0) * (y1 - y0); }
};

// The next frame repaints the whole canvas (fonts rebuilt, theme or size changed, a test asks).
void DamageAll();
// A texture's pixels changed: every list that draws it is damaged (texture.cpp calls this).
void DamageTexture(unsigned texture_id);
// Compares `dd` with the last frame given here and returns the rectangles to repaint, in whole
// pixels, within the display: none if nothing changed, one covering the display if everything may
// have. A list drawn with the same triangles as before, some of them moved or recoloured (a progress
// bar, a label's digits, a hovered button), damages only those triangles' box; any other change,
// the list's whole box. Boxes that overlap or nearly touch are merged, and then the closest pairs
// until at most kDamageMaxRects are left. Valid until the next call.
constexpr int kDamageMaxRects = 4;
const std::vector<DamageRect>& DamageCompute(const ImDrawData* dd);
// (main.cpp's Paint clears each rectangle and draws every list clipped to it.)
