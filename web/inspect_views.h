// inspect_views.h: the pieces of the "Inside" tab (issue 9), shared by its files:
//   panel_inspect.cpp          ShowInspectPanel (view buttons, refresh policy) and ShowInspectTabs
//   inspect_compute.cpp        the numbers: the shown sample's activations and unit field, training
//                              dynamics, the confusion matrix, the gradient check
//   inspect_widgets.cpp        heatmap tiles, an activation's maps, the sample chooser
//   inspect_view_<name>.cpp    one ShowInside<Name> function per view
//   js_api_inspect.cpp         window.cnnSandbox.inspect
// The state they share is InspectState (inspect.h), a member of AppState.
#pragma once
#include <string>
#include <vector>

#include "colormap.h"
#include "imgui.h"
#include "theme.h"
#include "inspect.h"

struct AppState;
struct Session;

static const ImVec4& kDim = Th().dim;
static const ImVec4& kWarn = Th().warning;

// inspect_compute.cpp
Session* InspectSession(AppState& app);  // the session when it has a built network and data, else null
std::string InspectLayerName(const cnn::Network& net, int j);  // "input" or "3 conv 5x5 ..." for x^(j)
void InspectSyncKey(AppState& app, Session& s);                // drops every cached number when model or data changed
// The input the views show: the chosen test sample, or the drawing pad (normalized like the data).
const float* InspectShownInput(AppState& app, Session& s, std::vector<float>* buf);
int InspectShownLabel(AppState& app, Session& s);      // -1 for the pad or unlabelled data
void InspectRefreshSample(AppState& app, Session& s);  // forward pass of the shown input, every x^(j)
void InspectSelectUnit(AppState& app, Session& s, int layer, int chan, int row, int col);
void InspectRefreshDynamics(AppState& app, Session& s);  // appends a point when the trainer moved
void InspectStartConfusion(AppState& app, Session& s);
void InspectStepConfusion(AppState& app, Session& s);  // one batch per frame

// inspect_widgets.cpp
// A heatmap tile at the cursor. Uploads when `upload`; returns true when clicked, with the clicked
// cell in *row, *col.
bool HeatTile(AppState& app, bool upload, const char* id, const float* v, int w, int h, ColorMode mode, float scale,
              float lo, float hi, ImVec2 size, int* row = nullptr, int* col = nullptr);
float TileSide(int h, float fs);
// All channels (up to `max_c`) of an activation x^(j) as tiles; clicking selects a unit (true).
bool MapTiles(AppState& app, Session& s, bool upload, int j, int max_c);
void SampleChooser(AppState& app, Session& s);

// The views, one file each. `upload`/`due`: the numbers were refreshed this frame.
void ShowInsideFilters(AppState& app, Session& s, bool upload);
void ShowInsideMaps(AppState& app, Session& s, bool upload);
void ShowInsideField(AppState& app, Session& s, bool upload);
void ShowInsidePredict(AppState& app, Session& s, bool upload);
void ShowInsideConfusion(AppState& app, Session& s);
void ShowInsideBoundary(AppState& app, Session& s, bool due);
void ShowInsideDynamics(AppState& app, Session& s);
