//! The results the per-event path writes as JSON text (`Scorecard::to_json`, fast and
//! hand-written) are exactly the serde types `ScoreResult` and `BatchResult`, from which the
//! TypeScript declarations are generated: a field added to one and not the other fails here.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::{BatchResult, Event, ScoreResult, Scorer};

/// Every key path of a JSON value (`reasons[].sentence`), so that a field written as absent
/// rather than null is caught too.
fn keys(value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{at}.{k}");
                out.push(path.clone());
                keys(v, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                keys(item, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
    out.sort();
    out.dedup();
}

fn key_paths(value: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    keys(value, "", &mut out);
    out
}

/// The written text reads back as `typed`, with the same fields (none absent for null).
fn written_as<T>(text: &str, typed: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let written: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&written, typed);
    assert_eq!(
        key_paths(&serde_json::from_str(text).unwrap()),
        key_paths(&serde_json::to_value(typed).unwrap())
    );
}

fn same(card: &mqlscore::Scorecard) {
    written_as(&card.to_json(None), &ScoreResult::of(card));
}

#[test]
fn every_kind_of_result_is_written_as_its_type() {
    let model = example_with(
        "b2b-saas",
        r#""bots": { "burst": { "events": 3, "seconds": 60 }, "clicks": { "events": ["Email Link Clicked"] } }"#,
    );
    let mut s = Scorer::new(model);
    same(&page(&mut s, "/", T0));
    same(&page(&mut s, "/pricing", T0 + 1000.0));
    same(&identify(
        &mut s,
        r#"{"email":"ann@acme.com","title":"VP Marketing","company":{"employees":450}}"#,
        T0 + 2000.0,
    ));
    same(&track(&mut s, "Email Link Clicked", T0 + 3000.0));
    same(&page(&mut s, "/pricing", T0 + 4000.0));
    let card = identify(&mut s, r#"{"email":"spy@rivalytics.com"}"#, T0 + 5000.0);
    assert!(card.disqualifier.is_some());
    same(&card);

    let mut batch = Scorer::new(example("b2b-saas"));
    let good = Event::read(
        &json(r#"{"type":"page","properties":{"path":"/pricing"}}"#),
        batch.model(),
    );
    let bad = Event::read(
        &json(r#"{"type":"page","timestamp":"soon","properties":{"path":"/"}}"#),
        batch.model(),
    );
    assert!(bad.is_err());
    let (card, rejected) = batch.ingest_all(vec![good, bad], T0);
    assert_eq!(rejected.len(), 1);
    written_as(
        &card.to_json(Some(&rejected)),
        &BatchResult::of(&card, &rejected),
    );
}

#[test]
fn the_light_result_is_the_scorecard_without_its_reasons() {
    let model = example_with(
        "b2b-saas",
        r#""bots": { "burst": { "events": 3, "seconds": 60 } }"#,
    );
    let (mut full, mut light) = (Scorer::new(model.clone()), Scorer::new(model));
    let events = [
        r#"{"type":"page","properties":{"path":"/"}}"#,
        r#"{"type":"page","properties":{"path":"/pricing"},"messageId":"m1"}"#,
        r#"{"type":"page","properties":{"path":"/pricing"},"messageId":"m1"}"#,
        r#"{"type":"identify","traits":{"title":"VP Marketing","company":{"employees":450}}}"#,
        r#"{"type":"track","event":"Demo Requested"}"#,
        r#"{"type":"page","properties":{"path":"/pricing"}}"#,
        r#"{"type":"identify","traits":{"email":"spy@rivalytics.com"}}"#,
    ];
    let mut became = 0;
    for (i, text) in events.iter().enumerate() {
        let at = T0 + 1000.0 * i as f64;
        let card = full.ingest(&event(&full, text), at).unwrap();
        let l = light.ingest_light(&event(&light, text), at).unwrap();
        assert_eq!(
            (
                l.score,
                l.fit,
                l.engagement,
                l.grade,
                l.mql,
                l.became_mql,
                l.filtered_by,
                l.mql_since
            ),
            (
                card.score,
                card.fit,
                card.engagement,
                card.grade,
                card.mql,
                card.became_mql,
                card.filtered_by,
                card.mql_since
            ),
            "event {i}: {text}"
        );
        became += usize::from(l.became_mql);
    }
    assert_eq!(became, 1, "the scenario qualifies once");
    assert!(light.score(T0 + 10_000.0).disqualifier.is_some());
}
