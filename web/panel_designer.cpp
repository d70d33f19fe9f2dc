// panel_designer.cpp: the layer stack as a list (add, insert, remove, duplicate, drag to reorder,
// option widgets for the selected layer) beside the model text; both edit the same document
// (model_doc.cpp), so they always agree. Errors from the analyzer appear at the offending layer.
#include <algorithm>
#include <cmath>
#include <vector>
#include <cstdio>

#include "app.h"
#include "cnn/explain.h"
#include "imgui.h"
#include "imgui_stdlib.h"
#include "theme.h"

static const ImVec4& kErrorColor = Th().error;
static const ImVec4& kDimColor = Th().dim;
static const ImVec4& kShapeColor = Th().shape;

// Widget rects by name, for the browser tests (cnnSandbox.getState().rects).

// A new layer of a kind, with options a learner would pick first (the engine's layer table).
static cnn::LayerSpec DefaultLayer(cnn::LayerKind k) { return cnn::default_layer(k); }

static const char* kPaddingNames[] = {"explicit", "same", "valid", "full"};

// Menu of layer kinds, every kind of the engine's layer table; returns true and sets *out when one
// is chosen. With `app`, each item's rect is reported as kind_<name> (browser tests).
static bool LayerKindMenu(cnn::LayerKind* out, AppState* app = nullptr) {
  bool chosen = false;
  for (int i = 0; i < cnn::layer_kind_count(); i++) {
    const cnn::LayerKind k = cnn::layer_kind_at(i);
    if (ImGui::MenuItem(cnn::layer_kind_name(k))) {
      *out = k;
      chosen = true;
    }
    if (app) SaveRect(*app, std::string("kind_") + cnn::layer_kind_name(k));
  }
  return chosen;
}

// Option widgets of one layer. Returns true when something changed.
static bool LayerOptions(AppState& app, cnn::LayerSpec& l, const cnn::LayerInfo* info) {
  bool changed = false;
  float w = ImGui::GetFontSize() * 7.0f;
  ImGui::PushItemWidth(w);
  if (ImGui::BeginCombo("kind", cnn::layer_kind_name(l.kind))) {
    cnn::LayerKind k;
    if (LayerKindMenu(&k) && k != l.kind) {
      cnn::LayerSpec d = DefaultLayer(k);
      d.line = l.line;
      // keep what both kinds share (the number of maps or outputs)
      if (d.units > 0 && l.units > 0) d.units = l.units;
      l = d;
      changed = true;
    }
    ImGui::EndCombo();
  }
  int num_fields = 0;
  const cnn::LayerField* fields = cnn::layer_fields(l.kind, &num_fields);
  for (int i = 0; i < num_fields; i++) {
    const cnn::LayerField& f = fields[i];
    switch (f.type) {
      case cnn::LayerFieldType::count: changed |= ImGui::InputInt(f.label, &(l.*f.ints)); break;
      case cnn::LayerFieldType::pair: changed |= ImGui::InputInt2(f.label, &(l.*f.ints)); break;
      case cnn::LayerFieldType::padding: {
        int p = int(l.padding);
        if (ImGui::Combo(f.label, &p, kPaddingNames, 4)) {
          l.padding = cnn::Padding(p);
          changed = true;
        }
        SaveRect(app, "padding");
        ItemTooltip(app, "padding_help", cnn::padding_help(l));  // `full` with this layer's dilated kernel (issue 15.7)
        if (l.padding == cnn::Padding::explicit_pad) changed |= ImGui::InputInt2("pad h, w", &(l.*f.ints));
        continue;
      }
      case cnn::LayerFieldType::pool_padding:
        if (l.padding != cnn::Padding::explicit_pad) { l.padding = cnn::Padding::explicit_pad; }
        changed |= ImGui::InputInt2(f.label, &(l.*f.ints));
        break;
      case cnn::LayerFieldType::toggle: changed |= ImGui::Checkbox(f.label, &(l.*f.flag)); break;
      case cnn::LayerFieldType::number: changed |= ImGui::InputFloat(f.label, &(l.*f.real), 0.01f, 0.1f, "%.3f"); break;
      case cnn::LayerFieldType::fraction:
        changed |= ImGui::SliderFloat(f.label, &(l.*f.real), 0.0f, f.max, "%.2f");
        break;
    }
    if (f.tooltip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f.tooltip);
  }
  if (num_fields == 0) ImGui::TextColored(kDimColor, "(no options)");
  ImGui::PopItemWidth();
  if (info && info->params > 0)
    ImGui::TextColored(kDimColor, "parameters: %s = %s", info->params_formula.c_str(),
                       cnn::with_commas(info->params).c_str());
  return changed;
}

