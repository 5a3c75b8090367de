//! Effective tariff rates: duties ÷ imports over a fixed basket, priced by the engine.
//!
//! **The basket** ([`Basket::build`]) is the 2024 Census imports, held fixed:
//!
//! - HTS-10 × partner where the Census table has it (50 partners and the EU aggregate 0003;
//!   Slovakia's rows, which 0003 already holds, are dropped). The EU aggregate is priced as
//!   goods of one member, [`Options::eu_origin`] (Germany by default): the EU measures treat
//!   all members alike.
//! - HS-2 × partner for every other partner (EU members are inside 0003 and are dropped).
//!   Each HS-2 row is split over the chapter's most imported HTS-10 lines — the lines that make
//!   up [`Options::hs2_share`] of the chapter's 2024 imports in the HTS-10 table, at most
//!   [`Options::hs2_max_lines`] — in proportion to those imports. A chapter the HTS-10 table
//!   does not have cannot be split; its rows are reported, not priced.
//!
//! **Assumptions**, stated in every result ([`Assumptions`]): no content values are given, so a
//! Section 232 duty charged on a metal content falls back to the full value (the engine warns;
//! the rows and value are counted); SPI per [`SpiPolicy`] (claimed when the origin is eligible
//! on the line and date, or never); specific and compound rates need a quantity the Census
//! tables do not have — it is imputed per HTS-10 line from the 2024 Census calculated duty
//! (below); rows that still cannot be priced are counted with their value and left out of both
//! duties and imports.
//!
//! **Imputed quantities.** For a line whose column 1 general rate (2025-01-01 schedule) needs a
//! quantity, each HTS-10 row with a positive Census duty D and value v gives the quantity q at
//! which the rate charges D: the rate's amount is affine in q, so q = (D − a₀)/(a₁ − a₀) with
//! a₀, a₁ its amounts at q = 0 and 1. Pooled over partners (column 2 origins left out), Σq/Σv
//! is the line's quantity per dollar, applied to every row of the line. Where partners claimed
//! a preference the Census duty is lower, so the pooled quantity is a lower bound.
//!
//! **The series** ([`series`]): a row's duty can only change on a date where a measure that
//! may reach its origin and chapter starts or ends (or an entry-date condition of one falls),
//! where its schedule line changes (compared revision by revision: line used, rate source,
//! rate texts, footnote references), or where a special program (SPI claimed) or column 2
//! entry starts or ends. Dates that change only warnings (the in-transit warning window after
//! a `loaded_before` date, not-modeled notes, loading-date conditions, which need a loading
//! date the basket does not give) are skipped. Each row is priced at its dates only, and the
//! daily totals are the running sum of the changes. `tests/etr.rs` checks that this equals
//! pricing every row on every revision date and on the dates of the main legal events.

use crate::AnalyticsError;
use crate::partners::{PartnerKind, Partners};
use crate::trade::TradeFile;
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tariff_engine::{Engine, Entry, Field, QuoteError, WarningCode};
use tariff_hts::HtsCode;
use tariff_hts::rate::{Basis, Rate};

/// Whether entries claim a special program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpiPolicy {
    /// Claim the first program of the line's special column for which the origin is eligible
    /// on the date (USMCA, KORUS, …, GSP while in force).
    Eligible,
    /// Never claim: column 1 general (or column 2).
    None,
}

impl std::str::FromStr for SpiPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<SpiPolicy, String> {
        match s {
            "eligible" => Ok(SpiPolicy::Eligible),
            "none" => Ok(SpiPolicy::None),
            _ => Err(format!("SPI policy {s:?}: expected eligible or none")),
        }
    }
}

/// Basket and pricing options.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Options {
    /// SPI claims.
    pub spi: SpiPolicy,
    /// The member whose goods stand for the EU aggregate.
    pub eu_origin: String,
    /// Share of a chapter's imports that its representative lines cover (HS-2 split).
    pub hs2_share: Decimal,
    /// At most this many representative lines per chapter.
    pub hs2_max_lines: usize,
    /// Steel, aluminum and copper content each given as this percent of the value (a
    /// sensitivity); `None`: no content given, so a metal-content duty falls back to the full
    /// value (the engine's rule, counted in [`Assumptions`]).
    pub metal_share: Option<Decimal>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            spi: SpiPolicy::Eligible,
            eu_origin: "DE".into(),
            hs2_share: Decimal::new(80, 2),
            hs2_max_lines: 25,
            metal_share: None,
        }
    }
}

