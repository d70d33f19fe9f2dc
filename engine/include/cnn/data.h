// data.h: datasets. A Dataset holds a training and a test split in memory, normalized, one sample
// after another in the engine's layout (channels x height x width per sample, float32).
// Generated sets come from a seed and are identical natively and in wasm; real data comes from IDX
// files (Fashion-MNIST from Debian's dataset-fashion-mnist), CSV, or the learner's own files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cnn/rng.h"
#include "cnn/spec.h"

namespace cnn {

struct Dataset {
  std::string name;                      // "spirals", "shapes", "fashion-mnist", ...
  Shape shape;                           // of one sample: h x w x c (2D points: 1 x 1 x 2)
  int num_classes = 0;                   // 0 for regression sets
  std::vector<std::string> class_names;  // num_classes entries
  int target_dim = 0;                    // regression: floats per target (0 for classification)

  std::vector<float> train_x, test_x;    // n x shape.size(), normalized
  std::vector<int32_t> train_y, test_y;  // class labels (classification)
  std::vector<float> train_t, test_t;    // n x target_dim targets (regression)

  // Normalization applied to the raw values (x - mean) / stddev, statistics from the train split.
  float norm_mean = 0.0f, norm_std = 1.0f;
  // Augmentation while training (random shifts of up to augment_shift pixels, horizontal flips).
  bool augment = false;
  int augment_shift = 2;
  bool augment_flip = false;

  bool regression() const { return target_dim > 0; }
  int64_t sample_size() const { return shape.size(); }
  int64_t n_train() const { return sample_size() ? int64_t(train_x.size()) / sample_size() : 0; }
  int64_t n_test() const { return sample_size() ? int64_t(test_x.size()) / sample_size() : 0; }
  const float* train_sample(int64_t i) const { return train_x.data() + i * sample_size(); }
  const float* test_sample(int64_t i) const { return test_x.data() + i * sample_size(); }
};

// Writes an augmented copy of one training sample (shape of `d`) into `out`, drawing from `rng`.
// With d.augment false it copies. Implemented in data_augment.cpp.
void augment_sample(const Dataset& d, const float* in, float* out, Rng& rng);

}  // namespace cnn
