//! Leads for learning and scoring: JSON Lines with each lead's events and outcome, or a CRM's
//! CSV export with a small mapping file that says which column is what. Learning needs each
//! lead's outcome ([`Labels::Required`]); scoring does not ([`Labels::Optional`]).

use crate::format::json::Json;
use crate::format::number::parse as parse_number;
use crate::format::time::parse_iso8601;
use crate::learn::compact::{CompactEvents, Node, Packer};
use crate::learn::row::{Counted, Row, Table};
use crate::learn::utf8::{NotUtf8, Utf8Reader};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// One lead with its history and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// The lead's id (its line number when the data has none).
    pub id: String,
    /// Its Segment events (traits arrive as an `identify` event).
    pub events: Events,
    /// Whether it converted; `None` when the data does not say (read with [`Labels::Optional`]).
    pub converted: Option<bool>,
    /// When it converted (epoch ms); events after it do not count.
    pub converted_at: Option<f64>,
    /// The deal's value, when known.
    pub value: Option<f64>,
    /// A session saved by the engine (as the edge's outcomes export gives it), scored as it
    /// stands before `events` are added to it.
    pub session: Option<String>,
    /// When the lead was scored (epoch ms): the time its features are read at when it did not
    /// convert and has no dated event.
    pub as_of: Option<f64>,
}

/// A lead's events: JSON trees, held compactly, or the row of a CSV export that stands for them.
/// Trees and compact events are equal when they hold the same events.
#[derive(Debug, Clone)]
pub enum Events {
    /// Segment events as JSON.
    Json(Vec<Json>),
    /// Segment events of a JSON Lines file, held compactly (see [`CompactEvents`]).
    Compact(CompactEvents),
    /// A row of a CSV export, held compactly (see [`Row`]).
    Row(Row),
}

impl PartialEq for Events {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Events::Row(a), Events::Row(b)) => a == b,
            (Events::Row(_), _) | (_, Events::Row(_)) => false,
            _ => self.trees() == other.trees(),
        }
    }
}

impl Events {
    /// JSON trees and compact events as trees (a row has none without its lead's id).
    fn trees(&self) -> Cow<'_, [Json]> {
        match self {
            Events::Json(events) => Cow::Borrowed(events),
            Events::Compact(events) => Cow::Owned(events.to_json()),
            Events::Row(_) => Cow::Borrowed(&[]),
        }
    }
}

impl Lead {
    /// Its events as JSON trees (a CSV row's made for the asking).
    pub fn events_json(&self) -> Cow<'_, [Json]> {
        match &self.events {
            Events::Row(row) => Cow::Owned(row.to_json(&self.id)),
            events => events.trees(),
        }
    }

    /// Its events where they lie, in order (none for a CSV row: it is read through [`Row`]).
    pub(crate) fn nodes(&self) -> Box<dyn Iterator<Item = Node<'_>> + '_> {
        match &self.events {
            Events::Json(events) => Box::new(events.iter().map(Node::Tree)),
            Events::Compact(events) => Box::new(events.events().map(Node::Compact)),
            Events::Row(_) => Box::new(std::iter::empty()),
        }
    }

    /// `f` on each of its events, in order (a CSV row's made for the asking).
    pub(crate) fn each_event(&self, mut f: impl FnMut(Node<'_>)) {
        match &self.events {
            Events::Row(row) => row.to_json(&self.id).iter().for_each(|e| f(Node::Tree(e))),
            _ => self.nodes().for_each(f),
        }
    }
}

/// Whether each lead must come with its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// Learning and evaluating: a lead without its outcome is an error naming it.
    Required,
    /// Scoring: the outcome is read where the data has it, and may be absent.
    Optional,
}

/// Data that cannot be read, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetError {
    /// `line 12`, `row 7, column "Employees"`, `mapping.counts`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

impl std::error::Error for DatasetError {}

fn error(place: impl Into<String>, message: impl Into<String>) -> DatasetError {
    DatasetError {
        place: place.into(),
        message: message.into(),
    }
}

fn time_of(value: &Json) -> Option<f64> {
    match value {
        Json::Num(n) => Some(*n),
        Json::Str(s) => parse_iso8601(s),
        _ => None,
    }
}

