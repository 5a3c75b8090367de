//! The duty engine: an entry line on a date → its cited stack of duties, fees and warnings.
//!
//! [`Engine::quote`] takes an [`Entry`] (HTS number, origin, entry date, value and the
//! optional facts that matter: quantity, SPI claimed, content values, loading date, mode) and
//! returns a [`Quote`]:
//!
//! 1. **Base duty** from the schedule line in force on the entry date (`tariff-schedule`):
//!    column 2 when the origin is a column 2 country (`column2.yaml`); the special rate when
//!    an SPI is claimed and the origin is eligible for it on that line and date
//!    (`tariff-hts::program`); column 1 general otherwise.
//! 2. **Measures** (`tariff-measures`) in force on the date whose countries, goods and
//!    conditions match, stacked by precedence and exclusion (see `docs/measures.md`), each
//!    charged on its basis: additional ad valorem, all-in floor, or exempt at $0.
//! 3. **Fees**: MPF (ad valorem, clamped to the fiscal year's minimum and maximum) and HMF
//!    (vessel shipments), from `fees.yaml`.
//!
//! Rounding: every duty and fee line is rounded to the cent, half away from zero (the
//! convention of CBP's entry summary, where each line's duty is stated in whole cents); the
//! total is the sum of the rounded lines. `effective_rate` is `total_duty / value × 100`
//! rounded to 4 decimal places. No rate, country or date is written in this crate.

mod entry;
pub mod input;
mod quote;

pub use entry::{Entry, Mode, Spi};
pub use input::{Field, parse_amount, parse_date};
pub use quote::{
    Column, DutyLine, FeeLine, FeeSummary, LineSource, Period, Quote, Validity, Warning,
    WarningCode,
};
pub use tariff_measures::Authority;

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeSet;
use tariff_hts::HtsCode;
use tariff_hts::program::Programs;
use tariff_hts::rate::{Basis as RateBasis, Rate};
use tariff_measures::{
    Basis, CarveOut, CarvePortion, Chapter98Treatment, CountrySlot, Dutiable, FloorAgainst,
    Measure, MeasureRate, Measures, Portion, ProductRule, ValueAdded,
};
use tariff_schedule::{EntryLine, EntryRate, Horizon, LookupError, Schedule};

/// Why a quote could not be made. Each variant names the input field at fault
/// ([`QuoteError::field`]); the text is `field: what is wrong`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// An input field is invalid.
    #[error("{field}: {message}")]
    Input {
        /// The field at fault.
        field: Field,
        /// What is wrong.
        message: String,
    },
    /// No line with the entry's number (or the Chapter 98 provision's, with `field`
    /// `chapter98`) is in force on the entry date.
    #[error("{field}: {error}")]
    UnknownCode {
        /// `hts` or `chapter98`.
        field: Field,
        /// The schedule's answer: the nearest numbers, the dates the code is in force.
        error: LookupError,
    },
    /// The entry date is outside the dataset (before its first revision), or after the
    /// schedule's horizon where strict dates were asked for.
    #[error("entry_date: {0}")]
    DateOutOfRange(LookupError),
    /// The line's rate is specific (per unit) and no quantity was given.
    #[error("quantity: base rate {rate:?} of {code}: {reason}")]
    NeedsQuantity {
        /// The line (dotted).
        code: String,
        /// Its rate text.
        rate: String,
        /// What the rate needs.
        reason: String,
    },
    /// The origin is a column 2 country and the line has no column 2 rate.
    #[error("hts: {code} has no column 2 rate")]
    NoColumn2Rate {
        /// The line (dotted).
        code: String,
    },
}

impl QuoteError {
    /// The input field at fault.
    pub fn field(&self) -> Field {
        match self {
            QuoteError::Input { field, .. } | QuoteError::UnknownCode { field, .. } => *field,
            QuoteError::DateOutOfRange(_) => Field::EntryDate,
            QuoteError::NeedsQuantity { .. } => Field::Quantity,
            QuoteError::NoColumn2Rate { .. } => Field::Hts,
        }
    }

    /// What is wrong, without the field's name.
    pub fn message(&self) -> String {
        let text = self.to_string();
        let prefix = self.field().name().len() + 2;
        text.get(prefix..).unwrap_or(&text).to_string()
    }

    /// The error of a schedule lookup of `field`'s code on the entry date.
    fn lookup(field: Field, error: LookupError) -> QuoteError {
        match error {
            LookupError::DateOutOfRange { .. } | LookupError::AfterHorizon { .. } => {
                QuoteError::DateOutOfRange(error)
            }
            error => QuoteError::UnknownCode { field, error },
        }
    }
}

fn input(field: Field, message: impl Into<String>) -> QuoteError {
    QuoteError::Input {
        field,
        message: message.into(),
    }
}

