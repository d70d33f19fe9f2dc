// The page's link (web/lab_link.h): the view keys the engine does not know (tab, panels, embed,
// lock) on top of the engine's URL state; round trip and refusals.
#include <doctest/doctest.h>

#include <string>

#include "lab_link.h"

TEST_CASE("lab_link: the page's view keys round-trip beside the engine's state") {
  LabLink l;
  l.lab.has_preset = true;
  l.lab.preset = "lenet5";
  l.lab.set(int(cnn::SettingId::lr), 0.01);
  l.has_tab = true;
  l.tab = "analysis";
  l.panels = {"inspect", "filters-2"};
  l.embed = true;
  l.lock = true;
  const std::string frag = LabLinkEncode(l);
  CHECK(frag == "v=1&preset=lenet5&lr=0.01&tab=analysis&panels=inspect%2Cfilters-2&embed=1&lock=1");
  LabLink back;
  std::string err;
  REQUIRE_MESSAGE(LabLinkDecode("#" + frag, &back, &err), err);
  CHECK(back == l);
  REQUIRE(LabLinkDecode("preset=lenet5&embed=1&lock=1&lr=3e-3", &back, &err));
  CHECK(back.embed);
  CHECK(back.lock);
  CHECK(back.lab.settings.lr == 3e-3f);
  CHECK(back.lab.extra.empty());
}

TEST_CASE("lab_link: bad view keys are refused with a message, the output untouched") {
  struct Bad { const char* frag; const char* says; };
  const Bad bad[] = {
      {"tab=settings", "not one of designer, analysis or data"},
      {"embed=yes", "not 0 or 1"},
      {"lock=2", "not 0 or 1"},
      {"panels=Inspect", "not a panel name"},
      {"foo=1", "unknown key 'foo'"},
      {"tab=data&tab=data", "given twice"},
      {"lr=0&tab=data", "'lr': 0 is out of range (0, 10]"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.frag);
    LabLink keep;
    keep.embed = true;
    std::string err;
    CHECK_FALSE(LabLinkDecode(b.frag, &keep, &err));
    CHECK_MESSAGE(err.find(b.says) != std::string::npos, err);
    CHECK(err.find("The link's settings could not be read") == 0);
    CHECK(keep.embed);
    CHECK(keep.panels.empty());
  }
  std::string err;
  LabLink l;
  CHECK_FALSE(LabLinkDecode("foo=1", &l, &err));
  CHECK(err.find("tab, panels, embed, lock") != std::string::npos);
}
