// url_state.cpp: encoder and strict decoder of the lab's URL fragment (see url_state.h).
#include "cnn/url_state.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cnn {

bool operator==(const UrlState& a, const UrlState& b) {
  return a.version == b.version && a.has_model == b.has_model && a.model == b.model && a.has_preset == b.has_preset &&
         a.preset == b.preset && a.has_data == b.has_data && a.data == b.data && a.has_optimizer == b.has_optimizer &&
         a.optimizer == b.optimizer && a.has_lr == b.has_lr && a.lr == b.lr && a.has_momentum == b.has_momentum &&
         a.momentum == b.momentum && a.has_weight_decay == b.has_weight_decay && a.weight_decay == b.weight_decay &&
         a.has_schedule == b.has_schedule && a.schedule == b.schedule && a.has_step_epochs == b.has_step_epochs &&
         a.step_epochs == b.step_epochs && a.has_gamma == b.has_gamma && a.gamma == b.gamma &&
         a.has_batch == b.has_batch && a.batch == b.batch && a.has_epochs == b.has_epochs && a.epochs == b.epochs &&
         a.has_seed == b.has_seed && a.seed == b.seed && a.has_eval_every == b.has_eval_every &&
         a.eval_every == b.eval_every && a.has_eval_samples == b.has_eval_samples &&
         a.eval_samples == b.eval_samples && a.has_tab == b.has_tab && a.tab == b.tab && a.panels == b.panels &&
         a.embed == b.embed && a.lock == b.lock;
}

static bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string url_percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (Unreserved(c)) out += char(c);
    else if (c == ' ') out += '+';
    else { out += '%'; out += hex[c >> 4]; out += hex[c & 15]; }
  }
  return out;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool url_percent_decode(std::string_view s, std::string* out, std::string* err) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '+') { r += ' '; continue; }
    if (c != '%') { r += c; continue; }
    int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      if (err) *err = "a '%' at character " + std::to_string(i + 1) + " is not followed by two hex digits (write a literal % as %25)";
      return false;
    }
    r += char(hi * 16 + lo);
    i += 2;
  }
  *out = std::move(r);
  return true;
}

std::string float_shortest_text(float v) {
  char buf[48];
  for (int prec = 1; prec <= 9; prec++) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return buf;
}

// --- decoding helpers: each returns "" or the problem (without the key, the caller adds it) ---

static std::string ParseInt(const std::string& v, int64_t lo, int64_t hi, int* out) {
  if (v.empty()) return "is empty";
  size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size()) return "'" + v + "' is not a whole number";
  for (size_t k = i; k < v.size(); k++)
    if (v[k] < '0' || v[k] > '9') return "'" + v + "' is not a whole number";
  if (v.size() - i > 12) return "'" + v + "' is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
  long long x = std::strtoll(v.c_str(), nullptr, 10);
  if (x < lo || x > hi) return v + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
  *out = int(x);
  return "";
}

// Plain decimal or exponent notation only: no hex floats, inf, nan, leading '+' or spaces.
static std::string ParseFloat(const std::string& v, double lo, bool lo_open, double hi, bool hi_open, float* out) {
  if (v.empty()) return "is empty";
  if (v.size() > 40) return "'" + v.substr(0, 40) + "...' is too long for a number";
  size_t i = 0;
  if (v[i] == '-') i++;
  size_t digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') { i++; digits++; }
  if (i < v.size() && v[i] == '.') {
    i++;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') { i++; digits++; }
  }
  if (digits == 0) return "'" + v + "' is not a number (write it like 0.003 or 3e-3)";
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    i++;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) i++;
    size_t ed = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') { i++; ed++; }
    if (ed == 0) return "'" + v + "' has an exponent without digits";
  }
  if (i != v.size()) return "'" + v + "' is not a number (write it like 0.003 or 3e-3)";
  errno = 0;
  float x = std::strtof(v.c_str(), nullptr);
  if (!std::isfinite(x)) return v + " is too large";
  bool ok_lo = lo_open ? x > lo : x >= lo;
  bool ok_hi = hi_open ? x < hi : x <= hi;
  if (!ok_lo || !ok_hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s is out of range %s%g, %g%s", v.c_str(), lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
    return buf;
  }
  *out = x;
  return "";
}

