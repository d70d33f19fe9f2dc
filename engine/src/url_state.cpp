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
         a.preset == b.preset && a.has_data == b.has_data && a.data == b.data && a.given == b.given &&
         a.settings == b.settings && a.extra == b.extra;
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
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
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
    if (c == '+') {
      r += ' ';
      continue;
    }
    if (c != '%') {
      r += c;
      continue;
    }
    int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      if (err)
        *err = "a '%' at character " + std::to_string(i + 1) +
               " is not followed by two hex digits (write a literal % as %25)";
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
  for (char c : v)
    if (c < '0' || c > '9') return "'" + v + "' is not a whole number";
  if (v.size() > 12) return "'" + v + "' is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
  long long x = std::strtoll(v.c_str(), nullptr, 10);
  if (x < lo || x > hi) return v + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
  *out = int(x);
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

// The model text: valid UTF-8, no control characters besides tab, newline and carriage return.
static std::string CheckModelText(const std::string& t) {
  if (t.size() > kMaxModelBytes)
    return "is " + std::to_string(t.size()) + " bytes; at most " + std::to_string(kMaxModelBytes) + " are allowed";
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

std::string url_state_keys() {
  std::string k = "v, model, preset, data";
  for (int i = 0; i < kSettingCount; i++) k += std::string(", ") + setting_info(i).url_key;
  return k;
}

std::string url_state_error(const std::string& problem) { return "The link's settings could not be read: " + problem; }

bool url_state_decode(std::string_view fragment, UrlState* out, std::string* err, bool keep_unknown) {
  auto fail = [&](const std::string& m) {
    if (err) *err = url_state_error(m);
    return false;
  };
  if (!fragment.empty() && fragment[0] == '#') fragment.remove_prefix(1);
  if (fragment.size() > kMaxUrlStateBytes)
    return fail("it is " + std::to_string(fragment.size()) + " bytes long, more than the " +
                std::to_string(kMaxUrlStateBytes) + " allowed.");
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
    if (!url_percent_decode(pair.substr(eq + 1), &value, &perr))
      return fail("the value of '" + key.substr(0, 40) + "': " + perr + ".");
    for (const std::string& k : seen)
      if (k == key) return fail("'" + key + "' is given twice; keep one.");
    std::string p;  // the problem, if any
    const int setting = setting_find_url_key(key);
    if (key == "v") {
      int v = 0;
      p = ParseInt(value, 1, 1000000, &v);
      if (p.empty() && v > kUrlStateVersion)
        return fail("the link was made by a newer version of CNN Sandbox (format " + value +
                    ", this page reads up to " + std::to_string(kUrlStateVersion) +
                    "); open it on the page it came from.");
      s.version = v;
    } else if (key == "model") {
      p = CheckModelText(value);
      s.model = value;
      s.has_model = true;
    } else if (key == "preset") {
      p = ParseName(value, &s.preset);
      s.has_preset = true;
    } else if (key == "data") {
      p = ParseName(value, &s.data);
      s.has_data = true;
    } else if (setting >= 0) {
      if (setting_parse(setting, value, &s.settings, &p)) s.given |= 1u << setting;
    } else if (keep_unknown) {
      s.extra.emplace_back(key, value);
    } else {
      std::string k = key.substr(0, 40);
      for (char& c : k)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
      return fail("unknown key '" + k + "' (known: " + url_state_keys() + ").");
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
  auto add = [&](const std::string& k, const std::string& v) {
    out += '&';
    out += k;
    out += '=';
    out += url_percent_encode(v);
  };
  if (s.has_preset) add("preset", s.preset);
  if (s.has_data) add("data", s.data);
  for (int i = 0; i < kSettingCount; i++)
    if (s.has(i) && setting_check(i, setting_get(s.settings, i)).empty())
      add(setting_info(i).url_key, setting_text(s.settings, i));
  for (const auto& kv : s.extra) add(kv.first, kv.second);
  if (s.has_model) add("model", s.model);  // last: the long one
  return out;
}

}  // namespace cnn
