// explain.h: the sentences the page shows beside the analysis, the Backprop view and the training
// switches, made from the model they describe. They live in the engine so that doctests check
// every number and claim in them (issue 15, items 5-11); the page only draws them.
#pragma once
#include <cstdint>
#include <string>

#include "cnn/spec.h"

namespace cnn {

// --- Analysis table: the "start" column (issue 15.5) ---
// The rows and columns the first unit's field covers: start - (size - 1)/2 .. start + (size - 1)/2.
// It reaches into the padding exactly when a first coordinate is below 0 (AlexNet's conv 96 k11 s4
// p2: start 3, size 11, rows -2..8). A negative start alone is not the condition.
struct FieldSpan {
  double first[2] = {0, 0}, last[2] = {0, 0};  // rows, columns (input coordinates)
  bool in_padding = false;                     // first[0] < 0 || first[1] < 0
};
FieldSpan field_span(const ReceptiveField& rf);
// The column header's tooltip.
extern const char* const kStartColumnHelp;
// A start cell's tooltip: the span of this layer's first field and whether it reaches the padding.
std::string field_start_text(const ReceptiveField& rf);

// --- Analysis: the AlexNet 55-or-56 note (issue 15.6) ---
// For a convolution with 11x11 kernels, stride 4 and no dilation on a 224-row input: the paper's
// 55 against this layer's size, and its parameter count computed from the layer itself
// ("(3*11*11 + 1)*96 = 34,944" for AlexNet's; another channel count, map count or bias gives
// another formula). Empty for any other layer.
std::string alexnet_size_note(const LayerSpec& l, const LayerInfo& li);

// --- Dilation (issue 15.7) ---
// The receptive-field cell's tooltip: r = r_prev + (k_eff - 1) * jump_prev with this layer's
// numbers, k_eff = d(k - 1) + 1 the effective (dilated) kernel. `prev` is the field of the layer
// below (ReceptiveField() for the first layer: one pixel, jump 1).
std::string field_size_text(const LayerSpec& l, const ReceptiveField& prev, const LayerInfo& li);
// The designer's padding tooltip for this layer: `full` pads k_eff - 1 on each side (with its value).
std::string padding_help(const LayerSpec& l);

// --- Backprop view (issues 15.8, 15.10, 15.11) ---
// The text of step `step` of Algorithm 1 on a network of L = m.layers.size() layers: steps 0..L
// forward, L + 1 the loss and g = dl/dp, then one step per layer j = L..1. Equation 2 (dl/dw) only
// for layers with parameters; ReLU, pooling, softmax, ... pass g on (equation 3) and nothing else.
// `label`: the sample's class name (step 0); `loss`: the sample's loss (step L + 1).
std::string backprop_step_text(const ModelSpec& m, const ModelInfo& info, int step, double loss,
                               const std::string& label);
// Said once where Algorithm 1 is stepped through: our j counts every line of model text, the
// notes' layer j is "linear + activation (+ pooling)". With this network's two counts.
std::string layer_numbering_note(const ModelSpec& m);
// The gradient check's "kinks" column: where no derivative exists, what the engine takes (ReLU'(0)
// = 1 as in the notes, a max-pool tie to the first maximum, which the notes allow).
std::string kinks_note();
// The notes' Figure 3 on the page: the field of `unit` (along the rows) of the top layer, with its
// 2D size rows x columns (not rows^2: kernels need not be square).
std::string figure3_field_text(const LayerSpec& top, const LayerInfo& top_info, int64_t unit);

// --- Training panel, Predict, totals (issue 15.9) ---
// The SIMD switch's tooltip: `lanes` floats per instruction for this build's ISA (avx2: 8, sse2,
// neon and wasm SIMD128: 4; simd_lanes() in kernels.h).
std::string simd_switch_help(const char* isa_label, int lanes);
// What the Predict bars show: "softmax scores p" after a final softmax, "sigmoid outputs" after a
// final sigmoid, "network outputs" otherwise.
const char* output_bars_label(const ModelSpec& m);
// Under the analysis table: the convolutions' parameters (weights and biases) against the weights
// fully connected layers with the same shapes would need.
std::string conv_totals_text(int64_t conv_params, int64_t fc_weights);

}  // namespace cnn
