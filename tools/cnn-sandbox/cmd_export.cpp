// cnn-sandbox export --pytorch --model FILE [--weights FILE] [-o OUT.py] [--side-weights] [--class NAME]
// Writes a PyTorch script equal to the model (engine/include/cnn/export.h). With --weights (a
// sandbox weights file) the script carries the trained weights: embedded as base64, or, with
// --side-weights or past 16 MiB of weights, in OUT.weights.bin beside the script.
//
// cnn-sandbox export --dump ...   (for tests/pytorch/crosscheck.py: see cmd_dump.cpp)
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "cnn/data.h"
#include "cnn/export.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/spec.h"
#include "commands.h"

int cmd_export_dump(int argc, char** argv);  // cmd_dump.cpp

namespace {

void export_usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox export --pytorch --model FILE [--weights FILE] [-o OUT.py]\n"
               "                          [--side-weights] [--class NAME]\n"
               "  Writes a self-contained PyTorch script (an nn.Module equal to the model, the\n"
               "  trained weights when --weights is given, and a training-loop scaffold).\n"
               "  --model FILE      model text ('-' reads standard input), or a model file\n"
               "                    (.cnnmodel, from the page or `train --save-model`): its text,\n"
               "                    weights, and the training data's normalization and class names,\n"
               "                    so the script's forward() takes raw pixels (byte / 255)\n"
               "  --weights FILE    a sandbox weights file (float32: per layer weights, biases,\n"
               "                    batchnorm running mean and variance)\n"
               "  -o OUT.py         the script (default: standard output)\n"
               "  --side-weights    put the weights in OUT.weights.bin beside the script instead of\n"
               "                    embedding them (automatic past 16 MiB of weights)\n"
               "  --class NAME      name of the nn.Module class (default SandboxNet)\n");
}

bool read_text(const char* path, std::string* out, std::string* err) {
  FILE* f = std::strcmp(path, "-") == 0 ? stdin : std::fopen(path, "rb");
  if (!f) {
    *err = std::string("cannot open model file '") + path + "': " + std::strerror(errno);
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out->append(buf, n);
    if (out->size() > (size_t(64) << 20)) {
      *err = std::string("model file '") + path + "' is over 64 MiB: is it model text?";
      if (f != stdin) std::fclose(f);
      return false;
    }
  }
  const bool ok = !std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (!ok) *err = std::string("error reading '") + path + "'";
  return ok;
}

