// The Network: building (and refusing), initialization (bit-identical everywhere), forward against
// the layer functions, the loss interface, accumulation, trace and receptive-field queries.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cnn/cnn.h"
#include "cnn/net.h"
#include "cnn/nn.h"
#include "cnn/rng.h"
#include "net_tests.h"

using namespace cnn;

namespace {

const char* kLeNet5 = R"(input 28x28x1
conv 6 k5 p2
relu
maxpool k2 s2
conv 16 k5
relu
maxpool k2
dense 120
relu
dense 84
relu
dense 10
softmax)";

// FNV-1a over the bytes of the floats: any single changed bit changes it.
uint64_t fnv1a(const std::vector<float>& v) {
  uint64_t h = 1469598103934665603ULL;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(v.data());
  for (size_t i = 0; i < v.size() * sizeof(float); ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

using net_tests::build_init;
using net_tests::random_input;

}  // namespace

TEST_CASE("net: LeNet-5 builds with the notes' parameter count and a bit-identical initialization") {
  Network net;
  std::string err;
  REQUIRE_MESSAGE(network_build_from_text(&net, kLeNet5, 8, &err), err);
  CHECK(net.params.size() == 61706u);
  CHECK(net.grads.size() == 61706u);
  CHECK(net.loss == LossKind::cross_entropy);
  CHECK(net.out_size() == 10);
  CHECK(net.layer_params[0].nw == 150);
  CHECK(net.layer_params[0].nb == 6);
  CHECK(net.layer_params[0].w == net.params.data());
  CHECK(net.layer_params[3].w == net.params.data() + 156);
  network_init(&net, 1);
  const uint64_t h = fnv1a(net.params);
  MESSAGE("LeNet-5 initial weights, seed 1: FNV-1a " << h);
  // The same number natively and in wasm: init uses cnn::Rng and + - * / sqrt only.
  CHECK(h == 7246574803125279235ULL);
  // He-uniform bound for the first conv (followed by relu): sqrt(6 / 25).
  float mx = 0;
  for (int64_t k = 0; k < 150; ++k) mx = std::fmax(mx, std::fabs(net.params[size_t(k)]));
  CHECK(mx <= std::sqrt(6.0f / 25.0f));
  CHECK(mx > 0.9f * std::sqrt(6.0f / 25.0f));
  for (int64_t k = 150; k < 156; ++k) CHECK(net.params[size_t(k)] == 0.0f);
  // Glorot for the last dense (followed by softmax): sqrt(6 / (84 + 10)).
  const LayerParams& last = net.layer_params[10];
  float ml = 0;
  for (int64_t k = 0; k < last.nw; ++k) ml = std::fmax(ml, std::fabs(last.w[k]));
  CHECK(ml <= std::sqrt(6.0f / 94.0f));
  CHECK(ml > 0.9f * std::sqrt(6.0f / 94.0f));
  Network again;
  REQUIRE(network_build_from_text(&again, kLeNet5, 2, &err));
  network_init(&again, 1);
  CHECK(again.params == net.params);
  network_init(&again, 2);
  CHECK(again.params != net.params);
}

TEST_CASE("net: refuses what it cannot build, with messages") {
  Network net;
  std::string err;
  CHECK_FALSE(network_build_from_text(&net, kLeNet5, 0, &err));
  CHECK(err.find("batch") != std::string::npos);
  // 4096 maps of 512x512: far above the memory budget; refused before allocating.
  CHECK_FALSE(
      network_build_from_text(&net, "input 512x512x3\nconv 512 k3 same\nrelu\ngap\ndense 10\nsoftmax", 64, &err));
  MESSAGE(err);
  CHECK(err.find("budget") != std::string::npos);
  // The network's own check (the analysis's batch is 32; a larger batch can still exceed it).
  CHECK_FALSE(
      network_build_from_text(&net, "input 224x224x3\nconv 16 k3 same\nrelu\ngap\ndense 10\nsoftmax", 512, &err));
  MESSAGE(err);
  CHECK((err.find("MiB") != std::string::npos || err.find("GiB") != std::string::npos));
  REQUIRE(network_build_from_text(&net, "input 1x1x4\ndense 3\nrelu", 2, &err));
  CHECK(net.loss == LossKind::quadratic);
  CHECK_FALSE(network_set_loss(&net, LossKind::cross_entropy, &err));
  CHECK(err.find("softmax") != std::string::npos);
  CHECK_FALSE(network_set_loss(&net, LossKind::binary_cross_entropy, &err));
  REQUIRE(network_build_from_text(&net, "input 1x1x4\ndense 1\nsigmoid", 2, &err));
  CHECK(net.loss == LossKind::binary_cross_entropy);
  // A label the output cannot represent gives NaN, not a read out of bounds.
  build_init(&net, "input 1x1x4\ndense 3\nsoftmax", 2, 1);
  float x[8] = {0};
  network_forward(&net, x, 2, true);
  int32_t bad[2] = {0, 3};
  CHECK(std::isnan(network_loss(&net, bad, nullptr)));
  // More samples than the buffers hold: refused, not clamped.
  float x3[12] = {0};
  CHECK(network_forward(&net, x3, 3, true) == nullptr);
  CHECK(net.batch == 0);
  int32_t good[3] = {0, 1, 2};
  CHECK(std::isnan(network_loss(&net, good, nullptr)));
}

TEST_CASE("net: forward equals the layer functions chained by hand; loss and accuracy") {
  Network net;
  build_init(&net, "input 5x5x2\nconv 3 k3 same\nrelu\nmaxpool k2\ndense 4\nsoftmax", 3, 5);
  Rng rng(9);
  auto x = random_input(rng, 3 * 50);
  const float* p = network_forward(&net, x.data(), 3, false);
  ConvDims cd = conv_dims(net.spec.layers[0], net.info.layers[0]);
  std::vector<float> a1(3 * 75), a2(3 * 75), a3(3 * 12), a4(3 * 4), a5(3 * 4),
      col(size_t(cd.col_rows() * cd.col_cols()));
  std::vector<int32_t> am(a3.size());
  conv2d_forward(a1.data(), col.data(), x.data(), net.layer_params[0].w, net.layer_params[0].b, 3, cd);
  relu_forward(a2.data(), a1.data(), 225);
  maxpool_forward(a3.data(), am.data(), a2.data(), 3, pool_dims(net.spec.layers[2], net.info.layers[2]));
  dense_forward(a4.data(), a3.data(), net.layer_params[3].w, net.layer_params[3].b, 3, 12, 4);
  softmax_forward(a5.data(), a4.data(), 3, 4);
  for (int k = 0; k < 12; ++k) CHECK(p[k] == a5[size_t(k)]);
  int32_t labels[3] = {0, 1, 2};
  const float loss = network_loss(&net, labels, nullptr);
  double expect = 0;
  for (int s = 0; s < 3; ++s) expect -= std::log(double(a5[size_t(s * 4 + labels[s])]));
  CHECK(loss == doctest::Approx(expect / 3).epsilon(1e-5));
  int correct = 0;
  for (int s = 0; s < 3; ++s) correct += argmax_index(&a5[size_t(s * 4)], 4) == labels[s];
  CHECK(network_count_correct(&net, labels) == correct);
  // The fused gradient (p - q)/n sits below the softmax; dL/dp = -q/(n p) is kept for display.
  CHECK(net.fused_last);
  CHECK(net.dacts[4][1] == doctest::Approx(a5[1] / 3.0f));
  CHECK(net.dacts[4][0] == doctest::Approx((a5[0] - 1.0f) / 3.0f));
  CHECK(net.dl_dp[0] == doctest::Approx(-1.0f / (3.0f * a5[0])));
  CHECK(net.dl_dp[1] == 0.0f);
}

TEST_CASE("net: backward accumulates; the batch gradient is the mean of per-sample gradients") {
  Network net;
  build_init(&net, "input 6x6x1\nconv 2 k3\ntanh\nflatten\ndense 3\nsoftmax", 4, 3);
  Rng rng(4);
  auto x = random_input(rng, 4 * 36);
  int32_t labels[4] = {2, 0, 1, 2};
  network_forward(&net, x.data(), 4, true);
  network_loss(&net, labels, nullptr);
  network_zero_grad(&net);
  network_backward(&net);
  const std::vector<float> batch_grad = net.grads;
  // Algorithm 1: per sample, then the average.
  std::vector<double> mean(net.grads.size(), 0.0);
  for (int s = 0; s < 4; ++s) {
    network_forward(&net, x.data() + s * 36, 1, true);
    network_loss(&net, labels + s, nullptr);
    network_zero_grad(&net);
    network_backward(&net);
    for (size_t k = 0; k < mean.size(); ++k) mean[k] += net.grads[k] / 4.0;
  }
  for (size_t k = 0; k < mean.size(); ++k) CHECK(batch_grad[k] == doctest::Approx(mean[k]).epsilon(1e-4).scale(1e-3));
  // Without zero_grad, a second backward adds the same gradient again.
  network_forward(&net, x.data(), 4, true);
  network_loss(&net, labels, nullptr);
  network_zero_grad(&net);
  network_backward(&net);
  network_backward(&net);
  for (size_t k = 0; k < batch_grad.size(); ++k)
    CHECK(net.grads[k] == doctest::Approx(2 * batch_grad[k]).epsilon(1e-6));
}

TEST_CASE("net: trace of one sample and the effective receptive field") {
  Network net;
  std::string err;
  build_init(&net, "input 9x9x1\nconv 2 k3\nrelu\nconv 2 k3\nrelu\ndense 3\nsoftmax", 4, 11);
  Rng rng(12);
  auto x = random_input(rng, 81);
  std::fill(net.grads.begin(), net.grads.end(), 0.5f);
  SampleTrace t;
  REQUIRE(network_trace_sample(&net, x.data(), 1, nullptr, &t, &err));
  for (float g : net.grads) REQUIRE(g == 0.5f);  // untouched
  REQUIRE(t.x.size() == 7u);
  REQUIRE(t.dl_dx.size() == 7u);
  REQUIRE(t.dl_dw.size() == 6u);
  CHECK(t.x[0] == x);
  CHECK(t.dl_dw[0].size() == 18u);
  CHECK(t.dl_db[0].size() == 2u);
  CHECK(t.dl_dw[1].empty());
  CHECK(t.loss == doctest::Approx(-std::log(t.x[6][1])).epsilon(1e-5));
  CHECK(t.predicted == argmax_index(t.x[6].data(), 3));
  // dl/dp = -q/p at the label, 0 elsewhere; one level down, p - q.
  CHECK(t.dl_dp[1] == doctest::Approx(-1.0f / t.x[6][1]));
  CHECK(t.dl_dx[5][1] == doctest::Approx(t.x[6][1] - 1.0f));
  // Relu: dl/dx^(1) is zero exactly where the conv output is negative.
  for (size_t k = 0; k < t.x[1].size(); ++k)
    if (t.x[1][k] < 0) CHECK(t.dl_dx[1][k] == 0.0f);
  // Equation (2) for the dense layer: dl/dW = g x^T.
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 50; ++i)
      CHECK(t.dl_dw[4][size_t(o * 50 + i)] == doctest::Approx(t.dl_dx[5][size_t(o)] * t.x[4][size_t(i)]).epsilon(1e-5));

  // Receptive field of one unit of the second conv: two 3x3 convs see at most 5x5 pixels.
  std::vector<float> g;
  const int64_t unit = 1 * 25 + 2 * 5 + 2;  // map 1, row 2, col 2 of the 5x5 output
  REQUIRE(network_unit_input_gradient(&net, x.data(), 3, unit, &g, &err));
  REQUIRE(g.size() == 81u);
  int nonzero = 0;
  for (int r = 0; r < 9; ++r)
    for (int c = 0; c < 9; ++c) {
      const bool inside = r >= 2 && r < 7 && c >= 2 && c < 7;
      if (!inside) CHECK(g[size_t(r * 9 + c)] == 0.0f);
      nonzero += g[size_t(r * 9 + c)] != 0.0f;
    }
  CHECK(nonzero > 0);
  for (float v : net.grads) REQUIRE(v == 0.5f);
  CHECK_FALSE(network_unit_input_gradient(&net, x.data(), 7, 0, &g, &err));
  CHECK_FALSE(network_unit_input_gradient(&net, x.data(), 3, 50, &g, &err));
}

