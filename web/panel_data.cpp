// panel_data.cpp: pick a dataset, see a grid of its samples with their labels (or, for the 2D sets,
// the points coloured by class), the class names and how many samples each has.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "app.h"
#include "colormap.h"
#include "cnn/format.h"
#include "cnn/rng.h"
#include "imgui.h"
#include "plot.h"
#include "session.h"
#include "texture.h"
#include "theme.h"

static const ImVec4& kDim = Th().dim;

// The model's input and output adapted to the dataset: input line = sample shape, last dense
// layer's outputs = number of classes (or targets).
static void FitModelToData(AppState& app, const DatasetView& v) {
  if (!app.doc.parsed) return;
  cnn::ModelSpec spec = app.doc.spec;
  spec.input = cnn::Shape{v.h, v.w, v.c};
  int outs = v.target_dim > 0 ? v.target_dim : v.num_classes;
  for (int i = int(spec.layers.size()) - 1; i >= 0; i--)
    if (spec.layers[size_t(i)].kind == cnn::LayerKind::dense) {
      spec.layers[size_t(i)].units = outs;
      break;
    }
  // regression ends on the raw scores (quadratic loss); classification on softmax (cross-entropy)
  bool ends_softmax = !spec.layers.empty() && spec.layers.back().kind == cnn::LayerKind::softmax;
  if (v.target_dim > 0 && ends_softmax) spec.layers.pop_back();
  if (v.target_dim == 0 && !ends_softmax && outs > 1) {
    cnn::LayerSpec sm;
    sm.kind = cnn::LayerKind::softmax;
    spec.layers.push_back(sm);
  }
  DocSetSpec(app, spec);
  app.doc.preset_name.clear();
}

struct GridCache {
  Texture tex;
  std::string data_name;
  int seed = -1, cols = 0, rows = 0;
  std::vector<int64_t> index;
};
static GridCache g_grid;

static void BuildGrid(const DatasetView& v, const std::string& name, int seed, int cols, int rows) {
  GridCache& g = g_grid;
  g.data_name = name;
  g.seed = seed;
  g.cols = cols;
  g.rows = rows;
  g.index.clear();
  cnn::Rng rng(uint64_t(seed), 7);
  int n = cols * rows;
  for (int i = 0; i < n && v.n_train > 0; i++) g.index.push_back(int64_t(rng.below(uint32_t(v.n_train))));
  // atlas: one cell of (w+1) x (h+1) per sample, a one-pixel gap between cells
  int cw = v.w + 1, ch = v.h + 1;
  int W = cols * cw, H = rows * ch;
  std::vector<uint8_t> rgba(size_t(W) * H * 4, 0);
  int64_t size = int64_t(v.h) * v.w * v.c;
  for (int i = 0; i < int(g.index.size()); i++) {
    const float* x = v.train_x + g.index[size_t(i)] * size;
    int ox = (i % cols) * cw, oy = (i / cols) * ch;
    for (int y = 0; y < v.h; y++)
      for (int xx = 0; xx < v.w; xx++) {
        uint8_t px[3];
        for (int k = 0; k < 3; k++) {
          int chn = v.c == 3 ? k : 0;
          float raw = x[int64_t(chn) * v.h * v.w + int64_t(y) * v.w + xx] * v.norm_std + v.norm_mean;
          float u = std::min(std::max(raw, 0.0f), 1.0f);
          px[k] = uint8_t(u * 255.0f + 0.5f);
        }
        uint8_t* p = &rgba[(size_t(oy + y) * W + size_t(ox + xx)) * 4];
        p[0] = px[0];
        p[1] = px[1];
        p[2] = px[2];
        p[3] = 255;
      }
  }
  TextureUpload(g.tex, rgba.data(), W, H, true);
}

static std::string LabelOf(const DatasetView& v, int64_t i) {
  char buf[64];
  if (v.train_y && v.num_classes > 0) {
    int y = v.train_y[i];
    if (y >= 0 && y < int(v.class_names.size())) return v.class_names[size_t(y)];
    std::snprintf(buf, sizeof buf, "%d", y);
    return buf;
  }
  if (v.train_t && v.target_dim > 0) {
    if (v.target_dim == 1) std::snprintf(buf, sizeof buf, "%.2f", v.train_t[i]);
    else std::snprintf(buf, sizeof buf, "%.1f, %.1f", v.train_t[i * v.target_dim], v.train_t[i * v.target_dim + 1]);
    return buf;
  }
  return "?";
}

