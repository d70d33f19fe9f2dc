// The engine's benchmarks (bench.h): whole networks, the GEMM, and single kernels against their
// references. Moved here from the command-line tool so that the page (web/js_api_bench.cpp) runs the
// very same measurement in a browser tab.
#include "cnn/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include <time.h>
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

#include "cnn/kernels.h"
#include "cnn/net.h"
#include "cnn/optim.h"
#include "cnn/parallel.h"
#include "cnn/rng.h"

namespace cnn {

namespace {
bool g_cpu_clock = false;
#if defined(__EMSCRIPTEN__)
// Under node the CPU time of the process (it includes V8's compiler and GC threads: fine once warmed
// up); a browser tab has no such clock, so there it is performance.now(). (JavaScript: not formatted.)
// clang-format off
EM_JS(double, js_cpu_seconds, (), {
  if (typeof process !== 'undefined' && process.cpuUsage) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1e-6;
  }
  return performance.now() * 1e-3;
});
// clang-format on
#endif
}  // namespace

void bench_set_cpu_clock(bool cpu) { g_cpu_clock = cpu; }
bool bench_cpu_clock() { return g_cpu_clock; }

double bench_now_seconds() {
  if (g_cpu_clock) {
#if defined(__EMSCRIPTEN__)
    return js_cpu_seconds();
#else
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
#endif
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

BenchStats bench_stats_of(std::vector<double> v) {
  BenchStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  return s;
}

namespace {

double seconds_since(double t0) { return bench_now_seconds() - t0; }

// Runs fn() `reps` times per sample until `runs` samples are taken; each sample is work/time.
// reps is calibrated so that one sample lasts about `target_s` seconds.
template <class F>
BenchStats time_rate(F&& fn, double work_per_call, int runs, double target_s) {
  double t0 = bench_now_seconds();
  fn();
  const double one = std::max(seconds_since(t0), 1e-7);
  const int64_t reps = std::max<int64_t>(1, int64_t(target_s / one));
  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    t0 = bench_now_seconds();
    for (int64_t i = 0; i < reps; ++i) fn();
    rates.push_back(work_per_call * double(reps) / std::max(seconds_since(t0), 1e-9));
  }
  return bench_stats_of(rates);
}

// Calls fn() until at least min_calls calls and min_s seconds have passed.
template <class F>
void warm_up(F&& fn, int min_calls, double min_s) {
  const double t0 = bench_now_seconds();
  for (int i = 0; i < min_calls || seconds_since(t0) < min_s; ++i) fn();
}

// Largest |a - b| over the largest |b| (1e-12 floor): a tensor-wide relative error, meaningful even
// where single entries are ~0.
double rel_diff(const float* a, const float* b, size_t n) {
  double num = 0, den = 1e-12;
  for (size_t i = 0; i < n; ++i) {
    num = std::max(num, double(std::fabs(a[i] - b[i])));
    den = std::max(den, double(std::fabs(b[i])));
  }
  return num / den;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) d = std::max(d, double(std::fabs(a[i] - b[i])));
  return d;
}

const char* kernels_name() { return kernel_set() == KernelSet::simd ? "simd" : "reference"; }

}  // namespace

