// layer_table.h (engine-internal): one row per layer kind (darknet keeps a layer kind in one
// place; so do we). A row names the kind's keywords and options, how it prints back, its analysis
// (output shape, parameters, receptive field, MACs), the buffers it needs besides its output, its
// forward and backward over a LayerCall, its double-precision reference forward (the gradient
// check), its PyTorch modules and the designer's defaults and fields. The parser, the analysis,
// the memory plan, the network, the gradient check, the export and the page read this table
// instead of switching on the kind: each kind's row is defined in its own file beside its math
// (layers_conv.cpp, layers_pool.cpp, ...), and adding a kind is one file (see layers_gmaxpool.cpp)
// plus one row in layer_table.cpp.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cnn/format.h"
#include "cnn/net.h"
#include "cnn/nn_reference.h"

namespace cnn {

// Saturating int64 arithmetic for sizes (a huge model gives a huge number, never a wrapped one).
inline int64_t sat_mul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
}
inline int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
}

// What one layer's forward or backward sees: its spec and analysis, its parameters and state, the
// batch, and the buffers of x^(i) -> x^(i+1) (see net.h).
struct LayerCall {
  const LayerSpec& l;
  const LayerInfo& li;
  const LayerParams& p;
  LayerState& s;
  Network* net;
  int n;  // samples
  bool training;
  const float* x;   // n x in
  const float* y;   // n x out (backward: the forward's output)
  float* out;       // forward: n x out
  const float* dy;  // backward: dL/dy, n x out
  float* dx;        // backward: dL/dx to ACCUMULATE into, or null when not wanted
  float* dw;        // backward: parameter gradients to accumulate into, or null
  float* db;
  int64_t count() const { return int64_t(n) * li.in.size(); }  // values of x
};

// One layer of the analysis (spec_analyze.cpp): the row checks the layer's options and fills in
// its output shape and what goes with it.
struct LayerAnalysis {
  const LayerSpec& l;
  int index;                 // 1-based, for errors
  const Shape& model_input;  // the model's input (whole-input receptive fields, messages)
  LayerInfo& li;             // li.in is set; the row fills pad, params (+ formula), macs, shape_formula, note
  ReceptiveField& rf;        // the field of the layer's input; the row moves it to its output
  int64_t oh, ow, oc;        // the output shape, preset to the input's
  SpecError* err;
  bool fail(int column, std::string message, std::string hint);  // at the layer's line; returns false
  // v in [lo, kMaxSize], else a message at `column` ("`conv`: number of maps 0 must be at least 1").
  bool check(int column, const char* what, int64_t v, int64_t lo, const char* hint);
};
// Shared by the rows (spec_analyze.cpp): a sliding window (conv, pools) with its arithmetic, notes
// and field; a layer that reduces each map to one value (out 1x1xC, the whole input in view).
bool analyze_window(LayerAnalysis& a, bool conv);
void analyze_whole_map(LayerAnalysis& a, const char* note);

// One layer of the double-precision reference forward (gradcheck.cpp), x -> y over n samples.
struct RefCall {
  const LayerSpec& l;
  const LayerInfo& li;
  int n;
  bool training;
  const double* x;
  double* y;
  const double *w, *b;                       // parameters, or null
  const ref::Region& reg;                    // conv, dense: the outputs to compute
  const uint8_t* keep;                       // dropout: the float pass's mask
  const double *running_mean, *running_var;  // batchnorm
  int64_t count() const { return int64_t(n) * li.in.size(); }
};

// The PyTorch export's nn.Sequential under construction (export_pytorch.cpp).
struct TorchWeight {
  std::string name;   // state_dict key
  std::string shape;  // Python tuple
  int64_t count = 0;
};
struct TorchModules {
  std::string body;                                           // the module lines so far
  std::vector<TorchWeight> names;                             // the state_dict entries, in order
  bool flat = false;                                          // is the tensor 2-D ([N, features]) at this point?
  int module = 0;                                             // index of the next module
  bool need_softmax_all = false, need_empty_windows = false;  // helper classes the script needs
  void add(const std::string& line);
  void comment(const std::string& line);
  void unflatten_if_flat(const Shape& in);  // back to 4-D when the layer needs it
  void add_params(const std::string& w_shape, int64_t nw, bool bias, int64_t nb);  // of the next module
};
std::string strf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));  // printf to a string
std::string torch_pair(int a, int b);                                          // "5", or "(5, 3)" when the axes differ

// A number as text, for the analysis' formulas ("(1*5*5 + 1)*6").
inline std::string num(int64_t v) { return std::to_string(v); }
// A row's designer fields: LAYER_FIELDS(kConvFields) gives the array and its length.
#define LAYER_FIELDS(a) a, int(sizeof(a) / sizeof(a[0]))

// Model text helpers the rows print options with (spec_parse.cpp).
std::string pair_text(char letter, int a, int b);  // "k5", "k5x3"

struct LayerKindDesc {
  LayerKind kind;
  const char* name;          // canonical keyword ("conv")
  const char* alias;         // another keyword accepted by the parser ("fc" for dense), or null
  const char* options_help;  // what the keyword takes, for the parser's messages ("" = nothing)
  bool has_params;           // backward runs for its parameter gradients even without dx
  // The options as model text, appended after the keyword (" 6 k5 p2"), or null (none).
  void (*options_text)(const LayerSpec& l, std::string* s);
  // Checks the options and fills in the output (see LayerAnalysis), or null: same shape, no
  // parameters, nothing to check (activations).
  bool (*analyze)(LayerAnalysis& a);
  // The buffers besides the output (weights, biases, caches, workspace) for a batch, or null.
  void (*buffers)(const LayerSpec& l, const LayerInfo& li, int64_t batch, LayerMemory* m);
  void (*forward)(const LayerCall& c);
  void (*backward)(const LayerCall& c);  // accumulates (+=) into dx, dw, db where not null
  void (*ref_forward)(const RefCall& c);
  void (*torch)(const LayerSpec& l, const LayerInfo& li, TorchModules* t);
  void (*defaults)(LayerSpec* l);  // the designer's new layer of this kind, or null
  const LayerField* fields;        // the designer's option widgets, num_fields of them
  int num_fields;
};

// Every kind in LayerKind order; layer_kind_desc(k).kind == k.
const LayerKindDesc* const* layer_kinds(int* count);
const LayerKindDesc& layer_kind_desc(LayerKind k);

}  // namespace cnn
