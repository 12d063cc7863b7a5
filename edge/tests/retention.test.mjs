// Retention on workerd: a handoff closed (judged by sales, or dead-lettered) longer than
// `retentionDays` ago is removed with its feedback and deliveries, by the outbox's own alarm;
// open handoffs stay; the summary counts what expired, and the log says how many, nothing more.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { allHandoffs, eventually, makeLead, startStack, workerLog } from "./harness.mjs";

const RETENTION_S = 3;
let stack;
before(async () => {
  stack = await startStack({ settings: { retentionDays: RETENTION_S / 86_400, webhookBackoffMs: 100, webhookMaxBackoffMs: 300 } });
});
after(() => stack?.stop());

test("closed handoffs go after the retention period, open ones stay", async () => {
  const { worker, sink } = stack;
  const judged = await makeLead(worker, { email: "judged@retain-co.io" });
  const open = await makeLead(worker, { email: "open@retain-co.io" });
  await eventually(() => sink.delivered.has(judged.key) && sink.delivered.has(open.key), 10_000, "deliveries");
  const closedAt = Date.now();
  assert.equal((await worker.admin("/__mql/feedback", { method: "POST", body: { id: "fb-judged", key: judged.key, outcome: "rejected", reason: "no-budget", at: closedAt } })).status, 200);
  const before = (await worker.admin("/__mql/summary")).body;
  assert.equal(before.byStatus.rejected, 1);
  // The alarm removes it once the period is over, with no request needed.
  await new Promise((ok) => setTimeout(ok, RETENTION_S * 1000 + 1500));
  const after = (await worker.admin("/__mql/summary")).body;
  const keys = (await allHandoffs(worker)).map((h) => h.key);
  assert.ok(!keys.includes(judged.key), "the judged handoff is gone");
  assert.ok(keys.includes(open.key), "the open one stays");
  assert.deepEqual([after.expired, after.byStatus.rejected], [1, 0]);
  assert.deepEqual((await worker.admin("/__mql/people?email=judged%40retain-co.io")).body.handoffs, [], "nothing of it is kept");
  assert.match(workerLog.join(""), /"mql":"handoffs-expired","n":1/);
  assert.ok(Date.now() - closedAt >= RETENTION_S * 1000);
});
