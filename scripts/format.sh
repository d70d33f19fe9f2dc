#!/usr/bin/env bash
# Formats the C++ sources with clang-format (.clang-format: Debian 12's clang-format 14), or with
# --check only reports the files that differ and fails (scripts/test-all.sh runs the check).
#
#   scripts/format.sh            rewrite the files in place
#   scripts/format.sh --check    change nothing; exit 1 if some file is not formatted
#
# The directories formatted; the .inc tables (kernel_list.inc, settings.inc) keep their
# hand-aligned columns and are not formatted. The JavaScript inside EM_JS / EM_ASM statements is kept
# out of clang-format by `// clang-format off/on` lines, which scripts/fence-js.py adds where missing
# (and with --check, reports as missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dirs=(engine tools tests fuzz web)
command -v clang-format >/dev/null || { echo "format: clang-format is missing (scripts/setup.sh installs it)" >&2; exit 1; }
mapfile -t files < <(find "${dirs[@]}" \( -path tests/browser -o -path fuzz/corpus \) -prune -o \
                       -type f \( -name '*.cpp' -o -name '*.h' \) -print | sort)
if [ "${1:-}" = --check ]; then
  python3 scripts/fence-js.py --check "${files[@]}"
  clang-format --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files in ${dirs[*]} follow .clang-format"
else
  python3 scripts/fence-js.py "${files[@]}"
  clang-format -i "${files[@]}"
  echo "format: ${#files[@]} files in ${dirs[*]} formatted"
fi
