// The model (ScoringModel and its parts) and the training options (TrainOptions, CsvMapping) are
// declared in generated.d.ts, generated from the engine's Rust types. The rest is declared here.

export type Traits = Record<string, unknown>;

interface EventCommon {
  messageId?: string;
  /** ISO-8601 text or epoch milliseconds; absent means now. */
  timestamp?: string | number;
  anonymousId?: string;
  userId?: string;
  context?: Record<string, unknown>;
}

export type SegmentEvent =
  | (EventCommon & { type: "page"; name?: string; properties: { path?: string; url?: string; [k: string]: unknown } })
  | (EventCommon & { type: "track"; event: string; properties?: Record<string, unknown> })
  | (EventCommon & { type: "identify"; traits: Traits })
  | (EventCommon & { type: "group"; groupId?: string; traits: Traits })
  | (EventCommon & { type: "screen" | "alias"; [k: string]: unknown });

export interface Reason {
  /** The rule's id, or `fit.max` / `engagement.max` (…min) for a group bound. */
  rule: string;
  half: "fit" | "engagement";
  /** Points now, after decay and caps. */
  points: number;
  /** Events counted now (engagement rules). */
  count: number | null;
  /** What sales reads: `Viewed pricing: twice in the last 30 days (+20)`. */
  sentence: string;
}

export interface ScoreResult {
  score: number;
  fit: number;
  engagement: number;
  /** Fit letter A–D and engagement number 1–4: `B2`. */
  grade: string;
  mql: boolean;
  /** True only on the call whose event made the visitor an MQL for the first time. */
  becameMql: boolean;
  /** When the visitor first became an MQL, in epoch milliseconds. */
  mqlSince: number | null;
  disqualifier: { id: string; reason: string } | null;
  /** `id@version` of the model. */
  model: string;
  /** The moment scored, in epoch milliseconds. */
  at: number;
  /** Largest first. */
  reasons: Reason[];
  /** Events the bot filter kept from scoring in this session, by reason. */
  filtered: { total: number; botUserAgent: number; burst: number; clickWithoutPageView: number };
  /** Why this call's event was kept from scoring, or null. */
  filteredBy: "botUserAgent" | "burst" | "clickWithoutPageView" | null;
  /** Estimated conversion probability, for a model learned from outcomes (else null). */
  probability: number | null;
}

export interface BatchResult extends ScoreResult {
  /** Events that were not scored, by index; the others were. */
  rejected: { index: number; field: string; message: string }[];
}

export interface Problem {
  /** Where, in the model: `engagement.rules[2].halfLifeDays`. */
  path: string;
  message: string;
}

export interface RestoreNote {
  outcome: "exact" | "migrated" | "reset";
  reason: string;
}


export interface Quality {
  auc: number | null;
  logLoss: number | null;
  brier: number | null;
}

export interface TrainReport {
  leads: number;
  converted: number;
  disqualified: number;
  undated: number;
  badEvents: number;
  weights: { rule: string; half: "fit" | "engagement"; weight: number; points: number }[];
  handWritten: Quality;
  crossValidated: Quality;
  holdOut: Quality;
  handWrittenHoldOut: Quality;
  threshold: { score: number; mqlRate: number; precision: number; recall: number; lift: number };
  liftByDecile: number[];
  calibration: { slope: number; intercept: number };
}

export interface TrainResult {
  /** The learned model: an ordinary scoring model, ready for `new Scorer(model)`. */
  model: ScoringModel;
  report: TrainReport;
}