// ---- a whole network ------------------------------------------------------------------------------
int bench_model(const ModelBenchConfig& c, ModelBenchResult* r, std::string* err) {
  *r = ModelBenchResult();
  if (c.batch < 1 || c.runs < 1 || c.steps < 0) {
    *err = "batch and runs must be at least 1 and steps at least 0";
    return 2;
  }
  Network net;
  std::string e;
  if (!network_build_from_text(&net, c.text, c.batch, &e)) {
    *err = c.name + ": " + e;
    return 2;
  }
  network_init(&net, 1);
  const int B = c.batch;
  const int64_t in_size = net.out_shape(0).size(), out_size = net.out_size();
  std::vector<float> x(size_t(B * in_size));
  std::vector<int32_t> labels(static_cast<size_t>(B));
  Rng rng(7);
  for (float& v : x) v = rng.uniform();
  const uint32_t classes = net.loss == LossKind::binary_cross_entropy ? 2u : uint32_t(out_size);
  for (int32_t& l : labels) l = int32_t(rng.below(classes));
  const float lr = 0.01f;
  float last_loss = 0;
  auto step = [&] {
    if (c.train) {
      network_forward(&net, x.data(), B, true);
      last_loss = network_loss(&net, labels.data(), nullptr);
      network_zero_grad(&net);
      network_backward(&net, false);
      sgd_update(net.params.data(), net.grads.data(), int64_t(net.params.size()), lr, 0.0f);
    } else {
      network_forward(&net, x.data(), B, false);
    }
  };

  // Validate: one step with the reference kernels and one with the chosen kernels from the same
  // weights and state; compare the outputs, the loss and (training) the gradients.
  const KernelSet chosen = kernel_set();
  const std::vector<float> params0 = net.params;
  const std::vector<LayerState> state0 = net.state;
  const Rng drop0 = net.dropout_rng;
  auto restore = [&] {
    net.params = params0;
    net.state = state0;
    net.dropout_rng = drop0;
  };
  set_kernel_set(KernelSet::reference);
  step();
  const std::vector<float> out_ref(net.output(), net.output() + size_t(B * out_size));
  const std::vector<float> grads_ref = net.grads;
  const float loss_ref = last_loss;
  restore();
  set_kernel_set(chosen);
  step();
  r->err_output = rel_diff(net.output(), out_ref.data(), out_ref.size());
  r->err_gradients = c.train ? rel_diff(net.grads.data(), grads_ref.data(), grads_ref.size()) : 0.0;
  r->err_loss = c.train ? std::fabs(double(last_loss) - loss_ref) / std::max(1e-12, std::fabs(double(loss_ref))) : 0.0;
  restore();
  const double tol = 1e-4;  // float sums in another order (and fused multiply-adds natively)
  if (!(r->err_output <= tol && r->err_gradients <= tol && r->err_loss <= tol) || !std::isfinite(last_loss)) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "the %s kernels disagree with the reference on %s: relative error output %.2e, "
                  "loss %.2e, gradients %.2e (tolerance %.0e); not timing",
                  kernels_name(), c.name.c_str(), r->err_output, r->err_loss, r->err_gradients, tol);
    *err = buf;
    return 1;
  }

  // Threads: every count must give the first count's bits (parallel.h), checked on one step.
  const int threads_before = num_threads();
  const std::vector<int> counts = c.threads.empty() ? std::vector<int>{threads_before} : c.threads;
  if (counts.size() > 1 || counts[0] != threads_before) {
    if (g_cpu_clock) {
      *err = "threads are timed with the wall clock: the CPU time of the process adds up over its threads";
      return 2;
    }
    std::vector<float> out_first, grads_first;
    for (size_t k = 0; k < counts.size(); ++k) {
      if (counts[k] < 1 || counts[k] > kMaxThreads) {
        *err = "thread count " + std::to_string(counts[k]) + " is not in 1.." + std::to_string(kMaxThreads);
        return 2;
      }
      set_num_threads(counts[k]);
      step();
      std::vector<float> out(net.output(), net.output() + size_t(B * out_size));
      restore();
      if (k == 0) {
        out_first = std::move(out);
        grads_first = net.grads;
      } else if (out != out_first || net.grads != grads_first) {
        set_num_threads(threads_before);
        *err = c.name + ": " + std::to_string(counts[k]) + " threads do not give the bits of " +
               std::to_string(counts[0]) + "; not timing";
        return 1;
      }
    }
  }

  std::vector<std::vector<double>> rates(counts.size()), ratios(counts.size());
  int steps = c.steps;
  for (size_t k = 0; k < counts.size(); ++k) {
    set_num_threads(counts[k]);
    warm_up(step, 5, counts.size() > 1 ? 0.5 : 1.0);
    if (k == 0 && steps <= 0) {
      const double t0 = bench_now_seconds();
      step();
      const double one = std::max(seconds_since(t0), 1e-6);
      steps = std::max(1, int(0.5 / one));
    }
  }
  for (int i = 0; i < c.runs; ++i)
    for (size_t k = 0; k < counts.size(); ++k) {
      set_num_threads(counts[k]);
      const double t0 = bench_now_seconds();
      for (int s = 0; s < steps; ++s) step();
      rates[k].push_back(double(B) * steps / std::max(seconds_since(t0), 1e-9));
      ratios[k].push_back(rates[k].back() / rates[0].back());
    }
  for (size_t k = 0; k < counts.size(); ++k) {
    ThreadBench tb;
    tb.threads = counts[k];
    tb.threads_used = set_num_threads(counts[k]);
    tb.samples_per_second = bench_stats_of(rates[k]);
    tb.speedup = bench_stats_of(ratios[k]);
    r->by_threads.push_back(tb);
  }
  set_num_threads(threads_before);
  r->samples_per_second = r->by_threads[0].samples_per_second;
  r->steps_per_run = steps;
  r->macs_per_sample = net.info.total_macs;
  r->effective_gflops = r->samples_per_second.median * 2.0 * double(net.info.total_macs) * (c.train ? 3.0 : 1.0) * 1e-9;
  return 0;
}

