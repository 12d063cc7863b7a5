//! Labeled leads for learning: JSON Lines with each lead's events and outcome, or a CRM's CSV
//! export with a small mapping file that says which column is what.

use crate::json::Json;
use crate::number::parse as parse_number;
use crate::time::parse_iso8601;
use std::fmt;

/// One lead with its history and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// The lead's id (its line number when the data has none).
    pub id: String,
    /// Its Segment events (traits arrive as an `identify` event).
    pub events: Vec<Json>,
    /// Whether it converted.
    pub converted: bool,
    /// When it converted (epoch ms); events after it do not count.
    pub converted_at: Option<f64>,
    /// The deal's value, when known.
    pub value: Option<f64>,
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

/// Reads JSON Lines: `{"id", "traits"?, "events": [...], "converted": bool, "convertedAt"?, "value"?}`.
pub fn read_jsonl(text: &str) -> Result<Vec<Lead>, DatasetError> {
    read_jsonl_with(text, Json::parse)
}

/// [`read_jsonl`] with each line read by `parse` (in the browser, `JSON.parse`, so that the
/// module carries no JSON parser of its own).
pub fn read_jsonl_with(
    text: &str,
    parse: impl Fn(&str) -> Result<Json, String>,
) -> Result<Vec<Lead>, DatasetError> {
    let mut leads = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let place = format!("line {}", n + 1);
        if line.trim().is_empty() {
            continue;
        }
        let doc = parse(line).map_err(|e| error(&place, e))?;
        let converted = match doc.get("converted") {
            Some(Json::Bool(b)) => *b,
            _ => return Err(error(&place, "converted: must be true or false")),
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
        let converted_at = match doc.get("convertedAt") {
            None | Some(Json::Null) => None,
            Some(v) => Some(time_of(v).ok_or_else(|| {
                error(
                    &place,
                    "convertedAt: must be an ISO-8601 date-time or epoch milliseconds",
                )
            })?),
        };
        let id = match doc.get("id") {
            Some(Json::Str(s)) => s.clone(),
            Some(Json::Num(n)) => crate::number::Shown(*n).to_string(),
            _ => (n + 1).to_string(),
        };
        let value = match doc.get("value") {
            Some(Json::Num(v)) => Some(*v),
            _ => None,
        };
        leads.push(Lead {
            id,
            events,
            converted,
            converted_at,
            value,
        });
    }
    Ok(leads)
}

/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Most events one CSV count column may stand for.
pub const MAX_COUNT_PER_CELL: usize = 1000;

