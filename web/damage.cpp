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
  const ImDrawList* key = nullptr;
  uint64_t hash = 0;            // all of it: vertices, indices, commands, textures' versions
  uint64_t shape = 0;           // all but the vertices' values: indices, commands, textures, the vertex count
  bool calls = false;           // draws through a callback
  DamageRect box;               // where it can paint
  std::vector<ImDrawVert> vtx;  // its vertices, to compare triangle by triangle with the next frame's
};

std::vector<ListRecord> g_last, g_now;                     // the last painted frame's lists, this frame's
std::vector<DamageRect> g_rects;                           // DamageCompute's answer
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

constexpr DamageRect kNone{1e30f, 1e30f, -1e30f, -1e30f};  // the start of a bounding box

DamageRect Union(DamageRect a, DamageRect b) {
  if (a.Empty()) return b;
  if (b.Empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

DamageRect Intersect(DamageRect a, DamageRect b) {
  return {std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

void Extend(DamageRect& r, ImVec2 p) {
  r.x0 = std::min(r.x0, p.x), r.y0 = std::min(r.y0, p.y);
  r.x1 = std::max(r.x1, p.x), r.y1 = std::max(r.y1, p.y);
}

DamageRect Clip(const ImDrawCmd& c) { return {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w}; }

// The list's content and where it can paint: its vertices' bounding box held to the union of its
// commands' clip rectangles (the backend scissors each command to its own), and the clip rectangles
// of its callbacks.
void Record(const ImDrawList* dl, ListRecord* r) {
  uint64_t shape = MixBytes(0x243F6A8885A308D3ull, dl->IdxBuffer.Data, size_t(dl->IdxBuffer.Size) * sizeof(ImDrawIdx));
  shape = Mix(shape, uint64_t(dl->VtxBuffer.Size));
  DamageRect clip{}, calls{};
  r->calls = false;
  for (const ImDrawCmd& c : dl->CmdBuffer) {
    const bool call = c.UserCallback && c.UserCallback != ImDrawCallback_ResetRenderState;
    if (call) shape = Mix(shape, ~g_frame);  // its pixels depend on more than this list: repainted every frame
    if (!call && c.ElemCount == 0) continue;
    const unsigned tex = unsigned(uintptr_t(c.TextureId));
    const auto v = g_texture_version.find(tex);
    const float cmd[4] = {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w};
    shape = MixBytes(shape, cmd, sizeof cmd);
    shape = Mix(shape,
                uint64_t(uintptr_t(c.TextureId)) ^ (uint64_t(v == g_texture_version.end() ? 0 : v->second) << 40));
    shape = Mix(shape, uint64_t(c.VtxOffset) << 32 | c.IdxOffset);
    shape = Mix(shape, uint64_t(c.ElemCount) << 1 | (c.UserCallback != nullptr));
    (call ? calls : clip) = Union(call ? calls : clip, Clip(c));
    r->calls |= call;
  }
  DamageRect box = kNone;
  for (const ImDrawVert& v : dl->VtxBuffer) Extend(box, v.pos);
  box = Intersect(box, clip);
  r->key = dl;
  r->shape = shape;
  r->hash = MixBytes(shape, dl->VtxBuffer.Data, size_t(dl->VtxBuffer.Size) * sizeof(ImDrawVert));
  r->box = Union(box.Empty() ? DamageRect{} : box, calls);
  r->vtx.assign(dl->VtxBuffer.begin(), dl->VtxBuffer.end());
}

// A list drawn with the same triangles (indices, commands, textures) as the last frame, some of
// whose vertices moved or changed colour: the box of the triangles with a changed corner, before
// and after, each held to its command's clip rectangle (a progress bar and its label, a curve's
// last points, a hovered button).
DamageRect ChangedTriangles(const ImDrawList* dl, const std::vector<ImDrawVert>& was) {
  const ImDrawVert* now = dl->VtxBuffer.Data;
  DamageRect r{};
  for (const ImDrawCmd& c : dl->CmdBuffer) {
    if (c.UserCallback || c.ElemCount == 0) continue;
    DamageRect box = kNone;
    const ImDrawIdx* ix = dl->IdxBuffer.Data + c.IdxOffset;
    for (unsigned e = 0; e + 2 < c.ElemCount; e += 3) {
      const unsigned a = c.VtxOffset + ix[e], b = c.VtxOffset + ix[e + 1], d = c.VtxOffset + ix[e + 2];
      if (!std::memcmp(&was[a], &now[a], sizeof(ImDrawVert)) && !std::memcmp(&was[b], &now[b], sizeof(ImDrawVert)) &&
          !std::memcmp(&was[d], &now[d], sizeof(ImDrawVert)))
        continue;
      for (unsigned v : {a, b, d}) Extend(box, was[v].pos), Extend(box, now[v].pos);
    }
    box = Intersect(box, Clip(c));
    if (!box.Empty()) r = Union(r, box);
  }
  return r;
}

// Whole pixels, one more on each side (a triangle's edge pixels), held to the display.
DamageRect RoundOut(DamageRect r, DamageRect display) {
  r = {std::floor(r.x0) - 1, std::floor(r.y0) - 1, std::ceil(r.x1) + 1, std::ceil(r.y1) + 1};
  r = Intersect(r, display);
  return r.Empty() ? DamageRect{} : r;
}

// Merges rectangles that overlap or nearly touch, then the pairs that waste least until at most
// kDamageMaxRects are left: each rectangle costs a pass over the draw lists.
void Merge(std::vector<DamageRect>& rects) {
  constexpr float kSlack = 32 * 32;  // pixels a merge may add for free
  while (rects.size() > 1) {
    size_t bi = 0, bj = 1;
    float best = 1e30f;
    for (size_t i = 0; i < rects.size(); i++)
      for (size_t j = i + 1; j < rects.size(); j++) {
        const float waste = Union(rects[i], rects[j]).Area() - rects[i].Area() - rects[j].Area();
        if (waste < best) best = waste, bi = i, bj = j;
      }
    if (best > kSlack && rects.size() <= size_t(kDamageMaxRects)) break;
    rects[bi] = Union(rects[bi], rects[bj]);
    rects.erase(rects.begin() + long(bj));
  }
}

}  // namespace

void DamageAll() { g_all = true; }

void DamageTexture(unsigned texture_id) { g_texture_version[texture_id]++; }

const std::vector<DamageRect>& DamageCompute(const ImDrawData* dd) {
  g_frame++;
  const DamageRect display{dd->DisplayPos.x, dd->DisplayPos.y, dd->DisplayPos.x + dd->DisplaySize.x,
                           dd->DisplayPos.y + dd->DisplaySize.y};
  g_now.resize(size_t(dd->CmdListsCount));
  for (int l = 0; l < dd->CmdListsCount; l++) Record(dd->CmdLists[l], &g_now[size_t(l)]);
  bool all = g_all || dd->DisplaySize.x != g_last_size.x || dd->DisplaySize.y != g_last_size.y;
  g_rects.clear();
  auto add = [&](DamageRect r) {
    if (!r.Empty()) g_rects.push_back(r);
  };
  int last_at = -1;  // the lists both frames draw must be stacked in the same order
  for (size_t i = 0; i < g_now.size() && !all; i++) {
    const ListRecord& now = g_now[i];
    auto was = std::find_if(g_last.begin(), g_last.end(), [&](const ListRecord& x) { return x.key == now.key; });
    if (was == g_last.end()) {
      add(now.box);
      continue;
    }
    const int at = int(was - g_last.begin());
    all |= at < last_at;
    last_at = at;
    if (was->hash == now.hash && !now.calls) continue;
    if (was->shape == now.shape && !now.calls) {
      add(ChangedTriangles(now.key, was->vtx));
    } else {
      add(was->box);
      add(now.box);
    }
  }
  for (const ListRecord& was : g_last) {
    if (all) break;
    if (std::none_of(g_now.begin(), g_now.end(), [&](const ListRecord& x) { return x.key == was.key; })) add(was.box);
  }
  std::swap(g_last, g_now);
  g_last_size = dd->DisplaySize;
  g_all = false;
  if (all) {
    g_rects.assign(1, display);
    return g_rects;
  }
  for (DamageRect& r : g_rects) r = RoundOut(r, display);
  g_rects.erase(std::remove_if(g_rects.begin(), g_rects.end(), [](const DamageRect& r) { return r.Empty(); }),
                g_rects.end());
  Merge(g_rects);
  return g_rects;
}
