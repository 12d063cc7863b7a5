#!/usr/bin/env bash
# Installs wasm-bindgen-cli at exactly the version given, reproducibly: the crate's source from
# cargo's registry, built with --locked against tools/wasm-bindgen-cli/<version>.Cargo.lock.
# Falls back to an unlocked install only when that cannot work, and says why.
set -euo pipefail
version=$1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$root/tools/wasm-bindgen-cli/$version.Cargo.lock"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unlocked() {
  echo "==> FALLBACK: installing wasm-bindgen-cli $version unlocked, because $1" >&2
  echo "    (the versions cargo picks today may differ from the ones this project tested)" >&2
  cargo install wasm-bindgen-cli --version "$version"
}

if [ ! -f "$lock" ]; then
  unlocked "there is no $lock for this version (write one: the crate's Cargo.lock with versions the registry has)"
  exit
fi

# The crate's source, fetched from the registry as a dependency of a throwaway package.
mkdir -p "$work/fetch/src"
: >"$work/fetch/src/lib.rs"
printf '[package]\nname = "fetch-wasm-bindgen-cli"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nwasm-bindgen-cli = "=%s"\n' \
  "$version" >"$work/fetch/Cargo.toml"
if ! (cd "$work/fetch" && cargo fetch --quiet) 2>"$work/fetch.log"; then
  unlocked "cargo could not fetch its source: $(tail -n 3 "$work/fetch.log" | tr '\n' ' ')"
  exit
fi
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"wasm-bindgen-cli-$version" 2>/dev/null | head -n 1)
if [ -z "$src" ]; then
  unlocked "its fetched source is not under ${CARGO_HOME:-$HOME/.cargo}/registry/src"
  exit
fi
cp -R "$src" "$work/wasm-bindgen-cli"
cp "$lock" "$work/wasm-bindgen-cli/Cargo.lock"
if ! cargo install --locked --path "$work/wasm-bindgen-cli" 2> >(tee "$work/install.log" >&2); then
  unlocked "the locked install failed: $(grep -m 1 '^error' "$work/install.log" || tail -n 1 "$work/install.log")"
fi
