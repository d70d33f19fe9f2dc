// spec.h: the model text format and the architecture analysis (shapes, parameters, receptive
// fields, cost). Nothing here allocates a network: the analysis runs on the text alone, so the
// interface can show it on every keystroke.
//
//   input 28x28x1          # height x width x channels
//   conv 6 k5 p2           # N maps; kK|kKHxKW; sS|sSHxSW; pP|pPHxPW|same|valid|full; dD; nobias
//   relu                   # also leakyrelu [a0.01], sigmoid, tanh, softmax
//   maxpool k2 s2          # also avgpool; kK, sS (default = kernel), pP (default 0)
//   dense 10               # alias fc; flattens its input
//   softmax                # also flatten, gap, dropout 0.5, batchnorm
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cnn {

enum class LayerKind : uint8_t {
  conv, maxpool, avgpool, gap, dense, flatten,
  relu, leakyrelu, sigmoid, tanh, softmax,
  dropout, batchnorm,
};
const char* layer_kind_name(LayerKind k);  // "conv", "maxpool", ...

enum class Padding : uint8_t { explicit_pad, same, valid, full };

// Activation shape of one sample: height x width x channels. A flat vector is 1 x 1 x C.
struct Shape {
  int h = 0, w = 0, c = 0;
  int64_t size() const { return int64_t(h) * w * c; }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

// One line of model text, parsed. Fields a layer kind does not use keep their defaults.
struct LayerSpec {
  LayerKind kind = LayerKind::relu;
  int line = 0, column = 0;  // 1-based position of the layer's keyword (column in characters)
  int units = 0;             // conv: output maps; dense: outputs
  int kh = 1, kw = 1;        // kernel (conv, pools)
  int sh = 1, sw = 1;        // stride
  int dh = 1, dw = 1;        // dilation (conv)
  Padding padding = Padding::valid;
  int ph = 0, pw = 0;        // explicit padding on each side (padding == explicit_pad)
  bool bias = true;          // conv, dense
  float alpha = 0.01f;       // leakyrelu slope for a < 0
  float rate = 0.5f;         // dropout probability of dropping a unit
  // 1-based columns of the options as written (0 = not written), so that errors found by the
  // analysis can point at the offending token rather than at the keyword.
  int units_column = 0, kernel_column = 0, stride_column = 0, pad_column = 0, dilation_column = 0;
  // The learner's comments travel with the layer through edits of the layer list (reorder,
  // duplicate, remove): whole `#` lines just above it, and the `# ...` at the end of its line.
  std::string comment_lines;  // "# ..." lines joined with '\n' ("" = none)
  std::string comment;        // "# ..." after the layer on its line ("" = none)
};

struct ModelSpec {
  Shape input;
  int input_line = 1;
  std::vector<LayerSpec> layers;  // every line after `input`, activations included
  // Comments outside layers: `#` lines above `input`, the one on its line, `#` lines after the last layer.
  std::string head_comment_lines, input_comment, tail_comment_lines;
};

// A message a learner can act on: where (1-based line and column; 0 when it concerns the whole
// model), what is wrong, and what to do about it.
struct SpecError {
  int line = 0, column = 0;
  int layer = 0;             // 1-based index in ModelSpec::layers, 0 for input/whole model
  std::string message;
  std::string hint;
  std::string to_string() const;  // "line 3, column 6: ... (hint: ...)"
};

bool parse_model(std::string_view text, ModelSpec* out, SpecError* err);

// Canonical text of one layer ("conv 6 k5 p2") and of a whole model, one layer per line with the
// comments in their places (trailing ones aligned), or on one line separated by "; " without
// comments (the form used in links). parse_model(model_to_text(m)) gives back m.
std::string layer_to_text(const LayerSpec& l);
// The `#` comment lines at the top of a model text, without the `#` and one following space,
// joined with newlines: a preset's description. Empty when the text does not start with one.
std::string model_description(std::string_view text);
std::string model_to_text(const ModelSpec& m, bool one_line = false);

// Padding actually applied on each side once the input size is known (`same` puts the extra
// row/column at the bottom/right).
struct Pad4 { int top = 0, left = 0, bottom = 0, right = 0; };

struct ReceptiveField {
  int64_t size[2] = {1, 1};   // rows, cols, in input pixels (nominal, may exceed the image)
  int64_t jump[2] = {1, 1};   // distance in input pixels between neighbouring units
  double start[2] = {0, 0};   // input coordinate of the centre of the first unit's field
  // After dense or gap every unit sees every input pixel: whole_input is set, size is the input's
  // H and W, jump is 0 (a single unit has no neighbours) and start is the input's centre.
  bool whole_input = false;
};

struct LayerInfo {
  Shape in, out;
  Pad4 pad;
  int64_t params = 0;
  std::string params_formula;      // "(3*11*11 + 1)*96", empty when params == 0
  int64_t macs = 0;                // multiply-accumulates per sample, forward
  ReceptiveField rf;
  int64_t activation_floats = 0;   // floats a training step keeps for this layer, per sample
  int64_t fc_weights = 0;          // conv only: weights of a dense layer with the same in and out
  // conv only: the notes' comparison, a dense layer from the input to m maps of the INPUT's
  // resolution, in.h*in.w*in.c * in.h*in.w*out.c (3*96*224^4 = 725,077,721,088 for AlexNet).
  int64_t fc_weights_same_res = 0;
  double fc_ratio = 0;             // conv only: fc_weights / params
  int64_t train_bytes = 0;         // this layer's share of the training memory (see ModelInfo)
  // The output-size arithmetic with the numbers filled in, e.g. "floor((224 + 2*2 - 11)/4) + 1 = 55"
  // (rows, then cols when they differ); empty for layers that keep their input's shape.
  std::string shape_formula;
  // A remark worth showing a learner, e.g. rows of the padded input that no window covers (the
  // AlexNet 55-vs-56 question), or why the field is the whole input. Empty when there is none.
  std::string note;
};

struct ModelInfo {
  Shape input;
  std::vector<LayerInfo> layers;   // one per ModelSpec::layers entry
  int64_t total_params = 0, total_macs = 0, total_activation_floats = 0;
  // Memory to train with a batch of kBudgetBatch samples, 4 bytes per float: parameters and their
  // gradients, plus activations (input included) and their gradients for every sample.
  //   training_bytes = 4 * (2*total_params + 2*kBudgetBatch*total_activation_floats)
  int64_t training_bytes = 0;
};

// The page's memory budget for one network and its training buffers.
constexpr int64_t kMemoryBudgetBytes = int64_t(1) << 30;  // 1 GiB
constexpr int64_t kBudgetBatch = 32;                      // batch the budget is checked for
// Sane limits, checked by the parser and the analysis so no arithmetic can overflow: every integer
// in the text (sizes, maps, units, kernel, stride, padding, dilation) is at most kMaxSize, and a
// model has at most kMaxLayers layers after `input`.
constexpr int64_t kMaxSize = 65536;
constexpr int kMaxLayers = 1000;

// Receptive-field area in input pixels (rows * cols), e.g. 169 for the notes' 13x13 example.
inline int64_t receptive_field_pixels(const ReceptiveField& rf) { return rf.size[0] * rf.size[1]; }
// 61706 -> "61,706"; 1610612736 -> "1.5 GiB".
std::string with_commas(int64_t v);
std::string format_bytes(int64_t bytes);

bool analyze_model(const ModelSpec& m, ModelInfo* out, SpecError* err);

// Convenience: parse then analyze.
bool parse_and_analyze(std::string_view text, ModelSpec* spec, ModelInfo* info, SpecError* err);

}  // namespace cnn
