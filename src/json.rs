//! A JSON value tree that keeps object keys in document order.
//!
//! Models and events arrive as untrusted documents. They are read into this tree so that
//! validation can walk it and report *every* problem with its path. The tree is read through
//! serde: from text by serde_json natively, from a JavaScript value by serde-wasm-bindgen in the
//! browser (text is `JSON.parse`d first), so the module has no JSON parser of its own. Reading
//! is bounded: nesting deeper than [`MAX_DEPTH`] or more than [`MAX_NODES`] values is refused.
//! A key given twice keeps its last value, as `JSON.parse` does.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::cell::Cell;
use std::fmt;

/// Deepest nesting accepted in any document (a deeper one is rejected, not recursed into).
pub const MAX_DEPTH: usize = 32;
/// Most values (scalars, array items and object entries together) accepted in one document.
pub const MAX_NODES: usize = 20_000;

/// A JSON value. Objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, as key/value pairs in document order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Reads JSON text with the depth and size limits applied; an error says where and why
    /// (`line 1, column 5`).
    pub fn parse(text: &str) -> Result<Json, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Json::read(&mut de).map_err(|e| located(&e, text))?;
        de.end().map_err(|e| located(&e, text))?;
        Ok(value)
    }

    /// Reads a value from any serde deserializer with the depth and size limits applied.
    pub fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        BUDGET.with(|b| b.set((0, MAX_NODES)));
        Json::deserialize(deserializer)
    }

    /// This value as pretty-printed JSON text; numbers are written exactly (they read back as
    /// the same `f64`).
    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// This value as compact JSON text, numbers written exactly.
    pub fn to_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A string value.
    pub fn str(text: &str) -> Json {
        Json::Str(text.to_owned())
    }

    /// An object from `(key, value)` pairs, in order.
    pub fn object(entries: Vec<(&str, Json)>) -> Json {
        Json::Obj(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    /// The value under `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a dotted path of object keys (`company.employees`).
    pub fn at(&self, path: &str) -> Option<&Json> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// A short name of this value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

/// serde_json's error with its column counted in characters, not bytes.
fn located(e: &serde_json::Error, text: &str) -> String {
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    if e.line() == 0 {
        return format!("not valid JSON: {message}");
    }
    let line = text.split('\n').nth(e.line() - 1).unwrap_or_default();
    let bytes = e.column().min(line.len());
    let upto = (0..=bytes)
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    let column =
        line[..upto].chars().count() + usize::from(bytes > upto || e.column() > line.len());
    format!(
        "not valid JSON: {message} at line {} column {column}",
        e.line()
    )
}

thread_local! {
    /// Depth now and values left while a document is read (reset by [`Json::read`]).
    static BUDGET: Cell<(usize, usize)> = const { Cell::new((0, MAX_NODES)) };
}

/// Counts one value against the budget and, for arrays and objects, one level of nesting.
fn enter<E: de::Error>(nested: bool) -> Result<(), E> {
    BUDGET.with(|b| {
        let (depth, left) = b.get();
        if left == 0 {
            return Err(E::custom(format!(
                "document has more than {MAX_NODES} values"
            )));
        }
        if nested && depth >= MAX_DEPTH {
            return Err(E::custom(format!(
                "nesting is deeper than {MAX_DEPTH} levels"
            )));
        }
        b.set((depth + usize::from(nested), left - 1));
        Ok(())
    })
}

fn leave() {
    BUDGET.with(|b| {
        let (depth, left) = b.get();
        b.set((depth.saturating_sub(1), left));
    });
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        enter(false).map(|()| Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        enter(false).map(|()| Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        enter(false).map(|()| Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        enter(false).map(|()| Json::Num(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        enter(false).map(|()| Json::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        enter(false).map(|()| Json::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        enter(true)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        leave();
        Ok(Json::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        enter(true)?;
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Json>()?;
            // A repeated key keeps its first place and its last value, as JSON.parse does.
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
        }
        leave();
        Ok(Json::Obj(entries))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            // Whole numbers are written without a fraction (`5`, not `5.0`).
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
                s.serialize_i64(*n as i64)
            }
            Json::Num(n) if n.is_finite() => s.serialize_f64(*n),
            Json::Num(_) => s.serialize_unit(),
            Json::Str(text) => s.serialize_str(text),
            Json::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value_in_order() {
        let json = Json::parse(r#" {"b":[1,true,null,"x"],"a":{"c":-2.5e1}} "#).unwrap();
        let Json::Obj(entries) = &json else {
            panic!("not an object")
        };
        assert_eq!(entries[0].0, "b");
        assert_eq!(json.at("a.c"), Some(&Json::Num(-25.0)));
        assert_eq!(
            json.get("b"),
            Some(&Json::Arr(vec![
                Json::Num(1.0),
                Json::Bool(true),
                Json::Null,
                Json::Str("x".into())
            ]))
        );
    }

    #[test]
    fn decodes_escapes() {
        let json = Json::parse(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(json, Json::Str("a\"b\\c/\né😀".into()));
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        // Each was accepted by the hand-written parser this replaced (issue 10).
        for text in [
            r#""\ud83d\u0041""#,
            r#""\u+041""#,
            "007",
            "5.",
            "-.5",
            "[1,]",
            "{} x",
            "nul",
        ] {
            assert!(Json::parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn says_where_text_is_not_json_by_line_and_column() {
        let err = Json::parse("{\n  \"a\" 1}").unwrap_err();
        assert_eq!(err, "not valid JSON: expected `:` at line 2 column 7");
        let err = Json::parse("\"é\" x").unwrap_err();
        assert!(err.contains("line 1 column 5"), "{err}");
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value_as_json_parse_does() {
        let json = Json::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(
            json,
            Json::Obj(vec![
                ("a".into(), Json::Num(3.0)),
                ("b".into(), Json::Num(2.0))
            ])
        );
    }

    #[test]
    fn numbers_round_trip_exactly() {
        for n in [
            1e300,
            1e-7,
            1e-300,
            5e-324,
            0.1 + 0.2,
            -2.5,
            123_456_789.123_456_79,
            2f64.powi(60),
        ] {
            let text = Json::Num(n).to_compact();
            assert_eq!(
                Json::parse(&text).unwrap(),
                Json::Num(n),
                "{n:e} written as {text}"
            );
        }
        assert_eq!(Json::Num(5.0).to_compact(), "5");
        assert_eq!(Json::parse("1e-300").unwrap(), Json::Num(1e-300));
    }

    #[test]
    fn rejects_nesting_deeper_than_the_limit() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = Json::parse(&deep).unwrap_err();
        assert!(err.contains("nesting is deeper than 32"), "{err}");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
        let hostile = "[".repeat(1_000_000);
        assert!(Json::parse(&hostile).is_err());
    }

    #[test]
    fn rejects_documents_with_too_many_values() {
        let big = format!("[{}0]", "0,".repeat(MAX_NODES));
        let err = Json::parse(&big).unwrap_err();
        assert!(err.contains("more than 20000 values"), "{err}");
    }
}
