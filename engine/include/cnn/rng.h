// rng.h: the project's own random number generator (PCG32, O'Neill 2014) and the few
// distributions the engine needs. Written here, not taken from <random>, because standard-library
// distributions differ between libraries: with this file native and wasm builds draw the same
// numbers bit for bit. Only +, *, / and sqrt are used (all correctly rounded in IEEE 754).
#pragma once
#include <cmath>
#include <cstdint>

namespace cnn {

struct Rng {
  uint64_t state = 0x853c49e6748fea9bULL;
  uint64_t inc = 0xda3e39cb94b95bdbULL;

  Rng() = default;
  explicit Rng(uint64_t seed, uint64_t stream = 54) { reseed(seed, stream); }
  void reseed(uint64_t seed, uint64_t stream = 54) {
    state = 0;
    inc = (stream << 1u) | 1u;
    next_u32();
    state += seed;
    next_u32();
  }
  uint32_t next_u32() {
    uint64_t old = state;
    state = old * 6364136223846793005ULL + inc;
    uint32_t xorshifted = uint32_t(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = uint32_t(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
  }
  // Uniform in [0, 1) with 24 random bits (exact in float).
  float uniform() { return float(next_u32() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), without modulo bias (Lemire's method).
  uint32_t below(uint32_t n) {
    uint64_t m = uint64_t(next_u32()) * n;
    uint32_t l = uint32_t(m);
    if (l < n) {
      uint32_t t = (0u - n) % n;
      while (l < t) {
        m = uint64_t(next_u32()) * n;
        l = uint32_t(m);
      }
    }
    return uint32_t(m >> 32);
  }
  // Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin-Hall). Box-Muller would
  // need log and cos, whose last bits differ between libms; this needs only additions, so it is
  // identical everywhere. Its tails stop at +-6, which is fine for noise and jitter.
  float normal_approx() {
    float s = 0;
    for (int i = 0; i < 12; ++i) s += uniform();
    return s - 6.0f;
  }
};

// Fisher-Yates shuffle of an index array, identical on every platform.
template <class T>
void shuffle(T* a, int64_t n, Rng& rng) {
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = rng.below(uint32_t(i + 1));
    T t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

}  // namespace cnn
