// lesson.cpp: the lesson format (cnn/lesson.h): the strict parser, the computed answers of number
// exercises with the usual mistakes, and the live checks of tasks.
#include "cnn/lesson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "cnn/format.h"
#include "cnn/url_state.h"

namespace cnn {

std::string LessonError::to_string() const { return line_column_text(line, column) + message; }

bool lesson_name_ok(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

namespace {

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
  return std::string(s.substr(a, b - a));
}

// Columns count characters, not bytes (UTF-8 continuation bytes do not start one).
int column_of(std::string_view line, size_t byte) {
  int col = 1;
  for (size_t i = 0; i < byte && i < line.size(); i++)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) col++;
  return col;
}

// The pieces of s between the separators (every one, empty ones too), each with its offset in s.
struct Piece {
  std::string text;
  size_t at;
};
std::vector<Piece> split_at(const std::string& s, const std::string& sep) {
  std::vector<Piece> out;
  size_t a = 0;
  for (;;) {
    const size_t b = std::min(s.find(sep, a), s.size());
    out.push_back({s.substr(a, b - a), a});
    if (b == s.size()) return out;
    a = b + sep.size();
  }
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') j++;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_real(const std::string& s, double* v) {
  if (s.empty() || s.size() > 40) return false;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return false;
  *v = d;
  return true;
}

std::string num_text(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 9e15) return with_commas(int64_t(v));
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// ---- quantities ---------------------------------------------------------------------------------
struct Quantity {
  std::string name;
  int layer = 0;             // 1-based; 0 = none (totals, distributions)
  std::vector<double> q, p;  // distributions
  bool bits = false;
};

const char* const kLayerQuantities[] = {"out_h", "out_w",     "out_c", "out_values",  "params",
                                        "rf",    "rf_pixels", "macs",  "fc_same_res", "fc_weights"};
const char* const kTotalQuantities[] = {"params", "macs"};
const char* const kDistQuantities[] = {"entropy", "cross_entropy", "kl", "zero_one"};

bool is_one_of(const std::string& s, const char* const* list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s == list[i]) return true;
  return false;
}

std::string quantity_names() {
  return "out_h L, out_w L, out_c L, out_values L, params [L], rf L, rf_pixels L, macs [L], fc_same_res L, "
         "fc_weights L, entropy q=.., cross_entropy q=.. p=.., kl q=.. p=.., zero_one q=.. p=.. (add 'bits' for log base 2)";
}

bool parse_dist(const std::string& s, std::vector<double>* out, std::string* err) {
  out->clear();
  for (const Piece& p : split_at(s, ",")) {
    double v;
    if (!parse_real(p.text, &v) || v < 0 || v > 1) {
      *err = "'" + s + "' is not a list of probabilities in [0, 1] separated by commas";
      return false;
    }
    out->push_back(v);
    if (out->size() > 100) {
      *err = "a distribution has at most 100 entries";
      return false;
    }
  }
  double sum = 0;
  for (double v : *out) sum += v;
  if (out->size() < 2 || std::fabs(sum - 1) > 1e-6) {
    *err = "'" + s + "' must list at least 2 probabilities that add up to 1";
    return false;
  }
  return true;
}

bool parse_quantity(const std::string& text, Quantity* q, std::string* err) {
  std::vector<std::string> w = split_words(text);
  if (w.empty()) {
    *err = "the answer is empty (one of: " + quantity_names() + ")";
    return false;
  }
  q->name = w[0];
  const bool layerq = is_one_of(q->name, kLayerQuantities, std::size(kLayerQuantities));
  const bool distq = is_one_of(q->name, kDistQuantities, std::size(kDistQuantities));
  if (!layerq && !distq) {
    *err = "'" + q->name + "' is not a quantity the engine computes (" + quantity_names() + ")";
    return false;
  }
  if (layerq) {
    const bool total_ok = is_one_of(q->name, kTotalQuantities, std::size(kTotalQuantities));
    if (w.size() == 1 && total_ok) return true;
    if (w.size() != 2) {
      *err = "'" + q->name + "' takes " + (total_ok ? "an optional" : "one") +
             " layer number (1 = the first line after input, or 'last')";
      return false;
    }
    if (w[1] == "last") {
      q->layer = -1;
      return true;
    }
    double v;
    if (!parse_real(w[1], &v) || v < 1 || v > kMaxLayers || v != std::floor(v)) {
      *err = "'" + w[1] + "' is not a layer number (1 = the first line after input, or 'last')";
      return false;
    }
    q->layer = int(v);
    return true;
  }
  bool has_q = false, has_p = false;
  for (size_t i = 1; i < w.size(); i++) {
    if (w[i] == "bits") {
      q->bits = true;
      continue;
    }
    if (w[i].rfind("q=", 0) == 0 && !has_q) {
      if (!parse_dist(w[i].substr(2), &q->q, err)) return false;
      has_q = true;
      continue;
    }
    if (w[i].rfind("p=", 0) == 0 && !has_p) {
      if (!parse_dist(w[i].substr(2), &q->p, err)) return false;
      has_p = true;
      continue;
    }
    *err = "'" + w[i] + "' is not q=..., p=... or bits";
    return false;
  }
  const bool needs_p = q->name != "entropy";
  if (!has_q || (needs_p && !has_p) || (!needs_p && has_p)) {
    *err = "'" + q->name +
           (needs_p ? "' needs q=... (the true distribution) and p=... (the prediction)" : "' takes q=... only");
    return false;
  }
  if (needs_p && q->q.size() != q->p.size()) {
    *err = "q and p must have as many entries";
    return false;
  }
  return true;
}

double log_base(double x, bool bits) { return bits ? std::log2(x) : std::log(x); }

double entropy_of(const std::vector<double>& q, bool bits) {
  double h = 0;
  for (double v : q)
    if (v > 0) h -= v * log_base(v, bits);
  return h;
}
// +inf when q puts mass where p has none
double cross_entropy_of(const std::vector<double>& q, const std::vector<double>& p, bool bits) {
  double h = 0;
  for (size_t i = 0; i < q.size(); i++) {
    if (q[i] <= 0) continue;
    if (p[i] <= 0) return INFINITY;
    h -= q[i] * log_base(p[i], bits);
  }
  return h;
}
int argmax_of(const std::vector<double>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); }

