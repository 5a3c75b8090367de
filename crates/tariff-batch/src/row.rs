//! Input columns and the parsing of one row into an [`Entry`], or a rejection.

use crate::BatchError;
use csv::ByteRecord;
use jiff::civil::Date;
use rust_decimal::Decimal;
use tariff_engine::Entry;
use tariff_engine::input::{Field, Kind};

/// The input columns `tariff batch` understands: the entry fields' canonical names
/// ([`Field::ALL`], in `tariff quote` order; each also read under its aliases, such as `qty`
/// and `date`). The first four are required.
pub const KNOWN: [&str; Field::ALL.len()] = Field::NAMES;

const HTS: usize = Field::Hts as usize;
const ORIGIN: usize = Field::Origin as usize;
const DATE: usize = Field::EntryDate as usize;
const VALUE: usize = Field::Value as usize;

/// Why a row is refused: the column at fault (empty when the row as a whole is) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The column at fault, as the engine names it (empty for the whole row).
    pub column: String,
    /// Why.
    pub reason: String,
}

impl Refusal {
    fn new(column: impl Into<String>, reason: impl Into<String>) -> Refusal {
        Refusal {
            column: column.into(),
            reason: reason.into(),
        }
    }
}

/// A row that could not be quoted: where and why, with the row as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based data row (the header is row 0).
    pub row: u64,
    /// The column at fault (empty when the row as a whole is).
    pub column: String,
    /// Why.
    pub reason: String,
    /// The raw row, CSV-encoded (invalid UTF-8 shown as U+FFFD).
    pub raw: String,
}

/// One known column's value in a row: text as read (CSV, or Parquet text), or a typed
/// Parquet value read as what its text would parse to.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text as given (trimmed when read).
    Text(&'a str),
    /// Text made for the row (a Parquet value of a type read as text).
    Owned(String),
    /// A date (Parquet `Date32`).
    Date(Date),
    /// A number (Parquet integers and `Decimal128`).
    Number(Decimal),
}

impl<'a> Cell<'a> {
    /// The cell as trimmed text (a typed value as it is written: `YYYY-MM-DD`, the number's
    /// digits).
    fn text(self) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match self {
            Cell::Text(t) => Cow::Borrowed(trim(t)),
            Cell::Owned(t) => Cow::Owned(trim(&t).to_string()),
            Cell::Date(d) => Cow::Owned(d.to_string()),
            Cell::Number(n) => Cow::Owned(n.to_string()),
        }
    }
}

/// The header: every input column's name, and where the known ones are.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Input column names, as given, in order.
    pub names: Vec<String>,
    index: [Option<usize>; KNOWN.len()],
    dates: Dates,
}

/// How a batch takes its rows' entry dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dates {
    /// The entry date of rows without one (an empty cell, or no `entry_date` column).
    pub default: Option<Date>,
    /// Strict dates: a row dated after this (the schedule's horizon) is rejected instead of
    /// quoted from the newest revision with a warning.
    pub strict_through: Option<Date>,
}

impl Layout {
    /// Reads a header. Names are matched to the entry fields ([`Field::from_name`]: trimmed,
    /// in any case, canonical or alias, so `qty` is `quantity` and `date` is `entry_date`);
    /// any other column is carried through.
    pub fn new(names: Vec<String>) -> Result<Layout, BatchError> {
        Layout::with_dates(names, Dates::default())
    }

    /// [`Layout::new`], with a default entry date (the `entry_date` column is then optional)
    /// and strict dates.
    pub fn with_dates(names: Vec<String>, dates: Dates) -> Result<Layout, BatchError> {
        let mut index = [None; KNOWN.len()];
        for (i, n) in names.iter().enumerate() {
            if let Some(k) = Field::from_name(n).map(|f| f as usize) {
                if index[k].is_some() {
                    return Err(BatchError::Header(format!(
                        "column {:?} appears twice",
                        KNOWN[k]
                    )));
                }
                index[k] = Some(i);
            }
        }
        let missing: Vec<&str> = (0..4)
            .filter(|k| index[*k].is_none() && !(*k == DATE && dates.default.is_some()))
            .map(|k| KNOWN[k])
            .collect();
        if !missing.is_empty() {
            return Err(BatchError::Header(format!(
                "missing required column(s): {} (the header has: {})",
                missing.join(", "),
                names.join(", ")
            )));
        }
        Ok(Layout {
            names,
            index,
            dates,
        })
    }

