// explain.cpp: the page's explanatory sentences, computed from the model (explain.h).
#include "cnn/explain.h"

#include <cstdio>

#include "cnn/format.h"

namespace cnn {

namespace {

std::string num(int64_t v) { return std::to_string(v); }

// 3.0 -> "3", -2.5 -> "-2.5": field coordinates are whole or half pixels.
std::string coord(double v) {
  char buf[32];
  if (v == double(int64_t(v))) std::snprintf(buf, sizeof buf, "%lld", (long long)v);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

bool is_spatial(LayerKind k) { return k == LayerKind::conv || k == LayerKind::maxpool || k == LayerKind::avgpool; }

// One axis of the receptive-field recurrence with this layer's numbers.
std::string field_axis(int64_t k, int64_t d, int64_t prev_size, int64_t prev_jump, int64_t size) {
  const int64_t keff = d * (k - 1) + 1;
  std::string s = "r = r_prev + (k_eff - 1) * jump_prev = " + num(prev_size) + " + (" + num(keff) + " - 1) * " +
                  num(prev_jump) + " = " + num(size);
  if (d != 1) s += ", with k_eff = d(k - 1) + 1 = " + num(d) + "(" + num(k) + " - 1) + 1 = " + num(keff);
  else s += " (k_eff = k = " + num(k) + ": no dilation)";
  return s;
}

}  // namespace

FieldSpan field_span(const ReceptiveField& rf) {
  FieldSpan f;
  for (int a = 0; a < 2; ++a) {
    const double half = double(rf.size[a] - 1) / 2.0;
    f.first[a] = rf.start[a] - half;
    f.last[a] = rf.start[a] + half;
  }
  f.in_padding = f.first[0] < 0 || f.first[1] < 0;
  return f;
}

const char* const kStartColumnHelp =
    "Input coordinate of the centre of the first unit's receptive field. The field spans\n"
    "start - (size - 1)/2 .. start + (size - 1)/2; where the first of these is below 0, it reaches into the padding";

std::string field_start_text(const ReceptiveField& rf) {
  if (rf.whole_input) return "Every unit sees the whole input: there is no first field to place.";
  const FieldSpan f = field_span(rf);
  std::string s = "The first unit's field is centred at row " + coord(rf.start[0]) + ", column " + coord(rf.start[1]) +
                  " and spans rows " + coord(f.first[0]) + ".." + coord(f.last[0]) + ", columns " + coord(f.first[1]) +
                  ".." + coord(f.last[1]) + ":\n";
  if (f.in_padding)
    s += "it reaches into the padding, because start - (size - 1)/2 = " +
         coord(f.first[0] < 0 ? f.first[0] : f.first[1]) + " < 0.";
  else s += "it lies inside the input, because start - (size - 1)/2 >= 0.";
  return s;
}

std::string alexnet_size_note(const LayerSpec& l, const LayerInfo& li) {
  if (l.kind != LayerKind::conv || li.in.h != 224 || l.kh != 11 || l.sh != 4 || l.dh != 1) return std::string();
  return "55 or 56? The AlexNet paper reports 55x55 maps for 96 kernels of 11x11 with stride 4 on a 224x224 image. "
         "With \"same\" padding the output is ceil(224 / 4) = 56. With \"valid\" (no padding) it is "
         "floor((224 - 11) / 4) + 1 = 54. 55 comes out with 2 pixels of padding on each side, "
         "floor((224 + 2 + 2 - 11) / 4) + 1 = 55, or with a 227x227 input and no padding. This layer gives " +
         num(li.out.h) + "x" + num(li.out.w) + ": change its padding in the designer and watch the number. Its " +
         with_commas(li.params) + " parameters, " + (li.params_formula.empty() ? "0" : li.params_formula) + " = " +
         with_commas(li.params) +
         ", stay the same whatever the padding (the padding changes the maps, not the kernels).";
}

std::string field_size_text(const LayerSpec& l, const ReceptiveField& prev, const LayerInfo& li) {
  const ReceptiveField& rf = li.rf;
  if (rf.whole_input) return "After a dense or global pooling layer every unit sees the whole input.";
  std::string s = "Each unit depends on " + num(rf.size[0]) + " x " + num(rf.size[1]) + " input pixels (" +
                  with_commas(rf.size[0] * rf.size[1]) + " pixels).\n";
  if (!is_spatial(l.kind) || prev.whole_input)
    return s + "The same field as the layer below: this layer does not combine neighbouring pixels.";
  const int64_t dh = l.kind == LayerKind::conv ? l.dh : 1, dw = l.kind == LayerKind::conv ? l.dw : 1;
  const std::string rows = field_axis(l.kh, dh, prev.size[0], prev.jump[0], rf.size[0]);
  const std::string cols = field_axis(l.kw, dw, prev.size[1], prev.jump[1], rf.size[1]);
  if (rows == cols) return s + rows;
  return s + "rows: " + rows + "\ncolumns: " + cols;
}

std::string padding_help(const LayerSpec& l) {
  const int64_t keh = int64_t(l.dh) * (l.kh - 1) + 1, kew = int64_t(l.dw) * (l.kw - 1) + 1;
  std::string full = "full: k_eff - 1 on each side, k_eff = d(k - 1) + 1 the dilated kernel: ";
  if (keh == kew) full += num(keh - 1);
  else full += num(keh - 1) + " rows, " + num(kew - 1) + " columns";
  if (l.dh == 1 && l.dw == 1) full += " here (no dilation: k - 1)";
  else full += " here (dilation " + num(l.dh) + (l.dh == l.dw ? "" : "x" + num(l.dw)) + ")";
  return "same: output = ceil(input / stride)\nvalid: no padding\n" + full + "\nexplicit: the numbers below";
}

std::string backprop_step_text(const ModelSpec& m, const ModelInfo& info, int step, double loss,
                               const std::string& label) {
  const int L = int(m.layers.size());
  char buf[320];
  if (step <= 0) {
    std::snprintf(buf, sizeof buf, "Forward: x^(0) = x_n, the input (label %s).", label.empty() ? "-" : label.c_str());
  } else if (step <= L) {
    const bool w = size_t(step - 1) < info.layers.size() && info.layers[size_t(step - 1)].params > 0;
    if (w)
      std::snprintf(buf, sizeof buf, "Forward: x^(%d) = h^(%d)(x^(%d), w^(%d)), stored for the backward pass.", step,
                    step, step - 1, step);
    else
      std::snprintf(buf, sizeof buf, "Forward: x^(%d) = h^(%d)(x^(%d)) (%s: no weights), stored for the backward pass.",
                    step, step, step - 1, layer_kind_name(m.layers[size_t(step - 1)].kind));
  } else if (step == L + 1) {
    std::snprintf(buf, sizeof buf, "Loss l = %.4f. Backward starts: g = dl/dp = dl/dx^(%d) (equation 4).", loss, L);
  } else {
    const int j = L - (step - L - 2);
    if (j < 1) return std::string();
    const bool w = size_t(j - 1) < info.layers.size() && info.layers[size_t(j - 1)].params > 0;
    if (w)
      std::snprintf(
          buf, sizeof buf,
          "Layer %d (%s): dl/dw^(%d) = g dx^(%d)/dw^(%d) (eq. 2), then g <- g dx^(%d)/dx^(%d) = dl/dx^(%d) (eq. 3).", j,
          layer_kind_name(m.layers[size_t(j - 1)].kind), j, j, j, j, j - 1, j - 1);
    else
      std::snprintf(buf, sizeof buf,
                    "Layer %d (%s) has no weights, so no dl/dw: only g <- g dx^(%d)/dx^(%d) = dl/dx^(%d) (eq. 3).", j,
                    layer_kind_name(m.layers[size_t(j - 1)].kind), j, j - 1, j - 1);
  }
  return buf;
}

std::string layer_numbering_note(const ModelSpec& m) {
  int linear = 0;
  for (const LayerSpec& l : m.layers)
    if (l.kind == LayerKind::conv || l.kind == LayerKind::dense) ++linear;
  const int L = int(m.layers.size());
  return "Layer numbers: here j counts every line of the model text, so ReLU, pooling, flatten and softmax are layers "
         "of their own and this network has J = " +
         num(L) +
         ". The notes' layer j is \"linear + activation (+ pooling)\": "
         "one per convolution or dense layer, J = " +
         num(linear) + " for the same network.";
}

std::string kinks_note() {
  return "kinks: inputs where a finite-difference step crosses a point with no derivative, skipped by the check. "
         "There the engine takes ReLU's derivative at 0 as 1, as the notes do (dh/da = 1 for a >= 0), and sends "
         "a max-pool tie's gradient to the first maximum of the window; the notes give it to one of the tied "
         "maxima, \"say, chosen at random\", so the first is one such choice.";
}

std::string figure3_field_text(const LayerSpec& top, const LayerInfo& ti, int64_t unit) {
  return "One dimension of the receptive field of unit " + num(unit) + " of " + layer_to_text(top) +
         " (rows): " + num(ti.rf.size[0]) + " input pixels; in 2D " + num(ti.rf.size[0]) + " x " + num(ti.rf.size[1]) +
         " = " + with_commas(ti.rf.size[0] * ti.rf.size[1]) +
         " pixels. Each row is a layer's output, placed at the centres of its units' fields; lines are the taps that "
         "reach the top unit; hollow dots are padding.";
}

std::string simd_switch_help(const char* isa_label, int lanes) {
  return std::string("On: ") + isa_label + " kernels, " + num(lanes) + " floats per instruction (" + num(lanes * 32) +
         "-bit vectors), register-blocked matrix products.\n"
         "Off: the scalar reference kernels, one multiply-add at a time.\n"
         "Same results up to float rounding; watch samples/s.";
}

const char* output_bars_label(const ModelSpec& m) {
  if (m.layers.empty()) return "network outputs";
  switch (m.layers.back().kind) {
    case LayerKind::softmax: return "softmax scores p";
    case LayerKind::sigmoid: return "sigmoid outputs";
    default: return "network outputs";
  }
}

std::string conv_totals_text(int64_t conv_params, int64_t fc_weights) {
  return "Its convolutions hold " + with_commas(conv_params) +
         " parameters (weights and biases); fully connected layers with the same shapes would need " +
         with_commas(fc_weights) + " weights.";
}

}  // namespace cnn
