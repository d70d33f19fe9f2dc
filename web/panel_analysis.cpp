// panel_analysis.cpp: the live analysis table. Per layer: output shape (with the size formula on
// hover), parameters (formula on hover), receptive field (size, jump, start), multiply-accumulates,
// activation memory, and for convolutions the weights a fully connected layer with the same input
// and output would need. Totals below. It recomputes on every edit (the analyzer reads only text).
#include <algorithm>
#include <cstdio>

#include "cnn/diagnose.h"
#include "cnn/explain.h"
#include "app.h"
#include "cnn/net.h"
#include "cnn/train.h"
#include "session.h"
#include "imgui.h"
#include "theme.h"

static const ImVec4& kDim = Th().dim;
static const ImVec4& kErr = Th().error;

static std::string PairText(int64_t a, int64_t b) {
  char buf[64];
  if (a == b) std::snprintf(buf, sizeof buf, "%lld", (long long)a);
  else std::snprintf(buf, sizeof buf, "%lldx%lld", (long long)a, (long long)b);
  return buf;
}

static std::string StartText(double a, double b) {
  char buf[64];
  if (a == b) std::snprintf(buf, sizeof buf, "%.1f", a);
  else std::snprintf(buf, sizeof buf, "%.1f, %.1f", a, b);
  return buf;
}

// The one training-memory figure (the memory plan of spec.h, what Train checks against the budget)
// for the page's batch and optimizer and, when its samples fit the model, the current dataset.
cnn::MemoryPlan AnalysisMemoryPlan(const AppState& app) {
  // The last valid model: the one the table shows while the text does not parse, and the one Train uses.
  if (app.doc.last_valid_text.empty()) return cnn::MemoryPlan();
  const cnn::ModelSpec& spec = app.doc.last_valid_spec;
  const cnn::Dataset* data = nullptr;
  if (app.session && app.session->data_ok && app.session->data.shape == spec.input) data = &app.session->data;
  return cnn::plan_memory(spec, app.doc.last_valid_info, std::max(app.settings.batch, 1),
                          cnn::trainer_memory(cnn::train_config_from_settings(app.settings), data));
}

static void ShowTrainingMemory(const AppState& app) {
  const cnn::Dataset* data = nullptr;
  if (app.session && app.session->data_ok && app.session->data.shape == app.doc.last_valid_spec.input)
    data = &app.session->data;
  const int batch = std::max(app.settings.batch, 1);
  const cnn::MemoryPlan plan = AnalysisMemoryPlan(app);
  static const char* opt_names[] = {"SGD", "momentum", "Adam"};
  const bool over = plan.training_bytes > cnn::kMemoryBudgetBytes;
  if (over) ImGui::PushStyleColor(ImGuiCol_Text, kErr);
  ImGui::TextWrapped(
      "Training memory: %s of the %s budget (batch %d, %s%s).%s", cnn::format_bytes(plan.training_bytes).c_str(),
      cnn::format_bytes(cnn::kMemoryBudgetBytes).c_str(), batch, opt_names[std::clamp(app.settings.optimizer, 0, 2)],
      data ? (", " + data->name).c_str() : "",
      over ? " Over the budget: the table is exact, but Train is refused; use a smaller batch, input or model." : "");
  if (over) ImGui::PopStyleColor();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "What Train allocates, in bytes (4 per float):\n"
        "  network %s: parameters and gradients, activations and their gradients for %d samples,\n"
        "    pooling and dropout caches, batchnorm statistics, the im2col workspace, dL/dp\n"
        "  optimizer state %s, rollback copy of the weights and that state %s\n"
        "  batch buffers and epoch order %s",
        cnn::format_bytes(plan.network_bytes).c_str(), batch, cnn::format_bytes(plan.optimizer_bytes).c_str(),
        cnn::format_bytes(plan.rollback_bytes).c_str(), cnn::format_bytes(plan.batch_bytes).c_str());
}

static bool IsSpatial(cnn::LayerKind k) {
  return k == cnn::LayerKind::conv || k == cnn::LayerKind::maxpool || k == cnn::LayerKind::avgpool;
}

