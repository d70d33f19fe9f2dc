// panel_backprop.cpp: Algorithm 1 of the notes for one sample, one click per step: first the
// forward values x^(j), j = 0..J, then g = dl/dp, then for j = J..1 the layer's dl/dw^(j) and the
// new g = dl/dx^(j-1), each with its norm. Below, "Check gradients" compares back-propagation with
// central differences in double precision, layer by layer (network_gradient_check).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "cnn/explain.h"
#include "imgui.h"
#include "inspect.h"
#include "session.h"
#include "theme.h"

void InspectSyncKey(AppState& app, Session& s);  // inspect_views.h (which also defines kDim, kept here)

static const ImVec4& kDim = Th().dim;
static const ImVec4& kGood = Th().ok;
static const ImVec4& kBad = Th().error;
static const ImVec4& kNow = Th().highlight;

static double Norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return std::sqrt(s);
}

static void Trace(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const cnn::Dataset& d = s.data;
  if (d.n_test() == 0) return;
  in.bp_sample = int(std::clamp<int64_t>(in.bp_sample, 0, d.n_test() - 1));
  std::string err;
  const int32_t y = d.test_y.empty() ? 0 : d.test_y[size_t(in.bp_sample)];
  const float* t = d.test_t.empty() ? nullptr : d.test_t.data() + size_t(in.bp_sample) * d.target_dim;
  in.have_trace = cnn::network_trace_sample(&s.net, d.test_sample(in.bp_sample), y, t, &in.trace, &err);
  if (!in.have_trace) in.error = err;
}

