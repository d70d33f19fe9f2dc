// Learner data that is not IDX: CSV text (label, values...) and decoded images with labels.
// Both hold out a stratified test split from the seed and normalize like every other set.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "data_internal.h"

namespace cnn {

using data_detail::count_text;

namespace {

bool is_integer_text(const char* b, const char* e) {
  if (b == e) return false;
  for (const char* p = b; p != e; ++p)
    if (*p < '0' || *p > '9') return false;
  return true;
}

// Trims spaces and tabs (and a pair of double quotes) from a field.
void trim(const char** b, const char** e) {
  while (*b < *e && (**b == ' ' || **b == '\t')) ++*b;
  while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t')) --*e;
  if (*e - *b >= 2 && **b == '"' && (*e)[-1] == '"') {
    ++*b;
    --*e;
  }
}

// Parses a whole field as a finite number (strtod is correctly rounded in glibc and musl alike).
bool parse_number(const char* b, const char* e, double* v) {
  if (b == e || e - b > 64) return false;
  char buf[72];
  std::copy(b, e, buf);
  buf[e - b] = 0;
  char* end = nullptr;
  *v = std::strtod(buf, &end);
  return end == buf + (e - b) && std::isfinite(*v);
}

// Shape of a flat vector of n values: S x S (x 3) images from 4 x 4 up, else a feature vector.
Shape infer_shape(int64_t n) {
  for (int c : {1, 3}) {
    if (n % c) continue;
    const int64_t q = n / c;
    int64_t s = int64_t(std::sqrt(double(q)) + 0.5);
    if (s >= 4 && s * s == q && s <= kMaxImageSide) return Shape{int(s), int(s), c};
  }
  return Shape{1, 1, int(n)};
}

// Shared tail of CSV and image loading: labels mapped, split, copied, normalized, swapped in.
bool finish_labeled(Dataset& d, const std::vector<float>& x, std::vector<int32_t>& y, const DataOptions& opt,
                    std::string* err, const std::string& name) {
  std::vector<int64_t> itr, ite;
  data_detail::stratified_split(y, d.num_classes, opt.test_fraction, opt.seed, &itr, &ite);
  if (ite.empty()) {
    *err = name + ": too few samples to hold out a test split (need at least 2 of some class)";
    return false;
  }
  if (opt.limit_train > 0 && size_t(opt.limit_train) < itr.size()) itr.resize(size_t(opt.limit_train));
  if (opt.limit_test > 0 && size_t(opt.limit_test) < ite.size()) ite.resize(size_t(opt.limit_test));
  const size_t ss = size_t(d.sample_size());
  for (int pass = 0; pass < 2; ++pass) {
    const auto& idx = pass == 0 ? itr : ite;
    auto& dx = pass == 0 ? d.train_x : d.test_x;
    auto& dy = pass == 0 ? d.train_y : d.test_y;
    dx.resize(idx.size() * ss);
    dy.resize(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) {
      std::copy(x.begin() + idx[i] * int64_t(ss), x.begin() + (idx[i] + 1) * int64_t(ss), dx.begin() + int64_t(i * ss));
      dy[i] = y[size_t(idx[i])];
    }
  }
  dataset_normalize(&d);
  return true;
}

}  // namespace

bool dataset_from_csv_text(const std::string& text, const DataOptions& opt, Dataset* out, std::string* err,
                           const std::string& name) {
  if (!data_detail::check_limits(opt, err)) return false;
  if (text.size() > kMaxInputBytes) {
    *err = name + ": " + count_text(int64_t(text.size() >> 20)) + " MB of text exceeds the limit of " +
           count_text(int64_t(kMaxInputBytes >> 20)) + " MB";
    return false;
  }
  std::vector<float> x;
  std::vector<std::string> label_text;
  int64_t nvalues = -1, first_line = 0, line = 0;
  bool all_int = true, first_row = true;
  const char* p = text.data();
  const char* end = p + text.size();
  std::vector<std::pair<const char*, const char*>> fields;
  while (p < end) {
    ++line;
    const char* eol = p;
    while (eol < end && *eol != '\n') ++eol;
    const char* le = eol;
    if (le > p && le[-1] == '\r') --le;
    // Split on commas (semicolons and tabs too, as spreadsheets export them).
    fields.clear();
    const char* f = p;
    for (const char* q = p;; ++q) {
      if (q == le || *q == ',' || *q == ';' || *q == '\t') {
        const char *b = f, *e = q;
        trim(&b, &e);
        fields.emplace_back(b, e);
        if (q == le) break;
        f = q + 1;
      }
    }
    p = eol < end ? eol + 1 : end;
    if (fields.size() == 1 && fields[0].first == fields[0].second) continue;  // blank line
    const std::string at = name + ", line " + std::to_string(line) + ": ";
    if (fields.size() < 2) {
      *err = at + "expected a label and at least one value separated by commas";
      return false;
    }
    double v;
    const bool header = first_row && !parse_number(fields[1].first, fields[1].second, &v);
    first_row = false;
    if (header) continue;  // the first line names the columns ("label,pixel1,pixel2,...")
    const int64_t nv = int64_t(fields.size()) - 1;
    if (nvalues < 0) {
      nvalues = nv;
      first_line = line;
      if (nv > int64_t(kMaxImageSide) * kMaxImageSide * 3) {
        *err = at + count_text(nv) + " values per sample exceed the limit of " +
               count_text(int64_t(kMaxImageSide) * kMaxImageSide * 3);
        return false;
      }
    } else if (nv != nvalues) {
      auto values = [](int64_t n) { return count_text(n) + (n == 1 ? " value" : " values"); };
      *err = at + values(nv) + ", but line " + std::to_string(first_line) + " has " + values(nvalues) +
             ": every row needs the same count (label first, then the values)";
      return false;
    }
    if (int64_t(label_text.size()) >= kMaxSamples) {
      *err = name + ": more than " + count_text(kMaxSamples) + " rows, the limit per dataset";
      return false;
    }
    const char *lb = fields[0].first, *lend = fields[0].second;
    if (lb == lend) {
      *err = at + "the label (first field) is empty";
      return false;
    }
    if (!is_integer_text(lb, lend) || lend - lb > 4) all_int = false;
    label_text.emplace_back(lb, lend);
    for (size_t i = 1; i < fields.size(); ++i) {
      if (!parse_number(fields[i].first, fields[i].second, &v)) {
        *err = at + "value " + std::to_string(i) + " ('" +
               std::string(fields[i].first, fields[i].second).substr(0, 20) + "') is not a number";
        return false;
      }
      // Finite as a float too, with room to spare: normalization subtracts the mean in float, so
      // values near FLT_MAX (3.4e38) would still overflow to infinity there.
      if (!(std::fabs(v) <= 1e30)) {
        *err = at + "value " + std::to_string(i) + " ('" +
               std::string(fields[i].first, fields[i].second).substr(0, 20) +
               "') is too large: values must lie within -1e30..1e30";
        return false;
      }
      x.push_back(float(v));
    }
  }
  if (label_text.empty()) {
    *err = name + ": no data rows (expected lines like: 3,0,0,12,255,...)";
    return false;
  }

  Dataset d;
  d.name = name;
  d.shape = infer_shape(nvalues);
  std::vector<int32_t> y(label_text.size());
  if (all_int) {
    int maxl = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      y[i] = std::atoi(label_text[i].c_str());
      maxl = std::max(maxl, int(y[i]));
    }
    if (maxl >= kMaxClasses) {
      *err = name + ": label " + std::to_string(maxl) + " exceeds the limit of " + std::to_string(kMaxClasses) +
             " classes (labels are 0..K-1)";
      return false;
    }
    d.num_classes = maxl + 1;
    for (int k = 0; k < d.num_classes; ++k) d.class_names.push_back(std::to_string(k));
  } else {
    std::map<std::string, int> ids;
    for (const auto& s : label_text) ids[s] = 0;
    if (int(ids.size()) > kMaxClasses) {
      *err = name + ": " + std::to_string(ids.size()) + " distinct labels exceed the limit of " +
             std::to_string(kMaxClasses);
      return false;
    }
    int k = 0;
    for (auto& kv : ids) {
      kv.second = k++;
      d.class_names.push_back(kv.first);
    }
    for (size_t i = 0; i < y.size(); ++i) y[i] = ids[label_text[i]];
    d.num_classes = k;
  }
  if (d.num_classes < 2) {
    *err = name + ": every row has the same label; a classifier needs at least 2 classes";
    return false;
  }
  // Images: values above 1 mean 0..255 pixels. Interleaved RGB rows are reordered to c x h x w.
  if (d.shape.h > 1) {
    float lo = 0, hi = 0;
    for (float v : x) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (hi > 1.0f) {
      if (lo < 0.0f || hi > 255.0f) {
        *err = name + ": pixel values must be in 0..1 or 0..255, found " + std::to_string(lo) + " .. " +
               std::to_string(hi);
        return false;
      }
      for (float& v : x) v /= 255.0f;
    }
    if (d.shape.c == 3) {
      const Shape s = d.shape;
      std::vector<float> tmp(size_t(s.size()));
      for (size_t i = 0; i < y.size(); ++i) {
        float* smp = x.data() + i * size_t(s.size());
        for (int c = 0; c < 3; ++c)
          for (int k = 0; k < s.h * s.w; ++k) tmp[size_t(c * s.h * s.w + k)] = smp[k * 3 + c];
        std::copy(tmp.begin(), tmp.end(), smp);
      }
    }
  }
  if (!finish_labeled(d, x, y, opt, err, name)) return false;
  *out = std::move(d);
  return true;
}

