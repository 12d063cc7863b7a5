#!/usr/bin/env bash
# Builds the package for browsers into www/pkg and copies the example models to www/models.
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
wasm-pack build --release --mode no-install --target web --out-dir www/pkg >&2
mkdir -p www/models
cp models/*.json www/models/
