//! The answer: duty lines in reporting order, totals, fees and warnings.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use tariff_measures::Authority;

/// The quote for one entry line.
#[derive(Clone, Debug, Serialize)]
pub struct Quote {
    /// The HTS line quoted (dotted), as found in the schedule.
    pub hts: String,
    /// Its description.
    pub description: String,
    /// Country of origin.
    pub origin: String,
    /// Entry date.
    pub entry_date: Date,
    /// Customs value, USD.
    pub value: Decimal,
    /// The HTS revision in force on the entry date.
    pub revision: String,
    /// The Chapter 98 provision under which entry is claimed, if any (dotted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter98: Option<String>,
    /// Duty lines: Chapter 99 headings in reporting order, then the base duty line.
    pub lines: Vec<DutyLine>,
    /// Sum of the duty lines' amounts, USD.
    pub total_duty: Decimal,
    /// `total_duty / value` in percent, 4 decimal places.
    pub effective_rate: Decimal,
    /// The part of `total_duty` collected under IEEPA (the subject of refund claims after the
    /// Supreme Court's decision of February 2026).
    pub ieepa_duty: Decimal,
    /// Fees, apart from duties.
    pub fees: FeeSummary,
    /// What the quote assumed or could not check.
    pub warnings: Vec<Warning>,
}

/// A remark on a quote: what it assumed or could not check. Written (in JSON, batch files,
/// the page) as its text; its [`WarningCode`] is stable for programs to test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What kind of remark.
    pub code: WarningCode,
    /// The remark, in words.
    pub text: String,
}

impl Warning {
    /// A remark of a kind.
    pub fn new(code: WarningCode, text: String) -> Warning {
        Warning { code, text }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// The kinds of remark a quote makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// The entry date is after the schedule's horizon: the newest revision is taken.
    AfterScheduleHorizon,
    /// The entry date is after the law's horizon: later actions are not known.
    AfterLawHorizon,
    /// The program claimed leaves a duty another open program would remove.
    BetterClaim,
    /// An 8-digit number whose 10-digit lines are treated differently.
    StatisticalSplit,
    /// A measure the data records as not modeled applies (the duty is incomplete).
    NotModeled,
    /// A heading the line's footnotes reference is not encoded (the duty is incomplete).
    NotEncoded,
    /// The special program claimed was refused.
    SpiNotApplied,
    /// A rate without an ad valorem equivalent was compared or summed as an assumption.
    NoAdValoremEquivalent,
    /// A measure turns on the loading date, which was not given.
    LoadingDateMissing,
    /// A measure turns on the metal's share of the weight, which was not given.
    MetalWeightMissing,
    /// A duty on a metal content whose value was not given: the content was assumed.
    ContentAssumed,
    /// Chapter 98 values given without a Chapter 98 claim were ignored.
    Chapter98FieldsIgnored,
    /// The data has no MPF or HMF rate for the date.
    FeeRateMissing,
    /// No mode of transport: the HMF was not computed.
    ModeMissing,
}

impl WarningCode {
    /// Whether the quote's duty may be incomplete: a duty applies that the data does not
    /// model or encode.
    pub fn is_incomplete(self) -> bool {
        matches!(self, WarningCode::NotModeled | WarningCode::NotEncoded)
    }
}

/// One duty line of the stack.
#[derive(Clone, Debug, Serialize)]
pub struct DutyLine {
    /// The Chapter 99 heading, or the Chapter 1–97 line for the base duty.
    pub heading: String,
    /// Where the line comes from: the base duty's column (`base_general`, `base_special`,
    /// `base_column2`) or the measure's authority (`ieepa_fentanyl`, `section_232`, …), as
    /// it is written.
    pub authority: LineSource,
    /// The measure's id (none for the base duty).
    pub measure: Option<String>,
    /// What the line is, in words.
    pub description: String,
    /// The rate as text (`2.5%`, `+ 10%`, `15% floor less column 1 general 2.5%`).
    pub rate: String,
    /// The ad valorem percent applied, where the rate is one (for floors: the additional
    /// percent after the comparison).
    pub rate_percent: Option<Decimal>,
    /// The value the rate is charged on: `full_value`, `non_us_content`, `steel_content`, …
    pub basis: String,
    /// That value, USD.
    pub basis_value: Decimal,
    /// Duty, USD, rounded to the cent.
    pub amount: Decimal,
    /// Legal citation: instrument, Federal Register, HTS heading and U.S. note, revision.
    pub citation: String,
    /// Remarks: exemptions, floors, assumptions.
    pub note: Option<String>,
    /// Collected under IEEPA.
    pub ieepa: bool,
}

/// Where a duty line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineSource {
    /// The base duty, from a column of the schedule line.
    Base(Column),
    /// A Chapter 99 measure, under its authority.
    Measure(Authority),
}

