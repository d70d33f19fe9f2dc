// describe.h: sentences about a training run for readers who cannot see the plots (the page's
// text view, issue 17): where a curve stands and whether it is still moving. Pure functions of
// the curve, so the doctests check them and the page says exactly what they return.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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
std::string describe_curve(const std::string& what, const float* y, size_t n, const std::string& unit, double epochs,
                           long long steps);

// Pictures in words (the text view's Inside section).
// Where a position lies in an h x w map, by thirds: "top left", "top", "centre", "bottom right"...
std::string where_in_map(int row, int col, int h, int w);
// The strongest response of one channel of an h x w x c activation (HWC, row-major):
// "map 3 of 6: strongest response 2.31 at the top left (row 4, column 2 of 28x28), mean 0.41".
// Maps and channels are numbered from 1 as the page shows them.
std::string describe_map(const float* hwc, int h, int w, int c, int channel);
// "predicted 3 (p 0.97), runner-up 5 (0.02); true class 3: right". `names` may be empty (class
// numbers are used); `truth` < 0 when unknown (a drawing).
std::string describe_prediction(const float* probs, int n, int predicted, int truth,
                                const std::vector<std::string>& names);
// "accuracy 0.91 on 500 test samples; most often confused: true 4 taken for 9 (12 times), ..." (at
// most 3 pairs; "no mistakes" when there are none). confusion is n x n, [true][predicted].
std::string describe_confusion(const int32_t* confusion, int n, const std::vector<std::string>& names);

}  // namespace cnn
