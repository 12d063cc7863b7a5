//! An event read in one call across the boundary (`fields.js`): every field the model's events
//! may need, listed once per model by [`Event::plan`], comes back as tags and numbers in a
//! buffer of this module's memory plus one string holding the texts.

use super::write::with_js_str;
use crate::errors::EventError;
use crate::model::Model;
use crate::session::event::{Event, EventKind, EventSource, Field, COMMON_SLOTS};
use js_sys::{Array, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/wasm/fields.js")]
extern "C" {
    #[wasm_bindgen(js_name = readFields)]
    fn read_fields(
        event: &JsValue,
        keys: &JsValue,
        maxes: &JsValue,
        out: &mut [f64],
        common: u32,
        kinds: &JsValue,
    ) -> String;

    #[wasm_bindgen(js_name = readTraits)]
    fn read_traits_fields(
        kind: &JsValue,
        traits: &JsValue,
        keys: &JsValue,
        maxes: &JsValue,
        out: &mut [f64],
        common: u32,
        kinds: &JsValue,
    ) -> String;

    #[wasm_bindgen(js_name = utf8Length)]
    pub(super) fn utf8_length(text: &js_sys::JsString) -> usize;
}

/// `text` as a field whose limit is `max` bytes.
fn text_field(text: String, max: usize) -> Field {
    if text.len() > max {
        Field::TooLong(text.len())
    } else {
        Field::Str(text)
    }
}

/// The plan of one model in JavaScript, made once and kept by every session of the model.
pub(super) struct Reader {
    keys: JsValue,
    maxes: JsValue,
    /// The slots read for each event type beyond the common ones (a `Map` of type name to
    /// `Uint32Array`): a page view never walks the paths of traits.
    kinds: JsValue,
    /// Two numbers per planned field, written by `readFields`.
    out: RefCell<Vec<f64>>,
}

impl Reader {
    pub fn new(model: &Model) -> Reader {
        let plan = Event::plan(model);
        let keys: Array = plan
            .iter()
            .map(|p| -> JsValue {
                p.keys
                    .iter()
                    .map(|k| JsValue::from_str(k))
                    .collect::<Array>()
                    .into()
            })
            .collect();
        let maxes: Array = plan
            .iter()
            .map(|p| JsValue::from_f64(p.max as f64))
            .collect();
        let kinds = js_sys::Map::new();
        for (name, kind) in [
            ("page", EventKind::Page),
            ("track", EventKind::Track),
            ("identify", EventKind::Identify),
            ("group", EventKind::Group),
        ] {
            let slots: Vec<u32> = Event::kind_slots(kind, model)
                .into_iter()
                .map(|s| s as u32)
                .collect();
            debug_assert!(slots.windows(2).all(|w| w[0] < w[1]), "ascending slots");
            kinds.set(
                &JsValue::from_str(name),
                &js_sys::Uint32Array::from(&slots[..]),
            );
        }
        Reader {
            keys: keys.into(),
            maxes: maxes.into(),
            kinds: kinds.into(),
            out: RefCell::new(vec![0.0; 2 * plan.len()]),
        }
    }

    /// Reads `event` (already known to be an object) for `model`, the model of this plan.
    pub fn read(&self, event: &JsValue, model: &Model) -> Result<Event, EventError> {
        let each = |path: &[&str], max: usize| js_field(event, path, max);
        self.read_with(&each, model, |keys, maxes, out, common, kinds| {
            read_fields(event, keys, maxes, out, common, kinds)
        })
    }

    /// Reads `identify(traits)` or `group(traits)` (`kind`) as the event `{ type, traits }` it
    /// stands for, in one call across the boundary like `read` (field by field, each trait
    /// costs several calls).
    pub fn read_traits(
        &self,
        kind: &str,
        traits: &JsValue,
        model: &Model,
    ) -> Result<Event, EventError> {
        let each = |path: &[&str], max: usize| match path {
            ["type"] => Field::Str(kind.to_owned()),
            ["traits", rest @ ..] => js_field(traits, rest, max),
            _ => Field::Absent,
        };
        self.read_with(&each, model, |keys, maxes, out, common, kinds| {
            with_js_str(kind, |kind| {
                read_traits_fields(kind, traits, keys, maxes, out, common, kinds)
            })
        })
    }

    /// Fills the plan's buffer with `fill` and reads the event from it; `each` answers a field
    /// by itself (when the buffer is busy, or for a field the plan does not hold).
    fn read_with(
        &self,
        each: &dyn EventSource,
        model: &Model,
        fill: impl FnOnce(&JsValue, &JsValue, &mut [f64], u32, &JsValue) -> String,
    ) -> Result<Event, EventError> {
        // The buffer is borrowed only while JavaScript fills it and the event is read from it;
        // a getter that reads another event through this reader finds it busy and is refused
        // the fast path (it reads field by field instead).
        let Ok(mut out) = self.out.try_borrow_mut() else {
            return Event::read(each, model);
        };
        let text = fill(
            &self.keys,
            &self.maxes,
            &mut out,
            COMMON_SLOTS as u32,
            &self.kinds,
        );
        let fields = Read {
            each,
            out: &out,
            spans: spans(&out, &text),
            text: &text,
        };
        Event::read(&fields, model)
    }
}

/// Tags written by `fields.js`.
const FALSE: f64 = 1.0;
const TRUE: f64 = 2.0;
const NUMBER: f64 = 3.0;
const TEXT: f64 = 4.0;
const TOO_LONG: f64 = 5.0;
const ARRAY: f64 = 6.0;
const FUNCTION: f64 = 7.0;
const OBJECT: f64 = 8.0;
const OTHER: f64 = 9.0;
const NOT_UNICODE: f64 = 10.0;

/// One event as `readFields` left it.
struct Read<'a> {
    /// A field asked for by itself (one the plan does not hold).
    each: &'a dyn EventSource,
    out: &'a [f64],
    /// Byte range in `text` of each field, by slot (empty for fields that are not text).
    spans: Vec<(usize, usize)>,
    text: &'a str,
}

