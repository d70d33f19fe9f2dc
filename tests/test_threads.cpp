// Threads (parallel.h): N threads give the bits of one. The layer functions against the sample-by-
// sample loop they replaced (kept here, as it was), for the SIMD kernels and the scalar references;
// the split GEMM against sgemm; and whole training runs of several stacks on 1, 2 and 3 threads.
// In a build without threads (wasm without -pthread) the count stays 1 and the runs are compared
// with themselves; the pthread wasm build (cnn_tests_pthread) runs them on real threads under node.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cnn/data.h"
#include "cnn/kernels.h"
#include "cnn/net.h"
#include "cnn/nn.h"
#include "cnn/optim.h"
#include "cnn/parallel.h"
#include "cnn/rng.h"
#include "cnn/train.h"

using namespace cnn;

namespace {

// Restores the thread count, the small-work threshold and the kernel set a test changed.
struct ThreadSettings {
  int threads = num_threads();
  int64_t min_work = set_parallel_min_work(0);  // small test shapes use every thread too
  KernelSet kernels = kernel_set();
  ~ThreadSettings() {
    set_num_threads(threads);
    set_parallel_min_work(min_work);
    set_kernel_set(kernels);
  }
};

std::vector<float> random_vec(Rng& rng, int64_t n) {
  std::vector<float> v(size_t(n > 0 ? n : 0));
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// The convolution as it was before threads: one sample after another, the bias, weight and input
// gradients of each sample in turn (each pass of one sample is the layer's own, nn.h). The threaded
// functions, which split the samples and the weight gradient's channels or maps, must give exactly
// these bits.
void serial_conv2d_forward(float* y, float* col, const float* x, const float* w, const float* b, int n,
                           const ConvDims& d) {
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * d.col_cols();
  for (int s = 0; s < n; ++s) conv2d_forward_sample(y + s * out_size, col, x + s * in_size, w, b, d);
}

void serial_conv2d_backward(float* dx, float* dw, float* db, float* col, const float* dy, const float* x,
                            const float* w, int n, const ConvDims& d) {
  const int K = int(d.col_rows()), P = int(d.col_cols());
  const int64_t in_size = int64_t(d.c) * d.h * d.w, out_size = int64_t(d.oc) * P;
  for (int s = 0; s < n; ++s) {
    const float* xs = x + s * in_size;
    const float* dys = dy + s * out_size;
    for (int m = 0; m < d.oc; ++m) {
      float acc = 0.0f;
      for (int p = 0; p < P; ++p) acc += dys[int64_t(m) * P + p];
      db[m] += acc;
    }
    const float* cols = xs;
    if (d.needs_im2col()) {
      im2col(col, xs, d);
      cols = col;
    }
    sgemm(false, true, d.oc, K, P, 1.0f, dys, P, cols, P, 1.0f, dw, K);
    conv2d_input_grad_sample(dx + s * in_size, col, w, dys, d);
  }
}

ConvDims make_conv(int c, int h, int w, int oc, int k, int stride, int pad, int dil) {
  ConvDims d;
  d.c = c;
  d.h = h;
  d.w = w;
  d.oc = oc;
  d.kh = d.kw = k;
  d.sh = d.sw = stride;
  d.dh = d.dw = dil;
  d.pad.top = d.pad.bottom = d.pad.left = d.pad.right = pad;
  d.oh = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  d.ow = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  return d;
}

PoolDims make_pool(int c, int h, int w, int k, int stride, int pad) {
  PoolDims d;
  d.c = c;
  d.h = h;
  d.w = w;
  d.kh = d.kw = k;
  d.sh = d.sw = stride;
  d.pad.top = d.pad.bottom = d.pad.left = d.pad.right = pad;
  d.oh = (h + 2 * pad - k) / stride + 1;
  d.ow = (w + 2 * pad - k) / stride + 1;
  return d;
}

// Values in [-1, 1] with exact zeros, negative zeros and repeats: relu's kink, pooling's ties.
std::vector<float> values_with_ties(Rng& rng, int64_t n) {
  std::vector<float> v = random_vec(rng, n);
  for (size_t i = 0; i < v.size(); i += 7) v[i] = 0.0f;
  for (size_t i = 3; i < v.size(); i += 11) v[i] = -0.0f;
  for (size_t i = 5; i + 1 < v.size(); i += 13) v[i + 1] = v[i];
  return v;
}

std::vector<float> as_floats(const std::vector<int32_t>& a) { return std::vector<float>(a.begin(), a.end()); }

std::string preset(const char* name) {
  std::vector<uint8_t> text;
  std::string err;
  REQUIRE_MESSAGE(read_file_bytes(std::string(CNN_SOURCE_DIR) + "/assets/presets/" + name, &text, &err), err);
  return std::string(text.begin(), text.end());
}

}  // namespace

TEST_CASE("threads: split_range cuts the items into contiguous parts in order, in whole grains") {
  for (int64_t count : {0, 1, 5, 16, 17, 100})
    for (int nt : {1, 2, 3, 7})
      for (int64_t grain : {1, 4, 16}) {
        CAPTURE(count);
        CAPTURE(nt);
        CAPTURE(grain);
        int64_t next = 0, biggest = 0, smallest = count;  // in grains begun
        for (int t = 0; t < nt; ++t) {
          const Range r = split_range(count, t, nt, grain);
          CHECK(r.begin == next);
          CHECK(r.end >= r.begin);
          if (r.end < count) CHECK(r.end % grain == 0);
          next = r.end;
          const int64_t grains = (r.size() + grain - 1) / grain;
          biggest = std::max(biggest, grains);
          smallest = std::min(smallest, grains);
        }
        CHECK(next == count);
        CHECK(biggest - smallest <= 1);
      }
  CHECK(split_range(10, 0, 3).size() == 4);  // 4 + 3 + 3
  CHECK(split_range(10, 2, 3).begin == 7);
  CHECK(split_range(40, 1, 2, 16).begin == 32);  // grains 16 + 16 | 8: 2 grains then the partial one
}

TEST_CASE("threads: the count is clamped, every part runs once, a body's exception reaches the caller") {
  ThreadSettings keep;
  CHECK(set_num_threads(0) == 1);
  CHECK(num_threads() == 1);
  const int many = set_num_threads(1000);
  CHECK(many == max_threads());
  CHECK(num_threads() == many);
  const int nt = set_num_threads(3);
  CHECK(nt == std::min(3, max_threads()));

  std::vector<int> hits(8, 0);
  int parts_seen = 0;
  parallel_run(8, 1 << 20, [&](int t, int parts) {
    hits[size_t(t)] += 1;
    if (t == 0) parts_seen = parts;
  });
  CHECK(parts_seen == nt);
  for (int t = 0; t < 8; ++t) CHECK(hits[size_t(t)] == (t < nt ? 1 : 0));

  // max_parts caps the parts; nested calls run on the calling thread alone.
  int capped = 0;
  parallel_run(2, 1 << 20, [&](int t, int parts) {
    if (t == 0) capped = parts;
  });
  CHECK(capped == std::min(nt, 2));
  std::vector<int> inner(size_t(nt), -1);
  parallel_run(nt, 1 << 20,
               [&](int t, int) { parallel_run(4, 1 << 20, [&](int, int parts) { inner[size_t(t)] = parts; }); });
  for (int v : inner) CHECK(v == 1);

  // The lowest part's exception, after every part finished.
  std::vector<int> finished(size_t(nt), 0);
  std::string what;
  try {
    parallel_run(nt, 1 << 20, [&](int t, int) {
      finished[size_t(t)] = 1;
      if (t == nt - 1) throw std::runtime_error("part " + std::to_string(t) + " failed");
    });
  } catch (const std::runtime_error& e) { what = e.what(); }
  CHECK(what == "part " + std::to_string(nt - 1) + " failed");
  for (int f : finished) CHECK(f == 1);
  // The pool still works after the exception.
  int after = 0;
  parallel_run(nt, 1 << 20, [&](int t, int) {
    if (t == 0) after = 1;
  });
  CHECK(after == 1);
}

TEST_CASE("threads: sgemm_threads equals sgemm bit for bit, split by rows or by columns") {
  ThreadSettings keep;
  const GemmTile tile = gemm_tile();
  Rng rng(5);
  struct Shape {
    int m, n, k;
  };
  // Around the tiles: fewer columns than rows (split by rows), more (by columns), a k over KC.
  const Shape shapes[] = {{1, 1, 1},     {tile.mr * 5 + 1, 3, 7}, {7, tile.nr * 3 + 5, 33}, {120, 32, 400},
                          {32, 84, 120}, {10, 3136, 128},         {64, 64, tile.kc + 9}};
  for (KernelSet ks : {KernelSet::simd, KernelSet::reference}) {
    set_kernel_set(ks);
    for (const Shape& sh : shapes)
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb)
          for (float beta : {0.0f, 1.0f}) {
            CAPTURE(sh.m);
            CAPTURE(sh.n);
            CAPTURE(sh.k);
            CAPTURE(ta);
            CAPTURE(tb);
            CAPTURE(beta);
            const int lda = ta ? sh.m + 2 : sh.k + 1, ldb = tb ? sh.k + 3 : sh.n + 1, ldc = sh.n + 2;
            const std::vector<float> a = random_vec(rng, int64_t(ta ? sh.k : sh.m) * lda);
            const std::vector<float> b = random_vec(rng, int64_t(tb ? sh.n : sh.k) * ldb);
            const std::vector<float> c0 = random_vec(rng, int64_t(sh.m) * ldc);
            std::vector<float> want = c0;
            set_num_threads(1);
            sgemm(ta, tb, sh.m, sh.n, sh.k, 1.0f, a.data(), lda, b.data(), ldb, beta, want.data(), ldc);
            for (int nt : {1, 2, 3}) {
              CAPTURE(nt);
              set_num_threads(nt);
              std::vector<float> got = c0;
              sgemm_threads(ta, tb, sh.m, sh.n, sh.k, 1.0f, a.data(), lda, b.data(), ldb, beta, got.data(), ldc);
              CHECK(bit_equal(got, want));
            }
          }
  }
}

