// The benchmark's JavaScript reference scorer and the wasm package agree, session by session,
// on the benchmark streams (so the comparison in bench/ stays a like-for-like one).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compare } from "../bench/measure.mjs";
import { generate } from "../bench/streams.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const api = createRequire(import.meta.url)("../pkg/nodejs/mqlscore.js");

for (const file of ["bench/model-30.json", "models/b2b-saas.json"]) {
  test(`the reference scorer gives the engine's results on 2,000 sessions (${file})`, () => {
    const model = JSON.parse(readFileSync(`${root}${file}`, "utf8"));
    const check = compare(api, model, generate(2000));
    assert.equal(check.mismatches, 0, JSON.stringify(check.first));
    assert.ok(check.mqls > 0, "some visitors qualify");
  });
}