/// One row of the basket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BasketRow {
    /// Partner: ISO alpha-2, or `EU`.
    pub partner: String,
    /// Origin priced (the partner, or [`Options::eu_origin`] for the EU).
    pub origin: String,
    /// HTS-10 number.
    pub hts: HtsCode,
    /// Chapter.
    pub chapter: u8,
    /// 2024 imports, USD.
    pub value: Decimal,
    /// 2024 Census calculated duty, USD (its share, for split HS-2 rows).
    pub census_duty: Decimal,
    /// Imputed quantity for lines with specific rates.
    pub quantity: Option<Decimal>,
    /// From the HS-2 table (split), not the HTS-10 table.
    pub from_hs2: bool,
}

/// How the basket was made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BasketNotes {
    /// HTS-10 rows kept and their value.
    pub hs10_rows: usize,
    /// USD.
    pub hs10_value: Decimal,
    /// HTS-10 rows dropped because the EU aggregate holds them (Slovakia), and their value.
    pub hs10_dropped_rows: usize,
    /// USD.
    pub hs10_dropped_value: Decimal,
    /// HS-2 rows split, the basket rows they became, and their value.
    pub hs2_rows: usize,
    /// Basket rows made from them.
    pub hs2_split_rows: usize,
    /// USD.
    pub hs2_value: Decimal,
    /// HS-2 rows of chapters the HTS-10 table does not have (not priced), and their value.
    pub hs2_unsplit_rows: usize,
    /// USD.
    pub hs2_unsplit_value: Decimal,
    /// Partners from the HS-2 table.
    pub hs2_partners: usize,
    /// Lines whose rate needs a quantity, with a quantity imputed / without one.
    pub quantity_lines_imputed: usize,
    /// Lines needing a quantity that no Census duty could give one.
    pub quantity_lines_missing: usize,
    /// Basket rows with an imputed quantity, and their value.
    pub quantity_rows: usize,
    /// USD.
    pub quantity_value: Decimal,
}

/// The fixed basket.
#[derive(Clone, Debug)]
pub struct Basket {
    /// Rows, sorted by (partner, HTS).
    pub rows: Vec<BasketRow>,
    /// How it was made.
    pub notes: BasketNotes,
    /// The options it was made with.
    pub options: Options,
}

const QUANTITY_DATE: Date = jiff::civil::date(2025, 1, 1);

fn hts_of(n: u64) -> Option<HtsCode> {
    HtsCode::parse(&format!("{n:010}")).ok()
}

/// The first rate of a line's column 1 general cell on a date.
fn general_rate<'a>(engine: &'a Engine, hts: &HtsCode, date: Date) -> Option<&'a Rate> {
    let line = engine.schedule().entry_line(hts, date).ok()?;
    Some(&line.general?.parsed?.groups.first()?.rate)
}

/// (a₀, a₁): the amounts at quantity 0 and 1, when the rate needs a quantity.
fn affine(rate: &Rate, value: Decimal) -> Option<(Decimal, Decimal)> {
    if rate.amount(&Basis::new(value)).is_ok() {
        return None;
    }
    let a0 = rate
        .amount(&Basis::new(value).with_quantity(Decimal::ZERO))
        .ok()?;
    let a1 = rate
        .amount(&Basis::new(value).with_quantity(Decimal::ONE))
        .ok()?;
    Some((a0, a1))
}

