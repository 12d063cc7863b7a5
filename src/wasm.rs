//! The JavaScript boundary: the only file that knows about `wasm_bindgen` and `js_sys`.
//!
//! Events are read field by field with `Reflect.get`, only the fields the model uses, so a
//! call costs the same whatever else the page puts in its events.

use crate::codec::Restored;
use crate::errors::{EventError, ModelError};
use crate::event::{Event, Field};
use crate::json::Json;
use crate::model::Model;
use crate::scorecard::Scorecard;
use crate::scorer::{Rejected, Scorer as Engine};
use crate::time::parse_iso8601;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const MODEL_TYPES: &'static str = include_str!("generated.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ScoringModel | string")]
    /// A scoring model, as an object or JSON text.
    pub type ModelInput;
    #[wasm_bindgen(typescript_type = "SegmentEvent")]
    /// A Segment event.
    pub type EventInput;
    #[wasm_bindgen(typescript_type = "SegmentEvent[]")]
    /// An array of Segment events.
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
    #[wasm_bindgen(typescript_type = "RestoreNote | undefined")]
    /// What `restore` did.
    pub type RestoreNoteOutput;
    #[wasm_bindgen(typescript_type = "Record<string, string | number | boolean>")]
    /// Kept traits by name.
    pub type TraitsOutput;
}

#[cfg(feature = "console_error_panic_hook")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// One visitor's lead score under one model.
#[wasm_bindgen]
pub struct Scorer {
    engine: Engine,
    restored: Option<Restored>,
    clock_offset_ms: f64,
}

