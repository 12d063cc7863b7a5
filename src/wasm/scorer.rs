//! The `Scorer` class: one visitor's session under one model.

use super::fields::Reader;
use super::live::Entry;
use super::read::*;
use super::write::*;
use super::*;
use crate::model::Model;
use crate::score::scorer::Scorer as Engine;
use crate::session::event::Event;
use crate::session::saved::Restored;
use js_sys::{Object, Reflect};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One visitor's lead score under one model.
#[wasm_bindgen]
pub struct Scorer {
    /// The session, where a result's `reasons` getter can find it.
    entry: Entry,
    /// The compiled model, read without borrowing the session (reading an event runs
    /// JavaScript, which may call back into this module).
    model: Arc<Model>,
    /// The model's plan for reading events in one call, shared by the model's sessions.
    reader: Rc<Reader>,
    restored: Option<Restored>,
    clock_offset_ms: f64,
}

#[wasm_bindgen]
impl Scorer {
    /// Compiles `model` (an object or its JSON text); throws an `Error` listing every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(model: AnyModelInput) -> Result<Scorer, JsValue> {
        Ok(Scorer::of(Engine::new(compile(&model)?), None))
    }

    /// Restores a session from `save()`. A session saved under another version of the model
    /// is migrated rule by rule, and one saved under another model is reset: `restored` says
    /// which and why. Throws if `saved` is not a saved session (corrupt or tampered).
    pub fn restore(model: AnyModelInput, saved: &str) -> Result<Scorer, JsValue> {
        let model = compile(&model)?;
        let (engine, restored) =
            Engine::restore(model, saved).map_err(|e| error(&e.to_string(), "saved", None))?;
        Ok(Scorer::of(engine, Some(restored)))
    }

    /// Replaces this visitor's session with a saved one, keeping the compiled model: one
    /// `Scorer` can serve visitor after visitor (an edge worker does this per request). Returns
    /// what `restored` returns; throws if `saved` is not a saved session, leaving a fresh one.
    pub fn load(&mut self, saved: &str) -> Result<RestoreNoteOutput, JsValue> {
        let loaded = self.engine_mut().load(saved);
        self.entry.touch();
        match loaded {
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
        let (reader, model) = (Rc::clone(&self.reader), Arc::clone(&self.model));
        reader.with_read(&event, &model, |read| {
            let event = read.map_err(|e| event_error(&e))?;
            let now = self.now_or(now)?;
            self.scored(event, now)
        })
    }

    /// Scores events in order and returns the result after the last, with `rejected` listing
    /// each invalid event by index (the valid ones before and after it are kept). `events` is an
    /// array of events, or JSON Lines text (a string or a `Uint8Array` of UTF-8: a log replay,
    /// a request body) read in Rust, where `index` is the line number from 0. `now` as for
    /// `ingest`.
    #[wasm_bindgen(js_name = ingestBatch)]
    pub fn ingest_batch(
        &mut self,
        events: EventsInput,
        now: Option<TimeInput>,
    ) -> Result<BatchResultOutput, JsValue> {
        let now = self.now_or(now)?;
        let (card, rejected) = match lines_text(&events)? {
            #[cfg(feature = "documents")]
            Some(text) => self.engine_mut().ingest_lines(&text, now),
            _ => {
                let events = read_batch(&events, &self.model, &self.reader)?;
                self.engine_mut().ingest_all(events, now)
            }
        };
        self.entry.touch();
        Ok(card_js(&card, Some(&rejected)).unchecked_into())
    }

    /// Scores a page view of `path` (`/pricing`, or a full URL), stamped now.
    pub fn page(
        &mut self,
        path: &str,
        properties: Option<PropertiesInput>,
    ) -> Result<ScoreResultOutput, JsValue> {
        let event = call("page", path, properties, &self.model)?;
        self.scored(&event, self.now())
    }

    /// Scores a `track` event named `event` (`Demo Requested`), stamped now.
    pub fn track(
        &mut self,
        event: &str,
        properties: Option<PropertiesInput>,
    ) -> Result<ScoreResultOutput, JsValue> {
        let event = call("track", event, properties, &self.model)?;
        self.scored(&event, self.now())
    }

    /// Records traits of the visitor (`email`, `title`, `company: { employees }`).
    pub fn identify(&mut self, traits: TraitsInput) -> Result<ScoreResultOutput, JsValue> {
        let event = traits_event("identify", &traits, &self.model, &self.reader)?;
        self.scored(&event, self.now())
    }

    /// Records traits of the visitor's company; the model reads them as `company.<trait>`.
    pub fn group(&mut self, traits: TraitsInput) -> Result<ScoreResultOutput, JsValue> {
        let event = traits_event("group", &traits, &self.model, &self.reader)?;
        self.scored(&event, self.now())
    }

    /// The score now, or at `now` (epoch milliseconds, ISO-8601 text or a `Date`).
    pub fn result(&self, now: Option<TimeInput>) -> Result<ScoreResultOutput, JsValue> {
        let now = self.now_or(now)?;
        Ok(card_js(&self.engine().score(now), None).unchecked_into())
    }

    /// The session as a compact URL-safe string (for `localStorage` or a cookie).
    pub fn save(&self) -> String {
        self.engine().save()
    }

    /// Forgets the visitor and starts a fresh session under the same model.
    pub fn reset(&mut self) {
        self.engine_mut().reset();
        self.entry.touch();
        self.restored = None;
    }

    /// What `restore` did: `{ outcome: "exact" | "migrated" | "reset", reason }`.
    #[wasm_bindgen(getter)]
    pub fn restored(&self) -> RestoreNoteOutput {
        self.restored
            .as_ref()
            .map(|r| restore_note_js(&crate::session::saved::RestoreNote::of(r)))
            .unwrap_or(JsValue::UNDEFINED)
            .unchecked_into()
    }

    /// When the visitor's first event happened (epoch milliseconds), if they have any.
    #[wasm_bindgen(getter, js_name = firstSeen)]
    pub fn first_seen(&self) -> Option<f64> {
        self.engine()
            .session()
            .first_seen
            .map(|s| s as f64 * 1000.0)
    }

    /// When the visitor's latest event happened (epoch milliseconds), if they have any.
    #[wasm_bindgen(getter, js_name = lastSeen)]
    pub fn last_seen(&self) -> Option<f64> {
        self.engine().session().last_seen.map(|s| s as f64 * 1000.0)
    }

    /// `id@version` of the model in use.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.model.key().to_owned()
    }

    /// The traits the model keeps for this visitor (those its rules read, and `keepTraits`).
    pub fn traits(&self) -> TraitsOutput {
        // Copied out first: setting a property can run a page's setter, which may call back in.
        let values = self.engine().session().traits.clone();
        let traits = Object::new();
        for (name, value) in self.model.traits.paths.iter().zip(&values) {
            if let Some(value) = value {
                with_js_str(name, |name| Reflect::set(&traits, name, &value_js(value))).ok();
            }
        }
        traits.unchecked_into()
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
    /// A session of its own model (the plan is made here).
    pub(super) fn of(engine: Engine, restored: Option<Restored>) -> Scorer {
        let reader = Rc::new(Reader::new(engine.model()));
        Scorer::sharing(engine, restored, reader)
    }

    /// A session of a compiled `Model`, sharing its plan.
    pub(super) fn sharing(
        engine: Engine,
        restored: Option<Restored>,
        reader: Rc<Reader>,
    ) -> Scorer {
        let model = engine.shared_model();
        Scorer {
            reader,
            model,
            entry: Entry::new(engine),
            restored,
            clock_offset_ms: 0.0,
        }
    }

    /// The session. Borrowing cannot fail: a mutable borrow lives only within a statement that
    /// runs no JavaScript, so no getter or callback can meet one (and wasm-bindgen refuses a
    /// call into a `Scorer` that is already in a call).
    fn engine(&self) -> std::cell::Ref<'_, Engine> {
        self.entry.live.engine.borrow()
    }

    fn engine_mut(&self) -> std::cell::RefMut<'_, Engine> {
        self.entry.live.engine.borrow_mut()
    }

    fn now(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset_ms
    }

    /// `now` when given (and valid), else the scorer's clock.
    fn now_or(&self, now: Option<TimeInput>) -> Result<f64, JsValue> {
        // `undefined` and `null` arrive as `None` (the glue tests them), so `Some` is a value:
        // no second call across the boundary to ask whether it is undefined.
        match now {
            Some(t) => time(&t, "now"),
            None => Ok(self.now()),
        }
    }

    /// Scores one event: numbers out, reasons on demand.
    fn scored(&mut self, event: &Event, now: f64) -> Result<ScoreResultOutput, JsValue> {
        let light = self
            .engine_mut()
            .ingest_light(event, now)
            .map_err(|e| event_error(&e))?;
        self.entry.touch();
        Ok(self
            .entry
            .result(&light, now, &self.reader.key)
            .unchecked_into())
    }
}
