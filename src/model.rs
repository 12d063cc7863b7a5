//! The scoring model: what a marketer writes, validated and compiled once.
//!
//! See `models/b2b-saas.json` for a full example and the README for the format.

use crate::bots::BotFilter;
use crate::condition::{Condition, Scope, Slots};
use crate::errors::ModelError;
use crate::glob::Glob;
use crate::json::Json;
use crate::number::Shown;
use crate::reader::{as_string, Fields, Problems};
use crate::time::DAY_MS;

/// Most fit rules, engagement rules or disqualifiers a model may have, each.
pub const MAX_RULES: usize = 64;
/// Largest `maxCount`: the session keeps that many timestamps for the rule.
pub const MAX_COUNT: u32 = 100;
/// Most distinct traits a model may read or keep.
pub const MAX_TRAITS: usize = 32;
/// Longest time window or half-life, in days.
pub const MAX_DAYS: f64 = 3650.0;
/// Most event properties and context fields a model may read.
pub const MAX_FIELDS: usize = 32;

/// A compiled scoring model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The model's id (`b2b-saas`).
    pub id: String,
    /// The model's version (`3`, `2026-q4`).
    pub version: String,
    /// Explicit fit rules on traits.
    pub fit: Group<FitRule>,
    /// Implicit engagement rules on events.
    pub engagement: Group<EngagementRule>,
    /// Conditions that rule a visitor out whatever the points.
    pub disqualifiers: Vec<Disqualifier>,
    /// When a visitor is an MQL.
    pub thresholds: Thresholds,
    /// Cut points of the fit × engagement grade grid.
    pub grades: Grades,
    /// The filter for non-human traffic, when the model has a `bots` section.
    pub bots: Option<BotFilter>,
    /// Score to conversion probability, `1 / (1 + e^-(slope × score + intercept))`, when the
    /// model was learned from outcomes.
    pub calibration: Option<Calibration>,
    /// Trait paths the session keeps: those the rules read, then `keepTraits`.
    pub traits: Slots,
    /// Event paths the rules read (`properties.plan`, `context.userAgent`).
    pub fields: Slots,
    /// The signature of each tallied rule, in [`Model::tallied`] order.
    pub signatures: Vec<u16>,
    key: String,
}

/// Rules of one half of the score, with the bounds of their sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<R> {
    /// The rules, in model order.
    pub rules: Vec<R>,
    /// The sum never goes below this.
    pub min: Option<f64>,
    /// The sum never goes above this.
    pub max: Option<f64>,
}

/// Points for a trait condition.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRule {
    /// Unique rule id.
    pub id: String,
    /// The words sales will read (`VP or C-level title`).
    pub label: String,
    /// Points added (or deducted when negative) while the condition holds.
    pub points: f64,
    /// The condition on traits.
    pub when: Condition,
}

/// Points for events, with caps, a window, a minimum count and decay.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRule {
    /// Unique rule id.
    pub id: String,
    /// The words sales will read (`Viewed pricing`).
    pub label: String,
    /// Points per counted event (negative deducts).
    pub points: f64,
    /// Which events count.
    pub matcher: EventMatcher,
    /// Count at most this many (the most recent ones).
    pub max_count: Option<u32>,
    /// The rule's points never exceed this in size.
    pub max_points: Option<f64>,
    /// Count only events within this many milliseconds before now.
    pub within_ms: Option<f64>,
    /// The rule scores only once this many events count.
    pub min_count: u32,
    /// Each event's points halve every this many milliseconds.
    pub half_life_ms: Option<f64>,
}

/// A named reason that forces `mql = false`.
#[derive(Debug, Clone, PartialEq)]
pub struct Disqualifier {
    /// Unique id.
    pub id: String,
    /// The sentence shown (`Works at a competitor`).
    pub reason: String,
    /// What triggers it.
    pub trigger: Trigger,
}

/// What triggers a disqualifier.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// A condition on traits, checked whenever the visitor is scored.
    Traits(Condition),
    /// Any matching event, once seen (`track: "Unsubscribed"`).
    Event(EventMatcher),
}

/// Which events a rule counts.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMatcher {
    /// Page views whose path matches, or track events whose name matches.
    pub target: Target,
    /// A further condition on the event's properties or context.
    pub filter: Option<Condition>,
}

