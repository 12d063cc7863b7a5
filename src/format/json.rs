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

/// A step into a document: an object's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of an object.
    Key(String),
    /// An index of an array.
    Index(usize),
}

/// Writes a path as people read it: `fit.rules[0].points`.
pub fn path_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A document that does not fit the type it is read into: where, and serde's words for what.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    /// Where in the document (for a missing field, the object that lacks it; for an unknown
    /// field, the field itself).
    pub path: Vec<Step>,
    /// serde's message: `invalid type: string "ten", expected f64`, `missing field `when``.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match path_text(&self.path) {
            at if at.is_empty() => f.write_str(&self.message),
            at => write!(f, "{at}: {}", self.message),
        }
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ReadError {
            path: AT.with(|at| at.borrow().clone()),
            message: msg.to_string(),
        }
    }
}

thread_local! {
    /// Where reading a typed document from a tree is now (see [`Json::into_typed`]).
    static AT: std::cell::RefCell<Vec<Step>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Json {
    /// Reads this tree into a typed document (a model, a CSV mapping, training options); an
    /// error says where, as a path of keys and indices, so that no wrapper is needed to find it.
    pub fn into_typed<T: de::DeserializeOwned>(self) -> Result<T, ReadError> {
        AT.with(|at| at.borrow_mut().clear());
        T::deserialize(self)
    }
}

struct Items {
    items: std::vec::IntoIter<Json>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = ReadError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        AT.with(|at| at.borrow_mut().push(Step::Index(self.index)));
        self.index += 1;
        let value = seed.deserialize(item)?;
        AT.with(|at| at.borrow_mut().pop());
        Ok(Some(value))
    }
}

struct Entries {
    entries: std::vec::IntoIter<(String, Json)>,
    value: Option<Json>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = ReadError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        // The key is on the path while it is read: an unknown field is named by its path.
        AT.with(|at| at.borrow_mut().push(Step::Key(key.clone())));
        self.value = Some(value);
        seed.deserialize(Json::Str(key)).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ReadError> {
        let value = seed.deserialize(self.value.take().unwrap_or(Json::Null))?;
        AT.with(|at| at.borrow_mut().pop());
        Ok(value)
    }
}

/// A document tree is itself a serde deserializer: typed documents (a model, a CSV mapping,
/// training options) are read from it, so that both builds share one bounded path from text
/// or JavaScript to types.
impl<'de> Deserializer<'de> for Json {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(b),
            Json::Num(n) => visitor.visit_f64(n),
            Json::Str(s) => visitor.visit_string(s),
            Json::Arr(items) => visitor.visit_seq(Items {
                items: items.into_iter(),
                index: 0,
            }),
            Json::Obj(entries) => visitor.visit_map(Entries {
                entries: entries.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self {
            Json::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self {
            Json::Str(s) => visitor.visit_enum(de::value::StringDeserializer::new(s)),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        // A struct is an object, never an array of its fields in order.
        match self {
            Json::Obj(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

impl Json {
    /// What serde calls this value in an "invalid type" error.
    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Json::Null => de::Unexpected::Unit,
            Json::Bool(b) => de::Unexpected::Bool(*b),
            Json::Num(n) => de::Unexpected::Float(*n),
            Json::Str(s) => de::Unexpected::Str(s),
            Json::Arr(_) => de::Unexpected::Seq,
            Json::Obj(_) => de::Unexpected::Map,
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
