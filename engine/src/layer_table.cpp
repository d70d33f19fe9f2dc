// layer_table.cpp: the table of layer kinds (layer_table.h), one row per kind. Each row is defined
// in its kind's file, beside the kind's math: layers_conv.cpp (conv), layers_pool.cpp (maxpool,
// avgpool, gap), layers_dense.cpp, layers_flatten.cpp, layers_activation.cpp (relu, leakyrelu,
// sigmoid, tanh, softmax, dropout), layers_batchnorm.cpp, layers_gmaxpool.cpp. The math's free
// functions (nn.h) and references (nn_reference.h) stay callable on their own for the tests.
#include "layer_table.h"

namespace cnn {

// The rows, each defined in its kind's file (layers_<family>.cpp).
extern const LayerKindDesc kConvKind, kMaxpoolKind, kAvgpoolKind, kGapKind, kDenseKind, kFlattenKind, kReluKind,
    kLeakyreluKind, kSigmoidKind, kTanhKind, kSoftmaxKind, kDropoutKind, kBatchnormKind, kGmaxpoolKind;

namespace {

// The table: one row per kind, in LayerKind order.
const LayerKindDesc* const kKinds[] = {
    &kConvKind,      &kMaxpoolKind, &kAvgpoolKind, &kGapKind,     &kDenseKind,   &kFlattenKind,   &kReluKind,
    &kLeakyreluKind, &kSigmoidKind, &kTanhKind,    &kSoftmaxKind, &kDropoutKind, &kBatchnormKind, &kGmaxpoolKind,
};
constexpr int kNumKinds = int(sizeof(kKinds) / sizeof(kKinds[0]));

}  // namespace

const LayerKindDesc* const* layer_kinds(int* count) {
  *count = kNumKinds;
  return kKinds;
}

const LayerKindDesc& layer_kind_desc(LayerKind k) {
  const int i = int(k);
  return *kKinds[i >= 0 && i < kNumKinds ? i : 0];
}

const char* layer_kind_name(LayerKind k) {
  const int i = int(k);
  return i >= 0 && i < kNumKinds ? kKinds[i]->name : "?";
}

int layer_kind_count() { return kNumKinds; }

LayerKind layer_kind_at(int i) { return kKinds[i >= 0 && i < kNumKinds ? i : 0]->kind; }

LayerSpec default_layer(LayerKind k) {
  LayerSpec l;
  l.kind = k;
  if (const auto defaults = layer_kind_desc(k).defaults) defaults(&l);
  return l;
}

const LayerField* layer_fields(LayerKind k, int* count) {
  const LayerKindDesc& d = layer_kind_desc(k);
  *count = d.num_fields;
  return d.fields;
}

}  // namespace cnn
