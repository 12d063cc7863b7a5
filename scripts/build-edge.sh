#!/usr/bin/env bash
# Builds the package for the edge worker into edge/pkg (the web target, loaded with initSync).
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
wasm-pack build --release --mode no-install --target web --out-dir edge/pkg >&2
