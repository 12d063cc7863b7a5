/** A scoring model: what a marketer writes. See the README for every field. */
export interface ScoringModel {
  $schema?: string;
  /** Carried into every result as `id@version`. */
  id: string;
  version: string | number;
  description?: string;
  fit?: RuleGroup<FitRule>;
  engagement?: RuleGroup<EngagementRule>;
  disqualifiers?: Disqualifier[];
  thresholds: Thresholds;
  grades?: { fit?: [number, number, number]; engagement?: [number, number, number] };
  /** Traits to keep in the session although no rule reads them (e.g. `email` for the CRM). */
  keepTraits?: string[];
  /** Keeps non-human traffic from scoring; absent means no filtering. */
  bots?: BotFilter;
  /** Score to conversion probability, written by `mqlscore train`. */
  calibration?: { slope: number; intercept: number };
}

export interface BotFilter {
  /** User-agent globs to filter (default: crawlers, scanners, headless browsers, HTTP libraries). */
  userAgents?: string[];
  /** More than `events` page or track events within `seconds` is a burst. */
  burst?: { events: number; seconds: number };
  /** Link clicks count only after a page view within `pageViewWithinMinutes` (default 30). */
  clicks?: { events: string[]; pageViewWithinMinutes?: number };
}

export interface RuleGroup<R> {
  rules?: R[];
  /** The group's sum never goes below this. */
  min?: number;
  /** The group's sum never goes above this (HubSpot's default is 100). */
  max?: number;
}

export interface FitRule {
  id: string;
  label?: string;
  points: number;
  when: TraitCondition;
}

interface EventMatch {
  /** A path glob: `/pricing`, `/product/*` (one level), `/product/**` (any depth). */
  page?: string;
  /** A track event name or glob: `Demo Requested`, `Webinar *`. */
  track?: string;
  where?: EventCondition;
}

export interface EngagementRule extends EventMatch {
  id: string;
  label?: string;
  /** Points per counted event; negative deducts. */
  points: number;
  /** Count at most this many events (the most recent). Required with `withinDays`. */
  maxCount?: number;
  /** The rule's points never exceed this in size. */
  maxPoints?: number;
  /** Count only events of the last N days. */
  withinDays?: number;
  /** Score only once at least this many events count. */
  minCount?: number;
  /** Each event's points halve every N days. */
  halfLifeDays?: number;
}

export interface Disqualifier extends EventMatch {
  id: string;
  /** The sentence sales reads: `Works at a competitor`. */
  reason: string;
  /** A condition on traits (or give `page` / `track` for an event that disqualifies). */
  when?: TraitCondition;
}

export interface Thresholds {
  fit?: number;
  engagement?: number;
  total?: number;
  /** `all` (default): every threshold given must be met; `any`: one is enough. */
  require?: "all" | "any";
}

type Scalar = string | number | boolean;

export interface Operators {
  equals?: Scalar;
  oneOf?: Scalar[];
  contains?: string | string[];
  glob?: string | string[];
  gte?: number;
  gt?: number;
  lte?: number;
  lt?: number;
  emailDomain?: string | string[];
  exists?: boolean;
}

export type TraitCondition =
  | { all: TraitCondition[] }
  | { any: TraitCondition[] }
  | { not: TraitCondition }
  | ({ trait: string } & Operators);

export type EventCondition =
  | { all: EventCondition[] }
  | { any: EventCondition[] }
  | { not: EventCondition }
  | ({ property: string } & Operators)
  | ({ context: string } & Operators);

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

export interface TrainOptions {
  /** Seed of the cross-validation folds (same data and seed, same model). Default 1. */
  seed?: number;
  /** L2 penalty on the weights. Default 1. */
  l2?: number;
  /** Points that double the odds of converting. Default 20. */
  pointsToDouble?: number;
  /** Cross-validation folds, 2 to 20. Default 5. */
  folds?: number;
  /** Choose the MQL threshold so that at most this share of leads qualify (default 0.2)… */
  targetMqlRate?: number;
  /** …or so that at least this share of MQLs convert. */
  targetPrecision?: number;
  /** Read `data` as CSV with this mapping (see the README) instead of JSON Lines. */
  csvMapping?: Record<string, unknown>;
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