TEST_CASE("net: dropout is seeded, batchnorm switches modes") {
  Network a, b;
  std::string err;
  const char* text = "input 1x1x20\ndense 16\nbatchnorm\nrelu\ndropout 0.5\ndense 2";
  REQUIRE(network_build_from_text(&a, text, 4, &err));
  REQUIRE(network_build_from_text(&b, text, 4, &err));
  network_init(&a, 5);
  network_init(&b, 5);
  Rng rng(6);
  auto x = random_input(rng, 80);
  std::vector<float> ya(a.acts.back().begin(), a.acts.back().begin() + 8);
  network_forward(&a, x.data(), 4, true);
  network_forward(&b, x.data(), 4, true);
  CHECK(std::memcmp(a.output(), b.output(), 8 * sizeof(float)) == 0);
  CHECK(a.state[3].keep == b.state[3].keep);
  // Second training pass draws a new mask; inference ignores dropout and uses running statistics.
  network_forward(&a, x.data(), 4, true);
  CHECK(a.state[3].keep != b.state[3].keep);
  std::vector<float> i1(a.output(), a.output() + 8);
  network_forward(&a, x.data(), 4, false);
  std::vector<float> i2(a.output(), a.output() + 8);
  network_forward(&a, x.data(), 4, false);
  CHECK(std::memcmp(i2.data(), a.output(), 8 * sizeof(float)) == 0);
  CHECK(a.state[1].running_mean != std::vector<float>(16, 0.0f));
}

