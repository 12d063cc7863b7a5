//! Reading and writing numbers without the standard library's float tables, which would
//! triple the size of the WebAssembly module: numbers here are trait values and points,
//! written by people, so a short exact path is enough.

use std::fmt;

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads decimal text (`250`, `-1.5`, `1e3`, ` 42 `) as a number, exactly rounded.
///
/// Accepts at most 15 significant digits and a value within `1e±22` of them (every number a
/// person types as a company size or a revenue); anything else is not read as a number.
pub fn parse(text: &str) -> Option<f64> {
    let b = text.trim().as_bytes();
    let (negative, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let (mut mantissa, mut digits, mut scale, mut seen) = (0u64, 0u32, 0i32, false);
    let mut point = false;
    while i < b.len() {
        match b[i] {
            d @ b'0'..=b'9' => {
                seen = true;
                if mantissa > 0 || d != b'0' {
                    digits += 1;
                    if digits > 15 {
                        return None;
                    }
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                }
                if point {
                    scale -= 1;
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let rest = std::str::from_utf8(&b[i + 1..]).ok()?;
        let exp: i32 = rest.parse().ok()?;
        scale = scale.checked_add(exp)?;
        i = b.len();
    }
    if i != b.len() {
        return None;
    }
    let m = mantissa as f64;
    let value = match scale {
        0 => m,
        1..=22 => m * POW10[scale as usize],
        -22..=-1 => m / POW10[(-scale) as usize],
        _ if mantissa == 0 => 0.0,
        _ => return None,
    };
    Some(if negative { -value } else { value })
}

/// Displays a number as people write it: `30`, `-2.5`, `0.125` (at most six decimals).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown(pub f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x < 0.0 {
            f.write_str("-")?;
        }
        let a = x.abs();
        if a.is_infinite() {
            return f.write_str("Infinity");
        }
        let scaled = (a * 1e6).round() as u128;
        let (int, frac) = (scaled / 1_000_000, scaled % 1_000_000);
        write!(f, "{int}")?;
        if frac > 0 {
            let frac = format!("{frac:06}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_people_type() {
        let cases = [
            ("250", Some(250.0)),
            (" -1.5 ", Some(-1.5)),
            ("+3", Some(3.0)),
            ("0.1", Some(0.1)),
            ("1e3", Some(1000.0)),
            ("2.5E-2", Some(0.025)),
            ("007", Some(7.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("123456789012345", Some(123456789012345.0)),
            ("1234567890123456", None),
            ("", None),
            ("-", None),
            ("1,000", None),
            ("12abc", None),
            ("1e400", None),
            ("NaN", None),
            ("inf", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), expected, "{text:?}");
        }
        for text in ["0.3", "29.99", "1.7976", "99.95", "123.456"] {
            assert_eq!(
                parse(text),
                text.parse::<f64>().ok(),
                "{text}: exactly rounded"
            );
        }
    }

    #[test]
    fn writes_numbers_as_people_do() {
        let cases = [
            (30.0, "30"),
            (-2.5, "-2.5"),
            (0.125, "0.125"),
            (29.99, "29.99"),
            (0.1 + 0.2, "0.3"),
            (3650.0, "3650"),
            (1e15, "1000000000000000"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, text) in cases {
            assert_eq!(Shown(x).to_string(), text);
        }
    }
}
