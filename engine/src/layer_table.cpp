// layer_table.cpp: the table of layer kinds (layer_table.h). Each kind's row: keywords, options,
// buffers, forward, backward. The math itself stays in the free functions of nn.h (layers_*.cpp),
// which the tests call directly.
#include "layer_table.h"

#include <cstring>

#include "cnn/nn.h"

namespace cnn {
namespace {

// --- conv ------------------------------------------------------------------------------------------
void conv_buffers(const LayerSpec& l, const LayerInfo& li, int64_t, LayerMemory* m) {
  m->weights = sat_mul(sat_mul(sat_mul(li.out.c, li.in.c), l.kh), l.kw);
  m->biases = l.bias ? li.out.c : 0;
  m->workspace = sat_mul(sat_mul(sat_mul(li.in.c, l.kh), l.kw), sat_mul(li.out.h, li.out.w));
}
void conv_forward(const LayerCall& c) {
  conv2d_forward(c.out, c.net->workspace.data(), c.x, c.p.w, c.p.b, c.n, conv_dims(c.l, c.li));
}
void conv_backward(const LayerCall& c) {
  if (c.dx || c.dw || c.db) conv2d_backward(c.dx, c.dw, c.db, c.net->workspace.data(), c.dy, c.x, c.p.w, c.n, conv_dims(c.l, c.li));
}

// --- pooling ---------------------------------------------------------------------------------------
void maxpool_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->argmax = sat_mul(batch, li.out.size());
}
void maxpool_fwd(const LayerCall& c) { maxpool_forward(c.out, c.s.argmax.data(), c.x, c.n, pool_dims(c.l, c.li)); }
void maxpool_bwd(const LayerCall& c) { maxpool_backward(c.dx, c.dy, c.s.argmax.data(), c.n, pool_dims(c.l, c.li)); }
void avgpool_fwd(const LayerCall& c) { avgpool_forward(c.out, c.x, c.n, pool_dims(c.l, c.li)); }
void avgpool_bwd(const LayerCall& c) { avgpool_backward(c.dx, c.dy, c.n, pool_dims(c.l, c.li)); }
void gap_fwd(const LayerCall& c) { gap_forward(c.out, c.x, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_bwd(const LayerCall& c) { gap_backward(c.dx, c.dy, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }

// --- dense and flatten -----------------------------------------------------------------------------
void dense_buffers(const LayerSpec& l, const LayerInfo& li, int64_t, LayerMemory* m) {
  m->weights = sat_mul(li.out.size(), li.in.size());
  m->biases = l.bias ? li.out.size() : 0;
}
void dense_fwd(const LayerCall& c) {
  dense_forward(c.out, c.x, c.p.w, c.p.b, c.n, int(c.li.in.size()), int(c.li.out.size()));
}
void dense_bwd(const LayerCall& c) {
  if (c.dx || c.dw || c.db) dense_backward(c.dx, c.dw, c.db, c.dy, c.x, c.p.w, c.n, int(c.li.in.size()), int(c.li.out.size()));
}
void flatten_fwd(const LayerCall& c) { std::memcpy(c.out, c.x, sizeof(float) * size_t(c.count())); }
void flatten_bwd(const LayerCall& c) {
  const int64_t count = c.count();
  for (int64_t k = 0; k < count; ++k) c.dx[k] += c.dy[k];
}

// --- activations -----------------------------------------------------------------------------------
void relu_fwd(const LayerCall& c) { relu_forward(c.out, c.x, c.count()); }
void relu_bwd(const LayerCall& c) { relu_backward(c.dx, c.dy, c.x, c.count()); }
void leakyrelu_fwd(const LayerCall& c) { leakyrelu_forward(c.out, c.x, c.count(), c.l.alpha); }
void leakyrelu_bwd(const LayerCall& c) { leakyrelu_backward(c.dx, c.dy, c.x, c.count(), c.l.alpha); }
void sigmoid_fwd(const LayerCall& c) { sigmoid_forward(c.out, c.x, c.count()); }
void sigmoid_bwd(const LayerCall& c) { sigmoid_backward(c.dx, c.dy, c.y, c.count()); }
void tanh_fwd(const LayerCall& c) { tanh_forward(c.out, c.x, c.count()); }
void tanh_bwd(const LayerCall& c) { tanh_backward(c.dx, c.dy, c.y, c.count()); }
void softmax_fwd(const LayerCall& c) { softmax_forward(c.out, c.x, c.n, int(c.li.in.size())); }
void softmax_bwd(const LayerCall& c) { softmax_backward(c.dx, c.dy, c.y, c.n, int(c.li.in.size())); }

// --- regularization and normalization --------------------------------------------------------------
void dropout_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->keep = sat_mul(batch, li.in.size());
}
void dropout_fwd(const LayerCall& c) {
  dropout_forward(c.out, c.s.keep.data(), c.x, c.count(), c.l.rate, c.training, c.net->dropout_rng);
}
void dropout_bwd(const LayerCall& c) { dropout_backward(c.dx, c.dy, c.s.keep.data(), c.count(), c.l.rate, c.net->training); }
void batchnorm_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->weights = m->biases = li.in.c;
  m->channel_stats = li.in.c;
  m->xhat = sat_mul(batch, li.in.size());
}
void batchnorm_fwd(const LayerCall& c) {
  LayerState& s = c.s;
  batchnorm_forward(c.out, s.xhat.data(), s.mean.data(), s.invstd.data(), s.running_mean.data(), s.running_var.data(),
                    c.x, c.p.w, c.p.b, c.n, c.li.in.c, c.li.in.h * c.li.in.w, c.training);
}
void batchnorm_bwd(const LayerCall& c) {
  batchnorm_backward(c.dx, c.dw, c.db, c.dy, c.s.xhat.data(), c.s.invstd.data(), c.p.w, c.n, c.li.in.c,
                     c.li.in.h * c.li.in.w, c.net->training);
}

const char* const kConvHelp =
    "conv takes: the number of maps N, kK or kKHxKW (kernel), sS or sSHxSW (stride, default 1), pP or "
    "pPHxPW or same, valid (default), full (padding), dD (dilation, default 1), nobias; e.g. `conv 6 k5 p2`";
const char* const kPoolHelp =
    "pools take: kK or kKHxKW (window), sS (stride, default = window), pP (padding, default 0); e.g. "
    "`maxpool k2` or `maxpool k3 s2`";

// One row per kind, in LayerKind order.
const LayerKindDesc kKinds[] = {
    {LayerKind::conv, "conv", nullptr, kConvHelp, true, conv_buffers, conv_forward, conv_backward},
    {LayerKind::maxpool, "maxpool", nullptr, kPoolHelp, false, maxpool_buffers, maxpool_fwd, maxpool_bwd},
    {LayerKind::avgpool, "avgpool", nullptr, kPoolHelp, false, nullptr, avgpool_fwd, avgpool_bwd},
    {LayerKind::gap, "gap", nullptr, "", false, nullptr, gap_fwd, gap_bwd},
    {LayerKind::dense, "dense", "fc", "dense takes: the number of outputs N, nobias; e.g. `dense 10`", true,
     dense_buffers, dense_fwd, dense_bwd},
    {LayerKind::flatten, "flatten", nullptr, "", false, nullptr, flatten_fwd, flatten_bwd},
    {LayerKind::relu, "relu", nullptr, "", false, nullptr, relu_fwd, relu_bwd},
    {LayerKind::leakyrelu, "leakyrelu", nullptr,
     "leakyrelu takes: aA, the slope for negative inputs (default 0.01); e.g. `leakyrelu a0.1`", false, nullptr,
     leakyrelu_fwd, leakyrelu_bwd},
    {LayerKind::sigmoid, "sigmoid", nullptr, "", false, nullptr, sigmoid_fwd, sigmoid_bwd},
    {LayerKind::tanh, "tanh", nullptr, "", false, nullptr, tanh_fwd, tanh_bwd},
    {LayerKind::softmax, "softmax", nullptr, "", false, nullptr, softmax_fwd, softmax_bwd},
    {LayerKind::dropout, "dropout", nullptr,
     "dropout takes: the probability of dropping a unit (default 0.5); e.g. `dropout 0.25`", false,
     dropout_buffers, dropout_fwd, dropout_bwd},
    {LayerKind::batchnorm, "batchnorm", nullptr, "", true, batchnorm_buffers, batchnorm_fwd, batchnorm_bwd},
};
constexpr int kNumKinds = int(sizeof(kKinds) / sizeof(kKinds[0]));

}  // namespace

const LayerKindDesc* layer_kinds(int* count) {
  *count = kNumKinds;
  return kKinds;
}

const LayerKindDesc& layer_kind_desc(LayerKind k) {
  const int i = int(k);
  return kKinds[i >= 0 && i < kNumKinds ? i : 0];
}

const char* layer_kind_name(LayerKind k) {
  const int i = int(k);
  return i >= 0 && i < kNumKinds ? kKinds[i].name : "?";
}

}  // namespace cnn
