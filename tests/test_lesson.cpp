// test_lesson.cpp: the lesson format (cnn/lesson.h). Every built-in lesson parses; each of its
// computed answers equals what `cnn-sandbox summary --json` says for the lesson's model (or, for a
// loss, what the trainer's loss function gives); every parser message is tested with its place.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cnn/lesson.h"
#include "cnn/nn.h"

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const cnn::PresetLookup& presets() {
  static const cnn::PresetLookup lookup = [](const std::string& name, std::string* text) {
    const fs::path p = fs::path(CNN_SOURCE_DIR) / "assets" / "presets" / (name + ".txt");
    if (!fs::exists(p)) return false;
    *text = read_text(p);
    return true;
  };
  return lookup;
}

std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  std::string err;
  REQUIRE_MESSAGE(
      cnn::parse_lesson_index(read_text(fs::path(CNN_SOURCE_DIR) / "assets" / "lessons" / "index.txt"), &names, &err),
      err);
  return names;
}

cnn::Lesson load_builtin(const std::string& name) {
  cnn::Lesson l;
  cnn::LessonError e;
  const std::string text = read_text(fs::path(CNN_SOURCE_DIR) / "assets" / "lessons" / (name + ".txt"));
  REQUIRE_MESSAGE(cnn::parse_lesson(text, name, presets(), &l, &e), std::string(name + ": " + e.to_string()));
  return l;
}

// `cnn-sandbox summary --json` on a model text, parsed (natively: the real tool; in wasm under
// node there is no process to start, so the test reads the same analysis in-process there).
nlohmann::json summary_json(const std::string& model_text) {
#ifdef CNN_CLI_PATH
  const fs::path tmp = fs::temp_directory_path() /
                       ("cnn_lesson_model_" + std::to_string(std::hash<std::string>()(model_text)) + ".txt");
  { std::ofstream(tmp, std::ios::binary) << model_text; }
  const std::string cmd = std::string("\"") + CNN_CLI_PATH + "\" summary --json \"" + tmp.string() + "\"";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  fs::remove(tmp);
  return nlohmann::json::parse(out);
#else
  cnn::ModelSpec m;
  cnn::ModelInfo info;
  cnn::SpecError e;
  REQUIRE(cnn::parse_and_analyze(model_text, &m, &info, &e));
  nlohmann::json j;
  for (size_t i = 0; i < m.layers.size(); i++) {
    const cnn::LayerInfo& li = info.layers[i];
    j["layers"].push_back(
        {{"output", {li.out.h, li.out.w, li.out.c}},
         {"params", li.params},
         {"macs", li.macs},
         {"rf", {{"size", {li.rf.size[0], li.rf.size[1]}}, {"pixels", cnn::receptive_field_pixels(li.rf)}}},
         {"fc_weights", li.fc_weights},
         {"fc_weights_same_res", li.fc_weights_same_res}});
  }
  j["total_params"] = info.total_params;
  j["total_macs"] = info.total_macs;
  return j;
#endif
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

std::vector<double> dist(const std::string& kv) {
  std::vector<double> v;
  std::stringstream ss(kv.substr(2));
  for (std::string x; std::getline(ss, x, ',');) v.push_back(std::stod(x));
  return v;
}

// The value the summary (or the trainer's loss) gives for a quantity, independently of lesson.cpp.
double expected_value(const std::string& quantity, const std::string& model_text) {
  const std::vector<std::string> w = words(quantity);
  const std::string& q = w[0];
  if (q == "cross_entropy" || q == "entropy" || q == "kl" || q == "zero_one") {
    std::vector<double> qd, pd;
    bool bits = false;
    for (size_t i = 1; i < w.size(); i++) {
      if (w[i] == "bits") bits = true;
      else if (w[i][0] == 'q') qd = dist(w[i]);
      else pd = dist(w[i]);
    }
    const int k = int(qd.size());
    int y = -1;
    for (int i = 0; i < k; i++)
      if (qd[size_t(i)] == 1) y = i;
    if ((q == "cross_entropy" || q == "zero_one") && y >= 0) {
      // the trainer's own losses on logits z = ln p (softmax(z) = p)
      std::vector<float> z(static_cast<size_t>(k)), p(static_cast<size_t>(k));
      for (int i = 0; i < k; i++) {
        z[size_t(i)] = float(std::log(pd[size_t(i)]));
        p[size_t(i)] = float(pd[size_t(i)]);
      }
      const int32_t label = y;
      if (q == "zero_one") return cnn::zero_one_loss(p.data(), &label, 1, k);
      return cnn::softmax_cross_entropy_loss(nullptr, nullptr, z.data(), p.data(), &label, 1, k) /
             (bits ? std::log(2.0) : 1.0);
    }
    const double base = bits ? std::log(2.0) : 1.0;
    double h = 0, ce = 0;
    for (int i = 0; i < k; i++)
      if (qd[size_t(i)] > 0) {
        h -= qd[size_t(i)] * std::log(qd[size_t(i)]) / base;
        if (!pd.empty()) ce -= qd[size_t(i)] * std::log(pd[size_t(i)]) / base;
      }
    return q == "entropy" ? h : q == "cross_entropy" ? ce : ce - h;
  }
  const nlohmann::json j = summary_json(model_text);
  if (w.size() == 1) return q == "params" ? j["total_params"].get<double>() : j["total_macs"].get<double>();
  const size_t L = w[1] == "last" ? j["layers"].size() : size_t(std::stoi(w[1]));
  const nlohmann::json& l = j["layers"][L - 1];
  if (q == "out_h") return l["output"][0].get<double>();
  if (q == "out_w") return l["output"][1].get<double>();
  if (q == "out_c") return l["output"][2].get<double>();
  if (q == "out_values")
    return l["output"][0].get<double>() * l["output"][1].get<double>() * l["output"][2].get<double>();
  if (q == "params") return l["params"].get<double>();
  if (q == "macs") return l["macs"].get<double>();
  if (q == "rf") return l["rf"]["size"][0].get<double>();
  if (q == "rf_pixels") return l["rf"]["pixels"].get<double>();
  if (q == "fc_same_res") return l["fc_weights_same_res"].get<double>();
  if (q == "fc_weights") return l["fc_weights"].get<double>();
  FAIL("no expected value for " << quantity);
  return 0;
}

cnn::LessonError parse_error(const std::string& text, const cnn::PresetLookup& p = presets()) {
  cnn::Lesson l;
  l.title = "sentinel";
  cnn::LessonError e;
  CHECK_FALSE(cnn::parse_lesson(text, "t", p, &l, &e));
  CHECK(l.title == "sentinel");  // a refused lesson leaves the caller's alone
  return e;
}

const char* kHead = "title: T\nmodel:\n  input 28x28x1\n  conv 8 k5 p2\n";

}  // namespace

