// browser.cpp: the browser glue of browser.h. EM_JS bodies are compiled into the page's script at
// link time (nothing is evaluated). localStorage may be switched off (private windows, iframes with
// storage blocked): every access is guarded, and a page without storage simply does not autosave.
#include "browser.h"

#include <cstdio>
#include <cstdlib>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

static const char* kAutosaveKey = "cnn-sandbox.autosave.v1";
// clang-format off
EM_JS(char*, ShareJsGetHash, (), {
  var h = "";
  try { h = String(window.location.hash || ""); } catch (e) {}
  var n = lengthBytesUTF8(h) + 1, p = _malloc(n);
  stringToUTF8(h, p, n);
  return p;
});
EM_JS(char*, ShareJsGetStorage, (const char* key), {
  var v = "";
  try { v = window.localStorage.getItem(UTF8ToString(key)) || ""; } catch (e) {}
  var n = lengthBytesUTF8(v) + 1, p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(int, ShareJsSetStorage, (const char* key, const char* value), {
  try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); return 1; } catch (e) { return 0; }
});
// replaceState, not location.hash =: no history entry per keystroke, no hashchange event.
EM_JS(void, ShareJsSetHash, (const char* frag), {
  try { window.history.replaceState(null, "", "#" + UTF8ToString(frag)); } catch (e) {}
});
EM_JS(void, ShareJsCopyLink, (const char* frag), {
  var link = window.location.href.split("#")[0] + "#" + UTF8ToString(frag);
  window.cnnShareLastLink = link;
  if (window.cnnShare) window.cnnShare.copyText(link);
});
EM_JS(void, ShareJsDownload, (const char* data, int size, const char* name), {
  var bytes = HEAPU8.slice(data, data + size);
  window.cnnShareLastFile = { name: UTF8ToString(name), bytes: bytes };
  if (Module.cnnDownload) Module.cnnDownload(bytes, UTF8ToString(name), "application/octet-stream");
});
EM_JS(void, ShareJsPickFile, (), {
  if (window.cnnShare) window.cnnShare.pickModelFile();
});
EM_JS(void, ShareJsOpenFull, (const char* frag), {
  var link = window.location.href.split("#")[0] + "#" + UTF8ToString(frag);
  window.open(link, "_blank", "noopener");
});
// clang-format on
static std::string TakeString(char* p) {
  std::string s = p ? p : "";
  std::free(p);
  return s;
}
std::string BrowserReadHash() { return TakeString(ShareJsGetHash()); }
std::string BrowserReadAutosave() { return TakeString(ShareJsGetStorage(kAutosaveKey)); }
bool BrowserWriteAutosave(const std::string& v) { return ShareJsSetStorage(kAutosaveKey, v.c_str()) != 0; }
void BrowserWriteHash(const std::string& f) { ShareJsSetHash(f.c_str()); }
void BrowserCopyLink(const std::string& f) { ShareJsCopyLink(f.c_str()); }
void BrowserDownload(const std::string& bytes, const char* name) {
  ShareJsDownload(bytes.data(), int(bytes.size()), name);
}
void BrowserPickModelFile() { ShareJsPickFile(); }
void BrowserOpenTab(const std::string& f) { ShareJsOpenFull(f.c_str()); }
#else
std::string BrowserReadHash() { return ""; }
std::string BrowserReadAutosave() { return ""; }
bool BrowserWriteAutosave(const std::string&) { return false; }
void BrowserWriteHash(const std::string&) {}
void BrowserCopyLink(const std::string& f) { std::printf("#%s\n", f.c_str()); }
void BrowserDownload(const std::string& bytes, const char* name) {
  FILE* fp = std::fopen(name, "wb");
  if (fp) {
    std::fwrite(bytes.data(), 1, bytes.size(), fp);
    std::fclose(fp);
  }
}
void BrowserPickModelFile() {}
void BrowserOpenTab(const std::string&) {}
#endif
