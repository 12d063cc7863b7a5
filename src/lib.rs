#![doc = include_str!("../README.md")]

pub mod bots;
pub mod codec;
pub mod condition;
pub mod dataset;
pub mod document;
pub mod errors;
pub mod event;
pub mod features;
pub mod glob;
pub mod grade;
pub mod json;
pub mod json_writer;
pub mod logistic;
pub mod metrics;
pub mod model;
pub mod number;
mod reader;
pub mod report_json;
pub mod scorecard;
pub mod scorer;
pub mod session;
pub mod synthetic;
pub mod time;
pub mod training;
pub mod value;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use codec::Restored;
pub use errors::{EventError, ModelError, Problem, RestoreError};
pub use event::{Event, EventKind, EventSource, Field};
pub use grade::Grade;
pub use json::Json;
pub use model::Model;
pub use scorecard::{Disqualification, Half, Reason, Scorecard};
pub use scorer::{Rejected, Scorer};
pub use value::Value;
