// The sales side at the scale of a real site, on workerd (issue 25). Figures, not pass/fail.
//   history   handoffs stored through the outbox's own code (bench/edge-scale-seed.js: enqueue,
//             delivery, feedback on three in ten) up to each of --sizes; at each: the summary,
//             the dashboard's first page of handoffs and of accounts, a filtered page, a page of
//             outcomes (median and slowest of 15 each), storage bytes per handoff, the time to
//             erase one person, and qualifying visitors' requests while a dashboard polls
//             back to back (p50, p99);
//   delivery  2,000 handoffs waiting for a CRM that answers in 2 s: leads delivered per second;
//   memory    workerd's resident memory after 10,000 / 100,000 / --visitors requests, each a new
//             visitor, against the same requests from 10,000 returning visitors.
// Usage: node bench/edge-scale.mjs [--sizes 100000,1000000] [--visitors 1000000]
//        [--only history|delivery|memory] [--shards 8] [--data DIR]   (needs edge/pkg: scripts/build-edge.sh)
// --data keeps the history's storage in DIR and stands on what is there: a second run at the
// same sizes seeds nothing.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Visitor, makeLead, startOrigin, startSink, startWorker } from "../edge/tests/harness.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg("sizes", "100000,1000000").split(",").map(Number);
const visitors = Number(arg("visitors", 1_000_000));
const shards = Number(arg("shards", 8));
const only = arg("only", null);
const data = arg("data", undefined);
const log = (...a) => console.error("edge-scale:", ...a);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const LOOSE = { burstLimit: 1_000_000, visitorRateLimit: 1_000_000, clientRateLimit: 1_000_000, accountsPerClient: 1_000_000, outboxShards: shards };

/** edge/config.capnp with bench/edge-scale-seed.js as the main module (it exports the worker's classes). */
function benchConfig() {
  const text = readFileSync(`${root}edge/config.capnp`, "utf8");
  const main = '    (name = "worker.js", esModule = embed "worker.js"),\n';
  if (!text.includes(main)) throw new Error("edge/config.capnp: the worker.js module line moved; update bench/edge-scale.mjs");
  // Embedded paths are relative to the config file, in edge/pkg: each goes up one.
  const changed = text.replace(main, `    (name = "bench-seed.js", esModule = embed "../bench/edge-scale-seed.js"),\n${main}`);
  const file = `${root}edge/pkg/config-bench.capnp`;
  writeFileSync(file, changed.replace(/embed "/g, 'embed "../'));
  return file;
}

async function timed(n, once) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once(i);
    ms.push(performance.now() - t0);
  }
  return { p50: quantile(ms, 0.5), max: Math.max(...ms) };
}

async function admin(worker, path, init) {
  const r = await worker.admin(path, init);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

/** A real lead and its saved session, made through the worker, as the template of the seeded ones. */
async function template(worker) {
  const { visitor } = await makeLead(worker, { email: "template@company0.example", title: "VP Marketing", company: { name: "Company 0", employees: 450 } });
  const v = (await visitor.view("/")).origin.visitor;
  const kept = await admin(worker, `/__mql/people?visitor=${v}`);
  return { lead: kept.handoffs[0].lead, session: kept.handoffs[0].session };
}

async function seed(worker, tpl, from, count, pending = false) {
  for (let at = from; at < from + count; at += 2000) {
    const n = Math.min(2000, from + count - at);
    const r = await fetch(`${worker.url}/__bench/seed`, { method: "POST", body: JSON.stringify({ template: tpl, from: at, count: n, shards, pending }) });
    if (!r.ok) throw new Error(`seed: ${r.status} ${await r.text()}`);
  }
}

function diskBytes(dir) {
  return Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/**
 * Visitors who qualify (page views, then an identify that hands them off) while `poll` runs
 * every `everyMs` (0: back to back; null: never): `n` of them, or as many as come in 20 s when
 * the polls are paced.
 */
async function qualifyingWhilePolling(worker, n, poll, everyMs) {
  let polling = everyMs !== null;
  let polls = 0;
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      await poll();
      polls++;
      const rest = everyMs - (performance.now() - t0);
      if (rest > 0) await new Promise((ok) => setTimeout(ok, rest));
    }
  })();
  const views = [];
  const handoffs = [];
  // At least 20 s of visitors when the dashboard polls at a pace, so that polls fall among them.
  const until = performance.now() + (everyMs ? 20_000 : 0);
  for (let i = 0; i < n || performance.now() < until; i++) {
    const v = new Visitor(worker.url);
    for (const path of ["/", "/product", "/pricing", "/pricing"]) {
      const t0 = performance.now();
      await v.view(path);
      views.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const answer = await v.send({ type: "identify", traits: { email: `q${i}@qualify-co${i}.example`, title: "VP Sales" } });
    handoffs.push(performance.now() - t0);
    if (answer.body.status !== "handed-off") throw new Error(`not handed off: ${JSON.stringify(answer.body)}`);
  }
  polling = false;
  await poller;
  return { visitors: handoffs.length, views: { p50: quantile(views, 0.5), p99: quantile(views, 0.99) }, handoffs: { p50: quantile(handoffs, 0.5), p99: quantile(handoffs, 0.99) }, polls };
}