TEST_CASE("lessons: the index lists the 8 built-in lessons, each parses with 2 to 5 exercises") {
  const std::vector<std::string> names = builtin_names();
  REQUIRE(names.size() == 8);
  CHECK(names.front() == "zero-one-loss");
  for (const std::string& n : names) {
    const cnn::Lesson l = load_builtin(n);
    CAPTURE(n);
    CHECK(!l.title.empty());
    CHECK(!l.notes.empty());  // each follows a part of the notes
    CHECK(l.paragraphs.size() >= 2);
    CHECK(l.exercises.size() >= 2);
    CHECK(l.exercises.size() <= 5);
    CHECK(!l.panels.empty());
    for (const cnn::Exercise& e : l.exercises)
      if (e.kind == cnn::ExerciseKind::choice)
        for (const cnn::LessonOption& o : e.options) CHECK(!o.why.empty());
  }
}

TEST_CASE("lessons: a clicked option's verdict is worded once (no 'Right. Right: ...')") {
  auto opt = [](bool right, const char* why) {
    cnn::LessonOption o;
    o.right = right;
    o.why = why;
    return cnn::lesson_choice_verdict(o);
  };
  CHECK(opt(true, "Right: the gap grows.") == "Right: the gap grows.");
  CHECK(opt(true, "Right, and neither is 55.") == "Right, and neither is 55.");
  CHECK(opt(true, "Yes. A wrong pass shows errors near 1.") == "Right. A wrong pass shows errors near 1.");
  CHECK(opt(true, "Its gradient is zero.") == "Right. Its gradient is zero.");
  CHECK(opt(true, "Yesterday's notes say so.") == "Right. Yesterday's notes say so.");  // a word, not "Yes"
  CHECK(opt(false, "Counting mistakes is cheap.") == "Not this one. Counting mistakes is cheap.");
  CHECK(opt(false, "No, the stride stays 4.") == "Not this one, the stride stays 4.");
  CHECK(opt(false, "Wrong: padding comes first.") == "Not this one: padding comes first.");
  CHECK(opt(false, "Nothing changes.") == "Not this one. Nothing changes.");
  // every option of the built-in course: one verdict word, then the explanation
  int options = 0;
  for (const std::string& n : builtin_names())
    for (const cnn::Exercise& e : load_builtin(n).exercises)
      for (const cnn::LessonOption& o : e.options) {
        const std::string v = cnn::lesson_choice_verdict(o);
        CAPTURE(v);
        CHECK(v.rfind(o.right ? "Right" : "Not this one", 0) == 0);
        for (const char* twice :
             {"Right. Right", "Right. Yes", "Right: Right", "Not this one. No", "Not this one. Not"})
          CHECK(v.find(twice) == std::string::npos);
        options++;
      }
  CHECK(options == 25);  // 8 choice exercises of 3 or 4 options
}