static void ShowImageGrid(AppState& app, const DatasetView& v, const std::string& name) {
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float cell = std::max(fs * 3.6f,
                        float(std::max(v.w, v.h)) * std::floor(std::max(1.0f, fs * 3.6f / std::max(v.w, v.h))));
  float label_h = fs * 1.15f;
  int cols = std::max(1, int(avail.x / (cell + fs * 0.5f)));
  int rows = std::max(1, int(avail.y / (cell + label_h + fs * 0.4f)));
  rows = std::min(rows, 8);
  cols = std::min(cols, 16);
  if (g_grid.data_name != name || g_grid.seed != app.data_grid_seed || g_grid.cols != cols || g_grid.rows != rows)
    BuildGrid(v, name, app.data_grid_seed, cols, rows);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  float cw = float(v.w + 1) / float(g_grid.tex.w), ch = float(v.h + 1) / float(g_grid.tex.h);
  float step_x = cell + fs * 0.5f, step_y = cell + label_h + fs * 0.4f;
  for (int i = 0; i < int(g_grid.index.size()); i++) {
    int cx = i % cols, cy = i / cols;
    ImVec2 p(o.x + cx * step_x, o.y + cy * step_y);
    float sx = cell, sy = cell;
    if (v.w != v.h) {
      float s = cell / float(std::max(v.w, v.h));
      sx = v.w * s;
      sy = v.h * s;
    }
    ImVec2 uv0(cx * cw, cy * ch), uv1(cx * cw + float(v.w) / g_grid.tex.w, cy * ch + float(v.h) / g_grid.tex.h);
    dl->AddImage(g_grid.tex.Id(), p, ImVec2(p.x + sx, p.y + sy), uv0, uv1);
    int64_t idx = g_grid.index[size_t(i)];
    std::string label = LabelOf(v, idx);
    ImU32 col = v.train_y ? ClassColor(v.train_y[idx]) : ImGui::GetColorU32(ImGuiCol_Text);
    // labels wider than a cell (regression targets, long class names) get a smaller font
    ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    float size = fs;
    if (ts.x > step_x - fs * 0.3f) {
      size = std::max(fs * 0.6f, fs * (step_x - fs * 0.3f) / ts.x);
      ts.x *= size / fs;
    }
    float tx = p.x + (sx - ts.x) * 0.5f;
    dl->PushClipRect(ImVec2(p.x - fs * 0.2f, p.y), ImVec2(p.x + step_x - fs * 0.1f, p.y + step_y), true);
    dl->AddText(ImGui::GetFont(), size, ImVec2(tx, p.y + sy + fs * 0.1f), col, label.c_str());
    dl->PopClipRect();
  }
  ImGui::Dummy(ImVec2(cols * step_x, rows * step_y));
}

static void ShowPoints(const DatasetView& v) {
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float side = std::max(std::min(avail.x, avail.y), fs * 8);
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + side, o.y + side), ImGui::GetColorU32(ImGuiCol_FrameBg), 3);
  // raw coordinates (undo the normalization) to see the real geometry
  int64_t n = std::min<int64_t>(v.n_train, 2000);
  float lo = 1e30f, hi = -1e30f;
  for (int64_t i = 0; i < n * 2; i++) {
    float r = v.train_x[i] * v.norm_std + v.norm_mean;
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  if (hi <= lo) hi = lo + 1;
  float pad = (hi - lo) * 0.05f;
  lo -= pad;
  hi += pad;
  float r = std::max(1.5f, fs * 0.14f);
  for (int64_t i = 0; i < n; i++) {
    float x = v.train_x[2 * i] * v.norm_std + v.norm_mean, y = v.train_x[2 * i + 1] * v.norm_std + v.norm_mean;
    ImVec2 p(o.x + (x - lo) / (hi - lo) * side, o.y + side - (y - lo) / (hi - lo) * side);
    // class k: colour k and marker shape k (classes differ by more than colour)
    if (v.train_y) Plot::DrawMarker(dl, p, v.train_y[i], r * 1.3f, ClassColor(v.train_y[i]));
    else dl->AddCircleFilled(p, r, IM_COL32(200, 200, 200, 255), 6);
  }
}

