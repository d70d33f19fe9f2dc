// Tests of the model text format and the architecture analysis: the notes' numbers exactly, one
// test per error class (message place and hint), canonical text round trips, and a fuzz-style
// test that no text crashes the parser or the analysis.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cnn/net.h"
#include "cnn/rng.h"
#include "cnn/spec.h"
#include "net_tests.h"
#include "spec_tests.h"

using namespace cnn;

namespace {

struct Result {
  bool ok = false;
  ModelSpec spec;
  ModelInfo info;
  SpecError err;
};

Result run(const std::string& text) {
  Result r;
  r.ok = parse_and_analyze(text, &r.spec, &r.info, &r.err);
  return r;
}

// Parses and analyzes `text`, which must fail at (line, column) with a message containing `what`
// and a non-empty hint.
void expect_error(const std::string& text, int line, int column, const std::string& what) {
  CAPTURE(text);
  Result r = run(text);
  REQUIRE_FALSE(r.ok);
  CAPTURE(r.err.to_string());
  CHECK(r.err.line == line);
  CHECK(r.err.column == column);
  CHECK(r.err.message.find(what) != std::string::npos);
  CHECK_FALSE(r.err.hint.empty());
}

bool same_layer(const LayerSpec& a, const LayerSpec& b) {
  return a.kind == b.kind && a.units == b.units && a.kh == b.kh && a.kw == b.kw && a.sh == b.sh && a.sw == b.sw &&
         a.dh == b.dh && a.dw == b.dw && a.padding == b.padding && a.ph == b.ph && a.pw == b.pw && a.bias == b.bias &&
         a.alpha == b.alpha && a.rate == b.rate;
}

const char* kLeNet =
    "input 28x28x1          # height x width x channels\n"
    "conv 6 k5 p2\n"
    "relu\n"
    "maxpool k2 s2\n"
    "conv 16 k5\n"
    "relu\n"
    "maxpool k2\n"
    "dense 120              # alias fc; flattens its input\n"
    "relu\n"
    "dense 84\n"
    "relu\n"
    "dense 10\n"
    "softmax\n";

}  // namespace

TEST_CASE("spec: LeNet-5 has 61,706 parameters and 416,520 multiply-accumulates") {
  Result r = run(kLeNet);
  REQUIRE_MESSAGE(r.ok, r.err.to_string());
  REQUIRE(r.spec.layers.size() == 12);
  CHECK(r.info.total_params == 61706);
  CHECK(r.info.total_macs == 416520);
  const LayerInfo& c1 = r.info.layers[0];
  CHECK(c1.out == Shape{28, 28, 6});
  CHECK(c1.params == 156);
  CHECK(c1.params_formula == "(1*5*5 + 1)*6");
  CHECK(c1.macs == 117600);
  CHECK(c1.rf.size[0] == 5);
  CHECK(c1.rf.jump[0] == 1);
  CHECK(c1.rf.start[0] == 0.0);
  CHECK(r.info.layers[2].out == Shape{14, 14, 6});
  CHECK(r.info.layers[3].out == Shape{10, 10, 16});
  CHECK(r.info.layers[3].params_formula == "(6*5*5 + 1)*16");
  CHECK(r.info.layers[5].out == Shape{5, 5, 16});
  CHECK(r.info.layers[6].params == 48120);
  CHECK(r.info.layers[6].params_formula == "(400 + 1)*120");
  CHECK(r.info.layers[6].rf.whole_input);
  CHECK(r.info.layers[11].out == Shape{1, 1, 10});
  // The same model on one line, with `;` and mixed case, gives the same analysis.
  Result one = run(
      "INPUT 28x28x1; Conv 6 K5 P2; relu; MaxPool k2; conv 16 k5; relu; maxpool k2; "
      "FC 120; relu; dense 84; relu; dense 10; softmax");
  REQUIRE_MESSAGE(one.ok, one.err.to_string());
  CHECK(one.info.total_params == 61706);
  CHECK(one.info.total_macs == 416520);
  // Line and column of each layer's keyword.
  CHECK(r.spec.layers[0].line == 2);
  CHECK(one.spec.layers[1].line == 1);
  CHECK(one.spec.layers[1].column == 30);
}

