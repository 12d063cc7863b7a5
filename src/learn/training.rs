//! Learning a model's points from outcomes: a regularised logistic regression on the model's
//! own rules, written back as an ordinary model (points scaled like a credit scorecard, so that
//! a fixed number of points doubles the odds), with a calibration from score to probability and
//! an MQL threshold chosen for a target. Honest with little data: it refuses, with the counts.

use crate::learn::dataset::Lead;
use crate::learn::features::{features, Feature, Values};
use crate::learn::logistic::Logistic;
use crate::learn::metrics::{auc, brier, lift_by_decile, log_loss, reliability_by_decile};
use crate::learn::propose::ProposeOptions;
use crate::learn::samples::{samples, Census, Sample};
use crate::model::document::{self, ModelDocument, Version};
use crate::model::Model;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Fewest conversions, and fewest non-conversions, to learn from.
pub const MIN_PER_CLASS: usize = 30;

/// What the MQL threshold should achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// At most this share of leads become MQLs.
    MqlRate(f64),
    /// At least this share of MQLs convert.
    Precision(f64),
}

/// How to train.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Seed of the fold assignment: same data and seed, same model.
    pub seed: u64,
    /// L2 penalty on the weights.
    pub l2: f64,
    /// Points that double the odds of converting.
    pub points_to_double: f64,
    /// Folds of the cross-validation.
    pub folds: usize,
    /// The threshold's target.
    pub target: Target,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            l2: 1.0,
            points_to_double: 20.0,
            folds: 5,
            target: Target::MqlRate(0.2),
        }
    }
}

/// Training options as people give them, before they are checked: the command line's flags and
/// the options of `train` in JavaScript (camelCase) are read into this one type, and
/// [`TrainOptions::check`] is the one place their bounds are enforced.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainOptions {
    /// Seed of the fold assignment (a whole number, default 1).
    pub seed: Option<f64>,
    /// L2 penalty on the weights (greater than 0, default 1).
    pub l2: Option<f64>,
    /// Points that double the odds of converting (greater than 0, default 20).
    pub points_to_double: Option<f64>,
    /// Folds of the cross-validation (2 to 20, default 5).
    pub folds: Option<f64>,
    /// Recommend the threshold at which at most this share of leads are MQLs (default 0.2).
    pub target_mql_rate: Option<f64>,
    /// Or the threshold at which at least this share of MQLs convert.
    pub target_precision: Option<f64>,
    /// How to read CSV data (JavaScript's `train`; the command line takes `--mapping`).
    pub csv_mapping: Option<crate::learn::dataset::CsvMapping>,
    /// Propose rules from the data's columns, added to the model's for the columns it does not
    /// read (implied when there is no model).
    pub propose: Option<bool>,
    /// The id of a proposed model (default: the data file's name, or `learned`).
    pub id: Option<String>,
    /// A level or bin needs at least this share of the rows for a rule of its own (above 0,
    /// below 1; default 0.01).
    pub min_share: Option<f64>,
    /// And at least this many rows (a whole number from 1; default 30).
    pub min_rows: Option<f64>,
    /// Quantile bins a numeric column starts from (a whole number from 2 to 50; default 10).
    pub max_bins: Option<f64>,
    /// Cell values that mean "not given", like an empty cell (default: `Select`, `--`, `-`,
    /// `n/a`, `na`, `none`, `null`, `unknown`, `not specified`).
    pub placeholders: Option<Vec<String>>,
    /// Most pairwise interactions a proposal adds where the data supports them (a whole
    /// number from 0 to 32; default 8).
    pub interactions: Option<f64>,
}

/// A training option out of bounds: its name (camelCase) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// `folds`, `l2`, `targetPrecision`, …
    pub option: &'static str,
    /// `must be a whole number from 2 to 20`.
    pub message: String,
}