impl Basket {
    /// Builds the basket from the trade dataset.
    pub fn build(
        trade: &TradeFile,
        engine: &Engine,
        options: &Options,
    ) -> Result<Basket, AnalyticsError> {
        let partners = Partners::embedded()?;
        let measures = engine.measures();
        let eu: BTreeSet<&str> = measures
            .countries()
            .groups
            .get("EU")
            .map(|g| g.iter().map(String::as_str).collect())
            .unwrap_or_default();
        if !measures.countries().is_country(&options.eu_origin)
            || !eu.contains(options.eu_origin.as_str())
        {
            return Err(AnalyticsError::Input(format!(
                "EU origin {:?} is not an EU member",
                options.eu_origin
            )));
        }
        let mut notes = BasketNotes::default();
        let mut rows = Vec::new();
        let key_of = |code: &str| -> Option<(String, String)> {
            let p = partners.get(code)?;
            match p.kind {
                PartnerKind::Eu => Some(("EU".into(), options.eu_origin.clone())),
                PartnerKind::Country => Some((p.iso.clone(), p.iso.clone())),
                PartnerKind::Aggregate => None,
            }
        };
        let t10 = &trade.hs10;
        let has_eu_aggregate = t10.codes.iter().any(|c| c == "0003");
        let mut hs10_partners: BTreeSet<String> = BTreeSet::new();
        // Chapter composition over all partners: chapter → hts → value.
        let mut by_chapter: BTreeMap<u8, BTreeMap<u64, u64>> = BTreeMap::new();
        for i in 0..t10.cty.len() {
            let code = &t10.codes[t10.cty[i] as usize];
            let Some((partner, origin)) = key_of(code) else {
                continue;
            };
            let value = Decimal::from(t10.value[i]);
            if has_eu_aggregate && partner != "EU" && eu.contains(partner.as_str()) {
                notes.hs10_dropped_rows += 1;
                notes.hs10_dropped_value += value;
                continue;
            }
            let Some(hts) = hts_of(t10.hts[i]) else {
                continue;
            };
            hs10_partners.insert(partner.clone());
            *by_chapter
                .entry(hts.chapter())
                .or_default()
                .entry(t10.hts[i])
                .or_default() += t10.value[i];
            notes.hs10_rows += 1;
            notes.hs10_value += value;
            rows.push(BasketRow {
                partner,
                origin,
                chapter: hts.chapter(),
                hts,
                value,
                census_duty: Decimal::from(t10.duty[i]),
                quantity: None,
                from_hs2: false,
            });
        }
        // Representative lines per chapter.
        let mut reps: BTreeMap<u8, Vec<(u64, Decimal)>> = BTreeMap::new();
        for (ch, lines) in &by_chapter {
            let total: u64 = lines.values().sum();
            if total == 0 {
                continue;
            }
            let mut v: Vec<(u64, u64)> = lines.iter().map(|(h, v)| (*h, *v)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut chosen = Vec::new();
            let mut cum = 0u64;
            for (h, val) in v {
                if chosen.len() >= options.hs2_max_lines
                    || Decimal::from(cum) >= options.hs2_share * Decimal::from(total)
                    || val == 0
                {
                    break;
                }
                cum += val;
                chosen.push((h, val));
            }
            let sum = Decimal::from(cum);
            reps.insert(
                *ch,
                chosen
                    .into_iter()
                    .map(|(h, val)| (h, Decimal::from(val) / sum))
                    .collect(),
            );
        }
        let t2 = &trade.hs2;
        let mut hs2_partners: BTreeSet<String> = BTreeSet::new();
        for i in 0..t2.cty.len() {
            let code = &t2.codes[t2.cty[i] as usize];
            let Some((partner, origin)) = key_of(code) else {
                continue;
            };
            if hs10_partners.contains(&partner)
                || (has_eu_aggregate && eu.contains(partner.as_str()))
            {
                continue;
            }
            let value = Decimal::from(t2.value[i]);
            let duty = Decimal::from(t2.duty[i]);
            if value.is_zero() {
                continue;
            }
            let Some(lines) = reps.get(&t2.chapter[i]) else {
                notes.hs2_unsplit_rows += 1;
                notes.hs2_unsplit_value += value;
                continue;
            };
            hs2_partners.insert(partner.clone());
            notes.hs2_rows += 1;
            notes.hs2_value += value;
            let (mut v_left, mut d_left) = (value, duty);
            for (k, (h, w)) in lines.iter().enumerate() {
                let Some(hts) = hts_of(*h) else { continue };
                let (v, d) = if k + 1 == lines.len() {
                    (v_left, d_left)
                } else {
                    ((value * w).round_dp(2), (duty * w).round_dp(2))
                };
                v_left -= v;
                d_left -= d;
                notes.hs2_split_rows += 1;
                rows.push(BasketRow {
                    partner: partner.clone(),
                    origin: origin.clone(),
                    chapter: hts.chapter(),
                    hts,
                    value: v,
                    census_duty: d,
                    quantity: None,
                    from_hs2: true,
                });
            }
        }
        notes.hs2_partners = hs2_partners.len();
        impute_quantities(engine, &mut rows, &mut notes);
        rows.sort_by(|a, b| {
            (&a.partner, &a.hts, a.from_hs2).cmp(&(&b.partner, &b.hts, b.from_hs2))
        });
        Ok(Basket {
            rows,
            notes,
            options: options.clone(),
        })
    }

    /// Total value of the basket, USD.
    pub fn value(&self) -> Decimal {
        self.rows.iter().map(|r| r.value).sum()
    }
}

fn impute_quantities(engine: &Engine, rows: &mut [BasketRow], notes: &mut BasketNotes) {
    // Quantity per dollar by line, from the HTS-10 rows.
    let mut pool: HashMap<HtsCode, (Decimal, Decimal)> = HashMap::new();
    let mut needs: HashMap<HtsCode, bool> = HashMap::new();
    for r in rows.iter() {
        let need = *needs.entry(r.hts).or_insert_with(|| {
            general_rate(engine, &r.hts, QUANTITY_DATE)
                .is_some_and(|rate| affine(rate, Decimal::ONE_HUNDRED).is_some())
        });
        if !need || r.from_hs2 || r.census_duty <= Decimal::ZERO || r.value <= Decimal::ZERO {
            continue;
        }
        if engine
            .measures()
            .column2(&r.origin, QUANTITY_DATE)
            .is_some()
        {
            continue;
        }
        let Some(rate) = general_rate(engine, &r.hts, QUANTITY_DATE) else {
            continue;
        };
        let Some((a0, a1)) = affine(rate, r.value) else {
            continue;
        };
        if a1 <= a0 || r.census_duty <= a0 {
            continue;
        }
        let q = (r.census_duty - a0) / (a1 - a0);
        let e = pool.entry(r.hts).or_default();
        e.0 += q;
        e.1 += r.value;
    }
    notes.quantity_lines_imputed = pool.len();
    notes.quantity_lines_missing = needs
        .iter()
        .filter(|(h, n)| **n && !pool.contains_key(*h))
        .count();
    for r in rows.iter_mut() {
        if let Some((q, v)) = pool.get(&r.hts)
            && !v.is_zero()
        {
            r.quantity = Some((r.value * *q / *v).round_dp(6));
            notes.quantity_rows += 1;
            notes.quantity_value += r.value;
        }
    }
}

/// Prices basket rows with the engine.
pub struct Pricer<'a> {
    engine: &'a Engine,
    spi: SpiPolicy,
    metal_share: Option<Decimal>,
}

