// One function per subcommand of cnn-sandbox, each in its own file (cmd_<name>.cpp).
// Each returns the process exit status: 0 success, 2 bad input (message on stderr), 1 failure.
#pragma once

int cmd_summary(int argc, char** argv);  // cmd_summary.cpp
int cmd_train(int argc, char** argv);    // cmd_train.cpp
int cmd_bench(int argc, char** argv);    // cmd_bench.cpp
int cmd_export(int argc, char** argv);   // cmd_export.cpp (and its hidden --dump, cmd_dump.cpp)
