//! The model document: what a marketer writes, as serde types. This is the one definition of the
//! format: the JSON Schema (`schema/model.schema.json`) and the TypeScript declarations of the
//! model are generated from these types by `scripts/generate.sh`, and a test keeps them current.
//!
//! Reading a document checks its shape (types, required and unknown fields), stopping at the
//! first such error with its path; [`crate::Model::compile`] then checks its meaning and lists
//! every problem with its path.

use serde::{Deserialize, Serialize};

/// A kind of rule with a most per group (the engine's limits, written into the schema).
pub trait Limited {
    /// Most rules of this kind in a group.
    const MOST: usize;
}

impl Limited for FitRule {
    const MOST: usize = crate::model::MAX_FIT_RULES;
}

impl Limited for EngagementRule {
    const MOST: usize = crate::model::MAX_RULES;
}

serde_types! {
    /// A scoring model: fit rules on traits, engagement rules on events, disqualifiers, and the
    /// thresholds that make a visitor an MQL.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "ScoringModel"))]
    pub struct ModelDocument {
        /// The schema this document follows (editors use it; the engine ignores it).
        #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
        pub schema: Option<String>,
        /// The model's id, carried into every result as `id@version`.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[A-Za-z0-9._-]{1,64}$")))]
        pub id: String,
        /// The model's version (`3`, `2026-q4`); a saved session migrates across versions.
        pub version: Version,
        /// What the model is for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// Explicit fit: points for traits (title, company size, industry, email domain).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fit: Option<RuleGroup<FitRule>>,
        /// Implicit engagement: points for page views and tracked events.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engagement: Option<RuleGroup<EngagementRule>>,
        /// Traits or events that rule a visitor out whatever the points.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub disqualifiers: Vec<Disqualifier>,
        /// When a visitor is an MQL.
        pub thresholds: Thresholds,
        /// Cut points of the fit x engagement grade grid (A-D x 1-4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub grades: Option<GradeCuts>,
        /// Traits to keep in the session although no rule reads them (e.g. `email` for the CRM).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub keep_traits: Vec<String>,
        /// Keeps non-human traffic from scoring; absent means no filtering.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bots: Option<BotSettings>,
        /// Score to conversion probability, written by `mqlscore train`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub calibration: Option<Calibration>,
        /// How the people of one company roll up into an account score (where sessions are
        /// pooled, as in the edge worker); absent means no account scores.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub accounts: Option<AccountSettings>,
        /// Visitors the model must score a given way, run by `mqlscore test`, `testModel` in
        /// JavaScript, and after `train` (which carries them into the learned model). The
        /// scoring modules accept and skip them (reading them would cost pages 6.6 KB gzipped);
        /// the authoring module (mqlscore/train) and the command line read and check them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(
            not(feature = "training"),
            serde(deserialize_with = "skip_cases", skip_serializing)
        )]
        pub cases: Vec<ModelCase>,
    }

    /// A visitor the model must score a given way: their events, and what must come out.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "Case"))]
    pub struct ModelCase {
        /// What it shows; a failure names it.
        pub name: String,
        /// The visitor's events (Segment `page`, `track`, `identify`, `group`) in order.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(with = "Vec<serde_json::Map<String, serde_json::Value>>"))]
        pub events: Vec<crate::format::json::Json>,
        /// When it is scored (ISO-8601); by default the time of its latest event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub at: Option<String>,
        /// What must come out.
        pub expect: Expectation,
    }

    /// What a case's visitor must come out as; each given part is checked.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Expectation {
        /// An MQL or not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mql: Option<bool>,
        /// The grade: `A1`, or with `*` for any (`A*`, `*1`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub grade: Option<String>,
        /// The score is at least this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub min_score: Option<f64>,
        /// The score is at most this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max_score: Option<f64>,
        /// Rules (ids) that must be among the reasons.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub reasons: Vec<String>,
        /// Rules (ids) that must not be.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub not_reasons: Vec<String>,
        /// The disqualifier (id) that must apply; `""` for none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub disqualifier: Option<String>,
    }

    /// Account scoring: the best engagement among a company's people, points for each more
    /// engaged person and for each buying-committee role present, against a threshold.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct AccountSettings {
        /// The account score at which an account is account-qualified.
        pub threshold: f64,
        /// A person counts as engaged from this engagement (default 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engaged_at: Option<f64>,
        /// Points for each engaged person beyond the first (default 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub per_person: Option<f64>,
        /// Most engaged people counted, 1 to 100 (default 5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 100), extend("multipleOf" = 1)))]
        pub max_people: Option<f64>,
        /// Roles of a buying committee, recognised by title; each present role adds its points
        /// once.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub roles: Vec<AccountRole>,
    }

    /// A buying-committee role (`decision-maker`: titles `*chief*`, `vp*`).
    #[serde(deny_unknown_fields)]
    pub struct AccountRole {
        /// The role's id.
        pub id: String,
        /// What sales reads (`Decision maker`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
        /// Title globs, case-insensitive.
        pub title: TextOrList,
        /// Points when an engaged person holds the role.
        pub points: f64,
    }

    /// A version: text or a number.
    #[serde(untagged, expecting = "a string or a number")]
    pub enum Version {
        /// `2026-q4`.
        Text(String),
        /// `3`.
        Number(f64),
    }

    /// Rules of one half of the score, with bounds on their sum.
    #[serde(deny_unknown_fields, bound(deserialize = "R: Deserialize<'de>"))]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "RuleGroupOf{R}", bound = "R: schemars::JsonSchema + Limited"))]
    pub struct RuleGroup<R> {
        /// The rules (at most 256 fit rules, 64 engagement rules).
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(length(max = R::MOST)))]
        pub rules: Vec<R>,
        /// The group's sum never goes below this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub min: Option<f64>,
        /// The group's sum never goes above this (HubSpot's default is 100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max: Option<f64>,
    }

    /// Points while a condition on traits holds.
    #[serde(deny_unknown_fields)]
    pub struct FitRule {
        /// Unique among the model's rules and disqualifiers.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[A-Za-z0-9._-]{1,64}$")))]
        pub id: String,
        /// The words sales reads (`VP or C-level title`); default: the id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
        /// Points added (deducted when negative) while the condition holds.
        pub points: f64,
        /// The condition on traits.
        pub when: TraitCondition,
    }

    /// Points for page views or tracked events, with caps, a window, a minimum and decay.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(extend(
        "oneOf" = [{ "required": ["page"] }, { "required": ["track"] }],
        "dependencies" = { "withinDays": ["maxCount"] }
    )))]
    pub struct EngagementRule {
        /// Unique among the model's rules and disqualifiers.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[A-Za-z0-9._-]{1,64}$")))]
        pub id: String,
        /// The words sales reads (`Viewed pricing`); default: the id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
        /// Points per counted event; negative deducts.
        pub points: f64,
        /// A path glob: `/pricing`, `/product/*` (one level), `/product/**` (any depth).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[/*]")))]
        pub page: Option<String>,
        /// A track event name or glob: `Demo Requested`, `Webinar *`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub track: Option<String>,
        /// A further condition on the event's properties or context.
        #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
        pub filter: Option<EventCondition>,
        /// Count at most this many events (the most recent). Required with `withinDays`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 100), extend("multipleOf" = 1)))]
        pub max_count: Option<f64>,
        /// The rule's points never exceed this in size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(extend("exclusiveMinimum" = 0)))]
        pub max_points: Option<f64>,
        /// Count only events of the last N days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(max = 3650), extend("exclusiveMinimum" = 0)))]
        pub within_days: Option<f64>,
        /// Score only once at least this many events count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 100), extend("multipleOf" = 1)))]
        pub min_count: Option<f64>,
        /// Each event's points halve every N days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(max = 3650), extend("exclusiveMinimum" = 0)))]
        pub half_life_days: Option<f64>,
    }

    /// A named reason that keeps a visitor from being an MQL: a condition on traits, or an event.
    #[serde(deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(extend(
        "oneOf" = [
            { "required": ["when"], "not": { "anyOf": [{ "required": ["page"] }, { "required": ["track"] }, { "required": ["where"] }] } },
            { "required": ["page"], "not": { "anyOf": [{ "required": ["when"] }, { "required": ["track"] }] } },
            { "required": ["track"], "not": { "anyOf": [{ "required": ["when"] }, { "required": ["page"] }] } }
        ]
    )))]
    pub struct Disqualifier {
        /// Unique among the model's rules and disqualifiers.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[A-Za-z0-9._-]{1,64}$")))]
        pub id: String,
        /// The sentence sales reads: `Works at a competitor`.
        #[cfg_attr(not(target_arch = "wasm32"), schemars(length(min = 1, max = 256)))]
        pub reason: String,
        /// A condition on traits (or give `page` / `track` for an event that disqualifies).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub when: Option<TraitCondition>,
        /// A path glob: a page view that disqualifies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(regex(pattern = r"^[/*]")))]
        pub page: Option<String>,
        /// A track event name or glob that disqualifies (`Unsubscribed`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub track: Option<String>,
        /// A further condition on the event's properties or context.
        #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
        pub filter: Option<EventCondition>,
    }

    /// When a visitor is an MQL: thresholds on fit, engagement and total.
    #[serde(deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(extend(
        "anyOf" = [{ "required": ["fit"] }, { "required": ["engagement"] }, { "required": ["total"] }]
    )))]
    pub struct Thresholds {
        /// Fit at least this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fit: Option<f64>,
        /// Engagement at least this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engagement: Option<f64>,
        /// Fit + engagement at least this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub total: Option<f64>,
        /// `all` (default): every threshold given must be met; `any`: one is enough.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub require: Option<Require>,
    }

    /// How thresholds combine.
    #[serde(rename_all = "lowercase")]
    pub enum Require {
        /// Every threshold given must be met.
        All,
        /// One is enough.
        Any,
    }

    /// The lowest scores of grades A, B, C (fit) and 1, 2, 3 (engagement), highest first.
    #[serde(deny_unknown_fields)]
    pub struct GradeCuts {
        /// Default `[75, 50, 25]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(length(min = 3, max = 3)))]
        pub fit: Option<Vec<f64>>,
        /// Default `[75, 50, 25]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(length(min = 3, max = 3)))]
        pub engagement: Option<Vec<f64>>,
    }

    /// The filter for non-human traffic.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "BotFilter"))]
    pub struct BotSettings {
        /// User-agent globs to filter (default: crawlers, scanners, headless browsers, HTTP
        /// libraries).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_agents: Option<TextOrList>,
        /// More than `events` page or track events within `seconds` is a burst.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub burst: Option<Burst>,
        /// Link clicks count only after a page view within `pageViewWithinMinutes` (default 30).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub clicks: Option<Clicks>,
    }

    /// A burst of events faster than a person makes them.
    #[serde(deny_unknown_fields)]
    pub struct Burst {
        /// Events allowed within the window (1 to 100).
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 100), extend("multipleOf" = 1)))]
        pub events: f64,
        /// The window in seconds (1 to 3600).
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 3600), extend("multipleOf" = 1)))]
        pub seconds: f64,
    }

    /// Tracked link clicks that need a page view shortly before them.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Clicks {
        /// The track events that are link clicks (names or globs).
        pub events: TextOrList,
        /// Minutes within which a page view must come before the click (1 to 1440, default 30).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 1440), extend("multipleOf" = 1)))]
        pub page_view_within_minutes: Option<f64>,
    }

    /// Score to conversion probability: `1 / (1 + e^-(slope x score + intercept))`.
    #[serde(deny_unknown_fields)]
    pub struct Calibration {
        /// Change in log-odds per point.
        pub slope: f64,
        /// Log-odds at a score of 0.
        pub intercept: f64,
    }

    /// One text or a list of them (`"vp*"` or `["vp*", "*chief*"]`).
    #[serde(untagged, expecting = "a string or an array of strings")]
    pub enum TextOrList {
        /// One.
        One(String),
        /// Several (at least one).
        #[cfg_attr(not(target_arch = "wasm32"), schemars(extend("minItems" = 1)))]
        List(Vec<String>),
    }

    /// A value a trait or property is compared with.
    #[serde(untagged, expecting = "a string, number or boolean")]
    pub enum Scalar {
        /// Text (compared without case).
        Text(String),
        /// A number (also matches text that reads as it).
        Number(f64),
        /// A boolean.
        Bool(bool),
    }

    /// A condition: `all` / `any` / `not` of conditions, or a test of one value with one
    /// operator (`gte`/`gt`/`lte`/`lt` combine into a range). Fit rules and disqualifiers test
    /// a `trait`; event filters test a `property` or the event's `context`.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[derive(Default)]
    pub struct Condition {
        /// Every one holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub all: Option<Vec<Condition>>,
        /// At least one holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub any: Option<Vec<Condition>>,
        /// It does not hold.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub not: Option<Box<Condition>>,
        /// A trait path: `title`, `company.employees` (group traits are `company.*`).
        #[serde(rename = "trait", default, skip_serializing_if = "Option::is_none")]
        pub trait_path: Option<String>,
        /// An event property path: `plan`, `video.title`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub property: Option<String>,
        /// An event context path: `userAgent`, `campaign.source`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub context: Option<String>,
        /// Equal to this (text ignores case; a number also matches text that reads as it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub equals: Option<Scalar>,
        /// Equal to one of these.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), schemars(length(min = 1)))]
        pub one_of: Option<Vec<Scalar>>,
        /// Contains this text (or one of these), ignoring case.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contains: Option<TextOrList>,
        /// Matches this glob (or one of these), ignoring case: `*` any run, `?` one character.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub glob: Option<TextOrList>,
        /// At least this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gte: Option<f64>,
        /// More than this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gt: Option<f64>,
        /// At most this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lte: Option<f64>,
        /// Less than this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lt: Option<f64>,
        /// An email address (or bare domain) in one of these domains or their subdomains.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email_domain: Option<TextOrList>,
        /// The value is present (`true`) or absent (`false`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub exists: Option<bool>,
    }
}

