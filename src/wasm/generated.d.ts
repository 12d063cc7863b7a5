// Generated from the engine's Rust types by scripts/generate.sh; do not edit by hand.

/** A scoring model for mqlscore. Generated from the engine's types (scripts/generate.sh); the engine also checks what a schema cannot say: unique rule ids, minCount <= maxCount, grade cuts highest first, a range's lower bound below its upper bound. */
export type ScoringModel = {
  /** The schema this document follows (editors use it; the engine ignores it). */
  "$schema"?: string | null;
  /** How the people of one company roll up into an account score (where sessions are pooled, as in the edge worker); absent means no account scores. */
  accounts?: AccountSettings | null;
  /** Keeps non-human traffic from scoring; absent means no filtering. */
  bots?: BotFilter | null;
  /** Score to conversion probability, written by `mqlscore train`. */
  calibration?: Calibration | null;
  /** Visitors the model must score a given way, run by `mqlscore test`, `testModel` in JavaScript, and after `train` (which carries them into the learned model). The scoring modules accept and skip them (reading them would cost pages 6.6 KB gzipped); the authoring module (mqlscore/train) and the command line read and check them. */
  cases?: Case[];
  /** What the model is for. */
  description?: string | null;
  /** Traits or events that rule a visitor out whatever the points. */
  disqualifiers?: Disqualifier[];
  /** Implicit engagement: points for page views and tracked events. */
  engagement?: RuleGroupOfEngagementRule | null;
  /** Explicit fit: points for traits (title, company size, industry, email domain). */
  fit?: RuleGroupOfFitRule | null;
  /** Cut points of the fit x engagement grade grid (A-D x 1-4). */
  grades?: GradeCuts | null;
  /** The model's id, carried into every result as `id@version`. */
  id: string;
  /** Traits to keep in the session although no rule reads them (e.g. `email` for the CRM). */
  keepTraits?: string[];
  /** When a visitor is an MQL. */
  thresholds: Thresholds;
  /** The model's version (`3`, `2026-q4`); a saved session migrates across versions. */
  version: Version;
};

/** A buying-committee role (`decision-maker`: titles `*chief*`, `vp*`). */
export type AccountRole = {
  /** The role's id. */
  id: string;
  /** What sales reads (`Decision maker`). */
  label?: string | null;
  /** Points when an engaged person holds the role. */
  points: number;
  /** Title globs, case-insensitive. */
  title: TextOrList;
};

/** Account scoring: the best engagement among a company's people, points for each more engaged person and for each buying-committee role present, against a threshold. */
export type AccountSettings = {
  /** A person counts as engaged from this engagement (default 10). */
  engagedAt?: number | null;
  /** Most engaged people counted, 1 to 100 (default 5). */
  maxPeople?: number | null;
  /** Points for each engaged person beyond the first (default 10). */
  perPerson?: number | null;
  /** Roles of a buying committee, recognised by title; each present role adds its points once. */
  roles?: AccountRole[];
  /** The account score at which an account is account-qualified. */
  threshold: number;
};

/** The filter for non-human traffic. */
export type BotFilter = {
  /** More than `events` page or track events within `seconds` is a burst. */
  burst?: Burst | null;
  /** Link clicks count only after a page view within `pageViewWithinMinutes` (default 30). */
  clicks?: Clicks | null;
  /** User-agent globs to filter (default: crawlers, scanners, headless browsers, HTTP libraries). */
  userAgents?: TextOrList | null;
};

/** A burst of events faster than a person makes them. */
export interface Burst {
  /** Events allowed within the window (1 to 100). */
  events: number;
  /** The window in seconds (1 to 3600). */
  seconds: number;
}

/** Score to conversion probability: `1 / (1 + e^-(slope x score + intercept))`. */
export interface Calibration {
  /** Log-odds at a score of 0. */
  intercept: number;
  /** Change in log-odds per point. */
  slope: number;
}

/** A visitor the model must score a given way: their events, and what must come out. */
export type Case = {
  /** When it is scored (ISO-8601); by default the time of its latest event. */
  at?: string | null;
  /** The visitor's events (Segment `page`, `track`, `identify`, `group`) in order. */
  events: (Record<string, unknown>)[];
  /** What must come out. */
  expect: Expectation;
  /** What it shows; a failure names it. */
  name: string;
};

