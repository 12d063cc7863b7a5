//! Results as JSON text: one string crosses into JavaScript and `JSON.parse` builds the object,
//! which is several times cheaper than setting its properties one call at a time.

use crate::format::number::Shown;
use crate::model::bots::FilterReason;
use crate::score::scorecard::{Half, Scorecard};
use crate::score::scorer::Rejected;

/// Writes JSON values into a string.
pub struct JsonWriter(pub String);

impl JsonWriter {
    /// A JSON string literal.
    pub fn string(&mut self, s: &str) {
        self.0.push('"');
        // Copy runs of plain bytes at once; only quotes, backslashes and controls need escapes.
        // (Slices by `get`: an ASCII byte's place is always a character boundary, and a slice
        // that could fail would bring the panic's formatting of characters into the module.)
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                0..=0x1f => "",
                _ => continue,
            };
            self.0.push_str(s.get(start..i).unwrap_or_default());
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.0.push_str("\\u00");
                self.0.push(char::from(HEX[usize::from(b >> 4)]));
                self.0.push(char::from(HEX[usize::from(b & 15)]));
            } else {
                self.0.push_str(escape);
            }
            start = i + 1;
        }
        self.0.push_str(s.get(start..).unwrap_or_default());
        self.0.push('"');
    }

    /// A number, written exactly: it reads back as the same `f64` (`null` when not finite, as
    /// `JSON.stringify` writes it). Whole numbers take a short path of their own.
    pub fn number(&mut self, n: f64) {
        if !n.is_finite() {
            self.0.push_str("null");
        } else if n.fract() == 0.0 && n.abs() < 1e15 {
            self.0.push_str(&Shown(n).to_string());
        } else if !self.short_decimal(n) {
            self.0.push_str(&crate::format::host::number_text(n));
        }
    }

    /// Writes `n` as the decimal with the fewest places (up to 17) whose digits fit in 53 bits
    /// and which reads back as `n`: points, scores and most probabilities. Both reading that
    /// decimal and dividing its digits by the power of ten are correctly rounded, so the check
    /// `k / 10^places == n` makes it exact. Returns false (nothing written) for the rest.
    fn short_decimal(&mut self, n: f64) -> bool {
        let mut scale = 1.0;
        for places in 0..=17 {
            let k = (n * scale).round();
            if k.abs() < 9_007_199_254_740_992.0 && k / scale == n {
                // Zeros in front up to `places + 1` digits (`0.05`), written by hand: padding
                // by a format string would bring the formatter's padding code into the module.
                let mut digits = (k.abs() as u64).to_string();
                while digits.len() <= places {
                    digits.insert(0, '0');
                }
                let (whole, fraction) = digits
                    .split_at_checked(digits.len() - places)
                    .unwrap_or_default();
                if n < 0.0 {
                    self.0.push('-');
                }
                self.0.push_str(whole);
                if places > 0 {
                    self.0.push('.');
                    self.0.push_str(fraction);
                }
                return true;
            }
            scale *= 10.0;
        }
        false
    }

    /// `"key":` (the caller writes commas).
    pub fn key(&mut self, key: &str) {
        self.string(key);
        self.0.push(':');
    }
}

