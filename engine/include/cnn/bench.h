// bench.h: the engine's timed benchmarks, shared by `cnn-sandbox bench` (natively and under node)
// and the page (window.cnnSandbox.bench in web/js_api_bench.cpp), so that the three report the same
// measurement. Every benchmark validates before it times (the chosen kernels against the scalar
// references), warms up before it measures (V8 runs a wasm function in its baseline tier first and
// tiers up only once it is hot), and reports the median of several runs with their spread.
//
//   cnn::ModelBenchConfig c;
//   c.text = "conv 6 k5 p2; relu; maxpool k2; dense 10; softmax";  // input 28x28x1 by default
//   cnn::ModelBenchResult r;
//   std::string err;
//   if (cnn::bench_model(c, &r, &err) == 0) printf("%.0f samples/s\n", r.samples_per_second.median);
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

struct BenchStats {
  double median = 0, min = 0, max = 0;
  double spread() const { return median > 0 ? (max - min) / median : 0; }  // (max - min) / median
};
BenchStats bench_stats_of(std::vector<double> v);

// The clock every benchmark uses: wall time (default) or this process's CPU time (steadier on a
// machine other jobs share; under node process.cpuUsage(), in a browser tab performance.now()).
void bench_set_cpu_clock(bool cpu);
bool bench_cpu_clock();
double bench_now_seconds();

// ---- a whole network: a training step (forward, loss, backward, SGD) or inference ---------------
struct ModelBenchConfig {
  std::string name;  // for messages ("lenet5")
  std::string text;  // the model, in the spec language
  bool train = true;
  int batch = 32;
  int steps = 0;  // per timed run; 0: about half a second's worth
  int runs = 5;
  // Thread counts to compare (parallel.h), e.g. {1, 2}: each run times every count in turn, side by
  // side, so that a busy machine slows them alike. Empty: the count in effect. Every count is first
  // checked to give the bits of the first one. Threads need the wall clock (CPU time adds up).
  std::vector<int> threads;
};
struct ThreadBench {
  int threads = 1;       // the count asked for
  int threads_used = 1;  // what the build gives (1 without threads)
  BenchStats samples_per_second;
  BenchStats speedup;  // per run: this count's rate over the first count's, same run
};
struct ModelBenchResult {
  BenchStats samples_per_second;  // the first thread count's
  std::vector<ThreadBench> by_threads;
  int steps_per_run = 0;
  int64_t macs_per_sample = 0;
  double effective_gflops = 0;                             // 2 * MACs * (3 for training) * samples/s
  double err_output = 0, err_loss = 0, err_gradients = 0;  // relative, vs the reference kernels
};
// 0: measured; 1: the kernels disagree with the reference (not timed); 2: the model is invalid.
// *err says why. Uses the run-time kernel set (set_kernel_set) as it finds it.
int bench_model(const ModelBenchConfig& c, ModelBenchResult* r, std::string* err);
// The result as one JSON object (the keys of `cnn-sandbox bench --json`).
std::string bench_model_json(const ModelBenchConfig& c, const ModelBenchResult& r);

// ---- GEMM and the multiply-add peak -------------------------------------------------------------
BenchStats bench_madd_peak(int runs);  // GFLOP/s of madd_peak_loop
struct GemmBenchPoint {
  int n = 0;
  BenchStats gflops;
  double max_err = 0;  // a few rows of C against sgemm_reference
};
// Square sgemm for each n; 0, or 1 (and *err) if a size disagrees with the reference.
int bench_gemm(const std::vector<int>& sizes, int runs, std::vector<GemmBenchPoint>* out, std::string* err);

// ---- single kernels: the SIMD kernel and its reference at a training step's shapes --------------
struct KernelBenchResult {
  std::string name, shape;
  double simd_us = 0, reference_us = 0;  // median microseconds per call
  double max_diff = 0;                   // largest |simd - reference| of the outputs (validation)
};
// The cases of every row of cnn/kernel_list.inc, in its order: gemm, gemm_dw, gemm_dx (a convolution's
// forward, filter-gradient and input-gradient products), im2col, col2im_add, maxpool2x2_forward,
// maxpool2x2_backward, relu_forward, relu_backward, softmax_xent, softmax_xent_1000, sgd_update,
// momentum_update, nesterov_update, adam_update.
const std::vector<std::string>& bench_kernel_names();
// A case name, a row of the list (sgemm: its three cases) or "all"; 0, or 2 (and *err) for an
// unknown name, 1 if a kernel fails validation.
int bench_kernels(const std::string& name, int runs, std::vector<KernelBenchResult>* out, std::string* err);

}  // namespace cnn
