// cnn-sandbox: the command-line face of the engine. Builds natively and with Emscripten; under
// node (`node --no-experimental-fetch cnn-sandbox.js ARGS`) it takes the same arguments and prints
// the same output, so every measurement can be made on the wasm engine too.
#include <cstdio>
#include <cstring>

#include "cnn/kernels.h"
#include "commands.h"

static void usage(FILE* f) {
  std::fprintf(f,
               "usage: cnn-sandbox COMMAND [options]\n"
               "\n"
               "commands:\n"
               "  summary [--json] FILE|-     shapes, parameters, receptive fields and cost of a model\n"
               "  train --model FILE --data NAME [...]   train and evaluate (see: train --help)\n"
               "  bench --model FILE [...] | --gemm      measure speed (see: bench --help)\n"
               "  export --pytorch --model FILE [--weights FILE] -o OUT.py   a PyTorch script of the model\n"
               "\n"
               "engine: SIMD kernels for %s\n",
               cnn::simd_isa_name());
}

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "-h") || !std::strcmp(cmd, "--help") || !std::strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  if (!std::strcmp(cmd, "summary")) return cmd_summary(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "train")) return cmd_train(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "bench")) return cmd_bench(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "export")) return cmd_export(argc - 1, argv + 1);
  std::fprintf(stderr, "cnn-sandbox: unknown command '%s'\n\n", cmd);
  usage(stderr);
  return 2;
}
