// The small scoring module (mqlscore/lite) against the full one (mqlscore), in Node: a model
// compiled by the full module gives, in the small one, the same result after every event of the
// bench stream (reasons, sentences, disqualifier, probability included), the same saved session,
// and sessions saved by one restore in the other. Bad input gets an error naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generate, NOW } from "../bench/streams.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const full = require("../pkg/nodejs/mqlscore.js");
const lite = require("../pkg/nodejs/lite/mqlscore.js");
const models = ["models/b2b-saas.json", "bench/model-30.json", "models/minimal.json"].map((f) => [f, readFileSync(`${root}${f}`, "utf8")]);
// The demo model with every optional section: bots (user agents, bursts, clicks) and a calibration.
const b2b = JSON.parse(models[0][1]);
models.push(["models/b2b-saas.json with bots and calibration", JSON.stringify({
  ...b2b,
  disqualifiers: b2b.disqualifiers.filter((d) => d.id !== "bot"),
  bots: { userAgents: ["*bot*", "*headless*"], burst: { events: 4, seconds: 600 }, clicks: { events: ["Email * Clicked"], pageViewWithinMinutes: 20 } },
  calibration: { slope: 0.061, intercept: -3.2 },
})]);
const sessions = generate(1500, 20261206);
const whole = (r) => JSON.stringify({ ...r, reasons: r.reasons, disqualifier: r.disqualifier, filtered: r.filtered, probability: r.probability });

for (const [file, text] of models) {
  test(`${file}: the small module scores, explains and saves every session of the bench stream as the full one does`, () => {
    const model = new full.Model(text);
    const bytes = model.compiled();
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    const small = new lite.Model(bytes);
    assert.equal(small.key, model.key);
    let events = 0;
    let filtered = 0;
    let calibrated = 0;
    for (const session of sessions) {
      const a = model.session();
      const b = small.session();
      for (const e of session) {
        let ra;
        let rb;
        try {
          ra = whole(a.ingest(e, NOW));
        } catch (err) {
          ra = `error ${err.message}`;
        }
        try {
          rb = whole(b.ingest(e, NOW));
        } catch (err) {
          rb = `error ${err.message}`;
        }
        assert.equal(rb, ra, `event ${JSON.stringify(e)}`);
        events++;
      }
      const end = a.result(NOW);
      assert.equal(whole(b.result(NOW)), whole(end));
      if (end.filtered?.total > 0) filtered++;
      if (end.probability !== undefined && end.probability !== null) calibrated++;
      const saved = a.save();
      assert.equal(b.save(), saved);
      // Saved by either, restored by the other, it scores on the same.
      const fromFull = small.restore(saved);
      const fromLite = model.restore(b.save());
      const next = { type: "page", properties: { path: "/pricing" }, timestamp: NOW };
      assert.equal(whole(fromFull.ingest(next, NOW)), whole(fromLite.ingest(next, NOW)));
      for (const s of [a, b, fromFull, fromLite]) s.free();
    }
    assert.ok(events > 15_000, `${events} events`);
    if (text.includes('"bots"')) assert.ok(filtered > 100 && calibrated === sessions.length, `${filtered} sessions with filtered events, ${calibrated} with a probability`);
  });
}

test("the small module refuses what only the full one reads, naming the field", () => {
  const model = new full.Model(models[0][1]);
  const bytes = model.compiled();
  assert.throws(() => new lite.Model(models[0][1]), (e) => e.field === "model" && /compiled models only/.test(e.message));
  assert.throws(() => new lite.Model(JSON.parse(models[0][1])), (e) => e.field === "model");
  const damaged = bytes.slice();
  damaged[damaged.length - 3] ^= 0x40;
  assert.throws(() => new lite.Model(damaged), (e) => /compiled: is damaged/.test(e.message));
  assert.throws(() => new lite.Model(bytes.slice(0, 6)), (e) => /MQLC/.test(e.message));
  const session = new lite.Model(bytes).session();
  assert.throws(() => session.ingestBatch('{"type":"page","properties":{"path":"/"}}'), (e) => e.field === "events" && /JSON Lines/.test(e.message));
  const batch = session.ingestBatch([{ type: "page", properties: { path: "/pricing" } }, { type: "page" }]);
  assert.equal(batch.rejected.length, 1);
  assert.equal(batch.rejected[0].index, 1);
  assert.equal(typeof lite.validateModel, "undefined");
  // The full module reads its own compiled form too.
  assert.equal(new full.Model(bytes).key, model.key);
});

