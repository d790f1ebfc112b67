#!/usr/bin/env bash
# Installs what Doorstep needs to build and test, only where it is missing, at pinned
# versions, from the package registries only (crates.io, npm, Debian). A second run on a
# ready machine checks versions and returns in about a second.
#
#   scripts/setup.sh            everything (build + browser tests)
#   scripts/setup.sh build      only what `make run` needs
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14          # trunk 0.22 needs rustc >= 1.96
BINARYEN_VERSION=132.0.0       # wasm-opt; Debian's binaryen 108 builds broken output
WASM_TARGET=wasm32-unknown-unknown
PANDAS_VERSION=2.2.3           # loads the CSV export as analysts do
OPENPYXL_VERSION=3.1.5         # reads LibreOffice's conversion of it
what=${1:-all}

say() { printf 'setup: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock, or trunk tries to download.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    say "needs root to run: $*"; exit 1
  fi
}

# --- Rust: wasm target, trunk, wasm-bindgen-cli -------------------------------------
if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
  say "adding the $WASM_TARGET target"
  rustup target add "$WASM_TARGET"
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION from crates.io (about 6 minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force \
    --config 'profile.release.lto=false' --config 'profile.release.codegen-units=16'
fi

[ -f Cargo.lock ] || cargo generate-lockfile
wb=$(wasm_bindgen_version)
[ -n "$wb" ] || { say "Cargo.lock names no wasm-bindgen version"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ] ||
  [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $wb" ]; then
  say "installing wasm-bindgen-cli $wb from crates.io (about 2 minutes)"
  # Its own lock file has pinned a crate version the registry no longer serves, so
  # --locked can fail; then resolve afresh at the same exact version.
  cargo install wasm-bindgen-cli --version "$wb" --locked --force ||
    cargo install wasm-bindgen-cli --version "$wb" --force
fi

# --- npm: wasm-opt (binaryen) and axe-core, pinned in package-lock.json ---------------
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ] ||
  [ ! -f node_modules/axe-core/axe.min.js ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json (binaryen $BINARYEN_VERSION, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Sources for an offline build (trunk passes --offline to cargo).
cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked

[ "$what" = build ] && exit 0

# --- Debian: Chromium and its driver for the browser tests; LibreOffice Calc to check
# that the analysts' CSV opens there; strace, to see that the collector syncs a batch to
# disk before its receipt; GNU time, to read the export's peak memory; systemd-analyze, to
# verify the unit files in deploy/; chattr, to make a data folder no one may write ------
# Chromium and its driver come from the same Debian source package, so their versions
# always match.
apt_packages=()
{ [ -x /usr/lib/chromium/chromium ] && have chromedriver; } || apt_packages+=(chromium chromium-driver)
have soffice || apt_packages+=(libreoffice-calc-nogui)
have strace || apt_packages+=(strace)
[ -x /usr/bin/time ] || apt_packages+=(time)
have systemd-analyze || apt_packages+=(systemd)
have chattr || apt_packages+=(e2fsprogs)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  say "installing ${apt_packages[*]} from Debian (a minute or two)"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
fi

# --- PyPI: pandas, to check that the analysts' CSV loads there --------------------------
PY=.tools/py
if [ "$("$PY/bin/python" -c 'import pandas, openpyxl; print(pandas.__version__, openpyxl.__version__)' 2>/dev/null)" != "$PANDAS_VERSION $OPENPYXL_VERSION" ]; then
  say "installing pandas $PANDAS_VERSION and openpyxl $OPENPYXL_VERSION from PyPI into $PY"
  python3 -m venv "$PY"
  "$PY/bin/pip" install -q --disable-pip-version-check "pandas==$PANDAS_VERSION" "openpyxl==$OPENPYXL_VERSION"
fi
