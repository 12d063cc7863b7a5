//! The scalar values that traits and event properties hold.

use std::borrow::Cow;
use std::fmt;

/// A trait or property value. Objects and arrays are not scored, so they never become one.
/// It crosses to programs as the plain JSON value (`"VP Sales"`, `450`, `true`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A string (compared case-insensitively by rules).
    Str(String),
    /// A finite number.
    Num(f64),
    /// A boolean.
    Bool(bool),
}

impl Value {
    /// The number this value stands for: a number, or a string that reads as one (`"250"`).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => crate::format::number::parse(s),
            Value::Bool(_) => None,
        }
    }

    /// The text rules compare of a value whose text is folded already ([`Value::folded`]): a
    /// string as it is, a number or boolean as its text.
    pub fn folded_text(&self) -> Cow<'_, str> {
        match self {
            Value::Str(s) => Cow::Borrowed(s),
            Value::Bool(true) => Cow::Borrowed("true"),
            Value::Bool(false) => Cow::Borrowed("false"),
            other => Cow::Owned(other.to_string()),
        }
    }

    /// The value with its text folded to lower case as rules compare it (numbers and booleans
    /// as they are): an event's fields when read, a session's traits once per change, so that
    /// every test after that borrows them.
    pub fn folded(mut self) -> Value {
        self.fold();
        self
    }

    /// [`Value::folded`] in place.
    pub fn fold(&mut self) {
        if let Value::Str(s) = self {
            if s.is_ascii() {
                s.make_ascii_lowercase();
            } else {
                *s = crate::format::host::lowercase(s);
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Num(n) => write!(f, "{}", crate::format::number::Shown(*n)),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}