/// One row priced on one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Priced {
    /// Total duty, USD (cents).
    pub duty: Decimal,
    /// Duty by authority (`base` for the base duty lines).
    pub by_authority: Vec<(String, Decimal)>,
    /// A Section 232 content basis fell back to the full value.
    pub content_fallback: bool,
    /// The engine warned that a duty in force is not modeled.
    pub incomplete: bool,
    /// The SPI claimed.
    pub spi: Option<String>,
    /// Priced as the 8-digit subheading: the 10-digit line is not in that revision.
    pub hts8_fallback: bool,
}

impl<'a> Pricer<'a> {
    /// A pricer over an engine with an SPI policy and no content values.
    pub fn new(engine: &'a Engine, spi: SpiPolicy) -> Result<Pricer<'a>, AnalyticsError> {
        Ok(Pricer {
            engine,
            spi,
            metal_share: None,
        })
    }

    /// A pricer with a basket's options (SPI policy and metal share).
    pub fn with_options(
        engine: &'a Engine,
        options: &Options,
    ) -> Result<Pricer<'a>, AnalyticsError> {
        let mut p = Pricer::new(engine, options.spi)?;
        p.metal_share = options.metal_share;
        Ok(p)
    }

    /// The quote of a row on a date, the program claimed, and whether the row was priced as
    /// its 8-digit subheading: the 10-digit line, or its 8-digit subheading when the 10-digit
    /// line is not in the revision in force. Under [`SpiPolicy::Eligible`] the row claims what
    /// an importer would: of the programs open to its goods on the line and date
    /// ([`Engine::claimable_programs`]: those of the special column the origin is eligible for,
    /// and USMCA and the other agreements on lines whose general rate is Free), the one with
    /// the lowest duty — the first listed on a tie.
    pub fn quote(
        &self,
        row: &BasketRow,
        date: Date,
    ) -> Result<(tariff_engine::Quote, Option<String>, bool), QuoteError> {
        let mut fallback = false;
        let mut hts = row.hts;
        if self.engine.schedule().entry_line(&hts, date).is_err() {
            hts = row.hts.truncate(8).ok_or_else(|| QuoteError::Input {
                field: Field::Hts,
                message: "no 8-digit subheading".into(),
            })?;
            fallback = true;
        }
        let mut e = Entry::new(hts, &row.origin, date, row.value);
        e.quantity = row.quantity;
        if let Some(p) = self.metal_share {
            let v = (row.value * p / Decimal::ONE_HUNDRED).round_dp(2);
            e.steel_content = Some(v);
            e.aluminum_content = Some(v);
            e.copper_content = Some(v);
        }
        let (q, spi) = match self.spi {
            SpiPolicy::None => (self.engine.quote(&e)?, None),
            SpiPolicy::Eligible => self.engine.best_claim(&e)?,
        };
        Ok((q, spi, fallback))
    }

