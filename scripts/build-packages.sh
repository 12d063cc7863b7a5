#!/usr/bin/env bash
# Builds the npm packages into pkg/<target> and finishes them (package.json, README, schema).
# Each package holds three modules: the scoring module at its root (`mqlscore`, built without the
# `training` feature), the small scoring module in lite/ (`mqlscore/lite`, compiled models only:
# what a page that scores downloads) and the training module in train/ (`mqlscore/train`, loaded
# only by code that calls `train`).
# Targets: web, bundler, nodejs (default: all three). Expects scripts/setup.sh to have been sourced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(web bundler nodejs)
for target in "${targets[@]}"; do
  # Skip a target whose modules are newer than every source (the site, the edge worker and the
  # tests all ask for the web build; it need not be optimised three times).
  wasm="pkg/$target/mqlscore_bg.wasm"
  train="pkg/$target/train/mqlscore_bg.wasm"
  lite="pkg/$target/lite/mqlscore_bg.wasm"
  if [ -f "$wasm" ] && [ -f "$train" ] && [ -f "$lite" ] && [ -z "$(find src Cargo.toml Cargo.lock -newer "$wasm" -print -quit)" ] \
    && [ -z "$(find src Cargo.toml Cargo.lock -newer "$train" -print -quit)" ] \
    && [ -z "$(find src Cargo.toml Cargo.lock -newer "$lite" -print -quit)" ]; then
    echo "pkg/$target is up to date" >&2
    continue
  fi
  wasm-pack build --release --mode no-install --target "$target" --out-dir "pkg/$target" \
    -- --no-default-features --features console_error_panic_hook,documents >&2
  wasm-pack build --release --mode no-install --target "$target" --out-dir "pkg/$target/lite" \
    -- --no-default-features >&2
  wasm-pack build --release --mode no-install --target "$target" --out-dir "pkg/$target/train" >&2
done
node scripts/package.mjs "${targets[@]}"
