// panel_inspect.cpp: the "Inside" tab (issue 9): filters, feature maps of one sample, the receptive
// field of a clicked unit (exact rectangle on the input, effective field as a heatmap beside it),
// prediction bars with a drawing pad, the confusion matrix with clickable cells, the decision
// field of the 2D sets, and per-layer training dynamics. Also the tab bar of the bottom-right
// window and the JS hook of these views (window.cnnSandbox.inspect, web/shell/api_inspect.js).
//
// Cost: everything that runs the network (a sample's forward pass, the field's backward pass, the
// decision field, dynamics) refreshes at most every `refresh_frames` frames while training, and
// once when something changes while paused; the confusion matrix is evaluated one batch per frame.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "cnn/inspect.h"
#include "imgui.h"
#include "inspect.h"
#include "nlohmann/json.hpp"
#include "plot.h"
#include "session.h"

#include "js_export.h"

static const ImVec4 kDim(0.62f, 0.65f, 0.72f, 1.0f);
static const ImVec4 kWarn(1.0f, 0.62f, 0.35f, 1.0f);

static ImU32 ClassCol(int k) {
  static const ImU32 c[] = {IM_COL32(90, 170, 255, 255), IM_COL32(255, 150, 60, 255), IM_COL32(110, 210, 110, 255),
                            IM_COL32(235, 95, 120, 255), IM_COL32(190, 140, 255, 255), IM_COL32(240, 220, 90, 255),
                            IM_COL32(80, 215, 210, 255), IM_COL32(200, 160, 120, 255), IM_COL32(250, 170, 220, 255),
                            IM_COL32(170, 170, 170, 255)};
  return c[((k % 10) + 10) % 10];
}

const char* InsideViewName(InsideView v) {
  switch (v) {
    case InsideView::Filters: return "Filters";
    case InsideView::Maps: return "Maps";
    case InsideView::Field: return "Field";
    case InsideView::Predict: return "Predict";
    case InsideView::Confusion: return "Confusion";
    case InsideView::Boundary: return "Boundary";
    case InsideView::Dynamics: return "Dynamics";
    default: return "?";
  }
}

// ---------------------------------------------------------------------------------------------
// Session access and caches

static Session* Ready(AppState& app) {
  if (!app.session || !app.session->ready || !app.session->data_ok) return nullptr;
  return app.session.get();
}
bool InspectNetReady(AppState& app) { return Ready(app) != nullptr; }

static std::string LayerName(const cnn::Network& net, int j) {  // x^(j)
  if (j == 0) return "input";
  return std::to_string(j) + " " + cnn::layer_to_text(net.spec.layers[size_t(j - 1)]);
}

// Drops every cached number when the network or the dataset changed under the views.
static void SyncKey(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  std::string key = s.net_text + "|" + s.net_data_name + "|" + std::to_string(s.net_batch) + "|" + std::to_string(s.net_seed);
  if (key == in.net_key) return;
  in.net_key = key;
  in.acts.clear(); in.probs.clear(); in.predicted = -1;
  in.rf_layer = -1; in.erf.clear();
  in.conf_cursor = -1; in.conf_pred.clear(); in.confusion.clear(); in.conf_step = -1; in.conf_sel_true = in.conf_sel_pred = -1;
  in.boundary_step = -2;
  in.dyn_step.clear(); in.dyn_grad.clear(); in.dyn_ratio.clear(); in.dyn_dead.clear(); in.dyn_names.clear();
  in.dyn_param_layers.clear(); in.dyn_relu_layers.clear(); in.prev_params.clear(); in.prev_step = -1;
  in.have_trace = false; in.bp_step = 0; in.have_gradcheck = false; in.have_line = false;
  in.last_refresh = -1000;
  const cnn::Shape sh = s.data.shape;
  in.pad.assign(size_t(sh.h) * sh.w, 0.0f);
  in.use_pad = false;
  in.error.clear();
  if (in.sample >= s.data.n_test()) in.sample = 0;
}

// The input the views show: the chosen test sample, or the drawing pad (normalized like the data).
static const float* ShownInput(AppState& app, Session& s, std::vector<float>* buf) {
  InspectState& in = app.inspect;
  const cnn::Dataset& d = s.data;
  if (in.use_pad && d.shape.c == 1 && int64_t(in.pad.size()) == d.sample_size()) {
    buf->resize(in.pad.size());
    for (size_t i = 0; i < in.pad.size(); i++) (*buf)[i] = (in.pad[i] - d.norm_mean) / d.norm_std;
    return buf->data();
  }
  if (d.n_test() == 0) return nullptr;
  in.sample = int(std::clamp<int64_t>(in.sample, 0, d.n_test() - 1));
  return d.test_sample(in.sample);
}

static int ShownLabel(AppState& app, Session& s) {
  if (app.inspect.use_pad || s.data.test_y.empty()) return -1;
  return s.data.test_y[size_t(app.inspect.sample)];
}

// Forward pass of the shown input in inference mode; keeps every x^(j).
static void RefreshSample(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  std::vector<float> buf;
  const float* x = ShownInput(app, s, &buf);
  if (!x) return;
  cnn::Network& net = s.net;
  cnn::network_forward(&net, x, 1, false);
  const int L = net.num_layers();
  in.acts.resize(size_t(L + 1));
  for (int j = 0; j <= L; j++) {
    const size_t n = size_t(net.out_shape(j).size());
    in.acts[size_t(j)].assign(net.acts[size_t(j)].begin(), net.acts[size_t(j)].begin() + long(n));
  }
  in.probs = in.acts.back();
  in.predicted = cnn::network_predicted_class(&net, 0);
  if (in.rf_layer >= 1 && in.rf_layer <= L) {
    const cnn::Shape sh = net.out_shape(in.rf_layer);
    int64_t unit = (int64_t(in.rf_chan) * sh.h + in.rf_row) * sh.w + in.rf_col;
    std::string err;
    if (!cnn::network_unit_input_gradient(&net, x, in.rf_layer, unit, &in.erf, &err)) in.error = err;
    if (!cnn::unit_field_rect(net.spec, net.info, in.rf_layer, in.rf_row, in.rf_col, &in.rf_rect, &err)) in.error = err;
  }
}

static void SelectUnit(AppState& app, Session& s, int layer, int chan, int row, int col) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.net.out_shape(layer);
  in.rf_layer = layer;
  in.rf_chan = std::clamp(chan, 0, sh.c - 1);
  in.rf_row = std::clamp(row, 0, sh.h - 1);
  in.rf_col = std::clamp(col, 0, sh.w - 1);
  in.last_refresh = -1000;  // recompute now
}

