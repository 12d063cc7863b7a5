// The benchmark: native engine, wasm package and JavaScript reference on the same streams, in
// Node and in headless Chromium; cold start; the edge path; state size and memory. Prints a
// table and writes bench/results/latest.json. Figures, not pass/fail (except that the wasm
// engine and the reference must agree on every session).
// Usage: node bench/run.mjs [--visitors 100000] [--browser-visitors 20000] [--skip-native] [--skip-browser] [--skip-edge]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { compare, measure } from "./measure.mjs";
import { measureEdge } from "./edge-workerd.mjs";
import { countEvents, generate, NOW } from "./streams.mjs";
import { newVisitorId, parseKeys, sign, verify } from "../edge/token.js";
import { serve } from "../scripts/serve.mjs";
import { launchChromium } from "../scripts/chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const flag = (name) => process.argv.includes(`--${name}`);
const visitors = Number(arg("visitors", 100_000));
const browserVisitors = Number(arg("browser-visitors", 20_000));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (...a) => console.error("bench:", ...a);

const model = JSON.parse(readFileSync(`${root}bench/model-30.json`, "utf8"));
const { initSync, Model, Scorer, scoreEvents } = await import(`${root}pkg/web/mqlscore.js`);
const wasm = initSync({ module: new WebAssembly.Module(readFileSync(`${root}pkg/web/mqlscore_bg.wasm`)) });
const api = { Model, Scorer, scoreEvents };

log(`generating ${visitors} sessions`);
const sessions = generate(visitors);
const events = countEvents(sessions);

log("checking that the wasm engine and the JavaScript reference agree on every session");
const check = compare(api, model, sessions);

log("native engine (cargo bench)");
let native = null;
if (!flag("skip-native")) {
  const out = execFileSync("cargo", ["bench", "--quiet", "--bench", "native", "--", String(visitors)], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  native = JSON.parse(out.trim().split("\n").find((l) => l.startsWith('{"native"'))).native;
}

log("wasm and reference in Node");
const node = measure(api, model, sessions, { memory: wasm.memory });

log("cold start in Node (7 fresh processes)");
const colds = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, [`${root}bench/cold-start.mjs`], { encoding: "utf8" })));
const nodeCold = Object.fromEntries(Object.keys(colds[0]).map((k) => [k, median(colds.map((c) => c[k]))]));

log("edge path: verify cookie + restore + ingest + score + save + sign");
const keys = parseKeys("k1:bench-secret-0123456789abcdef0123456789");
const edgeScorer = new Scorer(model);
const cookies = [];
for (const session of sessions.slice(0, 2000)) {
  edgeScorer.reset();
  edgeScorer.ingestBatch(session, NOW);
  cookies.push(await sign(keys, newVisitorId(), edgeScorer.save(), NOW / 1000 + 86_400));
}
const edgeRequest = async (cookie) => {
  const checked = await verify(keys, cookie, NOW / 1000);
  edgeScorer.load(checked.saved);
  edgeScorer.page("/pricing");
  return sign(keys, checked.visitor, edgeScorer.save(), NOW / 1000 + 86_400);
};
for (const c of cookies) await edgeRequest(c);
const edgeStart = performance.now();
const edgeRounds = 5;
for (let i = 0; i < edgeRounds; i++) for (const c of cookies) await edgeRequest(c);
const edgeUs = ((performance.now() - edgeStart) * 1000) / (edgeRounds * cookies.length);
const restoreOnly = performance.now();
for (let i = 0; i < edgeRounds; i++) for (const c of cookies) edgeScorer.load(c.split(".").at(-2));
const edgeEngineUs = ((performance.now() - restoreOnly) * 1000) / (edgeRounds * cookies.length);
const engineStart = performance.now();
for (let i = 0; i < edgeRounds; i++) {
  for (const c of cookies) {
    edgeScorer.load(c.split(".").at(-2));
    edgeScorer.page("/pricing");
    edgeScorer.save();
  }
}
const edgeEngineWholeUs = ((performance.now() - engineStart) * 1000) / (edgeRounds * cookies.length);

