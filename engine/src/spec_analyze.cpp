// spec_analyze.cpp: per-layer analysis of a ModelSpec without building the network: output shapes
// (with the arithmetic), parameters (with the formula), receptive fields, multiply-accumulates,
// activation memory, and the notes' fully-connected comparison.
//
// Conventions (documented here once, shown by the page and the CLI):
// - Output size per axis: floor((in + pad_total - d*(k-1) - 1)/s) + 1. `same`: out = ceil(in/s),
//   pad_total = max((out-1)*s + d*(k-1) + 1 - in, 0), top/left = floor(pad_total/2); `full`:
//   d*(k-1) on each side; `valid`: none.
// - Receptive field per axis, with k_eff = d*(k-1) + 1:
//     size_out = size_in + (k_eff-1)*jump_in;  jump_out = jump_in*s;
//     start_out = start_in + ((k_eff-1)/2 - pad_top_or_left)*jump_in.
//   Activations, dropout, batchnorm, flatten and softmax keep the field of their input. After dense
//   or gap every unit sees the whole input: whole_input = true, size = the input's H and W,
//   jump = 0 (there is no neighbouring unit), start = the input's centre.
// - Multiply-accumulates per sample: conv out_h*out_w*N*Cin*kh*kw, dense in*out. Pools,
//   activations, batchnorm, dropout and softmax count 0 (they are a few operations per value, not
//   multiply-accumulates with weights; torchinfo counts the same way for conv/dense).
// - activation_floats: each layer's output, per sample (what backward reads); the model total adds
//   the input. Training memory is the memory plan (memory_plan.cpp) at a batch of kBudgetBatch.
// - The memory budget does not limit the analysis (VGG-16 on 224x224x3 is analyzed; only building
//   it for training is refused). What keeps the arithmetic safe instead: all of it is int64 and
//   saturating, and no activation may hold more than kMaxValuesPerSample values, so every shape
//   fits an int whatever the text says.
#include <cstdint>
#include <limits>
#include <string>

#include "cnn/spec.h"
#include "layer_table.h"

namespace cnn {
namespace {

constexpr int64_t kSat = std::numeric_limits<int64_t>::max();

int64_t smul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return kSat;
  return r;
}
int64_t sadd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return kSat;
  return r;
}

std::string shape_text(int64_t h, int64_t w) { return num(h) + "x" + num(w); }
using cnn::shape_text;  // of a Shape (format.h)

struct Axis {
  int64_t out = 0;
  int pad_lo = 0, pad_hi = 0;
  int64_t k_eff = 1;
  int64_t padded = 0;    // in + pad_lo + pad_hi
  int64_t leftover = 0;  // rows of the padded input no window reaches (stride does not divide)
  std::string formula;
};

// One spatial axis of a conv or pool. Returns false when the (dilated) kernel does not fit.
bool axis(int64_t in, int64_t k, int64_t s, int64_t d, Padding padding, int64_t p, Axis* a) {
  a->k_eff = d * (k - 1) + 1;  // d, k <= kMaxSize: fits easily
  std::string kstr = d == 1 ? num(k) : "(" + num(d) + "*(" + num(k) + " - 1) + 1)";
  if (padding == Padding::same) {
    a->out = (in + s - 1) / s;
    int64_t total = (a->out - 1) * s + a->k_eff - in;
    if (total < 0) total = 0;
    a->pad_lo = int(total / 2);
    a->pad_hi = int(total - total / 2);
    a->padded = in + total;
    a->leftover = 0;
    // "ceil(224/4) = 56, padding 3 + 4": the split is shown because it is not symmetric.
    a->formula = (s == 1 ? num(a->out) : "ceil(" + num(in) + "/" + num(s) + ") = " + num(a->out)) + ", padding " +
                 num(a->pad_lo) + " + " + num(a->pad_hi);
    return true;
  }
  int64_t pp = padding == Padding::explicit_pad ? p : padding == Padding::full ? a->k_eff - 1 : 0;
  a->pad_lo = int(pp);
  a->pad_hi = int(pp);
  a->padded = in + 2 * pp;
  if (a->k_eff > a->padded) return false;
  a->out = (a->padded - a->k_eff) / s + 1;
  a->leftover = (a->padded - a->k_eff) % s;
  std::string inner = num(in);
  if (pp > 0) inner += " + 2*" + num(pp);
  inner += " - " + kstr;
  a->formula = s == 1 ? inner + " + 1 = " + num(a->out) : "floor((" + inner + ")/" + num(s) + ") + 1 = " + num(a->out);
  return true;
}

