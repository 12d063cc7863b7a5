//! An event read in one call across the boundary (`fields.js`): every field the model's events
//! may need, listed once per model by [`Event::plan`], comes back as tags and numbers in one
//! buffer of this module's memory and its texts, as UTF-8, in another.

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
    #[wasm_bindgen(js_name = makePlan)]
    fn make_plan(
        text: &str,
        shape: &[u32],
        memory: &JsValue,
        out_at: u32,
        bytes_at: u32,
    ) -> JsValue;

    #[wasm_bindgen(js_name = readFields)]
    fn read_fields(event: &JsValue, plan: &JsValue) -> bool;

    #[wasm_bindgen(js_name = readTraits)]
    fn read_traits_fields(kind: &JsValue, traits: &JsValue, plan: &JsValue) -> bool;

    #[wasm_bindgen(js_name = utf8Length)]
    pub(super) fn utf8_length(text: &js_sys::JsString) -> usize;
}

/// `text` as a field whose limit is `max` bytes.
fn text_field(text: String, max: usize) -> Field<'static> {
    if text.len() > max {
        Field::TooLong(text.len())
    } else {
        Field::Str(text.into())
    }
}

/// The plan of one model in JavaScript, made once and kept by every session of the model.
pub(super) struct Reader {
    /// What `makePlan` made: each field's path, longest text and place in `out.bytes`, the
    /// slots read for each event type beyond the common ones (a page view never walks the
    /// paths of traits), and the text each field had when last read.
    plan: JsValue,
    /// Where each field's text starts in `out.bytes`.
    starts: Vec<u32>,
    /// What `readFields` writes: two numbers per planned field, and the texts. JavaScript
    /// keeps views of both (their places are given to `makePlan`), so they are never resized;
    /// the borrow is taken while JavaScript writes, so that no one reads them meanwhile.
    out: RefCell<Buffers>,
    /// The event read last, whose memory the next one reuses (see [`Reader::with_read`]).
    scratch: RefCell<Event>,
    /// The model's `id@version` as a JavaScript string, which every result names: made once
    /// per model, not once per session.
    pub key: JsValue,
}

/// The two buffers `readFields` writes into.
struct Buffers {
    fields: Vec<f64>,
    /// Each planned field's text at `starts[slot]`, in as many bytes as its limit; a text that
    /// has not changed since the field was last read is not written again.
    bytes: Vec<u8>,
}

impl Reader {
    pub fn new(model: &Model) -> Reader {
        // The fields' paths one after the other, and the shape `makePlan` reads them by.
        let mut text = String::new();
        let mut shape = vec![0, COMMON_SLOTS as u32];
        let mut starts = Vec::new();
        let mut bytes = 0;
        Event::each_planned(model, |path, max| {
            shape.push(max as u32);
            shape.push(path.encode_utf16().count() as u32);
            text.push_str(path);
            starts.push(bytes as u32);
            bytes += max;
        });
        shape[0] = starts.len() as u32;
        for kind in [
            EventKind::Page,
            EventKind::Track,
            EventKind::Identify,
            EventKind::Group,
        ] {
            let count = shape.len();
            shape.push(0);
            Event::each_kind_slot(kind, model, |slot| {
                let or_else = if Event::OR_ELSE.contains(&slot) {
                    OR_ELSE
                } else {
                    0
                };
                shape.push(slot as u32 | or_else);
            });
            shape[count] = (shape.len() - count - 1) as u32;
        }
        let out = Buffers {
            fields: vec![0.0; 2 * starts.len()],
            bytes: vec![0; bytes],
        };
        Reader {
            plan: make_plan(
                &text,
                &shape,
                &wasm_bindgen::memory(),
                out.fields.as_ptr() as usize as u32,
                out.bytes.as_ptr() as usize as u32,
            ),
            starts,
            out: RefCell::new(out),
            scratch: RefCell::new(Event::default()),
            key: JsValue::from_str(model.key()),
        }
    }

    /// Reads `event` as [`Reader::read`] does and hands it to `then`, in the plan's own event
    /// when it is free (no allocation once warm), else in a new one (a getter of the event
    /// scoring another through this plan).
    pub fn with_read<T>(
        &self,
        event: &JsValue,
        model: &Model,
        then: impl FnOnce(Result<&Event, EventError>) -> T,
    ) -> T {
        let mut fresh = Event::default();
        let mut held = self.scratch.try_borrow_mut();
        let into = held.as_deref_mut().unwrap_or(&mut fresh);
        let read = self.read_into(event, model, into);
        then(read.map(|()| &*into))
    }

