// The libFuzzer driver, compiled once per target with CNN_FUZZ_TARGET set to the target's name
// (fuzz/CMakeLists.txt). The work is in fuzz_entries.h, which the test suite replays too.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_entries.h"

#ifndef CNN_FUZZ_TARGET
#error "CNN_FUZZ_TARGET must name an entry of cnn_fuzz::targets()"
#endif

static const cnn_fuzz::Target& this_target() {
  for (const cnn_fuzz::Target& t : cnn_fuzz::targets())
    if (!std::strcmp(t.name, CNN_FUZZ_TARGET)) return t;
  std::fprintf(stderr, "fuzz driver: no target named '%s' in fuzz_entries.h\n", CNN_FUZZ_TARGET);
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const cnn_fuzz::Target& target = this_target();
  const std::string broken = target.run(data, size);
  if (!broken.empty()) {
    // A property violation is a finding like a crash: abort so libFuzzer saves the input.
    std::fprintf(stderr, "\n[fuzz_%s] property violated: %s\n", target.name, broken.c_str());
    std::abort();
  }
  return 0;
}
