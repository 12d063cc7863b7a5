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
    /// The event fields the model reads, by slot of [`Model::fields`].
    pub fields: Vec<Option<Value>>,
    /// The traits the model keeps, by slot of [`Model::traits`] (identify and group only).
    pub traits: Vec<Option<Value>>,
}

/// One field of an event as its source holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Not there, `null` or `undefined`.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number (possibly NaN: it is checked where it is used).
    Num(f64),
    /// A string, already known to be at most the length asked for.
    Str(String),
    /// A string longer than the limit asked for; its length in bytes (or UTF-16 units).
    TooLong(usize),
    /// Something else (an object, an array, a function), by type name.
    Other(&'static str),
}

/// Where an event is read from: a JSON tree, a JavaScript object, a call's arguments.
pub trait EventSource {
    /// The field at `path` (`["properties", "path"]`); strings longer than `max` bytes come
    /// back as [`Field::TooLong`] without being copied.
    fn field(&self, path: &[&str], max: usize) -> Field;
}

impl EventSource for Json {
    fn field(&self, path: &[&str], max: usize) -> Field {
        let node = path.iter().try_fold(self, |node, key| node.get(key));
        match node {
            None | Some(Json::Null) => Field::Absent,
            Some(Json::Bool(b)) => Field::Bool(*b),
            Some(Json::Num(n)) => Field::Num(*n),
            Some(Json::Str(s)) if s.len() > max => Field::TooLong(s.len()),
            Some(Json::Str(s)) => Field::Str(s.clone()),
            Some(other) => Field::Other(other.type_name()),
        }
    }
}

impl<F: Fn(&[&str], usize) -> Field> EventSource for F {
    fn field(&self, path: &[&str], max: usize) -> Field {
        self(path, max)
    }
}

impl Event {
    /// Reads an event for `model`; an error names the field at fault.
    pub fn read(source: &impl EventSource, model: &Model) -> Result<Event, EventError> {
        let kind = match text(source, &["type"], MAX_NAME)? {
            Some(t) => match t.as_str() {
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
        let message = text(source, &["messageId"], MAX_NAME)?
            .map(|id| crate::format::fingerprint::fnv1a(id.as_bytes()));
        let timestamp_ms = match source.field(&["timestamp"], 64) {
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
        let mut event = Event {
            kind,
            name: String::new(),
            path: String::new(),
            message,
            timestamp_ms,
            fields: Vec::new(),
            traits: Vec::new(),
        };
        match kind {
            EventKind::Page => {
                let candidates: [&[&str]; 4] = [
                    &["properties", "path"],
                    &["context", "page", "path"],
                    &["properties", "url"],
                    &["context", "page", "url"],
                ];
                let mut found = None;
                for at in candidates {
                    if let Some(p) = text(source, at, MAX_PATH)? {
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
                event.path = normalize_path(&raw);
            }
            EventKind::Track => {
                event.name = text(source, &["event"], MAX_NAME)?
                    .ok_or_else(|| {
                        EventError::new(
                            "event",
                            "is required for track events (e.g. \"Demo Requested\")",
                        )
                    })?
                    .to_lowercase();
            }
            EventKind::Identify | EventKind::Group => {
                event.traits = model
                    .traits
                    .paths
                    .iter()
                    .map(|name| {
                        let mut at: Vec<&str> = vec!["traits"];
                        match (kind, name.strip_prefix("company.")) {
                            (EventKind::Group, Some(rest)) => at.extend(rest.split('.')),
                            (EventKind::Group, None) => return Ok(None),
                            _ => at.extend(name.split('.')),
                        }
                        value(source, &at)
                    })
                    .collect::<Result<_, _>>()?;
            }
            EventKind::Unscored => {}
        }
        if matches!(kind, EventKind::Page | EventKind::Track) {
            event.fields = model
                .fields
                .paths
                .iter()
                .map(|path| value(source, &path.split('.').collect::<Vec<_>>()))
                .collect::<Result<_, _>>()?;
        }
        Ok(event)
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
        properties: &impl EventSource,
        model: &Model,
    ) -> Result<Event, EventError> {
        let key = if kind == "page" { "path" } else { "event" };
        let named = |max: usize| {
            if name.len() > max {
                Field::TooLong(name.len())
            } else {
                Field::Str(name.to_owned())
            }
        };
        let source = |path: &[&str], max: usize| match path {
            ["type"] => Field::Str(kind.to_owned()),
            [k] if *k == key => named(max),
            ["properties", "path"] if kind == "page" => named(max),
            ["properties", rest @ ..] => properties.field(rest, max),
            _ => Field::Absent,
        };
        Event::read(&source, model)
    }
}

/// A page path as rules see it: lower case, no scheme or host, query or fragment, and no
/// trailing slash (`https://x.io/Pricing/?a=1` is `/pricing`).
pub fn normalize_path(raw: &str) -> String {
    let mut path = raw.trim();
    if let Some(i) = path.find("://") {
        path = path[i + 3..].find('/').map_or("/", |j| &path[i + 3 + j..]);
    }
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let path = path[..end].trim_end_matches('/');
    let mut out = String::with_capacity(path.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(&path.to_lowercase());
    out
}

fn text(
    source: &impl EventSource,
    path: &[&str],
    max: usize,
) -> Result<Option<String>, EventError> {
    match source.field(path, max) {
        Field::Absent => Ok(None),
        Field::Str(s) => Ok(Some(s)),
        Field::TooLong(n) => Err(too_long(path, n, max)),
        other => Err(type_error(&path.join("."), "a string", &other)),
    }
}

fn value(source: &impl EventSource, path: &[&str]) -> Result<Option<Value>, EventError> {
    Ok(match source.field(path, MAX_TEXT) {
        Field::Str(s) => Some(Value::Str(s)),
        Field::Num(n) if n.is_finite() => Some(Value::Num(n)),
        Field::Bool(b) => Some(Value::Bool(b)),
        Field::TooLong(n) => return Err(too_long(path, n, MAX_TEXT)),
        Field::Num(_) => return Err(EventError::new(path.join("."), "must be a finite number")),
        Field::Absent | Field::Other(_) => None,
    })
}

fn too_long(path: &[&str], n: usize, max: usize) -> EventError {
    EventError::new(path.join("."), format!("is {n} long, more than {max}"))
}

fn type_error(field: &str, wanted: &str, got: &Field) -> EventError {
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

    #[test]
    fn paths_are_normalized_for_matching() {
        assert_eq!(normalize_path("/Pricing/"), "/pricing");
        assert_eq!(
            normalize_path("https://acme.io/Product/A?utm=x#top"),
            "/product/a"
        );
        assert_eq!(normalize_path("https://acme.io"), "/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("pricing"), "/pricing");
    }
}
