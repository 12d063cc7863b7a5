// Delivery that respects the CRM, on workerd: the number of deliveries in flight adapts to a CRM
// that takes only a few at once (429 with Retry-After beyond them), and a configured rate limit
// holds. Every lead still arrives exactly once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, makeLead, refusesSettings, startOrigin, startSink, startWorker, workerLog } from "./harness.mjs";

const QUICK = { webhookBackoffMs: 100, webhookMaxBackoffMs: 300, webhookTimeoutMs: 2000 };
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

/** Makes `n` leads while the CRM answers 503, so that they are all waiting when it comes back. */
async function waiting(worker, n, tag) {
  sink.behave(() => ({ status: 503 }));
  const keys = [];
  for (let i = 0; i < n; i++) keys.push((await makeLead(worker, { email: `${tag}${i}@flow-co.io` })).key);
  return keys;
}

test("a CRM that takes three at once: the window shrinks to it, few 429s, every lead once", async () => {
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: { ...QUICK, outboxShards: 1 } });
  try {
    const keys = await waiting(worker, 40, "w");
    const from = sink.attempts.length;
    let inFlight = 0;
    let peak = 0;
    let refused = 0;
    sink.behave(() => {
      if (inFlight >= 3) {
        refused++;
        return { status: 429, headers: { "retry-after": "1" } };
      }
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 300);
      return { delayMs: 300 };
    });
    await eventually(() => keys.every((k) => sink.delivered.has(k)), 60_000, "every lead delivered");
    for (const k of keys) assert.equal(sink.delivered.get(k).duplicates, 0, k);
    const attempts = sink.attempts.length - from;
    console.log(`# adaptive delivery: ${keys.length} leads, ${attempts} attempts, ${refused} answered 429, at most ${peak} in flight at the CRM`);
    // A fixed eight at a time would be refused five times in eight; this one learns the limit.
    assert.ok(refused > 0, "the CRM's limit was reached");
    assert.ok(refused < keys.length / 2, `${refused} refusals in ${attempts} attempts for ${keys.length} leads`);
    assert.ok(peak <= 3);
    assert.match(workerLog.join(""), /"mql":"delivery-window","window":\d+,"why":429/);
  } finally {
    sink.behave(null);
    await worker.stop();
  }
});

test("deliveryRatePerSecond: no more starts in any second than the limit allows", async () => {
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: { ...QUICK, outboxShards: 1, deliveryRatePerSecond: 5 } });
  try {
    const keys = await waiting(worker, 20, "r");
    const from = sink.attempts.length;
    sink.behave(null);
    await eventually(() => keys.every((k) => sink.delivered.has(k)), 30_000, "every lead delivered");
    const times = sink.attempts.slice(from).map((a) => a.at);
    // A bucket of 5 that refills at 5 a second: at most 10 in any second.
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(busiest <= 10, `${busiest} deliveries started within one second`);
    assert.ok(times.at(-1) - times[0] >= 1500, "20 leads at 5 a second take more than 1.5 s");
  } finally {
    await worker.stop();
  }
});

test("delivery settings out of range are named", async () => {
  for (const [settings, message] of [
    [{ deliveryConcurrency: 0 }, /SETTINGS\.deliveryConcurrency must be a whole number from 1 to 1000/],
    [{ deliveryRatePerSecond: -1 }, /SETTINGS\.deliveryRatePerSecond must be a number > 0/],
    [{ outboxShards: 65 }, /SETTINGS\.outboxShards must be a whole number from 1 to 64/],
  ]) {
    await refusesSettings({ origin: origin.url, webhook: sink.url }, settings, message);
  }
});
