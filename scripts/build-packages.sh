#!/usr/bin/env bash
# Builds the npm packages into pkg/<target> and finishes them (package.json, README, schema).
# Targets: web, bundler, nodejs (default: all three). Expects scripts/setup.sh to have been sourced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(web bundler nodejs)
for target in "${targets[@]}"; do
  # Skip a target whose module is newer than every source (the site, the edge worker and the
  # tests all ask for the web build; it need not be optimised three times).
  wasm="pkg/$target/mqlscore_bg.wasm"
  if [ -f "$wasm" ] && [ -z "$(find src Cargo.toml Cargo.lock -newer "$wasm" -print -quit)" ]; then
    echo "pkg/$target is up to date" >&2
    continue
  fi
  wasm-pack build --release --mode no-install --target "$target" --out-dir "pkg/$target" >&2
done
node scripts/package.mjs "${targets[@]}"
