// describe.h: sentences about a training run for readers who cannot see the plots (the page's
// text view, issue 17): where a curve stands and whether it is still moving. Pure functions of
// the curve, so the doctests check them and the page says exactly what they return.
#pragma once
#include <cstddef>
#include <string>

namespace cnn {

enum class Trend { too_short, rising, falling, flat };

// The trend over the last quarter of a curve (at least its last 4 points): the mean of that
// quarter's second half against the mean of its first half. A change of less than `flat_tol`
// of the larger magnitude (or 1e-12) is flat. Fewer than 4 points: too_short.
Trend curve_trend(const float* y, size_t n, double flat_tol = 0.01);
const char* trend_word(Trend t);  // "still rising", "still falling", "levelling off", ""

// "test accuracy 0.912 after 3.2 epochs (1,500 steps), still rising" and, for losses,
// "training loss 0.341 nats (smoothed) after ..., still falling". `what` names the curve, `unit`
// may be empty, `epochs` < 0 leaves the epoch count out. An empty curve: "no <what> yet".
std::string describe_curve(const std::string& what, const float* y, size_t n, const std::string& unit,
                           double epochs, long long steps);

}  // namespace cnn
