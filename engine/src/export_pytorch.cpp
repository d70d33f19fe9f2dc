// The PyTorch exporter (export.h): writes a readable script whose nn.Module computes what our
// Network computes, layer for layer, and the sandbox weights file it loads.
//
// Every choice below keeps one promise: the exported module, loaded with our weights, gives our
// outputs and gradients (tests/pytorch/crosscheck.py measures it). Where PyTorch's defaults differ
// from ours, the script spells out ours:
// - padding: PyTorch's `padding=` is symmetric and, for pools, at most half the kernel. `same`
//   with an even total puts the extra row/column at the bottom/right (Pad4), so those cases get an
//   explicit nn.ZeroPad2d (conv, avgpool) or a -inf pad (maxpool: padded cells never win);
// - a max-pool window entirely in the padding gives 0 in the sandbox (no input to take the max
//   of), -inf in PyTorch: a small module maps it to 0;
// - softmax on a sample that still has rows and columns normalizes all its C*H*W values together;
// - average pooling counts padded cells (PyTorch's default count_include_pad=True), as ours does;
// - batchnorm: eps 1e-5, momentum 0.1, unbiased running variance: PyTorch's defaults;
// - dropout: inverted (kept units scaled by 1/(1-p)) in both.
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cnn/data.h"
#include "cnn/export.h"
#include "cnn/format.h"
#include "cnn/net.h"
#include "layer_table.h"

namespace cnn {

// printf into a std::string of any length (a learner's line of model text may be long).
std::string strf(const char* fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  const int n = std::vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  std::string out(n > 0 ? size_t(n) : 0, '\0');
  if (n > 0) std::vsnprintf(&out[0], size_t(n) + 1, fmt, ap2);
  va_end(ap2);
  return out;
}

// "5" when both axes agree, "(5, 3)" otherwise (PyTorch takes either).
std::string torch_pair(int a, int b) { return a == b ? strf("%d", a) : strf("(%d, %d)", a, b); }

void TorchModules::add(const std::string& line) {
  body += "            " + line + ",\n";
  ++module;
}
void TorchModules::comment(const std::string& line) { body += "            # " + line + "\n"; }
void TorchModules::unflatten_if_flat(const Shape& in) {
  if (!flat) return;
  comment("back to channels x rows x cols: this layer needs the 4-D form");
  add(strf("nn.Unflatten(1, (%d, %d, %d))", in.c, in.h, in.w));
  flat = false;
}
void TorchModules::add_params(const std::string& w_shape, int64_t nw, bool bias, int64_t nb) {
  names.push_back({strf("layers.%d.weight", module), w_shape, nw});
  if (bias) names.push_back({strf("layers.%d.bias", module), strf("(%" PRId64 ",)", nb), nb});
}

namespace {

std::string base64(const uint8_t* p, size_t n, size_t line_chars) {
  static const char* tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(n / 3 * 4 + n / 3 * 4 / line_chars + 8);
  size_t col = 0;
  for (size_t i = 0; i < n; i += 3) {
    const uint32_t b0 = p[i], b1 = i + 1 < n ? p[i + 1] : 0, b2 = i + 2 < n ? p[i + 2] : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    char q[4] = {tab[(v >> 18) & 63], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
                 i + 2 < n ? tab[v & 63] : '='};
    out.append(q, 4);
    col += 4;
    if (col >= line_chars) {
      out += '\n';
      col = 0;
    }
  }
  if (col) out += '\n';
  return out;
}

// Tensor shape as PyTorch prints it for a batch of N: [N,C,H,W] or [N,C] when flat.
std::string torch_shape(const Shape& s, bool flat) {
  return flat ? strf("[N,%" PRId64 "]", s.size()) : strf("[N,%d,%d,%d]", s.c, s.h, s.w);
}

// Text a Python source file can hold: valid UTF-8 (else the file does not parse), no control
// characters (a NUL is refused too); anything else becomes '?'.
std::string py_source_safe(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = (unsigned char)s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) ok = ((unsigned char)s[i + k] >> 6) == 2;
    if (ok && len == 1 && c < 0x20 && c != '\t') ok = false;
    if (ok && len == 1 && c == 0x7f) ok = false;
    if (ok) out.append(s, i, size_t(len));
    else out += '?';
    i += ok ? size_t(len) : 1;
  }
  return out;
}

