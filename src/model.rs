//! The scoring model: what a marketer writes, validated and compiled once.
//!
//! See `models/b2b-saas.json` for a full example and the README for the format.

use crate::bots::BotFilter;
use crate::condition::{Condition, Scope, Slots};
use crate::document::{self, GradeCuts, ModelDocument, Require, Version};
use crate::errors::{ModelError, Problem};
use crate::glob::Glob;
use crate::json::{path_text, Json, Step};
use crate::number::Shown;
use crate::reader::{count, join, number, positive, text, Problems};
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
    /// Validates and compiles a model given as a JSON tree: its shape first (the first type,
    /// missing or unknown field, with its path), then its meaning (every problem, each with its
    /// path).
    pub fn compile(doc: &Json) -> Result<Model, ModelError> {
        let (document, mut problems, set_aside) = read_shape(doc);
        let Some(document) = document else {
            return Err(ModelError { problems });
        };
        if problems.is_empty() {
            return Model::from_document(&document);
        }
        // Meaning is checked too, except under what was set aside (stand-ins are not the
        // writer's words).
        let mut p = Problems::default();
        compile(&document, &mut p);
        problems.extend(p.0.into_iter().filter(|problem| {
            !set_aside.iter().any(|s| {
                under(&problem.path, s) || under(s, &problem.path) && !problem.path.is_empty()
            })
        }));
        Err(ModelError { problems })
    }

    /// Validates and compiles a model document, listing every problem found.
    pub fn from_document(doc: &ModelDocument) -> Result<Model, ModelError> {
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

impl ModelDocument {
    /// Reads the model document from a JSON tree: its shape (types, required and unknown
    /// fields) through serde. Every shape problem is listed with its path: after each, the
    /// offending part is set aside (an unknown field dropped, a wrong or missing value replaced
    /// by a stand-in of the expected type) and reading goes on.
    pub fn read(doc: &Json) -> Result<ModelDocument, ModelError> {
        let (document, problems, _) = read_shape(doc);
        match document {
            Some(d) if problems.is_empty() => Ok(d),
            _ => Err(ModelError { problems }),
        }
    }
}

/// Most shape problems listed before reading gives up.
const MAX_SHAPE_PROBLEMS: usize = 50;

/// The document read as far as it goes, its shape problems, and the paths set aside (nothing
/// said of what lies under them is the writer's doing).
fn read_shape(doc: &Json) -> (Option<ModelDocument>, Vec<Problem>, Vec<String>) {
    let mut doc = doc.clone();
    let mut problems: Vec<Problem> = Vec::new();
    let mut set_aside: Vec<String> = Vec::new();
    for _ in 0..MAX_SHAPE_PROBLEMS * 2 {
        let e = match doc.clone().into_typed::<ModelDocument>() {
            Ok(d) => return (Some(d), problems, set_aside),
            Err(e) => e,
        };
        let problem = shape_problem(&path_text(&e.path), &e.message);
        let repaired = repair(&mut doc, &e.path, &e.message);
        let under = set_aside.iter().any(|p| under(&problem.path, p));
        if !under {
            set_aside.push(problem.path.clone());
            problems.push(problem);
        }
        if !repaired || problems.len() >= MAX_SHAPE_PROBLEMS {
            break;
        }
    }
    (None, problems, set_aside)
}

/// Whether `path` is `top` or lies within it (everything lies within the root, `""`).
fn under(path: &str, top: &str) -> bool {
    top.is_empty()
        || path == top
        || path.starts_with(&format!("{top}."))
        || path.starts_with(&format!("{top}["))
}

/// Sets aside what serde could not read at `segments`, so that reading can go on: `true` when
/// something changed.
fn repair(doc: &mut Json, segments: &[Step], message: &str) -> bool {
    let Some(node) = node_at(doc, segments) else {
        return false;
    };
    if message.starts_with("unknown field ") {
        // The path ends at the unknown field: drop it from its object.
        let Some(Step::Key(field)) = segments.last() else {
            return false;
        };
        let parent = node_at(doc, &segments[..segments.len() - 1]);
        if let Some(Json::Obj(entries)) = parent {
            let before = entries.len();
            entries.retain(|(k, _)| k != field);
            return entries.len() != before;
        }
        return false;
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = rest.split('`').nth(1).unwrap_or_default().to_owned();
        if let Json::Obj(entries) = node {
            entries.push((field, Json::Null));
            return true;
        }
        return false;
    }
    let wanted = message.rsplit("expected ").next().unwrap_or_default();
    let stand_in =
        if wanted.starts_with("f64") || wanted.contains("number") && !wanted.contains("string") {
            Json::Num(1.0)
        } else if wanted.starts_with("a boolean") {
            Json::Bool(true)
        } else if wanted.starts_with("struct") || wanted.starts_with("a map") {
            Json::Obj(Vec::new())
        } else if wanted.starts_with("a sequence") {
            Json::Arr(Vec::new())
        } else if wanted.contains("`all`") {
            Json::str("all")
        } else {
            Json::str("set-aside")
        };
    if *node == stand_in {
        return false;
    }
    *node = stand_in;
    true
}

fn node_at<'a>(doc: &'a mut Json, segments: &[Step]) -> Option<&'a mut Json> {
    let mut node = doc;
    for s in segments {
        node = match (s, node) {
            (Step::Key(k), Json::Obj(entries)) => {
                &mut entries.iter_mut().rev().find(|(key, _)| key == k)?.1
            }
            (Step::Index(i), Json::Arr(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// serde's words for a document that does not fit its types, in the words of the rest of the
/// model's problems: `fit.rules[0].points: must be a number, not a string`.
fn shape_problem(path: &str, serde_message: &str) -> Problem {
    let quoted = |text: &str| text.split('`').nth(1).unwrap_or_default().to_owned();
    let (path, message) = if let Some(rest) = serde_message.strip_prefix("unknown field ") {
        let expected: Vec<String> = rest
            .split("expected one of ")
            .nth(1)
            .or_else(|| rest.split("expected ").nth(1))
            .unwrap_or_default()
            .split(", ")
            .map(|s| s.trim_start_matches("or ").trim_matches('`').to_owned())
            .collect();
        (
            path.to_owned(),
            format!("unknown field (expected one of: {})", expected.join(", ")),
        )
    } else if let Some(rest) = serde_message.strip_prefix("missing field ") {
        let field = quoted(rest);
        let hint = match field.as_str() {
            "thresholds" => ": when is a visitor an MQL? (e.g. {\"fit\": 40, \"engagement\": 30})",
            "events" if path == "bots.clicks" => ": the track events that are link clicks",
            _ => "",
        };
        (join(path, &field), format!("is required{hint}"))
    } else if let Some(rest) = serde_message.strip_prefix("invalid type: ") {
        let (found, wanted) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        (
            path.to_owned(),
            format!("must be {}, not {}", kind(wanted), kind(found)),
        )
    } else if let Some(rest) = serde_message.strip_prefix("unknown variant ") {
        let wanted = rest.split_once(", expected ").map_or("", |(_, w)| w);
        (
            path.to_owned(),
            format!("must be {}", wanted.replace('`', "\"")),
        )
    } else {
        (path.to_owned(), format!("must be {serde_message}"))
    };
    Problem { path, message }
}

/// `a string`, `a number`, … for serde's names of types and values.
fn kind(serde_name: &str) -> String {
    let name = serde_name.trim();
    if name == "a boolean" {
        return "true or false".to_owned();
    }
    let word = match name.split_whitespace().next().unwrap_or_default() {
        "string" | "a" if name.contains("string") => "a string",
        "f64" | "floating" | "integer" | "u32" | "u64" | "i64" => "a number",
        "boolean" | "bool" => "a boolean",
        "map" | "struct" => "an object",
        "sequence" => "an array",
        "null" | "unit" => "null",
        _ => return name.to_owned(),
    };
    word.to_owned()
}

fn compile(doc: &ModelDocument, p: &mut Problems) -> Option<Model> {
    let id = check_id(&doc.id, "id", p);
    let version = match &doc.version {
        Version::Text(v) => text(v, "version", p).map(str::to_owned),
        Version::Number(n) => number(*n, "version", p).map(|n| Shown(n).to_string()),
    };
    let version = version.filter(|v| check_id(v, "version", p).is_some());
    if let Some(d) = &doc.description {
        text(d, "description", p);
    }
    let mut traits = Slots::default();
    let mut fields = Slots::default();
    let mut ids = Vec::new();

    let fit = group(doc.fit.as_ref(), "fit", p, |rule, path, p| {
        let id = check_id(&rule.id, &join(path, "id"), p);
        let label = label(rule.label.as_deref(), &rule.id, path, p);
        let points = number(rule.points, &join(path, "points"), p);
        let when = Condition::compile(
            &rule.when.0,
            &join(path, "when"),
            Scope::Traits,
            &mut traits,
            p,
        );
        ids.push((rule.id.clone(), join(path, "id")));
        Some(FitRule {
            id: id?.to_owned(),
            label: label?,
            points: points?,
            when: when?,
        })
    });

    let engagement = group(doc.engagement.as_ref(), "engagement", p, |rule, path, p| {
        let id = check_id(&rule.id, &join(path, "id"), p);
        let label = label(rule.label.as_deref(), &rule.id, path, p);
        let points = number(rule.points, &join(path, "points"), p);
        let matcher = matcher(
            rule.page.as_deref(),
            rule.track.as_deref(),
            rule.filter.as_ref(),
            path,
            &mut fields,
            p,
        );
        let max_count = rule
            .max_count
            .and_then(|n| count(n, MAX_COUNT, &join(path, "maxCount"), p));
        let max_points = rule
            .max_points
            .and_then(|n| positive(n, &join(path, "maxPoints"), p));
        let within = rule
            .within_days
            .and_then(|d| days(d, &join(path, "withinDays"), p));
        let half_life = rule
            .half_life_days
            .and_then(|d| days(d, &join(path, "halfLifeDays"), p));
        let min_count = rule
            .min_count
            .and_then(|n| count(n, MAX_COUNT, &join(path, "minCount"), p))
            .unwrap_or(1);
        if rule.within_days.is_some() && rule.max_count.is_none() {
            p.add(
                &join(path, "maxCount"),
                format!(
                    "is required with withinDays (the session keeps the times of at most \
                     maxCount events per rule, up to {MAX_COUNT})"
                ),
            );
        }
        if let Some(cap) = max_count {
            if min_count > cap {
                p.add(
                    &join(path, "minCount"),
                    format!("must not exceed maxCount ({cap})"),
                );
            }
        }
        ids.push((rule.id.clone(), join(path, "id")));
        Some(EngagementRule {
            id: id?.to_owned(),
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

    if doc.disqualifiers.len() > MAX_RULES {
        p.add(
            "disqualifiers",
            format!(
                "has {} entries, more than {MAX_RULES}",
                doc.disqualifiers.len()
            ),
        );
    }
    let mut disqualifiers = Vec::new();
    for (i, d) in doc.disqualifiers.iter().take(MAX_RULES).enumerate() {
        let path = format!("disqualifiers[{i}]");
        let id = check_id(&d.id, &join(&path, "id"), p);
        let reason = text(&d.reason, &join(&path, "reason"), p);
        let event = d.page.is_some() || d.track.is_some();
        let trigger = match (&d.when, event) {
            (Some(w), false) => {
                if d.filter.is_some() {
                    p.add(
                        &join(&path, "where"),
                        "applies to page or track disqualifiers only",
                    );
                }
                Condition::compile(&w.0, &join(&path, "when"), Scope::Traits, &mut traits, p)
                    .map(Trigger::Traits)
            }
            (None, true) => matcher(
                d.page.as_deref(),
                d.track.as_deref(),
                d.filter.as_ref(),
                &path,
                &mut fields,
                p,
            )
            .map(Trigger::Event),
            (Some(_), true) => {
                p.add(
                    &path,
                    "give either when (traits) or page/track (events), not both",
                );
                None
            }
            (None, false) => {
                p.add(
                    &path,
                    "needs when (a condition on traits) or page/track (an event)",
                );
                None
            }
        };
        ids.push((d.id.clone(), join(&path, "id")));
        if let (Some(id), Some(reason), Some(trigger)) = (id, reason, trigger) {
            disqualifiers.push(Disqualifier {
                id: id.to_owned(),
                reason: reason.to_owned(),
                trigger,
            });
        }
    }

    for (i, name) in doc.keep_traits.iter().enumerate() {
        if let Some(name) = text(name, &format!("keepTraits[{i}]"), p) {
            traits.slot(name);
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

    let bots = match &doc.bots {
        Some(b) => Some(BotFilter::compile(b, &mut fields, p)?),
        None => None,
    };
    let calibration = match &doc.calibration {
        Some(c) => {
            let slope = number(c.slope, "calibration.slope", p);
            let intercept = number(c.intercept, "calibration.intercept", p);
            Some(Calibration {
                slope: slope?,
                intercept: intercept?,
            })
        }
        None => None,
    };
    let thresholds = thresholds(&doc.thresholds, p);
    let grades = grades(doc.grades.as_ref(), p);
    let mut model = Model {
        id: id?.to_owned(),
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

fn check_id<'a>(id: &'a str, path: &str, p: &mut Problems) -> Option<&'a str> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        p.add(path, "must be at most 64 letters, digits, '-', '_' or '.'");
        return None;
    }
    Some(id)
}

/// A rule's label, checked, or its id when it has none.
fn label(label: Option<&str>, id: &str, path: &str, p: &mut Problems) -> Option<String> {
    match label {
        Some(l) => text(l, &join(path, "label"), p).map(str::to_owned),
        None => Some(id.to_owned()),
    }
}

fn days(d: f64, path: &str, p: &mut Problems) -> Option<f64> {
    let d = positive(d, path, p)?;
    if d > MAX_DAYS {
        p.add(path, format!("must be at most {} days", Shown(MAX_DAYS)));
        return None;
    }
    Some(d)
}

fn group<R, C>(
    doc: Option<&document::RuleGroup<R>>,
    key: &str,
    p: &mut Problems,
    mut rule: impl FnMut(&R, &str, &mut Problems) -> Option<C>,
) -> Option<Group<C>> {
    let Some(doc) = doc else {
        return Some(Group {
            rules: Vec::new(),
            min: None,
            max: None,
        });
    };
    let min = doc.min.and_then(|n| number(n, &join(key, "min"), p));
    let max = doc.max.and_then(|n| number(n, &join(key, "max"), p));
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            p.add(
                &join(key, "min"),
                format!("must not exceed max ({})", Shown(hi)),
            );
        }
    }
    if doc.rules.len() > MAX_RULES {
        p.add(
            &join(key, "rules"),
            format!("has {} rules, more than {MAX_RULES}", doc.rules.len()),
        );
    }
    let rules: Vec<Option<C>> = doc
        .rules
        .iter()
        .take(MAX_RULES)
        .enumerate()
        .map(|(i, item)| rule(item, &format!("{key}.rules[{i}]"), p))
        .collect();
    Some(Group {
        rules: rules.into_iter().collect::<Option<_>>()?,
        min,
        max,
    })
}

fn matcher(
    page: Option<&str>,
    track: Option<&str>,
    filter: Option<&document::EventCondition>,
    path: &str,
    fields: &mut Slots,
    p: &mut Problems,
) -> Option<EventMatcher> {
    let target = match (page, track) {
        (Some(page), None) => {
            let glob = text(page, &join(path, "page"), p)?;
            if !glob.starts_with('/') && !glob.starts_with('*') {
                p.add(
                    &join(path, "page"),
                    "must be a path starting with / (e.g. /pricing or /product/**)",
                );
                return None;
            }
            Target::Page(Glob::new(glob, true))
        }
        (None, Some(track)) => {
            Target::Track(Glob::new(text(track, &join(path, "track"), p)?, false))
        }
        (Some(_), Some(_)) => {
            p.add(&join(path, "track"), "give page or track, not both");
            return None;
        }
        (None, None) => {
            p.add(
                &join(path, "page"),
                "is required: page (a path glob) or track (an event name)",
            );
            return None;
        }
    };
    let filter = match filter {
        Some(w) => Some(Condition::compile(
            &w.0,
            &join(path, "where"),
            Scope::Event,
            fields,
            p,
        )?),
        None => None,
    };
    Some(EventMatcher { target, filter })
}

fn thresholds(doc: &document::Thresholds, p: &mut Problems) -> Option<Thresholds> {
    let fit = doc.fit.and_then(|n| number(n, "thresholds.fit", p));
    let engagement = doc
        .engagement
        .and_then(|n| number(n, "thresholds.engagement", p));
    let total = doc.total.and_then(|n| number(n, "thresholds.total", p));
    if doc.fit.is_none() && doc.engagement.is_none() && doc.total.is_none() {
        p.add("thresholds", "needs at least one of fit, engagement, total");
    }
    Some(Thresholds {
        fit,
        engagement,
        total,
        all: !matches!(doc.require, Some(Require::Any)),
    })
}

fn grades(doc: Option<&GradeCuts>, p: &mut Problems) -> Option<Grades> {
    let default = [75.0, 50.0, 25.0];
    let Some(doc) = doc else {
        return Some(Grades {
            fit: default,
            engagement: default,
        });
    };
    let mut cuts = |cuts: &Option<Vec<f64>>, key: &str| -> Option<[f64; 3]> {
        let Some(cuts) = cuts else {
            return Some(default);
        };
        let path = join("grades", key);
        let nums: Vec<f64> = cuts
            .iter()
            .enumerate()
            .filter_map(|(i, n)| number(*n, &format!("{path}[{i}]"), p))
            .collect();
        match nums[..] {
            [a, b, c] if a > b && b > c => Some([a, b, c]),
            _ => {
                p.add(&path, "must be three numbers, highest first (the lowest scores of grades A, B, C or 1, 2, 3)");
                None
            }
        }
    };
    let fit = cuts(&doc.fit, "fit");
    let engagement = cuts(&doc.engagement, "engagement");
    Some(Grades {
        fit: fit?,
        engagement: engagement?,
    })
}
