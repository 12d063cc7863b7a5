//! JavaScript values into the engine's: models, events, traits, times. Nothing given is
//! trusted: getters that throw, proxies and cycles read as absent or as errors, never panics.

use super::fields::{js_field, utf8_length, Reader};
use super::write::*;
use super::*;
use crate::errors::EventError;
#[cfg(feature = "documents")]
use crate::format::json::Json;
use crate::format::time::parse_iso8601;
use crate::model::Model;
use crate::session::event::Event;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/wasm/fields.js")]
extern "C" {
    /// Epoch milliseconds of a number or a `Date`; NaN for anything else.
    #[wasm_bindgen(js_name = timeOf)]
    fn time_of(value: &JsValue) -> f64;
}

/// A model given as its compiled bytes (a `Uint8Array`), or with the `documents` feature as a
/// document (an object or JSON text).
pub(super) fn compile(input: &JsValue) -> Result<Model, JsValue> {
    if let Some(bytes) = input.dyn_ref::<js_sys::Uint8Array>() {
        return unpack(&bytes.to_vec());
    }
    compile_document(input)
}

/// Reads a compiled model's bytes (see [`Model::unpack`]).
pub(super) fn unpack(bytes: &[u8]) -> Result<Model, JsValue> {
    lend_host();
    Model::unpack(bytes).map_err(|e| model_error(&e))
}

#[cfg(feature = "documents")]
fn compile_document(input: &JsValue) -> Result<Model, JsValue> {
    lend_host();
    let doc = read_model(input).map_err(|p| {
        error(
            &format!("invalid scoring model (1 problem)\n  {p}"),
            "model",
            None,
        )
    })?;
    Model::compile(&doc).map_err(|e| model_error(&e))
}

#[cfg(not(feature = "documents"))]
fn compile_document(_: &JsValue) -> Result<Model, JsValue> {
    Err(error(
        "model: this small scoring module reads compiled models only (a Uint8Array from `mqlscore compile` or `model.compiled()`); load the full module for a model document",
        "model",
        None,
    ))
}

/// Longest model accepted as text, in characters of JSON.
#[cfg(feature = "documents")]
pub(super) const MAX_MODEL_CHARS: u32 = 1_000_000;

/// Reads a model given as an object or as JSON text (`JSON.parse`d first) into the document
/// tree through serde-wasm-bindgen: the module carries no JSON parser of its own. Nesting and
/// size are bounded while reading (see [`Json::read`]).
#[cfg(feature = "documents")]
pub(super) fn read_model(input: &JsValue) -> Result<Json, crate::Problem> {
    let problem = |message: String| crate::Problem {
        path: String::new(),
        message,
    };
    let parsed;
    let value = match input.dyn_ref::<js_sys::JsString>() {
        Some(text) if text.length() > MAX_MODEL_CHARS => {
            let n = text.length();
            return Err(problem(format!(
                "model is {n} characters of JSON, more than {MAX_MODEL_CHARS}"
            )));
        }
        Some(text) => {
            let text = text
                .as_string()
                .ok_or_else(|| problem("model is not valid Unicode".to_owned()))?;
            parsed = js_sys::JSON::parse(&text)
                .map_err(|e| problem(format!("model is not valid JSON: {}", js_message(&e))))?;
            &parsed
        }
        None => input,
    };
    read_json(value).map_err(|why| problem(format!("model cannot be read: {why}")))
}

/// Reads a JavaScript value into the document tree, bounded (see [`Json::read`]).
#[cfg(feature = "documents")]
pub(super) fn read_json(value: &JsValue) -> Result<Json, String> {
    Json::read(serde_wasm_bindgen::Deserializer::from(value.clone()))
        .map_err(|e| e.to_string().trim_start_matches("Error: ").to_owned())
}

/// Reads JSON text with `JSON.parse`, then into the document tree.
#[cfg(feature = "training")]
pub(super) fn read_json_text(text: &str) -> Result<Json, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| js_message(&e))?;
    read_json(&value)
}

/// The message of a thrown JavaScript error.
#[cfg(feature = "documents")]
pub(super) fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