    /// Reads `event` for `model`, the model of this plan; it must be an object.
    pub fn read(&self, event: &JsValue, model: &Model) -> Result<Event, EventError> {
        let mut into = Event::default();
        self.read_into(event, model, &mut into)?;
        Ok(into)
    }

    /// [`Reader::read`] into `into`, reusing its memory (see [`Event::read_from`]).
    pub fn read_into(
        &self,
        event: &JsValue,
        model: &Model,
        into: &mut Event,
    ) -> Result<(), EventError> {
        let each = |path: &[&str], max: usize| js_field(event, path, max);
        let read = self.read_with(&each, model, into, |plan| read_fields(event, plan));
        read.unwrap_or_else(|| {
            if !event.is_object() || Array::is_array(event) {
                return Err(EventError::new("", "must be an object (a Segment event)"));
            }
            into.read_from(&each, model)
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
            ["type"] => Field::Str(kind.to_owned().into()),
            ["traits", rest @ ..] => js_field(traits, rest, max),
            _ => Field::Absent,
        };
        let mut into = Event::default();
        let read = self.read_with(&each, model, &mut into, |plan| {
            with_js_str(kind, |kind| read_traits_fields(kind, traits, plan))
        });
        read.unwrap_or_else(|| into.read_from(&each, model))?;
        Ok(into)
    }

    /// Fills the plan's buffers with `fill` and reads the event from them; `each` answers a
    /// field the plan does not hold. `None` when the buffers are busy (a getter reading another
    /// event through this reader: it is refused the fast path and reads field by field) or
    /// `fill` found no object.
    fn read_with(
        &self,
        each: &dyn EventSource,
        model: &Model,
        into: &mut Event,
        fill: impl FnOnce(&JsValue) -> bool,
    ) -> Option<Result<(), EventError>> {
        let out = self.out.try_borrow_mut().ok()?;
        // JavaScript writes the buffers through its views; they are read only after.
        if !fill(&self.plan) {
            return None;
        }
        let Buffers { fields, bytes } = &*out;
        let read = Read {
            each,
            out: fields,
            starts: &self.starts,
            text: bytes,
        };
        Some(into.read_from(&read, model))
    }
}

/// Marks a slot `readFields` reads only when the one before it read as absent
/// ([`Event::OR_ELSE`]).
const OR_ELSE: u32 = 1 << 31;

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
    /// Where each field's text starts in `text`, by slot.
    starts: &'a [u32],
    /// The texts as UTF-8 (checked field by field: JavaScript wrote them).
    text: &'a [u8],
}

impl EventSource for Read<'_> {
    fn field(&self, path: &[&str], max: usize) -> Field<'_> {
        // Every read is planned (a test holds `Event::read` to its plan); one that is not is
        // still answered, field by field.
        self.each.field(path, max)
    }

    fn planned(&self, slot: usize, path: &[&str], max: usize) -> Field<'_> {
        let (Some(&tag), Some(&num), Some(&start)) = (
            self.out.get(2 * slot),
            self.out.get(2 * slot + 1),
            self.starts.get(slot),
        ) else {
            return self.field(path, max);
        };
        match tag {
            FALSE => Field::Bool(false),
            TRUE => Field::Bool(true),
            NUMBER => Field::Num(num),
            TEXT => match self
                .text
                .get(start as usize..)
                .and_then(|rest| rest.get(..num as usize))
                .map(std::str::from_utf8)
            {
                Some(Ok(text)) if text.len() <= max => Field::Str(text.into()),
                Some(Ok(text)) => Field::TooLong(text.len()),
                _ => Field::Other("a string that is not valid Unicode"),
            },
            TOO_LONG => Field::TooLong(num as usize),
            ARRAY => Field::Other("an array"),
            FUNCTION => Field::Other("a function"),
            OBJECT => Field::Other("an object"),
            OTHER => Field::Other("a value of another type"),
            NOT_UNICODE => Field::Other("a string that is not valid Unicode"),
            _ => Field::Absent,
        }
    }

    fn by_slot(&self) -> bool {
        true
    }
}

/// Reads `path` from a JavaScript value without trusting it: getters that throw, proxies and
/// non-objects all read as absent, and long strings are measured before being copied.
pub(super) fn js_field(root: &JsValue, path: &[&str], max: usize) -> Field<'static> {
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
