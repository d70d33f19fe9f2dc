// url_state.h: the whole lab in one URL fragment, so a link (or a saved line in localStorage)
// reopens exactly the same lab: model text, dataset, hyperparameters, seed, open panels, and the
// embed and architecture-lock flags for course pages.
//
// The fragment is `key=value` pairs joined by `&`, values percent-encoded (space may be `+`):
//
//   #v=1&data=digits&opt=adam&lr=0.003&batch=32&epochs=10&seed=1&tab=designer
//    &model=input+28x28x1%0Aconv+8+k3+s2%0Arelu%0Adense+10%0Asoftmax%0A
//
// Keys (every one optional; what is missing keeps the page's default):
//   v          format version (1). A higher one is refused with "made by a newer version".
//   model      the model text (at most kMaxModelBytes, UTF-8, no control characters but \n \t \r)
//   preset     a preset's name instead of the text (not together with model)
//   data       dataset name;  seed  integer 0..2^31-1
//   opt        sgd | momentum | adam;  lr  (0, 10];  mom  [0, 1);  wd  [0, 1]
//   sched      constant | step | cosine;  sched_epochs  1..10000;  gamma  (0, 1]
//   batch      1..4096;  epochs  1..100000;  eval_every  1..1000000;  eval_samples  1..1000000
//   tab        the left tab: designer | analysis | data
//   panels     comma list of other open panels (names of [a-z0-9_-], at most 16)
//   embed      0 | 1: the compact layout for an iframe;  lock  0 | 1: the architecture is fixed
//
// Parsing is strict and evaluates nothing: an unknown or repeated key, a malformed escape, a number
// with trailing characters or out of range, or a name outside its alphabet is an error naming the
// key and what to do. The decoder never throws and never touches its output on failure (fuzzable:
// any bytes in, a UrlState or a message out). Names (data, preset, panels) are only checked for
// their alphabet here; whether such a dataset or preset exists is the page's business.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cnn {

constexpr int kUrlStateVersion = 1;
constexpr size_t kMaxUrlStateBytes = 256 * 1024;  // the fragment as a whole
constexpr size_t kMaxModelBytes = 64 * 1024;      // the decoded model text

struct UrlState {
  int version = kUrlStateVersion;
  // Each field says whether the fragment gave it (has_*); the encoder writes only those.
  bool has_model = false;     std::string model;
  bool has_preset = false;    std::string preset;
  bool has_data = false;      std::string data;
  bool has_optimizer = false; int optimizer = 2;      // 0 sgd, 1 momentum, 2 adam (cnn::OptimizerKind)
  bool has_lr = false;        float lr = 0.003f;
  bool has_momentum = false;  float momentum = 0.9f;
  bool has_weight_decay = false; float weight_decay = 0.0f;
  bool has_schedule = false;  int schedule = 0;       // 0 constant, 1 step, 2 cosine (cnn::ScheduleKind)
  bool has_step_epochs = false; int step_epochs = 2;
  bool has_gamma = false;     float gamma = 0.5f;
  bool has_batch = false;     int batch = 32;
  bool has_epochs = false;    int epochs = 10;
  bool has_seed = false;      int seed = 1;
  bool has_eval_every = false; int eval_every = 50;
  bool has_eval_samples = false; int eval_samples = 500;
  bool has_tab = false;       std::string tab;        // designer | analysis | data
  std::vector<std::string> panels;                    // other open panels
  bool embed = false;
  bool lock = false;
};

bool operator==(const UrlState& a, const UrlState& b);
inline bool operator!=(const UrlState& a, const UrlState& b) { return !(a == b); }

// The fragment for a state (without the leading '#'). Floats are written with the fewest digits
// that read back to the same float, so decode(encode(s)) == s exactly.
std::string url_state_encode(const UrlState& s);

// Parses a fragment (a leading '#' is skipped; an empty fragment is the empty state). On success
// fills *out and returns true; on failure returns false, leaves *out alone and puts one sentence
// in *err: which key, what is wrong, what to do.
bool url_state_decode(std::string_view fragment, UrlState* out, std::string* err);

// Percent-encoding as used above (exposed for tests): unreserved characters stay, space becomes
// '+', every other byte %XX.
std::string url_percent_encode(std::string_view s);
// Strict inverse: '+' is a space, %XX needs two hex digits. False with a message otherwise.
bool url_percent_decode(std::string_view s, std::string* out, std::string* err);

// The shortest decimal text that reads back as exactly `v` (for links that round-trip).
std::string float_shortest_text(float v);

}  // namespace cnn
