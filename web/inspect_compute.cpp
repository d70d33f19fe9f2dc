// inspect_compute.cpp: the numbers the "Inside" views show, computed from the session's network
// between training slices: the shown sample's activations and the clicked unit's field, per-layer
// training dynamics, the confusion matrix (one batch a frame, through the engine's evaluation) and
// the gradient check. Drawing is in inspect_view_*.cpp.
#include <algorithm>
#include <cmath>

#include "app.h"
#include "cnn/inspect.h"
#include "cnn/train.h"
#include "inspect_views.h"
#include "session.h"

Session* InspectSession(AppState& app) {
  if (!app.session || !app.session->ready || !app.session->data_ok) return nullptr;
  return app.session.get();
}
bool InspectNetReady(AppState& app) { return InspectSession(app) != nullptr; }

std::string InspectLayerName(const cnn::Network& net, int j) {  // x^(j)
  if (j == 0) return "input";
  return std::to_string(j) + " " + cnn::layer_to_text(net.spec.layers[size_t(j - 1)]);
}

// Drops every cached number when the network or the dataset changed under the views.
void InspectSyncKey(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  std::string key = s.net_text + "|" + s.net_data_name + "|" + std::to_string(s.net_batch) + "|" +
                    std::to_string(s.net_seed);
  if (key == in.net_key) return;
  in.net_key = key;
  in.acts.clear();
  in.probs.clear();
  in.predicted = -1;
  in.rf_layer = -1;
  in.erf.clear();
  in.conf_cursor = -1;
  in.conf_pred.clear();
  in.conf = {};
  in.conf_step = -1;
  in.conf_sel_true = in.conf_sel_pred = -1;
  in.boundary_step = -2;
  in.dyn_step.clear();
  in.dyn_grad.clear();
  in.dyn_ratio.clear();
  in.dyn_dead.clear();
  in.dyn_names.clear();
  in.dyn_param_layers.clear();
  in.dyn_relu_layers.clear();
  in.prev_params.clear();
  in.prev_step = -1;
  in.have_trace = false;
  in.bp_step = 0;
  in.have_gradcheck = false;
  in.have_line = false;
  in.last_refresh = -1000;
  const cnn::Shape sh = s.data.shape;
  in.pad.assign(size_t(sh.h) * sh.w, 0.0f);
  in.use_pad = false;
  in.error.clear();
  if (in.sample >= s.data.n_test()) in.sample = 0;
}

// The input the views show: the chosen test sample, or the drawing pad (normalized like the data).
const float* InspectShownInput(AppState& app, Session& s, std::vector<float>* buf) {
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

int InspectShownLabel(AppState& app, Session& s) {
  if (app.inspect.use_pad || s.data.test_y.empty()) return -1;
  return s.data.test_y[size_t(app.inspect.sample)];
}

// Forward pass of the shown input in inference mode; keeps every x^(j).
void InspectRefreshSample(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  std::vector<float> buf;
  const float* x = InspectShownInput(app, s, &buf);
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

void InspectSelectUnit(AppState& app, Session& s, int layer, int chan, int row, int col) {
  InspectState& in = app.inspect;
  const cnn::Shape sh = s.net.out_shape(layer);
  in.rf_layer = layer;
  in.rf_chan = std::clamp(chan, 0, sh.c - 1);
  in.rf_row = std::clamp(row, 0, sh.h - 1);
  in.rf_col = std::clamp(col, 0, sh.w - 1);
  in.last_refresh = -1000;  // recompute now
}

// Per-layer norms, update ratios and dead ReLUs, appended when the trainer moved.
void InspectRefreshDynamics(AppState& app, Session& s) {
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
    auto half = [](std::vector<float>& v) {
      std::vector<float> o;
      for (size_t i = 0; i < v.size(); i += 2) o.push_back(v[i]);
      v.swap(o);
    };
    half(in.dyn_step);
    for (auto& v : in.dyn_grad) half(v);
    for (auto& v : in.dyn_ratio) half(v);
    for (auto& v : in.dyn_dead) half(v);
  }
}

void InspectStartConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const int64_t n = std::min<int64_t>(in.conf_n, s.data.n_test());
  in.conf_cursor = 0;
  in.conf_pred.assign(size_t(n), -1);
  in.conf_score.assign(size_t(n), 0);
  in.conf_true_score.assign(size_t(n), 0);
  in.conf_step = s.trainer.step;
  in.conf_running = cnn::evaluate_start(s.data);
}

// One batch of the confusion evaluation per frame. The matrix is the engine's evaluation
// (cnn::evaluate_add, as the trainer's); the per-sample predictions and scores for the cell list are
// read from the same forward pass.
void InspectStepConfusion(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  if (in.conf_cursor < 0) return;
  cnn::Network& net = s.net;
  const int64_t n = int64_t(in.conf_pred.size());
  const int m = int(std::min<int64_t>(net.max_batch, n - in.conf_cursor));
  if (m > 0) {
    cnn::evaluate_add(&net, s.data, cnn::Split::test, in.conf_cursor, in.conf_cursor + m, &in.conf_running);
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
    cnn::evaluate_finish(&in.conf_running);
    in.conf = in.conf_running;
  }
}

void InspectRunGradientCheck(AppState& app) {
  InspectState& in = app.inspect;
  Session* sp = InspectSession(app);
  if (!sp) {
    in.have_gradcheck = false;
    return;
  }
  Session& s = *sp;
  InspectSyncKey(app, s);
  const cnn::Dataset& d = s.data;
  const int n = int(std::min<int64_t>({2, d.n_test(), s.net.max_batch}));
  double t0 = cnn::now_ms();
  in.gradcheck = cnn::network_gradient_check(s.net, d.test_x.data(), d.test_y.empty() ? nullptr : d.test_y.data(),
                                             d.test_t.empty() ? nullptr : d.test_t.data(), n);
  in.gradcheck_ms = cnn::now_ms() - t0;
  in.have_gradcheck = true;
}
