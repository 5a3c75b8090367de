//! The stored form of the schedule dataset.
//!
//! The dataset keeps one record per HTS line (a numbered line, or an unnumbered header row)
//! with the list of its *versions*: each version holds the line's fields as published and
//! the half-open interval of revisions `[from, until)` over which they stood unchanged.
//! Strings, rate texts and footnotes are interned in tables, so that a rate such as `Free`
//! or a footnote such as `See 9903.88.15.` is stored once.
//!
//! These types are what `tariff-import` writes and [`crate::Schedule`] reads; they are
//! public so that the importer can build them, but queries go through [`crate::Schedule`].

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tariff_hts::HtsCode;
use tariff_hts::rate::{RateCell, RateError};

/// Index into [`DatasetFile::strings`].
pub type StrId = u32;
/// Index into [`DatasetFile::rates`].
pub type RateId = u32;
/// Index into [`DatasetFile::footnotes`].
pub type FootnoteId = u32;
/// Index into [`DatasetFile::lines`].
pub type LineId = u32;
/// Index into [`DatasetFile::revisions`].
pub type RevisionIdx = u16;

/// `until` value of a version still standing in the newest revision.
pub const OPEN: RevisionIdx = RevisionIdx::MAX;

/// The whole dataset as serialized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetFile {
    /// Where the data came from.
    pub provenance: Provenance,
    /// The revisions of the time series, ordered by effective date.
    pub revisions: Vec<Revision>,
    /// Source files that were read but are not part of the time series, and why.
    pub excluded: Vec<ExcludedRevision>,
    /// Last date (inclusive) the dataset answers for.
    pub covered_through: Date,
    /// Why the coverage ends there.
    pub covered_through_reason: String,
    /// The law's horizon: the date of the newest source material on legal actions (a later
    /// action is not known). Dates after it are still answered, with a warning.
    pub law_known_through: Date,
    /// Why the law's horizon is there.
    pub law_known_through_reason: String,
    /// Interned strings: descriptions, units, footnote texts.
    pub strings: Vec<String>,
    /// Distinct rate texts with their parsed form.
    pub rates: Vec<RateEntry>,
    /// Distinct footnotes.
    pub footnotes: Vec<Footnote>,
    /// Every line ever published, sorted by [`LineKey`] order.
    pub lines: Vec<Line>,
}

/// The inputs of a build and how they were read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The program that built the dataset (`tariff-import <version>`).
    pub builder: String,
    /// Dataset format version.
    pub format: u32,
    /// Every input file, by path relative to the sources folder.
    pub inputs: Vec<InputFile>,
}

/// One input file of the build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the sources folder, with `/` separators.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// One HTS revision in the time series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Identifier as in the source file names: `2025_basic`, `2025_rev_7`, `2026_rev_10`.
    pub id: String,
    /// Human name: `2025 Revision 7`, `2026 Basic Edition`.
    pub name: String,
    /// The date from which this revision is the one in force.
    pub effective_from: Date,
    /// The effective date of the policy the revision implements, when it differs.
    pub policy_effective: Option<Date>,
    /// The policy event the revision implements, as recorded in the revision dates file.
    pub event: Option<String>,
    /// The revision this one is byte-identical to in content, if any.
    pub identical_to: Option<String>,
    /// Number of rows in the USITC export.
    pub rows: u32,
}

/// A source file that is read (and hashed) but not placed in the time series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedRevision {
    /// Identifier, e.g. `2026_rev_8`.
    pub id: String,
    /// Why it is not in the series.
    pub reason: String,
    /// How many line fields differ from the revision before it in the series.
    pub changed_fields_vs_previous: u32,
}

/// A distinct rate text and its parsed form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateEntry {
    /// The text exactly as published.
    pub text: String,
    /// The parse, or why it failed.
    pub parsed: Result<RateCell, RateError>,
}

/// A footnote or endnote of a line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Footnote {
    /// Columns it is attached to (`general`, `special`, `other`, `desc`, `stat`, `units`).
    pub columns: Vec<String>,
    /// The marker, if the export gives one.
    pub marker: Option<String>,
    /// The note text as published (trimmed).
    pub text: String,
    /// `footnote` or `endnote`.
    pub kind: String,
    /// Chapter 99 (and other) HTS references found in the text, such as `9903.88.15`.
    pub references: Vec<HtsCode>,
}

/// The identity of a line across revisions.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LineKey {
    /// An unnumbered header row (`Horses:`), identified by the first numbered line that
    /// follows it in the schedule (its anchor), its indent and its description.
    ///
    /// Headers sort before their anchor, shallower first.
    Header {
        /// Digits of the first numbered line after the header.
        anchor: String,
        /// Indent level.
        indent: u8,
        /// The description text.
        description: String,
    },
    /// A numbered line, by its digits.
    Code(HtsCode),
}

impl LineKey {
    /// Sort key that puts header rows just before their anchor and numbered lines in code
    /// order, which is schedule order.
    pub fn order(&self) -> (&str, u8, u8, &str) {
        match self {
            LineKey::Header {
                anchor,
                indent,
                description,
            } => (anchor.as_str(), 0, *indent, description.as_str()),
            LineKey::Code(code) => (code.digits(), 1, 0, ""),
        }
    }
}

/// A line and its versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Identity across revisions.
    pub key: LineKey,
    /// Versions, ordered by `from`, non-overlapping.
    pub versions: Vec<LineVersion>,
}

/// The fields of a line over an interval of revisions `[from, until)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineVersion {
    /// First revision (index) in which the line reads like this.
    pub from: RevisionIdx,
    /// First revision in which it no longer does ([`OPEN`] if it still does in the newest).
    pub until: RevisionIdx,
    /// Indent level (0–11) as published.
    pub indent: u8,
    /// The parent line (nearest preceding row with a smaller indent), if any.
    pub parent: Option<LineId>,
    /// Description.
    pub description: StrId,
    /// Whether USITC marks the row `superior` (a header).
    pub superior: bool,
    /// Units of quantity (`kg`, `No.`).
    pub units: Vec<StrId>,
    /// Column 1 general rate text.
    pub general: Option<RateId>,
    /// Column 1 special rate text.
    pub special: Option<RateId>,
    /// Column 2 rate text.
    pub other: Option<RateId>,
    /// Footnotes and endnotes.
    pub footnotes: Vec<FootnoteId>,
    /// Quota quantity text.
    pub quota_quantity: Option<StrId>,
    /// Additional duties text.
    pub additional_duties: Option<RateId>,
}

impl LineVersion {
    /// True when the version stands in revision `rev`.
    pub fn in_force(&self, rev: RevisionIdx) -> bool {
        self.from <= rev && rev < self.until
    }
}
