//! Pairwise interactions, found where the data supports them: points add up rule by rule, so
//! a combination that converts more (or less) than its parts say ("Referral and 500+
//! employees") is missed until it is a rule of its own. After the rules' points are fitted,
//! each pair of fit rules on different traits is tested on the leads where both hold: how far
//! their outcomes are from what the fit predicts, against the spread expected by chance (a score
//! test). The pairs that pass, strongest first, become `all` rules that training weighs like any
//! other, so the model still reads as points with reasons.

use crate::learn::dataset::Lead;
use crate::learn::features::Values;
use crate::learn::logistic::{sigmoid, Logistic};
use crate::learn::samples::samples;
use crate::model::document::{Condition, FitRule, ModelDocument, TraitCondition};
use crate::model::{Model, MAX_FIT_RULES};
use std::borrow::Borrow;

/// A pair of fit rules whose combination the data supports as a rule of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    /// The two rules' ids, in model order.
    pub rules: (String, String),
    /// The score test's statistic (chi-squared, one degree of freedom).
    pub statistic: f64,
    /// Leads where both hold.
    pub leads: usize,
}

/// The model with up to `max` interaction rules added (points at zero), and what was found. A
/// pair is kept when at least `min_rows` leads have both rules holding and its chance of arising
/// from noise is below 5% across every pair tested (Bonferroni's way).
pub fn add_interactions(
    doc: &ModelDocument,
    model: &Model,
    leads: &[impl Borrow<Lead> + Sync],
    l2: f64,
    max: usize,
    min_rows: usize,
) -> (ModelDocument, Vec<Interaction>) {
    let Some(fit) = doc.fit.as_ref().filter(|_| max > 0) else {
        return (doc.clone(), Vec::new());
    };
    let (samples, _) = samples(model, leads);
    let x: Vec<&Values> = samples.iter().map(|s| &s.features).collect();
    let y: Vec<bool> = samples.iter().map(|s| s.converted).collect();
    let width = crate::learn::features::features(model).len();
    let Ok(fitted) = Logistic::fit(&x, width, &y, &vec![1.0; y.len()], l2) else {
        return (doc.clone(), Vec::new());
    };
    let p: Vec<f64> = x
        .iter()
        .map(|row| sigmoid(row.dot(&fitted.weights) + fitted.intercept))
        .collect();
    let reads: Vec<Vec<String>> = fit.rules.iter().map(|r| traits_read(&r.when.0)).collect();
    let n = fit.rules.len();
    // The leads where each rule holds, in order: a pair walks the shorter list (the same leads
    // in the same order as a walk over all of them, at a fraction of the cost).
    // The same as bits, one per lead, for the other rule of a pair to be tested in one step.
    let mut holds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let words = x.len().div_ceil(64);
    let mut bits: Vec<Vec<u64>> = vec![vec![0; words]; n];
    for (i, row) in x.iter().enumerate() {
        for (a, v) in row.nonzero() {
            if a < n && v == 1.0 {
                holds[a].push(i);
                bits[a][i / 64] |= 1 << (i % 64);
            }
        }
    }
    let mut tested = 0usize;
    let mut found = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            if reads[a].iter().any(|t| reads[b].contains(t)) {
                continue;
            }
            tested += 1;
            let (mut residual, mut variance, mut rows) = (0.0, 0.0, 0usize);
            let (short, other) = if holds[a].len() <= holds[b].len() {
                (&holds[a], b)
            } else {
                (&holds[b], a)
            };
            let other = &bits[other];
            for &i in short {
                if other[i / 64] & (1 << (i % 64)) != 0 {
                    residual += f64::from(u8::from(y[i])) - p[i];
                    variance += p[i] * (1.0 - p[i]);
                    rows += 1;
                }
            }
            if rows >= min_rows && variance > 0.0 {
                found.push((a, b, residual * residual / variance, rows));
            }
        }
    }
    // The chance of a statistic this large from noise, one degree of freedom: erfc(√(s/2)).
    let alpha = 0.05 / tested.max(1) as f64;
    found.retain(|(_, _, s, _)| libm::erfc((s / 2.0).sqrt()) < alpha);
    found.sort_by(|l, r| r.2.total_cmp(&l.2));
    let room = MAX_FIT_RULES.saturating_sub(n);
    found.truncate(max.min(room));
    let mut out = doc.clone();
    let rules = &mut out.fit.as_mut().expect("the model has fit rules").rules;
    let mut ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
    if let Some(e) = &doc.engagement {
        ids.extend(e.rules.iter().map(|r| r.id.clone()));
    }
    ids.extend(doc.disqualifiers.iter().map(|d| d.id.clone()));
    let mut interactions = Vec::new();
    for (a, b, statistic, rows) in found {
        let (ra, rb) = (&fit.rules[a], &fit.rules[b]);
        let mut id: String = format!("{}-and-{}", ra.id, rb.id)
            .chars()
            .take(60)
            .collect();
        let mut k = 2;
        while ids.contains(&id) {
            id = format!("{}-{k}", id.chars().take(58).collect::<String>());
            k += 1;
        }
        ids.push(id.clone());
        let label = |r: &FitRule| r.label.clone().unwrap_or_else(|| r.id.clone());
        rules.push(FitRule {
            id,
            label: Some(format!("{} and {}", label(ra), label(rb))),
            points: 0.0,
            when: TraitCondition(Condition {
                all: Some(vec![ra.when.0.clone(), rb.when.0.clone()]),
                ..Condition::default()
            }),
        });
        interactions.push(Interaction {
            rules: (ra.id.clone(), rb.id.clone()),
            statistic,
            leads: rows,
        });
    }
    (out, interactions)
}

/// The trait paths a condition reads.
fn traits_read(c: &Condition) -> Vec<String> {
    let mut out: Vec<String> = c.trait_path.iter().cloned().collect();
    for inner in c.all.iter().chain(&c.any).flatten() {
        out.extend(traits_read(inner));
    }
    if let Some(inner) = &c.not {
        out.extend(traits_read(inner));
    }
    out
}
