// browser.h: what the lab asks of the browser: the URL fragment, the autosave in localStorage, the
// clipboard, file downloads and the file picker, a new tab. In the desktop window there is no URL
// and no storage: reads give "", writes do nothing, a link is printed and a download is a file in
// the working folder.
#pragma once
#include <string>

std::string BrowserReadHash();                       // window.location.hash ("" if none)
std::string BrowserReadAutosave();                   // the autosaved fragment ("" if none)
bool BrowserWriteAutosave(const std::string& frag);  // false when storage is switched off
void BrowserWriteHash(const std::string& frag);      // history.replaceState: no history entry
void BrowserCopyLink(const std::string& frag);       // this page's address with `frag`, to the clipboard
void BrowserDownload(const std::string& bytes, const char* name);
void BrowserPickModelFile();                   // the file picker; the file arrives via cnn_share_load_file
void BrowserOpenTab(const std::string& frag);  // this page with `frag`, in a new tab
