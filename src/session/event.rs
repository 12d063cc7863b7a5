//! Segment-Spec events (`page`, `track`, `identify`, `group`), read into what the model needs.
//!
//! An event is read field by field through [`EventSource`], so only the fields the model uses
//! are ever looked at or copied: in the browser, that keeps the cost of crossing from
//! JavaScript into WebAssembly proportional to the model, not to the event's size.

use crate::errors::EventError;
use crate::format::json::Json;
use crate::format::time::parse_iso8601;
use crate::format::value::Value;
use crate::model::Model;
use std::borrow::Cow;

/// Longest text accepted in a scored property or trait value, in bytes.
pub const MAX_TEXT: usize = 512;
/// Longest page path or URL accepted, in bytes.
pub const MAX_PATH: usize = 2048;
/// Longest `messageId`, event name or type accepted, in bytes.
pub const MAX_NAME: usize = 256;

/// The Segment call an event stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A page view.
    Page,
    /// A named action (`Demo Requested`).
    Track,
    /// Traits of the person.
    Identify,
    /// Traits of the person's company (kept under `company.`).
    Group,
    /// `screen` and `alias`: accepted and not scored.
    Unscored,
}

/// An event as the engine scores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Which call.
    pub kind: EventKind,
    /// Lower-case event name of a `track`, empty otherwise.
    pub name: String,
    /// Lower-case page path of a `page`, without query or fragment, empty otherwise.
    pub path: String,
    /// A hash of `messageId`, when given: a second delivery of the same message is skipped.
    pub message: Option<u32>,
    /// When it happened, in epoch milliseconds; `None` means now.
    pub timestamp_ms: Option<f64>,
    /// The event fields the model reads, by slot of [`Model::fields`], their text folded to
    /// lower case ([`Value::folded`]; rules test them as they are).
    pub fields: Vec<Option<Value>>,
    /// The traits the model keeps, by slot of [`Model::traits`] (identify and group only).
    pub traits: Vec<Option<Value>>,
}

/// One field of an event as its source holds it (its text borrowed where the source can lend it).
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// Not there, `null` or `undefined`.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number (possibly NaN: it is checked where it is used).
    Num(f64),
    /// A string, already known to be at most the length asked for.
    Str(Cow<'a, str>),
    /// A string longer than the limit asked for; its length in UTF-8 bytes, whatever the reader.
    TooLong(usize),
    /// Something else (an object, an array, a function), by type name.
    Other(&'static str),
}

/// Where an event is read from: a JSON tree, a JavaScript object, a call's arguments.
pub trait EventSource {
    /// The field at `path` (`["properties", "path"]`); strings longer than `max` bytes come
    /// back as [`Field::TooLong`] without being copied.
    fn field(&self, path: &[&str], max: usize) -> Field<'_>;

    /// The same field, known also as entry `slot` of [`Event::plan`] for the model: a source
    /// that read every planned field at once answers by slot.
    fn planned(&self, slot: usize, path: &[&str], max: usize) -> Field<'_> {
        let _ = slot;
        self.field(path, max)
    }

    /// Whether [`EventSource::planned`] answers every slot of the plan without its path, so
    /// that a reader need not split a path into keys unless the field is at fault.
    fn by_slot(&self) -> bool {
        false
    }
}

/// A field an event read may ask for: its path and the longest text wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The keys from the event's root (empty: never asked for).
    pub keys: Vec<String>,
    /// Longest text wanted, in bytes.
    pub max: usize,
}

/// Slots of the fields every model reads, in [`Event::plan`] order.
const TYPE: usize = 0;
const MESSAGE_ID: usize = 1;
const TIMESTAMP: usize = 2;
/// Where a page's path may be, in the order they are tried.
const PAGE_AT: [(usize, &[&str]); 4] = [
    (3, &["properties", "path"]),
    (4, &["context", "page", "path"]),
    (5, &["properties", "url"]),
    (6, &["context", "page", "url"]),
];
/// The same places as the plan names them.
const PAGE_PATHS: [&str; 4] = [
    "properties.path",
    "context.page.path",
    "properties.url",
    "context.page.url",
];
const EVENT: usize = 7;
/// The containers, read only to check that they are objects when present.
const PROPERTIES: usize = 8;
const TRAITS: usize = 9;
/// The model's event fields start here, then the traits of `identify`, then those of `group`.
const MODEL_FIELDS: usize = 10;