TEST_CASE("net: the tutorial of cnn.h runs and learns (smaller data)") {
  std::string err;
  cnn::DataOptions dopt;
  dopt.n_train = 960;
  dopt.n_test = 200;
  cnn::Dataset data;
  REQUIRE_MESSAGE(cnn::dataset_make("shapes", dopt, &data, &err), err);
  cnn::Network net;
  REQUIRE_MESSAGE(
      cnn::network_build_from_text(&net, "input 28x28x1; conv 8 k5 s2; relu; maxpool k2; dense 5; softmax", 64, &err),
      err);
  cnn::TrainConfig cfg;
  cfg.optimizer = cnn::OptimizerKind::adam;
  cfg.lr = 3e-3f;
  cfg.batch = 32;
  cfg.epochs = 6;
  cfg.seed = 1;
  cnn::Trainer tr;
  REQUIRE_MESSAGE(cnn::trainer_setup(&tr, &net, &data, cfg, &err), err);
  cnn::trainer_run_to_end(&tr);
  MESSAGE("tutorial: test accuracy " << tr.last_eval.accuracy << " after " << tr.step << " steps, first loss "
                                     << tr.history.loss.front() << ", last " << tr.history.loss.back());
  CHECK(tr.history.loss.back() < tr.history.loss.front());
  CHECK(tr.last_eval.accuracy > 0.6f);  // chance is 0.2
}

