#!/usr/bin/env bash
# Builds the package for browsers and serves the demo site on http://127.0.0.1:8080/ (PORT=… to change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQL_NEED_BROWSER=0 . scripts/setup.sh
scripts/build-site.sh
exec node scripts/serve.mjs --port "${PORT:-8080}"
