// Bundles pkg-tests/bundler/entry.mjs with webpack (WebAssembly as an ES module import, as
// bundlers load wasm-pack's `bundler` build) and runs the bundle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(`${root}tools/package.json`);
const webpack = require("webpack");

test("webpack bundles the bundler build, and the bundle scores", async () => {
  const out = mkdtempSync(join(tmpdir(), "mqlscore-webpack-"));
  const stats = await new Promise((ok, fail) =>
    webpack({
      mode: "production",
      target: "node",
      entry: `${root}pkg-tests/bundler/entry.mjs`,
      output: { path: out, filename: "main.js" },
      experiments: { asyncWebAssembly: true },
      resolve: { alias: { mqlscore: `${root}pkg/bundler` } },
    }, (err, s) => (err ? fail(err) : ok(s))));
  assert.equal(stats.hasErrors(), false, stats.toString("errors-only"));
  assert.ok(readdirSync(out).some((f) => f.endsWith(".wasm")), "the .wasm is emitted as an asset");
  const printed = JSON.parse(execFileSync(process.execPath, [join(out, "main.js")], { encoding: "utf8" }));
  assert.deepEqual(printed, { problems: [], steps: [false, false, false, true], score: 59, grade: "D2", top: "pricing" });
});