/** Tracked link clicks that need a page view shortly before them. */
export type Clicks = {
  /** The track events that are link clicks (names or globs). */
  events: TextOrList;
  /** Minutes within which a page view must come before the click (1 to 1440, default 30). */
  pageViewWithinMinutes?: number | null;
};

/** A named reason that keeps a visitor from being an MQL: a condition on traits, or an event. */
export type Disqualifier = {
  /** Unique among the model's rules and disqualifiers. */
  id: string;
  /** A path glob: a page view that disqualifies. */
  page?: string | null;
  /** The sentence sales reads: `Works at a competitor`. */
  reason: string;
  /** A track event name or glob that disqualifies (`Unsubscribed`). */
  track?: string | null;
  /** A condition on traits (or give `page` / `track` for an event that disqualifies). */
  when?: TraitCondition | null;
  /** A further condition on the event's properties or context. */
  where?: EventCondition | null;
};

/** Points for page views or tracked events, with caps, a window, a minimum and decay. */
export type EngagementRule = {
  /** Each event's points halve every N days. */
  halfLifeDays?: number | null;
  /** Unique among the model's rules and disqualifiers. */
  id: string;
  /** The words sales reads (`Viewed pricing`); default: the id. */
  label?: string | null;
  /** Count at most this many events (the most recent). Required with `withinDays`. */
  maxCount?: number | null;
  /** The rule's points never exceed this in size. */
  maxPoints?: number | null;
  /** Score only once at least this many events count. */
  minCount?: number | null;
  /** A path glob: `/pricing`, `/product/*` (one level), `/product/**` (any depth). */
  page?: string | null;
  /** Points per counted event; negative deducts. */
  points: number;
  /** A track event name or glob: `Demo Requested`, `Webinar *`. */
  track?: string | null;
  /** A further condition on the event's properties or context. */
  where?: EventCondition | null;
  /** Count only events of the last N days. */
  withinDays?: number | null;
};

/** A condition: all / any / not of conditions, or a test of one value with one operator (gte/gt/lte/lt combine into a range). */
export type EventCondition = {
  all: EventCondition[];
} | {
  any: EventCondition[];
} | {
  not: EventCondition;
} | {
  /** Contains this text (or one of these), ignoring case. */
  contains?: TextOrList | null;
  /** An event context path: `userAgent`, `campaign.source`. */
  context?: string;
  /** An email address (or bare domain) in one of these domains or their subdomains. */
  emailDomain?: TextOrList | null;
  /** Equal to this (text ignores case; a number also matches text that reads as it). */
  equals?: Scalar | null;
  /** The value is present (`true`) or absent (`false`). */
  exists?: boolean | null;
  /** Matches this glob (or one of these), ignoring case: `*` any run, `?` one character. */
  glob?: TextOrList | null;
  /** More than this. */
  gt?: number | null;
  /** At least this. */
  gte?: number | null;
  /** Less than this. */
  lt?: number | null;
  /** At most this. */
  lte?: number | null;
  /** Equal to one of these. */
  oneOf?: Scalar[] | null;
  /** An event property path: `plan`, `video.title`. */
  property?: string;
};

/** What a case's visitor must come out as; each given part is checked. */
export type Expectation = {
  /** The disqualifier (id) that must apply; `""` for none. */
  disqualifier?: string | null;
  /** The grade: `A1`, or with `*` for any (`A*`, `*1`). */
  grade?: string | null;
  /** The score is at most this. */
  maxScore?: number | null;
  /** The score is at least this. */
  minScore?: number | null;
  /** An MQL or not. */
  mql?: boolean | null;
  /** Rules (ids) that must not be. */
  notReasons?: string[];
  /** Rules (ids) that must be among the reasons. */
  reasons?: string[];
};

/** Points while a condition on traits holds. */
export type FitRule = {
  /** Unique among the model's rules and disqualifiers. */
  id: string;
  /** The words sales reads (`VP or C-level title`); default: the id. */
  label?: string | null;
  /** Points added (deducted when negative) while the condition holds. */
  points: number;
  /** The condition on traits. */
  when: TraitCondition;
};

