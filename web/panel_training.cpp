// panel_training.cpp: hyperparameters, the Train / Pause / Step / Reset buttons, progress and speed.
// Training itself runs in AppFrame, a time slice per frame (session.cpp), so this panel only sets
// what the next slice does.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "cnn/diagnose.h"
#include "cnn/explain.h"
#include "cnn/kernels.h"
#include "imgui.h"
#include "session.h"
#include "theme.h"

static const ImVec4& kDim = Th().dim;
static const ImVec4& kErr = Th().error;

static void ShowSettings(AppState& app) {
  TrainSettings& s = app.settings;
  const float fs = ImGui::GetFontSize();
  const float w = fs * 6.0f;
  static const char* opts[] = {"sgd", "momentum", "adam"};
  static const char* scheds[] = {"constant", "step", "cosine"};
  // two settings a row where a field and the longest label fit twice, else one (a phone)
  const ImGuiStyle& st = ImGui::GetStyle();
  const float cell = w + st.ItemInnerSpacing.x + ImGui::CalcTextSize("learning rate").x + st.CellPadding.x * 2;
  const int cols = ImGui::GetContentRegionAvail().x >= cell * 2 ? 2 : 1;
  if (ImGui::BeginTable("settings", cols, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::Combo("optimizer", &s.optimizer, opts, 3);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputFloat("learning rate", &s.lr, 0, 0, "%.5g");
    SaveRect(app, "lr");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step size of each update (adam: ~0.001-0.01, sgd: ~0.01-0.1)");
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::Combo("schedule", &s.schedule, scheds, 3);
    ItemTooltip(app, "schedule_help",
                "constant: the same rate throughout\nstep: the rate times gamma once every \"epochs per step\" epochs\n"
                "cosine: falls smoothly to 0 at the end");
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputFloat("weight decay", &s.weight_decay, 0, 0, "%.2g");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("L2 penalty: adds weight_decay * w to each gradient (0 = off)");
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputInt("batch", &s.batch, 0);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Samples per minibatch (changing it rebuilds the network)");
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputInt("epochs", &s.epochs, 0);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputInt("seed", &s.seed, 0);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "Weights, shuffling and dropout come from this seed:\nthe same seed gives the same run, so runs compare fairly");
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(w);
    ImGui::InputInt("eval every", &s.eval_every, 0);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Steps between evaluations on %d held-out test samples (0: once per epoch)", s.eval_samples);
    if (s.optimizer == 1) {
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(w);
      ImGui::SliderFloat("momentum", &s.momentum, 0.0f, 0.99f, "%.2f");
    }
    if (s.schedule == 1) {
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(w * 0.45f);
      // The step schedule's row (issue 15.12): each label says what its number is.
      static const char *kEvery = "epochs per step", *kGamma = "gamma (lr factor)";
      ImGui::InputInt("epochs per step##every", &s.step_epochs, 0);
      SaveRect(app, "schedule_every");
      SaveText(app, "schedule_every_label", kEvery);
      ItemTooltip(app, "schedule_every_help",
                  "Epochs between two steps of the schedule: the learning rate is multiplied by gamma\n"
                  "after every this many epochs (2: epochs 1-2 at lr, 3-4 at lr x gamma, ...)");
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(w * 0.5f);
      ImGui::InputFloat("gamma (lr factor)##gamma", &s.gamma, 0, 0, "%.2f");
      SaveRect(app, "schedule_gamma");
      SaveText(app, "schedule_gamma_label", kGamma);
      ItemTooltip(
          app, "schedule_gamma_help",
          "The factor the learning rate is multiplied by at each step of the schedule, in (0, 1]\n(0.5: halve it)");
    }
    ImGui::EndTable();
  }
}