std::string bench_model_json(const ModelBenchConfig& c, const ModelBenchResult& r) {
  auto stats = [](const BenchStats& s) {
    char b[200];
    std::snprintf(b, sizeof b, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"spread\": %.6g}", s.median, s.min,
                  s.max, s.spread());
    return std::string(b);
  };
  std::string name;
  for (char ch : c.name) {  // a JSON string: escape what needs it
    if (ch == '"' || ch == '\\') name += '\\';
    if (uint8_t(ch) >= 0x20) name += ch;
  }
  std::string threads;
  for (const ThreadBench& t : r.by_threads) {
    char b[400];
    std::snprintf(b, sizeof b, "%s{\"threads\": %d, \"threads_used\": %d, \"samples_per_second\": %s, \"speedup\": %s}",
                  threads.empty() ? "" : ", ", t.threads, t.threads_used, stats(t.samples_per_second).c_str(),
                  stats(t.speedup).c_str());
    threads += b;
  }
  char buf[900];
  std::snprintf(buf, sizeof buf,
                "{\"bench\": \"model\", \"model\": \"%s\", \"mode\": \"%s\", \"batch\": %d, \"steps_per_run\": %d, "
                "\"runs\": %d, \"isa\": \"%s\", \"kernels\": \"%s\", \"clock\": \"%s\", \"samples_per_second\": %s, "
                "\"macs_per_sample\": %lld, \"effective_gflops\": %.6g, \"validation\": {\"output\": %.3g, "
                "\"loss\": %.3g, \"gradients\": %.3g}}",
                name.c_str(), c.train ? "train" : "infer", c.batch, r.steps_per_run, c.runs, simd_isa_name(),
                kernels_name(), g_cpu_clock ? "cpu" : "wall", stats(r.samples_per_second).c_str(),
                (long long)r.macs_per_sample, r.effective_gflops, r.err_output, r.err_loss, r.err_gradients);
  std::string out = buf;
  out.pop_back();  // the closing brace: the thread counts follow
  return out + ", \"threads\": [" + threads + "]}";
}

// ---- GEMM ---------------------------------------------------------------------------------------
BenchStats bench_madd_peak(int runs) {
  float sink = 0;
  const int64_t iters = 1 << 16;
  const double flops = double(madd_peak_loop(iters, &sink));
  warm_up([&] { madd_peak_loop(iters, &sink); }, 20, 0.2);
  BenchStats s = time_rate([&] { madd_peak_loop(iters, &sink); }, flops * 1e-9, runs, 0.1);
  if (!std::isfinite(sink)) std::fprintf(stderr, "bench: peak loop produced %g\n", sink);
  return s;
}

