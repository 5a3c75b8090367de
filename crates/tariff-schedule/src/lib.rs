//! The Harmonized Tariff Schedule of the United States over time.
//!
//! A [`Schedule`] holds every line of every HTS revision in the dataset — headings,
//! subheadings, 8-digit rate lines, 10-digit statistical lines and the unnumbered header rows
//! between them — each with the interval of revisions over which it read the same. Ask it
//! which line was in force on a date ([`Schedule::line_at`]), how a line changed
//! ([`Schedule::history`]), or which lines match some words ([`Schedule::search`]).
//!
//! Every query takes a date; nothing reads the clock. A date before the first revision is an
//! error ([`LookupError::DateOutOfRange`]), never a guess. The dataset has two horizons: the
//! schedule's ([`Schedule::covered_through`], the last date the newest revision is known to be
//! in force) and the law's ([`Schedule::law_known_through`], the date of the newest legal
//! source). A later date is answered from the newest revision, and the caller says so
//! ([`Schedule::horizon`]); [`Schedule::check_strict`] refuses it instead.
//!
//! The dataset is built by `tariff-import` from the USITC JSON exports and shipped inside
//! the binary by `tariff-data`; [`Schedule::embedded`] decodes it.

pub mod codec;
mod entry_line;
pub mod model;
mod report;
mod search;
mod special;

use jiff::civil::Date;
use model::{
    DatasetFile, Footnote, Line, LineId, LineKey, LineVersion, OPEN, RateEntry, Revision,
    RevisionIdx,
};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;
use tariff_hts::{HtsCode, Interval};

pub use entry_line::{EntryLine, EntryRate};
pub use report::{AncestorReport, Change, FootnoteReport, LineReport, RateReport};
pub use search::SearchHit;
pub use special::{
    SpecialRateAnswer, cell_is_free, claim_in_line, special_rate_for, special_rate_in_cell,
};

/// Why the dataset bytes could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The bytes do not start with the dataset magic.
    #[error("not a tariff schedule dataset (bad magic bytes)")]
    NotADataset,
    /// The format version is not the one this build reads.
    #[error(
        "dataset format version {found}, this build reads version {expected}; rebuild it with `tariff data build`"
    )]
    Version {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// Decompression or deserialization failed.
    #[error("corrupt dataset: {0}")]
    Decode(String),
    /// Serialization failed.
    #[error("cannot encode dataset: {0}")]
    Encode(String),
    /// The data decoded but breaks an invariant.
    #[error("invalid dataset: {0}")]
    Invalid(String),
}

/// Where a date stands against the dataset's two horizons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Horizon {
    /// On or before the schedule's horizon: the revision in force is known.
    Within,
    /// After the schedule's horizon, on or before the law's: the newest revision is taken to
    /// be in force, the legal actions are known.
    AfterSchedule,
    /// After the law's horizon: legal actions after it are not known either.
    AfterLaw,
}

/// Why a query has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// The date is before the first revision of the dataset.
    #[error(
        "date {date} is outside the dataset, which starts on {first} (later dates are answered from the newest revision)"
    )]
    DateOutOfRange {
        /// The date asked for.
        date: Date,
        /// First covered date.
        first: Date,
    },
    /// The date is after the schedule's horizon, and the caller asked for strict dates.
    #[error(
        "date {date} is after the schedule's horizon: the newest HTS revision in the dataset is known in force through {last}, and strict dates refuse later dates"
    )]
    AfterHorizon {
        /// The date asked for.
        date: Date,
        /// The schedule's horizon.
        last: Date,
    },
    /// No line with this number was in force on the date.
    #[error("{}", unknown_code_message(.code, .date, .nearest, .in_force_elsewhere))]
    UnknownCode {
        /// The code asked for.
        code: String,
        /// The date asked for.
        date: Date,
        /// Nearby codes that were in force on that date.
        nearest: Vec<String>,
        /// Intervals `[from, until)` in which the code did exist, if any.
        in_force_elsewhere: Vec<(Date, Option<Date>)>,
    },
}

fn unknown_code_message(
    code: &str,
    date: &Date,
    nearest: &[String],
    elsewhere: &[(Date, Option<Date>)],
) -> String {
    let mut msg = format!("HTS number {code} is not in the schedule in force on {date}");
    if !elsewhere.is_empty() {
        let spans: Vec<String> = elsewhere
            .iter()
            .map(|(a, b)| match b {
                Some(b) => format!("from {a} until {b}"),
                None => format!("from {a}"),
            })
            .collect();
        msg.push_str(&format!(" (it exists {})", spans.join(", ")));
    }
    if !nearest.is_empty() {
        msg.push_str(&format!("; nearest valid numbers: {}", nearest.join(", ")));
    }
    msg
}

