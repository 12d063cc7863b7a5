//! Every JSON example in the README and in `docs/` is what it claims to be: a model that
//! compiles, a part of one that compiles inside a minimal model, or a mapping that reads.

#![cfg(not(target_arch = "wasm32"))]

use mqlscore::learn::CsvMapping;
use mqlscore::{Json, Model};
use std::path::PathBuf;

fn pages() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// The ```json blocks of a page.
fn json_blocks(text: &str) -> Vec<String> {
    text.split("```json\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_json_example_in_the_docs_is_valid() {
    let mut checked = 0;
    for (page, text) in pages() {
        for block in json_blocks(&text) {
            let trimmed = block.trim();
            // A part of a model (`"bots": { … }`) is checked inside a minimal one.
            let document = if trimmed.starts_with('"') {
                format!(
                    r#"{{"id":"doc","version":1,"engagement":{{"rules":[{{"id":"p","points":1,"page":"/"}}]}},"thresholds":{{"engagement":1}},{trimmed}}}"#
                )
            } else {
                trimmed.to_owned()
            };
            let json = Json::parse(&document)
                .unwrap_or_else(|e| panic!("{page}: not JSON ({e}):\n{trimmed}"));
            if json.get("converted").is_some() {
                json.into_typed::<CsvMapping>()
                    .unwrap_or_else(|e| panic!("{page}: not a CSV mapping ({e}):\n{trimmed}"));
            } else if json.get("all").is_some() || json.get("trait").is_some() {
                let wrapped = format!(
                    r#"{{"id":"doc","version":1,"fit":{{"rules":[{{"id":"f","points":1,"when":{trimmed}}}]}},"thresholds":{{"fit":1}}}}"#
                );
                Model::compile(&Json::parse(&wrapped).unwrap())
                    .unwrap_or_else(|e| panic!("{page}: not a condition ({e}):\n{trimmed}"));
            } else {
                Model::compile(&json)
                    .unwrap_or_else(|e| panic!("{page}: not a valid model ({e}):\n{trimmed}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} JSON examples found");
}
