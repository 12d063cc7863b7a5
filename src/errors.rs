//! Every error the engine reports, one enum per domain, each naming the field at fault.

use std::fmt;

/// One problem found in a scoring model, at a path such as `engagement.rules[2].halfLifeDays`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Where the problem is, in the model document (`fit.rules[0].when.glob`).
    pub path: String,
    /// What is wrong there, in words a marketer can act on.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A model that cannot be compiled, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// All problems, in document order; never empty.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "invalid scoring model ({n} problem{})", plural(n))?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelError {}

/// An event that cannot be scored; the session is left exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// The offending field of the event (`timestamp`, `properties.path`, `type`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl EventError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        EventError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "event: {}", self.message)
        } else {
            write!(f, "event.{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for EventError {}

/// A saved session that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreError {
    /// The saved string is empty.
    Empty,
    /// The saved string is longer than any session this engine writes.
    TooLong {
        /// Its length in characters.
        length: usize,
        /// The longest a saved session may be.
        max: usize,
    },
    /// A character outside the URL-safe base64 alphabet, at this position.
    NotBase64(usize),
    /// Written by a format this engine does not know.
    UnknownFormat {
        /// The format it names.
        found: u8,
        /// The format this engine reads.
        reads: u8,
    },
    /// The string ends, or holds a bad value, inside this part of the session.
    Corrupt(&'static str),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RestoreError::Empty => f.write_str("saved: is empty"),
            RestoreError::TooLong { length, max } => write!(
                f,
                "saved: is {length} characters, longer than any saved session ({max} at most)"
            ),
            RestoreError::NotBase64(at) => {
                write!(f, "saved: character {at} is not URL-safe base64")
            }
            RestoreError::UnknownFormat { found, reads } => write!(
                f,
                "saved: format version {found} is not one this engine reads (it reads {reads})"
            ),
            RestoreError::Corrupt(part) => write!(f, "saved: {part} is corrupt or truncated"),
        }
    }
}

impl std::error::Error for RestoreError {}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