    /// Position of a known column.
    pub fn index_of(&self, known: usize) -> Option<usize> {
        self.index[known]
    }

    /// The trimmed text of a known column of a (UTF-8 checked) record.
    pub fn text<'r>(&self, r: &'r ByteRecord, known: usize) -> &'r str {
        self.index[known]
            .and_then(|i| r.get(i))
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(trim)
            .unwrap_or("")
    }

    /// Parses a record into an entry, or says why not.
    pub fn entry(&self, r: &ByteRecord) -> Result<Entry, Refusal> {
        // A record the reader cut at its bound ([`crate::guard`]) carries its reason.
        if r.len() == 1
            && let Some(reason) = r[0].strip_prefix(crate::guard::MARKER)
        {
            return Err(Refusal::new(
                String::new(),
                String::from_utf8_lossy(reason).into_owned(),
            ));
        }
        if r.len() != self.names.len() {
            let what = if r.len() < self.names.len() {
                "short"
            } else {
                "long"
            };
            let column = self.names.get(r.len()).cloned().unwrap_or_default();
            return Err(Refusal::new(
                column,
                format!(
                    "{what} row: {} field(s), the header has {}",
                    r.len(),
                    self.names.len()
                ),
            ));
        }
        // An ASCII record needs no check field by field.
        if !r.as_slice().is_ascii() {
            for (i, f) in r.iter().enumerate() {
                if let Err(e) = std::str::from_utf8(f) {
                    return Err(Refusal::new(
                        self.names[i].clone(),
                        format!("not valid UTF-8 (bad byte at offset {})", e.valid_up_to()),
                    ));
                }
            }
        }
        // The record's text, checked once: every field is valid on its own (above), so each
        // starts and ends on a character boundary of the whole.
        let all = std::str::from_utf8(r.as_slice()).unwrap_or("");
        let start = r.as_slice().as_ptr() as usize;
        self.entry_of(|k| {
            Cell::Text(
                self.index[k]
                    .and_then(|i| r.get(i))
                    .and_then(|f| {
                        let at = f.as_ptr() as usize - start;
                        all.get(at..at + f.len())
                    })
                    .unwrap_or(""),
            )
        })
    }

    /// Parses a row given as its known columns' cells (`cell(k)` for [`KNOWN`]`[k]`, asked
    /// only for the columns the input has) into an entry, or says why not.
    /// Typed cells give what their text would parse to.
    pub fn entry_of<'c>(&self, cell: impl Fn(usize) -> Cell<'c>) -> Result<Entry, Refusal> {
        // Only columns the input has are asked for: the four required ones always (the
        // layout refuses a header without them), each optional one when `present`.
        let present = |k: usize| self.index[k].is_some();
        let text = |k: usize| cell(k).text();
        let fail = |k: usize, reason: String| Refusal::new(KNOWN[k], reason);
        let required = |k: usize| {
            let t = text(k);
            if t.is_empty() {
                Err(fail(k, "empty".into()))
            } else {
                Ok(t)
            }
        };
        let hts = tariff_engine::input::parse_code(&required(HTS)?).map_err(|m| fail(HTS, m))?;
        let origin = required(ORIGIN)?;
        let a_date = |k: usize| {
            optional(
                cell(k),
                |c| match c {
                    Cell::Date(d) => Some(*d),
                    _ => None,
                },
                tariff_engine::parse_date,
            )
            .map_err(|m| fail(k, m))
        };
        let a_number = |k: usize| {
            optional(
                cell(k),
                |c| match c {
                    Cell::Number(n) => Some(*n),
                    _ => None,
                },
                tariff_engine::parse_amount,
            )
            .map_err(|m| fail(k, m))
        };
        let entry_date = match (present(DATE), self.dates.default) {
            (true, default) => a_date(DATE)?.or(default),
            (false, default) => default,
        }
        .ok_or_else(|| fail(DATE, "empty".into()))?;
        if let Some(last) = self.dates.strict_through
            && entry_date > last
        {
            let err = tariff_schedule::LookupError::AfterHorizon {
                date: entry_date,
                last,
            };
            return Err(fail(DATE, err.to_string()));
        }
        let value = a_number(VALUE)?.ok_or_else(|| fail(VALUE, "empty".into()))?;
        let mut e = if origin.bytes().all(|b| b.is_ascii_uppercase()) {
            Entry::new(hts, &origin, entry_date, value)
        } else {
            Entry::new(hts, &origin.to_ascii_uppercase(), entry_date, value)
        };
        // Each optional column only when the input has it (an entry's fields default to
        // none): most files have a few of them. Columns are read in the order of
        // [`Field::ALL`], so a row with several bad fields is rejected for the first.
        for field in &Field::ALL[VALUE + 1..] {
            let k = *field as usize;
            if present(k) {
                set(&mut e, *field, cell(k)).map_err(|m| fail(k, m))?;
            }
        }
        Ok(e)
    }
}

