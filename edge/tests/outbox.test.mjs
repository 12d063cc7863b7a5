// The handoff outbox (a Durable Object on workerd, SQLite on disk) against a loopback CRM that
// honours idempotency keys: outages, timeouts, misconfiguration, refusals, SIGKILL and restart,
// sales feedback, the SLA clock and the bearer token. Needs edge/pkg (scripts/build-edge.sh).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, allHandoffs, eventually, makeLead, startOrigin, startSink, startStack, startWorker, Visitor, workerLog } from "./harness.mjs";

const QUICK = {
  webhookBackoffMs: 100,
  webhookMaxBackoffMs: 400,
  webhookTimeoutMs: 800,
  misconfiguredRetryMs: 300,
  followUpMinutes: 0.05,
};

let stack;
before(async () => {
  stack = await startStack({ settings: QUICK });
});
after(() => stack?.stop());

/** A visitor who browses to MQL and gives an email: a lead for sales. Returns its key. */
const lead = async (worker, email) => (await makeLead(worker, { email })).key;

const handoff = async (worker, key) => (await allHandoffs(worker)).find((h) => h.key === key);
const settle = (ms) => new Promise((ok) => setTimeout(ok, ms));

test("a CRM down for a stretch (503, then refusing connections) gets every lead once when it is back", async () => {
  const { worker, sink } = stack;
  sink.behave(() => ({ status: 503 }));
  const keys = [];
  for (let i = 0; i < 5; i++) keys.push(await lead(worker, `down${i}@acme.com`));
  await settle(700);
  sink.behave(() => "drop");
  await settle(700);
  const failedAttempts = sink.attempts.filter((a) => keys.includes(a.key)).length;
  assert.ok(failedAttempts >= 10, `attempts went on while the CRM was down (${failedAttempts})`);
  sink.behave(null);
  await eventually(() => keys.every((k) => sink.delivered.has(k)), 10_000, "every lead delivered");
  for (const key of keys) {
    const h = await handoff(worker, key);
    assert.equal(h.status, "delivered");
    assert.equal(h.delivery.attempts, sink.attempts.filter((a) => a.key === key).length, "attempts counted as made");
    assert.equal(sink.delivered.get(key).duplicates, 0);
  }
});

test("a CRM answer slower than the timeout is 'unknown', retried with the same key, stored once", async () => {
  const { worker, sink } = stack;
  let first = true;
  sink.behave(() => (first ? ((first = false), { delayMs: 1500 }) : null));
  const key = await lead(worker, "slow@acme.com");
  await eventually(async () => (await handoff(worker, key))?.status === "delivered", 10_000, "delivery");
  const h = await handoff(worker, key);
  assert.ok(h.delivery.unknown >= 1, "the timed-out attempt is counted as unknown, not failed");
  assert.equal(sink.delivered.get(key).lead.idempotencyKey, key);
  assert.ok(sink.attempts.filter((a) => a.key === key).length >= 2, "retried");
  await settle(1000);
  assert.ok(sink.delivered.get(key).duplicates >= 1, "the retry found the lead already there (409)");
  sink.behave(null);
});

// On the shared stack, after the outage and timeout tests, on purpose: this is where the
// schedule once stopped (an alarm re-armed for the very time that was firing is cleared when
// its handler ends; the handler's clock can read a little before that time).
test("401 from the CRM holds the lead, raises one alert, and delivery resumes once it is fixed", async () => {
  const { worker, sink, alerts } = stack;
  sink.behave(() => ({ status: 401 }));
  const keys = [await lead(worker, "held1@acme.com"), await lead(worker, "held2@acme.com")];
  await eventually(() => [...alerts.delivered.values()].some((a) => a.lead.alert === "crm-misconfigured"), 10_000, "the alert");
  await settle(1200);
  const raised = [...alerts.delivered.values()].filter((a) => a.lead.alert === "crm-misconfigured");
  assert.equal(raised.length, 1, "one alert for the misconfiguration, not one per attempt");
  assert.match(raised[0].lead.detail, /401/);
  for (const key of keys) {
    const h = await handoff(worker, key);
    assert.equal(h.status, "queued");
    assert.match(h.delivery.held, /401/);
    assert.ok(h.delivery.attempts >= 2, "attempts go on while held");
  }
  assert.match((await worker.admin("/__mql/summary")).body.misconfigured, /401/);
  sink.behave(null);
  // Only the sink is watched here: no request reaches the worker, so the alarm alone delivers.
  await eventually(() => keys.every((k) => sink.delivered.has(k)), 10_000, "delivery after the fix");
  await eventually(async () => (await worker.admin("/__mql/summary")).body.misconfigured === null, 5000, "the flag cleared");
});