TEST_CASE("threads: conv forward and backward on 1, 2, 3 threads equal the sample-by-sample loop bit for bit") {
  ThreadSettings keep;
  struct Case {
    ConvDims d;
    int n;
  };
  const Case cases[] = {
      {make_conv(1, 28, 28, 6, 5, 1, 2, 1), 5},   // LeNet's first layer: 1 channel, the maps are split
      {make_conv(6, 14, 14, 16, 5, 1, 0, 1), 4},  // LeNet's second: 6 channels split
      {make_conv(3, 11, 9, 5, 3, 2, 1, 1), 3},    // stride 2, odd sizes, RGB
      {make_conv(4, 12, 12, 7, 3, 1, 2, 2), 2},   // dilation 2
      {make_conv(5, 6, 6, 9, 1, 1, 0, 1), 3},     // 1x1: the input is the column matrix
      {make_conv(2, 9, 9, 3, 3, 1, 1, 1), 1},     // one sample: only the weight gradient splits
  };
  Rng rng(17);
  for (KernelSet ks : {KernelSet::simd, KernelSet::reference}) {
    set_kernel_set(ks);
    for (const Case& cs : cases) {
      const ConvDims& d = cs.d;
      CAPTURE(d.c);
      CAPTURE(d.h);
      CAPTURE(d.oc);
      CAPTURE(d.kh);
      CAPTURE(d.sh);
      CAPTURE(d.dh);
      CAPTURE(cs.n);
      CAPTURE(int(ks));
      const int64_t in = int64_t(cs.n) * d.c * d.h * d.w, out = int64_t(cs.n) * d.oc * d.oh * d.ow;
      const int64_t nw = int64_t(d.oc) * d.col_rows();
      const std::vector<float> x = random_vec(rng, in), w = random_vec(rng, nw), b = random_vec(rng, d.oc);
      const std::vector<float> dy = random_vec(rng, out), dw0 = random_vec(rng, nw), db0 = random_vec(rng, d.oc);
      const std::vector<float> dx0 = random_vec(rng, in);  // backward accumulates: start from non-zero
      std::vector<float> col(size_t(d.col_rows() * d.col_cols()));
      std::vector<float> y_want(static_cast<size_t>(out)), dx_want = dx0, dw_want = dw0, db_want = db0;
      set_num_threads(1);
      serial_conv2d_forward(y_want.data(), col.data(), x.data(), w.data(), b.data(), cs.n, d);
      serial_conv2d_backward(dx_want.data(), dw_want.data(), db_want.data(), col.data(), dy.data(), x.data(), w.data(),
                             cs.n, d);
      for (int nt : {1, 2, 3}) {
        CAPTURE(nt);
        set_num_threads(nt);
        std::vector<float> y(static_cast<size_t>(out)), dx = dx0, dw = dw0, db = db0;
        conv2d_forward(y.data(), col.data(), x.data(), w.data(), b.data(), cs.n, d);
        conv2d_backward(dx.data(), dw.data(), db.data(), col.data(), dy.data(), x.data(), w.data(), cs.n, d);
        CHECK(bit_equal(y, y_want));
        CHECK(bit_equal(dx, dx_want));
        CHECK(bit_equal(dw, dw_want));
        CHECK(bit_equal(db, db_want));
        // Only some gradients wanted (the first layer has no dx; a receptive field wants only dx).
        std::vector<float> dw_only = dw0;
        conv2d_backward(nullptr, dw_only.data(), nullptr, col.data(), dy.data(), x.data(), w.data(), cs.n, d);
        CHECK(bit_equal(dw_only, dw_want));
        std::vector<float> dx_only = dx0;
        conv2d_backward(dx_only.data(), nullptr, nullptr, col.data(), dy.data(), x.data(), w.data(), cs.n, d);
        CHECK(bit_equal(dx_only, dx_want));
      }
    }
  }
}

