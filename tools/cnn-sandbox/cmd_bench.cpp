// cnn-sandbox bench: how fast the engine computes, natively or (the same arguments, the same output)
// as cnn-sandbox.js under node.
//
//   bench --gemm [--sizes 128,256,512,1024] [--runs 7] [--kernels simd|reference] [--json]
//   bench --model FILE [--mode train|infer] [--batch 32] [--steps N] [--runs 5] [--kernels ...] [--json]
//   bench --kernel NAME|all [--runs 7] [--json]
//
// The measurements themselves live in the engine (engine/src/bench.cpp), shared with the page's
// window.cnnSandbox.bench; this file parses arguments and prints.
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

#include <nlohmann/json.hpp>

#include "cnn/bench.h"
#include "cnn/kernels.h"
#include "cnn/parallel.h"
#include "commands.h"

namespace {

using cnn::BenchStats;

nlohmann::json stats_json(const BenchStats& s) {
  return {{"median", s.median}, {"min", s.min}, {"max", s.max}, {"spread", s.spread()}};
}

const char* kernels_name() { return cnn::kernel_set() == cnn::KernelSet::simd ? "simd" : "reference"; }

// ------------------------------------------------------------------------------------------------
// bench --gemm
int bench_gemm(const std::vector<int>& sizes, int runs, bool json) {
  const BenchStats peak = cnn::bench_madd_peak(runs);
  std::vector<cnn::GemmBenchPoint> results;
  std::string err;
  if (cnn::bench_gemm(sizes, runs, &results, &err) != 0) {
    std::fprintf(stderr, "bench --gemm: %s\n", err.c_str());
    return 1;
  }
  if (json) {
    nlohmann::json j;
    j["bench"] = "gemm";
    j["isa"] = cnn::simd_isa_name();
    j["kernels"] = kernels_name();
    j["clock"] = cnn::bench_cpu_clock() ? "cpu" : "wall";
    j["kernel"] = cnn::kernel_set() == cnn::KernelSet::simd ? cnn::gemm_kernel_name() : "sgemm_reference";
    j["peak_gflops"] = stats_json(peak);
    j["results"] = nlohmann::json::array();
    for (const cnn::GemmBenchPoint& r : results)
      j["results"].push_back({{"n", r.n},
                              {"gflops", stats_json(r.gflops)},
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
  for (const cnn::GemmBenchPoint& r : results)
    std::printf("  %4d   %8.2f          %6.2f..%-6.2f  %5.1f%%   %5.1f%%    %.2e\n", r.n, r.gflops.median, r.gflops.min,
                r.gflops.max, 100 * r.gflops.spread(), 100 * r.gflops.median / peak.median, r.max_err);
  return 0;
}

// ------------------------------------------------------------------------------------------------
// bench --kernel NAME|all
int bench_kernel(const std::string& name, int runs, bool json) {
  std::vector<cnn::KernelBenchResult> results;
  std::string err;
  const int rc = cnn::bench_kernels(name, runs, &results, &err);
  if (rc != 0) {
    std::fprintf(stderr, "cnn-sandbox bench --kernel: %s\n", err.c_str());
    return rc;
  }
  if (json) {
    nlohmann::json j;
    j["bench"] = "kernel";
    j["isa"] = cnn::simd_isa_name();
    j["clock"] = cnn::bench_cpu_clock() ? "cpu" : "wall";
    j["results"] = nlohmann::json::array();
    for (const cnn::KernelBenchResult& r : results)
      j["results"].push_back({{"kernel", r.name},
                              {"shape", r.shape},
                              {"simd_us", r.simd_us},
                              {"reference_us", r.reference_us},
                              {"speedup", r.reference_us / r.simd_us},
                              {"max_abs_diff", r.max_diff}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("single kernels, one thread, isa %s: median us per call (%d runs), SIMD vs scalar reference\n\n",
              cnn::simd_isa_name(), runs);
  std::printf("  %-20s %10s %12s %8s   %-9s  %s\n", "kernel", "simd us", "reference us", "speed-up", "max|diff|",
              "shape");
  for (const cnn::KernelBenchResult& r : results)
    std::printf("  %-20s %10.1f %12.1f %7.2fx   %-9.2g  %s\n", r.name.c_str(), r.simd_us, r.reference_us,
                r.reference_us / r.simd_us, r.max_diff, r.shape.c_str());
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
  std::vector<int> threads;  // --threads 1,2: side by side
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

int bench_model(const ModelBenchOptions& o) {
  cnn::ModelBenchConfig c;
  c.name = o.file;
  if (!read_text_file(o.file, &c.text)) {
    std::fprintf(stderr, "cnn-sandbox bench: cannot read the model file '%s' (%s); presets are in assets/presets/\n",
                 o.file.c_str(), std::strerror(errno));
    return 2;
  }
  c.train = o.train;
  c.batch = o.batch;
  c.steps = o.steps;
  c.runs = o.runs;
  c.threads = o.threads;
  cnn::ModelBenchResult r;
  std::string err;
  const int rc = cnn::bench_model(c, &r, &err);
  if (rc != 0) {
    std::fprintf(stderr, "cnn-sandbox bench: %s\n", err.c_str());
    return rc;
  }
  if (o.json) {
    nlohmann::json j;
    j["bench"] = "model";
    j["model"] = o.file;
    j["mode"] = o.train ? "train" : "infer";
    j["batch"] = o.batch;
    j["steps_per_run"] = r.steps_per_run;
    j["runs"] = o.runs;
    j["isa"] = cnn::simd_isa_name();
    j["kernels"] = kernels_name();
    j["clock"] = cnn::bench_cpu_clock() ? "cpu" : "wall";
    j["samples_per_second"] = stats_json(r.samples_per_second);
    j["macs_per_sample"] = r.macs_per_sample;
    j["effective_gflops"] = r.effective_gflops;
    j["validation"] = {{"output", r.err_output}, {"loss", r.err_loss}, {"gradients", r.err_gradients}};
    j["threads"] = nlohmann::json::array();
    for (const cnn::ThreadBench& t : r.by_threads)
      j["threads"].push_back({{"threads", t.threads},
                              {"threads_used", t.threads_used},
                              {"samples_per_second", stats_json(t.samples_per_second)},
                              {"speedup", stats_json(t.speedup)}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  const BenchStats& sps = r.samples_per_second;
  std::printf("%s, %s, batch %d, %d thread(s): kernels %s (isa %s)\n", o.file.c_str(),
              o.train ? "training (forward, "
                        "loss, backward, SGD)"
                      : "inference",
              o.batch, r.by_threads[0].threads_used, kernels_name(), cnn::simd_isa_name());
  std::printf("validated against the reference kernels: relative error output %.1e, loss %.1e, gradients %.1e\n",
              r.err_output, r.err_loss, r.err_gradients);
  std::printf("samples/s: %.1f median of %d runs x %d steps (min %.1f, max %.1f, spread %.1f%%)\n", sps.median, o.runs,
              r.steps_per_run, sps.min, sps.max, 100 * sps.spread());
  std::printf("effective: %.2f GFLOP/s (%.2f MMAC per sample forward, x%d for training)\n", r.effective_gflops,
              double(r.macs_per_sample) * 1e-6, o.train ? 3 : 1);
  if (r.by_threads.size() > 1) {
    std::printf("threads, timed in turn within each run (each count checked to give the first one's bits):\n");
    for (const cnn::ThreadBench& t : r.by_threads)
      std::printf(
          "  %2d thread(s)%s: %9.1f samples/s median (min %.1f, max %.1f); x%.2f the first count (median of "
          "per-run ratios, min %.2f, max %.2f)\n",
          t.threads_used, t.threads_used != t.threads ? " (no threads in this build)" : "", t.samples_per_second.median,
          t.samples_per_second.min, t.samples_per_second.max, t.speedup.median, t.speedup.min, t.speedup.max);
  }
  return 0;
}

void bench_usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox bench --model FILE [--mode train|infer] [--batch 32] [--steps N] [options]\n"
               "       cnn-sandbox bench --gemm [--sizes 128,256,512,1024] [options]\n"
               "       cnn-sandbox bench --kernel NAME|all [options]\n"
               "\n"
               "  --model FILE         samples per second of a model on random data (assets/presets/)\n"
               "  --mode train|infer   a training step (forward, loss, backward, SGD update) or a\n"
               "                       forward pass (default train)\n"
               "  --batch N            samples per step (default 32)\n"
               "  --steps N            steps per timed run (default: about half a second's worth)\n"
               "  --gemm               GFLOP/s of square sgemm beside the multiply-add peak\n"
               "  --sizes N,N,...      matrix sizes for --gemm (default 128,256,512,1024)\n"
               "  --kernel NAME|all    one kernel (or all) against its scalar reference at the shape a\n"
               "                       training step of the issue's nets gives it: gemm, gemm_dw,\n"
               "                       gemm_dx (conv forward, dW, dX products), im2col,\n"
               "                       col2im_add, maxpool2x2_forward, maxpool2x2_backward, relu_forward,\n"
               "                       relu_backward, softmax_xent, softmax_xent_1000, sgd_update,\n"
               "                       momentum_update, nesterov_update, adam_update\n"
               "  --runs R             timed runs, median reported (default 5 for --model, 7 for --gemm)\n"
               "  --kernels simd|reference   which kernels to run (default simd)\n"
               "  --threads N[,N...]   --model on N threads (default 1); several counts (e.g. 1,2) are timed\n"
               "                       in turn within each run and first checked to give the same bits\n"
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
  std::string kernel;
  int runs = 0;
  ModelBenchOptions mo;
  std::vector<int> sizes = {128, 256, 512, 1024};
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    auto value = [&] { return flag_value("bench", argc, argv, &i); };
    // A flag whose value is one of two words: *first tells which; false after a message when the
    // value is missing or neither.
    auto either = [&](const char* first_word, const char* second_word, bool* first) {
      const char* v = value();
      if (!v) return false;
      const bool is_first = !std::strcmp(v, first_word);
      if (!is_first && std::strcmp(v, second_word)) {
        std::fprintf(stderr, "cnn-sandbox bench: %s '%s': expected %s or %s\n", a, v, first_word, second_word);
        return false;
      }
      *first = is_first;
      return true;
    };
    if (!std::strcmp(a, "-h") || !std::strcmp(a, "--help")) {
      bench_usage(stdout);
      return 0;
    }
    if (!std::strcmp(a, "--gemm")) {
      gemm = true;
      continue;
    }
    if (!std::strcmp(a, "--json")) {
      json = true;
      continue;
    }
    if (!std::strcmp(a, "--clock")) {
      bool wall = true;
      if (!either("wall", "cpu", &wall)) return 2;
      cnn::bench_set_cpu_clock(!wall);
      continue;
    }
    if (!std::strcmp(a, "--runs")) {
      const char* v = value();
      if (!v) return 2;
      if (!parse_int(v, 1, 1000, &runs)) {
        std::fprintf(stderr, "cnn-sandbox bench: --runs '%s': expected a whole number from 1 to 1000\n", v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--kernel")) {
      const char* v = value();
      if (!v) return 2;
      kernel = v;
      continue;
    }
    if (!std::strcmp(a, "--model")) {
      const char* v = value();
      if (!v) return 2;
      mo.file = v;
      continue;
    }
    if (!std::strcmp(a, "--mode")) {
      if (!either("train", "infer", &mo.train)) return 2;
      continue;
    }
    if (!std::strcmp(a, "--batch") || !std::strcmp(a, "--steps")) {
      const char* v = value();
      if (!v) return 2;
      int* dst = a[2] == 'b' ? &mo.batch : &mo.steps;
      if (!parse_int(v, 1, 1000000, dst)) {
        std::fprintf(stderr, "cnn-sandbox bench: %s '%s': expected a whole number of at least 1\n", a, v);
        return 2;
      }
      continue;
    }
    if (!std::strcmp(a, "--kernels")) {
      bool simd = true;
      if (!either("simd", "reference", &simd)) return 2;
      cnn::set_kernel_set(simd ? cnn::KernelSet::simd : cnn::KernelSet::reference);
      continue;
    }
    if (!std::strcmp(a, "--threads")) {
      const char* v = value();
      if (!v) return 2;
      mo.threads.clear();
      const std::string s(v);
      for (size_t pos = 0;;) {
        const size_t comma = s.find(',', pos);
        const std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        int n = 0;
        if (!parse_int(item.c_str(), 1, cnn::kMaxThreads, &n)) {
          std::fprintf(stderr,
                       "cnn-sandbox bench: --threads '%s': '%s' is not a count from 1 to %d (example: --threads 1,2)\n",
                       v, item.c_str(), cnn::kMaxThreads);
          return 2;
        }
        mo.threads.push_back(n);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      continue;
    }
    if (!std::strcmp(a, "--sizes")) {
      const char* v = value();
      if (!v) return 2;
      sizes.clear();
      std::string s(v);
      size_t pos = 0;
      while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        int n = 0;
        if (!parse_int(item.c_str(), 1, 8192, &n)) {
          std::fprintf(
              stderr, "cnn-sandbox bench: --sizes '%s': '%s' is not a size from 1 to 8192 (example: --sizes 128,256)\n",
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
  if (int(gemm) + int(!mo.file.empty()) + int(!kernel.empty()) > 1) {
    std::fprintf(stderr,
                 "cnn-sandbox bench: --gemm, --model and --kernel measure different things; give one of them\n");
    return 2;
  }
  if (!kernel.empty()) return bench_kernel(kernel, runs ? runs : 7, json);
  if (gemm) return bench_gemm(sizes, runs ? runs : 7, json);
  if (!mo.file.empty()) {
    mo.runs = runs ? runs : 5;
    mo.json = json;
    return bench_model(mo);
  }
  std::fprintf(stderr, "cnn-sandbox bench: say what to measure: --model FILE, --gemm or --kernel NAME\n\n");
  bench_usage(stderr);
  return 2;
}
