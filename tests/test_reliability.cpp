// Reliability (issue 10): one test per class of bad input the engine reads (model text, model
// weights file, IDX, CSV, gzip), each checking that a malformed input is refused with a message a
// learner can act on and that the current state (model, network, dataset) stays as it was; the
// memory budget (a model too big is refused before anything is allocated); and regression tests for
// what the fuzzers found (fuzz/, scripts/fuzz.sh).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/export.h"
#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/spec.h"
#include "net_tests.h"

// --- a test hook for allocation failures ---------------------------------------------------------
// The global operator new of this test binary can be told to throw std::bad_alloc, so the tests can
// check what the engine does when an allocation fails although the budget said it would fit.
// Natively and without AddressSanitizer only: ASan has its own operator new (and checks new/delete
// pairing through it), and in wasm a throw cannot be caught unless the module is built with
// exceptions (-fwasm-exceptions; see the report of issue 10).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNN_TEST_NO_NEW_HOOK 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__EMSCRIPTEN__)
#define CNN_TEST_NO_NEW_HOOK 1
#endif

#ifndef CNN_TEST_NO_NEW_HOOK
#include <atomic>
#include <cstdlib>
#include <new>
namespace alloc_hook {
// Allocations of at least `fail_from_bytes` bytes fail once `skip` of them have succeeded.
size_t fail_from_bytes = ~size_t(0);
int skip = 0;
int failures = 0;
// Bytes allocated and not yet freed (every new and delete of the binary goes through here).
std::atomic<long long> live_bytes{0};  // atomic: other tests may allocate from threads
}  // namespace alloc_hook

void* operator new(size_t n) {
  if (n >= alloc_hook::fail_from_bytes) {
    if (alloc_hook::skip > 0) {
      --alloc_hook::skip;
    } else {
      ++alloc_hook::failures;
      throw std::bad_alloc();
    }
  }
  // A 16-byte header keeps the size (and the default new alignment) for the live-bytes count.
  void* p = std::malloc(n + 16);
  if (!p) throw std::bad_alloc();
  *static_cast<size_t*>(p) = n;
  alloc_hook::live_bytes += (long long)n;
  return static_cast<char*>(p) + 16;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  char* base = static_cast<char*>(p) - 16;
  alloc_hook::live_bytes -= (long long)*reinterpret_cast<size_t*>(base);
  std::free(base);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void* operator new[](size_t n) { return operator new(n); }
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }
#endif