int bench_gemm(const std::vector<int>& sizes, int runs, std::vector<GemmBenchPoint>* out, std::string* err) {
  {  // wake the GEMM up once for all sizes: many small calls make every function of the path hot
    std::vector<float> a(128 * 128, 0.5f), b(128 * 128, 0.25f), c(128 * 128);
    warm_up([&] { sgemm(false, false, 128, 128, 128, 1.0f, a.data(), 128, b.data(), 128, 0.0f, c.data(), 128); }, 50,
            0.3);
  }
  for (int n : sizes) {
    GemmBenchPoint r;
    r.n = n;
    std::vector<float> a(size_t(n) * n), b(size_t(n) * n), c(size_t(n) * n), ref(static_cast<size_t>(n));
    Rng rng(static_cast<uint64_t>(n));
    for (float& x : a) x = rng.uniform(-1.0f, 1.0f);
    for (float& x : b) x = rng.uniform(-1.0f, 1.0f);
    auto call = [&] { sgemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n); };
    // Validate a handful of rows of C (all of C would take the reference minutes at n = 1024 in wasm).
    call();
    const int rows[] = {0, 1, n / 2, n - 2, n - 1};
    for (int i : rows) {
      if (i < 0 || i >= n) continue;
      sgemm_reference(false, false, 1, n, n, 1.0f, a.data() + size_t(i) * n, n, b.data(), n, 0.0f, ref.data(), n);
      for (int j = 0; j < n; ++j) r.max_err = std::max(r.max_err, double(std::fabs(c[size_t(i) * n + j] - ref[j])));
    }
    const double tol = 1e-6 * n;  // |a|, |b| <= 1: a few ulps of each of the n terms
    if (!(r.max_err <= tol)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "n=%d: the %s kernels differ from the reference by %g (> %g); not timing", n,
                    kernels_name(), r.max_err, tol);
      *err = buf;
      return 1;
    }
    const double gflop = 2.0 * double(n) * n * n * 1e-9;
    const double t0 = bench_now_seconds();
    call();
    const double one = seconds_since(t0);
    const int rr = one > 1.0 ? std::min(runs, 3) : runs;  // the reference at n = 1024 is slow
    if (one < 1.0) warm_up(call, 3, 0.2);
    r.gflops = time_rate(call, gflop, rr, 0.15);
    out->push_back(r);
  }
  return 0;
}

