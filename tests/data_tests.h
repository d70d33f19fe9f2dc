// data_tests.h: bytes the data tests build by hand: a gzip member of stored (uncompressed) deflate
// blocks (.gz data without a compressor; it exercises the decoder's stored-block path) and an IDX
// file (big-endian dimensions after the magic 0 0 type ndims).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "cnn/data.h"

namespace data_tests {

inline std::vector<uint8_t> gzip_stored(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, data.size() - pos);
    g.push_back(pos + n == data.size() ? 1 : 0);
    g.push_back(uint8_t(n & 255));
    g.push_back(uint8_t(n >> 8));
    g.push_back(uint8_t(~n & 255));
    g.push_back(uint8_t((~n >> 8) & 255));
    g.insert(g.end(), data.begin() + long(pos), data.begin() + long(pos + n));
    pos += n;
  } while (pos < data.size());
  const uint32_t crc = cnn::crc32(data.data(), data.size()), len = uint32_t(data.size());
  for (int i = 0; i < 4; ++i) g.push_back(uint8_t(crc >> (8 * i)));
  for (int i = 0; i < 4; ++i) g.push_back(uint8_t(len >> (8 * i)));
  return g;
}

inline std::vector<uint8_t> idx_bytes(std::vector<uint32_t> dims, const std::vector<uint8_t>& data, uint8_t type = 8) {
  std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// The dataset loaded before a load that must fail and leave it exactly as it was.
inline cnn::Dataset previous_dataset() {
  cnn::Dataset d;
  d.name = "previous";
  d.shape = cnn::Shape{1, 1, 2};
  d.num_classes = 2;
  d.train_x = {1, 2};
  d.train_y = {1};
  return d;
}

}  // namespace data_tests
