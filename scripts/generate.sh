#!/usr/bin/env bash
# Writes the files generated from the engine's Rust types: the model's JSON Schema
# (schema/model.schema.json) and the TypeScript declarations of the model and the training
# options (src/wasm/generated.d.ts). The test suite fails while a checked-in copy differs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQL_WRITE_GENERATED=1 cargo test --quiet --test generated
git status --short schema/model.schema.json src/wasm/generated.d.ts