/// The time at `key` of a lead's line, if it has one.
fn optional_time(doc: &Json, key: &str, place: &str) -> Result<Option<f64>, DatasetError> {
    match doc.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => time_of(v).map(Some).ok_or_else(|| {
            error(
                place,
                format!("{key}: must be an ISO-8601 date-time or epoch milliseconds"),
            )
        }),
    }
}

/// Reads JSON Lines: `{"id", "traits"?, "events": [...], "converted": bool, "convertedAt"?,
/// "value"?, "session"?, "asOf"?}`.
pub fn read_jsonl(text: &str, labels: Labels) -> Result<Vec<Lead>, DatasetError> {
    read_jsonl_with(text, labels, Json::parse)
}

/// [`read_jsonl`] from a stream (a file), a line at a time: the text is never held whole. A
/// byte that is not UTF-8 is an error saying where it is.
pub fn read_jsonl_from(input: impl Read, labels: Labels) -> Result<Vec<Lead>, DatasetError> {
    let mut input = BufReader::new(Utf8Reader::new(input));
    let mut line = String::new();
    let mut leads = Held::default();
    for n in 0.. {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(read_failure(&e)),
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if let Some(lead) = read_line(n, text, labels, &Json::parse)? {
            leads.push(lead);
        }
    }
    Ok(leads.finish())
}

/// Leads as they are read, their events packed as each is; the texts they share are complete
/// when the file is.
#[derive(Default)]
struct Held {
    leads: Vec<Lead>,
    events: Vec<Option<Box<[u8]>>>,
    packer: Packer,
}

impl Held {
    fn push(&mut self, mut lead: Lead) {
        let packed = match &lead.events {
            Events::Json(events) => Some(self.packer.pack(events)),
            _ => None,
        };
        if packed.is_some() {
            lead.events = Events::Json(Vec::new());
        }
        self.events.push(packed);
        self.leads.push(lead);
    }

    fn finish(self) -> Vec<Lead> {
        let held = self.packer.finish();
        let mut leads = self.leads;
        for (lead, events) in leads.iter_mut().zip(self.events) {
            if let Some(events) = events {
                lead.events = Events::Compact(held(events));
            }
        }
        leads.shrink_to_fit();
        leads
    }
}

/// What reading a stream failed on: a byte that is not UTF-8 (where), or the reading itself.
fn read_failure(e: &std::io::Error) -> DatasetError {
    match NotUtf8::of(e) {
        Some(at) => error(
            format!(
                "line {}, byte {} of the line (byte {} of the file)",
                at.line, at.column, at.at
            ),
            format!(
                "0x{:02x} is not UTF-8; save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")",
                at.byte
            ),
        ),
        None => error("reading", e.to_string()),
    }
}

/// [`read_jsonl`] with each line read by `parse` (in the browser, `JSON.parse`, so that the
/// module carries no JSON parser of its own).
pub fn read_jsonl_with(
    text: &str,
    labels: Labels,
    parse: impl Fn(&str) -> Result<Json, String>,
) -> Result<Vec<Lead>, DatasetError> {
    let mut leads = Held::default();
    for (n, line) in text.lines().enumerate() {
        if let Some(lead) = read_line(n, line, labels, &parse)? {
            leads.push(lead);
        }
    }
    Ok(leads.finish())
}

