// A bounded load run through workerd on loopback: 10,000 page views at concurrency 50 across
// 500 visitors (each visitor's views in order, carrying its cookie). Asserts zero 5xx and exactly
// one webhook per visitor who became an MQL; prints throughput and latency as figures, not tests.
// The burst filter and rate limits are lifted here (their own tests are in edge.test.mjs and
// abuse.test.mjs): this run measures throughput.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { Visitor, eventually, startStack } from "./harness.mjs";

const VISITORS = 500;
const VIEWS = 20;
const CONCURRENCY = 50;

let stack;
let sink;
let worker;

before(async () => {
  stack = await startStack({ settings: { burstLimit: 1_000_000, visitorRateLimit: 1_000_000, clientRateLimit: 1_000_000 } });
  ({ sink, worker } = stack);
});

after(() => stack?.stop());

/** Visitor i's page views: every fourth one gives an email, goes to pricing twice and qualifies. */
function script(i) {
  const browse = ["/", "/blog/launch", "/docs/setup", "/careers", "/support/faq"];
  const views = Array.from({ length: VIEWS }, (_, k) => browse[(i + k) % browse.length]);
  if (i % 4 === 0) views.splice(0, 4, "/", "/product", "/pricing", "/pricing");
  return views;
}

test("10,000 requests at concurrency 50: no 5xx, no lost or duplicated MQL webhook", async () => {
  const latencies = [];
  const statuses = {};
  const mqls = new Set();
  let next = 0;
  async function runner() {
    while (next < VISITORS) {
      const i = next++;
      const v = new Visitor(worker.url);
      let id;
      for (const [k, path] of script(i).entries()) {
        if (k === 1 && i % 4 === 0) await v.send({ type: "identify", traits: { email: `visitor${i}@acme.com` } });
        const t0 = performance.now();
        const { status, origin: o } = await v.view(path);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        id ??= o?.visitor;
        if (o?.mql === "true") mqls.add(`b2b-saas:${id}`);
      }
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, runner));
  const seconds = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  const total = latencies.length;
  console.log(`edge load: ${total} requests, ${VISITORS} visitors, concurrency ${CONCURRENCY}: ${(total / seconds).toFixed(0)} requests/s; latency p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1).toFixed(2)} ms`);

  assert.equal(total, VISITORS * VIEWS);
  assert.deepEqual(statuses, { 200: total }, "every request answered 200, no 5xx");
  assert.equal(mqls.size, VISITORS / 4);
  await eventually(() => sink.delivered.size >= mqls.size, 30_000, "all webhooks");
  await new Promise((ok) => setTimeout(ok, 500));
  assert.deepEqual([...sink.delivered.keys()].sort(), [...mqls].sort(), "one lead per MQL visitor, none lost");
  assert.equal([...sink.delivered.values()].filter((d) => d.duplicates > 0).length, 0);
  assert.equal(sink.attempts.length, mqls.size, "no delivery was sent twice");
  const stats = await worker.stats();
  console.log(`edge load: worker counted ${stats.scored} scored, ${stats.handoffs.queued} handoffs stored, ${stats.outbox.byStatus.delivered} delivered, ${stats.errors} errors`);
  assert.equal(stats.errors, 0);
});