/** The lowest scores of grades A, B, C (fit) and 1, 2, 3 (engagement), highest first. */
export type GradeCuts = {
  /** Default `[75, 50, 25]`. */
  engagement?: number[] | null;
  /** Default `[75, 50, 25]`. */
  fit?: number[] | null;
};

/** How thresholds combine. */
export type Require = "all" | "any";

/** Rules of one half of the score, with bounds on their sum. */
export type RuleGroupOfEngagementRule = {
  /** The group's sum never goes above this (HubSpot's default is 100). */
  max?: number | null;
  /** The group's sum never goes below this. */
  min?: number | null;
  /** The rules (at most 256 fit rules, 64 engagement rules). */
  rules?: EngagementRule[];
};

/** Rules of one half of the score, with bounds on their sum. */
export type RuleGroupOfFitRule = {
  /** The group's sum never goes above this (HubSpot's default is 100). */
  max?: number | null;
  /** The group's sum never goes below this. */
  min?: number | null;
  /** The rules (at most 256 fit rules, 64 engagement rules). */
  rules?: FitRule[];
};

/** A value a trait or property is compared with. */
export type Scalar = string | number | boolean;

/** One text or a list of them (`"vp*"` or `["vp*", "*chief*"]`). */
export type TextOrList = string | string[];

/** When a visitor is an MQL: thresholds on fit, engagement and total. */
export type Thresholds = {
  /** Engagement at least this. */
  engagement?: number | null;
  /** Fit at least this. */
  fit?: number | null;
  /** `all` (default): every threshold given must be met; `any`: one is enough. */
  require?: Require | null;
  /** Fit + engagement at least this. */
  total?: number | null;
};

/** A condition: all / any / not of conditions, or a test of one value with one operator (gte/gt/lte/lt combine into a range). */
export type TraitCondition = {
  all: TraitCondition[];
} | {
  any: TraitCondition[];
} | {
  not: TraitCondition;
} | {
  /** Contains this text (or one of these), ignoring case. */
  contains?: TextOrList | null;
  /** An email address (or bare domain) in one of these domains or their subdomains. */
  emailDomain?: TextOrList | null;
  /** Equal to this (text ignores case; a number also matches text that reads as it). */
  equals?: Scalar | null;
  /** The value is present (`true`) or absent (`false`). */
  exists?: boolean | null;
  /** Matches this glob (or one of these), ignoring case: `*` any run, `?` one character. */
  glob?: TextOrList | null;
  /** More than this. */
  gt?: number | null;
  /** At least this. */
  gte?: number | null;
  /** Less than this. */
  lt?: number | null;
  /** At most this. */
  lte?: number | null;
  /** Equal to one of these. */
  oneOf?: Scalar[] | null;
  /** A trait path: `title`, `company.employees` (group traits are `company.*`). */
  trait?: string;
};

/** A version: text or a number. */
export type Version = string | number;

/** A visitor's score now, with the reasons. */
export type ScoreResult = {
  /** The moment scored, in epoch milliseconds. */
  at: number;
  /** True only on the call whose event made the visitor an MQL for the first time. */
  becameMql: boolean;
  /** The disqualifier that applies, if any. */
  disqualifier: Disqualified | null;
  /** The engagement half. */
  engagement: number;
  /** Events the bot filter kept from scoring in this session, by reason. */
  filtered: Filtered;
  /** Why this call's event was kept from scoring, or null. */
  filteredBy: FilterName | null;
  /** The fit half. */
  fit: number;
  /** Fit letter A-D and engagement number 1-4: `B2`. */
  grade: string;
  /** `id@version` of the model. */
  model: string;
  /** Whether the visitor is an MQL now. */
  mql: boolean;
  /** When the visitor first became an MQL, in epoch milliseconds. */
  mqlSince: number | null;
  /** Estimated conversion probability, for a model learned from outcomes (else null). */
  probability: number | null;
  /** Largest first; they add up to the score. */
  reasons: Reason[];
  /** Fit plus engagement, rounded to hundredths. */
  score: number;
};

