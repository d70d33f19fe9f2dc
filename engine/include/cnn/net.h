// net.h: a Network built from a ModelSpec: forward, loss, backward and per-sample inspection.
//
// Memory model (llm.c): ALL parameters of all layers live in ONE float arena `params`, and their
// gradients in a second arena `grads` with the same layout, so an optimizer is one flat loop over
// `params.size()` floats and zeroing the gradients is one memset. `layer_params[i]` are views (raw
// pointers) into both arenas for layer i of spec.layers. Activations: acts[0] is the input batch,
// acts[j] the output of layer j (1-based, as x^(j) in the notes), each sized for max_batch samples;
// dacts[j] holds dL/dx^(j). Everything is allocated once by network_build; nothing allocates after.
//
// Layout: NCHW, i.e. per sample channel-major C x H x W (see nn.h for why).
//
// Because layer_params holds pointers into the arenas, a Network can be moved but not copied.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cnn/rng.h"
#include "cnn/spec.h"

namespace cnn {

enum class LossKind : uint8_t { cross_entropy, binary_cross_entropy, quadratic };
const char* loss_kind_name(LossKind k);  // "cross-entropy", "binary cross-entropy", "quadratic"

// softmax last -> cross-entropy; sigmoid last with one output -> binary cross-entropy;
// anything else -> quadratic (regression).
LossKind default_loss(const ModelSpec& m);

// Views of one layer's parameters and gradients inside the arenas (null / 0 when it has none).
// conv: w is [out_maps][in_c][kh][kw], b is [out_maps]; dense: w is [outputs][inputs] (inputs in
// the CHW order of the flattened input), b is [outputs]; batchnorm: w = gamma[C], b = beta[C].
struct LayerParams {
  float* w = nullptr;
  float* b = nullptr;
  float* dw = nullptr;
  float* db = nullptr;
  int64_t nw = 0, nb = 0;
  int64_t offset = 0;  // of w in the arenas (b follows w)
};

// Per-layer state besides parameters: caches written by the forward pass and read by backward.
struct LayerState {
  std::vector<int32_t> argmax;                   // maxpool: per output (max_batch x out), index into the input plane
  std::vector<uint8_t> keep;                     // dropout: per unit (max_batch x in), 1 = kept (scaled by 1/(1-rate))
  std::vector<float> mean, invstd;               // batchnorm: statistics used by the last forward, per channel
  std::vector<float> running_mean, running_var;  // batchnorm: inference statistics, per channel
  std::vector<float> xhat;                       // batchnorm: normalized input of the last training forward
};

struct Network {
  ModelSpec spec;
  ModelInfo info;
  LossKind loss = LossKind::quadratic;
  int max_batch = 0;      // capacity of the activation buffers, in samples
  int batch = 0;          // samples in the last forward
  bool training = false;  // mode of the last forward

  std::vector<float> params, grads;             // the two arenas, same layout
  std::vector<LayerParams> layer_params;        // one per spec.layers entry
  std::vector<LayerState> state;                // one per spec.layers entry
  std::vector<std::vector<float>> acts, dacts;  // spec.layers.size() + 1 entries, max_batch * size each
  std::vector<float> workspace;                 // im2col columns of one sample (largest conv)
  std::vector<float> dl_dp;                     // dL/dp of the last network_loss (max_batch x out)
  Rng dropout_rng;                              // seeded by network_init

  // Set by network_loss: the loss gradient was fused with the last softmax (cross-entropy) or
  // sigmoid (binary cross-entropy) and written into dacts[L-1]; backward then skips layer L.
  bool fused_last = false;

  Network() = default;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;

