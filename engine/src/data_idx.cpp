// IDX files (the MNIST format, http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
// 00 00 TYPE NDIM, NDIM big-endian uint32 sizes, then the elements. Fashion-MNIST uses the same
// format (Debian: dataset-fashion-mnist, gzip'd). Every check below names the file and says what
// was expected, because this is where a learner's own files arrive.
#include <cstdio>

#include "data_internal.h"

namespace cnn {

using data_detail::count_text;

const char* const kFashionMnistClasses[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

bool read_file_bytes(const std::string& path, std::vector<uint8_t>* out, std::string* err, size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *err = path + ": cannot open the file (does it exist and is it readable?)";
    return false;
  }
  std::vector<uint8_t> buf;
  uint8_t chunk[1 << 16];
  for (;;) {
    size_t got = std::fread(chunk, 1, sizeof(chunk), f);
    if (got == 0) break;
    if (buf.size() + got > max_bytes) {
      std::fclose(f);
      *err = path + ": larger than the limit of " + count_text(int64_t(max_bytes >> 20)) + " MB";
      return false;
    }
    buf.insert(buf.end(), chunk, chunk + got);
  }
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) {
    *err = path + ": read error";
    return false;
  }
  out->swap(buf);
  return true;
}

static const char* idx_type_name(int t) {
  switch (t) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
  }
  return nullptr;
}

bool idx_parse(ByteSpan bytes, IdxArray* out, std::string* err, const std::string& what) {
  std::vector<uint8_t> inflated;
  if (!data_detail::gunzip_if_gzip(&bytes, &inflated, what, err)) return false;
  const uint8_t* p = bytes.data;
  const size_t n = bytes.size;
  if (n < 4) {
    *err = what + ": too short for an IDX file (" + std::to_string(n) + " bytes; the header alone needs at least 8)";
    return false;
  }
  char magic[16];
  std::snprintf(magic, sizeof(magic), "0x%02x%02x%02x%02x", p[0], p[1], p[2], p[3]);
  if (p[0] != 0 || p[1] != 0) {
    *err =
        what + ": wrong magic number " + magic +
        " (an IDX file starts with 00 00, then the type 08 and the number of dimensions; is this an IDX file, e.g. train-images-idx3-ubyte?)";
    return false;
  }
  const int type = p[2], ndim = p[3];
  if (type != 0x08) {
    const char* tn = idx_type_name(type);
    *err = what + ": IDX element type " + (tn ? std::string(tn) : "unknown") + " (magic " + magic +
           "); only unsigned bytes (type 0x08, as in MNIST) are supported";
    return false;
  }
  if (ndim < 1 || ndim > 4) {
    *err = what + ": IDX file with " + std::to_string(ndim) + " dimensions (magic " + magic +
           "); expected 1 (labels), 3 (images) or 4";
    return false;
  }
  const size_t header = 4 + 4 * size_t(ndim);
  if (n < header) {
    *err = what + ": truncated IDX header (" + std::to_string(n) + " bytes, need " + std::to_string(header) + ")";
    return false;
  }
  std::vector<int> dims(static_cast<size_t>(ndim));
  uint64_t total = 1;
  std::string dim_text;
  for (int i = 0; i < ndim; ++i) {
    const uint8_t* q = p + 4 + 4 * i;
    uint32_t v = uint32_t(q[0]) << 24 | uint32_t(q[1]) << 16 | uint32_t(q[2]) << 8 | q[3];
    dim_text += (i ? " x " : "") + std::to_string(v);
    if (v == 0) {
      *err = what + ": dimension " + std::to_string(i + 1) + " is 0: the file holds no data";
      return false;
    }
    if (v > (1u << 30) || total * v > (uint64_t(1) << 40)) {
      *err = what + ": implausible dimensions " + dim_text + " (corrupt header?)";
      return false;
    }
    dims[size_t(i)] = int(v);
    total *= v;
  }
  const uint64_t have = n - header;
  if (have < total) {
    *err = what + ": truncated: the header says " + dim_text + " = " + count_text(int64_t(total)) +
           " bytes of data, the file holds " + count_text(int64_t(have));
    return false;
  }
  if (have > total) {
    *err = what + ": " + count_text(int64_t(have - total)) + " extra bytes after the " + dim_text +
           " data the header announces (wrong header or two files joined?)";
    return false;
  }
  out->dims = std::move(dims);
  out->data.assign(p + header, p + header + total);
  return true;
}

