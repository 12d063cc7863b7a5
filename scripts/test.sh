#!/usr/bin/env bash
# The whole test suite: installs what is missing, then formatting, lints, native tests and the
# wasm tests in Node and in headless Chromium, then the parts that read the wall clock again
# under a moved clock. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
set +e

log=$(mktemp)
failures=()

# Runs one step, keeping its output; a step whose runner reports no test at all fails too.
step() {
  local name=$1 needs_tests=$2
  shift 2
  echo "==> $name"
  local out
  out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  cat "$out" >>"$log"
  if [ "$rc" -ne 0 ]; then
    failures+=("$name (exit $rc)")
  elif [ "$needs_tests" = yes ] && ! grep -Eq '(test result: ok\. [1-9][0-9]* passed|^# pass [1-9])' "$out"; then
    failures+=("$name (no test ran)")
  fi
  rm -f "$out"
}

step "cargo fmt --check" no cargo fmt --check
step "clippy, native" no cargo clippy --workspace --all-targets -- -D warnings
step "clippy, wasm32" no cargo clippy -p mqlscore --target wasm32-unknown-unknown --all-targets -- -D warnings
step "clippy, wasm32 without training" no cargo clippy -p mqlscore --no-default-features --features documents --target wasm32-unknown-unknown --all-targets -- -D warnings
step "clippy, wasm32 small module (lite)" no cargo clippy -p mqlscore --no-default-features --target wasm32-unknown-unknown --all-targets -- -D warnings
step "native tests (unit, integration, properties, command line)" yes cargo test --workspace
step "fuzz each target for 15 s (scripts/fuzz.sh 15)" no scripts/fuzz.sh 15
step "wasm tests in Node" yes wasm-pack test --mode no-install --node -- --test web
step "wasm tests in headless Chromium" yes env WASM_BINDGEN_USE_BROWSER=1 \
  wasm-pack test --mode no-install --headless --chrome --chromedriver "$(command -v chromedriver)" -- --test web
step "build the npm packages (web, bundler, nodejs)" no scripts/build-packages.sh
step "package tests: Node, Chromium, TypeScript, webpack, schema, size (node --test)" yes node --test --test-timeout=600000 pkg-tests/
step "build the demo site" no scripts/build-site.sh
step "demo site in headless Chromium (node --test)" yes node --test --test-timeout=600000 tests/browser/
step "build the edge worker" no scripts/build-edge.sh
step "edge worker on workerd (node --test)" yes node --test --test-timeout=600000 edge/tests/
step "the wall-clock parts with the clock a year ahead and at the fixtures' date (tests/clock)" yes scripts/test-shifted-clock.sh

passed=$( { grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed'; grep -E '^# pass [0-9]+' "$log" | awk '{print $3 " passed"}'; } | awk '{s += $1} END {print s + 0}')
failed=$( { grep -Eo '[0-9]+ failed' "$log"; grep -E '^# fail [0-9]+' "$log" | awk '{print $3 " failed"}'; } | awk '{s += $1} END {print s + 0}')
rm -f "$log"
if [ ${#failures[@]} -gt 0 ]; then
  printf 'FAILED step: %s\n' "${failures[@]}"
  [ "$failed" -gt 0 ] || failed=${#failures[@]}
fi
echo "$passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