TEST_CASE("spec: the notes' receptive-field example, conv k5 s2 then conv k5, is 13 (169 pixels)") {
  Result r = run("input 32x32x1\nconv 1 k5 s2\nconv 1 k5\n");
  REQUIRE_MESSAGE(r.ok, r.err.to_string());
  const ReceptiveField& rf = r.info.layers[1].rf;
  CHECK(rf.size[0] == 13);
  CHECK(rf.size[1] == 13);
  CHECK(receptive_field_pixels(rf) == 169);
  CHECK(rf.jump[0] == 2);
  CHECK(rf.start[0] == 6.0);  // (5-1)/2 + 2*(5-1)/2: the centre of the first 13-pixel window
  CHECK_FALSE(rf.whole_input);
}

TEST_CASE("spec: AlexNet's first layer, 34,944 parameters; 55 with p2, 56 same, 54 valid") {
  Result p2 = run("input 224x224x3\nconv 96 k11 s4 p2\nrelu\nmaxpool k3 s2\n");
  REQUIRE_MESSAGE(p2.ok, p2.err.to_string());
  const LayerInfo& c = p2.info.layers[0];
  CHECK(c.params == 34944);
  CHECK(c.params_formula == "(3*11*11 + 1)*96");
  CHECK(c.out == Shape{55, 55, 96});
  CHECK(c.shape_formula == "floor((224 + 2*2 - 11)/4) + 1 = 55");
  CHECK_FALSE(c.note.empty());                     // explains the row the floor drops
  CHECK(c.fc_weights_same_res == 725077721088LL);  // 3*96*224^4, the notes' figure
  CHECK(c.fc_weights == int64_t(224 * 224 * 3) * (55 * 55 * 96));
  CHECK(c.fc_ratio == doctest::Approx(double(c.fc_weights) / 34944.0));
  const LayerInfo& pool = p2.info.layers[2];
  CHECK(pool.out == Shape{27, 27, 96});
  CHECK(pool.out.size() == 69984);

  Result same = run("input 224x224x3; conv 96 k11 s4 same");
  REQUIRE_MESSAGE(same.ok, same.err.to_string());
  CHECK(same.info.layers[0].out == Shape{56, 56, 96});
  // total padding (56-1)*4 + 11 - 224 = 7: 3 at the top/left, 4 at the bottom/right
  CHECK(same.info.layers[0].pad.top == 3);
  CHECK(same.info.layers[0].pad.bottom == 4);
  CHECK(same.info.layers[0].rf.start[0] == 2.0);  // 5 - 3
  CHECK(same.info.layers[0].shape_formula == "ceil(224/4) = 56, padding 3 + 4");

  Result valid = run("input 224x224x3; conv 96 k11 s4 valid");
  REQUIRE_MESSAGE(valid.ok, valid.err.to_string());
  CHECK(valid.info.layers[0].out == Shape{54, 54, 96});
  CHECK(valid.info.layers[0].pad.top == 0);

  Result full = run("input 224x224x3; conv 96 k11 s4 full");
  REQUIRE_MESSAGE(full.ok, full.err.to_string());
  CHECK(full.info.layers[0].out.h == 59);  // floor((224 + 20 - 11)/4) + 1, larger than 56
}

TEST_CASE("spec: shapes and fields of the other layer kinds") {
  Result r = run(
      "input 9x7x3\nconv 4 k3x1 s2x1 p1x0 d2 nobias\nbatchnorm\nleakyrelu a0.2\n"
      "avgpool k2 s1 p1\ngap\ndropout 0.25\nflatten\ndense 5 nobias\nsigmoid\n");
  REQUIRE_MESSAGE(r.ok, r.err.to_string());
  const LayerInfo& c = r.info.layers[0];
  // rows: k_eff = 2*(3-1)+1 = 5, floor((9 + 2 - 5)/2) + 1 = 4; cols: k_eff 1, 7
  CHECK(c.out == Shape{4, 7, 4});
  CHECK(c.params == 3 * 3 * 1 * 4);
  CHECK(c.params_formula == "3*3*1*4");
  CHECK(c.macs == 4 * 7 * 4 * 3 * 3 * 1);
  CHECK(c.rf.size[0] == 5);
  CHECK(c.rf.size[1] == 1);
  CHECK(c.rf.start[0] == 1.0);  // (5-1)/2 - 1
  CHECK(r.info.layers[1].params == 8);
  CHECK(r.info.layers[1].params_formula == "2*4");
  CHECK(r.spec.layers[2].alpha == 0.2f);
  CHECK(r.info.layers[3].out == Shape{5, 8, 4});  // floor((4 + 2 - 2)/1) + 1
  CHECK(r.info.layers[4].out == Shape{1, 1, 4});
  CHECK(r.info.layers[4].rf.whole_input);
  CHECK(r.info.layers[4].rf.size[0] == 9);
  CHECK(r.spec.layers[5].rate == 0.25f);
  CHECK(r.info.layers[7].params == 20);
  CHECK(r.info.layers[7].params_formula == "4*5");
  CHECK(r.info.layers[8].out == Shape{1, 1, 5});
  // training memory: the memory plan at batch 32 with Adam, which holds at least the parameters,
  // activations and their gradients (4 * (2*params + 2*32*activations)) and adds the caches, the
  // workspace, dL/dp and the trainer's buffers.
  CHECK(r.info.training_bytes == r.info.memory.training_bytes);
  CHECK(r.info.memory.network_bytes >=
        4 * (2 * r.info.total_params + 2 * kBudgetBatch * r.info.total_activation_floats));
  CHECK(r.info.training_bytes == r.info.memory.network_bytes + r.info.memory.optimizer_bytes +
                                     r.info.memory.rollback_bytes + r.info.memory.batch_bytes);
}

