// Kernel tests: every SIMD kernel against its scalar reference, at sizes below, at and above its
// tile (XNNPACK's habit), natively and, built with Emscripten, under node. The tile sizes of this
// build come from kernels.h's gemm_tile(), so the same test walks the edges of whichever ISA ran.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "cnn/kernels.h"
#include "cnn/rng.h"

namespace {

struct KernelSetScope {  // restores the run-time kernel choice when a test ends
  cnn::KernelSet saved = cnn::kernel_set();
  explicit KernelSetScope(cnn::KernelSet k) { cnn::set_kernel_set(k); }
  ~KernelSetScope() { cnn::set_kernel_set(saved); }
};

void fill(std::vector<float>& v, cnn::Rng& rng) {
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
}

// One GEMM case: the SIMD sgemm and sgemm_reference on the same inputs, compared element by
// element; the padding between rows of C (ldc > n) must come back untouched. Returns false on the
// first mismatch (and prints it), so a failing size shows up once, not a thousand times.
bool gemm_case(bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, cnn::Rng& rng) {
  const int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
  std::vector<float> a(size_t(ta ? k : m) * lda), b(size_t(tb ? n : k) * ldb), c(size_t(m) * ldc);
  fill(a, rng);
  fill(b, rng);
  fill(c, rng);
  std::vector<float> c_ref = c;
  {
    KernelSetScope simd(cnn::KernelSet::simd);
    cnn::sgemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
  }
  cnn::sgemm_reference(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c_ref.data(), ldc);
  // Every term is at most |alpha| in size; the orders of summation differ (and natively the SIMD
  // path fuses multiply-adds), so allow a few ulps per term.
  const float tol = 4e-7f * float(k + 2) * (std::fabs(alpha) + 1.0f) + 1e-6f;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < ldc; ++j) {
      const float got = c[size_t(i) * ldc + j], want = c_ref[size_t(i) * ldc + j];
      const bool ok = j < n ? std::fabs(got - want) <= tol : got == want;
      if (!ok) {
        std::printf("sgemm ta=%d tb=%d m=%d n=%d k=%d alpha=%g beta=%g pad=%d: C(%d,%d) = %.9g, want %.9g\n",
                    ta, tb, m, n, k, alpha, beta, pad, i, j, got, want);
        return false;
      }
    }
  return true;
}

}  // namespace

TEST_CASE("kernels: sgemm matches the reference around the register tile, all transposes") {
  const cnn::GemmTile tile = cnn::gemm_tile();
  INFO("isa ", cnn::simd_isa_name(), " tile ", tile.mr, "x", tile.nr);
  cnn::Rng rng(1234);
  const int ks[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17};
  int cases = 0;
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    for (int m = 1; m <= tile.mr + 3; ++m)
      for (int n = 1; n <= tile.nr + 3; ++n)
        for (int k : ks)
          for (float beta : {0.0f, 1.0f}) {
            const int pad = (m + n + k) % 3 == 0 ? 3 : 0;
            REQUIRE(gemm_case(ta, tb, m, n, k, 1.0f, beta, pad, rng));
            ++cases;
          }
  }
  CHECK(cases == 4 * (tile.mr + 3) * (tile.nr + 3) * 10 * 2);
}

TEST_CASE("kernels: sgemm matches the reference on larger odd sizes, across cache blocks") {
  const cnn::GemmTile tile = cnn::gemm_tile();
  cnn::Rng rng(99);
  struct Size { int m, n, k; };
  const Size sizes[] = {
      {37, 53, 29}, {64, 64, 64}, {6, 784, 25}, {16, 100, 150}, {32, 120, 400},
      {tile.mc + tile.mr + 1, 2 * tile.nr + 5, tile.kc + 1},   // two A blocks, two k blocks
      {tile.mr, tile.nc + 3, 5},                               // two B blocks
      {3, 7, 2 * tile.kc + 3},                                 // three k blocks
  };
  for (const Size& s : sizes)
    for (int t = 0; t < 4; ++t)
      for (float beta : {0.0f, 1.0f}) {
        const bool ta = t & 1, tb = t & 2;
        REQUIRE(gemm_case(ta, tb, s.m, s.n, s.k, 1.0f, beta, 5, rng));
      }
  // alpha and beta other than 0 and 1
  REQUIRE(gemm_case(false, false, 13, 21, 33, 0.5f, -2.0f, 1, rng));
  REQUIRE(gemm_case(true, true, 13, 21, 33, -1.5f, 0.25f, 2, rng));
  REQUIRE(gemm_case(true, false, 9, 40, 300, 0.0f, 0.5f, 0, rng));
}

TEST_CASE("kernels: sgemm edge cases: k = 0, beta = 0 ignores NaN in C, reference switch") {
  float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 0, 0, 1, 1, 1};
  float c[4] = {NAN, NAN, NAN, NAN};
  cnn::sgemm(false, false, 2, 2, 3, 1.0f, a, 3, b, 2, 0.0f, c, 2);  // [[1,2,3],[4,5,6]] x [[1,0],[0,1],[1,1]]
  CHECK(c[0] == 4.0f);
  CHECK(c[1] == 5.0f);
  CHECK(c[2] == 10.0f);
  CHECK(c[3] == 11.0f);
  cnn::sgemm(false, false, 2, 2, 0, 1.0f, a, 3, b, 2, 0.5f, c, 2);  // empty sum: C = beta * C
  CHECK(c[0] == 2.0f);
  CHECK(c[3] == 5.5f);
  cnn::sgemm(false, false, 2, 2, 0, 1.0f, a, 3, b, 2, 0.0f, c, 2);
  CHECK(c[1] == 0.0f);

  KernelSetScope ref(cnn::KernelSet::reference);
  CHECK(cnn::kernel_set() == cnn::KernelSet::reference);
  cnn::Rng rng(5);
  std::vector<float> x(17 * 19), y(19 * 23), z1(17 * 23), z2(17 * 23);
  fill(x, rng);
  fill(y, rng);
  cnn::sgemm(false, false, 17, 23, 19, 1.0f, x.data(), 19, y.data(), 23, 0.0f, z1.data(), 23);
  cnn::sgemm_reference(false, false, 17, 23, 19, 1.0f, x.data(), 19, y.data(), 23, 0.0f, z2.data(), 23);
  CHECK(z1 == z2);  // the reference set runs the reference, bit for bit
}
