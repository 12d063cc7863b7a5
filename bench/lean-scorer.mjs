// The JavaScript a web developer would write instead of mqlscore: the same model semantics
// (conditions, caps, windows, decay, minimum counts, duplicate messages, disqualifiers,
// thresholds, grades), plain objects, and no sentences or reasons per event: each event
// returns only what a page acts on. It shares the reference scorer's compiled rules and
// tallies (bench/reference-scorer.mjs), so the two cannot drift apart; the benchmark checks
// it against the engine on every session. This, not the reference that formats every reason,
// is the bar per-event ingest is measured against.
import { ReferenceModel, ReferenceScorer } from "./reference-scorer.mjs";

const round2 = (x) => {
  const r = (Math.sign(x) * Math.round(Math.abs(x) * 100)) / 100;
  return r === 0 ? 0 : r;
};
const band = (v, cuts) => (v >= cuts[0] ? 0 : v >= cuts[1] ? 1 : v >= cuts[2] ? 2 : 3);

export { ReferenceModel as LeanModel };

/** One visitor under a compiled model; `ingest` returns numbers and flags only. */
export class LeanScorer extends ReferenceScorer {
  ingest(event, now) {
    const e = this.read(event);
    const atMs = e.timestamp ?? now;
    if (!(atMs >= 946_684_800_000) || atMs > now + 86_400_000) throw new Error("event.timestamp: out of range");
    const changed = this.apply(e, Math.floor(atMs / 1000));
    const t = this.totals(now / 1000);
    const mql = this.isMql(t);
    let becameMql = false;
    if (changed && mql && this.mqlSince === null) {
      this.mqlSince = Math.floor(now / 1000);
      becameMql = true;
    }
    const grades = this.model.grades;
    return {
      score: round2(t.fit + t.engagement),
      fit: t.fit,
      engagement: t.engagement,
      grade: `${"ABCD"[band(t.fit, grades.fit)]}${1 + band(t.engagement, grades.engagement)}`,
      mql,
      becameMql,
    };
  }
}
