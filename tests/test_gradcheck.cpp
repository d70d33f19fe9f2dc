// Whole networks: back-propagation against double-precision central differences, layer by layer,
// through network_gradient_check (the same function the page's button calls).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cnn/net.h"
#include "cnn/rng.h"
#include "spec_tests.h"

using namespace cnn;

namespace {

struct Case {
  const char* name;
  const char* text;
  LossKind loss;
  int n;
};

void run_case(const Case& c, bool training, GradCheckMode mode) {
  const std::string name = c.name;
  CAPTURE(name);
  CAPTURE(training);
  const std::string mode_name = mode == GradCheckMode::local ? "local" : "end to end";
  CAPTURE(mode_name);
  Network net;
  std::string err;
  REQUIRE_MESSAGE(network_build_from_text(&net, c.text, c.n, &err), err);
  REQUIRE_MESSAGE(network_set_loss(&net, c.loss, &err), err);
  network_init(&net, 7);
  Rng rng(3);
  // Non-zero biases and batchnorm parameters, so nothing is checked only at its initial value.
  for (auto& lp : net.layer_params)
    for (int64_t k = 0; k < lp.nb; ++k) lp.b[k] = rng.uniform(-0.2f, 0.2f);
  for (int i = 0; i < net.num_layers(); ++i)
    if (net.spec.layers[size_t(i)].kind == LayerKind::batchnorm) {
      for (int64_t k = 0; k < net.layer_params[size_t(i)].nw; ++k)
        net.layer_params[size_t(i)].w[k] = rng.uniform(0.5f, 1.5f);
      for (auto& v : net.state[size_t(i)].running_mean) v = rng.uniform(-0.3f, 0.3f);
      for (auto& v : net.state[size_t(i)].running_var) v = rng.uniform(0.5f, 2.0f);
    }
  std::vector<float> x(size_t(c.n * net.info.input.size()));
  for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
  const int k = int(net.out_size());
  std::vector<int32_t> labels(static_cast<size_t>(c.n));
  for (auto& l : labels) l = int32_t(rng.below(c.loss == LossKind::binary_cross_entropy ? 2u : uint32_t(k)));
  std::vector<float> targets(size_t(c.n * k));
  for (auto& t : targets) t = rng.uniform(-1.0f, 1.0f);
  const float* tp = c.loss == LossKind::quadratic ? targets.data() : nullptr;

  const std::vector<float> before = net.params;
  GradCheckOptions opt;
  opt.training = training;
  opt.mode = mode;
  GradCheckResult r = network_gradient_check(net, x.data(), labels.data(), tp, c.n, opt);
  REQUIRE_MESSAGE(r.message.empty(), r.message);
  CHECK(net.params == before);  // the check works on a copy
  REQUIRE(int(r.layers.size()) == net.num_layers());
  int64_t kinks = 0;
  CHECK(r.loss > 0.0);
  CHECK(r.err_dp >= 0.0);
  CHECK(r.err_dp < 1e-4);
  for (int i = 0; i < net.num_layers(); ++i) {
    const GradCheckLayer& g = r.layers[size_t(i)];
    const std::string kind = layer_kind_name(net.spec.layers[size_t(i)].kind);
    INFO("layer " << i + 1 << " " << kind << ": err_w " << g.err_w << " err_b " << g.err_b << " err_x " << g.err_x
                  << " (" << g.checked << " entries, " << g.kinks << " on kinks)");
    kinks += g.kinks;
    CHECK(g.checked > 0);
    CHECK(g.err_w < 1e-3);
    CHECK(g.err_b < 1e-3);
    CHECK(g.err_x < 1e-3);
  }
  MESSAGE(name << std::string(training ? " (training, " : " (inference, ") << mode_name << "): max relative error "
               << r.max_error << " at layer " << r.worst_layer + 1 << ", loss " << r.loss << ", entries on kinks "
               << kinks);
}

}  // namespace

