//! The text formats the engine reads and writes: JSON documents, numbers and times as people
//! type them, the values of traits and properties, and short fingerprints of text.

pub mod fingerprint;
pub mod host;
pub mod json;
pub mod number;
pub mod search;
pub mod time;
pub mod value;
pub mod varint;
