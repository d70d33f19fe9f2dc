// cnn-sandbox train: trains a model text file on a named dataset with the engine's Trainer (the
// same code the page runs every frame), prints one line per epoch and ends with one JSON line.
// With --json, the per-epoch lines go to stderr so stdout holds only the JSON.
// Exit status: 0 trained, 2 bad arguments or input (message on stderr), 1 training stopped on a
// numerical fault (the JSON line is still printed, with "diverged": true and the message).
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/data.h"
#include "cnn/export.h"
#include "cnn/kernels.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/optim.h"
#include "cnn/parallel.h"
#include "cnn/spec.h"
#include "cnn/settings.h"
#include "cnn/train.h"
#include "cnn/url_state.h"
#include "commands.h"

namespace {

void train_usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox train --model FILE --data NAME [options]\n"
               "  Trains the model on the dataset (minibatch steps, one update each), evaluates on the test\n"
               "  split after every epoch and prints a final JSON line with test_accuracy, test_loss,\n"
               "  train_loss, epochs, seconds and samples_per_second.\n"
               "\n"
               "  --model FILE         model text (see assets/presets/), '-' for standard input\n"
               "  --data NAME          a generated set (spirals, circles, xor, blobs, shapes, bars, digits,\n"
               "                       bar-angle, blob-center), fashion-mnist or mnist (real digits)\n"
               "  --data-dir DIR       folder of the Fashion-MNIST IDX files (default: %s), or of\n"
               "                       mnist-10k.bin.gz for mnist (default: %s, where the build packs it)\n"
               "\n"
               "  The lab's settings, with the page's defaults (cnn/settings.inc), except that evaluation is\n"
               "  on the whole test split at each epoch's end unless --eval-every or --eval-samples is given:\n"
               "%s"
               "  (seed: weights, shuffling, generated data; eval-every 0: at each epoch's end; eval-samples\n"
               "  0: the whole test split; loss auto: the model's own, cross-entropy after softmax;\n"
               "  limit-train: train on the first N training samples, 0 = all; generated sets: generate N)\n"
               "\n"
               "  --micro-batch N      compute each step in slices of N samples (0 or the default -1: the whole\n"
               "                       batch, as the page's worker does; the same result up to float rounding)\n"
               "  --nesterov           Nesterov momentum\n"
               "  --augment            random shifts (and flips where the set allows them)\n"
               "  --limit-test N       use the first N test samples (generated sets: generate N)\n"
               "  --save FILE          write the trained weights (see below)\n"
               "  --save-model FILE    write a model file (.cnnmodel, as the page's Save model): model text,\n"
               "                       weights, the training split's normalization and the class names;\n"
               "                       `export --pytorch --model FILE` turns it into a script taking raw pixels\n"
               "  --json               per-epoch lines to stderr; stdout is the JSON line only\n"
               "  --kernels simd|reference   compute kernels (default simd: %s)\n"
               "  --threads N          compute each step on N threads (default 1; 1..%d): the same bits as one\n"
               "\n"
               "  --save writes the sandbox weights file (little-endian float32, layer by layer; see\n"
               "  engine/include/cnn/export.h), the file `cnn-sandbox export --pytorch --weights FILE`\n"
               "  and the exported PyTorch script read.\n",
               CNN_FASHION_MNIST_DIR, cnn::kMnistDefaultDir, cnn::settings_cli_help().c_str(), cnn::simd_isa_name(),
               cnn::max_threads());
}

int bad(const std::string& msg) {
  std::fprintf(stderr, "cnn-sandbox train: %s\n", msg.c_str());
  return 2;
}

bool parse_int(const char* s, long long lo, long long hi, long long* out) {
  if (!s || !*s) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (errno || *end != 0 || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool read_text(const std::string& path, std::string* out, std::string* err) {
  if (path == "-") {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) out->append(buf, n);
    return true;
  }
  std::vector<uint8_t> bytes;
  if (!cnn::read_file_bytes(path, &bytes, err, size_t(16) << 20)) return false;
  out->assign(bytes.begin(), bytes.end());
  return true;
}

// A float32 as the shortest decimal that reads back as the same float (0.001, not 0.0010000000474974513).
double f32(float f) {
  char buf[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(f));
    if (std::strtof(buf, nullptr) == f) break;
  }
  return std::strtod(buf, nullptr);
}

}  // namespace