test("a lead the CRM refuses (422) is dead-lettered, listed and logged by key (never its content), and can be sent again", async () => {
  const { worker, sink } = stack;
  sink.behave(() => ({ status: 422 }));
  const key = await lead(worker, "refused@acme.com");
  await eventually(async () => (await handoff(worker, key))?.status === "dead-lettered", 10_000, "the dead letter");
  const listed = (await allHandoffs(worker, "status=dead-lettered")).map((h) => h.key);
  assert.ok(listed.includes(key));
  const line = await eventually(() => workerLog.join("").split("\n").find((l) => l.includes("handoff-dead-lettered") && l.includes(key)), 5000, "the log line naming the lead");
  assert.match(line, /"bytes":\d+/, "its size");
  assert.ok(!workerLog.join("").includes("refused@acme.com"), "the lead itself is in the outbox, not in the log");
  sink.behave(null);
  const again = await worker.admin("/__mql/handoffs/redeliver", { method: "POST", body: { keys: [key] } });
  assert.deepEqual(again.body.requeued, [key]);
  await eventually(() => sink.delivered.has(key), 10_000, "the redelivery");
  assert.equal((await handoff(worker, key)).status, "delivered");
});

test("workerd killed (SIGKILL) mid-delivery and started again on the same storage: every lead arrives once", async () => {
  const origin = await startOrigin();
  const sink = await startSink();
  let worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK });
  const { dataDir } = worker;
  try {
    // Slow answers: the kill lands while requests are in flight, after some were stored.
    sink.behave(() => ({ delayMs: 400 }));
    const keys = [];
    for (let i = 0; i < 12; i++) keys.push(await lead(worker, `kill${i}@acme.com`));
    await settle(300);
    await worker.kill();
    const before = sink.delivered.size;
    sink.behave(() => ({ status: 503 }));
    await settle(500);
    sink.behave(null);
    // No traffic after the restart: the stored alarm drives the deliveries.
    worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK, dataDir });
    const statuses = async () => {
      const list = (await allHandoffs(worker));
      return keys.map((k) => list.find((h) => h.key === k)?.status);
    };
    await eventually(async () => (await statuses()).every((s) => s === "delivered"), 15_000, "every lead delivered after the restart");
    assert.ok(keys.every((k) => sink.delivered.has(k)), "none lost");
    assert.ok(before < 12, `the kill came before every lead was delivered (${before} were)`);
    const posts = keys.map((k) => sink.attempts.filter((a) => a.key === k).length);
    console.log(`# SIGKILL run: 12 leads, ${before} delivered before the kill, all 12 after the restart; posts per lead ${posts.join(",")}; stored twice: 0`);
  } finally {
    await worker.stop();
    origin.close();
    sink.close();
  }
});

test("sales feedback, the SLA clock, figures, outcomes and the bearer token", async () => {
  const own = await startStack({ settings: QUICK });
  try {
    await feedbackAndSla(own);
  } finally {
    await own.stop();
  }
});

