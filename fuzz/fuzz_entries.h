// fuzz_entries.h: one entry point per fuzz target, shared by the libFuzzer drivers (fuzz/*.cpp)
// and the corpus replay in the normal test suite (tests/test_corpus_replay.cpp), so that both feed
// the same bytes to the same engine calls and check the same properties.
//
// Each entry takes arbitrary bytes and returns "" when every property held, or a sentence saying
// which one broke. A crash, hang, sanitizer report or non-empty return is a finding. Properties:
//   - a refused input carries a message (errors carry place and cause);
//   - a refused input leaves the caller's object untouched (loaders write into a temporary);
//   - an accepted input gives a self-consistent result (sizes agree, labels in range, no NaN).
// Header-only on purpose: the drivers and the test binary compile it with their own flags.
#pragma once
#include <cmath>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cnn/data.h"
#include "cnn/lesson.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/rng.h"
#include "cnn/spec.h"
#include "cnn/url_state.h"

namespace cnn_fuzz {

// Output cap for the gzip target: large enough for every real header, small enough that a
// decompression bomb costs the fuzzer milliseconds (the real cap, kMaxInflatedBytes, is 256 MB).
constexpr size_t kFuzzMaxInflate = size_t(1) << 20;

// A dataset no loader would produce, to prove that a refused input leaves *out as it was.
inline cnn::Dataset sentinel_dataset() {
  cnn::Dataset d;
  d.name = "sentinel";
  d.shape = {1, 1, 3};
  d.num_classes = 2;
  d.class_names = {"a", "b"};
  d.train_x = {1.0f, 2.0f, 3.0f};
  d.train_y = {1};
  d.norm_mean = 7.0f;
  return d;
}

inline bool is_sentinel(const cnn::Dataset& d) {
  return d.name == "sentinel" && d.shape == cnn::Shape{1, 1, 3} && d.num_classes == 2 && d.class_names.size() == 2 &&
         d.train_x.size() == 3 && d.train_x[2] == 3.0f && d.train_y.size() == 1 && d.train_y[0] == 1 &&
         d.test_x.empty() && d.norm_mean == 7.0f;
}

// "" if `d` is a dataset the trainer can use without reading out of bounds.
inline std::string check_dataset(const cnn::Dataset& d) {
  const int64_t ss = d.sample_size();
  if (d.shape.h < 1 || d.shape.w < 1 || d.shape.c < 1) return "accepted dataset has an empty sample shape";
  if (d.train_x.size() % size_t(ss) || d.test_x.size() % size_t(ss))
    return "accepted dataset: sample buffers are not a multiple of the sample size";
  if (d.n_train() < 1) return "accepted dataset has no training sample";
  for (float v : d.train_x)
    if (!std::isfinite(v)) return "accepted dataset has a non-finite training value";
  for (float v : d.test_x)
    if (!std::isfinite(v)) return "accepted dataset has a non-finite test value";
  if (d.regression()) {
    if (d.train_t.size() != size_t(d.n_train() * d.target_dim) || d.test_t.size() != size_t(d.n_test() * d.target_dim))
      return "accepted regression dataset: target count does not match sample count";
    return "";
  }
  if (d.num_classes < 1 || d.num_classes > cnn::kMaxClasses) return "accepted dataset: class count out of range";
  if (int64_t(d.class_names.size()) != d.num_classes) return "accepted dataset: class_names.size() != num_classes";
  if (int64_t(d.train_y.size()) != d.n_train() || int64_t(d.test_y.size()) != d.n_test())
    return "accepted dataset: label count does not match sample count";
  for (int32_t y : d.train_y)
    if (y < 0 || y >= d.num_classes) return "accepted dataset: training label out of range";
  for (int32_t y : d.test_y)
    if (y < 0 || y >= d.num_classes) return "accepted dataset: test label out of range";
  if (d.n_train() > cnn::kMaxSamples || d.n_test() > cnn::kMaxSamples) return "accepted dataset exceeds kMaxSamples";
  return "";
}

// Result of a loader call: refused with a message and *out untouched, or accepted and consistent.
inline std::string check_loader(bool ok, const std::string& err, const cnn::Dataset& out, const char* what) {
  if (!ok) {
    if (err.empty()) return std::string(what) + " refused an input without a message";
    if (!is_sentinel(out)) return std::string(what) + " refused an input but changed the caller's dataset";
    return "";
  }
  std::string bad = check_dataset(out);
  return bad.empty() ? "" : std::string(what) + ": " + bad;
}

// Splits one fuzz input into two byte spans: the first two bytes (little-endian) give the length
// of the first part. Lets one target feed a pair of files (images + labels).
inline void split2(const uint8_t* data, size_t size, cnn::ByteSpan* a, cnn::ByteSpan* b) {
  if (size < 2) {
    *a = cnn::ByteSpan(data, size);
    *b = cnn::ByteSpan();
    return;
  }
  size_t n = size_t(data[0]) | size_t(data[1]) << 8;
  data += 2;
  size -= 2;
  if (n > size) n = size;
  *a = cnn::ByteSpan(data, n);
  *b = cnn::ByteSpan(data + n, size - n);
}

// --- model text: parse + analyze, and the canonical text round trip ------------------------------
inline std::string run_model_text(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError err;
  if (!cnn::parse_and_analyze(text, &spec, &info, &err)) {
    if (err.message.empty()) return "parse_and_analyze refused a model without a message";
    if (err.line < 0 || err.column < 0) return "parse_and_analyze gave a negative line or column";
    if (err.to_string().empty()) return "SpecError::to_string is empty";
    return "";
  }
  if (info.layers.size() != spec.layers.size()) return "analysis has a different layer count than the spec";
  if (info.total_params < 0 || info.total_macs < 0 || info.training_bytes < 0)
    return "analysis gave a negative total (overflow?)";
  for (const cnn::LayerInfo& l : info.layers)
    if (l.out.h < 1 || l.out.w < 1 || l.out.c < 1) return "analysis accepted a layer with an empty output";
  // parse_model(model_to_text(m)) gives back m (spec.h), in both the multi-line and link forms.
  for (bool one_line : {false, true}) {
    const std::string canon = cnn::model_to_text(spec, one_line);
    cnn::ModelSpec again;
    cnn::SpecError err2;
    if (!cnn::parse_model(canon, &again, &err2))
      return "model_to_text gave text that does not parse: " + err2.to_string() + "\n" + canon;
    if (cnn::model_to_text(again, one_line) != canon) return "model_to_text round trip changed the model:\n" + canon;
  }
  return "";
}

// --- IDX: the array parser, and the learner-files loader on an (images, labels) pair -------------
inline std::string run_idx(const uint8_t* data, size_t size) {
  {
    cnn::IdxArray arr;
    std::string err;
    if (cnn::idx_parse(cnn::ByteSpan(data, size), &arr, &err)) {
      size_t n = 1;
      for (int d : arr.dims) {
        if (d < 0) return "idx_parse accepted a negative dimension";
        n *= size_t(d);
      }
      if (arr.dims.empty() ? !arr.data.empty() : n != arr.data.size())
        return "idx_parse: data size does not match the product of the dimensions";
    } else if (err.empty()) {
      return "idx_parse refused an input without a message";
    }
  }
  cnn::ByteSpan images, labels;
  split2(data, size, &images, &labels);
  cnn::Dataset d = sentinel_dataset();
  std::string err;
  cnn::DataOptions opt;
  bool ok = cnn::dataset_from_idx_bytes(images, labels, cnn::ByteSpan(), cnn::ByteSpan(), opt, &d, &err);
  return check_loader(ok, err, d, "dataset_from_idx_bytes");
}

// --- CSV -----------------------------------------------------------------------------------------
inline std::string run_csv(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  cnn::Dataset d = sentinel_dataset();
  std::string err;
  cnn::DataOptions opt;
  bool ok = cnn::dataset_from_csv_text(text, opt, &d, &err);
  return check_loader(ok, err, d, "dataset_from_csv_text");
}

// --- gzip / DEFLATE ------------------------------------------------------------------------------
inline std::string run_gzip(const uint8_t* data, size_t size) {
  cnn::ByteSpan in(data, size);
  {
    std::vector<uint8_t> out;
    std::string err;
    if (cnn::gunzip(in, &out, &err, kFuzzMaxInflate)) {
      if (out.size() > kFuzzMaxInflate) return "gunzip wrote more than max_out";
      if (!cnn::is_gzip(in)) return "gunzip accepted input without the gzip magic";
    } else if (err.empty()) {
      return "gunzip refused an input without a message";
    }
  }
  {
    std::vector<uint8_t> out;
    std::string err;
    size_t consumed = size_t(-1);
    if (cnn::inflate_raw(in, &out, &err, kFuzzMaxInflate, &consumed)) {
      if (out.size() > kFuzzMaxInflate) return "inflate_raw wrote more than max_out";
      if (consumed > size) return "inflate_raw consumed more bytes than it was given";
    } else if (err.empty()) {
      return "inflate_raw refused an input without a message";
    }
  }
  return "";
}

// --- the packed Fashion-MNIST subset format ------------------------------------------------------
inline std::string run_packed(const uint8_t* data, size_t size) {
  cnn::Dataset d = sentinel_dataset();
  std::string err;
  cnn::DataOptions opt;
  bool ok = cnn::dataset_from_packed(cnn::ByteSpan(data, size), opt, &d, &err);
  return check_loader(ok, err, d, "dataset_from_packed");
}

// --- a whole network from model text: build, init, forward, loss, backward, trace ----------------
// Every layer kernel with the odd shapes a fuzzer invents (padding larger than the kernel, dilation,
// strides that skip rows, 1x1 images), under ASan and UBSan. Small models only, to stay fast.
constexpr int64_t kFuzzMaxNetBytes = int64_t(4) << 20;
constexpr int64_t kFuzzMaxMacs = 2000000;

inline std::string run_network(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError se;
  if (!cnn::parse_and_analyze(text, &spec, &info, &se)) return "";  // the model_text target's job
  const int batch = 2;
  if (spec.layers.empty() || info.total_macs > kFuzzMaxMacs ||
      cnn::network_bytes_needed(spec, info, batch) > kFuzzMaxNetBytes)
    return "";
  cnn::Network net;
  std::string err;
  if (!cnn::network_build(&net, spec, batch, &err)) {
    if (err.empty()) return "network_build refused a model the analysis accepted, without a message";
    return "";
  }
  cnn::network_init(&net, 1);
  for (float w : net.params)
    if (!std::isfinite(w)) return "network_init gave a non-finite weight";
  const int64_t in = net.info.input.size(), out = net.out_size();
  std::vector<float> x(size_t(batch * in));
  cnn::Rng rng(size, 3);
  for (float& v : x) v = rng.uniform() * 2.0f - 1.0f;
  const int32_t labels[batch] = {0, out > 1 ? 1 : 0};
  for (bool training : {true, false}) {
    const float* y = cnn::network_forward(&net, x.data(), batch, training);
    if (!y) return "network_forward refused a batch within max_batch";
    const float loss = cnn::network_loss(&net, labels, nullptr);
    cnn::network_zero_grad(&net);
    cnn::network_backward(&net, true);
    (void)loss;  // may be large for deep random nets; finiteness is the trainer's job
  }
  cnn::SampleTrace trace;
  if (!cnn::network_trace_sample(&net, x.data(), labels[0], nullptr, &trace, &err) && err.empty())
    return "network_trace_sample failed without a message";
  return "";
}

// --- model files (.cnnmodel): decode, and load into a network ------------------------------------
inline std::string run_model_file_once(std::string_view bytes);

// Each input is tried as it is (the checksum must catch damage) and once more with its CRC-32
// made right, so that the fuzzer also explores what lies behind the checksum (sizes, model text,
// weights) instead of stopping at it.
inline std::string run_model_file(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string r = run_model_file_once(bytes);
  if (!r.empty() || size < cnn::kModelFileHeaderBytes) return r;
  std::string fixed(bytes);
  uint32_t crc = cnn::crc32_ieee(fixed.data(), 28);
  crc = cnn::crc32_ieee(fixed.data() + cnn::kModelFileHeaderBytes, fixed.size() - cnn::kModelFileHeaderBytes, crc);
  for (int i = 0; i < 4; ++i) fixed[size_t(28 + i)] = char((crc >> (8 * i)) & 0xFF);
  r = run_model_file_once(fixed);
  return r.empty() ? "" : "(with the CRC fixed) " + r;
}

inline std::string run_model_file_once(std::string_view bytes) {
  {
    cnn::ModelFile f;
    f.model_text = "sentinel";
    std::string err;
    if (cnn::model_file_decode(bytes, &f, &err)) {
      // What decodes must encode back to the same bytes (the format has one spelling).
      if (cnn::model_file_encode(f) != bytes) return "model_file_encode(decode(b)) != b";
    } else {
      if (err.empty()) return "model_file_decode refused a file without a message";
      if (f.model_text != "sentinel" || !f.settings.empty() || !f.weights.empty())
        return "model_file_decode refused a file but changed its output";
    }
  }
  // Loading into an existing network: refused files leave it as it was; loaded ones hold finite weights.
  static cnn::Network* net = [] {
    auto* n = new cnn::Network;
    std::string e;
    if (!cnn::network_build_from_text(n, "input 1x1x2\ndense 3\nbatchnorm\nsoftmax\n", 2, &e)) std::abort();
    cnn::network_init(n, 5);
    return n;
  }();
  cnn::Network target;
  {
    std::string e;
    cnn::network_build_from_text(&target, "input 1x1x2\ndense 3\nbatchnorm\nsoftmax\n", 2, &e);
    cnn::network_init(&target, 5);
  }
  cnn::ModelFile f;
  std::string err;
  if (!cnn::model_file_load(bytes, 2, &target, &f, &err)) {
    if (err.empty()) return "model_file_load refused a file without a message";
    if (target.params != net->params || !(target.spec.input == net->spec.input))
      return "model_file_load refused a file but changed the current network";
    return "";
  }
  for (float w : target.params)
    if (!std::isfinite(w)) return "model_file_load accepted a file with non-finite weights";
  for (const cnn::LayerState& s : target.state)
    for (float v : s.running_var)
      if (!(v >= 0) || !std::isfinite(v)) return "model_file_load accepted a negative or non-finite running variance";
  return "";
}

// --- URL state: strict decode, and decode(encode(s)) == s --------------------------------------------
inline std::string run_url_state(const uint8_t* data, size_t size) {
  std::string_view frag(reinterpret_cast<const char*>(data), size);
  cnn::UrlState s;
  s.data = "sentinel";
  std::string err;
  if (!cnn::url_state_decode(frag, &s, &err, true)) {  // a page's keys are handed back, not refused
    if (err.empty()) return "url_state_decode refused a fragment without a message";
    if (s.data != "sentinel" || s.has_model) return "url_state_decode refused a fragment but changed its output";
    return "";
  }
  const std::string enc = cnn::url_state_encode(s);
  cnn::UrlState again;
  std::string err2;
  if (!cnn::url_state_decode(enc, &again, &err2, true))
    return "url_state_encode wrote a fragment that does not decode: " + err2;
  if (again != s) return "url_state round trip changed the state: " + enc;
  if (s.model.size() > cnn::kMaxModelBytes) return "url_state_decode accepted a model text beyond kMaxModelBytes";
  for (char c : s.model)
    if ((unsigned char)c < 0x20 && c != '\n' && c != '\t' && c != '\r')
      return "url_state_decode accepted a control character in the model";
  return "";
}

// --- lesson files: strict parse, one message with a place, the caller's lesson untouched ---------
// An accepted lesson is self-consistent: each number exercise's answer computes, each choice has a
// right option and a why per option, each task has conditions, and a typed answer gets a verdict.
// The fuzzed lessons know one preset, "tiny" (the page passes its presets, the tests assets/presets/).
inline const cnn::PresetLookup& fuzz_lesson_presets() {
  static const cnn::PresetLookup lookup = [](const std::string& name, std::string* t) {
    if (name != "tiny") return false;
    *t = "input 8x8x1\nconv 2 k3 s2 p1\nrelu\nmaxpool k2\ndense 3\nsoftmax\n";
    return true;
  };
  return lookup;
}

inline std::string run_lesson(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const cnn::PresetLookup& presets = fuzz_lesson_presets();
  cnn::Lesson l;
  l.title = "sentinel";
  cnn::LessonError err;
  if (!cnn::parse_lesson(text, "fuzz", presets, &l, &err)) {
    if (err.message.empty()) return "parse_lesson refused a lesson without a message";
    if (err.line < 0 || err.column < 0) return "parse_lesson gave a negative line or column";
    if (l.title != "sentinel" || !l.exercises.empty()) return "parse_lesson refused a lesson but changed its output";
    return "";
  }
  if (l.title.empty()) return "parse_lesson accepted a lesson without a title";
  const std::string model = cnn::lesson_model_text(l, presets);
  for (const cnn::Exercise& e : l.exercises) {
    if (e.ask.empty()) return "an accepted exercise has no question";
    if (e.kind == cnn::ExerciseKind::number) {
      cnn::NumberAnswer a;
      std::string why;
      if (!cnn::lesson_compute(e.answer, model, &a, &why))
        return "an accepted number exercise does not compute: " + why;
      if (!std::isfinite(a.value)) return "an accepted number exercise has a non-finite answer";
      if (cnn::lesson_check_number(e, model, "12").message.empty()) return "a typed answer got no verdict";
    } else if (e.kind == cnn::ExerciseKind::choice) {
      bool right = false;
      for (const cnn::LessonOption& o : e.options) {
        right |= o.right;
        if (o.why.empty()) return "an accepted option has no explanation";
      }
      if (!right || e.options.size() < 2) return "an accepted choice has no right option or fewer than 2";
    } else {
      if (e.conditions.empty()) return "an accepted task has no condition";
      cnn::LessonLab lab;
      lab.model_text = model;
      if (cnn::lesson_check_task(e, lab).lines.size() != e.conditions.size())
        return "a task verdict lacks a line per condition";
    }
  }
  return "";
}

struct Target {
  const char* name;  // folder under fuzz/corpus/, and fuzz_<name> is the libFuzzer binary
  std::string (*run)(const uint8_t*, size_t);
};

// Every target; the replay test walks this list, scripts/fuzz.sh finds the binaries by name.
inline const std::vector<Target>& targets() {
  static const std::vector<Target> t = {
      {"model_text", run_model_text},
      {"idx", run_idx},
      {"csv", run_csv},
      {"gzip", run_gzip},
      {"packed", run_packed},
      {"network", run_network},
      {"model_file", run_model_file},
      {"url_state", run_url_state},
      {"lesson", run_lesson},
  };
  return t;
}

}  // namespace cnn_fuzz
