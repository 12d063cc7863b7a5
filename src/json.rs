//! A JSON-like value tree, read with bounded depth and size.
//!
//! Models (and, natively, events) arrive as untrusted documents. They are first read into
//! this tree so that validation can walk them and report *every* problem with its path,
//! instead of stopping at the first type error as a derived deserializer would.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Deepest nesting accepted in any document (a deeper one is rejected, not recursed into).
pub const MAX_DEPTH: usize = 32;
/// Most values (scalars, array items and object entries together) accepted in one document.
pub const MAX_NODES: usize = 20_000;

/// A JSON value. Objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null` (and JavaScript `undefined`).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number; NaN and infinities are kept so that validation can name them.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, as key/value pairs in document order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Reads a value with the depth and size limits applied.
    pub fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        let mut budget = MAX_NODES;
        Bounded {
            depth: 0,
            budget: &mut budget,
        }
        .deserialize(deserializer)
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

struct Bounded<'b> {
    depth: usize,
    budget: &'b mut usize,
}

impl Bounded<'_> {
    fn spend<E: de::Error>(&mut self) -> Result<(), E> {
        if *self.budget == 0 {
            return Err(E::custom(format!(
                "document has more than {MAX_NODES} values"
            )));
        }
        *self.budget -= 1;
        Ok(())
    }

    fn child(&mut self) -> Bounded<'_> {
        Bounded {
            depth: self.depth + 1,
            budget: self.budget,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<Json, E> {
        self.spend()?;
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<Json, E> {
        self.spend()?;
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<Json, E> {
        self.spend()?;
        Ok(Json::Num(v))
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<Json, E> {
        self.spend()?;
        Ok(Json::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(mut self, v: String) -> Result<Json, E> {
        self.spend()?;
        Ok(Json::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Json, A::Error> {
        self.spend()?;
        if self.depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nesting is deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Json, A::Error> {
        self.spend()?;
        if self.depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nesting is deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.child())?;
            entries.push((key, value));
        }
        Ok(Json::Obj(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Json, serde_json::Error> {
        Json::read(&mut serde_json::Deserializer::from_str(text))
    }

    #[test]
    fn reads_every_kind_of_value_in_order() {
        let json = parse(r#"{"b":[1,true,null,"x"],"a":{"c":2.5}}"#).unwrap();
        let Json::Obj(entries) = &json else {
            panic!("not an object")
        };
        assert_eq!(entries[0].0, "b");
        assert_eq!(json.at("a.c"), Some(&Json::Num(2.5)));
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
    fn rejects_nesting_deeper_than_the_limit() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = parse(&deep).unwrap_err().to_string();
        assert!(err.contains("nesting is deeper than 32"), "{err}");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn rejects_documents_with_too_many_values() {
        let big = format!("[{}0]", "0,".repeat(MAX_NODES));
        let err = parse(&big).unwrap_err().to_string();
        assert!(err.contains("more than 20000 values"), "{err}");
    }
}