namespace {

// Area-average weights of a resampling from n to m cells: for each output cell, (source, weight).
std::vector<std::vector<std::pair<int, float>>> area_weights(int n, int m) {
  std::vector<std::vector<std::pair<int, float>>> w(static_cast<size_t>(m));
  const double scale = double(n) / m;
  for (int o = 0; o < m; ++o) {
    const double a = o * scale, b = (o + 1) * scale;
    for (int i = int(a); i < n && i < b; ++i) {
      const double lo = std::max(a, double(i)), hi = std::min(b, double(i + 1));
      if (hi > lo) w[size_t(o)].push_back({i, float((hi - lo) / scale)});
    }
  }
  return w;
}

// One picture (h x w x c bytes, checked by the caller) to out_c planes of out_h x out_w floats in
// [0, 1]: RGB -> grey by luma weights, grey -> RGB by copying, sizes by area average.
void resample_area(const LabeledImage& im, int out_h, int out_w, int out_c, float* dst) {
  const auto wy = area_weights(im.h, out_h), wx = area_weights(im.w, out_w);
  std::vector<float> plane(size_t(im.h) * size_t(im.w));
  for (int oc = 0; oc < out_c; ++oc) {
    for (int64_t p = 0; p < int64_t(im.h) * im.w; ++p) {
      const uint8_t* s = im.pixels.data() + p * im.c;
      float v = im.c == 1 ? s[0] : (out_c == 3 ? s[oc] : 0.299f * s[0] + 0.587f * s[1] + 0.114f * s[2]);
      plane[size_t(p)] = v / 255.0f;
    }
    float* o = dst + size_t(oc) * out_h * out_w;
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox) {
        float acc = 0;
        for (auto [sy, fy] : wy[size_t(oy)])
          for (auto [sx, fx] : wx[size_t(ox)]) acc += fy * fx * plane[size_t(sy) * im.w + size_t(sx)];
        o[oy * out_w + ox] = acc;
      }
  }
}

}  // namespace

