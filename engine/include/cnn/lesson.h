// lesson.h: lessons as data. A lesson is one plain-text file (assets/lessons/NAME.txt): a title, the
// section of the notes it follows, paragraphs of text, the lab it sets up (model text or a preset,
// a dataset, settings by their link keys from cnn/settings.inc, the panels to open) and 2-5
// exercises the engine checks:
//   number   the learner predicts a number; the answer is COMPUTED from the lesson's model (or from
//            the distributions written in the file), never typed in the file, so an edited lesson
//            stays right; a wrong answer is compared with the usual mistakes, computed the same way
//            ("that is the count without the biases", "you forgot the padding")
//   choice   multiple choice, an explanation for every option
//   task     conditions on the live lab ("test_accuracy >= 0.88 and params <= 20000"), checked
//            against the page's current model, data, settings and run
//
// The format, one `key: value` per line at column 1; indented lines continue the value above (a
// blank line inside it starts a new paragraph; `model:` keeps its lines); `#` starts a comment line:
//
//   title: Receptive fields
//   notes: Section 3, Figure 3
//   text:
//     Two 5x5 convolutions, the first with stride 2, ...
//   model:
//     input 28x28x1
//     conv 4 k5 s2
//     conv 4 k5
//   data: digits
//   settings: lr=0.01&batch=64
//   panel: inside field
//   exercise: number
//   ask: How many input rows does one unit of layer 2 see?
//   answer: rf 2
//   hint: The second kernel's 5 taps are 2 input pixels apart.
//   exercise: choice
//   ask: ...
//   right: Its gradient is zero almost everywhere.
//   why: ...
//   wrong: It is not defined at 0.
//   why: ...
//   exercise: task
//   ask: Make the last layer see the whole 28x28 input with 3 conv layers.
//   check: rf_last >= 28 and conv_layers <= 3
//
// The parser is strict and never throws: a malformed file gets ONE message with its line and
// column (like the model text's) and nothing else happens. Lessons know nothing of the page.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cnn/settings.h"
#include "cnn/spec.h"

namespace cnn {

constexpr size_t kMaxLessonBytes = 64 * 1024;
constexpr int kMaxExercises = 12;

enum class ExerciseKind : uint8_t { number, choice, task };

struct LessonOption {
  std::string text, why;
  bool right = false;
  int line = 0;
};

// One condition of a task: `variable op value` (value is a number, or a name for `data`/`opt`).
struct TaskCondition {
  std::string var, op, value;
  double number = 0;
  int column = 0;
};

struct Exercise {
  ExerciseKind kind = ExerciseKind::number;
  std::string id;  // "e1", "e2", ... in file order (progress is kept by it)
  int line = 0;    // of `exercise:`
  std::string ask;
  std::vector<std::string> hints;
  // number: the quantity, e.g. "params 1", "out_h 2", "cross_entropy q=0,1 p=0.3,0.7"
  std::string answer;
  int answer_line = 0;
  double tolerance = 0;  // relative; 0 = the default (exact for whole numbers, 0.5 % else)
  std::string unit;      // shown after the field ("pixels"), optional
  // choice
  std::vector<LessonOption> options;
  // task
  std::string check;
  std::vector<TaskCondition> conditions;
  std::string done;  // said when the task is met (optional)
};

struct Lesson {
  std::string name;  // the file's name without .txt ("receptive-fields")
  std::string title, notes;
  std::vector<std::string> paragraphs;
  // setup
  std::string model;   // model text ("" = none; then preset or the learner's model)
  int model_line = 0;  // lesson line of the model's first line
  std::string preset;
  std::string data;
  std::string settings;             // "lr=0.01&batch=64": settings' link keys (cnn/settings.inc)
  Settings settings_values;         // what `settings` says, over the defaults
  uint32_t settings_given = 0;      // bit i: setting i is given
  std::vector<std::string> panels;  // "analysis", "inside field", "notes figure3", ...
  std::vector<Exercise> exercises;
};

struct LessonError {
  int line = 0, column = 0;
  std::string message;
  std::string to_string() const;  // "line 12, column 9: ..."
};

// A preset's model text by name (false: there is no such preset). The page passes its presets, the
// tests the files in assets/presets/; without one, `preset:` lessons are checked for their form only.
using PresetLookup = std::function<bool(const std::string& name, std::string* text)>;

// Parses and checks a whole lesson: every answer is computed once here, so a lesson whose answer
// refers to a layer its model lacks is refused. *out is untouched on failure.
bool parse_lesson(std::string_view text, const std::string& name, const PresetLookup& presets, Lesson* out,
                  LessonError* err);

// The lesson's model text: its `model:` block, or the preset's text ("" when it has neither).
std::string lesson_model_text(const Lesson& l, const PresetLookup& presets);

// --- number exercises ----------------------------------------------------------------------------
struct NumberAnswer {
  double value = 0;
  bool whole = true;    // an integer answer (compared exactly)
  std::string explain;  // how it is computed, with the numbers ("floor((28 + 2*2 - 5)/1) + 1 = 28")
};
// Computes the quantity of a number exercise from the model text. False + message when the
// quantity is unknown or names a layer the model lacks.
bool lesson_compute(const std::string& quantity, const std::string& model_text, NumberAnswer* out, std::string* err);

struct NumberVerdict {
  bool parsed = false;  // the typed text is a number
  bool correct = false;
  std::string message;  // what to show: right, or why it is wrong where known
};
// The learner's text ("34,944", "13", "0.357") against the computed answer; a wrong one is
// compared with the usual mistakes for that quantity, computed from the same model.
NumberVerdict lesson_check_number(const Exercise& e, const std::string& model_text, const std::string& typed);

// --- choice exercises ------------------------------------------------------------------------------
// The verdict on a clicked option, worded in this one place: "Right. " or "Not this one. " and the
// option's explanation; an explanation that opens with its own verdict ("Right: ...", "Yes. ...",
// "No, ...") keeps its wording after the one verdict word ("Right: ...", "Right. ...", "Not this one, ...").
std::string lesson_choice_verdict(const LessonOption& o);

// --- task exercises: the live lab -----------------------------------------------------------------
struct LessonLab {
  std::string model_text, data;
  Settings settings;
  int64_t steps = 0;           // minibatches trained in the current run
  double test_accuracy = -1;   // the last evaluation (-1 = none yet)
  double train_accuracy = -1;  // over the last minibatches (-1 = none)
  double train_loss = -1;      // smoothed minibatch loss (-1 = none)
  bool diverged = false;       // the run's loss became non-finite or exploded
};
struct TaskVerdict {
  bool met = false;
  std::vector<std::string> lines;  // one per condition: "test accuracy 0.85 (needs >= 0.88): not yet"
};
TaskVerdict lesson_check_task(const Exercise& e, const LessonLab& lab);
// The variables a task can name, for messages and the README.
std::string lesson_task_variables();

// The names in a lesson index (lessons/index.txt): one per line, `#` comments and blank lines
// skipped. False + message on a malformed name (letters, digits, '-', '_', at most 64).
bool parse_lesson_index(std::string_view text, std::vector<std::string>* names, std::string* err);
bool lesson_name_ok(const std::string& name);

}  // namespace cnn
