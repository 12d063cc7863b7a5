// The size budget: the small scoring module (mqlscore/lite, what a page that scores downloads)
// plus its JS glue, gzipped, under the committed number; the full module and the embed a website
// ships under their own; the training module's and the debug overlay's sizes are printed beside them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const budget = JSON.parse(readFileSync(`${root}size-budget.json`, "utf8"));

const gzIn = (dir) => (file) => gzipSync(readFileSync(`${root}pkg/web/${dir}${file}`), { level: 9 }).length;
/** A module's `.wasm` and its glue with snippets (every script a page that loads it runs), gzipped. */
function moduleBytes(dir) {
  const gz = gzIn(dir);
  // The small module's snippets are bundled into its glue; the full module keeps them apart.
  const folder = `${root}pkg/web/${dir}snippets`;
  const snippets = existsSync(folder) ? readdirSync(folder, { recursive: true }).filter((f) => f.endsWith(".js")) : [];
  const wasm = gz("mqlscore_bg.wasm");
  const glue = gz("mqlscore.js") + snippets.reduce((sum, f) => sum + gz(`snippets/${f}`), 0);
  return { wasm, glue, total: wasm + glue, raw: statSync(`${root}pkg/web/${dir}mqlscore_bg.wasm`).size };
}

test("the small scoring module (what a page downloads) stays within the size budget", () => {
  const lite = moduleBytes("lite/");
  assert.ok(!existsSync(`${root}pkg/web/lite/snippets`), "the small module's glue is one file, its snippets bundled in");
  console.log(`size: lite/mqlscore_bg.wasm ${lite.raw} bytes raw, ${lite.wasm} gzipped; lite/mqlscore.js and snippets ${lite.glue} gzipped; total ${lite.total} of a budget of ${budget.maxGzipBytes} (target ${budget.target})`);
  assert.ok(lite.total <= budget.maxGzipBytes, `${lite.total} gzipped bytes exceed the budget of ${budget.maxGzipBytes}`);
});

test("the full scoring module (model documents, JSON Lines) stays within its budget", () => {
  const full = moduleBytes("");
  const gz = gzIn("");
  console.log(`size: the full module (mqlscore: model documents, validateModel, JSON Lines) ${full.wasm} + ${full.glue} = ${full.total} gzipped of a budget of ${budget.full.maxGzipBytes}`);
  console.log(`size: the training module (mqlscore/train, loaded only to train): ${gz("train/mqlscore_bg.wasm") + gz("train/mqlscore.js")} gzipped`);
  assert.ok(full.total <= budget.full.maxGzipBytes, `${full.total} gzipped bytes exceed the budget of ${budget.full.maxGzipBytes}`);
});

test("the embed a website ships stays within its budget", () => {
  const gz = (file) => gzipSync(readFileSync(`${root}pkg/web/embed/${file}`), { level: 9 }).length;
  const embed = gz("mqlscore-embed.js");
  console.log(`size: embed/mqlscore-embed.js ${embed} gzipped of a budget of ${budget.embed.maxGzipBytes}; the debug overlay (loaded on request) ${gz("mqlscore-debug.js")}`);
  assert.ok(embed <= budget.embed.maxGzipBytes, `${embed} gzipped bytes exceed the embed's budget of ${budget.embed.maxGzipBytes}`);
});

test("the shipped modules carry no custom sections a browser has no use for (producers, target_features, names)", () => {
  for (const target of ["web", "nodejs", "bundler"]) {
    for (const dir of ["", "lite/", "train/"]) {
      const module = new WebAssembly.Module(readFileSync(`${root}pkg/${target}/${dir}mqlscore_bg.wasm`));
      for (const name of ["producers", "target_features", "name"]) {
        assert.equal(WebAssembly.Module.customSections(module, name).length, 0, `pkg/${target}/${dir}: a "${name}" section`);
      }
    }
  }
});
