// cnn-sandbox export --dump --model FILE --out PREFIX [--batch N] [--seed S] [--steps T] [--weights W]
// Our side of the PyTorch cross-check (tests/pytorch/crosscheck.py): runs the engine on a seeded
// random batch and writes every number PyTorch must reproduce. Hidden from the main help: it is
// a test instrument, not a learner's command. It runs the same natively and under node, so the
// same check referees the native and the wasm engine.
//
// Writes PREFIX.json (metadata and a table of sections) and PREFIX.bin (the sections, raw
// little-endian), and PREFIX.weights.bin (the initial weights as a sandbox weights file, for
// `export --pytorch --weights`). Sections:
//   x [n*C*H*W] f32, labels_ce / labels_bce [n] i32, targets [n*k] f32, weights0 (weights file),
//   y_eval (inference forward), y_train (training forward), mask_train_L<i> (dropout layer i's
//   kept units, u8), weights_after_forward (running statistics moved by the training forward),
//   for each loss that applies (ce, bce, quadratic): grads_<loss> (per layer dw then db, the
//   weights file's order without running statistics) and dx_<loss> (gradient w.r.t. the input),
//   for each optimizer run (momentum, adam; with --extra-optimizers also nesterov-wd, adam-wd):
//   mask_<run>_<t>_L<i> per step and weights_<run> after T steps on the same batch with the
//   model's default loss.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/export.h"
#include "cnn/net.h"
#include "cnn/optim.h"
#include "cnn/rng.h"
#include "cnn/spec.h"

namespace {

struct Dump {
  nlohmann::json sections = nlohmann::json::object();
  std::vector<uint8_t> bin;
  void add(const std::string& name, const void* p, int64_t count, int elem, const char* dtype) {
    // 4-byte alignment so a reader can view the bytes as float32 directly.
    while (bin.size() % 4) bin.push_back(0);
    sections[name] = {{"offset", bin.size()}, {"count", count}, {"dtype", dtype}};
    const uint8_t* b = static_cast<const uint8_t*>(p);
    bin.insert(bin.end(), b, b + count * elem);
  }
  void f32(const std::string& name, const float* p, int64_t n) { add(name, p, n, 4, "f32"); }
  void f32(const std::string& name, const std::vector<float>& v) { f32(name, v.data(), int64_t(v.size())); }
  void i32(const std::string& name, const std::vector<int32_t>& v) { add(name, v.data(), int64_t(v.size()), 4, "i32"); }
  void u8(const std::string& name, const uint8_t* p, int64_t n) { add(name, p, n, 1, "u8"); }
};

bool write_file(const std::string& path, const void* p, size_t n) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(p, 1, n, f) == n;
  return std::fclose(f) == 0 && ok;
}

// The gradient arena in the weights file's order (per layer dw then db).
std::vector<float> grads_in_order(const cnn::Network& net) {
  std::vector<float> g;
  for (const cnn::LayerParams& p : net.layer_params) {
    g.insert(g.end(), p.dw, p.dw + p.nw);
    if (p.nb) g.insert(g.end(), p.db, p.db + p.nb);
  }
  return g;
}

void dump_masks(Dump* d, const cnn::Network& net, const std::string& prefix) {
  for (int i = 0; i < net.num_layers(); ++i)
    if (net.spec.layers[i].kind == cnn::LayerKind::dropout)
      d->u8(prefix + "_L" + std::to_string(i), net.state[i].keep.data(),
            int64_t(net.batch) * net.info.layers[i].in.size());
}

}  // namespace