/// An option out of bounds, and what is wrong with it.
fn bad(option: &'static str, message: &str) -> OptionError {
    OptionError {
        option,
        message: message.to_owned(),
    }
}

impl TrainOptions {
    /// The options with defaults filled in, or the first one out of bounds.
    pub fn check(&self) -> Result<Options, OptionError> {
        let positive = |value: Option<f64>, option: &'static str, default: f64| match value {
            None => Ok(default),
            Some(v) if v.is_finite() && v > 0.0 => Ok(v),
            Some(_) => Err(bad(option, "must be a number greater than 0")),
        };
        let share = |value: f64, option: &'static str| {
            if value > 0.0 && value <= 1.0 {
                Ok(value)
            } else {
                Err(bad(
                    option,
                    "must be a share above 0 and at most 1 (0.2 is 20%)",
                ))
            }
        };
        let defaults = Options::default();
        let seed = match self.seed {
            None => defaults.seed,
            Some(s) if s.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&s) => s as u64,
            Some(_) => return Err(bad("seed", "must be a whole number from 0 to 2^53 - 1")),
        };
        let folds = match self.folds {
            None => defaults.folds,
            Some(f) if f.fract() == 0.0 && (2.0..=20.0).contains(&f) => f as usize,
            Some(_) => return Err(bad("folds", "must be a whole number from 2 to 20")),
        };
        let target = match (self.target_mql_rate, self.target_precision) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "targetPrecision",
                    "give targetMqlRate or targetPrecision, not both",
                ))
            }
            (None, Some(p)) => Target::Precision(share(p, "targetPrecision")?),
            (Some(r), None) => Target::MqlRate(share(r, "targetMqlRate")?),
            (None, None) => defaults.target,
        };
        Ok(Options {
            seed,
            l2: positive(self.l2, "l2", defaults.l2)?,
            points_to_double: positive(
                self.points_to_double,
                "pointsToDouble",
                defaults.points_to_double,
            )?,
            folds,
            target,
        })
    }
}

impl TrainOptions {
    /// How rules are proposed, with defaults filled in, or the first option out of bounds.
    pub fn proposal(&self) -> Result<ProposeOptions, OptionError> {
        let defaults = ProposeOptions::default();
        let min_share = match self.min_share {
            None => defaults.min_share,
            Some(v) if v > 0.0 && v < 1.0 => v,
            Some(_) => return Err(bad("minShare", "must be a share above 0 and below 1")),
        };
        let min_rows = match self.min_rows {
            None => defaults.min_rows,
            Some(v) if v.fract() == 0.0 && (1.0..=1e9).contains(&v) => v as usize,
            Some(_) => return Err(bad("minRows", "must be a whole number from 1")),
        };
        let max_bins = match self.max_bins {
            None => defaults.max_bins,
            Some(v) if v.fract() == 0.0 && (2.0..=50.0).contains(&v) => v as usize,
            Some(_) => return Err(bad("maxBins", "must be a whole number from 2 to 50")),
        };
        let placeholders = match &self.placeholders {
            None => defaults.placeholders.clone(),
            Some(list) => list.iter().map(|p| p.trim().to_lowercase()).collect(),
        };
        let interactions = match self.interactions {
            None => defaults.interactions,
            Some(v) if v.fract() == 0.0 && (0.0..=32.0).contains(&v) => v as usize,
            Some(_) => return Err(bad("interactions", "must be a whole number from 0 to 32")),
        };
        Ok(ProposeOptions {
            min_share,
            min_rows,
            max_bins,
            placeholders,
            interactions,
            ..defaults
        })
    }
}

