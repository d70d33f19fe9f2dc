// Global max pooling (`gmaxpool`), the kind added through the layer table alone (issue 18 item 1):
// it works everywhere a kind works. Gradients against central differences: test_gradcheck.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cnn/export.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/spec.h"

using namespace cnn;

TEST_CASE("gmaxpool: parses, prints back, and its analysis: 1x1xC, no parameters, the whole input in view") {
  ModelSpec m;
  ModelInfo info;
  SpecError e;
  REQUIRE_MESSAGE(parse_and_analyze("input 5x4x3\nconv 6 k3\ngmaxpool\ndense 2\n", &m, &info, &e), e.to_string());
  REQUIRE(m.layers[1].kind == LayerKind::gmaxpool);
  CHECK(std::string(layer_kind_name(LayerKind::gmaxpool)) == "gmaxpool");
  CHECK(layer_to_text(m.layers[1]) == "gmaxpool");
  CHECK(model_to_text(m, true) == "input 5x4x3; conv 6 k3; gmaxpool; dense 2");
  const LayerInfo& g = info.layers[1];
  CHECK(g.in == Shape{3, 2, 6});
  CHECK(g.out == Shape{1, 1, 6});
  CHECK(g.params == 0);
  CHECK(g.params_formula.empty());
  CHECK(g.macs == 0);
  CHECK(g.shape_formula == "1x1x6");
  CHECK(g.rf.whole_input);
  CHECK(g.rf.size[0] == 5);
  CHECK(g.rf.size[1] == 4);
  CHECK(g.rf.jump[0] == 0);
  CHECK(g.rf.start[0] == 2.0);
  CHECK(g.rf.start[1] == 1.5);
  CHECK(info.total_params == (3 * 3 * 3 + 1) * 6 + (6 + 1) * 2);
  // the memory plan: one int32 argmax per output and sample, nothing else besides the output
  const MemoryPlan plan = plan_memory(m, info, 8);
  CHECK(plan.layers[1].argmax == 8 * 6);
  CHECK(plan.layers[1].output == 8 * 6);
  CHECK(plan.layers[1].weights == 0);
  CHECK(plan.layers[1].workspace == 0);
  CHECK(plan.layers[1].bytes == 2 * 4 * 8 * 6 + 4 * 8 * 6);  // output and its gradient, argmax

  SpecError bad;
  CHECK_FALSE(parse_model("input 4x4x1\ngmaxpool k2\n", nullptr, &bad));
  CHECK(bad.message == "`gmaxpool` takes no options, but got 'k2'");
  CHECK(bad.column == 10);
  SpecError typo;
  CHECK_FALSE(parse_model("input 4x4x1\ngmaxpol\n", nullptr, &typo));
  CHECK(typo.hint.find("did you mean `gmaxpool`?") == 0);
  CHECK(typo.hint.find(", batchnorm, gmaxpool") != std::string::npos);  // the keyword list, from the table
}

TEST_CASE("gmaxpool: forward takes each map's maximum; backward routes to the first maximum (ties)") {
  Network net;
  std::string err;
  REQUIRE_MESSAGE(network_build_from_text(&net, "input 2x2x2\ngmaxpool\n", 2, &err), err);
  // two samples, NCHW; sample 0 channel 0 ties at 5 (positions 1 and 2), channel 1 all negative
  // with a tie at -1 (positions 2 and 3); sample 1 has one clear maximum per map.
  const std::vector<float> x = {1, 5, 5, 2, -3, -4, -1, -1, 0.5f, 0.25f, 0.75f, 3, 9, 8, 7, 6};
  const float* y = network_forward(&net, x.data(), 2, true);
  REQUIRE(y);
  CHECK(std::vector<float>(y, y + 4) == std::vector<float>{5, -1, 3, 9});
  CHECK(net.state[0].argmax == std::vector<int32_t>{1, 2, 3, 0});
  // dL/dy set by hand, then backward: each gradient lands on its map's first maximum, once
  const std::vector<float> dy = {0.5f, -2, 4, 1.5f};
  std::copy(dy.begin(), dy.end(), net.dacts[1].begin());
  network_backward(&net, true);
  const std::vector<float> dx(net.dacts[0].begin(), net.dacts[0].begin() + 16);
  CHECK(dx == std::vector<float>{0, 0.5f, 0, 0, 0, 0, -2, 0, 0, 0, 0, 4, 1.5f, 0, 0, 0});
}

TEST_CASE("gmaxpool: PyTorch export (AdaptiveMaxPool2d) and the model file round trip") {
  ModelSpec m;
  SpecError e;
  REQUIRE(parse_model("input 6x6x2\nconv 3 k3\nrelu\ngmaxpool\ndense 4\nsoftmax\n", &m, &e));
  std::string py, err;
  REQUIRE_MESSAGE(export_pytorch(m, nullptr, PytorchExportOptions(), &py, &err), err);
  CHECK(py.find("# line 4: gmaxpool    [N,3,4,4] -> [N,3]  (modules 2-3)\n"
                "            nn.AdaptiveMaxPool2d(1),\n            nn.Flatten(),\n") != std::string::npos);
  CHECK(py.find("nn.Linear(3, 4)") != std::string::npos);
  // after a dense layer the tensor is flat: back to channels x rows x cols first
  ModelSpec flat;
  REQUIRE(parse_model("input 3x3x1\ndense 5\ngmaxpool\n", &flat, &e));
  REQUIRE_MESSAGE(export_pytorch(flat, nullptr, PytorchExportOptions(), &py, &err), err);
  CHECK(py.find("nn.Unflatten(1, (5, 1, 1)),\n            nn.AdaptiveMaxPool2d(1)") != std::string::npos);

  Network a;
  REQUIRE(network_build(&a, m, 2, &err));
  network_init(&a, 11);
  const std::string text = model_to_text(m);
  const std::string bytes = model_file_from_network(a, text, "");
  Network b;
  ModelFile f;
  REQUIRE_MESSAGE(model_file_load(bytes, 2, &b, &f, &err), err);
  CHECK(f.model_text == text);
  REQUIRE(b.num_layers() == 5);
  CHECK(b.spec.layers[2].kind == LayerKind::gmaxpool);
  CHECK(b.params == a.params);
  std::vector<float> x(size_t(2 * 72));
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i * 37 % 23)) / 7.0f - 1.5f;
  const float* ya = network_forward(&a, x.data(), 2, false);
  const std::vector<float> out_a(ya, ya + 8);
  const float* yb = network_forward(&b, x.data(), 2, false);
  CHECK(std::vector<float>(yb, yb + 8) == out_a);
}

TEST_CASE("gmaxpool: in the page's kind list (the layer table), with no option fields") {
  bool listed = false;
  for (int i = 0; i < layer_kind_count(); ++i) listed |= layer_kind_at(i) == LayerKind::gmaxpool;
  CHECK(listed);
  CHECK(layer_kind_at(layer_kind_count() - 1) == LayerKind::gmaxpool);
  int n = -1;
  layer_fields(LayerKind::gmaxpool, &n);
  CHECK(n == 0);
  const LayerSpec d = default_layer(LayerKind::gmaxpool);
  CHECK(d.kind == LayerKind::gmaxpool);
  CHECK(layer_to_text(d) == "gmaxpool");
}