bool image_resample(const LabeledImage& in, int out_h, int out_w, int out_c, LabeledImage* out, std::string* err) {
  if (out_h < 1 || out_w < 1 || out_h > kMaxImageSide || out_w > kMaxImageSide) {
    *err = "the sample size must be 1.." + std::to_string(kMaxImageSide) + " pixels per side";
    return false;
  }
  if (out_c != 1 && out_c != 3) {
    *err = "the sample needs 1 (grey) or 3 (RGB) channels";
    return false;
  }
  if (in.h < 1 || in.w < 1 || in.h > kMaxPhotoSide || in.w > kMaxPhotoSide) {
    *err = std::to_string(in.w) + " x " + std::to_string(in.h) + " pixels; each side must be 1.." +
           std::to_string(kMaxPhotoSide) + " (make the picture smaller)";
    return false;
  }
  if (in.c != 1 && in.c != 3) {
    *err = std::to_string(in.c) + " channels; expected 1 (grey) or 3 (RGB)";
    return false;
  }
  if (in.pixels.size() != size_t(in.h) * size_t(in.w) * size_t(in.c)) {
    *err = "holds " + count_text(int64_t(in.pixels.size())) + " bytes, expected " + std::to_string(in.h) + " x " +
           std::to_string(in.w) + " x " + std::to_string(in.c);
    return false;
  }
  std::vector<float> f(size_t(out_h) * out_w * out_c);
  resample_area(in, out_h, out_w, out_c, f.data());
  // Interleave back to h x w x c bytes, rounded.
  LabeledImage r;
  r.label = in.label;
  r.h = out_h;
  r.w = out_w;
  r.c = out_c;
  r.pixels.resize(f.size());
  const size_t plane = size_t(out_h) * out_w;
  for (size_t p = 0; p < plane; ++p)
    for (int c = 0; c < out_c; ++c) {
      float v = f[size_t(c) * plane + p] * 255.0f + 0.5f;
      r.pixels[p * size_t(out_c) + size_t(c)] = uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  *out = std::move(r);
  return true;
}

bool dataset_from_images(const std::vector<LabeledImage>& images, int out_h, int out_w, int out_c,
                         const DataOptions& opt, Dataset* out, std::string* err, const std::string& name) {
  if (!data_detail::check_limits(opt, err)) return false;
  if (out_h < 1 || out_w < 1 || out_h > kMaxImageSide || out_w > kMaxImageSide) {
    *err = name + ": the sample size must be 1.." + std::to_string(kMaxImageSide) + " pixels per side";
    return false;
  }
  if (out_c != 1 && out_c != 3) {
    *err = name + ": the sample needs 1 (grey) or 3 (RGB) channels";
    return false;
  }
  if (images.empty()) {
    *err = name + ": no images";
    return false;
  }
  if (int64_t(images.size()) > kMaxSamples) {
    *err = name + ": " + count_text(int64_t(images.size())) + " images exceed the limit of " + count_text(kMaxSamples);
    return false;
  }
  std::map<std::string, int> ids;
  for (size_t i = 0; i < images.size(); ++i) {
    const LabeledImage& im = images[i];
    const std::string at = name + ", image " + std::to_string(i + 1) +
                           (im.label.empty() ? "" : " ('" + im.label + "')") + ": ";
    if (im.label.empty()) {
      *err = at + "has no label (name files like cat_001.png, or put them in one folder per class)";
      return false;
    }
    if (im.h < 1 || im.w < 1 || im.h > kMaxPhotoSide || im.w > kMaxPhotoSide) {
      *err = at + std::to_string(im.w) + " x " + std::to_string(im.h) + " pixels; each side must be 1.." +
             std::to_string(kMaxPhotoSide);
      return false;
    }
    if (im.c != 1 && im.c != 3) {
      *err = at + std::to_string(im.c) + " channels; expected 1 (grey) or 3 (RGB)";
      return false;
    }
    if (im.pixels.size() != size_t(im.h) * size_t(im.w) * size_t(im.c)) {
      *err = at + "holds " + count_text(int64_t(im.pixels.size())) + " bytes, expected " + std::to_string(im.h) +
             " x " + std::to_string(im.w) + " x " + std::to_string(im.c);
      return false;
    }
    ids[im.label] = 0;
  }
  if (ids.size() < 2) {
    *err =
        name + ": every image has the label '" + ids.begin()->first +
        "'; a classifier needs at least 2 classes (name files like cat_001.png and dog_001.png, or put them in one folder per class)";
    return false;
  }
  if (int(ids.size()) > kMaxClasses) {
    *err = name + ": " + std::to_string(ids.size()) + " labels exceed the limit of " + std::to_string(kMaxClasses);
    return false;
  }
  Dataset d;
  d.name = name;
  d.shape = Shape{out_h, out_w, out_c};
  int k = 0;
  for (auto& kv : ids) {
    kv.second = k++;
    d.class_names.push_back(kv.first);
  }
  d.num_classes = k;
  const size_t ss = size_t(d.shape.size());
  std::vector<float> x(images.size() * ss);
  std::vector<int32_t> y(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    y[i] = ids[images[i].label];
    resample_area(images[i], out_h, out_w, out_c, x.data() + i * ss);
  }
  if (!finish_labeled(d, x, y, opt, err, name)) return false;
  *out = std::move(d);
  return true;
}

std::string label_from_path(const std::string& path) {
  std::string p = path;
  for (char& ch : p)
    if (ch == '\\') ch = '/';
  const size_t slash = p.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const size_t prev = p.rfind('/', slash - 1);
    const std::string folder = p.substr(prev == std::string::npos ? 0 : prev + 1,
                                        slash - (prev == std::string::npos ? 0 : prev + 1));
    if (!folder.empty() && folder != "." && folder != "..") return folder;
  }
  std::string stem = slash == std::string::npos ? p : p.substr(slash + 1);
  const size_t dot = stem.rfind('.');
  if (dot != std::string::npos && dot > 0) stem.resize(dot);
  auto is_sep = [](char c) { return c == '_' || c == '-' || c == ' ' || c == '.'; };
  std::string base = stem;
  while (!base.empty() && ((base.back() >= '0' && base.back() <= '9') || is_sep(base.back()))) base.pop_back();
  if (!base.empty()) return base;
  size_t cut = 0;
  while (cut < stem.size() && !is_sep(stem[cut])) ++cut;
  return stem.substr(0, cut);
}

std::string data_limits_text() {
  return "Files up to " + count_text(int64_t(kMaxInputBytes >> 20)) + " MB (" +
         count_text(int64_t(kMaxInflatedBytes >> 20)) + " MB after gunzip), up to " + count_text(kMaxSamples) +
         " samples per split, samples up to " + std::to_string(kMaxImageSide) + " x " + std::to_string(kMaxImageSide) +
         " pixels (uploaded pictures up to " + std::to_string(kMaxPhotoSide) + " per side, resampled), up to " +
         std::to_string(kMaxClasses) + " classes.";
}

}  // namespace cnn
