// One person's data on workerd: exported (GET /__mql/people) and erased (DELETE) by email or
// visitor id, across the outbox (handoffs, feedback, pending deliveries, alerts) and their
// account, logged by count only, and still gone after workerd restarts on the same storage.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, allHandoffs, eventually, makeLead, startOrigin, startSink, startWorker, workerLog } from "./harness.mjs";

const QUICK = { webhookBackoffMs: 100, webhookMaxBackoffMs: 300, webhookTimeoutMs: 800 };
let origin;
let sink;
let worker;
before(async () => {
  origin = await startOrigin();
  sink = await startSink();
  worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK });
});
after(async () => {
  await worker?.stop();
  origin?.close();
  sink?.close();
});

const people = (query, method = "GET") => worker.admin(`/__mql/people?${query}`, { method });

test("a person's data is exported, then erased everywhere, and stays erased after a restart", async () => {
  // Bo: delivered and judged. Ann: qualified while the CRM is down (her delivery pending).
  const bo = await makeLead(worker, { email: "bo@erase-co.io", title: "VP Sales" });
  await eventually(() => sink.delivered.has(bo.key), 10_000, "Bo delivered");
  assert.equal((await worker.admin("/__mql/feedback", { method: "POST", body: { id: "fb-bo", key: bo.key, outcome: "converted", value: 5000 } })).status, 200);
  sink.behave(() => ({ status: 503 }));
  const ann = await makeLead(worker, { email: "Ann@Erase-Co.io", title: "CMO" });
  await eventually(() => sink.attempts.some((a) => a.key === ann.key), 10_000, "an attempt for Ann");

  const exported = await people("email=bo%40erase-co.io");
  assert.equal(exported.status, 200);
  assert.equal(exported.body.handoffs.length, 1);
  const [h] = exported.body.handoffs;
  assert.deepEqual([h.lead.traits.email, h.feedback.map((f) => f.outcome), h.deliveries.map((d) => d.state)], ["bo@erase-co.io", ["converted"], ["delivered"]]);
  assert.ok(h.session, "the saved session is part of what is kept");
  assert.deepEqual(exported.body.accounts.map((a) => [a.account, a.email]), [["domain:erase-co.io", "bo@erase-co.io"]]);

  // Ann, by email in any case: her pending delivery goes too, so the CRM never gets her.
  const erasedAnn = await people("email=ann%40erase-co.io", "DELETE");
  assert.equal(erasedAnn.status, 200);
  assert.deepEqual([erasedAnn.body.erased.handoffs, erasedAnn.body.erased.accountMemberships], [1, 1]);
  assert.ok(erasedAnn.body.erased.deliveries >= 1);
  sink.behave(null);
  // Bo, by visitor id.
  const erasedBo = await people(`visitor=${bo.key.split(":")[1]}`, "DELETE");
  assert.deepEqual(erasedBo.body.erased, { handoffs: 1, feedback: 1, deliveries: 1, accountMemberships: 1 });

  const gone = async (w) => {
    const list = (await allHandoffs(w)).map((x) => x.key);
    assert.ok(!list.includes(ann.key) && !list.includes(bo.key), "not listed");
    const outcomes = await (await fetch(`${w.url}/__mql/outcomes?include=open`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    assert.ok(!/erase-co/i.test(outcomes), "not in the outcomes export");
    assert.ok(!(await w.admin("/__mql/accounts")).body.accounts.some((a) => a.key === "domain:erase-co.io"), "their account, with nobody left, is gone");
    for (const q of ["email=ann%40erase-co.io", "email=bo%40erase-co.io"]) {
      const again = await w.admin(`/__mql/people?${q}`);
      assert.deepEqual([again.body.handoffs, again.body.accounts], [[], []]);
    }
  };
  await gone(worker);
  await new Promise((ok) => setTimeout(ok, 800));
  assert.ok(!sink.delivered.has(ann.key), "Ann's pending delivery was never sent");

  const { dataDir } = worker;
  await worker.stop();
  worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK, dataDir });
  await gone(worker);

  const log = workerLog.join("");
  assert.match(log, /"mql":"person-erased","handoffs":1/);
  assert.ok(!/erase-co/i.test(log), "no email of theirs in any log line");
});

test("a request for a person names them by exactly one of email or visitor id, with the token", async () => {
  for (const [query, message] of [["", /email or visitor/], ["email=a%40b.io&visitor=aaaaaaaaaaaaaaaaaaaaaa", /email or visitor/], ["email=nobody", /email: not an email address/], ["visitor=short", /visitor: not a visitor id/]]) {
    const r = await people(query, "DELETE");
    assert.equal(r.status, 400, query);
    assert.match(r.body.error, message);
  }
  assert.equal((await worker.admin("/__mql/people?email=a%40b.io", { method: "DELETE", token: null })).status, 401);
  assert.equal((await worker.admin("/__mql/people?email=a%40b.io", { method: "POST" })).status, 405);
});