// The value of a layer quantity on an analyzed model.
bool layer_value(const Quantity& q, const ModelSpec& m, const ModelInfo& info, double* v, std::string* err) {
  if (q.layer == 0) {
    *v = double(q.name == "params" ? info.total_params : info.total_macs);
    return true;
  }
  const int L = q.layer < 0 ? int(m.layers.size()) : q.layer;
  if (L < 1 || L > int(m.layers.size())) {
    *err = "the model has " + std::to_string(m.layers.size()) + " layers after input, so it has no layer " +
           std::to_string(L);
    return false;
  }
  const LayerSpec& ls = m.layers[size_t(L - 1)];
  const LayerInfo& li = info.layers[size_t(L - 1)];
  if ((q.name == "fc_same_res" || q.name == "fc_weights") && ls.kind != LayerKind::conv) {
    *err = "'" + q.name + "' is the dense comparison of a conv layer, and layer " + std::to_string(L) + " is " +
           layer_kind_name(ls.kind);
    return false;
  }
  if (q.name == "out_h") *v = li.out.h;
  else if (q.name == "out_w") *v = li.out.w;
  else if (q.name == "out_c") *v = li.out.c;
  else if (q.name == "out_values") *v = double(li.out.size());
  else if (q.name == "params") *v = double(li.params);
  else if (q.name == "rf") *v = double(li.rf.size[0]);
  else if (q.name == "rf_pixels") *v = double(receptive_field_pixels(li.rf));
  else if (q.name == "macs") *v = double(li.macs);
  else if (q.name == "fc_same_res") *v = double(li.fc_weights_same_res);
  else if (q.name == "fc_weights") *v = double(li.fc_weights);
  return true;
}

bool compute(const Quantity& q, const std::string& model_text, NumberAnswer* out, std::string* err) {
  if (is_one_of(q.name, kDistQuantities, std::size(kDistQuantities))) {
    const char* unit = q.bits ? " bits" : " nats";
    if (q.name == "entropy") {
      out->value = entropy_of(q.q, q.bits);
      out->whole = false;
      out->explain = "H(q) = -sum q log q = " + num_text(out->value) + unit;
    } else if (q.name == "cross_entropy") {
      out->value = cross_entropy_of(q.q, q.p, q.bits);
      out->whole = false;
      out->explain = "H(q, p) = -sum q log p = " + num_text(out->value) + unit;
    } else if (q.name == "kl") {
      out->value = cross_entropy_of(q.q, q.p, q.bits) - entropy_of(q.q, q.bits);
      out->whole = false;
      out->explain = "D(q || p) = H(q, p) - H(q) = " + num_text(out->value) + unit;
    } else {
      out->value = argmax_of(q.p) == argmax_of(q.q) ? 0 : 1;
      out->whole = true;
      out->explain = "arg max p is class " + std::to_string(argmax_of(q.p)) + ", the true class is " +
                     std::to_string(argmax_of(q.q));
    }
    if (!std::isfinite(out->value)) {
      *err = "the answer is infinite: q puts probability where p has none";
      return false;
    }
    return true;
  }
  if (model_text.empty()) {
    *err = "'" + q.name + "' is computed from the lesson's model: add a 'model:' block or a 'preset:' line";
    return false;
  }
  ModelSpec m;
  ModelInfo info;
  SpecError se;
  if (!parse_and_analyze(model_text, &m, &info, &se)) {
    *err = "the model does not analyze: " + se.to_string();
    return false;
  }
  if (!layer_value(q, m, info, &out->value, err)) return false;
  out->whole = true;
  if (q.layer != 0) {
    const int L = q.layer < 0 ? int(m.layers.size()) : q.layer;
    const LayerInfo& li = info.layers[size_t(L - 1)];
    if (q.name == "params" && !li.params_formula.empty())
      out->explain = li.params_formula + " = " + with_commas(li.params);
    else if ((q.name == "out_h" || q.name == "out_w") && !li.shape_formula.empty()) out->explain = li.shape_formula;
    else if (q.name == "out_values") out->explain = shape_text(li.out) + " = " + with_commas(li.out.size());
    else if (q.name == "rf_pixels")
      out->explain = std::to_string(li.rf.size[0]) + " x " + std::to_string(li.rf.size[1]) + " = " +
                     with_commas(receptive_field_pixels(li.rf));
    else if (q.name == "fc_same_res")
      out->explain = std::to_string(li.in.h) + "*" + std::to_string(li.in.w) + "*" + std::to_string(li.in.c) + " * " +
                     std::to_string(li.in.h) + "*" + std::to_string(li.in.w) + "*" + std::to_string(li.out.c) + " = " +
                     with_commas(li.fc_weights_same_res);
  }
  return true;
}

// The usual mistakes for a quantity, each computed from the same model with one thing forgotten.
struct Mistake {
  double value;
  std::string why;
};

