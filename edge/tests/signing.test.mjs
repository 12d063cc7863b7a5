// Signed deliveries (Standard Webhooks) on workerd, checked by a loopback CRM that verifies them
// with the specification's own npm package (`standardwebhooks`) and deduplicates by webhook-id:
// every lead verifies, retries keep their id, a rotated secret verifies under either secret, a
// forged or altered delivery does not, and a worker with a webhook but no secret refuses to run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { allHandoffs, eventually, makeLead, startOrigin, startSink, startWorker, WEBHOOK_SECRET, WEBHOOK_SECRET_NEXT, workerLog } from "./harness.mjs";

const { Webhook } = createRequire(import.meta.url)("../../tools/node_modules/standardwebhooks");
const QUICK = { webhookBackoffMs: 100, webhookMaxBackoffMs: 400, webhookTimeoutMs: 800 };

let origin;
before(async () => {
  origin = await startOrigin();
});
after(() => origin?.close());

const lead = async (worker, email) => (await makeLead(worker, { email })).key;

test("every delivery verifies with the CRM's secret, and its retries keep one webhook-id", async () => {
  const sink = await startSink();
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK });
  try {
    sink.failNext(2);
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await lead(worker, `signed${i}@acme.com`));
    await eventually(() => keys.every((k) => sink.delivered.has(k)), 10_000, "every lead delivered");
    assert.deepEqual(sink.forged, [], "no delivery failed verification");
    const first = sink.attempts.filter((a) => a.key === keys[0]);
    assert.ok(first.length >= 2, `the first lead was retried (${first.length} attempts)`);
    for (const a of first) assert.equal(a.headers["webhook-id"], keys[0], "the same id on every retry");
    for (const a of sink.attempts) {
      assert.match(a.headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/, "one signature, one secret");
      assert.ok(Math.abs(Number(a.headers["webhook-timestamp"]) * 1000 - a.at) < 5000, "stamped when sent");
    }
    // Altered in transit: the reference verifier refuses it.
    const a = sink.attempts.at(-1);
    const altered = a.body.replace("signed", "forged");
    assert.notEqual(altered, a.body);
    assert.throws(() => new Webhook(WEBHOOK_SECRET).verify(altered, a.headers), /signature/i);
    assert.throws(() => new Webhook(WEBHOOK_SECRET_NEXT).verify(a.body, a.headers), /signature/i, "another secret does not verify it");
    for (const key of keys) assert.equal(sink.delivered.get(key).duplicates, 0);
  } finally {
    await worker.stop();
    sink.close();
  }
});

test("a secret rotates without downtime: signed with both, verified by a CRM on either", async () => {
  const sink = await startSink({ secret: WEBHOOK_SECRET });
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK, webhookSecrets: `${WEBHOOK_SECRET_NEXT},${WEBHOOK_SECRET}` });
  try {
    const key = await lead(worker, "rotation@acme.com");
    await eventually(() => sink.delivered.has(key), 10_000, "delivered");
    assert.deepEqual(sink.forged, [], "the CRM on the old secret verifies");
    const a = sink.attempts.find((x) => x.key === key);
    assert.equal(a.headers["webhook-signature"].split(" ").length, 2, "two signatures");
    assert.doesNotThrow(() => new Webhook(WEBHOOK_SECRET_NEXT).verify(a.body, a.headers), "a CRM on the new secret verifies too");
  } finally {
    await worker.stop();
    sink.close();
  }
});

test("a CRM with another secret refuses every delivery, and the lead waits instead of being lost", async () => {
  const sink = await startSink({ secret: WEBHOOK_SECRET_NEXT });
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK });
  try {
    const key = await lead(worker, "mismatch@acme.com");
    await eventually(() => sink.forged.some((f) => f.key === key), 10_000, "a refused attempt");
    assert.equal(sink.delivered.size, 0);
    const h = (await allHandoffs(worker)).find((x) => x.key === key);
    assert.notEqual(h.status, "delivered");
    assert.match(h.delivery.lastError, /401/, "held as misconfigured, kept for a retry");
  } finally {
    await worker.stop();
    sink.close();
  }
});

test("a webhook without WEBHOOK_SECRETS, or a malformed secret, is a configuration error naming it, never the secret", async () => {
  const sink = await startSink();
  const bad = "whsec_c2hvcnQ=";
  for (const [secrets, message] of [
    ["", "WEBHOOK_SECRETS is not set: deliveries are signed"],
    [`${WEBHOOK_SECRET},${bad}`, "WEBHOOK_SECRETS: secret 2 must be 24 to 64 bytes (it is 5)"],
    ["plain-text-secret-0123456789abcdef", "WEBHOOK_SECRETS: secret 1 must be \\\"whsec_\\\" and base64"],
  ]) {
    const broken = await startWorker({ origin: origin.url, webhook: sink.url, webhookSecrets: secrets });
    try {
      const r = await fetch(`${broken.url}/`, { headers: { accept: "text/html" } });
      assert.equal(r.status, 500);
      await eventually(() => broken.output.join("").includes(message), 5000, `the log line: ${message}`);
    } finally {
      await broken.stop();
    }
  }
  sink.close();
  const log = workerLog.join("");
  for (const s of [WEBHOOK_SECRET, WEBHOOK_SECRET.slice(6), bad, "plain-text-secret-0123456789abcdef"]) assert.ok(!log.includes(s), "a secret reached a log line");
});

test("a CRM that stores a lead and then answers 500 stores each lead once by webhook-id", async () => {
  const sink = await startSink();
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: QUICK });
  try {
    const firsts = new Set();
    // Every lead's first attempt: stored, then 500 (the slow CRM is outbox.test.mjs's and the
    // fault table's).
    sink.behave(({ key }) => (firsts.has(key) ? null : (firsts.add(key), { storedThen: 500 })));
    const keys = [];
    for (let i = 0; i < 10; i++) keys.push(await lead(worker, `twice${i}@acme.com`));
    await eventually(async () => (await allHandoffs(worker)).filter((h) => keys.includes(h.key)).every((h) => h.status === "delivered"), 15_000, "every lead delivered");
    const posted = keys.map((k) => sink.attempts.filter((a) => a.key === k).length);
    const duplicates = keys.reduce((n, k) => n + sink.delivered.get(k).duplicates, 0);
    console.log(`CRM that stores then answers 500: ${keys.length} leads, ${posted.reduce((a, b) => a + b, 0)} posts, ${duplicates} repeats recognised by webhook-id, ${sink.delivered.size} stored (duplicates stored: 0)`);
    assert.ok(posted.every((n) => n >= 2), "each lead was posted again after the 500");
    assert.equal(duplicates, keys.length, "each repeat was recognised by its webhook-id");
    assert.equal(sink.delivered.size, keys.length, "stored once each");
    assert.deepEqual(sink.forged, []);
  } finally {
    await worker.stop();
    sink.close();
  }
});