impl Field<'_> {
    /// The same field, owning its text.
    pub fn into_owned(self) -> Field<'static> {
        match self {
            Field::Absent => Field::Absent,
            Field::Bool(b) => Field::Bool(b),
            Field::Num(n) => Field::Num(n),
            Field::Str(s) => Field::Str(Cow::Owned(s.into_owned())),
            Field::TooLong(n) => Field::TooLong(n),
            Field::Other(what) => Field::Other(what),
        }
    }
}

impl EventSource for Json {
    fn field(&self, path: &[&str], max: usize) -> Field<'_> {
        let node = path.iter().try_fold(self, |node, key| node.get(key));
        match node {
            None | Some(Json::Null) => Field::Absent,
            Some(Json::Bool(b)) => Field::Bool(*b),
            Some(Json::Num(n)) => Field::Num(*n),
            Some(Json::Str(s)) if s.len() > max => Field::TooLong(s.len()),
            Some(Json::Str(s)) => Field::Str(Cow::Borrowed(s)),
            Some(other) => Field::Other(other.type_name()),
        }
    }
}

impl<F: Fn(&[&str], usize) -> Field<'static>> EventSource for F {
    fn field(&self, path: &[&str], max: usize) -> Field<'_> {
        self(path, max)
    }
}

impl Default for Event {
    /// An empty event (an unscored call), to be read into with [`Event::read_from`].
    fn default() -> Event {
        Event {
            kind: EventKind::Unscored,
            name: String::new(),
            path: String::new(),
            message: None,
            timestamp_ms: None,
            fields: Vec::new(),
            traits: Vec::new(),
        }
    }
}

impl Event {
    /// Reads an event for `model`; an error names the field at fault.
    pub fn read(source: &dyn EventSource, model: &Model) -> Result<Event, EventError> {
        let mut event = Event::default();
        event.read_from(source, model)?;
        Ok(event)
    }

