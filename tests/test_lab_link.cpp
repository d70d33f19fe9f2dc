// The page's link (web/lab_link.h): the view keys the engine does not know (tab, panels, embed,
// lock, parent) on top of the engine's URL state; round trip and refusals.
#include <doctest/doctest.h>

#include <string>

#include "lab_link.h"

namespace {

// A fragment the decoder must refuse, and a phrase its message must hold.
struct Refused {
  const char* frag;
  const char* says;
};

// Decodes r.frag into *keep: it must be refused, with r.says in the message, which is returned.
std::string Refusal(const Refused& r, LabLink* keep) {
  std::string err;
  CHECK_FALSE(LabLinkDecode(r.frag, keep, &err));
  CHECK_MESSAGE(err.find(r.says) != std::string::npos, err);
  return err;
}

}  // namespace

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
  const Refused bad[] = {
      {"tab=settings", "not one of designer, analysis, data or lessons"},
      {"lesson=../etc/passwd", "is not a lesson name"},
      {"lesson=", "is not a lesson name"},
      {"embed=yes", "not 0 or 1"},
      {"lock=2", "not 0 or 1"},
      {"panels=Inspect", "not a panel name"},
      {"foo=1", "unknown key 'foo'"},
      {"tab=data&tab=data", "given twice"},
      {"lr=0&tab=data", "'lr': 0 is out of range (0, 10]"},
  };
  for (const Refused& b : bad) {
    CAPTURE(b.frag);
    LabLink keep;
    keep.embed = true;
    const std::string err = Refusal(b, &keep);
    CHECK(err.find("The link's settings could not be read") == 0);
    CHECK(keep.embed);
    CHECK(keep.panels.empty());
  }
  std::string err;
  LabLink l;
  CHECK_FALSE(LabLinkDecode("foo=1", &l, &err));
  CHECK(err.find("tab, panels, embed, lock, parent, lesson") != std::string::npos);
}

TEST_CASE("lab_link: lesson=NAME opens a lesson (issue 14), with embed=1 beside the lab") {
  LabLink l;
  std::string err;
  REQUIRE_MESSAGE(LabLinkDecode("embed=1&lesson=receptive-fields", &l, &err), err);
  CHECK(l.embed);
  CHECK(l.has_lesson);
  CHECK(l.lesson == "receptive-fields");
  CHECK(LabLinkEncode(l) == "v=1&embed=1&lesson=receptive-fields");
  REQUIRE(LabLinkDecode("tab=lessons", &l, &err));
  CHECK(l.tab == "lessons");
  CHECK_FALSE(l.has_lesson);
}

TEST_CASE("lab_link: parent= lists the origins allowed to script an embed; it round-trips") {
  LabLink l;
  std::string err;
  REQUIRE_MESSAGE(
      LabLinkDecode("embed=1&parent=https://course.example.org,http://127.0.0.1:8081,http://[::1]:9000", &l, &err),
      err);
  REQUIRE(l.parents.size() == 3);
  CHECK(l.parents[0] == "https://course.example.org");
  CHECK(l.parents[1] == "http://127.0.0.1:8081");
  CHECK(l.parents[2] == "http://[::1]:9000");
  const std::string frag = LabLinkEncode(l);
  CHECK(
      frag ==
      "v=1&embed=1&parent=https%3A%2F%2Fcourse.example.org%2Chttp%3A%2F%2F127.0.0.1%3A8081%2Chttp%3A%2F%2F%5B%3A%3A1%5D%3A9000");
  LabLink back;
  REQUIRE_MESSAGE(LabLinkDecode(frag, &back, &err), err);
  CHECK(back == l);
}

TEST_CASE("lab_link: a malformed parent origin is refused with what is wrong") {
  const Refused bad[] = {
      {"parent=course.example.org", "does not start with https:// or http://"},
      {"parent=ftp://x.org", "does not start with https:// or http://"},
      {"parent=https://x.org/", "has a path or a trailing '/'"},
      {"parent=https://x.org/course", "has a path or a trailing '/'"},
      {"parent=https://X.org", "lower-case letters"},
      {"parent=https://", "has no host"},
      {"parent=https://x.org:0", "port that is not a number from 1 to 65535"},
      {"parent=https://x.org:65536", "port that is not a number from 1 to 65535"},
      {"parent=https://x.org:80a", "port that is not a number"},
      {"parent=https://x.org,,https://y.org", "an empty origin"},
      {"parent=https://x.org,", "an empty origin"},
      {"parent=http://[::1", "unclosed or empty [IPv6] host"},
      {"parent=*", "does not start with https://"},
      {"parent=a,b,c,d,e,f,g,h,i", "does not start with"},
      {"parent=http://a,http://b,http://c,http://d,http://e,http://f,http://g,http://h,http://i",
       "more than 8 origins"},
  };
  for (const Refused& b : bad) {
    CAPTURE(b.frag);
    LabLink keep;
    CHECK(Refusal(b, &keep).find("'parent': ") != std::string::npos);
    CHECK(keep.parents.empty());
  }
  CHECK(LabLinkOriginProblem("http://localhost:8080") == "");
  CHECK(LabLinkOriginProblem("https://a-b.c.d") == "");
}
