// Layers and losses one at a time: forward against the plain loops of nn_reference.h, and backward
// against central differences computed in double precision. Each backward is probed with a random
// output gradient r: the scalar L = sum(r * y) has dL/dy = r, so the layer's backward(r) must equal
// the numerical gradient of L.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "cnn/nn.h"
#include "cnn/nn_reference.h"
#include "cnn/rng.h"
#include "kernel_tests.h"

using namespace cnn;

namespace {

std::vector<float> random_vec(Rng& rng, int64_t n, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(static_cast<size_t>(n > 0 ? n : 0));
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}
// Values away from ReLU kinks: |x| >= 0.1.
std::vector<float> random_vec_away_from_zero(Rng& rng, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) {
    float u = rng.uniform(0.1f, 1.0f);
    x = rng.uniform() < 0.5f ? -u : u;
  }
  return v;
}
// Distinct values at least 0.01 apart, in random order: no pooling ties within the FD step.
std::vector<float> random_distinct(Rng& rng, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = 0.01f * float(i) - 0.005f * float(n);
  shuffle(v.data(), n, rng);
  return v;
}
std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

double dot(const std::vector<double>& a, const std::vector<float>& r) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * r[i];
  return s;
}

// Central differences of f around `at` (double) for up to max_checks entries, compared with
// `analytic`. Returns max |analytic - fd| / max(max |fd|, 1e-8).
double fd_error(const std::function<double(const std::vector<double>&)>& f, const std::vector<float>& at,
                const std::vector<float>& analytic, Rng& rng, int max_checks = 40, double h = 1e-5) {
  REQUIRE(at.size() == analytic.size());
  std::vector<double> x = to_double(at);
  const int64_t n = int64_t(x.size());
  double max_fd = 0, max_diff = 0;
  const int checks = n < max_checks ? int(n) : max_checks;
  for (int c = 0; c < checks; ++c) {
    const int64_t i = checks == n ? c : rng.below(uint32_t(n));
    const double keep = x[size_t(i)];
    x[size_t(i)] = keep + h;
    const double fp = f(x);
    x[size_t(i)] = keep - h;
    const double fm = f(x);
    x[size_t(i)] = keep;
    const double fd = (fp - fm) / (2 * h);
    max_fd = std::fmax(max_fd, std::fabs(fd));
    max_diff = std::fmax(max_diff, std::fabs(fd - double(analytic[size_t(i)])));
  }
  return max_diff / std::fmax(max_fd, 1e-8);
}

double max_abs_diff_rel(const std::vector<float>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::fmax(m, std::fabs(a[i] - b[i]) / (1.0 + std::fabs(b[i])));
  return m;
}

// Padding and output size of one dimension, computed here independently of the spec analysis.
bool pad_dim(Padding mode, int in, int k, int s, int dil, int p, int* lo, int* hi, int* out) {
  const int keff = (k - 1) * dil + 1;
  switch (mode) {
    case Padding::explicit_pad: *lo = *hi = p; break;
    case Padding::valid: *lo = *hi = 0; break;
    case Padding::full: *lo = *hi = keff - 1; break;
    case Padding::same: {
      const int o = (in + s - 1) / s;
      int total = (o - 1) * s + keff - in;
      if (total < 0) total = 0;
      *lo = total / 2;
      *hi = total - *lo;
      break;
    }
  }
  const int span = in + *lo + *hi - keff;
  if (span < 0) return false;
  *out = span / s + 1;
  return true;
}

const char* pad_name(Padding p) {
  switch (p) {
    case Padding::explicit_pad: return "explicit";
    case Padding::same: return "same";
    case Padding::valid: return "valid";
    case Padding::full: return "full";
  }
  return "?";
}

}  // namespace

