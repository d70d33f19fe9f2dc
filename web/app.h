// app.h: the one state struct of the front end and the functions main.cpp calls.
//
// [SECTION] Model document (the text, what it parses to, undo/redo)   -> model_doc.cpp
// [SECTION] Training session (dataset, network, trainer, runs)        -> session.cpp
// [SECTION] Panels, one Show…Panel function and one file each:
//   ShowDesignerPanel   panel_designer.cpp   layer list, model text, presets, undo/redo
//   ShowAnalysisPanel   panel_analysis.cpp   shapes, parameters, receptive fields, cost
//   ShowDataPanel       panel_data.cpp       dataset picker, sample grid, classes
//   ShowTrainingPanel   panel_training.cpp   optimizer settings, Train/Pause/Step/Reset
//   ShowPlotsPanel      panel_plots.cpp      loss and accuracy curves, runs, CSV export
//   ShowLessonsPanel    panel_lessons.cpp    the course: lessons, exercises, progress (lessons.h)
// [SECTION] JS hook for tests and course pages                        -> js_api.cpp
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cnn/settings.h"
#include "cnn/spec.h"
#include "imgui.h"
#include "inspect.h"
#include "lessons.h"
#include "share.h"

struct ImFont;
struct ImGuiStyle;

// ---------------------------------------------------------------------------------------------
// [SECTION] Model document
// The text is the source of truth; the layer list edits a parsed copy and writes text back.
struct ModelDoc {
  std::string text;     // what the editor shows
  cnn::ModelSpec spec;  // last text that PARSED (the layer list shows this)
  bool parsed = false;
  bool valid = false;    // parsed and analyzed
  cnn::ModelInfo info;   // analysis of `spec` (when valid)
  cnn::SpecError error;  // when !valid
  // The last valid model is never lost: training and the plots use it while the text is broken.
  std::string last_valid_text;
  cnn::ModelSpec last_valid_spec;
  cnn::ModelInfo last_valid_info;
  std::string preset_name;         // preset the model came from ("" once edited away)
  std::string preset_description;  // the preset file's leading comment lines
  int revision = 0;                // bumps on every change of `text`

  // Undo is the lab's (lab_undo.cpp); the document only groups its edits: edits of the same widget
  // within a second are one group, and so one undo step.
  std::string undo_group;
  double undo_group_time = -10.0;
  int edit_groups = 0;  // bumps when an edit opens a new group
};

struct Preset {
  std::string name, text, description;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] Training
// The lab's settings: one list (cnn/settings.inc) gives their names, defaults, ranges, URL keys,
// command-line flags and labels. loss: the cnn::LossKind chosen where more than one fits, -1 = the
// model's default.
using TrainSettings = cnn::Settings;

// One training run kept for the plots: a run starts at Reset/first Train and stays when the next
// begins, so two architectures or learning rates can be overlaid.
struct Run {
  int id = 0;
  std::string label;  // "lenet5 adam lr=0.003"
  std::string model_text;
  std::string loss_label;  // the loss this run trains with: "cross-entropy, nats", ...
  ImU32 color = 0;
  bool visible = true;
  std::vector<float> step;          // x of the per-step curves (1-based step index)
  std::vector<float> loss, smooth;  // minibatch loss and its exponential moving average
  std::vector<float> smooth_log;    // the same average taken in log space (what a log axis shows)
  std::vector<float> train_err;     // minibatch zero-one error
  std::vector<float> eval_step;     // x of the evaluations
  std::vector<float> test_loss, test_acc, test_err;
  int64_t samples = 0;
};

struct Session;  // session.h: dataset, network, optimizer, progress (engine objects)
struct SessionDeleter {
  void operator()(Session* s) const;
};  // so app.h needs no engine headers

// ---------------------------------------------------------------------------------------------
// [SECTION] Interface state
enum class LeftTab { Designer, Analysis, Data, Lessons };  // Lessons is drawn first (panel_lessons.cpp)
// A tab's key in links (tab=...) and in the JS API: "designer", "analysis", "data", "lessons"; a
// key that is none of these is the Designer (links check their keys when parsed: lab_link.cpp).
const char* LeftTabKey(LeftTab t);
LeftTab LeftTabFromKey(const std::string& key);

struct FrameStats {
  static constexpr int kN = 120;
  float interval_ms[kN] = {};  // time between frame starts
  float work_ms[kN] = {};      // CPU time of AppFrame (interface + training slice)
  float train_ms[kN] = {};     // of which training
  int head = 0, count = 0;
  double last_start = 0;
  float fps = 0, mean_interval_ms = 0, max_interval_ms = 0, mean_work_ms = 0;
  double samples_per_sec = 0;  // training throughput over the last second
  double sps_window_start = 0;
  int64_t sps_window_samples = 0;
};

