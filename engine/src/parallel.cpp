// parallel.cpp: the pool behind parallel.h. Threads 1..N-1 wait for a new generation number, run
// their part of the body, and count down; the caller runs part 0, then waits for the count to reach
// zero. Waiting spins briefly (a layer's next call usually follows within microseconds) and then
// sleeps on a condition variable, so idle threads cost nothing on a shared machine.
#include "cnn/parallel.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include "cnn/kernels.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define CNN_NO_THREADS 1  // wasm without -pthread: no threads, everything on the calling thread
#endif

#if defined(__EMSCRIPTEN_PTHREADS__)
#include <emscripten.h>
#endif

#ifndef CNN_NO_THREADS
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace cnn {

namespace {

// Below this many multiply-adds a call stays on one thread: waking the pool and waiting for it costs
// some microseconds, the time of about this much work.
int64_t g_min_parallel_work = int64_t(1) << 18;

struct Scratch {
  float* data = nullptr;
  size_t capacity = 0;
  ~Scratch() { std::free(data); }
};
Scratch g_scratch[kMaxThreads];

void run_serially(ParallelBody body) { body(0, 1); }

}  // namespace

int64_t set_parallel_min_work(int64_t work) {
  const int64_t old = g_min_parallel_work;
  g_min_parallel_work = std::max<int64_t>(work, 0);
  return old;
}

float* thread_scratch(int t, size_t floats) {
  Scratch& s = g_scratch[t];
  if (floats > s.capacity) {
    std::free(s.data);
    s.data = nullptr;
    s.capacity = 0;
    const size_t bytes = (std::max<size_t>(floats, 1) * sizeof(float) + 63) & ~size_t(63);
    s.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!s.data) throw std::bad_alloc();
    s.capacity = floats;
  }
  return s.data;
}

Range split_range(int64_t count, int t, int nt, int64_t grain) {
  if (grain < 1) grain = 1;
  const int64_t units = (count + grain - 1) / grain;  // whole grains, the last may be partial
  const int64_t base = units / nt, extra = units % nt;
  const int64_t u0 = t * base + std::min<int64_t>(t, extra);
  const int64_t u1 = u0 + base + (t < extra ? 1 : 0);
  return Range{std::min(count, u0 * grain), std::min(count, u1 * grain)};
}

#ifdef CNN_NO_THREADS

int max_threads() { return 1; }
int set_num_threads(int) { return 1; }
int num_threads() { return 1; }
void parallel_run(int64_t, int64_t, ParallelBody body) { run_serially(body); }

#else

namespace {

class Pool {
 public:
  ~Pool() { resize(1); }

  int size() const { return int(workers_.size()) + 1; }

  void resize(int n) {
    if (n == size()) return;
    stop_workers();
    workers_.clear();
    stop_ = false;
    // A new thread waits for the generation after this one: read here, not when it starts, or a run
    // (or a stop) posted before it starts would go unseen.
    const uint64_t now = generation_.load(std::memory_order_acquire);
    for (int t = 1; t < n; ++t) workers_.emplace_back([this, t, now] { worker_loop(t, now); });
  }

  // Part t is run by thread t, or by the caller when thread t has not claimed it by the time the
  // caller is done with its own parts (on a busy machine a thread may wait long for a core). Parts
  // write disjoint results and compute the same whoever runs them, so this changes no bit.
  void run(int nt, ParallelBody body) {
    body_ = &body;
    parts_ = nt;
    error_part_ = nt;
    const uint64_t g = generation_.load(std::memory_order_relaxed) + 1;
    for (int t = nt; t < kMaxThreads; ++t) claimed_[t].store(g, std::memory_order_relaxed);  // no such part
    done_parts_.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(mu_);
      generation_.store(g, std::memory_order_release);
    }
    wake_.notify_all();
    t_in_body = true;
    for (int t = 0; t < nt; ++t)
      if (claim(t, g)) run_part(t);
    t_in_body = false;
    wait_done(nt);
    body_ = nullptr;
    rethrow_error();
  }

  static thread_local bool t_in_body;

 private:
  // True for the one thread that takes part t of generation g. A thread that wakes late, with an
  // older g, finds every part of it taken (the caller took what was left before returning).
  bool claim(int t, uint64_t g) {
    uint64_t prev = claimed_[t].load(std::memory_order_acquire);
    while (prev < g)
      if (claimed_[t].compare_exchange_weak(prev, g, std::memory_order_acq_rel)) return true;
    return false;
  }

  void run_part(int t) {
    const int nt = parts_;
    try {
      (*body_)(t, nt);
    } catch (...) { record_error(t); }
    if (done_parts_.fetch_add(1, std::memory_order_acq_rel) + 1 == nt) {
      std::lock_guard<std::mutex> lk(mu_);
      done_.notify_one();
    }
  }