/// The schedule over time, decoded and indexed.
#[derive(Debug)]
pub struct Schedule {
    file: DatasetFile,
    search: OnceLock<search::SearchIndex>,
    /// Normalized text of each parsed rate (its `Display`), by rate id.
    normalized: Vec<Option<String>>,
    /// Numbered lines by number, keyed by [`HtsCode::packed`] (every quote looks its line
    /// up: one multiplication hashes the key, where the default hasher took a hundred
    /// instructions).
    codes: std::collections::HashMap<u64, LineId, BuildHasherDefault<PackedHasher>>,
}

/// The hasher of [`HtsCode::packed`] keys: a multiplication spreads the number over the
/// high bits, and a shift folds them back into the low ones (the table takes its slot from
/// the low bits and its tags from the high ones). Process-local and not exposed to
/// untrusted keys' layout beyond HTS numbers, which are few and fixed by the dataset.
#[derive(Default)]
struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).rotate_left(5);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

impl Schedule {
    /// Decodes the dataset embedded in the binary (crate `tariff-data`).
    pub fn embedded() -> Result<Schedule, DatasetError> {
        Schedule::decode(tariff_data::SCHEDULE)
    }

    /// Decodes a dataset from its bytes and checks its invariants.
    pub fn decode(bytes: &[u8]) -> Result<Schedule, DatasetError> {
        Schedule::from_file(codec::decode(bytes)?)
    }

