//! Walks a model document, collecting every problem with its path instead of stopping at one.

use crate::errors::Problem;
use crate::json::Json;

/// Longest string accepted anywhere in a model (ids, labels, patterns, trait values).
pub const MAX_STRING: usize = 256;

/// The problems found so far while reading a document.
#[derive(Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem at `path`.
    pub fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }
}

/// An object in the document, read field by field; unknown fields are reported.
pub struct Fields<'a> {
    path: String,
    entries: &'a [(String, Json)],
}

/// `path.key`, or `key` at the top level.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object, reporting `known`-less fields; `None` if it is not one.
    pub fn of(value: &'a Json, path: &str, known: &[&str], p: &mut Problems) -> Option<Self> {
        let Json::Obj(entries) = value else {
            p.add(
                path,
                format!("must be an object, not {}", value.type_name()),
            );
            return None;
        };
        for (key, _) in entries {
            if !known.contains(&key.as_str()) {
                p.add(
                    &join(path, key),
                    format!("unknown field (expected one of: {})", known.join(", ")),
                );
            }
        }
        Some(Fields {
            path: path.to_owned(),
            entries,
        })
    }

    /// The path of a field of this object.
    pub fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw value of a field, if present and not null.
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Json::Null))
    }

    /// Whether the field is present (and not null).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A required non-empty string of at most [`MAX_STRING`] bytes.
    pub fn string(&self, key: &str, p: &mut Problems) -> Option<&'a str> {
        match self.get(key) {
            None => {
                p.add(&self.path(key), "is required");
                None
            }
            Some(v) => as_string(v, &self.path(key), p),
        }
    }

    /// An optional string, checked as [`Fields::string`] when present.
    pub fn opt_string(&self, key: &str, p: &mut Problems) -> Option<&'a str> {
        self.get(key).and_then(|v| as_string(v, &self.path(key), p))
    }

    /// An optional finite number.
    pub fn opt_number(&self, key: &str, p: &mut Problems) -> Option<f64> {
        self.get(key).and_then(|v| as_number(v, &self.path(key), p))
    }

    /// A required finite number.
    pub fn number(&self, key: &str, p: &mut Problems) -> Option<f64> {
        if !self.has(key) {
            p.add(&self.path(key), "is required");
            return None;
        }
        self.opt_number(key, p)
    }

    /// An optional number that must be greater than zero.
    pub fn opt_positive(&self, key: &str, p: &mut Problems) -> Option<f64> {
        let n = self.opt_number(key, p)?;
        if n > 0.0 {
            Some(n)
        } else {
            p.add(&self.path(key), "must be greater than 0");
            None
        }
    }

    /// An optional whole number in `1..=max`.
    pub fn opt_count(&self, key: &str, max: u32, p: &mut Problems) -> Option<u32> {
        let n = self.opt_number(key, p)?;
        if n.fract() != 0.0 || n < 1.0 || n > f64::from(max) {
            p.add(
                &self.path(key),
                format!("must be a whole number from 1 to {max}"),
            );
            return None;
        }
        Some(n as u32)
    }

    /// An optional array field, with the path of each item.
    pub fn opt_array(&self, key: &str, p: &mut Problems) -> Option<Vec<(String, &'a Json)>> {
        let value = self.get(key)?;
        let path = self.path(key);
        match value {
            Json::Arr(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{path}[{i}]"), item))
                    .collect(),
            ),
            other => {
                p.add(
                    &path,
                    format!("must be an array, not {}", other.type_name()),
                );
                None
            }
        }
    }
}

/// Reads a non-empty string of at most [`MAX_STRING`] bytes.
pub fn as_string<'a>(value: &'a Json, path: &str, p: &mut Problems) -> Option<&'a str> {
    match value {
        Json::Str(s) if s.trim().is_empty() => {
            p.add(path, "must not be empty");
            None
        }
        Json::Str(s) if s.len() > MAX_STRING => {
            p.add(
                path,
                format!("is {} bytes long, more than {MAX_STRING}", s.len()),
            );
            None
        }
        Json::Str(s) if s.chars().any(char::is_control) => {
            p.add(
                path,
                "must not contain control characters (line breaks, tabs, …)",
            );
            None
        }
        Json::Str(s) => Some(s),
        other => {
            p.add(path, format!("must be a string, not {}", other.type_name()));
            None
        }
    }
}

/// Reads a finite number.
pub fn as_number(value: &Json, path: &str, p: &mut Problems) -> Option<f64> {
    match value {
        Json::Num(n) if n.is_finite() => Some(*n),
        Json::Num(_) => {
            p.add(path, "must be a finite number");
            None
        }
        other => {
            p.add(path, format!("must be a number, not {}", other.type_name()));
            None
        }
    }
}

/// Reads a non-empty array: errors say it must be an array of `plural` with at least one
/// `singular`.
pub fn items<'a>(
    value: &'a Json,
    path: &str,
    (plural, singular): (&str, &str),
    p: &mut Problems,
) -> Option<&'a [Json]> {
    match value {
        Json::Arr(items) if items.is_empty() => {
            p.add(path, format!("must list at least one {singular}"));
            None
        }
        Json::Arr(items) => Some(items),
        _ => {
            p.add(path, format!("must be an array of {plural}"));
            None
        }
    }
}

/// Reads a string or an array of strings as a list (`"vp*"` or `["vp*", "*chief*"]`).
pub fn string_list(value: &Json, path: &str, p: &mut Problems) -> Vec<String> {
    match value {
        Json::Arr(items) if items.is_empty() => {
            p.add(path, "must list at least one value");
            Vec::new()
        }
        Json::Arr(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| as_string(item, &format!("{path}[{i}]"), p))
            .map(str::to_owned)
            .collect(),
        other => as_string(other, path, p)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
    }
}