    /// Prices a row on a date ([`Pricer::quote`]).
    pub fn price(&self, row: &BasketRow, date: Date) -> Result<Priced, QuoteError> {
        let (q, spi, fallback) = self.quote(row, date)?;
        let mut by_authority: Vec<(String, Decimal)> = Vec::new();
        for l in &q.lines {
            let a = if l.authority.is_base() {
                "base"
            } else {
                l.authority.name()
            };
            match by_authority.iter_mut().find(|(k, _)| k == a) {
                Some(x) => x.1 += l.amount,
                None => by_authority.push((a.to_string(), l.amount)),
            }
        }
        Ok(Priced {
            duty: q.total_duty,
            by_authority,
            content_fallback: q
                .warnings
                .iter()
                .any(|w| w.code == WarningCode::ContentAssumed),
            incomplete: q.warnings.iter().any(|w| w.code.is_incomplete()),
            spi,
            hts8_fallback: fallback,
        })
    }
}

/// Sums for one group of rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    /// Imports priced, USD.
    pub value: Decimal,
    /// Duty, USD.
    pub duty: Decimal,
    /// 2024 Census calculated duty on the same rows, USD.
    pub census_duty: Decimal,
    /// Rows.
    pub rows: usize,
    /// Value priced with an SPI claimed, USD.
    pub spi_value: Decimal,
    /// Value the engine flags as subject to a duty it does not model, USD.
    pub incomplete_value: Decimal,
}

impl Sums {
    /// duty ÷ value × 100, 4 places.
    pub fn rate(&self) -> Decimal {
        pct(self.duty, self.value)
    }
    /// Census duty ÷ value × 100, 4 places.
    pub fn census_rate(&self) -> Decimal {
        pct(self.census_duty, self.value)
    }
    fn add(&mut self, o: &Sums) {
        self.value += o.value;
        self.duty += o.duty;
        self.census_duty += o.census_duty;
        self.rows += o.rows;
        self.spi_value += o.spi_value;
        self.incomplete_value += o.incomplete_value;
    }
}

/// A date outside the dataset is an error for the whole basket, not 300,000 refusals.
fn check_date(engine: &Engine, d: Date) -> Result<(), AnalyticsError> {
    engine
        .schedule()
        .revision_at(d)
        .map(|_| ())
        .map_err(|e| AnalyticsError::Input(e.to_string()))
}

fn pct(a: Decimal, b: Decimal) -> Decimal {
    if b.is_zero() {
        Decimal::ZERO
    } else {
        (a / b * Decimal::ONE_HUNDRED).round_dp(4)
    }
}

/// The assumptions a result rests on, with the rows and value each touches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Assumptions {
    /// SPI policy.
    pub spi: Option<SpiPolicy>,
    /// The metal share given, if any.
    pub metal_share: Option<Decimal>,
    /// Rows priced with an SPI claimed, and their value.
    pub spi_rows: usize,
    /// USD.
    pub spi_value: Decimal,
    /// Rows where a metal-content duty fell back to the full value, and their value.
    pub content_fallback_rows: usize,
    /// USD.
    pub content_fallback_value: Decimal,
    /// Rows the engine flags as subject to a duty it does not model, and their value.
    pub incomplete_rows: usize,
    /// USD.
    pub incomplete_value: Decimal,
    /// Rows priced with an imputed quantity, and their value.
    pub quantity_rows: usize,
    /// USD.
    pub quantity_value: Decimal,
    /// Rows priced as their 8-digit subheading, and their value.
    pub hts8_fallback_rows: usize,
    /// USD.
    pub hts8_fallback_value: Decimal,
    /// Rows the engine could not price (left out of duty and value), their value, and the
    /// most frequent reasons.
    pub unpriced_rows: usize,
    /// USD.
    pub unpriced_value: Decimal,
    /// Reason (field and message prefix) → rows and value, USD.
    pub unpriced_reasons: BTreeMap<String, (usize, Decimal)>,
}

