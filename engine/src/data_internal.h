// data_internal.h: helpers shared by the dataset files (data_*.cpp); not part of the public API.
#pragma once
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/format.h"

namespace cnn {
namespace data_detail {

// Pixels of n samples, u8 in channel-major order per sample (c x h x w), appended to `dst` as
// floats in [0, 1] (v / 255).
void append_u8_pixels(const uint8_t* px, int64_t count, std::vector<float>* dst);

// Indices 0..n-1 split so that each class keeps about `fraction` of its samples for the test set
// (at least one per class with 2 or more samples), drawn from `seed`. Both lists stay in
// ascending order so the files' order is kept.
void stratified_split(const std::vector<int32_t>& labels, int num_classes, double fraction, uint64_t seed,
                      std::vector<int64_t>* train, std::vector<int64_t>* test);

// Checks opt.limit_train / limit_test / test_fraction; message names the option.
bool check_limits(const DataOptions& opt, std::string* err);

// Keeps the first `limit` samples (0 = all) of a split.
void truncate_split(Dataset* d, bool train, int64_t limit);

// Counts in messages: 60000 -> "60,000" (cnn/format.h).
inline std::string count_text(int64_t v) { return with_commas(v); }

// Points *bytes at its gunzipped contents (kept in *storage) when it starts with the gzip magic;
// false with "what: <gunzip's message>" when that data is broken.
bool gunzip_if_gzip(ByteSpan* bytes, std::vector<uint8_t>* storage, const std::string& what, std::string* err);

// An IDX image/label pair with the names its messages use (file names, or "training images").
struct IdxPair {
  IdxArray images, labels;
  std::string images_name, labels_name;
};
// Checks the pair(s) (shapes, counts, label range), fills the splits (te == nullptr: a stratified
// opt.test_fraction is held out from tr), normalizes, and moves the result into *out
// (data_idx.cpp). class_names empty: classes "0".."K-1" from the largest label.
bool dataset_from_idx_arrays(IdxPair& tr, IdxPair* te, const DataOptions& opt, const std::string& name,
                             const std::vector<std::string>& class_names, Dataset* out, std::string* err);

}  // namespace data_detail
}  // namespace cnn
