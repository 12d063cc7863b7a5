// The size budget: the scoring module (what a page that scores downloads) plus its JS glue,
// gzipped, under the committed number, and the embed a website ships under its own; the training
// module's and the debug overlay's sizes are printed beside them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const budget = JSON.parse(readFileSync(`${root}size-budget.json`, "utf8"));

test("the web build stays within the size budget", () => {
  const gz = (file) => gzipSync(readFileSync(`${root}pkg/web/${file}`), { level: 9 }).length;
  const wasm = gz("mqlscore_bg.wasm");
  // The glue and its snippets (the result object): every script a page that scores loads.
  const snippets = readdirSync(`${root}pkg/web/snippets`, { recursive: true }).filter((f) => f.endsWith(".js"));
  const glue = gz("mqlscore.js") + snippets.reduce((sum, f) => sum + gz(`snippets/${f}`), 0);
  const raw = statSync(`${root}pkg/web/mqlscore_bg.wasm`).size;
  console.log(`size: mqlscore_bg.wasm ${raw} bytes raw, ${wasm} gzipped; mqlscore.js and snippets ${glue} gzipped; total ${wasm + glue} of a budget of ${budget.maxGzipBytes} (target ${budget.target})`);
  console.log(`size: the training module (mqlscore/train, loaded only to train): ${gz("train/mqlscore_bg.wasm") + gz("train/mqlscore.js")} gzipped`);
  assert.ok(wasm + glue <= budget.maxGzipBytes, `${wasm + glue} gzipped bytes exceed the budget of ${budget.maxGzipBytes}`);
});

test("the embed a website ships stays within its budget", () => {
  const gz = (file) => gzipSync(readFileSync(`${root}pkg/web/embed/${file}`), { level: 9 }).length;
  const embed = gz("mqlscore-embed.js");
  console.log(`size: embed/mqlscore-embed.js ${embed} gzipped of a budget of ${budget.embed.maxGzipBytes}; the debug overlay (loaded on request) ${gz("mqlscore-debug.js")}`);
  assert.ok(embed <= budget.embed.maxGzipBytes, `${embed} gzipped bytes exceed the embed's budget of ${budget.embed.maxGzipBytes}`);
});
