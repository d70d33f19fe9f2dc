// spec_tests.h: a model text parsed and analyzed for a test (the test fails with the parser's
// message when it does not parse), and a substring check for the texts the engine writes.
#pragma once
#include <doctest/doctest.h>

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

}  // namespace spec_tests