TEST_CASE("threads: a pass stays on the calling thread below the work threshold, and is split above it") {
  ThreadSettings keep;
  set_parallel_min_work(int64_t(1) << 18);  // the default
  const int nt = set_num_threads(2);
  // parallel_for's parts: how many, and whether they cover [0, count) in order, in whole grains.
  auto parts_of = [](int64_t count, int64_t item_work, int64_t grain) {
    std::vector<Range> parts(kMaxThreads, Range{-1, -1});
    int calls = 0;
    parallel_for(
        count, item_work,
        [&](int64_t b, int64_t e) {
          const int t = int(b == 0 ? 0 : 1);  // two threads at most here: the first part starts at 0
          parts[size_t(t)] = Range{b, e};
        },
        grain);
    for (const Range& r : parts) calls += r.begin >= 0 ? 1 : 0;
    return std::make_pair(calls, parts);
  };
  // 2^18 / kElementWork elements is the edge: a relu over 32 K floats is not worth a second thread.
  const int64_t edge = (int64_t(1) << 18) / kElementWork;
  auto [below, below_parts] = parts_of(edge - 1, kElementWork, kElementGrain);
  CHECK(below == 1);
  CHECK(below_parts[0].begin == 0);
  CHECK(below_parts[0].end == edge - 1);
  auto [above, above_parts] = parts_of(edge * 4 + 5, kElementWork, kElementGrain);
  CHECK(above == nt);
  if (nt == 2) {
    CHECK(above_parts[0].end == above_parts[1].begin);
    CHECK(above_parts[0].end % kElementGrain == 0);
    CHECK(above_parts[1].end == edge * 4 + 5);
  }
  // A costlier item (Adam's 4 elements' work) splits a shorter array.
  CHECK(parts_of(edge / 2, 4 * kElementWork, kElementGrain).first == nt);
  CHECK(parts_of(0, kElementWork, kElementGrain).first == 0);  // nothing to do: no call
}

