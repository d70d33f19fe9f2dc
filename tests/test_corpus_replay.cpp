// The fuzzers' corpora, replayed in the normal suite (natively and in wasm under node): every file
// of fuzz/corpus/<target>/ goes through the same entry point as in the libFuzzer driver
// (fuzz/fuzz_entries.h), which checks that nothing crashes, that refused inputs carry a message and
// leave the caller's object untouched, and that accepted inputs are self-consistent. Inputs that once
// crashed a fuzzer live in the corpus, so each is a regression test from then on.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../fuzz/fuzz_entries.h"
#include "lab_link.h"

namespace fs = std::filesystem;

static std::vector<uint8_t> slurp(const fs::path& p) {
  std::vector<uint8_t> bytes;
  if (FILE* f = std::fopen(p.string().c_str(), "rb")) {
    uint8_t buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(f);
  }
  return bytes;
}

TEST_CASE("corpus replay: every seed and every past finding of every fuzz target") {
  const fs::path root = fs::path(CNN_SOURCE_DIR) / "fuzz" / "corpus";
  REQUIRE_MESSAGE(fs::is_directory(root), root.string(), " is missing");
  for (const cnn_fuzz::Target& t : cnn_fuzz::targets()) {
    const fs::path dir = root / t.name;
    CAPTURE(t.name);
    REQUIRE_MESSAGE(fs::is_directory(dir), "no seed corpus for fuzz target ", t.name);
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());  // same order natively and in wasm
    CHECK_MESSAGE(files.size() >= 5, "fuzz target ", t.name, " has fewer than 5 seeds");
    for (const fs::path& f : files) {
      const std::vector<uint8_t> bytes = slurp(f);
      const std::string broken = t.run(bytes.data(), bytes.size());
      CHECK_MESSAGE(broken.empty(), f.filename().string(), ": ", broken);
    }
  }
}

// The seeds named err_* are inputs the reader must refuse, any_* may go either way, the others it
// must accept (fuzz/make_seeds.py writes them). This keeps the seed corpora honest (a seed that
// stops exercising the path it was written for fails here) and checks that refusals have a message.
using AcceptFn = bool (*)(const std::string& name, const std::vector<uint8_t>& b, std::string* msg);

static bool accepts_model_text(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::ModelSpec s;
  cnn::ModelInfo i;
  cnn::SpecError e;
  bool ok = cnn::parse_and_analyze(std::string(b.begin(), b.end()), &s, &i, &e);
  *msg = e.message;
  return ok;
}
static bool accepts_idx(const std::string& name, const std::vector<uint8_t>& b, std::string* msg) {
  if (name.rfind("single_", 0) == 0) {  // one IDX file
    cnn::IdxArray a;
    return cnn::idx_parse(b, &a, msg);
  }
  cnn::ByteSpan images, labels;  // a pair, as the fuzz target splits it
  cnn_fuzz::split2(b.data(), b.size(), &images, &labels);
  cnn::Dataset d;
  return cnn::dataset_from_idx_bytes(images, labels, {}, {}, cnn::DataOptions(), &d, msg);
}
static bool accepts_csv(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::Dataset d;
  return cnn::dataset_from_csv_text(std::string(b.begin(), b.end()), cnn::DataOptions(), &d, msg);
}
static bool accepts_gzip(const std::string& name, const std::vector<uint8_t>& b, std::string* msg) {
  std::vector<uint8_t> out;
  if (name.size() > 8 && name.compare(name.size() - 8, 8, ".deflate") == 0) return cnn::inflate_raw(b, &out, msg);
  return cnn::gunzip(b, &out, msg);
}
static bool accepts_packed(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::Dataset d;
  return cnn::dataset_from_packed(b, cnn::DataOptions(), &d, msg);
}

static bool accepts_network(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::Network net;
  return cnn::network_build_from_text(&net, std::string(b.begin(), b.end()), 2, msg);
}

static bool accepts_model_file(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::Network net;
  cnn::ModelFile f;
  return cnn::model_file_load(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), 2, &net, &f, msg);
}
// The url_state seeds are the page's links: the engine's state and the page's view keys.
static bool accepts_url_state(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  LabLink s;
  return LabLinkDecode(std::string(b.begin(), b.end()), &s, msg);
}

static bool accepts_lesson(const std::string&, const std::vector<uint8_t>& b, std::string* msg) {
  cnn::Lesson l;
  cnn::LessonError e;
  const bool ok = cnn::parse_lesson(std::string(b.begin(), b.end()), "seed", cnn_fuzz::fuzz_lesson_presets(), &l, &e);
  if (!ok) *msg = e.to_string();
  return ok;
}

TEST_CASE("corpus replay: seeds named err_* are refused with a message, the others accepted") {
  const fs::path root = fs::path(CNN_SOURCE_DIR) / "fuzz" / "corpus";
  const std::pair<const char*, AcceptFn> cases[] = {
      {"model_text", accepts_model_text},
      {"idx", accepts_idx},
      {"csv", accepts_csv},
      {"gzip", accepts_gzip},
      {"packed", accepts_packed},
      {"network", accepts_network},
      {"model_file", accepts_model_file},
      {"url_state", accepts_url_state},
      {"lesson", accepts_lesson},
  };
  int checked = 0;
  for (const auto& c : cases) {
    const std::string target = c.first;  // (not a structured binding: doctest's macros capture it)
    const AcceptFn accepts = c.second;
    for (const fs::directory_entry& e : fs::directory_iterator(root / target)) {
      const std::string name = e.path().filename().string();
      const bool must_refuse = name.rfind("err_", 0) == 0;
      const bool either = name.rfind("any_", 0) == 0 || name.rfind("crash-", 0) == 0 ||
                          name.rfind("finding-", 0) == 0;  // past findings: the replay above covers them
      std::string msg;
      const bool ok = accepts(name, slurp(e.path()), &msg);
      CAPTURE(msg);
      if (!either)
        CHECK_MESSAGE(ok != must_refuse, target, "/", name,
                      std::string(must_refuse ? " was accepted" : " was refused"));
      if (!ok) CHECK_MESSAGE(!msg.empty(), target, "/", name, " was refused without a message");
      ++checked;
    }
  }
  CHECK(checked >= 60);
}