TEST_CASE("spec: model_to_text round trip") {
  const char* texts[] = {
      kLeNet,
      "input 224x224x3; conv 96 k11 s4 p2; relu; maxpool k3 s2",
      "input 9x7x3; conv 4 k3x1 s2x1 p1x0 d2 nobias; batchnorm; leakyrelu a0.2; avgpool k2 s1 p1; "
      "gap; dropout 0.25; flatten; dense 5 nobias; sigmoid",
      "input 32x32x3; conv 8 k3 same; tanh; conv 8 k5 full d3x2; leakyrelu; maxpool k3x2 s2 p1x1; "
      "conv 4 k1 p0; dense 3; softmax",
  };
  for (const char* t : texts) {
    CAPTURE(t);
    ModelSpec a, b, c;
    SpecError e;
    REQUIRE(parse_model(t, &a, &e));
    for (bool one_line : {false, true}) {
      std::string canon = model_to_text(a, one_line);
      CAPTURE(canon);
      REQUIRE_MESSAGE(parse_model(canon, &b, &e), e.to_string());
      CHECK(b.input == a.input);
      REQUIRE(b.layers.size() == a.layers.size());
      for (size_t i = 0; i < a.layers.size(); ++i) CHECK(same_layer(a.layers[i], b.layers[i]));
      CHECK(model_to_text(b, one_line) == canon);
    }
  }
  ModelSpec m;
  SpecError e;
  REQUIRE(parse_model("input 28x28x1\nconv 6 k5 p2\nmaxpool k2 s2\ndense 10\n", &m, &e));
  CHECK(model_to_text(m, true) == "input 28x28x1; conv 6 k5 p2; maxpool k2; dense 10");
}

TEST_CASE("spec: comments travel with their layers through list edits") {
  const char* text =
      "# my first CNN\n"
      "input 28x28x1   # grey digits\n"
      "# feature extractor\n"
      "conv 6 k5 p2  # C1: six 5x5 filters\n"
      "relu\n"
      "maxpool k2    # S2\n"
      "dense 10; softmax  # ten classes\n"
      "# the end\n";
  ModelSpec m;
  SpecError e;
  REQUIRE(parse_model(text, &m, &e));
  CHECK(m.head_comment_lines == "# my first CNN");
  CHECK(m.input_comment == "# grey digits");
  REQUIRE(m.layers.size() == 5);
  CHECK(m.layers[0].comment_lines == "# feature extractor");
  CHECK(m.layers[0].comment == "# C1: six 5x5 filters");
  CHECK(m.layers[1].comment.empty());
  CHECK(m.layers[2].comment == "# S2");
  CHECK(m.layers[3].comment.empty());
  CHECK(m.layers[4].comment == "# ten classes");  // the last statement of its line
  CHECK(m.tail_comment_lines == "# the end");
  // The layer list moves the maxpool above the relu, duplicates the conv, removes the dense layer:
  // every comment stays with its layer, trailing ones aligned.
  std::swap(m.layers[1], m.layers[2]);
  m.layers.insert(m.layers.begin() + 1, m.layers[0]);
  m.layers.erase(m.layers.begin() + 4);
  CHECK(model_to_text(m) ==
        "# my first CNN\n"
        "input 28x28x1  # grey digits\n"
        "# feature extractor\n"
        "conv 6 k5 p2   # C1: six 5x5 filters\n"
        "# feature extractor\n"
        "conv 6 k5 p2   # C1: six 5x5 filters\n"
        "maxpool k2     # S2\n"
        "relu\n"
        "softmax        # ten classes\n"
        "# the end\n");
  ModelSpec again;
  REQUIRE(parse_model(model_to_text(m), &again, &e));
  CHECK(model_to_text(again) == model_to_text(m));
  CHECK(model_to_text(m, true) ==
        "input 28x28x1; conv 6 k5 p2; conv 6 k5 p2; maxpool k2; relu; softmax");  // links carry no comments
  // a comment set in code with a line break stays one comment line
  m.layers[0].comment = "two\nlines";
  REQUIRE(parse_model(model_to_text(m), &again, &e));
  CHECK(again.layers[0].comment == "# two lines");
}