#[wasm_bindgen]
impl Scorer {
    /// Compiles `model` (an object or its JSON text); throws an `Error` listing every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(model: ModelInput) -> Result<Scorer, JsValue> {
        Ok(Scorer::with(Engine::new(compile(&model)?), None))
    }

    /// Restores a session from `save()`. A session saved under another version of the model
    /// is migrated rule by rule, and one saved under another model is reset: `restored` says
    /// which and why. Throws if `saved` is not a saved session (corrupt or tampered).
    pub fn restore(model: ModelInput, saved: &str) -> Result<Scorer, JsValue> {
        let model = compile(&model)?;
        let (engine, restored) =
            Engine::restore(model, saved).map_err(|e| error(&e.to_string(), "saved", None))?;
        Ok(Scorer::with(engine, Some(restored)))
    }

    /// Replaces this visitor's session with a saved one, keeping the compiled model: one
    /// `Scorer` can serve visitor after visitor (an edge worker does this per request). Returns
    /// what `restored` returns; throws if `saved` is not a saved session, leaving a fresh one.
    pub fn load(&mut self, saved: &str) -> Result<RestoreNoteOutput, JsValue> {
        match self.engine.load(saved) {
            Ok(restored) => {
                self.restored = Some(restored);
                Ok(self.restored())
            }
            Err(e) => {
                self.reset();
                Err(error(&e.to_string(), "saved", None))
            }
        }
    }

    /// Scores a Segment event (`page`, `track`, `identify`, `group`). Throws an `Error` naming
    /// the field if the event is invalid; the session is then unchanged. `now` (epoch ms, ISO
    /// text or a `Date`) replaces the scorer's clock for this call, for replaying logs.
    pub fn ingest(
        &mut self,
        event: EventInput,
        now: Option<TimeInput>,
    ) -> Result<ScoreResultOutput, JsValue> {
        let event = read_event(&event, self.engine.model()).map_err(|e| event_error(&e))?;
        let now = self.now_or(now)?;
        let card = self
            .engine
            .ingest(&event, now)
            .map_err(|e| event_error(&e))?;
        Ok(card_js(&card, None).unchecked_into())
    }

    /// Scores events in order and returns the result after the last, with `rejected` listing
    /// each invalid event by index (the valid ones before and after it are kept). `now` as for
    /// `ingest`.
    #[wasm_bindgen(js_name = ingestBatch)]
    pub fn ingest_batch(
        &mut self,
        events: EventsInput,
        now: Option<TimeInput>,
    ) -> Result<BatchResultOutput, JsValue> {
        let now = self.now_or(now)?;
        let (card, rejected) = batch(&mut self.engine, &events, now)?;
        Ok(card_js(&card, Some(&rejected)).unchecked_into())
    }

    /// Scores a page view of `path` (`/pricing`, or a full URL), stamped now.
    pub fn page(
        &mut self,
        path: &str,
        properties: Option<PropertiesInput>,
    ) -> Result<ScoreResultOutput, JsValue> {
        let event = call("page", path, properties, self.engine.model())?;
        self.scored(&event)
    }

    /// Scores a `track` event named `event` (`Demo Requested`), stamped now.
    pub fn track(
        &mut self,
        event: &str,
        properties: Option<PropertiesInput>,
    ) -> Result<ScoreResultOutput, JsValue> {
        let event = call("track", event, properties, self.engine.model())?;
        self.scored(&event)
    }

    /// Records traits of the visitor (`email`, `title`, `company: { employees }`).
    pub fn identify(&mut self, traits: TraitsInput) -> Result<ScoreResultOutput, JsValue> {
        let event = traits_event("identify", &traits, self.engine.model())?;
        self.scored(&event)
    }

    /// Records traits of the visitor's company; the model reads them as `company.<trait>`.
    pub fn group(&mut self, traits: TraitsInput) -> Result<ScoreResultOutput, JsValue> {
        let event = traits_event("group", &traits, self.engine.model())?;
        self.scored(&event)
    }

    /// The score now, or at `now` (epoch milliseconds, ISO-8601 text or a `Date`).
    pub fn result(&self, now: Option<TimeInput>) -> Result<ScoreResultOutput, JsValue> {
        let now = self.now_or(now)?;
        Ok(card_js(&self.engine.score(now), None).unchecked_into())
    }

    /// The session as a compact URL-safe string (for `localStorage` or a cookie).
    pub fn save(&self) -> String {
        self.engine.save()
    }

    /// Forgets the visitor and starts a fresh session under the same model.
    pub fn reset(&mut self) {
        self.engine.reset();
        self.restored = None;
    }

    /// What `restore` did: `{ outcome: "exact" | "migrated" | "reset", reason }`.
    #[wasm_bindgen(getter)]
    pub fn restored(&self) -> RestoreNoteOutput {
        let note = self.restored.as_ref().map(|r| match r {
            Restored::Exact => ("exact", "restored under the same model"),
            Restored::Migrated(why) => ("migrated", why.as_str()),
            Restored::Reset(why) => ("reset", why.as_str()),
        });
        match note {
            Some((outcome, reason)) => {
                object(&[("outcome", outcome.into()), ("reason", reason.into())])
            }
            None => JsValue::UNDEFINED,
        }
        .unchecked_into()
    }

    /// `id@version` of the model in use.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.engine.model().key().to_owned()
    }

    /// The traits the model keeps for this visitor (those its rules read, and `keepTraits`).
    pub fn traits(&self) -> TraitsOutput {
        let out = Object::new();
        for (name, value) in self
            .engine
            .model()
            .traits
            .paths
            .iter()
            .zip(&self.engine.session().traits)
        {
            if let Some(v) = value {
                let v = match v {
                    crate::Value::Str(s) => JsValue::from_str(s),
                    crate::Value::Num(n) => JsValue::from_f64(*n),
                    crate::Value::Bool(b) => JsValue::from_bool(*b),
                };
                let _ = Reflect::set(&out, &JsValue::from_str(name), &v);
            }
        }
        out.unchecked_into()
    }

    /// Milliseconds added to the wall clock when scoring (to show decay: 7 days ahead is
    /// `7 * 864e5`). Events without a timestamp are stamped with this clock too.
    #[wasm_bindgen(getter, js_name = clockOffsetMs)]
    pub fn clock_offset_ms(&self) -> f64 {
        self.clock_offset_ms
    }

    /// Sets the clock offset; it must be a finite number of milliseconds.
    #[wasm_bindgen(setter, js_name = clockOffsetMs)]
    pub fn set_clock_offset_ms(&mut self, offset: f64) -> Result<(), JsValue> {
        if !offset.is_finite() {
            return Err(error(
                "clockOffsetMs: must be a finite number of milliseconds",
                "clockOffsetMs",
                None,
            ));
        }
        self.clock_offset_ms = offset;
        Ok(())
    }
}

