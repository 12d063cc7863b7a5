#!/usr/bin/env bash
# The parts of the suite that read the wall clock, run again with the clock moved: a year ahead,
# and back at the date the fixtures were written. tests/clock/shift.c, built here with gcc and
# loaded with LD_PRELOAD, moves the wall clock (clock_gettime, gettimeofday, time) of Node,
# Chromium and workerd and their children; Debian's faketime does it for Node but deadlocks
# workerd at start. tests/clock/ checks first that each runtime sees the moved clock.
# The native Rust tests are not among them: the engine never reads a clock (every call takes
# its `now`; only src/wasm reads Date.now), so they cannot depend on the date.
# Which parts read it: the wasm tests (tests/web.rs, js_sys::Date::now), the package scenarios
# in Node and Chromium (pkg-tests/node.test.mjs, browser.test.mjs; the clock bomb of 2026-12-02
# was one of them), the embed in Chromium (tests/browser/embed.test.mjs: stored sessions, first
# paint) and the edge worker on workerd (edge/tests: cookies, SLA clocks, outbox retries,
# rate windows).
# Usage: scripts/test-shifted-clock.sh [shift ...], each +Nd (days ahead) or @YYYY-MM-DDThh:mm:ssZ
# (default: +365d @2026-11-02T09:00:00Z). Needs the packages, site and edge worker built.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -gt 0 ] || set -- "+365d" "@2026-11-02T09:00:00Z"
shim="$PWD/target/clock-shift/libshift.so"
mkdir -p "$(dirname "$shim")"
if [ ! "$shim" -nt tests/clock/shift.c ]; then
  gcc -O2 -shared -fPIC -o "$shim" tests/clock/shift.c -ldl || exit 1
fi
status=0
for spec in "$@"; do
  now_ms=$(( $(date +%s%N) / 1000000 ))
  case "$spec" in
    @*) shift_ms=$(( $(date -u -d "${spec#@}" +%s) * 1000 - now_ms )) ;;
    +*d) shift_ms=$(( ${spec:1:-1} * 86400000 )) ;;
    *) echo "unknown clock shift: $spec (use +Nd or @YYYY-MM-DDThh:mm:ssZ)" >&2; exit 2 ;;
  esac
  echo "==> the clock at $spec: $(date -u -d "@$(( (now_ms + shift_ms) / 1000 ))" +%FT%TZ) (moved by $shift_ms ms)"
  # MQL_EXPECTED_NOW is what the moved clock read when this step began: tests/clock compares.
  shifted() { LD_PRELOAD="$shim" MQL_CLOCK_SHIFT_MS=$shift_ms MQL_EXPECTED_NOW=$(( now_ms + shift_ms )) "$@"; }
  shifted node --test --test-timeout=600000 tests/clock/ || status=1
  shifted wasm-pack test --mode no-install --node -- --test web || status=1
  shifted node --test --test-timeout=600000 pkg-tests/node.test.mjs pkg-tests/browser.test.mjs tests/browser/embed.test.mjs || status=1
  shifted node --test --test-timeout=600000 edge/tests/ || status=1
done
exit $status