static void ShowPresetRow(AppState& app) {
  ModelDoc& d = app.doc;
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Preset");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 9);
  std::string current = d.preset_name.empty() ? "(custom)" : d.preset_name;
  if (ImGui::BeginCombo("##preset", current.c_str())) {
    for (const Preset& p : app.presets) {
      if (ImGui::Selectable(p.name.c_str(), p.name == d.preset_name)) {
        ApplyPreset(app, p.name);
        app.preset_changed = true;
      }
      if (ImGui::IsItemHovered() && !p.description.empty()) ImGui::SetTooltip("%s", p.description.c_str());
    }
    ImGui::EndCombo();
  }
  SaveRect(app, "preset");
  ImGui::SameLine();
  ImGui::BeginDisabled(!ShareCanUndo(app));  // one timeline over model and settings (lab_undo.cpp)
  if (ImGui::Button("Undo")) ShareUndo(app);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Undo the last edit of the model or the settings (Ctrl+Z outside the text box)");
  ImGui::SameLine();
  ImGui::BeginDisabled(!ShareCanRedo(app));
  if (ImGui::Button("Redo")) ShareRedo(app);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Redo (Ctrl+Y or Ctrl+Shift+Z outside the text box)");
  const std::string verdict = d.valid ? "valid: " + cnn::with_commas(d.info.total_params) + " params" : "invalid model";
  SameLineOrWrap(ImGui::CalcTextSize(verdict.c_str()).x);  // below the preset on a phone
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(d.valid ? Th().ok : kErrorColor, "%s", verdict.c_str());
  if (!d.preset_description.empty() && !d.preset_name.empty()) {
    // at most three lines here (scroll for the rest): the list and the text need the room
    float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    float h = ImGui::CalcTextSize(d.preset_description.c_str(), nullptr, false, wrap).y;
    float max_h = ImGui::GetTextLineHeight() * 3.0f - 1;
    ImGui::PushStyleColor(ImGuiCol_Text, kDimColor);
    ImGui::BeginChild("about", ImVec2(0, std::min(h + 2, max_h)), false);
    ImGui::PushTextWrapPos(wrap);
    ImGui::TextUnformatted(d.preset_description.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
}

// The error box shown at the offending layer (or above the list for text that does not parse).
static void ShowErrorBox(const cnn::SpecError& e) {
  ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
  ImGui::TextWrapped("%s", e.message.c_str());
  ImGui::PopStyleColor();
  if (!e.hint.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
    ImGui::TextWrapped("hint: %s", e.hint.c_str());
    ImGui::PopStyleColor();
  }
}

static void ShowLayerList(AppState& app) {
  ModelDoc& d = app.doc;
  cnn::ModelSpec spec = d.spec;  // edited copy; written back through DocSetSpec
  const float fs = ImGui::GetFontSize();
  const bool has_info = true;
  bool changed = false;
  const char* group = nullptr;
  int error_row = d.valid ? -2 : (d.parsed ? d.error.layer - 1 : -2);  // -1 = input row

  if (!d.parsed) {
    ImGui::TextColored(kErrorColor, "The text does not parse (line %d):", d.error.line);
    ShowErrorBox(d.error);
    ImGui::TextColored(kDimColor, "The list shows the last model that parsed.");
    ImGui::Separator();
  }

  // input row
  ImGui::PushID("input");
  {
    ImGui::PushFont(app.font_mono);
    bool sel = app.selected_layer == -1;
    char label[64];
    std::snprintf(label, sizeof label, " 0  input");
    if (ImGui::Selectable(label, sel, ImGuiSelectableFlags_AllowItemOverlap)) app.selected_layer = sel ? -2 : -1;
    ImGui::PopFont();
    ImGui::SameLine(fs * 9.5f);
    ImGui::TextColored(kShapeColor, "%dx%dx%d", spec.input.h, spec.input.w, spec.input.c);
    if (sel) {
      ImGui::Indent(fs);
      int hwc[3] = {spec.input.h, spec.input.w, spec.input.c};
      ImGui::SetNextItemWidth(fs * 10);
      if (ImGui::InputInt3("height, width, channels", hwc)) {
        spec.input = cnn::Shape{hwc[0], hwc[1], hwc[2]};
        changed = true;
        group = "input";
      }
      ImGui::Unindent(fs);
    }
    if (error_row == -1) ShowErrorBox(d.error);
  }
  ImGui::PopID();

  int remove = -1, duplicate = -1, insert_after = -3, move_from = -1, move_to = -1;
  cnn::LayerKind insert_kind = cnn::LayerKind::relu;
  const int n = int(spec.layers.size());
  std::vector<float> row_top(size_t(n), 0.0f), row_bottom(size_t(n), 0.0f);
  float row_x0 = 0, row_x1 = 0;
  if (app.drag_from >= n) app.drag_from = app.drag_to = -1;  // the list changed under the drag
  for (int i = 0; i < n; i++) {
    cnn::LayerSpec& l = spec.layers[size_t(i)];
    const cnn::LayerInfo* info = (d.parsed && i < int(d.info.layers.size()) && (d.valid || i < error_row))
                                     ? &d.info.layers[size_t(i)]
                                     : nullptr;
    ImGui::PushID(i);
    bool sel = app.selected_layer == i;
    bool is_error = i == error_row;
    std::string text = cnn::layer_to_text(l);
    char label[96];
    std::snprintf(label, sizeof label, "%2d  %s###row", i + 1, text.c_str());  // the ID is the row, not its text
    ImGui::PushFont(app.font_mono);
    if (is_error) ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
    const ImGuiStyle& st = ImGui::GetStyle();
    // On a touch screen the row and its +, 2x, x buttons are a full frame high (40 CSS px) and the
    // buttons at least as wide: a finger hits them. With a mouse they stay small.
    const float row_h = app.touch_style ? ImGui::GetFrameHeight() : 0.0f;
    auto button_w = [&](const char* b) { return std::max(ImGui::CalcTextSize(b).x + st.FramePadding.x * 2, row_h); };
    auto row_button = [&](const char* b) {
      return app.touch_style ? ImGui::Button(b, ImVec2(button_w(b), row_h)) : ImGui::SmallButton(b);
    };
    float buttons_w = button_w("+") + button_w("2x") + button_w("x") + st.ItemSpacing.x * 2 +
                      st.WindowPadding.x * 0.5f;  // a margin at the edge
    float row_w = ImGui::GetContentRegionAvail().x - buttons_w - st.ItemSpacing.x;
    // (a click selects; the release that ends a drag does not)
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));
    if (ImGui::Selectable(label, sel, ImGuiSelectableFlags_AllowItemOverlap, ImVec2(row_w, row_h)) && app.drag_from < 0)
      app.selected_layer = sel ? -2 : i;
    ImGui::PopStyleVar();
    row_top[size_t(i)] = ImGui::GetItemRectMin().y;
    row_bottom[size_t(i)] = ImGui::GetItemRectMax().y;
    row_x0 = ImGui::GetItemRectMin().x;
    row_x1 = ImGui::GetItemRectMax().x;
    if (is_error) ImGui::PopStyleColor();
    ImGui::PopFont();
    SaveRect(app, ("layer_" + std::to_string(i + 1)).c_str());
    // Drag a row to move the layer: it is outlined, a line shows where it will land, and the
    // move happens on release (one undo step), so a row can travel any distance. A finger holds the
    // row for a long press first (a quick vertical swipe scrolls the panel, main.cpp).
    const bool held = !app.touch_style || ImGui::GetIO().MouseDownDuration[0] >= 0.5f;
    if (ImGui::IsItemActive() && held && ImGui::IsMouseDragging(0, fs * 0.3f) && app.drag_from < 0) app.drag_from = i;
    if (ImGui::IsItemHovered() && !ImGui::IsItemActive() && app.drag_from < 0) {
      if (info)
        ImGui::SetTooltip("%s -> %s\nparams: %s\ndrag to reorder, click for options",
                          cnn::shape_text(info->in, cnn::ShapeForm::count_if_flat).c_str(),
                          cnn::shape_text(info->out, cnn::ShapeForm::count_if_flat).c_str(),
                          info->params ? (info->params_formula + " = " + cnn::with_commas(info->params)).c_str() : "0");
      else ImGui::SetTooltip("drag to reorder, click for options");
    }
    if (info) {
      ImGui::SameLine(std::max(row_w - fs * 5.0f, fs * 10.0f));
      if (app.touch_style) ImGui::AlignTextToFramePadding();  // in the middle of the taller row
      ImGui::TextColored(kShapeColor, "%s", cnn::shape_text(info->out, cnn::ShapeForm::count_if_flat).c_str());
    }
    // row buttons
    ImGui::SameLine(ImGui::GetContentRegionMax().x - buttons_w);
    if (row_button("+")) ImGui::OpenPopup("insert");
    SaveRect(app, ("insert_" + std::to_string(i + 1)).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Insert a layer below this one");
    if (ImGui::BeginPopup("insert")) {
      if (LayerKindMenu(&insert_kind)) insert_after = i;
      ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (row_button("2x")) duplicate = i;
    SaveRect(app, ("duplicate_" + std::to_string(i + 1)).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Duplicate this layer");
    ImGui::SameLine();
    if (row_button("x")) remove = i;
    SaveRect(app, ("remove_" + std::to_string(i + 1)).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Remove this layer");

    if (sel) {
      ImGui::Indent(fs * 1.5f);
      if (LayerOptions(app, l, info)) {
        changed = true;
        group = "options";
      }
      ImGui::Unindent(fs * 1.5f);
      ImGui::Spacing();
    }
    if (is_error) {
      ImGui::Indent(fs * 1.5f);
      ShowErrorBox(d.error);
      ImGui::Unindent(fs * 1.5f);
    }
    ImGui::PopID();
  }
  if (!d.valid && d.parsed && error_row >= n) ShowErrorBox(d.error);

  // The drag in progress: outline the row, draw the drop line between rows, move on release.
  if (app.drag_from >= 0 && n > 0) {
    const float my = ImGui::GetIO().MousePos.y;
    int slot = 0;  // insertion slot 0..n: before the first row whose middle is below the mouse
    while (slot < n && (row_top[size_t(slot)] + row_bottom[size_t(slot)]) * 0.5f < my) slot++;
    const int to = slot > app.drag_from ? slot - 1 : slot;
    if (ImGui::IsMouseDown(0)) {
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const ImU32 accent = Th().accent;
      const int f = app.drag_from;
      dl->AddRect(ImVec2(row_x0, row_top[size_t(f)]), ImVec2(row_x1, row_bottom[size_t(f)]), accent, 3.0f * app.dpr, 0,
                  1.5f * app.dpr);
      if (to != f) {
        const float y = slot < n ? row_top[size_t(slot)] - ImGui::GetStyle().ItemSpacing.y * 0.5f
                                 : row_bottom[size_t(n - 1)] + ImGui::GetStyle().ItemSpacing.y * 0.5f;
        dl->AddLine(ImVec2(row_x0, y), ImVec2(row_x1, y), accent, 3.0f * app.dpr);
        dl->AddTriangleFilled(ImVec2(row_x0, y - fs * 0.35f), ImVec2(row_x0, y + fs * 0.35f),
                              ImVec2(row_x0 + fs * 0.45f, y), accent);
      }
      ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
      ImGui::SetTooltip("move %s to position %d", cnn::layer_to_text(spec.layers[size_t(f)]).c_str(), to + 1);
      app.dragging_layer = f;
      app.drag_to = to;
    } else {
      // The row lands where the line was last drawn while the button was held: what the learner
      // saw, even when the release arrives with another pointer position (Firefox under load
      // delivered one that dropped the row at the end of the list).
      const int dest = app.drag_to >= 0 ? std::min(app.drag_to, n - 1) : to;
      if (dest != app.drag_from) {
        move_from = app.drag_from;
        move_to = dest;
      }
      app.drag_from = -1;
      app.drag_to = -1;
    }
  }

  // add at the end
  if (ImGui::Button("+ Add layer")) ImGui::OpenPopup("add");
  SaveRect(app, "add_layer");
  if (ImGui::BeginPopup("add")) {
    if (LayerKindMenu(&insert_kind, &app)) insert_after = n - 1;
    ImGui::EndPopup();
  }

  if (insert_after >= -1) {
    spec.layers.insert(spec.layers.begin() + (insert_after + 1), DefaultLayer(insert_kind));
    app.selected_layer = insert_after + 1;
    changed = true;
  } else if (duplicate >= 0) {
    spec.layers.insert(spec.layers.begin() + duplicate + 1, spec.layers[size_t(duplicate)]);
    app.selected_layer = duplicate + 1;
    changed = true;
  } else if (remove >= 0) {
    spec.layers.erase(spec.layers.begin() + remove);
    if (app.selected_layer >= int(spec.layers.size())) app.selected_layer = -2;
    changed = true;
  } else if (move_from >= 0) {
    cnn::LayerSpec moved = spec.layers[size_t(move_from)];
    spec.layers.erase(spec.layers.begin() + move_from);
    spec.layers.insert(spec.layers.begin() + move_to, moved);
    if (app.selected_layer == move_from) app.selected_layer = move_to;
    else if (app.selected_layer > move_from && app.selected_layer <= move_to) app.selected_layer--;
    else if (app.selected_layer < move_from && app.selected_layer >= move_to) app.selected_layer++;
    changed = true;
  }
  if (changed) {
    DocSetSpec(app, spec, group);
    app.doc.preset_name.clear();
  }
  (void)has_info;
}

static void ShowModelText(AppState& app, float height) {
  ModelDoc& d = app.doc;
  std::string& buffer = app.editor_text;
  if (app.editor_revision != d.revision && !app.editor_active) {
    buffer = d.text;
    app.editor_revision = d.revision;
  }
  ImGui::PushFont(app.font_mono);
  // room for the whole message and hint under the box, wrapped
  float err_h = 0;
  if (!d.valid) {
    float wrap = ImGui::GetContentRegionAvail().x;
    ImGui::PushFont(app.font_ui);
    err_h = ImGui::CalcTextSize(("line 99, column 99: " + d.error.message).c_str(), nullptr, false, wrap).y +
            (d.error.hint.empty() ? 0
                                  : ImGui::CalcTextSize(("hint: " + d.error.hint).c_str(), nullptr, false, wrap).y) +
            ImGui::GetStyle().ItemSpacing.y * 3;
    ImGui::PopFont();
    err_h = std::min(err_h, height * 0.5f);
  }
  bool edited = ImGui::InputTextMultiline("##model", &buffer,
                                          ImVec2(-1, std::max(height - err_h, ImGui::GetFontSize() * 6)),
                                          ImGuiInputTextFlags_AllowTabInput);
  app.editor_active = ImGui::IsItemActive();
  SaveRect(app, "model_text");
  ImGui::PopFont();
  if (edited) {
    DocSetText(app, buffer, "text");
    app.editor_revision = d.revision;
    app.doc.preset_name.clear();
  }
  if (!d.valid) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
    if (d.error.line > 0)
      ImGui::TextWrapped("line %d, column %d: %s", d.error.line, d.error.column, d.error.message.c_str());
    else ImGui::TextWrapped("%s", d.error.message.c_str());
    ImGui::PopStyleColor();
    if (!d.error.hint.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, Th().warning);
      ImGui::TextWrapped("hint: %s", d.error.hint.c_str());
      ImGui::PopStyleColor();
    }
  }
}

void ShowDesignerPanel(AppState& app) {
  ModelDoc& d = app.doc;
  ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput && io.KeyCtrl) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z), false)) {
      if (io.KeyShift) ShareRedo(app);
      else ShareUndo(app);
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y), false)) ShareRedo(app);
  }
  ShowPresetRow(app);
  ImGui::Separator();
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  bool side_by_side = avail.x > fs * 30;
  if (side_by_side) {
    float list_w = std::floor(avail.x * 0.58f);
    ImGui::BeginChild("layers", ImVec2(list_w, avail.y), false);
    ImGui::TextColored(kDimColor, "Layers (click to edit, drag to move)");
    ShowLayerList(app);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("text", ImVec2(0, avail.y), false);
    ImGui::TextColored(kDimColor, "Model text (edit freely)");
    ShowModelText(app, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
  } else {
    float list_h = std::floor(avail.y * 0.6f);
    ImGui::BeginChild("layers", ImVec2(0, list_h), false);
    ShowLayerList(app);
    ImGui::EndChild();
    ImGui::TextColored(kDimColor, "Model text");
    ShowModelText(app, ImGui::GetContentRegionAvail().y);
  }
  (void)d;
}