// "floor((224 + 2 + 2 - 11) / 4) + 1 = 55" for one dimension of a conv or pool layer.
static std::string SizeFormula(int in, int pad_a, int pad_b, int k, int s, int dil, int out) {
  char buf[160];
  int keff = dil * (k - 1) + 1;
  if (dil > 1)
    std::snprintf(buf, sizeof buf, "floor((%d + %d + %d - %d) / %d) + 1 = %d   (dilated kernel %d*(%d-1)+1 = %d)", in,
                  pad_a, pad_b, keff, s, out, dil, k, keff);
  else std::snprintf(buf, sizeof buf, "floor((%d + %d + %d - %d) / %d) + 1 = %d", in, pad_a, pad_b, keff, s, out);
  return buf;
}

static void TooltipOutput(const cnn::LayerSpec& l, const cnn::LayerInfo& li) {
  ImGui::BeginTooltip();
  ImGui::Text("%s -> %s  (%s values per sample)", cnn::shape_text(li.in, cnn::ShapeForm::count_if_flat).c_str(),
              cnn::shape_text(li.out, cnn::ShapeForm::count_if_flat).c_str(), cnn::with_commas(li.out.size()).c_str());
  if (IsSpatial(l.kind)) {
    int dh = l.kind == cnn::LayerKind::conv ? l.dh : 1, dw = l.kind == cnn::LayerKind::conv ? l.dw : 1;
    ImGui::Text("rows:    %s", SizeFormula(li.in.h, li.pad.top, li.pad.bottom, l.kh, l.sh, dh, li.out.h).c_str());
    ImGui::Text("columns: %s", SizeFormula(li.in.w, li.pad.left, li.pad.right, l.kw, l.sw, dw, li.out.w).c_str());
    ImGui::TextColored(kDim, "(input + padding top/left + padding bottom/right - kernel) / stride, rounded down, + 1");
  }
  ImGui::EndTooltip();
}

// The note's box: its wrapped text and the child's padding, so that no line is cut off.
static float AlexNetNoteHeight(const std::string& note) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float wrap = ImGui::GetContentRegionAvail().x - st.WindowPadding.x * 2;
  return ImGui::CalcTextSize(note.c_str(), nullptr, false, std::max(wrap, 1.0f)).y + st.WindowPadding.y * 2 + 2;
}

// The notes' AlexNet first layer: 55 in the paper, 56 with "same" padding. Shown whenever a layer
// has that configuration, so the learner can try the paddings and watch the number change; its
// parameter formula is this layer's (cnn::alexnet_size_note, issue 15.6).
static void ShowAlexNetNote(AppState& app, const cnn::ModelSpec& spec, const cnn::ModelInfo& info) {
  for (size_t i = 0; i < spec.layers.size() && i < info.layers.size(); i++) {
    const std::string note = cnn::alexnet_size_note(spec.layers[i], info.layers[i]);
    if (note.empty()) continue;
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, Th().note_bg);
    ImGui::BeginChild("alexnet-note", ImVec2(0, AlexNetNoteHeight(note)), true);
    ImGui::TextWrapped("%s", note.c_str());
    ImGui::EndChild();
    ImGui::PopStyleColor();
    SaveRect(app, "alexnet_note");
    SaveText(app, "alexnet_note", note);
    return;
  }
}

