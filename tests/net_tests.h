// net_tests.h: a network built from model text for a test (the test fails with the builder's
// message when it does not build), random inputs for it, and the input pixels a unit depends on.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cnn/inspect.h"
#include "cnn/net.h"
#include "cnn/rng.h"

namespace net_tests {

// Builds a network from model text for `batch` samples (it must build) and draws its weights from `seed`.
inline void build_init(cnn::Network* net, const char* text, int batch, uint64_t seed) {
  std::string err;
  REQUIRE_MESSAGE(cnn::network_build_from_text(net, text, batch, &err), err);
  cnn::network_init(net, seed);
}

// n values uniform in [-1, 1) drawn from rng.
inline std::vector<float> random_input(cnn::Rng& rng, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// The input pixels that unit (r, c) of channel 0 of the last layer depends on at input x: the
// bounding box of its input gradient's nonzero entries (cnn::field_support). The gradient must
// be computable.
inline cnn::FieldRect last_unit_support(cnn::Network* net, const std::vector<float>& x, int r, int c) {
  const int layers = net->num_layers();
  std::vector<float> g;
  std::string err;
  REQUIRE_MESSAGE(
      cnn::network_unit_input_gradient(net, x.data(), layers, int64_t(r) * net->out_shape(layers).w + c, &g, &err),
      err);
  return cnn::field_support(g.data(), net->info.input);
}

}  // namespace net_tests