/// Why the engine's data could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The schedule dataset.
    #[error(transparent)]
    Schedule(#[from] tariff_schedule::DatasetError),
    /// The measure data.
    #[error(transparent)]
    Measures(#[from] tariff_measures::MeasureError),
    /// The special-program table.
    #[error(transparent)]
    Programs(#[from] tariff_hts::program::ProgramError),
}

/// The schedule, the measures and the programs, ready to quote.
#[derive(Debug)]
pub struct Engine {
    schedule: Schedule,
    measures: Measures,
    programs: Programs,
    /// Every date a program starts or ends, sorted (the validity of a quote claiming an SPI).
    program_dates: Vec<jiff::civil::Date>,
    /// The Chapter 99 headings of the schedule that no measure declares and `coverage.yaml`
    /// calls not yet encoded, with its reason and the origins it reaches (empty: any): a line
    /// whose footnotes reference one gets an `incomplete:` warning for those origins.
    not_encoded: std::collections::HashMap<HtsCode, (String, Vec<String>)>,
}

/// Rounds to the cent, half away from zero, and always shows two decimals: the rounding of
/// every duty and fee line (and of the tools' sums of them).
pub fn cents(x: Decimal) -> Decimal {
    let mut c = x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    c.rescale(2);
    c
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// The largest amount or quantity an entry may give: a quadrillion (10^15) dollars or units,
/// the one bound of quote, batch and the API. Far above any entry line; an amount times a
/// rate stays far below where decimal arithmetic (96 bits, 28 digits) overflows. The steps
/// that relate two amounts to each other are checked where they are made ([`scaled`],
/// [`percent_of`]), and a duty past [`MAX_DUTY`] is refused.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// An in-transit rule ("loaded before D") is mentioned in the warnings of a quote without a
/// loading date only for entries within this many days after D: longer final-mode voyages are
/// not expected. The rule itself is applied whenever a loading date is given.
const IN_TRANSIT_WARNING_DAYS: i64 = 120;

/// The base duty as worked out from the schedule.
struct Base {
    line: DutyLine,
    /// Column 1 general ad valorem equivalent, percent (for floors).
    general_ave: Option<Decimal>,
    /// Applied column 1 rate AVE (special when claimed and eligible), percent.
    applied_ave: Option<Decimal>,
    /// Whether each AVE is the same for every value and quantity (the rate is ad valorem or
    /// free, and the value is not zero): general, applied.
    fixed_ave: (bool, bool),
    /// An SPI was claimed and is eligible.
    spi_eligible: bool,
}

impl Engine {
    /// Loads the embedded schedule, measures and programs.
    ///
    /// The schedule is decoded and the measure data parsed on two threads at once: each takes
    /// a few tens of milliseconds, and a one-line `tariff quote` pays both.
    pub fn embedded() -> Result<Engine, EngineError> {
        let (schedule, measures) = std::thread::scope(|scope| {
            let measures = scope.spawn(Measures::embedded);
            let schedule = Schedule::embedded();
            (schedule, measures.join())
        });
        let measures = match measures {
            Ok(m) => m?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Engine::new(schedule?, measures, Programs::embedded()?)
    }

    /// Builds an engine from parts (tests and scenarios).
    pub fn new(
        schedule: Schedule,
        measures: Measures,
        programs: Programs,
    ) -> Result<Engine, EngineError> {
        let coverage = tariff_measures::coverage::Coverage::embedded(&measures)?;
        let not_encoded = schedule
            .numbered_lines("9903", 8)
            .filter_map(|(_, h)| match coverage.status(&h.to_string()) {
                tariff_measures::coverage::HeadingStatus::NotModeled(rule)
                    if rule.kind == tariff_measures::coverage::NotModeledKind::NotYetEncoded =>
                {
                    Some((*h, (rule.reason.clone(), rule.countries.clone())))
                }
                _ => None,
            })
            .collect();
        let mut program_dates: Vec<jiff::civil::Date> = programs
            .iter()
            .flat_map(|p| p.effective.iter())
            .flat_map(|i| std::iter::once(i.from).chain(i.until))
            .collect();
        program_dates.sort();
        program_dates.dedup();
        Ok(Engine {
            schedule,
            measures,
            programs,
            program_dates,
            not_encoded,
        })
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The measures.
    pub fn measures(&self) -> &Measures {
        &self.measures
    }

    /// Every date in `(from, until)` on which the quote of some entry line may change, sorted:
    /// where a measure, a column 2 entry, a fee rate or a program starts or ends, an
    /// entered-before date, the end of an in-transit warning window, a revision takes effect,
    /// and the day after each of the dataset's horizons. Between two consecutive dates every
    /// quote is the same but for its date and the revision's name (the validity of one
    /// entry's quote, [`Engine::quote_valid`], is found exactly; these bound all of them).
    pub fn change_dates(
        &self,
        from: jiff::civil::Date,
        until: jiff::civil::Date,
    ) -> Vec<jiff::civil::Date> {
        let mut out: BTreeSet<jiff::civil::Date> = BTreeSet::new();
        let mut interval = |i: &tariff_hts::Interval| {
            out.insert(i.from);
            out.extend(i.until);
        };
        for m in self.measures.all() {
            interval(&m.effective);
        }
        for c in self.measures.column2_entries() {
            interval(&c.effective);
        }
        for m in &self.measures.fees().mpf {
            interval(&m.effective);
        }
        for m in &self.measures.fees().hmf {
            interval(&m.effective);
        }
        for nm in self.measures.not_modeled() {
            if let Some(i) = &nm.effective {
                interval(i);
            }
        }
        for p in self.programs.iter() {
            for i in &p.effective {
                interval(i);
            }
        }
        for m in self.measures.all() {
            out.extend(m.conditions.entered_before);
            out.extend(m.conditions.loaded_before.and_then(|d| {
                d.checked_add(jiff::Span::new().days(IN_TRANSIT_WARNING_DAYS))
                    .ok()
            }));
        }
        out.extend(self.schedule.revisions().iter().map(|r| r.effective_from));
        for h in [
            self.schedule.covered_through(),
            self.schedule.law_known_through(),
        ] {
            out.extend(h.tomorrow().ok());
        }
        out.into_iter()
            .filter(|d| from < *d && *d < until)
            .collect()
    }

    /// The special-program table the engine claims with (loaded once, with the engine).
    pub fn programs(&self) -> &Programs {
        &self.programs
    }

    /// The stack of an entry line on every date of `[from, to]` (both inclusive), as the
    /// periods over which it charged the same (duty lines and fees: a new MPF minimum on
    /// Oct. 1 starts a period). Walked by validity ([`Engine::quote_valid`]): one quote per
    /// span of dates over which nothing the quote reads changes, not one per day.
    pub fn periods(
        &self,
        e: &Entry,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> Result<Vec<Period>, QuoteError> {
        let mut periods: Vec<Period> = Vec::new();
        let mut entry = e.clone();
        let mut d = from;
        while d <= to {
            entry.entry_date = d;
            let (q, valid) = self.quote_valid(&entry)?;
            // The last date this quote stands for: the day before the validity ends, within
            // the range (at least `d`).
            let last = valid.until.yesterday().map_or(to, |y| y.min(to)).max(d);
            match periods.last_mut() {
                Some(p) if p.quote.same_charges(&q) => p.to = last,
                _ => periods.push(Period {
                    from: d,
                    to: last,
                    quote: q,
                }),
            }
            match last.tomorrow() {
                Ok(next) if last < to => d = next,
                _ => break,
            }
        }
        Ok(periods)
    }

    /// Quotes one entry line.
    pub fn quote(&self, e: &Entry) -> Result<Quote, QuoteError> {
        self.quote_valid(e).map(|(q, _)| q)
    }

    /// Quotes one entry line, with the entry dates over which the quote stays the same but
    /// for the revision's name ([`Validity`]): a batch prices the other rows of the same goods,
    /// origin and facts in those dates without quoting them again.
    pub fn quote_valid(&self, e: &Entry) -> Result<(Quote, Validity), QuoteError> {
        let (mut quote, mut valid) = self.quote_once(e)?;
        if e.spi.is_some() {
            self.better_claims(e, &mut quote, &mut valid)?;
        }
        Ok((quote, valid))
    }

    /// The programs goods of `origin` may claim on the line in force for `hts` on `date`, in
    /// the order the line writes them: each program of the line's special column for which
    /// the origin is eligible on that date (the line's code, `A+` or `KR`); then, where the
    /// column 1 general rate is Free, each program that may be claimed on such lines
    /// ([`tariff_hts::program::SpecialProgram::claim_on_free_lines`]), is in force and names
    /// the origin among its countries. One code per program (`S`, not also `S+`).
    pub fn claimable_programs(
        &self,
        hts: &HtsCode,
        origin: &str,
        date: jiff::civil::Date,
    ) -> Result<Vec<String>, QuoteError> {
        let line = self
            .schedule
            .entry_line(hts, date)
            .map_err(|err| QuoteError::lookup(Field::Hts, err))?;
        let mut out: Vec<String> = Vec::new();
        let mut push = |code: &str| {
            let base = code.trim_end_matches(['*', '+']);
            if !out.iter().any(|c| c.trim_end_matches(['*', '+']) == base) {
                out.push(code.to_string());
            }
        };
        if let Some(cell) = line.special.and_then(|r| r.parsed) {
            for g in &cell.groups {
                for p in &g.programs {
                    if self
                        .programs
                        .eligibility(p, &g.programs, origin, date)
                        .is_eligible()
                    {
                        push(p.trim());
                    }
                }
            }
        }
        let general_free = line
            .general
            .and_then(|r| r.parsed)
            .is_some_and(tariff_schedule::cell_is_free);
        if general_free {
            for p in self.programs.iter() {
                let named = matches!(&p.countries, tariff_hts::program::Countries::Only(list) if list.iter().any(|c| c == origin));
                if named
                    && self
                        .programs
                        .claim_on_free_line(&p.code, origin, date)
                        .is_claim_valid()
                {
                    push(&p.code);
                }
            }
        }
        Ok(out)
    }

    /// What an importer would claim: the entry quoted under each program open to its goods
    /// ([`Engine::claimable_programs`]), or without a claim when none is; the quote with the
    /// lowest total duty (the first listed on a tie) and the program claimed. A claim that
    /// cannot be quoted is passed over; when none can, the first one's error is the answer.
    /// The entry's own `spi` is ignored.
    pub fn best_claim(&self, e: &Entry) -> Result<(Quote, Option<String>), QuoteError> {
        let claims = self.claimable_programs(&e.hts, &e.origin, e.entry_date)?;
        let mut entry = e.clone();
        let mut best: Option<(Quote, Option<String>)> = None;
        let mut failed = None;
        let no_claim = claims.is_empty();
        for spi in claims {
            entry.spi = Some(Spi::from(spi));
            // A claim the engine cannot price (a specific special rate without a quantity)
            // is passed over when another can be priced; when none can, the answer is the
            // error, not the price without a claim.
            match self.quote_once(&entry) {
                Ok((q, _)) => {
                    if best
                        .as_ref()
                        .is_none_or(|(b, _)| q.total_duty < b.total_duty)
                    {
                        best = Some((q, entry.spi.as_deref().map(String::from)));
                    }
                }
                Err(err) => {
                    failed.get_or_insert(err);
                }
            }
        }
        match (best, failed) {
            (Some(best), _) => Ok(best),
            (None, Some(err)) if !no_claim => Err(err),
            _ => {
                entry.spi = None;
                Ok((self.quote_once(&entry)?.0, None))
            }
        }
    }

    /// Warns where another program open to the goods would remove a Chapter 99 duty that the
    /// claimed one leaves in place: each alternative is quoted, and a measure line charging a
    /// rate here that is absent from its quote, or charges less there, is named. Compared by
    /// heading and rate, not amount, so the warning does not move with the value.
    fn better_claims(
        &self,
        e: &Entry,
        quote: &mut Quote,
        valid: &mut Validity,
    ) -> Result<(), QuoteError> {
        let claimed = e.spi.as_deref().unwrap_or_default();
        let base = |c: &str| c.trim_end_matches(['*', '+']).to_ascii_uppercase();
        let others: Vec<String> = self
            .claimable_programs(&e.hts, &e.origin, e.entry_date)?
            .into_iter()
            .filter(|c| base(c) != base(claimed))
            .collect();
        for alt in others {
            let mut other = e.clone();
            other.spi = Some(Spi::from(alt.as_str()));
            // A program whose rate cannot be applied here (a specific special rate without a
            // quantity) is no alternative today; it may be on another day.
            let Ok((q, v)) = self.quote_once(&other) else {
                valid.only_day();
                continue;
            };
            valid.merge(&v);
            let rate = |l: &DutyLine| l.rate_percent.unwrap_or_default();
            let removed: Vec<String> = quote
                .lines
                .iter()
                .filter(|l| l.measure.is_some() && rate(l) > Decimal::ZERO)
                .filter(|l| {
                    !q.lines
                        .iter()
                        .any(|o| o.heading == l.heading && rate(o) >= rate(l))
                })
                .map(|l| format!("{} (+{}%)", l.heading, rate(l).normalize()))
                .collect();
            if removed.is_empty() {
                continue;
            }
            let name = self
                .programs
                .get(&alt)
                .map_or(alt.as_str(), |p| p.name.as_str());
            quote.warnings.push(Warning::new(WarningCode::BetterClaim, format!(
                "SPI {claimed} leaves in place {}, which a claim of {alt} ({name}) would remove: the goods of {} are also eligible for {alt} on this line on this date, if they meet its rules of origin",
                removed.join(", "),
                e.origin
            )));
        }
        Ok(())
    }

    /// Refuses an entry date after the schedule's horizon: the strict-dates option of quote,
    /// batch and the API. Without it such a date is quoted from the newest revision, with the
    /// warnings of [`Engine::quote`].
    pub fn check_strict_date(&self, date: jiff::civil::Date) -> Result<(), QuoteError> {
        self.schedule
            .check_strict(date)
            .map_err(QuoteError::DateOutOfRange)
    }

    /// The warnings every quote of `date` carries for the dataset's horizons: none on or
    /// before the schedule's; one after it; two after the law's.
    pub fn horizon_notes(&self, date: jiff::civil::Date) -> Vec<String> {
        let mut out = Vec::new();
        self.horizon_warnings(date, &mut out);
        out.into_iter().map(|w| w.text).collect()
    }

    /// The warnings of a date past the dataset's horizons (the schedule's line span stops at
    /// each horizon, so the quote's validity does too).
    fn horizon_warnings(&self, date: jiff::civil::Date, warnings: &mut Vec<Warning>) {
        let s = &self.schedule;
        let (horizon, _) = s.horizon(date);
        if horizon == Horizon::Within {
            return;
        }
        let last = s.last_revision();
        warnings.push(Warning::new(WarningCode::AfterScheduleHorizon, format!(
            "after the schedule's horizon: HTS {}, in force from {}, is the newest revision in the dataset, known in force through {}; later revisions are not in the dataset, so the line, its base rates and its footnotes are those of {}",
            last.name,
            last.effective_from,
            s.covered_through(),
            last.name
        )));
        if horizon == Horizon::AfterLaw {
            warnings.push(Warning::new(WarningCode::AfterLawHorizon, format!(
                "after the law's horizon: the dataset knows the legal actions through {} (its newest source); measures in force then are taken to continue as their instruments say, and later actions are not known",
                s.law_known_through()
            )));
        }
    }

    /// [`Engine::quote_valid`] without looking at other programs the goods could claim.
    fn quote_once(&self, e: &Entry) -> Result<(Quote, Validity), QuoteError> {
        let mut q = self.start(e)?;
        let candidates = self.candidates(&mut q);
        let stacking = stack(e, &candidates);
        let mut lines = self.duty_lines(&mut q, stacking);
        let fees = self.fees(e, q.base.spi_eligible, &mut q.warnings, &mut q.valid);
        self.statistical_split(&mut q);
        self.incomplete_warnings(&mut q);
        let Quoting {
            line,
            claim98,
            base,
            warnings,
            valid,
            ..
        } = q;
        lines.push(base.line);
        let (total_duty, ieepa_duty, effective_rate) = totals(e, &lines)?;
        Ok((
            Quote {
                hts: line.code.to_string(),
                description: line.description.to_string(),
                origin: e.origin.clone(),
                entry_date: e.entry_date,
                value: e.value,
                revision: line.revision.to_string(),
                chapter98: claim98.as_ref().map(|c| c.provision.to_string()),
                lines,
                total_duty,
                effective_rate,
                ieepa_duty,
                fees,
                warnings,
            },
            valid,
        ))
    }

    /// The entry checked, its schedule line in force, the horizons' warnings, a Chapter 98
    /// claim and the base duty.
    fn start<'q>(&'q self, e: &'q Entry) -> Result<Quoting<'q>, QuoteError> {
        let mut warnings = Vec::new();
        let mut valid = Validity::new(e.entry_date);
        self.check_input(e)?;
        let (line, line_span) = self
            .schedule
            .entry_line_span(&e.hts, e.entry_date)
            .map_err(|err| QuoteError::lookup(Field::Hts, err))?;
        valid.narrow(&line_span);
        self.horizon_warnings(e.entry_date, &mut warnings);
        let claim98 = self.chapter98_claim(e, &line, &mut valid, &mut warnings)?;
        let base = match &claim98 {
            None => self.base_duty(e, &line, &mut warnings, &mut valid)?,
            // A provision with its own rate (9801.00.10: Free) replaces the article's.
            Some(c) if c.value_added.is_none() => {
                self.base_duty(e, &c.line, &mut warnings, &mut valid)?
            }
            Some(c) => self.value_added_base(
                e,
                c,
                self.base_duty(e, &line, &mut warnings, &mut valid)?,
                &mut valid,
            ),
        };
        Ok(Quoting {
            e,
            country: self.measures.country_slot(&e.origin),
            line,
            claim98,
            base,
            warnings,
            valid,
        })
    }

    /// Stage 1, the candidates: the measures in force for the origin and the goods whose
    /// conditions hold, by precedence. A measure of the goods and origin not in force on the
    /// date still bounds the validity where it starts or ends.
    fn candidates<'q>(&'q self, q: &mut Quoting<'q>) -> Vec<&'q Measure> {
        let Quoting {
            e,
            line,
            base,
            warnings,
            valid,
            country,
            ..
        } = q;
        let refs = &line.references;
        let prefixes = tariff_measures::hts_prefixes(&e.hts);
        let chapter = e.hts.chapter();
        let mut candidates: Vec<&Measure> = Vec::new();
        for &i in self.measures.for_country(*country) {
            let i = i as usize;
            let m = &self.measures.all()[i];
            if m.declared_only
                || !self.measures.may_cover_chapter(i, chapter)
                || facts_exclude(m, e, base.spi_eligible)
            {
                continue;
            }
            if !m.effective.contains(e.entry_date) {
                if valid.would_narrow(&m.effective)
                    && self.covers_goods(i, m, &prefixes, chapter, refs)
                {
                    valid.narrow(&m.effective);
                }
                continue;
            }
            if !self.covers_goods(i, m, &prefixes, chapter, refs) {
                continue;
            }
            valid.narrow(&m.effective);
            if self.conditions_hold(m, e, base, warnings, valid) {
                candidates.push(m);
            }
        }
        candidates.sort_by(|a, b| b.precedence.cmp(&a.precedence).then(a.id.cmp(&b.id)));
        candidates
    }

    /// Stage 3, the amounts: each applied measure's line on its basis (less what other
    /// measures take out of it), on the metal contents given or assumed; the $0 lines of the
    /// headings declared; in reporting order (the base duty follows them).
    fn duty_lines<'q>(&'q self, q: &mut Quoting<'q>, stacking: Stacking<'q>) -> Vec<DutyLine> {
        let Stacking {
            applied,
            reduced,
            mut carves,
            mut declared,
        } = stacking;
        let e = q.e;
        let contents = self.contents(e, &applied, &mut q.warnings);
        for c in carves.iter_mut() {
            c.value = contents.charged_value(c.measure, e);
        }
        let mut lines: Vec<(usize, DutyLine)> = Vec::new();
        for m in applied {
            let portion_off: Decimal = reduced
                .iter()
                .filter(|(id, _)| *id == m.id)
                .map(|(_, p)| self.portion_value(*p, e))
                .sum();
            let mut carved = Decimal::ZERO;
            if charges(m) {
                for c in carves.iter_mut() {
                    if c.rule.from.iter().any(|t| t.names(m)) {
                        carved += c.value;
                        c.used = true;
                    }
                }
            }
            let Some(dl) = self.measure_line(q, m, &contents, portion_off, carved) else {
                continue;
            };
            lines.push((self.measures.report_rank(m.authority), dl));
        }
        for c in carves.iter().filter(|c| c.used) {
            if let Some(d) = &c.rule.declare {
                add_declared(&mut declared, d, c.value);
            }
        }
        for (id, value) in declared {
            if let Some((rank, dl)) =
                self.declaration_line(id, value, q.country, &q.line, &mut q.valid)
            {
                lines.push((rank, dl));
            }
        }
        lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.heading.cmp(&b.1.heading)));
        lines.into_iter().map(|(_, l)| l).collect()
    }

    /// An entry given at 8 digits where a measure in force names particular statistical
    /// numbers under that subheading: the stack may depend on the 10-digit number.
    fn statistical_split(&self, q: &mut Quoting<'_>) {
        let e = q.e;
        if e.hts.len() != 8 {
            return;
        }
        let Ok(code8) = e.hts.digits().parse::<u64>() else {
            return;
        };
        let split: BTreeSet<String> = self
            .measures
            .for_country(q.country)
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| self.measures.splits_below(i, code8))
            .map(|i| &self.measures.all()[i])
            .filter(|m| q.valid.in_force(&m.effective))
            .map(|m| m.label())
            .collect();
        if !split.is_empty() {
            q.warnings.push(Warning::new(WarningCode::StatisticalSplit, format!(
                "{} is an 8-digit subheading, and {} name particular 10-digit statistical numbers under it: give the 10-digit number for the exact stack",
                e.hts,
                split.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }

    /// The duties that apply but that the data does not model (`not_modeled`), or that the
    /// line's footnotes reference and the data does not yet encode.
    fn incomplete_warnings(&self, q: &mut Quoting<'_>) {
        let e = q.e;
        let refs = &q.line.references;
        for nm in self.measures.not_modeled() {
            // Goods: named by a footnote reference or a number prefix (any goods when neither
            // is given); origin and date narrow it further.
            let by_note = refs.iter().any(|r| {
                nm.footnote_prefixes
                    .iter()
                    .any(|p| starts_with_dotted(r.digits(), p))
            });
            let by_number = nm
                .hts_prefixes
                .iter()
                .any(|p| e.hts.digits().starts_with(p.as_str()));
            let any_goods = nm.footnote_prefixes.is_empty() && nm.hts_prefixes.is_empty();
            let origin = nm.countries.is_empty() || nm.countries.contains(&e.origin);
            if !((any_goods || by_note || by_number) && origin) {
                continue;
            }
            if nm.effective.as_ref().is_none_or(|i| q.valid.in_force(i)) {
                q.warnings.push(Warning::new(
                    WarningCode::NotModeled,
                    format!("incomplete: {} ({})", nm.note, nm.authority.name()),
                ));
            }
        }
        for r in refs {
            if let Some((reason, countries)) = self.not_encoded.get(r)
                && (countries.is_empty() || countries.contains(&e.origin))
            {
                q.warnings.push(Warning::new(WarningCode::NotEncoded, format!(
                    "incomplete: {r}, which the line's footnotes reference, is not yet encoded: {reason}"
                )));
            }
        }
    }

    fn check_input(&self, e: &Entry) -> Result<(), QuoteError> {
        if e.hts.len() < 8 {
            return Err(input(
                Field::Hts,
                format!(
                    "{} is a heading; an entry line needs an 8- or 10-digit number",
                    e.hts
                ),
            ));
        }
        if !self.measures.countries().is_country(&e.origin) {
            return Err(input(
                Field::Origin,
                format!("{:?} is not an ISO 3166 alpha-2 country code", e.origin),
            ));
        }
        if let Some(x) = &e.export_country
            && !self.measures.countries().is_country(x)
        {
            return Err(input(
                Field::ExportCountry,
                format!("{x:?} is not an ISO 3166 alpha-2 country code"),
            ));
        }
        if e.value.is_sign_negative() {
            return Err(input(Field::Value, format!("{} is negative", e.value)));
        }
        if e.value > MAX_AMOUNT {
            return Err(input(
                Field::Value,
                format!("{} is larger than the limit of {MAX_AMOUNT}", e.value),
            ));
        }
        if let Some(w) = e.metal_weight_percent
            && (w.is_sign_negative() || w > HUNDRED)
        {
            return Err(input(
                Field::MetalWeightPercent,
                format!("{w} is not a percentage from 0 to 100"),
            ));
        }
        for d in &e.declared {
            match HtsCode::parse(d.trim()) {
                Ok(h) if h.digits().starts_with("9903") && h.len() == 8 => {}
                _ => {
                    return Err(input(
                        Field::Declared,
                        format!("{d:?} is not a Chapter 99 heading (9903.xx.xx)"),
                    ));
                }
            }
        }
        let fields = [
            (Field::Quantity, e.quantity),
            (Field::UsContent, e.us_content),
            (Field::SteelContent, e.steel_content),
            (Field::AluminumContent, e.aluminum_content),
            (Field::CopperContent, e.copper_content),
            (Field::ProcessingValue, e.processing_value),
            (Field::UsComponents, e.us_components),
        ];
        for (field, v) in fields {
            if let Some(v) = v {
                if v.is_sign_negative() {
                    return Err(input(field, format!("{v} is negative")));
                }
                if v > MAX_AMOUNT {
                    return Err(input(
                        field,
                        format!("{v} is larger than the limit of {MAX_AMOUNT}"),
                    ));
                }
                if field != Field::Quantity && v > e.value {
                    return Err(input(
                        field,
                        format!("{v} exceeds the customs value {}", e.value),
                    ));
                }
            }
        }
        Ok(())
    }

    fn base_duty(
        &self,
        e: &Entry,
        line: &EntryLine<'_>,
        warnings: &mut Vec<Warning>,
        valid: &mut Validity,
    ) -> Result<Base, QuoteError> {
        let rates = LineRates { e, line };
        let general = first_rate(line.general);
        let general_ave = general.and_then(|(_, r)| rates.ave(r));
        let general_fixed = general.is_some_and(|(_, r)| rates.fixed(r));
        let source = line.rates_from.unwrap_or(line.code);
        // The base of a rate of the line: its line, charged on the full value, and its ad
        // valorem equivalent beside the general rate's.
        let base = |column: Column,
                    (text, rate): (String, &Rate),
                    description: String,
                    citation: String,
                    note: Option<String>,
                    spi_eligible: bool|
         -> Result<Base, QuoteError> {
            let amount = cents(rates.amount(rate, &text)?);
            Ok(Base {
                line: DutyLine {
                    description,
                    citation,
                    note,
                    ..base_line(line, e, column, text, rate, amount)
                },
                general_ave,
                applied_ave: rates.ave(rate),
                fixed_ave: (general_fixed, rates.fixed(rate)),
                spi_eligible,
            })
        };

        // Column 2.
        for c in self.measures.column2_entries().iter() {
            if c.countries.contains(&e.origin) {
                valid.narrow(&c.effective);
            }
        }
        if let Some(c2) = self.measures.column2(&e.origin, e.entry_date) {
            let (text, rate) = first_rate(line.other).ok_or_else(|| QuoteError::NoColumn2Rate {
                code: line.code.to_string(),
            })?;
            return base(
                Column::Column2,
                (text.to_string(), rate),
                format!("column 2 rate of {source} for goods of {}", e.origin),
                format!(
                    "HTSUS {source} ({}), column 2; {}",
                    line.revision, c2.citation
                ),
                c2.note.clone(),
                false,
            );
        }

        // Special program.
        let mut free_line_claim = None;
        if let Some(spi) = &e.spi {
            match self.claim(e, line, spi, warnings, valid) {
                Claimed::Special { rate, eligibility } => {
                    let program = self.programs.get(spi);
                    return base(
                        Column::Special,
                        (rate.to_string(), rate),
                        format!(
                            "special rate of {source} under {}",
                            program.map(|p| p.name.as_str()).unwrap_or(spi)
                        ),
                        format!(
                            "HTSUS {source} ({}), column 1 special ({spi}); {}",
                            line.revision,
                            program.map(|p| p.citation.as_str()).unwrap_or("")
                        ),
                        Some(eligibility),
                        true,
                    );
                }
                Claimed::FreeLine(eligibility) => free_line_claim = Some(eligibility),
                Claimed::Refused => {}
            }
        }

        let (text, rate) = general.ok_or_else(|| {
            input(
                Field::Hts,
                format!(
                    "{} has no parsed column 1 general rate in {}",
                    line.code, line.revision
                ),
            )
        })?;
        let spi_eligible = free_line_claim.is_some();
        base(
            Column::General,
            (text.to_string(), rate),
            format!("column 1 general rate of {source}"),
            format!("HTSUS {source} ({}), column 1 general", line.revision),
            free_line_claim,
            spi_eligible,
        )
    }

    /// What the program claimed gives on the line: its special rate; on a line whose general
    /// rate is Free, the claim alone (it stands for the program's other effects); or nothing,
    /// with a warning saying why. Eligibility turns on the programs' dates.
    fn claim<'l>(
        &self,
        e: &Entry,
        line: &EntryLine<'l>,
        spi: &str,
        warnings: &mut Vec<Warning>,
        valid: &mut Validity,
    ) -> Claimed<'l> {
        let after = self.program_dates.partition_point(|d| *d <= e.entry_date);
        if let Some(d) = after.checked_sub(1).map(|i| self.program_dates[i]) {
            valid.split_at(d);
        }
        if let Some(d) = self.program_dates.get(after) {
            valid.split_at(*d);
        }
        let general_free = line
            .general
            .and_then(|r| r.parsed)
            .is_some_and(tariff_schedule::cell_is_free);
        let (eligibility, special) = tariff_schedule::claim_in_line(
            &self.programs,
            general_free,
            line.special.and_then(|r| r.parsed),
            e.entry_date,
            spi,
            &e.origin,
        );
        if let Some(rate) = special {
            return Claimed::Special {
                rate,
                eligibility: eligibility.to_string(),
            };
        }
        if eligibility.is_claim_valid() {
            return Claimed::FreeLine(eligibility.to_string());
        }
        // A refusal for a program not in force quotes the date.
        if matches!(
            eligibility,
            tariff_hts::program::Eligibility::ProgramNotInForce { .. }
        ) {
            valid.only_day();
        }
        warnings.push(Warning::new(
            WarningCode::SpiNotApplied,
            format!("SPI {spi} not applied: {eligibility}; column 1 general used"),
        ));
        Claimed::Refused
    }

    fn covers_goods(
        &self,
        index: usize,
        m: &Measure,
        prefixes: &[(u8, u64)],
        chapter: u8,
        refs: &[HtsCode],
    ) -> bool {
        let (hts_in, hts_out) = self.measures.hts_rule_match(index, prefixes);
        let (notes_in, notes_out) = self.measures.footnote_rules(index);
        let chapters = |rules: &[ProductRule]| {
            rules
                .iter()
                .any(|r| matches!(r, ProductRule::Chapters(chs) if chs.contains(&chapter)))
        };
        let noted = |codes: &[HtsCode]| codes.iter().any(|c| refs.contains(c));
        let included = m.products.include.is_empty()
            || hts_in
            || noted(notes_in)
            || chapters(&m.products.include);
        included && !hts_out && !noted(notes_out) && !chapters(&m.products.exclude)
    }

    /// The conditions that turn on the date, the value or the base rate, of a measure that
    /// [`facts_exclude`] has already let through (a measure it rules out says nothing, no
    /// warning, and does not bound the validity).
    fn conditions_hold(
        &self,
        m: &Measure,
        e: &Entry,
        base: &Base,
        warnings: &mut Vec<Warning>,
        valid: &mut Validity,
    ) -> bool {
        let c = &m.conditions;
        let mut base_rate = |t: &tariff_measures::BaseRateTest| {
            let (ave, fixed) = match t.against {
                FloorAgainst::General => (base.general_ave, base.fixed_ave.0),
                FloorAgainst::Applied => (base.applied_ave, base.fixed_ave.1),
            };
            valid.depends_on_value(!fixed);
            ave
        };
        if let Some(t) = &c.base_rate_at_least {
            match base_rate(t) {
                Some(r) if r >= t.percent => {}
                Some(_) => return false,
                None => {
                    warnings.push(Warning::new(WarningCode::NoAdValoremEquivalent, format!(
                        "{}: the column 1 rate has no ad valorem equivalent, so whether it is at least {}% is unknown; taken as below",
                        m.label(),
                        t.percent
                    )));
                    return false;
                }
            }
        }
        if let Some(t) = &c.base_rate_below
            && base_rate(t).is_some_and(|r| r >= t.percent)
        {
            return false;
        }
        if let Some(before) = c.entered_before
            && !valid.before(before)
        {
            return false;
        }
        if let Some(before) = c.loaded_before {
            match e.loaded_on {
                Some(d) if d < before => {}
                Some(_) => return false,
                None => {
                    // Only worth a warning while goods loaded before the cut-off could still
                    // be arriving: within IN_TRANSIT_WARNING_DAYS of it.
                    let limit = before
                        .checked_add(jiff::Span::new().days(IN_TRANSIT_WARNING_DAYS))
                        .ok();
                    let recent = limit.is_some_and(|limit| valid.before(limit));
                    if recent {
                        warnings.push(Warning::new(WarningCode::LoadingDateMissing, format!(
                        "{} ({}) applies to goods loaded before {before}; no loading date given, so it was not applied",
                        m.label(),
                        m.description
                    )));
                    }
                    return false;
                }
            }
        }
        if let Some(p) = c.us_content_at_least_percent {
            valid.depends_on_value(e.us_content.is_some());
            match e.us_content {
                Some(us) if !e.value.is_zero() && us / e.value * HUNDRED >= p => {}
                _ => return false,
            }
        }
        if let Some(p) = c.metal_weight_below_percent {
            match e.metal_weight_percent {
                Some(w) if w < p => {}
                Some(_) => return false,
                None => {
                    warnings.push(Warning::new(WarningCode::MetalWeightMissing, format!(
                        "{} ({}) applies when the metal is less than {p}% of the article's weight; no metal_weight_percent given, so it was not applied",
                        m.label(),
                        m.description
                    )));
                    return false;
                }
            }
        }
        true
    }

    /// The steel, aluminum and copper contents the applying measures are charged on: each as
    /// given; where a charged content is not given, CBP's instruction for an unknown content
    /// (`stacking.yaml`, `unknown_content`): the entire entered value, less the contents that
    /// are given. Where more than one charged content is unknown, that value goes to the one
    /// charged at the highest rate (steel, then aluminum, then copper on a tie) and the others
    /// are taken as 0: the contents assumed for one line never add up to more than its value.
    fn contents(&self, e: &Entry, applied: &[&Measure], warnings: &mut Vec<Warning>) -> Contents {
        let given = [e.steel_content, e.aluminum_content, e.copper_content];
        let mut value = given.map(Option::unwrap_or_default);
        // Per metal: the highest rate charged on it, and the headings charging it.
        let mut charged: [Option<(Decimal, Vec<String>)>; 3] = Default::default();
        for m in applied {
            if let MeasureRate::Additional { percent, basis, .. } = &m.rate
                && let Some(k) = metal_of(*basis)
            {
                let slot = charged[k].get_or_insert_with(|| (Decimal::ZERO, Vec::new()));
                slot.0 = slot.0.max(*percent);
                let label = m.label();
                if !slot.1.contains(&label) {
                    slot.1.push(label);
                }
            }
        }
        let unknown: Vec<usize> = (0..3)
            .filter(|&k| charged[k].is_some() && given[k].is_none())
            .collect();
        let rate = |k: usize| charged[k].as_ref().map_or(Decimal::ZERO, |c| c.0);
        // The highest rate; the first metal on a tie.
        let Some(pick) = unknown
            .iter()
            .copied()
            .reduce(|a, b| if rate(b) > rate(a) { b } else { a })
        else {
            return Contents {
                value,
                assumed_zero: [false; 3],
            };
        };
        let known: Decimal = given.iter().flatten().sum();
        value[pick] = (e.value - known).max(Decimal::ZERO);
        let headings: Vec<String> = unknown
            .iter()
            .flat_map(|&k| charged[k].iter().flat_map(|c| c.1.iter().cloned()))
            .collect();
        let fields: Vec<String> = unknown
            .iter()
            .map(|&k| format!("{}_content", METALS[k]))
            .collect();
        let rest = if known.is_zero() {
            "the entire customs value"
        } else {
            "the customs value less the contents given"
        };
        let others: Vec<&str> = unknown
            .iter()
            .filter(|&&k| k != pick)
            .map(|&k| METALS[k])
            .collect();
        let split = if others.is_empty() {
            String::new()
        } else {
            format!(
                "; the contents assumed for one line never add up to more than its value, so the {} content is taken as 0 and the value goes to the {} content, charged at the highest rate",
                others.join(" and "),
                METALS[pick]
            )
        };
        let rule = self
            .measures
            .unknown_content()
            .map(|u| format!(" ({})", u.citation))
            .unwrap_or_default();
        warnings.push(Warning::new(WarningCode::ContentAssumed, format!(
            "{}: the duty is charged on the value of a metal content, which was not given (entry field {}): as CBP instructs for an unknown content, the {} content is taken to be {rest}, and no part of that value is left to the duties it carves that content out of{split}{rule}; give {} for the exact duty",
            headings.join(", "),
            fields.join(", "),
            METALS[pick],
            fields.join(" and "),
        )));
        let mut assumed_zero = [false; 3];
        for &k in unknown.iter().filter(|&&k| k != pick) {
            assumed_zero[k] = true;
        }
        Contents {
            value,
            assumed_zero,
        }
    }

    /// The Chapter 98 claim of an entry: the provision given as `chapter98` (with `hts` the
    /// article), or a Chapter 98 number given as `hts`; its line in force, and for a
    /// value-added provision (`stacking.yaml`) the part of the value it charges, from
    /// `processing_value` or `us_components`.
    fn chapter98_claim<'s>(
        &'s self,
        e: &Entry,
        line: &EntryLine<'s>,
        valid: &mut Validity,
        warnings: &mut Vec<Warning>,
    ) -> Result<Option<Claim98<'s>>, QuoteError> {
        let (provision, own) = match e.chapter98 {
            Some(p) => (p, false),
            None if e.hts.chapter() == 98 => (e.hts, true),
            None => {
                if e.processing_value.is_some() || e.us_components.is_some() {
                    warnings.push(Warning::new(WarningCode::Chapter98FieldsIgnored,
                        "processing_value and us_components apply only to an entry claimed under a Chapter 98 provision (chapter98); ignored".into(),
                    ));
                }
                return Ok(None);
            }
        };
        if provision.chapter() != 98 || provision.len() < 8 {
            return Err(input(
                Field::Chapter98,
                format!(
                    "{provision} is not a Chapter 98 provision (an 8- or 10-digit number of chapter 98)"
                ),
            ));
        }
        if !own && e.hts.chapter() == 98 {
            return Err(input(
                Field::Hts,
                format!(
                    "{} is in chapter 98: with chapter98 given, hts is the article's Chapter 1-97 number",
                    e.hts
                ),
            ));
        }
        let pline = if own {
            line.clone()
        } else {
            let (pline, span) = self
                .schedule
                .entry_line_span(&provision, e.entry_date)
                .map_err(|err| QuoteError::lookup(Field::Chapter98, err))?;
            valid.narrow(&span);
            pline
        };
        let value_added = match self.measures.chapter98().value_added(&provision) {
            None => None,
            Some(va) => {
                if own {
                    return Err(input(
                        Field::Hts,
                        format!(
                            "{provision} charges the rate of the article on a part of its value: give the article's Chapter 1-97 number as hts and {provision} as chapter98"
                        ),
                    ));
                }
                let dutiable = match va.dutiable {
                    Dutiable::ProcessingValue => e.processing_value.ok_or_else(|| {
                        input(
                            Field::ProcessingValue,
                            format!("{provision} charges duty on the value of the repairs, alterations or processing performed abroad: give it as processing_value"),
                        )
                    })?,
                    Dutiable::ValueLessUsComponents => {
                        let us = e.us_components.ok_or_else(|| {
                            input(
                                Field::UsComponents,
                                format!("{provision} charges duty on the full value less the cost or value of the US products assembled abroad: give it as us_components"),
                            )
                        })?;
                        e.value - us
                    }
                };
                Some((va, dutiable))
            }
        };
        Ok(Some(Claim98 {
            provision: pline.code,
            line: pline,
            value_added,
        }))
    }

    /// The base duty of an entry under a value-added provision: the article's rate on the
    /// part of the value the provision charges (an ad valorem rate on that value; another
    /// rate's amount in proportion, as U.S. note 3(c) converts it), or the provision's special
    /// rate where the program claimed gives it (Free under USMCA and the other agreements).
    fn value_added_base(
        &self,
        e: &Entry,
        c: &Claim98<'_>,
        mut base: Base,
        valid: &mut Validity,
    ) -> Base {
        let Some((va, dutiable)) = c.value_added else {
            return base;
        };
        let free_under = e.spi.as_deref().and_then(|spi| {
            let (eligibility, rate) = tariff_schedule::special_rate_in_cell(
                &self.programs,
                c.line.special.and_then(|r| r.parsed),
                e.entry_date,
                spi,
                &e.origin,
            );
            matches!(rate, Some(Rate::Free)).then(|| eligibility.to_string())
        });
        let l = &mut base.line;
        if let Some(why) = free_under {
            l.authority = LineSource::Base(Column::Special);
            l.rate = "Free".into();
            l.rate_percent = Some(Decimal::ZERO);
            l.amount = cents(Decimal::ZERO);
            l.note = Some(format!("{} {why}", c.provision));
            base.spi_eligible = true;
        } else {
            let share = |amount: Decimal| {
                if e.value.is_zero() {
                    Decimal::ZERO
                } else {
                    scaled(amount, dutiable, e.value)
                }
            };
            l.amount = cents(match l.rate_percent {
                Some(p) => dutiable * p / HUNDRED,
                None => share(l.amount),
            });
            if l.rate_percent.is_none() {
                valid.depends_on_value(true);
            }
        }
        l.basis = va.dutiable.name().into();
        l.basis_value = dutiable;
        l.description = format!(
            "{} under chapter 98 provision {}",
            l.description, c.provision
        );
        l.citation = format!("{}; {}", l.citation, va.citation);
        base
    }

    /// What a Chapter 98 claim does to a measure (`stacking.yaml`, `chapter98`).
    fn chapter98_effect(&self, m: &Measure, c: &Claim98<'_>) -> Ch98Effect {
        let Some(rule) = self.measures.chapter98().rule(m) else {
            return Ch98Effect::Full(Some(format!(
                "chapter 98 provision {} does not reduce this duty: its instrument has no chapter 98 clause",
                c.provision
            )));
        };
        let full_value = rule
            .full_value
            .iter()
            .any(|p| c.provision.digits().starts_with(p.digits()));
        match (rule.treatment, c.value_added) {
            (Chapter98Treatment::NoRelief, _) => Ch98Effect::Full(Some(format!(
                "chapter 98 provision {} does not reduce this duty ({})",
                c.provision, rule.citation
            ))),
            (Chapter98Treatment::ValueAddedOnly, None) => Ch98Effect::Exempt(format!(
                "not applied: entry claimed under chapter 98 provision {} ({})",
                c.provision, rule.citation
            )),
            (Chapter98Treatment::FollowsProvision, None) => Ch98Effect::Full(Some(format!(
                "chapter 98 provision {} does not reduce this duty ({})",
                c.provision, rule.citation
            ))),
            (Chapter98Treatment::FollowsProvision, Some(_)) if full_value => {
                Ch98Effect::Full(Some(format!(
                    "charged on the full value under chapter 98 provision {} ({})",
                    c.provision, rule.citation
                )))
            }
            (_, Some((va, dutiable))) => Ch98Effect::Scale {
                dutiable,
                name: va.dutiable.name(),
                note: format!(
                    "charged on the part of the value chapter 98 provision {} charges ({})",
                    c.provision, rule.citation
                ),
            },
        }
    }

    fn portion_value(&self, p: Portion, e: &Entry) -> Decimal {
        match p {
            Portion::UsContent => e.us_content.unwrap_or_default(),
        }
    }

    /// The duty line of an applying measure; `None` when carve-outs took its whole basis (it
    /// then has nothing left to charge and is not reported).
    fn measure_line(
        &self,
        q: &mut Quoting<'_>,
        m: &Measure,
        contents: &Contents,
        portion_off: Decimal,
        carved: Decimal,
    ) -> Option<DutyLine> {
        let Quoting {
            e,
            line,
            claim98,
            base,
            warnings,
            valid,
            ..
        } = q;
        let (e, claim98) = (*e, claim98.as_ref());
        // Whether a carve-out takes the whole basis turns on content values when given.
        if !carved.is_zero() && has_content(e) {
            valid.depends_on_value(true);
        }
        let heading = m.label();
        let ieepa = m.refundable.unwrap_or(m.authority.is_ieepa());
        let citation = format!("{}; HTS revision {}", m.citation, line.revision);
        let mut dl = DutyLine {
            heading,
            authority: LineSource::Measure(m.authority),
            measure: Some(m.id.clone()),
            description: m.description.clone(),
            rate: String::new(),
            rate_percent: None,
            basis: "full_value".into(),
            basis_value: e.value,
            amount: Decimal::ZERO,
            citation,
            note: None,
            ieepa,
        };
        let effect = claim98.map_or(Ch98Effect::Full(None), |c| self.chapter98_effect(m, c));
        if let Ch98Effect::Exempt(note) = &effect
            && charges(m)
        {
            dl.rate = "no additional duty".into();
            dl.rate_percent = Some(Decimal::ZERO);
            dl.basis = "chapter98".into();
            dl.amount = cents(Decimal::ZERO);
            dl.note = Some(note.clone());
            return Some(dl);
        }
        let mut dl = self.charged_line(
            m,
            e,
            contents,
            base,
            portion_off,
            carved,
            dl,
            warnings,
            valid,
        )?;
        match effect {
            Ch98Effect::Scale {
                dutiable,
                name,
                note,
            } if charges(m) => {
                let share = if e.value.is_zero() {
                    Decimal::ZERO
                } else {
                    cents(scaled(dl.basis_value, dutiable, e.value))
                };
                dl.basis = if dl.basis == "full_value" {
                    name.to_string()
                } else {
                    format!("{}_share_of_{name}", dl.basis)
                };
                dl.basis_value = share;
                dl.amount = cents(share * dl.rate_percent.unwrap_or_default() / HUNDRED);
                dl.note = Some(match dl.note.take() {
                    Some(n) => format!("{n}; {note}"),
                    None => note,
                });
            }
            Ch98Effect::Full(Some(note)) if charges(m) => {
                dl.note = Some(match dl.note.take() {
                    Some(n) => format!("{n}; {note}"),
                    None => note,
                });
            }
            _ => {}
        }
        Some(dl)
    }

    /// The line of a measure that applies, charged on its basis.
    #[allow(clippy::too_many_arguments)]
    fn charged_line(
        &self,
        m: &Measure,
        e: &Entry,
        contents: &Contents,
        base: &Base,
        portion_off: Decimal,
        carved: Decimal,
        mut dl: DutyLine,
        warnings: &mut Vec<Warning>,
        valid: &mut Validity,
    ) -> Option<DutyLine> {
        match &m.rate {
            MeasureRate::Additional {
                percent,
                basis,
                text,
            } => {
                if metal_of(*basis).is_some_and(|k| contents.assumed_zero[k]) {
                    return None;
                }
                let mut value = contents.basis_value(*basis, e);
                let mut basis_name = basis.name().to_string();
                if !portion_off.is_zero() {
                    value = (value - portion_off).max(Decimal::ZERO);
                    basis_name = "non_us_content".into();
                }
                if !carved.is_zero() {
                    if value <= carved {
                        return None;
                    }
                    value -= carved;
                    basis_name = carved_basis_name(&basis_name);
                }
                dl.rate = text.clone();
                dl.rate_percent = Some(*percent);
                dl.basis = basis_name;
                dl.basis_value = value;
                dl.amount = cents(value * *percent / HUNDRED);
            }
            MeasureRate::Floor {
                percent,
                against,
                text,
            } => {
                let (base_ave, label, fixed) = match against {
                    FloorAgainst::General => {
                        (base.general_ave, "column 1 general", base.fixed_ave.0)
                    }
                    FloorAgainst::Applied => {
                        (base.applied_ave, "applied column 1", base.fixed_ave.1)
                    }
                };
                valid.depends_on_value(!fixed);
                let base_ave =
                    base_ave.unwrap_or_else(|| {
                        warnings.push(Warning::new(WarningCode::NoAdValoremEquivalent, format!(
                        "{}: the {label} rate has no ad valorem equivalent here; taken as 0%",
                        dl.heading
                    )));
                        Decimal::ZERO
                    });
                let extra = (*percent - base_ave).max(Decimal::ZERO);
                let mut value = e.value;
                if !portion_off.is_zero() {
                    value = (value - portion_off).max(Decimal::ZERO);
                    dl.basis = "non_us_content".into();
                }
                if !carved.is_zero() {
                    if value <= carved {
                        return None;
                    }
                    value -= carved;
                    dl.basis = carved_basis_name(&dl.basis);
                }
                dl.rate = format!(
                    "{text} ({percent}% all-in floor less {label} {})",
                    base_ave.normalize()
                );
                dl.rate_percent = Some(extra.normalize());
                dl.basis_value = value;
                dl.amount = cents(value * extra / HUNDRED);
                dl.note = Some(format!(
                    "floor: {percent}% inclusive of the {label} rate ({}%)",
                    base_ave.round_dp(4).normalize()
                ));
            }
            MeasureRate::Exempt { reason, portion } => {
                dl.rate = "no additional duty".into();
                dl.rate_percent = Some(Decimal::ZERO);
                dl.amount = cents(Decimal::ZERO);
                dl.note = Some(format!("exempt: {reason}"));
                if let Some(p) = portion {
                    dl.basis = "us_content".into();
                    dl.basis_value = self.portion_value(*p, e);
                }
            }
        }
        Some(dl)
    }

    /// The $0 line of a `declared_only` measure named by a carve-out, on the value carved out,
    /// with its reporting rank; `None` when it is not in force for the entry.
    fn declaration_line(
        &self,
        id: &str,
        value: Decimal,
        country: CountrySlot,
        line: &EntryLine<'_>,
        valid: &mut Validity,
    ) -> Option<(usize, DutyLine)> {
        let i = self.measures.index_of(id)?;
        let m = &self.measures.all()[i];
        if !self.measures.covers_country_at(i, country) {
            return None;
        }
        if !valid.in_force(&m.effective) {
            return None;
        }
        let reason = match &m.rate {
            MeasureRate::Exempt { reason, .. } => reason.as_str(),
            _ => "",
        };
        let dl = DutyLine {
            heading: m
                .heading
                .map(|h| h.to_string())
                .unwrap_or_else(|| m.id.clone()),
            authority: LineSource::Measure(m.authority),
            measure: Some(m.id.clone()),
            description: m.description.clone(),
            rate: "no additional duty".into(),
            rate_percent: Some(Decimal::ZERO),
            basis: "carved_out".into(),
            basis_value: value,
            amount: cents(Decimal::ZERO),
            citation: format!("{}; HTS revision {}", m.citation, line.revision),
            note: Some(format!("exempt: {reason}")),
            ieepa: m.refundable.unwrap_or(m.authority.is_ieepa()),
        };
        Some((self.measures.report_rank(m.authority), dl))
    }

    fn fees(
        &self,
        e: &Entry,
        spi_eligible: bool,
        warnings: &mut Vec<Warning>,
        valid: &mut Validity,
    ) -> FeeSummary {
        let mut lines = Vec::new();
        for m in &self.measures.fees().mpf {
            valid.narrow(&m.effective);
        }
        match self.measures.fees().mpf_at(e.entry_date) {
            Some(mpf) => {
                let exempt = spi_eligible
                    && e.spi
                        .as_deref()
                        .is_some_and(|s| mpf.exempt_spi.iter().any(|x| x == s));
                let raw = cents(e.value * mpf.percent / HUNDRED);
                let (amount, note) = if exempt {
                    (
                        cents(Decimal::ZERO),
                        Some(format!(
                            "exempt: originating goods under SPI {}",
                            e.spi.clone().unwrap_or_default()
                        )),
                    )
                } else if raw < mpf.minimum {
                    (
                        mpf.minimum,
                        Some(format!("minimum ${} (FY{})", mpf.minimum, mpf.fiscal_year)),
                    )
                } else if raw > mpf.maximum {
                    (
                        mpf.maximum,
                        Some(format!("maximum ${} (FY{})", mpf.maximum, mpf.fiscal_year)),
                    )
                } else {
                    (raw, None)
                };
                lines.push(FeeLine {
                    fee: "mpf".into(),
                    percent: mpf.percent,
                    amount,
                    citation: mpf.citation.clone(),
                    note,
                });
            }
            None => {
                valid.only_day();
                warnings.push(Warning::new(
                    WarningCode::FeeRateMissing,
                    format!("no MPF rate in the data for {}", e.entry_date),
                ))
            }
        }
        if e.mode == Some(Mode::Vessel) {
            for m in &self.measures.fees().hmf {
                valid.narrow(&m.effective);
            }
            match self.measures.fees().hmf_at(e.entry_date) {
                Some(hmf) => lines.push(FeeLine {
                    fee: "hmf".into(),
                    percent: hmf.percent,
                    amount: cents(e.value * hmf.percent / HUNDRED),
                    citation: hmf.citation.clone(),
                    note: None,
                }),
                None => {
                    valid.only_day();
                    warnings.push(Warning::new(
                        WarningCode::FeeRateMissing,
                        format!("no HMF rate in the data for {}", e.entry_date),
                    ))
                }
            }
        } else if e.mode.is_none() {
            warnings.push(Warning::new(
                WarningCode::ModeMissing,
                "no mode of transport given: HMF (vessel shipments only) not computed".into(),
            ));
        }
        let total = cents(lines.iter().map(|l| l.amount).sum());
        FeeSummary { lines, total }
    }
}

/// The first group's rate of a column, with the column's text.
/// Whether HTS digits (`99038801`) start with a dotted prefix (`9903.88`).
/// What a program claimed gives on a line ([`Engine::claim`]).
enum Claimed<'l> {
    /// Its special rate, with the eligibility that grants it.
    Special { rate: &'l Rate, eligibility: String },
    /// On a line whose general rate is Free: the claim alone, with its eligibility.
    FreeLine(String),
    /// Nothing: the claim was refused (a warning says why).
    Refused,
}

/// A schedule line's rates for an entry: their amounts and ad valorem equivalents on its
/// value and quantity.
struct LineRates<'a> {
    e: &'a Entry,
    line: &'a EntryLine<'a>,
}

impl LineRates<'_> {
    fn basis(&self) -> RateBasis {
        let mut b = RateBasis::new(self.e.value);
        if let Some(q) = self.e.quantity {
            b = b.with_quantity(q);
        }
        b
    }

    /// The duty at `rate` (whose text is `text`), not yet rounded: a specific rate without a
    /// quantity is refused naming the quantity.
    fn amount(&self, rate: &Rate, text: &str) -> Result<Decimal, QuoteError> {
        rate.amount(&self.basis()).map_err(|err| {
            if self.e.quantity.is_none() {
                QuoteError::NeedsQuantity {
                    code: self.line.code.to_string(),
                    rate: text.to_string(),
                    reason: err.to_string(),
                }
            } else {
                input(
                    Field::Hts,
                    format!("base rate {text:?} of {}: {err}", self.line.code),
                )
            }
        })
    }

    /// Its ad valorem equivalent, percent (none on a zero value, or without a quantity a
    /// specific rate needs).
    fn ave(&self, rate: &Rate) -> Option<Decimal> {
        if self.e.value.is_zero() {
            return None;
        }
        rate.amount(&self.basis())
            .ok()
            .map(|a| percent_of(a, self.e.value))
    }

    /// Whether its ad valorem equivalent is the same for every value and quantity.
    fn fixed(&self, rate: &Rate) -> bool {
        !self.e.value.is_zero() && ad_valorem_percent(rate).is_some()
    }
}

