#!/usr/bin/env bash
# Builds the web package (loaded by the worker with initSync) into edge/pkg.
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build-packages.sh web >&2
rm -rf edge/pkg && cp -r pkg/web edge/pkg
# The module's JavaScript snippets (src/wasm/*.js: the result object, the event reader) sit under
# a hashed folder; workerd's config names every module, so each gets a fixed name beside the glue.
for snippet in edge/pkg/snippets/*/src/wasm/*.js; do
  name=$(basename "$snippet")
  mv "$snippet" "edge/pkg/$name"
  # Only the import statements change: the wasm module still names its import by the old path.
  sed -i -E "/^import /s#\./snippets/[^'\"]*/src/wasm/$name#./$name#" edge/pkg/mqlscore.js
done
rm -rf edge/pkg/snippets edge/pkg/train
# Disposable-mail domains for the email check (edge/email-check.js), one a line, from the
# mailchecker package pinned in tools/package.json.
# The proof of work (edge/proof.js): altcha-lib's challenge and verification for the worker, its
# solver for the page's Web Worker (edge/proof-solver.js), each bundled into one module.
NODE_PATH="$PWD/tools/node_modules" esbuild --log-level=warning --bundle --format=esm --platform=neutral \
  --main-fields=module,main --outfile=edge/pkg/altcha.js edge/altcha-entry.js
NODE_PATH="$PWD/tools/node_modules" esbuild --log-level=warning --bundle --format=esm --platform=browser --minify \
  --outfile=edge/pkg/proof-solver.js edge/proof-solver.js
node -e 'process.stdout.write([...require(process.cwd() + "/tools/node_modules/mailchecker/platform/node").blacklist()].sort().join("\n") + "\n")' > edge/pkg/disposable-domains.txt
grep -q "^import .*snippets/" edge/pkg/mqlscore.js && { echo "build-edge: a snippet import was not renamed" >&2; exit 1; }
for name in $(cd edge/pkg && ls *.js | grep -v '^mqlscore'); do
  grep -q "\"pkg/$name\"" edge/config.capnp || { echo "build-edge: edge/config.capnp does not embed pkg/$name" >&2; exit 1; }
done
exit 0