void ShowAnalysisPanel(AppState& app) {
  const ModelDoc& d = app.doc;
  const cnn::ModelSpec* spec = &d.spec;
  const cnn::ModelInfo* info = &d.info;
  int error_row = -1;
  if (!d.parsed) {
    ImGui::TextColored(kErr, "The model text does not parse: %s", d.error.to_string().c_str());
    if (d.last_valid_text.empty()) return;
    ImGui::TextColored(kDim, "Showing the last valid model.");
    spec = &d.last_valid_spec;
    info = &d.last_valid_info;
  } else if (!d.valid) {
    error_row = d.error.layer - 1;
    ImGui::PushStyleColor(ImGuiCol_Text, kErr);
    ImGui::TextWrapped("Invalid model (layer %d): %s", d.error.layer, d.error.message.c_str());
    ImGui::PopStyleColor();
    if (!d.error.hint.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
      ImGui::TextWrapped("hint: %s", d.error.hint.c_str());
      ImGui::PopStyleColor();
    }
  }
  const int rows_ok = (int)std::min(info->layers.size(), spec->layers.size());
  const bool valid_view = d.valid || !d.parsed;

  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersOuterH |
                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  float fs = ImGui::GetFontSize();
  float note_h = 0;
  for (size_t i = 0; i < spec->layers.size() && i < info->layers.size(); i++)
    if (const std::string n = cnn::alexnet_size_note(spec->layers[i], info->layers[i]); !n.empty())
      note_h = AlexNetNoteHeight(n) + ImGui::GetStyle().ItemSpacing.y * 2;
  float totals_h = ImGui::GetTextLineHeightWithSpacing() * (ImGui::GetContentRegionAvail().x < fs * 40 ? 6.0f : 3.6f);
  // After the first frame: what the lines under the table really took (totals, memory, the notes'
  // count, the AlexNet note), so that the table leaves room for all of them.
  if (app.analysis_below_h > 0) totals_h = app.analysis_below_h, note_h = 0;
  float table_h = std::max(ImGui::GetContentRegionAvail().y - totals_h - note_h, fs * 8);
  if (ImGui::BeginTable("analysis", 10, flags, ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(2, 1);
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("layer");
    ImGui::TableSetupColumn("output");
    ImGui::TableSetupColumn("params");
    ImGui::TableSetupColumn("RF size");
    ImGui::TableSetupColumn("jump");
    ImGui::TableSetupColumn("start");
    ImGui::TableSetupColumn("MACs");
    ImGui::TableSetupColumn("memory");
    ImGui::TableSetupColumn("as dense");
    ImGui::TableHeadersRow();
    // header tooltips
    const char* header_tips[10] = {
        nullptr,
        nullptr,
        "Output shape of one sample: height x width x channels (hover a cell for the formula)",
        "Trainable parameters (hover a cell for the formula)",
        "Receptive field: rows x columns of input pixels that one unit of this layer depends on",
        "Distance in input pixels between neighbouring units of this layer (product of strides)",
        cnn::kStartColumnHelp,
        "Multiply-accumulates per sample, forward pass",
        "Activation memory a training step keeps for this layer, per sample (float32)",
        "Weights a fully connected layer with the same input and output sizes would need"};
    for (int c = 0; c < 10; c++) {
      if (!header_tips[c]) continue;
      ImGui::TableSetColumnIndex(c);
      ImGui::PushID(c);
      ImGui::TableHeader(ImGui::TableGetColumnName(c));
      ItemTooltip(app, std::string("head_") + ImGui::TableGetColumnName(c), header_tips[c]);
      ImGui::PopID();
    }

    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("0");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("input");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(cnn::shape_text(spec->input, cnn::ShapeForm::count_if_flat).c_str());
    ImGui::TableNextColumn();
    ImGui::TextColored(kDim, "-");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("1");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("1");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("0.0");
    ImGui::TableNextColumn();
    ImGui::TextColored(kDim, "-");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted((FormatSI(double(spec->input.size()) * 4) + "B").c_str());
    ImGui::TableNextColumn();

    for (int i = 0; i < int(spec->layers.size()); i++) {
      const cnn::LayerSpec& l = spec->layers[size_t(i)];
      ImGui::TableNextRow();
      ImGui::PushID(i);
      ImGui::TableNextColumn();
      ImGui::Text("%d", i + 1);
      ImGui::TableNextColumn();
      std::string lt = cnn::layer_to_text(l);
      if (i == error_row) ImGui::TextColored(kErr, "%s", lt.c_str());
      else ImGui::TextUnformatted(lt.c_str());
      if (i == error_row) {
        ImGui::TableNextColumn();
        ImGui::TextColored(kErr, "error (above)");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nhint: %s", d.error.message.c_str(), d.error.hint.c_str());
        ImGui::PopID();
        continue;
      }
      if (i >= rows_ok || (!valid_view && error_row >= 0 && i > error_row)) {
        ImGui::TableNextColumn();
        ImGui::TextColored(kDim, "?");
        ImGui::PopID();
        continue;
      }
      const cnn::LayerInfo& li = info->layers[size_t(i)];
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(cnn::shape_text(li.out, cnn::ShapeForm::count_if_flat).c_str());
      if (ImGui::IsItemHovered()) TooltipOutput(l, li);
      ImGui::TableNextColumn();
      if (li.params) {
        ImGui::TextUnformatted(cnn::with_commas(li.params).c_str());
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("%s = %s", li.params_formula.c_str(), cnn::with_commas(li.params).c_str());
      } else {
        ImGui::TextColored(kDim, "0");
      }
      ImGui::TableNextColumn();
      if (li.rf.whole_input) ImGui::TextUnformatted("all");
      else ImGui::TextUnformatted(PairText(li.rf.size[0], li.rf.size[1]).c_str());
      // r = r_prev + (k_eff - 1) * jump_prev with this layer's numbers, dilation included (issue 15.7)
      SaveRect(app, "rf_" + std::to_string(i + 1));
      ItemTooltip(app, "rf_" + std::to_string(i + 1),
                  cnn::field_size_text(l, i == 0 ? cnn::ReceptiveField() : info->layers[size_t(i - 1)].rf, li));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(li.rf.whole_input ? "-" : PairText(li.rf.jump[0], li.rf.jump[1]).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(li.rf.whole_input ? "-" : StartText(li.rf.start[0], li.rf.start[1]).c_str());
      // The real condition (issue 15.5): the field reaches the padding when start - (size - 1)/2 < 0.
      SaveRect(app, "start_" + std::to_string(i + 1));
      ItemTooltip(app, "start_" + std::to_string(i + 1), cnn::field_start_text(li.rf));
      ImGui::TableNextColumn();
      if (li.macs) {
        ImGui::TextUnformatted(FormatSI(double(li.macs)).c_str());
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("%s multiply-accumulates per sample", cnn::with_commas(li.macs).c_str());
      } else {
        ImGui::TextColored(kDim, "0");
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted((FormatSI(double(li.activation_floats) * 4) + "B").c_str());
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s floats kept per sample for the backward pass",
                          cnn::with_commas(li.activation_floats).c_str());
      ImGui::TableNextColumn();
      if (li.fc_weights > 0) {
        ImGui::TextUnformatted(FormatSI(double(li.fc_weights)).c_str());
        if (ImGui::IsItemHovered()) {
          double ratio = li.params > 0 ? double(li.fc_weights) / double(li.params) : 0;
          const std::string notes = cnn::dense_count_note(spec->layers[size_t(i)], li);
          ImGui::SetTooltip(
              "A fully connected layer from %s (%s values) to %s (%s values)\nwould need %s weights: %s times the %s parameters of this convolution.%s%s",
              cnn::shape_text(li.in, cnn::ShapeForm::count_if_flat).c_str(), cnn::with_commas(li.in.size()).c_str(),
              cnn::shape_text(li.out, cnn::ShapeForm::count_if_flat).c_str(), cnn::with_commas(li.out.size()).c_str(),
              cnn::with_commas(li.fc_weights).c_str(), FormatSI(ratio).c_str(), cnn::with_commas(li.params).c_str(),
              notes.empty() ? "" : "\n", notes.c_str());
        }
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  // totals
  const float below_y0 = ImGui::GetCursorPosY();
  if (valid_view) {
    int64_t conv_params = 0, fc_equiv = 0;
    for (int i = 0; i < rows_ok; i++) {
      if (spec->layers[size_t(i)].kind == cnn::LayerKind::conv) {
        conv_params += info->layers[size_t(i)].params;
        fc_equiv += info->layers[size_t(i)].fc_weights;
      }
    }
    ImGui::TextWrapped("Total: %s parameters (%sB), %s MACs per sample, %sB of activations per sample",
                       cnn::with_commas(info->total_params).c_str(), FormatSI(double(info->total_params) * 4).c_str(),
                       FormatSI(double(info->total_macs)).c_str(),
                       FormatSI(double(info->total_activation_floats) * 4).c_str());
    if (valid_view && !app.doc.last_valid_text.empty()) ShowTrainingMemory(app);
    if (fc_equiv > 0) {
      ImGui::PushStyleColor(ImGuiCol_Text, kDim);
      const std::string totals = cnn::conv_totals_text(conv_params, fc_equiv);  // parameters, not weights (issue 15.9)
      ImGui::TextWrapped("%s", totals.c_str());
      SaveRect(app, "conv_totals");
      SaveText(app, "conv_totals", totals);
      // The notes' count (maps as large as the input) beside ours, where they differ (issue 15.2).
      for (int i = 0; i < rows_ok; i++) {
        const std::string note = cnn::dense_count_note(spec->layers[size_t(i)], info->layers[size_t(i)]);
        if (note.empty()) continue;
        ImGui::TextWrapped("Layer %d: %s", i + 1, note.c_str());
        SaveRect(app, "notes_725");
        break;  // the first convolution: the notes' example
      }
      ImGui::PopStyleColor();
    }
  }
  ShowAlexNetNote(app, *spec, *info);
  app.analysis_below_h = ImGui::GetCursorPosY() - below_y0;
}
