//! A JSON Lines lead's events held compactly: each lead's events as one run of bytes, the texts
//! that recur (keys, event types, page paths, event names, trait values) held once for all leads.
//! A million generated leads (11 million events, 1.36 GB of JSON Lines) would take gigabytes as
//! JSON trees; held this way they take 450 MB. They are read where they lie ([`Node`]), by the
//! engine's event reader as by proposing, and made into trees only when asked
//! ([`CompactEvents::to_json`]).

use crate::format::json::Json;
use crate::format::varint;
use crate::session::event::{EventSource, Field};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Most distinct texts held once; past it, new texts are written where they occur.
const MAX_SHARED: usize = 1 << 20;
/// Longest text held once (longer ones are rarely repeated).
const MAX_SHARED_LEN: usize = 64;
/// A key's values are held once until, after this many, most of them have been new: ids, times
/// and emails are then written where they occur (a table of a million values seen once would
/// cost more than the values).
const VALUES_JUDGED_AFTER: u32 = 256;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const NUMBER: u8 = 3;
const INTEGER: u8 = 4;
const TEXT: u8 = 5;
const ARRAY: u8 = 6;
const OBJECT: u8 = 7;

/// The texts the leads of one file share, by number, as they are packed.
#[derive(Default)]
pub(crate) struct Strings {
    texts: Vec<Box<str>>,
    numbers: HashMap<Box<str>, u32>,
}

/// Writes leads' events compactly while a file is read; [`Packer::finish`] gives the shared
/// texts the leads then point to.
#[derive(Default)]
pub(crate) struct Packer {
    strings: Strings,
    /// By key: how many of its values were shared, and how many of those were new.
    values: HashMap<String, (u32, u32)>,
}

/// One lead's events, held compactly.
#[derive(Clone)]
pub struct CompactEvents {
    /// The shared texts, by number.
    strings: Arc<[Box<str>]>,
    bytes: Box<[u8]>,
}

/// A value inside a lead's compact events.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    strings: &'a [Box<str>],
    bytes: &'a [u8],
}

/// A JSON value where it lies: in a tree, or in a lead's compact events.
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    /// A JSON tree's value.
    Tree(&'a Json),
    /// A value in compact events.
    Compact(View<'a>),
}

/// A value that is neither an object nor an array, as proposing reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(&'a str),
}

impl Packer {
    /// `events` written compactly; the texts they share go to this packer's table.
    pub fn pack(&mut self, events: &[Json]) -> Box<[u8]> {
        let mut out = Vec::new();
        write_count(&mut out, events.len());
        for e in events {
            self.value(&mut out, e, None);
        }
        out.into_boxed_slice()
    }

    /// The texts the packed events share, and the events of a lead made from its bytes.
    pub fn finish(self) -> impl Fn(Box<[u8]>) -> CompactEvents {
        let strings: Arc<[Box<str>]> = self.strings.texts.into();
        move |bytes| CompactEvents {
            strings: Arc::clone(&strings),
            bytes,
        }
    }

    fn value(&mut self, out: &mut Vec<u8>, value: &Json, key: Option<&str>) {
        match value {
            Json::Null => out.push(NULL),
            Json::Bool(false) => out.push(FALSE),
            Json::Bool(true) => out.push(TRUE),
            Json::Num(n) => match whole(*n) {
                Some(i) => {
                    out.push(INTEGER);
                    varint::push(out, varint::zigzag(i));
                }
                None => {
                    out.push(NUMBER);
                    out.extend_from_slice(&n.to_le_bytes());
                }
            },
            Json::Str(s) => {
                out.push(TEXT);
                let (n, new) = key
                    .and_then(|k| self.values.get(k))
                    .copied()
                    .unwrap_or_default();
                let share = n < VALUES_JUDGED_AFTER || new * 2 <= n;
                let before = self.strings.texts.len();
                self.text(out, s, share);
                if let (Some(key), true) = (key, share) {
                    let new = u32::from(self.strings.texts.len() > before);
                    match self.values.get_mut(key) {
                        Some((n, m)) => (*n, *m) = (*n + 1, *m + new),
                        None => {
                            self.values.insert(key.to_owned(), (1, new));
                        }
                    }
                }
            }
            Json::Arr(items) => {
                out.push(ARRAY);
                let mut inner = Vec::new();
                write_count(&mut inner, items.len());
                for item in items {
                    self.value(&mut inner, item, key);
                }
                write_count(out, inner.len());
                out.extend_from_slice(&inner);
            }
            Json::Obj(entries) => {
                out.push(OBJECT);
                let mut inner = Vec::new();
                write_count(&mut inner, entries.len());
                for (key, value) in entries {
                    self.text(&mut inner, key, true);
                    self.value(&mut inner, value, Some(key));
                }
                write_count(out, inner.len());
                out.extend_from_slice(&inner);
            }
        }
    }

