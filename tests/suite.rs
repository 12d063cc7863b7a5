//! The synthetic suite: CRM exports whose answer is known (`mqlscore generate --export`,
//! src/learn/exports.rs), learned with every default as a first-time user would, and held to
//! the truth: on the held-out rows the scorecard ranks nearly as well as the true probabilities
//! do, and finds the structure that is there (a step at its number, a rare level that matters,
//! an interaction, the shape of a smooth effect and of a peak). bench/learning/suite.py puts
//! scikit-learn's figures beside these.
#![cfg(not(target_arch = "wasm32"))]

use mqlscore::document::ModelDocument;
use mqlscore::learn::{
    auc, export, learn, read_csv, score_leads, CsvMapping, Labels, Options, Scenario, TrainOptions,
    Tuning,
};
use mqlscore::Model;
use std::sync::Arc;

/// Rows per scenario: 70% learned from, 30% held out.
const ROWS: usize = 6000;

struct Outcome {
    model: ModelDocument,
    auc: f64,
    truth_auc: f64,
}

fn learned(scenario: Scenario, rows: usize) -> Outcome {
    let data = export(scenario, rows, 7);
    let mut lines = data.csv.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let cut = rows.len() * 7 / 10;
    let part = |rows: &[&str]| format!("{header}\n{}\n", rows.join("\n"));
    let mapping: CsvMapping = serde_json::from_str(&data.mapping).unwrap();
    let given = TrainOptions::default();
    let (options, proposal): (Options, _) = (given.check().unwrap(), given.proposal().unwrap());
    let leads = read_csv(&part(&rows[..cut]), &mapping, Labels::Required).unwrap();
    let learned = learn(
        None,
        true,
        scenario.name(),
        Some(&mapping),
        &leads,
        &proposal,
        &options,
        &Tuning::of(&given, &options, &proposal),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", scenario.name()));
    let model = learned.training.model;
    let compiled = Arc::new(Model::from_document(&model).unwrap());
    let held = read_csv(&part(&rows[cut..]), &mapping, Labels::Required).unwrap();
    let scores: Vec<f64> = score_leads(&compiled, &held)
        .into_iter()
        .map(|card| card.unwrap().probability.unwrap())
        .collect();
    let outcomes: Vec<bool> = held.iter().map(|l| l.converted == Some(true)).collect();
    Outcome {
        model,
        auc: auc(&scores, &outcomes).unwrap(),
        truth_auc: auc(&data.truth[cut..], &outcomes).unwrap(),
    }
}

/// Whether a rule's condition reads the trait at `path`.
fn reads(when: &impl serde::Serialize, path: &str) -> bool {
    serde_json::to_string(when)
        .unwrap()
        .contains(&format!("\"{path}\""))
}

/// `(id, label, points)` of the fit rules reading `path`.
fn rules_on<'a>(model: &'a ModelDocument, path: &str) -> Vec<(&'a str, &'a str, f64)> {
    let fit = model.fit.as_ref().unwrap();
    fit.rules
        .iter()
        .filter(|r| reads(&r.when, path))
        .map(|r| (r.id.as_str(), r.label.as_deref().unwrap_or(""), r.points))
        .collect()
}

/// The held-out AUC is within `slack` of the truth's on the same rows.
fn near_the_truth(o: &Outcome, scenario: Scenario, slack: f64) {
    assert!(
        o.auc >= o.truth_auc - slack,
        "{}: AUC {:.3}, the truth's {:.3}",
        scenario.name(),
        o.auc,
        o.truth_auc
    );
}

#[test]
fn a_column_that_does_not_matter_gets_no_rule_and_a_rare_level_that_does_keeps_one() {
    // 12,000 rows: each rare source has about 50 of the 8,400 learned from.
    let o = learned(Scenario::RareLevels, 12_000);
    near_the_truth(&o, Scenario::RareLevels, 0.03);
    // Only Lead Source matters here. The seven other columns get no rule, but for one whose
    // chance difference the data shows (blank minutes: 31.0% converted against 25.4%, z 2.9, on
    // these rows), and that one counts for little.
    let fit = o.model.fit.as_ref().unwrap();
    let others: Vec<(&str, f64)> = fit
        .rules
        .iter()
        .filter(|r| !r.id.starts_with("source-"))
        .map(|r| (r.id.as_str(), r.points))
        .collect();
    assert!(
        others.len() <= 1 && others.iter().all(|(_, points)| points.abs() < 10.0),
        "{others:?}"
    );
    let sources = rules_on(&o.model, "source");
    let points_of = |level: &str| {
        sources
            .iter()
            .find(|(_, label, _)| label.contains(level))
            .map(|(_, _, points)| *points)
            .unwrap_or_else(|| panic!("a rule names {level}: {sources:?}"))
    };
    // Under 1% of rows each, and kept: they convert far more (or less) than the rest.
    assert!(points_of("Welingak Website") > 10.0, "{sources:?}");
    assert!(points_of("Click2call") > 10.0, "{sources:?}");
    assert!(points_of("Live Chat") < -10.0, "{sources:?}");
    assert!(points_of("Reference") > 5.0, "{sources:?}");
}

