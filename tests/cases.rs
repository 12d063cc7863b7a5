//! Models that carry their tests: `cases` checked when a model is compiled, run by a fresh
//! session each, failures saying what came out, and carried through training.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::document::ModelDocument;
use mqlscore::learn::{learn, read_csv, CsvMapping, Labels, Options, ProposeOptions, Tuning};
use mqlscore::{run_cases, Model};
use std::sync::Arc;

fn doc(text: &str) -> ModelDocument {
    ModelDocument::read(&json(text)).unwrap_or_else(|e| panic!("{e}"))
}

fn run(text: &str) -> Vec<mqlscore::CaseOutcome> {
    let d = doc(text);
    let model = Arc::new(Model::from_document(&d).unwrap_or_else(|e| panic!("{e}")));
    run_cases(&d, &model)
}

#[test]
fn the_demo_models_cases_pass() {
    let outcomes = run(&example_text("b2b-saas"));
    assert_eq!(outcomes.len(), 4);
    for c in &outcomes {
        assert!(c.passed(), "{}: {:?}", c.name, c.failures);
        assert!(c.card.is_some());
    }
}

#[test]
fn a_case_that_does_not_come_out_says_what_did() {
    let text = example_text("b2b-saas")
        .replace(r#""grade": "A2""#, r#""grade": "*4""#)
        .replace(
            r#""expect": { "mql": false, "disqualifier": "competitor" }"#,
            r#""expect": { "mql": true, "disqualifier": "", "minScore": 500, "notReasons": ["pricing"] }"#,
        );
    let outcomes = run(&text);
    let vp = &outcomes[0];
    assert_eq!(vp.failures.len(), 1);
    assert!(
        vp.failures[0].starts_with("expected grade *4; came out score "),
        "{:?}",
        vp.failures
    );
    assert!(vp.failures[0].contains("grade A2, an MQL, reasons: pricing, exec-title"));
    let rival = &outcomes[2];
    let said: Vec<&str> = rival
        .failures
        .iter()
        .map(|f| f.split(';').next().unwrap_or(f))
        .collect();
    assert_eq!(
        said,
        [
            "expected an MQL",
            "expected a score of at least 500",
            "expected no reason pricing",
            "expected no disqualifier"
        ]
    );
    assert_eq!(
        rival.failures[3],
        "expected no disqualifier; came out with disqualifier competitor"
    );
    assert!(outcomes[1].passed() && outcomes[3].passed());
}

#[test]
fn an_unreadable_event_fails_its_case_naming_the_event() {
    let text = example_text("b2b-saas").replace(
        r#""timestamp": "2026-11-02T09:04:00Z""#,
        r#""timestamp": "yesterday""#,
    );
    let outcomes = run(&text);
    assert_eq!(
        outcomes[3].failures,
        ["cases[3].events[2].timestamp: \"yesterday\" is not an ISO-8601 date-time"]
    );
    assert!(outcomes[3].card.is_none());
    let undated = r#"{ "id": "u", "version": 1, "thresholds": { "total": 1 },
        "engagement": { "rules": [ { "id": "seen", "points": 1, "page": "/**" } ] },
        "cases": [ { "name": "no time", "events": [ { "type": "page", "properties": { "path": "/" } } ],
                     "expect": { "mql": true } } ] }"#;
    assert_eq!(
        run(undated)[0].failures,
        ["cases[0]: needs `at` or events with a timestamp: when is it scored?"]
    );
    let dated = undated.replace(r#""expect""#, r#""at": "2026-11-02T09:00:00Z", "expect""#);
    assert!(run(&dated)[0].passed());
}

#[test]
fn cases_are_checked_when_the_model_is_compiled() {
    let text = r#"{ "id": "c", "version": 1, "thresholds": { "total": 1 },
        "engagement": { "rules": [ { "id": "seen", "points": 1, "page": "/**" } ] },
        "cases": [
          { "name": " ", "events": [], "at": "soon",
            "expect": { "grade": "E9", "minScore": 5, "maxScore": 1, "reasons": ["seen", "gone"],
                        "notReasons": ["fit.max", "nope"], "disqualifier": "rival" } },
          { "name": "twice", "events": [ 42 ], "expect": {} },
          { "name": "twice", "events": [ { "type": "page" } ], "expect": {} } ] }"#;
    assert_eq!(
        problems(text),
        [
            "cases[0].name: must name what the case shows",
            "cases[0].events: must list the visitor's events",
            "cases[0].at: \"soon\" is not an ISO-8601 date-time",
            "cases[0].expect.grade: \"E9\" is not a grade (A1 to D4, * for any part)",
            "cases[0].expect.minScore: is above maxScore",
            "cases[0].expect.reasons[1]: \"gone\" is not a rule of the model",
            "cases[0].expect.notReasons[1]: \"nope\" is not a rule of the model",
            "cases[0].expect.disqualifier: \"rival\" is not a disqualifier of the model",
            "cases[1].events[0]: must be an event object",
            "cases[2].name: \"twice\" names two cases",
        ]
    );
    let unknown = text.replace(r#""expect": {} } ] }"#, r#""expect": { "mq": true } } ] }"#);
    let said = problems(&unknown);
    assert!(
        said.iter()
            .any(|p| p.starts_with("cases[2].expect.mq: unknown field")),
        "{said:?}"
    );
}

#[test]
fn training_carries_the_cases_and_says_which_the_new_points_break() {
    let mapping: CsvMapping = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/examples/crm-mapping.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let csv = std::fs::read_to_string(format!(
        "{}/examples/crm-export.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let leads = read_csv(&csv, &mapping, Labels::Required).unwrap();
    let base = doc(&example_text("b2b-saas"));
    let options = Options::default();
    let learned = learn(
        Some(base.clone()),
        false,
        "b2b-saas",
        Some(&mapping),
        &leads,
        &ProposeOptions::default(),
        &options,
        &Tuning::fixed(10, options.l2),
    )
    .unwrap();
    assert_eq!(
        learned.training.model.cases, base.cases,
        "carried over as written"
    );
    assert_eq!(learned.cases.len(), 4);
    // The report is what running them on the learned model gives.
    let model = Arc::new(Model::from_document(&learned.training.model).unwrap());
    assert_eq!(run_cases(&learned.training.model, &model), learned.cases);
    let broken: Vec<&str> = learned
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| c.name.as_str())
        .collect();
    // 400 leads teach a threshold the hand-written VP no longer reaches.
    assert!(
        broken.contains(&"A VP at a mid-sized software company who came back to pricing is an MQL"),
        "{broken:?}"
    );
}
