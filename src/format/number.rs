//! Numbers as people type and read them: trait values and CSV cells given as text are read
//! exactly (the standard library's parser), and points in sentences are shown rounded.

use std::fmt;

/// Reads decimal text (`250`, `-1.5`, `1e3`, ` 42 `) as a number, exactly rounded.
///
/// Text that is not a finite decimal number (`1,000`, `12abc`, `inf`, `NaN`, `1e400`) is not a
/// number.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !plain || text.is_empty() {
        return None;
    }
    super::host::decimal(text).filter(|n| n.is_finite())
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
        // The whole part and the decimals apart: scaling the number by a million first lost
        // its last digits above 2^53 / 10^6 (an epoch-ms time 1793610008242 came out as
        // 1793610008241.999872). `a - whole` is exact.
        let whole = a.trunc();
        if whole >= TWO_TO_64 {
            return f.write_str(&whole_digits(a));
        }
        let mut frac = ((a - whole) * 1e6).round() as u64;
        let mut int = whole as u64;
        if frac == 1_000_000 {
            int += 1;
            frac = 0;
        }
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

/// The first whole number a `u64` cannot hold.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;

/// A whole number too large for a `u64` as its shortest digits and the zeros after them
/// (`1e+21` as `1000000000000000000000`), alike in every host: the host writes the digits
/// (JavaScript's `String` in WebAssembly, which turns to exponents at 1e21), so the module
/// carries neither float formatting nor 128-bit division.
fn whole_digits(a: f64) -> String {
    whole_digits_of(&super::host::number_text(a))
}

/// [`whole_digits`] of the host's text (digits, perhaps a point, perhaps an exponent), read
/// byte by byte: the standard library's pattern searchers and integer parser cost the module
/// more than this loop.
fn whole_digits_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut fraction, mut exponent) = (0usize, 0usize);
    let (mut after_point, mut in_exponent) = (false, false);
    for b in text.bytes() {
        match b {
            b'0'..=b'9' if in_exponent => {
                exponent = (exponent * 10 + usize::from(b - b'0')).min(400);
            }
            b'0'..=b'9' => {
                out.push(char::from(b));
                fraction += usize::from(after_point);
            }
            b'.' => after_point = true,
            b'e' | b'E' => in_exponent = true,
            _ => {}
        }
    }
    for _ in fraction..exponent {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_show_every_digit() {
        // Times in epoch milliseconds around today, a year on and a year back; counts.
        for start in [
            1_762_074_000_000.0,
            1_793_610_008_000.0,
            1_828_080_033_000.0,
        ] {
            for i in 0..5_000 {
                let n: f64 = start + f64::from(i);
                assert_eq!(Shown(n).to_string(), format!("{}", n as u64), "{n}");
            }
        }
        for n in [0.0, 7.0, 9_007_199_254_740_991.0, 1e18] {
            assert_eq!(Shown(n).to_string().parse::<f64>().unwrap(), n);
        }
        // Beyond a u64: the shortest digits and zeros, as the host writes them without
        // exponents (JavaScript writes 1e+21 and 1.5e+300; the module turns them into these).
        for n in [
            TWO_TO_64,
            1e20,
            1e21,
            1.5e300,
            f64::MAX,
            123_456_789_012_345_680_000_000.0,
        ] {
            let shown = Shown(n).to_string();
            assert!(shown.bytes().all(|b| b.is_ascii_digit()), "{shown}");
            assert_eq!(shown.parse::<f64>().unwrap(), n, "{shown}");
            assert_eq!(shown, format!("{n}"));
        }
        assert_eq!(Shown(-1e21).to_string(), "-1000000000000000000000");
        assert_eq!(super::whole_digits_of("1.5e+300").len(), 301);
        assert_eq!(
            super::whole_digits_of("1e+21"),
            format!("1{}", "0".repeat(21))
        );
        assert_eq!(
            super::whole_digits_of("18446744073709552000"),
            "18446744073709552000"
        );
        assert_eq!(Shown(2.5).to_string(), "2.5");
        assert_eq!(Shown(0.9999997).to_string(), "1");
        assert_eq!(Shown(-1.125).to_string(), "-1.125");
        assert_eq!(Shown(1_793_610_008_242.5).to_string(), "1793610008242.5");
    }

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
            ("infinity", None),
            ("1e-300", Some(1e-300)),
            ("4.9e-324", Some(5e-324)),
            ("2.2250738585072011e-308", Some(2.225_073_858_507_201e-308)),
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
