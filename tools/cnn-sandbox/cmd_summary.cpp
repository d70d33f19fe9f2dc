// cnn-sandbox summary: placeholder until its issue lands; says so instead of pretending.
#include <cstdio>

#include "commands.h"

int cmd_summary(int, char**) {
  std::fprintf(stderr, "cnn-sandbox summary: not built yet in this version\n");
  return 1;
}
