//! A bound on CSV records, under the CSV parser: a record may span several lines (a quoted
//! field with line breaks), but not more than [`MAX_RECORD`] bytes. An unclosed quote would
//! otherwise make the rest of the file one field (issue 17: a stray `"` on line 12 of a
//! 2-million-row file left 11 rows read, the others silently never priced), and a 50 MB field
//! would be read whole. The guard passes complete records through unchanged; a record that
//! runs past the bound is replaced by a one-field marker record naming its first line, and
//! reading resumes at the line after it. [`crate::row::Layout::entry`] rejects the marker with
//! its reason, so the file's rows stay accounted for: one rejection, every later line read.

use std::collections::VecDeque;
use std::io::{BufRead, Read};

/// The longest record, in bytes (its lines together).
pub const MAX_RECORD: usize = 64 * 1024;

/// How a marker record starts: a NUL byte no CSV text field of an entry line holds.
pub const MARKER: &[u8] = b"\0tariff-batch: ";

/// Bytes handed to the parser per fill.
const FILL: usize = 64 * 1024;

/// Whether a quoted field is still open at the end of `line`, given whether one was open at
/// its start: a quote opens a field only at the field's start (a line start or after a
/// comma), `""` inside one is a quote, a single `"` closes it; a quote inside an unquoted field
/// (`12" pipe`) is text. As the CSV parser reads quotes.
fn still_quoted(open: bool, line: &[u8]) -> bool {
    let mut quoted = open;
    let mut at_start = !open;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if quoted {
            if b == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b',' {
            at_start = true;
            i += 1;
            continue;
        } else if b == b'"' && at_start {
            quoted = true;
        }
        at_start = false;
        i += 1;
    }
    quoted
}

/// One physical line: its bytes (with the line break), or only its size when it was longer
/// than the bound (its bytes are not kept).
enum Line {
    Text(Vec<u8>),
    Oversized(usize),
}

/// The reader the CSV parser reads through.
pub struct RecordGuard<R: BufRead> {
    inner: R,
    /// Bytes ready for the parser, and how far it has read them.
    out: Vec<u8>,
    at: usize,
    /// The lines of the record being assembled, and its first line's number.
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    first_line: u64,
    open_quote: bool,
    /// Lines to read again after a cut, before the inner reader's.
    replay: VecDeque<(u64, Line)>,
    /// The number of the next line of the inner reader (the header is line 1).
    next_line: u64,
    /// Input bytes consumed (for progress).
    consumed: u64,
    eof: bool,
}

impl<R: BufRead> RecordGuard<R> {
    /// A guard over `inner`, whose next line is line `first_line` of the file.
    pub fn new(inner: R, first_line: u64) -> RecordGuard<R> {
        RecordGuard {
            inner,
            out: Vec::new(),
            at: 0,
            pending: Vec::new(),
            pending_bytes: 0,
            first_line,
            open_quote: false,
            replay: VecDeque::new(),
            next_line: first_line,
            consumed: 0,
            eof: false,
        }
    }

