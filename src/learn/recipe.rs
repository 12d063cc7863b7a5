//! Learning from data as a whole: rules proposed where asked (and the interactions the data
//! supports), their points learned, and quality measured on that recipe. When rules were
//! proposed, the cross-validated and hold-out figures come from models proposed and fitted
//! without the leads they are measured on: proposing on every lead and refitting only the points
//! per fold flattered the figure (by up to 0.009 AUC, as issue 26 measured). The options a user
//! leaves unset (bins, L2) are chosen the same way, among a few candidates.

use crate::learn::dataset::{CsvMapping, Lead};
use crate::learn::metrics::{auc, brier, log_loss};
use crate::learn::parallel;
use crate::learn::propose::{model_to_train, ProposeOptions, ToTrain};
use crate::learn::samples::samples;
use crate::learn::training::{
    fold_of, train_measured, Fitted, Options, Quality, TrainOptions, Training,
};
use crate::model::document::ModelDocument;
use crate::model::Model;
use crate::score::cases::{run_cases, CaseOutcome};
use std::borrow::Borrow;
use std::sync::Arc;

/// A learned model, with the model it started from and how its rules came about.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The model before its points were learned, with the columns read and interactions found.
    pub proposed: ToTrain,
    /// The learned model and its report.
    pub training: Training,
    /// The options chosen, and how each candidate did.
    pub tuned: Tuned,
    /// The model's cases (carried into the learned model) as the learned points score them.
    pub cases: Vec<CaseOutcome>,
}

/// Candidates for the options a user left unset: one each means nothing to choose.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// Quantile bins a numeric column starts from (`max_bins`; merge strength follows it).
    pub max_bins: Vec<usize>,
    /// L2 penalties.
    pub l2: Vec<f64>,
    /// Past this many leads, the recipe is measured on a sample of about this many.
    pub measure_at_most: usize,
}

impl Tuning {
    /// The candidates tried when the user sets neither.
    pub fn defaults() -> Tuning {
        Tuning {
            max_bins: vec![10, 25],
            l2: vec![0.3, 1.0, 3.0, 10.0],
            measure_at_most: MEASURED_AT_MOST,
        }
    }

    /// Just these values: nothing to choose.
    pub fn fixed(max_bins: usize, l2: f64) -> Tuning {
        Tuning {
            max_bins: vec![max_bins],
            l2: vec![l2],
            measure_at_most: MEASURED_AT_MOST,
        }
    }

    /// The candidates for what `given` leaves unset; what it sets (checked into `options` and
    /// `proposal`) is used as it is.
    pub fn of(given: &TrainOptions, options: &Options, proposal: &ProposeOptions) -> Tuning {
        let defaults = Tuning::defaults();
        Tuning {
            max_bins: match given.max_bins {
                Some(_) => vec![proposal.max_bins],
                None => defaults.max_bins,
            },
            l2: match given.l2 {
                Some(_) => vec![options.l2],
                None => defaults.l2,
            },
            measure_at_most: MEASURED_AT_MOST,
        }
    }
}

/// What was chosen, and the out-of-fold AUC of every candidate (`max_bins`, `l2`, AUC).
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    /// Bins chosen.
    pub max_bins: usize,
    /// L2 chosen.
    pub l2: f64,
    /// Each candidate's out-of-fold AUC (none when it could not be measured).
    pub tried: Vec<(usize, f64, Option<f64>)>,
    /// Leads the recipe was measured on: all of them, or a sample past `measure_at_most`.
    pub measured_on: usize,
}

/// Most leads the recipe is cross-validated on (and options chosen by) by default; past it, a
/// sample of about this many: the choice costs the same at a million rows as at fifty thousand.
pub const MEASURED_AT_MOST: usize = 50_000;

/// Why nothing was learned: the model to train could not be made (its rules, the proposal), or
/// the data could not teach it.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnError {
    /// The model to train: a proposal over a limit, a base model that does not compile.
    Model(String),
    /// The data: too few leads of an outcome, a fit that did not converge.
    Data(String),
}

impl std::fmt::Display for LearnError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            LearnError::Model(why) | LearnError::Data(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for LearnError {}

/// Out-of-fold `(probability, converted)` of the leads scored.
type Pairs = Vec<(f64, bool)>;

/// What `learn` needs to make a model from some of the leads.
struct Recipe<'a> {
    base: Option<ModelDocument>,
    propose_rules: bool,
    id: &'a str,
    mapping: Option<&'a CsvMapping>,
    proposal: &'a ProposeOptions,
    options: &'a Options,
}

impl Recipe<'_> {
    fn make(
        &self,
        leads: &[impl Borrow<Lead> + Sync],
        max_bins: usize,
        l2: f64,
    ) -> Result<ToTrain, LearnError> {
        let proposal = ProposeOptions {
            max_bins,
            ..self.proposal.clone()
        };
        model_to_train(
            self.base.clone(),
            self.propose_rules,
            self.id,
            self.mapping,
            leads,
            &proposal,
            l2,
        )
        .map_err(LearnError::Model)
    }

    /// Probabilities of the `held` leads from a model made and fitted on the others, for each
    /// L2 of `l2s`: `(probability, converted)` per scored lead, one list per L2.
    fn predict(
        &self,
        leads: &[&Lead],
        held: &dyn Fn(usize) -> bool,
        max_bins: usize,
        l2s: &[f64],
    ) -> Result<Vec<Pairs>, LearnError> {
        let (mut fit_on, mut test) = (Vec::new(), Vec::new());
        for (i, lead) in leads.iter().enumerate() {
            if held(i) {
                test.push(*lead);
            } else {
                fit_on.push(*lead);
            }
        }
        // Interactions are tested with the penalty the user gave (or the default).
        let model = self.make(&fit_on, max_bins, self.options.l2)?.model;
        let (fit_samples, _) = samples(&model, &fit_on);
        let (test_samples, _) = samples(&model, &test);
        let all: Vec<usize> = (0..fit_samples.len()).collect();
        let width = crate::learn::features::features(&model).len();
        let scale = self.options.points_to_double / std::f64::consts::LN_2;
        l2s.iter()
            .map(|l2| {
                let fitted = Fitted::on(&fit_samples, &all, width, *l2, scale)
                    .map_err(|e| LearnError::Data(e.to_string()))?;
                Ok(test_samples
                    .iter()
                    .map(|s| (fitted.probability(&s.features), s.converted))
                    .collect())
            })
            .collect()
    }
}

