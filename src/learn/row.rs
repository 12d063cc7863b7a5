//! A CSV row held compactly: a code per cell, each column's values held once in the export's
//! table. A JSON tree per row took about 2 KB (a million rows, gigabytes); a row here takes a
//! few bytes per cell. It reads as the Segment events its cells stand for (an `identify` with
//! the row's traits, a page view or track event per count) without building them, and
//! [`Row::to_json`] builds them where a reader wants the tree.

use crate::format::json::Json;
use crate::session::event::{EventSource, Field};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// What the columns of an export hold, shared by its rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    /// Trait columns, in the mapping's order.
    traits: Vec<TraitColumn>,
    /// Count columns, in the mapping's order.
    counts: Vec<CountedColumn>,
    /// The trait columns by [`keys_hash`] of their path (an event's field is found in one step,
    /// not by comparing every column's path), and by that of each path that holds theirs.
    by_path: HashMap<u64, Vec<usize>>,
    by_holder: HashMap<u64, Vec<usize>>,
}

/// A hash of a path's keys (FNV-1a, each key ended by a byte no UTF-8 text holds).
fn keys_hash<'a>(keys: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for key in keys {
        for b in key.bytes().chain([0xff]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

#[derive(Debug, Clone, PartialEq)]
struct TraitColumn {
    /// The trait's dotted path.
    path: String,
    /// The path's keys.
    keys: Vec<String>,
    /// Each value the column holds, once; a cell's code is its place here plus one (0: empty).
    levels: Vec<Json>,
}

/// What a count column's events are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Counted {
    /// Views of this page path.
    Page(String),
    /// Track events of this name.
    Track(String),
}

#[derive(Debug, Clone, PartialEq)]
struct CountedColumn {
    /// The column's name (in each event's `messageId`).
    name: String,
    counted: Counted,
}

impl Table {
    /// A table of trait columns (by trait path; none may hold another, which the mapping's
    /// check makes sure of) and count columns (by column name).
    pub(crate) fn new(traits: &[&str], counts: Vec<(String, Counted)>) -> Table {
        let mut by_path: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut by_holder: HashMap<u64, Vec<usize>> = HashMap::new();
        for (c, path) in traits.iter().enumerate() {
            let keys: Vec<&str> = path.split('.').collect();
            by_path
                .entry(keys_hash(keys.iter().copied()))
                .or_default()
                .push(c);
            for end in 0..keys.len() {
                let holder = keys_hash(keys[..end].iter().copied());
                by_holder.entry(holder).or_default().push(c);
            }
        }
        Table {
            traits: traits
                .iter()
                .map(|path| TraitColumn {
                    path: (*path).to_owned(),
                    keys: path.split('.').map(str::to_owned).collect(),
                    levels: Vec::new(),
                })
                .collect(),
            counts: counts
                .into_iter()
                .map(|(name, counted)| CountedColumn { name, counted })
                .collect(),
            by_path,
            by_holder,
        }
    }

    /// Adds a value to trait column `column`, returning its code (codes start at 1).
    pub(crate) fn add_level(&mut self, column: usize, value: Json) -> u32 {
        let levels = &mut self.traits[column].levels;
        levels.push(value);
        u32::try_from(levels.len()).expect("fewer than 2^32 values in a column")
    }
}

/// A row of an export: its traits' codes, then its counts, with the time of its events.
#[derive(Clone, PartialEq)]
pub struct Row {
    table: Arc<Table>,
    /// When its events happened (epoch ms).
    when: f64,
    cells: Box<[u32]>,
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Row")
            .field("when", &self.when)
            .field("cells", &self.cells)
            .finish()
    }
}

impl Row {
    /// A row of `table`: a code per trait column, then a count per count column.
    pub(crate) fn new(table: Arc<Table>, when: f64, cells: Vec<u32>) -> Row {
        debug_assert_eq!(cells.len(), table.traits.len() + table.counts.len());
        Row {
            table,
            when,
            cells: cells.into_boxed_slice(),
        }
    }

    fn has_traits(&self) -> bool {
        self.cells[..self.table.traits.len()]
            .iter()
            .any(|c| *c != 0)
    }

    /// The value of trait column `column`, if its cell is not empty.
    fn level(&self, column: usize) -> Option<&Json> {
        let code = self.cells[column] as usize;
        (code > 0).then(|| &self.table.traits[column].levels[code - 1])
    }

    /// The trait value at dotted `path`, if the row has one there.
    pub(crate) fn trait_at(&self, path: &str) -> Option<&Json> {
        let table = &self.table;
        let column = table
            .by_path
            .get(&keys_hash(path.split('.')))?
            .iter()
            .find(|c| table.traits[**c].path == path)?;
        self.level(*column)
    }

    /// How many events the row's count columns hold of `counted`.
    pub(crate) fn count_of(&self, counted: &Counted) -> usize {
        let first = self.table.traits.len();
        self.table
            .counts
            .iter()
            .zip(&self.cells[first..])
            .filter(|(c, _)| c.counted == *counted)
            .map(|(_, n)| *n as usize)
            .sum()
    }

