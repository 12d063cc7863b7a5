#!/usr/bin/env bash
# Builds the web package (loaded by the worker with initSync) into edge/pkg: the small scoring
# module in edge/pkg/lite (what the worker scores with, given the compiled model, edge/pkg/model.mqlc,
# compiled here from the model document the config embeds) and the full one in edge/pkg (loaded
# only when a deployment gives no compiled model).
# Expects scripts/setup.sh to have been sourced (tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build-packages.sh web >&2
rm -rf edge/pkg && cp -r pkg/web edge/pkg
# The modules' JavaScript snippets (src/wasm/*.js: the result object, the event reader) sit under
# a hashed folder; workerd's config names every module, so each gets a fixed name beside its glue.
# (The small module's glue has its snippets bundled in already.)
for dir in edge/pkg edge/pkg/lite; do
  [ -d "$dir/snippets" ] || continue
  for snippet in "$dir"/snippets/*/src/wasm/*.js; do
    name=$(basename "$snippet")
    mv "$snippet" "$dir/$name"
    # Only the import statements change: the wasm module still names its import by the old path.
    sed -i -E "s#(from ?[\"'])\./snippets/[^'\"]*/src/wasm/$name#\1./$name#g" "$dir/mqlscore.js"
  done
  rm -rf "$dir/snippets"
  grep -qE "from ?[\"']\./snippets/" "$dir/mqlscore.js" && { echo "build-edge: a snippet import was not renamed in $dir" >&2; exit 1; }
done
rm -rf edge/pkg/train
cargo run --quiet --release -p mqlscore-cli -- compile --model models/b2b-saas.json --out edge/pkg/model.mqlc >&2
# Disposable-mail domains for the email check (edge/email-check.js), one a line, from the
# mailchecker package pinned in tools/package.json.
# The proof of work (edge/proof.js): altcha-lib's challenge and verification for the worker, its
# solver for the page's Web Worker (edge/proof-solver.js), each bundled into one module.
NODE_PATH="$PWD/tools/node_modules" esbuild --log-level=warning --bundle --format=esm --platform=neutral \
  --main-fields=module,main --outfile=edge/pkg/altcha.js edge/altcha-entry.js
NODE_PATH="$PWD/tools/node_modules" esbuild --log-level=warning --bundle --format=esm --platform=browser --minify \
  --outfile=edge/pkg/proof-solver.js edge/proof-solver.js
node -e 'process.stdout.write([...require(process.cwd() + "/tools/node_modules/mailchecker/platform/node").blacklist()].sort().join("\n") + "\n")' > edge/pkg/disposable-domains.txt
for name in $(cd edge/pkg && ls *.js lite/*.js | grep -v 'mqlscore.js$'); do
  grep -q "\"pkg/$name\"" edge/config.capnp || { echo "build-edge: edge/config.capnp does not embed pkg/$name" >&2; exit 1; }
done
exit 0