/** The disqualifier that keeps a visitor from being an MQL. */
export interface Disqualified {
  /** Its id. */
  id: string;
  /** The sentence sales reads. */
  reason: string;
}

/** Why an event was kept from scoring. */
export type FilterName = "botUserAgent" | "burst" | "clickWithoutPageView";

/** Events kept from scoring, by reason. */
export interface Filtered {
  /** A crawler, scanner or headless browser user agent. */
  botUserAgent: number;
  /** More events in a few seconds than a person makes. */
  burst: number;
  /** A tracked link click with no page view shortly before it. */
  clickWithoutPageView: number;
  /** All of them. */
  total: number;
}

/** The half of the score a reason counts in. */
export type Half = "fit" | "engagement";

/** A contributing rule, with its points now and a sentence for sales. */
export type Reason = {
  /** Events counted now (engagement rules). */
  count: number | null;
  /** Which half it counts in. */
  half: Half;
  /** Points now, after decay and caps. */
  points: number;
  /** The rule's id, or `fit.max` / `engagement.max` (`...min`) for a group bound. */
  rule: string;
  /** What sales reads: `Viewed pricing: twice in the last 30 days (+20)`. */
  sentence: string;
  /** When they happened, epoch milliseconds, oldest first (engagement rules): each one for a rule with `maxCount`, the newest alone for the others. */
  times: number[] | null;
};

/** The result after a batch, with the events that were not scored. */
export type BatchResult = {
  /** The moment scored, in epoch milliseconds. */
  at: number;
  /** True only on the call whose event made the visitor an MQL for the first time. */
  becameMql: boolean;
  /** The disqualifier that applies, if any. */
  disqualifier: Disqualified | null;
  /** The engagement half. */
  engagement: number;
  /** Events the bot filter kept from scoring in this session, by reason. */
  filtered: Filtered;
  /** Why this call's event was kept from scoring, or null. */
  filteredBy: FilterName | null;
  /** The fit half. */
  fit: number;
  /** Fit letter A-D and engagement number 1-4: `B2`. */
  grade: string;
  /** `id@version` of the model. */
  model: string;
  /** Whether the visitor is an MQL now. */
  mql: boolean;
  /** When the visitor first became an MQL, in epoch milliseconds. */
  mqlSince: number | null;
  /** Estimated conversion probability, for a model learned from outcomes (else null). */
  probability: number | null;
  /** Largest first; they add up to the score. */
  reasons: Reason[];
  /** Events that were not scored, by index; the others were. */
  rejected: RejectedEvent[];
  /** Fit plus engagement, rounded to hundredths. */
  score: number;
};

/** An event of a batch that was not scored. */
export interface RejectedEvent {
  /** The offending field (`timestamp`, `properties.path`). */
  field: string;
  /** Its index in the batch. */
  index: number;
  /** What is wrong, with the field: `event.timestamp: ...`. */
  message: string;
}

/** One problem found in a scoring model, at a path such as `engagement.rules[2].halfLifeDays`. */
export interface Problem {
  /** What is wrong there, in words a marketer can act on. */
  message: string;
  /** Where the problem is, in the model document (`fit.rules[0].when.glob`). */
  path: string;
}

/** What restoring a saved session did, as programs read it. */
export interface RestoreNote {
  /** Exact, migrated or reset. */
  outcome: RestoreOutcome;
  /** Why, in words: `saved under model minimal@1, not b2b-saas@1`. */
  reason: string;
}

/** How a saved session was restored. */
export type RestoreOutcome = "exact" | "migrated" | "reset";

