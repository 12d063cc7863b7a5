// The edge worker's cost per request on workerd itself (not Node): requests one at a time over
// loopback, each kind many times, the median kept. Inside a worker the clock stands still
// while code runs (workerd's timing-attack mitigation), so the worker's own work is the
// difference between kinds of request that share everything else (HTTP, the origin fetch):
//   pass-through  an asset, forwarded unscored (the baseline)
//   first view    a page view without a cookie: new visitor, score, save, sign, set-cookie
//   return view   a page view with the cookie of a visitor 20 views in: the same plus verify
//                 the cookie and restore the session
//   events        a POST of 5 events with the cookie: verify, restore, score 5, save, sign
// Usage: node bench/edge-workerd.mjs [--requests 2000]   (needs edge/pkg: scripts/build-edge.sh)
import { performance } from "node:perf_hooks";
import { Visitor, startStack } from "../edge/tests/harness.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureEdge(requests = 2000) {
  const stack = await startStack({
    settings: { burstLimit: 1_000_000, visitorRateLimit: 1_000_000, clientRateLimit: 1_000_000 },
  });
  try {
    const url = stack.worker.url;
    const time = async (n, once) => {
      const ms = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await once(i);
        ms.push(performance.now() - t0);
      }
      return median(ms) * 1000;
    };
    const regular = new Visitor(url);
    for (let i = 0; i < 20; i++) await regular.view(i % 3 ? "/blog/post" : "/product");
    const asset = new Visitor(url);
    const events = Array.from({ length: 5 }, (_, k) => ({ type: "track", event: "Email Link Clicked", properties: { k } }));
    const kinds = {
      passThroughUs: (i) => asset.view(`/app.js?v=${i}`),
      firstViewUs: () => new Visitor(url).view("/blog/post"),
      returnViewUs: () => regular.view("/blog/post"),
      eventsUs: () => regular.send(events),
    };
    // Warm up every kind, then measure them interleaved in rounds so drift hits all alike.
    for (const once of Object.values(kinds)) await time(50, once);
    const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
    const rounds = 10;
    for (let r = 0; r < rounds; r++) {
      for (const [kind, once] of Object.entries(kinds)) samples[kind].push(await time(requests / rounds, once));
    }
    const result = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
    return {
      requests,
      ...result,
      scoreSaveSignUs: result.firstViewUs - result.passThroughUs,
      returningPathUs: result.returnViewUs - result.passThroughUs,
      verifyRestoreUs: result.returnViewUs - result.firstViewUs,
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--requests");
  const r = await measureEdge(i > 0 ? Number(process.argv[i + 1]) : 2000);
  const f = (x) => x.toFixed(0).padStart(6);
  console.log(`edge worker on workerd, median µs per request over ${r.requests} requests of each kind, one at a time on loopback:
  pass-through (asset, forwarded unscored)          ${f(r.passThroughUs)}
  first page view (score, save, sign, set-cookie)   ${f(r.firstViewUs)}   worker's own work over pass-through: ${f(r.scoreSaveSignUs)}
  returning page view (+ verify cookie, restore)    ${f(r.returnViewUs)}   over pass-through: ${f(r.returningPathUs)} (verify + restore: ${f(r.verifyRestoreUs)})
  5 events posted (verify, restore, score, save)    ${f(r.eventsUs)}   (no origin fetch)`);
}
