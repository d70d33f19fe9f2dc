// url_state.h: a lab's model, data and training settings in one URL fragment, so a link (or a
// saved line in localStorage, or the settings block of a model file) reopens exactly the same
// network and training: model text, dataset, every setting of cnn/settings.inc. The page adds its
// own view keys (tab, panels, embed, lock: web/lab_link.h); the engine has no page concepts and
// hands keys it does not know back to the caller when asked to.
//
// The fragment is `key=value` pairs joined by `&`, values percent-encoded (space may be `+`):
//
//   #v=1&data=digits&opt=adam&lr=0.003&batch=32&epochs=10&seed=1&loss=auto
//    &model=input+28x28x1%0Aconv+8+k3+s2%0Arelu%0Adense+10%0Asoftmax%0A
//
// Keys (every one optional; what is missing keeps the page's default):
//   v          format version (1). A higher one is refused with "made by a newer version".
//   model      the model text (at most kMaxModelBytes, UTF-8, no control characters but \n \t \r)
//   preset     a preset's name instead of the text (not together with model)
//   data       dataset name
//   the settings' URL keys with their ranges (cnn/settings.inc): opt, lr, mom, wd, sched,
//   sched_epochs, gamma, batch, epochs, seed, eval_every, eval_samples, loss
//
// Parsing is strict and evaluates nothing: an unknown or repeated key, a malformed escape, a number
// with trailing characters or out of range, or a name outside its alphabet is an error naming the
// key and what to do. The decoder never throws and never touches its output on failure (fuzzable:
// any bytes in, a UrlState or a message out). Names (data, preset) are only checked for their
// alphabet here; whether such a dataset or preset exists is the page's business.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cnn/settings.h"

namespace cnn {

constexpr int kUrlStateVersion = 1;
constexpr size_t kMaxUrlStateBytes = 256 * 1024;  // the fragment as a whole
constexpr size_t kMaxModelBytes = 64 * 1024;      // the decoded model text

struct UrlState {
  int version = kUrlStateVersion;
  // Each field says whether the fragment gave it (has_*); the encoder writes only those.
  bool has_model = false;
  std::string model;
  bool has_preset = false;
  std::string preset;
  bool has_data = false;
  std::string data;
  Settings settings;   // the fragment's values where given, else the defaults
  uint32_t given = 0;  // bit i: the fragment gave setting i (cnn/settings.inc order)
  // Keys the engine does not know, in their order, when the caller asked for them (the page's).
  std::vector<std::pair<std::string, std::string>> extra;

  bool has(int i) const { return (given >> i) & 1u; }
  void set(int i, double v) {
    setting_set(&settings, i, v);
    given |= 1u << i;
  }
  void set_all(const Settings& s) {
    settings = s;
    given = (1u << kSettingCount) - 1;
  }
};
static_assert(kSettingCount <= 32, "UrlState::given has a bit per setting");

bool operator==(const UrlState& a, const UrlState& b);
inline bool operator!=(const UrlState& a, const UrlState& b) { return !(a == b); }

// The fragment for a state (without the leading '#'). Floats are written with the fewest digits
// that read back to the same float, so decode(encode(s)) == s exactly. `extra` pairs are written
// after the settings, before the model text.
std::string url_state_encode(const UrlState& s);

// Parses a fragment (a leading '#' is skipped; an empty fragment is the empty state). On success
// fills *out and returns true; on failure returns false, leaves *out alone and puts one sentence
// in *err: which key, what is wrong, what to do. keep_unknown: keys the engine does not know go to
// out->extra (percent-decoded, still checked for repeats) instead of being refused.
bool url_state_decode(std::string_view fragment, UrlState* out, std::string* err, bool keep_unknown = false);

// The keys url_state_decode knows, as a list for messages: "v, model, preset, data, opt, lr, ...".
std::string url_state_keys();
// The decoder's message for a problem: "The link's settings could not be read: " + problem.
std::string url_state_error(const std::string& problem);

// Percent-encoding as used above (exposed for tests): unreserved characters stay, space becomes
// '+', every other byte %XX.
std::string url_percent_encode(std::string_view s);
// Strict inverse: '+' is a space, %XX needs two hex digits. False with a message otherwise.
bool url_percent_decode(std::string_view s, std::string* out, std::string* err);

// The shortest decimal text that reads back as exactly `v` (for links that round-trip).
std::string float_shortest_text(float v);

}  // namespace cnn