struct AppState {
  // Set by main.cpp.
  ImFont* font_ui = nullptr;
  ImFont* font_mono = nullptr;
  ImFont* font_big = nullptr;
  float dpr = 1.0f;  // device pixel ratio; sizes in ImGui are device pixels
  int frame = 0;

  ModelDoc doc;
  // The model text box's own copy (ShowModelText): it takes doc.text when the document changed
  // while the box was not being typed in.
  std::string editor_text;
  int editor_revision = -1;
  bool editor_active = false;
  std::vector<Preset> presets;
  int selected_layer = -2;      // -1 = input row, -2 = none
  int dragging_layer = -1;      // row being dragged in the layer list this frame (-1 = none)
  int drag_from = -1;           // layer list: the row a drag started on, until the mouse is released
  int drag_to = -1;             // layer list: where the drop line was last drawn (the move on release)
  bool preset_changed = false;  // a preset was chosen this frame: pick a dataset that fits

  std::string dataset_name = "digits";
  std::vector<int> data_grid;  // sample indices shown in the data panel
  int data_grid_seed = 1;

  TrainSettings settings;
  std::unique_ptr<Session, SessionDeleter> session;  // owns engine objects; rebuilt when model/data/settings change
  std::vector<Run> runs;
  int next_run_id = 1;
  int current_run = -1;           // index into runs of the run being trained, -1 = none
  bool training = false;          // Train pressed and not paused
  int pending_steps = 0;          // Step button / JS step(n): minibatches still to run
  float train_budget_ms = 12.0f;  // training time per frame (adapted: AdaptTrainBudget in app.cpp)
  float other_ms_ema = 0;         // smoothed frame interval minus training time
  std::string status;             // last message for the learner (errors, divergence)
  bool status_is_error = false;

  // Plots
  bool plot_log_y = true;
  bool plot_show_raw = true;
  float smooth_factor = 0.9f;
  bool plot_show_train_err = false;

  // Layout
  LeftTab left_tab = LeftTab::Designer;
  bool request_tab = false;
  float train_content_h = 0;   // height the training panel needed last frame
  float analysis_below_h = 0;  // height the lines under the Analysis table took last frame (0: not yet drawn)
  bool narrow = false;         // narrow viewport (iframe): stacked layout
  bool touch_style = false;    // coarse pointer (a finger): 40 CSS px targets, long press to drag a row
  bool single_column = false;  // phone or portrait screen: one panel at a time, chosen by `view`
  int view = 0;                // single column: 0 Model, 1 Training, 2 Curves (and Inside, Backprop, Notes)
  // Display (issue 17; the page's text view and help set them, localStorage keeps them): the theme
  // is theme.h's Th(); text at 100-200 % of the normal size; fewer refreshes of the live views.
  int text_scale_pct = 100;
  bool reduced_motion = false;
  int style_version = 0;  // bumped when the theme or the text size changes: main.cpp rebuilds fonts and style
  std::vector<std::string> truncated;   // tabs drawn narrower than their label this frame (tests: none)
  std::map<std::string, ImVec4> rects;  // named widget rects (x0, y0, x1, y1 in device px) for tests
  // Named sentences drawn this frame (notes, step texts, tooltips of visible items), for tests:
  // what a learner reads, as the page made it (state.texts).
  std::map<std::string, std::string> texts;

  FrameStats stats;
  InspectState inspect;  // the "look inside" views (inspect.h, issue 9)
  ShareState share;      // links, embed mode, autosave, model files (share.h)
  LessonsState lessons;  // the course: lesson files, the open lesson, progress (lessons.h)
  std::string js_out;    // text the last JS API call returned (js_api*.cpp), read at once by ccall
};

void AppInit(AppState& app);
void AppFrame(AppState& app);        // builds one frame of the interface
void AppAfterRender(AppState& app);  // after the draw data is submitted (frame timing)
void AppShutdown(AppState& app);
// js_api_a11y.cpp: after AppFrame, the single-key shortcuts typed this frame while no ImGui text
// field took them (ImGui's own state decides, so a key typed into a field that a click is just
// activating is never a shortcut); the page's a11y.js carries them out.
void A11yShortcuts(AppState& app);

