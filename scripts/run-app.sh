#!/usr/bin/env bash
# Sets up what is missing, builds the page with Emscripten, and serves it at http://localhost:8080
# (PORT=NNNN to change). Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
echo "[run] building the page (build/wasm/site)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target cnn-sandbox-web
exec node scripts/serve.mjs build/wasm/site "${PORT:-8080}"
