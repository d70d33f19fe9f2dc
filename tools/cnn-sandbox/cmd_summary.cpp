// cnn-sandbox summary [--json] FILE|-
// Prints, like torchinfo, one row per layer (output shape, parameters with their formula, receptive
// field size/jump/start, multiply-accumulates) and the totals; with --json the machine-readable
// form of issue 4 (more keys than the issue lists are allowed and given). Exit 0, or 2 with one
// message on stderr (place, cause, hint, and the offending line with a caret) for invalid text.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/spec.h"
#include "commands.h"

namespace {

void summary_usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox summary [--json] FILE|-\n"
               "  Shapes, parameters, receptive fields and cost of a model text file ('-' reads\n"
               "  standard input). --json prints the same as JSON.\n");
}

bool read_all(const char* path, std::string* out) {
  FILE* f = std::strcmp(path, "-") == 0 ? stdin : std::fopen(path, "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out->append(buf, n);
    if (out->size() > (size_t(64) << 20)) break;  // no model text is this long; stop reading
  }
  bool ok = !std::ferror(f);
  if (f != stdin) std::fclose(f);
  return ok;
}

std::string source_line(const std::string& text, int line) {
  size_t pos = 0;
  for (int l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  size_t end = text.find('\n', pos);
  std::string s = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  for (char& c : s)
    if (c == '\t') c = ' ';  // keeps the caret under the column
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

// 0 -> 0, 0.5 -> 0.5, -2 -> -2: integers print without a decimal point, as in the issue's example.
nlohmann::ordered_json number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15) return int64_t(v);
  return v;
}

std::string start_text(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 9e15) std::snprintf(buf, sizeof buf, "%lld", (long long)v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string pair(int64_t a, int64_t b) { return std::to_string(a) + "x" + std::to_string(b); }

}  // namespace