/** Training options as people give them, before they are checked: the command line's flags and the options of `train` in JavaScript (camelCase) are read into this one type, and [`TrainOptions::check`] is the one place their bounds are enforced. */
export type TrainOptions = {
  /** How to read CSV data (JavaScript's `train`; the command line takes `--mapping`). */
  csvMapping?: CsvMapping | null;
  /** Folds of the cross-validation (2 to 20, default 5). */
  folds?: number | null;
  /** The id of a proposed model (default: the data file's name, or `learned`). */
  id?: string | null;
  /** Most pairwise interactions a proposal adds where the data supports them (a whole number from 0 to 32; default 8). */
  interactions?: number | null;
  /** L2 penalty on the weights (greater than 0, default 1). */
  l2?: number | null;
  /** Quantile bins a numeric column starts from (a whole number from 2 to 50; default 10). */
  maxBins?: number | null;
  /** And at least this many rows (a whole number from 1; default 30). */
  minRows?: number | null;
  /** A level or bin needs at least this share of the rows for a rule of its own (above 0, below 1; default 0.01). */
  minShare?: number | null;
  /** Cell values that mean "not given", like an empty cell (default: `Select`, `--`, `-`, `n/a`, `na`, `none`, `null`, `unknown`, `not specified`). */
  placeholders?: string[] | null;
  /** Points that double the odds of converting (greater than 0, default 20). */
  pointsToDouble?: number | null;
  /** Propose rules from the data's columns, added to the model's for the columns it does not read (implied when there is no model). */
  propose?: boolean | null;
  /** Seed of the fold assignment (a whole number, default 1). */
  seed?: number | null;
  /** Recommend the threshold at which at most this share of leads are MQLs (default 0.2). */
  targetMqlRate?: number | null;
  /** Or the threshold at which at least this share of MQLs convert. */
  targetPrecision?: number | null;
};

/** What a count column counts: page views of a path, or a track event. */
export type CountColumn = {
  /** A page path. */
  page?: string | null;
  /** A track event name. */
  track?: string | null;
};

/** How a CRM's CSV export maps to leads: which column is what. Read from JSON (a mapping file, or `options.csvMapping` in JavaScript):  ```json { "id": "Lead ID", "converted": { "column": "Lead Status", "values": ["Closed Won"] },   "asOf": "Last Activity Date", "traits": { "Job Title": "title", "Employees": "company.employees" },   "numeric": ["Employees"], "counts": { "Pricing Page Views": { "page": "/pricing" } } } ``` */
export type CsvMapping = {
  /** The column with each row's date: the time of its events. */
  asOf?: string | null;
  /** One date for every row's events, when no column has one (ISO-8601). */
  at?: string | null;
  /** The outcome column, and the values in it that mean "converted" (needed to learn, not to score). */
  converted?: OutcomeColumn | null;
  /** The column with the date of conversion. */
  convertedAt?: string | null;
  /** Columns that count events: each count becomes that many page views or track events. */
  counts?: Record<string, CountColumn>;
  /** The column with each lead's id (default: its row number). */
  id?: string | null;
  /** Trait columns whose cells are numbers (a cell that is not one is an error). Rules for the others follow their values: numbers binned into ranges when every value given is one (none written like a code: `02139`, `+44`), a level per value otherwise; dates get no rule. */
  numeric?: string[];
  /** What a row is, as reports name it (`sessions`, `accounts`; default `leads`). */
  rows?: string | null;
  /** Trait columns read as text levels whatever their values (`"Zip"`, an id, a year). */
  text?: string[];
  /** Columns read as traits: column name to trait path (`company.employees`). Cells are text. No two columns may be one trait, nor a trait be inside another (`company`, `company.size`). */
  traits?: Record<string, string>;
};

/** The outcome column of a CSV export. */
export type OutcomeColumn = {
  /** Its name in the header. */
  column: string;
  /** Values that mean converted, compared without case (default: `true`, `yes`, `1`). */
  values?: string[] | null;
};

/** A learned model and what was learned. */
export interface TrainResult {
  /** The learned model: an ordinary scoring model, ready for `new Scorer(model)`. */
  model: ScoringModel;
  /** What was learned and how well it does. */
  report: TrainReport;
}

/** One candidate of the choice. */
export type Candidate = {
  /** Its out-of-fold AUC. */
  auc: number | null;
  /** Its L2 penalty. */
  l2: number;
  /** Its bins. */
  maxBins: number;
};

/** How one case came out. */
export interface CaseShown {
  /** What did not, each with what came out (score, grade, reasons). */
  failures: string[];
  /** Its name. */
  name: string;
  /** Whether it came out as expected. */
  passed: boolean;
}

