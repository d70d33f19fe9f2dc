// panel_notes.cpp: the notes' figures, interactive. Figure 1: the two-class cross-entropy l(1,p)
// and l(0,p). Figure 5 (Appendix A): the binary entropy H(q), and the cross-entropy H(q,p) for a
// p the learner moves, which never dips below H(q). Section 1's argument for a proxy loss: the
// zero-one loss and the cross-entropy of the CURRENT network along a line through its weights (a
// staircase with zero gradient almost everywhere, against a smooth curve). Figure 3: the 1D
// receptive-field diagram for the current stack.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cnn/diagnose.h"
#include "cnn/explain.h"
#include "app.h"
#include "cnn/inspect.h"
#include "imgui.h"
#include "inspect.h"
#include "plot.h"
#include "session.h"
#include "theme.h"

static const ImVec4& kDim = Th().dim;
static const ImU32 &kBlue = Th().series[0], &kOrange = Th().series[1], &kGreen = Th().series[2];
static const ImU32& kGrey = Th().muted;

static double Log2(double v) { return std::log(v) / std::log(2.0); }
static double H(double q) { return (q <= 0 || q >= 1) ? 0.0 : -q * Log2(q) - (1 - q) * Log2(1 - q); }
static double Hx(double q, double p) {  // cross-entropy H(q, p), with 0 log 0 = 0
  double a = q > 0 ? -q * Log2(p) : 0, b = q < 1 ? -(1 - q) * Log2(1 - p) : 0;
  return a + b;
}

static ImVec2 HalfSize(bool two) {
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float fs = ImGui::GetFontSize();
  if (!two) return ImVec2(avail.x, std::max(fs * 8, avail.y));
  bool side = avail.x > avail.y * 1.6f;
  float sp = ImGui::GetStyle().ItemSpacing.x;
  return side ? ImVec2((avail.x - sp) / 2, std::max(fs * 8, avail.y))
              : ImVec2(avail.x, std::max(fs * 7, (avail.y - sp) / 2));
}

static void Figure1(AppState& app) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 12);
  ImGui::SliderFloat("score p", &in.fig1_p, 0.001f, 0.999f, "%.3f");
  ImGui::TextColored(kDim, "l(1,p) = -log2 p = %.3f   l(0,p) = -log2(1-p) = %.3f   (they meet at p = 1/2, value 1)",
                     -Log2(in.fig1_p), -Log2(1 - in.fig1_p));
  float xs[199], l1[199], l0[199];
  for (int i = 0; i < 199; i++) {
    xs[i] = 0.005f * (i + 1);
    l1[i] = float(-Log2(xs[i]));
    l0[i] = float(-Log2(1 - xs[i]));
  }
  if (Plot::BeginPlot("Figure 1: two-class cross-entropy", HalfSize(false))) {
    Plot::SetupAxes("p (score for y = 1)", "loss (bits)");
    Plot::SetupAxisLimitsX(0, 1);
    Plot::SetupAxisLimitsY(0, 7.7);
    Plot::PlotLine("l(1,p), y = 1", xs, l1, 199, kBlue, 2.0f);
    Plot::PlotLine("l(0,p), y = 0", xs, l0, 199, kOrange, 2.0f);
    float mx[2] = {in.fig1_p, in.fig1_p}, my[2] = {0, 7.7f};
    Plot::PlotLine("p", mx, my, 2, kGrey, 1.0f, Plot::LineFlags_NoLegend | Plot::LineFlags_NoHover);
    Plot::EndPlot();
  }
  // Figure 1 is in bits, every training loss on the page in nats: say once why they differ.
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(kDim, "%s", cnn::nats_vs_bits_note().c_str());
  ImGui::PopTextWrapPos();
  SaveRect(app, "nats_bits");
}