// Per-layer norms, update ratios and dead ReLUs, appended when the trainer moved.
static void RefreshDynamics(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  cnn::Network& net = s.net;
  const int64_t step = s.trainer.step;
  if (step == in.prev_step) return;
  if (in.dyn_names.empty()) {
    for (int i = 0; i < net.num_layers(); i++) {
      if (net.layer_params[size_t(i)].nw + net.layer_params[size_t(i)].nb > 0) in.dyn_param_layers.push_back(i);
      if (net.spec.layers[size_t(i)].kind == cnn::LayerKind::relu) in.dyn_relu_layers.push_back(i);
    }
    in.dyn_grad.assign(in.dyn_param_layers.size(), {});
    in.dyn_ratio.assign(in.dyn_param_layers.size(), {});
    in.dyn_dead.assign(in.dyn_relu_layers.size(), {});
    in.dyn_names.push_back("dynamics");
  }
  if (step == 0 || in.prev_step < 0 || step < in.prev_step) {  // start (or a reset): a baseline only
    in.prev_params = net.params;
    in.prev_step = step;
    return;
  }
  std::vector<cnn::LayerNorms> norms = cnn::layer_norms(net);
  std::vector<double> ratio;
  cnn::layer_update_ratios(net, in.prev_params, &ratio);
  const double steps = double(step - in.prev_step);
  for (size_t k = 0; k < in.dyn_param_layers.size(); k++) {
    int i = in.dyn_param_layers[k];
    in.dyn_grad[k].push_back(float(norms[size_t(i)].grad));
    in.dyn_ratio[k].push_back(float(ratio[size_t(i)] / std::max(steps, 1.0)));
  }
  // dead ReLUs over a probe batch of test samples
  const int n = int(std::min<int64_t>(net.max_batch, s.data.n_test()));
  if (n > 0) {
    cnn::network_forward(&net, s.data.test_x.data(), n, false);
    for (size_t k = 0; k < in.dyn_relu_layers.size(); k++)
      in.dyn_dead[k].push_back(float(cnn::relu_dead_fraction(net, in.dyn_relu_layers[k])));
  }
  in.dyn_step.push_back(float(step));
  in.prev_params = net.params;
  in.prev_step = step;
  if (in.dyn_step.size() > 4000) {  // keep the plots cheap: drop every other point
    auto half = [](std::vector<float>& v) { std::vector<float> o; for (size_t i = 0; i < v.size(); i += 2) o.push_back(v[i]); v.swap(o); };
    half(in.dyn_step);
    for (auto& v : in.dyn_grad) half(v);
    for (auto& v : in.dyn_ratio) half(v);
    for (auto& v : in.dyn_dead) half(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Drawing helpers

// A heatmap tile at the cursor. Uploads when `upload`; returns true when clicked, with the clicked
// cell in *row, *col.
static bool HeatTile(AppState& app, bool upload, const char* id, const float* v, int w, int h, ColorMode mode, float scale, float lo, float hi,
                     ImVec2 size, int* row = nullptr, int* col = nullptr) {
  InspectState& in = app.inspect;
  if (in.maps_used >= int(in.maps.size())) in.maps.resize(size_t(in.maps_used) + 16);
  Heatmap& hm = in.maps[size_t(in.maps_used++)];
  if (upload || !hm.valid || hm.w != w || hm.h != h) HeatmapSet(hm, v, w, h, mode, scale, lo, hi);
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  bool clicked = ImGui::InvisibleButton(id, size);
  ImVec2 p1(p0.x + size.x, p0.y + size.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  HeatmapDraw(dl, hm, p0, p1);
  dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), IM_COL32(90, 95, 110, 255));
  if (clicked && row && col) {
    ImVec2 m = ImGui::GetIO().MousePos;
    *col = std::clamp(int((m.x - p0.x) / size.x * w), 0, w - 1);
    *row = std::clamp(int((m.y - p0.y) / size.y * h), 0, h - 1);
  }
  return clicked;
}

static float TileSide(int h, float fs) { return std::floor(h >= 20 ? fs * 3.6f : h >= 8 ? fs * 2.8f : fs * 2.0f); }

// All channels (up to `max_c`) of an activation x^(j) as tiles; flat vectors as one strip.
// Clicking a map cell selects that unit (returns true).
static bool MapTiles(AppState& app, Session& s, bool upload, int j, int max_c) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.net.out_shape(j);
  const std::vector<float>& a = in.acts[size_t(j)];
  const float fs = ImGui::GetFontSize();
  bool picked = false;
  float lo = 0, hi = 0;
  for (float v : a) { lo = std::min(lo, v); hi = std::max(hi, v); }
  if (hi <= lo) hi = lo + 1;
  ImGui::PushID(j);
  if (sh.h * sh.w == 1) {  // a vector: one strip, one cell per unit
    const float avail = ImGui::GetContentRegionAvail().x;
    const int c = int(std::min<int64_t>(sh.c, 256));
    float cell = std::clamp(avail / float(c), 2.0f, fs * 1.2f);
    int r = 0, col = 0;
    if (HeatTile(app, upload, "strip", a.data(), c, 1, ColorMode::Sequential, 1, lo, hi, ImVec2(cell * c, fs * 1.2f), &r, &col) && j > 0) {
      SelectUnit(app, s, j, col, 0, 0);
      picked = true;
    }
  } else {
    const float side = TileSide(sh.h, fs);
    const float aspect = float(sh.w) / float(sh.h);
    const int n = std::min(sh.c, max_c);
    for (int c = 0; c < n; c++) {
      ImGui::PushID(c);
      int r = 0, col = 0;
      if (HeatTile(app, upload, "map", a.data() + int64_t(c) * sh.h * sh.w, sh.w, sh.h, ColorMode::Sequential, 1, lo, hi, ImVec2(side * aspect, side), &r, &col) && j > 0) {
        SelectUnit(app, s, j, c, r, col);
        picked = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("map %d of %s; click a unit to see its receptive field", c, LayerName(s.net, j).c_str());
      ImGui::PopID();
      if (c + 1 < n) {
        ImGui::SameLine();
        if (ImGui::GetContentRegionAvail().x < side * aspect) ImGui::NewLine();
      }
    }
    if (sh.c > n) { ImGui::SameLine(); ImGui::TextColored(kDim, "+%d more", sh.c - n); }
  }
  ImGui::PopID();
  return picked;
}

static void SampleChooser(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  int v = in.sample;
  if (ImGui::InputInt("test sample", &v)) {
    in.sample = int(std::clamp<int64_t>(v, 0, std::max<int64_t>(s.data.n_test() - 1, 0)));
    in.use_pad = false;
    in.last_refresh = -1000;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("next")) { in.sample = int((in.sample + 1) % std::max<int64_t>(s.data.n_test(), 1)); in.use_pad = false; in.last_refresh = -1000; }
  int y = ShownLabel(app, s);
  if (y >= 0 && y < int(s.data.class_names.size())) {
    ImGui::SameLine();
    ImGui::TextColored(kDim, "label: %s", s.data.class_names[size_t(y)].c_str());
  }
  if (in.use_pad) { ImGui::SameLine(); ImGui::TextColored(kWarn, "(showing the drawing pad)"); }
}

// ---------------------------------------------------------------------------------------------
// Views

// The input channel the filter view shows, per layer (a view setting, kept while the page is open).
static int& FilterChannel(int layer) {
  static std::vector<int> channel;
  if (int(channel.size()) <= layer) channel.resize(size_t(layer) + 1, 0);
  return channel[size_t(layer)];
}

static void ViewFilters(AppState& app, Session& s, bool upload) {
  cnn::Network& net = s.net;
  const float fs = ImGui::GetFontSize();
  bool any = false;
  for (int i = 0; i < net.num_layers(); i++) {
    const cnn::LayerSpec& l = net.spec.layers[size_t(i)];
    const cnn::LayerParams& p = net.layer_params[size_t(i)];
    if (l.kind == cnn::LayerKind::conv) {
      any = true;
      const cnn::Shape in_sh = net.info.layers[size_t(i)].in;
      const int in_c = in_sh.c, kk = l.kh * l.kw;
      ImGui::Text("%s", LayerName(net, i + 1).c_str());
      ImGui::SameLine();
      ImGui::TextColored(kDim, "%d filters of %dx%dx%d, each scaled to its own largest |w|", l.units, l.kh, l.kw, in_c);
      ImGui::PushID(i);
      // A filter has one kh x kw slice per input channel ([out][in][kh][kw]): the learner picks which.
      int& c = FilterChannel(i);
      c = std::min(c, in_c - 1);
      if (in_c > 1) {
        ImGui::SetNextItemWidth(fs * 9);
        ImGui::SliderInt("input channel", &c, 0, in_c - 1);
        SaveRect(app, "filter_channel_" + std::to_string(i + 1));
      }
      const int n = std::min(l.units, 64);
      const float side = std::max(fs * 1.8f, std::min(fs * 3.0f, float(l.kh) * fs * 0.5f));
      for (int m = 0; m < n; m++) {
        const float* w = p.w + (int64_t(m) * in_c + c) * kk;
        ImGui::PushID(m);
        HeatTile(app, upload, "f", w, l.kw, l.kh, ColorMode::Diverging, MaxAbs(w, kk), 0, 1, ImVec2(side * l.kw / l.kh, side));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("filter %d, input channel %d: max |w| = %.3g (blue < 0 < red)", m, c, MaxAbs(w, kk));
        ImGui::PopID();
        if (m + 1 < n) { ImGui::SameLine(); if (ImGui::GetContentRegionAvail().x < side) ImGui::NewLine(); }
      }
      ImGui::PopID();
    } else if (l.kind == cnn::LayerKind::dense) {
      // the first dense layer on raw pixels: each unit's weights are an image
      const cnn::Shape in_sh = net.info.layers[size_t(i)].in;
      bool on_pixels = in_sh == net.info.input && in_sh.h * in_sh.w > 1;
      for (int k = 0; k < i && on_pixels; k++) on_pixels = net.spec.layers[size_t(k)].kind == cnn::LayerKind::flatten;
      if (!on_pixels) continue;
      any = true;
      ImGui::Text("%s", LayerName(net, i + 1).c_str());
      ImGui::SameLine();
      ImGui::TextColored(kDim, "weights of each unit as a %dx%d image", in_sh.h, in_sh.w);
      ImGui::PushID(i);
      int& c = FilterChannel(i);  // inputs are in C,H,W order: channel c is one h x w plane
      c = std::min(c, in_sh.c - 1);
      if (in_sh.c > 1) {
        ImGui::SetNextItemWidth(fs * 9);
        ImGui::SliderInt("input channel", &c, 0, in_sh.c - 1);
      }
      const int n = std::min(l.units, 48);
      const float side = fs * 3.2f;
      for (int u = 0; u < n; u++) {
        const float* w = p.w + int64_t(u) * in_sh.size() + int64_t(c) * in_sh.h * in_sh.w;
        ImGui::PushID(u);
        HeatTile(app, upload, "d", w, in_sh.w, in_sh.h, ColorMode::Diverging, MaxAbs(w, int64_t(in_sh.h) * in_sh.w), 0, 1, ImVec2(side * in_sh.w / in_sh.h, side));
        ImGui::PopID();
        if (u + 1 < n) { ImGui::SameLine(); if (ImGui::GetContentRegionAvail().x < side) ImGui::NewLine(); }
      }
      ImGui::PopID();
    }
  }
  if (!any) ImGui::TextWrapped("This model has no convolution and no dense layer on raw pixels: no weights with an image meaning. The Dynamics view shows how its layers' weights move.");
}

static void ViewMaps(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  SampleChooser(app, s);
  ImGui::TextColored(kDim, "Feature maps x^(j) of this sample, per layer (own colour scale per layer). Click a unit: its receptive field.");
  cnn::Network& net = s.net;
  for (int j = 0; j <= net.num_layers() && j < int(in.acts.size()); j++) {
    ImGui::TextUnformatted(LayerName(net, j).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kDim, "%s", cnn::shape_text(net.out_shape(j), cnn::ShapeForm::count_if_flat).c_str());
    if (MapTiles(app, s, upload, j, 16)) in.view = InsideView::Field;
  }
}

static void DrawFieldRects(ImDrawList* dl, const cnn::FieldRect& r, ImVec2 p0, float px, float py) {
  // nominal (may reach into the padding, outside the picture): dashed look with a thin line
  ImVec2 a(p0.x + r.first[1] * px, p0.y + r.first[0] * py), b(p0.x + (r.last[1] + 1) * px, p0.y + (r.last[0] + 1) * py);
  dl->AddRect(a, b, IM_COL32(120, 220, 255, 170), 0, 0, 1.0f);
  ImVec2 c(p0.x + r.clip_first[1] * px, p0.y + r.clip_first[0] * py), d(p0.x + (r.clip_last[1] + 1) * px, p0.y + (r.clip_last[0] + 1) * py);
  dl->AddRect(c, d, IM_COL32(60, 255, 120, 255), 0, 0, 2.0f);
}

static void ViewField(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  cnn::Network& net = s.net;
  const float fs = ImGui::GetFontSize();
  SampleChooser(app, s);
  // layer picker: spatial layers only
  if (in.rf_layer < 1) {
    // the most active unit of the last layer with maps: a unit whose field lights up
    if (in.acts.empty()) RefreshSample(app, s);
    for (int j = net.num_layers(); j >= 1 && !in.acts.empty(); j--) {
      const cnn::Shape sh = net.out_shape(j);
      if (sh.h * sh.w <= 1) continue;
      const std::vector<float>& a = in.acts[size_t(j)];
      const int64_t k = int64_t(std::max_element(a.begin(), a.end()) - a.begin());
      SelectUnit(app, s, j, int(k / (int64_t(sh.h) * sh.w)), int((k / sh.w) % sh.h), int(k % sh.w));
      break;
    }
    if (in.rf_layer < 1) SelectUnit(app, s, 1, 0, 0, 0);
    RefreshSample(app, s);
    upload = true;
  }
  ImGui::SetNextItemWidth(fs * 12);
  if (ImGui::BeginCombo("layer", LayerName(net, in.rf_layer).c_str())) {
    for (int j = 1; j <= net.num_layers(); j++)
      if (ImGui::Selectable(LayerName(net, j).c_str(), j == in.rf_layer)) SelectUnit(app, s, j, 0, net.out_shape(j).h / 2, net.out_shape(j).w / 2);
    ImGui::EndCombo();
  }
  const cnn::Shape ish = net.info.input;
  const cnn::LayerInfo& li = net.info.layers[size_t(in.rf_layer - 1)];
  ImGui::SameLine();
  ImGui::Text("unit: map %d, row %d, col %d", in.rf_chan, in.rf_row, in.rf_col);
  const cnn::FieldRect& r = in.rf_rect;
  if (r.whole_input) ImGui::TextColored(kDim, "After a dense (or global pooling) layer every unit sees the whole %dx%d input.", ish.h, ish.w);
  else
    ImGui::TextWrapped("Receptive field (from the model analysis): %lldx%lld pixels, jump %lld, first centre %.1f. Nominal rows %lld..%lld, cols %lld..%lld (thin blue); real pixels rows %lld..%lld, cols %lld..%lld (green)%s.",
                       (long long)li.rf.size[0], (long long)li.rf.size[1], (long long)li.rf.jump[0], li.rf.start[0], (long long)r.first[0], (long long)r.last[0],
                       (long long)r.first[1], (long long)r.last[1], (long long)r.clip_first[0], (long long)r.clip_last[0], (long long)r.clip_first[1],
                       (long long)r.clip_last[1], r.clipped ? ": part of the nominal field is padding" : "");
  if (in.acts.empty() || int(in.erf.size()) != int(ish.size())) return;
  // input picture and effective field, side by side, with a margin for the padding
  const float avail = ImGui::GetContentRegionAvail().x;
  const float side = std::floor(std::min({(avail - fs * 3) / 2.0f, fs * 14.0f, ImGui::GetContentRegionAvail().y - fs * 6}));
  const float side_c = std::max(side, fs * 6);
  const float px = side_c / ish.w, py = side_c / ish.h;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // input (channel 0)
  ImGui::BeginGroup();
  ImGui::TextColored(kDim, "input (channel 0)");
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  float lo = 0, hi = 0;
  for (int64_t k = 0; k < int64_t(ish.h) * ish.w; k++) { lo = std::min(lo, in.acts[0][size_t(k)]); hi = std::max(hi, in.acts[0][size_t(k)]); }
  HeatTile(app, upload, "input", in.acts[0].data(), ish.w, ish.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1, ImVec2(side_c * ish.w / std::max(ish.w, ish.h), side_c * ish.h / std::max(ish.w, ish.h)));
  dl->PushClipRect(ImVec2(p0.x - fs, p0.y - fs), ImVec2(p0.x + side_c + fs, p0.y + side_c + fs), true);
  DrawFieldRects(dl, r, p0, px, py);
  dl->PopClipRect();
  ImGui::EndGroup();
  ImGui::SameLine(0, fs * 1.5f);
  ImGui::BeginGroup();
  ImGui::TextColored(kDim, "|d unit / d input| (effective field)");
  ImVec2 q0 = ImGui::GetCursorScreenPos();
  std::vector<float> e0(in.erf.begin(), in.erf.begin() + long(int64_t(ish.h) * ish.w));  // channel 0
  for (int c = 1; c < ish.c; c++)
    for (size_t k = 0; k < e0.size(); k++) e0[k] += in.erf[size_t(c) * e0.size() + k];
  float emax = MaxAbs(e0.data(), int64_t(e0.size()));
  HeatTile(app, upload, "erf", e0.data(), ish.w, ish.h, ColorMode::Sequential, 1, 0, emax, ImVec2(side_c * ish.w / std::max(ish.w, ish.h), side_c * ish.h / std::max(ish.w, ish.h)));
  dl->PushClipRect(ImVec2(q0.x - fs, q0.y - fs), ImVec2(q0.x + side_c + fs, q0.y + side_c + fs), true);
  DrawFieldRects(dl, r, q0, px, py);
  dl->PopClipRect();
  cnn::FieldRect sup = cnn::field_support(in.erf.data(), ish);
  ImGui::EndGroup();
  if (!sup.empty())
    ImGui::TextWrapped("nonzero gradient: rows %lld..%lld, cols %lld..%lld (ReLUs that are off and max-pooling can shrink it; a linear net fills the green box)",
                       (long long)sup.first[0], (long long)sup.last[0], (long long)sup.first[1], (long long)sup.last[1]);
  else
  {
    ImGui::PushStyleColor(ImGuiCol_Text, kWarn);
    ImGui::TextWrapped("The gradient of this unit is zero everywhere for this input (a ReLU on its path is off): try another unit or sample.");
    ImGui::PopStyleColor();
  }
  // the layer's maps, to click another unit
  const cnn::Shape sh = net.out_shape(in.rf_layer);
  if (sh.h * sh.w > 1) {
    ImGui::TextColored(kDim, "click a unit of %s:", LayerName(net, in.rf_layer).c_str());
    MapTiles(app, s, upload, in.rf_layer, 16);
  }
}

static void PadWidget(AppState& app, Session& s, float side) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.data.shape;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("pad", ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cw = side / sh.w, ch = side / sh.h;
  dl->AddRectFilled(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(0, 0, 0, 255));
  for (int i = 0; i < sh.h; i++)
    for (int j = 0; j < sh.w; j++) {
      float v = in.pad[size_t(i) * sh.w + j];
      if (v <= 0.01f) continue;
      int g = int(std::clamp(v, 0.0f, 1.0f) * 255);
      dl->AddRectFilled(ImVec2(p0.x + j * cw, p0.y + i * ch), ImVec2(p0.x + (j + 1) * cw, p0.y + (i + 1) * ch), IM_COL32(g, g, g, 255));
    }
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(120, 120, 140, 255));
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(0)) {
    ImVec2 m = ImGui::GetIO().MousePos;
    float cx = (m.x - p0.x) / cw, cy = (m.y - p0.y) / ch;
    const float radius = std::max(1.0f, sh.w / 18.0f);  // a pen about as wide as a digit's stroke
    bool changed = false;
    for (int i = 0; i < sh.h; i++)
      for (int j = 0; j < sh.w; j++) {
        float dx = j + 0.5f - cx, dy = i + 0.5f - cy;
        float dd = std::sqrt(dx * dx + dy * dy);
        float v = std::clamp(1.3f - dd / radius, 0.0f, 1.0f);
        float& p = in.pad[size_t(i) * sh.w + j];
        if (v > p) { p = v; changed = true; }
      }
    if (changed) { in.use_pad = true; in.pad_dirty = true; }
  }
}