TEST_CASE("layers: conv forward matches the plain loop; backward matches central differences") {
  Rng rng(11);
  const Padding modes[] = {Padding::explicit_pad, Padding::same, Padding::valid, Padding::full};
  int tested = 0;
  for (int trial = 0; trial < 64; ++trial) {
    ConvDims d;
    const Padding mode = modes[trial % 4];
    kernel_tests::random_window(rng, 3, 9, 9, 4, &d);
    d.oc = 1 + int(rng.below(4));
    d.dh = 1 + int(rng.below(2));
    d.dw = 1 + int(rng.below(2));
    d.bias = rng.below(4) != 0;
    if (trial % 16 == 1) {
      d.kh = d.kw = 1;
      d.sh = d.sw = 1;
    }  // "same" 1x1 stride 1: the direct path
    const int ph = int(rng.below(3)), pw = int(rng.below(3));
    if (!pad_dim(mode, d.h, d.kh, d.sh, d.dh, ph, &d.pad.top, &d.pad.bottom, &d.oh)) continue;
    if (!pad_dim(mode, d.w, d.kw, d.sw, d.dw, pw, &d.pad.left, &d.pad.right, &d.ow)) continue;
    const int n = 1 + int(rng.below(3));
    CAPTURE(trial);
    CAPTURE(pad_name(mode));
    INFO("c=" << d.c << " h=" << d.h << " w=" << d.w << " oc=" << d.oc << " k=" << d.kh << "x" << d.kw << " s=" << d.sh
              << "x" << d.sw << " d=" << d.dh << "x" << d.dw << " pad=" << d.pad.top << "," << d.pad.left << ","
              << d.pad.bottom << "," << d.pad.right << " n=" << n);
    const int64_t in_size = int64_t(n) * d.c * d.h * d.w, out_size = int64_t(n) * d.oc * d.oh * d.ow;
    auto x = random_vec(rng, in_size);
    auto w = random_vec(rng, int64_t(d.oc) * d.col_rows());
    auto b = random_vec(rng, d.oc);
    std::vector<float> y(static_cast<size_t>(out_size)), col(static_cast<size_t>(d.col_rows() * d.col_cols()));
    conv2d_forward(y.data(), col.data(), x.data(), w.data(), d.bias ? b.data() : nullptr, n, d);
    auto xd = to_double(x), wd = to_double(w), bd = to_double(b);
    std::vector<double> yr(static_cast<size_t>(out_size));
    ref::conv2d_forward(yr.data(), xd.data(), wd.data(), d.bias ? bd.data() : nullptr, n, d);
    CHECK(max_abs_diff_rel(y, yr) < 1e-5);

    auto r = random_vec(rng, out_size);
    std::vector<float> dx(static_cast<size_t>(in_size), 0.5f), dw(w.size(), 0.25f), db(b.size(), -0.5f);
    // Backward accumulates: start from non-zero buffers and subtract afterwards.
    conv2d_backward(dx.data(), dw.data(), d.bias ? db.data() : nullptr, col.data(), r.data(), x.data(), w.data(), n, d);
    for (auto& v : dx) v -= 0.5f;
    for (auto& v : dw) v -= 0.25f;
    for (auto& v : db) v += 0.5f;
    std::vector<double> ys(static_cast<size_t>(out_size));
    auto L_x = [&](const std::vector<double>& v) {
      ref::conv2d_forward(ys.data(), v.data(), wd.data(), d.bias ? bd.data() : nullptr, n, d);
      return dot(ys, r);
    };
    auto L_w = [&](const std::vector<double>& v) {
      ref::conv2d_forward(ys.data(), xd.data(), v.data(), d.bias ? bd.data() : nullptr, n, d);
      return dot(ys, r);
    };
    auto L_b = [&](const std::vector<double>& v) {
      ref::conv2d_forward(ys.data(), xd.data(), wd.data(), v.data(), n, d);
      return dot(ys, r);
    };
    CHECK(fd_error(L_x, x, dx, rng) < 1e-4);
    CHECK(fd_error(L_w, w, dw, rng) < 1e-4);
    if (d.bias) CHECK(fd_error(L_b, b, db, rng) < 1e-4);
    ++tested;
  }
  MESSAGE("conv configurations tested: " << tested);
  CHECK(tested >= 40);
}

