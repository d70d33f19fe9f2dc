// The learner's own files as the page hands them over (bytes in memory, with their names):
// IDX pairs gzip'd or not, one or two pairs, CSV with and without a header, pictures resampled
// one by one; and every way such files go wrong (truncated, mismatched, swapped, wrong magic,
// bad CSV rows, too large, mixed formats), each with a message naming the file and the fix, and
// the current dataset left untouched.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "data_tests.h"

using namespace cnn;

namespace {

const auto gz_stored = data_tests::gzip_stored;
std::vector<uint8_t> idx(std::vector<uint32_t> dims, const std::vector<uint8_t>& data) {
  return data_tests::idx_bytes(std::move(dims), data);
}

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// n images of 6 x 5, label i % k, pixel (i * 4 + p) & 255.
void pair_of(int n, int k, std::vector<uint8_t>* img, std::vector<uint8_t>* lab) {
  std::vector<uint8_t> px(static_cast<size_t>(n) * 30), ys(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ys[size_t(i)] = uint8_t(i % k);
    for (int p = 0; p < 30; ++p) px[size_t(i) * 30 + size_t(p)] = uint8_t((i * 4 + p) & 255);
  }
  *img = idx({uint32_t(n), 6, 5}, px);
  *lab = idx({uint32_t(n)}, ys);
}

NamedBytes nb(const std::string& name, const std::vector<uint8_t>& b) { return NamedBytes{name, ByteSpan(b)}; }

std::vector<uint8_t> text_bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

const auto previous = data_tests::previous_dataset;

// Raw pixel value (0..255) of sample i of a split, undoing the normalization.
int raw_px(const Dataset& d, bool train, int64_t i, int p) {
  const float v = (train ? d.train_sample(i) : d.test_sample(i))[p] * d.norm_std + d.norm_mean;
  return int(v * 255.0f + 0.5f);
}

}  // namespace

TEST_CASE("data upload: an IDX pair, gzip'd or not, in either order; test split held out from the seed") {
  std::vector<uint8_t> img, lab;
  pair_of(60, 3, &img, &lab);
  const auto gimg = gz_stored(img);
  DataOptions o;
  o.seed = 5;
  Dataset a, b, c;
  std::string err;
  REQUIRE_MESSAGE(dataset_from_files({nb("labels.idx1-ubyte", lab), nb("my-images.idx3-ubyte.gz", gimg)}, o, &a, &err),
                  err);
  CHECK(a.name == "my-data");
  CHECK(a.shape == Shape{6, 5, 1});
  CHECK(a.num_classes == 3);
  CHECK(a.class_names == std::vector<std::string>{"0", "1", "2"});
  CHECK(a.n_train() + a.n_test() == 60);
  CHECK(a.n_test() == 9);  // 20 per class, 1/6 held out of each: 3 x 3
  // the same seed gives the same split, byte for byte; another seed another split
  REQUIRE(dataset_from_files({nb("imgs-ubyte", img), nb("labs-ubyte", lab)}, o, &b, &err));
  CHECK(dataset_checksum(a) == dataset_checksum(b));
  o.seed = 6;
  REQUIRE(dataset_from_files({nb("imgs-ubyte", img), nb("labs-ubyte", lab)}, o, &c, &err));
  CHECK(dataset_checksum(a) != dataset_checksum(c));
  // samples keep their pixels and labels: sample i of the file has pixel 0 = i * 4, label i % 3
  for (int64_t i = 0; i < a.n_test(); ++i) {
    const int p0 = raw_px(a, false, i, 0);
    CHECK(p0 % 4 == 0);
    CHECK(a.test_y[size_t(i)] == (p0 / 4) % 3);
  }
}