TEST_CASE("spec errors: one message with line, column and hint per class") {
  // unknown layer, with the closest keyword suggested
  expect_error("input 28x28x1\nconv 6 k5\nrelux\n", 3, 1, "unknown layer 'relux'");
  CHECK(run("input 28x28x1\nmaxpol k2\n").err.hint.find("`maxpool`") != std::string::npos);
  // unknown option
  expect_error("input 28x28x1\nconv 6 k5 stride2\n", 2, 11, "unknown option 'stride2'");
  expect_error("input 28x28x1\nrelu 3\n", 2, 6, "takes no options");
  CHECK(run("input 28x28x1; conv 6 k5 sme").err.hint.find("`same`") != std::string::npos);
  // missing number
  expect_error("input 28x28x1\nconv k5\n", 2, 1, "needs the number of output maps");
  expect_error("input 28x28x1\nconv 6 k\n", 2, 8, "missing kernel size");
  expect_error("input 28x28x1\ndense\n", 2, 1, "needs the number of outputs");
  expect_error("input\nrelu\n", 1, 1, "needs the size");
  expect_error("input 28x28x1\nmaxpool s2\n", 2, 1, "needs a window size");
  // malformed number
  expect_error("input 28x28x1\nconv 6 k5y\n", 2, 8, "not a valid kernel size");
  expect_error("input 28x28\nrelu\n", 1, 7, "not a valid input size");
  expect_error("input 28x28x1\nconv six k5\n", 2, 6, "unknown option 'six'");
  expect_error("input 28x28x1\ndropout 0.5.1\n", 2, 9, "not a valid dropout rate");
  expect_error(
      "input 28\xc3\x97"
      "28\xc3\x97"
      "1\nrelu\n",
      1, 7, "sign");
  // zero and negative sizes
  expect_error("input 28x28x1\nconv 0 k5\n", 2, 6, "must be at least 1");
  expect_error("input 28x28x1\nconv 6 k5 s0\n", 2, 11, "must be at least 1");
  expect_error("input 28x0x1\nrelu\n", 1, 7, "must be at least 1");
  expect_error("input 28x28x1\ndense -10\n", 2, 7, "must be at least 1");
  expect_error("input 28x28x1\nconv 6 k5 p-1\n", 2, 11, "must be 0 or more");
  expect_error("input 28x28x1\ndropout 1\n", 2, 9, "below 1");
  expect_error("input 28x28x1\ndropout 0.9999999999\n", 2, 9, "below 1");  // 1.0f as a float
  // kernel larger than its padded input (the column is the kernel's)
  expect_error("input 8x8x1\nconv 3 k3 p1\nconv 3 k11\n", 3, 8, "larger than its padded input");
  expect_error("input 8x8x1\nconv 3 k3 d5\n", 2, 8, "spans 11x11");
  // output that shrinks to nothing
  expect_error("input 28x28x1\nmaxpool k4\nmaxpool k4\nconv 2 k5\n", 4, 8, "shrinks to nothing");
  // softmax not last, and softmax on maps
  expect_error("input 28x28x1\ndense 10\nsoftmax\nrelu\n", 3, 1, "must be the last layer");
  expect_error("input 28x28x1\nconv 10 k3\nsoftmax\n", 3, 1, "flat input");
  // duplicate option
  expect_error("input 28x28x1\nconv 6 k5 k3\n", 2, 11, "given twice");
  expect_error("input 28x28x1\nconv 6 k5 same p2\n", 2, 16, "padding given twice");
  // A model beyond the page's memory budget is analyzed (the budget limits training, not analysis:
  // issue 15 item 14); its training memory is reported above the budget.
  {
    Result big = run("input 28x28x1\ndense 60000\ndense 60000\n");
    REQUIRE_MESSAGE(big.ok, big.err.to_string());
    CHECK(big.info.total_params == (784 + 1) * 60000 + (60000 + 1) * int64_t(60000));
    CHECK(big.info.training_bytes > kMemoryBudgetBytes);
    Result wide = run("input 4096x4096x3\nrelu\n");
    REQUIRE_MESSAGE(wide.ok, wide.err.to_string());
    CHECK(wide.info.training_bytes > kMemoryBudgetBytes);
  }
  // An activation of more than 2^31 - 1 values per sample is beyond what the analysis counts.
  expect_error("input 65536x65536x3\nrelu\n", 1, 1, "input too large");
  expect_error("input 4096x4096x3\nconv 200 k3 same\n", 2, 6, "layer too large");
  // input missing, not first, or repeated
  expect_error("conv 6 k5\n", 1, 1, "must start with `input`");
  expect_error("# LeNet\n\n  dense 10\ninput 28x28x1\n", 3, 3, "must start with `input`");
  expect_error("input 28x28x1\nrelu\ninput 28x28x1\n", 3, 1, "only once");
  // empty model
  {
    Result r = run("# nothing but comments\n\n   \n;;\n");
    REQUIRE_FALSE(r.ok);
    CHECK(r.err.line == 0);
    CHECK(r.err.message.find("empty") != std::string::npos);
    CHECK_FALSE(r.err.hint.empty());
  }
  expect_error("input 28x28x1\n", 1, 1, "no layers");
  // numbers too large (no overflow, whatever the digits)
  expect_error("input 28x28x1\nconv 99999999999999999999999999 k5\n", 2, 6, "too large");
  expect_error("input 100000x1x1\nrelu\n", 1, 7, "too large");
  // pool padding of more than half the window
  expect_error("input 28x28x1\nmaxpool k2 p2\n", 2, 12, "more than half");
  // names from other libraries are suggested, never accepted
  expect_error("input 28x28x1\nLinear 10\n", 2, 1, "unknown layer 'Linear'");
  CHECK(run("input 28x28x1\nLinear 10\n").err.hint.rfind("did you mean `dense`?", 0) == 0);
  CHECK(run("input 28x28x1\nconv2d 6 k5\n").err.hint.find("`conv`") != std::string::npos);
  expect_error("input 28x28x1\nmaxpool k3 s2 same\n", 2, 15, "pools have no 'same' padding");
  // columns count characters, not bytes; a byte-order mark is not text
  expect_error(
      "input 28x28x1\nconv 6 k5 # 5\xc3\x97"
      "5\nrelu; \xc3\x97relux\n",
      3, 7, "unknown layer");
  expect_error("\xef\xbb\xbfinput 28x28x1\nrelux\n", 2, 1, "unknown layer 'relux'");
  // SpecError::to_string carries place, cause and hint
  Result r = run("input 28x28x1\nrelux\n");
  CHECK(r.err.to_string().rfind("line 2, column 1: unknown layer 'relux' (hint: ", 0) == 0);
}

