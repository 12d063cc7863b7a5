//! What `train` returns to programs: the learned model and its report, as serde types (the
//! TypeScript declarations are generated from them).

use crate::learn::features::Feature;
use crate::learn::propose::ColumnRead;
use crate::learn::recipe::{Learned, Tuned};
use crate::learn::training::{Quality, Reliability, Report, Threshold};
use crate::model::document::{Calibration, ModelDocument};
use crate::score::cases::{CaseReport, CaseShown};
use crate::score::result::HalfName;

serde_types! {
    /// A learned model and what was learned.
    #[serde(deny_unknown_fields)]
    pub struct TrainResult {
        /// The learned model: an ordinary scoring model, ready for `new Scorer(model)`.
        pub model: ModelDocument,
        /// What was learned and how well it does.
        pub report: TrainReport,
    }

    /// What was learned and how well it does.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct TrainReport {
        /// Leads used.
        pub leads: f64,
        /// Of which converted.
        pub converted: f64,
        /// Leads left out because a disqualifier applied.
        pub disqualified: f64,
        /// Leads left out because none of their events had a time.
        pub undated: f64,
        /// Events that could not be read.
        pub bad_events: f64,
        /// Leads left out because their saved session was unreadable or of another model.
        pub bad_sessions: f64,
        /// The learned weight and points of each rule.
        pub weights: Vec<WeightShown>,
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
        /// Out-of-fold probabilities against outcomes by tenth, highest first: honest
        /// probabilities keep predicted and observed close.
        pub reliability: Vec<Reliability>,
        /// What each threshold would yield on the data, highest first (about one point per
        /// percent of leads): the what-if chart's data.
        pub curve: Vec<Threshold>,
        /// Leads per month in the data, from the span of their dates (null under a week).
        pub leads_per_month: Option<f64>,
        /// Score to conversion probability.
        pub calibration: Calibration,
        /// How each column was read to propose rules (empty when none were proposed).
        pub columns: Vec<ColumnShown>,
        /// The options chosen by cross-validating the whole recipe (those left unset).
        pub chosen: Chosen,
        /// The model's cases under the learned points (a case the new points break fails).
        pub cases: Vec<CaseShown>,
    }


    /// The options chosen by cross-validation, and how each candidate did.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Chosen {
        /// Quantile bins a numeric column started from.
        pub max_bins: f64,
        /// The L2 penalty.
        pub l2: f64,
        /// Leads the recipe was cross-validated on: all, or past 50,000 a sample of about that
        /// many (the model itself is fitted on all).
        pub measured_on: f64,
        /// Every candidate with its out-of-fold AUC (one when nothing was left to choose; none
        /// for a model given whole whose options were all set).
        pub tried: Vec<Candidate>,
    }

    /// One candidate of the choice.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Candidate {
        /// Its bins.
        pub max_bins: f64,
        /// Its L2 penalty.
        pub l2: f64,
        /// Its out-of-fold AUC.
        pub auc: Option<f64>,
    }

    /// How a column was read to propose rules.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ColumnShown {
        /// Its name (the CSV header, or the trait path or event).
        pub column: String,
        /// `number`, `text`, `yes/no`, `date` (no rule reads a date), `page views` or
        /// `track events`.
        pub kind: String,
        /// Whether the mapping said so (`numeric`, `text`, `counts`); else its values decided.
        pub declared: bool,
        /// Rows whose cell held a placeholder ("Select"), read as not given.
        pub placeholders: f64,
        /// Rules proposed for it.
        pub rules: f64,
    }

    /// A rule's learned weight and points.
    #[serde(deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "Weight"))]
    pub struct WeightShown {
        /// The rule's id.
        pub rule: String,
        /// Which half it counts in.
        pub half: HalfName,
        /// Change in log-odds per unit (a rule that holds, or one counted event).
        pub weight: f64,
        /// Points per unit in the learned model.
        pub points: f64,
    }
}

impl TrainResult {
    /// The result of a training, with how the columns were read for the rules it proposed and
    /// the options chosen.
    pub fn of(learned: &Learned) -> TrainResult {
        let mut report = TrainReport::of(
            &learned.training.report,
            &learned.proposed.columns,
            &learned.tuned,
        );
        report.cases = CaseReport::of(&learned.cases).cases;
        TrainResult {
            model: learned.training.model.clone(),
            report,
        }
    }
}

impl TrainReport {
    /// The report as programs read it.
    pub fn of(r: &Report, columns: &[ColumnRead], tuned: &Tuned) -> TrainReport {
        TrainReport {
            leads: r.census.used as f64,
            converted: r.converted as f64,
            disqualified: r.census.disqualified as f64,
            undated: r.census.undated as f64,
            bad_events: r.census.bad_events as f64,
            bad_sessions: r.census.bad_sessions as f64,
            weights: r
                .weights
                .iter()
                .map(|w| WeightShown {
                    rule: w.feature.rule().to_owned(),
                    half: match w.feature {
                        Feature::Fit(_) => HalfName::Fit,
                        Feature::Engagement(_) => HalfName::Engagement,
                    },
                    weight: w.weight,
                    points: w.points,
                })
                .collect(),
            hand_written: r.hand_written.clone(),
            cross_validated: r.cross_validated.clone(),
            hold_out: r.hold_out.clone(),
            hand_written_hold_out: r.hand_written_hold_out.clone(),
            threshold: r.threshold.clone(),
            lift_by_decile: r.lift_by_decile.clone(),
            reliability: r.reliability.clone(),
            curve: r.curve.clone(),
            leads_per_month: r.leads_per_month,
            calibration: Calibration {
                slope: r.calibration.0,
                intercept: r.calibration.1,
            },
            columns: columns
                .iter()
                .map(|c| ColumnShown {
                    column: c.name.clone(),
                    kind: c.kind.to_owned(),
                    declared: c.declared,
                    placeholders: c.placeholders as f64,
                    rules: c.rules as f64,
                })
                .collect(),
            cases: Vec::new(),
            chosen: Chosen {
                max_bins: tuned.max_bins as f64,
                l2: tuned.l2,
                measured_on: tuned.measured_on as f64,
                tried: tuned
                    .tried
                    .iter()
                    .map(|(bins, l2, auc)| Candidate {
                        max_bins: *bins as f64,
                        l2: *l2,
                        auc: *auc,
                    })
                    .collect(),
            },
        }
    }
}