    /// Wraps an in-memory dataset, checking its invariants.
    pub fn from_file(file: DatasetFile) -> Result<Schedule, DatasetError> {
        validate(&file)?;
        let normalized = file
            .rates
            .iter()
            .map(|r| r.parsed.as_ref().ok().map(|c| c.to_string()))
            .collect();
        let codes = file
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match &l.key {
                LineKey::Code(c) => Some((c.packed(), i as LineId)),
                LineKey::Header { .. } => None,
            })
            .collect();
        Ok(Schedule {
            file,
            search: OnceLock::new(),
            normalized,
            codes,
        })
    }

    /// The stored form (provenance, tables).
    pub fn file(&self) -> &DatasetFile {
        &self.file
    }

    /// The revisions of the time series, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.file.revisions
    }

    /// First date the dataset answers for: the effective date of its first revision.
    pub fn first_date(&self) -> Date {
        self.file.revisions[0].effective_from
    }

    /// The schedule's horizon: the last date (inclusive) the newest revision in the dataset
    /// is known to be in force. Later dates are answered from that revision.
    pub fn covered_through(&self) -> Date {
        self.file.covered_through
    }

    /// The law's horizon: the date (inclusive) of the newest source on legal actions.
    pub fn law_known_through(&self) -> Date {
        self.file.law_known_through
    }

    /// The newest revision in the dataset.
    pub fn last_revision(&self) -> &Revision {
        // `validate` refuses a dataset without revisions.
        &self.file.revisions[self.file.revisions.len() - 1]
    }

    /// Where `date` stands against the two horizons, with the dates over which that holds.
    pub fn horizon(&self, date: Date) -> (Horizon, Interval) {
        let after_schedule = self.covered_through().tomorrow().ok();
        let after_law = self.law_known_through().tomorrow().ok();
        let day_after = |d: Option<Date>| d.is_some_and(|d| date >= d);
        if day_after(after_law) {
            let from = after_law.unwrap_or(date);
            (Horizon::AfterLaw, Interval { from, until: None })
        } else if day_after(after_schedule) {
            let from = after_schedule.unwrap_or(date);
            (
                Horizon::AfterSchedule,
                Interval {
                    from,
                    until: after_law,
                },
            )
        } else {
            let from = self.first_date();
            (
                Horizon::Within,
                Interval {
                    from,
                    until: after_schedule,
                },
            )
        }
    }

    /// Refuses a date after the schedule's horizon (the strict-dates option of the tools).
    pub fn check_strict(&self, date: Date) -> Result<(), LookupError> {
        if date > self.covered_through() {
            return Err(LookupError::AfterHorizon {
                date,
                last: self.covered_through(),
            });
        }
        Ok(())
    }

    /// The revision in force on `date`: the newest revision dated on or before it. A date
    /// after the schedule's horizon gets the newest revision of the dataset.
    pub fn revision_at(&self, date: Date) -> Result<RevisionIdx, LookupError> {
        if date < self.first_date() {
            return Err(LookupError::DateOutOfRange {
                date,
                first: self.first_date(),
            });
        }
        let n = self
            .file
            .revisions
            .partition_point(|r| r.effective_from <= date);
        Ok((n - 1) as RevisionIdx)
    }

    /// The date from which revision `idx` is in force.
    pub fn revision_date(&self, idx: RevisionIdx) -> Option<Date> {
        self.file
            .revisions
            .get(idx as usize)
            .map(|r| r.effective_from)
    }

    pub(crate) fn string(&self, id: u32) -> &str {
        self.file
            .strings
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(crate) fn rate(&self, id: u32) -> Option<&RateEntry> {
        self.file.rates.get(id as usize)
    }

    pub(crate) fn normalized(&self, id: u32) -> Option<&str> {
        self.normalized.get(id as usize).and_then(|n| n.as_deref())
    }

    pub(crate) fn footnote(&self, id: u32) -> Option<&Footnote> {
        self.file.footnotes.get(id as usize)
    }

    pub(crate) fn line(&self, id: LineId) -> &Line {
        &self.file.lines[id as usize]
    }

    /// The description of a line in its newest version (plain text).
    pub fn latest_description(&self, id: LineId) -> &str {
        self.file
            .lines
            .get(id as usize)
            .and_then(|l| l.versions.last())
            .map_or("", |v| self.string(v.description))
    }

    /// All lines ever published, in schedule order.
    pub fn lines(&self) -> &[Line] {
        &self.file.lines
    }

    /// Numbered lines ever published whose digits start with `prefix` and have `digits`
    /// digits (`("9903", 8)`: every Chapter 99 heading), in schedule order.
    pub fn numbered_lines<'a>(
        &'a self,
        prefix: &'a str,
        digits: usize,
    ) -> impl Iterator<Item = (LineId, &'a HtsCode)> + 'a {
        let start = self
            .file
            .lines
            .partition_point(|l| l.key.order() < (prefix, 0, 0, ""));
        self.file.lines[start..]
            .iter()
            .enumerate()
            .take_while(move |(_, l)| l.key.order().0.starts_with(prefix))
            .filter_map(move |(i, l)| match &l.key {
                LineKey::Code(c) if c.len() == digits => Some(((start + i) as LineId, c)),
                _ => None,
            })
    }

    /// The line with this exact number, over all revisions.
    pub fn find_code(&self, code: &HtsCode) -> Option<LineId> {
        self.codes.get(&code.packed()).copied()
    }

    /// The version of a line standing in revision `rev`.
    pub fn version_at(&self, id: LineId, rev: RevisionIdx) -> Option<&LineVersion> {
        self.line(id).versions.iter().find(|v| v.in_force(rev))
    }

    /// The line in force on `date` with number `code`, with its ancestors, rates and notes.
    ///
    /// An 8-digit number that USITC publishes only as its single `00` statistical line
    /// (`8471.30.01` → `8471.30.01.00`) resolves to that line.
    pub fn line_at(&self, code: &HtsCode, date: Date) -> Result<LineReport, LookupError> {
        let rev = self.revision_at(date)?;
        let found = self
            .find_code(code)
            .filter(|&id| self.version_at(id, rev).is_some())
            .or_else(|| {
                if code.len() == 8 {
                    let ten = HtsCode::parse(&format!("{}00", code.digits())).ok()?;
                    self.find_code(&ten)
                        .filter(|&id| self.version_at(id, rev).is_some())
                } else {
                    None
                }
            });
        match found {
            Some(id) => Ok(report::line_report(self, id, rev)),
            None => Err(LookupError::UnknownCode {
                code: code.to_string(),
                date,
                nearest: self.nearest_codes(code, rev, 5),
                in_force_elsewhere: self
                    .find_code(code)
                    .map(|id| self.spans(id))
                    .unwrap_or_default(),
            }),
        }
    }

    /// The date intervals `[from, until)` over which a line existed.
    pub fn spans(&self, id: LineId) -> Vec<(Date, Option<Date>)> {
        let mut out: Vec<(Date, Option<Date>)> = Vec::new();
        for v in &self.line(id).versions {
            let from = self.file.revisions[v.from as usize].effective_from;
            let until =
                (v.until != OPEN).then(|| self.file.revisions[v.until as usize].effective_from);
            match out.last_mut() {
                Some(last) if last.1 == Some(from) => last.1 = until,
                _ => out.push((from, until)),
            }
        }
        out
    }

    /// Numbered lines in force in `rev` closest to `code` in schedule order, preferring the
    /// same number of digits.
    pub fn nearest_codes(&self, code: &HtsCode, rev: RevisionIdx, n: usize) -> Vec<String> {
        let key = (code.digits(), 1u8, 0u8, "");
        let pos = self.file.lines.partition_point(|l| l.key.order() < key);
        // A number that is not a row of its own (`8703.23`) but has lines under it: name
        // those, shortest first.
        let mut under: Vec<HtsCode> = self.file.lines[pos..]
            .iter()
            .take_while(|l| l.key.order().0.starts_with(code.digits()))
            .filter_map(|l| match &l.key {
                LineKey::Code(c) if l.versions.iter().any(|v| v.in_force(rev)) => Some(*c),
                _ => None,
            })
            .collect();
        if !under.is_empty() {
            under.sort_by_key(|c| (c.len(), *c));
            return under.iter().take(n).map(|c| c.to_string()).collect();
        }
        let is_candidate = |l: &Line| match &l.key {
            LineKey::Code(c) => c.len() == code.len() && l.versions.iter().any(|v| v.in_force(rev)),
            LineKey::Header { .. } => false,
        };
        let mut before: Vec<&Line> = self.file.lines[..pos]
            .iter()
            .rev()
            .filter(|l| is_candidate(l))
            .take(n)
            .collect();
        let after: Vec<&Line> = self.file.lines[pos..]
            .iter()
            .filter(|l| is_candidate(l))
            .take(n)
            .collect();
        before.reverse();
        // Interleave by closeness: take from both sides around the insertion point.
        let mut picked: Vec<&Line> = Vec::new();
        let (mut b, mut a) = (before.len(), 0usize);
        while picked.len() < n && (b > 0 || a < after.len()) {
            if b > 0 {
                b -= 1;
                picked.push(before[b]);
            }
            if picked.len() < n && a < after.len() {
                picked.push(after[a]);
                a += 1;
            }
        }
        let mut codes: Vec<String> = picked
            .iter()
            .filter_map(|l| match &l.key {
                LineKey::Code(c) => Some(c.to_string()),
                LineKey::Header { .. } => None,
            })
            .collect();
        codes.sort();
        codes
    }

    /// Every change to a line across the revisions: field, old and new text.
    pub fn history(&self, code: &HtsCode) -> Option<Vec<Change>> {
        let id = self.find_code(code).or_else(|| {
            (code.len() == 8)
                .then(|| HtsCode::parse(&format!("{}00", code.digits())).ok())
                .flatten()
                .and_then(|c| self.find_code(&c))
        })?;
        Some(report::history(self, id))
    }

    /// Ranked keyword search over the lines in force on `date` (descriptions, with their
    /// ancestors' text).
    pub fn search(
        &self,
        query: &str,
        date: Date,
        limit: usize,
    ) -> Result<Vec<SearchHit>, LookupError> {
        let rev = self.revision_at(date)?;
        let index = self.search.get_or_init(|| search::SearchIndex::build(self));
        Ok(index.query(self, query, rev, limit))
    }

    /// Builds the search index now rather than on the first search.
    pub fn warm_search(&self) {
        self.search.get_or_init(|| search::SearchIndex::build(self));
    }

    /// The text of a line version's general rate, `""` when blank.
    pub fn general_text(&self, v: &LineVersion) -> &str {
        v.general
            .and_then(|id| self.rate(id))
            .map(|r| r.text.as_str())
            .unwrap_or("")
    }
}