int cmd_export_dump(int argc, char** argv) {
  const char *model_path = nullptr, *out = nullptr, *weights = nullptr;
  int batch = 3, steps = 10;
  bool extra = false;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    const bool has = i + 1 < argc;
    if (!std::strcmp(a, "--model") && has) model_path = argv[++i];
    else if (!std::strcmp(a, "--out") && has) out = argv[++i];
    else if (!std::strcmp(a, "--weights") && has) weights = argv[++i];
    else if (!std::strcmp(a, "--extra-optimizers")) extra = true;
    else if (!std::strcmp(a, "--batch") && has) batch = std::atoi(argv[++i]);
    else if (!std::strcmp(a, "--steps") && has) steps = std::atoi(argv[++i]);
    else if (!std::strcmp(a, "--seed") && has) seed = std::strtoull(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr,
                   "cnn-sandbox export --dump: unknown option or missing value '%s'\n"
                   "usage: cnn-sandbox export --dump --model FILE --out PREFIX [--batch N] [--seed S] [--steps T]\n"
                   "       [--weights FILE]  (trained weights instead of the seeded initialization)\n"
                   "       [--extra-optimizers]  (also Nesterov momentum and both with weight decay)\n",
                   a);
      return 2;
    }
  }
  if (!model_path || !out || batch < 1 || batch > 4096 || steps < 0 || steps > 1000) {
    std::fprintf(
        stderr, "cnn-sandbox export --dump: needs --model FILE --out PREFIX, 1 <= batch <= 4096, 0 <= steps <= 1000\n");
    return 2;
  }
  std::string text;
  {
    FILE* f = std::fopen(model_path, "rb");
    if (!f) {
      std::fprintf(stderr, "cnn-sandbox export --dump: cannot open '%s': %s\n", model_path, std::strerror(errno));
      return 2;
    }
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  cnn::Network net;
  std::string err;
  if (!cnn::network_build_from_text(&net, text, batch, &err)) {
    std::fprintf(stderr, "cnn-sandbox export --dump: %s: %s\n", model_path, err.c_str());
    return 2;
  }
  cnn::network_init(&net, seed);
  if (weights && !cnn::read_sandbox_weights_file(&net, weights, &err)) {
    std::fprintf(stderr, "cnn-sandbox export --dump: %s\n", err.c_str());
    return 2;
  }

  const int n = batch;
  const int64_t in_size = net.info.input.size(), k = net.out_size();
  cnn::Rng rng(seed * 7919 + 17);
  std::vector<float> x(size_t(n * in_size)), targets(size_t(n * k));
  std::vector<int32_t> labels_ce(static_cast<size_t>(n)), labels_bce(static_cast<size_t>(n));
  for (float& v : x) v = rng.uniform(-1.0f, 1.0f);
  for (int i = 0; i < n; ++i) labels_ce[i] = int32_t(rng.below(uint32_t(k)));
  for (int i = 0; i < n; ++i) labels_bce[i] = int32_t(rng.below(2));
  for (float& v : targets) v = rng.uniform();

  Dump d;
  nlohmann::json meta;
  meta["n"] = n;
  meta["input"] = {net.info.input.c, net.info.input.h, net.info.input.w};
  meta["outputs"] = k;
  meta["seed"] = seed;
  meta["params"] = net.params.size();
  meta["default_loss"] = cnn::loss_kind_name(net.loss);
  d.f32("x", x);
  d.i32("labels_ce", labels_ce);
  d.i32("labels_bce", labels_bce);
  d.f32("targets", targets);
  const std::vector<float> w0 = cnn::sandbox_weights(net);
  d.f32("weights0", w0);

  // Forward passes: inference, then training (dropout masks, batch statistics).
  d.f32("y_eval", cnn::network_forward(&net, x.data(), n, false), n * k);
  d.f32("y_train", cnn::network_forward(&net, x.data(), n, true), n * k);
  dump_masks(&d, net, "mask_train");
  d.f32("weights_after_forward", cnn::sandbox_weights(net));

  // Losses and gradients on that one training forward.
  const cnn::LossKind default_loss = net.loss;
  struct LossCase {
    const char* name;
    cnn::LossKind kind;
    const int32_t* labels;
    const float* targets;
  };
  const LossCase cases[] = {
      {"ce", cnn::LossKind::cross_entropy, labels_ce.data(), nullptr},
      {"bce", cnn::LossKind::binary_cross_entropy, labels_bce.data(), nullptr},
      {"quadratic", cnn::LossKind::quadratic, nullptr, targets.data()},
  };
  nlohmann::json losses = nlohmann::json::object();
  for (const LossCase& c : cases) {
    std::string why;
    if (!cnn::network_set_loss(&net, c.kind, &why)) continue;  // does not apply to this model
    const float loss = cnn::network_loss(&net, c.labels, c.targets);
    cnn::network_zero_grad(&net);
    cnn::network_backward(&net, true);
    losses[c.name] = loss;
    d.f32(std::string("grads_") + c.name, grads_in_order(net));
    d.f32(std::string("dx_") + c.name, net.dacts[0].data(), n * in_size);
  }
  meta["losses"] = losses;

  // Ten (steps) optimizer updates on the same batch, from the same start, with the default loss.
  cnn::network_set_loss(&net, default_loss, &err);
  const int32_t* step_labels = default_loss == cnn::LossKind::cross_entropy          ? labels_ce.data()
                               : default_loss == cnn::LossKind::binary_cross_entropy ? labels_bce.data()
                                                                                     : nullptr;
  const float* step_targets = default_loss == cnn::LossKind::quadratic ? targets.data() : nullptr;
  nlohmann::json optim = nlohmann::json::object();
  // The two the issue names, then (with --extra-optimizers) Nesterov momentum and both with L2
  // weight decay, PyTorch's `nesterov=True` and `weight_decay`.
  struct Run {
    const char* name;
    cnn::OptimizerKind kind;
    bool nesterov;
    float weight_decay;
  };
  std::vector<Run> runs = {{"momentum", cnn::OptimizerKind::momentum, false, 0.0f},
                           {"adam", cnn::OptimizerKind::adam, false, 0.0f}};
  if (extra) {
    runs.push_back({"nesterov-wd", cnn::OptimizerKind::momentum, true, 0.01f});
    runs.push_back({"adam-wd", cnn::OptimizerKind::adam, false, 0.01f});
  }
  for (const Run& run : runs) {
    cnn::OptimConfig cfg;
    cfg.kind = run.kind;
    cfg.nesterov = run.nesterov;
    cfg.weight_decay = run.weight_decay;
    cfg.lr = 1e-3f;  // a rate at which ten steps on one batch descend smoothly (at 1e-2 the
                     // Wide preset oscillates, and any rounding difference grows chaotically)
    cfg.momentum = 0.9f;
    if (!cnn::load_sandbox_weights(&net, w0.data(), int64_t(w0.size()), &err)) {
      std::fprintf(stderr, "cnn-sandbox export --dump: %s\n", err.c_str());
      return 1;
    }
    cnn::Optimizer o;
    cnn::optimizer_init(&o, cfg, int64_t(net.params.size()));
    const std::string name = run.name;
    nlohmann::json step_losses = nlohmann::json::array();
    for (int t = 0; t < steps; ++t) {
      cnn::network_forward(&net, x.data(), n, true);
      dump_masks(&d, net, "mask_" + name + "_" + std::to_string(t));
      step_losses.push_back(cnn::network_loss(&net, step_labels, step_targets));
      cnn::network_zero_grad(&net);
      cnn::network_backward(&net, false);
      cnn::optimizer_step(&o, net.params.data(), net.grads.data(), cfg.lr);
    }
    d.f32("weights_" + name, cnn::sandbox_weights(net));
    optim[name] = {{"kind", cnn::optimizer_name(cfg.kind)},
                   {"nesterov", cfg.nesterov},
                   {"weight_decay", cfg.weight_decay},
                   {"lr", cfg.lr},
                   {"momentum", cfg.momentum},
                   {"beta1", cfg.beta1},
                   {"beta2", cfg.beta2},
                   {"eps", cfg.eps},
                   {"steps", steps},
                   {"losses", step_losses}};
  }
  meta["optim"] = optim;
  meta["loss_for_steps"] = cnn::loss_kind_name(default_loss);
  meta["sections"] = d.sections;

  const std::string js = meta.dump(1);
  const std::string base = out;
  if (!write_file(base + ".json", js.data(), js.size()) || !write_file(base + ".bin", d.bin.data(), d.bin.size()) ||
      !write_file(base + ".weights.bin", w0.data(), w0.size() * sizeof(float))) {
    std::fprintf(stderr, "cnn-sandbox export --dump: cannot write %s.{json,bin,weights.bin}: %s\n", out,
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
