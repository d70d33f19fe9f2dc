// lab_link.cpp: the page's view keys on top of the engine's URL state (see lab_link.h).
#include "lab_link.h"

#include <cctype>

#include "cnn/lesson.h"

static const char* const kTabNames[] = {"designer", "analysis", "data", "lessons"};

bool operator==(const LabLink& a, const LabLink& b) {
  return a.lab == b.lab && a.has_tab == b.has_tab && a.tab == b.tab && a.panels == b.panels && a.embed == b.embed &&
         a.lock == b.lock && a.parents == b.parents && a.has_lesson == b.has_lesson && a.lesson == b.lesson;
}

std::string LabLinkEncode(const LabLink& l) {
  cnn::UrlState u = l.lab;
  u.extra.clear();
  if (l.has_tab) u.extra.emplace_back("tab", l.tab);
  if (!l.panels.empty()) {
    std::string p;
    for (size_t i = 0; i < l.panels.size(); i++) p += (i ? "," : "") + l.panels[i];
    u.extra.emplace_back("panels", p);
  }
  if (l.embed) u.extra.emplace_back("embed", "1");
  if (l.lock) u.extra.emplace_back("lock", "1");
  if (!l.parents.empty()) {
    std::string p;
    for (size_t i = 0; i < l.parents.size(); i++) p += (i ? "," : "") + l.parents[i];
    u.extra.emplace_back("parent", p);
  }
  if (l.has_lesson) u.extra.emplace_back("lesson", l.lesson);
  return cnn::url_state_encode(u);
}

std::string LabLinkOriginProblem(const std::string& o) {
  const std::string eg = " (an origin is scheme://host[:port], e.g. https://course.example.org)";
  size_t at;
  if (o.rfind("https://", 0) == 0) at = 8;
  else if (o.rfind("http://", 0) == 0) at = 7;
  else return "'" + o.substr(0, 60) + "' does not start with https:// or http://" + eg;
  size_t host_end;
  if (at < o.size() && o[at] == '[') {  // [IPv6]
    host_end = o.find(']', at);
    if (host_end == std::string::npos || host_end == at + 1)
      return "'" + o.substr(0, 60) + "' has an unclosed or empty [IPv6] host" + eg;
    for (size_t i = at + 1; i < host_end; i++)
      if (!std::isxdigit(static_cast<unsigned char>(o[i])) || std::isupper(static_cast<unsigned char>(o[i])))
        if (o[i] != ':' && o[i] != '.')
          return "'" + o.substr(0, 60) +
                 "' has a character in its [IPv6] host that is not a lower-case hex digit, ':' or '.'" + eg;
    host_end++;
  } else {
    host_end = at;
    while (host_end < o.size() && o[host_end] != ':' && o[host_end] != '/') {
      const char c = o[host_end];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
        return "'" + o.substr(0, 60) +
               "': the host may hold only lower-case letters, digits, '-' and '.' (browsers report origins in lower case)" +
               eg;
      host_end++;
    }
    if (host_end == at) return "'" + o.substr(0, 60) + "' has no host" + eg;
  }
  if (host_end == o.size()) return "";
  if (o[host_end] == '/')
    return "'" + o.substr(0, 60) + "' has a path or a trailing '/'; an origin ends after the host or port" + eg;
  if (o[host_end] != ':') return "'" + o.substr(0, 60) + "' has characters after the host" + eg;
  const std::string port = o.substr(host_end + 1);
  if (port.empty() || port.size() > 5 || port[0] == '0' || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stol(port) > 65535)
    return "'" + o.substr(0, 60) + "' has a port that is not a number from 1 to 65535 (and nothing after it)" + eg;
  return "";
}

// "" or the problem with one view key's value.
static std::string ParseViewKey(const std::string& key, const std::string& value, LabLink* l) {
  if (key == "tab") {
    for (const char* t : kTabNames)
      if (value == t) {
        l->has_tab = true;
        l->tab = t;
        return "";
      }
    return "'" + value + "' is not one of designer, analysis, data or lessons";
  }
  if (key == "panels") {
    size_t a = 0;
    while (a <= value.size() && !value.empty()) {
      size_t c = value.find(',', a);
      if (c == std::string::npos) c = value.size();
      std::string name = value.substr(a, c - a);
      a = c + 1;
      if (name.empty()) continue;
      for (unsigned char ch : name)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
          return "'" + name + "' is not a panel name (lower-case letters, digits, '-' and '_')";
      if (name.size() > 32) return "a panel name is longer than 32 characters";
      if (l->panels.size() >= 16) return "lists more than 16 panels";
      l->panels.push_back(name);
    }
    return "";
  }
  if (key == "lesson") {
    if (!cnn::lesson_name_ok(value))
      return "'" + value.substr(0, 64) + "' is not a lesson name (letters, digits, '-' and '_', at most 64)";
    l->has_lesson = true;
    l->lesson = value;
    return "";
  }
  if (key == "parent") {
    size_t a = 0;
    while (a <= value.size()) {
      size_t c = value.find(',', a);
      if (c == std::string::npos) c = value.size();
      std::string origin = value.substr(a, c - a);
      a = c + 1;
      if (origin.empty()) return "an empty origin in the list (origins are separated by single commas)";
      std::string p = LabLinkOriginProblem(origin);
      if (!p.empty()) return p;
      if (l->parents.size() >= 8) return "lists more than 8 origins";
      l->parents.push_back(origin);
    }
    return "";
  }
  if (value != "0" && value != "1") return "'" + value + "' is not 0 or 1";
  (key == "embed" ? l->embed : l->lock) = value == "1";
  return "";
}

bool LabLinkDecode(std::string_view fragment, LabLink* out, std::string* err) {
  LabLink l;
  if (!cnn::url_state_decode(fragment, &l.lab, err, true)) return false;
  for (const auto& [key, value] : l.lab.extra) {
    if (key != "tab" && key != "panels" && key != "embed" && key != "lock" && key != "parent" && key != "lesson") {
      std::string k = key.substr(0, 40);
      for (char& c : k)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
      if (err)
        *err = cnn::url_state_error("unknown key '" + k + "' (known: " + cnn::url_state_keys() +
                                    ", tab, panels, embed, lock, parent, lesson).");
      return false;
    }
    std::string p = ParseViewKey(key, value, &l);
    if (!p.empty()) {
      if (err) *err = cnn::url_state_error("'" + key + "': " + p + ".");
      return false;
    }
  }
  l.lab.extra.clear();
  *out = std::move(l);
  return true;
}
