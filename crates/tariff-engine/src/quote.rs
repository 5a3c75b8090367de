//! The answer: duty lines in reporting order, totals, fees and warnings.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

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
    pub warnings: Vec<String>,
}

/// One duty line of the stack.
#[derive(Clone, Debug, Serialize)]
pub struct DutyLine {
    /// The Chapter 99 heading, or the Chapter 1–97 line for the base duty.
    pub heading: String,
    /// `base_general`, `base_special`, `base_column2`, or the measure's authority
    /// (`ieepa_fentanyl`, `ieepa_reciprocal`, `section_232`, …).
    pub authority: String,
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
}
