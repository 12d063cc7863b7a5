//! What every call returns: the score, its halves, the grade, the MQL flag, and the reasons.

use crate::format::number::Shown;
use crate::model::bots::FilterReason;
use crate::model::{EngagementRule, FitRule, Model, Tallied, Trigger};
use crate::score::grade::Grade;
use crate::score::readings::{rule_points_counted, Readings};
use crate::score::trait_view::TraitView;
use crate::session::Session;
use std::fmt;

/// A visitor's score at one moment, with the reasons for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Fit + engagement.
    pub score: f64,
    /// The explicit half: traits, within the fit group's bounds.
    pub fit: f64,
    /// The implicit half: events, within the engagement group's bounds.
    pub engagement: f64,
    /// Fit letter and engagement number (`B2`).
    pub grade: Grade,
    /// Whether the visitor is an MQL now.
    pub mql: bool,
    /// True only on the call whose event made the visitor an MQL for the first time.
    pub became_mql: bool,
    /// When the visitor first became an MQL (epoch milliseconds).
    pub mql_since: Option<f64>,
    /// The disqualifier that rules the visitor out, if any.
    pub disqualifier: Option<Disqualification>,
    /// `id@version` of the model that made this score.
    pub model: String,
    /// The moment scored (epoch milliseconds).
    pub at: f64,
    /// Every rule that contributed, largest first (by size, so penalties rank too).
    pub reasons: Vec<Reason>,
    /// Events the bot filter kept from scoring, by [`FilterReason::index`].
    pub filtered: [u32; 3],
    /// Why this call's event was kept from scoring, if it was.
    pub filtered_by: Option<FilterReason>,
    /// Estimated conversion probability, for a model with a calibration (learned from outcomes).
    pub probability: Option<f64>,
}

/// Why a visitor cannot be an MQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Disqualification {
    /// The disqualifier's id.
    pub id: String,
    /// Its sentence (`Works at a competitor`).
    pub reason: String,
}

/// Which half of the score a reason belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// Explicit: traits.
    Fit,
    /// Implicit: events.
    Engagement,
}

/// One rule's contribution to the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The rule's id (or `fit.max`, `engagement.min`, … for a group bound).
    pub rule: String,
    /// The half it counts in.
    pub half: Half,
    /// Points now, after decay and caps (negative deducts).
    pub points: f64,
    /// Events counted now, for engagement rules.
    pub count: Option<u32>,
    /// When they happened (epoch seconds, oldest first), for engagement rules: each one for a
    /// rule with `maxCount`, the newest alone for the others.
    pub times: Option<Vec<i64>>,
    /// The sentence sales reads (`Viewed pricing: 3 times in the last 30 days (+30)`).
    pub sentence: String,
}

/// Fit, engagement and disqualification, without the reasons: what the MQL check needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Fit, rounded to hundredths.
    pub fit: f64,
    /// Engagement, rounded to hundredths.
    pub engagement: f64,
    /// Index of the first disqualifier that applies.
    pub disqualified: Option<usize>,
}

/// Rounds to hundredths, as scores are shown and compared with thresholds.
pub fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

fn bound(sum: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let sum = min.map_or(sum, |m| sum.max(m));
    max.map_or(sum, |m| sum.min(m))
}

/// Each engagement rule's points at `now` (epoch seconds), with its count.
fn engagement_points<'a>(
    model: &'a Model,
    session: &'a Session,
    now: f64,
) -> impl Iterator<Item = (&'a EngagementRule, f64, u32)> + 'a {
    model
        .engagement
        .rules
        .iter()
        .enumerate()
        .map(move |(i, rule)| {
            let (points, count) = rule_points_counted(model, session, i, now);
            (rule, points, count)
        })
}

/// The fit rules whose conditions hold.
fn fit_rules_holding<'a>(
    model: &'a Model,
    view: &'a TraitView,
) -> impl Iterator<Item = &'a FitRule> + 'a {
    model
        .fit
        .rules
        .iter()
        .zip(view.holds())
        .filter(|(_, h)| **h)
        .map(|(r, _)| r)
}

impl Totals {
    /// Computes the totals of `session` under `model` at `now` (epoch seconds).
    pub fn of(model: &Model, session: &Session, view: &TraitView, now: f64) -> Totals {
        let fit = view.fit();
        let engagement = engagement_points(model, session, now)
            .map(|(_, p, _)| p)
            .sum();
        Totals::bounded(
            model,
            fit,
            engagement,
            disqualified(model, session, view, now),
        )
    }

    /// [`Totals::of`], rereading only what changed since `readings` were taken.
    pub fn of_read(
        model: &Model,
        session: &Session,
        view: &TraitView,
        now: f64,
        readings: &mut Readings,
    ) -> Totals {
        let engagement = readings.engagement(model, session, now);
        Totals::bounded(
            model,
            view.fit(),
            engagement,
            disqualified(model, session, view, now),
        )
    }

    /// Totals from the raw sums of each half, bounded and rounded.
    fn bounded(model: &Model, fit: f64, engagement: f64, disqualified: Option<usize>) -> Totals {
        Totals {
            fit: round2(bound(fit, model.fit.min, model.fit.max)),
            engagement: round2(bound(
                engagement,
                model.engagement.min,
                model.engagement.max,
            )),
            disqualified,
        }
    }

