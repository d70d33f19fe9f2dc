// inspect_view_filters.cpp: the Filters view: each convolution's filters (one input channel at a time) and, for a
// dense layer on raw pixels, each unit's weights as an image.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"

// The input channel the view shows for layer i (a view setting, kept while the page is open).
static int& FilterChannel(InspectState& in, int layer) {
  if (int(in.filter_channel.size()) <= layer) in.filter_channel.resize(size_t(layer) + 1, 0);
  return in.filter_channel[size_t(layer)];
}

void ShowInsideFilters(AppState& app, Session& s, bool upload) {
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
      ImGui::Text("%s", InspectLayerName(net, i + 1).c_str());
      ImGui::SameLine();
      ImGui::TextColored(kDim, "%d filters of %dx%dx%d, each scaled to its own largest |w|", l.units, l.kh, l.kw, in_c);
      ImGui::PushID(i);
      // A filter has one kh x kw slice per input channel ([out][in][kh][kw]): the learner picks which.
      int& c = FilterChannel(app.inspect, i);
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
        HeatTile(app, upload, "f", w, l.kw, l.kh, ColorMode::Diverging, MaxAbs(w, kk), 0, 1,
                 ImVec2(side * l.kw / l.kh, side));
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("filter %d, input channel %d: max |w| = %.3g (blue < 0 < red)", m, c, MaxAbs(w, kk));
        ImGui::PopID();
        if (m + 1 < n) SameLineOrWrap(ImGui::GetItemRectSize().x);  // the tile's whole width, border included
      }
      ImGui::PopID();
    } else if (l.kind == cnn::LayerKind::dense) {
      // the first dense layer on raw pixels: each unit's weights are an image
      const cnn::Shape in_sh = net.info.layers[size_t(i)].in;
      bool on_pixels = in_sh == net.info.input && in_sh.h * in_sh.w > 1;
      for (int k = 0; k < i && on_pixels; k++) on_pixels = net.spec.layers[size_t(k)].kind == cnn::LayerKind::flatten;
      if (!on_pixels) continue;
      any = true;
      ImGui::Text("%s", InspectLayerName(net, i + 1).c_str());
      ImGui::SameLine();
      ImGui::TextColored(kDim, "weights of each unit as a %dx%d image", in_sh.h, in_sh.w);
      ImGui::PushID(i);
      int& c = FilterChannel(app.inspect, i);  // inputs are in C,H,W order: channel c is one h x w plane
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
        HeatTile(app, upload, "d", w, in_sh.w, in_sh.h, ColorMode::Diverging, MaxAbs(w, int64_t(in_sh.h) * in_sh.w), 0,
                 1, ImVec2(side * in_sh.w / in_sh.h, side));
        ImGui::PopID();
        if (u + 1 < n) SameLineOrWrap(ImGui::GetItemRectSize().x);
      }
      ImGui::PopID();
    }
  }
  if (!any)
    ImGui::TextWrapped(
        "This model has no convolution and no dense layer on raw pixels: no weights with an image meaning. The Dynamics view shows how its layers' weights move.");
}