    /// A text: `2k` for shared text `k`, `2n + 1` and the bytes for one of `n` bytes.
    fn text(&mut self, out: &mut Vec<u8>, text: &str, share: bool) {
        let strings = &mut self.strings;
        let shared = match strings.numbers.get(text) {
            Some(k) => Some(*k),
            None if share && text.len() <= MAX_SHARED_LEN && strings.texts.len() < MAX_SHARED => {
                let k = strings.texts.len() as u32;
                strings.texts.push(text.into());
                strings.numbers.insert(text.into(), k);
                Some(k)
            }
            None => None,
        };
        match shared {
            Some(k) => varint::push(out, u64::from(k) << 1),
            None => {
                varint::push(out, (text.len() as u64) << 1 | 1);
                out.extend_from_slice(text.as_bytes());
            }
        }
    }
}

/// `n` as a whole number, where it is one that reads back exactly (not -0).
fn whole(n: f64) -> Option<i64> {
    let exact = n.fract() == 0.0 && n.abs() < 9.0e15 && !(n == 0.0 && n.is_sign_negative());
    exact.then_some(n as i64)
}

fn write_count(out: &mut Vec<u8>, n: usize) {
    varint::push(out, n as u64);
}

/// The number at the start of `bytes`, and what follows it. The bytes are the packer's own, so
/// they always hold one.
#[inline]
fn read_varint(bytes: &[u8]) -> (u64, &[u8]) {
    match bytes.split_first() {
        Some((b, rest)) if *b < 0x80 => (u64::from(*b), rest),
        _ => read_long_varint(bytes),
    }
}

fn read_long_varint(bytes: &[u8]) -> (u64, &[u8]) {
    let (mut n, mut shift) = (0u64, 0);
    for (i, b) in bytes.iter().enumerate() {
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return (n, &bytes[i + 1..]);
        }
        shift += 7;
    }
    (n, &[])
}

/// The bytes after the text at the start of `bytes`.
#[inline]
fn skip_text(bytes: &[u8]) -> &[u8] {
    let (n, rest) = read_varint(bytes);
    match n & 1 {
        0 => rest,
        _ => rest.get((n >> 1) as usize..).unwrap_or_default(),
    }
}

impl CompactEvents {
    /// The lead's events, in order.
    pub(crate) fn events(&self) -> impl Iterator<Item = View<'_>> {
        let (n, mut rest) = read_varint(&self.bytes);
        let strings = &self.strings[..];
        (0..n).map(move |_| {
            let view = View {
                strings,
                bytes: rest,
            };
            rest = view.skip();
            view
        })
    }

    /// The events as JSON trees.
    pub fn to_json(&self) -> Vec<Json> {
        self.events().map(|e| e.to_json()).collect()
    }
}

impl PartialEq for CompactEvents {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}

impl fmt::Debug for CompactEvents {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_list().entries(self.to_json()).finish()
    }
}

impl<'a> View<'a> {
    fn tag(self) -> u8 {
        self.bytes.first().copied().unwrap_or(NULL)
    }

