// js_api_lessons.cpp: the lessons' side of window.cnnSandbox (web/shell/lessons.js): the fetched
// lesson files, openLesson(nameOrText), lessonProgress(), and the open lesson for tests and the
// text view (its exercises, the verdicts shown).
#include "app.h"
#include "js_export.h"
#include "js_reply.h"
#include "lessons.h"
#include "nlohmann/json.hpp"

// A lesson file (or the index, name "") arrived from the site: ok = 0 means `text` is the error.
CNN_EXPORT void cnn_lessons_fetched(const char* name, const char* text, int ok) {
  LessonsFetched(AppGlobal(), name ? name : "", text ? text : "", ok != 0);
}

// A built-in (or host-added) lesson's name opens it and sets up the lab; anything else is read as
// a lesson file's text. {ok, message, lesson}.
CNN_EXPORT const char* cnn_lessons_open(const char* name_or_text, const char* file_name) {
  AppState& app = AppGlobal();
  const std::string s = name_or_text ? name_or_text : "";
  std::string err, lesson;
  bool pending = false;
  if (cnn::lesson_name_ok(s)) {
    LessonsOpen(app, s, true);
    const auto it = app.lessons.entries.find(s);
    if (it != app.lessons.entries.end() && it->second.fetched) err = it->second.error;
    lesson = s;
    pending = !app.lessons.requested.empty();
  } else if (LessonsLoadText(app, s, file_name ? file_name : "", &err)) {
    lesson = app.lessons.open;
  }
  return JsonReply(app, {{"ok", err.empty()}, {"message", err}, {"lesson", lesson}, {"pending", pending}});
}

CNN_EXPORT const char* cnn_lessons_progress() {
  AppState& app = AppGlobal();
  return JsonReply(app, nlohmann::json::parse(LessonsProgressJson(app)));
}

// The open lesson as the panel shows it: title, text, the lesson's model, exercises (kind, question,
// the quantity a number exercise computes, options, hints shown, the verdict).
CNN_EXPORT const char* cnn_lessons_state() {
  AppState& app = AppGlobal();
  const LessonsState& ls = app.lessons;
  nlohmann::json j;
  j["open"] = ls.open;
  j["requested"] = ls.requested;
  j["index"] = ls.index;
  j["message"] = ls.message;
  j["messageIsError"] = ls.message_is_error;
  j["setups"] = ls.setups;
  j["lesson"] = nullptr;
  const auto it = ls.entries.find(ls.open);
  if (it != ls.entries.end() && it->second.fetched && it->second.error.empty()) {
    const cnn::Lesson& l = it->second.lesson;
    nlohmann::json o;
    o["name"] = l.name;
    o["title"] = l.title;
    o["notes"] = l.notes;
    o["paragraphs"] = l.paragraphs;
    o["model"] = l.model;
    o["preset"] = l.preset;
    o["data"] = l.data;
    o["settings"] = l.settings;
    o["panels"] = l.panels;
    o["completed"] = ls.completed.count(l.name) > 0;
    nlohmann::json ex = nlohmann::json::array();
    for (const cnn::Exercise& e : l.exercises) {
      nlohmann::json x;
      x["id"] = e.id;
      x["kind"] = e.kind == cnn::ExerciseKind::number   ? "number"
                  : e.kind == cnn::ExerciseKind::choice ? "choice"
                                                        : "task";
      x["ask"] = e.ask;
      x["answer"] = e.answer;  // the quantity (what is computed), not its value
      x["unit"] = e.unit;
      x["check"] = e.check;
      x["hints"] = e.hints.size();
      nlohmann::json opts = nlohmann::json::array();
      for (const cnn::LessonOption& op : e.options) opts.push_back({{"text", op.text}, {"right", op.right}});
      x["options"] = opts;
      static const ExerciseProgress kNotAnswered;
      const auto found = ls.progress.find(l.name + "/" + e.id);
      const ExerciseProgress& p = found != ls.progress.end() ? found->second : kNotAnswered;
      x["answered"] = p.answered;
      x["correct"] = p.correct;
      x["message"] = p.message;
      x["lines"] = p.lines;
      x["hintsShown"] = p.hints;
      ex.push_back(x);
    }
    o["exercises"] = ex;
    j["lesson"] = o;
  }
  return JsonReply(app, j);
}