static void ProbBars(AppState& app, Session& s, float width) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int K = int(in.probs.size());
  const bool one = K == 1;  // a sigmoid: p is the score of class 1
  const int rows = one ? 2 : std::min(K, 20);
  const float name_w = fs * 6.5f;
  for (int k = 0; k < rows; k++) {
    float p = one ? (k == 1 ? in.probs[0] : 1 - in.probs[0]) : in.probs[size_t(k)];
    std::string name = k < int(s.data.class_names.size()) ? s.data.class_names[size_t(k)] : std::to_string(k);
    ImVec2 c = ImGui::GetCursorScreenPos();
    ImGui::TextUnformatted(name.c_str());
    ImVec2 b0(c.x + name_w, c.y + 2), b1(c.x + name_w + (width - name_w - fs * 4) * std::clamp(p, 0.0f, 1.0f), c.y + fs - 1);
    dl->AddRectFilled(ImVec2(c.x + name_w, c.y + 2), ImVec2(c.x + width - fs * 4, c.y + fs - 1), IM_COL32(40, 44, 52, 255));
    dl->AddRectFilled(b0, b1, k == in.predicted || (one && (in.probs[0] >= 0.5f) == (k == 1)) ? ClassCol(k) : IM_COL32(110, 120, 140, 255));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", p);
    dl->AddText(ImVec2(c.x + width - fs * 3.6f, c.y), ImGui::GetColorU32(ImGuiCol_Text), buf);
  }
}