TEST_CASE("spec: analyze_model re-checks specs built by code") {
  ModelSpec m;
  m.input = Shape{28, 28, 1};
  LayerSpec conv;
  conv.kind = LayerKind::conv;
  conv.units = 0;
  conv.kh = conv.kw = 5;
  m.layers.push_back(conv);
  ModelInfo info;
  SpecError e;
  CHECK_FALSE(analyze_model(m, &info, &e));
  CHECK(e.message.find("at least 1") != std::string::npos);
  m.layers[0].units = 6;
  m.layers[0].kh = -3;
  CHECK_FALSE(analyze_model(m, &info, &e));
  m.layers[0].kh = 5;
  m.layers[0].sh = 0;
  CHECK_FALSE(analyze_model(m, &info, &e));
  m.layers[0].sh = 1;
  REQUIRE(analyze_model(m, &info, &e));
  CHECK(info.layers[0].out == Shape{24, 24, 6});
  m.input = Shape{0, 28, 1};
  CHECK_FALSE(analyze_model(m, &info, &e));
  m.input = Shape{28, 28, 1};
  m.layers.clear();
  CHECK_FALSE(analyze_model(m, &info, &e));
}

TEST_CASE("spec: random and mutated texts never crash and errors have a place") {
  Rng rng(2024);
  const std::vector<std::string> words = {"input",   "conv",  "maxpool",  "avgpool", "gap",
                                          "dense",   "fc",    "flatten",  "relu",    "leakyrelu",
                                          "sigmoid", "tanh",  "softmax",  "dropout", "batchnorm",
                                          "k3",      "k5",    "k2x3",     "s2",      "s1x2",
                                          "p1",      "p0",    "p2x1",     "same",    "valid",
                                          "full",    "d2",    "nobias",   "a0.1",    "0.5",
                                          "6",       "16",    "120",      "28x28x1", "8x8x3",
                                          "1x1x2",   "#",     ";",        "\n",      "k",
                                          "s",       "x",     "-1",       "0",       "99999999999",
                                          "k0",      "1e400", "\xc3\x97", "\t",      "\r\n",
                                          "CONV",    "Dense", "k65536",   "d65536",  "65536x65536x65536"};
  const std::string seeds[] = {kLeNet, "input 224x224x3; conv 96 k11 s4 p2; relu; maxpool k3 s2",
                               "input 1x1x2; dense 16; relu; dense 2; softmax"};
  int parsed = 0, failed = 0;
  for (int it = 0; it < 4000; ++it) {
    std::string t;
    if (it % 2 == 0) {  // random word salad, usually starting with input
      if (rng.below(4) != 0) t = "input " + words[rng.below(uint32_t(words.size()))] + "\n";
      int n = int(rng.below(12));
      for (int i = 0; i < n; ++i) {
        t += words[rng.below(uint32_t(words.size()))];
        t += rng.below(3) == 0 ? "\n" : " ";
      }
    } else {  // byte-level mutations of a valid model
      t = seeds[rng.below(3)];
      int n = 1 + int(rng.below(4));
      for (int i = 0; i < n && !t.empty(); ++i) {
        size_t pos = rng.below(uint32_t(t.size()));
        switch (rng.below(4)) {
          case 0: t.erase(pos, 1 + rng.below(3)); break;
          case 1: t.insert(pos, 1, char(rng.below(256))); break;
          case 2: t[pos] = "0123456789xkspd;#\n -"[rng.below(20)]; break;
          default: t.insert(pos, words[rng.below(uint32_t(words.size()))]); break;
        }
      }
    }
    CAPTURE(t);
    Result r = run(t);
    if (r.ok) {
      ++parsed;
      REQUIRE(r.info.layers.size() == r.spec.layers.size());
      REQUIRE(r.info.training_bytes >= 0);
      for (const LayerInfo& li : r.info.layers) REQUIRE(li.out.size() >= 1);
      // Canonical text parses back to the same analysis.
      Result again = run(model_to_text(r.spec));
      REQUIRE(again.ok);
      REQUIRE(again.info.total_params == r.info.total_params);
      REQUIRE(again.info.total_macs == r.info.total_macs);
    } else {
      ++failed;
      REQUIRE_FALSE(r.err.message.empty());
      REQUIRE_FALSE(r.err.hint.empty());
      // Only an empty model is an error without a line.
      if (r.err.line == 0) REQUIRE(r.err.message.find("empty") != std::string::npos);
      else REQUIRE(r.err.column >= 1);
    }
  }
  CHECK(parsed > 50);
  CHECK(failed > 50);
}

