// cnn-sandbox bench: placeholder until its issue lands; says so instead of pretending.
#include <cstdio>

#include "commands.h"

int cmd_bench(int, char**) {
  std::fprintf(stderr, "cnn-sandbox bench: not built yet in this version\n");
  return 1;
}