// Text inside a Python triple-quoted string: no backslash escapes, no closing quotes.
std::string py_docstring_safe(const std::string& raw) {
  const std::string s = py_source_safe(raw);
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

// The layer after which the sandbox fuses its loss (cross-entropy after softmax, binary
// cross-entropy after a one-output sigmoid), or -1.
int fused_head(const ModelSpec& m, const ModelInfo& info) {
  if (m.layers.empty()) return -1;
  const int last = int(m.layers.size()) - 1;
  if (m.layers[last].kind == LayerKind::softmax) return last;
  if (m.layers[last].kind == LayerKind::sigmoid && info.layers[last].out.size() == 1) return last;
  return -1;
}

// A name on one line: control characters (a newline would end the entry) become spaces.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if ((unsigned char)c < 0x20 || c == 0x7f) c = ' ';
  return out;
}

// A float32 as the shortest decimal (of 6 digits or more) that reads back as the same float.
std::string f32_text(float f) { return float_text(f, 6); }

// A Python string literal (double quotes, backslash escapes; UTF-8 kept).
std::string py_str(const std::string& raw) {
  std::string out = "\"";
  for (char c : py_source_safe(one_line(raw))) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

DataNotes data_notes_from_dataset(const Dataset& d) {
  DataNotes n;
  n.present = true;
  n.dataset = d.name;
  n.kind = d.regression() ? "regression" : (d.shape.h == 1 && d.shape.w == 1) ? "points2d" : "image";
  n.input_mean = d.norm_mean;
  n.input_std = d.norm_std;
  if (!d.regression()) n.class_names = d.class_names;
  return n;
}

std::string data_notes_encode(const DataNotes& n) {
  if (!n.present) return "";
  std::string s = "dataset " + one_line(n.dataset) + "\nkind " + one_line(n.kind) + "\n";
  s += "input_mean " + f32_text(n.input_mean) + "\ninput_std " + f32_text(n.input_std) + "\n";
  for (const std::string& c : n.class_names) s += "class " + one_line(c) + "\n";
  return s;
}

bool data_notes_decode(const std::string& text, DataNotes* out, std::string* err) {
  DataNotes n;
  if (text.empty()) {
    *out = n;
    return true;
  }
  n.present = true;
  bool has_mean = false, has_std = false;
  size_t a = 0;
  int line = 0;
  while (a < text.size()) {
    size_t b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    const std::string ln = text.substr(a, b - a);
    a = b + 1;
    ++line;
    if (ln.empty()) continue;
    const size_t sp = ln.find(' ');
    const std::string key = ln.substr(0, sp), val = sp == std::string::npos ? "" : ln.substr(sp + 1);
    auto number = [&](float* dst) {
      char* end = nullptr;
      const float v = std::strtof(val.c_str(), &end);
      if (val.empty() || *end != 0 || !std::isfinite(v)) return false;
      *dst = v;
      return true;
    };
    if (key == "dataset") n.dataset = val;
    else if (key == "kind") n.kind = val;
    else if (key == "class") n.class_names.push_back(val);
    else if (key == "input_mean") has_mean = number(&n.input_mean);
    else if (key == "input_std") has_std = number(&n.input_std) && n.input_std > 0.0f;
    // unknown keys are skipped: a later version may add some
    if ((key == "input_mean" && !has_mean) || (key == "input_std" && !has_std)) {
      if (err) *err = strf("line %d of the data notes: '%s' is not a usable number", line, ln.c_str());
      return false;
    }
  }
  if (!has_mean || !has_std) {
    if (err) *err = "the data notes lack the input mean or standard deviation";
    return false;
  }
  *out = std::move(n);
  return true;
}

int64_t sandbox_weights_count(const ModelSpec& m, const ModelInfo& info) {
  int64_t n = info.total_params;
  for (size_t i = 0; i < m.layers.size(); ++i)
    if (m.layers[i].kind == LayerKind::batchnorm) n += 2 * int64_t(info.layers[i].in.c);
  return n;
}

std::vector<float> sandbox_weights(const Network& net) {
  std::vector<float> out;
  out.reserve(size_t(sandbox_weights_count(net.spec, net.info)));
  for (int i = 0; i < net.num_layers(); ++i) {
    const LayerParams& p = net.layer_params[i];
    out.insert(out.end(), p.w, p.w + p.nw);
    if (p.nb) out.insert(out.end(), p.b, p.b + p.nb);
    if (net.spec.layers[i].kind == LayerKind::batchnorm) {
      const LayerState& s = net.state[i];
      out.insert(out.end(), s.running_mean.begin(), s.running_mean.end());
      out.insert(out.end(), s.running_var.begin(), s.running_var.end());
    }
  }
  return out;
}

bool load_sandbox_weights(Network* net, const float* w, int64_t count, std::string* err) {
  const int64_t full = sandbox_weights_count(net->spec, net->info);
  const int64_t params = int64_t(net->params.size());
  if (count != full && count != params) {
    if (err)
      *err = strf("the weights hold %" PRId64 " floats but this model needs %" PRId64 " (%" PRId64
                  " parameters%s): were they saved for another model?",
                  count, full, params, full != params ? " + batchnorm running statistics" : "");
    return false;
  }
  const bool with_stats = count == full;
  // Refuse before writing anything, so a bad file leaves the network as it was: trained weights
  // are always finite (the trainer guarantees it), and a negative running variance would make
  // batchnorm's 1/sqrt(var + eps) NaN at inference.
  for (int64_t k = 0; k < count; ++k)
    if (!std::isfinite(w[k])) {
      if (err)
        *err = strf("the weights hold a NaN or infinite value (float %" PRId64 " of %" PRId64 "): the file is damaged",
                    k + 1, count);
      return false;
    }
  if (with_stats) {
    int64_t pos = 0;
    for (int i = 0; i < net->num_layers(); ++i) {
      pos += net->layer_params[i].nw + net->layer_params[i].nb;
      if (net->spec.layers[i].kind != LayerKind::batchnorm) continue;
      const int64_t c = int64_t(net->state[i].running_mean.size());
      for (int64_t k = 0; k < c; ++k)
        if (w[pos + c + k] < 0.0f) {
          if (err)
            *err = strf("layer %d (batchnorm) has a negative running variance (%g): the file is damaged", i + 1,
                        double(w[pos + c + k]));
          return false;
        }
      pos += 2 * c;
    }
  }
  int64_t at = 0;
  for (int i = 0; i < net->num_layers(); ++i) {
    LayerParams& p = net->layer_params[i];
    if (p.nw) std::memcpy(p.w, w + at, size_t(p.nw) * sizeof(float));
    at += p.nw;
    if (p.nb) std::memcpy(p.b, w + at, size_t(p.nb) * sizeof(float));
    at += p.nb;
    if (with_stats && net->spec.layers[i].kind == LayerKind::batchnorm) {
      LayerState& s = net->state[i];
      for (float& v : s.running_mean) v = w[at++];
      for (float& v : s.running_var) v = w[at++];
    }
  }
  return true;
}

bool read_sandbox_weights_file(Network* net, const std::string& path, std::string* err) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (err) *err = "cannot open weights file '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::vector<float> w;
  float buf[4096];
  size_t got = 0, tail = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    w.insert(w.end(), buf, buf + got / sizeof(float));
    tail = got % sizeof(float);
    if (tail) break;
  }
  std::fclose(f);
  if (tail) {
    if (err) *err = "weights file '" + path + "' is not a whole number of float32 values";
    return false;
  }
  std::string e;
  if (!load_sandbox_weights(net, w.data(), int64_t(w.size()), &e)) {
    if (err) *err = "weights file '" + path + "': " + e;
    return false;
  }
  return true;
}

