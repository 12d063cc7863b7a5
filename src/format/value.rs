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

    /// The value as lower-case text, as rules compare it: borrowed when it already is (no
    /// copy per test for the common case), ASCII folding when it is ASCII.
    pub fn to_lower_text(&self) -> Cow<'_, str> {
        self.lower_text(false)
    }

    /// [`Value::to_lower_text`], borrowing a string without looking at it when it is known to
    /// be `folded` already (see [`Value::folded`]).
    pub fn lower_text(&self, folded: bool) -> Cow<'_, str> {
        match self {
            Value::Str(s) if folded => Cow::Borrowed(s),
            Value::Str(s) if s.is_ascii() => {
                if s.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(s.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(s)
                }
            }
            Value::Str(s) => Cow::Owned(s.to_lowercase()),
            Value::Bool(true) => Cow::Borrowed("true"),
            Value::Bool(false) => Cow::Borrowed("false"),
            other => Cow::Owned(other.to_string()),
        }
    }
}

impl Value {
    /// The value with its text folded to lower case as rules compare it (numbers and booleans
    /// as they are). An event's fields are only ever compared, so they are folded once when
    /// read and every test after that borrows them.
    pub fn folded(self) -> Value {
        match self {
            Value::Str(mut s) if s.is_ascii() => {
                s.make_ascii_lowercase();
                Value::Str(s)
            }
            Value::Str(s) => Value::Str(s.to_lowercase()),
            other => other,
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
