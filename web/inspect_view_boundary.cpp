// inspect_view_boundary.cpp: the Boundary view: the decision field of a 2D point-set classifier on a grid,
// under the training points.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "plot.h"
#include "inspect_views.h"
#include "session.h"
#include "theme.h"

static void RefreshBoundary(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  cnn::Network& net = s.net;
  const cnn::Dataset& d = s.data;
  // field bounds: the training points plus a margin
  float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (int64_t i = 0; i < d.n_train(); i++) {
    x0 = std::min(x0, d.train_x[size_t(i) * 2]);
    x1 = std::max(x1, d.train_x[size_t(i) * 2]);
    y0 = std::min(y0, d.train_x[size_t(i) * 2 + 1]);
    y1 = std::max(y1, d.train_x[size_t(i) * 2 + 1]);
  }
  const float mx = (x1 - x0) * 0.08f + 1e-3f, my = (y1 - y0) * 0.08f + 1e-3f;
  in.bx0 = x0 - mx;
  in.bx1 = x1 + mx;
  in.by0 = y0 - my;
  in.by1 = y1 + my;
  const int G = 80;
  std::vector<float> pts(size_t(G) * G * 2);
  for (int i = 0; i < G; i++)
    for (int j = 0; j < G; j++) {
      pts[(size_t(i) * G + j) * 2] = in.bx0 + (in.bx1 - in.bx0) * (j + 0.5f) / G;
      pts[(size_t(i) * G + j) * 2 + 1] = in.by1 - (in.by1 - in.by0) * (i + 0.5f) / G;  // row 0 at the top: largest y
    }
  std::vector<uint8_t> rgba(size_t(G) * G * 4);
  const int64_t K = net.out_size();
  for (int off = 0; off < G * G; off += net.max_batch) {
    const int m = std::min(net.max_batch, G * G - off);
    cnn::network_forward(&net, pts.data() + size_t(off) * 2, m, false);
    for (int i = 0; i < m; i++) {
      const float* p = net.output() + i * K;
      int k = cnn::network_predicted_class(&net, i);
      float conf = K == 1 ? std::fabs(p[0] - 0.5f) * 2 : p[k];
      if (K > 1) conf = (conf - 1.0f / K) / (1 - 1.0f / K);
      ImVec4 c = ImGui::ColorConvertU32ToFloat4(ClassColor(k));
      float a = 0.18f + 0.55f * std::clamp(conf, 0.0f, 1.0f);
      uint8_t* o = &rgba[size_t(off + i) * 4];
      o[0] = uint8_t(255 * (0.1f * (1 - a) + c.x * a));
      o[1] = uint8_t(255 * (0.11f * (1 - a) + c.y * a));
      o[2] = uint8_t(255 * (0.13f * (1 - a) + c.z * a));
      o[3] = 255;
    }
  }
  TextureUpload(in.boundary, rgba.data(), G, G, false);
  in.boundary_step = s.trainer.step;
}

void ShowInsideBoundary(AppState& app, Session& s, bool due) {
  InspectState& in = app.inspect;
  const cnn::Dataset& d = s.data;
  if (!(d.shape.h == 1 && d.shape.w == 1 && d.shape.c == 2) || d.num_classes < 2) {
    ImGui::TextWrapped(
        "The decision field is drawn for the 2D point sets (spirals, circles, xor, blobs) with a classifier such as the tiny-mlp preset. This dataset's samples are %s.",
        cnn::shape_text(d.shape, cnn::ShapeForm::count_if_flat).c_str());
    return;
  }
  if (in.boundary_step != s.trainer.step && (due || in.boundary_step == -2)) RefreshBoundary(app, s);
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::floor(std::max(fs * 8, std::min(avail.x, avail.y - fs * 1.5f)));
  ImGui::TextColored(
      kDim, "The network on a grid (colour: predicted class, paler = less sure) under the training points, step %lld.",
      (long long)in.boundary_step);
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("field", ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (in.boundary.id) dl->AddImage(in.boundary.Id(), p0, ImVec2(p0.x + side, p0.y + side));
  const int64_t n = std::min<int64_t>(cnn::trainer_train_samples(s.trainer.cfg, d), 600);  // the points it trains on
  for (int64_t i = 0; i < n; i++) {
    float x = d.train_x[size_t(i) * 2], y = d.train_x[size_t(i) * 2 + 1];
    ImVec2 c(p0.x + (x - in.bx0) / (in.bx1 - in.bx0) * side, p0.y + (in.by1 - y) / (in.by1 - in.by0) * side);
    const int k = d.train_y[size_t(i)];  // colour k and marker shape k, on a dark halo of the same shape
    Plot::DrawMarker(dl, c, k, std::max(2.6f, fs * 0.26f), IM_COL32(15, 15, 20, 255));
    Plot::DrawMarker(dl, c, k, std::max(1.8f, fs * 0.18f), ClassColor(k));
  }
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), Th().outline);
}
