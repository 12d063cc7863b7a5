#!/usr/bin/env bash
# Installs what mqlscore's build and tests need, from the package registries only, skipping
# whatever is already there. Source it (`. scripts/setup.sh`) so that PATH carries over.
# MQL_NEED_BROWSER=0 skips Chromium (the demo does not need it).
set -euo pipefail
mql_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$mql_root/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

mql_step() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  mql_step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "${MQL_NEED_BROWSER:-1}" = 1 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  mql_step "installing Debian's chromium and chromium-driver"
  mql_sudo=""
  [ "$(id -u)" = 0 ] || mql_sudo=sudo
  $mql_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $mql_sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack 0.15.1" ]; then
  mql_step "installing wasm-pack 0.15.1 with cargo (a few minutes, once)"
  cargo install wasm-pack --version 0.15.1 --locked
fi

# wasm-pack uses the wasm-bindgen on PATH only when it is exactly the version in Cargo.lock.
mql_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' "$mql_root/Cargo.lock")
# Its own Cargo.lock names a dependency version the registry no longer has (webpki-roots 1.0.11),
# so `--locked` fails; tools/wasm-bindgen-cli/<version>.Cargo.lock is that lock with only such
# versions moved to ones the registry has, and the install uses it (scripts/install-wasm-bindgen.sh).
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $mql_bindgen" ]; then
  mql_step "installing wasm-bindgen-cli $mql_bindgen with cargo, locked by tools/wasm-bindgen-cli/$mql_bindgen.Cargo.lock (a few minutes, once)"
  "$mql_root/scripts/install-wasm-bindgen.sh" "$mql_bindgen"
fi

# wasm-opt (npm binaryen, never Debian's 108), playwright-core and workerd, pinned by tools/package-lock.json.
if ! (cd "$mql_root/tools" && npm ls --silent >/dev/null 2>&1); then
  mql_step "installing npm tools (binaryen, playwright-core, workerd)"
  (cd "$mql_root/tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
mql_wasm_opt=$(wasm-opt --version | grep -o 'version [0-9]*' | grep -o '[0-9]*$')
if [ "$mql_wasm_opt" -lt 116 ]; then
  echo "wasm-opt $mql_wasm_opt on PATH is too old (need >= 116): $(command -v wasm-opt)" >&2
  exit 1
fi
