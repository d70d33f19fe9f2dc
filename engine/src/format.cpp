// format.cpp: see cnn/format.h.
#include "cnn/format.h"

#include <cstdio>
#include <cstdlib>

#include "cnn/spec.h"

namespace cnn {

std::string with_commas(int64_t v) {
  bool neg = v < 0;
  uint64_t u = neg ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  std::string digits = std::to_string(u), out;
  int n = int(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return neg ? "-" + out : out;
}

std::string format_bytes(int64_t bytes) {
  static const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = double(bytes);
  int u = 0;
  int64_t unit = 1;
  while (v >= 1024.0 && u < 6) {
    v /= 1024.0;
    ++u;
    unit *= 1024;
  }
  char buf[48];
  // 1 GiB, 1.5 GiB, 196 MiB: one decimal below 10 unless it is .0, none from 10. A size that is not
  // a whole number of units never reads as one: 1.04 GiB is "1.04 GiB", not "1 GiB" beside the
  // 1 GiB budget, so decimals are added until the figure differs from the whole number.
  const bool exact_whole = bytes % unit == 0;
  int decimals = v >= 10 ? 0 : 1;
  for (;; ++decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    const double shown = std::strtod(buf, nullptr);
    const bool reads_whole = shown == double(int64_t(shown));
    if (exact_whole || !reads_whole || decimals >= 12) break;
  }
  if (exact_whole) std::snprintf(buf, sizeof buf, "%.0f", v);
  return std::string(buf) + " " + units[u];
}

std::string shape_text(const Shape& s, ShapeForm form) {
  if (form == ShapeForm::count_if_flat && s.h == 1 && s.w == 1) return std::to_string(s.c);
  return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

std::string float_text(float v, int min_digits) {
  char buf[48];
  for (int digits = min_digits; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return buf;
}

std::string line_column_text(int line, int column) {
  if (line <= 0) return "";
  return "line " + std::to_string(line) + (column > 0 ? ", column " + std::to_string(column) : "") + ": ";
}

}  // namespace cnn
