//! Text read as it streams, checked to be UTF-8 on the way: a byte that is not says where it is
//! (line, byte of the line, byte of the file) so that the cell can be found, and a UTF-8
//! byte-order mark at the start (as spreadsheets write) is skipped. The file is never held
//! whole: a million-row export is read a block at a time.

use std::fmt;
use std::io::{self, Read};

/// Where a stream stops being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotUtf8 {
    /// The line, from 1.
    pub line: u64,
    /// The byte of the line, from 1.
    pub column: u64,
    /// The byte of the file, from 0.
    pub at: u64,
    /// The byte itself.
    pub byte: u8,
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "line {}, byte {} of the line (byte {} of the file): 0x{:02x} is not UTF-8; save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")",
            self.line, self.column, self.at, self.byte
        )
    }
}

impl std::error::Error for NotUtf8 {}

impl NotUtf8 {
    /// The place in an I/O error made by [`Utf8Reader`], if it is one.
    pub fn of(error: &io::Error) -> Option<NotUtf8> {
        error.get_ref()?.downcast_ref::<NotUtf8>().copied()
    }
}

/// Reads `inner`, handing on only bytes known to be UTF-8.
pub(crate) struct Utf8Reader<R> {
    inner: R,
    /// Bytes read and checked, not yet handed on (`block[start..checked]`), then the bytes of a
    /// character cut by the end of a block (`block[checked..]`), kept until the rest arrives.
    block: Vec<u8>,
    start: usize,
    checked: usize,
    /// Bytes of the file before `block[0]`.
    offset: u64,
    /// Lines ended before `block[start]`, and the file's byte where the current line began.
    lines: u64,
    line_start: u64,
    /// The first byte that is not UTF-8, once reached.
    failed: Option<NotUtf8>,
    at_start: bool,
}

const BLOCK: usize = 64 * 1024;

impl<R: Read> Utf8Reader<R> {
    /// A reader of `inner`.
    pub fn new(inner: R) -> Utf8Reader<R> {
        Utf8Reader {
            inner,
            block: Vec::new(),
            start: 0,
            checked: 0,
            offset: 0,
            lines: 0,
            line_start: 0,
            failed: None,
            at_start: true,
        }
    }

    /// Reads the next block and checks it; false at the end of the stream.
    fn fill(&mut self) -> io::Result<bool> {
        // Keep the cut character's bytes, drop what was handed on.
        let carried = self.block.split_off(self.checked);
        self.offset += self.checked as u64;
        self.block = carried;
        self.start = 0;
        self.checked = 0;
        let had = self.block.len();
        self.block.resize(had + BLOCK, 0);
        let mut got = had;
        // The first block is read until it holds at least the byte-order mark's three bytes.
        loop {
            let n = loop {
                match self.inner.read(&mut self.block[got..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            got += n;
            if n == 0 || !self.at_start || got >= 3 {
                break;
            }
        }
        self.block.truncate(got);
        if got == had {
            // The end: a character cut short is not UTF-8.
            if had > 0 {
                self.fail(0);
            }
            return Ok(false);
        }
        if std::mem::take(&mut self.at_start) && self.block.starts_with(b"\xEF\xBB\xBF") {
            self.start = 3;
        }
        match std::str::from_utf8(&self.block) {
            Ok(_) => self.checked = self.block.len(),
            Err(e) => {
                self.checked = e.valid_up_to();
                if e.error_len().is_some() {
                    self.fail(e.valid_up_to());
                }
            }
        }
        Ok(true)
    }

    /// Notes that the byte at `block[i]` is not UTF-8.
    fn fail(&mut self, i: usize) {
        self.count_lines(i);
        let at = self.offset + i as u64;
        self.failed = Some(NotUtf8 {
            line: self.lines + 1,
            column: at - self.line_start + 1,
            at,
            byte: self.block[i],
        });
    }

    /// Counts the lines that end in `block[start..end]` (`start`: what was already counted).
    fn count_lines(&mut self, end: usize) {
        for (i, b) in self.block[..end].iter().enumerate().skip(self.start) {
            if *b == b'\n' {
                self.lines += 1;
                self.line_start = self.offset + i as u64 + 1;
            }
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start < self.checked {
                let n = out.len().min(self.checked - self.start);
                let end = self.start + n;
                out[..n].copy_from_slice(&self.block[self.start..end]);
                self.count_lines(end);
                self.start = end;
                return Ok(n);
            }
            if let Some(failed) = self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, failed));
            }
            if !self.fill()? {
                return match self.failed {
                    Some(failed) => Err(io::Error::new(io::ErrorKind::InvalidData, failed)),
                    None => Ok(0),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `bytes` handed over `step` bytes at a time.
    fn read_all(bytes: &[u8], step: usize) -> Result<String, NotUtf8> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut text = String::new();
        Utf8Reader::new(Trickle(bytes, step))
            .read_to_string(&mut text)
            .map_err(|e| NotUtf8::of(&e).expect("the error says where"))?;
        Ok(text)
    }

    #[test]
    fn utf8_passes_whole_however_it_arrives() {
        let text = "Name,Città\nJosé,Zürich 🏔\n\u{feff}third\n";
        for step in [1, 2, 3, 5, 64, 1 << 20] {
            assert_eq!(read_all(text.as_bytes(), step).unwrap(), text, "{step}");
            let marked = format!("\u{feff}{text}");
            assert_eq!(read_all(marked.as_bytes(), step).unwrap(), text, "{step}");
        }
        assert_eq!(read_all(b"", 1).unwrap(), "");
        assert_eq!(read_all(b"\xEF\xBB\xBF", 1).unwrap(), "");
        assert_eq!(read_all(b"ab", 1).unwrap(), "ab");
    }

    #[test]
    fn a_byte_that_is_not_utf8_says_where_it_is() {
        let mut bytes = b"Name,Won\nJos\xc3\xa9,yes\nRen".to_vec();
        bytes.extend_from_slice(b"\xe9,no\n");
        for step in [1, 2, 7, 1 << 20] {
            assert_eq!(
                read_all(&bytes, step).unwrap_err(),
                NotUtf8 {
                    line: 3,
                    column: 4,
                    at: 22,
                    byte: 0xe9
                },
                "{step}"
            );
        }
        // A character cut short by the end of the file, and one in the first block after a mark.
        let cut = read_all(b"ok\n\xe2\x82", 1).unwrap_err();
        assert_eq!((cut.line, cut.column, cut.at, cut.byte), (2, 1, 3, 0xe2));
        let marked = read_all(b"\xEF\xBB\xBFa\xff", 4).unwrap_err();
        assert_eq!((marked.line, marked.column, marked.at), (1, 5, 4));
        assert_eq!(
            marked.to_string(),
            "line 1, byte 5 of the line (byte 4 of the file): 0xff is not UTF-8; save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")"
        );
    }
}