/// The base duty line of a schedule line's rate (`text`) in `column`, charged on the full
/// value; its description, citation and note are the caller's.
fn base_line(
    line: &EntryLine<'_>,
    e: &Entry,
    column: Column,
    text: String,
    rate: &Rate,
    amount: Decimal,
) -> DutyLine {
    DutyLine {
        heading: line.code.to_string(),
        authority: LineSource::Base(column),
        measure: None,
        description: String::new(),
        rate: text,
        rate_percent: ad_valorem_percent(rate),
        basis: "full_value".into(),
        basis_value: e.value,
        amount,
        citation: String::new(),
        note: None,
        ieepa: false,
    }
}

fn starts_with_dotted(digits: &str, dotted: &str) -> bool {
    let mut d = digits.bytes();
    dotted
        .bytes()
        .filter(|b| *b != b'.')
        .all(|p| d.next() == Some(p))
}

fn first_rate(r: Option<EntryRate<'_>>) -> Option<(&str, &Rate)> {
    let r = r?;
    Some((r.text.trim(), &r.parsed?.groups.first()?.rate))
}

/// A carve-out by an applying measure: the rule and the value it takes out; `used` once a
/// measure that charges has lost that value.
/// One quote in the making: the entry, the schedule line and base duty found for it, and
/// what every stage adds — warnings, and the validity every date compared narrows.
struct Quoting<'q> {
    e: &'q Entry,
    /// The origin's index among the measures' countries.
    country: CountrySlot,
    line: EntryLine<'q>,
    claim98: Option<Claim98<'q>>,
    base: Base,
    warnings: Vec<Warning>,
    valid: Validity,
}