/// The basket priced on one date.
#[derive(Clone, Debug, Serialize)]
pub struct Estimate {
    /// Date.
    pub date: Date,
    /// The whole basket.
    pub total: Sums,
    /// By partner (ISO, or EU).
    pub by_country: BTreeMap<String, Sums>,
    /// By chapter.
    pub by_chapter: BTreeMap<u8, Sums>,
    /// Duty by authority, USD.
    pub by_authority: BTreeMap<String, Decimal>,
    /// What the figures assume.
    pub assumptions: Assumptions,
    /// How the basket was made.
    pub basket: BasketNotes,
    /// The warnings of a date past the dataset's horizons (the schedule's, the law's).
    pub horizons: Vec<String>,
}

/// The kind of a refusal: the field and the message without the numbers and dates in it.
fn reason_key(err: &QuoteError) -> String {
    match err {
        QuoteError::UnknownCode { .. } => {
            "hts: the HTS number (and its 8-digit subheading) is not in the schedule".into()
        }
        QuoteError::NeedsQuantity { code, rate, reason } => {
            let rest = format!("{rate:?} of {code}: {reason}");
            let rate: String = rest.chars().take(50).collect();
            format!("quantity: no quantity for the base rate {rate}…")
        }
        other => other.to_string().chars().take(80).collect(),
    }
}

/// Prices every row of the basket on one date.
pub fn estimate(engine: &Engine, basket: &Basket, date: Date) -> Result<Estimate, AnalyticsError> {
    check_date(engine, date)?;
    let pricer = Pricer::with_options(engine, &basket.options)?;
    let priced: Vec<Result<Priced, QuoteError>> = basket
        .rows
        .par_iter()
        .map(|r| pricer.price(r, date))
        .collect();
    let mut est = Estimate {
        date,
        total: Sums::default(),
        by_country: BTreeMap::new(),
        by_chapter: BTreeMap::new(),
        by_authority: BTreeMap::new(),
        assumptions: Assumptions {
            spi: Some(basket.options.spi),
            metal_share: basket.options.metal_share,
            ..Assumptions::default()
        },
        basket: basket.notes.clone(),
        horizons: engine.horizon_notes(date),
    };
    let a = &mut est.assumptions;
    for (r, p) in basket.rows.iter().zip(priced) {
        match p {
            Err(err) => {
                a.unpriced_rows += 1;
                a.unpriced_value += r.value;
                let e = a.unpriced_reasons.entry(reason_key(&err)).or_default();
                e.0 += 1;
                e.1 += r.value;
            }
            Ok(p) => {
                let s = Sums {
                    value: r.value,
                    duty: p.duty,
                    census_duty: r.census_duty,
                    rows: 1,
                    spi_value: if p.spi.is_some() {
                        r.value
                    } else {
                        Decimal::ZERO
                    },
                    incomplete_value: if p.incomplete { r.value } else { Decimal::ZERO },
                };
                est.total.add(&s);
                est.by_country.entry(r.partner.clone()).or_default().add(&s);
                est.by_chapter.entry(r.chapter).or_default().add(&s);
                for (k, v) in p.by_authority {
                    *est.by_authority.entry(k).or_default() += v;
                }
                if p.spi.is_some() {
                    a.spi_rows += 1;
                    a.spi_value += r.value;
                }
                if p.content_fallback {
                    a.content_fallback_rows += 1;
                    a.content_fallback_value += r.value;
                }
                if p.incomplete {
                    a.incomplete_rows += 1;
                    a.incomplete_value += r.value;
                }
                if r.quantity.is_some() {
                    a.quantity_rows += 1;
                    a.quantity_value += r.value;
                }
                if p.hts8_fallback {
                    a.hts8_fallback_rows += 1;
                    a.hts8_fallback_value += r.value;
                }
            }
        }
    }
    Ok(est)
}

/// The dates at which quotes can change, precomputed for a basket over a range.
pub struct ChangeDates {
    global: Vec<Date>,
    by_country_chapter: HashMap<(String, u8), Vec<Date>>,
    by_line: HashMap<HtsCode, Vec<Date>>,
}

fn in_range(d: Date, from: Date, to: Date) -> bool {
    from < d && d <= to
}

