#!/usr/bin/env bash
# Builds the web package (loaded by the worker with initSync) into edge/pkg.
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build-packages.sh web >&2
rm -rf edge/pkg && cp -r pkg/web edge/pkg
