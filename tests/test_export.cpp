// The PyTorch exporter: the script's modules for our padding rules, and the weights file layout.
// (The numbers themselves are refereed by PyTorch in tests/pytorch/crosscheck.py.)
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "cnn/export.h"
#include "cnn/net.h"
#include "cnn/spec.h"

namespace {

cnn::ModelSpec parse(const char* text) {
  cnn::ModelSpec m;
  cnn::SpecError e;
  REQUIRE_MESSAGE(cnn::parse_model(text, &m, &e), e.to_string());
  return m;
}

bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// The PyTorch script of a model text, which must export; with_text: the text travels with it (its
// lines quoted in the comments and the docstring).
std::string exported(const std::string& text, bool with_text = false) {
  const cnn::ModelSpec m = parse(text.c_str());
  cnn::PytorchExportOptions opt;
  if (with_text) opt.model_text = text;
  std::string py, err;
  REQUIRE_MESSAGE(cnn::export_pytorch(m, nullptr, opt, &py, &err), err);
  return py;
}

std::vector<uint8_t> base64_decode(const std::string& s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = val(c);
    if (v < 0) continue;  // newlines and '=' padding
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("export: LeNet-5 as PyTorch modules, logits before the fused softmax") {
  const std::string py = exported(
      "input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nconv 16 k5\nrelu\nmaxpool k2\n"
      "dense 120\nrelu\ndense 84\nrelu\ndense 10\nsoftmax\n");
  CHECK(has(py, "nn.Conv2d(1, 6, kernel_size=5, padding=2)"));
  CHECK(has(py, "nn.MaxPool2d(kernel_size=2, stride=2)"));
  CHECK(has(py, "nn.Flatten(),\n            nn.Linear(400, 120)"));  // C,H,W order = ours
  CHECK(has(py, "# line 2: conv 6 k5 p2    [N,1,28,28] -> [N,6,28,28]"));
  CHECK(has(py, "def logits(self, x):"));
  CHECK(has(py, "return torch.softmax(self.logits(x), dim=1)"));
  CHECK(has(py, "nn.CrossEntropyLoss()"));
  CHECK(has(py, "(\"layers.11.weight\", (10, 84)),"));
  CHECK(has(py, "SANDBOX_WEIGHTS_BASE64 = None"));  // no weights given
  CHECK_FALSE(has(py, "nn.Softmax"));               // the softmax is applied in forward()
}

TEST_CASE("export: asymmetric `same` padding becomes an explicit pad, bottom/right") {
  // k2 stride 1: one row of padding in total, which `same` puts at the bottom (and one column at
  // the right). PyTorch's padding= cannot say that.
  const std::string py = exported("input 6x6x2\nconv 3 k2 same\ntanh\nconv 2 k3 s2 same d2 nobias\n");
  CHECK(has(py, "nn.ZeroPad2d((0, 1, 0, 1)),\n            nn.Conv2d(2, 3, kernel_size=2)"));
  // 6 -> ceil(6/2) = 3 outputs; (3-1)*2 + 2*(3-1)+1 - 6 = 3 rows of padding: 1 top, 2 bottom.
  CHECK(has(
      py, "nn.ZeroPad2d((1, 2, 1, 2)),\n            nn.Conv2d(3, 2, kernel_size=3, stride=2, dilation=2, bias=False)"));
  CHECK(has(py, "loss_fn = lambda out, target: ((out - target) ** 2).sum(dim=1).mean()"));
  CHECK_FALSE(has(py, "def logits"));
}

TEST_CASE("export: pools, gap, batchnorm, dropout, leakyrelu and a one-output sigmoid") {
  const std::string py = exported(
      "input 9x9x3\nconv 4 k3 p1\nbatchnorm\nleakyrelu a0.2\navgpool k3 s2 p1\nmaxpool k2 s1 p1\n"
      "dropout 0.25\ngap\nbatchnorm\ndense 1\nsigmoid\n");
  CHECK(has(py, "nn.BatchNorm2d(4, eps=1e-5, momentum=0.1)"));
  CHECK(has(py, "nn.LeakyReLU(negative_slope=0.200000003)"));  // the float32 slope, exactly
  CHECK(has(py, "nn.AvgPool2d(kernel_size=3, stride=2, padding=1)"));
  CHECK(has(py, "nn.MaxPool2d(kernel_size=2, stride=1, padding=1)"));
  CHECK(has(py, "nn.Dropout(p=0.25)"));
  CHECK(has(py, "nn.AdaptiveAvgPool2d(1),\n            nn.Flatten()"));
  CHECK(has(py, "nn.BatchNorm1d(4, eps=1e-5, momentum=0.1)"));
  CHECK(has(py, "(\"layers.1.running_var\", (4,)),"));
  CHECK(has(py, "return torch.sigmoid(self.logits(x))"));
  CHECK(has(py, "nn.BCEWithLogitsLoss()"));
}

TEST_CASE("export: a conv after a dense layer gets its channels x rows x cols back") {
  const std::string py = exported("input 4x4x1\ndense 6\nconv 2 k1\n");
  CHECK(has(py, "nn.Unflatten(1, (6, 1, 1)),\n            nn.Conv2d(6, 2, kernel_size=1)"));
}

TEST_CASE("export: weights file layout, round trip, embedded base64 equals the file") {
  const cnn::ModelSpec m = parse("input 5x5x2\nconv 3 k3\nbatchnorm\nrelu\ndense 4\nsoftmax\n");
  cnn::Network a, b;
  std::string err;
  REQUIRE_MESSAGE(cnn::network_build(&a, m, 2, &err), err);
  REQUIRE_MESSAGE(cnn::network_build(&b, m, 2, &err), err);
  cnn::network_init(&a, 7);
  a.state[1].running_mean = {0.5f, -0.25f, 1.0f};
  a.state[1].running_var = {2.0f, 3.0f, 4.0f};
  const std::vector<float> w = cnn::sandbox_weights(a);
  // conv 3*2*3*3 + 3, batchnorm gamma/beta 3 + 3 and running stats 3 + 3, dense 4*27 + 4
  CHECK(int64_t(w.size()) == cnn::sandbox_weights_count(a.spec, a.info));
  CHECK(w.size() == size_t(54 + 3 + 6 + 6 + 108 + 4));
  CHECK(std::memcmp(w.data(), a.layer_params[0].w, 54 * sizeof(float)) == 0);
  CHECK(w[54 + 3 + 6] == 0.5f);      // running mean after gamma, beta
  CHECK(w[54 + 3 + 6 + 3] == 2.0f);  // then running variance
  REQUIRE_MESSAGE(cnn::load_sandbox_weights(&b, w.data(), int64_t(w.size()), &err), err);
  CHECK(b.params == a.params);
  CHECK(b.state[1].running_var == a.state[1].running_var);

  // The parameter arena alone is also accepted; anything else is refused with both counts.
  CHECK(cnn::load_sandbox_weights(&b, a.params.data(), int64_t(a.params.size()), &err));
  CHECK_FALSE(cnn::load_sandbox_weights(&b, w.data(), 10, &err));
  CHECK(has(err, "10 floats"));
  CHECK(has(err, "181"));

  std::string py;
  REQUIRE_MESSAGE(cnn::export_pytorch(m, &a, cnn::PytorchExportOptions(), &py, &err), err);
  const size_t at = py.find("SANDBOX_WEIGHTS_BASE64 = \"\"\"");
  REQUIRE(at != std::string::npos);
  const size_t from = py.find('\n', at) + 1, to = py.find("\"\"\"", from);
  const std::vector<uint8_t> bytes = base64_decode(py.substr(from, to - from));
  REQUIRE(bytes.size() == w.size() * sizeof(float));
  CHECK(std::memcmp(bytes.data(), w.data(), bytes.size()) == 0);

  cnn::PytorchExportOptions side;
  side.weights_file = "model.weights.bin";
  REQUIRE(cnn::export_pytorch(m, &a, side, &py, &err));
  CHECK(has(py, "SANDBOX_WEIGHTS_FILE = \"model.weights.bin\""));
}

TEST_CASE("export: a model that does not analyze is refused with the analysis' message") {
  const cnn::ModelSpec m = parse("input 4x4x1\nconv 2 k7\n");  // the kernel does not fit
  std::string py, err;
  CHECK_FALSE(cnn::export_pytorch(m, nullptr, cnn::PytorchExportOptions(), &py, &err));
  CHECK(has(err, "does not analyze"));
  CHECK(has(cnn::export_pytorch(m, nullptr), "# cnn-sandbox export failed"));
}

TEST_CASE("export: comments quote each line as written, however long") {
  const std::string comment(3000, 'x');
  const std::string text = "input 4x4x1\nconv 2 k3 valid   # " + comment + "\n\ndense 3;relu\n";
  const std::string py = exported(text, true);
  CHECK(has(py, ("# line 2: conv 2 k3 valid   # " + comment +
                 "    [N,1,4,4] -> [N,2,2,2]  (module 0)\n"
                 "            nn.Conv2d(1, 2, kernel_size=3),")
                    .c_str()));
  CHECK(has(py, "# line 4: dense 3    [N,2,2,2] -> [N,3]"));  // two layers on the line: canonical text
}

TEST_CASE("export: bytes Python cannot hold in its source become '?'") {
  const std::string text = std::string("input 4x4x1 # caf\xc3\xa9 \xff\x01 \"\"\" \\\n") + "relu # \xe2\x88\x9a\x80\n";
  const std::string py = exported(text, true);
  CHECK(has(py, "    input 4x4x1 # caf\xc3\xa9 ?? \\\"\\\"\\\" \\\\\n"));  // docstring: escaped
  CHECK(has(py, "# line 2: relu # \xe2\x88\x9a?    [N,1,4,4]"));
}

// Issue 15, item 1: the training data's normalization and class names travel with the model, so
// the exported forward() takes raw pixels (byte / 255) as the sandbox reads them.
#include "cnn/data.h"
#include "cnn/model_file.h"

TEST_CASE("export: forward() standardizes raw inputs with the training split's mean and std") {
  cnn::DataOptions opt;
  opt.seed = 1;
  opt.n_train = 64;
  opt.n_test = 16;
  cnn::Dataset d;
  std::string err;
  REQUIRE_MESSAGE(cnn::dataset_make("shapes", opt, &d, &err), err);
  const cnn::DataNotes n = cnn::data_notes_from_dataset(d);
  CHECK(n.present);
  CHECK(n.kind == "image");
  CHECK(n.input_mean == d.norm_mean);
  CHECK(n.input_std == d.norm_std);
  CHECK(n.class_names == d.class_names);
  CHECK(d.norm_mean > 0.0f);  // so the check below means something

  cnn::ModelSpec m = parse("input 28x28x1\nconv 4 k3\nrelu\ndense 3\nsoftmax\n");
  cnn::PytorchExportOptions o;
  o.data = n;
  std::string py;
  REQUIRE_MESSAGE(cnn::export_pytorch(m, nullptr, o, &py, &err), err);
  // the value round-trips through its shortest decimal
  const size_t at = py.find("    INPUT_MEAN = ");
  REQUIRE(at != std::string::npos);
  CHECK(std::strtof(py.c_str() + at + 17, nullptr) == d.norm_mean);
  const size_t at_sd = py.find("    INPUT_STD = ");
  REQUIRE(at_sd != std::string::npos);
  CHECK(std::strtof(py.c_str() + at_sd + 16, nullptr) == d.norm_std);
  CHECK(has(py, "return self.layers(self.standardize(x))"));
  CHECK(has(py, "return (x - self.INPUT_MEAN) / self.INPUT_STD"));
  CHECK(has(py, "image pixels as byte / 255, in [0, 1]"));
  std::string names = "    CLASS_NAMES = [";
  for (size_t c = 0; c < d.class_names.size(); ++c) names += (c ? ", \"" : "\"") + d.class_names[c] + "\"";
  CHECK_MESSAGE(has(py, (names + "]").c_str()), names);

  // Without data the script says so and standardizes with 0 and 1 (the identity).
  REQUIRE(cnn::export_pytorch(m, nullptr, cnn::PytorchExportOptions(), &py, &err));
  CHECK(has(py, "    INPUT_MEAN = 0.0\n    INPUT_STD = 1.0\n"));
  CHECK(has(py, "No training data was given to the export"));
  CHECK_FALSE(has(py, "CLASS_NAMES"));

  // A class name with quotes, a backslash and a newline stays one valid Python string.
  cnn::DataNotes odd = n;
  odd.class_names = {"a \"b\" \\c\nd"};
  o.data = odd;
  REQUIRE(cnn::export_pytorch(m, nullptr, o, &py, &err));
  CHECK(has(py, "CLASS_NAMES = [\"a \\\"b\\\" \\\\c d\"]"));
}

TEST_CASE("model_file: format 2 carries the data notes; format 1 files still load without them") {
  cnn::ModelSpec spec = parse("input 4x4x1\nconv 2 k3\nbatchnorm\nrelu\ndense 3\nsoftmax\n");
  cnn::Network a;
  std::string err;
  REQUIRE(cnn::network_build(&a, spec, 2, &err));
  cnn::network_init(&a, 5);
  cnn::DataNotes n;
  n.present = true;
  n.dataset = "fashion-mnist";
  n.kind = "image";
  n.input_mean = 0.2860402f;
  n.input_std = 0.3530239f;
  n.class_names = {"T-shirt/top", "Trouser", "Pullover"};
  const std::string text = "input 4x4x1\nconv 2 k3\nbatchnorm\nrelu\ndense 3\nsoftmax";
  const std::string v2 = cnn::model_file_from_network(a, text, "v=1", n);
  CHECK(v2[8] == 2);
  cnn::Network b;
  cnn::ModelFile f;
  REQUIRE_MESSAGE(cnn::model_file_load(v2, 2, &b, &f, &err), err);
  CHECK(f.data.present);
  CHECK(f.data.dataset == "fashion-mnist");
  CHECK(f.data.kind == "image");
  CHECK(f.data.input_mean == n.input_mean);  // bit-exact through the text
  CHECK(f.data.input_std == n.input_std);
  CHECK(f.data.class_names == n.class_names);
  CHECK(f.weights == cnn::sandbox_weights(a));
  CHECK(cnn::model_file_encode(f) == v2);  // canonical

  // A file written by format 1 (before the notes existed) loads: same text, settings, weights.
  cnn::ModelFile old = f;
  old.data = cnn::DataNotes();
  old.version = 1;
  const std::string v1 = cnn::model_file_encode(old);
  CHECK(v1[8] == 1);
  CHECK(v1.size() + 4 + cnn::data_notes_encode(n).size() == v2.size());
  cnn::ModelFile g;
  REQUIRE_MESSAGE(cnn::model_file_load(v1, 2, &b, &g, &err), err);
  CHECK_FALSE(g.data.present);
  CHECK(g.version == 1);
  CHECK(cnn::model_file_encode(g) == v1);  // an old file round-trips as it was
  CHECK(g.model_text == text);
  CHECK(g.settings == "v=1");
  CHECK(g.weights == f.weights);

  // Damaged notes are refused with a sentence (the checksum is recomputed so the notes are read).
  cnn::ModelFile bad = f;
  bad.data.input_std = 0.0f;
  std::string enc = cnn::model_file_encode(bad);
  CHECK_FALSE(cnn::model_file_load(enc, 2, &b, &g, &err));
  CHECK_MESSAGE(err.find("data notes") != std::string::npos, err);
  // A cut inside the notes' length field
  CHECK_FALSE(cnn::model_file_decode(v2.substr(0, 32 + text.size() + 3 + 2), &g, &err));
  CHECK_MESSAGE(err.find("cut short") != std::string::npos, err);
}