TEST_CASE("layers: max and average pooling forward and backward, with padding and strides") {
  Rng rng(12);
  int tested = 0;
  for (int trial = 0; trial < 48; ++trial) {
    PoolDims d;
    kernel_tests::random_window(rng, 3, 9, 9, 3, &d);
    const int ph = int(rng.below(unsigned(d.kh))), pw = int(rng.below(unsigned(d.kw)));  // pad < kernel
    if (!pad_dim(Padding::explicit_pad, d.h, d.kh, d.sh, 1, ph, &d.pad.top, &d.pad.bottom, &d.oh)) continue;
    if (!pad_dim(Padding::explicit_pad, d.w, d.kw, d.sw, 1, pw, &d.pad.left, &d.pad.right, &d.ow)) continue;
    const int n = 1 + int(rng.below(2));
    CAPTURE(trial);
    const int64_t in_size = int64_t(n) * d.c * d.h * d.w, out_size = int64_t(n) * d.c * d.oh * d.ow;
    auto x = random_distinct(rng, in_size);
    auto xd = to_double(x);
    auto r = random_vec(rng, out_size);
    std::vector<double> yr(static_cast<size_t>(out_size));

    // max
    std::vector<float> y(static_cast<size_t>(out_size));
    std::vector<int32_t> am(static_cast<size_t>(out_size)), am_ref(static_cast<size_t>(out_size));
    maxpool_forward(y.data(), am.data(), x.data(), n, d);
    ref::maxpool_forward(yr.data(), am_ref.data(), xd.data(), n, d);
    CHECK(max_abs_diff_rel(y, yr) == 0.0);
    CHECK(am == am_ref);
    std::vector<float> dx(static_cast<size_t>(in_size), 0.0f);
    maxpool_backward(dx.data(), r.data(), am.data(), n, d);
    auto L_max = [&](const std::vector<double>& v) {
      ref::maxpool_forward<double>(yr.data(), nullptr, v.data(), n, d);
      return dot(yr, r);
    };
    CHECK(fd_error(L_max, x, dx, rng) < 1e-6);

    // average (padded cells count, divisor kh*kw)
    avgpool_forward(y.data(), x.data(), n, d);
    ref::avgpool_forward(yr.data(), xd.data(), n, d);
    CHECK(max_abs_diff_rel(y, yr) < 1e-6);
    std::fill(dx.begin(), dx.end(), 0.0f);
    avgpool_backward(dx.data(), r.data(), n, d);
    auto L_avg = [&](const std::vector<double>& v) {
      ref::avgpool_forward(yr.data(), v.data(), n, d);
      return dot(yr, r);
    };
    CHECK(fd_error(L_avg, x, dx, rng) < 1e-5);
    ++tested;
  }
  CHECK(tested >= 30);
}

TEST_CASE("layers: pooling details (ties to the first maximum, padding counted by avgpool)") {
  // 1 x 2 x 2 input, one 2x2 window, all equal: the first cell gets the whole gradient.
  PoolDims d;
  d.c = 1;
  d.h = d.w = 2;
  d.kh = d.kw = 2;
  d.sh = d.sw = 2;
  d.oh = d.ow = 1;
  float x[4] = {3, 3, 3, 3}, y = 0, dy = 1, dx[4] = {0, 0, 0, 0};
  int32_t am = -7;
  maxpool_forward(&y, &am, x, 1, d);
  CHECK(y == 3.0f);
  CHECK(am == 0);
  maxpool_backward(dx, &dy, &am, 1, d);
  CHECK(dx[0] == 1.0f);
  CHECK(dx[1] + dx[2] + dx[3] == 0.0f);
  // 2x2 average over a 1x1 input padded by one on the top/left: (0+0+0+4)/4 = 1, as PyTorch's
  // AvgPool2d(2, padding=1) (count_include_pad=True) gives for the first window.
  PoolDims p;
  p.c = 1;
  p.h = p.w = 1;
  p.kh = p.kw = 2;
  p.sh = p.sw = 1;
  p.pad = {1, 1, 0, 0};
  p.oh = p.ow = 1;
  float one = 4.0f, out = 0;
  avgpool_forward(&out, &one, 1, p);
  CHECK(out == 1.0f);
}