static void Figure5(AppState& app) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 9);
  ImGui::SliderFloat("true q", &in.fig5_q, 0.0f, 1.0f, "%.2f");
  SameLineOrWrap(fs * 9 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("coded with p").x);
  ImGui::SetNextItemWidth(fs * 9);
  ImGui::SliderFloat("coded with p", &in.fig5_p, 0.01f, 0.99f, "%.2f");
  const double hq = H(in.fig5_q), hqp = Hx(in.fig5_q, in.fig5_p);
  ImGui::TextColored(
      kDim,
      "H(q) = %.3f bits   H(q,p) = %.3f bits   H(q,p) - H(q) = %.3f >= 0: coding with the wrong p costs extra bits", hq,
      hqp, hqp - hq);
  float qs[201], hs[201], hp[201];
  for (int i = 0; i <= 200; i++) {
    qs[i] = 0.005f * i;
    hs[i] = float(H(qs[i]));
    hp[i] = float(Hx(qs[i], in.fig5_p));
  }
  if (Plot::BeginPlot("Figure 5: entropy H(q), and cross-entropy H(q,p) for the chosen p", HalfSize(false))) {
    Plot::SetupAxes("q (true probability of a 1)", "bits per bit");
    Plot::SetupAxisLimitsX(0, 1);
    Plot::SetupAxisLimitsY(0, 3);
    Plot::PlotLine("H(q)", qs, hs, 201, kBlue, 2.0f);
    Plot::PlotLine("H(q,p)", qs, hp, 201, kOrange, 2.0f);
    float mx[2] = {in.fig5_q, in.fig5_q}, my[2] = {float(hq), float(hqp)};
    Plot::PlotLine("gap", mx, my, 2, kGreen, 3.0f, Plot::LineFlags_NoHover);
    Plot::EndPlot();
  }
}

static void LossLine(AppState& app) {
  InspectState& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  if (!InspectNetReady(app)) {
    std::string why;
    TrainingAllowed(app, &why);
    ImGui::TextWrapped("Needs a network and data: %s", why.c_str());
    return;
  }
  Session& s = *app.session;
  cnn::Network& net = s.net;
  const bool classify = net.loss != cnn::LossKind::quadratic;
  std::string key = s.net_text + "|" + s.net_data_name + "|" + std::to_string(s.net_seed);
  bool compute = ImGui::Button("Recompute at the current weights");
  SameLineOrWrap(fs * 7 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("reach t").x);
  ImGui::SetNextItemWidth(fs * 7);
  compute |= ImGui::SliderFloat("reach t", &in.line_tmax, 0.05f, 3.0f, "%.2f");
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("new direction").x + ImGui::GetStyle().FramePadding.x * 2)
    ImGui::NewLine();
  if (ImGui::SmallButton("new direction")) {
    in.line_seed++;
    compute = true;
  }
  if (!in.have_line || in.line_key != key) compute = true;
  if (compute && !ImGui::IsMouseDown(0)) {
    std::vector<float> dir;
    cnn::random_direction(net, uint64_t(in.line_seed), &dir);
    const int64_t n = std::min<int64_t>(in.line_samples, s.data.n_train());
    std::string err;
    double t0 = cnn::now_ms();
    in.have_line = n > 0 && cnn::loss_along_line(&net, s.data.train_x.data(),
                                                 s.data.train_y.empty() ? nullptr : s.data.train_y.data(),
                                                 s.data.train_t.empty() ? nullptr : s.data.train_t.data(), n, dir,
                                                 in.line_tmax, 61, &in.line, &err);
    in.line_ms = cnn::now_ms() - t0;
    if (!in.have_line) in.error = err;
    in.line_key = key;
  }
  ImGui::TextWrapped(
      "w(t) = w + t d, d a random direction scaled per layer like the weights (t = 0: the current network, step %lld), on %d training samples (%.0f ms).",
      (long long)s.trainer.step, int(std::min<int64_t>(in.line_samples, s.data.n_train())), in.line_ms);
  if (!in.have_line) return;
  const int n = int(in.line.t.size());
  ImVec2 size = HalfSize(classify);
  if (Plot::BeginPlot("proxy loss: smooth", size)) {
    Plot::SetupAxes("t", net.loss == cnn::LossKind::quadratic ? "squared output units" : "nats", 0,
                    Plot::AxisFlags_Log);
    Plot::PlotLine(net.loss == cnn::LossKind::quadratic ? "quadratic loss" : "cross-entropy", in.line.t.data(),
                   in.line.cross_entropy.data(), n, kOrange, 2.0f);
    Plot::EndPlot();
  }
  if (!classify) return;
  if (size.x < ImGui::GetContentRegionAvail().x * 0.9f) ImGui::SameLine();
  if (Plot::BeginPlot("zero-one loss: flat steps", size)) {
    Plot::SetupAxes("t", "", 0, Plot::AxisFlags_Percent);
    Plot::PlotLine("zero-one", in.line.t.data(), in.line.zero_one.data(), n, kBlue, 2.0f);
    Plot::EndPlot();
  }
}