impl Scorer {
    fn with(engine: Engine, restored: Option<Restored>) -> Scorer {
        Scorer {
            engine,
            restored,
            clock_offset_ms: 0.0,
        }
    }

    fn now(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset_ms
    }

    /// `now` when given (and valid), else the scorer's clock.
    fn now_or(&self, now: Option<TimeInput>) -> Result<f64, JsValue> {
        match now {
            Some(t) if !t.is_undefined() => time(&t, "now"),
            _ => Ok(self.now()),
        }
    }

    fn scored(&mut self, event: &Event) -> Result<ScoreResultOutput, JsValue> {
        let card = self
            .engine
            .ingest(event, self.now())
            .map_err(|e| event_error(&e))?;
        Ok(card_js(&card, None).unchecked_into())
    }
}

/// Learns the points of `model` from labeled leads (`data`: JSON Lines, one
/// `{ events, converted, convertedAt?, traits? }` per line; or CSV when `options.csvMapping`
/// is given) and returns `{ model, report }`: the learned model (an ordinary scoring model with
/// a calibration) and what was learned. Throws when the data is too little to learn from.
#[cfg(feature = "training")]
#[wasm_bindgen]
pub fn train(
    model: ModelInput,
    data: &str,
    options: Option<TrainOptionsInput>,
) -> Result<TrainResultOutput, JsValue> {
    let doc = read_model(&model).map_err(|p| error(&p.to_string(), "model", None))?;
    let doc = crate::document::ModelDocument::read(&doc).map_err(|e| model_error(&e))?;
    let compiled = Model::from_document(&doc).map_err(|e| model_error(&e))?;
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    // Through the document tree, which sees every field (serde-wasm-bindgen reads only the
    // fields a struct names, so a misspelt option would pass unseen).
    let given: crate::training::TrainOptions = if options.is_undefined() || options.is_null() {
        Default::default()
    } else {
        let tree = read_json(&options)
            .map_err(|why| error(&format!("options: {why}"), "options", None))?;
        tree.into_typed().map_err(|e| {
            let path = crate::reader::join("options", &crate::json::path_text(&e.path));
            error(&format!("{path}: {}", e.message), &path, None)
        })?
    };
    let settings = given.check().map_err(|e| {
        let path = format!("options.{}", e.option);
        error(&format!("{path}: {}", e.message), &path, None)
    })?;
    let leads = match &given.csv_mapping {
        Some(mapping) => crate::dataset::read_csv(data, mapping),
        None => crate::dataset::read_jsonl_with(data, |line| {
            read_json_text(line).map_err(|why| format!("not valid JSON: {why}"))
        }),
    }
    .map_err(|e| error(&format!("data: {e}"), "data", None))?;
    let trained = crate::training::train(&doc, &compiled, &leads, &settings)
        .map_err(|e| error(&e.to_string(), "data", None))?;
    let out = Object::new();
    Reflect::set(&out, &"model".into(), &to_js(&trained.model)?)?;
    Reflect::set(&out, &"report".into(), &to_js(&trained.report.to_json())?)?;
    Ok(JsValue::from(out).unchecked_into())
}

/// Lists the problems of a model (`[]` when it is valid), each `{ path, message }`.
#[wasm_bindgen(js_name = validateModel)]
pub fn validate_model(model: ModelInput) -> Result<ProblemsOutput, JsValue> {
    let problems = match read_model(&model) {
        Ok(doc) => Model::compile(&doc)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default(),
        Err(problem) => vec![problem],
    };
    Ok(problems_js(&problems).unchecked_into())
}

