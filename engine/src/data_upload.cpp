// The learner's own files, already in memory: which files form which dataset. The page hands over
// whatever was chosen in its file picker (or dropped by a course page through the JS API); this
// file sorts them by content (magic numbers first, names only to tell training from test files)
// and sends them to the IDX, CSV or packed loader. Every refusal names the file and says what to
// choose instead, because a learner cannot see inside a binary file.
#include <algorithm>
#include <cstring>

#include "data_internal.h"

namespace cnn {

using data_detail::count_text;

namespace {

enum class FileKind { idx, csv, packed, picture, unknown };

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// The file name without folders, lower case, without a trailing ".gz".
std::string base_name(const std::string& path) {
  std::string p = lower(path);
  size_t slash = p.find_last_of("/\\");
  if (slash != std::string::npos) p = p.substr(slash + 1);
  if (ends_with(p, ".gz")) p.resize(p.size() - 3);
  return p;
}

const char* picture_format(ByteSpan b) {
  const uint8_t* p = b.data;
  if (b.size >= 8 && p[0] == 0x89 && p[1] == 'P' && p[2] == 'N' && p[3] == 'G') return "PNG";
  if (b.size >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "JPEG";
  if (b.size >= 6 && std::memcmp(p, "GIF8", 4) == 0) return "GIF";
  if (b.size >= 12 && std::memcmp(p, "RIFF", 4) == 0 && std::memcmp(p + 8, "WEBP", 4) == 0) return "WebP";
  if (b.size >= 2 && p[0] == 'B' && p[1] == 'M') return "BMP";
  return nullptr;
}

FileKind classify(const std::string& name, ByteSpan b) {
  const std::string base = base_name(name);
  if (b.size >= 8 && std::memcmp(b.data, "CNNPACK1", 8) == 0) return FileKind::packed;
  if (picture_format(b)) return FileKind::picture;
  if (b.size >= 2 && b.data[0] == 0 && b.data[1] == 0) return FileKind::idx;
  // IDX by name (Debian's and LeCun's files end in -ubyte): parse it to get the precise message.
  if (base.find("ubyte") != std::string::npos || ends_with(base, ".idx") || ends_with(base, ".idx1") ||
      ends_with(base, ".idx3"))
    return FileKind::idx;
  if (ends_with(base, ".csv") || ends_with(base, ".tsv") || ends_with(base, ".txt")) return FileKind::csv;
  // Text without NUL bytes (in the first 64 KB) is taken as CSV.
  const size_t n = std::min(b.size, size_t(65536));
  if (n > 0 && std::memchr(b.data, 0, n) == nullptr) return FileKind::csv;
  return FileKind::unknown;
}

bool is_test_name(const std::string& name) {
  const std::string base = base_name(name);
  return base.find("test") != std::string::npos || base.find("t10k") != std::string::npos;
}

const char* kWhatWorks =
    "Choose an IDX image file with its IDX label file (e.g. train-images-idx3-ubyte.gz and "
    "train-labels-idx1-ubyte.gz, optionally the t10k/test pair too), or one CSV file (label, pixels...), "
    "or pictures (PNG, JPEG) named like cat_001.png or in one folder per class.";

}  // namespace

bool dataset_from_files(const std::vector<NamedBytes>& files, const DataOptions& opt, Dataset* out, std::string* err,
                        const std::string& name) {
  if (!data_detail::check_limits(opt, err)) return false;
  if (files.empty()) {
    *err = std::string("no files were given. ") + kWhatWorks;
    return false;
  }
  if (files.size() > 4) {
    *err =
        count_text(int64_t(files.size())) +
        " files that are not pictures: at most 4 are used together (an IDX image/label pair for training and one for testing). " +
        kWhatWorks;
    return false;
  }
  const size_t max_mb = opt.max_file_bytes >> 20;
  const std::string limit_text = max_mb ? count_text(int64_t(max_mb)) + " MB"
                                        : count_text(int64_t(opt.max_file_bytes)) + " bytes";
  // Inflate what is gzip'd (each file once), then sort by content.
  std::vector<std::vector<uint8_t>> inflated(files.size());
  std::vector<ByteSpan> bytes(files.size());
  std::vector<FileKind> kinds(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const NamedBytes& f = files[i];
    if (f.bytes.size == 0) {
      *err = f.name + ": the file is empty (0 bytes); choose it again, or check that it was saved completely";
      return false;
    }
    if (f.bytes.size > opt.max_file_bytes) {
      *err = f.name + ": " + count_text(int64_t(f.bytes.size)) + " bytes exceed the limit of " + limit_text +
             " per file; use a subset of the samples (or gzip the file)";
      return false;
    }
    bytes[i] = f.bytes;
    if (is_gzip(f.bytes)) {
      std::string e;
      if (!gunzip(f.bytes, &inflated[i], &e, opt.max_inflated_bytes)) {
        *err = f.name + ": " + e + " (is the .gz file complete? try unpacking it on your computer first)";
        return false;
      }
      bytes[i] = ByteSpan(inflated[i]);
    }
    kinds[i] = classify(f.name, bytes[i]);
    if (kinds[i] == FileKind::picture) {
      *err =
          f.name + ": a " + picture_format(bytes[i]) +
          " picture among other files: choose pictures on their own (all of them at once), not together with IDX or CSV files";
      return false;
    }
    if (kinds[i] == FileKind::unknown) {
      *err =
          f.name +
          ": not a format the sandbox reads (it is neither an IDX file, which starts with the bytes 00 00 08, nor CSV text, nor a picture). " +
          kWhatWorks;
      return false;
    }
  }
  auto count = [&](FileKind k) { return std::count(kinds.begin(), kinds.end(), k); };
  const auto n_idx = count(FileKind::idx), n_csv = count(FileKind::csv), n_pack = count(FileKind::packed);
  if ((n_idx > 0) + (n_csv > 0) + (n_pack > 0) > 1) {
    *err = "the files mix formats (" + std::to_string(n_idx) + " IDX, " + std::to_string(n_csv) + " CSV, " +
           std::to_string(n_pack) + " packed): choose the files of one dataset only. " + kWhatWorks;
    return false;
  }
  Dataset d;
  if (n_pack) {
    if (files.size() != 1) {
      *err = "choose one packed (CNNPACK1) file at a time";
      return false;
    }
    if (!dataset_from_packed(bytes[0], opt, &d, err)) {
      *err = files[0].name + ": " + *err;
      return false;
    }
  } else if (n_csv) {
    if (files.size() != 1) {
      *err = std::to_string(files.size()) +
             " CSV files: choose one (each line: label, then the values; a test split is held out from it)";
      return false;
    }
    const std::string text(reinterpret_cast<const char*>(bytes[0].data), bytes[0].size);
    if (!dataset_from_csv_text(text, opt, &d, err, files[0].name)) return false;
  } else {
    // IDX: parse all, then pair images with labels, training with test.
    std::vector<IdxArray> arr(files.size());
    for (size_t i = 0; i < files.size(); ++i)
      if (!idx_parse(bytes[i], &arr[i], err, files[i].name)) return false;
    std::vector<size_t> images, labels;
    for (size_t i = 0; i < files.size(); ++i) (arr[i].dims.size() == 1 ? labels : images).push_back(i);
    if (images.size() != labels.size() || images.empty()) {
      std::string list;
      for (size_t i = 0; i < files.size(); ++i)
        list += (i ? ", " : "") + files[i].name + " (" + (arr[i].dims.size() == 1 ? "labels" : "images") + ")";
      *err = "IDX files come in pairs, an image file with its label file; got " + list +
             (images.empty()   ? ": add the image file"
              : labels.empty() ? ": add the label file"
                               : ": add the missing file");
      return false;
    }
    data_detail::IdxPair pair[2];
    const bool two = images.size() == 2;
    auto fill = [&](data_detail::IdxPair& p, size_t im, size_t lb) {
      p.images = std::move(arr[im]);
      p.labels = std::move(arr[lb]);
      p.images_name = files[im].name;
      p.labels_name = files[lb].name;
    };
    if (!two) {
      fill(pair[0], images[0], labels[0]);
    } else {
      // Which pair is the test pair: by name ("test", "t10k"), one of each.
      const bool ti0 = is_test_name(files[images[0]].name), ti1 = is_test_name(files[images[1]].name);
      const bool tl0 = is_test_name(files[labels[0]].name), tl1 = is_test_name(files[labels[1]].name);
      if (ti0 == ti1 || tl0 == tl1) {
        *err =
            "two IDX pairs, but their names do not tell which is the test pair: the test files' names must hold 'test' or 't10k' "
            "(e.g. t10k-images-idx3-ubyte.gz), the training files' names must not";
        return false;
      }
      fill(pair[0], ti0 ? images[1] : images[0], tl0 ? labels[1] : labels[0]);
      fill(pair[1], ti0 ? images[0] : images[1], tl0 ? labels[0] : labels[1]);
    }
    if (!data_detail::dataset_from_idx_arrays(pair[0], two ? &pair[1] : nullptr, opt, name, {}, &d, err)) return false;
  }
  d.name = name;
  d.augment_flip = false;  // a learner's classes may be mirror images of each other (b vs d)
  *out = std::move(d);
  return true;
}

}  // namespace cnn