TEST_CASE("lessons: every computed answer equals cnn-sandbox summary --json (or the trainer's loss)") {
  int numbers = 0;
  for (const std::string& n : builtin_names()) {
    const cnn::Lesson l = load_builtin(n);
    const std::string model = cnn::lesson_model_text(l, presets());
    for (const cnn::Exercise& e : l.exercises) {
      if (e.kind != cnn::ExerciseKind::number) continue;
      CAPTURE(n);
      CAPTURE(e.answer);
      cnn::NumberAnswer a;
      std::string err;
      REQUIRE_MESSAGE(cnn::lesson_compute(e.answer, model, &a, &err), err);
      const double want = expected_value(e.answer, model);
      CHECK(a.value == doctest::Approx(want).epsilon(1e-6));
      // the learner typing exactly that number (with thousands commas) is right ...
      const std::string typed = a.whole ? cnn::with_commas(int64_t(a.value)) : std::to_string(a.value);
      const cnn::NumberVerdict right = cnn::lesson_check_number(e, model, typed);
      CHECK_MESSAGE(right.correct, right.message);
      // ... and a number far off is wrong
      const cnn::NumberVerdict wrong = cnn::lesson_check_number(e, model, std::to_string(a.value * 3 + 7));
      CHECK(wrong.parsed);
      CHECK_FALSE(wrong.correct);
      numbers++;
    }
  }
  CHECK(numbers == 22);
}

TEST_CASE("lessons: the notes' numbers come out of the lessons' models") {
  auto value = [](const char* lesson, const char* quantity) {
    const cnn::Lesson l = load_builtin(lesson);
    cnn::NumberAnswer a;
    std::string err;
    REQUIRE_MESSAGE(cnn::lesson_compute(quantity, cnn::lesson_model_text(l, presets()), &a, &err), err);
    return a.value;
  };
  CHECK(value("receptive-fields", "rf 3") == 13);
  CHECK(value("receptive-fields", "rf_pixels 3") == 169);
  CHECK(value("alexnet-conv1", "params 1") == 34944);
  CHECK(value("alexnet-conv1", "out_h 1") == 55);
  CHECK(value("alexnet-conv1", "out_values 3") == 69984);
  CHECK(value("alexnet-conv1", "fc_same_res 1") == 725077721088.0);
  CHECK(value("entropy", "entropy q=0.5,0.5 bits") == doctest::Approx(1.0));
  CHECK(value("zero-one-loss", "cross_entropy q=0,1,0 p=0.2,0.7,0.1") == doctest::Approx(-std::log(0.7)));
}