/// Why a model was not learned.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    /// Too few leads of one outcome to learn from.
    TooLittleData {
        /// Leads used.
        leads: usize,
        /// Of which converted.
        converted: usize,
    },
    /// Newton's method could not take a step (`what`: the points or the calibration).
    NotFitted {
        /// What was being fitted.
        what: &'static str,
        /// The step that failed.
        step: usize,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            TrainError::TooLittleData { leads, converted } => write!(
                f,
                "too little data to learn from: {converted} converted and {} did not, among {leads} leads; \
                 at least {MIN_PER_CLASS} of each are needed (predictive scoring tools ask for about 100 conversions). \
                 Keep the hand-written model until more outcomes come back.",
                leads - converted
            ),
            TrainError::NotFitted { what, step } => write!(
                f,
                "could not fit the {what}: Newton's method failed at step {step} (the rules' \
                 features may be constant or duplicated; a larger l2 penalty may help)"
            ),
        }
    }
}

impl std::error::Error for TrainError {}

/// How a set of scores does on outcomes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quality {
    /// ROC AUC of the scores.
    pub auc: Option<f64>,
    /// Log loss of the probabilities (learned models only).
    pub log_loss: Option<f64>,
    /// Brier score of the probabilities (learned models only).
    pub brier: Option<f64>,
}

/// The threshold chosen, and what it yields on the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Threshold {
    /// MQL when the total score is at least this.
    pub score: f64,
    /// Share of leads that are MQLs.
    pub mql_rate: f64,
    /// Share of MQLs that converted.
    pub precision: f64,
    /// Share of converted leads that were MQLs.
    pub recall: f64,
    /// Precision over the base conversion rate.
    pub lift: f64,
}

/// Predicted against observed conversion in one tenth of the leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reliability {
    /// Mean predicted probability (out of fold).
    pub predicted: f64,
    /// Share that converted.
    pub observed: f64,
    /// Leads in this tenth.
    pub leads: f64,
}

/// One rule's learned weight and points.
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    /// The rule.
    pub feature: Feature,
    /// Change in log-odds per unit of the feature.
    pub weight: f64,
    /// The points written into the model (weight × points-to-double / ln 2).
    pub points: f64,
}

/// Everything training reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What reading the leads found.
    pub census: Census,
    /// Converted leads among those used.
    pub converted: usize,
    /// The learned weights.
    pub weights: Vec<Weight>,
    /// The model as written, on all the data.
    pub hand_written: Quality,
    /// The learned model, out of fold in the cross-validation.
    pub cross_validated: Quality,
    /// The learned model on a 25% hold-out, trained on the other 75%.
    pub hold_out: Quality,
    /// The model as written on the same hold-out.
    pub hand_written_hold_out: Quality,
    /// The recommended MQL threshold.
    pub threshold: Threshold,
    /// Conversion rate of each score decile (highest first) over the base rate.
    pub lift_by_decile: Vec<f64>,
    /// Out-of-fold probabilities against outcomes, by tenth (highest first).
    pub reliability: Vec<Reliability>,
    /// What each threshold would yield on the data, highest first.
    pub curve: Vec<Threshold>,
    /// Leads per month in the data (from the span of their dates), when it spans a week or more.
    pub leads_per_month: Option<f64>,
    /// Probability = 1 / (1 + e^-(slope × score + intercept)).
    pub calibration: (f64, f64),
}

/// A learned model and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// The learned model document (an ordinary scoring model).
    pub model: ModelDocument,
    /// What was learned and how well it does.
    pub report: Report,
}

/// Learns the points of `model` (compiled from `doc`) from `leads`.
pub fn train(
    doc: &ModelDocument,
    model: &Model,
    leads: &[Lead],
    options: &Options,
) -> Result<Training, TrainError> {
    train_measured(doc, model, leads, options, None)
}