std::vector<Mistake> mistakes_for(const Quantity& q, const std::string& model_text, const NumberAnswer& right) {
  std::vector<Mistake> out;
  if (q.name == "entropy") {
    out.push_back(
        {entropy_of(q.q, !q.bits), q.bits ? "that is in nats (natural log); the question asks for bits (log base 2)"
                                          : "that is in bits (log base 2); the natural log gives nats"});
    out.push_back({-right.value, "entropy is never negative: mind the minus sign in -sum q log q"});
    return out;
  }
  if (q.name == "cross_entropy" || q.name == "kl") {
    const double ce = cross_entropy_of(q.q, q.p, q.bits), h = entropy_of(q.q, q.bits);
    const double swapped = cross_entropy_of(q.p, q.q, q.bits);
    out.push_back({q.name == "kl" ? cross_entropy_of(q.q, q.p, !q.bits) - entropy_of(q.q, !q.bits)
                                  : cross_entropy_of(q.q, q.p, !q.bits),
                   q.bits ? "that is in nats (natural log); the question asks for bits"
                          : "that is in bits (log base 2); the loss uses the natural log"});
    if (q.name == "cross_entropy") {
      out.push_back(
          {h,
           "that is the entropy H(q) of the true distribution alone; the cross-entropy adds the KL divergence D(q || p)"});
      out.push_back(
          {ce - h, "that is the KL divergence D(q || p) = H(q, p) - H(q); the cross-entropy also counts H(q)"});
      if (std::isfinite(swapped))
        out.push_back({swapped, "you swapped p and q: the true distribution q weights the logs of the prediction p"});
    } else {
      out.push_back({ce, "that is the cross-entropy H(q, p); the KL divergence subtracts the entropy H(q)"});
      if (std::isfinite(swapped))
        out.push_back({swapped - entropy_of(q.p, q.bits),
                       "that is D(p || q): the divergence is not symmetric, q (the truth) comes first"});
    }
    out.push_back({-right.value, "a cross-entropy or divergence is never negative: mind the minus sign"});
    return out;
  }
  if (q.name == "zero_one") {
    out.push_back({1 - right.value, "the zero-one loss only asks whether arg max p is the true class"});
    return out;
  }
  ModelSpec m;
  ModelInfo info;
  SpecError se;
  if (!parse_and_analyze(model_text, &m, &info, &se)) return out;
  const int L = q.layer < 0 ? int(m.layers.size()) : q.layer;
  auto value_of = [&](const ModelSpec& changed, double* v) {
    ModelInfo ci;
    SpecError e;
    std::string err;
    return analyze_model(changed, &ci, &e) && layer_value(q, changed, ci, v, &err);
  };
  auto layer_name = [&](int j) {
    return "layer " + std::to_string(j) + " (" + layer_to_text(m.layers[size_t(j - 1)]) + ")";
  };

  if (q.name == "params" || q.name == "macs" || q.name == "fc_same_res" || q.name == "fc_weights") {
    int64_t biases = 0;
    const int from = q.layer == 0 ? 1 : L, to = q.layer == 0 ? int(m.layers.size()) : L;
    for (int j = from; j <= to; j++) {
      const LayerSpec& l = m.layers[size_t(j - 1)];
      if ((l.kind == LayerKind::conv || l.kind == LayerKind::dense) && l.bias)
        biases += info.layers[size_t(j - 1)].out.c;
    }
    if (q.name == "params") {
      if (biases > 0)
        out.push_back({right.value - double(biases),
                       "that is the count without the biases (one per map or unit: " + with_commas(biases) + ")"});
      if (q.layer != 0) {
        const LayerSpec& l = m.layers[size_t(L - 1)];
        const LayerInfo& li = info.layers[size_t(L - 1)];
        if ((l.kind == LayerKind::conv || l.kind == LayerKind::dense) && li.out.c > 1)
          out.push_back(
              {right.value / li.out.c, "that is one " + std::string(l.kind == LayerKind::conv ? "map's" : "unit's") +
                                           " parameters; the layer has " + std::to_string(li.out.c) + " of them"});
        if (l.kind == LayerKind::conv && li.in.c > 1) {
          const double no_c = double(int64_t(l.kh) * l.kw + (l.bias ? 1 : 0)) * li.out.c;
          out.push_back({no_c, "you forgot the input channels: each kernel is " + std::to_string(l.kh) + "x" +
                                   std::to_string(l.kw) + "x" + std::to_string(li.in.c) +
                                   ", one slice per input channel"});
        }
      }
    }
    if (q.name == "macs" && q.layer != 0) {
      out.push_back({double(info.layers[size_t(L - 1)].params),
                     "that is the parameter count: each weight is used once at every output position"});
    }
    if (q.name == "fc_same_res" || q.name == "fc_weights")
      out.push_back({double(info.layers[size_t(L - 1)].params),
                     "that is the conv layer's own count; the question asks what a dense layer would need"});
    return out;
  }
  if (q.name == "out_h" || q.name == "out_w" || q.name == "out_values") {
    for (int j = 1; j <= L; j++) {
      const LayerSpec& l = m.layers[size_t(j - 1)];
      const LayerInfo& li = info.layers[size_t(j - 1)];
      if (li.pad.top + li.pad.bottom + li.pad.left + li.pad.right > 0) {
        ModelSpec c = m;
        c.layers[size_t(j - 1)].padding = Padding::explicit_pad;
        c.layers[size_t(j - 1)].ph = c.layers[size_t(j - 1)].pw = 0;
        double v;
        if (value_of(c, &v))
          out.push_back({v, "you forgot the padding of " + layer_name(j) + ": " + std::to_string(li.pad.top) +
                                " extra rows above and " + std::to_string(li.pad.bottom) + " below"});
      }
      if (l.sh > 1 || l.sw > 1) {
        ModelSpec c = m;
        c.layers[size_t(j - 1)].sh = c.layers[size_t(j - 1)].sw = 1;
        double v;
        if (value_of(c, &v))
          out.push_back({v, "you forgot the stride of " + layer_name(j) + ": the window moves " + std::to_string(l.sh) +
                                " pixels at a time"});
      }
    }
    const LayerSpec& l = m.layers[size_t(L - 1)];
    const LayerInfo& li = info.layers[size_t(L - 1)];
    const bool rows = q.name != "out_w";
    const int n = rows ? li.in.h : li.in.w, k = rows ? (l.dh * (l.kh - 1) + 1) : (l.dw * (l.kw - 1) + 1);
    const int s = rows ? l.sh : l.sw, pads = rows ? li.pad.top + li.pad.bottom : li.pad.left + li.pad.right;
    const bool windowed = l.kind == LayerKind::conv || l.kind == LayerKind::maxpool || l.kind == LayerKind::avgpool;
    if (windowed && s > 0) {
      const double exact = double(n + pads - k) / s;
      const double per_map = q.name == "out_values" ? double(rows ? li.out.w : li.out.h) * li.out.c : 1;
      if (exact != std::floor(exact))
        out.push_back({(std::ceil(exact) + 1) * per_map,
                       "the division rounds down: a window that would run past the padded input is not used (" +
                           num_text(n + pads - k) + "/" + std::to_string(s) + " = " + num_text(exact) + ")"});
      out.push_back({std::floor(exact) * per_map, "you forgot the +1: the first window's position counts too"});
    }
    if (q.name == "out_values" && li.out.c > 1)
      out.push_back({double(li.out.h) * li.out.w,
                     "that is the size of one map; there are " + std::to_string(li.out.c) + " maps"});
    return out;
  }
  if (q.name == "rf" || q.name == "rf_pixels") {
    // the kernels added up as if every stride were 1
    int64_t naive = 1;
    for (int j = 1; j <= L; j++) {
      const LayerSpec& l = m.layers[size_t(j - 1)];
      if (l.kind == LayerKind::conv || l.kind == LayerKind::maxpool || l.kind == LayerKind::avgpool)
        naive += int64_t(l.dh) * (l.kh - 1);
    }
    const LayerInfo& li = info.layers[size_t(L - 1)];
    const double side = double(li.rf.size[0]), area = double(receptive_field_pixels(li.rf));
    if (q.name == "rf") {
      out.push_back(
          {double(naive),
           "you ignored the strides: after a stride-s layer, the next kernel's taps are s input pixels apart"});
      out.push_back({area, "that is the area in pixels; the question asks for the side (rows)"});
    } else {
      out.push_back(
          {double(naive * naive),
           "you ignored the strides: after a stride-s layer, the next kernel's taps are s input pixels apart"});
      out.push_back({side, "that is the side; the field covers side x side = " + num_text(area) + " pixels"});
    }
    return out;
  }
  return out;
}

