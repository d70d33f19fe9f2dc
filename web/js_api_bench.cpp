// js_api_bench.cpp: the C side of window.cnnSandbox.bench (web/shell/api_bench.js): the engine's own
// timed benchmark (engine/src/bench.cpp, the one `cnn-sandbox bench` runs natively and under node),
// run synchronously in the page's thread, so bench/compare.mjs can put the browser tab's figure beside
// node's. It builds its own network: the lab's model, weights and training are not touched.
#include <cstdio>
#include <string>

#include "app.h"
#include "cnn/bench.h"
#include "cnn/kernels.h"

#include "js_export.h"

namespace {
std::string JsonError(const std::string& msg) {
  std::string s = "{\"error\": \"";
  for (char ch : msg) {
    if (ch == '"' || ch == '\\') s += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) s += ch;
  }
  return s + "\"}";
}
}  // namespace

// model: a preset name (lenet5, wide, ... as in the Designer's list) or the model text itself.
// kernels: "simd" or "reference". steps 0: about half a second per timed run. Returns JSON: the
// keys of `cnn-sandbox bench --json`, or {"error": "..."}.
CNN_EXPORT const char* cnn_bench(const char* model, int train, int batch, int steps, int runs, const char* kernels) {
  std::string& out = AppGlobal().js_out;
  cnn::ModelBenchConfig c;
  const std::string m = model ? model : "";
  const bool is_text = m.find('\n') != std::string::npos || m.find(';') != std::string::npos;
  if (is_text) {
    c.name = "model text";
    c.text = m;
  } else {
    c.name = m;
    const std::string path = "/presets/" + m + ".txt";
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      out = JsonError("bench: no preset named '" + m + "' (try lenet5 or wide, or pass the model text)");
      return out.c_str();
    }
    char buf[4096];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) c.text.append(buf, got);
    std::fclose(f);
  }
  const std::string k = kernels ? kernels : "simd";
  if (k != "simd" && k != "reference") {
    out = JsonError("bench: kernels '" + k + "': expected simd or reference");
    return out.c_str();
  }
  c.train = train != 0;
  c.batch = batch;
  c.steps = steps;
  c.runs = runs;
  const cnn::KernelSet saved = cnn::kernel_set();  // the page's own switch comes back afterwards
  cnn::set_kernel_set(k == "simd" ? cnn::KernelSet::simd : cnn::KernelSet::reference);
  cnn::ModelBenchResult r;
  std::string err;
  const int rc = cnn::bench_model(c, &r, &err);
  cnn::set_kernel_set(saved);
  out = rc == 0 ? cnn::bench_model_json(c, r) : JsonError("bench: " + err);
  return out.c_str();
}