/// Reads a Segment event for `model` through `reader`, the model's plan (one call per event).
pub(super) fn read_event(
    event: &JsValue,
    model: &Model,
    reader: &Reader,
) -> Result<Event, EventError> {
    reader.read(event, model)
}

pub(super) fn call(
    kind: &str,
    name: &str,
    properties: Option<PropertiesInput>,
    model: &Model,
) -> Result<Event, JsValue> {
    let props: JsValue = properties.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    Event::from_call(
        kind,
        name,
        &|path: &[&str], max| js_field(&props, path, max),
        model,
    )
    .map_err(|e| event_error(&e))
}

pub(super) fn traits_event(
    kind: &str,
    traits: &JsValue,
    model: &Model,
    reader: &Reader,
) -> Result<Event, JsValue> {
    if !traits.is_object() {
        return Err(event_error(&EventError::new("traits", "must be an object")));
    }
    reader
        .read_traits(kind, traits, model)
        .map_err(|e| event_error(&e))
}

pub(super) fn time(value: &JsValue, field: &str) -> Result<f64, JsValue> {
    // A number or a `Date` in one call (a replay passes a number with every event), else text.
    let ms = Some(time_of(value))
        .filter(|n| !n.is_nan())
        .or_else(|| value.as_string().and_then(|s| parse_iso8601(&s)));
    ms.filter(|n| n.is_finite()).ok_or_else(|| {
        error(
            &format!("{field}: must be epoch milliseconds, ISO-8601 text or a Date"),
            field,
            None,
        )
    })
}

/// Longest JSON Lines text one batch call accepts, in bytes.
pub(super) const MAX_LINES_BYTES: u32 = 32 << 20;

/// The text of a batch given as JSON Lines (a string or a `Uint8Array` of UTF-8), or `None`
/// when the batch is something else (an array of events).
pub(super) fn lines_text(events: &JsValue) -> Result<Option<String>, JsValue> {
    if cfg!(not(feature = "documents"))
        && (events.is_string() || events.is_instance_of::<js_sys::Uint8Array>())
    {
        return Err(error(
            "events: this small scoring module takes an array of events; JSON Lines need the full module",
            "events",
            None,
        ));
    }
    let too_long = |n: u32| {
        let msg =
            format!("events: JSON Lines of {n} bytes, more than {MAX_LINES_BYTES} in one call");
        error(&msg, "events", None)
    };
    if let Some(text) = events.dyn_ref::<js_sys::JsString>() {
        // UTF-16 units: a lower bound on the UTF-8 bytes, so nothing is copied past the limit.
        if text.length() > MAX_LINES_BYTES {
            return Err(too_long(utf8_length(text) as u32));
        }
        let text = text
            .as_string()
            .ok_or_else(|| error("events: text that is not valid Unicode", "events", None))?;
        if text.len() > MAX_LINES_BYTES as usize {
            return Err(too_long(text.len() as u32));
        }
        return Ok(Some(text));
    }
    if let Some(bytes) = events.dyn_ref::<js_sys::Uint8Array>() {
        if bytes.length() > MAX_LINES_BYTES {
            return Err(too_long(bytes.length()));
        }
        return String::from_utf8(bytes.to_vec()).map(Some).map_err(|e| {
            let msg = format!(
                "events: JSON Lines bytes are not UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            );
            error(&msg, "events", None)
        });
    }
    Ok(None)
}

/// Most events one batch call accepts.
pub(super) const MAX_BATCH: u32 = 10_000;

/// Reads the events of a batch, each on its own (an invalid one is rejected alone).
pub(super) fn read_batch(
    events: &JsValue,
    model: &Model,
    reader: &Reader,
) -> Result<Vec<Result<Event, EventError>>, JsValue> {
    let Some(list) = events.dyn_ref::<Array>() else {
        return Err(error(
            "events: must be an array of Segment events, or JSON Lines text (a string or Uint8Array)",
            "events",
            None,
        ));
    };
    if list.length() > MAX_BATCH {
        let msg = format!(
            "events: has {} events, more than {MAX_BATCH} in one call",
            list.length()
        );
        return Err(error(&msg, "events", None));
    }
    Ok(list.iter().map(|e| read_event(&e, model, reader)).collect())
}