// Receptive field through a conv or pool along one axis (saturating: jumps can grow as s^L).
void rf_step(ReceptiveField* rf, int ax, int64_t k_eff, int64_t s, int pad_lo) {
  int64_t j = rf->jump[ax];
  rf->start[ax] += (double(k_eff - 1) / 2.0 - double(pad_lo)) * double(j);
  rf->size[ax] = sadd(rf->size[ax], smul(k_eff - 1, j));
  rf->jump[ax] = smul(j, s);
}

class Analyzer {
 public:
  Analyzer(const ModelSpec& m, SpecError* err) : m_(m), err_(err) {}

  bool fail(int line, int column, int layer, std::string message, std::string hint) {
    if (err_) {
      err_->line = line;
      err_->column = column;
      err_->layer = layer;
      err_->message = std::move(message);
      err_->hint = std::move(hint);
    }
    return false;
  }

  bool run(ModelInfo* out) {
    const Shape& in = m_.input;
    const int il = m_.input_line > 0 ? m_.input_line : 1;
    if (in.h < 1 || in.w < 1 || in.c < 1)
      return fail(il, 1, 0, "input size " + shape_text(in) + " must be at least 1 in every dimension",
                  "write HxWxC with positive numbers, e.g. `input 28x28x1`");
    if (in.h > kMaxSize || in.w > kMaxSize || in.c > kMaxSize)
      return fail(
          il, 1, 0,
          "input size " + shape_text(in) + " is too large (the limit is " + with_commas(kMaxSize) + " per dimension)",
          "use a smaller input");
    if (m_.layers.empty())
      return fail(il, 1, 0, "the model has no layers after `input`",
                  "add layers, one per line or separated by `;`, e.g. `dense 10` then `softmax`");
    if (int(m_.layers.size()) > kMaxLayers)
      return fail(m_.layers[size_t(kMaxLayers)].line, m_.layers[size_t(kMaxLayers)].column, kMaxLayers + 1,
                  "too many layers: the limit is " + std::to_string(kMaxLayers),
                  "the page cannot train deeper stacks; remove layers");

    ModelInfo info;
    info.input = in;
    info.total_activation_floats = in.size();
    if (in.size() > kMaxValuesPerSample)
      return too_many_values(il, 1, 0, in.size(), "use a smaller input (height, width or channels)");

    Shape cur = in;
    ReceptiveField rf;
    for (size_t i = 0; i < m_.layers.size(); ++i) {
      const LayerSpec& l = m_.layers[i];
      const int index = int(i) + 1;
      LayerInfo li;
      li.in = cur;
      li.rf = rf;
      if (l.kind == LayerKind::softmax) {
        if (i + 1 != m_.layers.size()) {
          const LayerSpec& nx = m_.layers[i + 1];
          return fail(l.line, l.column, index,
                      "`softmax` must be the last layer, but `" + layer_to_text(nx) + "` (line " + num(nx.line) +
                          ") follows it",
                      "move softmax to the end (it turns the scores into class probabilities for "
                      "the cross-entropy loss), or remove it");
        }
        if (cur.h != 1 || cur.w != 1)
          return fail(l.line, l.column, index,
                      "`softmax` needs a flat input (1x1xC scores), but gets " + shape_text(cur),
                      "put `dense N` (N = number of classes) or `gap` before softmax");
      }
      LayerAnalysis a{l, index, m_.input, li, rf, cur.h, cur.w, cur.c, err_};
      if (const auto analyze = layer_kind_desc(l.kind).analyze)
        if (!analyze(a)) return false;
      const int64_t oh = a.oh, ow = a.ow, oc = a.oc;
      li.rf = rf;
      int64_t out_size = smul(smul(oh, ow), oc);
      li.activation_floats = out_size;
      info.total_params = sadd(info.total_params, li.params);
      info.total_macs = sadd(info.total_macs, li.macs);
      info.total_activation_floats = sadd(info.total_activation_floats, out_size);
      if (out_size > kMaxValuesPerSample) return too_many_values(l, index, cur, out_size);
      // Every dimension and size is below 2^31 now, so the narrowing below is exact.
      li.out = Shape{int(oh), int(ow), int(oc)};
      cur = li.out;
      info.layers.push_back(std::move(li));
    }
    if (info.total_macs == kSat)
      return fail(m_.layers.back().line, m_.layers.back().column, int(m_.layers.size()),
                  "the model needs more multiply-accumulates than can be counted", "use fewer maps or smaller kernels");
    info.memory = plan_memory(m_, info, int(kBudgetBatch));
    info.training_bytes = info.memory.training_bytes;
    for (size_t i = 0; i < info.layers.size(); ++i) info.layers[i].train_bytes = info.memory.layers[i].bytes;
    if (out) *out = std::move(info);
    return true;
  }