// ---- single kernels ------------------------------------------------------------------------------
// Every row of cnn/kernel_list.inc has a function bench_<base> below with its cases: inputs at the
// shape a training step of the nets (batch 32) gives the kernel. Each case runs the SIMD
// kernel and the reference once on fresh buffers (validation), then times both. Kernels that
// accumulate or update in place keep doing so while timed: the work per call is the same.
namespace {

struct KernelBench {  // buffers live here for the duration of one case's measurement
  std::vector<float> a, b, c, d, e;
  std::vector<int32_t> i32;
};

struct KernelCase {
  std::string name, shape;
  double tol = 0;                    // allowed max |simd - reference|
  std::function<void()> simd, ref;   // one call each, on the timing buffers
  std::function<double()> validate;  // runs both on fresh copies, returns max |diff|
};

// Case i of a row: sets kc->name, and with kb also the buffers and calls. false: the row has no case i.
#define CNN_KERNEL(base, ...) bool bench_##base(int i, KernelBench* kb, KernelCase* kc);
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL
typedef bool (*KernelCaseFn)(int, KernelBench*, KernelCase*);
const KernelCaseFn kKernelRows[] = {
#define CNN_KERNEL(base, ...) bench_##base,
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL
};

// Names case i of a row from `names`; false if the row has no case i.
bool name_case(int i, std::initializer_list<const char*> names, KernelCase* kc) {
  if (i < 0 || size_t(i) >= names.size()) return false;
  kc->name = names.begin()[i];
  return true;
}

void fill(std::vector<float>& v, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  for (float& x : v) x = rng.uniform(lo, hi);
}

// Runs `simd` under the SIMD kernel set (the benchmark may run under either), then `ref`.
void run_both(const std::function<void()>& simd, const std::function<void()>& ref) {
  const KernelSet s = kernel_set();
  set_kernel_set(KernelSet::simd);
  simd();
  set_kernel_set(s);
  ref();
}

// The validation of a kernel whose SIMD version writes kb->c and whose reference writes kb->d
// (overwriting or accumulating): both zeroed, both run on the same inputs, the largest difference.
void validate_from_zero(KernelBench* kb, KernelCase* kc) {
  std::vector<float>& C = kb->c;
  std::vector<float>& D = kb->d;
  kc->validate = [&C, &D, kc] {
    std::fill(C.begin(), C.end(), 0.0f);
    std::fill(D.begin(), D.end(), 0.0f);
    run_both(kc->simd, kc->ref);
    return max_abs_diff(C, D);
  };
}
bool bench_sgemm(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"gemm", "gemm_dw", "gemm_dx"}, kc)) return false;
  if (!kb) return true;
  // The three GEMMs of Wide's second convolution for one sample (layers_conv.cpp), oc = 32,
  // K = 32*3*3 = 288, P = 28*28 = 784: forward W (oc x K) col (K x P); filter gradient
  // dY (oc x P) col^T; input gradient W^T dY, whose k is only oc = 32.
  struct G {
    bool ta, tb;
    int m, n, k, lda, ldb;
    float beta;
    const char* shape;
  };
  static const G cases[] = {
      {false, false, 32, 784, 288, 288, 784, 0.0f, "m=32 n=784 k=288 (Wide conv forward, one sample)"},
      {false, true, 32, 288, 784, 784, 784, 1.0f, "m=32 n=288 k=784, B^T (Wide conv dW, one sample)"},
      {true, false, 288, 784, 32, 288, 784, 0.0f, "m=288 n=784 k=32, A^T (Wide conv dX, one sample)"}};
  const G& g = cases[i];
  Rng rng(11);
  auto& A = kb->a;
  auto& B = kb->b;
  auto& C = kb->c;
  auto& D = kb->d;
  kc->shape = g.shape;
  kc->tol = 1e-4;  // dW accumulates (beta 1) while timed, as the layer does; validation starts from 0
  A.resize(size_t(32) * 784);
  fill(A, rng, -0.1f, 0.1f);
  B.resize(size_t(288) * 784);
  fill(B, rng, -0.1f, 0.1f);
  C.assign(size_t(g.m) * g.n, 0.0f);
  D.assign(C.size(), 0.0f);
  kc->simd = [&A, &B, &C, &g] {
    sgemm(g.ta, g.tb, g.m, g.n, g.k, 1.0f, A.data(), g.lda, B.data(), g.ldb, g.beta, C.data(), g.n);
  };
  kc->ref = [&A, &B, &D, &g] {
    sgemm_reference(g.ta, g.tb, g.m, g.n, g.k, 1.0f, A.data(), g.lda, B.data(), g.ldb, g.beta, D.data(), g.n);
  };
  validate_from_zero(kb, kc);
  return true;
}

// Wide's second convolution, one sample: 32 x 28 x 28, 3x3, pad 1.
const Im2colShape kWideConv2{32, 28, 28, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1};
const char* const kWideConv2Shape = "one sample 32x28x28, 3x3 pad 1";

// im2col (an image into columns) or col2im_add (columns added back into an image) on Wide's second
// convolution: the SIMD kernel writes C, the reference D.
void setup_im2col_case(KernelBench* kb, KernelCase* kc, bool to_cols) {
  Rng rng(11);
  auto& A = kb->a;
  auto& C = kb->c;
  auto& D = kb->d;
  const Im2colShape& s = kWideConv2;
  kc->shape = kWideConv2Shape;
  const size_t image = size_t(s.c) * s.h * s.w, cols = size_t(s.c) * s.kh * s.kw * s.oh * s.ow;
  A.resize(to_cols ? image : cols);
  fill(A, rng);
  C.assign(to_cols ? cols : image, 0.0f);
  D.assign(C.size(), 0.0f);
  if (to_cols) {
    kc->simd = [&A, &C] { im2col_f32(C.data(), A.data(), kWideConv2); };
    kc->ref = [&A, &D] { im2col_reference(D.data(), A.data(), kWideConv2); };
  } else {
    kc->simd = [&A, &C] { col2im_add_f32(C.data(), A.data(), kWideConv2); };
    kc->ref = [&A, &D] { col2im_add_reference(D.data(), A.data(), kWideConv2); };
  }
  validate_from_zero(kb, kc);
}

