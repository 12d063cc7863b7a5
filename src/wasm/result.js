// The result of one scored event, made in JavaScript from numbers the engine passes: no string
// crosses the boundary and no object graph is built per event. What sales reads (reasons, the
// disqualifier, the filter counts, the probability) is asked of the engine only when read.

let explain = null;

/** Set once by the module: `explain(slot, stamp, at)` returns the full result as a plain object. */
export function useExplain(f) {
  explain = f;
}

const FILTERS = [null, "botUserAgent", "burst", "clickWithoutPageView"];
const GRADES = [];
for (const fit of "ABCD") for (const engagement of "1234") GRADES.push(fit + engagement);

export class ScoreResult {
  #slot;
  #stamp;
  #full = null;

  constructor(slot, stamp, at, score, fit, engagement, flags, mqlSince, model) {
    this.#slot = slot;
    this.#stamp = stamp;
    this.score = score;
    this.fit = fit;
    this.engagement = engagement;
    this.grade = GRADES[flags & 15];
    this.mql = (flags & 16) !== 0;
    this.becameMql = (flags & 32) !== 0;
    this.filteredBy = FILTERS[(flags >> 6) & 3];
    this.mqlSince = mqlSince < 0 ? null : mqlSince;
    this.model = model;
    this.at = at;
  }

  /** The full result, asked of the engine once; it throws if the session has moved on. */
  #explained() {
    if (this.#full === null) this.#full = explain(this.#slot, this.#stamp, this.at);
    return this.#full;
  }

  /** Every rule that contributed, largest first. */
  get reasons() {
    return this.#explained().reasons;
  }

  /** The disqualifier that applies, if any. */
  get disqualifier() {
    return this.#explained().disqualifier;
  }

  /** Events the bot filter kept from scoring in this session, by reason. */
  get filtered() {
    return this.#explained().filtered;
  }

  /** Estimated conversion probability, for a model learned from outcomes (else null). */
  get probability() {
    return this.#explained().probability;
  }

  /** Every field as a plain object (`JSON.stringify`, spreading, `structuredClone`). */
  toJSON() {
    return Object.assign({}, this.#explained(), this);
  }
}

export function scoreResult(slot, stamp, at, score, fit, engagement, flags, mqlSince, model) {
  return new ScoreResult(slot, stamp, at, score, fit, engagement, flags, mqlSince, model);
}
