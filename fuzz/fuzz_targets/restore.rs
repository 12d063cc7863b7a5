//! Any text as a saved session: restore never panics, and what it accepts saves canonically
//! (restoring that save and saving again gives the same string).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqlscore::{Json, Model, Scorer};
use std::sync::OnceLock;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let text = include_str!("../../models/b2b-saas.json");
        Model::compile(&Json::parse(text).expect("example parses")).expect("example compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok((scorer, _)) = Scorer::restore(model().clone(), &text) else { return };
    let _ = scorer.score(1_793_610_000_000.0);
    let once = scorer.save();
    let (again, _) = Scorer::restore(model().clone(), &once).expect("own save restores");
    assert_eq!(again.save(), once);
});
