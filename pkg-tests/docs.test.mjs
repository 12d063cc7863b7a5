// The code in the README and the docs, run or checked against the built Node package (pkg/nodejs).
import { test } from "node:test";
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("the README quick start runs as written", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
  const dir = mkdtempSync(join(tmpdir(), "mqlscore-readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(root, "pkg", "nodejs"), join(dir, "node_modules", "mqlscore"));
  symlinkSync(join(root, "models"), join(dir, "models"));
  writeFileSync(join(dir, "quickstart.cjs"), snippet);
  const out = execFileSync(process.execPath, ["quickstart.cjs"], { cwd: dir, encoding: "utf8" });
  assert.match(out, /^true B2 \[/, out);
  assert.match(out, /'Requested a demo: once \(\+40\)'/, out);
  assert.match(out, /'C-level, VP or head-of title \(\+25\)'/, out);
  assert.match(out.trim(), /\ntrue$/, "restore gives the same score");
});

test("the result shown in docs/api.md has the fields of a real result, and no others", () => {
  const page = readFileSync(join(root, "docs", "api.md"), "utf8");
  const shown = page.slice(page.indexOf("Every result")).match(/```js\n([\s\S]*?)```/)[1];
  const { Scorer } = createRequire(import.meta.url)("../pkg/nodejs/mqlscore.js");
  const model = JSON.parse(readFileSync(join(root, "models", "b2b-saas.json"), "utf8"));
  const r = new Scorer(model).page("/pricing").toJSON();
  const real = new Set([...Object.keys(r), ...Object.keys(r.reasons[0]), ...Object.keys(r.filtered)]);
  const keys = new Set([...shown.replace(/"[^"]*"/g, "\"\"").matchAll(/([A-Za-z]+):/g)].map((m) => m[1]));
  for (const key of keys) assert.ok(real.has(key), `docs/api.md shows "${key}", which no result has`);
  for (const key of Object.keys(r)) assert.ok(keys.has(key), `docs/api.md does not show "${key}"`);
});
