// Datasets: generators (deterministic, balanced, in range, same bytes natively and in wasm),
// inflate/gunzip, the IDX reader on the real Fashion-MNIST files and on broken ones, CSV, packed
// and image loaders, and the rule that a failed load leaves the current dataset untouched.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "cnn/data.h"
#include "data_tests.h"

namespace cnn::data_detail {
double det_sin(double x);  // data_generate.cpp
double det_cos(double x);
}  // namespace cnn::data_detail

using namespace cnn;

namespace {

using data_tests::gzip_stored;
using data_tests::idx_bytes;

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

std::string fm_path(const char* file) { return std::string(CNN_FASHION_MNIST_DIR) + "/" + file; }

bool have_fashion_mnist() {
  std::FILE* f = std::fopen(fm_path("t10k-labels-idx1-ubyte.gz").c_str(), "rb");
  if (!f) {
    MESSAGE("Fashion-MNIST not found in " CNN_FASHION_MNIST_DIR ": skipped (apt install dataset-fashion-mnist)");
    return false;
  }
  std::fclose(f);
  return true;
}

// A small IDX pair: n images of h x w, labels i % k, pixel = (i + y * w + x) & 255.
void make_idx_pair(int n, int h, int w, int k, std::vector<uint8_t>* img, std::vector<uint8_t>* lab) {
  std::vector<uint8_t> px(static_cast<size_t>(n) * h * w), ys(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ys[size_t(i)] = uint8_t(i % k);
    for (int p = 0; p < h * w; ++p) px[size_t(i) * h * w + p] = uint8_t((i + p) & 255);
  }
  *img = idx_bytes({uint32_t(n), uint32_t(h), uint32_t(w)}, px);
  *lab = idx_bytes({uint32_t(n)}, ys);
}

std::vector<int64_t> class_counts(const std::vector<int32_t>& y, int k) {
  std::vector<int64_t> c(size_t(k), 0);
  for (int32_t v : y) c[size_t(v)]++;
  return c;
}

const auto sentinel = data_tests::previous_dataset;

}  // namespace

TEST_CASE("data: own sine and cosine match libm closely and use no libm") {
  for (int i = -2000; i <= 2000; ++i) {
    const double x = i * 0.0137;
    REQUIRE(std::fabs(data_detail::det_sin(x) - std::sin(x)) < 1e-12);
    REQUIRE(std::fabs(data_detail::det_cos(x) - std::cos(x)) < 1e-12);
  }
  CHECK(data_detail::det_sin(0.0) == 0.0);
  CHECK(data_detail::det_cos(0.0) == doctest::Approx(1.0).epsilon(1e-14));
}

