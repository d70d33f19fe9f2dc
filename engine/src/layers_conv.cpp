// Convolution as im2col + GEMM (darknet's classic path): per sample, the receptive windows are
// copied into the columns of a matrix, then one GEMM with the weights computes every output map.
// Backward: dW += dY col^T (GEMM with a transpose), dcol = W^T dY, then col2im scatters dcol back.
#include <algorithm>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/parallel.h"
#include "layer_table.h"

namespace cnn {

ConvDims conv_dims(const LayerSpec& l, const LayerInfo& info) {
  ConvDims d = window_dims<ConvDims>(l, info);
  d.oc = info.out.c;
  d.dh = l.dh;
  d.dw = l.dw;
  d.bias = l.bias;
  return d;
}

// The copies are kernels (kernel_list.inc rows im2col and col2im_add): their SIMD versions and their
// scalar references live in engine/kernels/im2col.cpp.
static Im2colShape im2col_shape(const ConvDims& d) {
  return Im2colShape{d.c, d.h, d.w, d.oh, d.ow, d.kh, d.kw, d.sh, d.sw, d.dh, d.dw, d.pad.top, d.pad.left};
}

void im2col(float* col, const float* x, const ConvDims& d) { im2col_f32(col, x, im2col_shape(d)); }

void col2im_add(float* dx, const float* col, const ConvDims& d) { col2im_add_f32(dx, col, im2col_shape(d)); }

void conv2d_forward_sample(float* ys, float* col, const float* xs, const float* w, const float* b, const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols());
  const float* cols = xs;
  if (d.needs_im2col()) {
    im2col(col, xs, d);
    cols = col;
  }
  sgemm(false, false, d.oc, P, K, 1.0f, w, K, cols, P, 0.0f, ys, P);
  if (b) {
    for (int m = 0; m < d.oc; ++m) {
      float* r = ys + int64_t(m) * P;
      const float bm = b[m];
      for (int p = 0; p < P; ++p) r[p] += bm;
    }
  }
}

void conv2d_input_grad_sample(float* dxs, float* col, const float* w, const float* dys, const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols());
  if (d.needs_im2col()) {
    sgemm(true, false, K, P, d.oc, 1.0f, w, K, dys, P, 0.0f, col, P);
    col2im_add(dxs, col, d);
  } else {
    // dX (K x P) += W^T (K x oc) * dY (oc x P), straight into dx
    sgemm(true, false, K, P, d.oc, 1.0f, w, K, dys, P, 1.0f, dxs, P);
  }
}

// Threads (parallel.h): forward splits the samples; each sample is computed whole by one thread.
void conv2d_forward(float* y, float* col, const float* x, const float* w, const float* b, int n, const ConvDims& d) {
  const int64_t K = d.col_rows(), P = d.col_cols();
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * P;
  parallel_run(n, int64_t(n) * d.oc * K * P, [&](int t, int nt) {
    const Range r = split_range(n, t, nt);
    float* my_col = t == 0 ? col : thread_scratch(t, size_t(K * P));
    for (int64_t s = r.begin; s < r.end; ++s) conv2d_forward_sample(y + s * out_size, my_col, x + s * in_size, w, b, d);
  });
}

// out[m] += the sum of row m of r (rows x cols), for each m: each row summed from 0.0f in its order,
// as the plain loop `acc += r[p]` does, but eight rows at a time. One row's sum is a chain of
// dependent additions (one every 4 cycles or so); eight independent chains overlap, and the sums keep
// their bits.
static void add_row_sums(float* out, const float* r, int64_t rows, int cols) {
  constexpr int kRows = 8;
  int64_t m = 0;
  for (; m + kRows <= rows; m += kRows) {
    float acc[kRows] = {};
    const float* rm = r + m * cols;
    for (int p = 0; p < cols; ++p)
      for (int j = 0; j < kRows; ++j) acc[j] += rm[int64_t(j) * cols + p];
    for (int j = 0; j < kRows; ++j) out[m + j] += acc[j];
  }
  for (; m < rows; ++m) {
    const float* rm = r + m * cols;
    float acc = 0.0f;
    for (int p = 0; p < cols; ++p) acc += rm[p];
    out[m] += acc;
  }
}

