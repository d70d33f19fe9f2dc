// layers_gmaxpool.cpp: global max pooling, `gmaxpool`. H x W x C -> 1 x 1 x C: each output is the
// largest value of its map, so every output sees the whole input. Backward routes each output's
// gradient to the first maximum of its map (row-major order breaks ties), as maxpool does within
// its windows; the forward caches that position (argmax, one int32 per output and sample). No
// parameters, no options.
//
// The whole kind lives in this file; layer_table.cpp lists it with one row (&kGmaxpoolKind).
#include "layer_table.h"

namespace cnn {
namespace {

// y[p] = max_i x[p*hw + i] over the n*c maps p; argmax[p] = the first i that reaches it.
//   y, argmax: n x c    x: n x c x hw
void gmaxpool_forward(float* y, int32_t* argmax, const float* x, int64_t maps, int hw) {
  for (int64_t p = 0; p < maps; ++p) {
    const float* xp = x + p * hw;
    int32_t arg = 0;
    for (int i = 1; i < hw; ++i)
      if (xp[i] > xp[arg]) arg = i;
    y[p] = xp[arg];
    argmax[p] = arg;
  }
}

// dx[p*hw + argmax[p]] += dy[p] (accumulates, like every backward).
void gmaxpool_backward(float* dx, const float* dy, const int32_t* argmax, int64_t maps, int hw) {
  for (int64_t p = 0; p < maps; ++p) dx[p * hw + argmax[p]] += dy[p];
}

// The reference (any number type), for the gradient check in double.
template <class T>
void gmaxpool_reference(T* y, const T* x, int64_t maps, int hw) {
  for (int64_t p = 0; p < maps; ++p) {
    T best = x[p * hw];
    for (int i = 1; i < hw; ++i) best = x[p * hw + i] > best ? x[p * hw + i] : best;
    y[p] = best;
  }
}

bool analyze(LayerAnalysis& a) {
  analyze_whole_map(a, "each output is the largest value of a whole map, so it sees the whole input");
  return true;
}
void buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->argmax = sat_mul(batch, li.out.size());
}
void forward(const LayerCall& c) {
  gmaxpool_forward(c.out, c.s.argmax.data(), c.x, int64_t(c.n) * c.li.in.c, c.li.in.h * c.li.in.w);
}
void backward(const LayerCall& c) {
  gmaxpool_backward(c.dx, c.dy, c.s.argmax.data(), int64_t(c.n) * c.li.in.c, c.li.in.h * c.li.in.w);
}
void ref_forward(const RefCall& c) { gmaxpool_reference(c.y, c.x, int64_t(c.n) * c.li.in.c, c.li.in.h * c.li.in.w); }
void torch(const LayerSpec&, const LayerInfo& li, TorchModules* t) {
  t->unflatten_if_flat(li.in);
  t->add("nn.AdaptiveMaxPool2d(1)");  // PyTorch's backward also goes to one maximum per map
  t->add("nn.Flatten()");
  t->flat = true;
}

}  // namespace

extern const LayerKindDesc kGmaxpoolKind;
const LayerKindDesc kGmaxpoolKind = {
    LayerKind::gmaxpool, "gmaxpool", nullptr, "",      false, nullptr, analyze, buffers, forward, backward,
    ref_forward,         torch,      nullptr, nullptr, 0};

}  // namespace cnn
