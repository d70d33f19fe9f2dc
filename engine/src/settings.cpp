// settings.cpp: the settings list (cnn/settings.inc) as a table, and what is done with it
// generically: lookup, get and set by number, range checks, text in and out.
#include "cnn/settings.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cnn/format.h"
namespace cnn {

static const SettingInfo kSettings[] = {
#define CNN_SETTING(name, ctype, kind, def, lo, hi, lo_open, hi_open, url, cli, label, choices) \
  {#name, SettingKind::kind, double(def), double(lo), double(hi), lo_open != 0, hi_open != 0, url, cli, label, choices},
#include "cnn/settings.inc"
#undef CNN_SETTING
};
static_assert(sizeof(kSettings) / sizeof(kSettings[0]) == size_t(kSettingCount), "one row per setting");

const SettingInfo& setting_info(int i) { return kSettings[i]; }

static std::string camel(const char* name) {
  std::string out;
  for (const char* p = name; *p; p++) {
    if (*p == '_' && p[1]) out += char(std::toupper(static_cast<unsigned char>(*++p)));
    else out += *p;
  }
  return out;
}

int setting_find_url_key(const std::string& key) {
  for (int i = 0; i < kSettingCount; i++)
    if (key == kSettings[i].url_key) return i;
  return -1;
}
int setting_find_cli_flag(const std::string& flag) {
  for (int i = 0; i < kSettingCount; i++)
    if (flag == kSettings[i].cli_flag) return i;
  return -1;
}
int setting_find_name(const std::string& name) {
  for (int i = 0; i < kSettingCount; i++)
    if (name == kSettings[i].name || name == camel(kSettings[i].name)) return i;
  return -1;
}

double setting_get(const Settings& s, int i) {
  switch (SettingId(i)) {
#define CNN_SETTING(name, ...) \
  case SettingId::name:        \
    return double(s.name);
#include "cnn/settings.inc"
#undef CNN_SETTING
    case SettingId::count: break;
  }
  return 0;
}

void setting_set(Settings* s, int i, double v) {
  switch (SettingId(i)) {
#define CNN_SETTING(name, ctype, ...) \
  case SettingId::name:               \
    s->name = ctype(v);               \
    break;
#include "cnn/settings.inc"
#undef CNN_SETTING
    case SettingId::count: break;
  }
}

// The i-th name of "a|b|c" ("" past the end).
static std::string choice_name(const char* choices, int k) {
  const char* p = choices;
  for (; k > 0 && p; k--) {
    p = std::strchr(p, '|');
    if (p) p++;
  }
  if (!p) return "";
  const char* e = std::strchr(p, '|');
  return e ? std::string(p, e) : std::string(p);
}

std::string setting_choices_text(int i) {
  const SettingInfo& in = kSettings[i];
  const int n = int(in.hi - in.lo) + 1;
  std::string all;
  for (int k = 0; k < n; k++) all += (k ? (k + 1 == n ? " or " : ", ") : "") + choice_name(in.choices, k);
  return all;
}

static std::string number_text(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string setting_check(int i, double v) {
  const SettingInfo& in = kSettings[i];
  if (!std::isfinite(v)) return "is not a finite number";
  if (in.kind != SettingKind::real && v != std::floor(v)) return number_text(v) + " is not a whole number";
  const bool ok_lo = in.lo_open ? v > in.lo : v >= in.lo;
  const bool ok_hi = in.hi_open ? v < in.hi : v <= in.hi;
  if (ok_lo && ok_hi) return "";
  if (in.kind == SettingKind::choice) return number_text(v) + " is not one of " + setting_choices_text(i);
  if (in.kind == SettingKind::integer)
    return number_text(v) + " is out of range " + number_text(in.lo) + ".." + number_text(in.hi);
  return number_text(v) + " is out of range " + (in.lo_open ? "(" : "[") + number_text(in.lo) + ", " +
         number_text(in.hi) + (in.hi_open ? ")" : "]");
}

// Whole numbers: an optional '-' and digits only.
static std::string parse_integer(const std::string& v, double* out) {
  if (v.empty()) return "is empty";
  size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size()) return "'" + v + "' is not a whole number";
  for (size_t k = i; k < v.size(); k++)
    if (v[k] < '0' || v[k] > '9') return "'" + v + "' is not a whole number";
  if (v.size() - i > 12) return "'" + v + "' is out of range";
  *out = double(std::strtoll(v.c_str(), nullptr, 10));
  return "";
}

// Plain decimal or exponent notation only: no hex floats, inf, nan, leading '+' or spaces.
static std::string parse_real(const std::string& v, double* out) {
  if (v.empty()) return "is empty";
  if (v.size() > 40) return "'" + v.substr(0, 40) + "...' is too long for a number";
  size_t i = 0;
  if (v[i] == '-') i++;
  size_t digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
    i++;
    digits++;
  }
  if (i < v.size() && v[i] == '.') {
    i++;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
      i++;
      digits++;
    }
  }
  if (digits == 0) return "'" + v + "' is not a number (write it like 0.003 or 3e-3)";
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    i++;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) i++;
    size_t ed = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
      i++;
      ed++;
    }
    if (ed == 0) return "'" + v + "' has an exponent without digits";
  }
  if (i != v.size()) return "'" + v + "' is not a number (write it like 0.003 or 3e-3)";
  const float x = std::strtof(v.c_str(), nullptr);  // settings are floats: read as one
  if (!std::isfinite(x)) return v + " is too large";
  *out = double(x);
  return "";
}