bool write_sandbox_weights_file(const Network& net, const std::string& path, std::string* err) {
  const std::vector<float> w = sandbox_weights(net);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    if (err) *err = "cannot write weights file '" + path + "': " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(w.data(), sizeof(float), w.size(), f) == w.size();
  if (std::fclose(f) != 0 || !ok) {
    if (err) *err = "writing weights file '" + path + "' failed (disk full?)";
    return false;
  }
  return true;
}

bool export_pytorch(const ModelSpec& m, const Network* net, const PytorchExportOptions& opt, std::string* script,
                    std::string* err) {
  ModelInfo info;
  SpecError se;
  if (!analyze_model(m, &info, &se)) {
    if (err) *err = "the model does not analyze: " + se.to_string();
    return false;
  }
  if (net && (net->num_layers() != int(m.layers.size()) || net->info.total_params != info.total_params ||
              net->info.input != info.input)) {
    if (err) *err = "the network's weights belong to another model (layers or parameter counts differ)";
    return false;
  }
  const int head = fused_head(m, info);
  const bool head_softmax = head >= 0 && m.layers[head].kind == LayerKind::softmax;
  const int L = int(m.layers.size());
  const int64_t k_out = L ? info.layers[L - 1].out.size() : info.input.size();

  // The line as the learner wrote it (comments included) when the text is given and holds one
  // layer; the canonical form otherwise.
  std::vector<std::string> source_lines;
  for (size_t a = 0; a <= opt.model_text.size();) {
    size_t b = opt.model_text.find('\n', a);
    if (b == std::string::npos) b = opt.model_text.size();
    std::string ln = opt.model_text.substr(a, b - a);
    while (!ln.empty() && (ln.back() == '\r' || ln.back() == ' ' || ln.back() == '\t')) ln.pop_back();
    source_lines.push_back(ln);
    a = b + 1;
  }
  auto line_text = [&](const LayerSpec& l) {
    if (l.line >= 1 && size_t(l.line) <= source_lines.size()) {
      std::string ln = source_lines[size_t(l.line) - 1];
      size_t start = ln.find_first_not_of(" \t");
      if (start != std::string::npos && ln.find(';') == std::string::npos) return py_source_safe(ln.substr(start));
    }
    return layer_to_text(l);
  };

  // --- the modules, one group per line of model text ------------------------------------------
  TorchModules t;
  std::string& body = t.body;
  bool& flat = t.flat;  // is the tensor 2-D ([N, features]) at this point?
  int& module = t.module;
  auto add = [&](const std::string& line) { t.add(line); };

  for (int i = 0; i < (head >= 0 ? head : L); ++i) {
    const LayerSpec& l = m.layers[i];
    const LayerInfo& li = info.layers[i];
    const bool flat_in = flat;
    // Shapes are written after the modules are known (flat may change).
    std::string lines;
    std::swap(lines, body);
    const int first_module = module;
    layer_kind_desc(l.kind).torch(l, li, &t);
    std::swap(lines, body);
    body += strf("            # line %d: %s    %s -> %s%s\n", l.line, line_text(l).c_str(),
                 torch_shape(li.in, flat_in).c_str(), torch_shape(li.out, flat).c_str(),
                 module - first_module > 1 ? strf("  (modules %d-%d)", first_module, module - 1).c_str()
                                           : strf("  (module %d)", first_module).c_str());
    body += lines;
  }
  // A fused head's logits are one axis of k scores: flatten a 4-D input first (the sandbox's
  // softmax normalizes all C*H*W values of a sample together).
  if (head >= 0 && !flat) {
    body += strf("            # line %d: %s normalizes all %" PRId64
                 " values of a sample: flatten them into one axis of scores\n",
                 m.layers[head].line, layer_kind_name(m.layers[head].kind), k_out);
    add("nn.Flatten()");
    flat = true;
  }

  // --- weights ---------------------------------------------------------------------------------
  int64_t total = 0;
  for (const TorchWeight& w : t.names) total += w.count;
  if (total != sandbox_weights_count(m, info)) {
    if (err) *err = "internal error: exported weight table does not match the model's parameters";
    return false;
  }
  std::vector<float> blob;
  if (net) blob = sandbox_weights(*net);

  // --- the script --------------------------------------------------------------------------------
  const std::string& cls = opt.class_name;
  const Shape& in = info.input;
  const std::string text = opt.model_text.empty() ? model_to_text(m) : opt.model_text;
  std::string s;
  s += "#!/usr/bin/env python3\n\"\"\"" + cls +
       ": a CNN Sandbox model as a PyTorch nn.Module (cnn-sandbox export --pytorch).\n\n";
  s += "The model text it was exported from:\n\n";
  {
    size_t a = 0;
    while (a < text.size()) {
      size_t b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      std::string ln = text.substr(a, b - a);
      s += ln.empty() ? "\n" : "    " + py_docstring_safe(ln) + "\n";
      a = b + 1;
    }
  }
  s += strf("\nParameters: %s. Input: float32 tensors of shape (N, %d, %d, %d): N samples, channels\n",
            with_commas(info.total_params).c_str(), in.c, in.h, in.w);
  s += "first (NCHW), the sandbox's own layout, so nn.Flatten orders features as the sandbox's dense\n"
       "layers do and the weights copy over unchanged.\n";
  const DataNotes& dn = opt.data;
  if (dn.present) {
    const bool image = dn.kind == "image";
    s += strf(
        "\nInputs are RAW values, as the sandbox reads its data (%s).\n"
        "forward() and logits() first standardize them with the training split's mean and\n"
        "standard deviation, as the sandbox did before training:\n"
        "(x - INPUT_MEAN) / INPUT_STD = (x - %s) / %s.\n"
        "self.layers(x) is the bare network: it takes already standardized inputs.\n",
        image                   ? "image pixels as byte / 255, in [0, 1]"
        : dn.kind == "points2d" ? "point coordinates"
                                : "values as in the file",
        f32_text(dn.input_mean).c_str(), f32_text(dn.input_std).c_str());
    if (!dn.class_names.empty())
      s += strf("Trained on '%s'; output k is the score of CLASS_NAMES[k].\n",
                py_docstring_safe(one_line(dn.dataset)).c_str());
  } else {
    s += "\nNo training data was given to the export, so INPUT_MEAN = 0 and INPUT_STD = 1: forward()\n"
         "takes inputs as the network sees them (the sandbox standardizes every dataset with its\n"
         "training split's mean and standard deviation; export from the page or a .cnnmodel file\n"
         "to carry them).\n";
  }
  if (head >= 0)
    s += strf("Output of forward(): (N, %" PRId64
              ") %s, as in the sandbox.\n"
              "The sandbox fuses its last %s with the %s loss (the stable form); so\n"
              "does PyTorch's %s, which takes the scores BEFORE the %s:\n"
              "train on model.logits(x), predict with model(x).\n",
              k_out, head_softmax ? "class probabilities" : "probabilities", head_softmax ? "softmax" : "sigmoid",
              head_softmax ? "cross-entropy" : "binary cross-entropy",
              head_softmax ? "nn.CrossEntropyLoss" : "nn.BCEWithLogitsLoss", head_softmax ? "softmax" : "sigmoid");
  else
    s += strf("Output of forward(): %s values per sample (quadratic loss in the sandbox).\n",
              with_commas(k_out).c_str());
  s += "\nRun it (python3 THIS_FILE.py) to train a few epochs on random stand-in data; put your own data\n"
       "in the marked place. Needs only PyTorch.\n\"\"\"\n";
  s += "import base64\nimport math\nimport os\n\nimport torch\nfrom torch import nn\n\n";

  if (t.need_softmax_all)
    s += "\nclass SoftmaxOverSample(nn.Module):\n"
         "    \"\"\"Softmax over ALL values of each sample (channels, rows and columns together), as the\n"
         "    sandbox's softmax does when its input still has rows and columns.\"\"\"\n\n"
         "    def forward(self, x):\n"
         "        return torch.softmax(x.flatten(1), dim=1).view_as(x)\n\n";
  if (t.need_empty_windows)
    s += "\nclass EmptyWindowsToZero(nn.Module):\n"
         "    \"\"\"A max-pool window lying entirely in the padding has no input to take the max of: the\n"
         "    sandbox outputs 0 there (and passes no gradient), PyTorch -inf.\"\"\"\n\n"
         "    def forward(self, x):\n"
         "        return x.masked_fill(x == float(\"-inf\"), 0.0)\n\n";

  s += "\nclass " + cls + "(nn.Module):\n";
  s += strf("    \"\"\"%d layers of model text -> %d modules. Comments: line of model text, shapes.\"\"\"\n\n", L,
            module);
  s += "    # Inputs are standardized as the sandbox did with its training data: (x - INPUT_MEAN) / INPUT_STD.\n";
  s += "    INPUT_MEAN = " + (dn.present ? f32_text(dn.input_mean) : std::string("0.0")) + "\n";
  s += "    INPUT_STD = " + (dn.present ? f32_text(dn.input_std) : std::string("1.0")) + "\n";
  if (!dn.class_names.empty()) {
    s += "    CLASS_NAMES = [";
    for (size_t c = 0; c < dn.class_names.size(); ++c) s += (c ? ", " : "") + py_str(dn.class_names[c]);
    s += "]\n";
  }
  s += "\n    def __init__(self):\n        super().__init__()\n";
  s += strf("        # input %dx%dx%d (rows x cols x channels)    [N,%d,%d,%d]\n", in.h, in.w, in.c, in.c, in.h, in.w);
  s += "        self.layers = nn.Sequential(\n" + body + "        )\n\n";
  if (head >= 0) {
    const LayerSpec& h = m.layers[head];
    s += "    def logits(self, x):\n";
    s += strf("        \"\"\"Scores before the last %s (raw inputs in): train on these with %s.\"\"\"\n",
              layer_kind_name(h.kind), head_softmax ? "nn.CrossEntropyLoss" : "nn.BCEWithLogitsLoss");
    s += "        return self.layers(self.standardize(x))\n\n";
    s += "    def forward(self, x):\n";
    s += strf("        # line %d: %s\n", h.line, line_text(h).c_str());
    s += head_softmax ? "        return torch.softmax(self.logits(x), dim=1)\n\n"
                      : "        return torch.sigmoid(self.logits(x))\n\n";
  } else {
    s += "    def forward(self, x):\n        return self.layers(self.standardize(x))\n\n";
  }
  s += "    def standardize(self, x):\n"
       "        \"\"\"Raw inputs -> what the network was trained on.\"\"\"\n"
       "        return (x - self.INPUT_MEAN) / self.INPUT_STD\n\n";

  // Weight table and loader.
  s += "\n# The sandbox's weights file: float32, little-endian, these tensors one after the other.\n";
  s += "SANDBOX_WEIGHT_NAMES = [\n";
  for (const TorchWeight& w : t.names) s += "    (\"" + w.name + "\", " + w.shape + "),\n";
  s += "]\n";
  if (!net) {
    s += "# This export carries no trained weights: " + cls +
         "() starts from PyTorch's own initialization\n"
         "# (not the sandbox's He/Glorot draw). load_sandbox_weights(model, path) reads a weights file.\n"
         "SANDBOX_WEIGHTS_FILE = None\nSANDBOX_WEIGHTS_BASE64 = None\n";
  } else if (!opt.weights_file.empty()) {
    s += "# The trained weights, in a file beside this script.\n";
    s += "SANDBOX_WEIGHTS_FILE = \"" + py_docstring_safe(opt.weights_file) + "\"\nSANDBOX_WEIGHTS_BASE64 = None\n";
  } else {
    s += strf("# The trained weights (%s floats), base64 of the weights file.\n",
              with_commas(int64_t(blob.size())).c_str());
    s += "SANDBOX_WEIGHTS_FILE = None\nSANDBOX_WEIGHTS_BASE64 = \"\"\"\n";
    s += base64(reinterpret_cast<const uint8_t*>(blob.data()), blob.size() * sizeof(float), 100);
    s += "\"\"\"\n";
  }
  s += R"PY(

def load_sandbox_weights(model, path=None):
    """Copies sandbox weights into `model`: from `path` (a weights file), else the ones this script
    carries. Returns False when there are none."""
    if path is None and SANDBOX_WEIGHTS_FILE is not None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), SANDBOX_WEIGHTS_FILE)
    if path is not None:
        with open(path, "rb") as f:
            data = f.read()
    elif SANDBOX_WEIGHTS_BASE64 is not None:
        data = base64.b64decode(SANDBOX_WEIGHTS_BASE64)
    else:
        return False
    expected = sum(math.prod(shape) for _, shape in SANDBOX_WEIGHT_NAMES)
    if len(data) != 4 * expected:
        raise ValueError(f"sandbox weights: {len(data)} bytes, this model needs {4 * expected}")
    if expected == 0:
        return True
    flat = torch.frombuffer(bytearray(data), dtype=torch.float32)  # little-endian, as written
    state = model.state_dict()
    offset = 0
    with torch.no_grad():
        for name, shape in SANDBOX_WEIGHT_NAMES:
            n = math.prod(shape)
            state[name].copy_(flat[offset:offset + n].view(shape))
            offset += n
    return True

)PY";

  // Training scaffold.
  const char* loss_line;
  const char* target_line;
  const char* out_expr;
  if (head >= 0 && head_softmax) {
    loss_line =
        "    loss_fn = nn.CrossEntropyLoss()  # log-softmax + NLL on logits: the sandbox's softmax + cross-entropy\n";
    target_line = "    y = torch.randint(0, %d, (512,))  # class indices\n";
    out_expr = "loss_fn(model.logits(xb), yb)";
  } else if (head >= 0) {
    loss_line =
        "    loss_fn = nn.BCEWithLogitsLoss()  # log-sigmoid inside: the sandbox's sigmoid + binary cross-entropy\n";
    target_line = "    y = torch.randint(0, 2, (512,)).float()  # labels 0/1 (%d output)\n";
    out_expr = "loss_fn(model.logits(xb).view(-1), yb)";
  } else {
    loss_line =
        "    # The sandbox's quadratic loss: squared error SUMMED over the outputs, averaged over samples\n"
        "    # (nn.MSELoss would also average over the outputs).\n"
        "    loss_fn = lambda out, target: ((out - target) ** 2).sum(dim=1).mean()\n";
    target_line = "    y = torch.rand(512, %d)  # targets\n";
    out_expr = "loss_fn(model(xb).flatten(1), yb)";
  }
  s += "\nif __name__ == \"__main__\":\n";
  s += "    # A training-loop scaffold. On several GPUs or machines, wrap the model in\n"
       "    # torch.nn.parallel.DistributedDataParallel and give the DataLoader a DistributedSampler.\n";
  s += "    torch.manual_seed(0)\n    device = \"cuda\" if torch.cuda.is_available() else \"cpu\"\n";
  s += "    model = " + cls + "()\n";
  s += "    if load_sandbox_weights(model):\n        print(\"loaded the sandbox's trained weights\")\n";
  s += "    model.to(device)\n\n";
  s += strf(
      "    # Your data here: x of shape (N, %d, %d, %d), float32, raw values (see INPUT_MEAN). Random stand-ins:\n",
      in.c, in.h, in.w);
  s += strf("    x = torch.rand(512, %d, %d, %d)\n", in.c, in.h, in.w);
  s += strf(target_line, int(k_out));
  s += "    data = torch.utils.data.TensorDataset(x, y)\n"
       "    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True)\n";
  s += "    # The sandbox's optimizers: \"momentum\" is SGD(lr, momentum=0.9); \"adam\" is Adam(lr=1e-3).\n";
  s += "    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)\n";
  s += loss_line;
  s += "    for epoch in range(3):\n"
       "        model.train()  # dropout on, batchnorm on batch statistics\n"
       "        total = 0.0\n"
       "        for xb, yb in loader:\n"
       "            xb, yb = xb.to(device), yb.to(device)\n"
       "            optimizer.zero_grad()\n";
  s += std::string("            loss = ") + out_expr + "\n";
  s += "            loss.backward()\n"
       "            optimizer.step()\n"
       "            total += loss.item() * len(xb)\n"
       "        print(f\"epoch {epoch + 1}: mean loss {total / len(data):.4f}\")\n";
  s += "    model.eval()  # dropout off, batchnorm on running statistics\n"
       "    with torch.no_grad():\n"
       "        print(\"outputs of the first 2 samples:\", model(x[:2].to(device)))\n"
       "    # torch.save(model.state_dict(), \"" +
       cls + ".pt\")  # to keep the trained weights\n";
  *script = std::move(s);
  return true;
}

std::string export_pytorch(const ModelSpec& m, const Network* net, const PytorchExportOptions& opt) {
  std::string script, err;
  if (!export_pytorch(m, net, opt, &script, &err)) return "# cnn-sandbox export failed: " + err + "\n";
  return script;
}

}  // namespace cnn