static bool NameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static std::string ParseName(const std::string& v, std::string* out) {
  if (v.empty()) return "is empty";
  if (v.size() > 64) return "is longer than 64 characters";
  for (unsigned char c : v)
    if (!NameChar(c)) return "'" + v + "' may only hold letters, digits, '-', '_' and '.'";
  *out = v;
  return "";
}

static std::string ParseChoice(const std::string& v, const char* const* names, int n, int* out) {
  std::string all;
  for (int i = 0; i < n; i++) {
    if (v == names[i]) { *out = i; return ""; }
    all += (i ? (i + 1 == n ? " or " : ", ") : "") + std::string(names[i]);
  }
  return "'" + v + "' is not one of " + all;
}

// The model text: valid UTF-8, no control characters besides tab, newline and carriage return.
static std::string CheckModelText(const std::string& t) {
  if (t.size() > kMaxModelBytes) return "is " + std::to_string(t.size()) + " bytes; at most " + std::to_string(kMaxModelBytes) + " are allowed";
  size_t i = 0, line = 1;
  while (i < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if (c == '\n') line++;
      else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
        return "holds a control character (code " + std::to_string(c) + ") on line " + std::to_string(line);
      i++;
      continue;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c >= 0xF5 || len == 0 || i + len > t.size()) return "is not valid UTF-8 (line " + std::to_string(line) + ")";
    uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (int k = 1; k < len; k++) {
      unsigned char cc = static_cast<unsigned char>(t[i + k]);
      if ((cc & 0xC0) != 0x80) return "is not valid UTF-8 (line " + std::to_string(line) + ")";
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return "is not valid UTF-8 (line " + std::to_string(line) + ")";
    i += size_t(len);
  }
  return "";
}

static const char* const kOptNames[] = {"sgd", "momentum", "adam"};
static const char* const kSchedNames[] = {"constant", "step", "cosine"};
static const char* const kTabNames[] = {"designer", "analysis", "data"};

bool url_state_decode(std::string_view fragment, UrlState* out, std::string* err) {
  auto fail = [&](const std::string& m) {
    if (err) *err = "The link's settings could not be read: " + m;
    return false;
  };
  if (!fragment.empty() && fragment[0] == '#') fragment.remove_prefix(1);
  if (fragment.size() > kMaxUrlStateBytes)
    return fail("it is " + std::to_string(fragment.size()) + " bytes long, more than the " + std::to_string(kMaxUrlStateBytes) + " allowed.");
  UrlState s;
  std::vector<std::string> seen;
  size_t pos = 0;
  while (pos < fragment.size()) {
    size_t amp = fragment.find('&', pos);
    if (amp == std::string_view::npos) amp = fragment.size();
    std::string_view pair = fragment.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;  // "a=1&&b=2" or a trailing '&'
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      std::string k(pair.substr(0, 40));
      return fail("'" + k + "' has no value (write key=value pairs joined by &).");
    }
    std::string key(pair.substr(0, eq)), value;
    std::string perr;
    if (!url_percent_decode(pair.substr(eq + 1), &value, &perr)) return fail("the value of '" + key.substr(0, 40) + "': " + perr + ".");
    for (const std::string& k : seen)
      if (k == key) return fail("'" + key + "' is given twice; keep one.");
    std::string p;  // the problem, if any
    if (key == "v") {
      int v = 0;
      p = ParseInt(value, 1, 1000000, &v);
      if (p.empty() && v > kUrlStateVersion)
        return fail("the link was made by a newer version of CNN Sandbox (format " + value + ", this page reads up to " +
                    std::to_string(kUrlStateVersion) + "); open it on the page it came from.");
      s.version = v;
    } else if (key == "model") {
      p = CheckModelText(value);
      s.model = value;
      s.has_model = true;
    } else if (key == "preset") { p = ParseName(value, &s.preset); s.has_preset = true; }
    else if (key == "data") { p = ParseName(value, &s.data); s.has_data = true; }
    else if (key == "opt") { p = ParseChoice(value, kOptNames, 3, &s.optimizer); s.has_optimizer = true; }
    else if (key == "lr") { p = ParseFloat(value, 0, true, 10, false, &s.lr); s.has_lr = true; }
    else if (key == "mom") { p = ParseFloat(value, 0, false, 1, true, &s.momentum); s.has_momentum = true; }
    else if (key == "wd") { p = ParseFloat(value, 0, false, 1, false, &s.weight_decay); s.has_weight_decay = true; }
    else if (key == "sched") { p = ParseChoice(value, kSchedNames, 3, &s.schedule); s.has_schedule = true; }
    else if (key == "sched_epochs") { p = ParseInt(value, 1, 10000, &s.step_epochs); s.has_step_epochs = true; }
    else if (key == "gamma") { p = ParseFloat(value, 0, true, 1, false, &s.gamma); s.has_gamma = true; }
    else if (key == "batch") { p = ParseInt(value, 1, 4096, &s.batch); s.has_batch = true; }
    else if (key == "epochs") { p = ParseInt(value, 1, 100000, &s.epochs); s.has_epochs = true; }
    else if (key == "seed") { p = ParseInt(value, 0, 2147483647, &s.seed); s.has_seed = true; }
    else if (key == "eval_every") { p = ParseInt(value, 1, 1000000, &s.eval_every); s.has_eval_every = true; }
    else if (key == "eval_samples") { p = ParseInt(value, 1, 1000000, &s.eval_samples); s.has_eval_samples = true; }
    else if (key == "tab") {
      int t = 0;
      p = ParseChoice(value, kTabNames, 3, &t);
      if (p.empty()) s.tab = kTabNames[t];
      s.has_tab = true;
    } else if (key == "panels") {
      size_t a = 0;
      while (p.empty() && a <= value.size() && !value.empty()) {
        size_t c = value.find(',', a);
        if (c == std::string::npos) c = value.size();
        std::string name = value.substr(a, c - a), n;
        a = c + 1;
        if (name.empty()) continue;
        for (unsigned char ch : name)
          if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
            p = "'" + name + "' is not a panel name (lower-case letters, digits, '-' and '_')";
        if (p.empty() && name.size() > 32) p = "a panel name is longer than 32 characters";
        if (p.empty() && s.panels.size() >= 16) p = "lists more than 16 panels";
        if (p.empty()) s.panels.push_back(name);
      }
    } else if (key == "embed" || key == "lock") {
      int b = 0;
      if (value == "0" || value == "1") b = value[0] - '0';
      else p = "'" + value + "' is not 0 or 1";
      (key == "embed" ? s.embed : s.lock) = b != 0;
    } else {
      std::string k = key.substr(0, 40);
      for (char& c : k)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
      return fail("unknown key '" + k + "' (known: v, model, preset, data, opt, lr, mom, wd, sched, sched_epochs, gamma, batch, epochs, seed, eval_every, eval_samples, tab, panels, embed, lock).");
    }
    if (!p.empty()) return fail("'" + key + "': " + p + ".");
    seen.push_back(key);
  }
  if (s.has_model && s.has_preset) return fail("it gives both 'model' and 'preset'; keep one.");
  *out = std::move(s);
  return true;
}

