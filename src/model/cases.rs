//! The checks a model's `cases` get when it is compiled: what can be told without scoring (a
//! named case, a readable time, a grade that can exist, rules and a disqualifier the model
//! has). Running them is the scorer's (`score::cases`); an unreadable event fails its case there,
//! with the event's path.

use super::check::Problems;
use super::document::ModelDocument;
use crate::format::json::Json;
use crate::format::time::parse_iso8601;

/// Most cases a model may carry.
pub const MAX_CASES: usize = 1000;

/// Adds a problem for each thing wrong in `doc.cases`.
pub fn check_cases(doc: &ModelDocument, p: &mut Problems) {
    if doc.cases.len() > MAX_CASES {
        p.add(
            "cases",
            format!("has {} cases, more than {MAX_CASES}", doc.cases.len()),
        );
    }
    let rules: Vec<&str> = doc
        .fit
        .iter()
        .flat_map(|g| g.rules.iter().map(|r| r.id.as_str()))
        .chain(
            doc.engagement
                .iter()
                .flat_map(|g| g.rules.iter().map(|r| r.id.as_str())),
        )
        .chain(["fit.max", "fit.min", "engagement.max", "engagement.min"])
        .collect();
    for (i, case) in doc.cases.iter().enumerate() {
        let at = format!("cases[{i}]");
        if case.name.trim().is_empty() {
            p.add(&format!("{at}.name"), "must name what the case shows");
        }
        if doc.cases[..i].iter().any(|c| c.name == case.name) {
            p.add(
                &format!("{at}.name"),
                format!("\"{}\" names two cases", case.name),
            );
        }
        if case.events.is_empty() {
            p.add(&format!("{at}.events"), "must list the visitor's events");
        }
        for (j, e) in case.events.iter().enumerate() {
            if !matches!(e, Json::Obj(_)) {
                p.add(&format!("{at}.events[{j}]"), "must be an event object");
            }
        }
        if let Some(t) = &case.at {
            if parse_iso8601(t).is_none() {
                p.add(
                    &format!("{at}.at"),
                    format!("\"{t}\" is not an ISO-8601 date-time"),
                );
            }
        }
        let e = &case.expect;
        if let Some(grade) = &e.grade {
            let b = grade.as_bytes();
            let ok = b.len() == 2
                && matches!(b[0], b'A'..=b'D' | b'*')
                && matches!(b[1], b'1'..=b'4' | b'*');
            if !ok {
                p.add(
                    &format!("{at}.expect.grade"),
                    format!("\"{grade}\" is not a grade (A1 to D4, * for any part)"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (e.min_score, e.max_score) {
            if lo > hi {
                p.add(&format!("{at}.expect.minScore"), "is above maxScore");
            }
        }
        for (field, list) in [("reasons", &e.reasons), ("notReasons", &e.not_reasons)] {
            for (k, id) in list.iter().enumerate() {
                if !rules.contains(&id.as_str()) {
                    p.add(
                        &format!("{at}.expect.{field}[{k}]"),
                        format!("\"{id}\" is not a rule of the model"),
                    );
                }
            }
        }
        if let Some(id) = e.disqualifier.as_deref().filter(|d| !d.is_empty()) {
            if !doc.disqualifiers.iter().any(|d| d.id == id) {
                p.add(
                    &format!("{at}.expect.disqualifier"),
                    format!("\"{id}\" is not a disqualifier of the model"),
                );
            }
        }
    }
}
