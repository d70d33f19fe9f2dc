// describe.cpp: see describe.h.
#include "cnn/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "cnn/format.h"

namespace cnn {

Trend curve_trend(const float* y, size_t n, double flat_tol) {
  if (n < 4) return Trend::too_short;
  const size_t window = std::max<size_t>(4, n / 4);
  const size_t begin = n - window, half = window / 2;
  double a = 0, b = 0;
  for (size_t i = begin; i < begin + half; ++i) a += y[i];
  for (size_t i = begin + half; i < n; ++i) b += y[i];
  a /= double(half);
  b /= double(window - half);
  if (!std::isfinite(a) || !std::isfinite(b)) return Trend::too_short;
  const double scale = std::max({std::fabs(a), std::fabs(b), 1e-12});
  if (std::fabs(b - a) < flat_tol * scale) return Trend::flat;
  return b > a ? Trend::rising : Trend::falling;
}

const char* trend_word(Trend t) {
  switch (t) {
    case Trend::rising: return "still rising";
    case Trend::falling: return "still falling";
    case Trend::flat: return "levelling off";
    case Trend::too_short: return "";
  }
  return "";
}

std::string describe_curve(const std::string& what, const float* y, size_t n, const std::string& unit, double epochs,
                           long long steps) {
  if (n == 0) return "no " + what + " yet";
  char value[64];
  std::snprintf(value, sizeof value, "%.3g", double(y[n - 1]));
  std::string s = what + " " + value;
  if (!unit.empty()) s += " " + unit;
  s += " after ";
  if (epochs >= 0) {
    char e[64];
    std::snprintf(e, sizeof e, "%.1f epochs", epochs);
    s += std::string(e) + " (" + with_commas(steps) + (steps == 1 ? " step)" : " steps)");
  } else {
    s += with_commas(steps) + (steps == 1 ? " step" : " steps");
  }
  const char* w = trend_word(curve_trend(y, n));
  if (*w) s += std::string(", ") + w;
  return s;
}

std::string where_in_map(int row, int col, int h, int w) {
  static const char* const rows[3] = {"top", "middle", "bottom"};
  static const char* const cols[3] = {"left", "centre", "right"};
  // the third the cell's centre falls in
  const int r = h > 0 ? std::clamp(int((row + 0.5) * 3 / h), 0, 2) : 1,
            c = w > 0 ? std::clamp(int((col + 0.5) * 3 / w), 0, 2) : 1;
  if (r == 1 && c == 1) return "centre";
  if (r == 1) return std::string("middle ") + cols[c];
  if (c == 1) return rows[r];
  return std::string(rows[r]) + " " + cols[c];
}

std::string describe_map(const float* hwc, int h, int w, int c, int channel) {
  int best = 0;
  double sum = 0;
  for (int i = 0; i < h * w; i++) {
    const float v = hwc[size_t(i) * size_t(c) + size_t(channel)];
    sum += v;
    if (v > hwc[size_t(best) * size_t(c) + size_t(channel)]) best = i;
  }
  const int row = best / w, col = best % w;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "map %d of %d: strongest response %.3g at the %s (row %d, column %d of %dx%d), mean %.3g", channel + 1,
                c, double(hwc[size_t(best) * size_t(c) + size_t(channel)]), where_in_map(row, col, h, w).c_str(),
                row + 1, col + 1, h, w, sum / double(h * w));
  return buf;
}

static std::string class_name(int k, const std::vector<std::string>& names) {
  return k >= 0 && size_t(k) < names.size() && !names[size_t(k)].empty() ? names[size_t(k)] : std::to_string(k);
}

// A probability in 3 significant digits, with more where those would round it to 1 (0.99984 is
// "0.9998", not "1": a learner must not read certainty that the model does not have).
static std::string prob_text(float p) {
  char buf[32];
  for (int digits = 3; digits <= 9; digits++) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(p));
    if (p >= 1.0f || std::strcmp(buf, "1") != 0) break;
  }
  return buf;
}

std::string describe_prediction(const float* probs, int n, int predicted, int truth,
                                const std::vector<std::string>& names) {
  if (n <= 0 || predicted < 0 || predicted >= n) return "no prediction yet";
  int second = -1;
  for (int k = 0; k < n; k++)
    if (k != predicted && (second < 0 || probs[k] > probs[second])) second = k;
  std::string s = "predicted " + class_name(predicted, names) + " (p " + prob_text(probs[predicted]) + ")";
  if (second >= 0) s += ", runner-up " + class_name(second, names) + " (" + prob_text(probs[second]) + ")";
  if (truth >= 0) s += "; true class " + class_name(truth, names) + (truth == predicted ? ": right" : ": wrong");
  return s;
}

std::string describe_confusion(const int32_t* confusion, int n, const std::vector<std::string>& names) {
  int64_t total = 0, right = 0;
  struct Pair {
    int t, p;
    int32_t count;
  };
  std::vector<Pair> wrong;
  for (int t = 0; t < n; t++)
    for (int p = 0; p < n; p++) {
      const int32_t v = confusion[size_t(t) * size_t(n) + size_t(p)];
      total += v;
      if (t == p) right += v;
      else if (v > 0) wrong.push_back({t, p, v});
    }
  if (total == 0) return "no test samples counted yet";
  std::stable_sort(wrong.begin(), wrong.end(), [](const Pair& a, const Pair& b) { return a.count > b.count; });
  char buf[96];
  std::snprintf(buf, sizeof buf, "accuracy %.3g on %s test samples; ", double(right) / double(total),
                with_commas(total).c_str());
  std::string s = buf;
  if (wrong.empty()) return s + "no mistakes";
  s += "most often confused: ";
  for (size_t i = 0; i < wrong.size() && i < 3; i++) {
    if (i) s += ", ";
    s += "true " + class_name(wrong[i].t, names) + " taken for " + class_name(wrong[i].p, names) + " (" +
         with_commas(wrong[i].count) + (wrong[i].count == 1 ? " time)" : " times)");
  }
  return s;
}

}  // namespace cnn
