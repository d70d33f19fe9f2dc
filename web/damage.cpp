// damage.cpp: see damage.h.
#include "damage.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

struct ListRecord {
  const ImDrawList* key;
  uint64_t hash;
  DamageRect box;
};

std::vector<ListRecord> g_last, g_now;                     // the last painted frame's lists, this frame's
std::unordered_map<unsigned, uint32_t> g_texture_version;  // bumped by each upload
ImVec2 g_last_size(-1, -1);
bool g_all = true;
uint64_t g_frame = 0;

uint64_t Mix(uint64_t h, uint64_t v) {
  h = (h ^ v) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}

uint64_t MixBytes(uint64_t h, const void* p, size_t n) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  for (; n >= 8; n -= 8, b += 8) {
    uint64_t w;
    std::memcpy(&w, b, 8);
    h = Mix(h, w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, b, n);
  return Mix(h, tail ^ (uint64_t(n) << 56));
}

DamageRect Union(DamageRect a, DamageRect b) {
  if (a.Empty()) return b;
  if (b.Empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

// The list's content and where it can paint: its vertices' bounding box held to the union of its
// commands' clip rectangles (the backend scissors each command to its own).
ListRecord Record(const ImDrawList* dl) {
  uint64_t h = MixBytes(0x243F6A8885A308D3ull, dl->VtxBuffer.Data, size_t(dl->VtxBuffer.Size) * sizeof(ImDrawVert));
  h = MixBytes(h, dl->IdxBuffer.Data, size_t(dl->IdxBuffer.Size) * sizeof(ImDrawIdx));
  DamageRect clip{}, calls{};  // the union of the drawing commands' clip rectangles; the callbacks'
  for (const ImDrawCmd& c : dl->CmdBuffer) {
    const bool call = c.UserCallback && c.UserCallback != ImDrawCallback_ResetRenderState;
    if (call) h = Mix(h, ~g_frame);  // its pixels depend on more than this list: repainted every frame
    if (!call && c.ElemCount == 0) continue;
    const unsigned tex = unsigned(uintptr_t(c.TextureId));
    const auto v = g_texture_version.find(tex);
    const float cmd[4] = {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w};
    h = MixBytes(h, cmd, sizeof cmd);
    h = Mix(h, uint64_t(uintptr_t(c.TextureId)) ^ (uint64_t(v == g_texture_version.end() ? 0 : v->second) << 40));
    h = Mix(h, uint64_t(c.VtxOffset) << 32 | c.IdxOffset);
    h = Mix(h, uint64_t(c.ElemCount) << 1 | (c.UserCallback != nullptr));
    (call ? calls : clip) = Union(call ? calls : clip, {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w});
  }
  DamageRect box{1e30f, 1e30f, -1e30f, -1e30f};
  for (const ImDrawVert& v : dl->VtxBuffer) {
    box.x0 = std::min(box.x0, v.pos.x), box.y0 = std::min(box.y0, v.pos.y);
    box.x1 = std::max(box.x1, v.pos.x), box.y1 = std::max(box.y1, v.pos.y);
  }
  box = {std::max(box.x0, clip.x0), std::max(box.y0, clip.y0), std::min(box.x1, clip.x1), std::min(box.y1, clip.y1)};
  // a callback draws anywhere within its command's clip rectangle, whatever the vertices say
  box = Union(box.Empty() ? DamageRect{} : box, calls);
  return {dl, h, box.Empty() ? DamageRect{} : box};
}

}  // namespace

void DamageAll() { g_all = true; }

void DamageTexture(unsigned texture_id) { g_texture_version[texture_id]++; }

DamageRect DamageCompute(const ImDrawData* dd) {
  g_frame++;
  const DamageRect display{dd->DisplayPos.x, dd->DisplayPos.y, dd->DisplayPos.x + dd->DisplaySize.x,
                           dd->DisplayPos.y + dd->DisplaySize.y};
  g_now.clear();
  for (int l = 0; l < dd->CmdListsCount; l++) g_now.push_back(Record(dd->CmdLists[l]));
  bool all = g_all || dd->DisplaySize.x != g_last_size.x || dd->DisplaySize.y != g_last_size.y;
  DamageRect r{};
  int last_at = -1;  // the lists both frames draw must be stacked in the same order
  for (size_t i = 0; i < g_now.size() && !all; i++) {
    const ListRecord& now = g_now[i];
    auto was = std::find_if(g_last.begin(), g_last.end(), [&](const ListRecord& x) { return x.key == now.key; });
    if (was == g_last.end()) {
      r = Union(r, now.box);
      continue;
    }
    const int at = int(was - g_last.begin());
    all |= at < last_at;
    last_at = at;
    if (was->hash != now.hash || std::memcmp(&was->box, &now.box, sizeof now.box) != 0)
      r = Union(Union(r, was->box), now.box);
  }
  for (const ListRecord& was : g_last) {
    if (all) break;
    if (std::none_of(g_now.begin(), g_now.end(), [&](const ListRecord& x) { return x.key == was.key; }))
      r = Union(r, was.box);
  }
  std::swap(g_last, g_now);
  g_last_size = dd->DisplaySize;
  g_all = false;
  if (all) return display;
  if (r.Empty()) return {};
  // whole pixels, one more on each side (a triangle's edge pixels), held to the display
  r = {std::max(display.x0, std::floor(r.x0) - 1), std::max(display.y0, std::floor(r.y0) - 1),
       std::min(display.x1, std::ceil(r.x1) + 1), std::min(display.y1, std::ceil(r.y1) + 1)};
  return r.Empty() ? DamageRect{} : r;
}
