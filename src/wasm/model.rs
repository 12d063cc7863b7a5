//! The `Model` class: a scoring model compiled once and shared by any number of sessions.

use super::fields::Reader;
use super::read::*;
use super::scorer::Scorer;
use super::write::*;
use super::*;
use crate::model::Model as Compiled;
use crate::score::scorer::Scorer as Engine;
use std::rc::Rc;
use std::sync::Arc;

/// A scoring model, compiled once. Sessions made from it (`model.session()`,
/// `model.restore(saved)`) share it: they cost no compile and a few hundred bytes each. Free a
/// session with `free()` (or `using`) when done; a `Model` lives as long as any of its sessions.
#[wasm_bindgen(js_name = Model)]
pub struct CompiledModel {
    inner: Arc<Compiled>,
    /// A blank session that new ones are made from (they share its traits view).
    template: Engine,
    /// How its sessions read events, made once.
    reader: Rc<Reader>,
}

#[wasm_bindgen(js_class = Model)]
impl CompiledModel {
    /// Compiles `model` (an object or its JSON text, or a compiled model's bytes); throws an
    /// `Error` listing every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(model: AnyModelInput) -> Result<CompiledModel, JsValue> {
        let inner = Arc::new(compile(&model)?);
        Ok(CompiledModel {
            reader: Rc::new(Reader::new(&inner)),
            template: Engine::new(Arc::clone(&inner)),
            inner,
        })
    }

    /// A fresh visitor's session under this model.
    pub fn session(&self) -> Scorer {
        Scorer::sharing(self.template.fresh(), None, Rc::clone(&self.reader))
    }

    /// A session restored from `save()`: migrated rule by rule when saved under another version
    /// of the model, reset when saved under another model (`restored` says which and why).
    /// Throws if `saved` is not a saved session.
    pub fn restore(&self, saved: &str) -> Result<Scorer, JsValue> {
        let mut engine = self.template.fresh();
        let restored = engine
            .load(saved)
            .map_err(|e| error(&e.to_string(), "saved", None))?;
        Ok(Scorer::sharing(
            engine,
            Some(restored),
            Rc::clone(&self.reader),
        ))
    }

    /// The model in its compiled form, for the small scoring module (`mqlscore/lite`): what
    /// `mqlscore compile` writes. Checked when read, with the model's `id@version` inside.
    #[cfg(feature = "documents")]
    pub fn compiled(&self) -> Vec<u8> {
        self.inner.pack()
    }

    /// `id@version` of the model.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        self.inner.key().to_owned()
    }
}
