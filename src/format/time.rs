//! Timestamps: ISO-8601 text or epoch milliseconds, checked against a plausible range.

/// 2000-01-01T00:00:00Z in epoch milliseconds: earlier timestamps are rejected as implausible.
pub const EARLIEST_MS: f64 = 946_684_800_000.0;
/// How far past the scorer's clock an event may be stamped (clock skew), in milliseconds.
pub const MAX_AHEAD_MS: f64 = 24.0 * 3_600_000.0;
/// Milliseconds in a day.
pub const DAY_MS: f64 = 86_400_000.0;

/// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`
/// (no zone means UTC), into epoch milliseconds.
pub fn parse_iso8601(text: &str) -> Option<f64> {
    let b = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    let mut i = 10;
    if i < b.len() && (b[i] == b'T' || b[i] == b't' || b[i] == b' ') {
        let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
        if b.get(i + 3) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        ms += (h * 3600 + m * 60) * 1000;
        i += 6;
        if b.get(i) == Some(&b':') {
            let s = num(i + 1, 2)?;
            if s > 60 {
                return None;
            }
            ms += s * 1000;
            i += 3;
            if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
                let start = i + 1;
                i = start;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = &b[start..i];
                if digits.is_empty() {
                    return None;
                }
                let frac = digits
                    .iter()
                    .take(3)
                    .chain(std::iter::repeat(&b'0'))
                    .take(3)
                    .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
                ms += frac;
            }
        }
        match b.get(i) {
            None => {}
            Some(b'Z' | b'z') if i + 1 == b.len() => {}
            Some(sign @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = match b.len() - (i + 3) {
                    0 => 0,
                    3 if b[i + 3] == b':' => num(i + 4, 2)?,
                    2 => num(i + 3, 2)?,
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let offset = (oh * 60 + om) * 60_000;
                ms += if *sign == b'+' { -offset } else { offset };
            }
            _ => return None,
        }
    } else if i != b.len() {
        return None;
    }
    Some(ms as f64)
}

/// `YYYY-MM-DD` of epoch milliseconds (UTC).
pub fn iso_date(ms: f64) -> String {
    iso_datetime(ms)[..10].to_owned()
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of epoch milliseconds, as `Date.prototype.toISOString` writes it.
pub fn iso_datetime(ms: f64) -> String {
    let ms = ms.floor() as i64;
    let rest = ms.rem_euclid(86_400_000);
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, min, sec, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{sec:02}.{milli:03}Z")
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_segment_sends() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_iso8601("2026-11-02T09:02:09.792Z"),
            Some(1_793_610_129_792.0)
        );
        assert_eq!(
            parse_iso8601("2026-11-02T10:02:09.792+01:00"),
            Some(1_793_610_129_792.0)
        );
        assert_eq!(
            parse_iso8601("2026-11-02T09:02:09.7921234Z"),
            Some(1_793_610_129_792.0)
        );
        assert_eq!(
            parse_iso8601("2026-11-02T04:02:09.792-0500"),
            Some(1_793_610_129_792.0)
        );
        assert_eq!(parse_iso8601("2026-11-02"), Some(1_793_577_600_000.0));
        assert_eq!(
            parse_iso8601("2024-02-29T12:00Z"),
            Some(1_709_208_000_000.0)
        );
    }

    #[test]
    fn dates_are_written_back() {
        assert_eq!(iso_date(1_793_610_129_792.0), "2026-11-02");
        assert_eq!(iso_date(0.0), "1970-01-01");
        assert_eq!(iso_date(1_709_208_000_000.0), "2024-02-29");
        assert_eq!(
            iso_datetime(1_793_610_129_792.0),
            "2026-11-02T09:02:09.792Z"
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "2023-02-29",
            "2026-11-02T25:00Z",
            "2026-11-02T09:02:09Q",
            "2026-11-02T09:02:09.Z",
            "2026-11-02x",
            "2026-11-02T09",
            "１２３４-11-02",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