bool bench_im2col(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"im2col"}, kc)) return false;
  if (kb) setup_im2col_case(kb, kc, true);
  return true;
}

bool bench_col2im_add(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"col2im_add"}, kc)) return false;
  if (kb) setup_im2col_case(kb, kc, false);
  return true;
}

// Wide's first pooling: 32 samples x 32 channels of 28 x 28.
constexpr int64_t kPoolPlanes = 32 * 32;
constexpr int kPoolH = 28, kPoolW = 28;

// The pooling input in A (random), and B and I sized for its output.
void setup_pool(KernelBench* kb, KernelCase* kc, Rng& rng) {
  kc->shape = "32x32 planes of 28x28";
  kb->a.resize(size_t(kPoolPlanes * kPoolH * kPoolW));
  fill(kb->a, rng);
  kb->b.resize(size_t(kPoolPlanes * (kPoolH / 2) * (kPoolW / 2)));
  kb->i32.resize(kb->b.size());
}

// The kernels run on kb's arrays: x in a, y or dy in b, the arg max in i32.
bool bench_maxpool2x2_forward(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"maxpool2x2_forward"}, kc)) return false;
  if (!kb) return true;
  Rng rng(11);
  setup_pool(kb, kc, rng);
  kb->c.resize(kb->b.size());
  auto hold = std::make_shared<std::vector<int32_t>>(kb->i32.size());  // the reference's arg max
  kc->simd = [kb] { maxpool2x2_forward(kb->b.data(), kb->i32.data(), kb->a.data(), kPoolPlanes, kPoolH, kPoolW); };
  kc->ref = [kb, hold] {
    maxpool2x2_forward_reference(kb->c.data(), hold->data(), kb->a.data(), kPoolPlanes, kPoolH, kPoolW);
  };
  kc->validate = [kb, hold, kc] {
    run_both(kc->simd, kc->ref);
    return max_abs_diff(kb->b, kb->c) + (kb->i32 == *hold ? 0.0 : 1.0);
  };
  return true;
}

bool bench_maxpool2x2_backward(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"maxpool2x2_backward"}, kc)) return false;
  if (!kb) return true;
  Rng rng(11);
  setup_pool(kb, kc, rng);
  maxpool2x2_forward_reference(kb->b.data(), kb->i32.data(), kb->a.data(), kPoolPlanes, kPoolH, kPoolW);
  fill(kb->b, rng);  // dy
  kb->c.assign(kb->a.size(), 0.0f);
  kb->d.assign(kb->a.size(), 0.0f);
  kc->simd = [kb] { maxpool2x2_backward(kb->c.data(), kb->b.data(), kb->i32.data(), kPoolPlanes, kPoolH, kPoolW); };
  kc->ref = [kb] {
    maxpool2x2_backward_reference(kb->d.data(), kb->b.data(), kb->i32.data(), kPoolPlanes, kPoolH, kPoolW);
  };
  validate_from_zero(kb, kc);
  return true;
}

constexpr int64_t kWideAct = 32LL * 32 * 28 * 28;  // Wide's first activation, batch 32

// x and dy of Wide's first activation; y/dx of the SIMD kernel in C, of the reference in D.
void setup_relu(KernelBench* kb, KernelCase* kc) {
  Rng rng(11);
  kc->shape = "32x32x28x28 values";
  kb->a.resize(size_t(kWideAct));
  fill(kb->a, rng);
  kb->b.resize(kb->a.size());
  fill(kb->b, rng);
  kb->c.assign(kb->a.size(), 0.0f);
  kb->d.assign(kb->a.size(), 0.0f);
  validate_from_zero(kb, kc);
}

