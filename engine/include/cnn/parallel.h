// parallel.h: the engine's threads. One small pool of worker threads for the whole engine; the
// convolution and dense layers split each minibatch's GEMMs over it, and the element-wise passes of
// a training step (activations, pooling, zeroing the gradients, the optimizer's update, the
// trainer's checks and snapshot) split their arrays over it.
//
// Determinism. N threads give the same bits as one, for every N: work is split only where no sum
// crosses a split. The per-sample work of a batch (a convolution's forward and its input gradient)
// is split over samples; a GEMM is split over rows or columns of its result, never over the
// dimension it sums (every element of C sums its k products in the same blocks, whatever part of C
// a call computes); a weight gradient, summed over the batch's samples, is split over the weights
// (a thread owns some input channels or output maps of it and adds every sample into them in the
// batch's order, as one thread does); an element-wise pass is split over its elements (or a
// pooling's planes), each computed by the same code whoever computes it. So nothing depends on the
// number of threads, and one thread runs exactly the code the golden values of the tests were
// recorded with.
//
// The count is a run-time setting (default 1: the calling thread alone): `cnn-sandbox train
// --threads N`, `bench --threads N`, the page's worker when the page is cross-origin isolated. A
// build without threads (wasm without -pthread) always has one. The calling thread is thread 0 and
// works too; threads 1..N-1 wait in the pool between calls. Each extra thread keeps one im2col
// workspace of the largest convolution (what `thread_scratch` holds) and its own GEMM packing panels.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cnn {

constexpr int kMaxThreads = 16;

// The number of threads this build can run: kMaxThreads natively, 1 in a build without threads, in
// wasm with threads the pthread pool it was linked with (-sPTHREAD_POOL_SIZE) plus the caller.
int max_threads();
// Sets how many threads the engine computes with, clamped to 1..max_threads(); starts or stops pool
// threads as needed. Returns the count in effect. Call it between computations, not inside one.
int set_num_threads(int n);
int num_threads();

// A callable taking (int t, int nt): a reference to it, without std::function's allocation.
class ParallelBody {
 public:
  template <class F>
  ParallelBody(const F& f)
      : obj_(&f), call_([](const void* o, int t, int nt) { (*static_cast<const F*>(o))(t, nt); }) {}
  void operator()(int t, int nt) const { call_(obj_, t, nt); }

 private:
  const void* obj_;
  void (*call_)(const void*, int, int);
};

// Runs body(t, nt) for t = 0..nt-1 at the same time, body(0, nt) on the calling thread, and returns
// when all are done. nt = min(num_threads(), max_parts), or 1 when `work` (multiply-adds, or any
// count of similar cost) is too small to pay for waking the pool, or when called from inside a body
// (no nesting). A body must give the same result for any nt (split with split_range). An exception
// thrown by a body is rethrown here (the lowest t's) after every body has finished: std::bad_alloc
// as itself, any other as std::runtime_error with its what().
void parallel_run(int64_t max_parts, int64_t work, ParallelBody body);
// The `work` below which parallel_run stays on one thread (default 2^18 multiply-adds, some tens of
// microseconds of GEMM). Tests set 0 to run small shapes on every thread; returns the old value.
int64_t set_parallel_min_work(int64_t work);

// Part t of nt of the items [0, count): contiguous and in order; every boundary but the last is a
// multiple of `grain`, and the parts' counts of grains begun differ by at most one.
struct Range {
  int64_t begin, end;
  int64_t size() const { return end - begin; }
};
Range split_range(int64_t count, int t, int nt, int64_t grain = 1);

// --- element-wise passes over the threads ----------------------------------------------------------
// What one element of an element-wise pass (relu, pooling, an optimizer update, a copy) costs in
// the multiply-adds parallel_run's `work` counts. Such a pass streams memory: measured here (avx2,
// `cnn-sandbox bench --kernel ...` against `bench --gemm`), relu forward takes 0.12 ns an element,
// its backward 0.23, maxpool 0.17 an input value, Adam 0.74 a parameter, while the GEMM does a
// multiply-add in 0.024 ns. So an element of a simple pass is worth about 8 multiply-adds, and such a
// pass stays on one thread below 2^18 / 8 = 32 K elements (128 KB, a few microseconds): about what
// waking the pool costs. A costlier pass passes a multiple (Adam: 4).
constexpr int64_t kElementWork = 8;
// Parts of an element-wise pass are whole 64-byte cache lines of floats: no two threads write the
// same line, and a part starts as aligned as the array.
constexpr int64_t kElementGrain = 16;

// Runs f(begin, end) on parts of the items [0, count) (split_range in grains of `grain` items), one
// part per thread, or f(0, count) on the calling thread when count * item_work (multiply-adds, as
// parallel_run's work) is small. For passes where each item's result depends on that item alone:
// the bits are those of one thread for any split.
template <class F>
void parallel_for(int64_t count, int64_t item_work, const F& f, int64_t grain = kElementGrain) {
  if (count <= 0) return;
  parallel_run((count + grain - 1) / grain, count * item_work, [&](int t, int nt) {
    const Range r = split_range(count, t, nt, grain);
    if (r.size() > 0) f(r.begin, r.end);
  });
}
// memset to 0 and memcpy of `count` floats, split over the threads.
void parallel_zero(float* p, int64_t count);
void parallel_copy(float* dst, const float* src, int64_t count);

// Thread t's scratch of at least `floats` floats (t >= 1; thread 0 uses the caller's workspace),
// kept between calls, 64-byte aligned. Throws std::bad_alloc when memory runs out.
float* thread_scratch(int t, size_t floats);

// sgemm (kernels.h) with C split over the threads by rows or columns: bit-identical to sgemm.
void sgemm_threads(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                   float beta, float* c, int ldc);

}  // namespace cnn
