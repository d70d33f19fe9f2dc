// The Network: buffers sized from the analysis, then forward, loss and backward over the layers
// of nn.h. Layer i of spec.layers reads acts[i] and writes acts[i + 1] (x^(i) -> x^(i+1) in the
// notes' 1-based numbering of outputs); backward walks the same pairs in reverse.
#include "cnn/net.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "cnn/format.h"
#include "cnn/nn.h"
#include "cnn/parallel.h"
#include "layer_table.h"

namespace cnn {

const char* loss_kind_name(LossKind k) {
  static const char* const kNames[] = {"cross-entropy", "binary cross-entropy", "quadratic"};  // LossKind order
  return enum_name(k, kNames);
}

static bool last_is(const ModelSpec& m, LayerKind k) { return !m.layers.empty() && m.layers.back().kind == k; }

LossKind default_loss(const ModelSpec& m) {
  if (last_is(m, LayerKind::softmax)) return LossKind::cross_entropy;
  if (last_is(m, LayerKind::sigmoid)) {
    // One output: the sigmoid is a binary classifier's probability.
    ModelInfo info;
    SpecError se;
    if (analyze_model(m, &info, &se) && !info.layers.empty() && info.layers.back().out.size() == 1)
      return LossKind::binary_cross_entropy;
  }
  return LossKind::quadratic;
}

int64_t network_bytes_needed(const ModelSpec& m, const ModelInfo& info, int max_batch) {
  return plan_memory(m, info, max_batch).network_bytes;
}

bool network_build(Network* net, const ModelSpec& m, int max_batch, std::string* err) {
  auto fail = [&](const std::string& msg) {
    if (err) *err = msg;
    return false;
  };
  if (max_batch < 1)
    return fail("network_build: batch size " + std::to_string(max_batch) + " is not allowed; use 1 or more");
  ModelInfo info;
  SpecError se;
  if (!analyze_model(m, &info, &se)) return fail(se.to_string());
  if (m.layers.empty()) return fail("the model has no layers after `input`: add at least one, e.g. `dense 10`");
  // Every buffer below is sized by the plan, and the budget is checked on it before allocating.
  const MemoryPlan plan = plan_memory(m, info, max_batch);
  const int64_t need = plan.network_bytes;
  if (need > kMemoryBudgetBytes)
    return fail("this network needs " + format_bytes(need) + " for batches of " + std::to_string(max_batch) +
                ", more than the " + format_bytes(kMemoryBudgetBytes) +
                " budget (the analysis shows this model's training memory): use a smaller batch, fewer or "
                "narrower layers, or more stride/pooling early");
  Network n;
  try {
    n.spec = m;
    n.info = info;
    n.max_batch = max_batch;
    const int L = int(m.layers.size());
    for (int i = 0; i < L; ++i) {
      const LayerMemory& lm = plan.layers[size_t(i)];
      if (lm.weights + lm.biases != info.layers[size_t(i)].params)
        return fail("internal: layer " + std::to_string(i + 1) + " (" + layer_kind_name(m.layers[size_t(i)].kind) +
                    ") has " + std::to_string(lm.weights + lm.biases) + " parameters but the analysis says " +
                    std::to_string(info.layers[size_t(i)].params) + "; please report this model");
    }
    n.params.assign(size_t(plan.params), 0.0f);
    n.grads.assign(size_t(plan.params), 0.0f);
    n.layer_params.resize(size_t(L));
    n.state.resize(size_t(L));
    n.acts.resize(size_t(L + 1));
    n.dacts.resize(size_t(L + 1));
    n.acts[0].assign(size_t(plan.input), 0.0f);
    n.dacts[0].assign(size_t(plan.input), 0.0f);
    int64_t off = 0;
    for (int i = 0; i < L; ++i) {
      const LayerMemory& lm = plan.layers[size_t(i)];
      LayerParams& p = n.layer_params[size_t(i)];
      p.offset = off;
      p.nw = lm.weights;
      p.nb = lm.biases;
      if (p.nw) {
        p.w = n.params.data() + off;
        p.dw = n.grads.data() + off;
      }
      if (p.nb) {
        p.b = n.params.data() + off + p.nw;
        p.db = n.grads.data() + off + p.nw;
      }
      off += p.nw + p.nb;
      n.acts[size_t(i + 1)].assign(size_t(lm.output), 0.0f);
      n.dacts[size_t(i + 1)].assign(size_t(lm.output), 0.0f);
      LayerState& s = n.state[size_t(i)];
      s.argmax.assign(size_t(lm.argmax), -1);
      s.keep.assign(size_t(lm.keep), 1);
      s.mean.assign(size_t(lm.channel_stats), 0.0f);
      s.invstd.assign(size_t(lm.channel_stats), 1.0f);
      s.running_mean.assign(size_t(lm.channel_stats), 0.0f);
      s.running_var.assign(size_t(lm.channel_stats), 1.0f);
      s.xhat.assign(size_t(lm.xhat), 0.0f);
    }
    n.workspace.assign(size_t(plan.workspace), 0.0f);
    n.dl_dp.assign(size_t(plan.loss_grad), 0.0f);
    n.loss = default_loss(m);
  } catch (const std::bad_alloc&) {
    return fail("out of memory while allocating " + format_bytes(need) +
                " for this network: use a smaller batch or a smaller model");
  }
  *net = std::move(n);
  return true;
}

bool network_build_from_text(Network* net, std::string_view text, int max_batch, std::string* err) {
  ModelSpec m;
  SpecError se;
  if (!parse_model(text, &m, &se)) {
    if (err) *err = se.to_string();
    return false;
  }
  return network_build(net, m, max_batch, err);
}

bool network_set_loss(Network* net, LossKind k, std::string* err) {
  const int L = net->num_layers();
  if (k == LossKind::cross_entropy && !last_is(net->spec, LayerKind::softmax)) {
    if (err) *err = "cross-entropy needs `softmax` as the last layer: add it, or use the quadratic loss";
    return false;
  }
  if (k == LossKind::binary_cross_entropy && (!last_is(net->spec, LayerKind::sigmoid) || net->out_size() != 1)) {
    if (err)
      *err =
          "binary cross-entropy needs one output through `sigmoid` as the last layer (e.g. `dense 1` then `sigmoid`), "
          "the network has " +
          std::to_string(net->out_size()) + " outputs" +
          (L && last_is(net->spec, LayerKind::sigmoid) ? "" : " and does not end with sigmoid");
    return false;
  }
  net->loss = k;
  return true;
}

// --- initialization ---------------------------------------------------------------------------------

void network_init(Network* net, uint64_t seed) {
  Rng rng(seed, 1);
  const int L = net->num_layers();
  for (int i = 0; i < L; ++i) {
    const LayerSpec& l = net->spec.layers[size_t(i)];
    const LayerInfo& li = net->info.layers[size_t(i)];
    LayerParams& p = net->layer_params[size_t(i)];
    if (l.kind == LayerKind::batchnorm) {
      for (int64_t k = 0; k < p.nw; ++k) p.w[k] = 1.0f;
      for (int64_t k = 0; k < p.nb; ++k) p.b[k] = 0.0f;
      LayerState& s = net->state[size_t(i)];
      std::fill(s.running_mean.begin(), s.running_mean.end(), 0.0f);
      std::fill(s.running_var.begin(), s.running_var.end(), 1.0f);
      continue;
    }
    if (l.kind != LayerKind::conv && l.kind != LayerKind::dense) continue;
    double fan_in, fan_out;
    if (l.kind == LayerKind::conv) {
      fan_in = double(li.in.c) * l.kh * l.kw;
      fan_out = double(li.out.c) * l.kh * l.kw;
    } else {
      fan_in = double(li.in.size());
      fan_out = double(li.out.size());
    }
    // The activation that follows, looking through batchnorm and dropout.
    LayerKind next = LayerKind::softmax;
    float alpha = 0.0f;
    for (int j = i + 1; j < L; ++j) {
      const LayerSpec& nl = net->spec.layers[size_t(j)];
      if (nl.kind == LayerKind::batchnorm || nl.kind == LayerKind::dropout) continue;
      next = nl.kind;
      alpha = nl.alpha;
      break;
    }
    // He (Kaiming) uniform: Var = 2 / ((1 + a^2) fan_in), bound = sqrt(3 Var). Glorot (Xavier)
    // uniform: bound = sqrt(6 / (fan_in + fan_out)).
    double bound;
    if (next == LayerKind::relu) bound = std::sqrt(6.0 / fan_in);
    else if (next == LayerKind::leakyrelu) bound = std::sqrt(6.0 / ((1.0 + double(alpha) * alpha) * fan_in));
    else bound = std::sqrt(6.0 / (fan_in + fan_out));
    const float b = float(bound);
    for (int64_t k = 0; k < p.nw; ++k) p.w[k] = rng.uniform(-b, b);
    for (int64_t k = 0; k < p.nb; ++k) p.b[k] = 0.0f;
  }
  net->dropout_rng.reseed(seed, 2);
}

// --- forward ----------------------------------------------------------------------------------------

// The kind's forward from the layer table, over x^(i) -> x^(i+1).
static void layer_forward(Network* net, int i, int n, bool training) {
  const LayerSpec& l = net->spec.layers[size_t(i)];
  const LayerCall c{l,
                    net->info.layers[size_t(i)],
                    net->layer_params[size_t(i)],
                    net->state[size_t(i)],
                    net,
                    n,
                    training,
                    net->acts[size_t(i)].data(),
                    nullptr,
                    net->acts[size_t(i + 1)].data(),
                    nullptr,
                    nullptr,
                    nullptr,
                    nullptr};
  layer_kind_desc(l.kind).forward(c);
}

const float* network_forward(Network* net, const float* x, int n, bool training) {
  net->fused_last = false;
  if (n < 1 || n > net->max_batch || net->acts.empty()) {
    net->batch = 0;  // network_loss then returns NaN, backward does nothing
    return nullptr;
  }
  net->batch = n;
  net->training = training;
  if (x != net->acts[0].data()) std::memcpy(net->acts[0].data(), x, sizeof(float) * size_t(n * net->info.input.size()));
  for (int i = 0; i < net->num_layers(); ++i) layer_forward(net, i, n, training);
  return net->acts.back().data();
}

// --- loss -------------------------------------------------------------------------------------------

float network_loss(Network* net, const int32_t* labels, const float* targets) {
  const int L = net->num_layers(), n = net->batch;
  if (n < 1) return NAN;
  const int k = int(net->out_size());
  const float* p = net->acts[size_t(L)].data();
  float* dp = net->dl_dp.data();
  const bool need_labels = net->loss == LossKind::cross_entropy ||
                           (net->loss == LossKind::binary_cross_entropy && !targets) ||
                           (net->loss == LossKind::quadratic && !targets);
  if (need_labels) {
    if (!labels) return NAN;
    const int32_t hi = net->loss == LossKind::binary_cross_entropy ? 2 : k;
    for (int s = 0; s < n; ++s)
      if (labels[s] < 0 || labels[s] >= hi) return NAN;  // a label the output cannot represent
  }
  float loss = 0;
  switch (net->loss) {
    case LossKind::cross_entropy:
      loss = softmax_cross_entropy_loss(net->dacts[size_t(L - 1)].data(), dp, net->acts[size_t(L - 1)].data(), p,
                                        labels, n, k);
      net->fused_last = true;
      break;
    case LossKind::binary_cross_entropy:
      loss = sigmoid_binary_cross_entropy_loss(net->dacts[size_t(L - 1)].data(), dp, net->acts[size_t(L - 1)].data(), p,
                                               targets ? nullptr : labels, targets, n);
      net->fused_last = true;
      break;
    case LossKind::quadratic:
      loss = quadratic_loss(dp, p, labels, targets, n, k);
      net->fused_last = false;
      break;
  }
  // dacts[L] shows dL/dp either way; with fusion, backward starts below the last layer.
  std::memcpy(net->dacts[size_t(L)].data(), dp, sizeof(float) * size_t(n) * size_t(k));
  return loss;
}

// --- backward ---------------------------------------------------------------------------------------

void network_zero_grad(Network* net) { parallel_zero(net->grads.data(), int64_t(net->grads.size())); }

// The kind's backward from the layer table: accumulates into dx (zeroed first) when wanted, and into
// the parameter gradients when param_grads. A kind without parameters runs only when dx is wanted.
static void layer_backward(Network* net, int i, int n, bool want_dx, bool param_grads) {
  const LayerSpec& l = net->spec.layers[size_t(i)];
  const LayerInfo& li = net->info.layers[size_t(i)];
  const LayerParams& p = net->layer_params[size_t(i)];
  float* dx = nullptr;
  if (want_dx) {
    dx = net->dacts[size_t(i)].data();
    parallel_zero(dx, int64_t(n) * li.in.size());
  }
  const LayerKindDesc& d = layer_kind_desc(l.kind);
  if (!dx && !d.has_params) return;
  const LayerCall c{l,
                    li,
                    p,
                    net->state[size_t(i)],
                    net,
                    n,
                    net->training,
                    net->acts[size_t(i)].data(),
                    net->acts[size_t(i + 1)].data(),
                    nullptr,
                    net->dacts[size_t(i + 1)].data(),
                    dx,
                    param_grads ? p.dw : nullptr,
                    param_grads ? p.db : nullptr};
  d.backward(c);
}

// Back-propagates from dacts[top] down to the input of layer 0. Layers at or above `top` are skipped.
static void backward_from(Network* net, int top, bool want_input_grad, bool param_grads) {
  for (int i = top - 1; i >= 0; --i) layer_backward(net, i, net->batch, i > 0 || want_input_grad, param_grads);
}

void network_backward(Network* net, bool want_input_grad) {
  const int L = net->num_layers();
  if (net->batch < 1) return;
  backward_from(net, net->fused_last ? L - 1 : L, want_input_grad, true);
}

void network_scale_loss_grad(Network* net, float s) {
  const int L = net->num_layers();
  if (net->batch < 1 || L < 1) return;
  // dL/dp is kept in dl_dp and in dacts[L] (where backward starts without fusion); with a fused
  // softmax/sigmoid, backward starts from dacts[L-1]. All of them are scaled, so they agree.
  const int64_t count = int64_t(net->batch) * net->out_size();
  float* bufs[3] = {net->dl_dp.data(), net->dacts[size_t(L)].data(),
                    net->fused_last ? net->dacts[size_t(L - 1)].data() : nullptr};
  for (float* g : bufs)
    if (g)
      for (int64_t i = 0; i < count; ++i) g[i] *= s;
}

// --- metrics ----------------------------------------------------------------------------------------

int network_predicted_class(const Network* net, int i) {
  const int k = int(net->out_size());
  const float* p = net->acts.back().data() + int64_t(i) * k;
  if (k == 1) return p[0] >= 0.5f ? 1 : 0;
  return argmax_index(p, k);
}

int network_count_correct(const Network* net, const int32_t* labels) {
  int correct = 0;
  for (int s = 0; s < net->batch; ++s) correct += network_predicted_class(net, s) == labels[s];
  return correct;
}

// --- inspection -------------------------------------------------------------------------------------

bool network_trace_sample(Network* net, const float* x, int32_t label, const float* target, SampleTrace* out,
                          std::string* err) {
  const int L = net->num_layers();
  std::vector<float> saved;
  try {
    saved = net->grads;
  } catch (const std::bad_alloc&) {
    if (err) *err = "out of memory while tracing a sample";
    return false;
  }
  network_forward(net, x, 1, false);
  const float loss = network_loss(net, &label, target);
  if (std::isnan(loss)) {
    if (err)
      *err = "trace: label " + std::to_string(label) + " does not fit the network's " +
             std::to_string(net->out_size()) + " outputs (or the loss needs a target)";
    return false;
  }
  network_zero_grad(net);
  network_backward(net, true);
  out->loss = loss;
  out->predicted = network_predicted_class(net, 0);
  out->x.resize(size_t(L + 1));
  out->dl_dx.resize(size_t(L + 1));
  for (int j = 0; j <= L; ++j) {
    const size_t sz = size_t(net->out_shape(j).size());
    out->x[size_t(j)].assign(net->acts[size_t(j)].begin(), net->acts[size_t(j)].begin() + long(sz));
    out->dl_dx[size_t(j)].assign(net->dacts[size_t(j)].begin(), net->dacts[size_t(j)].begin() + long(sz));
  }
  out->dl_dp = out->dl_dx[size_t(L)];
  out->dl_dw.resize(size_t(L));
  out->dl_db.resize(size_t(L));
  for (int i = 0; i < L; ++i) {
    const LayerParams& p = net->layer_params[size_t(i)];
    out->dl_dw[size_t(i)].assign(p.dw, p.dw + p.nw);
    out->dl_db[size_t(i)].assign(p.db, p.db + p.nb);
  }
  // Copied back, not swapped: layer_params points into this very buffer.
  // (std::copy: a network without parameters has no grads, and memcpy of a null pointer is UB.)
  std::copy(saved.begin(), saved.end(), net->grads.begin());
  return true;
}

bool network_unit_input_gradient(Network* net, const float* x, int layer, int64_t unit, std::vector<float>* d_input,
                                 std::string* err) {
  const int L = net->num_layers();
  if (layer < 1 || layer > L) {
    if (err) *err = "receptive field: layer " + std::to_string(layer) + " is not in 1.." + std::to_string(L);
    return false;
  }
  const int64_t size = net->out_shape(layer).size();
  if (unit < 0 || unit >= size) {
    if (err)
      *err = "receptive field: unit " + std::to_string(unit) + " is not in 0.." + std::to_string(size - 1) +
             " (layer " + std::to_string(layer) + " has " + std::to_string(size) + " values per sample)";
    return false;
  }
  network_forward(net, x, 1, false);
  std::fill(net->dacts[size_t(layer)].begin(), net->dacts[size_t(layer)].begin() + long(size), 0.0f);
  net->dacts[size_t(layer)][size_t(unit)] = 1.0f;
  backward_from(net, layer, true, false);
  const int64_t in = net->info.input.size();
  d_input->resize(size_t(in));
  for (int64_t k = 0; k < in; ++k) (*d_input)[size_t(k)] = std::fabs(net->dacts[0][size_t(k)]);
  return true;
}

}  // namespace cnn
