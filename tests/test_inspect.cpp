// inspect.h: the receptive-field rectangle of a unit against the analyzer's numbers and against
// the support of the effective field of a linear network; zero-one loss vs cross-entropy along a
// line through the weights (a staircase vs a smooth curve, Section 1 of the notes); per-layer
// norms, update ratios and dead ReLUs.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/inspect.h"
#include "cnn/net.h"
#include "cnn/rng.h"
#include "net_tests.h"

using namespace cnn;

TEST_CASE("inspect: the notes' Figure 3 field is 13 pixels, centred on the unit, clipped at the border") {
  Network net;
  std::string err;
  REQUIRE_MESSAGE(network_build_from_text(&net, "input 32x32x1; conv 1 k5 s2; conv 1 k5", 1, &err), err);
  // output of layer 2 is 10x10: floor((32-5)/2)+1 = 14, then 14-5+1 = 10
  REQUIRE(net.out_shape(2).h == 10);
  FieldRect r;
  REQUIRE(unit_field_rect(net.spec, net.info, 2, 0, 0, &r, &err));
  CHECK(r.first[0] == 0);
  CHECK(r.last[0] == 12);  // 13 = (5-1)*2 + 5 pixels
  CHECK(r.last[1] - r.first[1] + 1 == 13);
  CHECK_FALSE(r.clipped);
  REQUIRE(unit_field_rect(net.spec, net.info, 2, 3, 9, &r, &err));
  CHECK(r.first[0] == 6);  // jump 2: each step right moves the field by 2 pixels
  CHECK(r.first[1] == 18);
  CHECK(r.last[1] == 30);
  // out of range: a message, not a crash
  CHECK_FALSE(unit_field_rect(net.spec, net.info, 2, 10, 0, &r, &err));
  CHECK(err.find("outside") != std::string::npos);
  CHECK_FALSE(unit_field_rect(net.spec, net.info, 3, 0, 0, &r, &err));
}

// A network without activations is linear, so every pixel of the field has a nonzero gradient
// (with random weights): the support of |d unit / d input| is exactly the clipped rectangle.
TEST_CASE("inspect: the field rectangle equals the support of the effective field (linear networks)") {
  const char* models[] = {
      "input 32x32x1; conv 2 k5 s2; conv 2 k5",                        // the notes' example
      "input 20x20x2; conv 3 k3 same; avgpool k2; conv 2 k3 s2 same",  // padding: clipped fields
      "input 19x17x1; conv 2 k4 s3 p2; conv 1 k3 d2 p1",
      "input 12x12x1; conv 2 k3 p1; dense 4",  // dense: the whole input
  };
  for (const char* text : models) {
    CAPTURE(text);
    Network net;
    net_tests::build_init(&net, text, 1, 5);
    std::string err;
    const Shape in = net.info.input;
    Rng rng(2);
    std::vector<float> x = net_tests::random_input(rng, in.size());
    const int L = net.num_layers();
    const Shape out = net.out_shape(L);
    bool saw_clipped = false;
    for (int r = 0; r < out.h; ++r)
      for (int c = 0; c < out.w; ++c) {
        FieldRect want;
        REQUIRE(unit_field_rect(net.spec, net.info, L, r, c, &want, &err));
        const FieldRect got = net_tests::last_unit_support(&net, x, r, c);
        CAPTURE(r);
        CAPTURE(c);
        for (int a = 0; a < 2; ++a) {
          CHECK(got.clip_first[a] == want.clip_first[a]);
          CHECK(got.clip_last[a] == want.clip_last[a]);
        }
        saw_clipped |= want.clipped;
        // the exact field lies inside the analyzer's nominal one, which has the analyzer's size
        const ReceptiveField& rf = net.info.layers[size_t(L - 1)].rf;
        for (int a = 0; a < 2; ++a) {
          CHECK(want.first[a] <= want.clip_first[a]);
          CHECK(want.clip_last[a] <= want.last[a]);
          if (!want.whole_input) CHECK(want.last[a] - want.first[a] + 1 == rf.size[a]);
        }
      }
    if (std::string(text).find("same") != std::string::npos) CHECK(saw_clipped);
  }
}

namespace {
// A small classifier on 2D points, trained a few plain SGD steps so the line passes near a
// reasonable minimum (a fresh network would work too; this is closer to what the page shows).
void make_points_net(Network* net, Dataset* d) {
  std::string err;
  DataOptions opt;
  opt.n_train = 300;
  opt.n_test = 100;
  REQUIRE_MESSAGE(dataset_make("blobs", opt, d, &err), err);
  REQUIRE_MESSAGE(network_build_from_text(net, "input 1x1x2; dense 16; relu; dense 3; softmax", 100, &err), err);
  network_init(net, 3);
  for (int s = 0; s < 30; ++s) {
    network_forward(net, d->train_sample((s * 100) % 300), 100, true);
    network_loss(net, d->train_y.data() + (s * 100) % 300, nullptr);
    network_zero_grad(net);
    network_backward(net);
    for (size_t k = 0; k < net->params.size(); ++k) net->params[k] -= 0.5f * net->grads[k];
  }
}
}  // namespace

