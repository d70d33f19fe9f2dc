// settings.h: the lab's training settings, one struct made from one list (cnn/settings.inc): the
// name, type, default, range, URL key, command-line flag and label of each. Everything that reads
// or writes settings goes through the list: the page, links and model files (cnn/url_state.h),
// `cnn-sandbox train`'s flags, equality and the page's undo. One set of defaults, here:
//
//   optimizer adam, lr 0.003, momentum 0.9, weight decay 0, schedule constant (step: every 2
//   epochs, gamma 0.5), batch 32, epochs 10, seed 1, evaluation every 50 steps on 500 test
//   samples, loss auto (the model's default: cnn::default_loss)
//
//   cnn::Settings s;                                   // the defaults
//   std::string err;
//   if (!cnn::setting_parse(cnn::setting_find_url_key("lr"), "3e-3", &s, &err)) show(err);
//   cnn::TrainConfig cfg = cnn::settings_to_config(s);  // what the trainer runs (cnn/train.h)
#pragma once
#include <cstdint>
#include <string>

namespace cnn {

enum class SettingKind : uint8_t { integer, real, choice };

struct Settings {
#define CNN_SETTING(name, ctype, kind, def, lo, hi, lo_open, hi_open, url, cli, label, choices) ctype name = ctype(def);
#include "cnn/settings.inc"
#undef CNN_SETTING
};

inline constexpr Settings kDefaultSettings{};

// The settings by number, in the list's order.
enum class SettingId : int {
#define CNN_SETTING(name, ...) name,
#include "cnn/settings.inc"
#undef CNN_SETTING
  count
};
constexpr int kSettingCount = int(SettingId::count);

struct SettingInfo {
  const char* name;  // the C++ member: "weight_decay"
  SettingKind kind;
  double def, lo, hi;
  bool lo_open, hi_open;  // an open end excludes its bound
  const char* url_key;    // "wd"
  const char* cli_flag;   // "--weight-decay"
  const char* label;      // "weight decay"
  const char* choices;    // kind choice: "sgd|momentum|adam" for the values lo, lo + 1, ...
};
const SettingInfo& setting_info(int i);  // 0 <= i < kSettingCount

// -1 when there is no such setting.
int setting_find_url_key(const std::string& key);
int setting_find_cli_flag(const std::string& flag);
int setting_find_name(const std::string& name);  // the C++ name or its camelCase ("weightDecay")

double setting_get(const Settings& s, int i);
void setting_set(Settings* s, int i, double v);  // no check: see setting_check

// "" when v is a valid value of setting i, else the problem: "0 is out of range (0, 10]".
std::string setting_check(int i, double v);
// Reads the text form (a choice's name, a whole number, a plain decimal) into *s, checked. False
// with the problem in *err (without the setting's name: the caller says where it came from);
// *s is untouched then.
bool setting_parse(int i, const std::string& text, Settings* s, std::string* err);
// The text form that setting_parse reads back to exactly the same value (floats: fewest digits).
std::string setting_text(const Settings& s, int i);
// "a|b|c" as "a, b or c".
std::string setting_choices_text(int i);

bool operator==(const Settings& a, const Settings& b);
inline bool operator!=(const Settings& a, const Settings& b) { return !(a == b); }
// The first setting that differs, -1 if none.
int settings_first_difference(const Settings& a, const Settings& b);

// The command-line help of every setting: "  --lr X   learning rate, (0, 10] (default 0.003)".
std::string settings_cli_help();

}  // namespace cnn