  void worker_loop(int t, uint64_t seen) {
    t_in_body = true;
    for (;;) {
      uint64_t g = seen;
      spin_while([&] { return (g = generation_.load(std::memory_order_acquire)) == seen; });
      if (g == seen) {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      if (stop_) return;
      if (claim(t, g)) run_part(t);
    }
  }

  void wait_done(int nt) {
    spin_while([&] { return done_parts_.load(std::memory_order_acquire) != nt; });
    if (done_parts_.load(std::memory_order_acquire) != nt) {
      std::unique_lock<std::mutex> lk(mu_);
      done_.wait(lk, [&] { return done_parts_.load(std::memory_order_acquire) == nt; });
    }
  }

  // Called from a catch block. What is kept is the exception's kind and message, not a
  // std::exception_ptr: Emscripten 3.1.6's wasm exceptions rethrow one as an unknown exception.
  void record_error(int t) {
    std::string what = "unknown exception";
    bool bad_alloc = false;
    try {
      throw;
    } catch (const std::bad_alloc&) { bad_alloc = true; } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {}
    std::lock_guard<std::mutex> lk(error_mu_);
    if (t < error_part_) {
      error_part_ = t;
      error_bad_alloc_ = bad_alloc;
      error_what_ = what;
    }
  }
  void rethrow_error() {
    if (error_part_ >= parts_) return;
    if (error_bad_alloc_) throw std::bad_alloc();
    throw std::runtime_error(error_what_);
  }

  void stop_workers() {
    if (workers_.empty()) return;
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  // Spins while busy() holds, a while before sleeping: a pass's next call usually comes within some
  // microseconds. Natively 200 yields (system calls: tens of microseconds). In wasm a yield does
  // nothing and 200 of them spun for about a microsecond, so nearly every call paid a sleeping
  // thread's wake-up through Atomics.notify; there the spin is timed, 200 us. Measured under node, a
  // 2-thread pass after 75 us of serial work: over 16 K floats 10.7 us before, 2.6 after (4.9 on
  // one thread); over 64 K floats 21.2, 8.5 (19.8); over 256 K 46.1, 31.8 (78.3).
  template <class Busy>
  static void spin_while(Busy busy) {
#ifdef __EMSCRIPTEN__
    using clock = std::chrono::steady_clock;
    const clock::time_point end = clock::now() + std::chrono::microseconds(200);
    while (busy() && clock::now() < end) {}
#else
    for (int spin = 0; spin < 200 && busy(); ++spin) std::this_thread::yield();
#endif
  }
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> claimed_[kMaxThreads] = {};  // the last generation each part was taken in
  std::atomic<int> done_parts_{0};
  bool stop_ = false;
  const ParallelBody* body_ = nullptr;
  int parts_ = 1;
  std::mutex error_mu_;
  int error_part_ = 0;  // the lowest part that threw (parts_ when none)
  bool error_bad_alloc_ = false;
  std::string error_what_;
};

thread_local bool Pool::t_in_body = false;

int g_num_threads = 1;

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

#if defined(__EMSCRIPTEN_PTHREADS__)
// wasm: the pthread Workers the program was linked with (-sPTHREAD_POOL_SIZE, ours included once
// started) plus this thread. Another thread could start only after this one returned to the event
// loop, and parallel_run waits for its threads.
// clang-format off
EM_JS(int, cnn_wasm_thread_capacity, (), { return 1 + PThread.unusedWorkers.length + PThread.runningWorkers.length; });
// clang-format on
int max_threads() { return std::min(kMaxThreads, cnn_wasm_thread_capacity()); }
#else
int max_threads() { return kMaxThreads; }
#endif

int set_num_threads(int n) {
  n = std::clamp(n, 1, max_threads());
  if (Pool::t_in_body) return g_num_threads;  // not from inside a computation
  try {
    pool().resize(n);
  } catch (const std::exception&) {  // the system would not start more threads: keep those it did
    g_num_threads = 1;
    pool().resize(1);
    return 1;
  }
  g_num_threads = n;
  return n;
}

int num_threads() { return g_num_threads; }

void parallel_run(int64_t max_parts, int64_t work, ParallelBody body) {
  const int nt = int(std::min<int64_t>(g_num_threads, std::max<int64_t>(max_parts, 1)));
  if (nt <= 1 || work < g_min_parallel_work || Pool::t_in_body) return run_serially(body);
  pool().run(nt, body);
}

#endif  // CNN_NO_THREADS

// Measured as kElementWork's figures: a memset takes 0.07 ns a float (half an element's work), a
// memcpy 0.14 (one element: it reads one array and writes another, as relu forward does).
void parallel_zero(float* p, int64_t count) {
  parallel_for(count, kElementWork / 2,
               [&](int64_t b, int64_t e) { std::memset(p + b, 0, sizeof(float) * size_t(e - b)); });
}

void parallel_copy(float* dst, const float* src, int64_t count) {
  parallel_for(count, kElementWork,
               [&](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, sizeof(float) * size_t(e - b)); });
}

void sgemm_threads(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                   float beta, float* c, int ldc) {
  const GemmTile tile = gemm_tile();
  // Split the longer side of C, in whole register tiles where there are enough of them.
  const bool by_columns = n >= m;
  const int64_t len = by_columns ? n : m, grain = by_columns ? tile.nr : tile.mr;
  const int64_t parts = std::max<int64_t>(1, len / grain);
  parallel_run(parts, int64_t(m) * n * k, [&](int t, int nt) {
    const Range r = split_range(len, t, nt, grain);
    if (r.size() <= 0) return;
    const int i0 = int(r.begin), len_t = int(r.size());
    if (by_columns) {  // columns i0.. of C and of op(B)
      const float* bt = tb ? b + size_t(i0) * ldb : b + i0;
      sgemm(ta, tb, m, len_t, k, alpha, a, lda, bt, ldb, beta, c + i0, ldc);
    } else {  // rows i0.. of C and of op(A)
      const float* at = ta ? a + i0 : a + size_t(i0) * lda;
      sgemm(ta, tb, len_t, n, k, alpha, at, lda, b, ldb, beta, c + size_t(i0) * ldc, ldc);
    }
  });
}

}  // namespace cnn