 private:
  std::string values_text(int64_t values) const {
    return (values == kSat ? std::string("more than 2^63") : with_commas(values)) +
           " values per sample, more than the " + with_commas(kMaxValuesPerSample) + " the analysis can count";
  }

  bool too_many_values(int line, int column, int layer, int64_t values, const std::string& hint) {
    return fail(line, column, layer, "input too large: " + values_text(values), hint);
  }

  bool too_many_values(const LayerSpec& l, int index, const Shape& in, int64_t out_size) {
    std::string hint;
    int col = l.column;
    if (l.kind == LayerKind::dense || l.kind == LayerKind::conv) {
      hint = l.kind == LayerKind::dense ? "use fewer outputs"
                                        : "use fewer maps, a stride (sS), or pooling before this layer";
      if (l.units_column) col = l.units_column;
    } else {
      hint = "shrink the maps earlier (pooling or a stride) or use fewer maps or a smaller input";
    }
    return fail(l.line, col, index,
                "layer too large: its output from " + shape_text(in) + " holds " + values_text(out_size), hint);
  }

  const ModelSpec& m_;
  SpecError* err_;
};

}  // namespace

bool LayerAnalysis::fail(int column, std::string message, std::string hint) {
  if (err) {
    err->line = l.line;
    err->column = column;
    err->layer = index;
    err->message = std::move(message);
    err->hint = std::move(hint);
  }
  return false;
}

bool LayerAnalysis::check(int column, const char* what, int64_t v, int64_t lo, const char* hint) {
  if (v >= lo && v <= kMaxSize) return true;
  return fail(column ? column : l.column,
              "`" + std::string(layer_kind_name(l.kind)) + "`: " + what + " " + num(v) +
                  (v < 1 ? " must be at least 1" : " is too large (the limit is " + with_commas(kMaxSize) + ")"),
              hint);
}

void analyze_whole_map(LayerAnalysis& a, const char* note) {
  a.oh = a.ow = 1;
  a.li.shape_formula = "1x1x" + num(a.li.in.c);
  ReceptiveField* rf = &a.rf;
  rf->whole_input = true;
  rf->size[0] = a.model_input.h;
  rf->size[1] = a.model_input.w;
  rf->jump[0] = rf->jump[1] = 0;
  rf->start[0] = (a.model_input.h - 1) / 2.0;
  rf->start[1] = (a.model_input.w - 1) / 2.0;
  if (note && *note) a.li.note = note;
}

namespace {

// The (dilated) kernel or window does not fit its padded input: say why, and what to change.
bool too_small(LayerAnalysis& a, bool conv) {
  const LayerSpec& l = a.l;
  const Shape& in = a.li.in;
  const Shape& model_in = a.model_input;
  const bool dilated = conv && (l.dh != 1 || l.dw != 1);
  int64_t keh = conv ? int64_t(l.dh) * (l.kh - 1) + 1 : l.kh;
  int64_t kew = conv ? int64_t(l.dw) * (l.kw - 1) + 1 : l.kw;
  int64_t ph = l.padding == Padding::explicit_pad ? l.ph : l.padding == Padding::full ? keh - 1 : 0;
  int64_t pw = l.padding == Padding::explicit_pad ? l.pw : l.padding == Padding::full ? kew - 1 : 0;
  std::string padded = shape_text(in.h + 2 * ph, in.w + 2 * pw);
  std::string kernel = shape_text(l.kh, l.kw);
  std::string span = dilated ? kernel + " with dilation " + shape_text(l.dh, l.dw) + " spans " + shape_text(keh, kew)
                             : kernel;
  const char* what = conv ? "kernel" : "window";
  int col = l.kernel_column ? l.kernel_column : l.column;
  bool shrunk = in.h < model_in.h || in.w < model_in.w;
  if (shrunk) {
    return a.fail(col,
                  "output shrinks to nothing: the maps shrink from " + shape_text(model_in.h, model_in.w) +
                      " (input) to " + shape_text(in.h, in.w) + " before this layer, and its " + what + " " + span +
                      " does not fit in " + padded + " (with padding)",
                  "remove a pooling layer or a stride before it, pad earlier convolutions (`same`), "
                  "use a smaller " +
                      std::string(what) + " here, or start from a larger input");
  }
  return a.fail(col,
                std::string(what) + " " + span + " is larger than its padded input " + padded + " (input " +
                    shape_text(in.h, in.w) + ")",
                std::string("use a smaller ") + what + ", add padding (" + (conv ? "pP or `same`" : "pP") +
                    "), or use a larger input");
}

}  // namespace

