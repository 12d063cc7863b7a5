// Handoffs spread over several outbox objects on workerd (edge/shards.js): every page merges the
// shards whole and in order, the summary's tallies (kept as each shard writes) equal the figures
// of the handoffs themselves, outcomes page and stream, and a site that had one outbox keeps its
// history when it moves to several.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, allHandoffs, eventually, makeLead, startOrigin, startSink, startWorker } from "./harness.mjs";

const QUICK = { webhookBackoffMs: 100, webhookMaxBackoffMs: 300, webhookTimeoutMs: 800 };
let origin;
let sink;
before(async () => {
  origin = await startOrigin();
  sink = await startSink();
});
after(() => {
  origin?.close();
  sink?.close();
});

/** The summary's figures, recomputed from every handoff as listed (what tallies must equal). */
function recount(handoffs) {
  const byStatus = Object.fromEntries(["queued", "delivered", "overdue", "accepted", "rejected", "converted", "dead-lettered"].map((s) => [s, 0]));
  const rejectionReasons = {};
  for (const h of handoffs) {
    byStatus[h.status]++;
    if (h.outcome === "rejected") rejectionReasons[h.reason] = (rejectionReasons[h.reason] ?? 0) + 1;
  }
  const judged = handoffs.filter((h) => h.outcome);
  return {
    handedOff: handoffs.length,
    byStatus,
    delivered: handoffs.filter((h) => h.deliveredAt != null).length,
    withFeedback: judged.length,
    mqlToSqlRate: judged.length ? judged.filter((h) => h.outcome !== "rejected").length / judged.length : null,
    converted: byStatus.converted,
    convertedValue: handoffs.reduce((s, h) => s + (h.outcome === "converted" ? h.value : 0), 0),
    rejectionReasons,
  };
}

const pick = (summary) => Object.fromEntries(Object.keys(recount([])).map((k) => [k, summary[k]]));

async function outcomeLines(worker, query) {
  const r = await fetch(`${worker.url}/__mql/outcomes?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(r.status, 200);
  return { lines: (await r.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l)), link: r.headers.get("link") };
}

test("four shards: pages merge whole and newest first, the summary's tallies equal the handoffs' own figures", async () => {
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: { ...QUICK, outboxShards: 4 } });
  try {
    const keys = [];
    for (let i = 0; i < 20; i++) keys.push((await makeLead(worker, { email: `s${i}@shard-co${i % 3}.io`, title: "VP Sales" })).key);
    await eventually(async () => (await worker.admin("/__mql/summary")).body.byStatus.delivered === 20, 15_000, "all delivered");
    const feedback = (body) => worker.admin("/__mql/feedback", { method: "POST", body });
    const verdicts = [
      ["accepted"], ["accepted"], ["accepted"], ["rejected", "no-budget"], ["rejected", "no-budget"], ["rejected", "bad-timing"],
      ["converted", null, 5000], ["converted", null, 7250.5],
    ];
    for (const [i, [outcome, reason, value]] of verdicts.entries()) {
      const r = await feedback({ id: `v${i}`, key: keys[i], outcome, ...(reason ? { reason } : {}), ...(value ? { value } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    // A second verdict on the same handoff moves it: its tallies move with it.
    assert.equal((await feedback({ id: "v-again", key: keys[0], outcome: "converted", value: 100 })).status, 200);

    const summary = (await worker.admin("/__mql/summary")).body;
    const every = await allHandoffs(worker);
    assert.deepEqual(pick(summary), recount(every));
    assert.deepEqual(pick(summary.byModel["b2b-saas@1"]), recount(every));
    assert.equal(summary.handedOff, 20);
    assert.equal(summary.shards.length, 4);
    assert.equal(summary.shards.reduce((a, b) => a + b, 0), 20);
    assert.ok(summary.shards.filter((n) => n > 0).length >= 2, `spread: ${summary.shards}`);
    assert.ok(summary.medianMsToFollowUp > 0 && summary.slaHitRate === 1, JSON.stringify(summary));

    // Small pages across shards: each handoff once, newest first.
    const small = [];
    let cursor = null;
    do {
      const r = await worker.admin(`/__mql/handoffs?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      small.push(...r.body.handoffs);
      cursor = r.body.next;
    } while (cursor);
    assert.deepEqual(small.map((h) => h.key), every.map((h) => h.key));
    assert.deepEqual(new Set(small.map((h) => h.key)), new Set(keys));
    const order = small.map((h) => [h.createdAt, h.key]);
    assert.deepEqual(order, [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1)));

    // Outcomes: the streamed export equals the pages that `Link` leads through, oldest first.
    const whole = (await outcomeLines(worker, "include=open")).lines;
    assert.equal(whole.length, 20);
    let paged = [];
    let next = "/__mql/outcomes?include=open&limit=3";
    while (next) {
      const r = await outcomeLines(worker, next.split("?")[1]);
      paged = paged.concat(r.lines);
      next = r.link?.match(/^<([^>]+)>; rel="next"$/)?.[1] ?? null;
    }
    assert.deepEqual(paged, whole);
    assert.deepEqual((await outcomeLines(worker, "")).lines.map((l) => l.id).sort(), [0, 3, 4, 5, 6, 7].map((i) => keys[i]).sort(), "converted or rejected only, by default");
    const bad = await worker.admin("/__mql/outcomes?limit=0");
    assert.deepEqual([bad.status, bad.body.error], [400, "limit: must be a whole number from 1 to 5000"]);

    // Erasing a person takes them out of the tallies too.
    const erased = await worker.admin(`/__mql/people?email=${encodeURIComponent("s6@shard-co0.io")}`, { method: "DELETE" });
    assert.equal(erased.body.erased.handoffs, 1);
    const after = (await worker.admin("/__mql/summary")).body;
    assert.deepEqual(pick(after), recount(await allHandoffs(worker)));
    assert.equal(after.handedOff, 19);
  } finally {
    await worker.stop();
  }
});

test("a site that had one outbox keeps its history when it moves to several", async () => {
  const one = await startWorker({ origin: origin.url, webhook: sink.url, settings: { ...QUICK, outboxShards: 1 } });
  const dataDir = one.dataDir;
  const old = [];
  try {
    for (let i = 0; i < 6; i++) old.push((await makeLead(one, { email: `m${i}@move-co.io` })).key);
    await eventually(async () => (await one.admin("/__mql/summary")).body.byStatus.delivered === 6, 10_000, "delivered");
  } finally {
    await one.stop();
  }
  const four = await startWorker({ origin: origin.url, webhook: sink.url, dataDir, settings: { ...QUICK, outboxShards: 4 } });
  try {
    assert.deepEqual(new Set((await allHandoffs(four)).map((h) => h.key)), new Set(old));
    // Feedback finds each old handoff, whichever shard its key now names.
    for (const [i, key] of old.entries()) {
      const r = await four.admin("/__mql/feedback", { method: "POST", body: { id: `m${i}`, key, outcome: "accepted" } });
      assert.deepEqual([r.status, r.body.handoff.status], [200, "accepted"], key);
    }
    const fresh = [];
    for (let i = 0; i < 6; i++) fresh.push((await makeLead(four, { email: `n${i}@move-co.io` })).key);
    const summary = (await four.admin("/__mql/summary")).body;
    assert.equal(summary.handedOff, 12);
    assert.equal(summary.byStatus.accepted, 6);
    assert.deepEqual(pick(summary), recount(await allHandoffs(four)));
  } finally {
    await four.stop();
  }
});
