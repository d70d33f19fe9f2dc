// Kernel tests: every row of cnn/kernel_list.inc, its SIMD kernel against its scalar reference, at
// sizes below, at and above its vector width and tile (XNNPACK's habit), natively and, built with
// Emscripten, under node; the presets native-sse2 and native-scalar run them for the lesser ISAs.
// One doctest case per row, generated from the list (kernel_tests.h); the tests of the training
// kernels are in test_kernels_train.cpp. The tile sizes come from gemm_tile(), so the same test
// walks the edges of whichever ISA this build has.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/rng.h"
#include "kernel_tests.h"

#define CNN_KERNEL(base, ...)                                                                      \
  TEST_CASE("kernels: " #base " matches its scalar reference around the vector and tile widths") { \
    INFO("isa ", cnn::simd_isa_name());                                                            \
    kernel_tests::base();                                                                          \
  }
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL

TEST_CASE("kernels: the list names every SIMD kernel f32_<op>__<isa>_<variant>, the GEMM by its tile") {
  const std::string isa = std::string("__") + cnn::simd_isa_name() + "_";
  CHECK(cnn::kernel_count() == 11);
  for (int i = 0; i < cnn::kernel_count(); ++i) {
    const cnn::KernelInfo& k = cnn::kernel_info(i);
    INFO(k.name, ": ", k.simd_symbol);
    CHECK(std::string(k.simd_symbol).rfind("f32_", 0) == 0);
    CHECK(std::string(k.simd_symbol).find(isa) != std::string::npos);
  }
  const cnn::GemmTile t = cnn::gemm_tile();
  const std::string tile = isa + std::to_string(t.mr) + "x" + std::to_string(t.nr);
  CHECK(std::string(cnn::gemm_kernel_name()) == "f32_gemm_ukernel" + tile);
  CHECK(std::string(cnn::kernel_info(0).simd_symbol) == "f32_gemm" + tile);
}

namespace kernel_tests {
namespace {

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
        std::printf("sgemm ta=%d tb=%d m=%d n=%d k=%d alpha=%g beta=%g pad=%d: C(%d,%d) = %.9g, want %.9g\n", ta, tb, m,
                    n, k, alpha, beta, pad, i, j, got, want);
        return false;
      }
    }
  return true;
}

}  // namespace