/// [`train`]; with `measured`, out-of-fold `(probability, converted)` pairs found elsewhere (the
/// recipe's, rules proposed inside each fold), the report's cross-validated figures and
/// calibration by tenth come from them, and the points are not fitted again fold by fold nor on
/// a held-out quarter here (the caller measures its own hold-out).
pub(crate) fn train_measured(
    doc: &ModelDocument,
    model: &Model,
    leads: &[Lead],
    options: &Options,
    measured: Option<&[(f64, bool)]>,
) -> Result<Training, TrainError> {
    let (samples, census) = samples(model, leads);
    let converted = samples.iter().filter(|s| s.converted).count();
    if converted < MIN_PER_CLASS || samples.len() - converted < MIN_PER_CLASS {
        return Err(TrainError::TooLittleData {
            leads: samples.len(),
            converted,
        });
    }
    let scale = options.points_to_double / std::f64::consts::LN_2;
    let width = features(model).len();
    let outcomes: Vec<bool> = samples.iter().map(|s| s.converted).collect();
    let hand_scores: Vec<f64> = samples.iter().map(|s| s.score).collect();
    // A quarter held out (the folds are cut differently).
    let quarter = fold_of(samples.len(), 4, options.seed);
    let (train_idx, test_idx): (Vec<usize>, Vec<usize>) =
        (0..samples.len()).partition(|i| quarter[*i] != 0);
    let test_outcomes: Vec<bool> = test_idx.iter().map(|i| outcomes[*i]).collect();
    let test_hand: Vec<f64> = test_idx.iter().map(|i| hand_scores[*i]).collect();

    let (out_of_fold, hold_out) = match measured {
        Some(pairs) => (pairs.to_vec(), Quality::default()),
        None => {
            let folds = fold_of(samples.len(), options.folds.max(2), options.seed);
            let mut oof = vec![0.0; samples.len()];
            for k in 0..options.folds.max(2) {
                let (train, test): (Vec<usize>, Vec<usize>) =
                    (0..samples.len()).partition(|i| folds[*i] != k);
                let fitted = Fitted::on(&samples, &train, width, options.l2, scale)?;
                for i in test {
                    oof[i] = fitted.probability(&samples[i].features);
                }
            }
            let held = Fitted::on(&samples, &train_idx, width, options.l2, scale)?;
            let test_p: Vec<f64> = test_idx
                .iter()
                .map(|i| held.probability(&samples[*i].features))
                .collect();
            let hold_out = Quality {
                auc: auc(&test_p, &test_outcomes),
                log_loss: Some(log_loss(&test_p, &test_outcomes)),
                brier: Some(brier(&test_p, &test_outcomes)),
            };
            (
                oof.into_iter().zip(outcomes.iter().copied()).collect(),
                hold_out,
            )
        }
    };
    let (oof, oof_outcomes): (Vec<f64>, Vec<bool>) = out_of_fold.into_iter().unzip();

    let all: Vec<usize> = (0..samples.len()).collect();
    let fitted = Fitted::on(&samples, &all, width, options.l2, scale)?;
    // Scores are compared with thresholds in hundredths, as the engine does.
    let scores: Vec<f64> = samples
        .iter()
        .map(|s| crate::score::scorecard::round2(fitted.score(&s.features)))
        .collect();
    let threshold = choose_threshold(&scores, &outcomes, options.target);
    let weights = features(model)
        .into_iter()
        .zip(&fitted.logistic.weights)
        .zip(&fitted.points)
        .map(|((feature, weight), points)| Weight {
            feature,
            weight: *weight,
            points: *points,
        })
        .collect::<Vec<_>>();
    let report = Report {
        census,
        converted,
        hand_written: Quality {
            auc: ranks(&hand_scores)
                .then(|| auc(&hand_scores, &outcomes))
                .flatten(),
            log_loss: None,
            brier: None,
        },
        cross_validated: Quality {
            auc: auc(&oof, &oof_outcomes),
            log_loss: Some(log_loss(&oof, &oof_outcomes)),
            brier: Some(brier(&oof, &oof_outcomes)),
        },
        hold_out,
        hand_written_hold_out: Quality {
            auc: ranks(&test_hand)
                .then(|| auc(&test_hand, &test_outcomes))
                .flatten(),
            log_loss: None,
            brier: None,
        },
        lift_by_decile: lift_by_decile(&scores, &outcomes),
        curve: {
            // The recommended threshold is on the curve, wherever the thinning fell.
            let mut curve = threshold_curve(&scores, &outcomes);
            if !curve.iter().any(|p| p.score == threshold.score) {
                let at = curve.partition_point(|p| p.score > threshold.score);
                curve.insert(at, threshold.clone());
            }
            curve
        },
        leads_per_month: {
            let (first, last) = samples
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
                    (lo.min(s.at), hi.max(s.at))
                });
            let days = (last - first) / 86_400_000.0;
            (days >= 7.0).then(|| samples.len() as f64 / (days / 30.44))
        },
        reliability: reliability_by_decile(&oof, &oof_outcomes)
            .into_iter()
            .map(|(predicted, observed, leads)| Reliability {
                predicted,
                observed,
                leads: leads as f64,
            })
            .collect(),
        calibration: fitted.calibration,
        threshold,
        weights,
    };
    Ok(Training {
        model: learned_document(doc, &report, options),
        report,
    })
}