impl ChangeDates {
    /// Computes the change dates in `(from, to]` for every origin × chapter and every line of
    /// the basket.
    pub fn new(engine: &Engine, basket: &Basket, from: Date, to: Date) -> ChangeDates {
        let measures = engine.measures();
        // Dates that only change warnings (the in-transit warning window after a
        // `loaded_before` date, the `not_modeled` notes, loading-date conditions when no
        // loading date is given) change no duty and are not needed for a duty series.
        let mut global: BTreeSet<Date> = BTreeSet::new();
        if basket.options.spi == SpiPolicy::Eligible {
            for p in engine.programs().iter() {
                for i in &p.effective {
                    global.insert(i.from);
                    global.extend(i.until);
                }
            }
        }
        let global: Vec<Date> = global
            .into_iter()
            .filter(|d| in_range(*d, from, to))
            .collect();

        let keys: BTreeSet<(String, u8)> = basket
            .rows
            .iter()
            .map(|r| (r.origin.clone(), r.chapter))
            .collect();
        let by_country_chapter = keys
            .into_par_iter()
            .map(|(origin, ch)| {
                let country = measures.country_slot(&origin);
                let mut ds: BTreeSet<Date> = BTreeSet::new();
                for (i, m) in measures.all().iter().enumerate() {
                    if !measures.may_cover_chapter(i, ch) || !measures.covers_country_at(i, country)
                    {
                        continue;
                    }
                    ds.insert(m.effective.from);
                    ds.extend(m.effective.until);
                    ds.extend(m.conditions.entered_before);
                }
                for c in measures
                    .column2_entries()
                    .iter()
                    .filter(|c| c.countries.contains(&origin))
                {
                    ds.insert(c.effective.from);
                    ds.extend(c.effective.until);
                }
                let v: Vec<Date> = ds.into_iter().filter(|d| in_range(*d, from, to)).collect();
                ((origin, ch), v)
            })
            .collect();

        let schedule = engine.schedule();
        let rev_dates: Vec<Date> = {
            let mut v: Vec<Date> = schedule
                .revisions()
                .iter()
                .map(|r| r.effective_from)
                .filter(|d| in_range(*d, from, to))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let lines: BTreeSet<HtsCode> = basket.rows.iter().map(|r| r.hts).collect();
        let by_line = lines
            .into_par_iter()
            .map(|h| {
                let mut prev = fingerprint(engine, &h, from);
                let mut v = Vec::new();
                for &d in &rev_dates {
                    let fp = fingerprint(engine, &h, d);
                    if fp != prev {
                        v.push(d);
                        prev = fp;
                    }
                }
                (h, v)
            })
            .collect();
        ChangeDates {
            global,
            by_country_chapter,
            by_line,
        }
    }

    /// The dates in `(from, to]` where the row's quote can change, sorted.
    pub fn for_row(&self, row: &BasketRow) -> Vec<Date> {
        let mut v: Vec<Date> = self.global.clone();
        if let Some(x) = self
            .by_country_chapter
            .get(&(row.origin.clone(), row.chapter))
        {
            v.extend(x);
        }
        if let Some(x) = self.by_line.get(&row.hts) {
            v.extend(x);
        }
        v.sort();
        v.dedup();
        v
    }
}

/// What of a schedule line the engine reads (besides the revision's name): the line used
/// (10 or 8 digits), where its rates come from, the three rate texts and the footnote
/// references; `None` when neither the line nor its subheading is in force.
#[derive(PartialEq, Eq)]
struct LineKey<'s> {
    digits: u8,
    code: HtsCode,
    rates_from: Option<HtsCode>,
    rates: [&'s str; 3],
    references: Vec<HtsCode>,
}

fn fingerprint<'s>(engine: &'s Engine, hts: &HtsCode, date: Date) -> Option<LineKey<'s>> {
    let s = engine.schedule();
    let (digits, l) = s
        .entry_line(hts, date)
        .map(|l| (10, l))
        .or_else(|_| {
            hts.truncate(8)
                .ok_or(())
                .and_then(|h8| s.entry_line(&h8, date).map(|l| (8, l)).map_err(|_| ()))
        })
        .ok()?;
    let text = |r: Option<tariff_schedule::EntryRate<'s>>| r.map_or("", |r| r.text);
    Some(LineKey {
        digits,
        code: l.code,
        rates_from: l.rates_from,
        rates: [text(l.general), text(l.special), text(l.other)],
        references: l.references,
    })
}

/// Step of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Every day.
    Day,
    /// Every seventh day from the start.
    Week,
}

impl std::str::FromStr for Step {
    type Err = String;
    fn from_str(s: &str) -> Result<Step, String> {
        match s {
            "day" => Ok(Step::Day),
            "week" => Ok(Step::Week),
            _ => Err(format!("step {s:?}: expected day or week")),
        }
    }
}