void sgemm() {
  // Around the register tile, all transposes.
  {
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
  // Larger odd sizes, across cache blocks.
  {
    const cnn::GemmTile tile = cnn::gemm_tile();
    cnn::Rng rng(99);
    struct Size {
      int m, n, k;
    };
    const Size sizes[] = {
        {37, 53, 29},
        {64, 64, 64},
        {6, 784, 25},
        {16, 100, 150},
        {32, 120, 400},
        {tile.mc + tile.mr + 1, 2 * tile.nr + 5, tile.kc + 1},  // two A blocks, two k blocks
        {tile.mr, tile.nc + 3, 5},                              // two B blocks
        {3, 7, 2 * tile.kc + 3},                                // three k blocks
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
  // Edge cases: k = 0, beta = 0 ignores NaN in C, the reference switch.
  KernelSetScope simd(cnn::KernelSet::simd);
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

void maxpool2x2_forward() {  // against the reference and the general layer, ties included
  cnn::Rng rng(77);
  for (int h = 2; h <= 21; ++h)
    for (int w = 2; w <= 37; w += (w < 20 ? 1 : 5)) {
      const int planes = 3, oh = h / 2, ow = w / 2;
      std::vector<float> x(size_t(planes) * h * w);
      // Half the planes quantized to 3 levels, so that windows with ties are common.
      for (size_t i = 0; i < x.size(); ++i) x[i] = i < x.size() / 2 ? float(rng.below(3)) : rng.uniform(-1.0f, 1.0f);
      std::vector<float> y(size_t(planes) * oh * ow), y_ref(y.size()), y_layer(y.size());
      std::vector<int32_t> a(y.size()), a_ref(y.size()), a_layer(y.size());
      {
        KernelSetScope simd(cnn::KernelSet::simd);
        cnn::maxpool2x2_forward(y.data(), a.data(), x.data(), planes, h, w);
      }
      cnn::maxpool2x2_forward_reference(y_ref.data(), a_ref.data(), x.data(), planes, h, w);
      const cnn::PoolDims d = pool2x2_dims(planes, h, w);
      cnn::maxpool_forward(y_layer.data(), a_layer.data(), x.data(), 1, d);
      INFO("h=", h, " w=", w);
      REQUIRE(y == y_ref);
      REQUIRE(a == a_ref);
      REQUIRE(y_layer == y_ref);
      REQUIRE(a_layer == a_ref);
    }
}

namespace {
// A random convolution shape: every padding, stride (1, the vector path, half the time) and
// dilation; false if the window does not fit.
bool random_im2col_shape(int iter, cnn::Rng& rng, cnn::Im2colShape* out) {
  cnn::Im2colShape s;
  random_window(rng, 3, 14, 40, 5, &s);
  if (iter % 2) s.sw = 1;  // stride 1 (the vector path) half the time
  s.dh = 1 + int(rng.below(2));
  s.dw = 1 + int(rng.below(2));
  s.pad_top = int(rng.below(3));
  s.pad_left = int(rng.below(3));
  const int pad_bottom = int(rng.below(3)), pad_right = int(rng.below(3));
  const int span_h = s.dh * (s.kh - 1) + 1, span_w = s.dw * (s.kw - 1) + 1;
  if (s.h + s.pad_top + pad_bottom < span_h || s.w + s.pad_left + pad_right < span_w) return false;
  s.oh = (s.h + s.pad_top + pad_bottom - span_h) / s.sh + 1;
  s.ow = (s.w + s.pad_left + pad_right - span_w) / s.sw + 1;
  *out = s;
  return true;
}
}  // namespace

// Runs check(s, rng) on 400 random shapes, the ones whose window fits (more than 200 of them).
template <class F>
void for_random_im2col_shapes(uint64_t seed, F&& check) {
  cnn::Rng rng(seed);
  int cases = 0;
  for (int iter = 0; iter < 400; ++iter) {
    cnn::Im2colShape s;
    if (!random_im2col_shape(iter, rng, &s)) continue;
    INFO("c=", s.c, " h=", s.h, " w=", s.w, " k=", s.kh, "x", s.kw, " s=", s.sh, "x", s.sw, " d=", s.dh, "x", s.dw,
         " pad=", s.pad_top, ",", s.pad_left);
    check(s, rng);
    ++cases;
  }
  CHECK(cases > 200);
}

void im2col() {
  for_random_im2col_shapes(2024, [](const cnn::Im2colShape& s, cnn::Rng& rng) {
    const size_t in = size_t(s.c) * s.h * s.w, cols = size_t(s.c) * s.kh * s.kw * s.oh * s.ow;
    std::vector<float> x(in), col(cols, NAN), col_ref(cols, NAN);
    fill(x, rng);
    {
      KernelSetScope simd(cnn::KernelSet::simd);
      cnn::im2col_f32(col.data(), x.data(), s);
    }
    cnn::im2col_reference(col_ref.data(), x.data(), s);
    REQUIRE(col == col_ref);  // a copy: bit for bit, every entry written
  });
}

void col2im_add() {
  for_random_im2col_shapes(2025, [](const cnn::Im2colShape& s, cnn::Rng& rng) {
    const size_t in = size_t(s.c) * s.h * s.w, cols = size_t(s.c) * s.kh * s.kw * s.oh * s.ow;
    std::vector<float> g(cols), dx(in), dx_ref;
    fill(g, rng);
    fill(dx, rng);
    dx_ref = dx;
    {
      KernelSetScope simd(cnn::KernelSet::simd);
      cnn::col2im_add_f32(dx.data(), g.data(), s);
    }
    cnn::col2im_add_reference(dx_ref.data(), g.data(), s);
    REQUIRE(dx == dx_ref);  // the same additions in the same order
  });
}

// The element-wise kernels: n from 0 to three vectors of the widest ISA (16 lanes) and a tail.
// ReLU's kink, a signed zero and a NaN at the front of x, where it has room.
void put_specials(std::vector<float>& x) {
  if (x.size() < 3) return;
  x[0] = 0.0f;
  x[1] = -0.0f;
  x[2] = NAN;
}
void relu_forward() {
  cnn::Rng rng(31);
  for (int n = 0; n <= 3 * 16 + 5; ++n) {
    std::vector<float> x(static_cast<size_t>(n)), y(x.size()), y_ref(x.size());
    fill(x, rng);
    put_specials(x);
    {
      KernelSetScope simd(cnn::KernelSet::simd);
      cnn::relu_forward_f32(y.data(), x.data(), n);
    }
    cnn::relu_forward_reference(y_ref.data(), x.data(), n);
    INFO("n=", n);
    for (int i = 0; i < n; ++i) REQUIRE(std::memcmp(&y[i], &y_ref[i], sizeof(float)) == 0);
    if (n > 2) CHECK(y[0] == 0.0f);
  }
}

void relu_backward() {
  cnn::Rng rng(32);
  for (int n = 0; n <= 3 * 16 + 5; ++n) {
    std::vector<float> x(static_cast<size_t>(n)), dy(x.size()), dx(x.size()), dx_ref;
    fill(x, rng);
    fill(dy, rng);
    put_specials(x);
    fill(dx, rng);  // backward accumulates
    dx_ref = dx;
    {
      KernelSetScope simd(cnn::KernelSet::simd);
      cnn::relu_backward_f32(dx.data(), dy.data(), x.data(), n);
    }
    cnn::relu_backward_reference(dx_ref.data(), dy.data(), x.data(), n);
    INFO("n=", n);
    for (int i = 0; i < n; ++i) REQUIRE(std::memcmp(&dx[i], &dx_ref[i], sizeof(float)) == 0);
    if (n > 2) CHECK(dx[0] == dx_ref[0]);
  }
}

void sgd_update() {
  cnn::Rng rng(33);
  for (int n = 0; n <= 3 * 16 + 5; ++n) {
    std::vector<float> g(static_cast<size_t>(n)), w(g.size()), w_ref;
    fill(g, rng);
    fill(w, rng);
    w_ref = w;
    {
      KernelSetScope simd(cnn::KernelSet::simd);
      cnn::sgd_update_f32(w.data(), g.data(), n, 0.05f, 1e-3f);
    }
    cnn::sgd_update_reference(w_ref.data(), g.data(), n, 0.05f, 1e-3f);
    INFO("n=", n);
    for (int i = 0; i < n; ++i) REQUIRE(std::memcmp(&w[i], &w_ref[i], sizeof(float)) == 0);
  }
}

}  // namespace kernel_tests