/// A condition on visitor traits (fit rules, disqualifiers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TraitCondition(pub Condition);

/// A condition on the event being scored (`where` of engagement rules and disqualifiers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventCondition(pub Condition);

/// The operators of a test, as they are named in a condition.
pub const OPERATORS: [&str; 10] = [
    "equals",
    "oneOf",
    "contains",
    "glob",
    "gte",
    "gt",
    "lte",
    "lt",
    "emailDomain",
    "exists",
];
/// The operators that combine with each other (into a range); any other stands alone.
pub const RANGE: [&str; 4] = ["gte", "gt", "lte", "lt"];
/// What a trait condition tests.
pub const TRAIT_SOURCES: [&str; 1] = ["trait"];
/// What an event condition tests.
pub const EVENT_SOURCES: [&str; 2] = ["property", "context"];

#[cfg(not(target_arch = "wasm32"))]
mod schema {
    //! The schemas of the two kinds of condition: the same serde type, told apart by what they
    //! may test, with the operator rules the compiler enforces.
    use super::*;
    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

    fn condition(gen: &mut SchemaGenerator, me: Schema, sources: &[&str]) -> Schema {
        let fields = Condition::json_schema(gen);
        let props = fields
            .get("properties")
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default();
        let mut test = serde_json::Map::new();
        for key in sources.iter().chain(OPERATORS.iter()) {
            if let Some(p) = props.get(*key) {
                test.insert((*key).to_owned(), p.clone());
            }
        }
        for source in sources {
            test.insert(
                (*source).to_owned(),
                json_schema!({
                    "type": "string", "minLength": 1, "maxLength": 256,
                    "description": props[*source]["description"].clone()
                })
                .into(),
            );
        }
        let alone: Vec<&str> = OPERATORS
            .iter()
            .copied()
            .filter(|o| !RANGE.contains(o))
            .collect();
        let mut clashes = Vec::new();
        for (i, a) in OPERATORS.iter().enumerate() {
            for b in &OPERATORS[i + 1..] {
                if alone.contains(a) || alone.contains(b) {
                    clashes.push(json_schema!({ "required": [a, b] }));
                }
            }
        }
        let one_source: Vec<Schema> = sources
            .iter()
            .map(|s| json_schema!({ "required": [s] }))
            .collect();
        let some_operator: Vec<Schema> = OPERATORS
            .iter()
            .map(|o| json_schema!({ "required": [o] }))
            .collect();
        let list = |key: &str| {
            json_schema!({
                "type": "object",
                "properties": { key: { "type": "array", "minItems": 1, "items": me.clone() } },
                "required": [key],
                "additionalProperties": false
            })
        };
        json_schema!({
            "description": "A condition: all / any / not of conditions, or a test of one value with one operator (gte/gt/lte/lt combine into a range).",
            "oneOf": [
                list("all"),
                list("any"),
                {
                    "type": "object",
                    "properties": { "not": me.clone() },
                    "required": ["not"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": test,
                    "additionalProperties": false,
                    "oneOf": one_source,
                    "anyOf": some_operator,
                    "not": { "anyOf": clashes }
                }
            ]
        })
    }

    impl JsonSchema for TraitCondition {
        fn schema_name() -> Cow<'static, str> {
            "TraitCondition".into()
        }

        fn json_schema(gen: &mut SchemaGenerator) -> Schema {
            let me = gen.subschema_for::<TraitCondition>();
            condition(gen, me, &TRAIT_SOURCES)
        }
    }

    impl JsonSchema for EventCondition {
        fn schema_name() -> Cow<'static, str> {
            "EventCondition".into()
        }

        fn json_schema(gen: &mut SchemaGenerator) -> Schema {
            let me = gen.subschema_for::<EventCondition>();
            condition(gen, me, &EVENT_SOURCES)
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Version::Text(s) => f.write_str(s),
            Version::Number(n) => write!(f, "{}", crate::format::number::Shown(*n)),
        }
    }
}

impl TextOrList {
    /// The texts, one or several.
    pub fn items(&self) -> &[String] {
        match self {
            TextOrList::One(s) => std::slice::from_ref(s),
            TextOrList::List(list) => list,
        }
    }
}

/// Reads `cases` as anything and keeps none (the scoring modules: see [`ModelDocument::cases`]).
#[cfg(not(feature = "training"))]
fn skip_cases<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ModelCase>, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| Vec::new())
}
