#!/usr/bin/env bash
# Endurance (issue 10): trains 100,000 steps natively and reports resident memory along the way.
# Builds a plain Release engine (no sanitizers) in build/endurance (ENDURANCE_BUILD_DIR).
#
#   fuzz/endurance.sh                      tiny MLP on spirals, batch 8, 100,000 steps
#   fuzz/endurance.sh --model cnn          a small CNN on 28x28 bars
#   fuzz/endurance.sh --steps 10000        shorter
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${ENDURANCE_BUILD_DIR:-build/endurance}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_COMPILER=clang -DCNN_BUILD_WEB=OFF -DCNN_ENDURANCE=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target endurance >/dev/null
exec "$build/endurance" "$@"