TEST_CASE("spec: number formatting helpers") {
  CHECK(with_commas(0) == "0");
  CHECK(with_commas(999) == "999");
  CHECK(with_commas(61706) == "61,706");
  CHECK(with_commas(725077721088LL) == "725,077,721,088");
  CHECK(with_commas(-1234) == "-1,234");
  CHECK(format_bytes(512) == "512 bytes");
  CHECK(format_bytes(kMemoryBudgetBytes) == "1 GiB");
  CHECK(format_bytes(int64_t(3) << 29) == "1.5 GiB");
  CHECK(format_bytes(int64_t(196) << 20) == "196 MiB");
  CHECK(format_bytes(9 * 1024 + 1000) == "9.98 KiB");  // 9.977 KiB never reads as a whole 10 KiB
}

TEST_CASE("spec: model_description reads the leading comment lines") {
  CHECK(model_description("# LeNet-5\n#   on 28x28\n#\ninput 28x28x1\n# not this\n") == "LeNet-5\n  on 28x28\n");
  CHECK(model_description("input 1x1x2\n# late\n") == "");
  CHECK(model_description("") == "");
}

TEST_CASE("spec: the presets parse, and their numbers are the notes'") {
  struct Preset {
    const char* name;
    int64_t params;
  };
  const Preset presets[] = {{"lenet5", 61706}, {"rf-example", -1}, {"alexnet-conv1", 34944}, {"vgg-small", -1},
                            {"tiny-mlp", -1},  {"wide", -1},       {"vgg16", 138357544}};
  for (const Preset& p : presets) {
    CAPTURE(p.name);
    const std::string text = spec_tests::read_preset(p.name);
    CHECK(text.rfind("# ", 0) == 0);  // starts with its description
    CHECK(model_description(text).size() > 40);
    Result r = run(text);
    REQUIRE_MESSAGE(r.ok, r.err.to_string());
    if (p.params >= 0) CHECK(r.info.total_params == p.params);
    if (std::string(p.name) == "rf-example") CHECK(r.info.layers[2].rf.size[0] == 13);
    if (std::string(p.name) == "alexnet-conv1") CHECK(r.info.layers.back().out.size() == 69984);
  }
}