static void ViewPredict(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  if (s.data.regression()) { ImGui::TextWrapped("A regression network: its outputs are numbers, not class scores. Maps and Field show what it computes."); return; }
  if (s.net.loss == cnn::LossKind::quadratic) {
    // A classifier without softmax (issue 15.3): its outputs are scores fitted to one-hot labels.
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.78f, 0.35f, 1.0f));
    ImGui::TextWrapped("A %d-class classifier trained with the quadratic loss (it ends without softmax): the bars are its raw outputs, "
                       "fitted to one-hot labels, not probabilities; the largest is the prediction. The training panel offers the fix.",
                       s.data.num_classes);
    ImGui::PopStyleColor();
  }
  SampleChooser(app, s);
  const cnn::Shape sh = s.data.shape;
  const bool can_draw = sh.c == 1 && sh.h >= 8 && sh.w >= 8;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float side = std::floor(std::min(fs * 11.0f, std::max(fs * 6.0f, ImGui::GetContentRegionAvail().y - fs * 3)));
  ImGui::BeginGroup();
  if (can_draw) {
    ImGui::TextColored(kDim, "draw here (drag):");
    PadWidget(app, s, side);
    if (ImGui::SmallButton("clear")) { std::fill(in.pad.begin(), in.pad.end(), 0.0f); in.pad_dirty = true; }
    ImGui::SameLine();
    if (ImGui::SmallButton(in.use_pad ? "show the sample" : "show the pad")) { in.use_pad = !in.use_pad; in.pad_dirty = true; }
  } else if (!in.acts.empty() && sh.h * sh.w > 1) {
    ImGui::TextColored(kDim, "the sample:");
    float lo = 0, hi = 0;
    for (float v : in.acts[0]) { lo = std::min(lo, v); hi = std::max(hi, v); }
    HeatTile(app, upload, "sample", in.acts[0].data(), sh.w, sh.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1, ImVec2(side, side));
  } else if (!in.acts.empty()) {
    ImGui::Text("point (%.2f, %.2f)", in.acts[0][0], in.acts[0].size() > 1 ? in.acts[0][1] : 0.0f);
  }
  ImGui::EndGroup();
  ImGui::SameLine(0, fs);
  ImGui::BeginGroup();
  if (can_draw && !in.acts.empty() && !in.use_pad) {
    float lo = 0, hi = 0;
    for (float v : in.acts[0]) { lo = std::min(lo, v); hi = std::max(hi, v); }
    ImGui::TextColored(kDim, "test sample %d:", in.sample);
    HeatTile(app, upload, "sample", in.acts[0].data(), sh.w, sh.h, ColorMode::Sequential, 1, lo, hi > lo ? hi : lo + 1, ImVec2(fs * 4, fs * 4));
  }
  {
    // What the outputs are (issue 15.9): softmax probabilities, a sigmoid's, or plain outputs.
    const cnn::LayerKind last = s.net.spec.layers.empty() ? cnn::LayerKind::dense : s.net.spec.layers.back().kind;
    const char* what = last == cnn::LayerKind::softmax ? "softmax scores p" : last == cnn::LayerKind::sigmoid ? "sigmoid outputs" : "network outputs";
    ImGui::TextColored(kDim, "%s (%s):", what, in.use_pad ? "your drawing" : "the sample");
  }
  if (!in.probs.empty()) ProbBars(app, s, std::max(fs * 12, avail - (can_draw ? side : fs * 8) - fs * 2));
  ImGui::EndGroup();
}

