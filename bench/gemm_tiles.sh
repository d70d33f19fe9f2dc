#!/bin/sh
# Compare wasm SGEMM register tiles (MR x NV vectors) under node: builds one small bench binary per
# tile with em++ and runs `bench --gemm` with the CPU clock. Used to choose the wasm tile in
# engine/kernels/kernel_list.h. Usage: bench/gemm_tiles.sh ["4 2" "2 4" ...]
set -eu
cd "$(dirname "$0")/.."
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
out=${TMPDIR:-/tmp}/cnn-gemm-tiles
mkdir -p "$out"
[ $# -gt 0 ] || set -- "4 2" "2 4" "5 2" "4 3"
deps=$(ls -d build/*/deps-include 2>/dev/null | head -n1)
[ -n "$deps" ] || { echo "gemm_tiles.sh: configure any build first (needs build/*/deps-include)" >&2; exit 2; }
printf 'int cmd_bench(int, char**);\nint main(int c, char** v) { return cmd_bench(c - 1, v + 1); }\n' > "$out/main.cpp"
for t in "$@"; do
  set -- $t
  em++ -std=c++17 -O3 -msimd128 -ffp-contract=off -DCNN_GEMM_MR="$1" -DCNN_GEMM_NV="$2" \
    -Iengine/include -Iengine/kernels -Itools/cnn-sandbox -I"$deps" \
    engine/kernels/*.cpp engine/src/kernels_dispatch.cpp tools/cnn-sandbox/cmd_bench.cpp "$out/main.cpp" \
    -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 -sENVIRONMENT=node -o "$out/tile_$1_$2.js"
  echo "== tile ${1}x$(( $2 * 4 ))"
  node --no-experimental-fetch "$out/tile_$1_$2.js" bench --gemm --clock cpu --sizes 128,256,512 --runs 9 | tail -n 4
done
