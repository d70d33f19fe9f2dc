// URL state (url_state.h) and model files (model_file.h): round trips are exact, every kind of
// bad input is refused with a message naming the key or the fault, and a refused input leaves the
// caller's objects as they were.
#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <string>

#include "cnn/export.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/rng.h"
#include "cnn/url_state.h"

using cnn::UrlState;

static UrlState FullState() {
  UrlState s;
  s.has_model = true;
  s.model = "# a comment & more: 100% + ü\ninput 28x28x1\nconv 8 k3 s2 same\nrelu\ndense 10\nsoftmax\n";
  s.has_data = true;
  s.data = "digits";
  cnn::Settings t;
  t.optimizer = 1;
  t.lr = 0.1f * 0.3f;  // not a short decimal: needs all its digits
  t.momentum = 0.95f;
  t.weight_decay = 1e-4f;
  t.schedule = 1;
  t.step_epochs = 3;
  t.gamma = 0.25f;
  t.batch = 64;
  t.epochs = 7;
  t.seed = 123456789;
  t.eval_every = 25;
  t.eval_samples = 300;
  t.loss = int(cnn::LossKind::quadratic);
  s.set_all(t);
  return s;
}

TEST_CASE("url_state: encode then decode gives back exactly the same state") {
  UrlState s = FullState();
  std::string frag = cnn::url_state_encode(s);
  // the fragment is URL-safe: nothing a browser would rewrite, no '#', no raw spaces or newlines
  for (char c : frag) {
    CHECK(c != '#');
    CHECK(c != ' ');
    CHECK(c != '\n');
    CHECK(static_cast<unsigned char>(c) < 0x80);
  }
  UrlState back;
  std::string err;
  REQUIRE_MESSAGE(cnn::url_state_decode("#" + frag, &back, &err), err);
  CHECK(back == s);
  CHECK(back.settings.lr == s.settings.lr);  // bit-exact float
  CHECK(frag.find("&loss=quadratic") != std::string::npos);
  CHECK(back.model == s.model);
  // and encoding again gives the same text
  CHECK(cnn::url_state_encode(back) == frag);
  // an empty fragment is the empty state
  UrlState e;
  REQUIRE(cnn::url_state_decode("", &e, &err));
  CHECK(e == UrlState());
  REQUIRE(cnn::url_state_decode("#", &e, &err));
}

TEST_CASE("url_state: shortest float text reads back exactly") {
  cnn::Rng rng(5);
  for (int i = 0; i < 2000; i++) {
    float v = rng.uniform() * (i % 2 ? 1e-3f : 3.0f);
    std::string t = cnn::float_shortest_text(v);
    CHECK(std::strtof(t.c_str(), nullptr) == v);
  }
  CHECK(cnn::float_shortest_text(0.003f) == "0.003");
  CHECK(cnn::float_shortest_text(0.5f) == "0.5");
}

TEST_CASE("url_state: hand-written links and percent-decoding") {
  UrlState s;
  std::string err;
  REQUIRE(cnn::url_state_decode("preset=lenet5&lr=3e-3", &s, &err));
  CHECK(s.has_preset);
  CHECK(s.preset == "lenet5");
  CHECK(s.settings.lr == 3e-3f);
  CHECK(s.has(int(cnn::SettingId::lr)));
  CHECK_FALSE(s.has(int(cnn::SettingId::batch)));
  // the page's own keys are not the engine's: refused, or handed back when asked for
  CHECK_FALSE(cnn::url_state_decode("preset=lenet5&embed=1", &s, &err));
  CHECK(err.find("unknown key 'embed'") != std::string::npos);
  REQUIRE(cnn::url_state_decode("preset=lenet5&embed=1&tab=data", &s, &err, true));
  REQUIRE(s.extra.size() == 2);
  CHECK(s.extra[0] == std::make_pair(std::string("embed"), std::string("1")));
  CHECK(cnn::url_state_encode(s) == "v=1&preset=lenet5&embed=1&tab=data");
  CHECK_FALSE(s.has_model);
  REQUIRE(cnn::url_state_decode("model=input+2x2x1%0Adense%202%0D%0A&&", &s, &err));
  CHECK(s.model == "input 2x2x1\ndense 2\r\n");
  std::string out;
  CHECK(cnn::url_percent_decode("a%2Bb+c%25", &out, &err));
  CHECK(out == "a+b c%");
}

