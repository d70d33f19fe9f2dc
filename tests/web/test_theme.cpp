// The themes' colours against WCAG 2.1 (issue 17): every foreground/background pair the interface
// draws (web/theme.cpp, ThemeContrastPairs) has at least 4.5:1 for text and 3:1 for component edges,
// the keyboard focus and essential graphics, in the dark theme and the high-contrast theme; the
// high-contrast theme's text reaches 7:1 (AAA). Run with CNN_PRINT_CONTRAST=1 for the whole table.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "theme.h"

TEST_CASE("the contrast ratio follows WCAG 2.1's definition") {
  CHECK(ContrastRatio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(21.0));
  CHECK(ContrastRatio(ImVec4(1, 1, 1, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(1.0));
  // #777777 on white: 4.48:1, the classic just-fails-AA grey; #767676: 4.54:1
  CHECK(ContrastRatio(ImVec4(0x77 / 255.f, 0x77 / 255.f, 0x77 / 255.f, 1), ImVec4(1, 1, 1, 1)) ==
        doctest::Approx(4.48).epsilon(0.002));
  CHECK(ContrastRatio(ImVec4(0x76 / 255.f, 0x76 / 255.f, 0x76 / 255.f, 1), ImVec4(1, 1, 1, 1)) ==
        doctest::Approx(4.54).epsilon(0.002));
  // half-transparent black over white is mid grey (0.5): (1.05) / (0.214 + 0.05)
  CHECK(ContrastRatio(ImVec4(0, 0, 0, 0.5f), ImVec4(1, 1, 1, 1)) ==
        doctest::Approx(1.05 / (0.21404 + 0.05)).epsilon(0.001));
}

static void CheckTheme(ThemeKind kind, double text_need) {
  const std::vector<ContrastPair> pairs = ThemeContrastPairs(kind);
  REQUIRE(pairs.size() > 80);
  const bool print = std::getenv("CNN_PRINT_CONTRAST") != nullptr;
  double worst_text = 99, worst_graphic = 99;
  for (const ContrastPair& p : pairs) {
    const double r = ContrastRatio(p.fg, p.bg);
    const double need = p.need >= 4.5 ? std::max(p.need, text_need) : p.need;
    if (print) std::printf("%-14s %6.2f:1 (needs %.1f)  %s\n", ThemeOf(kind).name, r, need, p.what.c_str());
    (p.need >= 4.5 ? worst_text : worst_graphic) = std::min(p.need >= 4.5 ? worst_text : worst_graphic, r);
    INFO(std::string(ThemeOf(kind).name), ": ", p.what, " is ", r, ":1");
    CHECK(r >= need);
  }
  std::printf("theme %s: %zu pairs, lowest text contrast %.2f:1, lowest graphics contrast %.2f:1\n", ThemeOf(kind).name,
              pairs.size(), worst_text, worst_graphic);
}

TEST_CASE("dark theme: text 4.5:1, edges, focus and graphics 3:1") { CheckTheme(ThemeKind::dark, 4.5); }
TEST_CASE("high-contrast theme: text 7:1, edges, focus and graphics 3:1") { CheckTheme(ThemeKind::high_contrast, 7.0); }