// Issue 15 item 14: the budget limits training, not analysis. VGG-16 on 224x224x3 (13 conv, 3
// dense) gets its whole table, with its training memory reported against the 1 GiB budget.
TEST_CASE("spec: VGG-16's table, analyzed although it is far beyond the memory budget") {
  Result r = run(spec_tests::read_preset("vgg16"));
  REQUIRE_MESSAGE(r.ok, r.err.to_string());
  int convs = 0, denses = 0;
  for (const LayerSpec& l : r.spec.layers) {
    convs += l.kind == LayerKind::conv;
    denses += l.kind == LayerKind::dense;
  }
  CHECK(convs == 13);
  CHECK(denses == 3);
  CHECK(r.info.total_params == 138357544);
  // The table: (output, parameters) of every conv and dense layer, block by block.
  struct Row {
    Shape out;
    int64_t params;
  };
  const Row rows[] = {
      {{224, 224, 64}, 1792},   {{224, 224, 64}, 36928},   {{112, 112, 128}, 73856}, {{112, 112, 128}, 147584},
      {{56, 56, 256}, 295168},  {{56, 56, 256}, 590080},   {{56, 56, 256}, 590080},  {{28, 28, 512}, 1180160},
      {{28, 28, 512}, 2359808}, {{28, 28, 512}, 2359808},  {{14, 14, 512}, 2359808}, {{14, 14, 512}, 2359808},
      {{14, 14, 512}, 2359808}, {{1, 1, 4096}, 102764544}, {{1, 1, 4096}, 16781312}, {{1, 1, 1000}, 4097000}};
  size_t k = 0;
  for (size_t i = 0; i < r.spec.layers.size(); ++i) {
    LayerKind kind = r.spec.layers[i].kind;
    if (kind != LayerKind::conv && kind != LayerKind::dense) continue;
    REQUIRE(k < 16);
    CAPTURE(i);
    CHECK(r.info.layers[i].out == rows[k].out);
    CHECK(r.info.layers[i].params == rows[k].params);
    ++k;
  }
  CHECK(k == 16);
  CHECK(r.info.layers[30].out == Shape{7, 7, 512});            // the last pooling
  CHECK(r.info.layers[30].rf.size[0] == 212);                  // its receptive field
  CHECK(r.info.total_macs == int64_t(15470264320));            // 15.5 G per image
  CHECK(r.info.total_activation_floats == int64_t(28802512));  // input included
  // Training memory (batch 32, Adam): far above the budget, and stated.
  CHECK(r.info.training_bytes > 4 * kMemoryBudgetBytes);
  CHECK(r.info.memory.optimizer_bytes == int64_t(8) * 138357544);  // Adam: 2 floats per parameter
  CHECK(r.info.memory.rollback_bytes == int64_t(12) * 138357544);  // weights + Adam's state
}

// The analytic receptive field against the engine: with random weights and no activation that can
// zero a gradient (tanh, avgpool), the input pixels with a nonzero gradient for one unit are
// exactly the field, [centre - (size-1)/2, centre + (size-1)/2] clipped to the image, where
// centre = start + position*jump. Checks size, jump, start and the `same` padding split at once.

