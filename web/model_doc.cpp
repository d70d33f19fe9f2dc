// model_doc.cpp: the model document. The text is the source of truth: every edit, from the layer
// list or the text editor, becomes a new text and is parsed and analyzed at once (undo is the
// lab's timeline, lab_undo.cpp; edits here are only grouped). The last text that analyzed cleanly
// is kept apart so that a half-typed line never takes the trained network or the plots away.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app.h"

#ifndef CNN_PRESET_DIR
#define CNN_PRESET_DIR "/presets"
#endif

static void DocReparse(ModelDoc& d) {
  cnn::ModelSpec spec;
  cnn::SpecError err;
  d.revision++;
  if (!cnn::parse_model(d.text, &spec, &err)) {
    d.parsed = false;
    d.valid = false;
    d.error = err;
    return;
  }
  d.spec = spec;
  d.parsed = true;
  cnn::ModelInfo info;
  err = cnn::SpecError();
  if (!cnn::analyze_model(spec, &info, &err)) {
    d.valid = false;
    d.error = err;
    // the layers before the offending one still have shapes: analyze that prefix for the views
    d.info = cnn::ModelInfo();
    if (err.layer > 1) {
      cnn::ModelSpec prefix = spec;
      prefix.layers.resize(size_t(err.layer - 1));
      cnn::SpecError ignored;
      if (!cnn::analyze_model(prefix, &d.info, &ignored)) d.info = cnn::ModelInfo();
    }
    return;
  }
  d.valid = true;
  d.info = info;
  d.error = cnn::SpecError();
  d.last_valid_text = d.text;
  d.last_valid_spec = spec;
  d.last_valid_info = info;
}

void DocSetText(AppState& app, const std::string& text, const char* undo_group) {
  ModelDoc& d = app.doc;
  if (text == d.text && d.revision > 0) return;
  double now = ImGui::GetCurrentContext() ? ImGui::GetTime() : 0.0;
  bool same_group = undo_group && d.undo_group == undo_group && now - d.undo_group_time < 1.0;
  if (!same_group && d.revision > 0) d.edit_groups++;
  d.undo_group = undo_group ? undo_group : "";
  d.undo_group_time = now;
  d.text = text;
  DocReparse(d);
}

void DocSetSpec(AppState& app, const cnn::ModelSpec& spec, const char* undo_group) {
  DocSetText(app, cnn::model_to_text(spec), undo_group);
}

// --- presets -----------------------------------------------------------------------------------

// The order a learner meets them in: simplest first, analysis-only examples last.
static int PresetRank(const std::string& name) {
  static const char* order[] = {"tiny-mlp", "lenet5", "vgg-small", "wide", "rf-example", "alexnet-conv1", "vgg16"};
  for (int i = 0; i < int(sizeof(order) / sizeof(order[0])); i++)
    if (name == order[i]) return i;
  return 100;
}

void LoadPresets(AppState& app) {
  app.presets.clear();
  const char* dir = CNN_PRESET_DIR;
  DIR* dp = opendir(dir);
  if (!dp) {
    app.status = std::string("No presets found in ") + dir;
    app.status_is_error = true;
    return;
  }
  while (dirent* e = readdir(dp)) {
    std::string file = e->d_name;
    if (file.size() < 5 || file.substr(file.size() - 4) != ".txt") continue;
    std::ifstream in(std::string(dir) + "/" + file);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    Preset p;
    p.name = file.substr(0, file.size() - 4);
    // Leading comment lines describe the preset; the rest is the model text.
    std::string line, body, desc;
    bool in_header = true;
    std::istringstream lines(ss.str());
    while (std::getline(lines, line)) {
      if (in_header && (line.empty() || line[0] == '#')) {
        // comment lines are one paragraph (the file wraps them at 100 columns); an empty comment
        // line starts a new one
        size_t k = line.find_first_not_of("# ");
        if (k == std::string::npos) {
          if (!desc.empty()) desc += "\n";
          continue;
        }
        if (!desc.empty() && desc.back() != '\n') desc += " ";
        desc += line.substr(k);
        continue;
      }
      in_header = false;
      body += line + "\n";
    }
    p.text = body;
    p.description = desc;
    app.presets.push_back(p);
  }
  closedir(dp);
  std::sort(app.presets.begin(), app.presets.end(), [](const Preset& a, const Preset& b) {
    int ra = PresetRank(a.name), rb = PresetRank(b.name);
    return ra != rb ? ra < rb : a.name < b.name;
  });
}

bool ApplyPreset(AppState& app, const std::string& name) {
  for (const Preset& p : app.presets) {
    if (p.name != name) continue;
    DocSetText(app, p.text);
    app.doc.preset_name = p.name;
    app.doc.preset_description = p.description;
    app.selected_layer = -2;
    return true;
  }
  return false;
}

// --- formatting ----------------------------------------------------------------------------------

std::string FormatSI(double v) {
  const char* unit[] = {"", " k", " M", " G", " T"};
  int u = 0;
  double a = v < 0 ? -v : v;
  while (a >= 1000.0 && u < 4) {
    a /= 1000.0;
    v /= 1000.0;
    u++;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : (a < 10 ? "%.2f%s" : (a < 100 ? "%.1f%s" : "%.0f%s")), v, unit[u]);
  return buf;
}