namespace {

using data_detail::IdxPair;

// Checks one image/label pair and returns its sample shape.
bool check_pair(const IdxPair& p, Shape* shape, std::string* err) {
  const auto& d = p.images.dims;
  if (d.size() != 3 && d.size() != 4) {
    *err =
        p.images_name +
        ": images need 3 dimensions (count x height x width) or 4 (count x height x width x channels), this file has " +
        std::to_string(d.size()) + (d.size() == 1 ? " (is it a label file? images and labels may be swapped)" : "");
    return false;
  }
  if (p.labels.dims.size() != 1) {
    *err = p.labels_name + ": labels need 1 dimension (count), this file has " + std::to_string(p.labels.dims.size()) +
           (p.labels.dims.size() >= 3 ? " (is it an image file? images and labels may be swapped)" : "");
    return false;
  }
  Shape s{d[1], d[2], d.size() == 4 ? d[3] : 1};
  if (s.h > kMaxImageSide || s.w > kMaxImageSide) {
    *err = p.images_name + ": images of " + std::to_string(s.h) + " x " + std::to_string(s.w) +
           " pixels exceed the limit of " + std::to_string(kMaxImageSide) + " per side";
    return false;
  }
  if (s.c != 1 && s.c != 3) {
    *err = p.images_name + ": " + std::to_string(s.c) + " channels; expected 1 (grey) or 3 (RGB)";
    return false;
  }
  if (d[0] != p.labels.dims[0]) {
    *err = p.images_name + " holds " + count_text(d[0]) + " images but " + p.labels_name + " holds " +
           count_text(p.labels.dims[0]) + " labels: the counts must match (mismatched pair of files?)";
    return false;
  }
  if (d[0] > kMaxSamples) {
    *err = p.images_name + ": " + count_text(d[0]) + " images exceed the limit of " + count_text(kMaxSamples);
    return false;
  }
  *shape = s;
  return true;
}

// Appends `count` samples from an IDX image array, reordering h x w x c files to c x h x w.
void append_images(const IdxArray& a, const Shape& s, int64_t count, std::vector<float>* dst) {
  const int64_t ss = s.size();
  if (s.c == 1) {
    data_detail::append_u8_pixels(a.data.data(), count * ss, dst);
    return;
  }
  const size_t base = dst->size();
  dst->resize(base + size_t(count * ss));
  float* o = dst->data() + base;
  for (int64_t i = 0; i < count; ++i)
    for (int ch = 0; ch < s.c; ++ch)
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x)
          o[i * ss + (int64_t(ch) * s.h + y) * s.w + x] =
              float(a.data[size_t(i * ss + (int64_t(y) * s.w + x) * s.c + ch)]) / 255.0f;
}

}  // namespace

// The shared end of every IDX path: pairs checked, limits applied, floats filled, normalized.
bool data_detail::dataset_from_idx_arrays(IdxPair& tr, IdxPair* te, const DataOptions& opt, const std::string& name,
                                          const std::vector<std::string>& class_names, Dataset* out, std::string* err) {
  if (!data_detail::check_limits(opt, err)) return false;
  Shape shape, test_shape;
  if (!check_pair(tr, &shape, err)) return false;
  if (te) {
    if (!check_pair(*te, &test_shape, err)) return false;
    if (test_shape != shape) {
      *err = te->images_name + ": test images are " + std::to_string(test_shape.h) + " x " +
             std::to_string(test_shape.w) + " x " + std::to_string(test_shape.c) + " but training images are " +
             std::to_string(shape.h) + " x " + std::to_string(shape.w) + " x " + std::to_string(shape.c);
      return false;
    }
  }
  int max_label = 0;
  for (uint8_t l : tr.labels.data) max_label = l > max_label ? l : max_label;
  int num_classes = class_names.empty() ? max_label + 1 : int(class_names.size());
  if (max_label >= num_classes) {
    *err = tr.labels_name + ": label " + std::to_string(max_label) + " is out of range: " + name + " has classes 0.." +
           std::to_string(num_classes - 1);
    return false;
  }
  if (num_classes < 2) {
    *err = tr.labels_name + ": every label is 0; a classifier needs at least 2 classes";
    return false;
  }
  if (te) {
    for (size_t i = 0; i < te->labels.data.size(); ++i)
      if (te->labels.data[i] >= num_classes) {
        *err = te->labels_name + ": label " + std::to_string(te->labels.data[i]) + " (sample " + std::to_string(i) +
               ") is not among the training classes 0.." + std::to_string(num_classes - 1);
        return false;
      }
  }
  Dataset d;
  d.name = name;
  d.shape = shape;
  d.num_classes = num_classes;
  for (int k = 0; k < num_classes; ++k)
    d.class_names.push_back(class_names.empty() ? std::to_string(k) : class_names[size_t(k)]);
  const int64_t ss = shape.size();
  if (te) {
    int64_t ntr = tr.labels.dims[0], nte = te->labels.dims[0];
    if (opt.limit_train > 0 && opt.limit_train < ntr) ntr = opt.limit_train;
    if (opt.limit_test > 0 && opt.limit_test < nte) nte = opt.limit_test;
    d.train_x.reserve(size_t(ntr * ss));
    d.test_x.reserve(size_t(nte * ss));
    append_images(tr.images, shape, ntr, &d.train_x);
    append_images(te->images, shape, nte, &d.test_x);
    d.train_y.assign(tr.labels.data.begin(), tr.labels.data.begin() + ntr);
    d.test_y.assign(te->labels.data.begin(), te->labels.data.begin() + nte);
  } else {
    // One pair: hold out a stratified test share, then apply the limits to each part.
    std::vector<int32_t> labels(tr.labels.data.begin(), tr.labels.data.end());
    std::vector<int64_t> itr, ite;
    data_detail::stratified_split(labels, num_classes, opt.test_fraction, opt.seed, &itr, &ite);
    if (ite.empty()) {
      *err = tr.images_name + ": too few samples to hold out a test split (need at least 2 of some class)";
      return false;
    }
    if (opt.limit_train > 0 && size_t(opt.limit_train) < itr.size()) itr.resize(size_t(opt.limit_train));
    if (opt.limit_test > 0 && size_t(opt.limit_test) < ite.size()) ite.resize(size_t(opt.limit_test));
    IdxArray one;
    one.dims = tr.images.dims;
    const size_t bytes = size_t(ss);
    for (int pass = 0; pass < 2; ++pass) {
      const auto& idx = pass == 0 ? itr : ite;
      auto& x = pass == 0 ? d.train_x : d.test_x;
      auto& y = pass == 0 ? d.train_y : d.test_y;
      x.reserve(idx.size() * bytes);
      for (int64_t i : idx) {
        one.data.assign(tr.images.data.begin() + i * ss, tr.images.data.begin() + (i + 1) * ss);
        append_images(one, shape, 1, &x);
        y.push_back(labels[size_t(i)]);
      }
    }
  }
  dataset_normalize(&d);
  *out = std::move(d);
  return true;
}

