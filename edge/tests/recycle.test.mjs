// Recycling on workerd: a lead sales rejects as "not now" goes back to nurture with its reason;
// when the visitor qualifies again after the cool-down, a new handoff is made, naming the earlier
// one, and counted as a re-qualification. One rejected as spam never comes back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, makeLead, refusesSettings, startOrigin, startSink, startWorker } from "./harness.mjs";

// A cool-down of 3 seconds (in days).
const COOL = 3 / 86_400;
let origin;
let sales;
let nurture;
let worker;
before(async () => {
  origin = await startOrigin();
  sales = await startSink();
  nurture = await startSink();
  worker = await startWorker({
    origin: origin.url, webhook: sales.url, nurture: nurture.url,
    settings: { webhookBackoffMs: 100, webhookMaxBackoffMs: 300, recycle: { reasons: ["bad-timing", "no-budget"], coolDownDays: COOL } },
  });
});
after(async () => {
  await worker?.stop();
  for (const s of [origin, sales, nurture]) s?.close();
});

const pause = (ms) => new Promise((ok) => setTimeout(ok, ms));
const reject = (key, reason) => worker.admin("/__mql/feedback", { method: "POST", body: { id: `no-${key}`, key, outcome: "rejected", reason } });

test("rejected as 'not now': back to nurture, and handed off again when they qualify after the cool-down", async () => {
  const { key, visitor } = await makeLead(worker, { email: "later@recycle-co.io", title: "VP Sales" });
  await eventually(() => sales.delivered.has(key), 10_000, "the first handoff");
  assert.equal((await reject(key, "bad-timing")).status, 200);
  const back = (await eventually(() => nurture.delivered.get(`recycled:${key}`), 10_000, "the nurture stream hears of it")).lead;
  assert.deepEqual([back.event, back.key, back.reason, back.lead.traits.email], ["lead-recycled", key, "bad-timing", "later@recycle-co.io"]);

  // Within the cool-down, more visits make nothing new.
  for (const path of ["/pricing", "/product"]) await visitor.view(path);
  await pause(500);
  assert.equal([...sales.delivered.keys()].filter((k) => k.startsWith(key)).length, 1);

  // After it, the next qualifying page view is a new handoff, naming the earlier one.
  await pause(3200);
  const answer = await visitor.view("/pricing");
  assert.equal(answer.origin.status, "handed-off");
  const second = (await eventually(() => sales.delivered.get(`${key}:2`), 10_000, "the second handoff")).lead;
  assert.deepEqual([second.previous, second.recycledFor], [key, "bad-timing"]);
  // And not a third on the next view: the cookie waits another cool-down, and this one is open.
  await visitor.view("/pricing");
  await pause(300);
  assert.equal(sales.delivered.has(`${key}:3`), false);
  const summary = (await worker.admin("/__mql/summary")).body;
  assert.equal(summary.requalified, 1);
  assert.match(worker.output.join(""), new RegExp(`"mql":"requalified","key":"${key}:2","previous":"${key}"`));
});

test("rejected as spam: never handed off again", async () => {
  const { key, visitor } = await makeLead(worker, { email: "spammy@recycle-co2.io", title: "VP Sales" });
  await eventually(() => sales.delivered.has(key), 10_000, "the handoff");
  assert.equal((await reject(key, "spam")).status, 200);
  await pause(3500);
  for (const path of ["/pricing", "/pricing", "/product"]) await visitor.view(path);
  await pause(500);
  assert.deepEqual([...sales.delivered.keys()].filter((k) => k.startsWith(key)), [key]);
  assert.equal(nurture.delivered.has(`recycled:${key}`), false, "spam is not nurtured either");
});

test("recycle settings are checked", async () => {
  for (const [recycle, message] of [
    [{ reasons: ["spam"], coolDownDays: 30 }, /SETTINGS\.recycle\.reasons: a competitor or spam never comes back/],
    [{ reasons: ["later"], coolDownDays: 30 }, /SETTINGS\.recycle\.reasons must list rejection reasons/],
    [{ reasons: ["bad-timing"], coolDownDays: 0 }, /SETTINGS\.recycle\.coolDownDays must be a number > 0/],
  ]) {
    await refusesSettings({ origin: origin.url, webhook: sales.url }, { recycle }, message);
  }
});
