#!/usr/bin/env bash
# Runs each fuzz target (model, events, restore; or those named after SECONDS) for SECONDS
# (default 600) with libFuzzer, on
# the native engine. Crashes land in fuzz/artifacts/<target>/ and fail the run; each one found
# becomes a regression test in tests/regressions.rs. cargo-fuzz needs nightly features: the
# stable toolchain provides them with RUSTC_BOOTSTRAP=1, without a sanitizer (`-s none`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-600}
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=(model events restore)
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "==> fuzzing $target for ${seconds}s"
  cargo fuzz run -s none -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -dict=fuzz/json.dict -max_len=4096 -print_final_stats=1 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|thread|panicked)" || true
  if ls "fuzz/artifacts/$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz target $target crashed: see fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
