#!/usr/bin/env bash
# Sets up what is missing, then runs every test: the native suite, the same suite compiled to
# WebAssembly under node, and the browser tests: in Firefox and WebKit (under Xvfb), then in
# Debian's chromium driven by playwright-core.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)
step() { printf '\n=== %s ===\n' "$*"; }

step "format: the C++ sources follow .clang-format (scripts/format.sh --check)"
bash scripts/format.sh --check

step "native: configure, build, test"
cmake --preset native >/dev/null
cmake --build --preset native -j "$jobs"
ctest --preset native -j "$jobs"

step "sanitize: the native suite under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "$jobs" --target cnn_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  build/sanitize/cnn_tests --no-intro --force-colors=0

# Lesser ISAs (issue 18): only the host's best kernels run above; these build the test binary alone
# with the SSE2 and the scalar kernels forced (engine/kernels/vf32.h) and run the whole suite.
for isa in sse2 scalar; do
  step "native-$isa: the native suite with the $isa kernels"
  cmake --preset "native-$isa" >/dev/null
  cmake --build --preset "native-$isa" -j "$jobs"
  "build/native-$isa/cnn_tests" --no-intro --force-colors=0
done

step "wasm: configure, build, test under node"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$jobs"
ctest --preset wasm -j "$jobs"


# Fuzzing: every libFuzzer target for a bounded time (scripts/fuzz.sh; 60 s each when run alone).
if [ "${CI:-}" = true ] || [ -n "${FUZZ_SECONDS:-}" ]; then
  step "fuzz: each libFuzzer target for ${FUZZ_SECONDS:-20} s"
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash scripts/fuzz.sh
else
  step "fuzz: skipped here (runs when CI=true or FUZZ_SECONDS=N is set; or run scripts/fuzz.sh)"
fi

# Firefox and WebKit (Safari's engine): the smoke, training, designer, share and layout tests (every
# panel at 6 sizes; measured here ~120 s in Firefox, ~205 s in WebKit). They draw with Mesa's
# software GL in a window, so they run under a virtual X display (tests/browser/drivers.mjs).
xvfb=(xvfb-run -a -s "-screen 0 2560x1600x24")
for browser in firefox webkit; do
  step "browser: the page in $browser (under xvfb-run)"
  t0=$SECONDS
  BROWSER=$browser SITE_DIR="$PWD/build/wasm/site" "${xvfb[@]}" node --test \
    tests/browser/smoke.test.mjs tests/browser/lab.test.mjs tests/browser/share.test.mjs tests/browser/layout.test.mjs
  echo "$browser: $((SECONDS - t0)) s"
done

# Last, so that the closing lines are the test runner's summary.
step "browser: the page in chromium"
SITE_DIR="$PWD/build/wasm/site" node --test tests/browser/