TEST_CASE("layers: global average pooling and dense") {
  Rng rng(13);
  for (int trial = 0; trial < 8; ++trial) {
    const int n = 1 + int(rng.below(4)), c = 1 + int(rng.below(5)), hw = 1 + int(rng.below(30));
    auto x = random_vec(rng, int64_t(n) * c * hw);
    std::vector<float> y(static_cast<size_t>(n * c));
    gap_forward(y.data(), x.data(), n, c, hw);
    std::vector<double> yr(y.size()), xd = to_double(x);
    ref::gap_forward(yr.data(), xd.data(), n, c, hw);
    CHECK(max_abs_diff_rel(y, yr) < 1e-6);
    auto r = random_vec(rng, int64_t(n) * c);
    std::vector<float> dx(x.size(), 0.0f);
    gap_backward(dx.data(), r.data(), n, c, hw);
    auto L = [&](const std::vector<double>& v) {
      ref::gap_forward(yr.data(), v.data(), n, c, hw);
      return dot(yr, r);
    };
    CHECK(fd_error(L, x, dx, rng) < 1e-5);
  }
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 1 + int(rng.below(5)), in = 1 + int(rng.below(40)), out = 1 + int(rng.below(12));
    const bool bias = trial % 3 != 0;
    CAPTURE(trial);
    auto x = random_vec(rng, int64_t(n) * in), w = random_vec(rng, int64_t(out) * in), b = random_vec(rng, out);
    std::vector<float> y(static_cast<size_t>(n * out));
    dense_forward(y.data(), x.data(), w.data(), bias ? b.data() : nullptr, n, in, out);
    auto xd = to_double(x), wd = to_double(w), bd = to_double(b);
    std::vector<double> yr(y.size());
    ref::dense_forward(yr.data(), xd.data(), wd.data(), bias ? bd.data() : nullptr, n, in, out);
    CHECK(max_abs_diff_rel(y, yr) < 1e-5);
    auto r = random_vec(rng, int64_t(n) * out);
    std::vector<float> dx(x.size(), 0.0f), dw(w.size(), 0.0f), db(b.size(), 0.0f);
    dense_backward(dx.data(), dw.data(), bias ? db.data() : nullptr, r.data(), x.data(), w.data(), n, in, out);
    const double* bp = bias ? bd.data() : nullptr;
    auto Lx = [&](const std::vector<double>& v) {
      ref::dense_forward(yr.data(), v.data(), wd.data(), bp, n, in, out);
      return dot(yr, r);
    };
    auto Lw = [&](const std::vector<double>& v) {
      ref::dense_forward(yr.data(), xd.data(), v.data(), bp, n, in, out);
      return dot(yr, r);
    };
    auto Lb = [&](const std::vector<double>& v) {
      ref::dense_forward(yr.data(), xd.data(), wd.data(), v.data(), n, in, out);
      return dot(yr, r);
    };
    CHECK(fd_error(Lx, x, dx, rng) < 1e-5);
    CHECK(fd_error(Lw, w, dw, rng) < 1e-5);
    if (bias) CHECK(fd_error(Lb, b, db, rng) < 1e-5);
  }
}