// One bad input per class: the message names the key and what to do; the output is untouched.
TEST_CASE("url_state: malformed fragments are refused with a message, the output untouched") {
  struct Bad {
    const char* frag;
    const char* says;
  };
  const Bad bad[] = {
      {"lr", "has no value"},
      {"foo=1", "unknown key 'foo'"},
      {"lr=0.1&lr=0.2", "given twice"},
      {"lr=abc", "'lr': 'abc' is not a number"},
      {"lr=0.1x", "is not a number"},
      {"lr=inf", "is not a number"},
      {"lr=nan", "is not a number"},
      {"lr=0x10", "is not a number"},
      {"lr=0", "out of range"},
      {"lr=1e99", "too large"},
      {"batch=0", "out of range 1..4096"},
      {"batch=32.5", "not a whole number"},
      {"batch=99999999999999999999", "out of range"},
      {"seed=-1", "out of range"},
      {"opt=rmsprop", "not one of sgd, momentum or adam"},
      {"loss=hinge", "not one of auto, cross-entropy, binary-cross-entropy or quadratic"},
      {"eval_samples=-1", "out of range 0..1000000"},
      {"mom=1", "out of range [0, 1)"},
      {"sched=linear", "not one of"},
      {"data=..%2F..%2Fetc", "may only hold"},
      {"data=%3Cscript%3E", "may only hold"},
      {"preset=", "is empty"},
      {"model=%zz", "two hex digits"},
      {"model=abc%4", "two hex digits"},
      {"model=a%00b", "control character"},
      {"model=a%1Bb", "control character"},
      {"model=%FF%FE", "not valid UTF-8"},
      {"model=%C0%80", "not valid UTF-8"},
      {"model=%ED%A0%80", "not valid UTF-8"},
      {"model=a&preset=lenet5", "both 'model' and 'preset'"},
      {"v=2", "newer version"},
      {"v=x", "not a whole number"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.frag);
    UrlState s = FullState();
    std::string err;
    CHECK_FALSE(cnn::url_state_decode(b.frag, &s, &err));
    CHECK_MESSAGE(err.find(b.says) != std::string::npos, err);
    CHECK(err.find("The link's settings could not be read") == 0);
    CHECK(s == FullState());
  }
  // too long, model too large
  UrlState s;
  std::string err;
  CHECK_FALSE(cnn::url_state_decode(std::string(cnn::kMaxUrlStateBytes + 1, 'a'), &s, &err));
  CHECK(err.find("bytes long") != std::string::npos);
  CHECK_FALSE(cnn::url_state_decode("model=" + std::string(cnn::kMaxModelBytes + 1, 'a'), &s, &err));
  CHECK(err.find("at most") != std::string::npos);
  // an unknown key with control bytes is echoed without them
  CHECK_FALSE(cnn::url_state_decode(std::string("a\x01\x7f=1"), &s, &err));
  CHECK(err.find("'a??'") != std::string::npos);
}

// --- model files -------------------------------------------------------------------------------

static const char* kModel = "input 8x8x1\nconv 4 k3 same\nbatchnorm\nrelu\nmaxpool k2\ndense 3\nsoftmax\n";

static void BuildNet(cnn::Network* net, uint64_t seed) {
  std::string err;
  REQUIRE_MESSAGE(cnn::network_build_from_text(net, kModel, 4, &err), err);
  cnn::network_init(net, seed);
  // non-trivial batchnorm statistics, so they are checked too
  for (size_t i = 0; i < net->state.size(); i++)
    for (size_t k = 0; k < net->state[i].running_mean.size(); k++) {
      net->state[i].running_mean[k] = 0.1f * float(k + 1);
      net->state[i].running_var[k] = 1.0f + 0.5f * float(k);
    }
}

