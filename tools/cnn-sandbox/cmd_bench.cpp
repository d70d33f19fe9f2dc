// cnn-sandbox bench: how fast the engine computes, natively or (the same arguments, the same output)
// as cnn-sandbox.js under node.
//
//   bench --gemm [--sizes 128,256,512,1024] [--runs 7] [--kernels simd|reference] [--json]
//   bench --model FILE [--mode train|infer] [--batch 32] [--steps N] [--runs 5] [--kernels ...] [--json]
//
// Every benchmark here validates before it times, warms up before it measures, and reports the
// median of several runs with their spread. Warming up matters in wasm: V8 first runs a function in
// its baseline tier (Liftoff, 5-7 GFLOP/s for the GEMM) and switches to optimized code only after
// the function has been hot for a while, so the first calls say nothing about the engine.
#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <time.h>

#include <nlohmann/json.hpp>
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

#include "cnn/kernels.h"
#include "cnn/net.h"
#include "cnn/optim.h"
#include "cnn/rng.h"
#include "commands.h"

namespace {

// Wall-clock time by default. --clock cpu uses the CPU time of this process instead, which on a
// machine shared with other jobs leaves out the time we were not running (it still counts the
// cache and core sharing). Under node the CPU time is process.cpuUsage(), which includes V8's
// compiler and GC threads: fine once warmed up.
bool g_cpu_clock = false;
#if defined(__EMSCRIPTEN__)
EM_JS(double, js_cpu_seconds, (), {
  if (typeof process !== 'undefined' && process.cpuUsage) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1e-6;
  }
  return performance.now() * 1e-3;
});
#endif
double now_seconds() {
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
struct Clock {
  typedef double time_point;
  static double now() { return now_seconds(); }
};
double seconds_since(double t0) { return now_seconds() - t0; }

struct Stats {
  double median = 0, min = 0, max = 0;
  double spread() const { return median > 0 ? (max - min) / median : 0; }  // (max - min) / median
};
Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  return s;
}
nlohmann::json stats_json(const Stats& s) {
  return {{"median", s.median}, {"min", s.min}, {"max", s.max}, {"spread", s.spread()}};
}

const char* kernels_name() { return cnn::kernel_set() == cnn::KernelSet::simd ? "simd" : "reference"; }

// Runs fn() `reps` times per sample until `runs` samples are taken; each sample is work/time.
// reps is calibrated so that one sample lasts about `target_s` seconds.
template <class F>
Stats time_rate(F&& fn, double work_per_call, int runs, double target_s) {
  auto t0 = Clock::now();
  fn();
  double one = std::max(seconds_since(t0), 1e-7);
  const int64_t reps = std::max<int64_t>(1, int64_t(target_s / one));
  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    t0 = Clock::now();
    for (int64_t i = 0; i < reps; ++i) fn();
    rates.push_back(work_per_call * double(reps) / seconds_since(t0));
  }
  return stats_of(rates);
}

// Calls fn() until at least min_calls calls and min_s seconds have passed.
template <class F>
void warm_up(F&& fn, int min_calls, double min_s) {
  auto t0 = Clock::now();
  for (int i = 0; i < min_calls || seconds_since(t0) < min_s; ++i) fn();
}

Stats measure_peak(int runs) {
  float sink = 0;
  const int64_t iters = 1 << 16;
  const double flops = double(cnn::madd_peak_loop(iters, &sink));
  warm_up([&] { cnn::madd_peak_loop(iters, &sink); }, 20, 0.2);
  Stats s = time_rate([&] { cnn::madd_peak_loop(iters, &sink); }, flops * 1e-9, runs, 0.1);
  if (!std::isfinite(sink)) std::fprintf(stderr, "bench: peak loop produced %g\n", sink);
  return s;
}

// ------------------------------------------------------------------------------------------------
// bench --gemm
struct GemmResult {
  int n = 0;
  Stats gflops;
  double max_err = 0;
};