// The learner's own files: what may be chosen, and the limits (stated before anything is read).
// The training subset (settings.inc's limit_train): "training samples: [500] of 8,000", 0 = all.
// The trainer takes the first N (the sets are shuffled once when packed or made, so every class is
// there); a change starts a new run, like the batch size.
static void ShowTrainingSubset(AppState& app, int64_t n_train) {
  static const int k = cnn::setting_find_url_key("limit_train");
  int& lim = app.settings.limit_train;
  ImGui::AlignTextToFramePadding();
  ImGui::Text("%s:", cnn::setting_info(k).label);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.0f);
  ImGui::InputInt("##limit_train", &lim, 0);
  SaveRect(app, "limit_train");
  ItemTooltip(app, "limit_train_help",
              "Train on the first N training samples only (0: all of them). A large model on few samples\n"
              "learns them by heart: the training accuracy climbs while the test accuracy stalls.\n"
              "Changing it starts a new run.");
  const std::string bad = cnn::setting_check(k, double(lim));
  ImGui::SameLine();
  const int64_t used = lim > 0 ? std::min<int64_t>(lim, n_train) : n_train;
  ImGui::Text("of %s%s", cnn::with_commas(n_train).c_str(),
              !bad.empty() ? ""
              : lim == 0   ? " (0: all)"
              : used < lim ? " (all: the set has fewer)"
                           : "");
  SaveText(app, "limit_train_text",
           std::string(cnn::setting_info(k).label) + ": " + cnn::with_commas(bad.empty() ? used : lim) + " of " +
               cnn::with_commas(n_train));
  if (!bad.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, Th().error);
    const std::string msg = std::string(cnn::setting_info(k).label) + ": " + bad +
                            "; use 0 (all of them) or a count up to " + cnn::with_commas(cnn::kMaxSamples) + ".";
    ImGui::TextWrapped("%s", msg.c_str());
    ImGui::PopStyleColor();
    SaveText(app, "limit_train_error", msg);
  }
}

static std::string UploadHelpText() {
  return "Load your own data (or drop files and folders on the page); it stays on this machine (nothing is uploaded anywhere).\n"
         "- an IDX image file with its label file, gzip'd or not (e.g. train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz; "
         "add the t10k/test pair for a test split),\n"
         "- or one CSV file: label, then the values (pixels 0..255 or 0..1; a header line is skipped),\n"
         "- or PNG/JPEG pictures, labelled by file name (cat_001.png -> cat) or by folder (Folder...: cat/1.png, dog/2.png); "
         "they are resampled to the size below.\n"
         "Without a test split, 1/6 of each class is held out, drawn from the seed.\n"
         "Limits: " +
         cnn::data_limits_text() + " Up to " + cnn::with_commas(cnn::kMaxUploadImages) + " pictures per upload.";
}