bool bench_relu_forward(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"relu_forward"}, kc)) return false;
  if (!kb) return true;
  setup_relu(kb, kc);
  kc->simd = [kb] { relu_forward_f32(kb->c.data(), kb->a.data(), kWideAct); };
  kc->ref = [kb] { relu_forward_reference(kb->d.data(), kb->a.data(), kWideAct); };
  return true;
}

bool bench_relu_backward(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"relu_backward"}, kc)) return false;
  if (!kb) return true;
  setup_relu(kb, kc);
  kc->simd = [kb] { relu_backward_f32(kb->c.data(), kb->b.data(), kb->a.data(), kWideAct); };
  kc->ref = [kb] { relu_backward_reference(kb->d.data(), kb->b.data(), kb->a.data(), kWideAct); };
  return true;
}

bool bench_softmax_xent(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"softmax_xent", "softmax_xent_1000"}, kc)) return false;
  if (!kb) return true;
  Rng rng(11);
  auto& A = kb->a;
  auto& B = kb->b;
  auto& C = kb->c;
  auto& I = kb->i32;
  const int n = 32, k = i == 0 ? 10 : 1000;
  kc->shape = std::to_string(n) + " samples x " + std::to_string(k) + " classes";
  kc->tol = 1e-6;
  A.resize(size_t(n) * k);
  fill(A, rng, -5.0f, 5.0f);
  B.resize(A.size());
  C.resize(A.size());
  I.resize(size_t(n));
  for (int32_t& l : I) l = int32_t(rng.below(uint32_t(k)));
  auto losses = std::make_shared<std::pair<float, float>>();
  kc->simd = [&A, &B, &I, k, losses] { losses->first = softmax_xent_f32(nullptr, B.data(), A.data(), I.data(), n, k); };
  kc->ref = [&A, &C, &I, k, losses] {
    losses->second = softmax_xent_reference(nullptr, C.data(), A.data(), I.data(), n, k);
  };
  kc->validate = [&B, &C, kc, losses] {
    run_both(kc->simd, kc->ref);
    const float l1 = losses->first, l2 = losses->second;
    return std::max(max_abs_diff(B, C), double(std::fabs(l1 - l2)) / std::max(1.0f, std::fabs(l2)));
  };
  return true;
}

// The optimizer updates on about Wide's parameter count: w, g in A, B; m, v in C, D (E: w at the
// start); the reference's own w, m, v beside them.
constexpr int64_t kWideParams = 430000;
struct UpdateState {
  std::vector<float> w, m, v;
};

std::shared_ptr<UpdateState> setup_update(KernelBench* kb, KernelCase* kc) {
  Rng rng(11);
  kc->shape = std::to_string(kWideParams) + " parameters, weight decay 1e-4";
  auto& A = kb->a;
  auto& C = kb->c;
  auto& D = kb->d;
  auto& E = kb->e;
  A.resize(size_t(kWideParams));
  fill(A, rng);
  kb->b.resize(A.size());
  fill(kb->b, rng, -1e-3f, 1e-3f);
  C.assign(A.size(), 0.0f);
  D.assign(A.size(), 0.0f);
  E = A;
  auto r = std::make_shared<UpdateState>(UpdateState{A, C, D});
  kc->validate = [&A, &C, &D, &E, r, kc] {
    A = E;
    r->w = E;
    std::fill(C.begin(), C.end(), 0.0f);
    std::fill(D.begin(), D.end(), 0.0f);
    std::fill(r->m.begin(), r->m.end(), 0.0f);
    std::fill(r->v.begin(), r->v.end(), 0.0f);
    run_both(kc->simd, kc->ref);
    return max_abs_diff(A, r->w);
  };
  return r;
}

// Each update's kernel runs on kb's arrays (w in a, g in b, m in c, v in d), its reference on r's.
bool bench_sgd_update(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"sgd_update"}, kc)) return false;
  if (!kb) return true;
  auto r = setup_update(kb, kc);
  kc->simd = [kb] { sgd_update_f32(kb->a.data(), kb->b.data(), kWideParams, 0.01f, 1e-4f); };
  kc->ref = [kb, r] { sgd_update_reference(r->w.data(), kb->b.data(), kWideParams, 0.01f, 1e-4f); };
  return true;
}