static void StartConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const int64_t n = std::min<int64_t>(in.conf_n, s.data.n_test());
  in.conf_cursor = 0;
  in.conf_pred.assign(size_t(n), -1);
  in.conf_score.assign(size_t(n), 0);
  in.conf_true_score.assign(size_t(n), 0);
  in.conf_step = s.trainer.step;
}

// One batch of the confusion evaluation per frame.
static void StepConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  if (in.conf_cursor < 0) return;
  cnn::Network& net = s.net;
  const int64_t n = int64_t(in.conf_pred.size());
  const int m = int(std::min<int64_t>(net.max_batch, n - in.conf_cursor));
  if (m > 0) {
    cnn::network_forward(&net, s.data.test_sample(in.conf_cursor), m, false);
    const int64_t K = net.out_size();
    for (int i = 0; i < m; i++) {
      const float* p = net.output() + i * K;
      const int32_t y = s.data.test_y[size_t(in.conf_cursor + i)];
      int pred = cnn::network_predicted_class(&net, i);
      in.conf_pred[size_t(in.conf_cursor + i)] = pred;
      if (K == 1) {
        in.conf_score[size_t(in.conf_cursor + i)] = pred == 1 ? p[0] : 1 - p[0];
        in.conf_true_score[size_t(in.conf_cursor + i)] = y == 1 ? p[0] : 1 - p[0];
      } else {
        in.conf_score[size_t(in.conf_cursor + i)] = p[pred];
        in.conf_true_score[size_t(in.conf_cursor + i)] = y >= 0 && y < K ? p[y] : 0;
      }
    }
    in.conf_cursor += m;
  }
  if (in.conf_cursor >= n) {
    in.conf_cursor = -1;
    const int K = std::max(s.data.num_classes, 1);
    in.conf_classes = K;
    in.confusion.assign(size_t(K) * K, 0);
    for (int64_t i = 0; i < n; i++) {
      int y = s.data.test_y[size_t(i)], p = in.conf_pred[size_t(i)];
      if (y >= 0 && y < K && p >= 0 && p < K) in.confusion[size_t(y) * K + p]++;
    }
  }
}