static void ShowLoadControls(AppState& app, Session& s) {
  const float fs = ImGui::GetFontSize();
#ifndef __EMSCRIPTEN__
  // The desktop window has no file dialog: the command-line tool reads IDX folders (--data-dir).
  (void)fs;
  ImGui::TextDisabled("Your own files load in the web page (or with cnn-sandbox train --data-dir DIR).");
  return;
#endif
  ImGui::BeginDisabled(s.upload_busy);
  if (ImGui::Button("Load your files...")) SessionPickFiles(app, false);
  SaveRect(app, "data_files");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", UploadHelpText().c_str());
  SameLineOrWrap(ButtonWidth("Folder..."));
  if (ImGui::Button("Folder...")) SessionPickFiles(app, true);
  SaveRect(app, "data_folder");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Choose a folder with one subfolder of pictures per class (cat/1.png, dog/2.png, ...)");
  // "pictures: [28 - +]" stays together
  SameLineOrWrap(ImGui::CalcTextSize("pictures:").x + ImGui::GetStyle().ItemSpacing.x + fs * 5.5f);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("pictures:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5.5f);
  if (ImGui::InputInt("##side", &s.upload_side, 4, 16)) s.upload_side = std::clamp(s.upload_side, 4, 64);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Pictures are resampled to this many pixels per side (4..64)");
  SameLineOrWrap(CheckboxWidth("RGB"));
  ImGui::Checkbox("RGB", &s.upload_rgb);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep colour (3 channels); off: grey (1 channel)");
  ImGui::EndDisabled();
  ImGui::PushStyleColor(ImGuiCol_Text, kDim);
  ImGui::TextWrapped(
      "Choose or drop files; they stay on this machine. IDX pair (.gz too), one CSV (label, values), or PNG/JPEG pictures named cat_001.png or in class folders. "
      "Up to %s MB per file, %s samples, %s pictures, %d px per picture side.",
      cnn::with_commas(int64_t(cnn::kMaxInputBytes >> 20)).c_str(), cnn::with_commas(cnn::kMaxSamples).c_str(),
      cnn::with_commas(cnn::kMaxUploadImages).c_str(), cnn::kMaxPhotoSide);
  ImGui::PopStyleColor();

  if (!s.fetch_name.empty()) {
    char buf[128];
    if (s.fetch_total > 0) std::snprintf(buf, sizeof buf, "%.1f / %.1f MB", s.fetch_bytes / 1e6, s.fetch_total / 1e6);
    else std::snprintf(buf, sizeof buf, "%.1f MB", s.fetch_bytes / 1e6);
    ImGui::AlignTextToFramePadding();
    ImGui::Text(s.unpacking ? "Unpacking %s" : "Fetching %s", s.fetch_name.c_str());
    ImGui::SameLine();
    ProgressBarLabelled(s.unpacking         ? 1.0f
                        : s.fetch_total > 0 ? float(s.fetch_bytes / s.fetch_total)
                                            : 0.0f,
                        ImVec2(fs * 12, 0), buf);
    SaveRect(app, "data_progress");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) SessionCancelFetch(app, "Download cancelled; the current dataset stays.");
    SaveRect(app, "data_cancel");
  }
  if (s.upload_busy) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d / %d files", s.upload_done, s.upload_total);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Reading your files");
    ImGui::SameLine();
    ProgressBarLabelled(s.upload_total > 0 ? float(s.upload_done) / float(s.upload_total) : 0.0f, ImVec2(fs * 12, 0),
                        buf);
  }
  if (!s.data_message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, s.data_message_error ? Th().error : Th().ok);
    ImGui::TextWrapped("%s", s.data_message.c_str());
    ImGui::PopStyleColor();
    SaveRect(app, "data_message");
  }
}