TEST_CASE("layers: activations, softmax and dropout") {
  Rng rng(14);
  const int n = 3, k = 7;
  const int64_t count = n * k;
  auto x = random_vec_away_from_zero(rng, count);
  for (auto& v : x) v *= 3.0f;
  auto xd = to_double(x);
  auto r = random_vec(rng, count);
  std::vector<float> y(static_cast<size_t>(count)), dx(static_cast<size_t>(count));
  std::vector<double> yr(static_cast<size_t>(count));
  const float alpha = 0.1f;

  struct Act {
    const char* name;
    std::function<void()> fwd, bwd;
    std::function<void(double*, const double*)> ref_fwd;
    double fwd_tol, bwd_tol;
  };
  std::vector<Act> acts = {
      {"relu", [&] { relu_forward(y.data(), x.data(), count); },
       [&] { relu_backward(dx.data(), r.data(), x.data(), count); },
       [&](double* o, const double* i) { ref::relu_forward(o, i, count); }, 0.0, 1e-6},
      {"leakyrelu", [&] { leakyrelu_forward(y.data(), x.data(), count, alpha); },
       [&] { leakyrelu_backward(dx.data(), r.data(), x.data(), count, alpha); },
       [&](double* o, const double* i) { ref::leakyrelu_forward(o, i, count, double(alpha)); }, 1e-7, 1e-6},
      {"sigmoid", [&] { sigmoid_forward(y.data(), x.data(), count); },
       [&] { sigmoid_backward(dx.data(), r.data(), y.data(), count); },
       [&](double* o, const double* i) { ref::sigmoid_forward(o, i, count); }, 1e-6, 1e-5},
      {"tanh", [&] { tanh_forward(y.data(), x.data(), count); },
       [&] { tanh_backward(dx.data(), r.data(), y.data(), count); },
       [&](double* o, const double* i) { ref::tanh_forward(o, i, count); }, 1e-6, 1e-5},
      {"softmax", [&] { softmax_forward(y.data(), x.data(), n, k); },
       [&] { softmax_backward(dx.data(), r.data(), y.data(), n, k); },
       [&](double* o, const double* i) { ref::softmax_forward(o, i, n, k); }, 1e-6, 1e-5},
  };
  for (auto& a : acts) {
    CAPTURE(a.name);
    a.fwd();
    a.ref_fwd(yr.data(), xd.data());
    CHECK(max_abs_diff_rel(y, yr) <= a.fwd_tol);
    std::fill(dx.begin(), dx.end(), 0.0f);
    a.bwd();
    auto L = [&](const std::vector<double>& v) {
      a.ref_fwd(yr.data(), v.data());
      return dot(yr, r);
    };
    CHECK(fd_error(L, x, dx, rng) < a.bwd_tol);
  }
  // relu at exactly 0: the notes' derivative 1 for a >= 0.
  float zero = 0.0f, g = 2.0f, d0 = 0.0f;
  relu_backward(&d0, &g, &zero, 1);
  CHECK(d0 == 2.0f);
  // softmax is stable for huge inputs
  float big[3] = {1000.0f, 999.0f, -1000.0f}, pb[3];
  softmax_forward(pb, big, 1, 3);
  CHECK(pb[0] == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))).epsilon(1e-6));
  CHECK(pb[2] == 0.0f);

  // dropout: inverted scaling with a mask; inference is the identity.
  const float rate = 0.4f;
  std::vector<uint8_t> keep(static_cast<size_t>(count));
  Rng drng(5);
  dropout_forward(y.data(), keep.data(), x.data(), count, rate, true, drng);
  int kept = 0;
  for (int64_t i = 0; i < count; ++i) {
    kept += keep[size_t(i)];
    CHECK(y[size_t(i)] == (keep[size_t(i)] ? x[size_t(i)] * (1.0f / (1.0f - rate)) : 0.0f));
  }
  CHECK(kept > 0);
  CHECK(kept < count);
  std::fill(dx.begin(), dx.end(), 0.0f);
  dropout_backward(dx.data(), r.data(), keep.data(), count, rate, true);
  auto Ld = [&](const std::vector<double>& v) {
    ref::dropout_forward(yr.data(), keep.data(), v.data(), count, double(rate), true);
    return dot(yr, r);
  };
  CHECK(fd_error(Ld, x, dx, rng) < 1e-5);
  dropout_forward(y.data(), keep.data(), x.data(), count, rate, false, drng);
  CHECK(y == x);
  // a large mask keeps about 1 - rate of the units
  std::vector<float> ones(20000, 1.0f), yo(20000);
  std::vector<uint8_t> km(20000);
  dropout_forward(yo.data(), km.data(), ones.data(), 20000, rate, true, drng);
  int kk = 0;
  for (auto v : km) kk += v;
  CHECK(kk / 20000.0 == doctest::Approx(0.6).epsilon(0.03));
}