/// A logistic fit with its points and calibration.
pub(crate) struct Fitted {
    logistic: Logistic,
    points: Vec<f64>,
    calibration: (f64, f64),
}

impl Fitted {
    pub(crate) fn on(
        samples: &[Sample],
        rows: &[usize],
        width: usize,
        l2: f64,
        scale: f64,
    ) -> Result<Fitted, TrainError> {
        let x: Vec<&Values> = rows.iter().map(|i| &samples[*i].features).collect();
        let y: Vec<bool> = rows.iter().map(|i| samples[*i].converted).collect();
        // Plain maximum likelihood, every lead weighing the same: its probabilities keep the
        // data's base rate. (Balancing the classes first, as before issue 13, bent the weights
        // on imbalanced data so that the one-variable calibration below could not undo it.)
        let w = vec![1.0; y.len()];
        let logistic = Logistic::fit(&x, width, &y, &w, l2).map_err(|e| TrainError::NotFitted {
            what: "points",
            step: e.iterations,
        })?;
        let points: Vec<f64> = logistic
            .weights
            .iter()
            .map(|b| (b * scale * 10.0).round() / 10.0)
            .collect();
        let scores: Vec<f64> = x.iter().map(|row| row.dot(&points)).collect();
        let platt = Logistic::fit(&scores, 1, &y, &vec![1.0; y.len()], 1e-9).map_err(|e| {
            TrainError::NotFitted {
                what: "calibration",
                step: e.iterations,
            }
        })?;
        Ok(Fitted {
            logistic,
            points,
            calibration: (platt.weights[0], platt.intercept),
        })
    }

    fn score(&self, row: &Values) -> f64 {
        row.dot(&self.points)
    }

    pub(crate) fn probability(&self, row: &Values) -> f64 {
        crate::learn::logistic::sigmoid(self.calibration.0 * self.score(row) + self.calibration.1)
    }
}

/// Whether scores rank anything: a model whose every lead scores the same (one with no points
/// yet) has no AUC to report, rather than 0.5.
fn ranks(scores: &[f64]) -> bool {
    scores.windows(2).any(|w| w[0] != w[1])
}