void ShowDataPanel(AppState& app) {
  const float fs = ImGui::GetFontSize();
  const std::vector<std::string>& names = DatasetNames();
  Session& s = SessionGet(app);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Dataset");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 9);
  if (ImGui::BeginCombo("##dataset", app.dataset_name.c_str())) {
    for (const std::string& n : names) {
      if (ImGui::Selectable(n.c_str(), n == app.dataset_name)) app.dataset_name = n;
      const cnn::DatasetInfo* info = CatalogInfo(n);
#ifdef __EMSCRIPTEN__
      if (info && info->needs_files) {
        ImGui::SameLine();
        ImGui::TextDisabled(s.parked.count(n) || s.data_name == n ? "(loaded)" : "(download)");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", info->web_note.c_str());
      }
#else
      (void)info;
#endif
      if (IsUploadName(n)) {
        ImGui::SameLine();
        ImGui::TextDisabled("(your files)");
      }
    }
    ImGui::EndCombo();
  }
  SaveRect(app, "dataset");
  SameLineOrWrap(ButtonWidth("Other samples"));
  if (ImGui::Button("Other samples")) app.data_grid_seed++;
  SessionEnsure(app);
  ShowLoadControls(app, s);
  DatasetView v = SessionDatasetView(app);
  if (!v.ok) {
    if (!s.fetch_name.empty()) return;  // the progress bar above says it
    ImGui::TextColored(Th().error, "%s", v.error.empty() ? "loading..." : v.error.c_str());
    return;
  }
  ImGui::Separator();
  if (!s.fetch_name.empty() || s.data_name != app.dataset_name)
    ImGui::Text("Shown until then: %s", s.data_name.c_str());
  if (!v.description.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kDim);
    ImGui::TextWrapped("%s", v.description.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::Text("%s train, %s test samples of %s%s", cnn::with_commas(v.n_train).c_str(),
              cnn::with_commas(v.n_test).c_str(),
              cnn::shape_text(cnn::Shape{v.h, v.w, v.c}, cnn::ShapeForm::count_if_flat).c_str(),
              v.points2d ? " (2D points)" : "");
  ShowTrainingSubset(app, v.n_train);
  // model vs data
  if (app.doc.valid) {
    const cnn::Shape in = app.doc.info.input;
    int64_t outs = app.doc.info.layers.empty() ? in.size() : app.doc.info.layers.back().out.size();
    int want = v.target_dim > 0 ? v.target_dim : v.num_classes;
    if (in != cnn::Shape{v.h, v.w, v.c} || outs != want) {
      ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
      ImGui::TextWrapped("The model takes %s and gives %lld outputs; this set needs %s and %d.",
                         cnn::shape_text(in, cnn::ShapeForm::count_if_flat).c_str(), (long long)outs,
                         cnn::shape_text(cnn::Shape{v.h, v.w, v.c}, cnn::ShapeForm::count_if_flat).c_str(), want);
      ImGui::PopStyleColor();
      if (ImGui::Button("Fit model to data")) FitModelToData(app, v);
      ImVec2 fa = ImGui::GetItemRectMin(), fb = ImGui::GetItemRectMax();
      app.rects["fit_model"] = ImVec4(fa.x, fa.y, fb.x, fb.y);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Set the input line to the sample shape and the last dense layer's outputs to the number of %s",
            v.target_dim > 0 ? "targets" : "classes");
    }
  }
  // classes
  if (v.num_classes > 0) {
    float table_h = std::min(ImGui::GetTextLineHeightWithSpacing() * (v.num_classes + 1.5f),
                             ImGui::GetContentRegionAvail().y * 0.4f);
    if (ImGui::BeginTable("classes", 4,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit,
                          ImVec2(0, table_h))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn("#");
      ImGui::TableSetupColumn("class", ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn("train");
      ImGui::TableSetupColumn("test");
      ImGui::TableHeadersRow();
      for (int k = 0; k < v.num_classes; k++) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", k);
        ImGui::TableNextColumn();
        {  // the class's marker shape (as in the point views), then its name in its colour
          const ImVec2 cp = ImGui::GetCursorScreenPos();
          Plot::DrawMarker(ImGui::GetWindowDrawList(), ImVec2(cp.x + fs * 0.4f, cp.y + fs * 0.55f), k, fs * 0.3f,
                           ClassColor(k));
          ImGui::Dummy(ImVec2(fs * 0.9f, fs));
          ImGui::SameLine();
        }
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ClassColor(k)), "%s",
                           k < int(v.class_names.size()) ? v.class_names[size_t(k)].c_str() : "?");
        ImGui::TableNextColumn();
        ImGui::Text("%s", k < int(v.train_counts.size()) ? cnn::with_commas(v.train_counts[size_t(k)]).c_str() : "-");
        ImGui::TableNextColumn();
        ImGui::Text("%s", k < int(v.test_counts.size()) ? cnn::with_commas(v.test_counts[size_t(k)]).c_str() : "-");
      }
      ImGui::EndTable();
    }
  } else if (v.target_dim > 0) {
    ImGui::Text("Regression: %d target value%s per sample (quadratic loss).", v.target_dim,
                v.target_dim > 1 ? "s" : "");
  }
  ImGui::Spacing();
  if (v.points2d) ShowPoints(v);
  else ShowImageGrid(app, v, s.data_name + "#" + std::to_string(s.data_revision));
}
