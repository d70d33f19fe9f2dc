// peak.cpp: the arithmetic peak of this build's vector unit, for benchmarks to put GFLOP/s beside.
// Twelve independent multiply-add chains on registers: enough to cover the latency of an FMA (or,
// in wasm, of a multiply followed by an add) on two pipes, few enough to stay in 16 registers.
#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

int64_t CNN_UKERNEL(madd_peak, x12)(int64_t iterations, float* sink) {
  constexpr int kChains = 12;  // wasm in node: 8 chains 34, 10: 41, 12: 46, 16: 28 GFLOP/s (spills)
  vf32 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = vf32_splat(0.001f * float(c));
  // x <- x * 0.99999 + 1e-6 converges to 0.1 and never overflows or goes denormal.
  const vf32 mul = vf32_splat(0.99999f), add = vf32_splat(1e-6f);
  for (int64_t it = 0; it < iterations; ++it)
    for (int c = 0; c < kChains; ++c) acc[c] = vf32_madd(acc[c], mul, add);
  vf32 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = vf32_add(s, acc[c]);
  *sink = vf32_hsum(s);  // the result is used, so the loop cannot be removed
  return iterations * kChains * VF32_LANES * 2;
}

int64_t madd_peak_loop(int64_t iterations, float* sink) { return CNN_UKERNEL(madd_peak, x12)(iterations, sink); }

}  // namespace cnn