/// Scores a whole session in one call (for an edge function): a fresh visitor, `events` in
/// order, scored at `now` (default: the wall clock). Invalid events are listed in `rejected`.
#[wasm_bindgen(js_name = scoreEvents)]
pub fn score_events(
    model: ModelInput,
    events: EventsInput,
    now: Option<TimeInput>,
) -> Result<BatchResultOutput, JsValue> {
    let model = cached_model(&model)?;
    let now = match now {
        Some(t) => time(&t, "now")?,
        None => js_sys::Date::now(),
    };
    let mut engine = Engine::new(model);
    let (card, rejected) = batch(&mut engine, &events, now)?;
    Ok(card_js(&card, Some(&rejected)).unchecked_into())
}

thread_local! {
    /// The last model `scoreEvents` compiled, by its JSON text: an edge worker passes the same
    /// model on every request and should not pay to compile it each time, while a model object
    /// changed in place must score with its new rules.
    static LAST_MODEL: RefCell<Option<(JsValue, Model)>> = const { RefCell::new(None) };
}

fn cached_model(input: &JsValue) -> Result<Model, JsValue> {
    let key = if input.is_string() {
        input.clone()
    } else {
        js_sys::JSON::stringify(input).map_or(JsValue::UNDEFINED, JsValue::from)
    };
    let hit = LAST_MODEL.with(|m| {
        m.borrow()
            .as_ref()
            .filter(|(text, _)| key.is_string() && *text == key)
            .map(|(_, model)| model.clone())
    });
    if let Some(model) = hit {
        return Ok(model);
    }
    let model = compile(input)?;
    if key.is_string() {
        LAST_MODEL.with(|m| *m.borrow_mut() = Some((key, model.clone())));
    }
    Ok(model)
}

/// Most events one batch call accepts.
const MAX_BATCH: u32 = 10_000;