    /// [`Event::read`] into this event, reusing its texts' memory: a reader of event after
    /// event allocates nothing once its texts are as long as they get. After an error the
    /// event holds parts of the one that failed, and is only fit to be read into again.
    pub fn read_from(&mut self, source: &dyn EventSource, model: &Model) -> Result<(), EventError> {
        let kind = match text(source, TYPE, &["type"], MAX_NAME)? {
            Some(t) => match &*t {
                "page" => EventKind::Page,
                "track" => EventKind::Track,
                "identify" => EventKind::Identify,
                "group" => EventKind::Group,
                "screen" | "alias" => EventKind::Unscored,
                other => {
                    return Err(EventError::new(
                        "type",
                        format!("\"{other}\" is not a Segment call (page, track, identify, group, screen, alias)"),
                    ))
                }
            },
            None => return Err(EventError::new("type", "is required (page, track, identify or group)")),
        };
        let message = text(source, MESSAGE_ID, &["messageId"], MAX_NAME)?
            .map(|id| crate::format::fingerprint::fnv1a(id.as_bytes()));
        let timestamp_ms = match source.planned(TIMESTAMP, &["timestamp"], TIMESTAMP_MAX) {
            Field::Absent => None,
            Field::Num(n) if n.is_finite() => Some(n),
            Field::Str(s) => Some(parse_iso8601(&s).ok_or_else(|| {
                EventError::new("timestamp", format!("\"{s}\" is not an ISO-8601 date-time"))
            })?),
            Field::Num(_) => {
                return Err(EventError::new(
                    "timestamp",
                    "must be a finite number of milliseconds",
                ))
            }
            other => {
                return Err(type_error(
                    "timestamp",
                    "an ISO-8601 string or epoch milliseconds",
                    &other,
                ))
            }
        };
        container(source, kind)?;
        self.kind = kind;
        self.message = message;
        self.timestamp_ms = timestamp_ms;
        self.name.clear();
        self.path.clear();
        match kind {
            EventKind::Page => {
                let mut found = None;
                for (slot, at) in PAGE_AT {
                    if let Some(p) = text(source, slot, at, MAX_PATH)? {
                        found = Some(p);
                        break;
                    }
                }
                let raw = found.ok_or_else(|| {
                    EventError::new(
                        "properties.path",
                        "is required for page events (or properties.url)",
                    )
                })?;
                normalize_path_into(&raw, &mut self.path);
            }
            EventKind::Track => {
                let name = text(source, EVENT, &["event"], MAX_NAME)?.ok_or_else(|| {
                    EventError::new(
                        "event",
                        "is required for track events (e.g. \"Demo Requested\")",
                    )
                })?;
                lowercase_into(&name, &mut self.name);
            }
            EventKind::Identify | EventKind::Group | EventKind::Unscored => {}
        }
        let base = trait_slots(model, kind);
        let traits = match kind {
            EventKind::Identify | EventKind::Group => model.traits.paths.len(),
            _ => 0,
        };
        self.traits.resize(traits, None);
        for (i, (name, into)) in model.traits.paths.iter().zip(&mut self.traits).enumerate() {
            match trait_path(kind, name) {
                Some(rest) => field_into(source, base + i, Some("traits"), rest, into)?,
                None => *into = None,
            }
        }
        let fields = match kind {
            EventKind::Page | EventKind::Track => model.fields.paths.len(),
            _ => 0,
        };
        self.fields.resize(fields, None);
        for (i, (path, into)) in model.fields.paths.iter().zip(&mut self.fields).enumerate() {
            field_into(source, MODEL_FIELDS + i, None, path, into)?;
            if let Some(v) = into {
                v.fold();
            }
        }
        Ok(())
    }

    /// Every field [`Event::read`] may ask of an event under `model`, by slot: a source can
    /// read them all in one pass (the JavaScript boundary does) and answer by slot.
    pub fn plan(model: &Model) -> Vec<Planned> {
        let mut plan = Vec::new();
        Event::each_planned(model, |path, max| {
            plan.push(Planned {
                keys: match path {
                    "" => Vec::new(),
                    _ => path.split('.').map(str::to_owned).collect(),
                },
                max,
            })
        });
        plan
    }

    /// [`Event::plan`] as `each(path, max)` in slot order, each path's keys joined by dots
    /// (no key holds one: paths are split at them), empty for a slot never asked for.
    pub fn each_planned(model: &Model, mut each: impl FnMut(&str, usize)) {
        each("type", MAX_NAME);
        each("messageId", MAX_NAME);
        each("timestamp", TIMESTAMP_MAX);
        for path in PAGE_PATHS {
            each(path, MAX_PATH);
        }
        each("event", MAX_NAME);
        each("properties", 0);
        each("traits", 0);
        for path in &model.fields.paths {
            each(path, MAX_TEXT);
        }
        let mut at = String::new();
        for kind in [EventKind::Identify, EventKind::Group] {
            for name in &model.traits.paths {
                at.clear();
                if let Some(rest) = trait_path(kind, name) {
                    at.push_str("traits.");
                    at.push_str(rest);
                }
                each(&at, MAX_TEXT);
            }
        }
    }
}

impl Event {
    /// Slots of [`Event::kind_slots`] that [`Event::read`] asks for only when the slot just
    /// before them in that list read as absent: the other places a page's path may be, tried in
    /// turn until one is there. A reader may leave them unread otherwise.
    pub const OR_ELSE: [usize; 3] = [PAGE_AT[1].0, PAGE_AT[2].0, PAGE_AT[3].0];

