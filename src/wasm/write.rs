//! The engine's results and errors as JavaScript values.

use crate::errors::{EventError, ModelError};
use crate::score::scorecard::Scorecard;
use crate::score::scorer::Rejected;
use js_sys::Reflect;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

pub(super) fn model_error(e: &ModelError) -> JsValue {
    error(&e.to_string(), "model", Some(problems_js(&e.problems)))
}

pub(super) fn event_error(e: &EventError) -> JsValue {
    error(&e.to_string(), &format!("event.{}", e.field), None)
}

/// A JS `Error` with `field` (and `problems`, for a model) attached for programs to read.
pub(super) fn error(message: &str, field: &str, problems: Option<JsValue>) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = Reflect::set(
        &err,
        &JsValue::from_str("field"),
        &JsValue::from_str(field.strip_suffix('.').unwrap_or(field)),
    );
    if let Some(p) = problems {
        let _ = Reflect::set(&err, &JsValue::from_str("problems"), &p);
    }
    JsValue::from(err)
}

/// A serde value as a plain JavaScript value (objects, not maps), numbers exact: for what the
/// training module returns; the scoring path writes its few shapes by hand (below), which keeps
/// serde's serializer out of the scoring modules.
#[cfg(feature = "training")]
pub(super) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let s = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&s).map_err(JsValue::from)
}

/// A plain object with these properties, in order.
pub(super) fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in entries {
        with_js_str(key, |key| Reflect::set(&object, key, value)).ok();
    }
    object.into()
}

/// A trait value as its plain JavaScript value (`"VP Sales"`, `450`, `true`).
pub(super) fn value_js(value: &crate::Value) -> JsValue {
    match value {
        crate::Value::Str(s) => JsValue::from_str(s),
        crate::Value::Num(n) => JsValue::from_f64(*n),
        crate::Value::Bool(b) => JsValue::from_bool(*b),
    }
}

/// What a restore did: `{ outcome: "exact" | "migrated" | "reset", reason }`.
pub(super) fn restore_note_js(note: &crate::session::saved::RestoreNote) -> JsValue {
    use crate::session::saved::RestoreOutcome;
    let outcome = match note.outcome {
        RestoreOutcome::Exact => "exact",
        RestoreOutcome::Migrated => "migrated",
        RestoreOutcome::Reset => "reset",
    };
    object(&[
        ("outcome", JsValue::from_str(outcome)),
        ("reason", JsValue::from_str(&note.reason)),
    ])
}

/// A scorecard as the `ScoreResult` object of the TypeScript types (with `rejected` for a batch).
pub(super) fn card_js(card: &Scorecard, rejected: Option<&[Rejected]>) -> JsValue {
    js_sys::JSON::parse(&card.to_json(rejected)).unwrap_or(JsValue::NULL)
}

thread_local! {
    /// JS strings made once for property names read from events (a list: a model reads at most
    /// 32 fields and 32 traits, and a hash map would bring hashing code into the module).
    static STRINGS: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Most property names kept; the set is bounded by the model, this only guards against misuse.
pub(super) const MAX_CACHED_STRINGS: usize = 128;

/// Calls `f` with a JS string for a property name, made once and kept: handing Rust text to
/// JavaScript decodes it, which costs more than this lookup. The cache is only read while `f`
/// runs, so JavaScript that calls back into this module (a getter) cannot upset it.
pub(super) fn with_js_str<R>(text: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    STRINGS.with(|cache| {
        if let Some((_, v)) = cache.borrow().iter().find(|(name, _)| name == text) {
            return f(v);
        }
        let v = JsValue::from_str(text);
        if let Ok(mut cache) = cache.try_borrow_mut() {
            if cache.len() < MAX_CACHED_STRINGS {
                cache.push((text.to_owned(), v.clone()));
            }
        }
        f(&v)
    })
}

/// A model's problems: `[{ path, message }]`.
pub(super) fn problems_js(problems: &[crate::Problem]) -> JsValue {
    let list = js_sys::Array::new();
    for p in problems {
        list.push(&object(&[
            ("path", JsValue::from_str(&p.path)),
            ("message", JsValue::from_str(&p.message)),
        ]));
    }
    list.into()
}
