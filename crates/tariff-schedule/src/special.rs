//! Whether a claimed special program (SPI) gives a line its special rate for an origin.

use crate::{LineReport, LookupError, Schedule};
use jiff::civil::Date;
use serde::Serialize;
use tariff_hts::HtsCode;
use tariff_hts::program::{Eligibility, Programs};
use tariff_hts::rate::{Rate, RateCell};

/// The answer to "does claiming `spi` on this line give goods of `origin` the special rate?".
#[derive(Clone, Debug, Serialize)]
pub struct SpecialRateAnswer {
    /// Dotted HTS number of the line.
    pub code: String,
    /// The claimed SPI code.
    pub spi: String,
    /// Country of origin (ISO 3166 alpha-2).
    pub origin: String,
    /// Entry date.
    pub date: Date,
    /// Whether the special rate applies.
    pub eligible: bool,
    /// The reason, in words.
    pub reason: String,
    /// The structured result.
    pub eligibility: Eligibility,
    /// The special rate that applies, as normalized text, when eligible.
    pub rate: Option<String>,
    /// The special rate as a typed tree, when eligible.
    pub rate_parsed: Option<Rate>,
    /// The revision in force on the date.
    pub revision: String,
}

impl Schedule {
    /// Checks a special-program claim for a line on a date: finds the group of the special
    /// column that lists the program and asks the program table whether the origin qualifies
    /// on that date ([`Programs::eligibility`]).
    pub fn special_rate(
        &self,
        programs: &Programs,
        code: &HtsCode,
        date: Date,
        spi: &str,
        origin: &str,
    ) -> Result<SpecialRateAnswer, LookupError> {
        let line = self.line_at(code, date)?;
        Ok(special_rate_for(programs, &line, date, spi, origin))
    }
}

/// [`Schedule::special_rate`] for a line already looked up.
pub fn special_rate_for(
    programs: &Programs,
    line: &LineReport,
    date: Date,
    spi: &str,
    origin: &str,
) -> SpecialRateAnswer {
    let cell = line.special.as_ref().and_then(|r| r.parsed.as_ref());
    let general_free = line
        .general
        .as_ref()
        .and_then(|r| r.parsed.as_ref())
        .is_some_and(cell_is_free);
    let (eligibility, rate) = claim_in_line(programs, general_free, cell, date, spi, origin);
    SpecialRateAnswer {
        code: line.code.clone(),
        spi: spi.to_string(),
        origin: origin.to_string(),
        date,
        eligible: rate.is_some(),
        reason: eligibility.to_string(),
        eligibility,
        rate: rate.map(|r| r.to_string()),
        rate_parsed: rate.cloned(),
        revision: line.revision.clone(),
    }
}

/// Whether a parsed rate cell is the plain `Free` of column 1 general.
pub fn cell_is_free(cell: &RateCell) -> bool {
    matches!(cell.groups.as_slice(), [g] if g.rate == Rate::Free)
}

/// A claim of `spi` for goods of `origin` on `date` on a line: the special rate of its
/// special-column cell ([`special_rate_in_cell`]); or, where the cell does not list the
/// program and the column 1 general rate is Free (`general_free`), the claim on an
/// unconditionally free line that the program may allow ([`Programs::claim_on_free_line`]),
/// with no rate.
pub fn claim_in_line<'a>(
    programs: &Programs,
    general_free: bool,
    cell: Option<&'a RateCell>,
    date: Date,
    spi: &str,
    origin: &str,
) -> (Eligibility, Option<&'a Rate>) {
    let (eligibility, rate) = special_rate_in_cell(programs, cell, date, spi, origin);
    if general_free && matches!(eligibility, Eligibility::NotOnLine { .. }) {
        let free = programs.claim_on_free_line(spi, origin, date);
        if !matches!(free, Eligibility::NotOnLine { .. }) {
            return (free, None);
        }
    }
    (eligibility, rate)
}

/// The group of a special-column cell whose program list gives `spi` to `origin` on `date`:
/// its rate, with the eligibility; or the most telling refusal and no rate.
pub fn special_rate_in_cell<'a>(
    programs: &Programs,
    cell: Option<&'a RateCell>,
    date: Date,
    spi: &str,
    origin: &str,
) -> (Eligibility, Option<&'a Rate>) {
    let mut best: Option<Eligibility> = None;
    for g in cell.map(|c| c.groups.as_slice()).unwrap_or_default() {
        let e = programs.eligibility(spi, &g.programs, origin, date);
        if e.is_eligible() {
            return (e, Some(&g.rate));
        }
        // Keep the most telling refusal: anything beats "not on line".
        if best.is_none() || matches!(best, Some(Eligibility::NotOnLine { .. })) {
            best = Some(e);
        }
    }
    (
        best.unwrap_or_else(|| programs.eligibility(spi, &[], origin, date)),
        None,
    )
}
