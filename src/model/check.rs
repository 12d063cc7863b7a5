//! Checks on the values of a model document, collecting every problem with its path instead of
//! stopping at one. The document's shape (types, required and unknown fields) was checked when
//! it was read into its serde types; what is left is meaning: lengths, bounds, text that
//! people will read.

use crate::errors::Problem;
use crate::model::document::TextOrList;

/// Longest string accepted anywhere in a model (ids, labels, patterns, trait values).
pub const MAX_STRING: usize = 256;

/// The problems found so far while checking a document.
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

/// `path.key`, or `key` at the top level.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A non-empty string of at most [`MAX_STRING`] bytes without control characters.
pub fn text<'a>(value: &'a str, path: &str, p: &mut Problems) -> Option<&'a str> {
    if value.trim().is_empty() {
        p.add(path, "must not be empty");
        None
    } else if value.len() > MAX_STRING {
        p.add(
            path,
            format!("is {} bytes long, more than {MAX_STRING}", value.len()),
        );
        None
    } else if value.chars().any(char::is_control) {
        p.add(
            path,
            "must not contain control characters (line breaks, tabs, …)",
        );
        None
    } else {
        Some(value)
    }
}

/// A finite number (a model given as a JavaScript object may hold `NaN` or `Infinity`).
pub fn number(value: f64, path: &str, p: &mut Problems) -> Option<f64> {
    if value.is_finite() {
        Some(value)
    } else {
        p.add(path, "must be a finite number");
        None
    }
}

/// A number greater than zero.
pub fn positive(value: f64, path: &str, p: &mut Problems) -> Option<f64> {
    let n = number(value, path, p)?;
    if n > 0.0 {
        Some(n)
    } else {
        p.add(path, "must be greater than 0");
        None
    }
}

/// A whole number in `1..=max`.
pub fn count(value: f64, max: u32, path: &str, p: &mut Problems) -> Option<u32> {
    if value.fract() != 0.0 || !(1.0..=f64::from(max)).contains(&value) {
        p.add(path, format!("must be a whole number from 1 to {max}"));
        return None;
    }
    Some(value as u32)
}

/// The texts of a string or a list of strings (`"vp*"` or `["vp*", "*chief*"]`), each checked.
pub fn text_list(value: &TextOrList, path: &str, p: &mut Problems) -> Vec<String> {
    match value {
        TextOrList::List(items) if items.is_empty() => {
            p.add(path, "must list at least one value");
            Vec::new()
        }
        TextOrList::List(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| text(item, &format!("{path}[{i}]"), p))
            .map(str::to_owned)
            .collect(),
        TextOrList::One(one) => text(one, path, p)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
    }
}