TEST_CASE("net: `same` padding puts the extra row and column at the bottom/right") {
  // k2 same on 4x4: one row/col of padding in total, all of it after the image. With weights 1,
  // output (0,0) sums x(0..1, 0..1) and output (3,3) sees x(3,3) alone.
  Network net;
  std::string err;
  REQUIRE(network_build_from_text(&net, "input 4x4x1\nconv 1 k2 same nobias", 1, &err));
  REQUIRE(net.info.layers[0].pad.top == 0);
  REQUIRE(net.info.layers[0].pad.bottom == 1);
  for (int k = 0; k < 4; ++k) net.layer_params[0].w[k] = 1.0f;
  float x[16];
  for (int k = 0; k < 16; ++k) x[k] = float(1 << k % 8) + (k >= 8 ? 1000.0f : 0.0f);
  const float* y = network_forward(&net, x, 1, false);
  CHECK(y[0] == x[0] + x[1] + x[4] + x[5]);
  CHECK(y[15] == x[15]);
  CHECK(y[3] == x[3] + x[7]);
  CHECK(y[12] == x[12] + x[13]);
}

// Issue 18 item 2: one memory plan. network_build allocates exactly what plan_memory sizes, so the
// figure the analysis and the page show is the network's real footprint, and trainer_setup refuses
// by the same plan.
TEST_CASE("net: the memory plan is what network_build allocates, byte for byte") {
  const char* texts[] = {kLeNet5,
                         "input 12x10x3\nconv 4 k3 same\nbatchnorm\nrelu\nmaxpool k2\ndropout 0.3\n"
                         "flatten\ndense 5\nsoftmax\n"};
  for (const char* text : texts) {
    CAPTURE(text);
    ModelSpec spec;
    ModelInfo info;
    SpecError se;
    REQUIRE(parse_and_analyze(text, &spec, &info, &se));
    for (int batch : {1, 7, 32}) {
      Network net;
      std::string err;
      REQUIRE(network_build(&net, spec, batch, &err));
      int64_t bytes = 4 * int64_t(net.params.size() + net.grads.size() + net.workspace.size() + net.dl_dp.size());
      for (size_t j = 0; j < net.acts.size(); ++j) bytes += 4 * int64_t(net.acts[j].size() + net.dacts[j].size());
      for (const LayerState& s : net.state)
        bytes += 4 * int64_t(s.argmax.size() + s.mean.size() + s.invstd.size() + s.running_mean.size() +
                             s.running_var.size() + s.xhat.size()) +
                 int64_t(s.keep.size());
      const MemoryPlan plan = plan_memory(spec, info, batch);
      CHECK(plan.network_bytes == bytes);
      CHECK(network_bytes_needed(spec, info, batch) == bytes);
      if (batch == 32) CHECK(info.memory.network_bytes == bytes);  // the analysis reports the same
    }
  }
  // LeNet-5 at batch 32 with Adam, by hand: 61,706 parameters; activations 784 + 4704*2 + 1176
  // + 1600*2 + 400 + 120*2 + 84*2 + 10*2 = 15,396 floats per sample; maxpool argmax 1176 + 400;
  // the largest im2col is conv 1's 25*784 = 19,600 floats; dL/dp 10 per sample.
  ModelSpec spec;
  ModelInfo info;
  SpecError se;
  REQUIRE(parse_and_analyze(kLeNet5, &spec, &info, &se));
  const int64_t net_bytes = 4 * (2 * 61706 + 2 * 32 * 15396 + 32 * (1176 + 400) + 19600 + 32 * 10);
  CHECK(info.memory.network_bytes == net_bytes);
  CHECK(info.memory.optimizer_bytes == 8 * 61706);
  CHECK(info.memory.rollback_bytes == 12 * 61706);
  CHECK(info.memory.batch_bytes == 4 * 32 * (784 + 1));
  CHECK(info.training_bytes == net_bytes + 20 * 61706 + 4 * 32 * 785);
  CHECK(format_bytes(info.training_bytes) == "5.8 MiB");
}

TEST_CASE("net: VGG-16 is analyzed but not built, and the refusal names the analysis' figure") {
  std::string text = "input 224x224x3\n";
  for (int maps : {64, 128, 256, 512, 512}) {
    const int convs = maps <= 128 ? 2 : 3;
    for (int c = 0; c < convs; ++c) text += "conv " + std::to_string(maps) + " k3 p1\nrelu\n";
    text += "maxpool k2 s2\n";
  }
  text += "dense 4096\nrelu\ndropout 0.5\ndense 4096\nrelu\ndropout 0.5\ndense 1000\nsoftmax\n";
  ModelSpec spec;
  ModelInfo info;
  SpecError se;
  REQUIRE(parse_and_analyze(text, &spec, &info, &se));
  CHECK(info.total_params == 138357544);
  Network net;
  std::string err;
  CHECK_FALSE(network_build(&net, spec, 1, &err));
  MESSAGE(err);
  CHECK(err.find(format_bytes(plan_memory(spec, info, 1).network_bytes)) != std::string::npos);
  CHECK(err.find("budget") != std::string::npos);
  CHECK(net.params.empty());
}