bool close_enough(double typed, double right, bool whole, double tol) {
  if (whole && tol == 0) return typed == right;
  if (tol > 0) return std::fabs(typed - right) <= tol * std::max(std::fabs(right), 1e-12);
  return std::fabs(typed - right) <= std::max(0.01 * std::fabs(right), 0.005);
}

// ---- tasks ------------------------------------------------------------------------------------------
// The model's side of a task: what its text's analysis says (model_facts, below).
struct ModelFacts {
  bool ok = false;  // the text parses and analyzes
  int64_t params = 0, layers = 0, conv = 0, pool = 0, maxpool = 0, dense = 0;
  int64_t rf_last = 0, final_map = 0;
};

// Every variable a task can check but `data` and the settings' link keys: its name in a lesson
// file, what the verdict line calls it, how its value is written, and where the value is: the lab
// (NaN until measured) or the model's analysis (none while the model does not analyze).
enum class TaskUnit { number, percent, yes_no };
struct TaskVar {
  const char* name;
  const char* shown;
  TaskUnit unit;
  double (*of_lab)(const LessonLab& lab);
  int64_t ModelFacts::*of_model;
};
double measured(double v) { return v >= 0 ? v : std::nan(""); }  // the lab's -1: not yet
const TaskVar kTaskVars[] = {
    {"test_accuracy", "test accuracy", TaskUnit::percent, [](const LessonLab& l) { return measured(l.test_accuracy); },
     nullptr},
    {"train_accuracy", "training accuracy", TaskUnit::percent,
     [](const LessonLab& l) { return measured(l.train_accuracy); }, nullptr},
    {"overfit_gap", "training minus test accuracy", TaskUnit::percent,
     [](const LessonLab& l) { return measured(l.train_accuracy) - measured(l.test_accuracy); }, nullptr},
    {"train_loss", "training loss", TaskUnit::number, [](const LessonLab& l) { return measured(l.train_loss); },
     nullptr},
    {"steps", "steps trained", TaskUnit::number, [](const LessonLab& l) { return double(l.steps); }, nullptr},
    {"diverged", "diverged", TaskUnit::yes_no, [](const LessonLab& l) { return l.diverged ? 1.0 : 0.0; }, nullptr},
    {"params", "parameters", TaskUnit::number, nullptr, &ModelFacts::params},
    {"layers", "layers", TaskUnit::number, nullptr, &ModelFacts::layers},
    {"conv_layers", "conv layers", TaskUnit::number, nullptr, &ModelFacts::conv},
    {"pool_layers", "pooling layers", TaskUnit::number, nullptr, &ModelFacts::pool},
    {"maxpool_layers", "max-pooling layers", TaskUnit::number, nullptr, &ModelFacts::maxpool},
    {"dense_layers", "dense layers", TaskUnit::number, nullptr, &ModelFacts::dense},
    {"rf_last", "receptive field of the last map", TaskUnit::number, nullptr, &ModelFacts::rf_last},
    {"final_map", "size of the last map", TaskUnit::number, nullptr, &ModelFacts::final_map},
};
const TaskVar* find_task_var(const std::string& name) {
  for (const TaskVar& v : kTaskVars)
    if (name == v.name) return &v;
  return nullptr;
}
const char* const kOps[] = {">=", "<=", "!=", "=", ">", "<"};

bool parse_condition(const std::string& text, int column, TaskCondition* c, std::string* err) {
  size_t at = std::string::npos, len = 0;
  for (const char* op : kOps) {
    size_t p = text.find(op);
    if (p != std::string::npos && (at == std::string::npos || p < at || (p == at && std::strlen(op) > len))) {
      at = p;
      len = std::strlen(op);
    }
  }
  if (at == std::string::npos) {
    *err = "'" + text + "' is not 'variable op value' (op: >=, <=, >, <, =, !=)";
    return false;
  }
  c->var = trim(text.substr(0, at));
  c->op = text.substr(at, len);
  c->value = trim(text.substr(at + len));
  c->column = column;
  const bool known = find_task_var(c->var) || c->var == "data" || setting_find_url_key(c->var) >= 0;
  if (!known) {
    *err = "'" + c->var + "' is not a variable a task can check (" + lesson_task_variables() + ")";
    return false;
  }
  if (c->value.empty()) {
    *err = "'" + text + "' has no value after " + c->op;
    return false;
  }
  if (c->var == "data") {
    if (c->op != "=" && c->op != "!=") {
      *err = "data compares with = or != only";
      return false;
    }
    if (!lesson_name_ok(c->value)) {
      *err = "'" + c->value + "' is not a dataset name";
      return false;
    }
    return true;
  }
  const int si = setting_find_url_key(c->var);
  if (si >= 0 && setting_info(si).kind == SettingKind::choice) {
    Settings s;
    std::string e;
    if (!setting_parse(si, c->value, &s, &e)) {
      *err = c->var + ": " + e;
      return false;
    }
    c->number = setting_get(s, si);
    return true;
  }
  if (!parse_real(c->value, &c->number)) {
    *err = "'" + c->value + "' is not a number";
    return false;
  }
  return true;
}