AppState& AppGlobal();  // the instance main.cpp owns (for the JS hook)
// Records the last tab item's rect under `name`, and `label` in app.truncated if the tab bar had to
// draw it narrower than its label (ImGui then cuts the text short with "...").
void SaveTabRect(AppState& app, const char* name, const char* label);
// A tab of a bar the lab can select (the left tabs, the right tabs): selected when the lab asks
// for it (request, with *current == tab), else opening it makes it *current; its rect is recorded
// as rect_name. True when open: the tab's panel goes in a child window `child_id`, then EndPanelTab().
template <typename Tab>
bool BeginPanelTab(AppState& app, const char* label, const char* rect_name, const char* child_id, Tab tab, Tab* current,
                   bool request) {
  const bool open = ImGui::BeginTabItem(label, nullptr, request && *current == tab ? ImGuiTabItemFlags_SetSelected : 0);
  SaveTabRect(app, rect_name, label);
  if (!open) return false;
  if (!request) *current = tab;
  ImGui::BeginChild(child_id, ImVec2(0, 0), false);
  return true;
}
void EndPanelTab();  // the child window and the tab item
// Records the last item's rect under `name` in app.rects (the browser tests click by name).
void SaveRect(AppState& app, const char* name);
void SaveRect(AppState& app, const std::string& name);
// Records `text` under `name` in app.texts (state.texts) for this frame.
void SaveText(AppState& app, const std::string& name, const std::string& text);
// The last item's tooltip: recorded as `name` (whether or not it shows) and shown while hovered.
void ItemTooltip(AppState& app, const std::string& name, const std::string& text);
// In place of SameLine() before an item `w` px wide: beside the last item if it fits in the
// window (or table cell), else on the next line, so rows wrap on a phone instead of running off.
void SameLineOrWrap(float w);
// ImGui::ProgressBar with its label centred and readable everywhere: over the fill in the theme's
// dark or light text (whichever contrasts more, theme.h TextOn), over the rest in Text.
void ProgressBarLabelled(float fraction, const ImVec2& size, const char* label);
float ButtonWidth(const char* label);    // what ImGui::Button(label) will take
float CheckboxWidth(const char* label);  // ... and ImGui::Checkbox(label, ...)
// The left column's tabs (Designer or `designer_label`, Analysis, Data), their rects saved as
// tab_Designer, tab_Analysis, tab_Data; `show_designer` draws the first tab's content.
void ShowModelTabs(AppState& app, const char* id, const char* designer_label, void (*show_designer)(AppState&));

// model_doc.cpp
void DocSetText(AppState& app, const std::string& text, const char* undo_group = nullptr);
void DocSetSpec(AppState& app, const cnn::ModelSpec& spec, const char* undo_group = nullptr);
void LoadPresets(AppState& app);
bool ApplyPreset(AppState& app, const std::string& name);
std::string FormatSI(double v);  // 1.2e6 -> "1.2 M"

// session.cpp
bool SessionEnsure(AppState& app);  // builds dataset/network for the current settings if needed
void SessionTrainSlice(AppState& app, double budget_ms);
bool SessionTrainsInWorker(const AppState& app);  // the training worker is on (it trains, not the frame)
// The step of the oldest evaluation point the worker has made and the page has not received yet
// (its evaluator is still at it); -1 when none.
int64_t SessionEvalWaitingStep(const AppState& app);
void SessionReset(AppState& app);  // new weights, new run
void SessionTrainPressed(AppState& app);
void SessionPause(AppState& app);
void SessionStep(AppState& app, int n);
bool TrainingAllowed(const AppState& app, std::string* why);
// The loss the network trains with: the learner's choice where more than one fits, else the
// model's default (cnn::default_loss). Declared here beside TrainingAllowed (session.cpp).
int SessionLossWantedKind(const AppState& app);
// panel_training.cpp: the diagnosis of the current run (loss exploded, accuracy at chance).
namespace cnn {
struct RunDiagnosis;
}
const cnn::RunDiagnosis& TrainingDiagnosis(AppState& app);
std::vector<std::string> DatasetNames();
struct DatasetView {  // what the data panel shows
  bool ok = false;
  std::string error;
  int h = 0, w = 0, c = 0, num_classes = 0;
  bool points2d = false;
  int64_t n_train = 0, n_test = 0;
  std::vector<std::string> class_names;
  std::vector<int64_t> train_counts, test_counts;
  const float* train_x = nullptr;
  const int32_t* train_y = nullptr;
  const float* train_t = nullptr;  // regression targets, target_dim per sample
  int target_dim = 0;
  float norm_mean = 0, norm_std = 1;
  std::string description;
};
DatasetView SessionDatasetView(AppState& app);
double SessionEpochProgress(const AppState& app);  // 0..epochs (fractional)
int64_t SessionStepCount(const AppState& app);
int64_t SessionStepsPerEpoch(const AppState& app);

// Panels
void ShowDesignerPanel(AppState& app);
void ShowAnalysisPanel(AppState& app);
// The one training-memory figure the Analysis panel shows (cnn::plan_memory for the page's batch,
// optimizer and, when its samples fit, dataset): what Train checks against the budget.
cnn::MemoryPlan AnalysisMemoryPlan(const AppState& app);
void ShowDataPanel(AppState& app);
void ShowTrainingPanel(AppState& app);
void ShowPlotsPanel(AppState& app);

// panel_plots.cpp
std::string RunsToCsv(const AppState& app);
void DownloadText(const char* filename, const std::string& text, const char* mime);
