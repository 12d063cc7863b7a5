// A TypeScript user of the package, compiled with `tsc --noEmit` in strict mode.
import init, { Scorer, validateModel, scoreEvents } from "mqlscore";
import type { BatchResult, Problem, Reason, RestoreNote, ScoreResult, ScoringModel, SegmentEvent } from "mqlscore";

const model: ScoringModel = {
  id: "typed",
  version: 1,
  fit: {
    max: 100,
    rules: [{ id: "vp", label: "VP title", points: 20, when: { any: [{ trait: "title", glob: ["vp*", "*chief*"] }, { trait: "seniority", equals: "executive" }] } }],
  },
  engagement: {
    rules: [
      { id: "pricing", points: 10, page: "/pricing", maxCount: 3, withinDays: 30, halfLifeDays: 14 },
      { id: "demo", points: 40, track: "Demo Requested", where: { property: "plan", oneOf: ["growth", "enterprise"] } },
    ],
  },
  disqualifiers: [{ id: "rival", reason: "Competitor", when: { trait: "email", emailDomain: ["rival.io"] } }],
  thresholds: { total: 50, require: "all" },
  grades: { fit: [60, 35, 15] },
};

export async function main(): Promise<number> {
  await init();
  const problems: Problem[] = validateModel(model);
  const scorer = new Scorer(model);
  const events: SegmentEvent[] = [
    { type: "page", properties: { path: "/pricing" }, timestamp: "2026-11-02T09:00:00Z" },
    { type: "track", event: "Demo Requested", properties: { plan: "growth" }, messageId: "m-1" },
    { type: "identify", traits: { email: "ann@acme.com", title: "VP Sales" } },
  ];
  const batch: BatchResult = scorer.ingestBatch(events);
  const first: Reason | undefined = batch.reasons[0];
  const r: ScoreResult = scorer.page("/pricing", { referrer: "newsletter" });
  const note: RestoreNote | undefined = Scorer.restore(model, scorer.save()).restored;
  const stateless = scoreEvents(model, events, new Date());
  const grade: string = r.grade;
  const half: "fit" | "engagement" | undefined = first?.half;
  const since: number | null = r.mqlSince;
  return problems.length + batch.rejected.length + (note?.outcome === "exact" ? 1 : 0) + stateless.score + grade.length + (half ? 1 : 0) + (since ?? 0);
}

// Misspellings a user would make must not compile:
export const misspelled: ScoringModel = {
  id: "x",
  version: 1,
  // @ts-expect-error: `enagagement` is not a model field
  enagagement: {},
  thresholds: { fit: 1 },
};

export const badRule: ScoringModel = {
  id: "x",
  version: 1,
  // @ts-expect-error: `halfLifeDay` is not an engagement rule field (it is halfLifeDays)
  engagement: { rules: [{ id: "a", points: 1, page: "/", halfLifeDay: 7 }] },
  thresholds: { fit: 1 },
};

export const badOperator: ScoringModel = {
  id: "x",
  version: 1,
  // @ts-expect-error: `greaterThan` is not an operator (gt, gte, lt, lte are)
  fit: { rules: [{ id: "a", points: 1, when: { trait: "employees", greaterThan: 100 } }] },
  thresholds: { fit: 1 },
};

export const badResult = (r: ScoreResult): boolean =>
  // @ts-expect-error: the flag is `mql`, not `isMql`
  r.isMql;

// The embed's API and events, typed from the same ScoreResult.
import type { LightResult } from "mqlscore/embed/mqlscore-embed";

document.addEventListener("mqlscore:mql", (e) => {
  const grade: string = e.detail.grade;
  window.mqlscore.track("Chat Opened", { grade });
});
document.addEventListener("mqlscore:score", (e) => {
  if (e.detail === null) return; // consent withdrawn
  // @ts-expect-error: the light result has numbers, not reasons
  e.detail.reasons;
});
export const light = (): LightResult | null => window.mqlscore.result();
window.mqlscore.push(["identify", { email: "ann@acme.com" }], (api) => api.result()?.mql);
// @ts-expect-error: an event name is text
window.mqlscore.track(42);

// The small module with a compiled model (mqlscore/lite): the same sessions and results.
import initSmall, { Model as SmallModel, scoreEvents as scoreCompiled } from "mqlscore/lite/mqlscore";
import { Model } from "mqlscore";
export async function small(): Promise<number> {
  await initSmall();
  const compiled: Uint8Array = new Model(model).compiled();
  const session = new SmallModel(compiled).session();
  const r: ScoreResult = session.ingest({ type: "page", properties: { path: "/pricing" } });
  const batch: BatchResult = scoreCompiled(compiled, [{ type: "track", event: "Demo Requested" }]);
  return r.score + batch.score;
}