// The loss the network trains with, beside the settings (issue 15.3/15.4): its name and unit; a
// choice where more than one fits this model and dataset; a notice with a one-click fix when a
// classifier lacks its softmax.
static void ShowLossRow(AppState& app) {
  if (!app.doc.valid || !app.session || !app.session->data_ok) return;
  const cnn::ModelSpec& m = app.doc.last_valid_spec;
  const cnn::ModelInfo& info = app.doc.last_valid_info;
  const int classes = app.session->data.num_classes;
  const int64_t outs = info.layers.empty() ? info.input.size() : info.layers.back().out.size();
  const cnn::LossKind now = cnn::LossKind(SessionLossWantedKind(app));
  const std::vector<cnn::LossKind> fit = cnn::losses_that_fit(m, info, classes);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kDim, "loss:");
  ImGui::SameLine();
  if (fit.size() >= 2) {
    const std::string cur = cnn::loss_label(now, outs);
    ImGui::SetNextItemWidth(ImGui::CalcTextSize(cur.c_str()).x + ImGui::GetFontSize() * 2.5f);
    if (ImGui::BeginCombo("##loss", cur.c_str())) {
      for (cnn::LossKind k : fit) {
        const std::string l = cnn::loss_label(k, outs) + (k == cnn::default_loss(m) ? "  (default)" : "");
        if (ImGui::Selectable(l.c_str(), k == now)) app.settings.loss = k == cnn::default_loss(m) ? -1 : int(k);
      }
      ImGui::EndCombo();
    }
  } else {
    ImGui::Text("%s", cnn::loss_label(now, outs).c_str());
  }
  SaveRect(app, "loss");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "%s", (std::string(now == cnn::LossKind::quadratic
                               ? "The quadratic loss: the squared error summed over the outputs, averaged over the\n"
                                 "minibatch, against one-hot labels for classes (the notes' regression loss).\n"
                               : "The cross-entropy -log p_y of the true class's probability, averaged over the\n"
                                 "minibatch (the notes' classification loss), fused with the softmax.\n") +
               (fit.size() >= 2 ? "Both fit this model: changing it starts a new run.\n" : "") +
               "Unit: " + cnn::loss_unit(now) + ". " +
               (now == cnn::LossKind::quadratic ? std::string()
                                                : "The notes' figures use bits: divide nats by ln 2 = 0.693."))
                  .c_str());
  const cnn::ModelDataNotice n = cnn::model_data_notice(m, info, app.doc.last_valid_text, classes);
  if (n.show) {
    ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
    ImGui::TextWrapped("%s", n.text.c_str());
    ImGui::PopStyleColor();
    SaveRect(app, "loss_notice");
    ImGui::BeginDisabled(app.share.locked);
    if (ImGui::Button(n.fix_label.c_str())) DocSetText(app, n.fixed_text, "add softmax");
    ImGui::EndDisabled();
    SaveRect(app, "loss_fix");
  }
}

// A run gone wrong without a NaN (issue 15.13): the loss exploded or the accuracy stays at chance.
const cnn::RunDiagnosis& TrainingDiagnosis(AppState& app) {
  static const cnn::RunDiagnosis kNone;
  if (!app.session || !app.session->ready) return kNone;
  Session& s = *app.session;
  Session::DiagnosisCache& c = s.diagnosis;
  const cnn::Trainer& t = s.trainer;
  const size_t steps = t.history.loss.size(), evals = t.history.test_acc.size();
  // Recomputed when 20 more steps or a new evaluation arrived (blocks of 20 steps).
  if (steps / 20 != c.steps / 20 || evals != c.evals || steps < c.steps) {
    c.of = cnn::diagnose_run(t.history, s.data.regression() ? 0 : s.data.num_classes, t.cfg.lr);
    c.steps = steps;
    c.evals = evals;
  }
  return c.of;
}