/// Stage 2's result: what applies, what is switched off or reduced, what carves.
struct Stacking<'m> {
    /// The measures that apply, by precedence.
    applied: Vec<&'m Measure>,
    /// Exemption portions taken out of a measure's basis, by measure id.
    reduced: Vec<(&'m str, Portion)>,
    /// Carve-outs of a basis.
    carves: Vec<Carve<'m>>,
    /// $0 headings declared, with the value each covers.
    declared: Vec<(&'m str, Decimal)>,
}

/// Stage 2, stacking: walk the candidates by precedence; what applies switches off what it
/// excludes, or takes its portion out of their basis, and carves its own basis (or the whole
/// value) out of the measures its `carve_out` names.
fn stack<'m>(e: &Entry, candidates: &[&'m Measure]) -> Stacking<'m> {
    let mut off: BTreeSet<&str> = BTreeSet::new();
    let mut s = Stacking {
        applied: Vec::new(),
        reduced: Vec::new(),
        carves: Vec::new(),
        declared: Vec::new(),
    };
    for m in candidates {
        if off.contains(m.id.as_str()) {
            continue;
        }
        s.applied.push(m);
        for c in &m.carve_out {
            match c.portion {
                CarvePortion::All => {
                    let mut hit = false;
                    for t in &c.from {
                        for target in candidates.iter().filter(|o| o.id != m.id && t.names(o)) {
                            hit |= charges(target) && off.insert(target.id.as_str());
                        }
                    }
                    if hit && let Some(d) = &c.declare {
                        add_declared(&mut s.declared, d, e.value);
                    }
                }
                CarvePortion::Basis => s.carves.push(Carve {
                    rule: c,
                    measure: m,
                    value: Decimal::ZERO,
                    used: false,
                }),
            }
        }
        let portion = match &m.rate {
            MeasureRate::Exempt { portion, .. } => *portion,
            _ => None,
        };
        for t in &m.excludes {
            for target in candidates.iter().filter(|o| o.id != m.id && t.names(o)) {
                match portion {
                    Some(p) => s.reduced.push((target.id.as_str(), p)),
                    None => {
                        off.insert(target.id.as_str());
                    }
                }
            }
        }
    }
    s
}