/// The lead on line `n` (from 0) of JSON Lines, if it is not blank.
fn read_line(
    n: usize,
    line: &str,
    labels: Labels,
    parse: &dyn Fn(&str) -> Result<Json, String>,
) -> Result<Option<Lead>, DatasetError> {
    let place = format!("line {}", n + 1);
    if line.trim().is_empty() {
        return Ok(None);
    }
    let doc = parse(line).map_err(|e| error(&place, e))?;
    let converted = match (doc.get("converted"), labels) {
        (Some(Json::Bool(b)), _) => Some(*b),
        (None | Some(Json::Null), Labels::Optional) => None,
        (None | Some(Json::Null), Labels::Required) => {
            return Err(error(
                &place,
                "converted: missing; learning needs each lead's outcome, true or false",
            ))
        }
        (Some(_), _) => return Err(error(&place, "converted: must be true or false")),
    };
    let mut events = match doc.get("events") {
        Some(Json::Arr(events)) => events.clone(),
        None => Vec::new(),
        Some(_) => return Err(error(&place, "events: must be an array of Segment events")),
    };
    if let Some(traits @ Json::Obj(_)) = doc.get("traits") {
        let first = events
            .iter()
            .filter_map(|e| e.get("timestamp").and_then(time_of))
            .fold(f64::INFINITY, f64::min);
        let mut identify = vec![
            ("type".to_owned(), Json::Str("identify".into())),
            ("traits".to_owned(), traits.clone()),
        ];
        if first.is_finite() {
            identify.push(("timestamp".to_owned(), Json::Num(first)));
        }
        events.insert(0, Json::Obj(identify));
    }
    let converted_at = optional_time(&doc, "convertedAt", &place)?;
    let id = match doc.get("id") {
        Some(Json::Str(s)) => s.clone(),
        Some(Json::Num(n)) => crate::format::number::Shown(*n).to_string(),
        _ => (n + 1).to_string(),
    };
    let value = match doc.get("value") {
        Some(Json::Num(v)) => Some(*v),
        _ => None,
    };
    let session = match doc.get("session") {
        None | Some(Json::Null) => None,
        Some(Json::Str(s)) => Some(s.clone()),
        Some(_) => return Err(error(&place, "session: must be a saved session (text)")),
    };
    let as_of = optional_time(&doc, "asOf", &place)?;
    Ok(Some(Lead {
        id,
        events: Events::Json(events),
        converted,
        converted_at,
        value,
        session,
        as_of,
    }))
}

/// How a CRM's CSV export maps to leads: which column is what. Read from JSON (a mapping file,
/// or `options.csvMapping` in JavaScript):
///
/// ```json
/// { "id": "Lead ID", "converted": { "column": "Lead Status", "values": ["Closed Won"] },
///   "asOf": "Last Activity Date", "traits": { "Job Title": "title", "Employees": "company.employees" },
///   "numeric": ["Employees"], "counts": { "Pricing Page Views": { "page": "/pricing" } } }
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvMapping {
    /// The column with each lead's id (default: its row number).
    pub id: Option<String>,
    /// The outcome column, and the values in it that mean "converted" (needed to learn, not to
    /// score).
    pub converted: Option<OutcomeColumn>,
    /// The column with the date of conversion.
    pub converted_at: Option<String>,
    /// The column with each row's date: the time of its events.
    pub as_of: Option<String>,
    /// One date for every row's events, when no column has one (ISO-8601).
    pub at: Option<String>,
    /// Columns read as traits: column name to trait path (`company.employees`). Cells are text.
    /// No two columns may be one trait, nor a trait be inside another (`company`, `company.size`).
    #[serde(default)]
    pub traits: BTreeMap<String, String>,
    /// Trait columns whose cells are numbers (a cell that is not one is an error). Rules for
    /// the others follow their values: numbers binned into ranges when every value given is one
    /// (none written like a code: `02139`, `+44`), a level per value otherwise; dates get no rule.
    #[serde(default)]
    pub numeric: Vec<String>,
    /// Trait columns read as text levels whatever their values (`"Zip"`, an id, a year).
    #[serde(default)]
    pub text: Vec<String>,
    /// Columns that count events: each count becomes that many page views or track events.
    #[serde(default)]
    pub counts: BTreeMap<String, CountColumn>,
    /// What a row is, as reports name it (`sessions`, `accounts`; default `leads`).
    pub rows: Option<String>,
}

/// The outcome column of a CSV export.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OutcomeColumn {
    /// Its name in the header.
    pub column: String,
    /// Values that mean converted, compared without case (default: `true`, `yes`, `1`).
    pub values: Option<Vec<String>>,
}

/// What a count column counts: page views of a path, or a track event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CountColumn {
    /// A page path.
    pub page: Option<String>,
    /// A track event name.
    pub track: Option<String>,
}

/// The time rows of a CSV export without dates are scored at (2000-01-01T00:00:00Z): only
/// allowed when the mapping has no counts, so that no rule depends on it.
pub const UNDATED_AS_OF_MS: f64 = 946_684_800_000.0;

