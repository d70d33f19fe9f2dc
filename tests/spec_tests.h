// spec_tests.h: a model text parsed and analyzed for a test (the test fails with the parser's
// message when it does not parse), a preset's text, and a substring check for the texts the
// engine writes.
#pragma once
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "cnn/spec.h"

namespace spec_tests {

struct Parsed {
  cnn::ModelSpec m;
  cnn::ModelInfo info;
};
inline Parsed parse(const char* text) {
  Parsed p;
  cnn::SpecError e;
  REQUIRE_MESSAGE(cnn::parse_and_analyze(text, &p.m, &p.info, &e), e.to_string());
  return p;
}
inline bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// The text of the preset `name` (assets/presets/NAME.txt); the test fails when it cannot be read.
inline std::string read_preset(const std::string& name) {
  const std::string path = std::string(CNN_SOURCE_DIR) + "/assets/presets/" + name + ".txt";
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE_MESSAGE(f != nullptr, path);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

}  // namespace spec_tests