    fn body(self) -> &'a [u8] {
        self.bytes.get(1..).unwrap_or_default()
    }

    /// The text at the start of `bytes`, and what follows it.
    fn text_at(self, bytes: &'a [u8]) -> (&'a str, &'a [u8]) {
        let (n, rest) = read_varint(bytes);
        if n & 1 == 0 {
            let text = self.strings.get((n >> 1) as usize);
            return (text.map_or("", |t| t), rest);
        }
        let len = ((n >> 1) as usize).min(rest.len());
        let (text, rest) = rest.split_at(len);
        (std::str::from_utf8(text).unwrap_or_default(), rest)
    }

    /// An array's or object's entries (after their count), and its count.
    fn entries(self) -> (usize, &'a [u8]) {
        let (len, rest) = read_varint(self.body());
        let inner = rest.get(..len as usize).unwrap_or_default();
        let (n, inner) = read_varint(inner);
        (n as usize, inner)
    }

    /// The bytes after this value.
    #[inline]
    fn skip(self) -> &'a [u8] {
        let body = self.body();
        match self.tag() {
            NUMBER => body.get(8..).unwrap_or_default(),
            INTEGER => read_varint(body).1,
            TEXT => skip_text(body),
            ARRAY | OBJECT => {
                let (len, rest) = read_varint(body);
                rest.get(len as usize..).unwrap_or_default()
            }
            _ => body,
        }
    }

    fn at(self, bytes: &'a [u8]) -> View<'a> {
        View {
            strings: self.strings,
            bytes,
        }
    }

    /// The value at `key`, if this is an object that has it.
    pub fn get(self, key: &str) -> Option<View<'a>> {
        if self.tag() != OBJECT {
            return None;
        }
        let (n, mut rest) = self.entries();
        for _ in 0..n {
            let (k, value) = self.text_at(rest);
            let value = self.at(value);
            if k == key {
                return Some(value);
            }
            rest = value.skip();
        }
        None
    }

    /// What this value is, if not an object or an array.
    pub fn scalar(self) -> Option<Scalar<'a>> {
        let body = self.body();
        Some(match self.tag() {
            NULL => Scalar::Null,
            FALSE => Scalar::Bool(false),
            TRUE => Scalar::Bool(true),
            NUMBER => {
                let bytes: [u8; 8] = body.get(..8)?.try_into().ok()?;
                Scalar::Num(f64::from_le_bytes(bytes))
            }
            INTEGER => {
                let n = read_varint(body).0;
                Scalar::Num(((n >> 1) as i64 ^ -((n & 1) as i64)) as f64)
            }
            TEXT => Scalar::Str(self.text_at(body).0),
            _ => return None,
        })
    }

    /// This value as a JSON tree.
    pub fn to_json(self) -> Json {
        match self.tag() {
            ARRAY => {
                let (n, mut rest) = self.entries();
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let item = self.at(rest);
                    rest = item.skip();
                    items.push(item.to_json());
                }
                Json::Arr(items)
            }
            OBJECT => {
                let (n, mut rest) = self.entries();
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let (key, value) = self.text_at(rest);
                    let value = self.at(value);
                    rest = value.skip();
                    entries.push((key.to_owned(), value.to_json()));
                }
                Json::Obj(entries)
            }
            _ => match self.scalar() {
                Some(Scalar::Bool(b)) => Json::Bool(b),
                Some(Scalar::Num(n)) => Json::Num(n),
                Some(Scalar::Str(s)) => Json::Str(s.to_owned()),
                Some(Scalar::Null) | None => Json::Null,
            },
        }
    }
}

impl<'a> Node<'a> {
    /// The value at `key`, if this is an object that has it.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::Tree(json) => json.get(key).map(Node::Tree),
            Node::Compact(view) => view.get(key).map(Node::Compact),
        }
    }

    /// The value at a dotted path of object keys (`properties.path`).
    pub fn at(self, path: &str) -> Option<Node<'a>> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// What this value is, if not an object or an array.
    pub fn scalar(self) -> Option<Scalar<'a>> {
        match self {
            Node::Tree(Json::Null) => Some(Scalar::Null),
            Node::Tree(Json::Bool(b)) => Some(Scalar::Bool(*b)),
            Node::Tree(Json::Num(n)) => Some(Scalar::Num(*n)),
            Node::Tree(Json::Str(s)) => Some(Scalar::Str(s)),
            Node::Tree(_) => None,
            Node::Compact(view) => view.scalar(),
        }
    }

    /// The text this value is, if it is one.
    pub fn str(self) -> Option<&'a str> {
        match self.scalar() {
            Some(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether this value is an object.
    pub fn is_object(self) -> bool {
        match self {
            Node::Tree(json) => matches!(json, Json::Obj(_)),
            Node::Compact(view) => view.tag() == OBJECT,
        }
    }

    /// This value as a JSON tree.
    pub fn to_json(self) -> Cow<'a, Json> {
        match self {
            Node::Tree(json) => Cow::Borrowed(json),
            Node::Compact(view) => Cow::Owned(view.to_json()),
        }
    }
}