    /// Input bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next physical line with its number: from the replay queue, else the input, at most
    /// [`MAX_RECORD`] bytes of it kept.
    fn next(&mut self) -> std::io::Result<Option<(u64, Line)>> {
        if let Some(l) = self.replay.pop_front() {
            return Ok(Some(l));
        }
        if self.eof {
            return Ok(None);
        }
        let mut kept = Vec::new();
        let mut total = 0usize;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                self.eof = true;
                break;
            }
            let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if kept.len() < MAX_RECORD + 1 {
                let room = (MAX_RECORD + 1 - kept.len()).min(take);
                kept.extend_from_slice(&buf[..room]);
            }
            total += take;
            self.inner.consume(take);
            self.consumed += take as u64;
            if done {
                break;
            }
        }
        if total == 0 {
            return Ok(None);
        }
        let n = self.next_line;
        self.next_line += 1;
        Ok(Some((
            n,
            if total > MAX_RECORD {
                Line::Oversized(total)
            } else {
                Line::Text(kept)
            },
        )))
    }

    /// The common case, without copying line by line: whole lines in the reader's buffer that
    /// open no quote go to the output at once. False when it moved nothing (a record being
    /// assembled, lines to read again, a line that opens a quote or is not whole in the
    /// buffer): the line-by-line path takes over.
    fn fast(&mut self) -> std::io::Result<bool> {
        if !self.pending.is_empty() || !self.replay.is_empty() || self.eof {
            return Ok(false);
        }
        let room = FILL.saturating_sub(self.out.len());
        let buf = self.inner.fill_buf()?;
        let mut used = 0;
        let mut lines = 0;
        while used < room {
            let Some(i) = buf[used..].iter().position(|&b| b == b'\n') else {
                break;
            };
            let line = &buf[used..used + i + 1];
            if line.len() > MAX_RECORD || (line.contains(&b'"') && still_quoted(false, line)) {
                break;
            }
            used += i + 1;
            lines += 1;
        }
        if used == 0 {
            return Ok(false);
        }
        self.out.extend_from_slice(&buf[..used]);
        self.inner.consume(used);
        self.consumed += used as u64;
        self.next_line += lines;
        Ok(true)
    }

    /// Moves the pending record to the output.
    fn release(&mut self) {
        for l in self.pending.drain(..) {
            self.out.extend_from_slice(&l);
        }
        self.pending_bytes = 0;
        self.open_quote = false;
    }

    /// Writes a marker record with `reason` (no comma, quote or line break in it).
    fn marker(&mut self, reason: &str) {
        self.out.extend_from_slice(MARKER);
        self.out.extend_from_slice(reason.as_bytes());
        self.out.push(b'\n');
    }

    /// Replaces the pending record, which ran past the bound or the end of the file inside a
    /// quote, by a marker for its first line; its other lines are read again.
    fn cut(&mut self, why: &str) {
        let lines = self.pending.len();
        let mut rest: Vec<(u64, Line)> = self
            .pending
            .drain(1..)
            .enumerate()
            .map(|(i, l)| (self.first_line + 1 + i as u64, Line::Text(l)))
            .collect();
        self.pending.clear();
        self.pending_bytes = 0;
        self.open_quote = false;
        let line = self.first_line;
        self.marker(&format!(
            "a quote opened on line {line} is not closed within {MAX_RECORD} bytes ({why} after {lines} lines); line {line} is rejected and reading resumes at line {}",
            line + 1
        ));
        for l in rest.drain(..).rev() {
            self.replay.push_front(l);
        }
    }

    /// Fills the output with whole records, some 64 KiB of them, or nothing at the end.
    fn fill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.len() < FILL {
            if self.fast()? {
                continue;
            }
            let Some((n, line)) = self.next()? else {
                if !self.pending.is_empty() {
                    if self.pending.len() == 1 {
                        // One line with an unclosed quote at the end: the parser reads it.
                        self.release();
                    } else {
                        self.cut("the end of the file came");
                    }
                    continue;
                }
                break;
            };
            match line {
                Line::Oversized(size) => {
                    if !self.pending.is_empty() {
                        // The open record cannot include this line: cut it, then this line
                        // comes again on its own.
                        self.replay.push_front((n, Line::Oversized(size)));
                        self.cut("a line of more than the bound came");
                        continue;
                    }
                    self.marker(&format!(
                        "line {n} is {size} bytes long with its line break: longer than the {MAX_RECORD} bytes a record may have; it is rejected and reading resumes at line {}",
                        n + 1
                    ));
                }
                Line::Text(text) => {
                    if self.pending.is_empty() {
                        self.first_line = n;
                    }
                    self.open_quote = still_quoted(self.open_quote, &text);
                    self.pending_bytes += text.len();
                    self.pending.push(text);
                    if !self.open_quote {
                        self.release();
                    } else if self.pending_bytes > MAX_RECORD {
                        self.cut("the bound was reached");
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.out.len() {
            self.fill()?;
        }
        let n = (self.out.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{MARKER, MAX_RECORD, RecordGuard, still_quoted};
    use std::io::Read;

    #[test]
    fn quotes_as_the_parser_reads_them() {
        assert!(!still_quoted(false, b"a,b,c\n"));
        assert!(still_quoted(false, b"a,\"b\n"));
        assert!(!still_quoted(true, b"still inside\",x\n"));
        assert!(!still_quoted(false, b"a,12\" pipe,5\n"));
        assert!(!still_quoted(false, b"a,\"say \"\"hi\"\"\",5\n"));
        assert!(still_quoted(false, b"a,\"say \"\"hi\n"));
    }

    fn through(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        RecordGuard::new(input, 1).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn whole_records_pass_unchanged() {
        let text = b"h1,h2\na,\"multi\nline\"\nb,12\" pipe\nc,d";
        assert_eq!(through(text), text);
    }

    #[test]
    fn an_unclosed_quote_costs_one_line() {
        let mut text = b"h,v\nx,\"oops\n".to_vec();
        for i in 0..20_000 {
            text.extend_from_slice(format!("r{i},1\n").as_bytes());
        }
        let out = through(&text);
        let lines: Vec<&[u8]> = out.split(|&b| b == b'\n').collect();
        assert!(
            lines[1].starts_with(MARKER),
            "{:?}",
            String::from_utf8_lossy(lines[1])
        );
        assert!(String::from_utf8_lossy(lines[1]).contains("line 2"));
        assert_eq!(lines[2], b"r0,1");
        assert_eq!(lines.iter().filter(|l| l.starts_with(b"r")).count(), 20_000);
    }

    #[test]
    fn an_oversized_line_is_a_marker() {
        let mut text = b"h,v\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', 3 * MAX_RECORD));
        text.extend_from_slice(b"\nnext,1\n");
        let out = through(&text);
        let s = String::from_utf8_lossy(&out);
        assert!(
            s.contains("line 2 is 196609 bytes long with its line break"),
            "{s}"
        );
        assert!(s.ends_with("next,1\n"), "{s}");
        assert!(out.len() < 1024);
    }
}