/// Checks what the decoder relies on: ordered unique keys, versions inside the revision
/// range and ordered, references inside their tables.
fn validate(file: &DatasetFile) -> Result<(), DatasetError> {
    let bad = |m: String| Err(DatasetError::Invalid(m));
    if file.revisions.is_empty() {
        return bad("no revisions".into());
    }
    if file.law_known_through < file.covered_through {
        return bad(format!(
            "the law's horizon {} is before the schedule's {}",
            file.law_known_through, file.covered_through
        ));
    }
    if file.revisions.len() >= OPEN as usize {
        return bad("too many revisions".into());
    }
    for w in file.revisions.windows(2) {
        if w[0].effective_from > w[1].effective_from {
            return bad(format!("revision {} dated after {}", w[0].id, w[1].id));
        }
    }
    let nrev = file.revisions.len() as RevisionIdx;
    let (ns, nr, nf, nl) = (
        file.strings.len() as u32,
        file.rates.len() as u32,
        file.footnotes.len() as u32,
        file.lines.len() as u32,
    );
    for w in file.lines.windows(2) {
        if w[0].key.order() >= w[1].key.order() {
            return bad(format!("lines out of order at {:?}", w[1].key));
        }
    }
    for line in &file.lines {
        let mut prev_until = 0;
        for v in &line.versions {
            let until_ok = v.until == OPEN || (v.until > v.from && v.until <= nrev);
            if v.from >= nrev || !until_ok || v.from < prev_until {
                return bad(format!("bad interval in {:?}", line.key));
            }
            prev_until = if v.until == OPEN { OPEN } else { v.until };
            let rates_ok = [v.general, v.special, v.other, v.additional_duties]
                .iter()
                .flatten()
                .all(|&r| r < nr);
            let strs_ok = v.description < ns
                && v.units.iter().all(|&u| u < ns)
                && v.quota_quantity.is_none_or(|q| q < ns);
            if !rates_ok
                || !strs_ok
                || v.footnotes.iter().any(|&f| f >= nf)
                || v.parent.is_some_and(|p| p >= nl)
            {
                return bad(format!("dangling reference in {:?}", line.key));
            }
        }
    }
    Ok(())
}