static void ViewConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  if (s.data.num_classes < 2) { ImGui::TextWrapped("A regression set has no classes, so no confusion matrix."); return; }
  const bool stale = in.conf_step != s.trainer.step;
  if (in.conf_cursor < 0 && (in.confusion.empty() || (stale && (!app.training || app.frame - in.last_refresh == 0)))) StartConfusion(app, s);
  StepConfusion(app, s);
  if (in.conf_cursor >= 0) { ImGui::SameLine(); ImGui::TextColored(kDim, "evaluating %lld / %zu ...", (long long)in.conf_cursor, in.conf_pred.size()); }
  if (in.confusion.empty()) return;
  const int K = in.conf_classes;
  int total = 0, right = 0;
  for (int a = 0; a < K; a++) for (int b = 0; b < K; b++) { total += in.confusion[size_t(a) * K + b]; if (a == b) right += in.confusion[size_t(a) * K + b]; }
  ImGui::Text("first %d test samples at step %lld: accuracy %.1f%%", total, (long long)in.conf_step, total ? 100.0 * right / total : 0.0);
  ImGui::TextColored(kDim, "rows: true class, columns: predicted. Click a cell to list its samples.");
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const float cell = std::floor(std::clamp((std::min(avail_w * 0.55f, ImGui::GetContentRegionAvail().y - fs * 2) - fs * 4) / K, fs * 1.3f, fs * 2.6f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::BeginGroup();
  ImVec2 o = ImGui::GetCursorScreenPos();
  const float label_w = fs * 4;
  ImGui::InvisibleButton("matrix", ImVec2(label_w + cell * K, fs + cell * K));
  bool clicked = ImGui::IsItemClicked();
  ImVec2 m = ImGui::GetIO().MousePos;
  for (int b = 0; b < K; b++) {
    std::string nm = b < int(s.data.class_names.size()) ? s.data.class_names[size_t(b)].substr(0, 4) : std::to_string(b);
    dl->AddText(ImVec2(o.x + label_w + b * cell + 2, o.y), ImGui::GetColorU32(ImGuiCol_Text), nm.c_str());
  }
  for (int a = 0; a < K; a++) {
    int row_total = 0;
    for (int b = 0; b < K; b++) row_total += in.confusion[size_t(a) * K + b];
    std::string nm = a < int(s.data.class_names.size()) ? s.data.class_names[size_t(a)].substr(0, 7) : std::to_string(a);
    dl->AddText(ImVec2(o.x, o.y + fs + a * cell + (cell - fs) / 2), ImGui::GetColorU32(ImGuiCol_Text), nm.c_str());
    for (int b = 0; b < K; b++) {
      int c = in.confusion[size_t(a) * K + b];
      float t = row_total ? float(c) / row_total : 0;
      ImVec2 c0(o.x + label_w + b * cell, o.y + fs + a * cell), c1(c0.x + cell - 1, c0.y + cell - 1);
      ImU32 col = a == b ? ColormapColor(ColorMode::Sequential, 0.15f + 0.85f * t) : ColormapColor(ColorMode::Diverging, t * 2.0f);
      dl->AddRectFilled(c0, c1, col);
      if (a == in.conf_sel_true && b == in.conf_sel_pred) dl->AddRect(c0, c1, IM_COL32(60, 255, 120, 255), 0, 0, 2);
      char buf[16];
      std::snprintf(buf, sizeof buf, "%d", c);
      ImVec2 ts = ImGui::CalcTextSize(buf);
      if (ts.x < cell - 2) dl->AddText(ImVec2(c0.x + (cell - ts.x) / 2, c0.y + (cell - ts.y) / 2), (a == b ? t < 0.45f : t > 0.2f) ? IM_COL32(255, 255, 255, 255) : IM_COL32(20, 20, 20, 255), buf);
      if (clicked && m.x >= c0.x && m.x < c1.x && m.y >= c0.y && m.y < c1.y) { in.conf_sel_true = a; in.conf_sel_pred = b; }
    }
  }
  {
    ImVec2 a = ImVec2(o.x + label_w, o.y + fs), b = ImVec2(o.x + label_w + cell * K, o.y + fs + cell * K);
    app.rects["confusion_matrix"] = ImVec4(a.x, a.y, b.x, b.y);
  }
  ImGui::EndGroup();
  if (in.conf_sel_true >= 0 && in.conf_sel_true < K && in.conf_sel_pred < K) {
    ImGui::SameLine(0, fs);
    ImGui::BeginGroup();
    auto nm = [&](int k) { return k < int(s.data.class_names.size()) ? s.data.class_names[size_t(k)] : std::to_string(k); };
    ImGui::Text("true %s, predicted %s:", nm(in.conf_sel_true).c_str(), nm(in.conf_sel_pred).c_str());
    ImGui::BeginChild("conf_list", ImVec2(0, std::max(fs * 4, ImGui::GetContentRegionAvail().y)), false);
    int shown = 0;
    for (size_t i = 0; i < in.conf_pred.size(); i++) {
      if (s.data.test_y[i] != in.conf_sel_true || in.conf_pred[i] != in.conf_sel_pred) continue;
      char buf[96];
      std::snprintf(buf, sizeof buf, "#%zu  p(pred) %.3f  p(true) %.3f", i, in.conf_score[i], in.conf_true_score[i]);
      if (ImGui::Selectable(buf)) { in.sample = int(i); in.use_pad = false; in.view = InsideView::Predict; in.last_refresh = -1000; }
      if (++shown >= 200) { ImGui::TextColored(kDim, "(first 200)"); break; }
    }
    if (!shown) ImGui::TextColored(kDim, "no samples");
    ImGui::EndChild();
    ImGui::EndGroup();
  }
}

static void RefreshBoundary(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  cnn::Network& net = s.net;
  const cnn::Dataset& d = s.data;
  // field bounds: the training points plus a margin
  float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (int64_t i = 0; i < d.n_train(); i++) {
    x0 = std::min(x0, d.train_x[size_t(i) * 2]); x1 = std::max(x1, d.train_x[size_t(i) * 2]);
    y0 = std::min(y0, d.train_x[size_t(i) * 2 + 1]); y1 = std::max(y1, d.train_x[size_t(i) * 2 + 1]);
  }
  const float mx = (x1 - x0) * 0.08f + 1e-3f, my = (y1 - y0) * 0.08f + 1e-3f;
  in.bx0 = x0 - mx; in.bx1 = x1 + mx; in.by0 = y0 - my; in.by1 = y1 + my;
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
      ImVec4 c = ImGui::ColorConvertU32ToFloat4(ClassCol(k));
      float a = 0.18f + 0.55f * std::clamp(conf, 0.0f, 1.0f);
      uint8_t* o = &rgba[size_t(off + i) * 4];
      o[0] = uint8_t(255 * (0.1f * (1 - a) + c.x * a)); o[1] = uint8_t(255 * (0.11f * (1 - a) + c.y * a));
      o[2] = uint8_t(255 * (0.13f * (1 - a) + c.z * a)); o[3] = 255;
    }
  }
  TextureUpload(in.boundary, rgba.data(), G, G, false);
  in.boundary_step = s.trainer.step;
}

