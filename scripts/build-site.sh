#!/usr/bin/env bash
# Builds the web package and puts it, with the example models, into the demo site (www/pkg,
# www/models); the pages load the embed from the package (www/pkg/embed/). Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build-packages.sh web >&2
rm -rf www/pkg && cp -r pkg/web www/pkg
mkdir -p www/models && cp models/*.json www/models/
# Each model compiled too (www/models/*.mqlc), for pages that score with the small module.
for model in models/*.json; do
  cargo run --quiet --release -p mqlscore-cli -- compile --model "$model" --out "www/models/$(basename "$model" .json).mqlc" >&2
done
# A labeled sample for the demo's "learn the points" panel (synthetic, fixed seed).
mkdir -p www/data
cargo run --quiet --release -p mqlscore-cli -- generate --leads 2000 --seed 7 > www/data/sample-leads.jsonl
