//! Reading and writing numbers without the standard library's float tables, which would
//! triple the size of the WebAssembly module: numbers here are trait values and points,
//! written by people, so a short exact path is enough.

use std::fmt;

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads decimal text (`250`, `-1.5`, `1e3`, ` 42 `) as a number.
///
/// Exactly rounded for up to 15 significant digits within `1e±22` (every number a person types
/// as a company size or a revenue); beyond that within a few units in the last place (digits
/// after the 19th are dropped). Text that is not a finite decimal number is not a number.
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
                }
                if digits > 19 {
                    // Beyond u64's reach: the digit only moves the decimal point.
                    if !point {
                        scale += 1;
                    }
                } else {
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                    if point {
                        scale -= 1;
                    }
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
    let exact = mantissa < 1 << 53;
    let value = match scale {
        _ if mantissa == 0 => 0.0,
        0 => m,
        1..=22 if exact => m * POW10[scale as usize],
        -22..=-1 if exact => m / POW10[(-scale) as usize],
        -400..=400 if scale < 0 => m / 10f64.powi(-scale),
        -400..=400 => m * 10f64.powi(scale),
        _ => return None,
    };
    value
        .is_finite()
        .then_some(if negative { -value } else { value })
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
        // Digits are written by hand: this runs for every number of every result.
        let mut buf = [0u8; 48];
        let mut at = buf.len();
        let scaled = (a * 1e6).round();
        let (mut int, mut frac) = if scaled < 1.8e19 {
            let s = scaled as u64;
            (u128::from(s / 1_000_000), s % 1_000_000)
        } else {
            (a.round() as u128, 0)
        };
        let mut decimals = 6;
        while decimals > 0 && frac % 10 == 0 {
            frac /= 10;
            decimals -= 1;
        }
        if decimals > 0 {
            for _ in 0..decimals {
                at -= 1;
                buf[at] = b'0' + (frac % 10) as u8;
                frac /= 10;
            }
            at -= 1;
            buf[at] = b'.';
        }
        loop {
            at -= 1;
            buf[at] = b'0' + (int % 10) as u8;
            int /= 10;
            if int == 0 {
                break;
            }
        }
        f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or_default())
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
            ("1234567890123456", Some(1234567890123456.0)),
            ("0.30000000000000004", Some(0.30000000000000004)),
            ("33.333333333333336", Some(33.333333333333336)),
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
