#!/usr/bin/env bash
# Builds the npm package for Node and scores the example visitor session, step by step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQL_NEED_BROWSER=0 . scripts/setup.sh
wasm-pack build --release --mode no-install --target nodejs --out-dir pkg/nodejs >&2
node scripts/demo.mjs "$@"