impl EventSource for Node<'_> {
    fn field(&self, path: &[&str], max: usize) -> Field<'_> {
        let view = match self {
            Node::Tree(json) => return json.field(path, max),
            Node::Compact(view) => *view,
        };
        let node = path.iter().try_fold(view, |node, key| node.get(key));
        let Some(node) = node else {
            return Field::Absent;
        };
        match node.scalar() {
            None if node.tag() == ARRAY => Field::Other("an array"),
            None => Field::Other("an object"),
            Some(Scalar::Null) => Field::Absent,
            Some(Scalar::Bool(b)) => Field::Bool(b),
            Some(Scalar::Num(n)) => Field::Num(n),
            Some(Scalar::Str(s)) if s.len() > max => Field::TooLong(s.len()),
            Some(Scalar::Str(s)) => Field::Str(Cow::Borrowed(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_as_they_were_written() {
        let lines = [
            r#"[{"type":"page","timestamp":1784552400000,"properties":{"path":"/pricing","n":-3,"x":0.1,"z":-0.0,"big":1e300},"messageId":"m-1"}]"#,
            r#"[{"type":"identify","traits":{"title":"VP","company":{"employees":450,"tags":["a",null,true,false,[]]},"empty":{}},"timestamp":"2026-11-03T10:22:31.000Z"},{"type":"track","event":"Demo Requested"}]"#,
            r#"[]"#,
            r#"[{"type":"page","properties":{"path":"/pricing","title":"ünïcödé ✓"},"long":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]"#,
        ];
        let mut packer = Packer::default();
        let packed: Vec<(Vec<Json>, Box<[u8]>)> = lines
            .iter()
            .map(|l| {
                let Json::Arr(events) = Json::parse(l).unwrap() else {
                    panic!()
                };
                let bytes = packer.pack(&events);
                (events, bytes)
            })
            .collect();
        let held = packer.finish();
        for (events, bytes) in packed {
            let compact = held(bytes);
            let back = compact.to_json();
            assert_eq!(back, events);
            // -0 keeps its sign.
            for (a, b) in back.iter().zip(&events) {
                assert_eq!(a.to_compact(), b.to_compact());
            }
        }
    }

    #[test]
    fn a_compact_event_reads_as_its_tree_does() {
        let text = r#"{"type":"page","properties":{"path":"/pricing","list":[1],"obj":{},"none":null},"traits":{"company":{"employees":12.5}},"context":{"page":{"path":"/x"}}}"#;
        let tree = Json::parse(text).unwrap();
        let mut packer = Packer::default();
        let bytes = packer.pack(std::slice::from_ref(&tree));
        let events = packer.finish()(bytes);
        let view = events.events().next().unwrap();
        let compact = Node::Compact(view);
        let paths: [&[&str]; 9] = [
            &["type"],
            &["properties", "path"],
            &["properties", "list"],
            &["properties", "obj"],
            &["properties", "none"],
            &["properties", "missing"],
            &["traits", "company", "employees"],
            &["context", "page", "path"],
            &["type", "deeper"],
        ];
        for path in paths {
            for max in [0, 3, 100] {
                assert_eq!(
                    compact.field(path, max),
                    tree.field(path, max),
                    "{path:?} {max}"
                );
            }
        }
        assert_eq!(
            compact.at("properties.path").and_then(Node::str),
            Some("/pricing")
        );
        assert!(compact.get("traits").is_some_and(Node::is_object));
        assert!(!compact.at("properties.list").is_some_and(Node::is_object));
    }

    #[test]
    fn values_mostly_new_are_written_where_they_occur() {
        let mut packer = Packer::default();
        let events: Vec<Vec<Json>> = (0..1000)
            .map(|k| {
                vec![Json::object(vec![
                    ("messageId", Json::Str(format!("m-{k}"))),
                    ("type", Json::str(if k % 2 == 0 { "page" } else { "track" })),
                ])]
            })
            .collect();
        let packed: Vec<Box<[u8]>> = events.iter().map(|e| packer.pack(e)).collect();
        // The keys, the two types and the first ids, until the ids were judged mostly new.
        let judged = VALUES_JUDGED_AFTER as usize;
        assert_eq!(packer.strings.texts.len(), 2 + 2 + judged);
        assert!(packed[judged + 1].len() > packed[1].len());
        let held = packer.finish();
        for (events, bytes) in events.iter().zip(packed) {
            assert_eq!(&held(bytes).to_json(), events);
        }
    }
}
