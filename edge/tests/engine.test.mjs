// Which scoring module the worker runs, on workerd: the small one with the compiled model
// (MODEL_COMPILED, the config's default), the full one loaded on demand without it, the same
// scores and the same lead either way; a compiled model of another model is a configuration
// error naming both, never a guess.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Visitor, eventually, startOrigin, startSink, startWorker } from "./harness.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
let origin;
let sink;

before(async () => {
  origin = await startOrigin();
  sink = await startSink();
});

after(() => Promise.all([origin?.close(), sink?.close()]));

/** A visit that qualifies and gives an email: each view's score and grade, and the lead sent. */
async function visit(worker, email) {
  const v = new Visitor(worker.url);
  const seen = [];
  for (const path of ["/", "/product", "/pricing", "/pricing"]) {
    const { origin: o } = await v.view(path);
    seen.push([o.path, o.score, o.grade, o.mql, o.model]);
  }
  const named = await v.send({ type: "identify", traits: { email, title: "VP Marketing" } });
  const key = `b2b-saas:${(await v.view("/")).origin.visitor}`;
  const lead = (await eventually(() => sink.delivered.get(key), 10_000, "the webhook")).lead;
  return { seen, answer: [named.body.score, named.body.grade, named.body.status], lead: [lead.score, lead.grade, lead.reasons.map((r) => r.sentence)] };
}

test("the small module with the compiled model and the full one with the document score a visit alike", async () => {
  const small = await startWorker({ origin: origin.url, webhook: sink.url });
  const full = await startWorker({ origin: origin.url, webhook: sink.url, compiled: "none" });
  try {
    const a = await visit(small, "ann@initech.io");
    const b = await visit(full, "bo@initech.io");
    assert.deepEqual(a, b);
    assert.deepEqual(a.seen.at(-1), ["/pricing", "59", "D2", "true", "b2b-saas@1"]);
    assert.ok(a.lead[2].length > 3, "the lead carries the engine's sentences");
  } finally {
    await Promise.all([small.stop(), full.stop()]);
  }
});

test("a compiled model that is not the document's is a configuration error naming both", async () => {
  const require = createRequire(import.meta.url);
  const { Model } = require("../../pkg/nodejs/mqlscore.js");
  writeFileSync(`${root}edge/pkg/other.mqlc`, new Model(readFileSync(`${root}models/minimal.json`, "utf8")).compiled());
  const worker = await startWorker({ origin: origin.url, compiled: "pkg/other.mqlc" });
  try {
    const r = await fetch(`${worker.url}/pricing`, { headers: { accept: "text/html" } });
    assert.equal(r.status, 500);
    await eventually(() => worker.output.join("").includes("MODEL_COMPILED is minimal@1 but MODEL is b2b-saas@1"), 5000, "the log line");
  } finally {
    await worker.stop();
  }
});
