// endurance: trains a tiny model for many steps (100,000 by default) the way the page does, through
// cnn::Trainer, and samples the process's resident memory as it goes, to show whether memory stays
// flat. Not part of the test suite (it runs for minutes); fuzz/endurance.sh builds and runs it.
//
//   endurance [--model mlp|cnn] [--steps N] [--samples K] [--batch B]
//
// Prints one line per sample: steps, VmRSS (kB, from /proc/self/status; in wasm under node, the
// bytes malloc has in use), the bytes the trainer's
// history vectors hold (they grow by design, 3 floats per step), and the last smoothed loss; then
// RSS growth over the run with and without the history's share.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/train.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#include <malloc.h>
#endif

namespace {

#ifdef __EMSCRIPTEN__
// In wasm there is no /proc: report the bytes malloc has handed out and not taken back (dlmalloc's
// mallinfo), the wasm counterpart of a resident set; the heap size (which only grows) goes to stderr.
const char* kMemName = "heap_used_kB";
long rss_kb() { return long(mallinfo().uordblks / 1024); }
#else
const char* kMemName = "rss_kB";
// Resident set size in kB, or -1 where /proc is not available (macOS).
long rss_kb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (!std::strncmp(line, "VmRSS:", 6)) {
      kb = std::strtol(line + 6, nullptr, 10);
      break;
    }
  std::fclose(f);
  return kb;
}
#endif

template <class V>
size_t cap_bytes(const V& v) {
  return v.capacity() * sizeof(typename V::value_type);
}

size_t history_bytes(const cnn::TrainHistory& h) {
  return cap_bytes(h.loss) + cap_bytes(h.loss_smooth) + cap_bytes(h.lr) + cap_bytes(h.eval_step) +
         cap_bytes(h.eval_epoch) + cap_bytes(h.train_loss) + cap_bytes(h.train_acc) + cap_bytes(h.test_loss) +
         cap_bytes(h.test_acc) + cap_bytes(h.test_error);
}

int usage() {
  std::fprintf(stderr,
               "usage: endurance [--model mlp|cnn] [--steps N] [--samples K] [--batch B]\n"
               "  mlp: 2-16-16-2 on spirals (default); cnn: a small CNN on 28x28 bars\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model = "mlp";
  long long steps = 100000;
  int samples = 20, batch = 8;
  for (int i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    if (!std::strcmp(argv[i], "--model") && more) model = argv[++i];
    else if (!std::strcmp(argv[i], "--steps") && more) steps = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--samples") && more) samples = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--batch") && more) batch = std::atoi(argv[++i]);
    else return usage();
  }
  if (steps < 1 || samples < 1 || batch < 1 || (model != "mlp" && model != "cnn")) return usage();

  const char* text = model == "mlp"
                         ? "input 1x1x2\ndense 16\nrelu\ndense 16\nrelu\ndense 2\nsoftmax\n"
                         : "input 28x28x1\nconv 4 k5 s2\nrelu\nmaxpool k2\nconv 8 k3\nrelu\ngap\ndense 4\nsoftmax\n";
  const char* set = model == "mlp" ? "spirals" : "bars";
  std::string err;
  cnn::Dataset data;
  cnn::DataOptions opt;
  if (model == "cnn") {
    opt.n_train = 1000;
    opt.n_test = 200;
  }
  if (!cnn::dataset_make(set, opt, &data, &err)) {
    std::fprintf(stderr, "endurance: %s\n", err.c_str());
    return 1;
  }
  cnn::Network net;
  if (!cnn::network_build_from_text(&net, text, batch, &err)) {
    std::fprintf(stderr, "endurance: %s\n", err.c_str());
    return 1;
  }
  cnn::Trainer tr;
  cnn::TrainConfig cfg;
  cfg.optimizer = cnn::OptimizerKind::adam;
  cfg.lr = 0.003f;
  cfg.batch = batch;
  cfg.eval_limit = 200;
  // Enough epochs for `steps` steps; an evaluation about every 1,000 steps, as the page might.
  const long long per_epoch = (data.n_train() + batch - 1) / batch;
  cfg.epochs = int((steps + per_epoch - 1) / per_epoch);
  cfg.eval_every = 1000;
  if (!cnn::trainer_setup(&tr, &net, &data, cfg, &err)) {
    std::fprintf(stderr, "endurance: %s\n", err.c_str());
    return 1;
  }

  std::printf("endurance: %s on %s, batch %d, %lld steps (%d epochs of %lld), adam lr %g\n", model.c_str(), set, batch,
              steps, cfg.epochs, per_epoch, double(cfg.lr));
  std::printf("%10s %12s %12s %10s %10s\n", "steps", kMemName, "history_B", "loss_ema", "ms");
  const double t0 = cnn::now_ms();
  long rss_first = -1, rss_last = -1;
  size_t hist_first = 0, hist_last = 0;
  long long done = 0;
  for (int s = 0; s <= samples; ++s) {
    const long long target = steps * s / samples;
    while (done < target) {
      const int n = int(target - done < 1000 ? target - done : 1000);
      const int took = cnn::trainer_step(&tr, n);
      done += took;
      if (took < n) {
        std::fprintf(stderr, "endurance: training stopped at step %lld: %s\n", done, tr.message.c_str());
        return 1;
      }
    }
    const long rss = rss_kb();
    const size_t hist = history_bytes(tr.history);
    if (s == 1) {
      rss_first = rss;
      hist_first = hist;
    }  // after the first interval: warm caches
    rss_last = rss;
    hist_last = hist;
    std::printf("%10lld %12ld %12zu %10.4f %10.0f\n", done, rss, hist,
                tr.history.loss_smooth.empty() ? 0.0 : double(tr.history.loss_smooth.back()), cnn::now_ms() - t0);
    std::fflush(stdout);
  }
  const long grow = rss_last - rss_first;
  const long hist_grow_kb = long((hist_last - hist_first) / 1024);
#ifdef __EMSCRIPTEN__
  std::fprintf(stderr, "wasm heap size at the end: %zu kB\n", emscripten_get_heap_size() / 1024);
#endif
  std::printf(
      "%s growth after the first interval: %ld kB, of which the history vectors: %ld kB; "
      "other growth: %ld kB\n",
      kMemName, grow, hist_grow_kb, grow - hist_grow_kb);
  if (tr.last_eval.n) std::printf("last test accuracy: %.3f\n", double(tr.last_eval.accuracy));
  return 0;
}