/// The rate column of the base duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// Column 1 general.
    General,
    /// Column 1 special (an eligible program claimed).
    Special,
    /// Column 2.
    Column2,
}

impl LineSource {
    /// The name written in quotes and files: `base_general`, `base_special`, `base_column2`,
    /// or the authority's ([`Authority::name`]).
    pub fn name(self) -> &'static str {
        match self {
            LineSource::Base(Column::General) => "base_general",
            LineSource::Base(Column::Special) => "base_special",
            LineSource::Base(Column::Column2) => "base_column2",
            LineSource::Measure(a) => a.name(),
        }
    }

    /// Whether the line is the base duty.
    pub fn is_base(self) -> bool {
        matches!(self, LineSource::Base(_))
    }
}

impl std::fmt::Display for LineSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for LineSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A fee line.
#[derive(Clone, Debug, Serialize)]
pub struct FeeLine {
    /// `mpf` or `hmf`.
    pub fee: String,
    /// Percent of value.
    pub percent: Decimal,
    /// Amount, USD, rounded to the cent (after the MPF minimum and maximum).
    pub amount: Decimal,
    /// Legal citation.
    pub citation: String,
    /// Remarks (minimum or maximum applied, exemption).
    pub note: Option<String>,
}

/// The fees of the entry line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FeeSummary {
    /// Merchandise processing fee and harbor maintenance fee lines.
    pub lines: Vec<FeeLine>,
    /// Their sum.
    pub total: Decimal,
}

/// One period of a date range over which an entry line's stack stayed the same (`to`
/// inclusive): the answer of `tariff quote --dates` and `/api/quote/history`.
#[derive(Clone, Debug, Serialize)]
pub struct Period {
    /// First entry date of the period.
    pub from: Date,
    /// Last entry date of the period (inclusive).
    pub to: Date,
    /// The quote on every date of the period (as on `from`).
    pub quote: Quote,
}

impl Quote {
    /// Whether two quotes have the same stack: the same headings, rates and amounts.
    pub fn same_stack(&self, other: &Quote) -> bool {
        self.lines.len() == other.lines.len()
            && self
                .lines
                .iter()
                .zip(&other.lines)
                .all(|(a, b)| a.heading == b.heading && a.rate == b.rate && a.amount == b.amount)
    }

    /// Whether two quotes charge the same: the same stack ([`Quote::same_stack`]) and the
    /// same fees (MPF and HMF amounts).
    pub fn same_charges(&self, other: &Quote) -> bool {
        self.same_stack(other)
            && self.fees.total == other.fees.total
            && self.fees.lines.len() == other.fees.lines.len()
            && self
                .fees
                .lines
                .iter()
                .zip(&other.fees.lines)
                .all(|(a, b)| a.fee == b.fee && a.amount == b.amount)
    }
}