/// The event type and name a matcher looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `page` events whose path matches this glob.
    Page(Glob),
    /// `track` events whose event name matches this glob.
    Track(Glob),
}

/// When the visitor is an MQL: thresholds on fit, engagement and total.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Fit at least this.
    pub fit: Option<f64>,
    /// Engagement at least this.
    pub engagement: Option<f64>,
    /// Fit + engagement at least this.
    pub total: Option<f64>,
    /// `true`: every threshold set must be met; `false`: any one is enough.
    pub all: bool,
}

/// A logistic map from score to conversion probability, fitted on outcomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Change in log-odds per point.
    pub slope: f64,
    /// Log-odds at a score of 0.
    pub intercept: f64,
}

impl Calibration {
    /// The conversion probability of a score.
    pub fn probability(&self, score: f64) -> f64 {
        1.0 / (1.0 + (-(self.slope * score + self.intercept)).exp())
    }
}

/// Cut points for the grade grid: fit gives A–D, engagement 1–4.
#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    /// Fit at least `fit[0]` is A, `fit[1]` B, `fit[2]` C, below that D.
    pub fit: [f64; 3],
    /// Engagement at least `engagement[0]` is 1, then 2, 3, and 4 below.
    pub engagement: [f64; 3],
}

impl Model {
    /// Validates and compiles a model document, listing every problem found.
    pub fn compile(doc: &Json) -> Result<Model, ModelError> {
        let mut p = Problems::default();
        let model = compile(doc, &mut p);
        match model {
            Some(model) if p.0.is_empty() => Ok(model),
            _ => {
                if p.0.is_empty() {
                    p.add("", "is not a valid scoring model");
                }
                Err(ModelError { problems: p.0 })
            }
        }
    }

    /// `id@version`, as every result names the model.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Rules whose events the session tallies: engagement rules, then event disqualifiers.
    pub fn tallied(&self) -> impl Iterator<Item = Tallied<'_>> {
        let rules = self.engagement.rules.iter().map(Tallied::Rule);
        let disq = self.disqualifiers.iter().filter_map(|d| match &d.trigger {
            Trigger::Event(m) => Some(Tallied::Disqualifier(&d.id, m)),
            Trigger::Traits(_) => None,
        });
        rules.chain(disq)
    }
}

/// A rule whose matching events the session tallies.
#[derive(Debug, Clone, Copy)]
pub enum Tallied<'m> {
    /// An engagement rule.
    Rule(&'m EngagementRule),
    /// An event disqualifier (its id and matcher).
    Disqualifier(&'m str, &'m EventMatcher),
}

impl<'m> Tallied<'m> {
    /// The events it counts.
    pub fn matcher(&self) -> &'m EventMatcher {
        match self {
            Tallied::Rule(r) => &r.matcher,
            Tallied::Disqualifier(_, m) => m,
        }
    }

    /// How the session keeps its tally.
    pub fn kind(&self) -> TallyKind {
        match self {
            Tallied::Rule(r) => match (r.max_count, r.half_life_ms) {
                (Some(cap), _) => TallyKind::Recent(cap),
                (None, Some(h)) => TallyKind::Decayed(h),
                (None, None) => TallyKind::Count,
            },
            Tallied::Disqualifier(..) => TallyKind::Count,
        }
    }

    /// A 16-bit signature of the rule's id and tally kind: a saved tally carries over to a new
    /// model version only to a rule with the same signature.
    pub fn signature(&self) -> u16 {
        let (prefix, id) = match self {
            Tallied::Rule(r) => ("r", r.id.as_str()),
            Tallied::Disqualifier(id, _) => ("d", *id),
        };
        let kind = match self.kind() {
            TallyKind::Recent(_) => "recent".to_owned(),
            TallyKind::Decayed(h) => format!("decayed:{}", Shown(h)),
            TallyKind::Count => "count".to_owned(),
        };
        let h = crate::codec::fnv1a(format!("{prefix}:{id}:{kind}").as_bytes());
        (h ^ (h >> 16)) as u16
    }
}