bool setting_parse(int i, const std::string& text, Settings* s, std::string* err) {
  const SettingInfo& in = kSettings[i];
  double v = 0;
  std::string p;
  if (in.kind == SettingKind::choice) {
    const int n = int(in.hi - in.lo) + 1;
    int found = -1;
    for (int k = 0; k < n && found < 0; k++)
      if (text == choice_name(in.choices, k)) found = k;
    if (found < 0) p = "'" + text + "' is not one of " + setting_choices_text(i);
    else v = in.lo + found;
  } else {
    p = in.kind == SettingKind::integer ? parse_integer(text, &v) : parse_real(text, &v);
    if (p.empty()) p = setting_check(i, v);
  }
  if (!p.empty()) {
    if (err) *err = p;
    return false;
  }
  setting_set(s, i, v);
  return true;
}

std::string setting_text(const Settings& s, int i) {
  const SettingInfo& in = kSettings[i];
  const double v = setting_get(s, i);
  switch (in.kind) {
    case SettingKind::choice: return choice_name(in.choices, int(v - in.lo));
    case SettingKind::integer: return std::to_string((long long)v);
    case SettingKind::real: return float_text(float(v));
  }
  return "";
}

bool operator==(const Settings& a, const Settings& b) { return settings_first_difference(a, b) < 0; }

int settings_first_difference(const Settings& a, const Settings& b) {
#define CNN_SETTING(name, ...) \
  if (!(a.name == b.name)) return int(SettingId::name);
#include "cnn/settings.inc"
#undef CNN_SETTING
  return -1;
}

std::string settings_cli_help() {
  std::string out;
  const Settings d;
  for (int i = 0; i < kSettingCount; i++) {
    const SettingInfo& in = kSettings[i];
    std::string arg = std::string(in.cli_flag) + (in.kind == SettingKind::choice    ? " NAME"
                                                  : in.kind == SettingKind::integer ? " N"
                                                                                    : " X");
    std::string range = in.kind == SettingKind::choice    ? setting_choices_text(i)
                        : in.kind == SettingKind::integer ? number_text(in.lo) + ".." + number_text(in.hi)
                                                          : std::string(in.lo_open ? "(" : "[") + number_text(in.lo) +
                                                                ", " + number_text(in.hi) + (in.hi_open ? ")" : "]");
    char line[256];
    std::snprintf(line, sizeof line, "  %-21s%s: %s (default %s)\n", arg.c_str(), in.label, range.c_str(),
                  setting_text(d, i).c_str());
    out += line;
  }
  return out;
}

}  // namespace cnn