let workerd = null;
if (!flag("skip-edge")) {
  log("edge worker on workerd (requests one at a time on loopback)");
  workerd = await measureEdge(2000);
}

log("state size");
const sizeAfter = (n) => {
  const s = new Scorer(model);
  let k = 0;
  outer: for (const session of sessions) {
    for (const e of session) {
      s.ingest({ ...e, messageId: `long-${k}` }, NOW);
      if (++k === n) break outer;
    }
  }
  return s.save().length;
};
const state = { tenEvents: sizeAfter(10), tenThousandEvents: sizeAfter(10_000) };

let chromium = null;
if (!flag("skip-browser")) {
  log(`Chromium: ${browserVisitors} sessions`);
  const server = await serve({ root, port: 0, csp: false });
  const browser = await launchChromium();
  const base = `http://127.0.0.1:${server.address().port}/bench/browser.html`;
  const run = async (query) => {
    const page = await browser.newPage();
    await page.goto(`${base}?${query}`);
    await page.waitForFunction(() => window.benchResults, null, { timeout: 900_000, polling: 500 });
    const r = await page.evaluate(() => window.benchResults);
    await page.close();
    return r;
  };
  const coldRuns = [];
  for (let i = 0; i < 7; i++) coldRuns.push((await run("cold=1")).coldMs);
  chromium = { ...(await run(`visitors=${browserVisitors}`)), coldMs: median(coldRuns) };
  await browser.close();
  server.close();
}

