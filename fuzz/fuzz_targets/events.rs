//! Any text as a stream of events against the example model with a bot filter: ingestion never
//! panics, scores stay within the model's caps, save → restore → save is byte-identical, and a
//! redelivered messageId changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqlscore::{Event, Json, Model, Scorer};
use std::sync::OnceLock;

const NOW: f64 = 1_793_610_000_000.0;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let text = include_str!("../../models/b2b-saas.json").replacen(
            "\"thresholds\"",
            r#""bots": { "burst": { "events": 5, "seconds": 2 }, "clicks": { "events": ["Email Link Clicked"] } }, "thresholds""#,
            1,
        );
        Model::compile(&Json::parse(&text).expect("example parses")).expect("example compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(Json::Arr(events)) = Json::parse(&text) else { return };
    let mut scorer = Scorer::new(model().clone());
    for raw in &events {
        let Ok(event) = Event::read(raw, scorer.model()) else { continue };
        let Ok(card) = scorer.ingest(&event, NOW) else { continue };
        assert!(card.fit <= 100.0 && card.engagement <= 100.0, "{card:?}");
        if event.message.is_some() {
            let before = scorer.save();
            let again = scorer.ingest(&event, NOW).expect("accepted once, accepted again");
            assert!(!again.became_mql);
            assert_eq!(scorer.save(), before, "a redelivered message changed the session");
        }
    }
    let saved = scorer.save();
    let (restored, _) = Scorer::restore(model().clone(), &saved).expect("own save restores");
    assert_eq!(restored.save(), saved);
    assert_eq!(restored.score(NOW), scorer.score(NOW));
});
