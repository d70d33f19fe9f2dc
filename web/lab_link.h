// lab_link.h: the page's link: the engine's part (model, data, settings: cnn::UrlState) and the
// page's own view, which only the page knows: the open left tab, other open panels, and for course
// pages the compact embed layout and the architecture lock.
//   tab     designer | analysis | data | lessons
//   panels  comma list of other open panels (names of [a-z0-9_-], at most 16 of at most 32 chars)
//   embed   0 | 1: the compact layout for an iframe;  lock  0 | 1: the architecture is fixed
//   parent  comma list of the origins (scheme://host[:port], at most 8) whose pages may script the
//           embedded lab by postMessage (web/shell/embed_api.js); absent: any parent page may
//   lesson  a lesson's name (letters, digits, '-', '_'; lessons/NAME.txt of the site) to open
// No ImGui here: tests/test_lab_link.cpp runs it natively.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cnn/url_state.h"

struct LabLink {
  cnn::UrlState lab;  // model, data, settings (lab.extra stays empty)
  bool has_tab = false;
  std::string tab;
  std::vector<std::string> panels;
  bool embed = false;
  bool lock = false;
  std::vector<std::string> parents;  // allowed parent origins, "https://course.example.org"
  bool has_lesson = false;
  std::string lesson;
};
bool operator==(const LabLink& a, const LabLink& b);

std::string LabLinkEncode(const LabLink& l);
// As cnn::url_state_decode, with the view keys; false + one sentence in *err, *out untouched.
bool LabLinkDecode(std::string_view fragment, LabLink* out, std::string* err);
// "" when `origin` is a web origin as browsers report it (MessageEvent.origin): http or https,
// a lower-case host name (or IPv4, or [IPv6]), an optional port; no path, no trailing '/'.
// Otherwise what is wrong with it.
std::string LabLinkOriginProblem(const std::string& origin);