/// How the session keeps a rule's tally, chosen so that its size never grows with events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TallyKind {
    /// The most recent `n` event times (rules with `maxCount`): windows and decay are exact.
    Recent(u32),
    /// A count and a sum decayed with this half-life (ms), updated in closed form.
    Decayed(f64),
    /// A plain count.
    Count,
}

const TOP: [&str; 12] = [
    "$schema",
    "id",
    "version",
    "description",
    "fit",
    "engagement",
    "disqualifiers",
    "thresholds",
    "grades",
    "keepTraits",
    "bots",
    "calibration",
];

fn compile(doc: &Json, p: &mut Problems) -> Option<Model> {
    let top = Fields::of(doc, "", &TOP, p)?;
    let id = top.string("id", p).map(str::to_owned);
    if let Some(id) = &id {
        check_id(id, "id", p);
    }
    let version = match top.get("version") {
        Some(Json::Num(n)) if n.is_finite() => Some(Shown(*n).to_string()),
        Some(v @ Json::Str(_)) => as_string(v, "version", p).map(str::to_owned),
        Some(other) => {
            p.add(
                "version",
                format!("must be a string or number, not {}", other.type_name()),
            );
            None
        }
        None => {
            p.add("version", "is required");
            None
        }
    };
    if let Some(v) = &version {
        check_id(v, "version", p);
    }
    if let Some(d) = top.get("description") {
        as_string(d, "description", p);
    }
    let mut traits = Slots::default();
    let mut fields = Slots::default();
    let mut ids = Vec::new();

    let fit = group(&top, "fit", p, |item, path, p| {
        let f = Fields::of(item, path, &["id", "label", "points", "when"], p)?;
        let (id, label) = id_and_label(&f, "label", p);
        let points = f.number("points", p);
        let when = match f.get("when") {
            Some(w) => Condition::compile(w, &f.path("when"), Scope::Traits, &mut traits, p),
            None => {
                p.add(&f.path("when"), "is required");
                None
            }
        };
        ids.push((id.clone()?, f.path("id")));
        Some(FitRule {
            id: id?,
            label: label?,
            points: points?,
            when: when?,
        })
    });

    let engagement = group(&top, "engagement", p, |item, path, p| {
        let f = Fields::of(
            item,
            path,
            &[
                "id",
                "label",
                "points",
                "page",
                "track",
                "where",
                "maxCount",
                "maxPoints",
                "withinDays",
                "minCount",
                "halfLifeDays",
            ],
            p,
        )?;
        let (id, label) = id_and_label(&f, "label", p);
        let points = f.number("points", p);
        let matcher = matcher(&f, &mut fields, p);
        let max_count = f.opt_count("maxCount", MAX_COUNT, p);
        let max_points = f.opt_positive("maxPoints", p);
        let within = days(&f, "withinDays", p);
        let half_life = days(&f, "halfLifeDays", p);
        let min_count = f.opt_count("minCount", MAX_COUNT, p).unwrap_or(1);
        if within.is_some() && !f.has("maxCount") {
            p.add(
                &f.path("maxCount"),
                format!(
                    "is required with withinDays (the session keeps the times of at most \
                     maxCount events per rule, up to {MAX_COUNT})"
                ),
            );
        }
        if let Some(cap) = max_count {
            if min_count > cap {
                p.add(
                    &f.path("minCount"),
                    format!("must not exceed maxCount ({cap})"),
                );
            }
        }
        ids.push((id.clone()?, f.path("id")));
        Some(EngagementRule {
            id: id?,
            label: label?,
            points: points?,
            matcher: matcher?,
            max_count,
            max_points,
            within_ms: within.map(|d| d * DAY_MS),
            min_count,
            half_life_ms: half_life.map(|d| d * DAY_MS),
        })
    });

    let mut disqualifiers = Vec::new();
    if let Some(items) = top.opt_array("disqualifiers", p) {
        if items.len() > MAX_RULES {
            p.add(
                "disqualifiers",
                format!("has {} entries, more than {MAX_RULES}", items.len()),
            );
        }
        for (path, item) in items.iter().take(MAX_RULES) {
            let Some(f) = Fields::of(
                item,
                path,
                &["id", "reason", "when", "page", "track", "where"],
                p,
            ) else {
                continue;
            };
            let (id, reason) = id_and_label(&f, "reason", p);
            let trigger = match (f.get("when"), f.has("page") || f.has("track")) {
                (Some(w), false) => {
                    if f.has("where") {
                        p.add(
                            &f.path("where"),
                            "applies to page or track disqualifiers only",
                        );
                    }
                    Condition::compile(w, &f.path("when"), Scope::Traits, &mut traits, p)
                        .map(Trigger::Traits)
                }
                (None, true) => matcher(&f, &mut fields, p).map(Trigger::Event),
                (Some(_), true) => {
                    p.add(
                        path,
                        "give either when (traits) or page/track (events), not both",
                    );
                    None
                }
                (None, false) => {
                    p.add(
                        path,
                        "needs when (a condition on traits) or page/track (an event)",
                    );
                    None
                }
            };
            if let Some(id) = &id {
                ids.push((id.clone(), f.path("id")));
            }
            if let (Some(id), Some(reason), Some(trigger)) = (id, reason, trigger) {
                disqualifiers.push(Disqualifier {
                    id,
                    reason,
                    trigger,
                });
            }
        }
    }

    if let Some(items) = top.opt_array("keepTraits", p) {
        for (path, item) in &items {
            if let Some(name) = as_string(item, path, p) {
                traits.slot(name);
            }
        }
    }
    if traits.paths.len() > MAX_TRAITS {
        p.add(
            "keepTraits",
            format!(
                "the model reads and keeps {} traits, more than {MAX_TRAITS}",
                traits.paths.len()
            ),
        );
    }
    if fields.paths.len() > MAX_FIELDS {
        p.add(
            "engagement",
            format!(
                "the model reads {} event fields, more than {MAX_FIELDS}",
                fields.paths.len()
            ),
        );
    }
    for (i, (id, path)) in ids.iter().enumerate() {
        if ids[..i].iter().any(|(other, _)| other == id) {
            p.add(
                path,
                format!("\"{id}\" is already used by another rule; ids must be unique"),
            );
        }
    }

    let bots = top
        .get("bots")
        .map(|b| BotFilter::compile(b, &mut fields, p));
    let bots = match bots {
        Some(None) => return None,
        Some(Some(b)) => Some(b),
        None => None,
    };
    let calibration = top.get("calibration").and_then(|c| {
        let f = Fields::of(c, "calibration", &["slope", "intercept"], p)?;
        Some(Calibration {
            slope: f.number("slope", p)?,
            intercept: f.number("intercept", p)?,
        })
    });
    let thresholds = thresholds(&top, p);
    let grades = grades(&top, p);
    let mut model = Model {
        id: id?,
        version: version?,
        fit: fit?,
        engagement: engagement?,
        disqualifiers,
        thresholds: thresholds?,
        grades: grades?,
        bots,
        calibration,
        traits,
        fields,
        signatures: Vec::new(),
        key: String::new(),
    };
    model.key = format!("{}@{}", model.id, model.version);
    model.signatures = model.tallied().map(|t| t.signature()).collect();
    Some(model)
}

