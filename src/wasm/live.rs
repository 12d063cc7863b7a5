//! Live sessions by slot, so that a result made in JavaScript can ask for its reasons later.
//!
//! `ingest` hands JavaScript only numbers and a `(slot, stamp)` pair; the result's `reasons`
//! getter calls one function, installed once, that finds the session by slot and explains it
//! if its stamp still matches (a session stamps itself anew whenever it changes, so a result
//! read after the session moved on is refused rather than explained with a later state).

use super::write::card_js;
use crate::score::scorer::{Light, Scorer as Engine};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/result.js")]
extern "C" {
    #[wasm_bindgen(js_name = useExplain)]
    fn use_explain(f: &Closure<dyn Fn(u32, f64, f64) -> Result<JsValue, JsValue>>);

    /// A `ScoreResult` object from the numbers of one scored event.
    #[wasm_bindgen(js_name = scoreResult)]
    #[allow(clippy::too_many_arguments)]
    fn score_result(
        slot: u32,
        stamp: f64,
        at: f64,
        score: f64,
        fit: f64,
        engagement: f64,
        flags: u32,
        mql_since: f64,
        model: &JsValue,
    ) -> JsValue;
}

/// One visitor's engine and the stamp of its current state.
pub(super) struct Live {
    pub engine: RefCell<Engine>,
    stamp: Cell<f64>,
}

/// A live session and its place among all of them; leaving it frees the place.
pub(super) struct Entry {
    pub live: Rc<Live>,
    pub slot: u32,
}

#[derive(Default)]
struct Slab {
    entries: slab::Slab<Weak<Live>>,
    /// Stamps are never reused, so a slot taken by a later session cannot answer for an old one.
    last_stamp: f64,
    explain_installed: bool,
}

thread_local! {
    static SLAB: RefCell<Slab> = RefCell::new(Slab::default());
}

impl Entry {
    /// Takes a place for a new session.
    pub fn new(engine: Engine) -> Entry {
        let live = Rc::new(Live {
            engine: RefCell::new(engine),
            stamp: Cell::new(0.0),
        });
        let slot = SLAB.with(|slab| {
            let mut slab = slab.borrow_mut();
            if !slab.explain_installed {
                slab.explain_installed = true;
                let f = Closure::<dyn Fn(u32, f64, f64) -> Result<JsValue, JsValue>>::new(explain);
                use_explain(&f);
                f.forget(); // one function for the module's lifetime
            }
            slab.entries.insert(Rc::downgrade(&live)) as u32
        });
        let entry = Entry { live, slot };
        entry.touch();
        entry
    }

    /// Marks the session changed and returns its new stamp.
    pub fn touch(&self) -> f64 {
        super::memory::grow_ahead();
        let stamp = SLAB.with(|slab| {
            let mut slab = slab.borrow_mut();
            slab.last_stamp += 1.0;
            slab.last_stamp
        });
        self.live.stamp.set(stamp);
        stamp
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        SLAB.with(|slab| {
            if let Ok(mut slab) = slab.try_borrow_mut() {
                slab.entries.try_remove(self.slot as usize);
            }
        });
    }
}

impl Entry {
    /// The result of the event just scored, as a `ScoreResult` whose reasons are read on demand.
    pub fn result(&self, light: &Light, at: f64, model: &JsValue) -> JsValue {
        let grade =
            u32::from(light.grade.fit as u8 - b'A') * 4 + u32::from(light.grade.engagement - 1);
        let filter = light.filtered_by.map_or(0, |f| f.index() as u32 + 1);
        let flags =
            grade | u32::from(light.mql) << 4 | u32::from(light.became_mql) << 5 | filter << 6;
        let stamp = self.live.stamp.get();
        score_result(
            self.slot,
            stamp,
            at,
            light.score,
            light.fit,
            light.engagement,
            flags,
            light.mql_since.unwrap_or(-1.0),
            model,
        )
    }
}

/// The full result of the session in `slot` at `at`, if it is still in the state `stamp`.
fn explain(slot: u32, stamp: f64, at: f64) -> Result<JsValue, JsValue> {
    let live = SLAB.with(|slab| {
        let slab = slab.try_borrow().ok()?;
        slab.entries.get(slot as usize)?.upgrade()
    });
    let stale = || {
        super::write::error(
            "result: its session has changed since (another event, load, reset or free()); \
             read reasons before the session's next call, or call result()",
            "result",
            None,
        )
    };
    let live = live.ok_or_else(stale)?;
    if live.stamp.get() != stamp {
        return Err(stale());
    }
    let engine = live.engine.try_borrow().map_err(|_| stale())?;
    Ok(card_js(&engine.score(at), None))
}