/// Where each text field lies in the joined text: lengths come in UTF-16 units.
fn spans(out: &[f64], text: &str) -> Vec<(usize, usize)> {
    let ascii = text.is_ascii();
    let mut chars = text.char_indices().peekable();
    let mut at = 0;
    out.chunks_exact(2)
        .map(|field| {
            if field[0] != TEXT {
                return (at, at);
            }
            let units = field[1] as usize;
            let start = at;
            if ascii {
                at += units;
            } else {
                let mut counted = 0;
                while counted < units {
                    match chars.next() {
                        Some((_, c)) => counted += c.len_utf16(),
                        None => break,
                    }
                }
                at = chars.peek().map_or(text.len(), |(i, _)| *i);
            }
            (start, at.min(text.len()))
        })
        .collect()
}

impl EventSource for Read<'_> {
    fn field(&self, path: &[&str], max: usize) -> Field {
        // Every read is planned (a test holds `Event::read` to its plan); one that is not is
        // still answered, field by field.
        self.each.field(path, max)
    }

    fn planned(&self, slot: usize, path: &[&str], max: usize) -> Field {
        let (Some(&tag), Some(&num), Some(&(start, end))) = (
            self.out.get(2 * slot),
            self.out.get(2 * slot + 1),
            self.spans.get(slot),
        ) else {
            return self.field(path, max);
        };
        match tag {
            FALSE => Field::Bool(false),
            TRUE => Field::Bool(true),
            NUMBER => Field::Num(num),
            TEXT => text_field(
                self.text.get(start..end).unwrap_or_default().to_owned(),
                max,
            ),
            TOO_LONG => Field::TooLong(num as usize),
            ARRAY => Field::Other("an array"),
            FUNCTION => Field::Other("a function"),
            OBJECT => Field::Other("an object"),
            OTHER => Field::Other("a value of another type"),
            NOT_UNICODE => Field::Other("a string that is not valid Unicode"),
            _ => Field::Absent,
        }
    }
}

/// Reads `path` from a JavaScript value without trusting it: getters that throw, proxies and
/// non-objects all read as absent, and long strings are measured before being copied.
pub(super) fn js_field(root: &JsValue, path: &[&str], max: usize) -> Field {
    // Every probe below is a call into JavaScript, so the common cases (numbers, then strings)
    // are asked first and property names come from a cache instead of being made each time.
    let mut node: Option<JsValue> = None;
    for key in path {
        let current = node.as_ref().unwrap_or(root);
        if !current.is_object() {
            return Field::Absent;
        }
        match with_js_str(key, |k| Reflect::get(current, k)) {
            Ok(v) => node = Some(v),
            Err(_) => return Field::Absent,
        }
    }
    let value = node.as_ref().unwrap_or(root);
    if let Some(n) = value.as_f64() {
        Field::Num(n)
    } else if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        // More UTF-16 units than the limit is more bytes too: measured, not copied.
        if s.length() as usize > max {
            Field::TooLong(utf8_length(s))
        } else {
            s.as_string()
                .map_or(Field::Other("a string that is not valid Unicode"), |text| {
                    text_field(text, max)
                })
        }
    } else if let Some(b) = value.as_bool() {
        Field::Bool(b)
    } else if value.is_undefined() || value.is_null() {
        Field::Absent
    } else if Array::is_array(value) {
        Field::Other("an array")
    } else if value.is_function() {
        Field::Other("a function")
    } else if value.is_object() {
        Field::Other("an object")
    } else {
        Field::Other("a value of another type")
    }
}