TEST_CASE("lessons: a wrong number says why where the mistake can be computed") {
  const cnn::Lesson alex = load_builtin("alexnet-conv1");
  const std::string model = cnn::lesson_model_text(alex, presets());
  auto says = [&](const char* quantity, const char* typed) {
    cnn::Exercise e;
    e.answer = quantity;
    const cnn::NumberVerdict v = cnn::lesson_check_number(e, model, typed);
    CHECK_FALSE(v.correct);
    return v.message;
  };
  CHECK(says("params 1", "34,848").find("without the biases") != std::string::npos);  // 96*363
  CHECK(says("params 1", "11712").find("input channels") != std::string::npos);       // (121+1)*96
  CHECK(says("params 1", "364").find("one map's") != std::string::npos);
  CHECK(says("out_h 1", "54").find("forgot the padding") != std::string::npos);  // valid
  CHECK(says("out_h 1", "56").find("rounds down") != std::string::npos);         // ceil(54.25)+1
  CHECK(says("out_h 1", "218").find("forgot the stride") != std::string::npos);  // stride 1: 224+4-11+1 = 218
  CHECK(says("out_h 1", "54.25").find("too small") != std::string::npos);
  CHECK(says("out_values 3", "729").find("one map") != std::string::npos);
  CHECK(says("macs 1", "34944").find("parameter count") != std::string::npos);
  CHECK(says("fc_same_res 1", "34944").find("dense layer") != std::string::npos);
  CHECK(says("params 1", "lots").find("not a number") != std::string::npos);

  const std::string rf = cnn::lesson_model_text(load_builtin("receptive-fields"), presets());
  cnn::Exercise e;
  e.answer = "rf 3";
  CHECK(cnn::lesson_check_number(e, rf, "9").message.find("ignored the strides") != std::string::npos);  // 5 + 4
  CHECK(cnn::lesson_check_number(e, rf, "169").message.find("area") != std::string::npos);
  e.answer = "rf_pixels 3";
  CHECK(cnn::lesson_check_number(e, rf, "13").message.find("side") != std::string::npos);

  e.answer = "cross_entropy q=0.9,0.1 p=0.6,0.4";
  CHECK(cnn::lesson_check_number(e, "", "0.795").message.find("bits") != std::string::npos);
  CHECK(cnn::lesson_check_number(e, "", "0.325").message.find("entropy H(q)") != std::string::npos);
  CHECK(cnn::lesson_check_number(e, "", "0.226").message.find("KL divergence") != std::string::npos);
  CHECK(cnn::lesson_check_number(e, "", "0.55").correct);  // 0.5513, two digits are enough
  e.answer = "entropy q=0.9,0.1";
  CHECK(cnn::lesson_check_number(e, "", "-0.325").message.find("minus sign") != std::string::npos);
}

TEST_CASE("lessons: tasks are checked against the live lab") {
  const cnn::Lesson rf = load_builtin("receptive-fields");
  const cnn::Exercise& task = rf.exercises.back();
  REQUIRE(task.kind == cnn::ExerciseKind::task);
  cnn::LessonLab lab;
  lab.model_text = "input 28x28x1\nconv 8 k5\nconv 8 k5\nconv 8 k5\n";  // 13 rows
  cnn::TaskVerdict v = cnn::lesson_check_task(task, lab);
  CHECK_FALSE(v.met);
  REQUIRE(v.lines.size() == 3);
  CHECK(v.lines[0] == "receptive field of the last map 13 (needs >= 28): not yet");
  lab.model_text =
      "input 28x28x1\nconv 8 k5 s2 p2\nrelu\nconv 8 k5 s2 p2\nrelu\nconv 8 k5 p2\ndense 10\n";  // 5 + 8 + 16 = 29
  v = cnn::lesson_check_task(task, lab);
  CHECK(v.met);
  CHECK(v.lines[0] == "receptive field of the last map 29 (needs >= 28): yes");
  lab.model_text = "input 28x28x1\nconv 8 k5 s2\nmaxpool k2\nconv 8 k5 s2\n";
  CHECK_FALSE(cnn::lesson_check_task(task, lab).met);  // pooling is not allowed here

  const cnn::Lesson tr = load_builtin("training");
  const cnn::Exercise& acc = tr.exercises[2];
  lab.model_text = cnn::lesson_model_text(tr, presets());
  lab.data = "fashion-mnist";
  lab.test_accuracy = 0.84;
  v = cnn::lesson_check_task(acc, lab);
  CHECK_FALSE(v.met);
  CHECK(v.lines[2] == "test accuracy 84.0 % (needs >= 85.0 %): not yet");
  lab.test_accuracy = 0.86;
  CHECK(cnn::lesson_check_task(acc, lab).met);
  lab.data = "digits";
  CHECK_FALSE(cnn::lesson_check_task(acc, lab).met);
  const cnn::Exercise& div = tr.exercises[1];
  CHECK_FALSE(cnn::lesson_check_task(div, lab).met);
  lab.diverged = true;
  CHECK(cnn::lesson_check_task(div, lab).met);
  const cnn::Exercise& gap = tr.exercises[3];
  lab.data = "fashion-mnist";
  lab.train_accuracy = -1;
  REQUIRE(cnn::lesson_check_task(gap, lab).lines.size() == 1);  // any dataset, any way of overfitting
  CHECK(cnn::lesson_check_task(gap, lab).lines[0] == "training minus test accuracy none yet (needs >= 5.0 %): not yet");
  lab.train_accuracy = 0.95;
  lab.test_accuracy = 0.86;
  CHECK(cnn::lesson_check_task(gap, lab).met);
  lab.train_accuracy = 0.90;  // 4 points
  CHECK_FALSE(cnn::lesson_check_task(gap, lab).met);

  // settings by their link keys, choices by name
  cnn::Lesson l;
  cnn::LessonError e;
  REQUIRE(cnn::parse_lesson("title: T\nexercise: task\nask: a\ncheck: opt = sgd and lr >= 5\n", "t", nullptr, &l, &e));
  lab.settings.optimizer = 0;
  lab.settings.lr = 6;
  CHECK(cnn::lesson_check_task(l.exercises[0], lab).met);
  lab.settings.optimizer = 2;
  CHECK_FALSE(cnn::lesson_check_task(l.exercises[0], lab).met);
}

