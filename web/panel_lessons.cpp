// panel_lessons.cpp: the Lessons panel (issue 14): the course through the lecture notes, the first
// tab on a fresh visit. The list shows every lesson with its progress; an open lesson is a few
// pages: its text with "Set up the lab", then one page per exercise (a number to predict, a choice,
// or a task on the live lab), each checked by the engine (cnn/lesson.h). Lessons are fetched from
// the site's lessons/ folder; progress lives in localStorage.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app.h"
#include "browser.h"
#include "cnn/diagnose.h"
#include "imgui.h"
#include "lab_link.h"
#include "lessons.h"
#include "nlohmann/json.hpp"
#include "session.h"
#include "theme.h"

// ---------------------------------------------------------------------------------------------
// [SECTION] Browser glue: fetching lesson files, progress in localStorage, events for course pages
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// name "" = the index. The answer comes back through cnn_lessons_fetched (js_api_lessons.cpp).
// clang-format off
EM_JS(void, LessonsJsFetch, (const char* name), {
  var n = UTF8ToString(name);
  var url = n ? "lessons/" + encodeURIComponent(n) + ".txt" : "lessons/index.txt";
  var done = function(text, ok) {
    try { Module.ccall("cnn_lessons_fetched", null, ["string", "string", "number"], [n, text, ok]); } catch (e) { console.warn("lessons:", e); }
  };
  fetch(url, { cache: "no-cache" }).then(function(r) {
    if (!r.ok) throw new Error(url + ": HTTP " + r.status);
    return r.text();
  }).then(function(t) { done(t, 1); }).catch(function(e) { done(String((e && e.message) || e), 0); });
});
EM_JS(char*, LessonsJsReadProgress, (), {
  var v = "";
  try { v = window.localStorage.getItem("cnn-sandbox.lessons.v1") || ""; } catch (e) {}
  var n = lengthBytesUTF8(v) + 1, p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(void, LessonsJsWriteProgress, (const char* v), {
  try { window.localStorage.setItem("cnn-sandbox.lessons.v1", UTF8ToString(v)); } catch (e) {}
});
// The embed API (web/shell, issue 14.5) forwards these to a course page.
EM_JS(void, LessonsJsEvent, (const char* name, const char* payload), {
  try { if (window.cnnSandboxEvent) window.cnnSandboxEvent(UTF8ToString(name), JSON.parse(UTF8ToString(payload))); } catch (e) { console.warn("cnnSandboxEvent:", e); }
});
EM_JS(void, LessonsJsPick, (), {
  if (window.cnnLessons) window.cnnLessons.pickFile();
});
// clang-format on
static std::string ReadProgressText() {
  char* p = LessonsJsReadProgress();
  std::string s = p ? p : "";
  free(p);
  return s;
}
static void FetchLesson(AppState&, const std::string& name) { LessonsJsFetch(name.c_str()); }
#else
#include <fstream>
#include <sstream>
// The desktop window reads the same files from the source tree (CNN_LESSON_DIR).
static std::string ReadProgressText() { return ""; }
static void LessonsJsWriteProgress(const char*) {}
static void LessonsJsEvent(const char*, const char*) {}
static void LessonsJsPick() {}
static void FetchLesson(AppState& app, const std::string& name) {
#ifdef CNN_LESSON_DIR
  std::ifstream f(std::string(CNN_LESSON_DIR) + "/" + (name.empty() ? "index" : name) + ".txt", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  LessonsFetched(app, name, f ? ss.str() : "not found", bool(f));
#else
  LessonsFetched(app, name, "no lesson folder in this build", false);
#endif
}
#endif

// ---------------------------------------------------------------------------------------------
// [SECTION] Lessons, progress
static cnn::PresetLookup PresetsOf(const AppState& app) {
  return [&app](const std::string& name, std::string* text) {
    for (const Preset& p : app.presets)
      if (p.name == name) {
        *text = p.text;
        return true;
      }
    return false;
  };
}

static const char* const kLeftPanelNames[] = {"designer", "analysis", "data"};

bool LessonsHaveProgress(const AppState& app) {
  return app.lessons.seen || !app.lessons.progress.empty() || !app.lessons.completed.empty();
}

static void LoadProgress(AppState& app) {
  LessonsState& ls = app.lessons;
  ls.progress_loaded = true;
  const std::string text = ReadProgressText();
  if (text.empty()) return;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("v", 0) != 1) return;  // unreadable: start afresh
  ls.seen = j.value("seen", false);
  if (j.contains("answers") && j["answers"].is_object())
    for (auto it = j["answers"].begin(); it != j["answers"].end(); ++it) {
      if (!it.value().is_object()) continue;
      ExerciseProgress p;
      p.typed = it.value().value("typed", std::string()).substr(0, 64);
      p.choice = it.value().value("choice", -1);
      p.correct = it.value().value("correct", false);
      p.answered = true;
      ls.progress[it.key().substr(0, 100)] = p;
    }
  if (j.contains("completed") && j["completed"].is_array())
    for (const auto& c : j["completed"])
      if (c.is_string()) ls.completed.insert(c.get<std::string>().substr(0, 64));
}

void LessonsSaveProgressIfDirty(AppState& app) {
  LessonsState& ls = app.lessons;
  if (!ls.progress_dirty) return;
  ls.progress_dirty = false;
  nlohmann::json j;
  j["v"] = 1;
  j["seen"] = ls.seen;
  j["answers"] = nlohmann::json::object();
  for (const auto& [key, p] : ls.progress)
    if (p.answered) j["answers"][key] = {{"typed", p.typed}, {"choice", p.choice}, {"correct", p.correct}};
  j["completed"] = std::vector<std::string>(ls.completed.begin(), ls.completed.end());
  LessonsJsWriteProgress(j.dump().c_str());
}

void LessonsInit(AppState& app) {
  LoadProgress(app);
  FetchLesson(app, "");
}

static LessonEntry* Entry(AppState& app, const std::string& name) {
  auto it = app.lessons.entries.find(name);
  return it == app.lessons.entries.end() ? nullptr : &it->second;
}

void LessonsFetched(AppState& app, const std::string& name, const std::string& text, bool ok) {
  LessonsState& ls = app.lessons;
  if (name.empty()) {
    ls.index_fetched = true;
    std::string err;
    std::vector<std::string> names;
    if (!ok) ls.index_error = "The lesson list could not be loaded (" + text.substr(0, 200) + ").";
    else if (!cnn::parse_lesson_index(text, &names, &err)) ls.index_error = err;
    else ls.index = names;
    for (const std::string& n : ls.index)
      if (!Entry(app, n)) {
        ls.entries[n].name = n;
        FetchLesson(app, n);
      }
    if (!ls.requested.empty() && !Entry(app, ls.requested)) {  // a lesson the index does not list
      ls.entries[ls.requested].name = ls.requested;
      FetchLesson(app, ls.requested);
    }
    return;
  }
  LessonEntry& e = ls.entries[name];
  e.name = name;
  e.fetched = true;
  cnn::Lesson l;
  cnn::LessonError le;
  if (!ok) e.error = "The lesson could not be loaded (" + text.substr(0, 200) + ").";
  else if (!cnn::parse_lesson(text, name, PresetsOf(app), &l, &le))
    e.error = "lessons/" + name + ".txt, " + le.to_string();
  else {
    e.lesson = std::move(l);
    e.error.clear();
  }
  if (ls.requested == name) {
    ls.requested.clear();
    if (!e.error.empty()) {
      ls.message = e.error;
      ls.message_is_error = true;
      ls.open.clear();
      return;
    }
    ls.open = name;
    if (ls.setup_on_open) {
      std::string err;
      if (!LessonsSetUp(app, name, &err)) {
        ls.message = err;
        ls.message_is_error = true;
      }
    }
    ls.setup_on_open = false;
  }
}

void LessonsOpen(AppState& app, const std::string& name, bool setup) {
  LessonsState& ls = app.lessons;
  app.left_tab = LeftTab::Lessons;
  app.request_tab = true;
  LessonEntry* e = Entry(app, name);
  if (e && e->fetched) {
    if (!e->error.empty()) {
      ls.message = e->error;
      ls.message_is_error = true;
      return;
    }
    ls.open = name;
    ls.message.clear();
    if (setup) {
      std::string err;
      if (!LessonsSetUp(app, name, &err)) {
        ls.message = err;
        ls.message_is_error = true;
      }
    }
    return;
  }
  ls.requested = name;
  ls.setup_on_open = setup;
  if (!e && ls.index_fetched) {  // not in the index: the host may still have the file
    ls.entries[name].name = name;
    FetchLesson(app, name);
  }
}

bool LessonsLoadText(AppState& app, const std::string& text, const std::string& file_name, std::string* err) {
  LessonsState& ls = app.lessons;
  // the name comes from the file ("my-lesson.txt" -> "my-lesson"); progress is kept under it
  std::string name;
  for (char c :
       file_name.substr(0, file_name.rfind('.') == std::string::npos ? file_name.size() : file_name.rfind('.')))
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') name += c;
  if (name.empty()) name = "my-lesson";
  name = name.substr(0, 48);
  if (std::find(ls.index.begin(), ls.index.end(), name) != ls.index.end())
    name = "file-" + name;  // never replaces a built-in one
  cnn::Lesson l;
  cnn::LessonError le;
  if (!cnn::parse_lesson(text, name, PresetsOf(app), &l, &le)) {
    *err = (file_name.empty() ? std::string("The lesson") : file_name) + ", " + le.to_string();
    ls.message = *err;
    ls.message_is_error = true;
    app.status = *err;  // the lab itself is untouched
    app.status_is_error = true;
    app.left_tab = LeftTab::Lessons;  // where the message is
    app.request_tab = true;
    return false;
  }
  LessonEntry& e = ls.entries[name];
  e.name = name;
  e.fetched = true;
  e.loaded_file = true;
  e.error.clear();
  e.lesson = std::move(l);
  ls.open = name;
  ls.message = "Loaded " + (file_name.empty() ? name : file_name) + ".";
  ls.message_is_error = false;
  app.status = "Lesson loaded: " + ls.entries[name].lesson.title + ".";
  app.status_is_error = false;
  app.left_tab = LeftTab::Lessons;
  app.request_tab = true;
  return true;
}

static void OpenPanel(AppState& app, const std::string& panel) {
  InspectState& in = app.inspect;
  const std::string first = panel.substr(0, panel.find(' '));
  const std::string view = panel.find(' ') == std::string::npos ? "" : panel.substr(panel.find(' ') + 1);
  if (first == "curves") in.tab = InspectTab::Curves;
  else if (first == "inside") in.tab = InspectTab::Inside;
  else if (first == "backprop") in.tab = InspectTab::Backprop;
  else if (first == "notes") in.tab = InspectTab::Notes;
  else return;  // the left column's panels: the lesson offers a button (it shares their column)
  in.request_tab = true;
  if (first == "inside")
    for (int v = 0; v < int(InsideView::Count); v++) {
      std::string n = InsideViewName(InsideView(v));
      std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      if (!view.empty() && n.find(view) == 0) in.view = InsideView(v);
    }
  if (first == "notes") {
    const char* const views[] = {"figure1", "figure5", "zero-one", "figure3"};
    for (int v = 0; v < 4; v++)
      if (view == views[v]) in.notes_view = v;
  }
}

bool LessonsSetUp(AppState& app, const std::string& name, std::string* err) {
  LessonEntry* e = Entry(app, name);
  if (!e || !e->fetched || !e->error.empty()) {
    *err = "The lesson '" + name + "' is not loaded.";
    return false;
  }
  const cnn::Lesson& l = e->lesson;
  LabLink link;  // the link's code path: checked first, then applied; Undo brings the previous lab back
  if (!l.model.empty()) {
    link.lab.has_model = true;
    link.lab.model = l.model;
  } else if (!l.preset.empty()) {
    link.lab.has_preset = true;
    link.lab.preset = l.preset;
  }
  if (!l.data.empty()) {
    link.lab.has_data = true;
    link.lab.data = l.data;
  }
  link.lab.settings = l.settings_values;
  link.lab.given = l.settings_given;
  if (app.share.locked && (link.lab.has_model || link.lab.has_preset) &&
      app.doc.text != cnn::lesson_model_text(l, PresetsOf(app))) {
    *err = "The architecture is locked on this page; this lesson's model cannot be set up here.";
    return false;
  }
  LabTrackChanges(app);  // an edit not yet recorded stays its own undo step
  if (!LabApplyUrlState(app, link, false, err)) return false;
  LabTrackChanges(app);  // the set-up lab is an undo step now, in the frame that made it
  for (const std::string& p : l.panels) OpenPanel(app, p);
  app.lessons.setups++;
  app.lessons.message = "The lab is set up for this lesson. Undo (Ctrl+Z) brings your own design back.";
  app.lessons.message_is_error = false;
  app.status = "Lesson set up: " + l.title + ".";
  app.status_is_error = false;
  return true;
}

static std::string Key(const std::string& lesson, const cnn::Exercise& e) { return lesson + "/" + e.id; }

static void Report(AppState& app, const cnn::Lesson& l, const cnn::Exercise& e, bool correct) {
  LessonsState& ls = app.lessons;
  nlohmann::json p = {{"lesson", l.name}, {"exercise", e.id}, {"correct", correct}};
  LessonsJsEvent("exercise", p.dump().c_str());
  ls.progress_dirty = true;
  bool all = !l.exercises.empty();
  for (const cnn::Exercise& x : l.exercises) {
    auto it = ls.progress.find(Key(l.name, x));
    all &= it != ls.progress.end() && it->second.correct;
  }
  if (all && !ls.completed.count(l.name)) {
    ls.completed.insert(l.name);
    LessonsJsEvent("lessonCompleted", nlohmann::json({{"lesson", l.name}}).dump().c_str());
  }
}

static cnn::LessonLab LiveLab(AppState& app) {
  cnn::LessonLab lab;
  lab.model_text = app.doc.valid ? app.doc.text : std::string();
  lab.data = app.dataset_name;
  lab.settings = app.settings;
  lab.steps = SessionStepCount(app);
  const Run* r = app.current_run >= 0 && app.current_run < int(app.runs.size()) ? &app.runs[size_t(app.current_run)]
                 : app.runs.empty()                                             ? nullptr
                                                                                : &app.runs.back();
  if (r && r->model_text != app.doc.text) r = nullptr;  // a run of another model says nothing about this one
  if (r) {
    if (!r->test_acc.empty()) lab.test_accuracy = r->test_acc.back();
    if (!r->train_err.empty()) {  // the last 50 minibatches
      const size_t n = std::min<size_t>(50, r->train_err.size());
      double s = 0;
      for (size_t i = r->train_err.size() - n; i < r->train_err.size(); i++) s += r->train_err[i];
      lab.train_accuracy = 1.0 - s / double(n);
    }
    if (!r->smooth.empty()) lab.train_loss = r->smooth.back();
    // diverged: a minibatch loss became non-finite or blew up to 100x the first one (even if it fell back)
    for (float v : r->loss) lab.diverged |= !std::isfinite(v) || (!r->loss.empty() && v > 100.0f * r->loss.front());
  }
  lab.diverged |= TrainingDiagnosis(app).kind == cnn::RunTrouble::loss_exploded;
  return lab;
}

// Checks one exercise: typed number, clicked option (choice) or the live lab (task).
static void CheckExercise(AppState& app, const cnn::Lesson& l, const cnn::Exercise& e, int option) {
  ExerciseProgress& p = app.lessons.progress[Key(l.name, e)];
  if (e.kind == cnn::ExerciseKind::number) {
    const cnn::NumberVerdict v = cnn::lesson_check_number(e, cnn::lesson_model_text(l, PresetsOf(app)), p.typed);
    p.message = v.message;
    if (!v.parsed) return;  // not an answer yet: nothing recorded
    p.correct = v.correct;
  } else if (e.kind == cnn::ExerciseKind::choice) {
    if (option < 0 || option >= int(e.options.size())) return;
    p.choice = option;
    const cnn::LessonOption& o = e.options[size_t(option)];
    p.correct = o.right;
    p.message = cnn::lesson_choice_verdict(o);
  } else {
    const cnn::TaskVerdict v = cnn::lesson_check_task(e, LiveLab(app));
    p.lines = v.lines;
    p.correct = v.met;
    p.message = v.met ? "Done." + (e.done.empty() ? std::string() : " " + e.done) : "Not yet:";
  }
  p.answered = true;
  Report(app, l, e, p.correct);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The panel
static bool WideButton(const char* label) { return ImGui::Button(label); }

static void ShowList(AppState& app) {
  LessonsState& ls = app.lessons;
  ImGui::TextWrapped(
      "A course through the lecture notes (Losses, Back-Propagation, and Convolutional Neural Networks): each lesson sets up "
      "the lab, and the engine checks your answers with its own numbers. Leave at any time: the other tabs are the lab.");
  SaveText(app, "lessons_intro", "A course through the lecture notes");
  ImGui::Spacing();
  if (!ls.index_fetched) ImGui::TextDisabled("Loading the lessons...");
  if (!ls.index_error.empty()) ImGui::TextColored(Th().error, "%s", ls.index_error.c_str());
  std::vector<std::string> names = ls.index;
  for (const auto& [n, e] : ls.entries)
    if (e.loaded_file || std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  int done = 0, shown = 0;
  if (ImGui::BeginTable("lessons_list", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("lesson", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("progress", ImGuiTableColumnFlags_WidthFixed,
                            ImGui::CalcTextSize("4 of 5").x + ImGui::GetFrameHeight());
    for (const std::string& n : names) {
      const LessonEntry* e = Entry(app, n);
      if (!e) continue;
      shown++;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(n.c_str());
      if (!e->fetched) {
        ImGui::TextDisabled("%s (loading)", n.c_str());
      } else if (!e->error.empty()) {
        ImGui::TextColored(Th().error, "%s: could not be read", n.c_str());
        ItemTooltip(app, "lesson_error_" + n, e->error);
      } else {
        // The title wraps within its column (a phone is narrower than "4. Convolution: kernel, ...");
        // the row's selectable is as tall as the wrapped lines and the text is drawn over it.
        const std::string label = std::to_string(shown) + ". " + e->lesson.title;
        const float colw = ImGui::GetContentRegionAvail().x;
        const ImVec2 at = ImGui::GetCursorPos();
        const float h = ImGui::CalcTextSize(label.c_str(), nullptr, false, colw).y;
        if (ImGui::Selectable("##open", false, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, h)))
          LessonsOpen(app, n, false);
        SaveRect(app, "lesson_open_" + n);
        if (ImGui::IsItemHovered() && !e->lesson.notes.empty()) ImGui::SetTooltip("%s", e->lesson.notes.c_str());
        ImGui::SetCursorPos(at);
        ImGui::PushTextWrapPos(at.x + colw);
        ImGui::TextUnformatted(label.c_str());
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        int right = 0;
        for (const cnn::Exercise& x : e->lesson.exercises) {
          auto it = ls.progress.find(Key(n, x));
          right += it != ls.progress.end() && it->second.correct;
        }
        const bool complete = ls.completed.count(n) > 0;
        done += complete;
        if (complete) ImGui::TextColored(Th().ok, "done");
        else ImGui::TextDisabled("%d of %d", right, int(e->lesson.exercises.size()));
        SaveText(app, "lesson_progress_" + n,
                 complete ? "done" : std::to_string(right) + " of " + std::to_string(e->lesson.exercises.size()));
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::Text("%d of %d lessons completed", done, shown);
  SaveText(app, "lessons_overview", std::to_string(done) + " of " + std::to_string(shown) + " lessons completed");
  if (WideButton("Load lesson...")) LessonsJsPick();
  SaveRect(app, "lessons_load");
  ItemTooltip(app, "lessons_load_tip",
              "Open a lesson file of your own (a plain-text file in the lesson format; a drop on the page works too)");
  SameLineOrWrap(ButtonWidth("Reset progress"));
  if (WideButton("Reset progress")) {
    ls.progress.clear();
    ls.completed.clear();
    ls.progress_dirty = true;
    ls.message = "Progress cleared.";
    ls.message_is_error = false;
  }
  SaveRect(app, "lessons_reset");
}

static void ShowExercise(AppState& app, const cnn::Lesson& l, const cnn::Exercise& e, int number) {
  LessonsState& ls = app.lessons;
  ExerciseProgress& p = ls.progress[Key(l.name, e)];
  const std::string id = "ex_" + e.id;
  ImGui::PushID(e.id.c_str());
  ImGui::TextColored(Th().highlight, "Exercise %d of %d", number, int(l.exercises.size()));
  ImGui::TextWrapped("%s", e.ask.c_str());
  SaveText(app, id + "_ask", e.ask);
  ImGui::Spacing();
  if (e.kind == cnn::ExerciseKind::number) {
    const float w = std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 10);
    ImGui::SetNextItemWidth(w);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s", p.typed.c_str());
    const bool enter = ImGui::InputText("##answer", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
    p.typed = buf;
    SaveRect(app, id + "_input");
    if (!e.unit.empty()) {
      ImGui::SameLine();
      ImGui::TextUnformatted(e.unit.c_str());
    }
    SameLineOrWrap(ButtonWidth("Check"));
    if (ImGui::Button("Check") || enter) CheckExercise(app, l, e, -1);
    SaveRect(app, id + "_check");
  } else if (e.kind == cnn::ExerciseKind::choice) {
    for (size_t k = 0; k < e.options.size(); k++) {
      ImGui::PushID(int(k));
      const bool sel = p.choice == int(k);
      const std::string label = std::string(1, char('A' + k)) + ". " + e.options[k].text;
      // a wrapped selectable: the option's text in the width of the panel
      const float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2;
      const ImVec2 size = ImGui::CalcTextSize(label.c_str(), nullptr, false, wrap);
      const ImVec2 pos = ImGui::GetCursorScreenPos();
      if (ImGui::Selectable("##opt", sel, 0,
                            ImVec2(0, std::max(size.y, ImGui::GetTextLineHeight()) + ImGui::GetStyle().FramePadding.y)))
        CheckExercise(app, l, e, int(k));
      SaveRect(app, id + "_opt" + std::to_string(k));
      ImGui::GetWindowDrawList()->AddText(nullptr, 0, ImVec2(pos.x + ImGui::GetStyle().FramePadding.x, pos.y),
                                          ImGui::GetColorU32(ImGuiCol_Text), label.c_str(), nullptr, wrap);
      ImGui::PopID();
    }
  } else {
    if (!e.conditions.empty()) ImGui::TextDisabled("checked: %s", e.check.c_str());
    if (ImGui::Button("Check the lab")) CheckExercise(app, l, e, -1);
    SaveRect(app, id + "_check");
  }
  if (!e.hints.empty()) {
    SameLineOrWrap(ButtonWidth("Hint"));
    ImGui::BeginDisabled(p.hints >= int(e.hints.size()));
    if (ImGui::Button(p.hints == 0 ? "Hint" : "Another hint")) p.hints++;
    ImGui::EndDisabled();
    SaveRect(app, id + "_hint");
  }
  if (!p.message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, p.correct ? Th().ok : Th().error);
    ImGui::TextWrapped("%s", p.message.c_str());
    ImGui::PopStyleColor();
    for (const std::string& line : p.lines) ImGui::BulletText("%s", line.c_str());
  }
  std::string verdict = p.message;
  for (const std::string& line : p.lines) verdict += "\n" + line;
  SaveText(app, id + "_verdict", verdict);
  for (int h = 0; h < p.hints && h < int(e.hints.size()); h++) {
    ImGui::TextColored(Th().dim, "Hint %d:", h + 1);
    ImGui::SameLine();
    ImGui::TextWrapped("%s", e.hints[size_t(h)].c_str());
    SaveText(app, id + "_hint" + std::to_string(h + 1), e.hints[size_t(h)]);
  }
  ImGui::PopID();
}

static void ShowLesson(AppState& app, LessonEntry& entry) {
  LessonsState& ls = app.lessons;
  const cnn::Lesson& l = entry.lesson;
  int& page = ls.page_of[l.name];
  // A course page's embed shows the lesson it chose and no list: closing the lesson there would
  // take the Lessons tab away with it (the page changes lessons by postMessage or its link).
  if (!app.share.embed) {
    if (ImGui::Button("< All lessons")) {
      ls.open.clear();
      ImGui::SetScrollY(0);
    }
    SaveRect(app, "lesson_back");
  }
  ImGui::PushStyleColor(ImGuiCol_Text, Th().highlight);
  ImGui::TextWrapped("%s", l.title.c_str());
  ImGui::PopStyleColor();
  SaveText(app, "lesson_title", l.title);
  if (!l.notes.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, Th().dim);
    ImGui::TextWrapped("Notes: %s", l.notes.c_str());
    ImGui::PopStyleColor();
  }
  // page buttons: the text, then one per exercise with its state
  const int pages = int(l.exercises.size()) + 1;
  const float page_w = ButtonWidth("12 ok");  // one width: a page turning "ok" moves no other button
  for (int k = 0; k < pages; k++) {
    std::string label = k == 0 ? "Text" : std::to_string(k);
    if (k > 0) {
      auto it = ls.progress.find(Key(l.name, l.exercises[size_t(k - 1)]));
      if (it != ls.progress.end() && it->second.correct) label += " ok";
    }
    if (k > 0) SameLineOrWrap(page_w);
    const bool sel = page == k;
    if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::Button((label + "##page" + std::to_string(k)).c_str(), ImVec2(page_w, 0))) page = k;
    if (sel) ImGui::PopStyleColor();
    SaveRect(app, "lesson_page_" + std::to_string(k));
  }
  page = std::clamp(page, 0, pages - 1);
  ImGui::Separator();
  if (page == 0) {
    std::string all;
    for (const std::string& para : l.paragraphs) {
      ImGui::TextWrapped("%s", para.c_str());
      ImGui::Spacing();
      all += para + "\n";
    }
    SaveText(app, "lesson_text", all);
    const bool sets_up = !l.model.empty() || !l.preset.empty() || !l.data.empty() || !l.settings.empty() ||
                         !l.panels.empty();
    if (sets_up) {
      if (ImGui::Button("Set up the lab")) {
        std::string err;
        if (!LessonsSetUp(app, l.name, &err)) {
          ls.message = err;
          ls.message_is_error = true;
        }
      }
      SaveRect(app, "lesson_setup");
      std::string what = !l.model.empty() ? "the lesson's model" : !l.preset.empty() ? "the preset " + l.preset : "";
      if (!l.data.empty()) what += (what.empty() ? "" : ", ") + std::string("the ") + l.data + " data";
      if (!l.settings.empty()) what += (what.empty() ? "" : ", ") + l.settings;
      ItemTooltip(
          app, "lesson_setup_tip",
          "Puts " + (what.empty() ? std::string("the panels") : what) + " in the lab; Undo brings your design back");
    }
    for (const std::string& p : l.panels)
      for (const char* left : kLeftPanelNames)
        if (p == left) {
          std::string label = std::string("Open the ") + char(std::toupper(left[0])) + (left + 1) + " tab";
          SameLineOrWrap(ButtonWidth(label.c_str()));
          if (ImGui::Button(label.c_str())) {
            app.left_tab = p == "designer" ? LeftTab::Designer : p == "analysis" ? LeftTab::Analysis : LeftTab::Data;
            app.request_tab = true;
          }
          SaveRect(app, std::string("lesson_panel_") + left);
        }
    if (pages > 1) {
      SameLineOrWrap(ButtonWidth("Exercises >"));
      if (ImGui::Button("Exercises >")) page = 1;
      SaveRect(app, "lesson_next");
    }
  } else {
    ShowExercise(app, l, l.exercises[size_t(page - 1)], page);
    ImGui::Spacing();
    if (page > 1) {
      if (ImGui::Button("< Previous")) page--;
      SaveRect(app, "lesson_prev");
    }
    if (page < pages - 1) {
      if (page > 1) SameLineOrWrap(ButtonWidth("Next >"));
      if (ImGui::Button("Next >")) page++;
      SaveRect(app, "lesson_next");
    }
  }
  if (ls.completed.count(l.name)) {
    ImGui::Spacing();
    ImGui::TextColored(Th().ok, "Lesson completed.");
    SaveText(app, "lesson_completed", l.name);
  }
}

std::string LessonsProgressJson(const AppState& app) {
  const LessonsState& ls = app.lessons;
  nlohmann::json j;
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::string> names = ls.index;
  for (const auto& [n, e] : ls.entries)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  for (const std::string& n : names) {
    const auto it = ls.entries.find(n);
    if (it == ls.entries.end() || !it->second.fetched || !it->second.error.empty()) continue;
    const cnn::Lesson& l = it->second.lesson;
    int answered = 0, correct = 0;
    for (const cnn::Exercise& x : l.exercises) {
      const auto p = ls.progress.find(Key(n, x));
      answered += p != ls.progress.end() && p->second.answered;
      correct += p != ls.progress.end() && p->second.correct;
    }
    list.push_back({{"name", n},
                    {"title", l.title},
                    {"notes", l.notes},
                    {"exercises", l.exercises.size()},
                    {"answered", answered},
                    {"correct", correct},
                    {"completed", ls.completed.count(n) > 0}});
  }
  j["lessons"] = list;
  j["completed"] = std::vector<std::string>(ls.completed.begin(), ls.completed.end());
  j["open"] = ls.open;
  return j.dump();
}

void ShowLessonsPanel(AppState& app) {
  LessonsState& ls = app.lessons;
  if (!ls.seen) {
    ls.seen = true;
    ls.progress_dirty = true;
  }
  if (!ls.message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ls.message_is_error ? Th().error : Th().dim);
    ImGui::TextWrapped("%s", ls.message.c_str());
    ImGui::PopStyleColor();
    SaveText(app, "lessons_message", ls.message);
  }
  LessonEntry* e = ls.open.empty() ? nullptr : Entry(app, ls.open);
  if (e && e->fetched && e->error.empty()) ShowLesson(app, *e);
  else if (!ls.requested.empty()) ImGui::TextDisabled("Loading the lesson %s...", ls.requested.c_str());
  else ShowList(app);
  LessonsSaveProgressIfDirty(app);
}