/// A fold number for each of `n` samples, shuffled by `seed` (xorshift64*).
pub(crate) fn fold_of(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let j = (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut fold = vec![0; n];
    for (rank, i) in order.into_iter().enumerate() {
        fold[i] = rank % folds;
    }
    fold
}

/// What each threshold would yield, from the highest score to the lowest: one point per
/// distinct score, thinned to about one per percent of leads (the what-if chart's data).
pub fn threshold_curve(scores: &[f64], outcomes: &[bool]) -> Vec<Threshold> {
    let n = scores.len();
    let total_pos = outcomes.iter().filter(|o| **o).count().max(1) as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let mut curve: Vec<Threshold> = Vec::new();
    let mut hits = 0.0;
    for (k, i) in order.iter().enumerate() {
        hits += f64::from(u8::from(outcomes[*i]));
        let last_of_score = order.get(k + 1).is_none_or(|j| scores[*j] < scores[*i]);
        if !last_of_score {
            continue;
        }
        let m = (k + 1) as f64;
        let point = Threshold {
            score: scores[*i],
            mql_rate: m / n as f64,
            precision: hits / m,
            recall: hits / total_pos,
            lift: (hits / m) / (total_pos / n as f64),
        };
        let step = curve.last().map_or(1.0, |p| point.mql_rate - p.mql_rate);
        if step >= 0.01 || k + 1 == n {
            curve.push(point);
        }
    }
    curve
}

/// The threshold meeting `target` with the most MQLs, and what it yields.
pub fn choose_threshold(scores: &[f64], outcomes: &[bool], target: Target) -> Threshold {
    let n = scores.len();
    let total_pos = outcomes.iter().filter(|o| **o).count().max(1) as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    // The top k leads (extended over ties) are MQLs: every lead scoring at least the k-th score.
    // Highest first, those are a prefix of `order`; running totals of its hits give each cut
    // in one pass (it was a filter of every score per cut: the square of the rows).
    let mut hits_before = Vec::with_capacity(n + 1);
    hits_before.push(0usize);
    for i in &order {
        hits_before.push(hits_before.last().copied().unwrap_or(0) + usize::from(outcomes[*i]));
    }
    // ends[p]: how many leads score at least the score at position p.
    let mut ends = vec![0usize; n];
    let mut end = n;
    for p in (0..n).rev() {
        if p + 1 < n && scores[order[p + 1]] < scores[order[p]] {
            end = p + 1;
        }
        ends[p] = end;
    }
    let at = |k: usize| {
        let cut = scores[order[k - 1]];
        let m = ends[k - 1];
        let hits = hits_before[m] as f64;
        let m = m as f64;
        Threshold {
            score: cut,
            mql_rate: m / n as f64,
            precision: hits / m,
            recall: hits / total_pos,
            lift: (hits / m) / (total_pos / n as f64),
        }
    };
    let mut best = at(1);
    for k in 1..=n {
        let t = at(k);
        let ok = match target {
            Target::MqlRate(rate) => t.mql_rate <= rate + 1e-12,
            Target::Precision(p) => t.precision >= p,
        };
        if ok && t.mql_rate >= best.mql_rate {
            best = t;
        }
    }
    best
}

/// The model document with learned points, no group caps (they would bend the learned scale),
/// the recommended total threshold, the calibration, and a new version.
fn learned_document(doc: &ModelDocument, report: &Report, options: &Options) -> ModelDocument {
    let points = |id: &str| {
        report
            .weights
            .iter()
            .find(|w| w.feature.rule() == id)
            .map(|w| w.points)
    };
    let mut out = doc.clone();
    // Group bounds and rule caps would bend the learned scale: they go.
    if let Some(fit) = &mut out.fit {
        (fit.min, fit.max) = (None, None);
        for rule in &mut fit.rules {
            rule.points = points(&rule.id).unwrap_or(rule.points);
        }
    }
    if let Some(engagement) = &mut out.engagement {
        (engagement.min, engagement.max) = (None, None);
        for rule in &mut engagement.rules {
            rule.points = points(&rule.id).unwrap_or(rule.points);
            rule.max_points = None;
        }
    }
    out.version = Version::Text(format!("{}-learned-{}", doc.version, options.seed));
    out.thresholds = document::Thresholds {
        fit: None,
        engagement: None,
        total: Some(report.threshold.score),
        require: None,
    };
    out.grades = None;
    out.calibration = Some(document::Calibration {
        slope: report.calibration.0,
        intercept: report.calibration.1,
    });
    out
}
