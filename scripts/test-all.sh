#!/usr/bin/env bash
# Sets up what is missing, then runs every test: the native suite, the same suite compiled to
# WebAssembly under node, and the browser tests (Debian's chromium driven by playwright-core).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)
step() { printf '\n=== %s ===\n' "$*"; }

step "native: configure, build, test"
cmake --preset native >/dev/null
cmake --build --preset native -j "$jobs"
ctest --preset native -j "$jobs"

step "wasm: configure, build, test under node"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$jobs"
ctest --preset wasm -j "$jobs"

step "browser: the page in chromium"
SITE_DIR="$PWD/build/wasm/site" node --test tests/browser/