TEST_CASE("spec: receptive fields equal the support of the engine's input gradient") {
  const char* models[] = {
      "input 32x32x1; conv 2 k5 s2; tanh; conv 2 k5",                  // the notes' example, 13
      "input 23x21x2; conv 3 k3 same; avgpool k2; conv 2 k3 s2 same",  // same, odd splits
      "input 20x20x1; conv 2 k3 d2 p1; avgpool k3 s2 p1; conv 2 k2x3 s1x2 p1x0",
      "input 17x17x1; conv 2 k4 s3 full; tanh; conv 1 k2",
  };
  for (const char* text : models) {
    CAPTURE(text);
    Network net;
    net_tests::build_init(&net, text, 1, 7);
    const Shape in = net.info.input;
    Rng rng(3);
    std::vector<float> x = net_tests::random_input(rng, in.size());
    const int L = net.num_layers();
    const Shape out = net.info.layers[size_t(L - 1)].out;
    const ReceptiveField& rf = net.info.layers[size_t(L - 1)].rf;
    // A few units: first, last, and one in the middle of channel 0.
    const int rows[] = {0, out.h / 2, out.h - 1}, cols[] = {0, out.w / 2, out.w - 1};
    for (int u = 0; u < 3; ++u) {
      int r = rows[u], c = cols[u];
      CAPTURE(r);
      CAPTURE(c);
      const FieldRect got = net_tests::last_unit_support(&net, x, r, c);
      REQUIRE_FALSE(got.empty());
      const int pos[2] = {r, c}, dim[2] = {in.h, in.w};
      for (int a = 0; a < 2; ++a) {
        double centre = rf.start[a] + double(pos[a]) * double(rf.jump[a]);
        double first = centre - double(rf.size[a] - 1) / 2.0, last = centre + double(rf.size[a] - 1) / 2.0;
        CHECK(got.clip_first[a] == int(std::max(0.0, first)));
        CHECK(got.clip_last[a] == int(std::min(double(dim[a] - 1), last)));
      }
    }
  }
}

// Issue 18 item 1: the layer table names every kind once; the parser reads its keywords from it.
TEST_CASE("spec: every layer kind's keyword (and alias) parses to that kind, and prints back") {
  const LayerKind kinds[] = {LayerKind::conv,     LayerKind::maxpool, LayerKind::avgpool, LayerKind::gap,
                             LayerKind::dense,    LayerKind::flatten, LayerKind::relu,    LayerKind::leakyrelu,
                             LayerKind::sigmoid,  LayerKind::tanh,    LayerKind::softmax, LayerKind::dropout,
                             LayerKind::batchnorm};
  const char* texts[] = {"conv 2 k1", "maxpool k1", "avgpool k1", "gap",     "dense 3", "flatten",  "relu",
                         "leakyrelu", "sigmoid",    "tanh",       "softmax", "dropout", "batchnorm"};
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); ++i) {
    CAPTURE(texts[i]);
    CHECK(std::string(texts[i]).rfind(layer_kind_name(kinds[i]), 0) == 0);
    std::string text = std::string("input 2x2x1\n") + texts[i] + (kinds[i] == LayerKind::softmax ? "" : "\n");
    if (kinds[i] == LayerKind::softmax) text = "input 1x1x3\nsoftmax\n";
    Result r = run(text);
    REQUIRE_MESSAGE(r.ok, r.err.to_string());
    CHECK(r.spec.layers[0].kind == kinds[i]);
  }
  // Every kind in the table (the designer's list): its default layer prints, and the text parses
  // back to that kind and prints the same.
  for (int i = 0; i < layer_kind_count(); ++i) {
    const LayerSpec d = default_layer(layer_kind_at(i));
    const std::string line = layer_to_text(d);
    CAPTURE(line);
    CHECK(d.kind == layer_kind_at(i));
    Result r = run("input 4x4x2\n" + line + "\n");
    REQUIRE_MESSAGE(r.spec.layers.size() == 1, r.err.to_string());
    CHECK(r.spec.layers[0].kind == d.kind);
    CHECK(layer_to_text(r.spec.layers[0]) == line);
  }
  CHECK(layer_kind_count() == 14);
  Result fc = run("input 1x1x4\nfc 2\n");
  REQUIRE(fc.ok);
  CHECK(fc.spec.layers[0].kind == LayerKind::dense);
  CHECK(layer_to_text(fc.spec.layers[0]) == "dense 2");
}
