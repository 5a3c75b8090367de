//! The line-level audit: the 2024 Census HTS-10 × partner rows priced by the engine on a date,
//! against the duty importers declared in 2024, and the lines where the two differ most.
//!
//! Each row is priced twice: claiming nothing (column 1 general, what the engine charges an
//! importer who claims no program) and claiming what an importer would ([`SpiPolicy::Eligible`]).
//! Rows are ranked by the gap between the no-claim duty and the Census calculated duty, in
//! dollars; the claim column shows at once which gaps a preference explains. A gap the engine
//! should close is fixed in the engine or the data; every other gap among the largest is
//! explained in `docs/audit/explanations.yaml` (a preference, a quota or exclusion, a change of
//! law between 2024 and the date, a Census artefact), which [`Explanations`] reads, so the audit
//! can be re-run after every data change and shows what is new.

use crate::AnalyticsError;
use crate::etr::{Basket, Pricer, SpiPolicy};
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tariff_engine::Engine;
use tariff_hts::HtsCode;

/// The partners of the audit by default: the largest that use few preference programs, whose
/// Census duty the general rate should reproduce.
pub const FEW_PREFERENCE_PARTNERS: [&str; 10] =
    ["EU", "JP", "VN", "TW", "IN", "TH", "CH", "GB", "MY", "ID"];

/// The explanations kept in the repository (`docs/audit/explanations.yaml`).
pub const EXPLANATIONS_YAML: &str = include_str!("../../../docs/audit/explanations.yaml");

/// One audited row.
#[derive(Clone, Debug, Serialize)]
pub struct LineGap {
    /// Partner (ISO alpha-2, or `EU`).
    pub partner: String,
    /// HTS-10 number.
    pub hts: HtsCode,
    /// 2024 imports, USD.
    pub value: Decimal,
    /// 2024 Census calculated duty, USD.
    pub census_duty: Decimal,
    /// The engine's duty claiming nothing, USD.
    pub duty: Decimal,
    /// The engine's duty with the claim an importer would make, USD (`duty` when none).
    pub duty_claimed: Decimal,
    /// The program of that claim.
    pub claim: Option<String>,
    /// The Chapter 99 headings charging a duty, and the base line's rate, claiming nothing.
    pub stack: String,
    /// The quote says a duty in force is not modeled.
    pub incomplete: bool,
    /// `duty − census_duty`.
    pub gap: Decimal,
}

/// Why a line's duty differs from the Census duty.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// Partner.
    pub partner: String,
    /// HTS-10 number, dotted.
    pub hts: String,
    /// The kind of reason.
    pub kind: GapKind,
    /// The reason, with its source.
    pub note: String,
}

/// The kinds of reason a line's duty differs from the Census duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// Importers claimed a preference program (or a Chapter 98/99 provision) in 2024.
    Preference,
    /// A tariff-rate quota, a product exclusion or a suspension the entry line does not show.
    QuotaOrExclusion,
    /// The law on the audit date differs from the law of 2024.
    LawChange,
    /// The Census figure does not reflect the legal duty (lapsed claims, estimates,
    /// classification of low-value shipments).
    CensusArtefact,
    /// A specific or compound rate priced with a quantity imputed from the Census duty.
    ImputedQuantity,
    /// The engine was wrong; fixed (the note says how).
    Fixed,
}

impl GapKind {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            GapKind::Preference => "preference",
            GapKind::QuotaOrExclusion => "quota_or_exclusion",
            GapKind::LawChange => "law_change",
            GapKind::CensusArtefact => "census_artefact",
            GapKind::ImputedQuantity => "imputed_quantity",
            GapKind::Fixed => "fixed",
        }
    }
}

/// The explanations file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanations {
    /// One per explained line.
    pub lines: Vec<Explanation>,
}

impl Explanations {
    /// Parses the YAML file.
    pub fn from_yaml(text: &str) -> Result<Explanations, AnalyticsError> {
        serde_yaml_ng::from_str(text).map_err(|e| AnalyticsError::Dataset(e.to_string()))
    }

    /// The explanation of a line, if any.
    pub fn of(&self, partner: &str, hts: &HtsCode) -> Option<&Explanation> {
        let dotted = hts.to_string();
        self.lines
            .iter()
            .find(|x| x.partner == partner && x.hts == dotted)
    }
}

/// The HTS-10 rows of `partners` priced on `date`, ranked by the absolute gap between the
/// no-claim duty and the Census duty; the first `top`. Rows the engine cannot price are left
/// out (the ETR report counts them).
pub fn line_gaps(
    engine: &Engine,
    basket: &Basket,
    date: Date,
    partners: &[String],
    top: usize,
) -> Result<Vec<LineGap>, AnalyticsError> {
    let none = Pricer::new(engine, SpiPolicy::None)?;
    let claim = Pricer::new(engine, SpiPolicy::Eligible)?;
    let mut gaps: Vec<LineGap> = basket
        .rows
        .par_iter()
        .filter(|r| !r.from_hs2 && partners.contains(&r.partner))
        .filter_map(|r| {
            let (q, _, _) = none.quote(r, date).ok()?;
            let (c, spi, _) = claim.quote(r, date).ok()?;
            let stack: Vec<String> = q
                .lines
                .iter()
                .filter(|l| l.measure.is_none() || !l.amount.is_zero())
                .map(|l| {
                    if l.measure.is_some() {
                        format!("{} {}", l.heading, l.rate_percent.unwrap_or_default())
                    } else {
                        format!("base {}", l.rate)
                    }
                })
                .collect();
            Some(LineGap {
                partner: r.partner.clone(),
                hts: r.hts,
                value: r.value,
                census_duty: r.census_duty,
                duty: q.total_duty,
                duty_claimed: c.total_duty,
                claim: spi,
                stack: stack.join("; "),
                incomplete: q.warnings.iter().any(|w| w.code.is_incomplete()),
                gap: q.total_duty - r.census_duty,
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.gap
            .abs()
            .cmp(&a.gap.abs())
            .then_with(|| (&a.partner, a.hts).cmp(&(&b.partner, b.hts)))
    });
    gaps.truncate(top);
    Ok(gaps)
}
