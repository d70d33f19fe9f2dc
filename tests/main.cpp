// The doctest runner. The same binary runs natively and, built with Emscripten, under node.
// `--threads=N` runs every test with the engine on N threads (parallel.h): the results must not
// change, so ctest runs the whole suite once more that way (cnn_tests_threads3).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cnn/parallel.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strncmp(argv[i], "--threads=", 10)) {
      const int want = std::atoi(argv[i] + 10), got = cnn::set_num_threads(want);
      std::printf("cnn_tests: the engine computes on %d thread(s) (asked %d)\n", got, want);
    }
  doctest::Context context(argc, argv);
  return context.run();
}
