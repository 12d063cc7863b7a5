// The package scenarios against the Node build (pkg/nodejs), plus what only Node can show:
// a session saved in one process and restored in another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarios, runScenarios } from "./scenarios.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
// The scoring module, and `train` and `testModel` from the package's authoring module (mqlscore/train).
const scoring = require("../pkg/nodejs/mqlscore.js");
const training = require("../pkg/nodejs/train/mqlscore.js");
const api = { ...scoring, train: training.train, testModel: training.testModel };
const models = {
  b2b: JSON.parse(readFileSync(`${root}models/b2b-saas.json`, "utf8")),
  minimal: JSON.parse(readFileSync(`${root}models/minimal.json`, "utf8")),
};

for (const { name, ok, error } of runScenarios(api, models)) {
  test(name, () => assert.ok(ok, error));
}

test("the scoring module leaves training out; mqlscore/train has it", () => {
  assert.equal(scoring.train, undefined, "a page that scores never loads the training code");
  assert.equal(typeof training.train, "function");
  const pkg = JSON.parse(readFileSync(`${root}pkg/nodejs/package.json`, "utf8"));
  assert.equal(pkg.exports["./train"].default, "./train/mqlscore.js");
});

test("the scenarios cover the whole public API", () => {
  const used = Object.values(scenarios).map(String).join("\n");
  const scorerMethods = Object.getOwnPropertyNames(api.Scorer.prototype).filter((m) => !["constructor", "free", "__destroy_into_raw"].includes(m) && typeof m === "string");
  for (const name of [...scorerMethods, "restore", "validateModel", "scoreEvents", "train"]) {
    assert.match(used, new RegExp(`\\b${name}\\b`), `${name} is exercised`);
  }
});

test("a session saved in one process is restored in another", () => {
  const child = (code, input = "") =>
    execFileSync(process.execPath, ["-e", code], { cwd: root, input, encoding: "utf8" }).trim();
  const saved = child(`
    const { Scorer } = require("./pkg/nodejs/mqlscore.js");
    const s = new Scorer(require("./models/b2b-saas.json"));
    for (const p of ["/", "/product", "/pricing", "/pricing"]) s.page(p);
    process.stdout.write(s.save());`);
  const restored = child(`
    const { Scorer } = require("./pkg/nodejs/mqlscore.js");
    const saved = require("fs").readFileSync(0, "utf8");
    const s = Scorer.restore(require("./models/b2b-saas.json"), saved);
    const r = s.result();
    process.stdout.write(JSON.stringify([s.restored.outcome, r.score, r.mql, r.mqlSince !== null]));`, saved);
  assert.deepEqual(JSON.parse(restored), ["exact", 59, true, true]);
});
