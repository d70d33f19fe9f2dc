// describe.cpp: see describe.h.
#include "cnn/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

std::string describe_curve(const std::string& what, const float* y, size_t n, const std::string& unit,
                           double epochs, long long steps) {
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

}  // namespace cnn