TEST_CASE("model_file: a saved network loads back with identical predictions") {
  cnn::Network a;
  BuildNet(&a, 11);
  std::string bytes = cnn::model_file_from_network(a, kModel, "v=1&data=digits&lr=0.01");
  CHECK(std::memcmp(bytes.data(), "CNNSBX\x1a\n", 8) == 0);
  cnn::Network b;
  cnn::ModelFile f;
  std::string err;
  REQUIRE_MESSAGE(cnn::model_file_load(bytes, 4, &b, &f, &err), err);
  CHECK(f.model_text == kModel);
  CHECK(f.settings == "v=1&data=digits&lr=0.01");
  CHECK(f.weights == cnn::sandbox_weights(a));
  float x[4 * 64];
  cnn::Rng rng(3);
  for (float& v : x) v = rng.uniform() * 2 - 1;
  std::vector<float> ya(cnn::network_forward(&a, x, 4, false), a.output() + 4 * a.out_size());
  std::vector<float> yb(cnn::network_forward(&b, x, 4, false), b.output() + 4 * b.out_size());
  CHECK(ya == yb);  // bit-identical
  // the encoding is canonical
  CHECK(cnn::model_file_encode(f) == bytes);
  // known CRC-32 check value
  CHECK(cnn::crc32_ieee("123456789", 9) == 0xCBF43926u);
}

TEST_CASE("model_file: damaged, foreign, newer and mismatched files are refused; the network stays") {
  cnn::Network a;
  BuildNet(&a, 11);
  const std::string good = cnn::model_file_from_network(a, kModel, "");
  cnn::Network keep;
  BuildNet(&keep, 99);
  const std::vector<float> keep_w = cnn::sandbox_weights(keep);
  auto refused = [&](const std::string& bytes, const char* says) {
    std::string err;
    cnn::ModelFile f;
    f.model_text = "sentinel";
    CHECK_FALSE(cnn::model_file_load(bytes, 4, &keep, &f, &err));
    CHECK_MESSAGE(err.find(says) != std::string::npos, err);
    CHECK(f.model_text == "sentinel");
    CHECK(cnn::sandbox_weights(keep) == keep_w);
  };
  std::string flip = good;
  flip[flip.size() - 5] ^= 0x10;  // one bit in the weights
  refused(flip, "checksum");
  std::string flip_text = good;
  flip_text[40] ^= 1;
  refused(flip_text, "checksum");
  refused(good.substr(0, good.size() - 3), "cut short");
  refused(good.substr(0, 20), "cut short");
  refused(good + "x", "unexpected bytes");
  refused("", "not a CNN Sandbox model file");
  refused("input 28x28x1\ndense 10\n", "looks like text");
  refused(std::string("\x89PNG\r\n\x1a\n\0\0\0\0", 12), "CNNSBX signature");
  std::string crlf = good;
  crlf[6] = '\r';
  refused(crlf, "damaged in transfer");
  // raw float32 weights (the export.h .bin file) are not a model file
  std::vector<float> w = cnn::sandbox_weights(a);
  refused(std::string(reinterpret_cast<const char*>(w.data()), w.size() * 4), "not a CNN Sandbox model file");
  // newer version (with a correct checksum: the version check comes first anyway)
  std::string newer = good;
  newer[8] = char(cnn::kModelFileVersion + 1);
  refused(newer, "newer CNN Sandbox");
  // impossible sizes
  std::string huge = good;
  huge[27] = 0x7f;
  refused(huge, "impossible sizes");
  // a well-formed file whose weights belong to another model
  cnn::ModelFile other;
  other.model_text = "input 8x8x1\ndense 3\nsoftmax\n";
  other.weights = w;
  refused(cnn::model_file_encode(other), "do not fit its model");
  cnn::ModelFile broken;
  broken.model_text = "input 8x8x1\nconv 0\n";
  refused(cnn::model_file_encode(broken), "does not");
  cnn::ModelFile nan = other;
  nan.weights.assign(size_t(8 * 8 * 3 + 3), 0.0f);
  nan.weights[5] = std::numeric_limits<float>::quiet_NaN();
  refused(cnn::model_file_encode(nan), "NaN");
  // the architecture alone loads (weights stay zero until the caller initializes them)
  cnn::ModelFile arch;
  arch.model_text = kModel;
  cnn::Network n;
  std::string err;
  CHECK(cnn::model_file_load(cnn::model_file_encode(arch), 2, &n, nullptr, &err));
}