TEST_CASE("data upload: two IDX pairs, the test pair told by its name") {
  std::vector<uint8_t> img, lab, timg, tlab;
  pair_of(40, 4, &img, &lab);
  pair_of(12, 4, &timg, &tlab);
  Dataset d;
  std::string err;
  DataOptions o;
  REQUIRE_MESSAGE(dataset_from_files({nb("t10k-labels-idx1-ubyte", tlab), nb("train-images-idx3-ubyte", img),
                                      nb("t10k-images-idx3-ubyte.gz", gz_stored(timg)),
                                      nb("train-labels-idx1-ubyte.gz", gz_stored(lab))},
                                     o, &d, &err),
                  err);
  CHECK(d.n_train() == 40);
  CHECK(d.n_test() == 12);
  CHECK(d.test_y[5] == 1);
  CHECK(raw_px(d, false, 5, 2) == 5 * 4 + 2);
  // names that do not tell: refused with what to rename
  Dataset keep = previous();
  CHECK_FALSE(dataset_from_files({nb("a-images", img), nb("a-labels", lab), nb("b-images", timg), nb("b-labels", tlab)},
                                 o, &keep, &err));
  CHECK(has(err, "'test' or 't10k'"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data upload: truncated, mismatched, swapped, wrong-magic and lonely IDX files are refused clearly") {
  std::vector<uint8_t> img, lab, img2, lab2;
  pair_of(30, 3, &img, &lab);
  pair_of(31, 3, &img2, &lab2);
  DataOptions o;
  std::string err;
  Dataset keep = previous();
  auto cut = img;
  cut.resize(cut.size() - 10);
  CHECK_FALSE(
      dataset_from_files({nb("train-images-idx3-ubyte", cut), nb("train-labels-idx1-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "train-images-idx3-ubyte"));
  CHECK(has(err, "truncated"));
  // a truncated .gz: the decoder says so, with the file's name
  auto gcut = gz_stored(img);
  gcut.resize(gcut.size() / 2);
  CHECK_FALSE(
      dataset_from_files({nb("train-images-idx3-ubyte.gz", gcut), nb("train-labels-idx1-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "train-images-idx3-ubyte.gz:"));
  CHECK(has(err, "complete"));
  CHECK_FALSE(
      dataset_from_files({nb("train-images-idx3-ubyte", img), nb("train-labels-idx1-ubyte", lab2)}, o, &keep, &err));
  CHECK(has(err, "30 images"));
  CHECK(has(err, "31 labels"));
  CHECK(has(err, "must match"));
  auto bad = img;
  bad[0] = 'P';
  bad[1] = 'K';
  CHECK_FALSE(
      dataset_from_files({nb("train-images-idx3-ubyte", bad), nb("train-labels-idx1-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "wrong magic number 0x504b"));
  CHECK_FALSE(
      dataset_from_files({nb("train-images-idx3-ubyte", img), nb("other-images-idx3-ubyte", img2)}, o, &keep, &err));
  CHECK(has(err, "add the label file"));
  CHECK_FALSE(dataset_from_files({nb("train-labels-idx1-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "add the image file"));
  // every label the same class
  std::vector<uint8_t> one_img, one_lab;
  pair_of(10, 1, &one_img, &one_lab);
  CHECK_FALSE(dataset_from_files({nb("i-ubyte", one_img), nb("l-ubyte", one_lab)}, o, &keep, &err));
  CHECK(has(err, "at least 2 classes"));
  CHECK(keep.name == "previous");
  CHECK(keep.train_x.size() == 2);
}

TEST_CASE("data upload: CSV with or without a header, word labels, .csv.gz; bad rows say which line and what") {
  std::string csv = "label,p1,p2,p3,p4\n";
  for (int i = 0; i < 24; ++i)
    csv += (i % 2 ? "dog," : "cat,") + std::to_string(i) + ",1,2," + std::to_string(i % 2) + "\n";
  DataOptions o;
  Dataset d;
  std::string err;
  auto bytes = text_bytes(csv);
  REQUIRE_MESSAGE(dataset_from_files({nb("pets.csv", bytes)}, o, &d, &err), err);
  CHECK(d.name == "my-data");
  CHECK(d.shape == Shape{1, 1, 4});
  CHECK(d.class_names == std::vector<std::string>{"cat", "dog"});
  CHECK(d.n_train() + d.n_test() == 24);
  CHECK(d.n_test() == 4);
  Dataset g;
  REQUIRE(dataset_from_files({nb("pets.csv.gz", gz_stored(bytes))}, o, &g, &err));
  CHECK(dataset_checksum(g) == dataset_checksum(d));
  // no header, integer labels, 4x4 images of 0..255 (a name without an extension: sniffed as text)
  std::string img_csv;
  for (int i = 0; i < 12; ++i) {
    img_csv += std::to_string(i % 3);
    for (int p = 0; p < 16; ++p) img_csv += "," + std::to_string((i * 16 + p) % 256);
    img_csv += "\r\n";
  }
  auto ib = text_bytes(img_csv);
  REQUIRE_MESSAGE(dataset_from_files({nb("pixels", ib)}, o, &d, &err), err);
  CHECK(d.shape == Shape{4, 4, 1});
  CHECK(d.num_classes == 3);

  Dataset keep = previous();
  auto row = [&](const std::string& text, const char* want1, const char* want2) {
    auto b = text_bytes(text);
    CHECK_FALSE(dataset_from_files({nb("rows.csv", b)}, o, &keep, &err));
    CHECK_MESSAGE(has(err, want1), err);
    CHECK_MESSAGE(has(err, want2), err);
  };
  row("label,a,b\n1,2,3\n0,4,x5\n1,1,1\n", "rows.csv, line 3", "'x5') is not a number");
  row("1,2,3\n0,4,5\n1,1\n", "line 3", "1 value, but line 1 has 2 values");
  row("1,2,3\n,4,5\n", "line 2", "label (first field) is empty");
  row("a,2,3\na,4,5\n", "rows.csv", "same label");
  row("7\n", "line 1", "a label and at least one value");
  row("label,a\n", "rows.csv", "no data rows");
  CHECK_FALSE(dataset_from_files({nb("a.csv", bytes), nb("b.csv", bytes)}, o, &keep, &err));
  CHECK(has(err, "choose one"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data upload: too large, empty, pictures among files, unknown and mixed formats are refused") {
  std::vector<uint8_t> img, lab;
  pair_of(30, 3, &img, &lab);
  DataOptions o;
  o.max_file_bytes = 500;  // the page uses kMaxInputBytes (100 MB); a small limit tests the path
  std::string err;
  Dataset keep = previous();
  CHECK_FALSE(dataset_from_files({nb("big-images-ubyte", img), nb("labels-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "big-images-ubyte: 916 bytes exceed the limit of 500 bytes per file"));
  o = DataOptions();
  o.max_inflated_bytes = 200;  // a small .gz that inflates beyond the limit
  CHECK_FALSE(dataset_from_files({nb("imgs-ubyte.gz", gz_stored(img)), nb("labels-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "imgs-ubyte.gz:"));
  o = DataOptions();
  std::vector<uint8_t> empty;
  CHECK_FALSE(dataset_from_files({nb("x.csv", empty)}, o, &keep, &err));
  CHECK(has(err, "empty"));
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
  CHECK_FALSE(dataset_from_files({nb("cat_1.png", png), nb("labels-ubyte", lab)}, o, &keep, &err));
  CHECK(has(err, "PNG picture"));
  std::vector<uint8_t> junk = {1, 2, 0, 4, 5};
  CHECK_FALSE(dataset_from_files({nb("data.bin", junk)}, o, &keep, &err));
  CHECK(has(err, "not a format the sandbox reads"));
  auto csv = text_bytes("0,1\n1,2\n0,1\n1,2\n");
  CHECK_FALSE(dataset_from_files({nb("a.csv", csv), nb("imgs-ubyte", img)}, o, &keep, &err));
  CHECK(has(err, "mix formats"));
  CHECK_FALSE(dataset_from_files({}, o, &keep, &err));
  CHECK(has(err, "no files"));
  std::vector<NamedBytes> five(5, nb("a.csv", csv));
  CHECK_FALSE(dataset_from_files(five, o, &keep, &err));
  CHECK(has(err, "at most 4"));
  // a CSV with more rows than the limit of samples
  std::string many;
  many.reserve(size_t(kMaxSamples + 1) * 4);
  for (int64_t i = 0; i <= kMaxSamples; ++i) many += (i % 2 ? "1,1\n" : "0,0\n");
  auto mb = text_bytes(many);
  CHECK_FALSE(dataset_from_files({nb("many.csv", mb)}, o, &keep, &err));
  CHECK(has(err, "200,000 rows"));
  CHECK(keep.name == "previous");
}

TEST_CASE("data upload: pictures resampled one by one give the dataset of the full pictures") {
  // 8 x 6 RGB pictures with a gradient: area average to 4 x 3 is exact (2 x 2 blocks).
  LabeledImage im;
  im.label = "x";
  im.h = 8;
  im.w = 6;
  im.c = 3;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 6; ++x)
      for (int c = 0; c < 3; ++c) im.pixels.push_back(uint8_t(y * 20 + x * 10 + c * 50));
  LabeledImage small;
  std::string err;
  REQUIRE(image_resample(im, 4, 3, 3, &small, &err));
  CHECK(small.h == 4);
  CHECK(small.w == 3);
  CHECK(small.c == 3);
  CHECK(small.pixels.size() == 36u);
  // block (0,0): y 0..1, x 0..1 -> mean 10 + 5 = 15, plus 50 per channel
  CHECK(int(small.pixels[0]) == 15);
  CHECK(int(small.pixels[1]) == 65);
  CHECK(int(small.pixels[(1 * 3 + 2) * 3 + 2]) == 50 + 45 + 100);  // y 2..3, x 4..5, blue
  LabeledImage grey;
  REQUIRE(image_resample(im, 4, 3, 1, &grey, &err));
  CHECK(std::abs(int(grey.pixels[0]) - int(0.299 * 15 + 0.587 * 65 + 0.114 * 115 + 0.5)) <= 1);
  // bad inputs say what and how
  LabeledImage big = im;
  big.w = kMaxPhotoSide + 1;
  CHECK_FALSE(image_resample(big, 28, 28, 1, &small, &err));
  CHECK(has(err, "4097 x 8 pixels"));
  CHECK(has(err, "smaller"));
  CHECK_FALSE(image_resample(im, 0, 28, 1, &small, &err));
  CHECK(has(err, "sample size"));
  // a set of small copies makes the same dataset as the full pictures, within one grey level
  std::vector<LabeledImage> full, copies;
  for (int i = 0; i < 12; ++i) {
    LabeledImage p = im;
    p.label = i % 2 ? "b" : "a";
    for (auto& v : p.pixels) v = uint8_t((v + i * 9) & 255);
    full.push_back(p);
    LabeledImage s;
    REQUIRE(image_resample(p, 4, 3, 1, &s, &err));
    copies.push_back(s);
  }
  DataOptions o;
  Dataset a, b;
  REQUIRE(dataset_from_images(full, 4, 3, 1, o, &a, &err));
  REQUIRE(dataset_from_images(copies, 4, 3, 1, o, &b, &err));
  CHECK(a.test_y == b.test_y);
  REQUIRE(a.train_x.size() == b.train_x.size());
  for (size_t i = 0; i < a.train_x.size(); ++i) {
    const float ra = a.train_x[i] * a.norm_std + a.norm_mean, rb = b.train_x[i] * b.norm_std + b.norm_mean;
    CHECK(std::abs(ra - rb) <= 0.6f / 255.0f);
  }
  // one class only: refused with how to name the files
  for (auto& c : copies) c.label = "a";
  Dataset keep = previous();
  CHECK_FALSE(dataset_from_images(copies, 4, 3, 1, o, &keep, &err));
  CHECK(has(err, "folder per class"));
  CHECK(keep.name == "previous");
}