static void ViewBoundary(AppState& app, Session& s, bool due) {
  InspectState& in = app.inspect;
  const cnn::Dataset& d = s.data;
  if (!(d.shape.h == 1 && d.shape.w == 1 && d.shape.c == 2) || d.num_classes < 2) {
    ImGui::TextWrapped("The decision field is drawn for the 2D point sets (spirals, circles, xor, blobs) with a classifier such as the tiny-mlp preset. This dataset's samples are %s.", cnn::shape_text(d.shape, cnn::ShapeForm::count_if_flat).c_str());
    return;
  }
  if (in.boundary_step != s.trainer.step && (due || in.boundary_step == -2)) RefreshBoundary(app, s);
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::floor(std::max(fs * 8, std::min(avail.x, avail.y - fs * 1.5f)));
  ImGui::TextColored(kDim, "The network on a grid (colour: predicted class, paler = less sure) under the training points, step %lld.", (long long)in.boundary_step);
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("field", ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (in.boundary.id) dl->AddImage(in.boundary.Id(), p0, ImVec2(p0.x + side, p0.y + side));
  const int64_t n = std::min<int64_t>(d.n_train(), 600);
  for (int64_t i = 0; i < n; i++) {
    float x = d.train_x[size_t(i) * 2], y = d.train_x[size_t(i) * 2 + 1];
    ImVec2 c(p0.x + (x - in.bx0) / (in.bx1 - in.bx0) * side, p0.y + (in.by1 - y) / (in.by1 - in.by0) * side);
    dl->AddCircleFilled(c, std::max(2.0f, fs * 0.2f), IM_COL32(15, 15, 20, 255), 8);
    dl->AddCircleFilled(c, std::max(1.5f, fs * 0.14f), ClassCol(d.train_y[size_t(i)]), 8);
  }
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(90, 95, 110, 255));
}

static void ViewDynamics(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const cnn::Network& net = s.net;
  if (in.dyn_step.empty()) { ImGui::TextWrapped("Train (or Step) to see, per layer, the gradient norm, the update-to-weight ratio per step (healthy training is often near 1e-3), and the fraction of ReLU units that are off for every probe sample (dead)."); return; }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side = avail.x > avail.y * 2.2f;
  const int nplots = in.dyn_relu_layers.empty() ? 2 : 3;
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  ImVec2 size = side ? ImVec2((avail.x - sp * (nplots - 1)) / nplots, avail.y) : ImVec2(avail.x, std::max(ImGui::GetFontSize() * 7, (avail.y - sp * (nplots - 1)) / nplots));
  static const ImU32 cols[] = {IM_COL32(90, 170, 255, 255), IM_COL32(255, 150, 60, 255), IM_COL32(110, 210, 110, 255), IM_COL32(235, 95, 120, 255),
                               IM_COL32(190, 140, 255, 255), IM_COL32(240, 220, 90, 255), IM_COL32(80, 215, 210, 255), IM_COL32(230, 230, 230, 255)};
  const int n = int(in.dyn_step.size());
  if (Plot::BeginPlot("gradient norm |dL/dw| per layer", size)) {
    Plot::SetupAxes("step", "", 0, Plot::AxisFlags_Log);
    for (size_t k = 0; k < in.dyn_param_layers.size(); k++) {
      std::string nm = "L" + std::to_string(in.dyn_param_layers[k] + 1) + " " + cnn::layer_kind_name(net.spec.layers[size_t(in.dyn_param_layers[k])].kind);
      Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_grad[k].data(), std::min(n, int(in.dyn_grad[k].size())), cols[k % 8]);
    }
    Plot::EndPlot();
  }
  if (side) ImGui::SameLine();
  if (Plot::BeginPlot("update / weight per step", size)) {
    Plot::SetupAxes("step", "", 0, Plot::AxisFlags_Log);
    for (size_t k = 0; k < in.dyn_param_layers.size(); k++) {
      std::string nm = "L" + std::to_string(in.dyn_param_layers[k] + 1);
      Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_ratio[k].data(), std::min(n, int(in.dyn_ratio[k].size())), cols[k % 8]);
    }
    Plot::EndPlot();
  }
  if (nplots == 3) {
    if (side) ImGui::SameLine();
    if (Plot::BeginPlot("dead ReLU fraction", size)) {
      Plot::SetupAxes("step", "", 0, Plot::AxisFlags_Percent);
      Plot::SetupAxisLimitsY(0, 1);
      for (size_t k = 0; k < in.dyn_relu_layers.size(); k++) {
        std::string nm = "L" + std::to_string(in.dyn_relu_layers[k] + 1) + " relu";
        Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_dead[k].data(), std::min(n, int(in.dyn_dead[k].size())), cols[k % 8]);
      }
      Plot::EndPlot();
    }
  }
}

// ---------------------------------------------------------------------------------------------

void ShowInspectPanel(AppState& app) {
  InspectState& in = app.inspect;
  in.maps_used = 0;
  Session* sp = Ready(app);
  if (!sp) {
    std::string why;
    TrainingAllowed(app, &why);
    ImGui::TextWrapped("Nothing to look inside yet: %s", why.empty() ? "no network" : why.c_str());
    return;
  }
  Session& s = *sp;
  SyncKey(app, s);
  // view selector
  for (int v = 0; v < int(InsideView::Count); v++) {
    if (v) {  // next button on this line only if it fits (narrow windows wrap, nothing is cut off)
      float w = ImGui::CalcTextSize(InsideViewName(InsideView(v))).x + ImGui::GetStyle().FramePadding.x * 2;
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    }
    bool sel = int(in.view) == v;
    if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(InsideViewName(InsideView(v)))) { in.view = InsideView(v); in.last_refresh = -1000; }
    SaveRect(app, std::string("inside_") + InsideViewName(InsideView(v)));
    if (sel) ImGui::PopStyleColor();
  }
  // refresh policy: while training every refresh_frames frames; when paused as soon as anything moved
  const int64_t step = s.trainer.step;
  bool due = app.frame - in.last_refresh >= (app.training ? in.refresh_frames : 1) && (step != in.refreshed_step || in.last_refresh < 0 || app.frame - in.last_refresh > 1000);
  if (in.last_refresh == -1000 || in.pad_dirty) due = true;
  if (due) {
    RefreshSample(app, s);
    RefreshDynamics(app, s);
    in.last_refresh = app.frame;
    in.refreshed_step = step;
    in.pad_dirty = false;
  }
  if (!in.error.empty()) ImGui::TextColored(kWarn, "%s", in.error.c_str());
  ImGui::BeginChild("inside_view", ImVec2(0, 0), false);
  switch (in.view) {
    case InsideView::Filters: ViewFilters(app, s, due); break;
    case InsideView::Maps: ViewMaps(app, s, due); break;
    case InsideView::Field: ViewField(app, s, due); break;
    case InsideView::Predict: ViewPredict(app, s, due); break;
    case InsideView::Confusion: ViewConfusion(app, s); break;
    case InsideView::Boundary: ViewBoundary(app, s, due); break;
    case InsideView::Dynamics: ViewDynamics(app, s); break;
    default: break;
  }
  ImGui::EndChild();
}

