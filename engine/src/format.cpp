// format.cpp: see cnn/format.h.
#include "cnn/format.h"

#include <cstdio>

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
  while (v >= 1024.0 && u < 6) { v /= 1024.0; ++u; }
  char buf[48];
  // 1 GiB, 1.5 GiB, 196 MiB: one decimal below 10 unless it is .0
  bool whole = v >= 10 || double(int64_t(v * 10 + 0.5)) == 10.0 * double(int64_t(v + 0.05));
  std::snprintf(buf, sizeof buf, whole ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string shape_text(const Shape& s, ShapeForm form) {
  if (form == ShapeForm::count_if_flat && s.h == 1 && s.w == 1) return std::to_string(s.c);
  return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

}  // namespace cnn
