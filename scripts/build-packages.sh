#!/usr/bin/env bash
# Builds the npm packages into pkg/<target> and finishes them (package.json, README, schema).
# Targets: web, bundler, nodejs (default: all three). Expects scripts/setup.sh to have been sourced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(web bundler nodejs)
for target in "${targets[@]}"; do
  wasm-pack build --release --mode no-install --target "$target" --out-dir "pkg/$target" >&2
done
node scripts/package.mjs "${targets[@]}"
