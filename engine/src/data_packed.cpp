// The packed format of the web build's Fashion-MNIST subset (written by
// scripts/pack-fashion-mnist.js, layout in data.h): bytes, not floats, so that 14,000 images
// travel as about 11 MB before gzip. The loader checks every length before it reads.
#include <cstring>

#include "data_internal.h"

namespace cnn {

using data_detail::count_text;

bool dataset_from_packed(ByteSpan bytes, const DataOptions& opt, Dataset* out, std::string* err) {
  if (!data_detail::check_limits(opt, err)) return false;
  std::vector<uint8_t> inflated;
  if (!data_detail::gunzip_if_gzip(&bytes, &inflated, "packed dataset", err)) return false;
  const uint8_t* p = bytes.data;
  const size_t n = bytes.size;
  const size_t header = 8 + 8 * 4;
  if (n < header || std::memcmp(p, "CNNPACK1", 8) != 0) {
    *err = "packed dataset: not a CNNPACK1 file (wrong magic or too short: " + count_text(int64_t(n)) + " bytes)";
    return false;
  }
  uint32_t f[8];
  for (int i = 0; i < 8; ++i) {
    const uint8_t* q = p + 8 + 4 * i;
    f[i] = uint32_t(q[0]) | uint32_t(q[1]) << 8 | uint32_t(q[2]) << 16 | uint32_t(q[3]) << 24;
  }
  const uint32_t ntr = f[0], nte = f[1], h = f[2], w = f[3], c = f[4], k = f[5], name_len = f[6], names_len = f[7];
  if (ntr == 0 || nte == 0 || ntr > kMaxSamples || nte > kMaxSamples || h == 0 || w == 0 ||
      h > uint32_t(kMaxImageSide) || w > uint32_t(kMaxImageSide) || (c != 1 && c != 3) || k < 2 ||
      k > uint32_t(kMaxClasses) || name_len > 256 || names_len > 65536) {
    *err = "packed dataset: implausible header (" + std::to_string(ntr) + " train, " + std::to_string(nte) + " test, " +
           std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) + ", " + std::to_string(k) +
           " classes)";
    return false;
  }
  const uint64_t ss = uint64_t(h) * w * c;
  const uint64_t need = header + name_len + names_len + uint64_t(ntr) + nte + (uint64_t(ntr) + nte) * ss;
  if (n != need) {
    *err = "packed dataset: " + count_text(int64_t(n)) + " bytes, the header announces " + count_text(int64_t(need)) +
           (n < need ? " (truncated download?)" : " (trailing bytes)");
    return false;
  }
  size_t pos = header;
  Dataset d;
  d.name.assign(reinterpret_cast<const char*>(p + pos), name_len);
  pos += name_len;
  std::string names(reinterpret_cast<const char*>(p + pos), names_len);
  pos += names_len;
  size_t start = 0;
  for (;;) {
    size_t nl = names.find('\n', start);
    d.class_names.push_back(names.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (d.class_names.size() != k) {
    *err = "packed dataset: " + std::to_string(d.class_names.size()) + " class names for " + std::to_string(k) +
           " classes";
    return false;
  }
  d.num_classes = int(k);
  d.shape = Shape{int(h), int(w), int(c)};
  const uint8_t* ytr = p + pos;
  const uint8_t* yte = ytr + ntr;
  const uint8_t* xtr = yte + nte;
  const uint8_t* xte = xtr + ntr * ss;
  for (uint32_t i = 0; i < ntr + nte; ++i)
    if (ytr[i] >= k) {
      *err = "packed dataset: label " + std::to_string(ytr[i]) + " of sample " + std::to_string(i) + " is not below " +
             std::to_string(k);
      return false;
    }
  const uint32_t mtr = opt.limit_train > 0 && uint32_t(opt.limit_train) < ntr ? uint32_t(opt.limit_train) : ntr;
  const uint32_t mte = opt.limit_test > 0 && uint32_t(opt.limit_test) < nte ? uint32_t(opt.limit_test) : nte;
  d.train_y.assign(ytr, ytr + mtr);
  d.test_y.assign(yte, yte + mte);
  d.train_x.reserve(size_t(mtr * ss));
  d.test_x.reserve(size_t(mte * ss));
  data_detail::append_u8_pixels(xtr, int64_t(mtr * ss), &d.train_x);
  data_detail::append_u8_pixels(xte, int64_t(mte * ss), &d.test_x);
  dataset_normalize(&d);
  d.augment_flip = d.name == "fashion-mnist";  // mirrored clothes keep their class
  *out = std::move(d);
  return true;
}

}  // namespace cnn
