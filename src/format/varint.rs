//! Whole numbers in as few bytes as they need (LEB128: seven bits a byte, low bits first, the
//! high bit set on every byte but the last), as compiled models, saved sessions and compact
//! training events write them; each reader checks the bytes in its own terms.

/// Appends `n`.
pub fn push(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// `n` with its sign in the lowest bit (0, -1, 1, -2 … as 0, 1, 2, 3 …), so that small negative
/// numbers stay short.
pub fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_the_bytes_they_need() {
        let bytes = |n| {
            let mut out = Vec::new();
            push(&mut out, n);
            out
        };
        assert_eq!(bytes(0), [0]);
        assert_eq!(bytes(127), [0x7f]);
        assert_eq!(bytes(128), [0x80, 0x01]);
        assert_eq!(bytes(300), [0xac, 0x02]);
        assert_eq!(bytes(u64::MAX).len(), 10);
        assert_eq!([0, -1, 1, -2, i64::MIN].map(zigzag), [0, 1, 2, 3, u64::MAX]);
    }
}