TEST_CASE("layers: batchnorm in training and inference mode") {
  Rng rng(15);
  const int n = 4, c = 3, hw = 5;
  const int64_t count = int64_t(n) * c * hw;
  auto x = random_vec(rng, count, -2.0f, 3.0f);
  auto gamma = random_vec(rng, c, 0.5f, 1.5f), beta = random_vec(rng, c);
  std::vector<float> y(static_cast<size_t>(count)), xhat(static_cast<size_t>(count)), mean(c), invstd(c);
  std::vector<float> rm(c, 0.0f), rv(c, 1.0f);
  auto r = random_vec(rng, count);
  auto xd = to_double(x), gd = to_double(gamma), bd = to_double(beta);
  std::vector<double> yr(static_cast<size_t>(count));
  for (bool training : {true, false}) {
    CAPTURE(training);
    std::vector<float> rm0 = rm, rv0 = rv;
    batchnorm_forward(y.data(), xhat.data(), mean.data(), invstd.data(), rm.data(), rv.data(), x.data(), gamma.data(),
                      beta.data(), n, c, hw, training);
    auto rmd = to_double(rm0), rvd = to_double(rv0);
    ref::batchnorm_forward(yr.data(), xd.data(), gd.data(), bd.data(), rmd.data(), rvd.data(), n, c, hw, training);
    CHECK(max_abs_diff_rel(y, yr) < 1e-5);
    if (training) {
      // running statistics moved by momentum 0.1 towards the batch mean and UNBIASED variance
      for (int ch = 0; ch < c; ++ch) {
        double s = 0, sq = 0;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < hw; ++j) s += x[size_t((i * c + ch) * hw + j)];
        const double mu = s / (n * hw);
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < hw; ++j) {
            double dv = x[size_t((i * c + ch) * hw + j)] - mu;
            sq += dv * dv;
          }
        CHECK(rm[size_t(ch)] == doctest::Approx(0.9 * rm0[size_t(ch)] + 0.1 * mu).epsilon(1e-5));
        CHECK(rv[size_t(ch)] == doctest::Approx(0.9 * rv0[size_t(ch)] + 0.1 * sq / (n * hw - 1)).epsilon(1e-5));
      }
    }
    std::vector<float> dx(static_cast<size_t>(count), 0.0f), dg(c, 0.0f), dbt(c, 0.0f);
    batchnorm_backward(dx.data(), dg.data(), dbt.data(), r.data(), xhat.data(), invstd.data(), gamma.data(), n, c, hw,
                       training);
    auto Lx = [&](const std::vector<double>& v) {
      ref::batchnorm_forward(yr.data(), v.data(), gd.data(), bd.data(), rmd.data(), rvd.data(), n, c, hw, training);
      return dot(yr, r);
    };
    auto Lg = [&](const std::vector<double>& v) {
      ref::batchnorm_forward(yr.data(), xd.data(), v.data(), bd.data(), rmd.data(), rvd.data(), n, c, hw, training);
      return dot(yr, r);
    };
    auto Lb = [&](const std::vector<double>& v) {
      ref::batchnorm_forward(yr.data(), xd.data(), gd.data(), v.data(), rmd.data(), rvd.data(), n, c, hw, training);
      return dot(yr, r);
    };
    CHECK(fd_error(Lx, x, dx, rng, 60) < 1e-4);
    CHECK(fd_error(Lg, gamma, dg, rng) < 1e-5);
    CHECK(fd_error(Lb, beta, dbt, rng) < 1e-5);
  }
}

