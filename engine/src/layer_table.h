// layer_table.h (engine-internal): one row per layer kind (darknet keeps a layer kind in one
// place; so do we). A row names the kind's keywords and options, the buffers it needs besides its
// output, and its forward and backward over a LayerCall. The parser, the memory plan and the
// network's forward/backward dispatch read this table instead of switching on the kind.
#pragma once
#include <cstdint>
#include <limits>

#include "cnn/net.h"

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
  int n;               // samples
  bool training;
  const float* x;      // n x in
  const float* y;      // n x out (backward: the forward's output)
  float* out;          // forward: n x out
  const float* dy;     // backward: dL/dy, n x out
  float* dx;           // backward: dL/dx to ACCUMULATE into, or null when not wanted
  float* dw;           // backward: parameter gradients to accumulate into, or null
  float* db;
  int64_t count() const { return int64_t(n) * li.in.size(); }  // values of x
};

struct LayerKindDesc {
  LayerKind kind;
  const char* name;          // canonical keyword ("conv")
  const char* alias;         // another keyword accepted by the parser ("fc" for dense), or null
  const char* options_help;  // what the keyword takes, for the parser's messages ("" = nothing)
  bool has_params;           // backward runs for its parameter gradients even without dx
  // The buffers besides the output (weights, biases, caches, workspace) for a batch, or null.
  void (*buffers)(const LayerSpec& l, const LayerInfo& li, int64_t batch, LayerMemory* m);
  void (*forward)(const LayerCall& c);
  void (*backward)(const LayerCall& c);  // accumulates (+=) into dx, dw, db where not null
};

// Every kind in LayerKind order; layer_kind_desc(k).kind == k.
const LayerKindDesc* layer_kinds(int* count);
const LayerKindDesc& layer_kind_desc(LayerKind k);

}  // namespace cnn