    /// The slots of [`Event::plan`] that [`Event::read`] may ask of an event of `kind`, besides
    /// `type`, `messageId` and `timestamp` (slots 0 to 2, asked of every event), in ascending
    /// order (a reader that joins texts in slot order relies on it).
    pub fn kind_slots(kind: EventKind, model: &Model) -> Vec<usize> {
        let mut slots = Vec::new();
        Event::each_kind_slot(kind, model, |slot| slots.push(slot));
        slots
    }

    /// [`Event::kind_slots`] as `each(slot)`, in the same order.
    pub fn each_kind_slot(kind: EventKind, model: &Model, mut each: impl FnMut(usize)) {
        let fields = MODEL_FIELDS..MODEL_FIELDS + model.fields.paths.len();
        let (first, rest): (&[usize], _) = match kind {
            EventKind::Page => (
                &[
                    PAGE_AT[0].0,
                    PAGE_AT[1].0,
                    PAGE_AT[2].0,
                    PAGE_AT[3].0,
                    PROPERTIES,
                ],
                fields,
            ),
            EventKind::Track => (&[EVENT, PROPERTIES], fields),
            EventKind::Identify | EventKind::Group => {
                let base = trait_slots(model, kind);
                (&[TRAITS], base..base + model.traits.paths.len())
            }
            EventKind::Unscored => (&[], 0..0),
        };
        for &slot in first {
            each(slot);
        }
        for slot in rest {
            each(slot);
        }
    }
}

/// `properties` of a page or track, `traits` of an identify or group: an object or absent (a
/// `traits: 42` would otherwise read as an event without traits).
#[inline(never)]
fn container(source: &dyn EventSource, kind: EventKind) -> Result<(), EventError> {
    let (slot, name) = match kind {
        EventKind::Page | EventKind::Track => (PROPERTIES, "properties"),
        EventKind::Identify | EventKind::Group => (TRAITS, "traits"),
        EventKind::Unscored => return Ok(()),
    };
    match source.planned(slot, &[name], 0) {
        Field::Absent | Field::Other("an object") => Ok(()),
        other => Err(type_error(name, "an object", &other)),
    }
}

/// Slots asked of every event: `type`, `messageId`, `timestamp`.
pub const COMMON_SLOTS: usize = 3;
const _: () = assert!(TYPE == 0 && TIMESTAMP + 1 == COMMON_SLOTS && PAGE_AT[0].0 == COMMON_SLOTS);

/// Longest `timestamp` text read.
const TIMESTAMP_MAX: usize = 64;

/// The first slot of the traits of an `identify` or `group` event.
fn trait_slots(model: &Model, kind: EventKind) -> usize {
    let identify = MODEL_FIELDS + model.fields.paths.len();
    match kind {
        EventKind::Group => identify + model.traits.paths.len(),
        _ => identify,
    }
}

/// Where a `kind` event holds the trait `name`: `traits.title` for identify, and for group only
/// the company's traits (`company.employees` is `traits.employees` of a group call).
fn trait_path(kind: EventKind, name: &str) -> Option<&str> {
    match kind {
        EventKind::Group => name.strip_prefix("company."),
        _ => Some(name),
    }
}

impl Event {
    /// A page view of `path`, stamped when it is ingested, without properties.
    pub fn page(path: &str, model: &Model) -> Result<Event, EventError> {
        Event::from_call("page", path, &|_: &[&str], _| Field::Absent, model)
    }

    /// Reads a convenience call: `page(path, properties)` or `track(name, properties)`, with
    /// `properties` looked up through `properties` (paths relative to the properties object).
    pub fn from_call(
        kind: &str,
        name: &str,
        properties: &dyn EventSource,
        model: &Model,
    ) -> Result<Event, EventError> {
        let key = if kind == "page" { "path" } else { "event" };
        let named = |max: usize| {
            if name.len() > max {
                Field::TooLong(name.len())
            } else {
                Field::Str(Cow::Owned(name.to_owned()))
            }
        };
        let source = |path: &[&str], max: usize| match path {
            ["type"] => Field::Str(Cow::Owned(kind.to_owned())),
            [k] if *k == key => named(max),
            ["properties", "path"] if kind == "page" => named(max),
            ["properties", rest @ ..] => properties.field(rest, max).into_owned(),
            _ => Field::Absent,
        };
        Event::read(&source, model)
    }
}

