//! Learning a model's points from outcomes: labeled leads read from JSON Lines or a CRM's CSV
//! export, features from the model's own rules, a regularised logistic regression, metrics,
//! and a synthetic dataset with known weights.

mod cells;
mod compact;
mod dataset;
mod exports;
mod features;
mod interactions;
mod kinds;
mod logistic;
mod metrics;
mod parallel;
mod propose;
mod recipe;
mod report;
mod row;
mod samples;
mod synthetic;
mod training;
mod utf8;

pub use compact::CompactEvents;
pub use dataset::{
    read_csv, read_csv_from, read_jsonl, read_jsonl_from, read_jsonl_with, CountColumn, CsvMapping,
    DatasetError, Events, Labels, Lead, OutcomeColumn, MAX_COUNT_PER_CELL, UNDATED_AS_OF_MS,
};
pub use exports::{export, Export, Scenario};
pub use features::Feature;
pub use interactions::{add_interactions, Interaction};
pub use metrics::{auc, brier, lift_by_decile, log_loss, reliability_by_decile};
pub use propose::{
    columns_of_leads, columns_of_mapping, model_to_train, propose, Column, ColumnKind, ColumnRead,
    ProposeError, ProposeOptions, ToTrain,
};
pub use recipe::{learn, LearnError, Learned, Tuned, Tuning, MEASURED_AT_MOST};
pub use report::{Candidate, Chosen, ColumnShown, TrainReport, TrainResult, WeightShown};
pub use row::Row;
pub use samples::{samples, score_each, score_leads, Census, LeadScore, Sample};
pub use synthetic::{generate, generate_each, to_jsonl, TRUE_INTERCEPT, TRUE_WEIGHTS};
pub use training::{
    choose_threshold, threshold_curve, train, OptionError, Options, Quality, Reliability, Report,
    Target, Threshold, TrainError, TrainOptions, Training, Weight, MIN_PER_CLASS,
};