  int num_layers() const { return int(spec.layers.size()); }
  const Shape& out_shape(int j) const { return j == 0 ? info.input : info.layers[j - 1].out; }  // of x^(j)
  int64_t out_size() const { return out_shape(num_layers()).size(); }
  const float* output() const { return acts.back().data(); }
};

// Bytes network_build would allocate (parameters, gradients, activations, caches, workspace),
// computed from the analysis before anything is allocated.
int64_t network_bytes_needed(const ModelSpec& m, const ModelInfo& info, int max_batch);

// Analyzes `m` and allocates every buffer for batches of up to max_batch samples. Refuses (false,
// message in *err) when the model does not analyze, when max_batch < 1, or when the buffers would
// exceed kMemoryBudgetBytes; catches std::bad_alloc. Parameters are zero until network_init.
bool network_build(Network* net, const ModelSpec& m, int max_batch, std::string* err);
// Same from model text (parse + analyze + build).
bool network_build_from_text(Network* net, std::string_view text, int max_batch, std::string* err);

// Changes the loss. Cross-entropy needs softmax as the last layer and binary cross-entropy a sigmoid
// with one output; otherwise false with a message.
bool network_set_loss(Network* net, LossKind k, std::string* err);

// He-uniform for conv/dense layers followed (after optional batchnorm/dropout) by relu or
// leakyrelu, Glorot-uniform otherwise; biases 0; batchnorm gamma 1, beta 0, running stats 0 / 1.
// Draws from cnn::Rng with + - * / sqrt only, so weights are bit-identical native and wasm.
// Also reseeds dropout_rng from `seed`.
void network_init(Network* net, uint64_t seed);

// Forward pass of n <= max_batch samples (x: n x C x H x W). training: dropout active, batchnorm
// uses (and updates the running averages from) batch statistics. Returns acts.back(), or nullptr
// (and batch = 0) when n is not in 1..max_batch: the buffers were sized for max_batch.
const float* network_forward(Network* net, const float* x, int n, bool training);

// Mean loss over the batch of the last forward. labels: n class indices (cross-entropy; binary
// cross-entropy takes labels 0/1 when targets is null). targets: n x out_size floats (quadratic;
// when null, the one-hot encoding of labels is the target). Writes dL/d(output) into dacts.back()
// and dl_dp (1/n included), or with fused_last set, the fused gradient into dacts[L-1].
// Returns NaN when there was no valid forward, or labels are needed and missing or out of range
// (class labels in 0..outputs-1; 0/1 for binary cross-entropy).
float network_loss(Network* net, const int32_t* labels, const float* targets);

void network_zero_grad(Network* net);  // one memset of the grads arena
// Back-propagates from dacts.back() (or dacts[L-1] when fused) and ACCUMULATES (+=) into grads.
// dacts are overwritten. dacts[0] (gradient w.r.t. the input) is computed only if want_input_grad.
void network_backward(Network* net, bool want_input_grad = false);
// Multiplies the loss gradient the last network_loss wrote by s (before network_backward): a
// trainer computing a minibatch of n in slices of m scales each slice's mean-loss gradient by m/n.
void network_scale_loss_grad(Network* net, float s);

// Samples of the last forward whose arg max output equals the label (for a one-output sigmoid:
// output >= 0.5 equals label). The zero-one loss is 1 - correct / n.
int network_count_correct(const Network* net, const int32_t* labels);
// Arg max of sample i of the last forward.
int network_predicted_class(const Network* net, int i);

// Algorithm 1 for one sample, layer by layer, in inference mode (dropout off, batchnorm with
// running statistics) so the numbers do not depend on the rest of the batch. Does not change
// `grads` (it is saved and restored). Index j = 0..L for x and dl_dx (x[0] is the input, x[L] = p);
// index i = 0..L-1 (layer i of spec.layers, i.e. layer j = i + 1 of the notes) for dl_dw, dl_db.
struct SampleTrace {
  std::vector<std::vector<float>> x, dl_dx;
  std::vector<std::vector<float>> dl_dw, dl_db;
  float loss = 0;
  std::vector<float> dl_dp;  // gradient of the loss w.r.t. the network output p (before fusion)
  int predicted = -1;
};
bool network_trace_sample(Network* net, const float* x, int32_t label, const float* target, SampleTrace* out,
                          std::string* err = nullptr);

// Effective receptive field: |d x^(layer)[unit] / d x^(0)| for one sample (inference mode), written
// as one float per input value (C x H x W). layer is 1..L, unit indexes x^(layer) (CHW).
// Does not change `grads`.
bool network_unit_input_gradient(Network* net, const float* x, int layer, int64_t unit, std::vector<float>* d_input,
                                 std::string* err = nullptr);

// Gradient check: backprop (float) against central differences of a double-precision forward pass
// (the templated reference layers of nn_reference.h). Works on a private copy of the network, so
// `net` is not changed. For each layer i it compares dl/dw, dl/db on up to max_params_per_tensor
// entries (picked by a seeded Rng) and dl/dx^(i) (the layer's input) on up to max_inputs entries.
// Error measure per tensor: max_k |g_bp - g_fd| / max(max_k |g_fd|, 1e-3 * largest |g_fd| of the
// network), i.e. relative to the tensor's largest gradient (per-entry relative errors explode on
// gradients that are ~0). Entries on a kink (a ReLU input at 0, a max-pooling tie, e.g. a window
// of ReLU zeros), where the one-sided differences disagree, have no derivative: they are skipped
// and counted in `kinks`.
// Dropout masks are drawn once and shared by both passes; batchnorm runs in training mode.
// Modes: `local` checks each layer alone, probing it with the back-propagated gradient r above it
// (central differences of sum(r * layer(x, w))), plus dL/dp of the loss: cheap, one layer's forward
// per entry. `end_to_end` nudges an entry and re-runs the network up to the loss, so the wiring
// between layers is checked too; its cost is a partial forward pass per entry.
enum class GradCheckMode : uint8_t { local, end_to_end };
struct GradCheckOptions {
  GradCheckMode mode = GradCheckMode::local;
  int max_params_per_tensor = 24;
  int max_inputs = 24;
  // Central-difference step, in double precision. Small, because a larger one lets the nudge of a
  // bias (which shifts a whole map) carry some ReLU input across 0 and blur the difference.
  double step = 1e-7;
  uint64_t seed = 1;
  bool training = true;
};
struct GradCheckLayer {
  double err_w = 0, err_b = 0, err_x = 0;  // -1 when the layer has no such tensor (or none checked)
  int64_t checked = 0;                     // entries compared
  int64_t kinks = 0;                       // entries skipped: not differentiable there
};
struct GradCheckResult {
  std::vector<GradCheckLayer> layers;  // one per spec.layers entry
  double err_dp = -1;                  // dL/dp from the loss against differences of the loss in p
  double max_error = 0;                // over all layers and err_dp
  int worst_layer = -1;
  double loss = 0;
  std::string message;  // empty when the check ran
};
// Cost (local mode, defaults, 2 samples; measured on a loaded 2-core machine, so upper bounds):
// LeNet-5 0.1 s native / 1 s wasm, VGG-small 0.5 s / 2.6 s, Wide 0.9 s / 4.6 s. It runs
// synchronously: on the page, lower max_params_per_tensor / max_inputs for big networks.
GradCheckResult network_gradient_check(const Network& net, const float* x, const int32_t* labels, const float* targets,
                                       int n, const GradCheckOptions& opt = GradCheckOptions());

}  // namespace cnn
