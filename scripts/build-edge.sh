#!/usr/bin/env bash
# Builds the web package (loaded by the worker with initSync) into edge/pkg.
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build-packages.sh web >&2
rm -rf edge/pkg && cp -r pkg/web edge/pkg
# The module's one JavaScript snippet (the result object, src/wasm/result.js) sits under a
# hashed folder; workerd's config names every module, so give it a fixed name beside the glue.
snippet=$(ls edge/pkg/snippets/*/src/wasm/result.js)
mv "$snippet" edge/pkg/result.js
rm -rf edge/pkg/snippets edge/pkg/train
# Only the import statements change: the wasm module still names its import by the old path.
sed -i -E "/^import /s#\./snippets/[^'\"]*/src/wasm/result\.js#./result.js#" edge/pkg/mqlscore.js
grep -q "^import .*snippets/" edge/pkg/mqlscore.js && { echo "build-edge: a snippet import was not renamed" >&2; exit 1; }
exit 0