async function feedbackAndSla({ worker, sink, alerts }) {
  const [won, lost, late] = [await lead(worker, "won@acme.com"), await lead(worker, "lost@acme.com"), await lead(worker, "late@acme.com")];
  await eventually(() => [won, lost, late].every((k) => sink.delivered.has(k)), 10_000, "deliveries");

  // Access: no token, a wrong token, a token in the query: 401 and nothing changes.
  for (const token of [null, "not-the-token-0123456789abcdef"]) {
    for (const [path, method, body] of [["/__mql/handoffs", "GET"], ["/__mql/summary", "GET"], ["/__mql/outcomes", "GET"], ["/__mql/feedback", "POST", { id: "x", key: won, outcome: "accepted" }]]) {
      const r = await worker.admin(path, { method, body, token });
      assert.equal(r.status, 401, `${path} without the right token`);
    }
  }
  assert.equal((await handoff(worker, won)).outcome, null, "the refused feedback changed nothing");

  const feedback = (body) => worker.admin("/__mql/feedback", { method: "POST", body });
  const t0 = Date.now();
  assert.equal((await feedback({ id: "f1", key: won, outcome: "accepted", at: t0 })).body.handoff.status, "accepted");
  assert.equal((await feedback({ id: "f1", key: won, outcome: "accepted", at: t0 })).body.duplicate, true);
  assert.equal((await feedback({ id: "f2", key: won, outcome: "converted", value: 12000, at: t0 + 10 })).body.handoff.status, "converted");
  // Out of order: an acceptance stamped before the conversion does not undo it.
  assert.equal((await feedback({ id: "f3", key: won, outcome: "accepted", at: t0 - 10 })).body.handoff.status, "converted");
  const bad = await feedback({ id: "f4", key: lost, outcome: "rejected", reason: "too-expensive" });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /^reason: a rejection needs one of not-a-fit/);
  assert.equal((await feedback({ id: "f5", key: lost, outcome: "rejected", reason: "no-budget" })).body.handoff.status, "rejected");
  assert.equal((await feedback({ id: "f6", key: "b2b-saas:nobody", outcome: "accepted" })).status, 404);

  // No feedback on `late` within followUpMinutes (3 s here): overdue, one alert.
  await eventually(() => [...alerts.delivered.values()].some((a) => a.lead.alert === "follow-up-overdue" && a.lead.key === late), 10_000, "the overdue alert");
  const overdue = (await allHandoffs(worker, "status=overdue")).map((h) => h.key);
  assert.ok(overdue.includes(late) && !overdue.includes(won));
  assert.equal([...alerts.delivered.values()].filter((a) => a.lead.key === late).length, 1);

  const summary = (await worker.admin("/__mql/summary")).body;
  const mine = (await allHandoffs(worker)).filter((h) => [won, lost, late].includes(h.key));
  assert.deepEqual(mine.map((h) => h.status).sort(), ["converted", "overdue", "rejected"]);
  assert.equal(summary.rejectionReasons["no-budget"], 1);
  assert.equal(summary.byModel["b2b-saas@1"].converted, summary.converted);
  assert.ok(summary.convertedValue >= 12000);
  assert.ok(summary.mqlToSqlRate > 0 && summary.mqlToSqlRate < 1);
  assert.ok(summary.medianMsToFollowUp >= 0 && summary.slaHitRate > 0 && summary.slaHitRate < 1);

  const outcomes = await fetch(`${worker.url}/__mql/outcomes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.match(outcomes.headers.get("content-type"), /ndjson/);
  const lines = (await outcomes.text()).trim().split("\n").map((l) => JSON.parse(l));
  const wonLine = lines.find((l) => l.id === won);
  assert.deepEqual([wonLine.converted, wonLine.value, wonLine.outcome, typeof wonLine.session], [true, 12000, "converted", "string"]);
  assert.deepEqual([lines.find((l) => l.id === lost).converted, lines.find((l) => l.id === lost).reason], [false, "no-budget"]);
  assert.equal(lines.find((l) => l.id === late), undefined, "a lead without a verdict is not a negative example");

  const log = workerLog.join("");
  assert.ok(!log.includes(ADMIN_TOKEN), "the admin token never reaches a log line");
}

test("with no ADMIN_TOKEN the sales endpoints are off, not open", async () => {
  const origin = await startOrigin();
  const worker = await startWorker({ origin: origin.url, adminToken: "" });
  try {
    assert.equal((await worker.admin("/__mql/handoffs", { token: null })).status, 503);
    assert.equal((await worker.admin("/__mql/feedback", { method: "POST", body: {}, token: "anything-at-all-0123456789" })).status, 503);
  } finally {
    await worker.stop();
    origin.close();
  }
});

test("without alarms (outboxAlarms: false) later requests drive the stored schedule", async () => {
  const own = await startStack({ settings: { ...QUICK, outboxAlarms: false } });
  try {
    const { worker, sink } = own;
    sink.behave(() => ({ status: 503 }));
    const key = await lead(worker, "noalarm@acme.com");
    await settle(300);
    sink.behave(null);
    await settle(1500);
    assert.equal(sink.delivered.has(key), false, "no alarm: nothing moves without a request");
    const before = sink.attempts.filter((a) => a.key === key).length;
    assert.ok(before >= 1, "the first attempt was driven by the handoff's own requests");
    await new Visitor(worker.url).view("/");
    await eventually(() => sink.delivered.has(key), 5000, "delivery driven by a page view");
    assert.equal(sink.delivered.get(key).duplicates, 0);
  } finally {
    await own.stop();
  }
});