int bench_gemm(const std::vector<int>& sizes, int runs, bool json) {
  const Stats peak = measure_peak(runs);
  // Wake the GEMM up once for all sizes: many small calls make every function of the path hot.
  {
    std::vector<float> a(128 * 128, 0.5f), b(128 * 128, 0.25f), c(128 * 128);
    warm_up([&] { cnn::sgemm(false, false, 128, 128, 128, 1.0f, a.data(), 128, b.data(), 128, 0.0f, c.data(), 128); },
            50, 0.3);
  }
  std::vector<GemmResult> results;
  for (int n : sizes) {
    GemmResult r;
    r.n = n;
    std::vector<float> a(size_t(n) * n), b(size_t(n) * n), c(size_t(n) * n), ref(static_cast<size_t>(n));
    cnn::Rng rng(static_cast<uint64_t>(n));
    for (float& x : a) x = rng.uniform(-1.0f, 1.0f);
    for (float& x : b) x = rng.uniform(-1.0f, 1.0f);
    auto call = [&] {
      cnn::sgemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    };
    // Validate: a handful of rows of C against the reference triple loop (all of C would take the
    // reference minutes at n = 1024 in wasm).
    call();
    const int rows[] = {0, 1, n / 2, n - 2, n - 1};
    for (int i : rows) {
      if (i < 0 || i >= n) continue;
      cnn::sgemm_reference(false, false, 1, n, n, 1.0f, a.data() + size_t(i) * n, n, b.data(), n, 0.0f,
                           ref.data(), n);
      for (int j = 0; j < n; ++j) r.max_err = std::max(r.max_err, double(std::fabs(c[size_t(i) * n + j] - ref[j])));
    }
    const double tol = 1e-6 * n;  // |a|, |b| <= 1: a few ulps of each of the n terms
    if (!(r.max_err <= tol)) {
      std::fprintf(stderr, "bench --gemm: n=%d: the %s kernels differ from the reference by %g (> %g); not timing\n",
                   n, kernels_name(), r.max_err, tol);
      return 1;
    }
    const double gflop = 2.0 * double(n) * n * n * 1e-9;
    auto t0 = Clock::now();
    call();
    const double one = seconds_since(t0);
    const int rr = one > 1.0 ? std::min(runs, 3) : runs;  // the reference at n = 1024 is slow
    if (one < 1.0) warm_up(call, 3, 0.2);
    r.gflops = time_rate(call, gflop, rr, 0.15);
    results.push_back(r);
    if (!json) std::fflush(stdout);
  }

  if (json) {
    nlohmann::json j;
    j["bench"] = "gemm";
    j["isa"] = cnn::simd_isa_name();
    j["kernels"] = kernels_name();
    j["clock"] = g_cpu_clock ? "cpu" : "wall";
    j["kernel"] = cnn::kernel_set() == cnn::KernelSet::simd ? cnn::gemm_kernel_name() : "sgemm_reference";
    j["peak_gflops"] = stats_json(peak);
    j["results"] = nlohmann::json::array();
    for (const GemmResult& r : results)
      j["results"].push_back({{"n", r.n}, {"gflops", stats_json(r.gflops)},
                              {"percent_of_peak", 100.0 * r.gflops.median / peak.median},
                              {"max_abs_err", r.max_err}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  const cnn::GemmTile t = cnn::gemm_tile();
  std::printf("sgemm, one thread: kernels %s, isa %s, %s (tile %dx%d)\n", kernels_name(), cnn::simd_isa_name(),
              cnn::kernel_set() == cnn::KernelSet::simd ? cnn::gemm_kernel_name() : "sgemm_reference", t.mr, t.nr);
  std::printf("multiply-add peak: %.1f GFLOP/s (median of %d runs, spread %.1f%%)\n\n", peak.median, runs,
              100 * peak.spread());
  std::printf("     n   GFLOP/s (median)   min..max       spread   of peak   max |err| vs reference\n");
  for (const GemmResult& r : results)
    std::printf("  %4d   %8.2f          %6.2f..%-6.2f  %5.1f%%   %5.1f%%    %.2e\n", r.n, r.gflops.median,
                r.gflops.min, r.gflops.max, 100 * r.gflops.spread(), 100 * r.gflops.median / peak.median,
                r.max_err);
  return 0;
}

// ------------------------------------------------------------------------------------------------
// bench --model
struct ModelBenchOptions {
  std::string file;
  bool train = true;
  int batch = 32;
  int steps = 0;  // per timed run; 0: as many as fill about half a second
  int runs = 5;
  bool json = false;
};

bool read_text_file(const std::string& path, std::string* out) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[4096];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, got);
  if (f != stdin) std::fclose(f);
  return true;
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

int bench_model(const ModelBenchOptions& o) {
  std::string text;
  if (!read_text_file(o.file, &text)) {
    std::fprintf(stderr, "cnn-sandbox bench: cannot read the model file '%s' (%s); presets are in assets/presets/\n",
                 o.file.c_str(), std::strerror(errno));
    return 2;
  }
  cnn::Network net;
  std::string err;
  if (!cnn::network_build_from_text(&net, text, o.batch, &err)) {
    std::fprintf(stderr, "cnn-sandbox bench: %s: %s\n", o.file.c_str(), err.c_str());
    return 2;
  }
  cnn::network_init(&net, 1);
  const int B = o.batch;
  const int64_t in_size = net.out_shape(0).size(), out_size = net.out_size();
  std::vector<float> x(size_t(B * in_size));
  std::vector<int32_t> labels(static_cast<size_t>(B));
  cnn::Rng rng(7);
  for (float& v : x) v = rng.uniform();
  const uint32_t classes = net.loss == cnn::LossKind::binary_cross_entropy ? 2u : uint32_t(out_size);
  for (int32_t& l : labels) l = int32_t(rng.below(classes));
  const float lr = 0.01f;
  float last_loss = 0;
  auto step = [&] {
    if (o.train) {
      cnn::network_forward(&net, x.data(), B, true);
      last_loss = cnn::network_loss(&net, labels.data(), nullptr);
      cnn::network_zero_grad(&net);
      cnn::network_backward(&net, false);
      cnn::sgd_update(net.params.data(), net.grads.data(), int64_t(net.params.size()), lr, 0.0f);
    } else {
      cnn::network_forward(&net, x.data(), B, false);
    }
  };

  // Validate: one step with the reference kernels and one with the chosen kernels from the same
  // weights and state; compare the outputs, the loss and (training) the gradients.
  const cnn::KernelSet chosen = cnn::kernel_set();
  const std::vector<float> params0 = net.params;
  const std::vector<cnn::LayerState> state0 = net.state;
  const cnn::Rng drop0 = net.dropout_rng;
  auto restore = [&] {
    net.params = params0;
    net.state = state0;
    net.dropout_rng = drop0;
  };
  cnn::set_kernel_set(cnn::KernelSet::reference);
  step();
  const std::vector<float> out_ref(net.output(), net.output() + size_t(B * out_size));
  const std::vector<float> grads_ref = net.grads;
  const float loss_ref = last_loss;
  restore();
  cnn::set_kernel_set(chosen);
  step();
  const double err_out = rel_diff(net.output(), out_ref.data(), out_ref.size());
  const double err_grad = o.train ? rel_diff(net.grads.data(), grads_ref.data(), grads_ref.size()) : 0.0;
  const double err_loss = o.train ? std::fabs(double(last_loss) - loss_ref) / std::max(1e-12, std::fabs(double(loss_ref))) : 0.0;
  restore();
  const double tol = 1e-4;  // float sums in another order (and fused multiply-adds natively)
  if (!(err_out <= tol && err_grad <= tol && err_loss <= tol) || !std::isfinite(last_loss)) {
    std::fprintf(stderr, "cnn-sandbox bench: the %s kernels disagree with the reference on %s: relative error "
                 "output %.2e, loss %.2e, gradients %.2e (tolerance %.0e); not timing\n",
                 kernels_name(), o.file.c_str(), err_out, err_loss, err_grad, tol);
    return 1;
  }

  // Warm up (V8 tiers every kernel up only once it has been hot), then time.
  warm_up(step, 5, 1.0);
  int steps = o.steps;
  if (steps <= 0) {
    const double t0 = Clock::now();
    step();
    const double one = std::max(seconds_since(t0), 1e-6);
    steps = std::max(1, int(0.5 / one));
  }
  std::vector<double> rates;
  for (int r = 0; r < o.runs; ++r) {
    const double t0 = Clock::now();
    for (int i = 0; i < steps; ++i) step();
    rates.push_back(double(B) * steps / seconds_since(t0));
  }
  const Stats sps = stats_of(rates);
  const double macs = double(net.info.total_macs);
  const double flops_per_sample = 2.0 * macs * (o.train ? 3.0 : 1.0);
  const double gflops = sps.median * flops_per_sample * 1e-9;

  if (o.json) {
    nlohmann::json j;
    j["bench"] = "model";
    j["model"] = o.file;
    j["mode"] = o.train ? "train" : "infer";
    j["batch"] = B;
    j["steps_per_run"] = steps;
    j["runs"] = o.runs;
    j["isa"] = cnn::simd_isa_name();
    j["kernels"] = kernels_name();
    j["clock"] = g_cpu_clock ? "cpu" : "wall";
    j["samples_per_second"] = stats_json(sps);
    j["macs_per_sample"] = net.info.total_macs;
    j["effective_gflops"] = gflops;
    j["validation"] = {{"output", err_out}, {"loss", err_loss}, {"gradients", err_grad}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s, %s, batch %d, one thread: kernels %s (isa %s)\n", o.file.c_str(), o.train ? "training (forward, "
              "loss, backward, SGD)" : "inference", B, kernels_name(), cnn::simd_isa_name());
  std::printf("validated against the reference kernels: relative error output %.1e, loss %.1e, gradients %.1e\n",
              err_out, err_loss, err_grad);
  std::printf("samples/s: %.1f median of %d runs x %d steps (min %.1f, max %.1f, spread %.1f%%)\n", sps.median,
              o.runs, steps, sps.min, sps.max, 100 * sps.spread());
  std::printf("effective: %.2f GFLOP/s (%.2f MMAC per sample forward, x%d for training)\n", gflops, macs * 1e-6,
              o.train ? 3 : 1);
  return 0;
}

void bench_usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox bench --model FILE [--mode train|infer] [--batch 32] [--steps N] [options]\n"
               "       cnn-sandbox bench --gemm [--sizes 128,256,512,1024] [options]\n"
               "\n"
               "  --model FILE         samples per second of a model on random data (assets/presets/)\n"
               "  --mode train|infer   a training step (forward, loss, backward, SGD update) or a\n"
               "                       forward pass (default train)\n"
               "  --batch N            samples per step (default 32)\n"
               "  --steps N            steps per timed run (default: about half a second's worth)\n"
               "  --gemm               GFLOP/s of square sgemm beside the multiply-add peak\n"
               "  --sizes N,N,...      matrix sizes for --gemm (default 128,256,512,1024)\n"
               "  --runs R             timed runs, median reported (default 5 for --model, 7 for --gemm)\n"
               "  --kernels simd|reference   which kernels to run (default simd)\n"
               "  --clock wall|cpu     time with the wall clock (default) or this process's CPU time\n"
               "                       (steadier on a machine busy with other jobs)\n"
               "  --json               print JSON instead of a table\n");
}

bool parse_int(const char* s, int lo, int hi, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (!s[0] || *end || v < lo || v > hi) return false;
  *out = int(v);
  return true;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  bool gemm = false, json = false;
  int runs = 0;
  ModelBenchOptions mo;
  std::vector<int> sizes = {128, 256, 512, 1024};
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "cnn-sandbox bench: %s needs a value (see bench --help)\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    if (!std::strcmp(a, "-h") || !std::strcmp(a, "--help")) { bench_usage(stdout); return 0; }
    if (!std::strcmp(a, "--gemm")) { gemm = true; continue; }
    if (!std::strcmp(a, "--json")) { json = true; continue; }
    if (!std::strcmp(a, "--clock")) {
      const char* v = value(a);
      if (!v) return 2;
      if (!std::strcmp(v, "wall")) g_cpu_clock = false;
      else if (!std::strcmp(v, "cpu")) g_cpu_clock = true;
      else {
        std::fprintf(stderr, "cnn-sandbox bench: --clock '%s': expected wall or cpu\n", v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--runs")) {
      const char* v = value(a);
      if (!v) return 2;
      if (!parse_int(v, 1, 1000, &runs)) {
        std::fprintf(stderr, "cnn-sandbox bench: --runs '%s': expected a whole number from 1 to 1000\n", v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--model")) {
      const char* v = value(a);
      if (!v) return 2;
      mo.file = v;
      continue;
    }
    if (!std::strcmp(a, "--mode")) {
      const char* v = value(a);
      if (!v) return 2;
      if (!std::strcmp(v, "train")) mo.train = true;
      else if (!std::strcmp(v, "infer")) mo.train = false;
      else {
        std::fprintf(stderr, "cnn-sandbox bench: --mode '%s': expected train or infer\n", v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--batch") || !std::strcmp(a, "--steps")) {
      const char* v = value(a);
      if (!v) return 2;
      int* dst = a[2] == 'b' ? &mo.batch : &mo.steps;
      if (!parse_int(v, 1, 1000000, dst)) {
        std::fprintf(stderr, "cnn-sandbox bench: %s '%s': expected a whole number of at least 1\n", a, v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--kernels")) {
      const char* v = value(a);
      if (!v) return 2;
      if (!std::strcmp(v, "simd")) cnn::set_kernel_set(cnn::KernelSet::simd);
      else if (!std::strcmp(v, "reference")) cnn::set_kernel_set(cnn::KernelSet::reference);
      else {
        std::fprintf(stderr, "cnn-sandbox bench: --kernels '%s': expected simd or reference\n", v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--sizes")) {
      const char* v = value(a);
      if (!v) return 2;
      sizes.clear();
      std::string s(v);
      size_t pos = 0;
      while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        int n = 0;
        if (!parse_int(item.c_str(), 1, 8192, &n)) {
          std::fprintf(stderr, "cnn-sandbox bench: --sizes '%s': '%s' is not a size from 1 to 8192 (example: --sizes 128,256)\n",
                       v, item.c_str());
          return 2;
        }
        sizes.push_back(n);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      continue;
    }
    std::fprintf(stderr, "cnn-sandbox bench: unknown option '%s'\n\n", a);
    bench_usage(stderr);
    return 2;
  }
  if (gemm && !mo.file.empty()) {
    std::fprintf(stderr, "cnn-sandbox bench: --gemm and --model measure different things; give one of them\n");
    return 2;
  }
  if (gemm) return bench_gemm(sizes, runs ? runs : 7, json);
  if (!mo.file.empty()) {
    mo.runs = runs ? runs : 5;
    mo.json = json;
    return bench_model(mo);
  }
  std::fprintf(stderr, "cnn-sandbox bench: say what to measure: --model FILE or --gemm\n\n");
  bench_usage(stderr);
  return 2;
}
