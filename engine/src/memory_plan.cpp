// memory_plan.cpp: the one place that sizes a network's and a trainer's buffers (as llm.c sizes
// every buffer in one place). network_build allocates exactly these counts; trainer_setup checks
// training_bytes against the budget; the analysis, the CLI and the page report the same numbers.
#include <cstdint>
#include <limits>

#include "cnn/spec.h"

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
int64_t smax(int64_t a, int64_t b) { return a > b ? a : b; }

// A layer's buffers besides its output, by kind.
void layer_buffers(const LayerSpec& l, const LayerInfo& li, int64_t B, LayerMemory* lm) {
  switch (l.kind) {
    case LayerKind::conv:
      lm->weights = smul(smul(smul(li.out.c, li.in.c), l.kh), l.kw);
      lm->biases = l.bias ? li.out.c : 0;
      lm->workspace = smul(smul(smul(li.in.c, l.kh), l.kw), smul(li.out.h, li.out.w));
      break;
    case LayerKind::dense:
      lm->weights = smul(li.out.size(), li.in.size());
      lm->biases = l.bias ? li.out.size() : 0;
      break;
    case LayerKind::batchnorm:
      lm->weights = lm->biases = li.in.c;
      lm->channel_stats = li.in.c;
      lm->xhat = smul(B, li.in.size());
      break;
    case LayerKind::maxpool: lm->argmax = smul(B, li.out.size()); break;
    case LayerKind::dropout: lm->keep = smul(B, li.in.size()); break;
    default: break;
  }
}

}  // namespace

MemoryPlan plan_memory(const ModelSpec& m, const ModelInfo& info, int batch, const TrainerMemory& t) {
  MemoryPlan p;
  p.batch = batch;
  const int64_t B = batch < 1 ? 1 : batch;
  p.input = smul(B, info.input.size());
  int64_t floats = smul(2, p.input);  // acts[0], dacts[0]
  int64_t bytes = 0;
  int64_t out = info.input.size();
  const size_t L = m.layers.size() < info.layers.size() ? m.layers.size() : info.layers.size();
  p.layers.resize(L);
  for (size_t i = 0; i < L; ++i) {
    const LayerInfo& li = info.layers[i];
    LayerMemory& lm = p.layers[i];
    layer_buffers(m.layers[i], li, B, &lm);
    lm.output = smul(B, li.out.size());
    const int64_t np = sadd(lm.weights, lm.biases);
    p.params = sadd(p.params, np);
    p.workspace = smax(p.workspace, lm.workspace);
    // params + grads, acts + dacts, batchnorm's four statistics and xhat (floats); argmax (int32);
    // keep (uint8). The workspace is shared, so it is counted once for the network, not per layer.
    const int64_t lf = sadd(sadd(smul(2, np), smul(2, lm.output)), sadd(smul(4, lm.channel_stats), lm.xhat));
    lm.bytes = sadd(sadd(smul(4, lf), smul(4, lm.argmax)), lm.keep);
    bytes = sadd(bytes, lm.bytes);
    out = li.out.size();
  }
  p.loss_grad = smul(B, out);
  p.network_bytes = sadd(bytes, sadd(smul(4, floats), smul(4, sadd(p.workspace, p.loss_grad))));
  // The trainer (train.cpp): optimizer state, the rollback snapshot of the weights and of that
  // state, one batch of samples, labels and targets, and the epoch order.
  p.optimizer_bytes = smul(4, smul(p.params, t.optimizer_slots));
  p.rollback_bytes = smul(4, smul(p.params, 1 + t.optimizer_slots));
  p.batch_bytes = smul(4, sadd(smul(B, sadd(sadd(info.input.size(), 1), t.target_floats)), t.train_samples));
  p.training_bytes = sadd(sadd(p.network_bytes, p.optimizer_bytes), sadd(p.rollback_bytes, p.batch_bytes));
  return p;
}

}  // namespace cnn