int cmd_train(int argc, char** argv) {
  std::string model_path, data_name, data_dir, save_path, save_model_path;
  cnn::Settings settings;  // the lab's defaults (cnn/settings.inc)
  // The command line reports final numbers: evaluate the whole test split at each epoch's end
  // unless told otherwise.
  settings.eval_every = 0;
  settings.eval_samples = 0;
  int micro_batch = -1;
  bool nesterov = false, augment = false;
  long long limit_test = 0;
  bool json_only = false;
  cnn::KernelSet kernels = cnn::KernelSet::simd;
  int threads = 1;

  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char** out) -> bool {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    const char* v = nullptr;
    long long n = 0;
    if (a == "-h" || a == "--help") {
      train_usage(stdout);
      return 0;
    } else if (a == "--json") json_only = true;
    else if (a == "--nesterov") nesterov = true;
    else if (a == "--augment") augment = true;
    else if (const int k = cnn::setting_find_cli_flag(a); k >= 0) {  // a setting (cnn/settings.inc)
      const cnn::SettingInfo& in = cnn::setting_info(k);
      if (!value(&v)) return bad(a + " needs a value: " + in.label);
      std::string why;
      if (!cnn::setting_parse(k, v, &settings, &why)) return bad(a + " (" + in.label + "): " + why);
    } else if (a == "--model" || a == "--data" || a == "--data-dir" || a == "--save" || a == "--save-model") {
      if (!value(&v)) return bad(a + " needs a value");
      (a == "--model"      ? model_path
       : a == "--data"     ? data_name
       : a == "--data-dir" ? data_dir
       : a == "--save"     ? save_path
                           : save_model_path) = v;
    } else if (a == "--limit-test" || a == "--micro-batch") {
      if (!value(&v)) return bad(a + " needs a whole number");
      const long long lo = a == "--micro-batch" ? -1 : 0, hi = 100000000;
      if (!parse_int(v, lo, hi, &n))
        return bad(a + ": '" + v + "' is not a whole number in " + std::to_string(lo) + ".." + std::to_string(hi));
      if (a == "--limit-test") limit_test = n;
      else micro_batch = int(n);
    } else if (a == "--threads") {
      if (!value(&v)) return bad("--threads needs a whole number");
      if (!parse_int(v, 1, cnn::kMaxThreads, &n))
        return bad("--threads: '" + std::string(v) + "' is not a whole number in 1.." +
                   std::to_string(cnn::kMaxThreads));
      threads = int(n);
    } else if (a == "--kernels") {
      if (!value(&v)) return bad("--kernels needs simd or reference");
      if (!std::strcmp(v, "simd")) kernels = cnn::KernelSet::simd;
      else if (!std::strcmp(v, "reference")) kernels = cnn::KernelSet::reference;
      else return bad(std::string("--kernels: '") + v + "' is not simd or reference");
    } else {
      return bad("unknown option '" + a + "' (see: cnn-sandbox train --help)");
    }
  }
  if (model_path.empty()) return bad("--model FILE is required (for example assets/presets/lenet5.txt)");
  if (data_name.empty()) return bad("--data NAME is required (for example digits, mnist or fashion-mnist)");
  cnn::TrainConfig cfg = cnn::train_config_from_settings(settings);
  cfg.micro_batch = micro_batch;
  cfg.nesterov = nesterov;
  cfg.augment = augment;
  std::string err;
  if (!cnn::train_config_check(cfg, &err)) return bad(err);
  cnn::set_kernel_set(kernels);
  if (cnn::set_num_threads(threads) != threads)
    std::fprintf(stderr, "cnn-sandbox train: this build has no threads (wasm without -pthread): computing on one\n");

  // Model.
  std::string text;
  if (!read_text(model_path, &text, &err)) return bad(err);
  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError serr;
  if (!cnn::parse_and_analyze(text, &spec, &info, &serr)) return bad(model_path + ": " + serr.to_string());

  // Data.
  cnn::DataOptions dopt;
  dopt.seed = cfg.seed;
  dopt.data_dir = data_dir;
  bool needs_files = false;
  bool known = false;
  for (const cnn::DatasetInfo& di : cnn::dataset_list())
    if (di.name == data_name) {
      known = true;
      needs_files = di.needs_files;
    }
  if (known && !needs_files) {
    dopt.n_train = settings.limit_train;
    dopt.n_test = int(limit_test);
  } else {
    dopt.limit_train = settings.limit_train;
    dopt.limit_test = int(limit_test);
  }
  const double t_load = cnn::now_ms();
  cnn::Dataset data;
  if (!cnn::dataset_make(data_name, dopt, &data, &err)) return bad(err);
  FILE* progress = json_only ? stderr : stdout;
  std::fprintf(progress, "data %s: %lld train, %lld test samples of %dx%dx%d (%.1f s to load)\n", data.name.c_str(),
               (long long)data.n_train(), (long long)data.n_test(), data.shape.h, data.shape.w, data.shape.c,
               (cnn::now_ms() - t_load) / 1000.0);

  cnn::Network net;
  if (!cnn::network_build(&net, spec, cfg.batch, &err)) return bad(model_path + ": " + err);
  if (settings.loss >= 0 && !cnn::network_set_loss(&net, cnn::LossKind(settings.loss), &err))
    return bad("--loss: " + err);
  cnn::Trainer tr;
  if (!cnn::trainer_setup(&tr, &net, &data, cfg, &err)) return bad(err);
  std::fprintf(progress,
               "model %s: %lld parameters; %s, lr %g, batch %d (slices of %d), %d epochs of %lld steps; kernels %s\n",
               model_path.c_str(), (long long)net.params.size(), cnn::optimizer_name(cfg.optimizer), double(cfg.lr),
               cfg.batch, tr.micro, cfg.epochs, (long long)tr.steps_per_epoch,
               kernels == cnn::KernelSet::simd ? cnn::simd_isa_name() : "reference");
  std::fflush(progress);

  // Train, one epoch at a time, printing each evaluation point as it appears.
  const double t0 = cnn::now_ms();
  const std::clock_t cpu0 = std::clock();
  size_t printed = 0;
  while (!tr.finished && tr.fault == cnn::FaultKind::none) {
    if (cnn::trainer_step(&tr, 1) == 0) break;
    const cnn::TrainHistory& h = tr.history;
    while (printed < h.test_loss.size()) {
      std::string acc;
      if (!h.test_acc.empty()) {
        char b[96];
        std::snprintf(b, sizeof b, " acc %.4f", double(h.train_acc[printed]));
        acc = b;
      }
      std::fprintf(progress, "epoch %d/%d  train loss %.4g%s  test loss %.4g", int(h.eval_epoch[printed] + 0.5),
                   cfg.epochs, double(h.train_loss[printed]), acc.c_str(), double(h.test_loss[printed]));
      if (!h.test_acc.empty()) std::fprintf(progress, " acc %.4f", double(h.test_acc[printed]));
      std::fprintf(progress, "  %.1f s  %.0f samples/s\n", (cnn::now_ms() - t0) / 1000.0, tr.samples_per_second);
      std::fflush(progress);
      ++printed;
    }
  }
  const double seconds = (cnn::now_ms() - t0) / 1000.0;
  const bool diverged = tr.fault != cnn::FaultKind::none;
  if (diverged) std::fprintf(stderr, "cnn-sandbox train: %s\n", tr.message.c_str());

  using nlohmann::json;
  json j;
  const cnn::TrainHistory& h = tr.history;
  const cnn::EvalResult& e = tr.last_eval;
  j["model"] = model_path;
  j["data"] = data.name;
  j["n_train"] = data.n_train();
  j["n_test"] = data.n_test();
  j["optimizer"] = cnn::optimizer_name(cfg.optimizer);
  j["lr"] = f32(cfg.lr);
  j["batch"] = cfg.batch;
  j["micro_batch"] = tr.micro;
  j["seed"] = cfg.seed;
  j["kernels"] = kernels == cnn::KernelSet::simd ? cnn::simd_isa_name() : "reference";
  j["epochs"] = tr.epoch;
  j["steps"] = tr.step;
  j["test_loss"] = e.n > 0 ? json(f32(e.loss)) : json(nullptr);
  if (e.classification) j["test_accuracy"] = e.n > 0 ? json(f32(e.accuracy)) : json(nullptr);
  j["train_loss"] = h.train_loss.empty() ? json(nullptr) : json(f32(h.train_loss.back()));
  if (e.classification && !h.train_acc.empty()) j["train_accuracy"] = f32(h.train_acc.back());
  j["final_step_loss"] = h.loss.empty() ? json(nullptr) : json(f32(h.loss.back()));
  j["seconds"] = seconds;
  // Processor time of this process: on a shared machine the wall clock also counts other jobs.
  j["cpu_seconds"] = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  j["train_seconds"] = tr.train_ms / 1000.0;
  j["samples_per_second"] = tr.samples_per_second;
  j["diverged"] = diverged;
  if (diverged) j["message"] = tr.message;

  if (!save_path.empty()) {
    if (!cnn::write_sandbox_weights_file(net, save_path, &err)) {
      std::printf("%s\n", j.dump().c_str());
      return bad(err);
    }
    j["saved"] = save_path;
  }
  if (!save_model_path.empty()) {
    std::string t = text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    // The settings block as a page's model file has it: the dataset and every setting.
    cnn::UrlState u;
    u.has_data = true;
    u.data = data.name;
    u.set_all(settings);
    // the command line's evaluation cadence is its own (see --help): the page keeps its own
    u.given &= ~((1u << int(cnn::SettingId::eval_every)) | (1u << int(cnn::SettingId::eval_samples)));
    const std::string bytes = cnn::model_file_from_network(net, t, cnn::url_state_encode(u),
                                                           cnn::data_notes_from_dataset(data));
    FILE* f = std::fopen(save_model_path.c_str(), "wb");
    const bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (f && std::fclose(f) != 0) f = nullptr;
    if (!ok || !f) {
      std::printf("%s\n", j.dump().c_str());
      return bad("cannot write model file '" + save_model_path + "'");
    }
    j["saved_model"] = save_model_path;
  }
  std::printf("%s\n", j.dump().c_str());
  return diverged ? 1 : 0;
}
