// diagnose.cpp: the loss in use and its unit, model/data notices, run diagnoses (see diagnose.h).
#include "cnn/diagnose.h"

#include "cnn/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cnn {

namespace {

std::string fmt_g(double v, int digits = 3) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*g", digits, v);
  return b;
}

bool ends_with(const ModelSpec& m, LayerKind k) { return !m.layers.empty() && m.layers.back().kind == k; }

int64_t outputs_of(const ModelSpec& m, const ModelInfo& info) {
  return m.layers.empty() || info.layers.empty() ? info.input.size() : info.layers.back().out.size();
}

float median(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

const char* loss_unit(LossKind k) { return k == LossKind::quadratic ? "squared output units" : "nats"; }

std::string loss_label(LossKind k, int64_t outputs) {
  switch (k) {
    case LossKind::cross_entropy: return "cross-entropy, nats";
    case LossKind::binary_cross_entropy: return "binary cross-entropy, nats";
    case LossKind::quadratic:
      return "quadratic (squared error summed over " + with_commas(outputs) + (outputs == 1 ? " output)" : " outputs)");
  }
  return "?";
}

std::string nats_vs_bits_note() {
  return "Losses here are in nats (natural logarithm); the notes' figures use bits (log base 2). "
         "The same loss in bits is the value in nats divided by ln 2 = 0.693 (1 bit = 0.693 nats): "
         "-log(1/2) is 1 bit = 0.693 nats.";
}

std::vector<LossKind> losses_that_fit(const ModelSpec& m, const ModelInfo& info, int num_classes) {
  std::vector<LossKind> out;
  const int64_t k = outputs_of(m, info);
  const LossKind def = default_loss(m);
  if (num_classes <= 0) {
    out.push_back(LossKind::quadratic);  // regression: targets are numbers
    return out;
  }
  if (def == LossKind::cross_entropy && k == num_classes) out.push_back(LossKind::cross_entropy);
  if (def == LossKind::binary_cross_entropy && num_classes == 2) out.push_back(LossKind::binary_cross_entropy);
  if (k == num_classes) out.push_back(LossKind::quadratic);  // against one-hot labels
  return out;
}

ModelDataNotice model_data_notice(const ModelSpec& m, const ModelInfo& info, const std::string& model_text,
                                  int num_classes) {
  ModelDataNotice n;
  if (num_classes <= 0 || m.layers.empty()) return n;
  if (ends_with(m, LayerKind::softmax)) return n;
  if (ends_with(m, LayerKind::sigmoid) && outputs_of(m, info) == 1 && num_classes == 2) return n;
  const int64_t k = outputs_of(m, info);
  n.show = true;
  n.text = "This model ends without softmax, so its " + std::to_string(k) +
           " outputs are not class probabilities: on " + std::to_string(num_classes) +
           " classes it would train with the quadratic loss against one-hot labels, " +
           "not the cross-entropy the notes use for classifiers.";
  std::string t = model_text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\r' || t.back() == '\t')) t.pop_back();
  if (k == num_classes) {
    n.text += " Adding a softmax layer makes them probabilities and the loss cross-entropy.";
    n.fix_label = "Add softmax";
    n.fixed_text = t + "\nsoftmax\n";
  } else {
    n.text += " The last layer needs " + std::to_string(num_classes) + " outputs (one per class) before a softmax.";
    n.fix_label = "Add dense " + std::to_string(num_classes) + " + softmax";
    n.fixed_text = t + "\ndense " + std::to_string(num_classes) + "\nsoftmax\n";
  }
  return n;
}

RunDiagnosis diagnose_run(const TrainHistory& h, int num_classes, float lr) {
  RunDiagnosis d;
  const std::string lower = fmt_g(double(lr) / 10.0);
  const size_t w = 20, n = h.loss.size();
  if (n >= w) {
    // Medians of consecutive blocks of 20 losses (a block of 20 ignores one unlucky minibatch).
    // The first step's loss (the untrained network's) counts too.
    float best = std::isfinite(h.loss[0]) ? h.loss[0] : INFINITY;
    size_t best_at = 1;
    for (size_t end = w; end <= n; end += w) {
      const float m = median(std::vector<float>(h.loss.begin() + long(end - w), h.loss.begin() + long(end)));
      if (std::isfinite(m) && m < best) {
        best = m;
        best_at = end;
      }
    }
    std::vector<float> last(h.loss.end() - long(w), h.loss.end());
    const float now = median(last);
    if (best > 0.0f && now >= 100.0f * best) {
      const double orders = std::log10(double(now) / double(best));
      d.kind = RunTrouble::loss_exploded;
      d.text = "The loss grew from " + fmt_g(best) + " (around step " + std::to_string(best_at) + ") to " + fmt_g(now) +
               " now, " + fmt_g(orders, 2) + " orders of magnitude: the steps are too large and the weights are " +
               "running away. Lower the learning rate (try " + lower + ", 10x lower), then Reset and train again.";
      return d;
    }
  }
  if (num_classes >= 2 && h.test_acc.size() >= 3 && n >= 200) {
    const double chance = 1.0 / num_classes;
    const double ceiling = chance + std::max(0.02, 0.2 * chance);
    bool stuck = true;
    for (size_t i = h.test_acc.size() - 3; i < h.test_acc.size(); ++i) stuck = stuck && h.test_acc[i] <= ceiling;
    if (stuck) {
      d.kind = RunTrouble::at_chance;
      d.text = "Test accuracy has stayed at chance (" + fmt_g(100.0 * chance) + "% for " + std::to_string(num_classes) +
               " classes; last " + fmt_g(100.0 * h.test_acc.back()) + "%) for the last 3 evaluations, after " +
               std::to_string(n) + " steps: the network is not learning. Lower the learning rate (try " + lower +
               ", 10x lower), or check that the model ends with softmax over one output per class.";
    }
  }
  return d;
}

std::string dense_count_note(const LayerSpec& l, const LayerInfo& li) {
  if (l.kind != LayerKind::conv || li.fc_weights_same_res == li.fc_weights || li.fc_weights_same_res <= 0) return "";
  auto shp = [](int h, int w, int c) { return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c); };
  const bool square = li.in.h == li.in.w;
  std::string notes_formula = square ? std::to_string(li.in.c) + "*" + std::to_string(li.out.c) + "*" +
                                           std::to_string(li.in.h) + "^4"
                                     : with_commas(li.in.size()) + " x " + shp(li.in.h, li.in.w, li.out.c);
  std::string why;
  if (l.sh > 1 || l.sw > 1)
    why = "stride " + (l.sh == l.sw ? std::to_string(l.sh) : std::to_string(l.sh) + "x" + std::to_string(l.sw));
  const Pad4& p = li.pad;
  const bool padded = p.top || p.left || p.bottom || p.right;
  const std::string pad = !padded ? "no padding"
                          : (p.top == p.bottom && p.left == p.right && p.top == p.left)
                              ? "padding " + std::to_string(p.top)
                              : "its padding";
  why += (why.empty() ? "" : " and ") + pad;
  return "The notes' " + with_commas(li.fc_weights_same_res) + " = " + notes_formula + " counts a dense layer to " +
         std::to_string(li.out.c) + " maps as large as the " + std::to_string(li.in.h) + "x" + std::to_string(li.in.w) +
         " input; ours, " + with_commas(li.fc_weights) + " = " + with_commas(li.in.size()) + " x " +
         with_commas(li.out.size()) + ", counts one to the " + shp(li.out.h, li.out.w, li.out.c) +
         " output this convolution makes (" + why + " give " + std::to_string(li.out.h) + "x" +
         std::to_string(li.out.w) + " maps, not " + std::to_string(li.in.h) + "x" + std::to_string(li.in.w) + ").";
}

}  // namespace cnn