/** The options chosen by cross-validation, and how each candidate did. */
export interface Chosen {
  /** The L2 penalty. */
  l2: number;
  /** Quantile bins a numeric column started from. */
  maxBins: number;
  /** Leads the recipe was cross-validated on: all, or past 50,000 a sample of about that many (the model itself is fitted on all). */
  measuredOn: number;
  /** Every candidate with its out-of-fold AUC (one when nothing was left to choose; none for a model given whole whose options were all set). */
  tried: Candidate[];
}

/** How a column was read to propose rules. */
export interface ColumnShown {
  /** Its name (the CSV header, or the trait path or event). */
  column: string;
  /** Whether the mapping said so (`numeric`, `text`, `counts`); else its values decided. */
  declared: boolean;
  /** `number`, `text`, `yes/no`, `date` (no rule reads a date), `page views` or `track events`. */
  kind: string;
  /** Rows whose cell held a placeholder ("Select"), read as not given. */
  placeholders: number;
  /** Rules proposed for it. */
  rules: number;
}

/** How a set of scores does on outcomes. */
export type Quality = {
  /** ROC AUC of the scores. */
  auc: number | null;
  /** Brier score of the probabilities (learned models only). */
  brier: number | null;
  /** Log loss of the probabilities (learned models only). */
  logLoss: number | null;
};

/** Predicted against observed conversion in one tenth of the leads. */
export interface Reliability {
  /** Leads in this tenth. */
  leads: number;
  /** Share that converted. */
  observed: number;
  /** Mean predicted probability (out of fold). */
  predicted: number;
}

/** The threshold chosen, and what it yields on the data. */
export interface Threshold {
  /** Precision over the base conversion rate. */
  lift: number;
  /** Share of leads that are MQLs. */
  mqlRate: number;
  /** Share of MQLs that converted. */
  precision: number;
  /** Share of converted leads that were MQLs. */
  recall: number;
  /** MQL when the total score is at least this. */
  score: number;
}

/** What was learned and how well it does. */
export type TrainReport = {
  /** Events that could not be read. */
  badEvents: number;
  /** Leads left out because their saved session was unreadable or of another model. */
  badSessions: number;
  /** Score to conversion probability. */
  calibration: Calibration;
  /** The model's cases under the learned points (a case the new points break fails). */
  cases: CaseShown[];
  /** The options chosen by cross-validating the whole recipe (those left unset). */
  chosen: Chosen;
  /** How each column was read to propose rules (empty when none were proposed). */
  columns: ColumnShown[];
  /** Of which converted. */
  converted: number;
  /** The learned model, out of fold in the cross-validation. */
  crossValidated: Quality;
  /** What each threshold would yield on the data, highest first (about one point per percent of leads): the what-if chart's data. */
  curve: Threshold[];
  /** Leads left out because a disqualifier applied. */
  disqualified: number;
  /** The model as written, on all the data. */
  handWritten: Quality;
  /** The model as written on the same hold-out. */
  handWrittenHoldOut: Quality;
  /** The learned model on a 25% hold-out, trained on the other 75%. */
  holdOut: Quality;
  /** Leads used. */
  leads: number;
  /** Leads per month in the data, from the span of their dates (null under a week). */
  leadsPerMonth: number | null;
  /** Conversion rate of each score decile (highest first) over the base rate. */
  liftByDecile: number[];
  /** Out-of-fold probabilities against outcomes by tenth, highest first: honest probabilities keep predicted and observed close. */
  reliability: Reliability[];
  /** The recommended MQL threshold. */
  threshold: Threshold;
  /** Leads left out because none of their events had a time. */
  undated: number;
  /** The learned weight and points of each rule. */
  weights: Weight[];
};

/** A rule's learned weight and points. */
export interface Weight {
  /** Which half it counts in. */
  half: Half;
  /** Points per unit in the learned model. */
  points: number;
  /** The rule's id. */
  rule: string;
  /** Change in log-odds per unit (a rule that holds, or one counted event). */
  weight: number;
}

/** How a model's cases came out, as programs read it (`testModel` in JavaScript). */
export interface CaseReport {
  /** Each case, in the model's order. */
  cases: CaseShown[];
  /** Cases that did not. */
  failed: number;
  /** Cases that came out as expected. */
  passed: number;
}
