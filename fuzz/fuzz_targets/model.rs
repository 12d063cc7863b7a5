//! Any text as a model: parsing and validation never panic, and a model that compiles scores
//! and saves an empty session.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqlscore::{Json, Model, Scorer};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(doc) = Json::parse(&text) else { return };
    if let Ok(model) = Model::compile(&doc) {
        let scorer = Scorer::new(model);
        let card = scorer.score(1_800_000_000_000.0);
        assert!(!card.mql || card.disqualifier.is_none());
        let saved = scorer.save();
        assert!(Scorer::restore(scorer.model().clone(), &saved).is_ok());
    }
});
