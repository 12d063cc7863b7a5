//! Inputs the fuzzers found, kept as tests (each file also seeds its fuzz target).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::{Event, Json, Model, Scorer};

/// The events fuzz target's model: the B2B example with a bot filter.
fn guarded() -> Model {
    example_with(
        "b2b-saas",
        r#""bots": { "burst": { "events": 5, "seconds": 2 }, "clicks": { "events": ["Email Link Clicked"] } }"#,
    )
}

/// fuzz/seeds/events/regression-redelivered-burst.json: a track event that no rule matches
/// still has its time recorded by the burst filter, so it must be remembered as seen; its
/// redelivery recorded the time a second time.
#[test]
fn a_redelivered_unmatched_event_is_not_counted_twice_by_the_burst_filter() {
    let text = include_str!("../fuzz/seeds/events/regression-redelivered-burst.json");
    let Ok(Json::Arr(events)) = Json::parse(text) else {
        panic!("the seed is a JSON array")
    };
    let mut s = Scorer::new(guarded());
    let mut checked = 0;
    for raw in &events {
        let Ok(event) = Event::read(raw, s.model()) else {
            continue;
        };
        s.ingest(&event, T0).unwrap();
        let before = s.save();
        s.ingest(&event, T0).unwrap();
        assert_eq!(
            s.save(),
            before,
            "a redelivered message changed the session"
        );
        checked += 1;
    }
    assert_eq!(checked, 1);
}