TEST_CASE("lessons: the format's pieces (paragraphs, model lines, options, ids)") {
  cnn::Lesson l;
  cnn::LessonError e;
  const char* text =
      "# a comment\n"
      "title: Test lesson\n"
      "notes: Section 3\n"
      "text:\n"
      "  first paragraph,\n"
      "  still the first.\n"
      "\n"
      "  second one.\n"
      "model:\n"
      "    input 28x28x1\n"
      "    # a model comment\n"
      "    conv 8 k5 p2\n"
      "data: digits\n"
      "settings: lr=0.01 batch=64\n"
      "panel: inside field\n"
      "panel: analysis\n"
      "exercise: number\n"
      "ask: Output height?\n"
      "answer: out_h 1\n"
      "hint: one\n"
      "hint: two\n"
      "exercise: choice\n"
      "ask: Which?\n"
      "right: A\n"
      "why: because\n"
      "  it is.\n"
      "wrong: B\n"
      "why: no.\n";
  REQUIRE_MESSAGE(cnn::parse_lesson(text, "test", nullptr, &l, &e), e.to_string());
  CHECK(l.title == "Test lesson");
  REQUIRE(l.paragraphs.size() == 2);
  CHECK(l.paragraphs[0] == "first paragraph, still the first.");
  CHECK(l.paragraphs[1] == "second one.");
  CHECK(l.model == "input 28x28x1\n# a model comment\nconv 8 k5 p2\n");
  CHECK(l.model_line == 10);
  CHECK(l.settings == "lr=0.01&batch=64");
  CHECK(l.settings_values.lr == doctest::Approx(0.01f));
  CHECK(l.settings_values.batch == 64);
  CHECK(l.panels == std::vector<std::string>{"inside field", "analysis"});
  REQUIRE(l.exercises.size() == 2);
  CHECK(l.exercises[0].id == "e1");
  CHECK(l.exercises[0].hints.size() == 2);
  CHECK(l.exercises[1].id == "e2");
  REQUIRE(l.exercises[1].options.size() == 2);
  CHECK(l.exercises[1].options[0].right);
  CHECK(l.exercises[1].options[0].why == "because it is.");
  CHECK_FALSE(l.exercises[1].options[1].right);
  // CRLF line ends read the same
  std::string crlf;
  for (const char* p = text; *p; p++) crlf += *p == '\n' ? std::string("\r\n") : std::string(1, *p);
  cnn::Lesson l2;
  REQUIRE_MESSAGE(cnn::parse_lesson(crlf, "test", nullptr, &l2, &e), e.to_string());
  CHECK(l2.model == l.model);
}