/// A page path as rules see it, in place of what `out` held: lower case, no scheme or host,
/// query or fragment, and no trailing slash (`https://x.io/Pricing/?a=1` is `/pricing`).
fn normalize_path_into(raw: &str, out: &mut String) {
    let mut path = raw.trim();
    // A scheme and host come first (`https://x.io/…`); `://` later on is in the query
    // (`/landing?next=https://x.io/pricing` is a view of `/landing`).
    // (Sliced by `get` after a byte search: a slice or text search that could fail would bring
    // the panic's formatting of characters into the module.)
    // (Searched byte by byte: ASCII bytes are whole characters, and the standard library's
    // pattern searchers cost the small module more code than these loops.)
    if !path.starts_with('/') {
        if let Some(i) = path.as_bytes().windows(3).position(|w| w == b"://") {
            let (scheme, rest) = (path.get(..i).unwrap_or_default(), path.get(i + 3..));
            if !scheme.bytes().any(|b| matches!(b, b'/' | b'?' | b'#')) {
                let rest = rest.unwrap_or_default();
                path = rest
                    .bytes()
                    .position(|b| b == b'/')
                    .and_then(|j| rest.get(j..))
                    .unwrap_or("/");
            }
        }
    }
    let mut end = path
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(path.len());
    while end > 0 && path.as_bytes()[end - 1] == b'/' {
        end -= 1;
    }
    let path = path.get(..end).unwrap_or_default();
    out.clear();
    if !path.starts_with('/') {
        out.push('/');
    }
    if path.is_ascii() {
        out.extend(path.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&crate::format::host::lowercase(path));
    }
}

/// The keys of a path joined by dots, as errors name the field.
fn dotted(path: &[&str]) -> String {
    let mut out = String::new();
    for (i, key) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(key);
    }
    out
}

