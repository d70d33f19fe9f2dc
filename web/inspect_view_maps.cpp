// inspect_view_maps.cpp: the Maps view: the feature maps x^(j) of one sample, per layer; a click on a unit opens
// its receptive field.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui.h"
#include "inspect_views.h"
#include "session.h"

void ShowInsideMaps(AppState& app, Session& s, bool upload) {
  InspectState& in = app.inspect;
  SampleChooser(app, s);
  ImGui::TextColored(
      kDim,
      "Feature maps x^(j) of this sample, per layer (own colour scale per layer). Click a unit: its receptive field.");
  cnn::Network& net = s.net;
  for (int j = 0; j <= net.num_layers() && j < int(in.acts.size()); j++) {
    ImGui::TextUnformatted(InspectLayerName(net, j).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kDim, "%s", cnn::shape_text(net.out_shape(j), cnn::ShapeForm::count_if_flat).c_str());
    if (MapTiles(app, s, upload, j, 16)) in.view = InsideView::Field;
  }
}