fn check_id(id: &str, path: &str, p: &mut Problems) {
    let ok = id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        p.add(path, "must be at most 64 letters, digits, '-', '_' or '.'");
    }
}

fn id_and_label(f: &Fields, label_key: &str, p: &mut Problems) -> (Option<String>, Option<String>) {
    let id = f.string("id", p).map(str::to_owned);
    if let Some(id) = &id {
        check_id(id, &f.path("id"), p);
    }
    let label = match label_key {
        "label" => f
            .opt_string("label", p)
            .map(str::to_owned)
            .or_else(|| id.clone()),
        _ => f.string(label_key, p).map(str::to_owned),
    };
    (id, label)
}

fn days(f: &Fields, key: &str, p: &mut Problems) -> Option<f64> {
    let d = f.opt_positive(key, p)?;
    if d > MAX_DAYS {
        p.add(
            &f.path(key),
            format!("must be at most {} days", Shown(MAX_DAYS)),
        );
        return None;
    }
    Some(d)
}

fn group<R>(
    top: &Fields,
    key: &str,
    p: &mut Problems,
    mut rule: impl FnMut(&Json, &str, &mut Problems) -> Option<R>,
) -> Option<Group<R>> {
    let Some(value) = top.get(key) else {
        return Some(Group {
            rules: Vec::new(),
            min: None,
            max: None,
        });
    };
    let f = Fields::of(value, key, &["rules", "min", "max"], p)?;
    let min = f.opt_number("min", p);
    let max = f.opt_number("max", p);
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            p.add(
                &f.path("min"),
                format!("must not exceed max ({})", Shown(hi)),
            );
        }
    }
    let items = f.opt_array("rules", p).unwrap_or_default();
    if items.len() > MAX_RULES {
        p.add(
            &f.path("rules"),
            format!("has {} rules, more than {MAX_RULES}", items.len()),
        );
    }
    let rules: Vec<Option<R>> = items
        .iter()
        .take(MAX_RULES)
        .map(|(path, item)| rule(item, path, p))
        .collect();
    Some(Group {
        rules: rules.into_iter().collect::<Option<_>>()?,
        min,
        max,
    })
}

