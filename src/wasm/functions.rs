//! The free functions: `train`, `validateModel` and `scoreEvents`.

use super::fields::Reader;
use super::read::*;
use super::write::*;
use super::*;
use crate::model::Model;
use crate::score::scorer::Scorer as Engine;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Learns the points of `model` from labeled leads (`data`: JSON Lines, one
/// `{ events, converted, convertedAt?, traits? }` per line; or CSV when `options.csvMapping`
/// is given) and returns `{ model, report }`: the learned model (an ordinary scoring model with
/// a calibration) and what was learned. With `model` null (or `options.propose`), rules are
/// first proposed from the data's columns, as `mqlscore train` does without `--model`. Throws
/// when the data is too little to learn from.
#[cfg(feature = "training")]
#[wasm_bindgen]
pub fn train(
    model: Option<ModelInput>,
    data: &str,
    options: Option<TrainOptionsInput>,
) -> Result<TrainResultOutput, JsValue> {
    lend_host();
    let base = match model {
        Some(model) => {
            let doc = read_model(&model).map_err(|p| error(&p.to_string(), "model", None))?;
            Some(crate::model::document::ModelDocument::read(&doc).map_err(|e| model_error(&e))?)
        }
        None => None,
    };
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    // Through the document tree, which sees every field (serde-wasm-bindgen reads only the
    // fields a struct names, so a misspelt option would pass unseen).
    let given: crate::learn::TrainOptions = if options.is_undefined() || options.is_null() {
        Default::default()
    } else {
        let tree = read_json(&options)
            .map_err(|why| error(&format!("options: {why}"), "options", None))?;
        tree.into_typed().map_err(|e| {
            let path =
                crate::model::check::join("options", &crate::format::json::path_text(&e.path));
            error(&format!("{path}: {}", e.message), &path, None)
        })?
    };
    let option_error = |e: crate::learn::OptionError| {
        let path = format!("options.{}", e.option);
        error(&format!("{path}: {}", e.message), &path, None)
    };
    let settings = given.check().map_err(option_error)?;
    let proposal = given.proposal().map_err(option_error)?;
    let leads = match &given.csv_mapping {
        Some(mapping) => crate::learn::read_csv(data, mapping, crate::learn::Labels::Required),
        None => crate::learn::read_jsonl_with(data, crate::learn::Labels::Required, |line| {
            read_json_text(line).map_err(|why| format!("not valid JSON: {why}"))
        }),
    }
    .map_err(|e| error(&format!("data: {e}"), "data", None))?;
    let id = given.id.as_deref().unwrap_or("learned");
    let learned = crate::learn::learn(
        base,
        given.propose.unwrap_or(false),
        id,
        given.csv_mapping.as_ref(),
        &leads,
        &proposal,
        &settings,
        &crate::learn::Tuning::of(&given, &settings, &proposal),
    )
    .map_err(|e| match e {
        crate::learn::LearnError::Model(why) => error(&why, "model", None),
        crate::learn::LearnError::Data(why) => error(&why, "data", None),
    })?;
    Ok(to_js(&crate::learn::TrainResult::of(&learned))?.unchecked_into())
}

/// Lists the problems of a model (`[]` when it is valid), each `{ path, message }`.
#[cfg(feature = "documents")]
#[wasm_bindgen(js_name = validateModel)]
pub fn validate_model(model: ModelInput) -> Result<ProblemsOutput, JsValue> {
    lend_host();
    let problems = match read_model(&model) {
        Ok(doc) => Model::compile(&doc)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default(),
        Err(problem) => vec![problem],
    };
    Ok(problems_js(&problems).unchecked_into())
}

/// Runs the cases a model carries (`cases`: a visitor's events and what must come out), each
/// with a fresh session: `{ passed, failed, cases: [{ name, passed, failures }] }`. An invalid
/// model throws as `new Scorer` does, naming the field. In the authoring module (mqlscore/train)
/// with `train`: it costs the scoring module 10 KB gzipped that no page needs.
#[cfg(feature = "training")]
#[wasm_bindgen(js_name = testModel)]
pub fn test_model(model: ModelInput) -> Result<CaseReportOutput, JsValue> {
    lend_host();
    let json = read_model(&model).map_err(|p| {
        error(
            &format!("invalid scoring model (1 problem)\n  {p}"),
            "model",
            None,
        )
    })?;
    let doc = crate::document::ModelDocument::read(&json).map_err(|e| model_error(&e))?;
    let compiled = Model::from_document(&doc).map_err(|e| model_error(&e))?;
    let outcomes = crate::run_cases(&doc, &Arc::new(compiled));
    Ok(to_js(&crate::CaseReport::of(&outcomes))?.unchecked_into())
}

/// Scores a whole session in one call (for an edge function): a fresh visitor, `events` in
/// order, scored at `now` (default: the wall clock). Invalid events are listed in `rejected`.
/// `events` may also be JSON Lines text (a string or a `Uint8Array`), as `ingestBatch` takes.
#[wasm_bindgen(js_name = scoreEvents)]
pub fn score_events(
    model: AnyModelInput,
    events: EventsInput,
    now: Option<TimeInput>,
) -> Result<BatchResultOutput, JsValue> {
    let (model, reader) = cached_model(&model)?;
    let now = match now {
        Some(t) => time(&t, "now")?,
        None => js_sys::Date::now(),
    };
    let (card, rejected) = match lines_text(&events)? {
        #[cfg(feature = "documents")]
        Some(text) => Engine::new(model).ingest_lines(&text, now),
        _ => {
            let events = read_batch(&events, &model, &reader)?;
            Engine::new(model).ingest_all(events, now)
        }
    };
    Ok(card_js(&card, Some(&rejected)).unchecked_into())
}

thread_local! {
    /// The last model `scoreEvents` compiled, by its JSON text: an edge worker passes the same
    /// model on every request and should not pay to compile it each time, while a model object
    /// changed in place must score with its new rules.
    static LAST_MODEL: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// A compiled model by its JSON text, with its plan for reading events.
type Cached = (JsValue, Arc<Model>, Rc<Reader>);

thread_local! {
    /// The last compiled model `scoreEvents` read from bytes, by those bytes.
    static LAST_COMPILED: RefCell<Option<Compiled>> = const { RefCell::new(None) };
}

/// A compiled model by its bytes, with its plan for reading events.
type Compiled = (Vec<u8>, Arc<Model>, Rc<Reader>);

/// A model given as its compiled bytes, read again only when the bytes changed.
fn cached_compiled(bytes: Vec<u8>) -> Result<(Arc<Model>, Rc<Reader>), JsValue> {
    let hit = LAST_COMPILED.with(|m| {
        m.borrow()
            .as_ref()
            .filter(|(kept, _, _)| *kept == bytes)
            .map(|(_, model, reader)| (Arc::clone(model), Rc::clone(reader)))
    });
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let model = Arc::new(unpack(&bytes)?);
    let reader = Rc::new(Reader::new(&model));
    LAST_COMPILED.with(|m| *m.borrow_mut() = Some((bytes, Arc::clone(&model), Rc::clone(&reader))));
    Ok((model, reader))
}

/// The model and its plan for reading events, compiled again only when the model changed; a
/// hit shares the compiled model (it was cloned on every call).
pub(super) fn cached_model(input: &JsValue) -> Result<(Arc<Model>, Rc<Reader>), JsValue> {
    if let Some(bytes) = input.dyn_ref::<js_sys::Uint8Array>() {
        return cached_compiled(bytes.to_vec());
    }
    let key = if input.is_string() {
        input.clone()
    } else {
        js_sys::JSON::stringify(input).map_or(JsValue::UNDEFINED, JsValue::from)
    };
    let hit = LAST_MODEL.with(|m| {
        m.borrow()
            .as_ref()
            .filter(|(text, _, _)| key.is_string() && *text == key)
            .map(|(_, model, reader)| (Arc::clone(model), Rc::clone(reader)))
    });
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let model = Arc::new(compile(input)?);
    let reader = Rc::new(Reader::new(&model));
    if key.is_string() {
        LAST_MODEL.with(|m| *m.borrow_mut() = Some((key, Arc::clone(&model), Rc::clone(&reader))));
    }
    Ok((model, reader))
}
