#include <doctest/doctest.h>

#include "cnn/rng.h"

TEST_CASE("rng: PCG32 reference values and determinism") {
  // First outputs of the PCG32 demo (pcg32-demo.c, seed 42, stream 54).
  cnn::Rng r(42u, 54u);
  CHECK(r.next_u32() == 0xa15c02b7u);
  CHECK(r.next_u32() == 0x7b47f409u);
  CHECK(r.next_u32() == 0xba1d3330u);
  cnn::Rng a(7), b(7);
  for (int i = 0; i < 1000; ++i) REQUIRE(a.uniform() == b.uniform());
  cnn::Rng c(1);
  for (int i = 0; i < 10000; ++i) {
    float u = c.uniform();
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    REQUIRE(c.below(10) < 10u);
  }
}