TEST_CASE(
    "inspect: along a line through the weights the zero-one loss is a staircase and the cross-entropy is smooth") {
  Network net;
  Dataset d;
  make_points_net(&net, &d);
  REQUIRE(d.num_classes == 3);
  std::vector<float> dir;
  random_direction(net, 11, &dir);
  const std::vector<float> w_before = net.params;
  LossLine line;
  std::string err;
  const int n = 300, points = 201;
  REQUIRE_MESSAGE(loss_along_line(&net, d.train_x.data(), d.train_y.data(), nullptr, n, dir, 1.0, points, &line, &err),
                  err);
  CHECK(net.params == w_before);  // restored exactly
  REQUIRE(line.t.size() == size_t(points));
  REQUIRE(line.zero_one.size() == size_t(points));
  CHECK(line.t[100] == doctest::Approx(0.0).epsilon(1e-6));
  // zero-one: multiples of 1/n, and most neighbouring points share a value (flat steps, zero gradient)
  int flat01 = 0, flat_ce = 0;
  std::set<float> levels;
  for (int p = 0; p < points; ++p) {
    const double k = double(line.zero_one[size_t(p)]) * n;
    CHECK(std::fabs(k - std::round(k)) < 1e-3);
    levels.insert(line.zero_one[size_t(p)]);
    if (p > 0) {
      flat01 += line.zero_one[size_t(p)] == line.zero_one[size_t(p - 1)];
      flat_ce += line.cross_entropy[size_t(p)] == line.cross_entropy[size_t(p - 1)];
    }
  }
  MESSAGE("zero-one: " << levels.size() << " levels, " << flat01 << " of " << points - 1 << " steps flat");
  CHECK(flat01 >= (points - 1) / 2);
  CHECK(levels.size() > 1);  // it does change somewhere along the line
  CHECK(flat_ce == 0);       // the proxy changes at every point
  // ... and it changes smoothly: second differences are small against the range of the curve
  float lo = line.cross_entropy[0], hi = lo;
  for (float v : line.cross_entropy) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double max_second = 0;
  for (int p = 1; p + 1 < points; ++p)
    max_second = std::max(max_second,
                          std::fabs(double(line.cross_entropy[size_t(p + 1)]) - 2.0 * line.cross_entropy[size_t(p)] +
                                    line.cross_entropy[size_t(p - 1)]));
  CHECK(max_second < 0.05 * (hi - lo));
  // the trained weights are not the worst point of the line
  CHECK(line.cross_entropy[100] < std::max(line.cross_entropy[0], line.cross_entropy[size_t(points - 1)]));
  // bad arguments: messages
  std::vector<float> short_dir(3, 0.0f);
  CHECK_FALSE(
      loss_along_line(&net, d.train_x.data(), d.train_y.data(), nullptr, n, short_dir, 1.0, points, &line, &err));
  CHECK(err.find("direction") != std::string::npos);
  CHECK_FALSE(loss_along_line(&net, d.train_x.data(), d.train_y.data(), nullptr, n, dir, 1.0, 1, &line, &err));
}

TEST_CASE("inspect: per-layer norms, update ratios, dead ReLUs") {
  Network net;
  std::string err;
  REQUIRE(network_build_from_text(&net, "input 1x1x2; dense 4; relu; dense 2; softmax", 4, &err));
  network_init(&net, 1);
  const std::vector<float> prev = net.params;
  std::vector<LayerNorms> n = layer_norms(net);
  REQUIRE(n.size() == 4);
  CHECK(n[0].count == 12);
  CHECK(n[1].count == 0);
  double w2 = 0;
  for (int64_t k = 0; k < net.layer_params[0].nw; ++k)
    w2 += double(net.layer_params[0].w[k]) * net.layer_params[0].w[k];
  CHECK(n[0].weight == doctest::Approx(std::sqrt(w2)));  // biases start at 0
  CHECK(n[0].grad == 0.0);
  // scale layer 0 by 1.1: its update ratio is exactly 0.1, the other layer's is 0
  for (int64_t k = 0; k < 12; ++k) net.params[size_t(net.layer_params[0].offset + k)] *= 1.1f;
  std::vector<double> ratio;
  REQUIRE(layer_update_ratios(net, prev, &ratio));
  CHECK(ratio[0] == doctest::Approx(0.1).epsilon(1e-5));
  CHECK(ratio[2] == 0.0);
  CHECK_FALSE(layer_update_ratios(net, std::vector<float>(3), &ratio));
  // a hugely negative bias kills every ReLU unit; zero weights and a positive bias keep all alive
  const float x[8] = {0.3f, -0.2f, 1.0f, 0.5f, -0.7f, 0.1f, 0.0f, 0.9f};
  for (int64_t k = 0; k < 4; ++k) net.layer_params[0].b[k] = -100.0f;
  network_forward(&net, x, 4, false);
  CHECK(relu_dead_fraction(net, 1) == 1.0);
  CHECK(relu_dead_fraction(net, 0) == -1.0);  // not a ReLU
  for (int64_t k = 0; k < 8; ++k) net.layer_params[0].w[k] = 0.0f;
  for (int64_t k = 0; k < 4; ++k) net.layer_params[0].b[k] = k < 1 ? -1.0f : 1.0f;
  network_forward(&net, x, 4, false);
  CHECK(relu_dead_fraction(net, 1) == doctest::Approx(0.25));
}