namespace {

const char* kLenet =
    "input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nconv 16 k5\nrelu\nmaxpool k2\n"
    "dense 120\nrelu\ndense 84\nrelu\ndense 10\nsoftmax\n";

std::vector<uint8_t> idx_bytes(const std::vector<int>& dims, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b = {0, 0, 0x08, uint8_t(dims.size())};
  for (int d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(uint32_t(d) >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// A small valid image/label pair: 6 images of 3x3, labels 0,1,2,0,1,2.
struct IdxPair {
  std::vector<uint8_t> images, labels;
  IdxPair() {
    std::vector<uint8_t> px(6 * 9);
    for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t(i * 29);
    images = idx_bytes({6, 3, 3}, px);
    labels = idx_bytes({6}, {0, 1, 2, 0, 1, 2});
  }
};

// A DEFLATE stream (fixed Huffman codes, RFC 1951 3.2.6) of one literal 0 followed by `copies`
// back-references of length 258 at distance 1: 1 + 258*copies zero bytes from ~13 bits per copy.
std::vector<uint8_t> deflate_zero_bomb(int copies) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int n = 0;
  auto put = [&](uint32_t v, int bits) {  // bits go out least-significant first
    for (int i = 0; i < bits; ++i) {
      acc |= ((v >> i) & 1u) << n;
      if (++n == 8) {
        out.push_back(uint8_t(acc));
        acc = 0;
        n = 0;
      }
    }
  };
  auto code = [&](uint32_t c, int len) {  // Huffman codes go out most-significant first
    for (int i = len - 1; i >= 0; --i) put((c >> i) & 1u, 1);
  };
  put(1, 1);      // BFINAL
  put(1, 2);      // BTYPE = 01, fixed codes
  code(0x30, 8);  // literal 0
  for (int i = 0; i < copies; ++i) {
    code(0xC5, 8);  // length symbol 285 = 258
    code(0, 5);     // distance symbol 0 = 1
  }
  code(0, 7);  // end of block (256)
  if (n) out.push_back(uint8_t(acc));
  return out;
}

}  // namespace

// --- model text --------------------------------------------------------------------------------

TEST_CASE("bad input, model text: refused with line, column and a hint; the current model stays") {
  cnn::ModelSpec spec;
  cnn::SpecError err;
  REQUIRE(cnn::parse_model(kLenet, &spec, &err));
  const std::string before = cnn::model_to_text(spec);

  struct Bad {
    const char* text;
    int line;
  };
  const Bad bad[] = {
      {"input 28x28x1\nconvolution 6 k5\n", 2},  // unknown keyword
      {"conv 6 k5\n", 1},                        // no input line
      {"input 28x28x1\nconv 0 k5\n", 2},         // zero maps
      {"input 28x28x1\nconv 6 k5 s0\n", 2},      // zero stride
      {"input 99999999999999999999x1x1\n", 1},   // overflows any integer
      {"input 28x28x1\ndropout 1.5\n", 2},       // rate outside [0, 1)
      {"input 28x28x1\nconv 6 k5 q3\n", 2},      // unknown option
  };
  for (const Bad& b : bad) {
    CAPTURE(b.text);
    cnn::SpecError e;
    CHECK_FALSE(cnn::parse_model(b.text, &spec, &e));
    CHECK_FALSE(e.message.empty());
    CHECK(e.line == b.line);
    CHECK(cnn::model_to_text(spec) == before);  // the spec we had is untouched
  }
  // Errors only the analysis can see carry a place too.
  cnn::ModelInfo info;
  cnn::SpecError e;
  CHECK_FALSE(cnn::parse_and_analyze("input 4x4x1\nconv 2 k5\n", nullptr, &info, &e));
  CHECK(e.line == 2);
  CHECK_FALSE(e.message.empty());
  CHECK(e.to_string().find("line 2") != std::string::npos);
}

TEST_CASE("bad input, model text: binary junk, NUL bytes and very long lines are refused, not crashed on") {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(char((i * 131 + 7) & 0xFF));
  std::string nul = std::string("input 8x8x1\nconv 2") + '\0' + " k3\n";
  std::string longline = "input 8x8x1\nconv 2 k3 " + std::string(100000, 'p') + "\n";
  std::string deep = "input 8x8x1\n";
  for (int i = 0; i < cnn::kMaxLayers + 5; ++i) deep += "relu\n";
  for (const std::string& t : {junk, nul, longline, deep}) {
    cnn::ModelSpec s;
    cnn::ModelInfo info;
    cnn::SpecError e;
    CHECK_FALSE(cnn::parse_and_analyze(t, &s, &info, &e));
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("memory, model text: a model beyond the page's budget is analyzed, and refused at build with the size") {
  cnn::ModelInfo info;
  cnn::SpecError e;
  // 4096x4096x3 input, 64 maps of the same size: 4 GiB of activations per sample alone. The
  // analysis reports it (issue 15 item 14); building a network for it is refused, nothing allocated.
  REQUIRE(cnn::parse_and_analyze("input 4096x4096x3\nconv 64 k3 same\nrelu\n", nullptr, &info, &e));
  CHECK(info.training_bytes > int64_t(2 * 4) * 4096 * 4096 * 64 * cnn::kBudgetBatch);
  cnn::Network net;
  std::string err;
  CHECK_FALSE(cnn::network_build_from_text(&net, "input 4096x4096x3\nconv 64 k3 same\nrelu\n", 1, &err));
  CHECK(err.find("budget") != std::string::npos);
  // The largest sizes the parser allows cannot overflow the analysis' arithmetic.
  CHECK_FALSE(
      cnn::parse_and_analyze("input 65536x65536x65536\nconv 65536 k65536 d65536 p65536\n"
                             "dense 65536\n",
                             nullptr, &info, &e));
  CHECK_FALSE(e.message.empty());
}

// --- IDX ---------------------------------------------------------------------------------------

TEST_CASE("bad input, IDX: each broken file is refused with a message and the current dataset stays") {
  const IdxPair good;
  cnn::Dataset d;
  std::string err;
  REQUIRE(cnn::dataset_from_idx_bytes(good.images, good.labels, {}, {}, cnn::DataOptions(), &d, &err));
  const uint64_t sum = cnn::dataset_checksum(d);
  const int64_t n = d.n_train() + d.n_test();
  CHECK(n == 6);

  std::vector<std::vector<uint8_t>> bad_images = {
      {},                                              // empty file
      {0, 0, 8},                                       // shorter than the magic
      idx_bytes({6, 3, 3}, std::vector<uint8_t>(53)),  // one byte short
      idx_bytes({6, 3, 3}, std::vector<uint8_t>(55)),  // one byte too many
      idx_bytes({60000, 65535, 65535}, {}),            // header claims ~256 GB
      idx_bytes({6, 0, 3}, {}),                        // a zero dimension
      idx_bytes({6}, std::vector<uint8_t>(6)),         // labels given as images
  };
  std::vector<uint8_t> float_type = good.images;
  float_type[2] = 0x0D;  // float32 elements
  bad_images.push_back(float_type);
  std::vector<uint8_t> bad_magic = good.images;
  bad_magic[0] = 0x1f;  // not gzip either
  bad_images.push_back(bad_magic);
  for (size_t i = 0; i < bad_images.size(); ++i) {
    CAPTURE(i);
    std::string e;
    CHECK_FALSE(cnn::dataset_from_idx_bytes(bad_images[i], good.labels, {}, {}, cnn::DataOptions(), &d, &e));
    CHECK_FALSE(e.empty());
    CHECK(cnn::dataset_checksum(d) == sum);
  }
  // Labels: count mismatch, and a label file that is an image file.
  std::string e;
  CHECK_FALSE(
      cnn::dataset_from_idx_bytes(good.images, idx_bytes({5}, {0, 1, 2, 0, 1}), {}, {}, cnn::DataOptions(), &d, &e));
  CHECK_FALSE(e.empty());
  e.clear();
  CHECK_FALSE(cnn::dataset_from_idx_bytes(good.images, good.images, {}, {}, cnn::DataOptions(), &d, &e));
  CHECK_FALSE(e.empty());
  CHECK(cnn::dataset_checksum(d) == sum);
}

// --- CSV ---------------------------------------------------------------------------------------

TEST_CASE("bad input, CSV: each broken file is refused with a message and the current dataset stays") {
  cnn::Dataset d;
  std::string err;
  REQUIRE(cnn::dataset_from_csv_text("0,0.5,1\n1,1.5,2\n0,0.25,3\n1,2.5,4\n", cnn::DataOptions(), &d, &err));
  const uint64_t sum = cnn::dataset_checksum(d);
  const char* bad[] = {
      "",                          // empty
      "label,x,y\n",               // a header and nothing else
      "0,1,2\n1,3\n",              // ragged rows
      "0,1,abc\n1,2,3\n",          // a word among the values
      "0,nan,1\n1,2,3\n",          // not a number
      "0,inf,1\n1,2,3\n",          // infinite
      "0,1,2,3,999\n1,4,5,6,7\n",  // image values beyond 0..255
      "0\n1\n",                    // labels without values
      "0,1e999,1\n1,2,3\n",        // overflows a float
  };
  for (const char* text : bad) {
    CAPTURE(text);
    std::string e;
    CHECK_FALSE(cnn::dataset_from_csv_text(text, cnn::DataOptions(), &d, &e));
    CHECK_FALSE(e.empty());
    CHECK(cnn::dataset_checksum(d) == sum);
  }
}

// --- gzip --------------------------------------------------------------------------------------

TEST_CASE("bad input, gzip: a decompression bomb stops at the output limit with a message") {
  const int copies = 8000;  // 2,064,001 zero bytes from about 13 kB
  const std::vector<uint8_t> bomb = deflate_zero_bomb(copies);
  CHECK(bomb.size() < 14000);
  std::vector<uint8_t> out;
  std::string err;
  size_t consumed = 0;
  REQUIRE(cnn::inflate_raw(bomb, &out, &err, size_t(4) << 20, &consumed));  // the stream is valid
  CHECK(out.size() == size_t(1) + size_t(258) * copies);
  CHECK(consumed == bomb.size());
  out.clear();
  CHECK_FALSE(cnn::inflate_raw(bomb, &out, &err, size_t(1) << 20));
  CHECK_FALSE(err.empty());
  CHECK(out.size() <= (size_t(1) << 20));

  // The same stream in a gzip member (CRC and length of the full output).
  std::vector<uint8_t> gz = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  gz.insert(gz.end(), bomb.begin(), bomb.end());
  std::vector<uint8_t> zeros(size_t(1) + size_t(258) * copies, 0);
  const uint32_t crc = cnn::crc32(zeros.data(), zeros.size());
  const uint32_t len = uint32_t(zeros.size());
  for (int s = 0; s < 32; s += 8) gz.push_back(uint8_t(crc >> s));
  for (int s = 0; s < 32; s += 8) gz.push_back(uint8_t(len >> s));
  out.clear();
  REQUIRE(cnn::gunzip(gz, &out, &err, size_t(4) << 20));
  CHECK(out == zeros);
  err.clear();
  CHECK_FALSE(cnn::gunzip(gz, &out, &err, size_t(1) << 20));
  CHECK_FALSE(err.empty());
  // A damaged copy (one bit flipped in the CRC) is refused.
  gz[gz.size() - 8] ^= 1;
  err.clear();
  CHECK_FALSE(cnn::gunzip(gz, &out, &err, size_t(4) << 20));
  CHECK_FALSE(err.empty());
}

// --- regression tests for fuzzer findings (the inputs also live in fuzz/corpus/) -----------------

TEST_CASE("fuzz finding: a truncated dynamic-Huffman stream is refused at once, not inflated to the limit") {
  // fuzz_packed, fuzz_idx: past the end of the input the bit reader hands out zeros, which this
  // block's code decodes as literals; the decoder only checked for truncation after length/distance
  // pairs, so it produced literals up to max_out (256 MB, seconds of work) before refusing.
  const std::vector<uint8_t> gz = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0xf6, 0xf3, 0x0b, 0x70, 0x74,
                                   0xf6, 0x36, 0x81, 0xd7, 0x71, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
                                   0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x00, 0x00};
  std::vector<uint8_t> out;
  std::string err;
  CHECK_FALSE(cnn::gunzip(gz, &out, &err));
  CHECK(err.find("truncated") != std::string::npos);
  CHECK(out.empty());
  // The raw stream after the 10-byte header, through inflate_raw directly.
  out.clear();
  err.clear();
  CHECK_FALSE(cnn::inflate_raw(cnn::ByteSpan(gz.data() + 10, gz.size() - 10), &out, &err));
  CHECK(err.find("truncated") != std::string::npos);
  CHECK(out.size() < 4096);
}

TEST_CASE("fuzz finding: CSV values finite as doubles but not as floats are refused") {
  // fuzz_csv: "2e55" and "-1e73" passed the finite-double check and became +-inf floats in the
  // dataset (then NaN after normalization), which would have poisoned training silently.
  for (const char* text :
       {"0,0,2e55,1,1\n1,1,2,3,4\n0,1,2,3,4\n1,1,2,3,4\n", "0,0.5,-0.25\n1,-1e73,3e2\n0,1,1\n1,2,2\n",
        "0,3.4e38,-3.4e38\n1,-3.4e38,3.4e38\n0,1,1\n1,2,2\n"}) {
    CAPTURE(text);
    cnn::Dataset d;
    std::string err;
    CHECK_FALSE(cnn::dataset_from_csv_text(text, cnn::DataOptions(), &d, &err));
    CHECK(err.find("too large") != std::string::npos);
  }
  // Large values that do fit are kept and normalize to finite numbers.
  cnn::Dataset d;
  std::string err;
  REQUIRE(cnn::dataset_from_csv_text("0,1e30,-1e30\n1,-1e30,1e30\n0,1,1\n1,2,2\n", cnn::DataOptions(), &d, &err));
  for (float v : d.train_x) CHECK(std::isfinite(v));
}

// --- memory: the budget is checked before anything is allocated -----------------------------------

TEST_CASE("memory: a network beyond the budget is refused with its size, nothing allocated, the current one kept") {
  cnn::Network net;
  std::string err;
  net_tests::build_init(&net, "input 1x1x2\ndense 3\nsoftmax\n", 4, 7);
  const std::vector<float> params = net.params;

  // Fits the analysis (batch 32) but not with a batch of 100,000.
  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError se;
  REQUIRE(cnn::parse_and_analyze(kLenet, &spec, &info, &se));
  const int big_batch = 100000;
  const int64_t need = cnn::network_bytes_needed(spec, info, big_batch);
  CHECK(need > cnn::kMemoryBudgetBytes);
  CHECK(cnn::network_bytes_needed(spec, info, 64) < cnn::kMemoryBudgetBytes);
#ifndef CNN_TEST_NO_NEW_HOOK
  err = std::string();
  const long long live_before = alloc_hook::live_bytes.load();
  alloc_hook::fail_from_bytes = size_t(1) << 20;  // any large allocation would be a finding
  alloc_hook::skip = 0;
  alloc_hook::failures = 0;
#endif
  bool built;
  {
    std::string e;  // scoped, so that the message's own bytes are freed before counting
    built = cnn::network_build(&net, spec, big_batch, &e);
    err = std::string(e.c_str());
  }
#ifndef CNN_TEST_NO_NEW_HOOK
  alloc_hook::fail_from_bytes = ~size_t(0);
  CHECK(alloc_hook::failures == 0);  // refused before trying to allocate
  // and nothing left behind (err's new copy is the only new allocation)
  CHECK(alloc_hook::live_bytes.load() - (long long)err.capacity() - 1 <= live_before);
#endif
  CHECK_FALSE(built);
  CHECK(err.find("budget") != std::string::npos);
  CHECK((err.find("MiB") != std::string::npos || err.find("GiB") != std::string::npos));
  CHECK(err.find(cnn::format_bytes(need)) != std::string::npos);
  // The network we had is intact and still works.
  CHECK(net.spec.input == cnn::Shape{1, 1, 2});
  CHECK(net.params == params);
  const float x[2] = {0.5f, -0.5f};
  const float* y = cnn::network_forward(&net, x, 1, false);
  CHECK(y[0] + y[1] + y[2] == doctest::Approx(1.0f));

  // A model whose activations alone exceed the budget is refused at build, with its size.
  err.clear();
  CHECK_FALSE(cnn::network_build_from_text(&net, "input 2048x2048x3\nconv 64 k3 same\nrelu\n", 1, &err));
  CHECK_FALSE(err.empty());
  CHECK(net.params == params);
  // Nonsense batch sizes.
  for (int b : {0, -1, -2147483647 - 1}) {
    err.clear();
    CHECK_FALSE(cnn::network_build_from_text(&net, kLenet, b, &err));
    CHECK_FALSE(err.empty());
  }
  CHECK(net.params == params);
}

TEST_CASE("memory: the largest batch the parser allows cannot overflow the size computation") {
  cnn::ModelSpec spec;
  cnn::ModelInfo info;
  cnn::SpecError se;
  REQUIRE(cnn::parse_and_analyze(kLenet, &spec, &info, &se));
  const int64_t need = cnn::network_bytes_needed(spec, info, 2147483647);
  CHECK(need > cnn::kMemoryBudgetBytes);  // not wrapped around to a small or negative number
  cnn::Network net;
  std::string err;
  CHECK_FALSE(cnn::network_build(&net, spec, 2147483647, &err));
  CHECK_FALSE(err.empty());
  CHECK(net.params.empty());
}

#ifndef CNN_TEST_NO_NEW_HOOK
TEST_CASE("memory: std::bad_alloc at any large allocation of network_build is caught, reported, and leaks nothing") {
  cnn::Network net;
  std::string err;
  net_tests::build_init(&net, "input 1x1x2\ndense 3\nsoftmax\n", 4, 3);
  const std::vector<float> params = net.params;
  // LeNet with a batch of 64: the arenas and most activation buffers are 64 KiB or more.
  int failed_builds = 0;
  for (int k = 0; k < 200; ++k) {
    CAPTURE(k);
    err = std::string();
    const long long live_before = alloc_hook::live_bytes.load();
    alloc_hook::fail_from_bytes = 65536;  // above anything the parser and analysis allocate
    alloc_hook::skip = k;                 // the k-th large allocation fails
    alloc_hook::failures = 0;
    bool ok;
    {
      std::string e;  // scoped, so that the message's own bytes are freed before counting
      ok = cnn::network_build_from_text(&net, kLenet, 64, &e);
      alloc_hook::fail_from_bytes = ~size_t(0);
      err = e;
    }
    const long long live_after = alloc_hook::live_bytes.load() - (long long)err.capacity() - 1;
    if (ok) {
      CHECK(alloc_hook::failures == 0);
      break;
    }
    ++failed_builds;
    CHECK(alloc_hook::failures == 1);
    CHECK(err.find("out of memory") != std::string::npos);
    CHECK(live_after <= live_before);  // the half-built network was freed
    CHECK(net.params == params);       // and the current one kept
    CHECK(net.max_batch == 4);
  }
  CHECK(failed_builds >= 10);  // acts, dacts, params, grads, caches, workspace...
  CHECK(net.max_batch == 64);  // the last attempt, with no failure, built it
}
#endif

// --- model files ---------------------------------------------------------------------------------

namespace {
const char* kBnModel = "input 1x1x2\ndense 3\nbatchnorm\nsoftmax\n";

// A trained-looking network and its .cnnmodel file.
std::string bn_model_file(cnn::Network* net) {
  std::string err;
  REQUIRE(cnn::network_build_from_text(net, kBnModel, 2, &err));
  cnn::network_init(net, 11);
  net->state[1].running_mean = {0.5f, -0.5f, 0.25f};
  net->state[1].running_var = {1.5f, 0.5f, 2.0f};
  return cnn::model_file_from_network(*net, kBnModel, "v=1&data=spirals");
}

// Rewrites the CRC-32 of a .cnnmodel after a deliberate edit (a crafted file, not a damaged one).
void fix_crc(std::string* b) {
  uint32_t crc = cnn::crc32_ieee(b->data(), 28);
  crc = cnn::crc32_ieee(b->data() + cnn::kModelFileHeaderBytes, b->size() - cnn::kModelFileHeaderBytes, crc);
  for (int i = 0; i < 4; ++i) (*b)[size_t(28 + i)] = char((crc >> (8 * i)) & 0xFF);
}

void set_float(std::string* b, size_t at, float v) { std::memcpy(&(*b)[at], &v, 4); }
}  // namespace

TEST_CASE(
    "bad input, model file: damaged, cut, foreign, newer or crafted files are refused and the current model stays") {
  cnn::Network saved;
  const std::string good = bn_model_file(&saved);
  cnn::Network net;
  cnn::ModelFile f;
  std::string err;
  REQUIRE(cnn::model_file_load(good, 2, &net, &f, &err));
  REQUIRE(net.params == saved.params);
  const std::vector<float> params = net.params;
  const size_t weights_at = cnn::kModelFileHeaderBytes + std::strlen(kBnModel) + f.settings.size() +
                            (f.version >= 2 ? 4 + cnn::data_notes_encode(f.data).size() : 0);

  std::vector<std::pair<const char*, std::string>> bad;
  std::string flipped = good;
  flipped[weights_at + 5] ^= 0x10;  // one bit of one weight
  bad.push_back({"one bit flipped", flipped});
  bad.push_back({"cut short", good.substr(0, good.size() - 7)});
  bad.push_back({"empty", std::string()});
  bad.push_back({"a PNG", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)});
  bad.push_back({"model text", std::string(kBnModel)});
  std::string newer = good;
  newer[8] = char(cnn::kModelFileVersion + 1);
  fix_crc(&newer);
  bad.push_back({"newer version", newer});
  std::string extra = good + "junk";
  fix_crc(&extra);
  bad.push_back({"bytes after the weights", extra});
  std::string nan = good;
  set_float(&nan, weights_at + 4, std::numeric_limits<float>::quiet_NaN());
  fix_crc(&nan);
  bad.push_back({"NaN weight with a valid checksum", nan});
  // fuzz_model_file finding: a negative running variance (valid checksum) was accepted, and the
  // batchnorm layer then answered NaN for every input.
  std::string negvar = good;
  set_float(&negvar, good.size() - 4, -2.0f);  // the last float: running_var[2]
  fix_crc(&negvar);
  bad.push_back({"negative running variance", negvar});

  for (const auto& b : bad) {
    CAPTURE(b.first);
    cnn::ModelFile out;
    out.model_text = "kept";
    std::string e;
    CHECK_FALSE(cnn::model_file_load(b.second, 2, &net, &out, &e));
    CHECK_FALSE(e.empty());
    CHECK(out.model_text == "kept");
    CHECK(net.params == params);
    CHECK(net.state[1].running_var == saved.state[1].running_var);
  }
}

TEST_CASE("bad input, weights file: wrong size, NaN or a negative variance is refused before anything is written") {
  cnn::Network net;
  (void)bn_model_file(&net);
  const std::vector<float> params = net.params;
  const std::vector<float> running_var = net.state[1].running_var;
  std::vector<float> w = cnn::sandbox_weights(net);
  std::string err;
  w[w.size() - 1] = -1.0f;  // running variance
  CHECK_FALSE(cnn::load_sandbox_weights(&net, w.data(), int64_t(w.size()), &err));
  CHECK(err.find("variance") != std::string::npos);
  w[w.size() - 1] = 1.0f;
  w[0] = std::numeric_limits<float>::infinity();
  err.clear();
  CHECK_FALSE(cnn::load_sandbox_weights(&net, w.data(), int64_t(w.size()), &err));
  CHECK(err.find("NaN or infinite") != std::string::npos);
  w[0] = 0.5f;
  err.clear();
  CHECK_FALSE(cnn::load_sandbox_weights(&net, w.data(), int64_t(w.size()) - 1, &err));
  CHECK_FALSE(err.empty());
  CHECK(net.params == params);
  CHECK(net.state[1].running_var == running_var);
  CHECK(cnn::load_sandbox_weights(&net, w.data(), int64_t(w.size()), &err));  // and a good one loads
  CHECK(net.params[0] == 0.5f);
}

TEST_CASE("fuzz finding: tracing a sample through a network without parameters") {
  // fuzz_network (UBSan): network_trace_sample restored the gradient arena with memcpy from an empty
  // vector's null data() when no layer has parameters. The sanitize stage of test-all.sh runs this.
  cnn::Network net;
  std::string err;
  REQUIRE(cnn::network_build_from_text(&net, "input 2x2x1\nrelu\n", 1, &err));
  const float x[4] = {-1.0f, 0.5f, 2.0f, -0.25f};
  cnn::SampleTrace trace;
  REQUIRE(cnn::network_trace_sample(&net, x, 0, x, &trace, &err));
  REQUIRE(trace.x.size() == 2);
  CHECK(trace.x[1] == std::vector<float>{0.0f, 0.5f, 2.0f, 0.0f});
  CHECK(trace.dl_dw.size() == 1);
  CHECK(trace.dl_dw[0].empty());
}