// Figure 3 for the current stack: rows of units along one axis (input at the bottom), each at the
// centre of its field in input coordinates, and the taps that reach the chosen top unit.
static void Figure3(AppState& app) {
  const float fs = ImGui::GetFontSize();
  if (!app.doc.valid) {
    ImGui::TextWrapped("Fix the model first: the diagram follows the analysis.");
    return;
  }
  const cnn::ModelSpec& spec = app.doc.spec;
  const cnn::ModelInfo& info = app.doc.info;
  // spatial layers: conv and pooling, up to the first that sees the whole input
  std::vector<int> rows;  // indices into spec.layers
  for (int i = 0; i < int(spec.layers.size()); i++) {
    const cnn::LayerKind k = spec.layers[size_t(i)].kind;
    if (info.layers[size_t(i)].rf.whole_input) break;
    if (k == cnn::LayerKind::conv || k == cnn::LayerKind::maxpool || k == cnn::LayerKind::avgpool) rows.push_back(i);
  }
  if (rows.empty()) {
    ImGui::TextWrapped(
        "This model has no convolution or pooling before its first dense layer: every unit sees the whole input, there is no field to draw.");
    return;
  }
  const int top = rows.back();
  const cnn::LayerInfo& tl = info.layers[size_t(top)];
  const int64_t unit = tl.out.h / 2;  // the middle unit of the top spatial layer, along the rows
  const double centre = tl.rf.start[0] + double(unit) * double(tl.rf.jump[0]);
  const double half = double(tl.rf.size[0] - 1) / 2.0;
  // The 2D field is rows x columns (issue 15.8: not rows^2, which is wrong for non-square kernels).
  const std::string field = cnn::figure3_field_text(spec.layers[size_t(top)], tl, unit);
  ImGui::TextWrapped("%s", field.c_str());
  SaveRect(app, "fig3_field");
  SaveText(app, "fig3_field", field);
  // sets of reached units per row, walked down as in cnn::unit_field_rect
  const int R = int(rows.size());
  std::vector<std::vector<char>> reach(size_t(R) + 1);  // reach[r+1] for rows[r], reach[0] input
  auto dim = [&](int r) {
    return r == 0 ? int64_t(info.input.h) : int64_t(info.layers[size_t(rows[size_t(r - 1)])].out.h);
  };
  auto pos = [&](int r, int64_t q) {  // centre in input coordinates of unit q of row r
    if (r == 0) return double(q);
    const cnn::ReceptiveField& rf = info.layers[size_t(rows[size_t(r - 1)])].rf;
    return rf.start[0] + double(q) * double(rf.jump[0]);
  };
  for (int r = 0; r <= R; r++) reach[size_t(r)].assign(size_t(dim(r)), 0);
  reach[size_t(R)][size_t(unit)] = 1;
  struct Edge {
    int r;
    int64_t from, to;
    bool pad;
  };
  std::vector<Edge> edges;
  for (int r = R; r >= 1; r--) {
    const cnn::LayerSpec& ls = spec.layers[size_t(rows[size_t(r - 1)])];
    const cnn::LayerInfo& li = info.layers[size_t(rows[size_t(r - 1)])];
    const int64_t k = ls.kh, st = ls.sh, d = ls.kind == cnn::LayerKind::conv ? ls.dh : 1, pad = li.pad.top;
    for (int64_t p = 0; p < dim(r); p++) {
      if (!reach[size_t(r)][size_t(p)]) continue;
      for (int64_t m = 0; m < k; m++) {
        const int64_t q = p * st - pad + m * d;
        const bool inside = q >= 0 && q < dim(r - 1);
        if (inside) reach[size_t(r - 1)][size_t(q)] = 1;
        edges.push_back(Edge{r, p, q, !inside});
      }
    }
  }
  // drawing area: the nominal field plus a margin, in input coordinates
  const double x_lo = centre - half - 2, x_hi = centre + half + 2;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_w = fs * 9;
  const float w = std::max(fs * 10, avail.x - label_w), h = std::max(fs * 6, avail.y - fs * 0.5f);
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(avail.x, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(o, ImVec2(o.x + avail.x, o.y + h), true);
  const float row_gap = (h - fs * 2.6f) / float(R);
  auto X = [&](double x) { return o.x + label_w + float((x - x_lo) / (x_hi - x_lo)) * w; };
  auto Y = [&](int r) { return o.y + h - fs * 1.9f - row_gap * r; };
  const float dot = std::clamp(float(w / (x_hi - x_lo)) * 0.3f, 1.5f, fs * 0.3f);
  for (const Edge& e : edges) {
    const double xq = pos(e.r - 1, e.to);  // linear in the index, so padding taps land where they would be
    ImVec2 a(X(pos(e.r, e.from)), Y(e.r)), b(X(xq), Y(e.r - 1));
    dl->AddLine(a, b, e.pad ? Th().grid : Th().series[2], 1.0f);
    if (e.pad) dl->AddCircle(b, dot, kGrey, 8);
  }
  for (int r = 0; r <= R; r++) {
    for (int64_t q = 0; q < dim(r); q++) {
      const double x = pos(r, q);
      if (x < x_lo || x > x_hi) continue;
      const bool hit = reach[size_t(r)][size_t(q)];
      dl->AddCircleFilled(ImVec2(X(x), Y(r)), hit ? dot * 1.3f : dot, hit ? (r == R ? kOrange : kGreen) : Th().outline,
                          10);
    }
    std::string label = r == 0 ? "input" : cnn::layer_to_text(spec.layers[size_t(rows[size_t(r - 1)])]);
    if (r > 0) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "  rf %lld", (long long)info.layers[size_t(rows[size_t(r - 1)])].rf.size[0]);
      label += buf;
    }
    dl->AddText(ImVec2(o.x, Y(r) - fs * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
  }
  // the field's extent on the input row
  int64_t first = -1, last = -1;
  for (int64_t q = 0; q < dim(0); q++)
    if (reach[0][size_t(q)]) {
      if (first < 0) first = q;
      last = q;
    }
  if (first >= 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld pixels", (long long)(last - first + 1));
    dl->AddLine(ImVec2(X(double(first) - 0.4), Y(0) + fs * 0.55f), ImVec2(X(double(last) + 0.4), Y(0) + fs * 0.55f),
                kOrange, 2.0f);
    const float tw = ImGui::CalcTextSize(buf).x;
    const float tx = std::clamp((X(double(first)) + X(double(last))) * 0.5f - tw * 0.5f, o.x + label_w,
                                o.x + avail.x - tw);
    dl->AddText(ImVec2(tx, Y(0) + fs * 0.6f), kOrange, buf);
  }
  dl->PopClipRect();
}

void ShowNotesPanel(AppState& app) {
  InspectState& in = app.inspect;
  static const char* names[] = {"Fig. 1 cross-entropy", "Fig. 5 entropy", "0-1 loss vs proxy",
                                "Fig. 3 receptive field"};
  for (int v = 0; v < 4; v++) {
    if (v) {
      float w = ImGui::CalcTextSize(names[v]).x + ImGui::GetStyle().FramePadding.x * 2;
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    }
    bool sel = in.notes_view == v;
    if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(names[v])) in.notes_view = v;
    SaveRect(app, std::string("notes_") + std::to_string(v));
    if (sel) ImGui::PopStyleColor();
  }
  ImGui::BeginChild("notes_view", ImVec2(0, 0), false);
  ImGui::PushTextWrapPos(0.0f);  // every line wraps at the edge (a phone), none runs off
  switch (in.notes_view) {
    case 0: Figure1(app); break;
    case 1: Figure5(app); break;
    case 2: LossLine(app); break;
    default: Figure3(app); break;
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}