/// The total duty (refused above [`MAX_DUTY`], naming the quantity or the value), its IEEPA
/// part and the effective rate.
fn totals(e: &Entry, lines: &[DutyLine]) -> Result<(Decimal, Decimal, Decimal), QuoteError> {
    let total_duty: Decimal = cents(lines.iter().map(|l| l.amount).sum());
    if total_duty > MAX_DUTY {
        let field = if e.quantity.is_some() {
            Field::Quantity
        } else {
            Field::Value
        };
        return Err(input(
            field,
            format!(
                "the duty would be {total_duty}, more than the largest amount the tools state ({MAX_DUTY})"
            ),
        ));
    }
    let ieepa_duty: Decimal = cents(lines.iter().filter(|l| l.ieepa).map(|l| l.amount).sum());
    let effective_rate = if e.value.is_zero() {
        Decimal::new(0, 4)
    } else {
        effective_percent(total_duty, e.value)
    };
    Ok((total_duty, ieepa_duty, effective_rate))
}

struct Carve<'a> {
    rule: &'a CarveOut,
    measure: &'a Measure,
    value: Decimal,
    used: bool,
}

/// An entry claimed under a Chapter 98 provision.
struct Claim98<'a> {
    /// The provision claimed, as found in the schedule.
    provision: HtsCode,
    /// Its line in force.
    line: EntryLine<'a>,
    /// For a value-added provision (9802.00.40, .50, .60, .80): its rule and the part of the
    /// value it charges.
    value_added: Option<(&'a ValueAdded, Decimal)>,
}

