// One cold start in a fresh Node process, for bench/page-cost.mjs: from before the scoring code
// is imported to the first score (or the first feature evaluated), with the file bytes already
// read (the network's part is in the bytes column). Prints milliseconds as JSON.
// Usage: node bench/page-cost-cold.mjs hand|growthbook|lean|mqlscore|lite [package dir]
// (lite: the small module in <package dir>/lite with the model compiled by bench/page-cost.mjs)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [which, dir = `${root}pkg/web`] = process.argv.slice(2);
const view = { type: "page", properties: { path: "/pricing" } };
const modelText = readFileSync(`${root}models/b2b-saas.json`, "utf8");

let ms;
if (which === "hand") {
  const t0 = performance.now();
  const { HandScorer } = await import("./hand-scorer.mjs");
  new HandScorer().ingest(view, Date.now());
  ms = performance.now() - t0;
} else if (which === "lean") {
  const t0 = performance.now();
  const { LeanModel, LeanScorer } = await import("./lean-scorer.mjs");
  new LeanScorer(new LeanModel(JSON.parse(modelText))).ingest(view, Date.now());
  ms = performance.now() - t0;
} else if (which === "growthbook") {
  // A feature targeted on the same traits, as a GrowthBook user would show "Talk to sales".
  const features = {
    "talk-to-sales": {
      defaultValue: false,
      rules: [{ condition: { title: { $regex: "^(vp|chief|head of)" }, employees: { $gte: 100 }, country: { $in: ["US", "CA", "GB", "DE"] } }, force: true }],
    },
  };
  const t0 = performance.now();
  const { GrowthBook } = await import(`${root}tools/node_modules/@growthbook/growthbook/dist/bundles/esm.min.js`);
  const gb = new GrowthBook({ attributes: { id: "v1", title: "vp marketing", employees: 450, country: "US" }, features });
  if (gb.isOn("talk-to-sales") !== true) throw new Error("growthbook: the feature should be on");
  ms = performance.now() - t0;
} else if (which === "mqlscore") {
  const bytes = readFileSync(`${dir}/mqlscore_bg.wasm`);
  const t0 = performance.now();
  const { initSync, Model } = await import(`${dir}/mqlscore.js`);
  initSync({ module: new WebAssembly.Module(bytes) });
  new Model(modelText).session().ingest(view);
  ms = performance.now() - t0;
} else if (which === "lite") {
  const bytes = readFileSync(`${dir}/lite/mqlscore_bg.wasm`);
  const compiled = new Uint8Array(readFileSync(`${root}bench/results/b2b-saas.mqlc`));
  const t0 = performance.now();
  const { initSync, Model } = await import(`${dir}/lite/mqlscore.js`);
  initSync({ module: new WebAssembly.Module(bytes) });
  new Model(compiled).session().ingest(view);
  ms = performance.now() - t0;
} else {
  throw new Error(`page-cost-cold: unknown contender ${which}`);
}
console.log(JSON.stringify({ ms }));