TEST_CASE("losses: values, fused gradients and dL/dp against central differences") {
  Rng rng(16);
  const int n = 4, k = 5;
  auto z = random_vec(rng, n * k, -3.0f, 3.0f);
  std::vector<float> p(static_cast<size_t>(n * k));
  softmax_forward(p.data(), z.data(), n, k);
  std::vector<int32_t> labels = {0, 3, 4, 2};
  std::vector<float> dz(z.size()), dp(z.size());
  const float ce = softmax_cross_entropy_loss(dz.data(), dp.data(), z.data(), p.data(), labels.data(), n, k);
  double expect = 0;
  for (int s = 0; s < n; ++s) expect -= std::log(double(p[size_t(s * k + labels[size_t(s)])]));
  CHECK(ce == doctest::Approx(expect / n).epsilon(1e-5));
  auto Lz = [&](const std::vector<double>& v) {
    return ref::softmax_cross_entropy_loss(v.data(), labels.data(), n, k);
  };
  auto Lp = [&](const std::vector<double>& v) { return ref::cross_entropy_loss(v.data(), labels.data(), n, k); };
  CHECK(fd_error(Lz, z, dz, rng) < 1e-5);
  CHECK(fd_error(Lp, p, dp, rng) < 1e-5);
  // Two equal logits: loss log 2 (the notes' example of a maximally unsure binary classifier, in nats).
  float z2[2] = {0.5f, 0.5f}, p2[2];
  softmax_forward(p2, z2, 1, 2);
  int32_t one = 1;
  CHECK(softmax_cross_entropy_loss(nullptr, nullptr, z2, p2, &one, 1, 2) == doctest::Approx(std::log(2.0)));
  // Stable through log-sum-exp: p_y underflows to 0, the loss is still the exact 2000.
  float z3[2] = {1000.0f, -1000.0f}, p3[2], d3[2], dp3[2];
  softmax_forward(p3, z3, 1, 2);
  CHECK(p3[1] == 0.0f);
  CHECK(softmax_cross_entropy_loss(d3, dp3, z3, p3, &one, 1, 2) == doctest::Approx(2000.0));
  CHECK(d3[0] == 1.0f);
  CHECK(d3[1] == -1.0f);
  CHECK(std::isfinite(dp3[1]));

  // Binary cross-entropy on a sigmoid: labels and soft targets.
  auto zb = random_vec(rng, n, -4.0f, 4.0f);
  std::vector<float> pb(static_cast<size_t>(n));
  sigmoid_forward(pb.data(), zb.data(), n);
  std::vector<int32_t> yb = {1, 0, 0, 1};
  std::vector<float> tb = {0.2f, 0.9f, 0.5f, 1.0f};
  for (bool soft : {false, true}) {
    CAPTURE(soft);
    const int32_t* lab = soft ? nullptr : yb.data();
    const float* tgt = soft ? tb.data() : nullptr;
    std::vector<float> dzb(static_cast<size_t>(n)), dpb(static_cast<size_t>(n));
    const float bce = sigmoid_binary_cross_entropy_loss(dzb.data(), dpb.data(), zb.data(), pb.data(), lab, tgt, n);
    std::vector<double> pbd = to_double(pb);
    CHECK(bce == doctest::Approx(ref::binary_cross_entropy_loss(pbd.data(), lab, tgt, n)).epsilon(1e-5));
    std::vector<double> tmp(static_cast<size_t>(n));
    auto Lzb = [&](const std::vector<double>& v) {
      ref::sigmoid_forward(tmp.data(), v.data(), n);
      return ref::binary_cross_entropy_loss(tmp.data(), lab, tgt, n);
    };
    auto Lpb = [&](const std::vector<double>& v) { return ref::binary_cross_entropy_loss(v.data(), lab, tgt, n); };
    CHECK(fd_error(Lzb, zb, dzb, rng) < 1e-5);
    CHECK(fd_error(Lpb, pb, dpb, rng, 40, 1e-7) < 1e-4);
  }
  // BCE with z = -100 and label 1: exactly 100, no log(0).
  float zbig = -100.0f, pbig;
  sigmoid_forward(&pbig, &zbig, 1);
  CHECK(sigmoid_binary_cross_entropy_loss(nullptr, nullptr, &zbig, &pbig, &one, nullptr, 1) == doctest::Approx(100.0));

  // Quadratic loss ||y - p||^2 with gradient 2 (p - y) / n, on targets and on one-hot labels.
  auto t = random_vec(rng, n * k);
  std::vector<float> dq(z.size());
  const float q = quadratic_loss(dq.data(), z.data(), nullptr, t.data(), n, k);
  auto zd = to_double(z);
  CHECK(q == doctest::Approx(ref::quadratic_loss(zd.data(), nullptr, t.data(), n, k)).epsilon(1e-6));
  auto Lq = [&](const std::vector<double>& v) { return ref::quadratic_loss(v.data(), nullptr, t.data(), n, k); };
  CHECK(fd_error(Lq, z, dq, rng) < 1e-5);
  const float q1 = quadratic_loss(dq.data(), p.data(), labels.data(), nullptr, n, k);
  auto Lq1 = [&](const std::vector<double>& v) { return ref::quadratic_loss(v.data(), labels.data(), nullptr, n, k); };
  CHECK(q1 > 0.0f);
  CHECK(fd_error(Lq1, p, dq, rng) < 1e-5);
  float yq[2] = {1, 2}, pq[2] = {0, 4};
  CHECK(quadratic_loss(nullptr, pq, nullptr, yq, 1, 2) == 5.0f);  // 1 + 4

  // Zero-one loss: arg max against labels; a single output thresholds at 0.5.
  float pz[6] = {0.1f, 0.7f, 0.2f, /**/ 0.5f, 0.2f, 0.3f};
  int32_t lz[2] = {1, 2};
  CHECK(zero_one_loss(pz, lz, 2, 3) == 0.5f);
  float ps[3] = {0.7f, 0.2f, 0.5f};
  int32_t ls[3] = {1, 1, 1};
  CHECK(zero_one_loss(ps, ls, 3, 1) == doctest::Approx(1.0 / 3.0));
}