/// The largest effective rate a quote states, percent: 99,999,999.9999 (what the batch's
/// Parquet column, `Decimal128(12, 4)`, holds); a larger one is stated as this.
pub const MAX_EFFECTIVE_RATE: Decimal = Decimal::from_parts(3_567_587_327, 232, 0, false, 4);

/// The largest duty a quote may come to, USD: 9,999,999,999,999,999.99 (what the batch's
/// Parquet money columns, `Decimal128(18, 2)`, hold). An entry whose duty would be larger (a
/// specific duty on a quantity near [`MAX_AMOUNT`]) is refused, never written wrong.
pub const MAX_DUTY: Decimal = Decimal::from_parts(2_808_348_671, 232_830_643, 0, false, 2);

/// `part / whole × 100`, for `whole > 0`; a ratio too large for a decimal (a specific duty on
/// a quantity of 10^15 over a value of 10^-28) is taken as the largest decimal: above every
/// threshold a rate is compared with.
fn percent_of(part: Decimal, whole: Decimal) -> Decimal {
    part.checked_div(whole)
        .and_then(|r| r.checked_mul(HUNDRED))
        .unwrap_or(Decimal::MAX)
}

/// The effective rate of a quote: `total / value × 100` to 4 places, half away from zero; at
/// most [`MAX_EFFECTIVE_RATE`] (only an entry of a few cents paying a specific duty on a huge
/// quantity comes near it).
fn effective_percent(total: Decimal, value: Decimal) -> Decimal {
    let cap = MAX_EFFECTIVE_RATE;
    let mut rate = percent_of(total, value)
        .min(cap)
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    rate.rescale(4);
    rate
}

