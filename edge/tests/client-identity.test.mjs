// Who a client is, on workerd (not Cloudflare): a header any client can send is not an identity.
// Without a proxy the worker trusts, there is no shared budget for one client to drain for all;
// behind one (clientAddressHeader), each address has its own.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Visitor, startOrigin, startWorker } from "./harness.mjs";

let origin;
before(async () => {
  origin = await startOrigin();
});
after(() => origin?.close());

/** `n` cookie-less page views, as a script makes them, with `headers`. */
async function flood(worker, n, headers = () => ({})) {
  for (let i = 0; i < n; i++) await new Visitor(worker.url).view("/pricing", headers(i));
}

test("without a trusted proxy, one client's flood (forged cf-connecting-ip or none) leaves other visitors scored", async () => {
  const worker = await startWorker({ origin: origin.url, settings: { clientRateLimit: 40 } });
  try {
    await flood(worker, 60);
    await flood(worker, 60, () => ({ "cf-connecting-ip": "203.0.113.9" }));
    const seen = (await new Visitor(worker.url).view("/pricing")).origin;
    assert.equal(seen.ignored, undefined, `another visitor's page view is scored (it was ignored as ${seen.ignored})`);
    assert.ok(seen.score !== undefined);
  } finally {
    await worker.stop();
  }
});

test("behind a proxy the worker trusts, each client address has its own budget", async () => {
  const worker = await startWorker({ origin: origin.url, settings: { clientRateLimit: 40, clientAddressHeader: "x-client-address" } });
  try {
    await flood(worker, 60, () => ({ "x-client-address": "203.0.113.9" }));
    const flooder = (await new Visitor(worker.url).view("/pricing", { "x-client-address": "203.0.113.9" })).origin;
    assert.equal(flooder.ignored, "client-rate", "the flooding address is over its budget");
    const other = (await new Visitor(worker.url).view("/pricing", { "x-client-address": "198.51.100.4" })).origin;
    assert.equal(other.ignored, undefined, "another address is not");
  } finally {
    await worker.stop();
  }
});

test("clientAddressHeader must be a header name", async () => {
  const broken = await startWorker({ origin: origin.url, settings: { clientAddressHeader: "x client\n" } });
  try {
    assert.equal((await fetch(`${broken.url}/`, { headers: { accept: "text/html" } })).status, 500);
  } finally {
    await broken.stop();
  }
});
