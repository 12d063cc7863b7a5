//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use mqlscore::{Event, Json, Model, Scorecard, Scorer};

/// 2026-11-02T09:00:00Z, the tests' "now".
pub const T0: f64 = 1_793_610_000_000.0;
pub const DAY: f64 = 86_400_000.0;

pub fn json(text: &str) -> Json {
    Json::parse(text).expect("test JSON parses")
}

pub fn model(text: &str) -> Model {
    Model::compile(&json(text)).unwrap_or_else(|e| panic!("{e}"))
}

/// The text of `models/<name>.json`.
pub fn example_text(name: &str) -> String {
    let path = format!("{}/models/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

pub fn example(name: &str) -> Model {
    model(&example_text(name))
}

/// An example model with one more top-level section (`"bots": {...}`), placed before its
/// thresholds.
pub fn example_with(name: &str, section: &str) -> Model {
    let text = example_text(name);
    model(&text.replacen(r#""thresholds""#, &format!(r#"{section}, "thresholds""#), 1))
}

pub fn problems(text: &str) -> Vec<String> {
    match Model::compile(&json(text)) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

pub fn event(scorer: &Scorer, text: &str) -> Event {
    Event::read(&json(text), scorer.model()).unwrap_or_else(|e| panic!("{e}"))
}

/// Scores a page view of `path` at `at` (epoch ms), with the scorer's clock at `at`.
pub fn page(scorer: &mut Scorer, path: &str, at: f64) -> Scorecard {
    let e = event(
        scorer,
        &format!(r#"{{"type":"page","properties":{{"path":"{path}"}},"timestamp":{at}}}"#),
    );
    scorer.ingest(&e, at).unwrap()
}

pub fn track(scorer: &mut Scorer, name: &str, at: f64) -> Scorecard {
    let e = event(
        scorer,
        &format!(r#"{{"type":"track","event":"{name}","timestamp":{at}}}"#),
    );
    scorer.ingest(&e, at).unwrap()
}

pub fn identify(scorer: &mut Scorer, traits: &str, at: f64) -> Scorecard {
    let e = event(
        scorer,
        &format!(r#"{{"type":"identify","traits":{traits},"timestamp":{at}}}"#),
    );
    scorer.ingest(&e, at).unwrap()
}

/// `(rule, points)` of each reason, in order.
pub fn reasons(card: &Scorecard) -> Vec<(String, f64)> {
    card.reasons
        .iter()
        .map(|r| (r.rule.clone(), r.points))
        .collect()
}