/// `amount × part / whole` for `part ≤ whole`: exact where the product fits in a decimal,
/// else `amount × (part / whole)` to 28 significant digits (two amounts of up to
/// [`MAX_AMOUNT`] multiplied need 31 digits). The result is at most `amount`.
fn scaled(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal {
    match amount.checked_mul(part) {
        Some(p) => p / whole,
        None => amount * (part / whole),
    }
}

/// What a Chapter 98 claim does to one measure.
enum Ch98Effect {
    /// Charged as without the claim (with a note saying so).
    Full(Option<String>),
    /// Not applied (declared at $0, with the note).
    Exempt(String),
    /// Charged on the part of the value the provision charges: its basis scaled by
    /// `dutiable / value`.
    Scale {
        dutiable: Decimal,
        name: &'static str,
        note: String,
    },
}

/// The metals whose content a Section 232 duty may be charged on, in the order of
/// [`Contents`] and of a tie between unknown contents.
const METALS: [&str; 3] = ["steel", "aluminum", "copper"];

/// The index in [`METALS`] of a content basis.
fn metal_of(b: Basis) -> Option<usize> {
    match b {
        Basis::SteelContent => Some(0),
        Basis::AluminumContent => Some(1),
        Basis::CopperContent => Some(2),
        _ => None,
    }
}

/// The steel, aluminum and copper contents a quote charges on (given or assumed, see
/// `Engine::contents`), in [`METALS`] order.
struct Contents {
    value: [Decimal; 3],
    /// Not given, and taken as 0 because another unknown content took the value: the
    /// measures charged on it are not reported.
    assumed_zero: [bool; 3],
}

impl Contents {
    /// The value a basis stands for.
    fn basis_value(&self, b: Basis, e: &Entry) -> Decimal {
        match b {
            Basis::FullValue => e.value,
            Basis::NonUsContent => e.value - e.us_content.unwrap_or_default(),
            Basis::NonMetalContent => {
                (e.value - self.value.iter().copied().sum::<Decimal>()).max(Decimal::ZERO)
            }
            content => metal_of(content).map_or(e.value, |k| self.value[k]),
        }
    }

    /// The value a measure is charged on: what a `carve_out` with `portion: basis` takes from
    /// the measures it names.
    fn charged_value(&self, m: &Measure, e: &Entry) -> Decimal {
        match &m.rate {
            MeasureRate::Additional { basis, .. } => self.basis_value(*basis, e),
            MeasureRate::Floor { .. } | MeasureRate::Exempt { .. } => e.value,
        }
    }
}

/// Whether a measure charges a duty (exemptions only declare).
fn charges(m: &Measure) -> bool {
    !matches!(m.rate, MeasureRate::Exempt { .. })
}

/// Adds a value to the declaration of a `declared_only` measure.
fn add_declared<'a>(declared: &mut Vec<(&'a str, Decimal)>, id: &'a str, value: Decimal) {
    match declared.iter_mut().find(|(d, _)| *d == id) {
        Some((_, v)) => *v += value,
        None => declared.push((id, value)),
    }
}

