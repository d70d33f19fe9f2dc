// Fully connected layer: one GEMM per pass over the whole batch. With threads, each GEMM is split
// over rows or columns of its result (sgemm_threads, parallel.h): the same bits as one thread.
#include <cinttypes>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/parallel.h"
#include "layer_table.h"

namespace cnn {

void dense_forward(float* y, const float* x, const float* w, const float* b, int n, int in, int out) {
  // y (n x out) = x (n x in) * W^T (in x out)
  sgemm_threads(false, true, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
  if (b) {
    for (int s = 0; s < n; ++s) {
      float* ys = y + int64_t(s) * out;
      for (int o = 0; o < out; ++o) ys[o] += b[o];
    }
  }
}

void dense_backward(float* dx, float* dw, float* db, const float* dy, const float* x, const float* w, int n, int in,
                    int out) {
  // dW (out x in) += dY^T (out x n) * X (n x in)
  if (dw) sgemm_threads(true, false, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
  if (db) {
    for (int s = 0; s < n; ++s) {
      const float* dys = dy + int64_t(s) * out;
      for (int o = 0; o < out; ++o) db[o] += dys[o];
    }
  }
  // dX (n x in) += dY (n x out) * W (out x in)
  if (dx) sgemm_threads(false, false, n, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
}

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

void dense_text(const LayerSpec& l, std::string* s) {
  *s += " " + std::to_string(l.units);
  if (!l.bias) *s += " nobias";
}
bool dense_analyze(LayerAnalysis& a) {
  const LayerSpec& l = a.l;
  if (!a.check(l.units_column, "number of outputs", l.units, 1, "e.g. `dense 10`")) return false;
  const Shape& in = a.li.in;
  const int64_t n_in = in.size();
  a.oh = a.ow = 1;
  a.oc = l.units;
  a.li.params = sat_mul(sat_add(n_in, l.bias ? 1 : 0), l.units);
  a.li.params_formula = l.bias ? "(" + num(n_in) + " + 1)*" + num(l.units) : num(n_in) + "*" + num(l.units);
  a.li.macs = sat_mul(n_in, l.units);
  analyze_whole_map(a, "");
  a.oc = l.units;
  a.li.shape_formula.clear();
  if (in.h != 1 || in.w != 1)
    a.li.note = "flattens its " + shape_text(in) + " input into " + with_commas(n_in) + " values";
  return true;
}
void dense_buffers(const LayerSpec& l, const LayerInfo& li, int64_t, LayerMemory* m) {
  m->weights = sat_mul(li.out.size(), li.in.size());
  m->biases = l.bias ? li.out.size() : 0;
}
void dense_fwd(const LayerCall& c) {
  dense_forward(c.out, c.x, c.p.w, c.p.b, c.n, int(c.li.in.size()), int(c.li.out.size()));
}
void dense_bwd(const LayerCall& c) {
  if (c.dx || c.dw || c.db)
    dense_backward(c.dx, c.dw, c.db, c.dy, c.x, c.p.w, c.n, int(c.li.in.size()), int(c.li.out.size()));
}
void dense_ref(const RefCall& c) {
  ref::dense_forward(c.y, c.x, c.w, c.b, c.n, int(c.li.in.size()), int(c.li.out.size()), c.reg);
}
void dense_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) {
  if (!t->flat) {
    t->add("nn.Flatten()");  // C, H, W order: the order of our dense weights' inputs
    t->flat = true;
  }
  t->add_params(strf("(%d, %" PRId64 ")", l.units, li.in.size()), int64_t(l.units) * li.in.size(), l.bias, l.units);
  t->add(strf("nn.Linear(%" PRId64 ", %d%s)", li.in.size(), l.units, l.bias ? "" : ", bias=False"));
}
void dense_defaults(LayerSpec* l) { l->units = 10; }
const LayerField kDenseFields[] = {
    {LayerFieldType::count, "outputs", nullptr, &LayerSpec::units, nullptr, nullptr, 0},
    {LayerFieldType::toggle, "bias", nullptr, nullptr, nullptr, &LayerSpec::bias, 0},
};

}  // namespace

extern const LayerKindDesc kDenseKind;
const LayerKindDesc kDenseKind = {LayerKind::dense,
                                  "dense",
                                  "fc",
                                  "dense takes: the number of outputs N, nobias; e.g. `dense 10`",
                                  true,
                                  dense_text,
                                  dense_analyze,
                                  dense_buffers,
                                  dense_fwd,
                                  dense_bwd,
                                  dense_ref,
                                  dense_torch,
                                  dense_defaults,
                                  LAYER_FIELDS(kDenseFields)};

}  // namespace cnn