bool parse_check(const std::string& text, int column, std::vector<TaskCondition>* out, std::string* err) {
  out->clear();
  for (const Piece& p : split_at(text, " and ")) {
    TaskCondition c;
    if (!parse_condition(p.text, column + int(p.at), &c, err)) return false;
    out->push_back(c);
    if (out->size() > 8) {
      *err = "a task checks at most 8 conditions";
      return false;
    }
  }
  return true;
}

// ---- the file -----------------------------------------------------------------------------------
struct Entry {
  std::string key, value;  // value: inline part + continuation (joined per key)
  int line = 0, value_column = 0;
};

const char* const kLessonKeys[] = {"title", "notes", "text", "model", "preset", "data", "settings", "panel"};
const char* const kExerciseKeys[] = {"exercise", "ask",   "answer", "tolerance", "unit", "hint",
                                     "right",    "wrong", "why",    "check",     "done"};
const char* const kLeftPanels[] = {"designer", "analysis", "data"};
const char* const kRightPanels[] = {"curves", "inside", "backprop", "notes"};
const char* const kInsideViews[] = {"filters", "maps", "field", "predict", "confusion", "boundary", "dynamics"};
const char* const kNotesViews[] = {"figure1", "figure5", "zero-one", "figure3"};

bool fail(LessonError* err, int line, int column, const std::string& msg) {
  if (err) {
    err->line = line;
    err->column = column;
    err->message = msg;
  }
  return false;
}

std::string join_list(const char* const* list, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; i++) s += (i ? ", " : "") + std::string(list[i]);
  return s;
}

}  // namespace

std::string lesson_task_variables() {
  std::string s;
  for (const TaskVar& v : kTaskVars) s += v.name + std::string(", ");
  return s + "data and the settings' link keys (lr, batch, opt, ...)";
}

std::string lesson_model_text(const Lesson& l, const PresetLookup& presets) {
  if (!l.model.empty()) return l.model;
  std::string t;
  if (!l.preset.empty() && presets && presets(l.preset, &t)) return t;
  return "";
}