/// `(lower bound, points)` of each bin of the number at `path`, the baseline bin (no rule, 0
/// points) included, in order; rules for "not given" left out.
fn bins_of(model: &ModelDocument, path: &str) -> Vec<(f64, f64)> {
    let mut bins: Vec<(f64, f64, f64)> = model
        .fit
        .as_ref()
        .unwrap()
        .rules
        .iter()
        .filter(|r| reads(&r.when, path) && !r.id.ends_with("-missing"))
        .map(|rule| {
            let points = rule.points;
            let when = serde_json::to_value(&rule.when).unwrap();
            let bound = |key: &str| when.get(key).and_then(|v| v.as_f64());
            (
                bound("gte").unwrap_or(f64::NEG_INFINITY),
                bound("lt").unwrap_or(f64::INFINITY),
                points,
            )
        })
        .collect();
    bins.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The baseline is the gap the rules leave.
    let mut at = f64::NEG_INFINITY;
    let mut out = Vec::new();
    for (lo, hi, points) in bins {
        if lo > at {
            out.push((at, 0.0));
        }
        out.push((lo, points));
        at = hi;
    }
    if at < f64::INFINITY {
        out.push((at, 0.0));
    }
    out
}

#[test]
fn a_smooth_effect_becomes_points_that_rise_with_it() {
    let o = learned(Scenario::Smooth, ROWS);
    near_the_truth(&o, Scenario::Smooth, 0.03);
    let bins = bins_of(&o.model, "minutes");
    assert!(bins.len() >= 3, "{bins:?}");
    assert!(
        bins.windows(2).all(|w| w[1].1 > w[0].1),
        "points rise with minutes: {bins:?}"
    );
}

#[test]
fn a_peak_is_highest_around_it() {
    // 12,000 rows: at 6,000 the bins are too coarse for a peak this narrow (AUC 0.590 against
    // the truth's 0.646 on seed 7's rows).
    let o = learned(Scenario::Peak, 12_000);
    near_the_truth(&o, Scenario::Peak, 0.03);
    let bins = bins_of(&o.model, "visits");
    let best = bins
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
        .map(|(i, _)| i)
        .unwrap();
    // The bin with the most points holds 7 visits, and points fall on both sides of it.
    let upper = bins.get(best + 1).map_or(f64::INFINITY, |b| b.0);
    assert!(bins[best].0 <= 7.0 && 7.0 < upper, "{bins:?}");
    assert!(best > 0 && best + 1 < bins.len(), "{bins:?}");
}

#[test]
fn an_interaction_is_found_and_its_parts_kept() {
    let o = learned(Scenario::Interaction, ROWS);
    near_the_truth(&o, Scenario::Interaction, 0.03);
    let fit = o.model.fit.as_ref().unwrap();
    let both = fit
        .rules
        .iter()
        .find(|r| {
            let when = serde_json::to_string(&r.when).unwrap();
            when.contains("\"all\"")
                && when.contains("Working Professional")
                && when.contains("Yes")
        })
        .unwrap_or_else(|| {
            panic!(
                "an interaction rule: {:?}",
                fit.rules.iter().map(|r| &r.id).collect::<Vec<_>>()
            )
        });
    assert!(both.points > 10.0, "{}: {}", both.id, both.points);
}

#[test]
fn a_whole_crm_export_ranks_near_the_truth() {
    let o = learned(Scenario::Crm, ROWS);
    near_the_truth(&o, Scenario::Crm, 0.05);
    let rules = o.model.fit.as_ref().unwrap().rules.len();
    assert!(rules <= 25, "a scorecard people can read: {rules} rules");
}

#[test]
fn a_step_is_found_at_its_number() {
    let o = learned(Scenario::Threshold, ROWS);
    near_the_truth(&o, Scenario::Threshold, 0.03);
    let bins = bins_of(&o.model, "company.employees");
    // A cut at 500 exactly (the quantiles fell at 400 and 1000), and the points jump there.
    let at = bins
        .iter()
        .position(|b| b.0 == 500.0)
        .unwrap_or_else(|| panic!("a cut at 500: {bins:?}"));
    assert!(bins[at].1 - bins[at - 1].1 > 15.0, "{bins:?}");
    // Only Employees matters here.
    let rules = o.model.fit.as_ref().unwrap().rules.len();
    assert!(rules <= 5, "{rules} rules");
}
