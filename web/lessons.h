// lessons.h: the Lessons panel's state (issue 14), one member of AppState (`LessonsState lessons;`).
// Lessons are data (cnn/lesson.h): the page fetches lessons/index.txt and the files it lists from
// the built site (a host adds files there without rebuilding), a learner loads their own with "Load
// lesson..." or a drop, and `lesson=NAME` in the link opens one. Progress (answers, completed
// lessons) is kept in localStorage.
//   panel_lessons.cpp     ShowLessonsPanel: the list with progress, one lesson with its exercises
//   js_api_lessons.cpp    the fetch results, cnnSandbox.openLesson / lessonProgress (shell/lessons.js)
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cnn/lesson.h"

struct AppState;

struct LessonEntry {
  std::string name;
  bool fetched = false;      // the file arrived (or was loaded)
  bool loaded_file = false;  // the learner's own file ("Load lesson..."), never put in links
  std::string error;         // why it could not be used ("" = fine)
  cnn::Lesson lesson;
};

struct ExerciseProgress {
  std::string typed;  // the number field's text
  int choice = -1;    // the option clicked last
  bool answered = false, correct = false;
  int hints = 0;                   // hints shown
  std::string message;             // the verdict shown under the exercise
  std::vector<std::string> lines;  // a task's conditions, as last checked
};

struct LessonsState {
  std::vector<std::string> index;  // lessons/index.txt, in course order
  bool index_fetched = false;
  std::string index_error;
  std::map<std::string, LessonEntry> entries;
  std::string open;                                  // the open lesson ("" = the list)
  std::string requested;                             // a lesson asked for (link, API) before its file arrived
  bool setup_on_open = false;                        // apply its setup when it arrives (a link)
  std::map<std::string, ExerciseProgress> progress;  // "lesson/e1"
  std::set<std::string> completed;
  bool progress_loaded = false;
  bool seen = false;  // the course was shown once: later visits open the lab
  bool progress_dirty = false;
  std::string message;  // the panel's last message (a refused file, a setup)
  bool message_is_error = false;
  int setups = 0;                      // "Set up" presses (tests)
  std::map<std::string, int> page_of;  // the page shown per lesson: 0 the text, k exercise k
};

void LessonsInit(AppState& app);  // reads progress, fetches the index
bool LessonsHaveProgress(const AppState& app);
void ShowLessonsPanel(AppState& app);
// Opens a lesson by name (fetching it if needed) and, with `setup`, puts the lab in its state.
void LessonsOpen(AppState& app, const std::string& name, bool setup);
// A lesson file's text (the learner's or a course page's): parsed, added and opened; false + the
// parser's one message (with line and column) when malformed, and nothing else changes.
bool LessonsLoadText(AppState& app, const std::string& text, const std::string& file_name, std::string* err);
// Puts the lab in the lesson's state through the link's code path (undoable).
bool LessonsSetUp(AppState& app, const std::string& name, std::string* err);
// A file (or the index when name is "") arrived from the site, or could not be fetched.
void LessonsFetched(AppState& app, const std::string& name, const std::string& text, bool ok);
std::string LessonsProgressJson(const AppState& app);
void LessonsSaveProgressIfDirty(AppState& app);