    /// The events the row stands for, in the order [`Row::to_json`] lists them; `id` is the
    /// lead's (in each count event's `messageId`).
    pub(crate) fn events<'a>(&'a self, id: &'a str) -> impl Iterator<Item = RowEvent<'a>> + 'a {
        let first = self.table.traits.len();
        let identify = self.has_traits().then_some(RowEvent::Identify(self));
        let counts = self
            .table
            .counts
            .iter()
            .enumerate()
            .flat_map(move |(c, _)| {
                (0..self.cells[first + c]).map(move |k| RowEvent::Count {
                    row: self,
                    column: c,
                    k,
                    id,
                })
            });
        identify.into_iter().chain(counts)
    }

    /// The events the row stands for, as JSON trees (as a CSV export was read before rows
    /// were held compactly).
    pub fn to_json(&self, id: &str) -> Vec<Json> {
        let mut events = Vec::new();
        if self.has_traits() {
            let mut traits: Vec<(String, Json)> = Vec::new();
            for (c, column) in self.table.traits.iter().enumerate() {
                let Some(value) = self.level(c) else {
                    continue;
                };
                let mut node = &mut traits;
                let (last, inner) = column.keys.split_last().expect("a path has a key");
                for key in inner {
                    if !node.iter().any(|(k, _)| k == key) {
                        node.push((key.clone(), Json::Obj(Vec::new())));
                    }
                    let Some((_, Json::Obj(next))) = node.iter_mut().find(|(k, _)| k == key) else {
                        unreachable!("no trait path holds another");
                    };
                    node = next;
                }
                node.push((last.clone(), value.clone()));
            }
            events.push(Json::Obj(vec![
                ("type".into(), Json::Str("identify".into())),
                ("timestamp".into(), Json::Num(self.when)),
                ("traits".into(), Json::Obj(traits)),
            ]));
        }
        let first = self.table.traits.len();
        for (column, n) in self.table.counts.iter().zip(&self.cells[first..]) {
            let (kind, key, detail) = match &column.counted {
                Counted::Page(path) => (
                    "page",
                    "properties",
                    Json::Obj(vec![("path".into(), Json::Str(path.clone()))]),
                ),
                Counted::Track(name) => ("track", "event", Json::Str(name.clone())),
            };
            for k in 0..*n {
                events.push(Json::Obj(vec![
                    ("type".into(), Json::Str(kind.into())),
                    (
                        "messageId".into(),
                        Json::Str(message_id(id, &column.name, k)),
                    ),
                    ("timestamp".into(), Json::Num(self.when)),
                    (key.into(), detail.clone()),
                ]));
            }
        }
        events
    }
}

fn message_id(id: &str, column: &str, k: u32) -> String {
    format!("{id}-{column}-{k}")
}

/// One event a row stands for, read where the row holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowEvent<'a> {
    /// The `identify` with the row's traits.
    Identify(&'a Row),
    /// Event `k` of count column `column`.
    Count {
        row: &'a Row,
        column: usize,
        k: u32,
        id: &'a str,
    },
}

fn text(s: &str, max: usize) -> Field<'_> {
    if s.len() > max {
        Field::TooLong(s.len())
    } else {
        Field::Str(Cow::Borrowed(s))
    }
}

fn value(v: &Json, max: usize) -> Field<'_> {
    match v {
        Json::Null => Field::Absent,
        Json::Bool(b) => Field::Bool(*b),
        Json::Num(n) => Field::Num(*n),
        Json::Str(s) => text(s, max),
        other => Field::Other(other.type_name()),
    }
}

impl EventSource for RowEvent<'_> {
    fn field(&self, path: &[&str], max: usize) -> Field<'_> {
        match *self {
            RowEvent::Identify(row) => match path {
                ["type"] => text("identify", max),
                ["timestamp"] => Field::Num(row.when),
                ["traits"] => Field::Other("an object"),
                ["traits", keys @ ..] => {
                    let table = &row.table;
                    let h = keys_hash(keys.iter().copied());
                    for &c in table.by_path.get(&h).into_iter().flatten() {
                        if table.traits[c].keys == keys {
                            return row.level(c).map_or(Field::Absent, |v| value(v, max));
                        }
                    }
                    // A path that holds a trait given in this row is an object.
                    let holds_one = table.by_holder.get(&h).into_iter().flatten().any(|&c| {
                        let column = &table.traits[c].keys;
                        row.level(c).is_some()
                            && column.len() > keys.len()
                            && column.iter().zip(keys).all(|(a, b)| a == b)
                    });
                    if holds_one {
                        Field::Other("an object")
                    } else {
                        Field::Absent
                    }
                }
                _ => Field::Absent,
            },
            RowEvent::Count { row, column, k, id } => {
                let column = &row.table.counts[column];
                match (path, &column.counted) {
                    (["type"], Counted::Page(_)) => text("page", max),
                    (["type"], Counted::Track(_)) => text("track", max),
                    (["messageId"], _) => {
                        let id = message_id(id, &column.name, k);
                        if id.len() > max {
                            Field::TooLong(id.len())
                        } else {
                            Field::Str(Cow::Owned(id))
                        }
                    }
                    (["timestamp"], _) => Field::Num(row.when),
                    (["properties"], Counted::Page(_)) => Field::Other("an object"),
                    (["properties", "path"], Counted::Page(p)) => text(p, max),
                    (["event"], Counted::Track(name)) => text(name, max),
                    _ => Field::Absent,
                }
            }
        }
    }
}
