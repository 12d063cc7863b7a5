//! Running a model's cases: each visitor's events scored by a fresh session, and what comes out
//! held against what the case expects. A failure says what was expected and what came out, with
//! the score, grade and reasons, so that whoever changed the model sees why.

use crate::format::json::Json;
use crate::format::time::parse_iso8601;
use crate::model::document::{ModelCase, ModelDocument};
use crate::model::Model;
use crate::score::scorecard::Scorecard;
use crate::score::scorer::Scorer;
use crate::session::event::Event;
use std::sync::Arc;

/// How one case came out.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    /// The case's name.
    pub name: String,
    /// What did not come out as expected (empty: it passed).
    pub failures: Vec<String>,
    /// The visitor's scorecard, when the events could be scored.
    pub card: Option<Scorecard>,
}

impl CaseOutcome {
    /// Whether it came out as expected.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

serde_types! {
    /// How a model's cases came out, as programs read it (`testModel` in JavaScript).
    #[serde(deny_unknown_fields)]
    pub struct CaseReport {
        /// Cases that came out as expected.
        pub passed: f64,
        /// Cases that did not.
        pub failed: f64,
        /// Each case, in the model's order.
        pub cases: Vec<CaseShown>,
    }

    /// How one case came out.
    #[serde(deny_unknown_fields)]
    pub struct CaseShown {
        /// Its name.
        pub name: String,
        /// Whether it came out as expected.
        pub passed: bool,
        /// What did not, each with what came out (score, grade, reasons).
        pub failures: Vec<String>,
    }
}

impl CaseReport {
    /// The report of these outcomes.
    pub fn of(outcomes: &[CaseOutcome]) -> CaseReport {
        let passed = outcomes.iter().filter(|c| c.passed()).count();
        CaseReport {
            passed: passed as f64,
            failed: (outcomes.len() - passed) as f64,
            cases: outcomes
                .iter()
                .map(|c| CaseShown {
                    name: c.name.clone(),
                    passed: c.passed(),
                    failures: c.failures.clone(),
                })
                .collect(),
        }
    }
}

/// Runs every case of `doc` under `model` (compiled from `doc`, or learned from it).
pub fn run_cases(doc: &ModelDocument, model: &Arc<Model>) -> Vec<CaseOutcome> {
    doc.cases
        .iter()
        .enumerate()
        .map(|(i, case)| run_case(i, case, model))
        .collect()
}

fn run_case(i: usize, case: &ModelCase, model: &Arc<Model>) -> CaseOutcome {
    let outcome = |failures: Vec<String>, card: Option<Scorecard>| CaseOutcome {
        name: case.name.clone(),
        failures,
        card,
    };
    let latest = case
        .events
        .iter()
        .filter_map(|e| match e.get("timestamp") {
            Some(Json::Str(t)) => parse_iso8601(t),
            Some(Json::Num(n)) => Some(*n),
            _ => None,
        })
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
    let Some(now) = case.at.as_deref().and_then(parse_iso8601).or(latest) else {
        return outcome(
            vec![format!(
                "cases[{i}]: needs `at` or events with a timestamp: when is it scored?"
            )],
            None,
        );
    };
    let mut scorer = Scorer::new(Arc::clone(model));
    for (j, json) in case.events.iter().enumerate() {
        let read = Event::read(json, scorer.model()).and_then(|e| scorer.ingest(&e, now));
        if let Err(e) = read {
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!(".{}", e.field)
            };
            return outcome(
                vec![format!("cases[{i}].events[{j}]{field}: {}", e.message)],
                None,
            );
        }
    }
    let card = scorer.score(now);
    let failures = expectations(case, &card);
    outcome(failures, Some(card))
}

/// What of `case.expect` `card` does not meet.
fn expectations(case: &ModelCase, card: &Scorecard) -> Vec<String> {
    let e = &case.expect;
    let grade = card.grade.to_string();
    let ids: Vec<&str> = card.reasons.iter().map(|r| r.rule.as_str()).collect();
    let came_out = format!(
        "score {}, grade {grade}, {}, reasons: {}",
        card.score,
        if card.mql { "an MQL" } else { "not an MQL" },
        if ids.is_empty() {
            "none".to_owned()
        } else {
            ids.join(", ")
        }
    );
    let mut out = Vec::new();
    if let Some(mql) = e.mql {
        if card.mql != mql {
            let want = if mql { "an MQL" } else { "not an MQL" };
            out.push(format!("expected {want}; came out {came_out}"));
        }
    }
    if let Some(want) = &e.grade {
        let fits = want
            .bytes()
            .zip(grade.bytes())
            .all(|(w, g)| w == b'*' || w == g);
        if !fits {
            out.push(format!("expected grade {want}; came out {came_out}"));
        }
    }
    if let Some(min) = e.min_score {
        if card.score < min {
            out.push(format!(
                "expected a score of at least {min}; came out {came_out}"
            ));
        }
    }
    if let Some(max) = e.max_score {
        if card.score > max {
            out.push(format!(
                "expected a score of at most {max}; came out {came_out}"
            ));
        }
    }
    for id in &e.reasons {
        if !ids.contains(&id.as_str()) {
            out.push(format!("expected the reason {id}; came out {came_out}"));
        }
    }
    for id in &e.not_reasons {
        if ids.contains(&id.as_str()) {
            out.push(format!("expected no reason {id}; came out {came_out}"));
        }
    }
    if let Some(want) = &e.disqualifier {
        let got = card.disqualifier.as_ref().map_or("", |d| d.id.as_str());
        if got != want {
            let say = |id: &str| {
                if id.is_empty() {
                    "no disqualifier".to_owned()
                } else {
                    format!("disqualifier {id}")
                }
            };
            out.push(format!(
                "expected {}; came out with {}",
                say(want),
                say(got)
            ));
        }
    }
    out
}
