//! What a trait column holds, decided from its values when the mapping does not say: numbers
//! (every value given reads as one, and none is written like a code such as `02139`), yes/no
//! (two values), dates (which rules cannot bin: left out, and said), or text levels. Cells that
//! are empty or a placeholder ("Select", "n/a") are "not given" and decide nothing.

use crate::format::number::parse as parse_number;
use crate::format::time::parse_iso8601;

/// What a column's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers: binned into ranges.
    Number,
    /// Two values (yes/no, true/false, 0/1): a level each.
    YesNo,
    /// Dates: no rule reads them (a date belongs in `asOf` or `convertedAt`).
    Date,
    /// Text: a level per common value.
    Text,
}

impl Kind {
    /// As the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::YesNo => "yes/no",
            Kind::Date => "date",
            Kind::Text => "text",
        }
    }
}

/// What the values of one column say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The kind.
    pub kind: Kind,
    /// Cells with a value.
    pub given: usize,
    /// Cells holding a placeholder (read as not given).
    pub placeholders: usize,
}

/// The kind of a column from its values, each distinct value once with the rows holding it, in
/// the order the rows first give them; `placeholders` in lower case.
pub fn infer(values: &[(&str, usize)], placeholders: &[String]) -> Inferred {
    let mut given: Vec<&str> = Vec::new();
    let (mut rows, mut held) = (0, 0);
    for (v, n) in values {
        let v = v.trim();
        if v.is_empty() || *n == 0 {
            continue;
        }
        if placeholders.iter().any(|p| p.eq_ignore_ascii_case(v)) {
            held += n;
        } else {
            given.push(v);
            rows += n;
        }
    }
    let kind = kind_of(&given);
    Inferred {
        kind,
        given: rows,
        placeholders: held,
    }
}

fn kind_of(given: &[&str]) -> Kind {
    if given.is_empty() {
        return Kind::Text;
    }
    let mut distinct: Vec<&str> = Vec::new();
    let mut numbers = true;
    let mut dates = true;
    for v in given {
        if distinct.len() <= 2 && !distinct.iter().any(|d| d.eq_ignore_ascii_case(v)) {
            distinct.push(v);
        }
        numbers &= parse_number(v).is_some() && !looks_like_a_code(v);
        dates &= v.contains('-') && v.len() >= 10 && parse_iso8601(v).is_some();
    }
    if distinct.len() <= 2 {
        Kind::YesNo
    } else if dates {
        Kind::Date
    } else if numbers {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// A number written as a code keeps its text: a leading zero before another digit (a zip code
/// `02139`, an id `007`) or a leading `+` (a phone number).
fn looks_like_a_code(v: &str) -> bool {
    let b = v.as_bytes();
    b[0] == b'+' || (b.len() > 1 && b[0] == b'0' && b[1].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(cells: &[&str]) -> Kind {
        let values: Vec<(&str, usize)> = cells.iter().map(|c| (*c, 1)).collect();
        infer(&values, &["select".to_owned(), "n/a".to_owned()]).kind
    }

    #[test]
    fn numbers_codes_dates_and_two_values() {
        assert_eq!(kind(&["1", "2.5", "", "Select", "10", "0"]), Kind::Number);
        assert_eq!(
            kind(&["02139", "94105", "10001"]),
            Kind::Text,
            "zip codes keep their zeros"
        );
        assert_eq!(
            kind(&["+44 20 7946", "+1 555 0100", "+33 1 23"]),
            Kind::Text
        );
        assert_eq!(kind(&["Yes", "No", "yes", "N/A"]), Kind::YesNo);
        assert_eq!(kind(&["0", "1", "1"]), Kind::YesNo);
        assert_eq!(
            kind(&["2026-01-02", "2026-03-04T10:00:00Z", "2025-12-31"]),
            Kind::Date
        );
        assert_eq!(kind(&["Google", "Direct", "3"]), Kind::Text);
        assert_eq!(
            kind(&["", "Select"]),
            Kind::Text,
            "nothing given decides nothing"
        );
        let counted = infer(
            &[("Select", 2), ("4", 1), (" ", 3), ("7", 4), ("9", 1)],
            &["select".to_owned()],
        );
        assert_eq!(
            (counted.kind, counted.given, counted.placeholders),
            (Kind::Number, 6, 2)
        );
    }
}
