// inspect.h: state and entry points of the "look inside" views (issue 9), one member of AppState
// (`InspectState inspect;`). The views live in the bottom-right window as tabs beside "Curves":
//   ShowInspectPanel   panel_inspect.cpp    filters, feature maps, receptive field, prediction and
//                                           drawing pad, confusion matrix, decision boundary,
//                                           training dynamics
//   ShowBackpropPanel  panel_backprop.cpp   Algorithm 1 step by step; gradient check per layer
//   ShowNotesPanel     panel_notes.cpp      Figures 1, 3 and 5 of the notes, zero-one loss vs
//                                           cross-entropy along a line through the weights
// Every view reads the session's network between training slices; the expensive ones refresh
// every `refresh_frames` frames (or when asked), never every frame.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cnn/inspect.h"
#include "cnn/net.h"
#include "cnn/train.h"
#include "colormap.h"

struct AppState;

enum class InspectTab : int { Curves, Inside, Backprop, Notes };
enum class InsideView : int { Filters, Maps, Field, Predict, Confusion, Boundary, Dynamics, Count };

struct InspectState {
  InspectTab tab = InspectTab::Curves;
  bool request_tab = false;  // select `tab` in the tab bar next frame (JS hook)
  InsideView view = InsideView::Maps;
  int refresh_frames = 20;      // live views recompute at most this often while training
  int last_refresh = -1000;     // frame of the last refresh
  int64_t refreshed_step = -1;  // trainer step the views show
  std::string net_key;          // model + dataset the cached numbers belong to
  std::string error;            // last engine message, shown in the view

  // Chosen sample (test split) or the drawing pad
  int sample = 0;
  bool use_pad = false;
  std::vector<float> pad;  // raw [0, 1], input h x w (grey)
  bool pad_dirty = true;
  std::vector<std::vector<float>> acts;  // x^(j) of the shown input, j = 0..L
  std::vector<float> probs;              // x^(L)
  int predicted = -1;

  // Receptive field: the clicked unit
  int rf_layer = -1, rf_row = 0, rf_col = 0, rf_chan = 0;
  cnn::FieldRect rf_rect;
  std::vector<float> erf;  // |d unit / d input|, C x H x W
  bool rf_dirty = false;

  std::vector<int> filter_channel;  // Filters view: the input channel shown, per layer

  // Heatmap textures, by slot (reused every refresh)
  std::vector<Heatmap> maps;
  int maps_used = 0;

  // Confusion matrix over the first `conf_n` test samples, built in chunks across frames
  int conf_n = 500;
  int64_t conf_cursor = -1;        // next sample to evaluate (-1 = idle)
  std::vector<int32_t> conf_pred;  // per sample
  std::vector<float> conf_score;   // probability of the predicted class
  std::vector<float> conf_true_score;
  cnn::EvalResult conf_running;  // the evaluation in progress (cnn::evaluate_add, a batch a frame)
  cnn::EvalResult conf;          // the last finished one: conf.confusion is [true][predicted]
  int64_t conf_step = -1;        // trainer step it was computed at
  int conf_sel_true = -1, conf_sel_pred = -1;

  // Decision boundary (2D point sets)
  Texture boundary;
  float bx0 = -2, bx1 = 2, by0 = -2, by1 = 2;  // normalized coordinates of the field
  int64_t boundary_step = -2;

  // Training dynamics, one entry per refresh
  std::vector<float> dyn_step;
  std::vector<std::string> dyn_names;  // per parameter/relu layer
  std::vector<std::vector<float>> dyn_grad, dyn_ratio, dyn_dead;
  std::vector<int> dyn_param_layers, dyn_relu_layers;
  std::vector<float> prev_params;
  int dyn_frame = -1000;  // frame of the last sample (taken whichever tab is open)
  int64_t prev_step = -1;

  // Back-propagation, step by step
  cnn::SampleTrace trace;
  bool have_trace = false;
  int bp_step = 0;  // 0..L forward values shown, then L backward steps
  int bp_sample = 0;
  cnn::GradCheckResult gradcheck;
  bool have_gradcheck = false;
  double gradcheck_ms = 0;

  // Notes
  int notes_view = 0;  // 0 Figure 1, 1 Figure 5, 2 zero-one vs proxy, 3 Figure 3
  float fig1_p = 0.3f;
  float fig5_q = 0.3f, fig5_p = 0.6f;
  cnn::LossLine line;
  bool have_line = false;
  float line_tmax = 1.0f;
  int line_seed = 1, line_samples = 128;  // 61 points x 128 samples: one pause of a fraction of a second
  double line_ms = 0;
  std::string line_key;
};

void ShowInspectTabs(AppState& app);  // the tab bar of the bottom-right window (Curves first)
void ShowInspectPanel(AppState& app);
void ShowBackpropPanel(AppState& app);
void ShowNotesPanel(AppState& app);

// Shared helpers (inspect_compute.cpp, panel_inspect.cpp)
bool InspectNetReady(AppState& app);  // the session has a built network and data
void InspectRunGradientCheck(AppState& app);
const char* InsideViewName(InsideView v);
