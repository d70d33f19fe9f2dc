// layers_flatten.cpp: `flatten`, H x W x C -> 1 x 1 x (H*W*C). The values keep their order (C, H, W:
// the order a dense layer's weights read them in), so forward is a copy and backward adds dy to dx.
// No parameters, no options. (A dense layer flattens its input itself; this makes it explicit.)
#include <cstring>

#include "layer_table.h"

namespace cnn {

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

bool flatten_analyze(LayerAnalysis& a) {
  const Shape& in = a.li.in;
  a.oh = a.ow = 1;
  a.oc = in.size();
  a.li.shape_formula = num(in.h) + "*" + num(in.w) + "*" + num(in.c) + " = " + num(a.oc);
  return true;
}
void flatten_fwd(const LayerCall& c) { std::memcpy(c.out, c.x, sizeof(float) * size_t(c.count())); }
void flatten_bwd(const LayerCall& c) {
  const int64_t count = c.count();
  for (int64_t k = 0; k < count; ++k) c.dx[k] += c.dy[k];
}
void flatten_ref(const RefCall& c) { std::copy(c.x, c.x + c.count(), c.y); }
void flatten_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) {
  t->add("nn.Flatten()");
  t->flat = true;
}

}  // namespace

extern const LayerKindDesc kFlattenKind;
const LayerKindDesc kFlattenKind = {
    LayerKind::flatten, "flatten",   nullptr,       "",      false,   nullptr, flatten_analyze, nullptr, flatten_fwd,
    flatten_bwd,        flatten_ref, flatten_torch, nullptr, nullptr, 0};

}  // namespace cnn