    /// Whether these totals meet the model's thresholds and nothing disqualifies.
    pub fn is_mql(&self, model: &Model) -> bool {
        let t = &model.thresholds;
        let checks = [
            t.fit.map(|f| self.fit >= f),
            t.engagement.map(|e| self.engagement >= e),
            t.total.map(|s| round2(self.fit + self.engagement) >= s),
        ];
        let mut set = checks.iter().flatten();
        let met = if t.all {
            set.all(|ok| *ok)
        } else {
            set.any(|ok| *ok)
        };
        met && self.disqualified.is_none()
    }
}

fn disqualified(model: &Model, session: &Session, view: &TraitView, now: f64) -> Option<usize> {
    let tallied_before = model.engagement.rules.len();
    let mut event_index = 0;
    let mut by_traits = view.disqualifies().iter();
    model.disqualifiers.iter().position(|d| match &d.trigger {
        Trigger::Traits(_) => by_traits.next() == Some(&true),
        Trigger::Event(m) => {
            let i = tallied_before + event_index;
            event_index += 1;
            session
                .reading(i, Tallied::Disqualifier(&d.id, m), now)
                .count
                > 0
        }
    })
}

impl Scorecard {
    /// The full scorecard of `session` under `model` at `now_ms` (epoch milliseconds).
    pub fn of(model: &Model, session: &Session, view: &TraitView, now_ms: f64) -> Scorecard {
        let now = now_ms / 1000.0;
        let mut reasons = Vec::new();
        let mut raw_fit = 0.0;
        for rule in fit_rules_holding(model, view) {
            raw_fit += rule.points;
            if rule.points != 0.0 {
                reasons.push(Reason {
                    rule: rule.id.clone(),
                    half: Half::Fit,
                    points: round2(rule.points),
                    count: None,
                    times: None,
                    sentence: format!("{} ({})", rule.label, signed(rule.points)),
                });
            }
        }
        let mut raw_engagement = 0.0;
        for (i, (rule, points, count)) in engagement_points(model, session, now).enumerate() {
            raw_engagement += points;
            if round2(points) == 0.0 {
                continue;
            }
            let window = rule
                .within_ms
                .map(|w| format!(" in the last {}", days(w)))
                .unwrap_or_default();
            let decayed = rule
                .half_life_ms
                .map(|h| format!(", halving every {}", days(h)))
                .unwrap_or_default();
            reasons.push(Reason {
                rule: rule.id.clone(),
                half: Half::Engagement,
                points: round2(points),
                count: Some(count),
                times: Some(session.counted_times(i, rule, now)),
                sentence: format!(
                    "{}: {}{window} ({}{decayed})",
                    rule.label,
                    times(count),
                    signed(points)
                ),
            });
        }
        let totals = Totals::bounded(
            model,
            raw_fit,
            raw_engagement,
            disqualified(model, session, view, now),
        );
        for (half, name, raw, kept, min, max) in [
            (
                Half::Fit,
                "fit",
                round2(raw_fit),
                totals.fit,
                model.fit.min,
                model.fit.max,
            ),
            (
                Half::Engagement,
                "engagement",
                round2(raw_engagement),
                totals.engagement,
                model.engagement.min,
                model.engagement.max,
            ),
        ] {
            let excess = round2(kept - raw);
            if excess != 0.0 {
                let (edge, limit) = if excess < 0.0 {
                    ("max", max)
                } else {
                    ("min", min)
                };
                let limit = limit.unwrap_or_default();
                let word = if excess < 0.0 {
                    "capped at"
                } else {
                    "floored at"
                };
                reasons.push(Reason {
                    rule: format!("{name}.{edge}"),
                    half,
                    points: excess,
                    count: None,
                    times: None,
                    sentence: format!(
                        "{} {word} {} ({})",
                        capitalized(name),
                        Shown(limit),
                        signed(excess)
                    ),
                });
            }
        }
        sort_by_size(&mut reasons);
        let disqualifier = totals.disqualified.map(|i| Disqualification {
            id: model.disqualifiers[i].id.clone(),
            reason: model.disqualifiers[i].reason.clone(),
        });
        Scorecard {
            score: round2(totals.fit + totals.engagement),
            fit: totals.fit,
            engagement: totals.engagement,
            grade: Grade::of(&model.grades, totals.fit, totals.engagement),
            mql: totals.is_mql(model),
            became_mql: false,
            mql_since: session.mql_since.map(|s| s as f64 * 1000.0),
            disqualifier,
            model: model.key().to_owned(),
            at: now_ms,
            reasons,
            filtered: session.filtered,
            filtered_by: None,
            probability: model.calibration.map(|c| {
                (c.probability(round2(totals.fit + totals.engagement)) * 10_000.0).round()
                    / 10_000.0
            }),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.sentence)
    }
}

fn signed(points: f64) -> String {
    let p = round2(points);
    if p >= 0.0 {
        format!("+{}", Shown(p))
    } else {
        format!("{}", Shown(p))
    }
}

fn times(n: u32) -> String {
    match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

fn days(ms: f64) -> String {
    let d = ms / crate::format::time::DAY_MS;
    if d == 1.0 {
        "day".to_owned()
    } else {
        format!("{} days", Shown(d))
    }
}

/// Largest points first, ties in model order (a stable insertion sort: a few dozen reasons at
/// most in practice, and the standard library's stable sort is 3 KB of the small module).
fn sort_by_size(reasons: &mut [Reason]) {
    for i in 1..reasons.len() {
        let mut j = i;
        while j > 0
            && reasons[j - 1]
                .points
                .abs()
                .total_cmp(&reasons[j].points.abs())
                .is_lt()
        {
            reasons.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
