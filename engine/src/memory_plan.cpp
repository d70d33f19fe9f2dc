// memory_plan.cpp: the one place that sizes a network's and a trainer's buffers (as llm.c sizes
// every buffer in one place). network_build allocates exactly these counts; trainer_setup checks
// training_bytes against the budget; the analysis, the CLI and the page report the same numbers.
#include <cstdint>

#include "cnn/spec.h"
#include "layer_table.h"

namespace cnn {
namespace {

int64_t smul(int64_t a, int64_t b) { return sat_mul(a, b); }
int64_t sadd(int64_t a, int64_t b) { return sat_add(a, b); }
int64_t smax(int64_t a, int64_t b) { return a > b ? a : b; }

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
    if (const auto buffers = layer_kind_desc(m.layers[i].kind).buffers) buffers(m.layers[i], li, B, &lm);
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
