// Pieces every dataset shares: normalization, checksums, splits, the small formatting helpers.
#include <cmath>

#include "cnn/format.h"
#include "data_internal.h"

namespace cnn {

const char* data_kind_name(DataKind k) {
  static const char* const kNames[] = {"points2d", "image", "regression"};  // DataKind order
  return enum_name(k, kNames);
}

void dataset_normalize(Dataset* d) {
  // Double accumulators in a fixed order: the same statistics natively and in wasm.
  double sum = 0, sq = 0;
  const size_t n = d->train_x.size();
  for (size_t i = 0; i < n; ++i) sum += d->train_x[i];
  const double mean = n ? sum / double(n) : 0.0;
  for (size_t i = 0; i < n; ++i) {
    double t = d->train_x[i] - mean;
    sq += t * t;
  }
  double sd = n ? std::sqrt(sq / double(n)) : 1.0;
  if (!(sd > 1e-6)) sd = 1.0;  // a constant split: keep the values, only centre them
  d->norm_mean = float(mean);
  d->norm_std = float(sd);
  const float m = d->norm_mean, s = d->norm_std;
  for (float& v : d->train_x) v = (v - m) / s;
  for (float& v : d->test_x) v = (v - m) / s;
}

uint64_t dataset_checksum(const Dataset& d) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 0x100000001b3ULL;
    }
  };
  int32_t hdr[5] = {d.shape.h, d.shape.w, d.shape.c, d.num_classes, d.target_dim};
  mix(hdr, sizeof(hdr));
  mix(&d.norm_mean, sizeof(float));
  mix(&d.norm_std, sizeof(float));
  mix(d.train_x.data(), d.train_x.size() * sizeof(float));
  mix(d.test_x.data(), d.test_x.size() * sizeof(float));
  mix(d.train_y.data(), d.train_y.size() * sizeof(int32_t));
  mix(d.test_y.data(), d.test_y.size() * sizeof(int32_t));
  mix(d.train_t.data(), d.train_t.size() * sizeof(float));
  mix(d.test_t.data(), d.test_t.size() * sizeof(float));
  return h;
}

namespace data_detail {

void append_u8_pixels(const uint8_t* px, int64_t count, std::vector<float>* dst) {
  const size_t base = dst->size();
  dst->resize(base + size_t(count));
  float* o = dst->data() + base;
  for (int64_t i = 0; i < count; ++i) o[i] = float(px[i]) / 255.0f;
}

void stratified_split(const std::vector<int32_t>& labels, int num_classes, double fraction, uint64_t seed,
                      std::vector<int64_t>* train, std::vector<int64_t>* test) {
  std::vector<std::vector<int64_t>> per(size_t(num_classes > 0 ? num_classes : 1));
  for (size_t i = 0; i < labels.size(); ++i) per[size_t(labels[i])].push_back(int64_t(i));
  std::vector<uint8_t> is_test(labels.size(), 0);
  Rng rng(seed, 7);
  for (auto& idx : per) {
    const int64_t n = int64_t(idx.size());
    int64_t k = int64_t(double(n) * fraction + 0.5);
    if (k < 1 && n >= 2 && fraction > 0) k = 1;
    if (k >= n) k = n - 1;  // keep at least one training sample per class
    if (k <= 0) continue;
    shuffle(idx.data(), n, rng);
    for (int64_t j = 0; j < k; ++j) is_test[size_t(idx[size_t(j)])] = 1;
  }
  train->clear();
  test->clear();
  for (size_t i = 0; i < labels.size(); ++i) (is_test[i] ? test : train)->push_back(int64_t(i));
}

bool check_limits(const DataOptions& opt, std::string* err) {
  if (opt.limit_train < 0) {
    *err = "limit_train must be 0 (all) or a positive count, not " + std::to_string(opt.limit_train);
    return false;
  }
  if (opt.limit_test < 0) {
    *err = "limit_test must be 0 (all) or a positive count, not " + std::to_string(opt.limit_test);
    return false;
  }
  if (!(opt.test_fraction > 0.0 && opt.test_fraction < 1.0)) {
    *err = "test_fraction must be between 0 and 1 (exclusive), for instance 0.2";
    return false;
  }
  return true;
}

void truncate_split(Dataset* d, bool train, int64_t limit) {
  const int64_t n = train ? d->n_train() : d->n_test();
  if (limit <= 0 || limit >= n) return;
  const size_t ss = size_t(d->sample_size());
  auto& x = train ? d->train_x : d->test_x;
  auto& y = train ? d->train_y : d->test_y;
  auto& t = train ? d->train_t : d->test_t;
  x.resize(size_t(limit) * ss);
  x.shrink_to_fit();
  if (!y.empty()) y.resize(size_t(limit));
  if (!t.empty()) t.resize(size_t(limit) * size_t(d->target_dim));
}

bool gunzip_if_gzip(ByteSpan* bytes, std::vector<uint8_t>* storage, const std::string& what, std::string* err) {
  if (!is_gzip(*bytes)) return true;
  std::string e;
  if (!gunzip(*bytes, storage, &e)) {
    *err = what + ": " + e;
    return false;
  }
  *bytes = ByteSpan(*storage);
  return true;
}

}  // namespace data_detail
}  // namespace cnn