void ShowInspectTabs(AppState& app) {
  InspectState& in = app.inspect;
  // training dynamics are sampled whichever tab is open, so the curves cover the whole run
  if (Session* s = Ready(app); s && app.frame - in.dyn_frame >= in.refresh_frames) {
    SyncKey(app, *s);
    RefreshDynamics(app, *s);
    in.dyn_frame = app.frame;
  }
  if (!ImGui::BeginTabBar("right_tabs")) return;
  struct TabDef { const char* name; InspectTab tab; };
  const TabDef tabs[] = {{"Curves", InspectTab::Curves}, {"Inside", InspectTab::Inside}, {"Backprop", InspectTab::Backprop}, {"Notes", InspectTab::Notes}};
  for (const TabDef& t : tabs) {
    ImGuiTabItemFlags f = (in.request_tab && in.tab == t.tab) ? ImGuiTabItemFlags_SetSelected : 0;
    bool open = ImGui::BeginTabItem(t.name, nullptr, f);
    SaveTabRect(app, (std::string("rtab_") + t.name).c_str(), t.name);
    if (open) {
      if (!in.request_tab) in.tab = t.tab;
      ImGui::BeginChild("rtab", ImVec2(0, 0), false);
      switch (t.tab) {
        case InspectTab::Curves: ShowPlotsPanel(app); break;
        case InspectTab::Inside: ShowInspectPanel(app); break;
        case InspectTab::Backprop: ShowBackpropPanel(app); break;
        case InspectTab::Notes: ShowNotesPanel(app); break;
      }
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
  }
  in.request_tab = false;
  ImGui::EndTabBar();
}

void InspectRunGradientCheck(AppState& app) {
  InspectState& in = app.inspect;
  Session* sp = Ready(app);
  if (!sp) { in.have_gradcheck = false; return; }
  Session& s = *sp;
  SyncKey(app, s);
  const cnn::Dataset& d = s.data;
  const int n = int(std::min<int64_t>({2, d.n_test(), s.net.max_batch}));
  double t0 = cnn::now_ms();
  in.gradcheck = cnn::network_gradient_check(s.net, d.test_x.data(), d.test_y.empty() ? nullptr : d.test_y.data(), d.test_t.empty() ? nullptr : d.test_t.data(), n);
  in.gradcheck_ms = cnn::now_ms() - t0;
  in.have_gradcheck = true;
}

// ---------------------------------------------------------------------------------------------
// JS hook: window.cnnSandbox.inspect (web/shell/api_inspect.js)

CNN_EXPORT int cnn_inspect_show(const char* tab, const char* view) {
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  std::string t = tab ? tab : "", v = view ? view : "";
  if (t == "curves") in.tab = InspectTab::Curves;
  else if (t == "inside") in.tab = InspectTab::Inside;
  else if (t == "backprop") in.tab = InspectTab::Backprop;
  else if (t == "notes") in.tab = InspectTab::Notes;
  else return 0;
  in.request_tab = true;
  if (in.tab == InspectTab::Notes && !v.empty()) {  // notes: fig1 | fig5 | line | fig3
    static const char* notes[] = {"fig1", "fig5", "line", "fig3"};
    for (int k = 0; k < 4; k++)
      if (v == notes[k]) { in.notes_view = k; return 1; }
    return 0;
  }
  if (!v.empty()) {
    bool found = false;
    for (int k = 0; k < int(InsideView::Count); k++) {
      std::string nm = InsideViewName(InsideView(k));
      std::transform(nm.begin(), nm.end(), nm.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      if (nm == v) { in.view = InsideView(k); found = true; }
    }
    if (!found) return 0;
    in.last_refresh = -1000;
  }
  return 1;
}

CNN_EXPORT int cnn_inspect_select_unit(int layer, int chan, int row, int col) {
  AppState& app = AppGlobal();
  Session* s = Ready(app);
  if (!s || layer < 1 || layer > s->net.num_layers()) return 0;
  SyncKey(app, *s);
  SelectUnit(app, *s, layer, chan, row, col);
  RefreshSample(app, *s);
  return 1;
}

CNN_EXPORT void cnn_inspect_draw_stroke() {  // a diagonal stroke on the pad, as a mouse would draw
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  Session* s = Ready(app);
  if (!s) return;
  SyncKey(app, *s);
  const cnn::Shape sh = s->data.shape;
  for (int i = 0; i < sh.h; i++) {
    int j = sh.w / 2;
    in.pad[size_t(i) * sh.w + j] = 1.0f;
    if (j + 1 < sh.w) in.pad[size_t(i) * sh.w + j + 1] = 0.7f;
  }
  in.use_pad = true;
  in.pad_dirty = true;
}

CNN_EXPORT const char* cnn_inspect_get_state(int run_gradcheck) {
  static std::string out;
  AppState& app = AppGlobal();
  InspectState& in = app.inspect;
  if (run_gradcheck) InspectRunGradientCheck(app);
  using nlohmann::json;
  json j;
  static const char* tabs[] = {"curves", "inside", "backprop", "notes"};
  j["tab"] = tabs[int(in.tab)];
  j["view"] = InsideViewName(in.view);
  j["gpuColormap"] = ColormapUsesGpu();
  j["ready"] = Ready(app) != nullptr;
  j["error"] = in.error;
  j["predicted"] = in.predicted;
  j["probs"] = in.probs;
  j["usePad"] = in.use_pad;
  j["sample"] = in.sample;
  if (in.rf_layer >= 1) {
    const cnn::FieldRect& r = in.rf_rect;
    j["field"] = {{"layer", in.rf_layer}, {"row", in.rf_row}, {"col", in.rf_col}, {"chan", in.rf_chan},
                  {"nominal", {r.first[0], r.first[1], r.last[0], r.last[1]}},
                  {"exact", {r.clip_first[0], r.clip_first[1], r.clip_last[0], r.clip_last[1]}},
                  {"wholeInput", r.whole_input}};
    if (Session* s = Ready(app); s && !in.erf.empty()) {
      cnn::FieldRect sup = cnn::field_support(in.erf.data(), s->net.info.input);
      j["field"]["support"] = {sup.first[0], sup.first[1], sup.last[0], sup.last[1]};
    }
  }
  int conf_total = 0;
  for (int32_t c : in.confusion) conf_total += c;
  j["confusionTotal"] = conf_total;
  j["confusionSelected"] = {in.conf_sel_true, in.conf_sel_pred};
  j["dynamicsPoints"] = in.dyn_step.size();
  j["traceStep"] = in.bp_step;
  j["haveTrace"] = in.have_trace;
  j["haveLine"] = in.have_line;
  if (in.have_line) {
    int flat01 = 0, flatce = 0;
    for (size_t k = 1; k < in.line.t.size(); k++) {
      if (!in.line.zero_one.empty()) flat01 += in.line.zero_one[k] == in.line.zero_one[k - 1];
      flatce += in.line.cross_entropy[k] == in.line.cross_entropy[k - 1];
    }
    j["line"] = {{"points", in.line.t.size()}, {"flatZeroOne", flat01}, {"flatCrossEntropy", flatce}};
  }
  if (in.have_gradcheck) {
    const cnn::GradCheckResult& g = in.gradcheck;
    json layers = json::array();
    for (size_t i = 0; i < g.layers.size(); i++)
      layers.push_back({{"errW", g.layers[i].err_w}, {"errB", g.layers[i].err_b}, {"errX", g.layers[i].err_x}, {"checked", g.layers[i].checked}, {"kinks", g.layers[i].kinks}});
    j["gradcheck"] = {{"maxError", g.max_error}, {"worstLayer", g.worst_layer}, {"errDp", g.err_dp}, {"message", g.message}, {"layers", layers}, {"ms", in.gradcheck_ms}};
  }
  out = j.dump();
  return out.c_str();
}
