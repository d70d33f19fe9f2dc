// The text view's sentences about curves (describe.h, issue 17).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "cnn/describe.h"

using cnn::Trend;

TEST_CASE("curve_trend reads the last quarter of a curve") {
  std::vector<float> up = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
  std::vector<float> down = {2.3f, 1.9f, 1.2f, 0.9f, 0.7f, 0.6f, 0.5f, 0.45f};
  std::vector<float> flat = {0.1f, 0.5f, 0.9f, 0.9f, 0.9f, 0.901f, 0.9f, 0.9f};
  CHECK(cnn::curve_trend(up.data(), up.size()) == Trend::rising);
  CHECK(cnn::curve_trend(down.data(), down.size()) == Trend::falling);
  CHECK(cnn::curve_trend(flat.data(), flat.size()) == Trend::flat);  // early rise, flat at the end
  CHECK(cnn::curve_trend(up.data(), 3) == Trend::too_short);
  // 100 points: the window is the last 25, halves of 12 and 13 points
  std::vector<float> late(100, 1.0f);
  for (size_t i = 88; i < 100; ++i) late[i] = 1.5f;
  CHECK(cnn::curve_trend(late.data(), late.size()) == Trend::rising);
  std::vector<float> nan = {1, 2, 3, NAN};
  CHECK(cnn::curve_trend(nan.data(), nan.size()) == Trend::too_short);
}

TEST_CASE("describe_curve: value, unit, epochs and steps, trend") {
  std::vector<float> acc = {0.5f, 0.7f, 0.8f, 0.85f, 0.88f, 0.9f, 0.91f, 0.912f};
  CHECK(cnn::describe_curve("test accuracy", acc.data(), acc.size(), "", 3.24, 1500) ==
        "test accuracy 0.912 after 3.2 epochs (1,500 steps), still rising");
  std::vector<float> loss = {2.3f, 1.1f, 0.7f, 0.5f, 0.42f, 0.38f, 0.35f, 0.341f};
  CHECK(cnn::describe_curve("training loss (smoothed)", loss.data(), loss.size(), "nats", -1, 8) ==
        "training loss (smoothed) 0.341 nats after 8 steps, still falling");
  CHECK(cnn::describe_curve("test accuracy", acc.data(), 1, "", 0.1, 1) ==
        "test accuracy 0.5 after 0.1 epochs (1 step)");
  CHECK(cnn::describe_curve("test accuracy", acc.data(), 0, "", 0, 0) == "no test accuracy yet");
  std::vector<float> lvl = {0.2f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f};
  CHECK(cnn::describe_curve("test accuracy", lvl.data(), lvl.size(), "", 1.0, 40) ==
        "test accuracy 0.9 after 1.0 epochs (40 steps), levelling off");
}

TEST_CASE("pictures in words: where in a map, a map's peak, a prediction, a confusion matrix") {
  CHECK(cnn::where_in_map(0, 0, 28, 28) == "top left");
  CHECK(cnn::where_in_map(14, 14, 28, 28) == "centre");
  CHECK(cnn::where_in_map(27, 14, 28, 28) == "bottom");
  CHECK(cnn::where_in_map(12, 27, 28, 28) == "middle right");
  CHECK(cnn::where_in_map(27, 0, 28, 28) == "bottom left");
  // 3x4 map, 2 channels (HWC): channel 1 (the second) peaks at row 0, column 3
  std::vector<float> a(3 * 4 * 2, 0.0f);
  a[(0 * 4 + 3) * 2 + 1] = 2.5f;
  a[(2 * 4 + 0) * 2 + 1] = -1.0f;
  a[(1 * 4 + 1) * 2 + 0] = 1.0f;
  CHECK(cnn::describe_map(a.data(), 3, 4, 2, 1) ==
        "map 2 of 2: strongest response 2.5 at the top right (row 1, column 4 of 3x4), mean 0.125");
  CHECK(cnn::describe_map(a.data(), 3, 4, 2, 0) ==
        "map 1 of 2: strongest response 1 at the centre (row 2, column 2 of 3x4), mean 0.0833");
  const float p[4] = {0.02f, 0.9f, 0.05f, 0.03f};
  CHECK(cnn::describe_prediction(p, 4, 1, 1, {}) == "predicted 1 (p 0.9), runner-up 2 (0.05); true class 1: right");
  CHECK(cnn::describe_prediction(p, 4, 1, 3, {"T-shirt", "Trouser", "Pullover", "Dress"}) ==
        "predicted Trouser (p 0.9), runner-up Pullover (0.05); true class Dress: wrong");
  CHECK(cnn::describe_prediction(p, 4, 1, -1, {}) == "predicted 1 (p 0.9), runner-up 2 (0.05)");
  // near-certain is not certain: 3 digits that would round to 1 get as many more as it takes
  const float q[3] = {0.99984f, 0.00015f, 0.00001f};
  CHECK(cnn::describe_prediction(q, 3, 0, -1, {}) == "predicted 0 (p 0.9998), runner-up 1 (0.00015)");
  const float r[2] = {1.0f, 0.0f};
  CHECK(cnn::describe_prediction(r, 2, 0, -1, {}) == "predicted 0 (p 1), runner-up 1 (0)");
  const int32_t m[9] = {50, 2,  0,  //
                        12, 30, 1,  //
                        0,  1,  4};
  CHECK(
      cnn::describe_confusion(m, 3, {}) ==
      "accuracy 0.84 on 100 test samples; most often confused: true 1 taken for 0 (12 times), true 0 taken for 1 (2 times), "
      "true 1 taken for 2 (1 time)");
  const int32_t ok[4] = {3, 0, 0, 5};
  CHECK(cnn::describe_confusion(ok, 2, {}) == "accuracy 1 on 8 test samples; no mistakes");
}
