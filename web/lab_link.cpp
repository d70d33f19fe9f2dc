// lab_link.cpp: the page's view keys on top of the engine's URL state (see lab_link.h).
#include "lab_link.h"

static const char* const kTabNames[] = {"designer", "analysis", "data"};

bool operator==(const LabLink& a, const LabLink& b) {
  return a.lab == b.lab && a.has_tab == b.has_tab && a.tab == b.tab && a.panels == b.panels && a.embed == b.embed &&
         a.lock == b.lock;
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
  return cnn::url_state_encode(u);
}

// "" or the problem with one view key's value.
static std::string ParseViewKey(const std::string& key, const std::string& value, LabLink* l) {
  if (key == "tab") {
    for (const char* t : kTabNames)
      if (value == t) { l->has_tab = true; l->tab = t; return ""; }
    return "'" + value + "' is not one of designer, analysis or data";
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
  if (value != "0" && value != "1") return "'" + value + "' is not 0 or 1";
  (key == "embed" ? l->embed : l->lock) = value == "1";
  return "";
}

bool LabLinkDecode(std::string_view fragment, LabLink* out, std::string* err) {
  LabLink l;
  if (!cnn::url_state_decode(fragment, &l.lab, err, true)) return false;
  for (const auto& [key, value] : l.lab.extra) {
    if (key != "tab" && key != "panels" && key != "embed" && key != "lock") {
      std::string k = key.substr(0, 40);
      for (char& c : k)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
      if (err) *err = cnn::url_state_error("unknown key '" + k + "' (known: " + cnn::url_state_keys() + ", tab, panels, embed, lock).");
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