async function history(origin, sink) {
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: LOOSE, config: benchConfig(), dataDir: data });
  const rows = [];
  try {
    const tpl = await template(worker);
    log(`template lead ${JSON.stringify(tpl.lead).length} bytes, session ${tpl.session.length}`);
    let stored = (await admin(worker, "/__mql/summary")).handedOff;
    for (const size of sizes) {
      if (stored < size * 0.999) {
        const t0 = performance.now();
        await seed(worker, tpl, stored, size - stored);
        const seedS = (performance.now() - t0) / 1000;
        log(`${size} handoffs stored (${((size - stored) / seedS).toFixed(0)}/s through the outbox's code)`);
        stored = size;
      }
      const summary = await admin(worker, "/__mql/summary");
      if (summary.handedOff < size) throw new Error(`summary counts ${summary.handedOff} handoffs, not ${size}`);
      const row = {
        handoffs: summary.handedOff,
        perShard: summary.shards,
        summary: await timed(15, () => admin(worker, "/__mql/summary")),
        firstPage: await timed(15, () => admin(worker, "/__mql/handoffs?limit=100")),
        convertedPage: await timed(15, () => admin(worker, "/__mql/handoffs?limit=100&status=converted")),
        deepPage: null,
        accounts: await timed(15, () => admin(worker, "/__mql/accounts?limit=100")),
        outcomesPage: await timed(15, async () => {
          const r = await fetch(`${worker.url}/__mql/outcomes?limit=500`, { headers: { authorization: "Bearer admin-token-0123456789abcdefghijklmnop" } });
          await r.text();
        }),
        bytesPerHandoff: diskBytes(worker.dataDir) / summary.handedOff,
      };
      // The tenth page, following cursors.
      let cursor = null;
      for (let i = 0; i < 9; i++) cursor = (await admin(worker, `/__mql/handoffs?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).next;
      row.deepPage = await timed(15, () => admin(worker, `/__mql/handoffs?limit=100&cursor=${cursor}`));
      // Someone in the middle of the history (another one each run, for runs on kept storage).
      const who = Math.floor(size / 2) + (Date.now() % 1000) * 7;
      const t1 = performance.now();
      const erased = await admin(worker, `/__mql/people?email=person${who}%40company${who % 5000}.example`, { method: "DELETE" });
      row.eraseMs = performance.now() - t1;
      if (erased.erased.handoffs !== 1) throw new Error(`erase found ${erased.erased.handoffs} handoffs`);
      const t2 = performance.now();
      await admin(worker, `/__mql/people?email=person${who + 1}%40company${(who + 1) % 5000}.example`);
      row.exportMs = performance.now() - t2;
      // The dashboard asks for these three every 15 s: quiet, ten dashboards open, and polling back to back.
      const poll = () => Promise.all([admin(worker, "/__mql/summary"), admin(worker, "/__mql/handoffs?limit=100"), admin(worker, "/__mql/accounts?limit=100")]);
      row.visitors = {};
      for (const [name, every] of [["quiet", null], ["every 1.5 s", 1500], ["back to back", 0]]) row.visitors[name] = await qualifyingWhilePolling(worker, 100, poll, every);
      rows.push(row);
      log(JSON.stringify(row));
    }
  } finally {
    await worker.stop();
  }
  return rows;
}

async function delivery(origin) {
  const sink = await startSink();
  sink.behave(() => ({ delayMs: 2000 }));
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: { ...LOOSE, webhookTimeoutMs: 10_000 }, config: benchConfig() });
  try {
    sink.behave(null);
    const tpl = await template(worker);
    let inFlight = 0;
    let peak = 0;
    sink.behave(() => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => inFlight--, 2000);
      return { delayMs: 2000 };
    });
    const n = 2000;
    const from = sink.delivered.size;
    await seed(worker, tpl, 1, n, true);
    const t0 = Date.now();
    while (sink.delivered.size - from < n && Date.now() - t0 < 600_000) await new Promise((ok) => setTimeout(ok, 200));
    const done = sink.delivered.size - from;
    const seconds = (Date.now() - t0) / 1000;
    const attempts = sink.attempts.filter((a) => a.at >= t0).length;
    // Starts per second at the CRM, to see the ramp and the tail.
    const starts = sink.attempts.filter((a) => a.at >= t0 - 5000).map((a) => Math.floor((a.at - t0) / 1000));
    const perSecond = {};
    for (const s of starts) perSecond[s] = (perSecond[s] ?? 0) + 1;
    log(`starts per second from t0: ${JSON.stringify(perSecond)}`);
    return { leads: n, delivered: done, seconds, perSecond: done / seconds, attempts, peak, ceiling: 100, crmMs: 2000 };
  } finally {
    await worker.stop();
    sink.close();
  }
}

/**
 * workerd's resident memory as requests come in, two ways on fresh workerds: every request a
 * new visitor (no cookie, a new id in every per-visitor map), and the same number of requests
 * from 10,000 returning visitors (their cookies kept). Memory that grows with distinct visitors
 * shows as the difference between the two at the same number of requests.
 */
async function memory(origin, sink) {
  const marks = [10_000, 100_000, visitors].filter((m, i, all) => m <= visitors && all.indexOf(m) === i);
  const rows = [];
  for (const distinct of [true, false]) {
    const worker = await startWorker({ origin: origin.url, webhook: sink.url, settings: LOOSE });
    const returning = distinct ? null : Array.from({ length: 10_000 }, () => new Visitor(worker.url));
    const row = { distinct, rssMb: { 0: rssMb(worker.pid) } };
    try {
      let sent = 0;
      for (const mark of marks) {
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (sent < mark) {
              const i = sent++;
              if (returning) await returning[i % returning.length].view("/blog/post");
              else {
                // No cookie: each request is a new visitor, with a new id in every per-visitor map.
                const r = await fetch(`${worker.url}/blog/post`, { headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0" } });
                await r.arrayBuffer();
              }
            }
          }),
        );
        row.rssMb[sent] = rssMb(worker.pid);
        log(`${distinct ? "distinct visitors" : "10,000 returning visitors"}: ${sent} requests, RSS ${row.rssMb[sent].toFixed(0)} MB`);
      }
    } finally {
      await worker.stop();
    }
    rows.push(row);
  }
  return rows;
}

const origin = await startOrigin();
const sink = await startSink();
const results = { at: new Date().toISOString(), shards };
try {
  if (!only || only === "history") results.history = await history(origin, sink);
  if (!only || only === "delivery") results.delivery = await delivery(origin);
  if (!only || only === "memory") results.memory = await memory(origin, sink);
} finally {
  origin.close();
  sink.close();
}
const ms = (t) => `${t.p50.toFixed(1)} / ${t.max.toFixed(1)}`;
for (const r of results.history ?? []) {
  console.log(`${r.handoffs} handoffs over ${shards} shards (${r.perShard.join(", ")}), ms median / slowest of 15:
  summary                               ${ms(r.summary)}
  first page of handoffs (100)          ${ms(r.firstPage)}
  tenth page (cursor)                   ${ms(r.deepPage)}
  converted only, first page            ${ms(r.convertedPage)}
  accounts, first page                  ${ms(r.accounts)}
  outcomes, a page of 500               ${ms(r.outcomesPage)}
  erase one person                      ${r.eraseMs.toFixed(1)}
  export one person                     ${r.exportMs.toFixed(1)}
  storage bytes per handoff             ${r.bytesPerHandoff.toFixed(0)}
  visitors qualifying (4 page views, then the identify that hands them off), p50 / p99 ms:`);
  for (const [name, v] of Object.entries(r.visitors)) {
    console.log(`    dashboard polling ${name.padEnd(13)} page view ${v.views.p50.toFixed(1)} / ${v.views.p99.toFixed(1)}   handoff ${v.handoffs.p50.toFixed(1)} / ${v.handoffs.p99.toFixed(1)}   (${v.visitors} visitors, ${v.polls} polls)`);
  }
}
if (results.delivery) {
  const d = results.delivery;
  console.log(`delivery: ${d.delivered} of ${d.leads} leads to a CRM answering in ${d.crmMs} ms in ${d.seconds.toFixed(1)} s: ${d.perSecond.toFixed(1)} leads/s (${d.attempts} attempts, at most ${d.peak} at once at the CRM, ceiling ${d.ceiling})`);
}
for (const m of results.memory ?? []) {
  console.log(`workerd RSS, ${m.distinct ? "every request a new visitor" : "10,000 returning visitors"}: ${Object.entries(m.rssMb).map(([n, mb]) => `${n} requests ${mb.toFixed(0)} MB`).join(", ")}`);
}
writeFileSync(`${root}bench/results/edge-scale.json`, JSON.stringify(results, null, 2));