fn matcher(f: &Fields, fields: &mut Slots, p: &mut Problems) -> Option<EventMatcher> {
    let target = match (f.get("page"), f.get("track")) {
        (Some(page), None) => {
            let glob = as_string(page, &f.path("page"), p)?;
            if !glob.starts_with('/') && !glob.starts_with('*') {
                p.add(
                    &f.path("page"),
                    "must be a path starting with / (e.g. /pricing or /product/**)",
                );
                return None;
            }
            Target::Page(Glob::new(glob, true))
        }
        (None, Some(track)) => {
            Target::Track(Glob::new(as_string(track, &f.path("track"), p)?, false))
        }
        (Some(_), Some(_)) => {
            p.add(&f.path("track"), "give page or track, not both");
            return None;
        }
        (None, None) => {
            p.add(
                &f.path("page"),
                "is required: page (a path glob) or track (an event name)",
            );
            return None;
        }
    };
    let filter = match f.get("where") {
        Some(w) => Some(Condition::compile(
            w,
            &f.path("where"),
            Scope::Event,
            fields,
            p,
        )?),
        None => None,
    };
    Some(EventMatcher { target, filter })
}

fn thresholds(top: &Fields, p: &mut Problems) -> Option<Thresholds> {
    let Some(value) = top.get("thresholds") else {
        p.add(
            "thresholds",
            "is required: when is a visitor an MQL? (e.g. {\"fit\": 40, \"engagement\": 30})",
        );
        return None;
    };
    let f = Fields::of(
        value,
        "thresholds",
        &["fit", "engagement", "total", "require"],
        p,
    )?;
    let fit = f.opt_number("fit", p);
    let engagement = f.opt_number("engagement", p);
    let total = f.opt_number("total", p);
    if !(f.has("fit") || f.has("engagement") || f.has("total")) {
        p.add("thresholds", "needs at least one of fit, engagement, total");
    }
    let all = match f.get("require") {
        None => true,
        Some(Json::Str(s)) if s == "all" => true,
        Some(Json::Str(s)) if s == "any" => false,
        Some(_) => {
            p.add(
                &f.path("require"),
                "must be \"all\" (every threshold) or \"any\" (one is enough)",
            );
            true
        }
    };
    Some(Thresholds {
        fit,
        engagement,
        total,
        all,
    })
}

fn grades(top: &Fields, p: &mut Problems) -> Option<Grades> {
    let default = [75.0, 50.0, 25.0];
    let Some(value) = top.get("grades") else {
        return Some(Grades {
            fit: default,
            engagement: default,
        });
    };
    let f = Fields::of(value, "grades", &["fit", "engagement"], p)?;
    let cuts = |key: &str, p: &mut Problems| -> Option<[f64; 3]> {
        let Some(items) = f.opt_array(key, p) else {
            return Some(default);
        };
        let nums: Vec<f64> = items
            .iter()
            .filter_map(|(path, v)| crate::reader::as_number(v, path, p))
            .collect();
        match nums[..] {
            [a, b, c] if a > b && b > c => Some([a, b, c]),
            _ => {
                p.add(&f.path(key), "must be three numbers, highest first (the lowest scores of grades A, B, C or 1, 2, 3)");
                None
            }
        }
    };
    let fit = cuts("fit", p);
    let engagement = cuts("engagement", p);
    Some(Grades {
        fit: fit?,
        engagement: engagement?,
    })
}