/// The basis name of a line whose basis lost carved-out content.
fn carved_basis_name(basis: &str) -> String {
    match basis {
        "full_value" => "non_metal_content".into(),
        other => format!("{other}_less_carved_out"),
    }
}

/// Whether a condition that turns only on the entry's facts — not its date, value or base
/// rate — rules the measure out (SPI claimed or not, loaded on or after a cut-off, transshipment,
/// declaration, US-melted metal, metal weight, country of export): the measure then cannot
/// apply on any date.
fn facts_exclude(m: &Measure, e: &Entry, spi_eligible: bool) -> bool {
    let c = &m.conditions;
    let claimed = |list: &[String]| {
        spi_eligible
            && e.spi
                .as_deref()
                .is_some_and(|s| list.iter().any(|x| x == s))
    };
    (!c.spi_claimed.is_empty() && !claimed(&c.spi_claimed))
        || (!c.spi_not_claimed.is_empty() && claimed(&c.spi_not_claimed))
        || matches!((c.loaded_before, e.loaded_on), (Some(b), Some(d)) if d >= b)
        || c.transshipped.is_some_and(|t| t != e.transshipped)
        || (c.declared
            && !m.heading.is_some_and(|h| {
                e.declared
                    .iter()
                    .any(|d| HtsCode::parse(d.trim()).is_ok_and(|d| d == h))
            }))
        || c.metal_melted_in_us
            .is_some_and(|t| t != e.metal_melted_in_us)
        || matches!(
            (c.metal_weight_below_percent, e.metal_weight_percent),
            (Some(p), Some(w)) if w >= p
        )
        || (!c.export_countries.is_empty()
            && !e
                .export_country
                .as_ref()
                .is_some_and(|x| c.export_countries.contains(x)))
}

/// Whether the entry gives a content value (US, steel, aluminum, copper).
fn has_content(e: &Entry) -> bool {
    e.us_content.is_some()
        || e.steel_content.is_some()
        || e.aluminum_content.is_some()
        || e.copper_content.is_some()
}

/// The percent of a plain ad valorem rate (`Free` is 0).
fn ad_valorem_percent(rate: &Rate) -> Option<Decimal> {
    match rate {
        Rate::Free => Some(Decimal::ZERO),
        Rate::AdValorem { percent, on: None } => Some(*percent),
        _ => None,
    }
}

/// Parses an HTS number for an entry (convenience for callers with text).
pub fn parse_hts(text: &str) -> Result<HtsCode, QuoteError> {
    HtsCode::parse(text).map_err(|e| input(Field::Hts, e.to_string()))
}