/// One point of a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Date.
    pub date: Date,
    /// Duty on the series basket, USD.
    pub duty: Decimal,
    /// Duty ÷ value × 100, 4 places.
    pub rate: Decimal,
}

/// A series of effective rates.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// The points.
    pub points: Vec<Point>,
    /// Imports of the rows priced at every date of the range, USD (the fixed denominator).
    pub value: Decimal,
    /// Rows priced.
    pub rows: usize,
    /// Rows left out because the engine could not price them on some date, and their value.
    pub unpriced_rows: usize,
    /// USD.
    pub unpriced_value: Decimal,
    /// Quotes made (the work the change dates saved: rows × days would be the naive count).
    pub quotes: usize,
    /// Change dates considered over the whole basket (distinct).
    pub change_dates: usize,
    /// The options.
    pub options: Options,
}

/// A row's periods: (start, duty USD) where the duty changes; `None` if it cannot be priced.
pub type RowPeriods = Option<Vec<(Date, Decimal)>>;

/// Each row's duty over `[from, to]` as the periods over which its quote is constant: the
/// start of each period and the duty, USD, priced once per period (only the dates where it
/// changes are kept). `None` when the engine cannot price the row on one of its dates.
pub fn periods(
    engine: &Engine,
    basket: &Basket,
    from: Date,
    to: Date,
) -> Result<(Vec<RowPeriods>, ChangeDates), AnalyticsError> {
    if to < from {
        return Err(AnalyticsError::Input(format!(
            "--to {to} is before --from {from}"
        )));
    }
    check_date(engine, from)?;
    check_date(engine, to)?;
    let pricer = Pricer::with_options(engine, &basket.options)?;
    let cd = ChangeDates::new(engine, basket, from, to);
    let per_row = basket
        .rows
        .par_iter()
        .map(|r| {
            let mut out: Vec<(Date, Decimal)> = Vec::new();
            let mut dates = vec![from];
            dates.extend(cd.for_row(r));
            for d in dates {
                let p = pricer.price(r, d).ok()?;
                if out.last().is_none_or(|(_, prev)| *prev != p.duty) {
                    out.push((d, p.duty));
                }
            }
            Some(out)
        })
        .collect();
    Ok((per_row, cd))
}

/// The effective rate of the basket on every day (or week) from `from` to `to` inclusive.
pub fn series(
    engine: &Engine,
    basket: &Basket,
    from: Date,
    to: Date,
    step: Step,
) -> Result<Series, AnalyticsError> {
    let (per_row, cd) = periods(engine, basket, from, to)?;
    let days = usize::try_from((to - from).get_days()).unwrap_or(0) + 1;
    let day_index = |d: Date| usize::try_from((d - from).get_days()).unwrap_or(0);
    let mut diff = vec![0i64; days + 1];
    let (mut value, mut rows, mut unpriced_rows, mut unpriced_value, mut quotes) =
        (Decimal::ZERO, 0usize, 0usize, Decimal::ZERO, 0usize);
    let mut all_dates: BTreeSet<Date> = BTreeSet::new();
    for (r, p) in basket.rows.iter().zip(&per_row) {
        let n = 1 + cd.for_row(r).len();
        quotes += n;
        match p {
            None => {
                unpriced_rows += 1;
                unpriced_value += r.value;
            }
            Some(list) => {
                rows += 1;
                value += r.value;
                let mut prev = 0i64;
                for &(d, duty) in list {
                    let cents = i64::try_from((duty * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0);
                    diff[day_index(d)] += cents - prev;
                    prev = cents;
                }
            }
        }
    }
    all_dates.extend(cd.global.iter().copied());
    for v in cd.by_country_chapter.values() {
        all_dates.extend(v);
    }
    for v in cd.by_line.values() {
        all_dates.extend(v);
    }
    let mut points = Vec::new();
    let mut running = 0i64;
    let stride = if step == Step::Week { 7 } else { 1 };
    for (i, delta) in diff.iter().take(days).enumerate() {
        running += delta;
        if i % stride != 0 {
            continue;
        }
        let date = from
            .checked_add(jiff::Span::new().days(i as i64))
            .map_err(|e| AnalyticsError::Input(e.to_string()))?;
        let duty = Decimal::new(running, 2);
        points.push(Point {
            date,
            duty,
            rate: pct(duty, value),
        });
    }
    Ok(Series {
        points,
        value,
        rows,
        unpriced_rows,
        unpriced_value,
        quotes,
        change_dates: all_dates.len(),
        options: basket.options.clone(),
    })
}
