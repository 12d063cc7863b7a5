// Scores the example session with the built package (pkg/nodejs) and prints each step.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Scorer, validateModel } = require("../pkg/nodejs/mqlscore.js");
const model = JSON.parse(readFileSync(new URL("../models/b2b-saas.json", import.meta.url)));

const start = Date.parse("2026-11-02T09:00:00Z");
const at = (minutes) => new Date(start + minutes * 60_000).toISOString();
const session = [
  { type: "page", properties: { path: "/" }, timestamp: at(0) },
  { type: "page", properties: { path: "/product" }, timestamp: at(1) },
  { type: "page", properties: { path: "/product/analytics" }, timestamp: at(3) },
  { type: "page", properties: { path: "/pricing" }, timestamp: at(5) },
  { type: "page", properties: { path: "/blog/why-lead-scoring" }, timestamp: at(8) },
  { type: "page", properties: { path: "/pricing" }, timestamp: at(12) },
  { type: "identify", traits: { email: "ann@acme.com", title: "VP Marketing", company: { name: "Acme", employees: 450, industry: "Software" } }, timestamp: at(13) },
  { type: "track", event: "Whitepaper Downloaded", properties: { title: "The MQL playbook" }, timestamp: at(15) },
];

const scorer = new Scorer(model);
scorer.clockOffsetMs = start + 16 * 60_000 - Date.now();
const describe = (e) => e.type === "page" ? `page     ${e.properties.path}` : e.type === "track" ? `track    ${e.event}` : `identify ${e.traits.title} at ${e.traits.company.name}`;

console.log(`Model ${model.id}@${model.version}: MQL when total >= ${model.thresholds.total} and engagement >= ${model.thresholds.engagement}\n`);
console.log("time   event                              score   fit   eng  grade  MQL");
for (const event of session) {
  const r = scorer.ingest(event);
  const flag = r.becameMql ? "YES  <- became an MQL" : r.mql ? "yes" : "no";
  console.log(`${event.timestamp.slice(11, 16)}  ${describe(event).padEnd(33)} ${String(r.score).padStart(6)} ${String(r.fit).padStart(5)} ${String(r.engagement).padStart(5)}  ${r.grade.padEnd(5)}  ${flag}`);
}

const result = scorer.result();
console.log(`\nWhy (${result.model}, score ${result.score}, grade ${result.grade}):`);
for (const reason of result.reasons) {
  console.log(`  ${String(reason.points).padStart(6)}  ${reason.sentence}`);
}

const week = scorer.result(start + 16 * 60_000 + 14 * 86_400_000);
console.log(`\nTwo weeks later without a visit: score ${week.score}, engagement ${week.engagement}, grade ${week.grade}, MQL ${week.mql} (decay and windows)`);

const saved = scorer.save();
console.log(`\nsave(): ${saved.length} URL-safe characters`);
const restored = Scorer.restore(model, saved);
console.log(`restore(): ${restored.restored.outcome}; score ${restored.result(start + 16 * 60_000).score}`);

const rival = new Scorer(model);
rival.identify({ email: "spy@rivalytics.com", title: "CEO" });
for (const path of ["/pricing", "/pricing", "/pricing"]) rival.page(path);
const r = rival.track("Demo Requested");
console.log(`\nA competitor with score ${r.score}: MQL ${r.mql}, disqualified: ${r.disqualifier.reason}`);

const problems = validateModel({ ...model, engagement: { rules: [{ id: "x", points: 5, page: "/x", halfLifeDays: 0 }] } });
console.log(`\nAn invalid model is rejected field by field:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`);