/// The entry dates around a quote's entry date on which the engine reads the same data for
/// the same entry line, so that a quote on any of them differs only in its date and in the
/// name of the HTS revision (in [`Quote::revision`] and in the citations' "HTS revision"):
/// the same schedule rows, the same measures in force with the same date conditions, the
/// same programs, column 2 status, fees and warnings. Found while quoting
/// ([`crate::Engine::quote_valid`]): every date the quote compares the entry date with
/// narrows it, through [`Validity::in_force`] and its kin inside the engine. Read-only
/// outside it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Validity {
    /// First entry date.
    pub(crate) from: Date,
    /// First entry date no longer covered.
    pub(crate) until: Date,
    pub(crate) by_value: bool,
    #[serde(skip)]
    pub(crate) at: Date,
}

/// Two validities are equal when they cover the same dates (whichever date they were found on).
impl PartialEq for Validity {
    fn eq(&self, other: &Validity) -> bool {
        (self.from, self.until) == (other.from, other.until)
    }
}

impl Eq for Validity {}

impl Validity {
    /// Every date, seen from `at`.
    pub(crate) fn new(at: Date) -> Validity {
        Validity {
            from: Date::MIN,
            until: Date::MAX,
            by_value: false,
            at,
        }
    }

    /// First entry date.
    pub fn from(&self) -> Date {
        self.from
    }

    /// First entry date no longer covered.
    pub fn until(&self) -> Date {
        self.until
    }

    /// Whether the quote compared something that moves with the value or quantity: an ad
    /// valorem equivalent of a specific or compound rate (floors, base-rate conditions), a
    /// US-content share, or given content values against the value they are carved from.
    /// When false, an entry with the same facts but another value or quantity gets the same
    /// lines at the same rates, on that value.
    pub fn by_value(&self) -> bool {
        self.by_value
    }

    /// Whether `date` is covered.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date < self.until
    }

    /// The same validity, ending at `boundary` if it falls inside (dates before and from it
    /// may be quoted differently): a caller that quotes something the engine does not, such
    /// as the revision's name, keeps to its dates.
    pub fn cut_at(mut self, boundary: Date) -> Validity {
        self.split_at(boundary);
        self
    }

    /// Whether `interval` holds the entry date, and the dates inside and outside it may be
    /// quoted differently: the one way the engine asks whether something dated is in force.
    pub(crate) fn in_force(&mut self, interval: &tariff_hts::Interval) -> bool {
        self.narrow(interval);
        interval.contains(self.at)
    }

    /// Whether the entry date is before `date`, which dates before and from it may answer
    /// differently.
    pub(crate) fn before(&mut self, date: Date) -> bool {
        self.split_at(date);
        self.at < date
    }

    /// The quote compared something that moves with the value or quantity when `yes`.
    pub(crate) fn depends_on_value(&mut self, yes: bool) {
        self.by_value |= yes;
    }

    /// Only the dates `other` (found for the same entry date) also covers, and its
    /// dependence on the value.
    pub(crate) fn merge(&mut self, other: &Validity) {
        self.split_at(other.from);
        self.split_at(other.until);
        self.by_value |= other.by_value;
    }

    /// Dates before and from `boundary` may be quoted differently.
    pub(crate) fn split_at(&mut self, boundary: Date) {
        if boundary <= self.at {
            self.from = self.from.max(boundary);
        } else {
            self.until = self.until.min(boundary);
        }
    }

    /// Whether [`Validity::narrow`] by `interval` would change anything.
    pub(crate) fn would_narrow(&self, interval: &tariff_hts::Interval) -> bool {
        let cuts = |b: Date| self.from < b && b < self.until;
        cuts(interval.from) || interval.until.is_some_and(cuts)
    }

    /// Dates inside and outside `interval` may be quoted differently.
    pub(crate) fn narrow(&mut self, interval: &tariff_hts::Interval) {
        self.split_at(interval.from);
        if let Some(until) = interval.until {
            self.split_at(until);
        }
    }

    /// Only the day itself (a text quotes the date).
    pub(crate) fn only_day(&mut self) {
        self.split_at(self.at);
        if let Ok(next) = self.at.tomorrow() {
            self.split_at(next);
        }
    }
}