TEST_CASE("threads: activations, pooling, optimizer updates, zero and copy on 1, 2, 3 threads give one thread's bits") {
  // Every element-wise pass a training step runs, split over the threads (parallel_for): with the
  // threshold at 0 every size is split, at lengths around the 16-float grain and over it, for the SIMD
  // kernels and the scalar references. One thread runs each pass whole, as before threads.
  ThreadSettings keep;
  Rng rng(23);
  const int64_t counts[] = {1, 15, 16, 17, 1000, 4099};
  for (KernelSet ks : {KernelSet::simd, KernelSet::reference}) {
    set_kernel_set(ks);
    for (int64_t count : counts) {
      CAPTURE(int(ks));
      CAPTURE(count);
      const std::vector<float> x = values_with_ties(rng, count), dy = random_vec(rng, count);
      const std::vector<float> dx0 = random_vec(rng, count), g = random_vec(rng, count);
      std::vector<float> m0 = random_vec(rng, count), v0 = random_vec(rng, count);
      for (float& v : v0) v = v * v;  // Adam's second moment is not negative
      auto run = [&] {
        std::vector<std::vector<float>> out;
        std::vector<float> y(static_cast<size_t>(count)), dx = dx0;
        relu_forward(y.data(), x.data(), count);
        out.push_back(y);
        relu_backward(dx.data(), dy.data(), x.data(), count);
        out.push_back(dx);
        leakyrelu_forward(y.data(), x.data(), count, 0.1f);
        out.push_back(y);
        dx = dx0;
        leakyrelu_backward(dx.data(), dy.data(), x.data(), count, 0.1f);
        out.push_back(dx);
        sigmoid_forward(y.data(), x.data(), count);
        out.push_back(y);
        dx = dx0;
        sigmoid_backward(dx.data(), dy.data(), y.data(), count);
        out.push_back(dx);
        tanh_forward(y.data(), x.data(), count);
        out.push_back(y);
        dx = dx0;
        tanh_backward(dx.data(), dy.data(), y.data(), count);
        out.push_back(dx);
        std::vector<float> w = x, m = m0, v = v0;
        sgd_update(w.data(), g.data(), count, 0.05f, 1e-3f);
        out.push_back(w);
        momentum_update(w.data(), g.data(), m.data(), count, 0.05f, 0.9f, false, 0.0f);
        out.push_back(w);
        out.push_back(m);
        momentum_update(w.data(), g.data(), m.data(), count, 0.05f, 0.9f, true, 1e-3f);
        out.push_back(w);
        out.push_back(m);
        m = m0;
        adam_update(w.data(), g.data(), m.data(), v.data(), count, 0.003f, 0.9f, 0.999f, 1e-8f, 1e-4f, 0.1f, 0.001f);
        out.push_back(w);
        out.push_back(m);
        out.push_back(v);
        std::vector<float> copy(size_t(count), 7.0f);
        parallel_copy(copy.data(), dy.data(), count);
        out.push_back(copy);
        parallel_zero(copy.data(), count);
        out.push_back(copy);
        return out;
      };
      set_num_threads(1);
      const std::vector<std::vector<float>> want = run();
      // One thread: what the passes computed before threads, spelled out for the plainest of them.
      CHECK(want[0][0] == (x[0] > 0.0f ? x[0] : 0.0f));
      CHECK(bit_equal(want[16], dy));
      CHECK(std::all_of(want[17].begin(), want[17].end(), [](float f) { return f == 0.0f && !std::signbit(f); }));
      for (int nt : {2, 3}) {
        CAPTURE(nt);
        set_num_threads(nt);
        const std::vector<std::vector<float>> got = run();
        REQUIRE(got.size() == want.size());
        for (size_t i = 0; i < got.size(); ++i) {
          CAPTURE(i);
          CHECK(bit_equal(got[i], want[i]));
        }
      }
    }
    // Pooling, split over the n*c planes: 2x2 stride 2 (the SIMD kernel), 3x3 stride 2 padded
    // (windows cut by the padding), odd sizes, one plane.
    struct PoolCase {
      PoolDims d;
      int n;
    };
    const PoolCase pools[] = {{make_pool(6, 28, 28, 2, 2, 0), 5},
                              {make_pool(3, 11, 9, 3, 2, 1), 4},
                              {make_pool(5, 7, 7, 2, 2, 0), 3},
                              {make_pool(1, 6, 6, 3, 1, 1), 1}};
    for (const PoolCase& pc : pools) {
      const PoolDims& d = pc.d;
      CAPTURE(int(ks));
      CAPTURE(d.c);
      CAPTURE(d.h);
      CAPTURE(d.kh);
      CAPTURE(pc.n);
      const int64_t in = int64_t(pc.n) * d.c * d.h * d.w, out = int64_t(pc.n) * d.c * d.oh * d.ow;
      const std::vector<float> x = values_with_ties(rng, in), dy = random_vec(rng, out), dx0 = random_vec(rng, in);
      const std::vector<float> gdy = random_vec(rng, int64_t(pc.n) * d.c);
      auto run = [&] {
        std::vector<std::vector<float>> res;
        std::vector<float> y(static_cast<size_t>(out)), dx = dx0;
        std::vector<int32_t> argmax(size_t(out), -7);
        maxpool_forward(y.data(), argmax.data(), x.data(), pc.n, d);
        res.push_back(y);
        res.push_back(as_floats(argmax));
        maxpool_backward(dx.data(), dy.data(), argmax.data(), pc.n, d);
        res.push_back(dx);
        avgpool_forward(y.data(), x.data(), pc.n, d);
        res.push_back(y);
        dx = dx0;
        avgpool_backward(dx.data(), dy.data(), pc.n, d);
        res.push_back(dx);
        std::vector<float> gy(size_t(pc.n) * size_t(d.c));
        gap_forward(gy.data(), x.data(), pc.n, d.c, d.h * d.w);
        res.push_back(gy);
        dx = dx0;
        gap_backward(dx.data(), gdy.data(), pc.n, d.c, d.h * d.w);
        res.push_back(dx);
        return res;
      };
      set_num_threads(1);
      const std::vector<std::vector<float>> want = run();
      CHECK(std::none_of(want[1].begin(), want[1].end(), [](float a) { return a == -7.0f; }));  // every argmax set
      for (int nt : {2, 3}) {
        CAPTURE(nt);
        set_num_threads(nt);
        const std::vector<std::vector<float>> got = run();
        for (size_t i = 0; i < got.size(); ++i) {
          CAPTURE(i);
          CHECK(bit_equal(got[i], want[i]));
        }
      }
    }
  }
}