TEST_CASE("gradcheck: whole networks with every layer type, every loss") {
  const Case cases[] = {
      {"conv classifier", R"(input 9x8x2
conv 4 k3 same
batchnorm
relu
maxpool k2 s2 p1
conv 3 k3 d2 full
leakyrelu a0.1
avgpool k3 s2 p1
dropout 0.3
flatten
dense 6
tanh
dense 4
softmax)",
       LossKind::cross_entropy, 3},
      {"binary classifier", R"(input 7x7x1
conv 3 k2 s2 p1 nobias
sigmoid
conv 2 k1
relu
gap
dense 1
sigmoid)",
       LossKind::binary_cross_entropy, 4},
      {"regression", R"(input 6x5x3
conv 4 k3x2 s2x1 valid
tanh
flatten
dense 5
batchnorm
leakyrelu
dense 3 nobias
softmax)",
       LossKind::quadratic, 3},
      {"asymmetric same, strides, dilation", R"(input 10x9x2
conv 3 k4 s2 same
tanh
conv 4 k2x3 d2 same
sigmoid
avgpool k2 s2
dense 3
softmax)",
       LossKind::cross_entropy, 2},
      {"lenet-like", R"(input 12x12x1
conv 4 k5 p2
relu
maxpool k2 s2
conv 6 k3
relu
maxpool k2
dense 10
relu
dense 3
softmax)",
       LossKind::cross_entropy, 2},
      {"global max pooling", R"(input 6x5x2
conv 3 k3 same
tanh
gmaxpool
dense 3
softmax)",
       LossKind::cross_entropy, 3},
      {"global max pooling last, quadratic", R"(input 4x5x3
conv 2 k2
gmaxpool)",
       LossKind::quadratic, 2},
  };
  for (const Case& c : cases)
    for (GradCheckMode mode : {GradCheckMode::local, GradCheckMode::end_to_end}) {
      run_case(c, true, mode);
      run_case(c, false, mode);
    }
}

TEST_CASE("gradcheck: small cases and kinks") {
  Network net;
  std::string err;
  REQUIRE(network_build_from_text(&net, "input 1x1x3\ndense 2\nsoftmax", 1, &err));
  network_init(&net, 1);
  float x[3] = {0.5f, -1.0f, 2.0f};
  int32_t y = 1;
  GradCheckResult ok = network_gradient_check(net, x, &y, nullptr, 1);
  REQUIRE(ok.message.empty());
  CHECK(ok.max_error < 1e-5);
  CHECK(ok.layers[0].checked == 6 + 2 + 3);
  // A ReLU input exactly at 0: central differences would see half the slope while the notes'
  // convention (derivative 1 at a = 0) passes all of it. No derivative exists there: the checker
  // reports the entry as a kink instead of comparing.
  Network k;
  REQUIRE(network_build_from_text(&k, "input 1x1x1\nrelu\ndense 1 nobias", 1, &err));
  network_init(&k, 1);
  float zero = 0.0f, target = 3.0f;
  GradCheckResult r = network_gradient_check(k, &zero, nullptr, &target, 1);
  REQUIRE(r.message.empty());
  CHECK(r.layers[0].kinks == 1);
  CHECK(r.layers[0].err_x == -1);
  CHECK(r.layers[1].err_w < 1e-6);
  // A max-pooling window of equal values (ReLU zeros): ties are kinks too.
  Network m;
  REQUIRE(network_build_from_text(&m, "input 2x2x1\nmaxpool k2\ndense 1", 1, &err));
  network_init(&m, 1);
  float flat[4] = {0.25f, 0.25f, 0.25f, 0.25f};
  GradCheckResult t = network_gradient_check(m, flat, nullptr, &target, 1);
  CHECK(t.layers[0].kinks == 4);
}

TEST_CASE("gradcheck: the presets LeNet-5 and VGG-small, as the page's button runs it") {
  for (const char* preset : {"lenet5", "vgg-small"}) {
    CAPTURE(preset);
    const std::string text = spec_tests::read_preset(preset);
    Network net;
    std::string err;
    REQUIRE_MESSAGE(network_build_from_text(&net, text, 2, &err), err);
    network_init(&net, 1);
    Rng rng(2);
    std::vector<float> x(size_t(2 * net.info.input.size()));
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    int32_t labels[2] = {3, 7};
    GradCheckResult r = network_gradient_check(net, x.data(), labels, nullptr, 2);
    REQUIRE(r.message.empty());
    MESSAGE(std::string(preset) << ": max relative error " << r.max_error << " (layer " << r.worst_layer + 1 << ")");
    CHECK(r.max_error < 1e-3);
    for (const GradCheckLayer& g : r.layers) CHECK(g.checked > 0);
  }
}