bool valid_class_name(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int cmd_export(int argc, char** argv) {
  if (argc >= 2 && !std::strcmp(argv[1], "--dump")) return cmd_export_dump(argc - 1, argv + 1);
  const char *model_path = nullptr, *weights_path = nullptr, *out_path = nullptr;
  bool pytorch = false, side = false;
  cnn::PytorchExportOptions opt;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    auto value = [&](const char** dst) { return (*dst = flag_value("export", argc, argv, &i)) != nullptr; };
    if (!std::strcmp(a, "-h") || !std::strcmp(a, "--help")) {
      export_usage(stdout);
      return 0;
    }
    if (!std::strcmp(a, "--pytorch")) {
      pytorch = true;
      continue;
    }
    if (!std::strcmp(a, "--side-weights")) {
      side = true;
      continue;
    }
    if (!std::strcmp(a, "--model")) {
      if (!value(&model_path)) return 2;
      continue;
    }
    if (!std::strcmp(a, "--weights")) {
      if (!value(&weights_path)) return 2;
      continue;
    }
    if (!std::strcmp(a, "-o") || !std::strcmp(a, "--output")) {
      if (!value(&out_path)) return 2;
      continue;
    }
    if (!std::strcmp(a, "--class")) {
      const char* c = nullptr;
      if (!value(&c)) return 2;
      opt.class_name = c;
      if (!valid_class_name(opt.class_name)) {
        std::fprintf(stderr, "cnn-sandbox export: --class '%s' is not a Python class name (letters, digits, _)\n", c);
        return 2;
      }
      continue;
    }
    std::fprintf(stderr, "cnn-sandbox export: unknown option '%s'\n\n", a);
    export_usage(stderr);
    return 2;
  }
  if (!pytorch) {
    std::fprintf(stderr, "cnn-sandbox export: say which format: --pytorch (the only one so far)\n\n");
    export_usage(stderr);
    return 2;
  }
  if (!model_path) {
    std::fprintf(stderr, "cnn-sandbox export: --model FILE is missing (the model text to export)\n");
    return 2;
  }
  std::string text, err;
  // A model file (.cnnmodel) starts with its signature; anything else is model text.
  bool is_model_file = false;
  if (std::strcmp(model_path, "-") != 0) {
    if (FILE* f = std::fopen(model_path, "rb")) {
      char head[8] = {};
      is_model_file = std::fread(head, 1, 8, f) == 8 && !std::memcmp(head, cnn::kModelFileMagic, 8);
      std::fclose(f);
    }
  }
  cnn::ModelFile mf;
  if (is_model_file) {
    std::vector<uint8_t> bytes;
    if (!cnn::read_file_bytes(model_path, &bytes, &err, size_t(2) << 30) ||
        !cnn::model_file_decode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), &mf,
                                &err)) {
      std::fprintf(stderr, "cnn-sandbox export: %s: %s\n", model_path, err.c_str());
      return 2;
    }
    if (weights_path) {
      std::fprintf(stderr, "cnn-sandbox export: %s is a model file with its own weights: drop --weights\n", model_path);
      return 2;
    }
    text = mf.model_text;
    opt.data = mf.data;
    if (!mf.data.present)
      std::fprintf(stderr,
                   "cnn-sandbox export: note: %s is a format-1 model file without the training data's "
                   "normalization, so forward() takes standardized inputs\n",
                   model_path);
  } else if (!read_text(model_path, &text, &err)) {
    std::fprintf(stderr, "cnn-sandbox export: %s\n", err.c_str());
    return 2;
  }
  cnn::ModelSpec spec;
  cnn::SpecError se;
  if (!cnn::parse_model(text, &spec, &se)) {
    std::fprintf(stderr, "cnn-sandbox export: %s: %s\n", model_path, se.to_string().c_str());
    return 2;
  }
  opt.model_text = text;
  while (!opt.model_text.empty() && (opt.model_text.back() == '\n' || opt.model_text.back() == '\r'))
    opt.model_text.pop_back();

  cnn::Network net;
  const cnn::Network* weights = nullptr;
  std::string side_path;
  if (weights_path || !mf.weights.empty()) {
    if (!cnn::network_build(&net, spec, 1, &err)) {
      std::fprintf(stderr, "cnn-sandbox export: %s: %s\n", model_path, err.c_str());
      return 2;
    }
    if (weights_path ? !cnn::read_sandbox_weights_file(&net, weights_path, &err)
                     : !cnn::load_sandbox_weights(&net, mf.weights.data(), int64_t(mf.weights.size()), &err)) {
      std::fprintf(stderr, "cnn-sandbox export: %s\n", err.c_str());
      return 2;
    }
    weights = &net;
    const int64_t floats = cnn::sandbox_weights_count(net.spec, net.info);
    if (side || floats * 4 > (int64_t(16) << 20)) {
      if (!out_path || !std::strcmp(out_path, "-")) {
        std::fprintf(stderr, "cnn-sandbox export: weights in a side file need -o OUT.py (the file goes beside it)%s\n",
                     side ? "" : "; these weights are over 16 MiB, too many to embed");
        return 2;
      }
      std::string o = out_path;
      if (o.size() > 3 && o.compare(o.size() - 3, 3, ".py") == 0) o.resize(o.size() - 3);
      side_path = o + ".weights.bin";
      opt.weights_file = base_name(side_path);
    }
  } else if (side) {
    std::fprintf(stderr, "cnn-sandbox export: --side-weights needs --weights FILE (or a model file with weights)\n");
    return 2;
  }

  std::string script;
  if (!cnn::export_pytorch(spec, weights, opt, &script, &err)) {
    std::fprintf(stderr, "cnn-sandbox export: %s: %s\n", model_path, err.c_str());
    return 2;
  }
  if (!side_path.empty() && !cnn::write_sandbox_weights_file(net, side_path, &err)) {
    std::fprintf(stderr, "cnn-sandbox export: %s\n", err.c_str());
    return 1;
  }
  if (!out_path || !std::strcmp(out_path, "-")) {
    std::fwrite(script.data(), 1, script.size(), stdout);
    return 0;
  }
  FILE* f = std::fopen(out_path, "wb");
  if (!f) {
    std::fprintf(stderr, "cnn-sandbox export: cannot write '%s': %s\n", out_path, std::strerror(errno));
    return 1;
  }
  const bool ok = std::fwrite(script.data(), 1, script.size(), f) == script.size();
  if (std::fclose(f) != 0 || !ok) {
    std::fprintf(stderr, "cnn-sandbox export: writing '%s' failed (disk full?)\n", out_path);
    return 1;
  }
  std::fprintf(stderr, "wrote %s%s%s\n", out_path, side_path.empty() ? "" : " and ", side_path.c_str());
  return 0;
}