bool analyze_window(LayerAnalysis& a, bool conv) {
  const LayerSpec& l = a.l;
  if (!a.check(l.kernel_column, "kernel size", l.kh, 1, "e.g. k5")) return false;
  if (!a.check(l.kernel_column, "kernel size", l.kw, 1, "e.g. k5")) return false;
  if (!a.check(l.stride_column, "stride", l.sh, 1, "e.g. s2")) return false;
  if (!a.check(l.stride_column, "stride", l.sw, 1, "e.g. s2")) return false;
  const int pad_col = l.pad_column ? l.pad_column : l.column;
  if (l.padding == Padding::explicit_pad) {
    if (l.ph < 0 || l.pw < 0 || l.ph > kMaxSize || l.pw > kMaxSize)
      return a.fail(pad_col, "padding " + shape_text(l.ph, l.pw) + " must be between 0 and " + with_commas(kMaxSize),
                    "e.g. p2");
  }
  if (!conv) {
    if (l.padding == Padding::same || l.padding == Padding::full)
      return a.fail(pad_col, "pools take explicit padding pP only, not `same` or `full`", "e.g. p1");
    if (l.padding == Padding::explicit_pad && (2 * l.ph > l.kh || 2 * l.pw > l.kw))
      return a.fail(pad_col,
                    "padding " + shape_text(l.ph, l.pw) + " is more than half the " + shape_text(l.kh, l.kw) +
                        " pooling window: some windows would see only padding",
                    "use at most half the window, e.g. `maxpool k3 s2 p1`");
  }
  const Shape& cur = a.li.in;
  LayerInfo& li = a.li;
  Axis ar, ac;
  bool okr = axis(cur.h, l.kh, l.sh, conv ? l.dh : 1, l.padding, l.ph, &ar);
  bool okc = axis(cur.w, l.kw, l.sw, conv ? l.dw : 1, l.padding, l.pw, &ac);
  if (!okr || !okc) return too_small(a, conv);
  a.oh = ar.out;
  a.ow = ac.out;
  a.oc = conv ? l.units : cur.c;
  li.pad = Pad4{ar.pad_lo, ac.pad_lo, ar.pad_hi, ac.pad_hi};
  li.shape_formula = ar.formula == ac.formula ? ar.formula : "rows " + ar.formula + ", cols " + ac.formula;
  if (ar.leftover || ac.leftover) {
    int64_t lo = ar.leftover ? ar.leftover : ac.leftover;
    li.note = "the stride does not divide the padded input minus the window (" +
              num(ar.leftover ? ar.padded : ac.padded) + " - " + num(ar.leftover ? ar.k_eff : ac.k_eff) + "), so " +
              (lo == 1 ? std::string("the last row/column of the padded input is")
                       : "the last " + num(lo) + " rows/columns of the padded input are") +
              " never read: the floor in the formula drops " + (lo == 1 ? "it" : "them");
  }
  if (l.sh > ar.k_eff || l.sw > ac.k_eff)
    li.note = "the stride " + shape_text(l.sh, l.sw) + " is larger than the " + shape_text(ar.k_eff, ac.k_eff) +
              " window, so the pixels between windows "
              "are never read";
  if (l.padding == Padding::same && (li.pad.top != li.pad.bottom || li.pad.left != li.pad.right))
    li.note = "`same` pads " + num(li.pad.top + li.pad.bottom) + " rows and " + num(li.pad.left + li.pad.right) +
              " columns in total; the odd one goes at the bottom/right";
  rf_step(&a.rf, 0, ar.k_eff, l.sh, ar.pad_lo);
  rf_step(&a.rf, 1, ac.k_eff, l.sw, ac.pad_lo);
  return true;
}

bool analyze_model(const ModelSpec& m, ModelInfo* out, SpecError* err) {
  Analyzer a(m, err);
  return a.run(out);
}

bool parse_and_analyze(std::string_view text, ModelSpec* spec, ModelInfo* info, SpecError* err) {
  ModelSpec local;
  ModelSpec* s = spec ? spec : &local;
  if (!parse_model(text, s, err)) return false;
  return analyze_model(*s, info, err);
}

}  // namespace cnn
