// The cost of each way into a session, per call, in Node: the convenience calls (page, track,
// identify) beside ingest of the same event as an object, and scoreEvents with the model as
// JSON text and as an object. Prints a table; asserts nothing (machines here are noisy).
// Usage: node bench/calls.mjs [package dir, default pkg/web] (build it with scripts/build-packages.sh)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = process.argv[2] ?? `${root}pkg/web`;
const { initSync, Scorer, scoreEvents } = await import(`${dir}/mqlscore.js`);
initSync({ module: readFileSync(`${dir}/mqlscore_bg.wasm`) });
const model = JSON.parse(readFileSync(`${root}models/b2b-saas.json`, "utf8"));
const modelText = JSON.stringify(model);

/** Best of five rounds of `n` calls, in ns per call. */
function perCall(n, fn) {
  let best = Infinity;
  for (let round = 0; round < 6; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    const ns = Number(process.hrtime.bigint() - t0) / n;
    if (round > 0) best = Math.min(best, ns);
  }
  return best;
}

const s = new Scorer(model);
const traits = { email: "ann@acme.com", title: "VP Marketing", company: { employees: 450, industry: "Software" } };
const session = [
  { type: "page", properties: { path: "/pricing" } },
  { type: "identify", traits },
  { type: "track", event: "Demo Requested", properties: { plan: "growth" } },
];
const N = 50_000;
const rows = [
  // [event, ingest of the event as an object, the convenience call for it]
  ["page view", perCall(N, () => s.ingest({ type: "page", properties: { path: "/pricing" } })), perCall(N, () => s.page("/pricing"))],
  ["page view with properties", perCall(N, () => s.ingest({ type: "page", properties: { path: "/pricing", referrer: "https://www.google.com/", utm_source: "ads" } })), perCall(N, () => s.page("/pricing", { referrer: "https://www.google.com/", utm_source: "ads" }))],
  ["track", perCall(N, () => s.ingest({ type: "track", event: "Demo Requested", properties: { plan: "growth" } })), perCall(N, () => s.track("Demo Requested", { plan: "growth" }))],
  ["identify (4 traits)", perCall(N, () => s.ingest({ type: "identify", traits })), perCall(N, () => s.identify(traits))],
];
console.log(`calls into a session, ns per call (best of 5 rounds of ${N}), ${dir}`);
console.log("| event | ingest(event object) | convenience call |");
console.log("|---|---|---|");
for (const [name, a, b] of rows) console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} (${name.split(" ")[0].replace("view", "")}) |`);
const M = 20_000;
console.log(`\nscoreEvents on a 3-event session, ns per call (best of 5 rounds of ${M})`);
console.log(`| model as JSON text | ${perCall(M, () => scoreEvents(modelText, session)).toFixed(0)} |`);
console.log(`| model as an object | ${perCall(M, () => scoreEvents(model, session)).toFixed(0)} |`);
s.free();
