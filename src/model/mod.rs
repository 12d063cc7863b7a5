//! The scoring model: what a marketer writes, validated and compiled once.
//!
//! See `models/b2b-saas.json` for a full example and `docs/model.md` for the format.

pub mod bots;
#[cfg(feature = "training")]
pub mod cases;
pub mod check;
mod compile;
pub mod condition;
pub mod document;
pub mod glob;
mod packed;
mod shape;

use crate::errors::ModelError;
use crate::format::json::Json;
use crate::format::number::Shown;
use bots::BotFilter;
use check::Problems;
use condition::{Condition, Slots};
use document::ModelDocument;
use glob::Glob;
use shape::under;

/// Most engagement rules or disqualifiers a model may have, each (a session keeps a tally for
/// each engagement rule and event disqualifier).
pub const MAX_RULES: usize = 64;
/// Most fit rules a model may have: a session keeps no state per fit rule (its traits are what
/// it saves), so learned models with a rule per level and per bin, and their interactions, fit.
pub const MAX_FIT_RULES: usize = 256;
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
    /// The tallied rules (by [`Model::tallied`] index, with their kind) that count page views,
    /// then those that count track events: an event tests only the rules of its type.
    by_target: [Vec<TalliedAt>; 2],
}

/// Where a tallied rule is: its tally's index, how the tally is kept, and the rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TalliedAt {
    /// Index of its tally ([`Model::tallied`] order).
    pub tally: usize,
    /// How its tally is kept.
    pub kind: TallyKind,
    /// The engagement rule's index, or the event disqualifier's in `disqualifiers`.
    pub rule: RuleAt,
}

/// A tallied rule's place in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAt {
    /// `engagement.rules[i]`.
    Engagement(usize),
    /// `disqualifiers[i]`.
    Disqualifier(usize),
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
        let (document, mut problems, set_aside) = shape::read_shape(doc);
        let Some(document) = document else {
            return Err(ModelError { problems });
        };
        if problems.is_empty() {
            return Model::from_document(&document);
        }
        // Meaning is checked too, except under what was set aside (stand-ins are not the
        // writer's words).
        let mut p = Problems::default();
        compile::compile(&document, &mut p);
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
        let model = compile::compile(doc, &mut p);
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

    /// Works out what the model derives from its rules: its key, the tallied rules' signatures
    /// and the tallied rules by event type (after compiling, and after reading a compiled form).
    fn derive(&mut self) {
        self.key = format!("{}@{}", self.id, self.version);
        self.signatures = self.tallied().map(|t| t.signature()).collect();
        let engagement = self.engagement.rules.len();
        let event_disqualifiers = self
            .disqualifiers
            .iter()
            .enumerate()
            .filter(|(_, d)| matches!(d.trigger, Trigger::Event(_)))
            .map(|(i, _)| RuleAt::Disqualifier(i));
        let places: Vec<RuleAt> = (0..engagement)
            .map(RuleAt::Engagement)
            .chain(event_disqualifiers)
            .collect();
        let targets: Vec<(bool, TallyKind)> = self
            .tallied()
            .map(|t| (matches!(t.matcher().target, Target::Track(_)), t.kind()))
            .collect();
        for (tally, ((track, kind), rule)) in targets.into_iter().zip(places).enumerate() {
            self.by_target[usize::from(track)].push(TalliedAt { tally, kind, rule });
        }
    }

    /// The tallied rules that count page views (`track: false`) or track events (`track:
    /// true`), in tally order.
    pub fn tallied_by_target(&self, track: bool) -> &[TalliedAt] {
        &self.by_target[usize::from(track)]
    }

    /// The matcher of a tallied rule.
    pub fn matcher_at(&self, at: RuleAt) -> &EventMatcher {
        match at {
            RuleAt::Engagement(i) => &self.engagement.rules[i].matcher,
            RuleAt::Disqualifier(i) => match &self.disqualifiers[i].trigger {
                Trigger::Event(m) => m,
                Trigger::Traits(_) => unreachable!("only event disqualifiers are tallied"),
            },
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
        let h = crate::format::fingerprint::fnv1a(format!("{prefix}:{id}:{kind}").as_bytes());
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
