// inspect_view_dynamics.cpp: the Dynamics view: per layer, the gradient norm, the update-to-weight ratio and
// the dead-ReLU fraction over the run (sampled in inspect_compute.cpp).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "plot.h"
#include "session.h"
#include "theme.h"

void ShowInsideDynamics(AppState& app, Session& s) {
  InspectState& in = app.inspect;
  const cnn::Network& net = s.net;
  if (in.dyn_step.empty()) {
    ImGui::TextWrapped(
        "Train (or Step) to see, per layer, the gradient norm, the update-to-weight ratio per step (healthy training is often near 1e-3), and the fraction of ReLU units that are off for every probe sample (dead).");
    return;
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side = avail.x > avail.y * 2.2f;
  const int nplots = in.dyn_relu_layers.empty() ? 2 : 3;
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  ImVec2 size = side ? ImVec2((avail.x - sp * (nplots - 1)) / nplots, avail.y)
                     : ImVec2(avail.x, std::max(ImGui::GetFontSize() * 7, (avail.y - sp * (nplots - 1)) / nplots));
  const ImU32* cols = Th().series;
  const int n = int(in.dyn_step.size());
  if (Plot::BeginPlot("gradient norm |dL/dw| per layer", size)) {
    Plot::SetupAxes("step", "", 0, Plot::AxisFlags_Log);
    for (size_t k = 0; k < in.dyn_param_layers.size(); k++) {
      std::string nm = "L" + std::to_string(in.dyn_param_layers[k] + 1) + " " +
                       cnn::layer_kind_name(net.spec.layers[size_t(in.dyn_param_layers[k])].kind);
      Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_grad[k].data(), std::min(n, int(in.dyn_grad[k].size())),
                     cols[k % 8]);
    }
    Plot::EndPlot();
  }
  if (side) ImGui::SameLine();
  if (Plot::BeginPlot("update / weight per step", size)) {
    Plot::SetupAxes("step", "", 0, Plot::AxisFlags_Log);
    for (size_t k = 0; k < in.dyn_param_layers.size(); k++) {
      std::string nm = "L" + std::to_string(in.dyn_param_layers[k] + 1);
      Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_ratio[k].data(), std::min(n, int(in.dyn_ratio[k].size())),
                     cols[k % 8]);
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
        Plot::PlotLine(nm.c_str(), in.dyn_step.data(), in.dyn_dead[k].data(), std::min(n, int(in.dyn_dead[k].size())),
                       cols[k % 8]);
      }
      Plot::EndPlot();
    }
  }
}