// Backward with threads: the input gradient is per sample, so thread t takes samples split_range(n,
// t); the weight and bias gradients sum over the samples, so thread t takes a block of them (input
// channels [c0, c1) of dW when there are enough channels, else output maps [m0, m1) of dW and db)
// and adds every sample into it in the batch's order, as one thread does. No sum crosses threads:
// the bits do not depend on the thread count.
//   db[m]         += sum_p dY[m][p]
//   dW (oc x K)   += dY (oc x P) * cols^T (P x K)
//   dX            += col2im(W^T (K x oc) * dY (oc x P))
void conv2d_backward(float* dx, float* dw, float* db, float* col, const float* dy, const float* x, const float* w,
                     int n, const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols()), kk = d.kh * d.kw;
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * P, plane = int64_t(d.h) * d.w;
  const bool direct = !d.needs_im2col();
  const int64_t macs = int64_t(n) * d.oc * K * P * ((dw ? 1 : 0) + (dx ? 1 : 0));
  const int64_t parts = std::max<int64_t>({int64_t(dx ? n : 1), int64_t(dw || db ? std::max(d.c, d.oc) : 1)});
  parallel_run(parts, macs, [&](int t, int nt) {
    float* my_col = t == 0 ? col : thread_scratch(t, size_t(K) * P);
    // The weight gradient's block: input channels when each thread gets at least one, else maps.
    const bool by_channels = d.c >= nt;
    const Range ch = by_channels ? split_range(d.c, t, nt) : Range{0, d.c};
    const Range maps = by_channels ? Range{0, d.oc} : split_range(d.oc, t, nt);
    if (db) {
      const Range bm = split_range(d.oc, t, nt);
      for (int s = 0; s < n; ++s) add_row_sums(db + bm.begin, dy + s * out_size + bm.begin * P, bm.size(), P);
    }
    if (dw && ch.size() > 0 && maps.size() > 0) {
      const int c0 = int(ch.begin), cn = int(ch.size()), m0 = int(maps.begin), mn = int(maps.size());
      const int kb = cn * kk;  // columns c0*kk .. of dW
      ConvDims dc = d;         // the channels [c0, c0 + cn) of the input
      dc.c = cn;
      for (int s = 0; s < n; ++s) {
        const float* xs = x + s * in_size + c0 * plane;
        const float* cols = xs;
        if (!direct) {
          im2col(my_col, xs, dc);
          cols = my_col;
        }
        // dW[m0.., c0*kk..] (mn x kb) += dY[m0..] (mn x P) * cols^T (P x kb)
        sgemm(false, true, mn, kb, P, 1.0f, dy + s * out_size + int64_t(m0) * P, P, cols, P, 1.0f,
              dw + int64_t(m0) * K + int64_t(c0) * kk, K);
      }
    }
    if (dx) {
      const Range r = split_range(n, t, nt);
      for (int64_t s = r.begin; s < r.end; ++s)
        conv2d_input_grad_sample(dx + s * in_size, my_col, w, dy + s * out_size, d);
    }
  });
}

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

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
                  "the dilated kernel spans more than " + with_commas(kMaxSize) + " pixels (dilation*(kernel - 1) + 1)",
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
  if (c.dx || c.dw || c.db)
    conv2d_backward(c.dx, c.dw, c.db, c.net->workspace.data(), c.dy, c.x, c.p.w, c.n, conv_dims(c.l, c.li));
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
    t->comment(strf("PyTorch's padding= is symmetric: pad rows %d top, %d bottom, cols %d left, %d right", p.top,
                    p.bottom, p.left, p.right));
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
const char* const kConvHelp =
    "conv takes: the number of maps N, kK or kKHxKW (kernel), sS or sSHxSW (stride, default 1), pP or "
    "pPHxPW or same, valid (default), full (padding), dD (dilation, default 1), nobias; e.g. `conv 6 k5 p2`";

}  // namespace

extern const LayerKindDesc kConvKind;
const LayerKindDesc kConvKind = {
    LayerKind::conv, "conv",       nullptr,       kConvHelp, true,       conv_text,     conv_analyze,
    conv_buffers,    conv_forward, conv_backward, conv_ref,  conv_torch, conv_defaults, LAYER_FIELDS(kConvFields)};

}  // namespace cnn
