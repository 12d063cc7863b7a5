//! Events as JSON Lines (a log replay, an edge request body): each line parsed by serde_json
//! straight into the fields the model reads, with strings borrowed from the text where they
//! hold no escapes and every other field skipped unread.

use crate::errors::EventError;
use crate::model::Model;
use crate::session::event::{Event, EventSource, Field};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The model's plan of event fields as a tree of keys: a line is read by walking it.
#[derive(Debug, Clone, Default)]
pub struct LinePlan {
    root: Node,
    /// How many fields the plan has.
    len: usize,
}

#[derive(Debug, Clone, Default)]
struct Node {
    /// The plan slot of the field that ends here, if one does.
    slot: Option<usize>,
    children: Vec<(String, Node)>,
}

impl Node {
    fn child(&self, key: &str) -> Option<&Node> {
        self.children.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }
}

impl LinePlan {
    /// The plan of `model` ([`Event::plan`]) as a tree.
    pub fn new(model: &Model) -> LinePlan {
        let plan = Event::plan(model);
        let mut root = Node::default();
        for (slot, planned) in plan.iter().enumerate() {
            if planned.keys.is_empty() {
                continue;
            }
            let mut node = &mut root;
            for key in &planned.keys {
                let at = match node.children.iter().position(|(k, _)| k == key) {
                    Some(i) => i,
                    None => {
                        node.children.push((key.clone(), Node::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[at].1;
            }
            node.slot = Some(slot);
        }
        LinePlan {
            root,
            len: plan.len(),
        }
    }

    /// Reads one line of JSON into an event for `model` (the model of this plan).
    pub fn read(&self, line: &str, model: &Model) -> Result<Event, EventError> {
        let mut fields = vec![Raw::Absent; self.len];
        let mut de = serde_json::Deserializer::from_str(line);
        let read = Seed {
            node: &self.root,
            out: &mut fields,
            top: true,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        if let Err(e) = read {
            return Err(EventError::new("", format!("not valid JSON: {e}")));
        }
        if matches!(fields.first(), Some(Raw::NotAnObject)) {
            return Err(EventError::new("", "must be an object (a Segment event)"));
        }
        Event::read(&Fields { fields: &fields }, model)
    }
}

/// A field of a line as read: text borrowed from the line unless it held escapes.
#[derive(Debug, Clone)]
enum Raw<'a> {
    Absent,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    Other(&'static str),
    /// Only in slot 0, for a line that is not an object.
    NotAnObject,
}

struct Fields<'a, 'b> {
    fields: &'b [Raw<'a>],
}

impl EventSource for Fields<'_, '_> {
    fn field(&self, _path: &[&str], _max: usize) -> Field<'_> {
        // Every read is planned (a property test holds `Event::read` to its plan).
        Field::Absent
    }

    fn planned(&self, slot: usize, _path: &[&str], max: usize) -> Field<'_> {
        match self.fields.get(slot) {
            Some(Raw::Bool(b)) => Field::Bool(*b),
            Some(Raw::Num(n)) => Field::Num(*n),
            Some(Raw::Str(s)) if s.len() > max => Field::TooLong(s.len()),
            Some(Raw::Str(s)) => Field::Str(std::borrow::Cow::Borrowed(s)),
            Some(Raw::Other(what)) => Field::Other(what),
            _ => Field::Absent,
        }
    }

    fn by_slot(&self) -> bool {
        true
    }
}

/// Reads a value at `node` of the plan into `out`.
struct Seed<'p, 'o, 'a> {
    node: &'p Node,
    out: &'o mut [Raw<'a>],
    top: bool,
}

impl<'de, 'p, 'o> DeserializeSeed<'de> for Seed<'p, 'o, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'p, 'o> Seed<'p, 'o, 'de> {
    fn set(&mut self, raw: Raw<'de>) {
        if self.top {
            if let Some(first) = self.out.first_mut() {
                *first = Raw::NotAnObject;
            }
        } else if let Some(slot) = self.node.slot {
            self.out[slot] = raw;
        }
    }
}

impl<'de, 'p, 'o> Visitor<'de> for Seed<'p, 'o, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(mut self, v: bool) -> Result<(), E> {
        self.set(Raw::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(mut self, v: i64) -> Result<(), E> {
        self.set(Raw::Num(v as f64));
        Ok(())
    }

    fn visit_u64<E>(mut self, v: u64) -> Result<(), E> {
        self.set(Raw::Num(v as f64));
        Ok(())
    }

    fn visit_f64<E>(mut self, v: f64) -> Result<(), E> {
        self.set(Raw::Num(v));
        Ok(())
    }

    fn visit_borrowed_str<E>(mut self, v: &'de str) -> Result<(), E> {
        self.set(Raw::Str(Cow::Borrowed(v)));
        Ok(())
    }

    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.set(Raw::Str(Cow::Owned(v.to_owned())));
        Ok(())
    }

    fn visit_unit<E>(mut self) -> Result<(), E> {
        self.set(Raw::Absent);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.set(Raw::Other("an array"));
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if !self.top {
            self.set(Raw::Other("an object"));
        }
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match self.node.child(&key) {
                Some(node) => map.next_value_seed(Seed {
                    node,
                    out: self.out,
                    top: false,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An object key, borrowed from the line unless it held escapes (serde's own `Cow` always
/// copies).
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The lines of `text` that hold an event, with their line numbers (from 0): blank lines are
/// skipped, a carriage return before the newline is dropped.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| (i, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty())
}