/// Sets an optional field of an entry from its cell: a typed cell's value directly, text
/// through [`Entry::set`].
fn set(e: &mut Entry, field: Field, c: Cell<'_>) -> Result<(), String> {
    match (field.kind(), c) {
        (Kind::Date, Cell::Date(d)) => e.set_date(field, d),
        (Kind::Amount, Cell::Number(n)) => e.set_amount(field, n),
        (_, c) => e.set(field, &c.text()),
    }
}

/// A cell's value: a typed cell's own (`typed`), or its text parsed; `None` when the text is
/// empty.
fn optional<T>(
    c: Cell<'_>,
    typed: impl FnOnce(&Cell<'_>) -> Option<T>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if let Some(v) = typed(&c) {
        return Ok(Some(v));
    }
    let t = c.text();
    if t.is_empty() {
        Ok(None)
    } else {
        parse(&t).map(Some)
    }
}

/// `str::trim`, answered from the end bytes when both are ASCII and not white space (an
/// ASCII byte is a whole character in UTF-8).
fn trim(s: &str) -> &str {
    let keep = |b: &u8| b.is_ascii() && !char::from(*b).is_whitespace();
    match s.as_bytes() {
        [] => s,
        [first, .., last] if keep(first) && keep(last) => s,
        [only] if keep(only) => s,
        _ => s.trim(),
    }
}