bool parse_lesson(std::string_view text, const std::string& name, const PresetLookup& presets, Lesson* out,
                  LessonError* err) {
  if (text.size() > kMaxLessonBytes)
    return fail(err, 0, 0,
                "the lesson file is " + with_commas(int64_t(text.size())) + " bytes; a lesson has at most " +
                    with_commas(int64_t(kMaxLessonBytes)));
  // lines, checked for characters
  std::vector<std::string_view> lines;
  {
    size_t a = 0;
    while (a <= text.size()) {
      size_t b = text.find('\n', a);
      if (b == std::string_view::npos) b = text.size();
      std::string_view l = text.substr(a, b - a);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lines.push_back(l);
      a = b + 1;
    }
  }
  for (size_t i = 0; i < lines.size(); i++) {
    std::string_view l = lines[i];
    for (size_t j = 0; j < l.size(); j++) {
      const unsigned char c = static_cast<unsigned char>(l[j]);
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return fail(err, int(i) + 1, column_of(l, j),
                    "a control character (byte " + std::to_string(c) + ") is not allowed in a lesson");
      if (c >= 0x80) {  // UTF-8: a lead byte and its continuation bytes
        int n = (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        bool ok = n > 0 && c >= 0xC2 && c <= 0xF4 && j + size_t(n) < l.size() + 1;
        for (int k = 1; ok && k <= n; k++)
          ok = j + size_t(k) < l.size() && (static_cast<unsigned char>(l[j + size_t(k)]) & 0xC0) == 0x80;
        if (!ok) return fail(err, int(i) + 1, column_of(l, j), "the text is not valid UTF-8 here");
        j += size_t(n);
      }
    }
  }
  auto indented = [](std::string_view l) { return !l.empty() && (l[0] == ' ' || l[0] == '\t'); };
  auto blank = [](std::string_view l) { return l.find_first_not_of(" \t") == std::string_view::npos; };

  // entries: `key: value` at column 1, then the indented (and blank) lines below it
  std::vector<Entry> entries;
  for (size_t i = 0; i < lines.size();) {
    std::string_view l = lines[i];
    if (blank(l) || l[0] == '#') {
      i++;
      continue;
    }
    if (indented(l))
      return fail(err, int(i) + 1, 1,
                  "an indented line continues the value of the key above it, but no key comes before it");
    size_t k = 0;
    while (k < l.size() && ((l[k] >= 'a' && l[k] <= 'z') || l[k] == '_')) k++;
    if (k == 0 || k >= l.size() || l[k] != ':')
      return fail(err, int(i) + 1, column_of(l, k),
                  "expected 'key: value' (a key in lower-case letters, then ':'), or an indented line under a key");
    Entry e;
    e.key = std::string(l.substr(0, k));
    e.line = int(i) + 1;
    const bool lesson_key = is_one_of(e.key, kLessonKeys, std::size(kLessonKeys));
    if (!lesson_key && !is_one_of(e.key, kExerciseKeys, std::size(kExerciseKeys)))
      return fail(err, e.line, 1,
                  "unknown key '" + e.key + "' (lesson keys: " + join_list(kLessonKeys, std::size(kLessonKeys)) +
                      "; exercise keys: " + join_list(kExerciseKeys, std::size(kExerciseKeys)) + ")");
    size_t v = k + 1;
    while (v < l.size() && (l[v] == ' ' || l[v] == '\t')) v++;
    e.value_column = column_of(l, v);
    std::string inline_part = trim(l.substr(k + 1));
    // continuation lines
    std::vector<std::string_view> more;
    size_t j = i + 1;
    while (j < lines.size() && (blank(lines[j]) || indented(lines[j]))) more.push_back(lines[j++]);
    while (!more.empty() && blank(more.back())) { more.pop_back(); }
    i = i + 1 + more.size();
    if (e.key == "model") {
      if (!inline_part.empty())
        return fail(err, e.line, e.value_column,
                    "the model text goes on the indented lines below 'model:', one layer per line");
      size_t indent = std::string::npos;
      for (std::string_view m : more)
        if (!blank(m)) indent = std::min(indent, m.find_first_not_of(" \t"));
      for (std::string_view m : more)
        e.value += std::string(blank(m) ? std::string_view() : m.substr(std::min(indent, m.size()))) + "\n";
      e.value_column = int(indent == std::string::npos ? 1 : indent + 1);  // of the model lines
    } else {
      std::string para = inline_part;
      bool new_paragraph = false;  // a blank line was seen since the last text
      for (std::string_view m : more) {
        if (blank(m)) {
          new_paragraph = !para.empty();
          continue;
        }
        if (!para.empty()) para += new_paragraph ? "\n\n" : " ";
        para += trim(m);
        new_paragraph = false;
      }
      e.value = para;
    }
    entries.push_back(std::move(e));
  }

  Lesson les;
  les.name = name;
  Exercise* ex = nullptr;
  LessonOption* opt = nullptr;
  std::vector<std::string> seen;  // keys given once, in the current block (lesson or exercise)
  auto once = [&](const Entry& e) {
    if (std::find(seen.begin(), seen.end(), e.key) != seen.end()) return false;
    seen.push_back(e.key);
    return true;
  };
  for (const Entry& e : entries) {
    const bool lesson_key = is_one_of(e.key, kLessonKeys, std::size(kLessonKeys));
    if (lesson_key && ex)
      return fail(err, e.line, 1, "'" + e.key + ":' describes the whole lesson: put it above the first 'exercise:'");
    if (!lesson_key && e.key != "exercise" && !ex)
      return fail(
          err, e.line, 1,
          "'" + e.key +
              ":' belongs to an exercise: start one above it with 'exercise: number', 'exercise: choice' or 'exercise: task'");
    const bool repeatable = e.key == "panel" || e.key == "hint" || e.key == "right" || e.key == "wrong" ||
                            e.key == "why" || e.key == "exercise";
    if (!repeatable && !once(e))
      return fail(err, e.line, 1, "'" + e.key + ":' is given twice" + (ex ? " in this exercise" : ""));
    const bool needs_value = e.key != "model";
    if (needs_value && e.value.empty()) return fail(err, e.line, e.value_column, "'" + e.key + ":' has no value");
    if (e.value.size() > 8000)
      return fail(err, e.line, e.value_column, "'" + e.key + ":' is longer than 8,000 characters");

    if (e.key == "title") {
      if (e.value.size() > 120) return fail(err, e.line, e.value_column, "the title is longer than 120 characters");
      les.title = e.value;
    } else if (e.key == "notes") {
      les.notes = e.value;
    } else if (e.key == "text") {
      size_t a = 0;
      while (a < e.value.size()) {
        size_t b = e.value.find("\n\n", a);
        if (b == std::string::npos) b = e.value.size();
        if (b > a) les.paragraphs.push_back(e.value.substr(a, b - a));
        a = b + 2;
      }
    } else if (e.key == "model") {
      if (e.value.empty())
        return fail(err, e.line, 1, "'model:' has no model text: put its layers on indented lines below it");
      ModelSpec m;
      ModelInfo info;
      SpecError se;
      if (!parse_and_analyze(e.value, &m, &info, &se)) {
        const int line = se.line > 0 ? e.line + se.line : e.line;
        return fail(err, line, se.column > 0 ? se.column + e.value_column - 1 : 0,
                    "the lesson's model: " + se.message + (se.hint.empty() ? "" : " (hint: " + se.hint + ")"));
      }
      les.model = e.value;
      les.model_line = e.line + 1;
    } else if (e.key == "preset") {
      if (!lesson_name_ok(e.value))
        return fail(err, e.line, e.value_column,
                    "'" + e.value + "' is not a preset name (letters, digits, '-' and '_')");
      std::string t;
      if (presets && !presets(e.value, &t))
        return fail(err, e.line, e.value_column, "there is no preset '" + e.value + "'");
      les.preset = e.value;
    } else if (e.key == "data") {
      if (!lesson_name_ok(e.value))
        return fail(err, e.line, e.value_column,
                    "'" + e.value + "' is not a dataset name (letters, digits, '-' and '_')");
      les.data = e.value;
    } else if (e.key == "settings") {
      std::string frag;
      for (const std::string& w : split_words(e.value)) frag += (frag.empty() ? "" : "&") + w;
      UrlState u;
      std::string uerr;
      if (!url_state_decode(frag, &u, &uerr)) return fail(err, e.line, e.value_column, "settings: " + uerr);
      if (u.has_model || u.has_preset || u.has_data)
        return fail(err, e.line, e.value_column,
                    "settings: takes training settings only (" + url_state_keys() +
                        " minus model, preset, data: those have their own lines)");
      les.settings = frag;
      les.settings_values = u.settings;
      les.settings_given = u.given;
    } else if (e.key == "panel") {
      std::vector<std::string> w = split_words(e.value);
      const bool left = is_one_of(w[0], kLeftPanels, std::size(kLeftPanels)),
                 right = is_one_of(w[0], kRightPanels, std::size(kRightPanels));
      if (!left && !right)
        return fail(err, e.line, e.value_column,
                    "'" + w[0] + "' is not a panel (" + join_list(kLeftPanels, std::size(kLeftPanels)) + ", " +
                        join_list(kRightPanels, std::size(kRightPanels)) + ")");
      if (w.size() > 2) return fail(err, e.line, e.value_column, "'panel:' takes a panel and at most one view of it");
      if (w.size() == 2) {
        const bool ok = (w[0] == "inside" && is_one_of(w[1], kInsideViews, std::size(kInsideViews))) ||
                        (w[0] == "notes" && is_one_of(w[1], kNotesViews, std::size(kNotesViews)));
        if (!ok)
          return fail(err, e.line, e.value_column + int(w[0].size()) + 1,
                      "'" + w[1] + "' is not a view of " + w[0] +
                          (w[0] == "inside"  ? " (" + join_list(kInsideViews, std::size(kInsideViews)) + ")"
                           : w[0] == "notes" ? " (" + join_list(kNotesViews, std::size(kNotesViews)) + ")"
                                             : " (it has none)"));
      }
      if (les.panels.size() >= 2) return fail(err, e.line, 1, "a lesson opens at most 2 panels (one on each side)");
      les.panels.push_back(w.size() == 2 ? w[0] + " " + w[1] : w[0]);
    } else if (e.key == "exercise") {
      if (int(les.exercises.size()) >= kMaxExercises)
        return fail(err, e.line, 1, "a lesson has at most " + std::to_string(kMaxExercises) + " exercises");
      Exercise x;
      if (e.value == "number") x.kind = ExerciseKind::number;
      else if (e.value == "choice") x.kind = ExerciseKind::choice;
      else if (e.value == "task") x.kind = ExerciseKind::task;
      else
        return fail(err, e.line, e.value_column,
                    "'" + e.value + "' is not a kind of exercise (number, choice or task)");
      x.line = e.line;
      x.id = "e" + std::to_string(les.exercises.size() + 1);
      les.exercises.push_back(x);
      ex = &les.exercises.back();
      opt = nullptr;
      seen.clear();
    } else {
      const char* kind = ex->kind == ExerciseKind::number   ? "number"
                         : ex->kind == ExerciseKind::choice ? "choice"
                                                            : "task";
      auto only = [&](ExerciseKind k) {
        return ex->kind == k ? true
                             : fail(err, e.line, 1, "'" + e.key + ":' does not belong to a " + kind + " exercise");
      };
      if (e.key == "ask") ex->ask = e.value;
      else if (e.key == "hint") {
        if (ex->hints.size() >= 5) return fail(err, e.line, 1, "an exercise has at most 5 hints");
        ex->hints.push_back(e.value);
      } else if (e.key == "answer") {
        if (!only(ExerciseKind::number)) return false;
        ex->answer = e.value;
        ex->answer_line = e.line;
        Quantity q;
        std::string qerr;
        if (!parse_quantity(e.value, &q, &qerr)) return fail(err, e.line, e.value_column, qerr);
      } else if (e.key == "tolerance") {
        if (!only(ExerciseKind::number)) return false;
        double t;
        if (!parse_real(e.value, &t) || t <= 0 || t > 0.5)
          return fail(err, e.line, e.value_column, "the tolerance is a relative error in (0, 0.5], e.g. 0.01 for 1 %");
        ex->tolerance = t;
      } else if (e.key == "unit") {
        if (!only(ExerciseKind::number)) return false;
        if (e.value.size() > 32) return fail(err, e.line, e.value_column, "a unit is at most 32 characters");
        ex->unit = e.value;
      } else if (e.key == "right" || e.key == "wrong") {
        if (!only(ExerciseKind::choice)) return false;
        if (opt && opt->why.empty())
          return fail(err, opt->line, 1, "this option has no 'why:' line below it: every option explains itself");
        if (ex->options.size() >= 8) return fail(err, e.line, 1, "a choice has at most 8 options");
        LessonOption o;
        o.text = e.value;
        o.right = e.key == "right";
        o.line = e.line;
        ex->options.push_back(o);
        opt = &ex->options.back();
      } else if (e.key == "why") {
        if (!only(ExerciseKind::choice)) return false;
        if (!opt || !opt->why.empty())
          return fail(err, e.line, 1,
                      "'why:' explains the option just above it ('right:' or 'wrong:'), and there is none without one");
        opt->why = e.value;
      } else if (e.key == "check") {
        if (!only(ExerciseKind::task)) return false;
        std::string cerr;
        if (!parse_check(e.value, e.value_column, &ex->conditions, &cerr))
          return fail(err, e.line, e.value_column, cerr);
        ex->check = e.value;
      } else if (e.key == "done") {
        if (!only(ExerciseKind::task)) return false;
        ex->done = e.value;
      }
    }
  }

  // the whole lesson
  if (les.title.empty()) return fail(err, 1, 1, "the lesson has no 'title:' line");
  if (!les.model.empty() && !les.preset.empty())
    return fail(err, les.model_line - 1, 1, "a lesson sets up either a 'model:' or a 'preset:', not both");
  const std::string model_text = lesson_model_text(les, presets);
  for (Exercise& x : les.exercises) {
    if (x.ask.empty()) return fail(err, x.line, 1, "this exercise has no 'ask:' line (the question)");
    if (x.kind == ExerciseKind::number) {
      if (x.answer.empty())
        return fail(
            err, x.line, 1,
            "this number exercise has no 'answer:' line (the quantity the engine computes: " + quantity_names() + ")");
      Quantity q;
      std::string qerr;
      parse_quantity(x.answer, &q, &qerr);
      NumberAnswer a;
      const bool needs_model = !is_one_of(q.name, kDistQuantities, std::size(kDistQuantities));
      if (needs_model && model_text.empty() && !les.preset.empty())
        continue;  // no presets to look in: checked by the page
      if (!compute(q, model_text, &a, &qerr))
        return fail(err, x.answer_line, 1, "the answer cannot be computed: " + qerr);
    } else if (x.kind == ExerciseKind::choice) {
      if (x.options.size() < 2)
        return fail(err, x.line, 1, "a choice needs at least 2 options ('right:' and 'wrong:' lines)");
      if (x.options.back().why.empty())
        return fail(err, x.options.back().line, 1,
                    "this option has no 'why:' line below it: every option explains itself");
      bool any = false;
      for (const LessonOption& o : x.options) any |= o.right;
      if (!any) return fail(err, x.line, 1, "this choice has no 'right:' option");
    } else {
      if (x.conditions.empty())
        return fail(err, x.line, 1,
                    "this task has no 'check:' line (e.g. check: test_accuracy >= 0.9 and params <= 20000)");
    }
  }
  *out = std::move(les);
  return true;
}

bool lesson_compute(const std::string& quantity, const std::string& model_text, NumberAnswer* out, std::string* err) {
  Quantity q;
  if (!parse_quantity(quantity, &q, err)) return false;
  NumberAnswer a;
  if (!compute(q, model_text, &a, err)) return false;
  *out = a;
  return true;
}

// The length of `word` at the start of `s` when a punctuation mark or the end follows it, else 0.
static size_t opening_word(const std::string& s, const char* word) {
  const size_t n = std::strlen(word);
  if (s.compare(0, n, word) != 0) return 0;
  if (s.size() == n || std::strchr(".,:;!", s[n])) return n;
  return 0;
}

std::string lesson_choice_verdict(const LessonOption& o) {
  const char* verdict = o.right ? "Right" : "Not this one";
  for (const char* w : o.right ? std::initializer_list<const char*>{"Right", "Yes", "Correct"}
                               : std::initializer_list<const char*>{"Not this one", "No", "Wrong", "Not quite"})
    if (const size_t n = opening_word(o.why, w)) return verdict + o.why.substr(n);
  return std::string(verdict) + ". " + o.why;
}

NumberVerdict lesson_check_number(const Exercise& e, const std::string& model_text, const std::string& typed) {
  NumberVerdict v;
  std::string clean;
  for (char c : typed)
    if (c != ',' && c != ' ' && c != '_' && c != '\t' && c != '\'') clean += c;
  double x;
  if (!parse_real(clean, &x)) {
    v.message = clean.empty()
                    ? "Type a number first."
                    : "'" + typed.substr(0, 40) + "' is not a number: type one number (commas are fine: 34,944).";
    return v;
  }
  v.parsed = true;
  Quantity q;
  std::string err;
  NumberAnswer a;
  if (!parse_quantity(e.answer, &q, &err) || !compute(q, model_text, &a, &err)) {
    v.message = "This exercise cannot be checked: " + err;
    return v;
  }
  if (close_enough(x, a.value, a.whole, e.tolerance)) {
    v.correct = true;
    v.message = "Right: " + num_text(a.value) + (a.explain.empty() ? "." : " (" + a.explain + ").");
    return v;
  }
  for (const Mistake& m : mistakes_for(q, model_text, a))
    if (std::isfinite(m.value) && !close_enough(m.value, a.value, a.whole, e.tolerance) &&
        close_enough(x, m.value, a.whole, e.tolerance)) {
      v.message = "Not quite: " + m.why + ".";
      return v;
    }
  v.message = std::string("Not quite: ") + (x < a.value ? "too small" : "too large") +
              ". Try again, or ask for a hint.";
  return v;
}

// ---- tasks ------------------------------------------------------------------------------------------
namespace {

ModelFacts model_facts(const std::string& text) {
  ModelFacts f;
  ModelSpec m;
  ModelInfo info;
  SpecError se;
  if (!parse_and_analyze(text, &m, &info, &se)) return f;
  f.ok = true;
  f.params = info.total_params;
  f.layers = int64_t(m.layers.size());
  f.final_map = m.input.h;
  f.rf_last = 1;
  for (size_t i = 0; i < m.layers.size(); i++) {
    const LayerKind k = m.layers[i].kind;
    f.conv += k == LayerKind::conv;
    f.maxpool += k == LayerKind::maxpool;
    f.pool += k == LayerKind::maxpool || k == LayerKind::avgpool;
    f.dense += k == LayerKind::dense;
    // the last layer that still has a map: its units' receptive field and its size
    if (!info.layers[i].rf.whole_input &&
        (k == LayerKind::conv || k == LayerKind::maxpool || k == LayerKind::avgpool)) {
      f.rf_last = std::min(info.layers[i].rf.size[0], info.layers[i].rf.size[1]);
      f.final_map = info.layers[i].out.h;
    }
  }
  return f;
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", v * 100);
  return b;
}

}  // namespace

TaskVerdict lesson_check_task(const Exercise& e, const LessonLab& lab) {
  TaskVerdict v;
  v.met = true;
  const ModelFacts f = model_facts(lab.model_text);
  for (const TaskCondition& c : e.conditions) {
    if (c.var == "data") {
      const bool ok = c.op == "=" ? lab.data == c.value : lab.data != c.value;
      v.lines.push_back("dataset " + lab.data + " (needs " + c.op + " " + c.value + "): " + (ok ? "yes" : "not yet"));
      v.met &= ok;
      continue;
    }
    const TaskVar* tv = find_task_var(c.var);
    const int si = tv ? -1 : setting_find_url_key(c.var);
    const TaskUnit unit = tv ? tv->unit : TaskUnit::number;
    double x = 0;
    bool have = true;
    std::string shown;
    if (tv) {
      x = tv->of_lab ? tv->of_lab(lab) : f.ok ? double(f.*tv->of_model) : std::nan("");
      have = !std::isnan(x);
      shown = tv->shown;
    } else if (si >= 0) {
      x = setting_get(lab.settings, si);
      shown = setting_info(si).label;
    }
    bool ok = false;
    if (have) {
      if (c.op == ">=") ok = x >= c.number;
      else if (c.op == "<=") ok = x <= c.number;
      else if (c.op == ">") ok = x > c.number;
      else if (c.op == "<") ok = x < c.number;
      else if (c.op == "=") ok = x == c.number;
      else ok = x != c.number;
    }
    auto text = [unit](double y) -> std::string {
      return unit == TaskUnit::percent ? pct(y) : unit == TaskUnit::yes_no ? (y != 0 ? "yes" : "no") : num_text(y);
    };
    const std::string val = have ? text(x) : tv && tv->of_model ? "the model does not analyze" : "none yet";
    const std::string want = si >= 0 && setting_info(si).kind == SettingKind::choice ? c.value : text(c.number);
    v.lines.push_back(shown + " " + val + " (needs " + c.op + " " + want + "): " + (ok ? "yes" : "not yet"));
    v.met &= ok;
  }
  return v;
}

bool parse_lesson_index(std::string_view text, std::vector<std::string>* names, std::string* err) {
  std::vector<std::string> out;
  int line = 0;
  size_t a = 0;
  while (a < text.size()) {
    size_t b = text.find('\n', a);
    if (b == std::string_view::npos) b = text.size();
    line++;
    std::string l = trim(text.substr(a, b - a));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    a = b + 1;
    if (l.empty() || l[0] == '#') continue;
    if (l.size() > 4 && l.compare(l.size() - 4, 4, ".txt") == 0) l.resize(l.size() - 4);
    if (!lesson_name_ok(l)) {
      *err = "lessons/index.txt, line " + std::to_string(line) + ": '" + l.substr(0, 64) +
             "' is not a lesson name (letters, digits, '-' and '_')";
      return false;
    }
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
    if (out.size() > 200) {
      *err = "lessons/index.txt lists more than 200 lessons";
      return false;
    }
  }
  *names = std::move(out);
  return true;
}

}  // namespace cnn