fn batch(
    engine: &mut Engine,
    events: &JsValue,
    now: f64,
) -> Result<(Scorecard, Vec<Rejected>), JsValue> {
    let Some(list) = events.dyn_ref::<Array>() else {
        return Err(error(
            "events: must be an array of Segment events",
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
    let events: Vec<_> = list
        .iter()
        .map(|e| read_event(&e, engine.model()))
        .collect();
    Ok(engine.ingest_all(events, now))
}

fn compile(input: &JsValue) -> Result<Model, JsValue> {
    let doc = read_model(input).map_err(|p| {
        error(
            &format!("invalid scoring model (1 problem)\n  {p}"),
            "model",
            None,
        )
    })?;
    Model::compile(&doc).map_err(|e| model_error(&e))
}

/// Longest model accepted as text, in characters of JSON.
const MAX_MODEL_CHARS: u32 = 1_000_000;

/// Reads a model given as an object or as JSON text (`JSON.parse`d first) into the document
/// tree through serde-wasm-bindgen: the module carries no JSON parser of its own. Nesting and
/// size are bounded while reading (see [`Json::read`]).
fn read_model(input: &JsValue) -> Result<Json, crate::Problem> {
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
fn read_json(value: &JsValue) -> Result<Json, String> {
    Json::read(serde_wasm_bindgen::Deserializer::from(value.clone()))
        .map_err(|e| e.to_string().trim_start_matches("Error: ").to_owned())
}

/// Reads JSON text with `JSON.parse`, then into the document tree.
#[cfg(feature = "training")]
fn read_json_text(text: &str) -> Result<Json, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| js_message(&e))?;
    read_json(&value)
}

/// The message of a thrown JavaScript error.
fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn read_event(event: &JsValue, model: &Model) -> Result<Event, EventError> {
    if !event.is_object() || Array::is_array(event) {
        return Err(EventError::new("", "must be an object (a Segment event)"));
    }
    Event::read(&|path: &[&str], max| js_field(event, path, max), model)
}

fn call(
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

fn traits_event(kind: &str, traits: &JsValue, model: &Model) -> Result<Event, JsValue> {
    if !traits.is_object() {
        return Err(event_error(&EventError::new("traits", "must be an object")));
    }
    let source = |path: &[&str], max: usize| match path {
        ["type"] => Field::Str(kind.to_owned()),
        ["traits", rest @ ..] => js_field(traits, rest, max),
        _ => Field::Absent,
    };
    Event::read(&source, model).map_err(|e| event_error(&e))
}

/// Reads `path` from a JavaScript value without trusting it: getters that throw, proxies and
/// non-objects all read as absent, and long strings are measured before being copied.
fn js_field(root: &JsValue, path: &[&str], max: usize) -> Field {
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
        let len = s.length() as usize;
        if len > max {
            Field::TooLong(len)
        } else {
            s.as_string().map_or(
                Field::Other("a string that is not valid Unicode"),
                Field::Str,
            )
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

fn time(value: &JsValue, field: &str) -> Result<f64, JsValue> {
    let ms = if let Some(d) = value.dyn_ref::<js_sys::Date>() {
        Some(d.get_time())
    } else if let Some(s) = value.as_string() {
        parse_iso8601(&s)
    } else {
        value.as_f64()
    };
    ms.filter(|n| n.is_finite()).ok_or_else(|| {
        error(
            &format!("{field}: must be epoch milliseconds, ISO-8601 text or a Date"),
            field,
            None,
        )
    })
}

fn model_error(e: &ModelError) -> JsValue {
    error(&e.to_string(), "model", Some(problems_js(&e.problems)))
}

fn event_error(e: &EventError) -> JsValue {
    error(&e.to_string(), &format!("event.{}", e.field), None)
}

/// A JS `Error` with `field` (and `problems`, for a model) attached for programs to read.
fn error(message: &str, field: &str, problems: Option<JsValue>) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = Reflect::set(
        &err,
        &JsValue::from_str("field"),
        &JsValue::from_str(field.trim_end_matches('.')),
    );
    if let Some(p) = problems {
        let _ = Reflect::set(&err, &JsValue::from_str("problems"), &p);
    }
    JsValue::from(err)
}

/// A plain object with these properties.
/// A document as a plain JavaScript value (objects, not maps), numbers exact.
#[cfg(feature = "training")]
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let s = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&s).map_err(JsValue::from)
}

fn object(props: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (key, value) in props {
        let _ = Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o.into()
}

/// A scorecard as the `ScoreResult` object of the TypeScript types (with `rejected` for a batch).
fn card_js(card: &Scorecard, rejected: Option<&[Rejected]>) -> JsValue {
    js_sys::JSON::parse(&card.to_json(rejected)).unwrap_or(JsValue::NULL)
}

thread_local! {
    /// JS strings made once for property names read from events.
    static STRINGS: RefCell<HashMap<String, JsValue>> = RefCell::new(HashMap::new());
}

/// Most property names kept; the set is bounded by the model, this only guards against misuse.
const MAX_CACHED_STRINGS: usize = 1024;

/// Calls `f` with a JS string for a property name, made once and kept: handing Rust text to
/// JavaScript decodes it, which costs more than this lookup. The cache is only read while `f`
/// runs, so JavaScript that calls back into this module (a getter) cannot upset it.
fn with_js_str<R>(text: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    STRINGS.with(|cache| {
        if let Some(v) = cache.borrow().get(text) {
            return f(v);
        }
        let v = JsValue::from_str(text);
        if let Ok(mut cache) = cache.try_borrow_mut() {
            if cache.len() < MAX_CACHED_STRINGS {
                cache.insert(text.to_owned(), v.clone());
            }
        }
        f(&v)
    })
}

fn problems_js(problems: &[crate::Problem]) -> JsValue {
    problems
        .iter()
        .map(|p| {
            object(&[
                ("path", p.path.as_str().into()),
                ("message", p.message.as_str().into()),
            ])
        })
        .collect::<Array>()
        .into()
}
