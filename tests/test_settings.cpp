// The settings list (cnn/settings.inc), row by row: every setting round-trips through URL text, a
// model file's settings block and its command-line flag; an out-of-range value is refused with a
// message naming the key and the range; the lab's links keep the chosen loss.
#include <doctest/doctest.h>

#include <string>

#include "cnn/model_file.h"
#include "cnn/net.h"
#include "cnn/settings.h"
#include "cnn/train.h"
#include "cnn/url_state.h"
#include "lab_link.h"

// A valid value other than the default: the top of the range (or just inside an open top).
static double OtherValue(int i) {
  const cnn::SettingInfo& in = cnn::setting_info(i);
  if (in.kind == cnn::SettingKind::real) return in.hi_open ? (in.lo + in.hi) / 2 + 0.125 : in.hi;
  return in.hi != in.def ? in.hi : in.lo;
}
// A value just outside the range.
static std::string OutsideText(int i) {
  const cnn::SettingInfo& in = cnn::setting_info(i);
  if (in.kind == cnn::SettingKind::choice) return "no-such-choice";
  if (in.kind == cnn::SettingKind::integer) return std::to_string((long long)in.hi + 1);
  return in.hi_open ? std::to_string(in.hi) : std::to_string(in.hi * 2);
}

TEST_CASE("settings: every setting round-trips through the URL, a model file and its flag") {
  const std::string model = "input 4x4x1\nflatten\ndense 3\nsoftmax\n";
  cnn::Network net;
  std::string err;
  REQUIRE_MESSAGE(cnn::network_build_from_text(&net, model, 2, &err), err);
  cnn::network_init(&net, 1);
  for (int i = 0; i < cnn::kSettingCount; i++) {
    const cnn::SettingInfo& in = cnn::setting_info(i);
    CAPTURE(in.name);
    CHECK(cnn::setting_check(i, in.def) == "");  // the default is in range
    CHECK(cnn::setting_get(cnn::Settings(), i) == doctest::Approx(in.def));
    const double v = OtherValue(i);
    REQUIRE(cnn::setting_check(i, v) == "");
    cnn::UrlState u;
    u.set(i, v);
    CHECK(cnn::settings_first_difference(u.settings, cnn::Settings()) == i);
    // URL text
    const std::string frag = cnn::url_state_encode(u);
    CHECK(frag.find(std::string("&") + in.url_key + "=") != std::string::npos);
    cnn::UrlState back;
    REQUIRE_MESSAGE(cnn::url_state_decode(frag, &back, &err), err);
    CHECK(back == u);
    CHECK(cnn::setting_get(back.settings, i) == cnn::setting_get(u.settings, i));
    // a model file's settings block
    const std::string bytes = cnn::model_file_from_network(net, model, frag);
    cnn::Network net2;
    cnn::ModelFile f;
    REQUIRE_MESSAGE(cnn::model_file_load(bytes, 2, &net2, &f, &err), err);
    cnn::UrlState from_file;
    REQUIRE_MESSAGE(cnn::url_state_decode(f.settings, &from_file, &err), err);
    CHECK(from_file == u);
    // the command-line flag reads the same text to the same value
    CHECK(cnn::setting_find_cli_flag(in.cli_flag) == i);
    CHECK(cnn::setting_find_url_key(in.url_key) == i);
    CHECK(cnn::setting_find_name(in.name) == i);
    cnn::Settings cli;
    REQUIRE_MESSAGE(cnn::setting_parse(i, cnn::setting_text(u.settings, i), &cli, &err), err);
    CHECK(cli == u.settings);
    CHECK(cnn::settings_cli_help().find(in.cli_flag) != std::string::npos);
    // out of range: refused, with the key and the valid values, and nothing changed
    const std::string bad = OutsideText(i);
    CAPTURE(bad);
    cnn::UrlState keep = u;
    CHECK_FALSE(cnn::url_state_decode(std::string(in.url_key) + "=" + bad, &keep, &err));
    CHECK(keep == u);
    CHECK_MESSAGE(err.find(std::string("'") + in.url_key + "': ") != std::string::npos, err);
    CHECK_MESSAGE((err.find("out of range") != std::string::npos || err.find("is not one of") != std::string::npos),
                  err);
    cnn::Settings untouched;
    CHECK_FALSE(cnn::setting_parse(i, bad, &untouched, &err));
    CHECK(untouched == cnn::Settings());
  }
}

TEST_CASE("settings: one set of defaults, and the trainer's config made from them") {
  const cnn::Settings d;
  CHECK(d.optimizer == int(cnn::OptimizerKind::adam));
  CHECK(d.lr == 0.003f);
  CHECK(d.eval_samples == 500);
  CHECK(d.eval_every == 50);
  CHECK(d.loss == -1);
  const cnn::TrainConfig from = cnn::train_config_from_settings(d), plain;
  CHECK(from.lr == plain.lr);
  CHECK(from.eval_limit == plain.eval_limit);
  CHECK(from.eval_every == plain.eval_every);
  CHECK(from.epochs == plain.epochs);
  CHECK(from.schedule.gamma == plain.schedule.gamma);
  CHECK(from.schedule.step_epochs == plain.schedule.step_epochs);
  std::string err;
  CHECK_MESSAGE(cnn::train_config_check(from, &err), err);
}

TEST_CASE("settings: the chosen loss survives a link and a model file (issue 15.3)") {
  LabLink link;
  link.lab.has_preset = true;
  link.lab.preset = "lenet5";
  cnn::Settings s;
  s.loss = int(cnn::LossKind::quadratic);
  link.lab.set_all(s);
  link.has_tab = true;
  link.tab = "data";
  const std::string frag = LabLinkEncode(link);
  CHECK(frag.find("loss=quadratic") != std::string::npos);
  LabLink back;
  std::string err;
  REQUIRE_MESSAGE(LabLinkDecode(frag, &back, &err), err);
  CHECK(back == link);
  CHECK(back.lab.settings.loss == int(cnn::LossKind::quadratic));
  // the model file's block (what the page writes: no view, no model key)
  cnn::UrlState block = link.lab;
  block.has_preset = false;
  cnn::Network net;
  const std::string model = "input 4x4x1\nflatten\ndense 3\nsoftmax\n";
  REQUIRE_MESSAGE(cnn::network_build_from_text(&net, model, 2, &err), err);
  const std::string bytes = cnn::model_file_from_network(net, model, cnn::url_state_encode(block));
  cnn::ModelFile f;
  cnn::Network net2;
  REQUIRE_MESSAGE(cnn::model_file_load(bytes, 2, &net2, &f, &err), err);
  LabLink from_file;
  REQUIRE_MESSAGE(LabLinkDecode(f.settings, &from_file, &err), err);
  CHECK(from_file.lab.settings.loss == int(cnn::LossKind::quadratic));
  CHECK(from_file.lab.has(int(cnn::SettingId::loss)));
  // auto is a value too: a link back to the model's own loss says so
  s.loss = -1;
  link.lab.set_all(s);
  CHECK(LabLinkEncode(link).find("loss=auto") != std::string::npos);
}
