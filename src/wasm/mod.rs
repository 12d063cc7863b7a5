//! The JavaScript boundary: the only place that knows about `wasm_bindgen`, `js_sys` and
//! `serde_wasm_bindgen`. `model` is the `Model` class (compiled once, shared by sessions),
//! `scorer` the `Scorer` class (one visitor's session), `live` finds a session by slot for a result whose reasons are read later (`result.js`
//! makes that result object in JavaScript), `functions` the free functions
//! (`train`, `validateModel`, `scoreEvents`), `read` turns JavaScript values into the engine's
//! (events field by field with `Reflect.get`, only the fields the model uses, so a call costs
//! the same whatever else the page puts in its events), `write` the engine's results and errors
//! into JavaScript values.

mod fields;
mod functions;
mod live;
mod memory;
mod model;
mod read;
mod scorer;
mod write;

pub use functions::score_events;
#[cfg(feature = "training")]
pub use functions::test_model;
#[cfg(feature = "training")]
pub use functions::train;
#[cfg(feature = "documents")]
pub use functions::validate_model;
pub use model::CompiledModel;
pub use scorer::Scorer;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const MODEL_TYPES: &'static str = include_str!("generated.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ScoringModel | string")]
    /// A scoring model, as an object or JSON text.
    pub type ModelInput;
    #[wasm_bindgen(typescript_type = "ScoringModel | string | Uint8Array")]
    /// A scoring model, as an object or JSON text, or compiled (`model.compiled()`,
    /// `mqlscore compile`).
    pub type AnyModelInput;
    #[wasm_bindgen(typescript_type = "SegmentEvent")]
    /// A Segment event.
    pub type EventInput;
    #[wasm_bindgen(typescript_type = "SegmentEvent[] | string | Uint8Array")]
    /// An array of Segment events, or JSON Lines text.
    pub type EventsInput;
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    /// Event properties.
    pub type PropertiesInput;
    #[wasm_bindgen(typescript_type = "Traits")]
    /// Visitor or company traits.
    pub type TraitsInput;
    #[wasm_bindgen(typescript_type = "number | string | Date")]
    /// Epoch milliseconds, ISO-8601 text or a `Date`.
    pub type TimeInput;
    #[wasm_bindgen(typescript_type = "ScoreResult")]
    /// A scorecard as a plain object.
    pub type ScoreResultOutput;
    #[wasm_bindgen(typescript_type = "BatchResult")]
    /// A scorecard with the rejected events of a batch.
    pub type BatchResultOutput;
    /// Options of `train`.
    #[wasm_bindgen(typescript_type = "TrainOptions")]
    pub type TrainOptionsInput;
    /// What `train` returns.
    #[wasm_bindgen(typescript_type = "TrainResult")]
    pub type TrainResultOutput;
    #[wasm_bindgen(typescript_type = "Problem[]")]
    /// The problems of a model.
    pub type ProblemsOutput;
    #[wasm_bindgen(typescript_type = "CaseReport")]
    /// How a model's cases came out.
    pub type CaseReportOutput;
    #[wasm_bindgen(typescript_type = "RestoreNote | undefined")]
    /// What `restore` did.
    pub type RestoreNoteOutput;
    #[wasm_bindgen(typescript_type = "Record<string, string | number | boolean>")]
    /// Kept traits by name.
    pub type TraitsOutput;
}

/// Lends the engine JavaScript's Unicode lower case, decimal reading and number writing
/// (`format::host`), so that the module carries neither the case tables, an exact decimal parser
/// nor float formatting. Every way in that
/// reads a model calls it first.
pub(crate) fn lend_host() {
    crate::format::host::install(crate::format::host::Host {
        lowercase: |text| String::from(js_sys::JsString::from(text).to_lower_case()),
        decimal: |text| {
            let n = JsValue::from_str(text).unchecked_into_f64();
            (!n.is_nan()).then_some(n)
        },
        number_text: |n| {
            js_sys::Number::from(n)
                .to_string_with_radix(10)
                .map_or_else(|_| "null".to_owned(), String::from)
        },
    });
}

#[cfg(feature = "console_error_panic_hook")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
