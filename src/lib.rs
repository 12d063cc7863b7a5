#![doc = include_str!("../README.md")]
//!
//! # The Rust API
//!
//! [`Model`] compiles a [`ModelDocument`](document::ModelDocument) (read from JSON with
//! [`Json::parse`] and [`Model::compile`]); a [`Scorer`] keeps one visitor's session under it
//! and scores [`Event`]s into a [`Scorecard`] with its [`Reason`]s; [`Scorer::save`] and
//! [`Scorer::restore`] carry the session in a short string. [`learn`] fits a model's points to
//! outcomes. The JavaScript API is in `wasm` (built for `wasm32` only).

/// Types that cross to programs as serde values: serde both ways, and a JSON Schema on native
/// builds only (the schema and TypeScript generator never reaches the wasm module).
macro_rules! serde_types {
    ($($item:item)*) => {$(
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
        $item
    )*};
}

mod errors;
mod format;
pub mod learn;
mod model;
mod score;
mod session;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use errors::{EventError, ModelError, Problem, RestoreError};
pub use format::json::{Json, ReadError, Step};
pub use format::time::{iso_date, iso_datetime, parse_iso8601};
pub use format::value::Value;
pub use model::bots::FilterReason;
pub use model::document;
pub use model::Model;
pub use score::cases::{run_cases, CaseOutcome, CaseReport, CaseShown};
pub use score::grade::Grade;
pub use score::result::{
    BatchResult, DisqualifierShown, FilterName, Filtered, HalfName, ReasonShown, RejectedEvent,
    ScoreResult,
};
pub use score::scorecard::{Disqualification, Half, Reason, Scorecard};
pub use score::scorer::{Light, Rejected, Scorer};
pub use session::event::{Event, EventKind, EventSource, Field, Planned};
pub use session::saved::{RestoreNote, RestoreOutcome, Restored};