TEST_CASE("threads: 1, 2 and 3 threads train and evaluate LeNet-5, Wide and other stacks to the same bits") {
  // K training steps from the same seed with Adam, SGD and momentum: the weights, the optimizer's
  // state, the loss curve and the evaluations (the trainer's, and a whole test-split evaluate()
  // after the steps: loss, accuracy, confusion) must not depend on the thread count, for the SIMD
  // kernels and the scalar references (the page's SIMD switch). At the default work threshold, what
  // the trainer meets in use, and for the small stacks at 0 too, so that every pass is split.
  ThreadSettings keep;
  DataOptions o;
  o.n_train = 96;
  o.n_test = 40;
  Dataset digits;
  std::string err;
  REQUIRE_MESSAGE(dataset_make("digits", o, &digits, &err), err);
  const int64_t kDefaultWork = int64_t(1) << 18;
  struct Case {
    std::string name, text;
    int batch, micro, steps;
    OptimizerKind opt;
    bool nesterov;
    int64_t min_work;
  };
  const std::string lenet_like =  // sigmoid, tanh, both poolings and gap: every element-wise pass
      "input 28x28x1\nconv 6 k5 p2\nsigmoid\nmaxpool k3 s2 p1\nconv 16 k5\ntanh\navgpool k2\n"
      "conv 10 k3\ngap\nsoftmax\n";
  const Case cases[] = {
      {"lenet5 adam", preset("lenet5.txt"), 16, 0, 4, OptimizerKind::adam, false, kDefaultWork},
      {"lenet5 sgd", preset("lenet5.txt"), 16, 0, 3, OptimizerKind::sgd, false, kDefaultWork},
      {"wide adam", preset("wide.txt"), 8, -1, 2, OptimizerKind::adam, false, kDefaultWork},  // the page's slices
      {"wide sgd", preset("wide.txt"), 8, 0, 2, OptimizerKind::sgd, false, kDefaultWork},
      {"lenet-like nesterov", lenet_like, 16, 0, 3, OptimizerKind::momentum, true, kDefaultWork},
      {"lenet-like adam, all split", lenet_like, 16, 0, 3, OptimizerKind::adam, false, 0},
      {"batchnorm+dense",
       "input 28x28x1\nconv 8 k3 s2\nbatchnorm\nrelu\nconv 12 k3 p1\nleakyrelu\n"
       "avgpool k2\ndense 40\ndropout 0.25\ntanh\ndense 10\nsoftmax\n",
       12, 0, 5, OptimizerKind::momentum, false, kDefaultWork},
      {"batchnorm+dense sgd, all split",
       "input 28x28x1\nconv 8 k3 s2\nbatchnorm\nrelu\nconv 12 k3 p1\nleakyrelu\n"
       "avgpool k2\ndense 40\ntanh\ndense 10\nsoftmax\n",
       12, 0, 3, OptimizerKind::sgd, false, 0},
  };
  for (KernelSet ks : {KernelSet::simd, KernelSet::reference}) {
    set_kernel_set(ks);
    for (const Case& cs : cases) {
      // The references' Wide takes seconds in wasm; the other stacks cover the references.
      if (ks == KernelSet::reference && cs.name.rfind("wide", 0) == 0) continue;
      CAPTURE(cs.name);
      CAPTURE(int(ks));
      set_parallel_min_work(cs.min_work);
      std::vector<float> ref_params, ref_loss, ref_m, ref_v;
      float ref_test_loss = 0;
      EvalResult ref_eval;
      for (int nt : {1, 2, 3}) {
        CAPTURE(nt);
        set_num_threads(nt);
        Network net;
        REQUIRE_MESSAGE(network_build_from_text(&net, cs.text, cs.batch, &err), err);
        TrainConfig c;
        c.optimizer = cs.opt;
        c.nesterov = cs.nesterov;
        c.lr = cs.opt == OptimizerKind::adam ? 0.003f : 0.05f;
        c.batch = cs.batch;
        c.micro_batch = cs.micro;
        c.epochs = 1;
        c.seed = 3;
        c.eval_every = cs.steps;
        c.eval_limit = 16;
        Trainer tr;
        REQUIRE_MESSAGE(trainer_setup(&tr, &net, &digits, c, &err), err);
        REQUIRE(trainer_step(&tr, cs.steps) == cs.steps);
        REQUIRE(tr.history.loss.size() == size_t(cs.steps));
        REQUIRE(!tr.history.test_loss.empty());
        const EvalResult ev = evaluate(&net, digits, Split::test, 0);
        REQUIRE(ev.n == o.n_test);
        if (nt == 1) {
          ref_params = net.params;
          ref_loss = tr.history.loss;
          ref_m = tr.opt.m;
          ref_v = tr.opt.v;
          ref_test_loss = tr.history.test_loss.back();
          ref_eval = ev;
          for (float l : ref_loss) CHECK((std::isfinite(l) && l > 0.01f));  // a real run: no NaNs, no zeros
          CHECK(tr.history.loss.back() != tr.history.loss.front());
          CHECK(ref_m.size() == (cs.opt == OptimizerKind::sgd ? 0 : net.params.size()));
          CHECK(std::isfinite(ev.loss));
          CHECK(ev.loss > 0.01f);
          int64_t in_confusion = 0;
          for (int32_t k : ev.confusion) in_confusion += k;
          CHECK(in_confusion == o.n_test);
          continue;
        }
        CHECK(bit_equal(net.params, ref_params));
        CHECK(bit_equal(tr.history.loss, ref_loss));
        CHECK(bit_equal(tr.opt.m, ref_m));
        CHECK(bit_equal(tr.opt.v, ref_v));
        CHECK(std::memcmp(&tr.history.test_loss.back(), &ref_test_loss, sizeof(float)) == 0);
        CHECK(std::memcmp(&ev.loss_sum, &ref_eval.loss_sum, sizeof(double)) == 0);
        CHECK(ev.correct == ref_eval.correct);
        CHECK(ev.confusion == ref_eval.confusion);
      }
    }
  }
}