/// Reads a CSV export with a mapping (JSON):
/// `{"id": col, "converted": {"column": col, "values": [...]}, "convertedAt": col?,
///   "asOf": col | "at": ISO, "traits": {col: trait}, "counts": {col: {"page": path} | {"track": name}}}`.
/// Each count becomes that many events at the row's `asOf` time (or `at`).
pub fn read_csv(text: &str, mapping: &Json) -> Result<Vec<Lead>, DatasetError> {
    let rows = parse_csv(text);
    let Some((header, body)) = rows.split_first() else {
        return Err(error("csv", "is empty"));
    };
    let column = |name: &str, place: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| error(place, format!("no column \"{name}\" in the CSV header")))
    };
    let text_of = |key: &str| match mapping.get(key) {
        Some(Json::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    let outcome = mapping.get("converted").ok_or_else(|| {
        error(
            "mapping.converted",
            "is required: {\"column\": ..., \"values\": [...]}",
        )
    })?;
    let Some(Json::Str(outcome_col)) = outcome.get("column") else {
        return Err(error("mapping.converted.column", "is required"));
    };
    let outcome_col = column(outcome_col, "mapping.converted.column")?;
    let yes: Vec<String> = match outcome.get("values") {
        Some(Json::Arr(values)) => values
            .iter()
            .filter_map(|v| {
                if let Json::Str(s) = v {
                    Some(s.to_lowercase())
                } else {
                    None
                }
            })
            .collect(),
        _ => vec!["true".into(), "yes".into(), "1".into()],
    };
    let id_col = text_of("id").map(|c| column(c, "mapping.id")).transpose()?;
    let converted_at_col = text_of("convertedAt")
        .map(|c| column(c, "mapping.convertedAt"))
        .transpose()?;
    let as_of_col = text_of("asOf")
        .map(|c| column(c, "mapping.asOf"))
        .transpose()?;
    let at = match text_of("at") {
        Some(s) => Some(
            parse_iso8601(s).ok_or_else(|| error("mapping.at", "must be an ISO-8601 date-time"))?,
        ),
        None => None,
    };
    if as_of_col.is_none() && at.is_none() {
        return Err(error("mapping", "needs asOf (a column with each row's date) or at (one date for all rows): events need a time"));
    }
    let mut traits = Vec::new();
    if let Some(Json::Obj(entries)) = mapping.get("traits") {
        for (col, name) in entries {
            let Json::Str(name) = name else {
                return Err(error(format!("mapping.traits.{col}"), "must name a trait"));
            };
            traits.push((column(col, &format!("mapping.traits.{col}"))?, name.clone()));
        }
    }
    let mut counts = Vec::new();
    if let Some(Json::Obj(entries)) = mapping.get("counts") {
        for (col, target) in entries {
            let place = format!("mapping.counts.{col}");
            let event = match (target.get("page"), target.get("track")) {
                (Some(Json::Str(path)), None) => ("page", path.clone()),
                (None, Some(Json::Str(name))) => ("track", name.clone()),
                _ => {
                    return Err(error(
                        place,
                        "must be {\"page\": path} or {\"track\": event name}",
                    ))
                }
            };
            counts.push((column(col, &place)?, col.clone(), event));
        }
    }
    let mut leads = Vec::new();
    for (r, row) in body.iter().enumerate() {
        let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or("");
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
        let when = match as_of_col {
            Some(c) => parse_iso8601(cell(c))
                .ok_or_else(|| error(place(c), format!("\"{}\" is not a date", cell(c))))?,
            None => at.unwrap_or_default(),
        };
        let mut events = Vec::new();
        let mut trait_values = Vec::new();
        for (col, name) in &traits {
            let v = cell(*col);
            if v.is_empty() {
                continue;
            }
            let value = parse_number(v).map_or_else(|| Json::Str(v.to_owned()), Json::Num);
            let mut node = &mut trait_values;
            let mut parts = name.split('.').peekable();
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    node.push((part.to_owned(), value.clone()));
                    break;
                }
                if !node.iter().any(|(k, _)| k == part) {
                    node.push((part.to_owned(), Json::Obj(Vec::new())));
                }
                let Some((_, Json::Obj(inner))) = node.iter_mut().find(|(k, _)| k == part) else {
                    break;
                };
                node = inner;
            }
        }
        if !trait_values.is_empty() {
            events.push(Json::Obj(vec![
                ("type".into(), Json::Str("identify".into())),
                ("timestamp".into(), Json::Num(when)),
                ("traits".into(), Json::Obj(trait_values)),
            ]));
        }
        for (col, name, (kind, target)) in &counts {
            let n = match cell(*col) {
                "" => 0,
                s => s
                    .parse::<usize>()
                    .map_err(|_| error(place(*col), format!("\"{s}\" is not a whole number")))?,
            };
            if n > MAX_COUNT_PER_CELL {
                return Err(error(
                    place(*col),
                    format!("{n} is more than {MAX_COUNT_PER_CELL} events"),
                ));
            }
            for k in 0..n {
                let key = if *kind == "page" {
                    "properties"
                } else {
                    "event"
                };
                let detail = if *kind == "page" {
                    Json::Obj(vec![("path".into(), Json::Str(target.clone()))])
                } else {
                    Json::Str(target.clone())
                };
                events.push(Json::Obj(vec![
                    ("type".into(), Json::Str((*kind).into())),
                    ("messageId".into(), Json::Str(format!("{id}-{name}-{k}"))),
                    ("timestamp".into(), Json::Num(when)),
                    (key.into(), detail),
                ]));
            }
        }
        let converted = yes.contains(&cell(outcome_col).to_lowercase());
        leads.push(Lead {
            id,
            events,
            converted,
            converted_at,
            value: None,
        });
    }
    Ok(leads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_may_be_quoted() {
        let rows = parse_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",3\n\n4,,6");
        assert_eq!(
            rows,
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "3"],
                vec!["4", "", "6"]
            ]
        );
    }
}