impl Scorecard {
    /// The scorecard as the JSON of the `ScoreResult` type, `extra` fields appended inside it.
    pub fn to_json(&self, extra: Option<&[Rejected]>) -> String {
        let mut w = JsonWriter(String::with_capacity(256 + 160 * self.reasons.len()));
        w.0.push('{');
        for (key, n) in [
            ("score", self.score),
            ("fit", self.fit),
            ("engagement", self.engagement),
        ] {
            w.key(key);
            w.number(n);
            w.0.push(',');
        }
        w.key("grade");
        w.string(&self.grade.to_string());
        w.0.push_str(if self.mql {
            ",\"mql\":true"
        } else {
            ",\"mql\":false"
        });
        w.0.push_str(if self.became_mql {
            ",\"becameMql\":true,"
        } else {
            ",\"becameMql\":false,"
        });
        w.key("mqlSince");
        match self.mql_since {
            Some(t) => w.number(t),
            None => w.0.push_str("null"),
        }
        w.0.push(',');
        w.key("disqualifier");
        match &self.disqualifier {
            Some(d) => {
                w.0.push_str("{\"id\":");
                w.string(&d.id);
                w.0.push_str(",\"reason\":");
                w.string(&d.reason);
                w.0.push('}');
            }
            None => w.0.push_str("null"),
        }
        w.0.push(',');
        w.key("model");
        w.string(&self.model);
        w.0.push(',');
        w.key("at");
        w.number(self.at);
        w.0.push_str(",\"reasons\":[");
        for (i, r) in self.reasons.iter().enumerate() {
            if i > 0 {
                w.0.push(',');
            }
            w.0.push_str("{\"rule\":");
            w.string(&r.rule);
            w.0.push_str(match r.half {
                Half::Fit => ",\"half\":\"fit\",\"points\":",
                Half::Engagement => ",\"half\":\"engagement\",\"points\":",
            });
            w.number(r.points);
            w.0.push_str(",\"count\":");
            match r.count {
                Some(n) => w.number(f64::from(n)),
                None => w.0.push_str("null"),
            }
            w.0.push_str(",\"times\":");
            match &r.times {
                Some(times) => {
                    w.0.push('[');
                    for (i, t) in times.iter().enumerate() {
                        if i > 0 {
                            w.0.push(',');
                        }
                        w.number(*t as f64 * 1000.0);
                    }
                    w.0.push(']');
                }
                None => w.0.push_str("null"),
            }
            w.0.push_str(",\"sentence\":");
            w.string(&r.sentence);
            w.0.push('}');
        }
        w.0.push_str("],\"filtered\":{\"total\":");
        w.number(f64::from(self.filtered.iter().sum::<u32>()));
        for reason in FilterReason::ALL {
            w.0.push(',');
            w.key(reason.name());
            w.number(f64::from(self.filtered[reason.index()]));
        }
        w.0.push_str("},\"filteredBy\":");
        match self.filtered_by {
            Some(reason) => w.string(reason.name()),
            None => w.0.push_str("null"),
        }
        w.0.push_str(",\"probability\":");
        match self.probability {
            Some(p) => w.number(p),
            None => w.0.push_str("null"),
        }
        if let Some(rejected) = extra {
            w.0.push_str(",\"rejected\":[");
            for (i, r) in rejected.iter().enumerate() {
                if i > 0 {
                    w.0.push(',');
                }
                w.0.push_str("{\"index\":");
                w.number(r.index as f64);
                w.0.push_str(",\"field\":");
                w.string(&r.error.field);
                w.0.push_str(",\"message\":");
                w.string(&r.error.to_string());
                w.0.push('}');
            }
            w.0.push(']');
        }
        w.0.push('}');
        w.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_numbers_written_plainly() {
        let mut w = JsonWriter(String::new());
        w.string("a \"quote\", a \\ and a \u{1}");
        w.0.push(' ');
        w.number(29.99);
        w.0.push(' ');
        w.number(f64::NAN);
        assert_eq!(w.0, r#""a \"quote\", a \\ and a \u0001" 29.99 null"#);
    }

    #[test]
    fn numbers_programs_read_round_trip_exactly() {
        // Rounded to six decimals before issue 10: 1e300 came out as 2^128 - 1 and 1e-7 as 0.
        for n in [
            1e300,
            1e-7,
            0.1 + 0.2,
            -1234.5678901234567,
            5e-324,
            42.0,
            -0.0,
            0.7310585786300049,
            -0.05,
            12.35,
            1e15 + 0.5,
            123456789.125,
        ] {
            let mut w = JsonWriter(String::new());
            w.number(n);
            assert_eq!(w.0.parse::<f64>().unwrap(), n, "{n:e} written as {}", w.0);
            if n.fract() != 0.0 {
                assert_eq!(w.0, n.to_string(), "as the standard library writes it");
            }
        }
        // Every bit pattern's neighbourhood: read back exactly, and as short as the standard
        // library's shortest form.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = f64::from_bits(x);
            for n in [
                n,
                (n * 1e4).round() / 1e4,
                (n.fract() * 100.0).round() / 100.0,
            ] {
                if !n.is_finite() {
                    continue;
                }
                let mut w = JsonWriter(String::new());
                w.number(n);
                assert_eq!(w.0.parse::<f64>().unwrap(), n, "{n:e} written as {}", w.0);
                assert!(
                    w.0.len() <= n.to_string().len(),
                    "{n:e}: {} against {}",
                    w.0,
                    n
                );
            }
        }
    }
}
