// cnn-sandbox train: placeholder until its issue lands; says so instead of pretending.
#include <cstdio>

#include "commands.h"

int cmd_train(int, char**) {
  std::fprintf(stderr, "cnn-sandbox train: not built yet in this version\n");
  return 1;
}
