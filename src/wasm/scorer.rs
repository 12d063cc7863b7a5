//! The `Scorer` class: one visitor's session under one model.

use super::read::*;
use super::write::*;
use super::*;
use crate::score::scorer::Scorer as Engine;
use crate::session::event::Event;
use crate::session::saved::Restored;
use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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
        Ok(Scorer::of(Engine::new(compile(&model)?), None))
    }

    /// Restores a session from `save()`. A session saved under another version of the model
    /// is migrated rule by rule, and one saved under another model is reset: `restored` says
    /// which and why. Throws if `saved` is not a saved session (corrupt or tampered).
    pub fn restore(model: ModelInput, saved: &str) -> Result<Scorer, JsValue> {
        let model = compile(&model)?;
        let (engine, restored) =
            Engine::restore(model, saved).map_err(|e| error(&e.to_string(), "saved", None))?;
        Ok(Scorer::of(engine, Some(restored)))
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
        self.restored
            .as_ref()
            .and_then(|r| to_js(&crate::session::saved::RestoreNote::of(r)).ok())
            .unwrap_or(JsValue::UNDEFINED)
            .unchecked_into()
    }

    /// `id@version` of the model in use.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.engine.model().key().to_owned()
    }

    /// The traits the model keeps for this visitor (those its rules read, and `keepTraits`).
    pub fn traits(&self) -> TraitsOutput {
        let kept: Kept = self
            .engine
            .model()
            .traits
            .paths
            .iter()
            .zip(&self.engine.session().traits)
            .filter_map(|(name, value)| Some((name.as_str(), value.as_ref()?)))
            .collect();
        to_js(&kept)
            .unwrap_or_else(|_| Object::new().into())
            .unchecked_into()
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
    pub(super) fn of(engine: Engine, restored: Option<Restored>) -> Scorer {
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

/// Kept traits by name, in the model's order (serialized as one object).
struct Kept<'a>(Vec<(&'a str, &'a crate::Value)>);

impl<'a> FromIterator<(&'a str, &'a crate::Value)> for Kept<'a> {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a crate::Value)>>(iter: I) -> Self {
        Kept(iter.into_iter().collect())
    }
}

impl serde::Serialize for Kept<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