std::string url_state_encode(const UrlState& s) {
  std::string out = "v=" + std::to_string(s.version);
  auto add = [&](const char* k, const std::string& v) { out += '&'; out += k; out += '='; out += url_percent_encode(v); };
  if (s.has_preset) add("preset", s.preset);
  if (s.has_data) add("data", s.data);
  if (s.has_optimizer && s.optimizer >= 0 && s.optimizer < 3) add("opt", kOptNames[s.optimizer]);
  if (s.has_lr) add("lr", float_shortest_text(s.lr));
  if (s.has_momentum) add("mom", float_shortest_text(s.momentum));
  if (s.has_weight_decay) add("wd", float_shortest_text(s.weight_decay));
  if (s.has_schedule && s.schedule >= 0 && s.schedule < 3) add("sched", kSchedNames[s.schedule]);
  if (s.has_step_epochs) add("sched_epochs", std::to_string(s.step_epochs));
  if (s.has_gamma) add("gamma", float_shortest_text(s.gamma));
  if (s.has_batch) add("batch", std::to_string(s.batch));
  if (s.has_epochs) add("epochs", std::to_string(s.epochs));
  if (s.has_seed) add("seed", std::to_string(s.seed));
  if (s.has_eval_every) add("eval_every", std::to_string(s.eval_every));
  if (s.has_eval_samples) add("eval_samples", std::to_string(s.eval_samples));
  if (s.has_tab) add("tab", s.tab);
  if (!s.panels.empty()) {
    std::string p;
    for (size_t i = 0; i < s.panels.size(); i++) p += (i ? "," : "") + s.panels[i];
    add("panels", p);
  }
  if (s.embed) add("embed", "1");
  if (s.lock) add("lock", "1");
  if (s.has_model) add("model", s.model);  // last: the long one
  return out;
}

}  // namespace cnn