void ShowBackpropPanel(AppState& app) {
  InspectState& in = app.inspect;
  if (!InspectNetReady(app)) {
    std::string why;
    TrainingAllowed(app, &why);
    ImGui::TextWrapped("Nothing to trace yet: %s", why.empty() ? "no network" : why.c_str());
    return;
  }
  Session& s = *app.session;
  // The trace and the gradient check belong to this network: drop them now if it changed, not a few
  // frames later when the dynamics sampler syncs (which reset a step the learner had just taken).
  InspectSyncKey(app, s);
  cnn::Network& net = s.net;
  const int L = net.num_layers();
  const float fs = ImGui::GetFontSize();
  if (!in.have_trace || int(in.trace.x.size()) != L + 1) {
    Trace(app, s);
    in.bp_step = 0;
  }
  if (!in.have_trace) {
    ImGui::TextColored(kBad, "%s", in.error.c_str());
    return;
  }
  const int last_step = 2 * L + 1;  // forward 0..L, g = dl/dp at L+1, then one step per layer

  // controls
  ImGui::SetNextItemWidth(fs * 6);
  if (ImGui::InputInt("test sample", &in.bp_sample)) {
    Trace(app, s);
    in.bp_step = 0;
  }
  SaveRect(app, "bp_sample");
  SaveText(app, "bp_sample_label", "test sample");  // a sample of the test split (issue 15.12)
  ItemTooltip(app, "bp_sample_help", "Index of a sample of the TEST split (the one the network does not train on)");
  SameLineOrWrap(ButtonWidth("Retrace"));
  if (ImGui::Button("Retrace")) Trace(app, s);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Run the sample again through the current weights (they change while training)");
  SameLineOrWrap(ButtonWidth("< Back"));
  ImGui::BeginDisabled(in.bp_step <= 0);
  if (ImGui::Button("< Back")) in.bp_step--;
  ImGui::EndDisabled();
  SameLineOrWrap(ButtonWidth("Next step >"));
  ImGui::BeginDisabled(in.bp_step >= last_step);
  if (ImGui::Button("Next step >")) in.bp_step++;
  SaveRect(app, "bp_next");
  SameLineOrWrap(ButtonWidth("All"));
  if (ImGui::Button("All")) in.bp_step = last_step;
  ImGui::EndDisabled();
  SameLineOrWrap(ButtonWidth("Check gradients"));
  if (ImGui::Button("Check gradients")) InspectRunGradientCheck(app);
  SaveRect(app, "bp_check");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Back-propagation against central differences of a double-precision forward pass, per layer, on two test samples");

  // what the current step does, in the notes' words
  const cnn::SampleTrace& tr = in.trace;
  const int st = in.bp_step;
  // Equation 2 only for layers with parameters (issue 15.8); the text is cnn::backprop_step_text.
  const int label = s.data.test_y.empty() ? -1 : s.data.test_y[size_t(in.bp_sample)];
  const std::string what = cnn::backprop_step_text(
      net.spec, net.info, st, tr.loss,
      label >= 0 && label < int(s.data.class_names.size()) ? s.data.class_names[size_t(label)] : std::string());
  // Layer numbering (issue 15.11), said once where Algorithm 1 is stepped through.
  const std::string numbering = cnn::layer_numbering_note(net.spec);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(kDim, "%s", numbering.c_str());
  ImGui::PopTextWrapPos();
  SaveRect(app, "bp_numbering");
  SaveText(app, "bp_numbering", numbering);
  ImGui::PushStyleColor(ImGuiCol_Text, kNow);
  const std::string line = "step " + std::to_string(st) + " of " + std::to_string(last_step) + ": " + what;
  ImGui::TextWrapped("%s", line.c_str());
  ImGui::PopStyleColor();
  SaveRect(app, "bp_step");
  SaveText(app, "bp_step", what);
  SaveText(app, "bp_step_line", line);
  ImGui::PushTextWrapPos(0.0f);  // lines wrap at the edge (a phone)
  ImGui::TextColored(kDim, "prediction: class %d; norms are Euclidean over the sample's values", tr.predicted);
  ImGui::PopTextWrapPos();

  // the table: one row per x^(j)
  // Room below the table for the fused-softmax line and, after a check, its result line, its table
  // (a header and one row per checked layer) and the kinks note, so that all of it is on screen.
  float below = ImGui::GetTextLineHeightWithSpacing() * 1.5f;
  if (in.have_gradcheck) {
    int rows = 0;
    for (const cnn::GradCheckLayer& l : in.gradcheck.layers)
      rows += (l.err_w >= 0 || l.err_b >= 0 || l.err_x >= 0) ? 1 : 0;
    const float wrap = std::max(ImGui::GetContentRegionAvail().x, fs);
    below += ImGui::GetTextLineHeightWithSpacing() * float(rows + 2) +
             ImGui::GetStyle().CellPadding.y * 2 * float(rows + 1) +
             ImGui::CalcTextSize(cnn::kinks_note().c_str(), nullptr, false, wrap).y +
             ImGui::GetStyle().ItemSpacing.y * 2;
  }
  const float table_h = std::max(fs * 6, ImGui::GetContentRegionAvail().y - below);
  if (ImGui::BeginTable("bp", 6,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                            ImGuiTableFlags_SizingStretchProp,
                        ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("j", ImGuiTableColumnFlags_WidthFixed, fs * 1.8f);
    ImGui::TableSetupColumn("layer h^(j)", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("|x|");
    ImGui::TableSetupColumn("|dl/dx|");
    ImGui::TableSetupColumn("|dl/dw|");
    ImGui::TableSetupColumn("|dl/db|");
    ImGui::TableHeadersRow();
    for (int j = 0; j <= L; j++) {
      ImGui::TableNextRow();
      const bool fwd_shown = st >= j;
      // backward: g at x^(L) appears at step L+1; dl/dx^(j-1) and dl/dw^(j) at step L+2+(L-j)
      const bool dx_shown = j == L ? st >= L + 1 : st >= L + 2 + (L - (j + 1));
      const bool dw_shown = j >= 1 && st >= L + 2 + (L - j);
      const bool now_f = st == j, now_b = (st == L + 1 && j == L) ||
                                          (st >= L + 2 && (j == L - (st - L - 2) || j + 1 == L - (st - L - 2)));
      ImGui::TableNextColumn();
      ImGui::TextColored(now_f || now_b ? kNow : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%d", j);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(j == 0 ? "input" : cnn::layer_to_text(net.spec.layers[size_t(j - 1)]).c_str());
      ImGui::TableNextColumn();
      if (fwd_shown) ImGui::Text("%.4g", Norm(tr.x[size_t(j)]));
      else ImGui::TextColored(kDim, "?");
      ImGui::TableNextColumn();
      if (dx_shown) ImGui::Text("%.4g", Norm(tr.dl_dx[size_t(j)]));
      else ImGui::TextColored(kDim, j == 0 ? "" : "?");
      ImGui::TableNextColumn();
      const bool has_w = j >= 1 && !tr.dl_dw[size_t(j - 1)].empty();
      if (has_w && dw_shown) ImGui::Text("%.4g", Norm(tr.dl_dw[size_t(j - 1)]));
      else ImGui::TextColored(kDim, has_w ? "?" : "-");
      ImGui::TableNextColumn();
      const bool has_b = j >= 1 && !tr.dl_db[size_t(j - 1)].empty();
      if (has_b && dw_shown) ImGui::Text("%.4g", Norm(tr.dl_db[size_t(j - 1)]));
      else ImGui::TextColored(kDim, has_b ? "?" : "-");
    }
    ImGui::EndTable();
  }
  if (net.fused_last) {
    ImGui::PushStyleColor(ImGuiCol_Text, kDim);
    ImGui::TextWrapped("(softmax and cross-entropy are fused: dl/dx^(%d) = p - q in one step)", L - 1);
    ImGui::PopStyleColor();
  }

  // gradient check (its lines wrap at the edge)
  ImGui::PushTextWrapPos(0.0f);
  struct PopWrap {
    ~PopWrap() { ImGui::PopTextWrapPos(); }
  } pop_wrap;
  if (in.have_gradcheck) {
    const cnn::GradCheckResult& g = in.gradcheck;
    if (!g.message.empty()) {
      ImGui::TextColored(kBad, "gradient check: %s", g.message.c_str());
      return;
    }
    ImGui::TextColored(g.max_error < 1e-3 ? kGood : kBad,
                       "gradient check: largest relative error %.2e (layer %d), dl/dp %.2e, %.0f ms", g.max_error,
                       g.worst_layer + 1, g.err_dp, in.gradcheck_ms);
    if (ImGui::BeginTable("gc", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch, 2.0f);
      ImGui::TableSetupColumn("dl/dw");
      ImGui::TableSetupColumn("dl/db");
      ImGui::TableSetupColumn("dl/dx in");
      ImGui::TableSetupColumn("kinks");
      // The headers one by one (TableHeadersRow, spelled out) so that the kinks header's rect is its own.
      ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
      for (int c = 0; c < 5; c++) {
        ImGui::TableSetColumnIndex(c);
        ImGui::PushID(c);
        ImGui::TableHeader(ImGui::TableGetColumnName(c));
        ImGui::PopID();
      }
      // The kinks column (issue 15.10): its header and every cell below it explain ReLU'(0) and ties.
      const std::string kinks = cnn::kinks_note();
      SaveRect(app, "bp_kinks_head");
      SaveText(app, "bp_kinks_help", kinks);
      if (ImGui::IsItemHovered() || (ImGui::TableGetColumnFlags(4) & ImGuiTableColumnFlags_IsHovered)) {
        ImGui::BeginTooltip();  // wrapped: the note is a paragraph
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
        ImGui::TextUnformatted(kinks.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
      for (size_t i = 0; i < g.layers.size(); i++) {
        const cnn::GradCheckLayer& l = g.layers[i];
        if (l.err_w < 0 && l.err_b < 0 && l.err_x < 0) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%zu %s", i + 1, cnn::layer_to_text(net.spec.layers[i]).c_str());
        for (double e : {l.err_w, l.err_b, l.err_x}) {
          ImGui::TableNextColumn();
          if (e < 0) ImGui::TextColored(kDim, "-");
          else ImGui::TextColored(e < 1e-3 ? kGood : kBad, "%.1e", e);
        }
        ImGui::TableNextColumn();
        ImGui::Text("%lld", (long long)l.kinks);
      }
      ImGui::EndTable();
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(kDim, "%s", cnn::kinks_note().c_str());
    ImGui::PopTextWrapPos();
    SaveRect(app, "bp_kinks_note");
  }
}
