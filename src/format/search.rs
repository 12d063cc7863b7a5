//! Substring search for the short needles rules hold (`*bot*`, `vice president`) in the short
//! texts events carry (a title, a user agent): a scan for the first byte and a compare beats
//! the standard library's two-way searcher, whose set-up dominates at these sizes, and is
//! smaller in WebAssembly.

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(last) = h.len().checked_sub(n.len()) else {
        return false;
    };
    // Valid UTF-8 in both: a byte match is a match of whole characters.
    let mut from = 0;
    while let Some(i) = find_byte(first, &h[from..=last]) {
        let at = from + i;
        if h[at + 1..at + n.len()] == *rest {
            return true;
        }
        from = at + 1;
    }
    false
}

/// The first position of `byte` in `bytes`, eight bytes at a time.
fn find_byte(byte: u8, bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let spread = ONES * u64::from(byte);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default()) ^ spread;
        // A zero byte in `word` is a match (the classic test: no false negatives, and a false
        // positive only above a true match, so the first hit is found by the scan below).
        if word.wrapping_sub(ONES) & !word & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == byte).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn finds_what_the_standard_library_finds() {
        let texts = [
            "",
            "a",
            "bot",
            "mozilla/5.0 (compatible; googlebot/2.1; +http://www.google.com/bot.html)",
            "ééé",
            "aab",
            "abab",
            "0123456789abcdefghijklmnopqrstuvwxyz-bot",
        ];
        let needles = [
            "",
            "a",
            "b",
            "bot",
            "googlebot",
            "é",
            "ée",
            "ab",
            "aab",
            "abab",
            "ababa",
            "x",
            "-bot",
            "z-",
            "9a",
            "0",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(contains(t, n), t.contains(n), "{t:?} {n:?}");
            }
        }
    }

    #[test]
    fn agrees_with_the_standard_library_on_every_short_text() {
        // Every text of up to 9 characters from a small alphabet (one of two bytes), so that
        // the eight-byte steps, their remainders and near-misses are all crossed.
        let words = |max: usize| {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|w| ["a", "b", "é"].map(|c| format!("{w}{c}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        };
        let needles = words(3);
        for text in words(9).iter().step_by(7) {
            for needle in &needles {
                assert_eq!(
                    contains(text, needle),
                    text.contains(needle.as_str()),
                    "{text:?} {needle:?}"
                );
            }
        }
    }
}