/// The raw row, CSV-encoded on one line: bytes that are not UTF-8 written `\\xNN`, and at most
/// [`MAX_RAW`] bytes of it, with the row's size after a cut.
pub fn raw_row(r: &ByteRecord) -> String {
    // A record the reader cut at its bound has no row to quote: its reason says which line.
    if r.len() == 1 && r[0].starts_with(crate::guard::MARKER) {
        return String::new();
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_byte_record(r);
    let bytes = w.into_inner().unwrap_or_default();
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    let shown = &bytes[..bytes.len().min(MAX_RAW)];
    let mut out = String::with_capacity(shown.len() + 32);
    // Bytes that are not UTF-8 are kept, written `\xNN`, rather than replaced by U+FFFD.
    for chunk in shown.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    if bytes.len() > MAX_RAW {
        out.push_str(&format!("… ({} bytes in all)", bytes.len()));
    }
    out
}

/// The most of a rejected row a rejection quotes, in bytes: a 50 MB field is not copied into
/// the rejects file.
pub const MAX_RAW: usize = 4096;

#[cfg(test)]
mod tests {
    use super::{Layout, MAX_RAW, raw_row};
    use csv::ByteRecord;

    /// A rejection quotes the row's bytes: invalid UTF-8 escaped, not replaced; a huge row cut.
    #[test]
    fn raw_rows_keep_bytes_and_are_bounded() {
        let r = ByteRecord::from(vec![&b"6109.10.00.04"[..], b"V\xffN", b"caf\xc3\xa9"]);
        assert_eq!(raw_row(&r), "6109.10.00.04,V\\xFFN,café");
        let big = vec![b'9'; 50 * 1024 * 1024];
        let r = ByteRecord::from(vec![&big[..], b"VN"]);
        let raw = raw_row(&r);
        assert!(raw.len() < MAX_RAW + 64, "{}", raw.len());
        assert!(
            raw.ends_with(&format!("({} bytes in all)", big.len() + 3)),
            "{}",
            &raw[MAX_RAW..]
        );
    }

    /// Fields are read from the record's text checked once, non-ASCII text included, and a
    /// field that is not UTF-8 is rejected by its column.
    #[test]
    fn fields_of_a_record_checked_once() {
        let names = [
            "hts",
            "note",
            "origin",
            "entry_date",
            "value",
            "spi",
            "mode",
        ];
        let layout = Layout::new(names.map(String::from).to_vec()).expect("layout");
        let rec = ByteRecord::from(vec![
            " 8471.30.01.00",
            "Überseehafen – «Kai 4»",
            " kr",
            "2025-06-02 ",
            "1000.50",
            " KR ",
            "vessel",
        ]);
        let e = layout.entry(&rec).expect("an entry");
        assert_eq!(e.hts.to_string(), "8471.30.01.00");
        assert_eq!(e.origin, "KR");
        assert_eq!(e.entry_date, jiff::civil::date(2025, 6, 2));
        assert_eq!(e.value.to_string(), "1000.50");
        assert_eq!(e.spi.as_deref(), Some("KR"));
        let mut bad = ByteRecord::new();
        for f in [
            &b"8471.30.01.00"[..],
            b"\xc3(",
            b"KR",
            b"2025-06-02",
            b"1",
            b"",
            b"",
        ] {
            bad.push_field(f);
        }
        let super::Refusal { column, reason } = layout.entry(&bad).expect_err("bad UTF-8");
        assert_eq!(column, "note");
        assert!(reason.contains("not valid UTF-8"), "{reason}");
    }

    /// A header names the entry fields by their canonical names or aliases, in any case.
    #[test]
    fn aliases_name_the_same_columns() {
        let names = [
            "HTS",
            "origin",
            "Date",
            "value",
            "qty",
            "declare",
            "Entry-Ref",
        ];
        let layout = Layout::new(names.map(String::from).to_vec()).expect("layout");
        let rec = ByteRecord::from(vec![
            "2204.21.50",
            "FR",
            "2025-01-15",
            "5000",
            "1000",
            "9903.01.30, 9903.01.31",
            "A-1",
        ]);
        let e = layout.entry(&rec).expect("an entry");
        assert_eq!(e.entry_date, jiff::civil::date(2025, 1, 15));
        assert_eq!(e.quantity, Some(rust_decimal::Decimal::from(1000)));
        assert_eq!(e.declared, ["9903.01.30", "9903.01.31"]);
        let err = Layout::new(
            ["hts", "origin", "date", "entry_date", "value"]
                .map(String::from)
                .to_vec(),
        )
        .expect_err("the same field twice");
        assert!(err.to_string().contains("entry_date"), "{err}");
    }

    /// `trim` is `str::trim`.
    #[test]
    fn trim_is_strs() {
        for t in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a\u{b}",
            "\u{a0}a",
            "a\u{2003}",
            "ab",
            "a b",
            "\tx\n",
            "é",
        ] {
            assert_eq!(super::trim(t), t.trim(), "{t:?}");
        }
    }
}