TEST_CASE("lessons: each parser message, with its line and column") {
  struct Case {
    std::string text;
    int line, column;
    const char* says;
  };
  const std::string h = kHead;
  // A lesson of one exercise of `kind` that asks "a" (lines 1-3), then `rest` from line 4.
  const auto exercise = [](const char* kind, const std::string& rest) {
    return "title: T\nexercise: " + std::string(kind) + "\nask: a\n" + rest;
  };
  const std::vector<Case> cases = {
      {"", 1, 1, "no 'title:' line"},
      {"  indented\n", 1, 1, "no key comes before it"},
      {"title T\n", 1, 6, "expected 'key: value'"},
      {"Title: T\n", 1, 1, "expected 'key: value'"},
      {"title: T\ncolour: red\n", 2, 1, "unknown key 'colour'"},
      {"title: T\ntitle: U\n", 2, 1, "'title:' is given twice"},
      {"title:\n", 1, 7, "'title:' has no value"},
      {"title: " + std::string(121, 'a') + "\n", 1, 8, "longer than 120 characters"},
      {"title: T\nask: what?\n", 2, 1, "belongs to an exercise"},
      {h + "exercise: number\nask: a\nanswer: params\ndata: digits\n", 8, 1, "put it above the first 'exercise:'"},
      {"title: T\nmodel: input 28x28x1\n", 2, 8, "indented lines below 'model:'"},
      {"title: T\nmodel:\n", 2, 1, "'model:' has no model text"},
      {"title: T\nmodel:\n  input 28x28x1\n  conv 8 k5 q2\n", 4, 13, "the lesson's model:"},
      {"title: T\npreset: no such\n", 2, 9, "is not a preset name"},
      {"title: T\npreset: nosuch\n", 2, 9, "there is no preset 'nosuch'"},
      {h + "preset: lenet5\n", 2, 1, "either a 'model:' or a 'preset:'"},
      {"title: T\ndata: Fashion MNIST\n", 2, 7, "is not a dataset name"},
      {"title: T\nsettings: lr=20\n", 2, 11, "settings: "},
      {"title: T\nsettings: data=digits\n", 2, 11, "training settings only"},
      {"title: T\npanel: sidebar\n", 2, 8, "'sidebar' is not a panel"},
      {"title: T\npanel: inside everything\n", 2, 15, "is not a view of inside"},
      {"title: T\npanel: curves a b\n", 2, 8, "at most one view"},
      {"title: T\npanel: curves\npanel: notes\npanel: data\n", 4, 1, "at most 2 panels"},
      {"title: T\nexercise: essay\n", 2, 11, "not a kind of exercise"},
      {"title: T\nexercise: number\nanswer: params\n", 2, 1, "no 'ask:' line"},
      {exercise("number", ""), 2, 1, "no 'answer:' line"},
      {exercise("number", "answer: volume 1\n"), 4, 9, "'volume' is not a quantity"},
      {exercise("number", "answer: out_h x\n"), 4, 9, "'x' is not a layer number"},
      {exercise("number", "answer: out_h\n"), 4, 9, "takes one layer number"},
      {exercise("number", "answer: entropy q=0.5,0.6\n"), 4, 9, "add up to 1"},
      {exercise("number", "answer: entropy q=a,b\n"), 4, 9, "not a list of probabilities"},
      {exercise("number", "answer: kl q=0.5,0.5\n"), 4, 9, "needs q=... (the true distribution) and p="},
      {exercise("number", "answer: kl q=0.5,0.5 p=0.2,0.3,0.5\n"), 4, 9, "as many entries"},
      {exercise("number", "answer: kl q=0.5,0.5 r=1\n"), 4, 9, "is not q=..., p=... or bits"},
      {exercise("number", "answer: cross_entropy q=0.5,0.5 p=1,0\n"), 4, 1, "the answer is infinite"},
      {exercise("number", "answer: params 1\n"), 4, 1, "add a 'model:' block or a 'preset:' line"},
      {h + "exercise: number\nask: a\nanswer: params 7\n", 7, 1, "has no layer 7"},
      {h + "exercise: number\nask: a\nanswer: fc_same_res 1\nanswer: params\n", 8, 1,
       "'answer:' is given twice in this exercise"},
      {h + "exercise: number\nask: a\nanswer: params\ntolerance: 2\n", 8, 12, "the tolerance is a relative error"},
      {h + "exercise: number\nask: a\nanswer: params\nunit: " + std::string(33, 'u') + "\n", 8, 7,
       "a unit is at most 32"},
      {h + "exercise: number\nask: a\nanswer: params\nright: yes\n", 8, 1, "does not belong to a number exercise"},
      {exercise("choice", "answer: params\n"), 4, 1, "does not belong to a choice exercise"},
      {exercise("choice", "right: A\nwhy: x\n"), 2, 1, "at least 2 options"},
      {exercise("choice", "right: A\nwrong: B\nwhy: x\n"), 4, 1, "this option has no 'why:'"},
      {exercise("choice", "right: A\nwhy: x\nwrong: B\n"), 6, 1, "this option has no 'why:'"},
      {exercise("choice", "why: x\n"), 4, 1, "explains the option just above it"},
      {exercise("choice", "wrong: A\nwhy: x\nwrong: B\nwhy: y\n"), 2, 1, "no 'right:' option"},
      {exercise("task", ""), 2, 1, "no 'check:' line"},
      {exercise("task", "check: speed >= 3\n"), 4, 8, "'speed' is not a variable"},
      {exercise("task", "check: steps 3\n"), 4, 8, "is not 'variable op value'"},
      {exercise("task", "check: steps >=\n"), 4, 8, "has no value after >="},
      {exercise("task", "check: steps >= many\n"), 4, 8, "'many' is not a number"},
      {exercise("task", "check: data >= digits\n"), 4, 8, "data compares with = or !="},
      {exercise("task", "check: data = two words\n"), 4, 8, "is not a dataset name"},
      {exercise("task", "check: opt = newton\n"), 4, 8, "opt: "},
      {exercise("choice", "hint: 1\nhint: 2\nhint: 3\nhint: 4\nhint: 5\nhint: 6\n"), 9, 1, "at most 5 hints"},
      {"title: T\ntext: a\x01\n", 2, 8, "control character"},
      {"title: T\ntext: caf\xc3\n", 2, 10, "not valid UTF-8"},
      {"title: T\ntext: " + std::string(8001, 'a') + "\n", 2, 7, "longer than 8,000 characters"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const cnn::LessonError e = parse_error(c.text);
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    CHECK_MESSAGE(e.message.find(c.says) != std::string::npos, e.message);
  }
  // limits on the whole file
  CHECK(parse_error(std::string(cnn::kMaxLessonBytes + 1, '#')).message.find("at most 65,536") != std::string::npos);
  std::string many = "title: T\n";
  for (int i = 0; i < 13; i++) many += "exercise: task\nask: a\ncheck: steps >= 1\n";
  CHECK(parse_error(many).message.find("at most 12 exercises") != std::string::npos);
  std::string options = "title: T\nexercise: choice\nask: a\n";
  for (int i = 0; i < 9; i++) options += "wrong: o\nwhy: w\n";
  CHECK(parse_error(options).message.find("at most 8 options") != std::string::npos);
  std::string conds = "title: T\nexercise: task\nask: a\ncheck: steps >= 1";
  for (int i = 0; i < 8; i++) conds += " and steps >= 1";
  CHECK(parse_error(conds + "\n").message.find("at most 8 conditions") != std::string::npos);
  CHECK(cnn::LessonError{3, 5, "bad"}.to_string() == "line 3, column 5: bad");
}

TEST_CASE("lessons: the index file") {
  std::vector<std::string> names;
  std::string err;
  CHECK(cnn::parse_lesson_index("# c\n\nalpha\nbeta.txt\r\nalpha\n", &names, &err));
  CHECK(names == std::vector<std::string>{"alpha", "beta"});
  CHECK_FALSE(cnn::parse_lesson_index("ok\n../etc/passwd\n", &names, &err));
  CHECK(err == "lessons/index.txt, line 2: '../etc/passwd' is not a lesson name (letters, digits, '-' and '_')");
  CHECK(names == std::vector<std::string>{"alpha", "beta"});
}