int cmd_summary(int argc, char** argv) {
  bool json = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) json = true;
    else if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) {
      summary_usage(stdout);
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != 0) {
      std::fprintf(stderr, "cnn-sandbox summary: unknown option '%s'\n", argv[i]);
      summary_usage(stderr);
      return 2;
    } else if (path) {
      std::fprintf(stderr, "cnn-sandbox summary: only one model file, got '%s' and '%s'\n", path, argv[i]);
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    summary_usage(stderr);
    return 2;
  }
  std::string text;
  if (!read_all(path, &text)) {
    std::fprintf(stderr, "cnn-sandbox summary: cannot read '%s': %s\n", path, std::strerror(errno));
    return 2;
  }

  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError err;
  if (!cnn::parse_and_analyze(text, &spec, &info, &err)) {
    std::fprintf(stderr, "%s: %s\n", std::strcmp(path, "-") ? path : "<stdin>", err.to_string().c_str());
    if (err.line > 0) {
      std::string src = source_line(text, err.line);
      if (!src.empty()) {
        std::fprintf(stderr, "    %s\n", src.c_str());
        if (err.column > 0 && size_t(err.column) <= src.size() + 1)
          std::fprintf(stderr, "    %s^\n", std::string(size_t(err.column - 1), ' ').c_str());
      }
    }
    return 2;
  }

  if (json) {
    // ordered_json keeps the issue's key order; printed with one layer per line so that the output
    // reads like the issue's example and diffs line by line.
    using json = nlohmann::ordered_json;
    json j;
    j["input"] = {spec.input.h, spec.input.w, spec.input.c};
    json layers = json::array();
    for (size_t i = 0; i < spec.layers.size(); ++i) {
      const cnn::LayerSpec& l = spec.layers[i];
      const cnn::LayerInfo& li = info.layers[i];
      json e;
      e["index"] = int(i) + 1;
      e["type"] = cnn::layer_kind_name(l.kind);
      e["text"] = cnn::layer_to_text(l);
      e["line"] = l.line;
      e["output"] = {li.out.h, li.out.w, li.out.c};
      e["params"] = li.params;
      e["params_formula"] = li.params_formula;
      e["macs"] = li.macs;
      e["rf"] = {{"size", {li.rf.size[0], li.rf.size[1]}},
                 {"jump", {li.rf.jump[0], li.rf.jump[1]}},
                 {"start", {number(li.rf.start[0]), number(li.rf.start[1])}},
                 {"whole_input", li.rf.whole_input},
                 {"pixels", cnn::receptive_field_pixels(li.rf)}};
      e["pad"] = {li.pad.top, li.pad.left, li.pad.bottom, li.pad.right};
      e["shape_formula"] = li.shape_formula;
      e["activation_floats"] = li.activation_floats;
      e["train_bytes"] = li.train_bytes;
      if (l.kind == cnn::LayerKind::conv) {
        e["fc_weights"] = li.fc_weights;
        e["fc_weights_same_res"] = li.fc_weights_same_res;
        e["fc_ratio"] = li.fc_ratio;
      }
      if (!li.note.empty()) e["note"] = li.note;
      layers.push_back(e);
    }
    j["total_params"] = info.total_params;
    j["total_macs"] = info.total_macs;
    j["total_activation_floats"] = info.total_activation_floats;
    j["training_bytes"] = info.training_bytes;
    j["memory"] = {{"batch", info.memory.batch},
                   {"network_bytes", info.memory.network_bytes},
                   {"optimizer_bytes", info.memory.optimizer_bytes},
                   {"rollback_bytes", info.memory.rollback_bytes},
                   {"batch_bytes", info.memory.batch_bytes}};
    j["memory_budget_bytes"] = cnn::kMemoryBudgetBytes;
    j["budget_batch"] = cnn::kBudgetBatch;
    std::string outs = "{\"input\": " + j["input"].dump() + ",\n \"layers\": [";
    for (size_t i = 0; i < layers.size(); ++i) outs += (i ? ",\n  " : "\n  ") + layers[i].dump();
    outs += "]";
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "input") outs += ",\n " + json(it.key()).dump() + ": " + it.value().dump();
    outs += "}\n";
    std::fputs(outs.c_str(), stdout);
    return 0;
  }

  // Table. Column widths adapt to the longest entry so long formulas never break alignment.
  struct Row {
    std::string idx, text, out, params, formula, rf, jump, start, macs;
  };
  std::vector<Row> rows;
  rows.push_back({"#", "layer", "output", "params", "formula", "rf", "jump", "start", "MACs"});
  rows.push_back({"0", "input", cnn::shape_text(spec.input), "0", "", "1x1", "1x1", "0,0", "0"});
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const cnn::LayerInfo& li = info.layers[i];
    Row r;
    r.idx = std::to_string(i + 1);
    r.text = cnn::layer_to_text(spec.layers[i]);
    r.out = cnn::shape_text(li.out);
    r.params = cnn::with_commas(li.params);
    r.formula = li.params_formula;
    if (li.rf.whole_input) {
      r.rf = "whole input";
      r.jump = "-";
      r.start = "-";
    } else {
      r.rf = pair(li.rf.size[0], li.rf.size[1]);
      r.jump = pair(li.rf.jump[0], li.rf.jump[1]);
      r.start = start_text(li.rf.start[0]) + "," + start_text(li.rf.start[1]);
    }
    r.macs = cnn::with_commas(li.macs);
    rows.push_back(r);
  }
  size_t w[9] = {0};
  for (const Row& r : rows) {
    const std::string* f[9] = {&r.idx, &r.text, &r.out, &r.params, &r.formula, &r.rf, &r.jump, &r.start, &r.macs};
    for (int k = 0; k < 9; ++k) w[k] = std::max(w[k], f[k]->size());
  }
  size_t total_w = 0;
  for (size_t x : w) total_w += x + 2;
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    const Row& r = rows[ri];
    const std::string* f[9] = {&r.idx, &r.text, &r.out, &r.params, &r.formula, &r.rf, &r.jump, &r.start, &r.macs};
    std::string line;
    for (int k = 0; k < 9; ++k) {
      bool right = k == 0 || k == 3 || k == 8;
      std::string pad(w[k] - f[k]->size(), ' ');
      line += right ? pad + *f[k] : *f[k] + pad;
      if (k < 8) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
    if (ri == 0) std::printf("%s\n", std::string(total_w, '-').c_str());
  }
  std::printf("%s\n", std::string(total_w, '=').c_str());
  std::printf("Total params: %s\n", cnn::with_commas(info.total_params).c_str());
  std::printf("Total multiply-accumulates per sample: %s\n", cnn::with_commas(info.total_macs).c_str());
  std::printf("Activations per sample (input included): %s floats\n",
              cnn::with_commas(info.total_activation_floats).c_str());
  // The one memory plan (spec.h): what Train would allocate at batch 32 with Adam.
  const cnn::MemoryPlan& mp = info.memory;
  std::printf(
      "Training memory at batch %lld with Adam: %s (network %s, optimizer state %s, rollback "
      "copy %s, batch buffers %s) of the page's %s budget%s\n",
      (long long)cnn::kBudgetBatch, cnn::format_bytes(mp.training_bytes).c_str(),
      cnn::format_bytes(mp.network_bytes).c_str(), cnn::format_bytes(mp.optimizer_bytes).c_str(),
      cnn::format_bytes(mp.rollback_bytes).c_str(), cnn::format_bytes(mp.batch_bytes).c_str(),
      cnn::format_bytes(cnn::kMemoryBudgetBytes).c_str(),
      mp.training_bytes > cnn::kMemoryBudgetBytes ? ": over the budget, so the page analyzes it but refuses to train it"
                                                  : "");
  bool header = false;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const cnn::LayerInfo& li = info.layers[i];
    bool conv = spec.layers[i].kind == cnn::LayerKind::conv;
    if (li.shape_formula.empty() && li.note.empty() && !conv) continue;
    if (!header) {
      std::printf("\nNotes:\n");
      header = true;
    }
    std::printf("  %zu %s:", i + 1, cnn::layer_to_text(spec.layers[i]).c_str());
    if (!li.shape_formula.empty()) std::printf(" output %s.", li.shape_formula.c_str());
    if (conv) {
      std::printf(
          " A dense layer from the same %s input to the same %s output would need %s "
          "weights (%sx these %s)",
          cnn::shape_text(li.in).c_str(), cnn::shape_text(li.out).c_str(), cnn::with_commas(li.fc_weights).c_str(),
          cnn::with_commas(int64_t(li.fc_ratio + 0.5)).c_str(), cnn::with_commas(li.params).c_str());
      // The notes' figure (3*96*224^4 for AlexNet) assumes output maps as large as the input.
      if (li.fc_weights_same_res != li.fc_weights)
        std::printf("; with %s maps as large as the input, %s", std::to_string(li.out.c).c_str(),
                    cnn::with_commas(li.fc_weights_same_res).c_str());
      std::printf(".");
    }
    if (!li.note.empty()) std::printf(" Note: %s.", li.note.c_str());
    std::printf("\n");
  }
  return 0;
}
