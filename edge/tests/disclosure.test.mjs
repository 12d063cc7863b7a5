// What the worker's answers and logs give away, on workerd: every JSON answer is nosniff and
// no-store, JSON Lines exports escape U+2028/U+2029 (line-splitting readers would split a
// record), and no log line holds an email address or a lead's body, also when the CRM refuses
// a lead and it is dead-lettered.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, allHandoffs, eventually, makeLead, startStack, workerLog } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({ settings: { webhookBackoffMs: 100, webhookMaxBackoffMs: 400, webhookTimeoutMs: 800 } });
});
after(() => stack?.stop());

const lead = makeLead;

test("every JSON answer is nosniff and no-store: events, refusals, sales endpoints, stats", async () => {
  const { worker } = stack;
  const { visitor, answer } = await lead(worker, { email: "headers@acme.com" });
  const refused = await visitor.send({ type: "identify", traits: 42 });
  assert.equal(refused.status, 400);
  const answers = [answer.headers, refused.headers];
  for (const path of ["/__mql/handoffs", "/__mql/summary", "/__mql/outcomes?include=open", "/__mql/alerts"]) {
    const r = await fetch(worker.url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(r.status, 200, path);
    answers.push(r.headers);
  }
  answers.push((await fetch(`${worker.url}/__mql/handoffs`)).headers); // 401
  answers.push((await fetch(`${worker.url}/__mql/stats`)).headers);
  for (const h of answers) {
    assert.equal(h.get("x-content-type-options"), "nosniff");
    assert.equal(h.get("cache-control"), "no-store");
  }
});

test("JSON Lines exports escape U+2028 and U+2029: one record a line for every reader", async () => {
  const { worker } = stack;
  const title = "VP\u2028Marketing\u2029EMEA";
  const { key } = await lead(worker, { email: "lines@acme.com", title });
  const fb = await worker.admin("/__mql/feedback", { method: "POST", body: { id: "fb-lines", key, outcome: "converted" } });
  assert.equal(fb.status, 200, JSON.stringify(fb.body));
  const r = await fetch(`${worker.url}/__mql/outcomes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const text = await r.text();
  assert.ok(!/[\u2028\u2029]/.test(text), "no raw line separator in the export");
  // JavaScript's own line splitting (as readline and many log shippers do) finds whole records.
  const records = text.split(/\r?\n|\r|\u2028|\u2029/).filter(Boolean).map((l) => JSON.parse(l));
  const mine = records.find((o) => o.traits?.email === "lines@acme.com");
  assert.ok(mine, "the lead's record");
  assert.equal(mine.traits.title, title, "the title comes back as it was");
});

test("no log line holds an email address or a lead's body, when queued, refused and dead-lettered", async () => {
  const { worker, sink } = stack;
  sink.behave(() => ({ status: 422 }));
  const { key } = await lead(worker, { email: "refused.person@acme.com", firstName: "Refused", title: "CEO" });
  await eventually(async () => (await allHandoffs(worker)).find((h) => h.key === key)?.status === "dead-lettered", 10_000, "dead-lettered");
  sink.behave(null);
  await new Promise((ok) => setTimeout(ok, 300));
  const log = workerLog.join("");
  assert.ok(log.includes("handoff-dead-lettered"), "the dead letter is logged");
  assert.ok(log.includes(key), "by its key");
  for (const line of log.split("\n")) {
    assert.ok(!/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.test(line), `an email address in a log line: ${line}`);
    assert.ok(!/"traits"|Refused|firstName/.test(line), `a lead's body in a log line: ${line}`);
  }
});
