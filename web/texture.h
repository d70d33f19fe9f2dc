// texture.h: RGBA8 textures uploaded from CPU buffers, for ImGui::Image / ImDrawList::AddImage.
// The data panel's sample grid uses it now; filters, feature maps and heatmaps (issue 9) will too.
#pragma once
#include <cstdint>

#include "imgui.h"

struct Texture {
  unsigned id = 0;
  int w = 0, h = 0;
  ImTextureID Id() const { return (ImTextureID)(intptr_t)id; }
};

// Creates the texture on first use, then replaces its pixels (w x h, RGBA, row-major from the top).
// nearest: pixel-exact magnification (images of a few dozen pixels drawn large stay crisp).
void TextureUpload(Texture& t, const uint8_t* rgba, int w, int h, bool nearest = true);
void TextureFree(Texture& t);