test("the package exports the small module as mqlscore/lite", () => {
  for (const target of ["nodejs", "web", "bundler"]) {
    const pkg = JSON.parse(readFileSync(`${root}pkg/${target}/package.json`, "utf8"));
    assert.ok(pkg.exports["./lite"].default.startsWith("./lite/"), target);
    assert.ok(pkg.files.includes("lite/mqlscore_bg.wasm"), target);
  }
});

test("scoreEvents takes a compiled model: the same as the full module with the document, and a changed model is read again", () => {
  const [b2bText, minimalText] = [models[0][1], models[2][1]];
  const b2bBytes = new full.Model(b2bText).compiled();
  const minimalBytes = new full.Model(minimalText).compiled();
  for (const session of sessions.slice(0, 300)) {
    const a = full.scoreEvents(b2bText, session, NOW);
    const b = lite.scoreEvents(b2bBytes, session, NOW);
    assert.equal(whole(b), whole(a));
    assert.deepEqual(b.rejected, a.rejected);
  }
  const session = sessions[7];
  assert.equal(lite.scoreEvents(minimalBytes, session, NOW).model, "minimal@1");
  assert.equal(lite.scoreEvents(b2bBytes, session, NOW).model, "b2b-saas@1");
  assert.equal(whole(lite.scoreEvents(minimalBytes, session, NOW)), whole(full.scoreEvents(minimalText, session, NOW)));
});

test("sessions left to the garbage collector grow the engine's memory in a few large steps, not a page at a time", async () => {
  // Each growth of a module's memory costs Node 20 a full garbage collection, and finalizers
  // cannot free sessions while a synchronous loop holds the thread.
  const bytes = new full.Model(models[0][1]).compiled();
  for (const [name, dir, model] of [["lite", "lite/", bytes], ["full", "", models[0][1]]]) {
    const web = await import(`${root}pkg/web/${dir}mqlscore.js`);
    const { memory } = web.initSync({ module: readFileSync(`${root}pkg/web/${dir}mqlscore_bg.wasm`) });
    const m = new web.Model(model);
    const before = memory.buffer.byteLength;
    let buffer = memory.buffer;
    let growths = 0;
    const kept = [];
    for (const session of sessions.slice(0, 1200)) {
      for (let copy = 0; copy < 4; copy++) {
        const s = m.session();
        for (const e of session) s.ingest(e, NOW);
        kept.push(s);
        if (memory.buffer !== buffer) {
          growths++;
          buffer = memory.buffer;
        }
      }
    }
    const grown = memory.buffer.byteLength - before;
    assert.ok(grown > 2_000_000, `${name}: ${kept.length} sessions kept grew the memory by ${grown} bytes only`);
    assert.ok(growths <= 12, `${name}: the memory grew ${growths} times by ${grown} bytes in all`);
  }
});

test("now left out, undefined or null is the scorer's clock, in both modules", () => {
  const DAY = 86_400_000;
  const compiled = new full.Model(models[0][1]).compiled();
  for (const model of [new full.Model(models[0][1]), new lite.Model(compiled)]) {
    for (const now of [[], [undefined], [null]]) {
      const s = model.session();
      // The clock a year and a month back, so that no other moment could pass for it.
      s.clockOffsetMs = -400 * DAY;
      const before = Date.now() - 400 * DAY;
      const r = s.ingest({ type: "page", properties: { path: "/pricing" } }, ...now);
      const after = Date.now() - 400 * DAY;
      assert.ok(r.score > 0, `${now}: scored`);
      assert.ok(s.lastSeen >= Math.floor(before / 1000) * 1000 && s.lastSeen <= after, `${now}: stamped ${s.lastSeen}, the clock ${before}–${after}`);
      s.free();
    }
  }
});
