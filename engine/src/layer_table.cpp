// layer_table.cpp: the table of layer kinds (layer_table.h). Each kind's section: how its options
// print, its analysis, buffers, forward, backward, reference forward, PyTorch modules and designer
// fields. The math itself stays in the free functions of nn.h (layers_*.cpp) and nn_reference.h,
// which the tests call directly. A kind added later brings its whole section in its own file
// (layers_gmaxpool.cpp) and adds one row here.
#include "layer_table.h"

#include <cinttypes>
#include <cstring>

#include "cnn/nn.h"

namespace cnn {
namespace {

std::string num(int64_t v) { return std::to_string(v); }

// --- conv ------------------------------------------------------------------------------------------
void conv_text(const LayerSpec& l, std::string* s) {
  *s += " " + std::to_string(l.units) + " " + pair_text('k', l.kh, l.kw);
  if (l.sh != 1 || l.sw != 1) *s += " " + pair_text('s', l.sh, l.sw);
  if (l.padding == Padding::explicit_pad) *s += " " + pair_text('p', l.ph, l.pw);
  if (l.padding == Padding::same) *s += " same";
  if (l.padding == Padding::full) *s += " full";
  if (l.dh != 1 || l.dw != 1) *s += " " + pair_text('d', l.dh, l.dw);
  if (!l.bias) *s += " nobias";
}
bool conv_analyze(LayerAnalysis& a) {
  const LayerSpec& l = a.l;
  if (!a.check(l.units_column, "number of maps", l.units, 1, "e.g. `conv 6 k5`")) return false;
  if (!a.check(l.dilation_column, "dilation", l.dh, 1, "e.g. d2")) return false;
  if (!a.check(l.dilation_column, "dilation", l.dw, 1, "e.g. d2")) return false;
  if (l.kh >= 1 && l.kw >= 1 && l.kh <= kMaxSize && l.kw <= kMaxSize &&
      (int64_t(l.dh) * (l.kh - 1) + 1 > kMaxSize || int64_t(l.dw) * (l.kw - 1) + 1 > kMaxSize))
    return a.fail(l.dilation_column ? l.dilation_column : l.column,
                  "the dilated kernel spans more than " + with_commas(kMaxSize) +
                      " pixels (dilation*(kernel - 1) + 1)",
                  "use a smaller dilation or kernel");
  if (!analyze_window(a, true)) return false;
  const Shape& in = a.li.in;
  LayerInfo& li = a.li;
  const int64_t per_map = sat_mul(sat_mul(in.c, l.kh), l.kw);
  li.params = sat_mul(sat_add(per_map, l.bias ? 1 : 0), l.units);
  const std::string k = num(in.c) + "*" + num(l.kh) + "*" + num(l.kw);
  li.params_formula = l.bias ? "(" + k + " + 1)*" + num(l.units) : k + "*" + num(l.units);
  li.macs = sat_mul(sat_mul(sat_mul(a.oh, a.ow), l.units), per_map);
  // The notes' comparison with a dense layer (see LayerInfo).
  const int64_t out_size = sat_mul(sat_mul(a.oh, a.ow), a.oc);
  li.fc_weights = sat_mul(in.size(), out_size);
  li.fc_weights_same_res = sat_mul(in.size(), sat_mul(int64_t(in.h) * in.w, l.units));
  li.fc_ratio = li.params > 0 ? double(li.fc_weights) / double(li.params) : 0.0;
  return true;
}
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
void conv_ref(const RefCall& c) { ref::conv2d_forward(c.y, c.x, c.w, c.b, c.n, conv_dims(c.l, c.li), c.reg); }
void conv_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) {
  const Pad4& p = li.pad;
  const bool padded = p.top || p.left || p.bottom || p.right;
  const bool symmetric = p.top == p.bottom && p.left == p.right;
  t->unflatten_if_flat(li.in);
  std::string args = strf("%d, %d, kernel_size=%s", li.in.c, l.units, torch_pair(l.kh, l.kw).c_str());
  if (l.sh != 1 || l.sw != 1) args += ", stride=" + torch_pair(l.sh, l.sw);
  if (padded && symmetric) args += ", padding=" + torch_pair(p.top, p.left);
  if (l.dh != 1 || l.dw != 1) args += ", dilation=" + torch_pair(l.dh, l.dw);
  if (!l.bias) args += ", bias=False";
  if (padded && !symmetric) {
    t->comment(strf("PyTorch's padding= is symmetric: pad rows %d top, %d bottom, cols %d left, %d right",
                    p.top, p.bottom, p.left, p.right));
    t->add(strf("nn.ZeroPad2d((%d, %d, %d, %d))", p.left, p.right, p.top, p.bottom));
  }
  t->add_params(strf("(%d, %d, %d, %d)", l.units, li.in.c, l.kh, l.kw), int64_t(l.units) * li.in.c * l.kh * l.kw,
                l.bias, l.units);
  t->add("nn.Conv2d(" + args + ")");
}
void conv_defaults(LayerSpec* l) {
  l->units = 8;
  l->kh = l->kw = 3;
  l->padding = Padding::same;
}
const LayerField kConvFields[] = {
    {LayerFieldType::count, "maps", "Number of output feature maps (kernels).", &LayerSpec::units, nullptr, nullptr, 0},
    {LayerFieldType::pair, "kernel h, w", nullptr, &LayerSpec::kh, nullptr, nullptr, 0},
    {LayerFieldType::pair, "stride h, w", nullptr, &LayerSpec::sh, nullptr, nullptr, 0},
    {LayerFieldType::padding, "padding",
     "same: output = ceil(input / stride)\nvalid: no padding\nfull: k_eff - 1 on each side, k_eff = d(k - 1) + 1 "
     "(d the dilation)\nexplicit: the numbers below",
     &LayerSpec::ph, nullptr, nullptr, 0},
    {LayerFieldType::pair, "dilation h, w", nullptr, &LayerSpec::dh, nullptr, nullptr, 0},
    {LayerFieldType::toggle, "bias", nullptr, nullptr, nullptr, &LayerSpec::bias, 0},
};

// --- pooling ---------------------------------------------------------------------------------------
void pool_text(const LayerSpec& l, std::string* s) {
  *s += " " + pair_text('k', l.kh, l.kw);
  if (l.sh != l.kh || l.sw != l.kw) *s += " " + pair_text('s', l.sh, l.sw);
  if (l.padding == Padding::explicit_pad) *s += " " + pair_text('p', l.ph, l.pw);
}
bool pool_analyze(LayerAnalysis& a) { return analyze_window(a, false); }
void maxpool_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->argmax = sat_mul(batch, li.out.size());
}
void maxpool_fwd(const LayerCall& c) { maxpool_forward(c.out, c.s.argmax.data(), c.x, c.n, pool_dims(c.l, c.li)); }
void maxpool_bwd(const LayerCall& c) { maxpool_backward(c.dx, c.dy, c.s.argmax.data(), c.n, pool_dims(c.l, c.li)); }
void maxpool_ref(const RefCall& c) { ref::maxpool_forward<double>(c.y, nullptr, c.x, c.n, pool_dims(c.l, c.li)); }
void avgpool_fwd(const LayerCall& c) { avgpool_forward(c.out, c.x, c.n, pool_dims(c.l, c.li)); }
void avgpool_bwd(const LayerCall& c) { avgpool_backward(c.dx, c.dy, c.n, pool_dims(c.l, c.li)); }
void avgpool_ref(const RefCall& c) { ref::avgpool_forward(c.y, c.x, c.n, pool_dims(c.l, c.li)); }
// Does some window of a pooling axis lie entirely in the padding? (in: input size, k kernel,
// s stride, lo padding before, out: output size.)
bool has_empty_window(int in, int k, int s, int lo, int out) {
  for (int o = 0; o < out; ++o) {
    const int first = o * s - lo, last = first + k - 1;
    if (last < 0 || first >= in) return true;
  }
  return false;
}
void pool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t, bool is_max) {
  const Pad4& p = li.pad;
  const bool padded = p.top || p.left || p.bottom || p.right;
  const bool symmetric = p.top == p.bottom && p.left == p.right;
  t->unflatten_if_flat(li.in);
  const char* cls = is_max ? "nn.MaxPool2d" : "nn.AvgPool2d";
  std::string args = "kernel_size=" + torch_pair(l.kh, l.kw) + ", stride=" + torch_pair(l.sh, l.sw);
  // PyTorch pads pools symmetrically by at most half the kernel (max: with -inf; avg: zeros
  // counted in the divisor, count_include_pad=True, as ours).
  const bool fits = symmetric && 2 * p.top <= l.kh && 2 * p.left <= l.kw;
  const bool empty = is_max && padded &&
                     (has_empty_window(li.in.h, l.kh, l.sh, p.top, li.out.h) ||
                      has_empty_window(li.in.w, l.kw, l.sw, p.left, li.out.w));
  if (padded && fits && !empty) {
    args += ", padding=" + torch_pair(p.top, p.left);
  } else if (padded) {
    if (is_max) {
      t->comment("padded cells never win the max: pad with -inf");
      t->add(strf("nn.ConstantPad2d((%d, %d, %d, %d), float(\"-inf\"))", p.left, p.right, p.top, p.bottom));
    } else {
      t->comment("padded cells count as zeros in the average, as count_include_pad=True");
      t->add(strf("nn.ZeroPad2d((%d, %d, %d, %d))", p.left, p.right, p.top, p.bottom));
    }
  }
  t->add(std::string(cls) + "(" + args + ")");
  if (empty) {
    t->comment("windows lying entirely in the padding give 0 in the sandbox");
    t->add("EmptyWindowsToZero()");
    t->need_empty_windows = true;
  }
}
void maxpool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) { pool_torch(l, li, t, true); }
void avgpool_torch(const LayerSpec& l, const LayerInfo& li, TorchModules* t) { pool_torch(l, li, t, false); }
void pool_defaults(LayerSpec* l) {
  l->kh = l->kw = 2;
  l->sh = l->sw = 2;
  l->padding = Padding::explicit_pad;
}
const LayerField kPoolFields[] = {
    {LayerFieldType::pair, "kernel h, w", nullptr, &LayerSpec::kh, nullptr, nullptr, 0},
    {LayerFieldType::pair, "stride h, w", nullptr, &LayerSpec::sh, nullptr, nullptr, 0},
    {LayerFieldType::pool_padding, "pad h, w", nullptr, &LayerSpec::ph, nullptr, nullptr, 0},
};