/// Calls `f` with `first` (if any) and the keys of a dotted `path`, held on the stack for the
/// usual few.
fn with_keys<T>(first: Option<&str>, path: &str, f: impl FnOnce(&[&str]) -> T) -> T {
    let mut keys = [""; 8];
    let mut deep = Vec::new();
    let mut depth = 0;
    // Cut at each `.` by hand (`get`, not an index: see `condition`'s email domains): the
    // standard library's splitter and its byte search cost the small module more than this.
    let mut push = |key| {
        if depth < keys.len() {
            keys[depth] = key;
        } else {
            if deep.is_empty() {
                deep.extend_from_slice(&keys);
            }
            deep.push(key);
        }
        depth += 1;
    };
    if let Some(first) = first {
        push(first);
    }
    let mut start = 0;
    for (i, b) in path.bytes().enumerate() {
        if b == b'.' {
            push(path.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    push(path.get(start..).unwrap_or_default());
    match keys.get(..depth) {
        Some(few) => f(few),
        None => f(&deep),
    }
}

fn text<'s>(
    source: &'s dyn EventSource,
    slot: usize,
    path: &[&str],
    max: usize,
) -> Result<Option<Cow<'s, str>>, EventError> {
    match source.planned(slot, path, max) {
        Field::Absent => Ok(None),
        Field::Str(s) => Ok(Some(s)),
        Field::TooLong(n) => Err(too_long(path, n, max)),
        other => Err(type_error(&dotted(path), "a string", &other)),
    }
}

/// Reads the field at `first.path` (the path dotted) into `into` as [`value_into`] does, with the
/// path split into keys only for a source that reads field by field, or to name a field at fault.
fn field_into(
    source: &dyn EventSource,
    slot: usize,
    first: Option<&str>,
    path: &str,
    into: &mut Option<Value>,
) -> Result<(), EventError> {
    if source.by_slot() && value_into(source, slot, &[], into).is_ok() {
        return Ok(());
    }
    with_keys(first, path, |keys| value_into(source, slot, keys, into))
}

/// Reads the value at `path` into `into`, reusing the memory of a text it held.
fn value_into(
    source: &dyn EventSource,
    slot: usize,
    path: &[&str],
    into: &mut Option<Value>,
) -> Result<(), EventError> {
    *into = match source.planned(slot, path, MAX_TEXT) {
        Field::Str(s) => {
            if let Some(Value::Str(held)) = into {
                held.clear();
                held.push_str(&s);
                return Ok(());
            }
            Some(Value::Str(s.into_owned()))
        }
        Field::Num(n) if n.is_finite() => Some(Value::Num(n)),
        Field::Bool(b) => Some(Value::Bool(b)),
        Field::TooLong(n) => return Err(too_long(path, n, MAX_TEXT)),
        Field::Num(_) => return Err(EventError::new(dotted(path), "must be a finite number")),
        Field::Absent | Field::Other(_) => None,
    };
    Ok(())
}

/// `text` in lower case (as [`crate::format::host::lowercase`]) in place of what `into` held.
fn lowercase_into(text: &str, into: &mut String) {
    into.clear();
    if text.is_ascii() {
        into.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        into.push_str(&crate::format::host::lowercase(text));
    }
}

fn too_long(path: &[&str], n: usize, max: usize) -> EventError {
    EventError::new(dotted(path), format!("is {n} bytes long, more than {max}"))
}

fn type_error(field: &str, wanted: &str, got: &Field<'_>) -> EventError {
    let got = match got {
        Field::Absent => "missing",
        Field::Bool(_) => "a boolean",
        Field::Num(_) => "a number",
        Field::Str(_) | Field::TooLong(_) => "a string",
        Field::Other(t) => t,
    };
    EventError::new(field, format!("must be {wanted}, not {got}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize_path(raw: &str) -> String {
        let mut out = "what was there before".to_owned();
        normalize_path_into(raw, &mut out);
        out
    }

    #[test]
    fn deep_paths_keep_every_key() {
        let deep = "a.b.c.d.e.f.g.h.i.j";
        assert_eq!(with_keys(None, deep, |k| k.join(".")), deep);
        assert_eq!(
            with_keys(Some("traits"), deep, |k| k.join(".")),
            format!("traits.{deep}")
        );
        assert_eq!(
            with_keys(Some("traits"), "a.b", |k| k.join(".")),
            "traits.a.b"
        );
        assert_eq!(dotted(&["", "a", "", "b"]), ".a..b");
    }

    #[test]
    fn paths_are_normalized_for_matching() {
        assert_eq!(normalize_path("/Pricing/"), "/pricing");
        assert_eq!(normalize_path("/Pricing//#a/"), "/pricing");
        assert_eq!(normalize_path("//"), "/");
        assert_eq!(normalize_path("x.io/a://b"), "/x.io/a://b");
        assert_eq!(
            normalize_path("https://acme.io/Product/A?utm=x#top"),
            "/product/a"
        );
        assert_eq!(normalize_path("https://acme.io"), "/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("pricing"), "/pricing");
        assert_eq!(
            normalize_path("/landing?next=https://x.io/pricing"),
            "/landing",
            "a URL in the query is not the page"
        );
        assert_eq!(normalize_path("/Ünï/Côde"), "/ünï/côde");
        // Texts around the scheme that are not ASCII, or empty.
        assert_eq!(normalize_path("é://x.io/A"), "/a");
        assert_eq!(normalize_path("https://ü.io"), "/");
        assert_eq!(normalize_path("https://"), "/");
        assert_eq!(normalize_path("://"), "/");
        assert_eq!(normalize_path("a/b://c/D"), "/a/b://c/d");
        assert_eq!(normalize_path("x.io/é?q#f"), "/x.io/é");
        assert_eq!(normalize_path("?only"), "/");
    }
}