bool bench_momentum_update(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"momentum_update", "nesterov_update"}, kc)) return false;
  if (!kb) return true;
  auto r = setup_update(kb, kc);
  const bool nes = i == 1;
  kc->simd = [kb, nes] {
    momentum_update_f32(kb->a.data(), kb->b.data(), kb->c.data(), kWideParams, 0.01f, 0.9f, nes, 1e-4f);
  };
  kc->ref = [kb, r, nes] {
    momentum_update_reference(r->w.data(), kb->b.data(), r->m.data(), kWideParams, 0.01f, 0.9f, nes, 1e-4f);
  };
  return true;
}

bool bench_adam_update(int i, KernelBench* kb, KernelCase* kc) {
  if (!name_case(i, {"adam_update"}, kc)) return false;
  if (!kb) return true;
  auto r = setup_update(kb, kc);
  kc->simd = [kb] {
    adam_update_f32(kb->a.data(), kb->b.data(), kb->c.data(), kb->d.data(), kWideParams, 1e-3f, 0.9f, 0.999f, 1e-8f,
                    1e-4f, 0.1f, 0.001f);
  };
  kc->ref = [kb, r] {
    adam_update_reference(r->w.data(), kb->b.data(), r->m.data(), r->v.data(), kWideParams, 1e-3f, 0.9f, 0.999f, 1e-8f,
                          1e-4f, 0.1f, 0.001f);
  };
  return true;
}

}  // namespace

const std::vector<std::string>& bench_kernel_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (KernelCaseFn row : kKernelRows) {
      KernelCase kc;
      for (int i = 0; row(i, nullptr, &kc); ++i) v.push_back(kc.name);
    }
    return v;
  }();
  return names;
}

int bench_kernels(const std::string& name, int runs, std::vector<KernelBenchResult>* out, std::string* err) {
  // (row, case) of every case the name asks for: "all", a case name or a row of the list ("sgemm").
  std::vector<std::pair<KernelCaseFn, int>> todo;
  for (int r = 0; r < kernel_count(); ++r) {
    KernelCase kc;
    for (int i = 0; kKernelRows[r](i, nullptr, &kc); ++i)
      if (name == "all" || name == kc.name || name == kernel_info(r).name) todo.emplace_back(kKernelRows[r], i);
  }
  if (todo.empty()) {
    std::string all;
    for (const std::string& s : bench_kernel_names()) all += (all.empty() ? "" : ", ") + s;
    *err = "unknown kernel '" + name + "' (one of: " + all + ", a row of the kernel list such as sgemm, or all)";
    return 2;
  }
  for (const auto& [row, i] : todo) {
    KernelBench kb;
    KernelCase kc;
    row(i, &kb, &kc);
    KernelBenchResult r;
    r.name = kc.name;
    r.shape = kc.shape;
    r.max_diff = kc.validate();
    if (!(r.max_diff <= kc.tol)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "%s: the SIMD kernel differs from its reference by %g (> %g); not timing",
                    kc.name.c_str(), r.max_diff, kc.tol);
      *err = buf;
      return 1;
    }
    const KernelSet saved = kernel_set();
    set_kernel_set(KernelSet::simd);
    // Interleaved: reference, SIMD, reference, SIMD..., one timed run each, so that a change in
    // the machine's load (other jobs) falls on both alike.
    warm_up(kc.simd, 20, 0.2);
    warm_up(kc.ref, 5, 0.1);
    std::vector<double> t_simd, t_ref;
    for (int k = 0; k < runs; ++k) {
      t_ref.push_back(1e6 / time_rate(kc.ref, 1.0, 1, 0.03).median);
      t_simd.push_back(1e6 / time_rate(kc.simd, 1.0, 1, 0.03).median);
    }
    r.simd_us = bench_stats_of(t_simd).median;
    r.reference_us = bench_stats_of(t_ref).median;
    set_kernel_set(saved);
    out->push_back(r);
  }
  return 0;
}

}  // namespace cnn
