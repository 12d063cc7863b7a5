//! A column's values over the leads as proposing reads them: each distinct value held once, with
//! the rows that have it. A million rows of an export hold a few thousand distinct values in a
//! column; each is trimmed, folded and parsed once, not once per row, and no row's text is
//! copied.

use crate::format::number::{parse as parse_number, Shown};
use crate::learn::compact::Scalar;
use std::borrow::Cow;
use std::collections::HashMap;

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cells<'a> {
    /// Each distinct value as text (a number as it prints), in the order the rows first give it.
    pub texts: Vec<Cow<'a, str>>,
    /// Each distinct value as a number, where it is one (a number, or text that reads as one).
    pub numbers: Vec<Option<f64>>,
    /// Each row's value: 0 when it has none, `k` for value `k - 1`.
    pub rows: Vec<u32>,
}

/// A value as it is told apart from others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Str(&'a str),
    Num(u64),
    Bool(bool),
}

impl<'a> Cells<'a> {
    /// The cells of `values`, one per row (`None`, or a value that is not text, a number or a
    /// boolean: no value).
    pub fn read(values: impl Iterator<Item = Option<Scalar<'a>>>) -> Cells<'a> {
        let mut codes: HashMap<Key<'a>, u32> = HashMap::new();
        let mut cells = Cells {
            texts: Vec::new(),
            numbers: Vec::new(),
            rows: Vec::new(),
        };
        for value in values {
            let key = match value {
                Some(Scalar::Str(s)) => Key::Str(s),
                Some(Scalar::Num(n)) => Key::Num(n.to_bits()),
                Some(Scalar::Bool(b)) => Key::Bool(b),
                _ => {
                    cells.rows.push(0);
                    continue;
                }
            };
            let next = cells.texts.len() as u32 + 1;
            let code = *codes.entry(key).or_insert(next);
            if code == next {
                let (text, number) = match key {
                    Key::Str(s) => (Cow::Borrowed(s), parse_number(s)),
                    Key::Num(bits) => {
                        let n = f64::from_bits(bits);
                        (Cow::Owned(Shown(n).to_string()), Some(n))
                    }
                    Key::Bool(b) => (Cow::Owned(b.to_string()), None),
                };
                cells.texts.push(text);
                cells.numbers.push(number);
            }
            cells.rows.push(code);
        }
        cells
    }

    /// How many rows hold each value, and how many of them converted: index 0 is the rows
    /// without one, `k` value `k - 1`.
    pub fn tally(&self, outcomes: &[bool]) -> Vec<(usize, usize)> {
        let mut out = vec![(0, 0); self.texts.len() + 1];
        for (code, won) in self.rows.iter().zip(outcomes) {
            let t = &mut out[*code as usize];
            t.0 += 1;
            t.1 += usize::from(*won);
        }
        out
    }

    /// Each row's value as a number, if it is one.
    pub fn row_numbers(&self) -> Vec<Option<f64>> {
        self.rows
            .iter()
            .map(|c| match *c {
                0 => None,
                c => self.numbers[c as usize - 1],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json::Json;
    use crate::learn::compact::Node;

    #[test]
    fn each_value_once_with_its_rows() {
        let values = [
            Json::str("Google"),
            Json::Num(2.5),
            Json::str("Google"),
            Json::Null,
            Json::Bool(true),
            Json::str("7"),
            Json::Num(2.5),
        ];
        let mut all: Vec<Option<Scalar>> = values.iter().map(|v| Node::Tree(v).scalar()).collect();
        all.push(None);
        let cells = Cells::read(all.into_iter());
        assert_eq!(cells.texts, ["Google", "2.5", "true", "7"]);
        assert_eq!(cells.numbers, [None, Some(2.5), None, Some(7.0)]);
        assert_eq!(cells.rows, [1, 2, 1, 0, 3, 4, 2, 0]);
        let won = [true, false, false, true, true, false, true, false];
        assert_eq!(cells.tally(&won), [(2, 1), (2, 1), (2, 1), (1, 1), (1, 0)]);
        assert_eq!(
            cells.row_numbers(),
            [
                None,
                Some(2.5),
                None,
                None,
                None,
                Some(7.0),
                Some(2.5),
                None
            ]
        );
    }
}