void ShowTrainingPanel(AppState& app) {
  const float fs = ImGui::GetFontSize();
  std::string why;
  bool allowed = TrainingAllowed(app, &why);

  // --- buttons ---
  ImVec2 bsize(fs * 5.0f, 0);
  ImGui::BeginDisabled(!allowed || app.training);
  ImGui::PushStyleColor(ImGuiCol_Button, Th().train_button);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, Th().train_button_hovered);
  bool finished = app.session && app.session->ready && app.session->trainer.finished;
  bool resumable = app.current_run >= 0 && SessionStepCount(app) > 0 && !finished;
  // "Train" starts a run (a finished one starts over as a new run), "Resume" continues a paused one;
  // while it trains the (disabled) button says so. One ID for the three, so keyboard focus stays.
  const char* train_label = app.training ? "Training###train" : resumable ? "Resume###train" : "Train###train";
  if (ImGui::Button(train_label, bsize)) SessionTrainPressed(app);
  ImGui::PopStyleColor(2);
  ImGui::EndDisabled();
  SaveRect(app, "train");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && !allowed) ImGui::SetTooltip("%s", why.c_str());
  ImGui::SameLine();
  ImGui::BeginDisabled(!app.training);
  if (ImGui::Button("Pause", bsize)) SessionPause(app);
  ImGui::EndDisabled();
  SaveRect(app, "pause");
  ImGui::SameLine();
  ImGui::BeginDisabled(!allowed || app.training);
  if (ImGui::Button("Step", bsize)) SessionStep(app, 1);
  ImGui::EndDisabled();
  SaveRect(app, "step");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("One minibatch: forward, loss, backward, one update");
  ImGui::SameLine();
  ImGui::BeginDisabled(!allowed);
  if (ImGui::Button("Reset", bsize)) SessionReset(app);
  ImGui::EndDisabled();
  SaveRect(app, "reset");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("New weights from the seed; the curves of this run stay in the plots");
  char speed[96];
  // (samples/s is measured over each second of training: "measuring" until the first has passed)
  const std::string sps = app.stats.samples_per_sec > 0 ? FormatSI(app.stats.samples_per_sec) : "measuring";
  if ((app.training || app.pending_steps > 0) && SessionTrainsInWorker(app))  // main.cpp: a frame per report
    std::snprintf(speed, sizeof speed, "%s samples/s in the worker, page %.0f fps", sps.c_str(), app.stats.fps);
  else if (app.training || app.pending_steps > 0)
    std::snprintf(speed, sizeof speed, "%.0f fps (%.0f ms), %s samples/s", app.stats.fps, app.stats.mean_interval_ms,
                  sps.c_str());
  else  // idle, the page draws only on input (main.cpp): no frame rate to show
    std::snprintf(speed, sizeof speed, "idle: redraws on input");
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(speed).x) ImGui::NewLine();  // narrow: own line
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kDim, "%s", speed);
  const bool speed_hovered = ImGui::IsItemHovered();
  // The kernel switch: the learner sees what SIMD buys on the samples/s beside it. Both sets give
  // the same numbers up to float rounding (tests check every SIMD kernel against its reference).
  const char* isa = cnn::simd_isa_name();
  if (std::strcmp(isa, "scalar") != 0) {
    bool simd = cnn::kernel_set() == cnn::KernelSet::simd;
    char label[48];
    std::snprintf(label, sizeof label, "%s", std::strcmp(isa, "wasmsimd") == 0 ? "SIMD128" : isa);
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < fs * 6.0f) ImGui::NewLine();
    if (ImGui::Checkbox(label, &simd)) cnn::set_kernel_set(simd ? cnn::KernelSet::simd : cnn::KernelSet::reference);
    SaveRect(app, "simd");
    // The lanes of this build's ISA (issue 15.9): AVX2 8 natively, SIMD128 4 in wasm.
    ItemTooltip(app, "simd_help", cnn::simd_switch_help(label, cnn::simd_lanes()));
  }
  const int micro = app.session ? app.session->trainer.micro : 0;
  if (speed_hovered && SessionTrainsInWorker(app)) {
    const WorkerLink& wl = app.session->worker;
    ImGui::SetTooltip(
        "Training runs in a Web Worker, beside the page: minibatches of %d computed %s, on %d thread%s.\n"
        "The page draws each of its reports (about %d a second%s) once and skips the frames between\n"
        "them, which would show the same picture. Input is drawn at once.",
        app.settings.batch, micro >= app.settings.batch ? "whole" : "in slices", wl.threads, wl.threads == 1 ? "" : "s",
        int(std::lround(1000.0 / std::max(wl.report_every_ms, 1))),
        wl.report_every_ms > 100 ? ": the worker uses every core, and each frame drawn takes from training" : "");
  } else if (speed_hovered) {
    ImGui::SetTooltip(
        "frame interval %.1f ms mean, %.1f ms max (last 2 s)\nwork per frame %.1f ms, of which training up to %.1f ms\n"
        "Training gets what the interface leaves of a 33 ms frame (30 fps), in slices of %d sample%s:\n"
        "a minibatch is computed a slice at a time, its gradients add up, and the update is the same.",
        app.stats.mean_interval_ms, app.stats.max_interval_ms, app.stats.mean_work_ms, app.train_budget_ms, micro,
        micro == 1 ? "" : "s");
  }

  // --- progress ---
  int64_t spe = SessionStepsPerEpoch(app);
  double ep = SessionEpochProgress(app);
  int epochs = std::max(app.settings.epochs, 1);
  char overlay[160];
  double left_s = -1;
  if (app.session && app.session->ready && app.stats.samples_per_sec > 1 && spe > 0) {
    double samples_left = (double(epochs) - ep) * double(spe) * app.settings.batch;
    left_s = samples_left / app.stats.samples_per_sec;
  }
  int cur_epoch = std::min(int(std::floor(ep)) + 1, epochs);
  double frac = ep - std::floor(ep);
  if (ep >= epochs) frac = 1.0;
  if (left_s >= 0 && app.training)
    std::snprintf(overlay, sizeof overlay, "epoch %d/%d  step %lld  %.0f%%  ~%.0f s left", cur_epoch, epochs,
                  (long long)SessionStepCount(app), frac * 100, left_s);
  else
    std::snprintf(overlay, sizeof overlay, "epoch %d/%d  step %lld  %.0f%%", cur_epoch, epochs,
                  (long long)SessionStepCount(app), frac * 100);
  ProgressBarLabelled(float(frac), ImVec2(-1, 0), overlay);
  SaveRect(app, "progress");

  // --- status line ---
  if (!allowed) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErr);
    ImGui::TextWrapped("Training is off: %s", why.c_str());
    ImGui::PopStyleColor();
    // "analysis only" models (AlexNet's first layer on 224x224x3) fit no dataset here
  } else if (!app.status.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.status_is_error ? kErr : kDim);
    ImGui::TextWrapped("%s", app.status.c_str());
    ImGui::PopStyleColor();
  }
  const cnn::RunDiagnosis& dg = TrainingDiagnosis(app);
  if (allowed && dg.kind != cnn::RunTrouble::none) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErr);
    ImGui::TextWrapped("%s", dg.text.c_str());
    ImGui::PopStyleColor();
    SaveRect(app, "diagnosis");
  }

  ShowSettings(app);
  if (allowed) ShowLossRow(app);  // an analysis-only model has no loss to speak of
}
