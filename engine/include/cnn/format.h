// format.h: numbers, byte sizes and shapes as a learner reads them, written once for the engine's
// messages, the CLI and the page.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace cnn {

struct Shape;

// 61706 -> "61,706"
std::string with_commas(int64_t v);
// 512 -> "512 bytes"; 1610612736 -> "1.5 GiB"; 205520896 -> "196 MiB" (binary units, one decimal
// below 10 unless it is .0, none from 10). A size that is not a whole number of units never prints
// as one: decimals are added until it differs (1.04 GiB -> "1.04 GiB", never "1 GiB" beside the
// 1 GiB budget; 10,216 bytes -> "9.98 KiB").
std::string format_bytes(int64_t bytes);
// {28, 28, 1} -> "28x28x1" (height x width x channels). ShapeForm::count_if_flat writes a flat
// vector 1x1xC as its count ("10"), as the page's tables do.
enum class ShapeForm : uint8_t { hwc, count_if_flat };
std::string shape_text(const Shape& s, ShapeForm form = ShapeForm::hwc);
// The shortest decimal, with at least min_digits significant digits, that reads back as the same
// float: 0.01f -> "0.01" (model text, settings and the export round-trip through it).
std::string float_text(float v, int min_digits = 1);
// Where a message points: "line 3, column 6: ", "line 3: " (column 0), "" (line 0).
std::string line_column_text(int line, int column);

// An enum numbered 0, 1, ... as text, from its names in that order ("?" for another value), and
// back (false: no value has that name).
template <class E, size_t N>
const char* enum_name(E k, const char* const (&names)[N]) {
  const size_t i = size_t(k);
  return i < N ? names[i] : "?";
}
template <class E, size_t N>
bool enum_from_name(const char* name, const char* const (&names)[N], E* out) {
  for (size_t i = 0; i < N; ++i)
    if (std::strcmp(name, names[i]) == 0) {
      *out = E(i);
      return true;
    }
  return false;
}

}  // namespace cnn
