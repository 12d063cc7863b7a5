// What a page pays for scoring, against what a web developer would compare it with, measured by
// the same code in the same run: the bytes a first visit downloads (gzip -9), the cold start
// (import to first score, median of fresh Node processes) and the cost per event on the bench
// stream scored with the demo model (models/b2b-saas.json), a session per visitor.
//   - the bar: a scorer written by hand for that model (bench/hand-scorer.mjs), checked equal
//     to the engine on every event of the stream;
//   - GrowthBook's browser SDK (the rules SDK a web team already knows): bytes and cold start;
//   - the generic JavaScript interpreter of our model format (bench/lean-scorer.mjs), a second row.
// Figures, not pass/fail, except that the engine and the hand-written scorer must agree.
// The same in headless Chromium (bench/page-cost.html: cold starts in fresh browser contexts,
// ns per event) unless --skip-browser.
// Usage: node bench/page-cost.mjs [--visitors 20000] [--runs 11] [--package pkg/web] [--skip-browser]
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { HandScorer } from "./hand-scorer.mjs";
import { LeanModel, LeanScorer } from "./lean-scorer.mjs";
import { generate, countEvents, NOW } from "./streams.mjs";
import { serve } from "../scripts/serve.mjs";
import { launchChromium } from "../scripts/chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const visitors = Number(arg("visitors", 20_000));
const runs = Number(arg("runs", 11));
const dir = arg("package", `${root}pkg/web`);
const { buildSync } = createRequire(`${root}tools/package.json`)("esbuild");
const log = (...a) => console.error("page-cost:", ...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const modelText = readFileSync(`${root}models/b2b-saas.json`, "utf8");
const modelMin = JSON.stringify(JSON.parse(modelText));

// Bytes, as each would be shipped: minified JavaScript, the module and its glue, the model.
const minified = (file) => buildSync({ entryPoints: [file], bundle: true, minify: true, format: "esm", write: false }).outputFiles[0].contents;
const snippets = readdirSync(`${dir}/snippets`, { recursive: true }).filter((f) => f.endsWith(".js"));
const glue = gz(readFileSync(`${dir}/mqlscore.js`)) + snippets.reduce((s, f) => s + gz(readFileSync(`${dir}/snippets/${f}`)), 0);
// The model compiled for the small module, as `mqlscore compile` writes it.
const full = await import(`${dir}/mqlscore.js`);
full.initSync({ module: new WebAssembly.Module(readFileSync(`${dir}/mqlscore_bg.wasm`)) });
const compiled = new full.Model(modelText).compiled();
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/b2b-saas.mqlc`, compiled);
const liteSnippets = existsSync(`${dir}/lite/snippets`) ? readdirSync(`${dir}/lite/snippets`, { recursive: true }).filter((f) => f.endsWith(".js")) : [];
const bytes = {
  hand: gz(minified(`${root}bench/hand-scorer.mjs`)),
  growthbook: gz(readFileSync(`${root}tools/node_modules/@growthbook/growthbook/dist/bundles/index.min.js`)),
  lean: gz(minified(`${root}bench/lean-scorer.mjs`)) + gz(Buffer.from(modelMin)),
  mqlscore: { wasm: gz(readFileSync(`${dir}/mqlscore_bg.wasm`)), glue, model: gz(Buffer.from(modelMin)) },
};
bytes.mqlscore.total = bytes.mqlscore.wasm + bytes.mqlscore.glue + bytes.mqlscore.model;
bytes.lite = {
  wasm: gz(readFileSync(`${dir}/lite/mqlscore_bg.wasm`)),
  glue: gz(readFileSync(`${dir}/lite/mqlscore.js`)) + liteSnippets.reduce((s, f) => s + gz(readFileSync(`${dir}/lite/snippets/${f}`)), 0),
  model: gz(compiled),
};
bytes.lite.total = bytes.lite.wasm + bytes.lite.glue + bytes.lite.model;

log(`cold starts (${runs} fresh Node processes each, interleaved)`);
const colds = { hand: [], growthbook: [], lean: [], mqlscore: [], lite: [] };
for (let i = 0; i < runs; i++) {
  for (const which of Object.keys(colds)) {
    const out = execFileSync(process.execPath, [`${root}bench/page-cost-cold.mjs`, which, dir], { encoding: "utf8" });
    colds[which].push(JSON.parse(out).ms);
  }
}
const cold = Object.fromEntries(Object.entries(colds).map(([k, v]) => [k, median(v)]));

log(`generating ${visitors} sessions`);
const sessions = generate(visitors);
const events = countEvents(sessions);
const model = new full.Model(modelText);
const lite = await import(`${dir}/lite/mqlscore.js`);
lite.initSync({ module: new WebAssembly.Module(readFileSync(`${dir}/lite/mqlscore_bg.wasm`)) });
const liteModel = new lite.Model(compiled);
const leanModel = new LeanModel(JSON.parse(modelText));

log("checking the engine (both modules) against the hand-written scorer on every event");
const light = (r) => `${r.score} ${r.fit} ${r.engagement} ${r.grade} ${r.mql} ${r.becameMql}`;
let mismatches = 0;
let first = null;
let mqls = 0;
for (const session of sessions) {
  const engine = model.session();
  const small = liteModel.session();
  const hand = new HandScorer();
  for (const e of session) {
    const [a, b, c] = [light(engine.ingest(e, NOW)), light(hand.ingest(e, NOW)), light(small.ingest(e, NOW))];
    if (a !== b || a !== c) {
      mismatches++;
      first ??= { event: e, engine: a, hand: b, lite: c };
    }
  }
  mqls += engine.result(NOW).mql ? 1 : 0;
  engine.free();
  small.free();
}

/** Best of `rounds` passes over every session (after one to warm up), in ns per event. */
function perEvent(fn, rounds = 5) {
  fn();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / events;
}
/** The same for a loop that lets the event loop turn every 100 visitors, as a server does between requests. */
async function perEventTurning(fn, rounds = 5) {
  await fn();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / events;
}
log("per-event cost, a session per visitor");
let sink = 0;
const ns = {
  hand: perEvent(() => {
    for (const session of sessions) {
      const s = new HandScorer();
      for (const e of session) sink += s.ingest(e, NOW).score;
    }
  }),
  mqlscore: perEvent(() => {
    for (const session of sessions) {
      const s = model.session();
      for (const e of session) sink += s.ingest(e, NOW).score;
      s.free();
    }
  }),
  lite: perEvent(() => {
    for (const session of sessions) {
      const s = liteModel.session();
      for (const e of session) sink += s.ingest(e, NOW).score;
      s.free();
    }
  }),
  liteUnfreedTurning: await perEventTurning(async () => {
    let n = 0;
    for (const session of sessions) {
      const s = liteModel.session();
      for (const e of session) sink += s.ingest(e, NOW).score;
      if (++n % 100 === 0) await new Promise(setImmediate);
    }
  }),
  liteUnfreed: perEvent(() => {
    for (const session of sessions) {
      const s = liteModel.session();
      for (const e of session) sink += s.ingest(e, NOW).score;
    }
  }),
  mqlscoreUnfreed: perEvent(() => {
    for (const session of sessions) {
      const s = model.session();
      for (const e of session) sink += s.ingest(e, NOW).score;
    }
  }),
  lean: perEvent(() => {
    for (const session of sessions) {
      const s = new LeanScorer(leanModel);
      for (const e of session) sink += s.ingest(e, NOW).score;
    }
  }),
};
if (!Number.isFinite(sink)) throw new Error("unreachable");

let chromium = null;
if (!process.argv.includes("--skip-browser")) {
  log(`Chromium: ${runs} cold starts each in fresh contexts, then ns per event`);
  // The page loads the package measured from under the served root: a package elsewhere (an
  // earlier checkout's, for a "before" column) is copied there first.
  let pkg = relative(`${root}bench`, dir);
  if (pkg.startsWith("../..")) {
    const copy = `${root}bench/results/package`;
    rmSync(copy, { recursive: true, force: true });
    cpSync(dir, copy, { recursive: true });
    pkg = "./results/package";
  }
  const server = await serve({ root, port: 0, csp: false });
  const browser = await launchChromium();
  const base = `http://127.0.0.1:${server.address().port}/bench/page-cost.html`;
  const run = async (query) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}?${query}&pkg=${encodeURIComponent(pkg)}`);
    await page.waitForFunction(() => window.benchResults, null, { timeout: 900_000, polling: 200 });
    const r = await page.evaluate(() => window.benchResults);
    await context.close();
    return r;
  };
  const colds = { hand: [], lite: [], full: [], growthbook: [] };
  for (let i = 0; i < runs; i++) for (const which of Object.keys(colds)) colds[which].push((await run(`cold=${which}`)).ms);
  chromium = { cold: Object.fromEntries(Object.entries(colds).map(([k, v]) => [k, median(v)])), ...(await run(`visitors=${visitors}`)) };
  await browser.close();
  server.close();
}

const f = (x, digits = 0) => (x === undefined || x === null ? "—" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const x = (a, b) => `${f(a / b, 1)}x`;
const c = chromium ?? { cold: {} };
const rows = [
  ["a scorer written by hand for the model (the bar)", f(bytes.hand), f(cold.hand, 2), f(c.cold.hand, 2), f(ns.hand), f(c.hand), "1.0x", chromium ? "1.0x" : "—"],
  [`mqlscore/lite: .wasm ${f(bytes.lite.wasm)} + glue ${f(bytes.lite.glue)} + compiled model ${f(bytes.lite.model)}`, f(bytes.lite.total), f(cold.lite, 2), f(c.cold.lite, 2), f(ns.lite), f(c.lite), x(ns.lite, ns.hand), chromium ? x(c.lite, c.hand) : "—"],
  ["  the same, sessions left to the garbage collector", "", "", "", f(ns.liteUnfreed), f(c.liteUnfreed), x(ns.liteUnfreed, ns.hand), chromium ? x(c.liteUnfreed, c.hand) : "—"],
  ["  the same, the event loop turning every 100 visitors (a server)", "", "", "", f(ns.liteUnfreedTurning), "—", x(ns.liteUnfreedTurning, ns.hand), "—"],
  [`mqlscore (${dir.replace(root, "")}): .wasm ${f(bytes.mqlscore.wasm)} + glue ${f(bytes.mqlscore.glue)} + model ${f(bytes.mqlscore.model)}`, f(bytes.mqlscore.total), f(cold.mqlscore, 2), f(c.cold.full, 2), f(ns.mqlscore), f(c.mqlscore), x(ns.mqlscore, ns.hand), chromium ? x(c.mqlscore, c.hand) : "—"],
  ["  the same, sessions left to the garbage collector", "", "", "", f(ns.mqlscoreUnfreed), f(c.mqlscoreUnfreed), x(ns.mqlscoreUnfreed, ns.hand), chromium ? x(c.mqlscoreUnfreed, c.hand) : "—"],
  ["GrowthBook 1.8.0 browser SDK (index.min.js), one targeted feature", f(bytes.growthbook), f(cold.growthbook, 2), f(c.cold.growthbook, 2), "—", "—", "", ""],
  ["a generic JS interpreter of the model format (lean-scorer.mjs) + model", f(bytes.lean), f(cold.lean, 2), "—", f(ns.lean), "—", x(ns.lean, ns.hand), "—"],
];
console.log(`\nwhat a page pays, ${new Date().toISOString()}, Node ${process.version}${chromium ? ", headless Chromium" : ""}; ${visitors} visitors, ${events} events, models/b2b-saas.json`);
console.log(`agreement: the engine (full and lite modules) and the hand-written scorer ${mismatches === 0 ? "agree on every event" : `DISAGREE on ${mismatches} events`} (${mqls} MQLs)\n`);
const header = ["", "gzip -9 bytes", "cold start, ms (Node)", "(Chromium)", "ns/event (Node)", "(Chromium)", "vs the bar (Node)", "(Chromium)"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log("\ncold start: import to first score (GrowthBook: to the first feature evaluated), the files already read; median of fresh Node processes, of fresh Chromium contexts");
if (mismatches > 0) {
  console.log(`first disagreement: ${JSON.stringify(first)}`);
  process.exitCode = 1;
}