fn quality(pairs: &[(f64, bool)]) -> Quality {
    let (p, y): (Vec<f64>, Vec<bool>) = pairs.iter().copied().unzip();
    Quality {
        auc: auc(&p, &y),
        log_loss: Some(log_loss(&p, &y)),
        brier: Some(brier(&p, &y)),
    }
}

/// Proposes rules where asked (see [`model_to_train`]), chooses among `tuning`'s candidates by
/// cross-validating the whole recipe, learns the points with the choice, and reports the
/// recipe's out-of-fold figures when rules were proposed or options chosen.
#[allow(clippy::too_many_arguments)]
pub fn learn(
    base: Option<ModelDocument>,
    propose_rules: bool,
    id: &str,
    mapping: Option<&CsvMapping>,
    leads: &[Lead],
    proposal: &ProposeOptions,
    options: &Options,
    tuning: &Tuning,
) -> Result<Learned, LearnError> {
    let recipe = Recipe {
        base,
        propose_rules,
        id,
        mapping,
        proposal,
        options,
    };
    let proposes = propose_rules || recipe.base.is_none();
    // Bins matter only where rules are proposed.
    let bins = if proposes {
        tuning.max_bins.clone()
    } else {
        vec![proposal.max_bins]
    };
    let choosing = bins.len() > 1 || tuning.l2.len() > 1;
    let folds = options.folds.max(2);
    // Past `measure_at_most` leads, the recipe is measured (and options chosen) on a sample of
    // about that many, drawn by the seed; the final model is fitted on every lead.
    let all = leads;
    let at_most = tuning.measure_at_most.max(100);
    let leads: Vec<&Lead> = if all.len() > at_most {
        let parts = all.len().div_ceil(at_most);
        let part = fold_of(all.len(), parts, options.seed ^ 0x5a4d);
        all.iter()
            .zip(&part)
            .filter(|(_, p)| **p == 0)
            .map(|(l, _)| l)
            .collect()
    } else {
        all.iter().collect()
    };
    let fold = fold_of(leads.len(), folds, options.seed);
    let mut tried = Vec::new();
    let mut out_of_fold: Vec<(usize, f64, Pairs)> = Vec::new();
    if choosing || proposes {
        // Every (bins, fold) is made and measured apart from the others: on every core.
        let jobs: Vec<(usize, usize)> = bins
            .iter()
            .flat_map(|&b| (0..folds).map(move |k| (b, k)))
            .collect();
        let mut measured = parallel::map(&jobs, |&(b, k)| {
            recipe.predict(&leads, &|i| fold[i] == k, b, &tuning.l2)
        })
        .into_iter();
        for &b in &bins {
            let mut pooled: Vec<Pairs> = vec![Vec::new(); tuning.l2.len()];
            for _ in 0..folds {
                let per_l2 = measured.next().expect("a result per job")?;
                for (into, from) in pooled.iter_mut().zip(per_l2) {
                    into.extend(from);
                }
            }
            for (l2, pairs) in tuning.l2.iter().zip(pooled) {
                tried.push((b, *l2, quality(&pairs).auc));
                out_of_fold.push((b, *l2, pairs));
            }
        }
    }
    // The best AUC; among those within 0.0005 of it, the fewest bins, then the largest penalty:
    // the simpler model where the data cannot tell them apart.
    let top = tried
        .iter()
        .filter_map(|t| t.2)
        .fold(f64::NEG_INFINITY, f64::max);
    let pick = tried
        .iter()
        .enumerate()
        .filter(|(_, t)| t.2.is_some_and(|auc| auc >= top - 0.0005))
        .min_by(|(_, a), (_, b)| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(i, _)| i);
    let (max_bins, l2, out_of_fold) = match pick {
        Some(i) => {
            let (b, l2, pairs) = out_of_fold.swap_remove(i);
            (b, l2, Some(pairs))
        }
        None => (bins[0], tuning.l2[0], None),
    };
    let chosen = Options { l2, ..*options };
    let proposed = recipe.make(all, max_bins, options.l2)?;
    let mut training = train_measured(
        &proposed.doc,
        &proposed.model,
        all,
        &chosen,
        out_of_fold.as_deref(),
    )
    .map_err(|e| LearnError::Data(e.to_string()))?;
    if out_of_fold.is_some() {
        let quarter = fold_of(leads.len(), 4, options.seed);
        let hold_out = recipe.predict(&leads, &|i| quarter[i] == 0, max_bins, &[l2])?;
        training.report.hold_out = quality(&hold_out[0]);
    }
    let learned = Model::from_document(&training.model)
        .map_err(|e| LearnError::Model(format!("the learned model: {e}")))?;
    let cases = run_cases(&training.model, &Arc::new(learned));
    Ok(Learned {
        cases,
        proposed,
        training,
        tuned: Tuned {
            max_bins,
            l2,
            tried,
            measured_on: leads.len(),
        },
    })
}