using data_detail::dataset_from_idx_arrays;

bool dataset_from_idx_bytes(ByteSpan train_images, ByteSpan train_labels, ByteSpan test_images, ByteSpan test_labels,
                            const DataOptions& opt, Dataset* out, std::string* err, const std::string& name) {
  if (!train_images.size || !train_labels.size) {
    *err = "IDX upload: give both a training image file and a training label file";
    return false;
  }
  const bool has_test = test_images.size || test_labels.size;
  if (has_test && !(test_images.size && test_labels.size)) {
    *err = "IDX upload: a test split needs both its image file and its label file (or neither)";
    return false;
  }
  for (size_t s : {train_images.size, train_labels.size, test_images.size, test_labels.size})
    if (s > kMaxInputBytes) {
      *err = "IDX upload: a file of " + count_text(int64_t(s >> 20)) + " MB exceeds the limit of " +
             count_text(int64_t(kMaxInputBytes >> 20)) + " MB";
      return false;
    }
  IdxPair tr, te;
  tr.images_name = "training images";
  tr.labels_name = "training labels";
  te.images_name = "test images";
  te.labels_name = "test labels";
  if (!idx_parse(train_images, &tr.images, err, tr.images_name)) return false;
  if (!idx_parse(train_labels, &tr.labels, err, tr.labels_name)) return false;
  if (has_test) {
    if (!idx_parse(test_images, &te.images, err, te.images_name)) return false;
    if (!idx_parse(test_labels, &te.labels, err, te.labels_name)) return false;
  }
  return dataset_from_idx_arrays(tr, has_test ? &te : nullptr, opt, name, {}, out, err);
}

bool dataset_fashion_mnist(const DataOptions& opt, Dataset* out, std::string* err) {
  std::string dir = opt.data_dir.empty() ? "/usr/share/datasets/fashion-mnist" : opt.data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const char* files[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                          "t10k-labels-idx1-ubyte"};
  IdxPair tr, te;
  IdxArray* arrays[4] = {&tr.images, &tr.labels, &te.images, &te.labels};
  std::string* names[4] = {&tr.images_name, &tr.labels_name, &te.images_name, &te.labels_name};
  for (int i = 0; i < 4; ++i) {
    std::vector<uint8_t> bytes;
    std::string path = dir + "/" + files[i] + ".gz", e;
    if (!read_file_bytes(path, &bytes, &e)) {
      path = dir + "/" + files[i];
      if (!read_file_bytes(path, &bytes, &e)) {
        *err =
            "fashion-mnist: cannot read " + std::string(files[i]) + ".gz (or " + files[i] + ") in " + dir +
            ": install Debian's package dataset-fashion-mnist, or point --data-dir at a folder holding the four IDX files"
#ifdef __EMSCRIPTEN__
            " (in the web page, load the packed subset data/fashion-mnist-12k.bin.gz with dataset_from_packed)"
#endif
            ;
        return false;
      }
    }
    *names[i] = path;
    if (!idx_parse(ByteSpan(bytes), arrays[i], err, path)) return false;
  }
  std::vector<std::string> classes(kFashionMnistClasses, kFashionMnistClasses + 10);
  if (!dataset_from_idx_arrays(tr, &te, opt, "fashion-mnist", classes, out, err)) return false;
  out->augment_flip = true;  // a mirrored shirt or shoe is still a shirt or a shoe
  return true;
}

}  // namespace cnn