TEST_CASE("data: registry lists every set; bad names and options say what is valid") {
  auto list = dataset_list();
  std::vector<std::string> names;
  for (auto& i : list) names.push_back(i.name);
  for (const char* n :
       {"spirals", "circles", "xor", "blobs", "shapes", "bars", "digits", "bar-angle", "blob-center", "fashion-mnist"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  for (auto& i : list) {
    CHECK(!i.description.empty());
    CHECK(i.default_train > 0);
    CHECK(i.default_test > 0);
    CHECK((i.kind == DataKind::regression) == (i.target_dim > 0));
    CHECK(i.needs_files == !i.web_file.empty());  // every file-backed set has a web subset
  }
  Dataset d = sentinel();
  std::string err;
  DataOptions o;
  CHECK_FALSE(dataset_make("spiral", o, &d, &err));
  CHECK(contains(err, "unknown dataset 'spiral'"));
  CHECK(contains(err, "spirals, circles"));
  CHECK(contains(err, "fashion-mnist"));
  // Each bad option is refused with a message that names it.
  struct Bad {
    const char* set;
    void (*change)(DataOptions*);
    const char* says;
  };
  const Bad bad[] = {
      {"blobs", [](DataOptions* b) { b->classes = 11; }, "between 2 and 10"},
      {"shapes", [](DataOptions* b) { b->classes = 11; }, "only blobs"},
      {"digits", [](DataOptions* b) { b->n_train = -5; }, "n_train must be between 10 and 60,000"},
      {"xor", [](DataOptions* b) { b->noise = 2.0f; }, "noise must be between 0 and 1"},
      {"xor", [](DataOptions* b) { b->limit_train = -1; }, "limit_train"},
  };
  for (const Bad& b : bad) {
    o = DataOptions();
    b.change(&o);
    CHECK_FALSE(dataset_make(b.set, o, &d, &err));
    CHECK_MESSAGE(contains(err, b.says), b.set, ": ", err);
  }
  // Every failure above left the previous dataset as it was.
  CHECK(d.name == "previous");
  CHECK(d.train_x.size() == 2);
}

TEST_CASE("data: generated sets are deterministic, balanced, in range, and the same bytes everywhere") {
  // Checksums of seed 1 at small sizes, computed once natively; the wasm build must agree.
  struct Golden {
    const char* name;
    uint64_t checksum;
  };
  const Golden golden[] = {
      {"spirals", 0x2a134defde35ec39ULL}, {"circles", 0x81a4f23e4648645eULL},   {"xor", 0xbaa5226c0ffe8818ULL},
      {"blobs", 0x3ba52c781a7b27e8ULL},   {"shapes", 0x1ee5fa1998941b7cULL},    {"bars", 0x0bcf3f245802a698ULL},
      {"digits", 0x69031999159d1339ULL},  {"bar-angle", 0x757cd97ce5769858ULL}, {"blob-center", 0xdbbdb48c919330adULL},
  };
  for (const Golden& g : golden) {
    const std::string name = g.name;
    CAPTURE(name);
    DataOptions o;
    o.seed = 1;
    o.n_train = 200;
    o.n_test = 100;
    Dataset a, b, c;
    std::string err;
    REQUIRE(dataset_make(g.name, o, &a, &err));
    REQUIRE(dataset_make(g.name, o, &b, &err));
    o.seed = 2;
    REQUIRE(dataset_make(g.name, o, &c, &err));
    const uint64_t ca = dataset_checksum(a);
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%016llxULL", (unsigned long long)ca);
    if (ca != g.checksum) MESSAGE(name << " checksum " << hex << " (golden table out of date?)");
    CHECK(ca == dataset_checksum(b));
    CHECK(ca != dataset_checksum(c));
    CHECK(ca == g.checksum);
    CHECK(a.name == g.name);
    CHECK(a.n_train() == 200);
    CHECK(a.n_test() == 100);

    // Normalized with the training split's statistics: mean 0, standard deviation 1 there.
    double s = 0, q = 0;
    for (float v : a.train_x) {
      s += v;
      q += double(v) * v;
    }
    const double n = double(a.train_x.size());
    CHECK(s / n == doctest::Approx(0.0).epsilon(1e-4).scale(1));
    CHECK(std::sqrt(q / n) == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(a.norm_std > 0.0f);

    if (a.regression()) {
      CHECK(a.target_dim == 2);
      CHECK(a.train_t.size() == 200 * 2);
      CHECK(a.test_t.size() == 100 * 2);
      const auto tm = std::minmax_element(a.train_t.begin(), a.train_t.end());
      CHECK(*tm.first >= -1.0f);
      CHECK(*tm.second <= 1.0f);
      CHECK(a.train_y.empty());
    } else {
      CHECK(int(a.class_names.size()) == a.num_classes);
      for (const auto* y : {&a.train_y, &a.test_y}) {
        auto cnt = class_counts(*y, a.num_classes);
        const auto mm = std::minmax_element(cnt.begin(), cnt.end());
        CHECK(*mm.second - *mm.first <= 1);  // exactly balanced up to the remainder
      }
    }
    // Raw values: images in [0, 1]; points within a few noise widths of the unit square.
    const bool points = a.shape == Shape{1, 1, 2};
    float lo = 1e30f, hi = -1e30f;
    bool finite = true;
    for (float v : a.train_x) {
      const float raw = v * a.norm_std + a.norm_mean;
      finite = finite && std::isfinite(v);
      lo = std::min(lo, raw);
      hi = std::max(hi, raw);
    }
    CHECK(finite);
    if (points) {
      CHECK(lo > -2.0f);
      CHECK(hi < 2.0f);
    } else {
      CHECK(lo >= -1e-5f);
      CHECK(hi <= 1.0f + 1e-5f);
      CHECK(hi > 0.5f);  // something was drawn
    }
  }
}

TEST_CASE("data: default sizes, blobs classes, and the test split does not depend on n_train") {
  DataOptions o;
  Dataset d;
  std::string err;
  REQUIRE(dataset_make("digits", o, &d, &err));
  CHECK(d.n_train() == 6000);
  CHECK(d.n_test() == 1000);
  CHECK(d.shape == Shape{28, 28, 1});
  CHECK(class_counts(d.train_y, 10) == std::vector<int64_t>(10, 600));
  CHECK_FALSE(d.augment);       // augmentation is the trainer's switch
  CHECK_FALSE(d.augment_flip);  // a mirrored 2 is not a digit
  o.classes = 5;
  REQUIRE(dataset_make("blobs", o, &d, &err));
  CHECK(d.num_classes == 5);
  CHECK(d.n_train() == 1000);
  CHECK(class_counts(d.train_y, 5) == std::vector<int64_t>(5, 200));
  DataOptions a, b;
  a.n_train = 100;
  b.n_train = 300;
  Dataset da, db;
  REQUIRE(dataset_make("spirals", a, &da, &err));
  REQUIRE(dataset_make("spirals", b, &db, &err));
  CHECK(da.test_y == db.test_y);  // same test samples (normalization differs with the train split)
  o = DataOptions();
  o.limit_train = 50;
  REQUIRE(dataset_make("shapes", o, &d, &err));
  CHECK(d.augment_flip);  // a mirrored triangle is still a triangle
  CHECK(d.n_train() == 50);
  CHECK(d.train_y.size() == 50);
}

TEST_CASE("data: inflate decodes fixed-Huffman, stored and the real .gz files; corrupt input fails clearly") {
  // zlib's raw deflate (fixed Huffman codes, with back-references) of "hello hello hello hello!".
  const uint8_t fixed[] = {0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x27, 0x15, 0x01};
  std::vector<uint8_t> out;
  std::string err;
  size_t used = 0;
  REQUIRE(inflate_raw(ByteSpan(fixed, sizeof(fixed)), &out, &err, kMaxInflatedBytes, &used));
  CHECK(std::string(out.begin(), out.end()) == "hello hello hello hello!");
  CHECK(used == sizeof(fixed));
  out.clear();
  CHECK_FALSE(inflate_raw(ByteSpan(fixed, 6), &out, &err));
  CHECK(contains(err, "truncated"));

  std::vector<uint8_t> data(200000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t((i * 7919) >> 5);
  auto g = gzip_stored(data);
  REQUIRE(gunzip(g, &out, &err));
  CHECK(out == data);
  auto bad = g;
  bad[1000] ^= 0x55;
  CHECK_FALSE(gunzip(bad, &out, &err));
  CHECK(contains(err, "CRC-32 mismatch"));
  bad = g;
  bad.resize(g.size() - 3);
  CHECK_FALSE(gunzip(bad, &out, &err));
  CHECK(contains(err, "truncated"));
  bad = g;
  bad[0] = 0x1e;
  CHECK_FALSE(gunzip(bad, &out, &err));
  CHECK(contains(err, "magic"));
  CHECK_FALSE(gunzip(g, &out, &err, 1000));
  CHECK(contains(err, "exceeds the limit"));
  // Two members back to back decode to the concatenation (gzip allows it).
  auto two = gzip_stored({'a', 'b'});
  auto second = gzip_stored({'c'});
  two.insert(two.end(), second.begin(), second.end());
  REQUIRE(gunzip(two, &out, &err));
  CHECK(std::string(out.begin(), out.end()) == "abc");

  if (!have_fashion_mnist()) return;
  std::vector<uint8_t> gz;
  REQUIRE(read_file_bytes(fm_path("t10k-images-idx3-ubyte.gz"), &gz, &err));
  REQUIRE(gunzip(gz, &out, &err));  // dynamic-Huffman blocks; CRC-32 and length checked inside
  CHECK(out.size() == 16 + 10000u * 28 * 28);
  CHECK(out[2] == 8);
  CHECK(out[3] == 3);
  // Damage inside the compressed stream: caught either as a bad code or by the CRC.
  for (size_t at : {size_t(100), gz.size() / 2, gz.size() - 20}) {
    auto dam = gz;
    dam[at] ^= 0xa5;
    std::vector<uint8_t> o2;
    CHECK_FALSE(gunzip(dam, &o2, &err));
    CHECK((contains(err, "corrupt") || contains(err, "truncated") || contains(err, "CRC")));
  }
  auto cut = gz;
  cut.resize(gz.size() / 3);
  CHECK_FALSE(gunzip(cut, &out, &err));
  CHECK(contains(err, "truncated"));
}

TEST_CASE("data: IDX reader reads the real Fashion-MNIST test files") {
  if (!have_fashion_mnist()) return;
  std::vector<uint8_t> img, lab;
  std::string err;
  REQUIRE(read_file_bytes(fm_path("t10k-images-idx3-ubyte.gz"), &img, &err));
  REQUIRE(read_file_bytes(fm_path("t10k-labels-idx1-ubyte.gz"), &lab, &err));
  IdxArray a, l;
  REQUIRE(idx_parse(img, &a, &err, "t10k-images"));
  REQUIRE(idx_parse(lab, &l, &err, "t10k-labels"));
  CHECK(a.dims == std::vector<int>{10000, 28, 28});
  CHECK(l.dims == std::vector<int>{10000});
  CHECK(l.data[0] == 9);  // the first test image is an ankle boot
  CHECK(l.data[1] == 2);  // then a pullover
  std::vector<int32_t> ys(l.data.begin(), l.data.end());
  CHECK(class_counts(ys, 10) == std::vector<int64_t>(10, 1000));

  // As a learner's upload with no test pair: a stratified sixth is held out.
  DataOptions o;
  Dataset d;
  REQUIRE(dataset_from_idx_bytes(img, lab, {}, {}, o, &d, &err));
  CHECK(d.num_classes == 10);
  CHECK(d.n_test() == 10 * 167);
  CHECK(d.n_train() == 10000 - 10 * 167);
  CHECK(class_counts(d.test_y, 10) == std::vector<int64_t>(10, 167));
  CHECK(d.norm_mean == doctest::Approx(0.2868).epsilon(0.01));

  // The whole set through the registry, limited to the first images of each split.
  o.data_dir = CNN_FASHION_MNIST_DIR;
  o.limit_train = 1000;
  o.limit_test = 500;
  REQUIRE(dataset_make("fashion-mnist", o, &d, &err));
  CHECK(d.n_train() == 1000);
  CHECK(d.n_test() == 500);
  CHECK(d.test_y[0] == 9);
  CHECK(d.class_names[9] == "Ankle boot");
  CHECK(d.class_names[0] == "T-shirt/top");
  CHECK(d.augment_flip);
  o.data_dir = "/nonexistent/folder";
  Dataset keep = sentinel();
  CHECK_FALSE(dataset_make("fashion-mnist", o, &keep, &err));
  CHECK(contains(err, "dataset-fashion-mnist"));
  CHECK(contains(err, "/nonexistent/folder"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data: IDX reader rejects truncated, mismatched, swapped and wrong-magic files") {
  std::vector<uint8_t> img, lab;
  make_idx_pair(60, 8, 8, 3, &img, &lab);
  std::string err;
  DataOptions o;
  Dataset d = sentinel();
  {
    Dataset ok;
    REQUIRE(dataset_from_idx_bytes(img, lab, img, lab, o, &ok, &err));
    CHECK(ok.shape == Shape{8, 8, 1});
    CHECK(ok.num_classes == 3);
    CHECK(ok.n_train() == 60);
    CHECK(ok.n_test() == 60);
    CHECK(ok.class_names[2] == "2");
    // gzip'd uploads are the same data
    Dataset z;
    REQUIRE(dataset_from_idx_bytes(gzip_stored(img), gzip_stored(lab), {}, {}, o, &z, &err));
    CHECK(z.n_train() + z.n_test() == 60);
  }
  auto trunc = img;
  trunc.resize(img.size() - 10);
  CHECK_FALSE(dataset_from_idx_bytes(trunc, lab, {}, {}, o, &d, &err));
  CHECK(contains(err, "truncated"));
  CHECK(contains(err, "60 x 8 x 8 = 3,840 bytes"));
  CHECK(contains(err, "3,830"));

  auto head_only = img;
  head_only.resize(10);
  CHECK_FALSE(dataset_from_idx_bytes(head_only, lab, {}, {}, o, &d, &err));
  CHECK(contains(err, "truncated IDX header"));

  auto extra = img;
  extra.push_back(0);
  CHECK_FALSE(dataset_from_idx_bytes(extra, lab, {}, {}, o, &d, &err));
  CHECK(contains(err, "extra bytes"));

  auto magic = img;
  magic[0] = 0x50;
  CHECK_FALSE(dataset_from_idx_bytes(magic, lab, {}, {}, o, &d, &err));
  CHECK(contains(err, "wrong magic number 0x50000803"));
  auto type = idx_bytes({2, 2}, {1, 2, 3, 4}, 0x0D);
  CHECK_FALSE(dataset_from_idx_bytes(type, lab, {}, {}, o, &d, &err));
  CHECK(contains(err, "float32"));

  std::vector<uint8_t> img59, lab59;
  make_idx_pair(59, 8, 8, 3, &img59, &lab59);
  CHECK_FALSE(dataset_from_idx_bytes(img, lab59, {}, {}, o, &d, &err));
  CHECK(contains(err, "holds 60 images but training labels holds 59 labels"));

  CHECK_FALSE(dataset_from_idx_bytes(lab, img, {}, {}, o, &d, &err));
  CHECK(contains(err, "swapped"));

  std::vector<uint8_t> img9, lab9;
  make_idx_pair(60, 9, 9, 3, &img9, &lab9);
  CHECK_FALSE(dataset_from_idx_bytes(img, lab, img9, lab9, o, &d, &err));
  CHECK(contains(err, "test images are 9 x 9 x 1 but training images are 8 x 8 x 1"));
  CHECK_FALSE(dataset_from_idx_bytes(img, lab, img, {}, o, &d, &err));
  CHECK(contains(err, "both"));

  std::vector<uint8_t> img5, lab5;
  make_idx_pair(60, 8, 8, 5, &img5, &lab5);
  CHECK_FALSE(dataset_from_idx_bytes(img, lab, img5, lab5, o, &d, &err));
  CHECK(contains(err, "label 3"));
  CHECK(contains(err, "not among the training classes 0..2"));

  CHECK(d.name == "previous");
  CHECK(d.train_x.size() == 2);
}

TEST_CASE("data: CSV text (images, feature vectors, word labels) and its errors") {
  std::string err;
  DataOptions o;
  // 4 x 4 images with 0..255 values, a header line, Windows line ends, 2 classes x 6 rows.
  std::string csv = "label,p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16\r\n";
  for (int i = 0; i < 12; ++i) {
    csv += std::to_string(i % 2);
    for (int p = 0; p < 16; ++p) csv += "," + std::to_string((i % 2) ? 255 : p);
    csv += "\r\n";
  }
  Dataset d;
  REQUIRE(dataset_from_csv_text(csv, o, &d, &err));
  CHECK(d.shape == Shape{4, 4, 1});
  CHECK(d.num_classes == 2);
  CHECK(d.n_train() + d.n_test() == 12);
  CHECK(d.n_test() == 2);
  const float raw = d.train_x[0] * d.norm_std + d.norm_mean;
  CHECK(raw >= 0.0f);
  CHECK(raw <= 1.0f);

  // 2D points with word labels: classes sorted by name.
  std::string pts;
  for (int i = 0; i < 20; ++i) pts += std::string(i % 2 ? "red" : "blue") + ", " + std::to_string(i * 0.1) + ", -0.5\n";
  REQUIRE(dataset_from_csv_text(pts, o, &d, &err));
  CHECK(d.shape == Shape{1, 1, 2});
  CHECK(d.class_names == std::vector<std::string>{"blue", "red"});

  Dataset keep = sentinel();
  CHECK_FALSE(dataset_from_csv_text("0,1,2,3\n1,1,2\n", o, &keep, &err));
  CHECK(contains(err, "line 2: 2 values, but line 1 has 3"));
  CHECK_FALSE(dataset_from_csv_text("0,1,2\n1,1,x2\n", o, &keep, &err));
  CHECK(contains(err, "line 2: value 2 ('x2') is not a number"));
  CHECK_FALSE(dataset_from_csv_text("0,1,2\n0,1,3\n", o, &keep, &err));
  CHECK(contains(err, "at least 2 classes"));
  CHECK_FALSE(dataset_from_csv_text("", o, &keep, &err));
  CHECK(contains(err, "no data rows"));
  CHECK_FALSE(dataset_from_csv_text("label,a\n", o, &keep, &err));
  CHECK(contains(err, "no data rows"));
  std::string big;
  for (int i = 0; i < 4; ++i) big += std::to_string(i % 2) + ",300,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n";
  CHECK_FALSE(dataset_from_csv_text(big, o, &keep, &err));
  CHECK(contains(err, "0..255"));
  CHECK_FALSE(dataset_from_csv_text("7\n", o, &keep, &err));
  CHECK(contains(err, "line 1"));
  CHECK(keep.name == "previous");
  CHECK(keep.train_x.size() == 2);
}

TEST_CASE("data: packed subset format round trip and its errors") {
  // Build a CNNPACK1 file the way scripts/pack-fashion-mnist.js does, then gzip it (stored).
  const uint32_t ntr = 30, nte = 10, h = 5, w = 4, k = 3;
  const std::string name = "tiny", names = "a\nb\nc";
  std::vector<uint8_t> raw(8);
  std::memcpy(raw.data(), "CNNPACK1", 8);
  for (uint32_t v : {ntr, nte, h, w, 1u, k, uint32_t(name.size()), uint32_t(names.size())})
    for (int i = 0; i < 4; ++i) raw.push_back(uint8_t(v >> (8 * i)));
  raw.insert(raw.end(), name.begin(), name.end());
  raw.insert(raw.end(), names.begin(), names.end());
  for (uint32_t i = 0; i < ntr + nte; ++i) raw.push_back(uint8_t(i % k));
  for (uint32_t i = 0; i < (ntr + nte) * h * w; ++i) raw.push_back(uint8_t(i * 3));
  std::string err;
  DataOptions o;
  Dataset d;
  REQUIRE(dataset_from_packed(gzip_stored(raw), o, &d, &err));
  CHECK(d.name == "tiny");
  CHECK(d.shape == Shape{5, 4, 1});
  CHECK(d.class_names == std::vector<std::string>{"a", "b", "c"});
  CHECK(d.n_train() == 30);
  CHECK(d.n_test() == 10);
  CHECK(d.test_y[1] == int((ntr + 1) % k));
  CHECK(d.train_x[1] * d.norm_std + d.norm_mean == doctest::Approx(3.0 / 255.0).epsilon(1e-5));
  o.limit_train = 12;
  REQUIRE(dataset_from_packed(raw, o, &d, &err));  // uncompressed bytes work too
  CHECK(d.n_train() == 12);
  o = DataOptions();
  Dataset keep = sentinel();
  auto cut = raw;
  cut.pop_back();
  CHECK_FALSE(dataset_from_packed(cut, o, &keep, &err));
  CHECK(contains(err, "truncated download"));
  auto bad = raw;
  bad[8 + 8 + 8 * 4 + 2] = 7;  // first training label: 7 with 3 classes
  CHECK_FALSE(dataset_from_packed(bad, o, &keep, &err));
  CHECK(contains(err, "label 7"));
  bad = raw;
  bad[3] = 'X';
  CHECK_FALSE(dataset_from_packed(bad, o, &keep, &err));
  CHECK(contains(err, "CNNPACK1"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data: learner images are resampled by area, labelled by sorted names, split by class") {
  std::vector<LabeledImage> ims;
  for (int i = 0; i < 20; ++i) {
    LabeledImage im;
    im.label = i % 2 ? "dog" : "cat";
    im.h = 56;
    im.w = 40;
    im.c = i % 4 < 2 ? 1 : 3;
    im.pixels.assign(size_t(im.h) * im.w * im.c, uint8_t(i % 2 ? 200 : 40));
    ims.push_back(im);
  }
  std::string err;
  DataOptions o;
  Dataset d;
  REQUIRE(dataset_from_images(ims, 28, 28, 1, o, &d, &err));
  CHECK(d.class_names == std::vector<std::string>{"cat", "dog"});
  CHECK(d.shape == Shape{28, 28, 1});
  CHECK(d.n_train() + d.n_test() == 20);
  CHECK(class_counts(d.test_y, 2) == std::vector<int64_t>{2, 2});
  for (int64_t i = 0; i < d.n_train(); ++i) {
    const float want = d.train_y[size_t(i)] ? 200.0f / 255.0f : 40.0f / 255.0f;
    // Constant pictures stay constant after area resampling (RGB greys give the same luma).
    CHECK(d.train_sample(i)[123] * d.norm_std + d.norm_mean == doctest::Approx(want).epsilon(1e-4));
  }
  Dataset keep = sentinel();
  ims[3].pixels.pop_back();
  CHECK_FALSE(dataset_from_images(ims, 28, 28, 1, o, &keep, &err));
  CHECK(contains(err, "image 4 ('dog')"));
  ims[3].pixels.push_back(0);
  ims[5].label.clear();
  CHECK_FALSE(dataset_from_images(ims, 28, 28, 1, o, &keep, &err));
  CHECK(contains(err, "no label"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data: labels from upload paths, and the stated limits") {
  CHECK(label_from_path("shoes/img_01.png") == "shoes");
  CHECK(label_from_path("set/train/cats/a.png") == "cats");
  CHECK(label_from_path("C:\\pics\\dogs\\x.jpg") == "dogs");
  CHECK(label_from_path("cat_001.png") == "cat");
  CHECK(label_from_path("dog12.jpg") == "dog");
  CHECK(label_from_path("red-ball 3.jpeg") == "red-ball");
  CHECK(label_from_path("3_0001.png") == "3");
  CHECK(label_from_path("7.png") == "7");
  CHECK(label_from_path("./cat_2.png") == "cat");
  const std::string t = data_limits_text();
  CHECK(contains(t, "100 MB"));
  CHECK(contains(t, "200,000 samples"));
}