// --- global average pooling ------------------------------------------------------------------------
bool gap_analyze(LayerAnalysis& a) {
  analyze_whole_map(a, "each output averages a whole map, so it sees the whole input");
  return true;
}
void gap_fwd(const LayerCall& c) { gap_forward(c.out, c.x, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_bwd(const LayerCall& c) { gap_backward(c.dx, c.dy, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_ref(const RefCall& c) { ref::gap_forward(c.y, c.x, c.n, c.li.in.c, c.li.in.h * c.li.in.w); }
void gap_torch(const LayerSpec&, const LayerInfo& li, TorchModules* t) {
  t->unflatten_if_flat(li.in);
  t->add("nn.AdaptiveAvgPool2d(1)");
  t->add("nn.Flatten()");
  t->flat = true;
}

// --- dense and flatten -----------------------------------------------------------------------------
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
  if (in.h != 1 || in.w != 1) a.li.note = "flattens its " + shape_text(in) + " input into " + with_commas(n_in) + " values";
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
  if (c.dx || c.dw || c.db) dense_backward(c.dx, c.dw, c.db, c.dy, c.x, c.p.w, c.n, int(c.li.in.size()), int(c.li.out.size()));
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

// --- activations -----------------------------------------------------------------------------------
void relu_fwd(const LayerCall& c) { relu_forward(c.out, c.x, c.count()); }
void relu_bwd(const LayerCall& c) { relu_backward(c.dx, c.dy, c.x, c.count()); }
void relu_ref(const RefCall& c) { ref::relu_forward(c.y, c.x, c.count()); }
void relu_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.ReLU()"); }
void leakyrelu_text(const LayerSpec& l, std::string* s) {
  if (l.alpha != 0.01f) *s += " a" + float_text(l.alpha);
}
bool leakyrelu_analyze(LayerAnalysis& a) {
  if (!(a.l.alpha >= 0 && a.l.alpha < 1))
    return a.fail(a.l.column, "leakyrelu slope must be at least 0 and below 1", "e.g. `leakyrelu a0.01`");
  return true;
}
void leakyrelu_fwd(const LayerCall& c) { leakyrelu_forward(c.out, c.x, c.count(), c.l.alpha); }
void leakyrelu_bwd(const LayerCall& c) { leakyrelu_backward(c.dx, c.dy, c.x, c.count(), c.l.alpha); }
void leakyrelu_ref(const RefCall& c) { ref::leakyrelu_forward(c.y, c.x, c.count(), double(c.l.alpha)); }
void leakyrelu_torch(const LayerSpec& l, const LayerInfo&, TorchModules* t) {
  t->add(strf("nn.LeakyReLU(negative_slope=%.9g)", double(l.alpha)));
}
const LayerField kLeakyReluFields[] = {
    {LayerFieldType::number, "slope a", nullptr, nullptr, &LayerSpec::alpha, nullptr, 0},
};
void sigmoid_fwd(const LayerCall& c) { sigmoid_forward(c.out, c.x, c.count()); }
void sigmoid_bwd(const LayerCall& c) { sigmoid_backward(c.dx, c.dy, c.y, c.count()); }
void sigmoid_ref(const RefCall& c) { ref::sigmoid_forward(c.y, c.x, c.count()); }
void sigmoid_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.Sigmoid()"); }
void tanh_fwd(const LayerCall& c) { tanh_forward(c.out, c.x, c.count()); }
void tanh_bwd(const LayerCall& c) { tanh_backward(c.dx, c.dy, c.y, c.count()); }
void tanh_ref(const RefCall& c) { ref::tanh_forward(c.y, c.x, c.count()); }
void tanh_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.Tanh()"); }
void softmax_fwd(const LayerCall& c) { softmax_forward(c.out, c.x, c.n, int(c.li.in.size())); }
void softmax_bwd(const LayerCall& c) { softmax_backward(c.dx, c.dy, c.y, c.n, int(c.li.in.size())); }
void softmax_ref(const RefCall& c) { ref::softmax_forward(c.y, c.x, c.n, int(c.li.in.size())); }
void softmax_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) {
  if (t->flat) {
    t->add("nn.Softmax(dim=1)");
  } else {
    t->add("SoftmaxOverSample()");
    t->need_softmax_all = true;
  }
}

// --- regularization and normalization --------------------------------------------------------------
void dropout_text(const LayerSpec& l, std::string* s) { *s += " " + float_text(l.rate); }
bool dropout_analyze(LayerAnalysis& a) {
  if (!(a.l.rate >= 0 && a.l.rate < 1))
    return a.fail(a.l.column, "dropout rate must be at least 0 and below 1", "e.g. `dropout 0.5`");
  return true;
}
void dropout_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->keep = sat_mul(batch, li.in.size());
}
void dropout_fwd(const LayerCall& c) {
  dropout_forward(c.out, c.s.keep.data(), c.x, c.count(), c.l.rate, c.training, c.net->dropout_rng);
}
void dropout_bwd(const LayerCall& c) { dropout_backward(c.dx, c.dy, c.s.keep.data(), c.count(), c.l.rate, c.net->training); }
void dropout_ref(const RefCall& c) { ref::dropout_forward(c.y, c.keep, c.x, c.count(), double(c.l.rate), c.training); }
void dropout_torch(const LayerSpec& l, const LayerInfo&, TorchModules* t) {
  t->add(strf("nn.Dropout(p=%.9g)", double(l.rate)));
}
const LayerField kDropoutFields[] = {
    {LayerFieldType::fraction, "drop rate", nullptr, nullptr, &LayerSpec::rate, nullptr, 0.95f},
};
bool batchnorm_analyze(LayerAnalysis& a) {
  a.li.params = sat_mul(2, a.li.in.c);
  a.li.params_formula = "2*" + num(a.li.in.c);
  return true;
}
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
void batchnorm_ref(const RefCall& c) {
  ref::batchnorm_forward(c.y, c.x, c.w, c.b, c.running_mean, c.running_var, c.n, c.li.in.c, c.li.in.h * c.li.in.w,
                         c.training);
}
void batchnorm_torch(const LayerSpec&, const LayerInfo& li, TorchModules* t) {
  const int c = t->flat ? int(li.in.size()) : li.in.c;
  const std::string cs = strf("(%d,)", c);
  for (const char* what : {"weight", "bias", "running_mean", "running_var"})
    t->names.push_back({strf("layers.%d.%s", t->module, what), cs, c});
  t->add(strf("nn.BatchNorm%dd(%d, eps=1e-5, momentum=0.1)", t->flat ? 1 : 2, c));
}

const char* const kConvHelp =
    "conv takes: the number of maps N, kK or kKHxKW (kernel), sS or sSHxSW (stride, default 1), pP or "
    "pPHxPW or same, valid (default), full (padding), dD (dilation, default 1), nobias; e.g. `conv 6 k5 p2`";
const char* const kPoolHelp =
    "pools take: kK or kKHxKW (window), sS (stride, default = window), pP (padding, default 0); e.g. "
    "`maxpool k2` or `maxpool k3 s2`";

}  // namespace

extern const LayerKindDesc kGmaxpoolKind;  // layers_gmaxpool.cpp

namespace {

#define FIELDS(a) a, int(sizeof(a) / sizeof(a[0]))
#define NO_FIELDS nullptr, 0

// One description per kind: kind, keyword, alias, options help, has parameters, options_text,
// analyze, buffers, forward, backward, ref_forward, torch, designer defaults, fields.
const LayerKindDesc kConvKind = {LayerKind::conv, "conv", nullptr, kConvHelp, true,
     conv_text, conv_analyze, conv_buffers, conv_forward, conv_backward, conv_ref, conv_torch, conv_defaults, FIELDS(kConvFields)};
const LayerKindDesc kMaxpoolKind = {LayerKind::maxpool, "maxpool", nullptr, kPoolHelp, false,
     pool_text, pool_analyze, maxpool_buffers, maxpool_fwd, maxpool_bwd, maxpool_ref, maxpool_torch, pool_defaults, FIELDS(kPoolFields)};
const LayerKindDesc kAvgpoolKind = {LayerKind::avgpool, "avgpool", nullptr, kPoolHelp, false,
     pool_text, pool_analyze, nullptr, avgpool_fwd, avgpool_bwd, avgpool_ref, avgpool_torch, pool_defaults, FIELDS(kPoolFields)};
const LayerKindDesc kGapKind = {LayerKind::gap, "gap", nullptr, "", false,
     nullptr, gap_analyze, nullptr, gap_fwd, gap_bwd, gap_ref, gap_torch, nullptr, NO_FIELDS};
const LayerKindDesc kDenseKind = {LayerKind::dense, "dense", "fc", "dense takes: the number of outputs N, nobias; e.g. `dense 10`", true,
     dense_text, dense_analyze, dense_buffers, dense_fwd, dense_bwd, dense_ref, dense_torch, dense_defaults, FIELDS(kDenseFields)};
const LayerKindDesc kFlattenKind = {LayerKind::flatten, "flatten", nullptr, "", false,
     nullptr, flatten_analyze, nullptr, flatten_fwd, flatten_bwd, flatten_ref, flatten_torch, nullptr, NO_FIELDS};
const LayerKindDesc kReluKind = {LayerKind::relu, "relu", nullptr, "", false,
     nullptr, nullptr, nullptr, relu_fwd, relu_bwd, relu_ref, relu_torch, nullptr, NO_FIELDS};
const LayerKindDesc kLeakyreluKind = {LayerKind::leakyrelu, "leakyrelu", nullptr,
     "leakyrelu takes: aA, the slope for negative inputs (default 0.01); e.g. `leakyrelu a0.1`", false,
     leakyrelu_text, leakyrelu_analyze, nullptr, leakyrelu_fwd, leakyrelu_bwd, leakyrelu_ref, leakyrelu_torch, nullptr,
     FIELDS(kLeakyReluFields)};
const LayerKindDesc kSigmoidKind = {LayerKind::sigmoid, "sigmoid", nullptr, "", false,
     nullptr, nullptr, nullptr, sigmoid_fwd, sigmoid_bwd, sigmoid_ref, sigmoid_torch, nullptr, NO_FIELDS};
const LayerKindDesc kTanhKind = {LayerKind::tanh, "tanh", nullptr, "", false,
     nullptr, nullptr, nullptr, tanh_fwd, tanh_bwd, tanh_ref, tanh_torch, nullptr, NO_FIELDS};
const LayerKindDesc kSoftmaxKind = {LayerKind::softmax, "softmax", nullptr, "", false,
     nullptr, nullptr, nullptr, softmax_fwd, softmax_bwd, softmax_ref, softmax_torch, nullptr, NO_FIELDS};
const LayerKindDesc kDropoutKind = {LayerKind::dropout, "dropout", nullptr,
     "dropout takes: the probability of dropping a unit (default 0.5); e.g. `dropout 0.25`", false,
     dropout_text, dropout_analyze, dropout_buffers, dropout_fwd, dropout_bwd, dropout_ref, dropout_torch, nullptr,
     FIELDS(kDropoutFields)};
const LayerKindDesc kBatchnormKind = {LayerKind::batchnorm, "batchnorm", nullptr, "", true,
     nullptr, batchnorm_analyze, batchnorm_buffers, batchnorm_fwd, batchnorm_bwd, batchnorm_ref, batchnorm_torch,
     nullptr, NO_FIELDS};

// The table: one row per kind, in LayerKind order.
const LayerKindDesc* const kKinds[] = {
    &kConvKind,
    &kMaxpoolKind,
    &kAvgpoolKind,
    &kGapKind,
    &kDenseKind,
    &kFlattenKind,
    &kReluKind,
    &kLeakyreluKind,
    &kSigmoidKind,
    &kTanhKind,
    &kSoftmaxKind,
    &kDropoutKind,
    &kBatchnormKind,
    &kGmaxpoolKind,
};
constexpr int kNumKinds = int(sizeof(kKinds) / sizeof(kKinds[0]));

}  // namespace

const LayerKindDesc* const* layer_kinds(int* count) {
  *count = kNumKinds;
  return kKinds;
}

const LayerKindDesc& layer_kind_desc(LayerKind k) {
  const int i = int(k);
  return *kKinds[i >= 0 && i < kNumKinds ? i : 0];
}

const char* layer_kind_name(LayerKind k) {
  const int i = int(k);
  return i >= 0 && i < kNumKinds ? kKinds[i]->name : "?";
}

int layer_kind_count() { return kNumKinds; }

LayerKind layer_kind_at(int i) { return kKinds[i >= 0 && i < kNumKinds ? i : 0]->kind; }

LayerSpec default_layer(LayerKind k) {
  LayerSpec l;
  l.kind = k;
  if (const auto defaults = layer_kind_desc(k).defaults) defaults(&l);
  return l;
}

const LayerField* layer_fields(LayerKind k, int* count) {
  const LayerKindDesc& d = layer_kind_desc(k);
  *count = d.num_fields;
  return d.fields;
}

}  // namespace cnn
