#!/usr/bin/env bash
# The benchmark: native engine, wasm package (Node and headless Chromium) and the JavaScript
# reference on the same 1M-event streams; prints a table and writes bench/results/latest.json.
# First, the embed on the demo in Chromium (bench/embed.mjs: bytes per file, time to first score and CTA),
# then what a page pays against a scorer written by hand and GrowthBook (bench/page-cost.mjs).
# Options pass through to bench/run.mjs, e.g. --visitors 10000 for a quick run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
scripts/build-packages.sh web >&2
scripts/build-edge.sh >&2
scripts/build-site.sh >&2
node bench/embed.mjs
node bench/page-cost.mjs
exec node --max-old-space-size=8192 bench/run.mjs "$@"
