// One cold start in a fresh process: compile + instantiate the module, compile the model, score
// one page view. Prints milliseconds as JSON; bench/run.mjs runs it several times.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const root = new URL("..", import.meta.url);
const bytes = readFileSync(new URL("pkg/web/mqlscore_bg.wasm", root));
const model = JSON.parse(readFileSync(new URL("bench/model-30.json", root), "utf8"));
const t0 = performance.now();
const { initSync, Scorer } = await import(new URL("pkg/web/mqlscore.js", root));
const module = new WebAssembly.Module(bytes);
const t1 = performance.now();
initSync({ module });
const t2 = performance.now();
const scorer = new Scorer(model);
const t3 = performance.now();
scorer.page("/pricing");
const t4 = performance.now();
console.log(JSON.stringify({ compileMs: t1 - t0, instantiateMs: t2 - t1, modelMs: t3 - t2, firstEventMs: t4 - t3, totalMs: t4 - t0 }));
