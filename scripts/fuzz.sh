#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/fuzz_entries.h) for a bounded time and says what it found.
#
#   scripts/fuzz.sh                   every target, 60 s each
#   FUZZ_SECONDS=20 scripts/fuzz.sh   shorter (scripts/test-all.sh uses this in CI)
#   scripts/fuzz.sh idx csv           only these targets
#
# Builds in build/fuzz (FUZZ_BUILD_DIR) with clang, -fsanitize=fuzzer,address,undefined. Each run
# starts from the seeds in fuzz/corpus/<target>/ (read only) plus what earlier runs found in
# build/fuzz/corpus/<target>/. A crash, a sanitizer report, a hang (> 10 s on one input) or a broken
# property leaves the input in build/fuzz/artifacts/<target>/; reproduce it with
#   build/fuzz/fuzz_<target> build/fuzz/artifacts/<target>/crash-...
# then copy it into fuzz/corpus/<target>/ so the normal test suite replays it forever after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-build/fuzz}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_COMPILER=clang -DCNN_BUILD_WEB=OFF -DCNN_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzzers

if [ $# -gt 0 ]; then
  targets=("$@")
else
  # The list fuzz/CMakeLists.txt builds: set(CNN_FUZZ_TARGETS a b c)
  read -r -a targets < <(sed -n 's/^ *set(CNN_FUZZ_TARGETS \(.*\))/\1/p' fuzz/CMakeLists.txt)
fi

failed=()
printf '\n%-12s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  bin="$build/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz.sh: no fuzz target '$t' (known: ${targets[*]})" >&2; exit 2; }
  work="$build/corpus/$t" art="$build/artifacts/$t/" log="$build/fuzz_$t.log"
  mkdir -p "$work" "$art" "fuzz/corpus/$t"
  set +e
  # detect_leaks: a leak is a finding too. -timeout: one input may not take 10 s (a hang).
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$art" "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  size=$(find "$work" "fuzz/corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    result="no finding"
  else
    result="FINDING (exit $rc): $(ls -t "$art" 2>/dev/null | head -n1), log $log"
    failed+=("$t")
  fi
  printf '%-12s %12s %10s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "$size" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    printf '\n--- fuzz_%s: end of %s ---\n' "$t" "$build/fuzz_$t.log"
    grep -v '^#[0-9]' "$build/fuzz_$t.log" | tail -n 40
  done
  exit 1
fi
