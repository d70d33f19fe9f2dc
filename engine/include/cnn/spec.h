// spec.h: the model text format and the architecture analysis (shapes, parameters, receptive
// fields, cost). Nothing here allocates a network: the analysis runs on the text alone, so the
// interface can show it on every keystroke.
//
//   input 28x28x1          # height x width x channels
//   conv 6 k5 p2           # N maps; kK|kKHxKW; sS|sSHxSW; pP|pPHxPW|same|valid|full; dD; nobias
//   relu                   # also leakyrelu [a0.01], sigmoid, tanh, softmax
//   maxpool k2 s2          # also avgpool; kK, sS (default = kernel), pP (default 0)
//   dense 10               # alias fc; flattens its input
//   softmax                # also flatten, gap, gmaxpool, dropout 0.5, batchnorm
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cnn/format.h"

namespace cnn {

enum class LayerKind : uint8_t {
  conv,
  maxpool,
  avgpool,
  gap,
  dense,
  flatten,
  relu,
  leakyrelu,
  sigmoid,
  tanh,
  softmax,
  dropout,
  batchnorm,
  gmaxpool,
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
  int ph = 0, pw = 0;   // explicit padding on each side (padding == explicit_pad)
  bool bias = true;     // conv, dense
  float alpha = 0.01f;  // leakyrelu slope for a < 0
  float rate = 0.5f;    // dropout probability of dropping a unit
  // 1-based columns of the options as written (0 = not written), so that errors found by the
  // analysis can point at the offending token rather than at the keyword.
  int units_column = 0, kernel_column = 0, stride_column = 0, pad_column = 0, dilation_column = 0;
  // The learner's comments travel with the layer through edits of the layer list (reorder,
  // duplicate, remove): whole `#` lines just above it, and the `# ...` at the end of its line.
  std::string comment_lines;  // "# ..." lines joined with '\n' ("" = none)
  std::string comment;        // "# ..." after the layer on its line ("" = none)
};

// The layer kinds for a page's menus, each with the option widgets its layers show (the engine's
// layer table describes them, so the page needs no switch on the kind). A field edits one member of
// LayerSpec: `ints` points at an int (count) or the first of two adjacent ints (pair: kh, kw), `real`
// at a float (number: typed, fraction: a slider from 0 to `max`), `flag` at a bool (toggle).
// padding: the Padding choice, then the explicit pad (ph, pw) when that is chosen; pool_padding:
// explicit padding only (ph, pw).
enum class LayerFieldType : uint8_t { count, pair, padding, pool_padding, toggle, number, fraction };
struct LayerField {
  LayerFieldType type;
  const char* label;    // "maps", "kernel h, w"
  const char* tooltip;  // or null
  int LayerSpec::*ints;
  float LayerSpec::*real;
  bool LayerSpec::*flag;
  float max;  // fraction: the slider's upper end
};
int layer_kind_count();
LayerKind layer_kind_at(int i);                           // in menu (and LayerKind) order
LayerSpec default_layer(LayerKind k);                     // a new layer with the options a learner picks first
const LayerField* layer_fields(LayerKind k, int* count);  // its option widgets (count 0: none)

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
  int layer = 0;  // 1-based index in ModelSpec::layers, 0 for input/whole model
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
struct Pad4 {
  int top = 0, left = 0, bottom = 0, right = 0;
};

struct ReceptiveField {
  int64_t size[2] = {1, 1};  // rows, cols, in input pixels (nominal, may exceed the image)
  int64_t jump[2] = {1, 1};  // distance in input pixels between neighbouring units
  double start[2] = {0, 0};  // input coordinate of the centre of the first unit's field
  // After dense or gap every unit sees every input pixel: whole_input is set, size is the input's
  // H and W, jump is 0 (a single unit has no neighbours) and start is the input's centre.
  bool whole_input = false;
};

struct LayerInfo {
  Shape in, out;
  Pad4 pad;
  int64_t params = 0;
  std::string params_formula;  // "(3*11*11 + 1)*96", empty when params == 0
  int64_t macs = 0;            // multiply-accumulates per sample, forward
  ReceptiveField rf;
  int64_t activation_floats = 0;  // floats a training step keeps for this layer, per sample
  int64_t fc_weights = 0;         // conv only: weights of a dense layer with the same in and out
  // conv only: the notes' comparison, a dense layer from the input to m maps of the INPUT's
  // resolution, in.h*in.w*in.c * in.h*in.w*out.c (3*96*224^4 = 725,077,721,088 for AlexNet).
  int64_t fc_weights_same_res = 0;
  double fc_ratio = 0;      // conv only: fc_weights / params
  int64_t train_bytes = 0;  // this layer's share of the training memory (see ModelInfo)
  // The output-size arithmetic with the numbers filled in, e.g. "floor((224 + 2*2 - 11)/4) + 1 = 55"
  // (rows, then cols when they differ); empty for layers that keep their input's shape.
  std::string shape_formula;
  // A remark worth showing a learner, e.g. rows of the padded input that no window covers (the
  // AlexNet 55-vs-56 question), or why the field is the whole input. Empty when there is none.
  std::string note;
};

// One memory plan: the size of every buffer a network and its trainer allocate, for a spec, its
// input shape and a batch. network_build allocates from it, trainer_setup checks it against the
// budget, and the analysis, the CLI and the page report it, so they all show the same figure.
//   network  = params + grads (4 bytes each) + acts + dacts (input included, batch samples each)
//              + caches (maxpool argmax int32, dropout masks uint8, batchnorm statistics and xhat)
//              + the im2col workspace of the largest conv + dL/dp
//   trainer  = optimizer state (momentum 1, Adam 2 floats per parameter) + the rollback copy of
//              the weights and that state + the batch buffers (samples, labels, targets) and the
//              epoch order (one int per training sample)
//   training = network + trainer, checked against kMemoryBudgetBytes before anything is allocated.
struct TrainerMemory {
  int optimizer_slots = 2;    // floats of optimizer state per parameter: sgd 0, momentum 1, adam 2
  int64_t target_floats = 0;  // per sample of a regression set (0 for classes)
  int64_t train_samples = 0;  // training samples (epoch order); 0 when no dataset is known
};
// One layer's buffers (counts of elements, per the types noted).
struct LayerMemory {
  int64_t weights = 0, biases = 0;  // floats in each arena (conv/dense: w, b; batchnorm: gamma, beta)
  int64_t output = 0;               // floats of x^(j) for the whole batch (as many in dacts)
  int64_t argmax = 0;               // maxpool: int32 per output value and sample
  int64_t keep = 0;                 // dropout: uint8 per input value and sample
  int64_t channel_stats = 0;        // batchnorm: channels (mean, invstd, running mean and var)
  int64_t xhat = 0;                 // batchnorm: floats, batch x input
  int64_t workspace = 0;            // conv: im2col floats of one sample
  int64_t bytes = 0;                // all of the above in bytes, parameters' gradients included
};
struct MemoryPlan {
  int batch = 0;
  std::vector<LayerMemory> layers;                                   // one per ModelSpec::layers entry
  int64_t params = 0;                                                // floats in each of the two arenas (params, grads)
  int64_t input = 0;                                                 // floats of acts[0] (as many in dacts[0])
  int64_t workspace = 0;                                             // floats: the largest conv's im2col columns
  int64_t loss_grad = 0;                                             // floats: dL/dp for the batch
  int64_t network_bytes = 0;                                         // what network_build allocates
  int64_t optimizer_bytes = 0, rollback_bytes = 0, batch_bytes = 0;  // the trainer's buffers
  int64_t training_bytes = 0;  // network + trainer: what Train checks against the budget
};
struct ModelInfo;
// Saturating: a batch of 2^31 - 1 or the parser's largest sizes give a huge number, never a
// wrapped one. `info` must be the analysis of `m`.
MemoryPlan plan_memory(const ModelSpec& m, const ModelInfo& info, int batch,
                       const TrainerMemory& trainer = TrainerMemory());

struct ModelInfo {
  Shape input;
  std::vector<LayerInfo> layers;  // one per ModelSpec::layers entry
  int64_t total_params = 0, total_macs = 0, total_activation_floats = 0;
  // The memory plan for a batch of kBudgetBatch with Adam (the trainer's defaults) and no dataset
  // yet; the page recomputes it for its own batch, optimizer and dataset. The analysis does not
  // refuse a model over the budget: only building a network for it (and Train) does.
  MemoryPlan memory;
  int64_t training_bytes = 0;  // memory.training_bytes
};

// The page's memory budget for one network and its training buffers.
constexpr int64_t kMemoryBudgetBytes = int64_t(1) << 30;  // 1 GiB
constexpr int64_t kBudgetBatch = 32;                      // batch the analysis reports memory for
// Sane limits, checked by the parser and the analysis so no arithmetic can overflow: every integer
// in the text (sizes, maps, units, kernel, stride, padding, dilation) is at most kMaxSize, a model
// has at most kMaxLayers layers after `input`, and no activation (the input included) holds more
// than kMaxValuesPerSample values per sample (8 GiB of floats: far beyond any budget, but it keeps
// every shape an int).
constexpr int64_t kMaxSize = 65536;
constexpr int kMaxLayers = 1000;
constexpr int64_t kMaxValuesPerSample = (int64_t(1) << 31) - 1;

// Receptive-field area in input pixels (rows * cols), e.g. 169 for the notes' 13x13 example.
inline int64_t receptive_field_pixels(const ReceptiveField& rf) { return rf.size[0] * rf.size[1]; }

bool analyze_model(const ModelSpec& m, ModelInfo* out, SpecError* err);

// Convenience: parse then analyze.
bool parse_and_analyze(std::string_view text, ModelSpec* spec, ModelInfo* info, SpecError* err);

}  // namespace cnn
