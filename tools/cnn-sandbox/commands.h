// One function per subcommand of cnn-sandbox, each in its own file (cmd_<name>.cpp).
// Each returns the process exit status: 0 success, 2 bad input (message on stderr), 1 failure.
#pragma once
#include <cstdio>

int cmd_summary(int argc, char** argv);  // cmd_summary.cpp
int cmd_train(int argc, char** argv);    // cmd_train.cpp
int cmd_bench(int argc, char** argv);    // cmd_bench.cpp
int cmd_export(int argc, char** argv);   // cmd_export.cpp (and its hidden --dump, cmd_dump.cpp)

// The value after the flag argv[*i] (*i moves onto it), or null after "cnn-sandbox CMD: FLAG needs a
// value (see CMD --help)" on stderr when the flag is the last argument.
inline const char* flag_value(const char* cmd, int argc, char** argv, int* i) {
  if (*i + 1 >= argc) {
    std::fprintf(stderr, "cnn-sandbox %s: %s needs a value (see %s --help)\n", cmd, argv[*i], cmd);
    return nullptr;
  }
  return argv[++*i];
}