/// Most events one CSV count column may stand for.
pub const MAX_COUNT_PER_CELL: usize = 1000;

/// Reads a CSV export (RFC 4180; a UTF-8 byte-order mark, as spreadsheets write, is skipped)
/// with its mapping. Each count becomes that many events at the row's `asOf` time (or `at`).
/// Every row has as many cells as the header: a short or long row is an error naming it.
pub fn read_csv(
    text: &str,
    mapping: &CsvMapping,
    labels: Labels,
) -> Result<Vec<Lead>, DatasetError> {
    read_csv_from(text.as_bytes(), mapping, labels)
}

/// [`read_csv`] from a stream (a file), a block at a time: the text is never held whole, and
/// each row is kept as a code per cell (each column's values held once). A byte that is not
/// UTF-8 is an error saying where it is.
pub fn read_csv_from(
    input: impl Read,
    mapping: &CsvMapping,
    labels: Labels,
) -> Result<Vec<Lead>, DatasetError> {
    let failed = |e: csv::Error, place: String| match e.kind() {
        csv::ErrorKind::Io(io) => read_failure(io),
        _ => error(place, e.to_string()),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Utf8Reader::new(input));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| failed(e, "csv".into()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(error("csv", "is empty"));
    }
    let column = |name: &str, place: &str| {
        header
            .iter()
            .position(|h| h == name.trim())
            .ok_or_else(|| error(place, format!("no column \"{name}\" in the CSV header")))
    };
    // Scoring reads the outcome where the export has it; learning needs it.
    let outcome_col = match (&mapping.converted, labels) {
        (Some(c), Labels::Required) => Some(column(&c.column, "mapping.converted.column")?),
        (Some(c), Labels::Optional) => column(&c.column, "mapping.converted.column").ok(),
        (None, Labels::Optional) => None,
        (None, Labels::Required) => {
            return Err(error(
                "mapping.converted",
                "missing; learning needs the outcome column ({\"column\": \"Lead Status\", \"values\": [\"Closed Won\"]})",
            ))
        }
    };
    let yes: Vec<String> = match mapping.converted.as_ref().and_then(|c| c.values.as_ref()) {
        Some(values) => values.iter().map(|v| v.to_lowercase()).collect(),
        None => vec!["true".into(), "yes".into(), "1".into()],
    };
    let id_col = mapping
        .id
        .as_deref()
        .map(|c| column(c, "mapping.id"))
        .transpose()?;
    let converted_at_col = mapping
        .converted_at
        .as_deref()
        .map(|c| column(c, "mapping.convertedAt"))
        .transpose()?;
    let as_of_col = mapping
        .as_of
        .as_deref()
        .map(|c| column(c, "mapping.asOf"))
        .transpose()?;
    let at = match &mapping.at {
        Some(s) => Some(
            parse_iso8601(s).ok_or_else(|| error("mapping.at", "must be an ISO-8601 date-time"))?,
        ),
        None => None,
    };
    if as_of_col.is_none() && at.is_none() && !mapping.counts.is_empty() {
        return Err(error("mapping", "needs asOf (a column with each row's date) or at (one date for all rows): the counts become events, and events need a time"));
    }
    for (field, list) in [
        ("mapping.numeric", &mapping.numeric),
        ("mapping.text", &mapping.text),
    ] {
        for col in list {
            if !mapping.traits.contains_key(col) {
                return Err(error(
                    field,
                    format!("\"{col}\" is not one of the trait columns"),
                ));
            }
        }
    }
    if let Some(col) = mapping.text.iter().find(|c| mapping.numeric.contains(c)) {
        return Err(error(
            "mapping.text",
            format!("\"{col}\" is in numeric too: a column is one or the other"),
        ));
    }
    let mut traits = Vec::new();
    for (col, name) in &mapping.traits {
        let numeric = mapping.numeric.contains(col);
        traits.push((
            column(col, &format!("mapping.traits.{col}"))?,
            name.as_str(),
            numeric,
        ));
    }
    // A trait inside another (`company` and `company.employees`), or two columns for one trait,
    // would leave one value where the other goes: said, not guessed.
    for (col, name) in &mapping.traits {
        for (other, inner) in &mapping.traits {
            if col != other
                && (inner == name
                    || inner
                        .strip_prefix(name.as_str())
                        .is_some_and(|r| r.starts_with('.')))
            {
                let why = if inner == name {
                    format!("columns \"{col}\" and \"{other}\" are both read as the trait \"{name}\"; map one of them")
                } else {
                    format!("the trait \"{inner}\" (column \"{other}\") is inside the trait \"{name}\" (column \"{col}\"); a trait is a value or holds others, not both")
                };
                return Err(error(format!("mapping.traits.{other}"), why));
            }
        }
    }
    let mut counts = Vec::new();
    let mut counted = Vec::new();
    for (col, target) in &mapping.counts {
        let place = format!("mapping.counts.{col}");
        let what = match (&target.page, &target.track) {
            (Some(path), None) => Counted::Page(path.clone()),
            (None, Some(name)) => Counted::Track(name.clone()),
            _ => {
                return Err(error(
                    place,
                    "must be {\"page\": path} or {\"track\": event name}",
                ))
            }
        };
        counts.push(column(col, &place)?);
        counted.push((col.clone(), what));
    }
    let paths: Vec<&str> = traits.iter().map(|(_, name, _)| *name).collect();
    let mut table = Table::new(&paths, counted);
    // Each trait column's values, each read once: its code in the table.
    let mut seen: Vec<HashMap<String, u32>> = vec![HashMap::new(); traits.len()];
    let mut rows: Vec<(usize, f64, Vec<u32>)> = Vec::new();
    let mut leads = Vec::new();
    let mut row = csv::StringRecord::new();
    for r in 0.. {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(failed(e, format!("row {}", r + 2))),
        }
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        // A short row would read its missing outcome as "not converted": never guessed.
        if row.len() != header.len() {
            return Err(error(
                format!("row {}", r + 2),
                format!(
                    "has {} cells where the header has {} (a cut or broken row; quote cells that hold commas)",
                    row.len(),
                    header.len()
                ),
            ));
        }
        let cell = |i: usize| row.get(i).map(str::trim).unwrap_or("");
        let place = |col: usize| format!("row {}, column \"{}\"", r + 2, header[col]);
        let id = id_col.map_or_else(|| (r + 2).to_string(), |c| cell(c).to_owned());
        let converted_at = match converted_at_col.map(cell) {
            Some("") | None => None,
            Some(s) => Some(parse_iso8601(s).ok_or_else(|| {
                error(
                    place(converted_at_col.unwrap_or(0)),
                    format!("\"{s}\" is not a date"),
                )
            })?),
        };
        // Without a date (traits only: nothing decays), rows are scored as of a fixed time.
        let when = match as_of_col {
            Some(c) => parse_iso8601(cell(c))
                .ok_or_else(|| error(place(c), format!("\"{}\" is not a date", cell(c))))?,
            None => at.unwrap_or(UNDATED_AS_OF_MS),
        };
        let mut cells = Vec::with_capacity(traits.len() + counts.len());
        for (k, (col, _, numeric)) in traits.iter().enumerate() {
            let v = cell(*col);
            if v.is_empty() {
                cells.push(0);
                continue;
            }
            let code = match seen[k].get(v) {
                Some(code) => *code,
                None => {
                    let value = if *numeric {
                        Json::Num(parse_number(v).ok_or_else(|| {
                            error(place(*col), format!("\"{v}\" is not a number"))
                        })?)
                    } else {
                        Json::Str(v.to_owned())
                    };
                    let code = table.add_level(k, value);
                    seen[k].insert(v.to_owned(), code);
                    code
                }
            };
            cells.push(code);
        }
        for col in &counts {
            let measure = "a measure like this (time on site, a rate, a total) goes in traits and in numeric, where rules bin it";
            let n = match cell(*col) {
                "" => 0,
                s => match parse_number(s) {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_COUNT_PER_CELL as f64 => {
                        n as u32
                    }
                    Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                        return Err(error(
                            place(*col),
                            format!("{s} is more than {MAX_COUNT_PER_CELL} events; {measure}"),
                        ))
                    }
                    Some(_) => {
                        return Err(error(
                            place(*col),
                            format!("\"{s}\" is not a whole number of events; {measure}"),
                        ))
                    }
                    None => {
                        return Err(error(place(*col), format!("\"{s}\" is not a whole number")))
                    }
                },
            };
            cells.push(n);
        }
        let converted = outcome_col.map(|c| yes.contains(&cell(c).to_lowercase()));
        rows.push((leads.len(), when, cells));
        leads.push(Lead {
            id,
            events: Events::Json(Vec::new()),
            converted,
            converted_at,
            value: None,
            session: None,
            as_of: None,
        });
    }
    // The table is complete: the rows share it.
    drop(seen);
    let table = Arc::new(table);
    for (i, when, cells) in rows {
        leads[i].events = Events::Row(Row::new(Arc::clone(&table), when, cells));
    }
    Ok(leads)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(json: &str) -> CsvMapping {
        serde_json::from_str(json).unwrap()
    }

    const MAPPING: &str = r#"{"id":"Email","converted":{"column":"Won"},"at":"2026-10-01T00:00:00Z",
        "traits":{"Email":"email","Zip":"zip","Employees":"company.employees","Note":"note"},"numeric":["Employees"]}"#;

    fn traits(lead: &Lead) -> Json {
        lead.events_json()[0].get("traits").unwrap().clone()
    }

    #[test]
    fn quoted_fields_and_blank_lines() {
        let csv = "Email,Won,Zip,Employees,Note\r\n\"a@x.com\",yes,1,2,\"say \"\"hi\"\", twice\"\n\n\"b@x.com\",no,,,\"two\nlines\"\n";
        let leads = read_csv(csv, &mapping(MAPPING), Labels::Required).unwrap();
        assert_eq!(leads.len(), 2);
        assert_eq!(
            traits(&leads[0]).get("note"),
            Some(&Json::str("say \"hi\", twice"))
        );
        assert_eq!(
            traits(&leads[1]).get("note"),
            Some(&Json::str("two\nlines"))
        );
        assert_eq!(
            (leads[0].converted, leads[1].converted),
            (Some(true), Some(false))
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_column() {
        // Before issue 10: `no column "Email"`.
        let csv = "\u{feff}Email,Won,Zip,Employees,Note\na@x.com,1,02139,250,\n";
        let leads = read_csv(csv, &mapping(MAPPING), Labels::Required).unwrap();
        assert_eq!(leads[0].id, "a@x.com");
    }

    #[test]
    fn trait_cells_stay_text_unless_the_mapping_says_numeric() {
        // Before issue 10 the zip code 02139 became the number 2139.
        let csv = "Email,Won,Zip,Employees,Note\na@x.com,1,02139,250,007\n";
        let leads = read_csv(csv, &mapping(MAPPING), Labels::Required).unwrap();
        let t = traits(&leads[0]);
        assert_eq!(t.get("zip"), Some(&Json::str("02139")));
        assert_eq!(t.get("note"), Some(&Json::str("007")));
        assert_eq!(t.at("company.employees"), Some(&Json::Num(250.0)));
        let bad = "Email,Won,Zip,Employees,Note\na@x.com,1,02139,lots,\n";
        assert_eq!(
            read_csv(bad, &mapping(MAPPING), Labels::Required)
                .unwrap_err()
                .to_string(),
            "row 2, column \"Employees\": \"lots\" is not a number"
        );
    }

    #[test]
    fn mapping_mistakes_name_the_field() {
        let err = serde_json::from_str::<CsvMapping>(r#"{"converted":{"column":"W"},"trait":{}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `trait`"), "{err}");
        let m = mapping(
            r#"{"converted":{"column":"Won"},"at":"2026-10-01T00:00:00Z","traits":{"Zip":"zip"},"numeric":["Employees"]}"#,
        );
        assert_eq!(
            read_csv("Zip,Won\n1,1\n", &m, Labels::Required)
                .unwrap_err()
                .to_string(),
            "mapping.numeric: \"Employees\" is not one of the trait columns"
        );
    }
}