const ratio = (a, b) => (a && b ? a / b : null);
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  streams: { visitors, events, browserVisitors },
  agreement: check,
  native,
  node,
  nodeCold,
  chromium,
  edge: { requestUs: edgeUs, restoreOnlyUs: edgeEngineUs, engineUs: edgeEngineWholeUs, workerd },
  state,
  ratios: {
    nodeWasmOverJs: ratio(node.wasmIngestNs, node.jsIngestNs),
    chromiumWasmOverJs: ratio(chromium?.wasmIngestNs, chromium?.jsIngestNs),
    nodeWasmOverLeanJs: ratio(node.wasmIngestNs, node.jsLeanIngestNs),
    chromiumWasmOverLeanJs: ratio(chromium?.wasmIngestNs, chromium?.jsLeanIngestNs),
    nodeWasmOverNative: ratio(node.wasmIngestNs, native?.lightNs),
    nodeBatchOverNative: ratio(node.wasmBatchNs, native?.batchNs),
  },
};
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/latest.json`, `${JSON.stringify(results, null, 2)}\n`);

const f = (x, digits = 0) => (x === null || x === undefined ? "—" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const perSec = (ns) => (ns ? f(1e9 / ns) : "—");
const rows = [
  ["per-event ingest (numbers out, reasons on demand) vs lean JS, ns/event", f(native?.lightNs), f(node.wasmIngestNs), f(node.jsLeanIngestNs), f(chromium?.wasmIngestNs), f(chromium?.jsLeanIngestNs)],
  ["the same, every result's reasons read / JS reference (reasons each event)", f(native?.ingestNs), f(node.wasmExplainedNs), f(node.jsIngestNs), f(chromium?.wasmExplainedNs), f(chromium?.jsIngestNs)],
  ["new Scorer(model), µs", "—", f(node.newScorerNs / 1000, 1), "—", f(chromium?.newScorerNs / 1000, 1), "—"],
  ["model.session() from a compiled Model, µs", "—", f(node.sessionFromModelNs / 1000, 2), "—", f(chromium?.sessionFromModelNs / 1000, 2), "—"],
  ["batch ingest, ns/event", f(native?.batchNs), f(node.wasmBatchNs), "—", f(chromium?.wasmBatchNs), "—"],
  ["batch ingest, events/s", perSec(native?.batchNs), perSec(node.wasmBatchNs), "—", perSec(chromium?.wasmBatchNs), "—"],
  ["batch from JSON Lines text, ns/event", f(native?.linesNs), f(node.wasmLinesNs), "—", f(chromium?.wasmLinesNs), "—"],
  ["batch from JSON Lines text, events/s", perSec(native?.linesNs), perSec(node.wasmLinesNs), "—", perSec(chromium?.wasmLinesNs), "—"],
  ["batch from JSON Lines text, MB/s", f(native?.linesMBps, 1), f(node.wasmLinesMBps, 1), "—", f(chromium?.wasmLinesMBps, 1), "—"],
  ["scoreEvents on whole sessions, ns/event", "—", f(node.wasmScoreEventsNs), "—", f(chromium?.wasmScoreEventsNs), "—"],
  ["save + restore, ns/session", f(native?.saveRestoreNs), f(node.saveRestoreNs), "—", f(chromium?.saveRestoreNs), "—"],
  ["identify changing 8 traits, 12 / 256 fit rules, ns", native ? `${f(native.identifyFit12Ns)} / ${f(native.identifyFit256Ns)}` : "—", "—", "—", "—", "—"],
];
console.log(`\nmqlscore benchmark, ${results.date}, ${results.machine}`);
console.log(`streams: ${visitors} visitors, ${events} events (Chromium: ${browserVisitors} visitors); model bench/model-30.json (30 rules)`);
console.log(`agreement: wasm and the JavaScript reference ${check.mismatches === 0 ? "agree on all" : `DISAGREE on ${check.mismatches} of`} ${check.sessions} sessions; the lean scorer ${check.leanMismatches === 0 ? "agrees on every event" : `DISAGREES on ${check.leanMismatches} events`} (${check.mqls} MQLs, score sum ${check.scoreSum})${native ? `; native: ${native.mqls} MQLs, score sum ${native.scoreSum}` : ""}\n`);
const header = ["", "native", "wasm (Node)", "JS (Node)", "wasm (Chromium)", "JS (Chromium)"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`
ratios: wasm per-event ingest over the lean JS a user would write ${f(results.ratios.nodeWasmOverLeanJs, 2)} (Node), ${f(results.ratios.chromiumWasmOverLeanJs, 2)} (Chromium); over the reference that formats every reason ${f(results.ratios.nodeWasmOverJs, 2)} (Node), ${f(results.ratios.chromiumWasmOverJs, 2)} (Chromium); wasm/native ingest ${f(results.ratios.nodeWasmOverNative, 2)}, batch ${f(results.ratios.nodeBatchOverNative, 2)}
cold start (compile + instantiate + model + first event): Node ${f(nodeCold.totalMs, 2)} ms (compile ${f(nodeCold.compileMs, 2)}, instantiate ${f(nodeCold.instantiateMs, 2)}, model ${f(nodeCold.modelMs, 2)}), Chromium ${f(chromium?.coldMs, 2)} ms
edge path per request in Node (verify + restore + ingest + score + save + sign): ${f(edgeUs, 1)} µs; the engine's part (restore + page view + save) ${f(edgeEngineWholeUs, 1)} µs, of which restore ${f(edgeEngineUs, 1)} µs
edge worker on workerd, median per request: ${workerd ? `pass-through ${f(workerd.passThroughUs)} µs, first page view ${f(workerd.firstViewUs)} µs, returning page view ${f(workerd.returnViewUs)} µs, 5 events posted ${f(workerd.eventsUs)} µs; the worker's own work on a returning view ${f(workerd.returningPathUs)} µs over pass-through (verify + restore ${f(workerd.verifyRestoreUs)} µs)` : "skipped"}
saved state: ${state.tenEvents} characters after 10 events, ${state.tenThousandEvents} after 10,000 events
wasm memory growth over ${f(events)} events: ${f(node.memoryGrowthBytes)} bytes (Node)
targets: wasm/lean JS <= 1.0; batch >= 5,000,000 events/s natively, >= 1,000,000 in wasm (JSON Lines); cold start <= 5 ms; edge <= 50 µs; .wasm + glue <= 40 KB gzipped; state independent of event count
results: bench/results/latest.json`);
if (check.mismatches > 0 || check.leanMismatches > 0) {
  console.log(`first disagreement:\n  wasm      ${check.first.wasm}\n  reference ${check.first.reference}`);
  process.exitCode = 1;
}
