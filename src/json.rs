//! A JSON value tree, parsed with bounded depth and size.
//!
//! Models (and events, natively) arrive as untrusted text. They are first parsed into this
//! tree so that validation can walk it and report *every* problem with its path, instead of
//! stopping at the first type error as a derived deserializer would. The parser is small on
//! purpose: it is the only JSON code in the WebAssembly module.

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
    /// Parses JSON text with the depth and size limits applied; an error says where and why.
    pub fn parse(text: &str) -> Result<Json, String> {
        let mut p = Parser {
            b: text.as_bytes(),
            at: 0,
            budget: MAX_NODES,
        };
        let value = p.value(0)?;
        p.space();
        if p.at != p.b.len() {
            return Err(p.error("unexpected text after the end"));
        }
        Ok(value)
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

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
    budget: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("not valid JSON at character {}: {what}", self.at)
    }

    fn space(&mut self) {
        while matches!(self.b.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.space();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if self.budget == 0 {
            return Err(format!("document has more than {MAX_NODES} values"));
        }
        self.budget -= 1;
        self.space();
        let nested = || {
            if depth >= MAX_DEPTH {
                Err(format!("nesting is deeper than {MAX_DEPTH} levels"))
            } else {
                Ok(())
            }
        };
        match self.b.get(self.at) {
            Some(b'{') => {
                nested()?;
                self.at += 1;
                let mut entries = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.error("expected ':'"));
                        }
                        entries.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected ',' or '}'"));
                        }
                    }
                }
                Ok(Json::Obj(entries))
            }
            Some(b'[') => {
                nested()?;
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected ',' or ']'"));
                        }
                    }
                }
                Ok(Json::Arr(items))
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end")),
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, String> {
        if self.b[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.at;
        while matches!(
            self.b.get(self.at),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.b[start..self.at]).unwrap_or_default();
        match crate::number::parse(text) {
            Some(n) => Ok(Json::Num(n)),
            None => Err(format!(
                "not valid JSON at character {start}: {text} is not a number"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.b.get(self.at) != Some(&b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while matches!(self.b.get(self.at), Some(c) if *c != b'"' && *c != b'\\' && *c >= 0x20)
            {
                self.at += 1;
            }
            // The input is a &str, so a run between ASCII delimiters is valid UTF-8.
            out.push_str(std::str::from_utf8(&self.b[start..self.at]).unwrap_or_default());
            match self.b.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = match self.b.get(self.at) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let high = self.hex4()?;
                            if (0xd800..0xdc00).contains(&high)
                                && self.b[self.at + 1..].starts_with(b"\\u")
                            {
                                self.at += 2;
                                let low = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((high - 0xd800) << 10)
                                        + (low.wrapping_sub(0xdc00) & 0x3ff),
                                )
                                .unwrap_or('\u{fffd}')
                            } else {
                                char::from_u32(high).unwrap_or('\u{fffd}')
                            }
                        }
                        _ => return Err(self.error("bad escape in a string")),
                    };
                    out.push(c);
                    self.at += 1;
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Reads the 4 hex digits after `\\u` (leaving `at` on the last one).
    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .b
            .get(self.at + 1..self.at + 5)
            .ok_or_else(|| self.error("bad \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("bad \\u escape"))?;
        let n = u32::from_str_radix(text, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.at += 4;
        Ok(n)
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
    fn says_where_text_is_not_json() {
        for (text, error) in [
            ("", "not valid JSON at character 0: unexpected end"),
            ("{\"a\" 1}", "not valid JSON at character 5: expected ':'"),
            ("[1,]", "not valid JSON at character 3: expected a value"),
            (
                "[1 2]",
                "not valid JSON at character 3: expected ',' or ']'",
            ),
            (
                "\"abc",
                "not valid JSON at character 4: unterminated string",
            ),
            ("nul", "not valid JSON at character 0: expected a value"),
            (
                "{} x",
                "not valid JSON at character 3: unexpected text after the end",
            ),
            (
                "\"\\x\"",
                "not valid JSON at character 2: bad escape in a string",
            ),
        ] {
            assert_eq!(Json::parse(text).unwrap_err(), error, "{text:?}");
        }
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
