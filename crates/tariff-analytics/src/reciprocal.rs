//! The reciprocal-tariff formula of April 2, 2025, on Census bilateral goods trade.
//!
//! USTR's published method: Δτ = (m − x) / (ε · φ · m), with x exports to and m imports from
//! the partner (Census, 2024), ε = 4 the price elasticity of import demand and φ = 0.25 the
//! passthrough of tariffs to import prices (so ε·φ = 1 and Δτ is the deficit as a share of
//! imports). The White House chart printed Δτ as a whole percent ("tariffs charged to the
//! U.S.A."), and the reciprocal rate as half of it rounded up, never below 10%:
//!
//! - [`Rounding::Chart`]: `max(10, ceil(round(100·Δτ) / 2))` — the rule the HTS headings
//!   9903.01.43–.76 follow for most partners;
//! - [`Rounding::Annex`]: `max(10, ceil(100·Δτ / 2))` — halving before rounding, which gives
//!   one point more whenever the whole-percent rounding went down; the Annex I PDF follows it.
//!
//! The enacted rates are not typed here: the country lists and rates come from the measure
//! data (`ieepa-reciprocal-2025-04.yaml`, the measures in force on 2025-04-09) and the
//! heading's rate as first written into the HTS (the schedule), the printed Annex I from the
//! trade dataset. Partners are ISO codes; the Census EU aggregate (0003) is the partner `EU`
//! and its 27 members, which Annex I does not rate one by one, are left out of the list;
//! world and regional aggregates are never partners.

use crate::AnalyticsError;
use crate::partners::{PartnerKind, Partners};
use crate::trade::TradeFile;
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tariff_hts::rate::{Adjustment, Rate};
use tariff_measures::{Authority, Conditions, CountryScope, MeasureRate, Measures};
use tariff_schedule::Schedule;

/// The date the Annex I rates took effect (EO 14257 sec. 3(a)).
pub const ANNEX_I_DATE: Date = jiff::civil::date(2025, 4, 9);

/// How the half rate is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// `ceil(round(100·Δτ) / 2)`: the chart's whole percent, halved, rounded up.
    Chart,
    /// `ceil(100·Δτ / 2)`: halved, then rounded up.
    Annex,
}

impl std::str::FromStr for Rounding {
    type Err = String;
    fn from_str(s: &str) -> Result<Rounding, String> {
        match s {
            "chart" => Ok(Rounding::Chart),
            "annex" => Ok(Rounding::Annex),
            _ => Err(format!("rounding {s:?}: expected chart or annex")),
        }
    }
}

/// The formula's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Params {
    /// ε, the elasticity of imports to import prices (USTR: 4).
    pub epsilon: Decimal,
    /// φ, the passthrough from tariffs to import prices (USTR: 0.25).
    pub phi: Decimal,
    /// The floor, percent (10).
    pub floor: Decimal,
    /// The rounding of the half rate.
    pub rounding: Rounding,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            epsilon: Decimal::from(4),
            phi: Decimal::new(25, 2),
            floor: Decimal::TEN,
            rounding: Rounding::Chart,
        }
    }
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

impl Params {
    /// 100·Δτ, unrounded; `None` when there are no imports (no deficit to close).
    pub fn delta_tau_percent(&self, exports: Decimal, imports: Decimal) -> Option<Decimal> {
        let denom = self.epsilon.checked_mul(self.phi)?.checked_mul(imports)?;
        if imports <= Decimal::ZERO || denom <= Decimal::ZERO {
            return None;
        }
        HUNDRED.checked_mul(imports - exports)?.checked_div(denom)
    }

    /// The reciprocal rate, percent, under a rounding rule.
    pub fn rate_with(&self, exports: Decimal, imports: Decimal, rounding: Rounding) -> Decimal {
        let Some(t) = self.delta_tau_percent(exports, imports) else {
            return self.floor;
        };
        let half = match rounding {
            Rounding::Chart => {
                (t.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) / Decimal::TWO)
                    .ceil()
            }
            Rounding::Annex => (t / Decimal::TWO).ceil(),
        };
        half.max(self.floor)
    }

    /// The reciprocal rate, percent, under [`Params::rounding`].
    pub fn rate(&self, exports: Decimal, imports: Decimal) -> Decimal {
        self.rate_with(exports, imports, self.rounding)
    }

    /// The exports at which the rate falls to `target` percent or below, imports unchanged:
    /// `(threshold, strict)` — exports must exceed the threshold (`strict`) or reach it.
    /// `None` when there are no imports.
    pub fn exports_for(&self, imports: Decimal, target: Decimal) -> Option<(Decimal, bool)> {
        let k = self.epsilon.checked_mul(self.phi)?;
        if imports <= Decimal::ZERO {
            return None;
        }
        let two_r = target.checked_mul(Decimal::TWO)?;
        Some(match self.rounding {
            // round(t) ≤ 2R ⟺ t < 2R + ½ ⟺ x > m·(1 − (2R + ½)·εφ/100)
            Rounding::Chart => (
                imports * (Decimal::ONE - (two_r + Decimal::new(5, 1)) * k / HUNDRED),
                true,
            ),
            // t/2 ≤ R ⟺ x ≥ m·(1 − 2R·εφ/100)
            Rounding::Annex => (imports * (Decimal::ONE - two_r * k / HUNDRED), false),
        })
    }
}

/// A partner's trade in one year, USD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartnerTrade {
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    /// Name.
    pub name: String,
    /// The Census codes summed.
    pub census_codes: Vec<String>,
    /// US exports to the partner, USD.
    pub exports: Decimal,
    /// US imports from the partner, USD.
    pub imports: Decimal,
}

/// The bilateral trade of a year by partner (EU as one partner, its members left out,
/// aggregates left out), in the order of the ISO code.
pub fn partner_trade(
    trade: &TradeFile,
    measures: &Measures,
    year: u16,
) -> Result<Vec<PartnerTrade>, AnalyticsError> {
    let partners = Partners::embedded()?;
    let eu: BTreeSet<&str> = measures
        .countries()
        .groups
        .get("EU")
        .map(|g| g.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut by: BTreeMap<String, PartnerTrade> = BTreeMap::new();
    let million = Decimal::from(1_000_000);
    let mut any = false;
    for b in trade.bilateral.iter().filter(|b| b.year == year) {
        any = true;
        let Some(p) = partners.get(&b.cty_code) else {
            continue;
        };
        let key = match p.kind {
            PartnerKind::Aggregate => continue,
            PartnerKind::Eu => "EU".to_string(),
            PartnerKind::Country if eu.contains(p.iso.as_str()) => continue,
            PartnerKind::Country => p.iso.clone(),
        };
        let name = if key == "EU" {
            "European Union".to_string()
        } else {
            measures
                .countries()
                .name(&key)
                .unwrap_or(&p.census_name)
                .to_string()
        };
        let e = by.entry(key.clone()).or_insert_with(|| PartnerTrade {
            country: key,
            name,
            census_codes: Vec::new(),
            exports: Decimal::ZERO,
            imports: Decimal::ZERO,
        });
        e.census_codes.push(b.cty_code.clone());
        e.exports += b.exports_musd * million;
        e.imports += b.imports_musd * million;
    }
    if !any {
        let years: BTreeSet<u16> = trade.bilateral.iter().map(|b| b.year).collect();
        return Err(AnalyticsError::Input(format!(
            "no bilateral trade for {year}; the dataset has {years:?}"
        )));
    }
    Ok(by.into_values().collect())
}

/// What the reciprocal regime gave a partner on 2025-04-09, read from the measure data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Enacted {
    /// The Chapter 99 heading (`9903.01.54`, `9903.01.25` for the baseline, an exemption
    /// heading such as `9903.01.26`).
    pub heading: String,
    /// The measure id.
    pub measure: String,
    /// `annex_i` (a country heading 9903.01.43–.76 or China's 9903.01.63), `baseline`
    /// (9903.01.25) or `exempt`.
    pub kind: &'static str,
    /// The rate of the measure in force on 2025-04-09, percent (0 when exempt).
    pub in_force_percent: Decimal,
    /// For Annex I headings: the rate as first written into the HTS (the heading's general
    /// column in the first revision that has it), percent.
    pub hts_first_percent: Option<Decimal>,
    /// Every partner the heading names.
    pub heading_countries: Vec<String>,
}

fn covers(measures: &Measures, scope: &CountryScope, except: &[String], key: &str) -> bool {
    match scope {
        CountryScope::All => !except.iter().any(|e| e == key),
        CountryScope::Only(list) => list.iter().any(|c| {
            c == key
                || measures
                    .countries()
                    .groups
                    .get(c)
                    .is_some_and(|g| g.iter().any(|m| m == key))
        }),
    }
}

fn is_annex_heading(h: &str) -> bool {
    ("9903.01.43"..="9903.01.76").contains(&h)
}

/// The additional percent of a `The duty provided in the applicable subheading + N%` rate.
fn plus_percent(rate: &Rate) -> Option<Decimal> {
    match rate {
        Rate::Additional {
            adjustment: Some(Adjustment::Plus(r)),
            ..
        } => match r.as_ref() {
            Rate::AdValorem { percent, on: None } => Some(*percent),
            _ => None,
        },
        _ => None,
    }
}

/// The heading's general rate in the first revision that has it.
fn hts_first_percent(schedule: &Schedule, heading: &tariff_hts::HtsCode) -> Option<Decimal> {
    let id = schedule.find_code(heading)?;
    let (from, _) = *schedule.spans(id).first()?;
    let line = schedule.entry_line(heading, from).ok()?;
    let cell = line.general?.parsed?;
    plus_percent(&cell.groups.first()?.rate)
}

/// The reciprocal treatment of a partner on 2025-04-09: the measure of group `reciprocal`
/// that covers all its goods without conditions and has the highest precedence.
pub fn enacted(measures: &Measures, schedule: &Schedule, key: &str) -> Option<Enacted> {
    let m = measures
        .all()
        .iter()
        .filter(|m| {
            m.authority == Authority::IeepaReciprocal
                && m.group == "reciprocal"
                && !m.declared_only
                && m.effective.contains(ANNEX_I_DATE)
                && m.products.include.is_empty()
                && m.conditions == Conditions::default()
                && covers(measures, &m.countries, &m.except_countries, key)
        })
        .max_by(|a, b| a.precedence.cmp(&b.precedence).then(b.id.cmp(&a.id)))?;
    let heading = m.heading?;
    let h = heading.dotted();
    let (kind, pct) = match &m.rate {
        MeasureRate::Exempt { .. } => ("exempt", Decimal::ZERO),
        MeasureRate::Additional { percent, .. } => {
            if is_annex_heading(&h) {
                ("annex_i", *percent)
            } else {
                ("baseline", *percent)
            }
        }
        MeasureRate::Floor { percent, .. } => ("baseline", *percent),
    };
    let heading_countries = match &m.countries {
        CountryScope::Only(l) => l.clone(),
        CountryScope::All => Vec::new(),
    };
    Some(Enacted {
        hts_first_percent: if kind == "annex_i" {
            hts_first_percent(schedule, &heading)
        } else {
            None
        },
        heading: h,
        measure: m.id.clone(),
        kind,
        in_force_percent: pct,
        heading_countries,
    })
}

/// One partner's line of the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    /// Name.
    pub name: String,
    /// US exports to the partner, USD.
    pub exports: Decimal,
    /// US imports from the partner, USD.
    pub imports: Decimal,
    /// exports − imports, USD.
    pub balance: Decimal,
    /// 100·Δτ, to 4 places (none without imports).
    pub delta_tau_percent: Option<Decimal>,
    /// The formula's rate under the chosen rounding, percent.
    pub formula_rate: Decimal,
    /// Under the chart rounding.
    pub formula_rate_chart: Decimal,
    /// Under the Annex rounding.
    pub formula_rate_annex: Decimal,
    /// The enacted rate: the Annex I heading's rate as written into the HTS (for partners
    /// without an Annex I heading, the rate in force on 2025-04-09: the 10% baseline, or 0
    /// when exempt). None if the measure data say nothing.
    pub enacted_rate: Option<Decimal>,
    /// The measure behind it.
    pub enacted: Option<Enacted>,
    /// The rate printed in EO 14257 Annex I (the White House PDF), if listed.
    pub annex_i_printed: Option<Decimal>,
    /// enacted − formula, percentage points.
    pub difference: Option<Decimal>,
    /// When the printed Annex I rate differs from the enacted one: whether the formula under
    /// the Annex rounding gives it.
    pub annex_i_note: Option<String>,
    /// Why they differ, when they do.
    pub explanation: Option<String>,
}

/// The comparison for every partner of a year.
pub fn table(
    trade: &TradeFile,
    measures: &Measures,
    schedule: &Schedule,
    year: u16,
    params: &Params,
) -> Result<Vec<Row>, AnalyticsError> {
    let annex: BTreeMap<&str, Decimal> = trade
        .annex1
        .iter()
        .map(|a| (a.iso.as_str(), a.percent))
        .collect();
    let mut out = Vec::new();
    for p in partner_trade(trade, measures, year)? {
        out.push(row(&p, measures, schedule, params, &annex));
    }
    Ok(out)
}

/// One partner's comparison.
pub fn row(
    p: &PartnerTrade,
    measures: &Measures,
    schedule: &Schedule,
    params: &Params,
    annex: &BTreeMap<&str, Decimal>,
) -> Row {
    let (x, m) = (p.exports, p.imports);
    let chart = params.rate_with(x, m, Rounding::Chart);
    let annex_rule = params.rate_with(x, m, Rounding::Annex);
    let formula = params.rate(x, m);
    let en = enacted(measures, schedule, &p.country);
    let enacted_rate = en
        .as_ref()
        .map(|e| e.hts_first_percent.unwrap_or(e.in_force_percent));
    let printed = annex.get(p.country.as_str()).copied();
    let difference = enacted_rate.map(|e| e - formula).filter(|d| !d.is_zero());
    let t = params.delta_tau_percent(x, m);
    let explanation = match (&en, enacted_rate, difference) {
        (Some(e), Some(rate), Some(d)) => Some(explain(
            p, e, rate, d, formula, chart, annex_rule, printed, t, params,
        )),
        _ => None,
    };
    let annex_i_note = match (printed, enacted_rate) {
        (Some(pr), Some(en)) if pr != en => Some(if pr == annex_rule {
            format!(
                "Annex I as printed ({pr}%) is the formula under the Annex rounding, ceil(100·Δτ/2); the HTS ({en}%) follows the chart rounding"
            )
        } else {
            format!(
                "Annex I as printed ({pr}%) is not the formula under either rounding (chart {chart}%, Annex {annex_rule}%); the HTS ({en}%) is the operative text"
            )
        }),
        _ => None,
    };
    Row {
        country: p.country.clone(),
        name: p.name.clone(),
        exports: x.normalize(),
        imports: m.normalize(),
        balance: (x - m).normalize(),
        delta_tau_percent: t.map(|t| t.round_dp(4)),
        formula_rate: formula,
        formula_rate_chart: chart,
        formula_rate_annex: annex_rule,
        enacted_rate,
        enacted: en,
        annex_i_printed: printed,
        difference,
        annex_i_note,
        explanation,
    }
}

#[allow(clippy::too_many_arguments)]
fn explain(
    p: &PartnerTrade,
    e: &Enacted,
    rate: Decimal,
    d: Decimal,
    formula: Decimal,
    chart: Decimal,
    annex_rule: Decimal,
    printed: Option<Decimal>,
    t: Option<Decimal>,
    params: &Params,
) -> String {
    let mut why: Vec<String> = Vec::new();
    match e.kind {
        "exempt" => why.push(format!(
            "not subject to the reciprocal tariff: {} ({})",
            e.heading, e.measure
        )),
        "baseline" => why.push(format!(
            "not listed in Annex I: the {}% baseline of {} applies, whatever the formula gives",
            e.in_force_percent, e.heading
        )),
        _ => {
            let others: Vec<&str> = e
                .heading_countries
                .iter()
                .map(String::as_str)
                .filter(|c| *c != p.country)
                .collect();
            let other_rule = if params.rounding == Rounding::Chart {
                annex_rule
            } else {
                chart
            };
            if rate == other_rule {
                why.push(format!(
                    "the HTS rate is the formula's under the other rounding ({}): {}",
                    if params.rounding == Rounding::Chart {
                        "halving 100·Δτ before rounding up, as the Annex I PDF does"
                    } else {
                        "rounding 100·Δτ to a whole percent before halving, as the chart does"
                    },
                    t.map(|t| format!("100·Δτ = {}", t.round_dp(2)))
                        .unwrap_or_default()
                ));
            }
            if let Some(first) = e.hts_first_percent
                && first != e.in_force_percent
            {
                why.push(format!(
                    "{} was first written into the HTS at {first}% and was {}% on 2025-04-09 ({})",
                    e.heading, e.in_force_percent, e.measure
                ));
            }
            if !others.is_empty() && formula < rate && rate != other_rule {
                why.push(format!(
                    "{} applies one rate to {}; this partner's own trade gives {formula}%",
                    e.heading,
                    e.heading_countries.join(", ")
                ));
            }
        }
    }
    if let Some(pr) = printed
        && pr != rate
    {
        why.push(format!(
            "Annex I as printed by the White House says {pr}%, the HTS {rate}% (the HTS is the operative text)"
        ));
    }
    if why.is_empty() {
        why.push(format!(
            "not reproduced from these Census figures (100·Δτ = {}; chart rounding {chart}%, Annex rounding {annex_rule}%): a difference of {d} point(s) that the published method does not explain",
            t.map(|t| t.round_dp(2).to_string()).unwrap_or_else(|| "n/a".into())
        ));
    }
    why.join("; ")
}

/// A change in a partner's trade, USD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TradeChange {
    /// Change in exports (or the new level when `exports_level`).
    pub exports: Option<Decimal>,
    /// The exports figure is a level, not a change.
    pub exports_level: bool,
    /// Change in imports (or the new level when `imports_level`).
    pub imports: Option<Decimal>,
    /// The imports figure is a level, not a change.
    pub imports_level: bool,
}

/// A what-if: the formula before and after a change in trade.
#[derive(Clone, Debug, Serialize)]
pub struct WhatIf {
    /// The partner.
    pub country: String,
    /// Name.
    pub name: String,
    /// The year of the base figures.
    pub year: u16,
    /// Before.
    pub before: Row,
    /// After.
    pub after: Row,
    /// Exports (imports as after the change) at which the formula reaches the floor, USD;
    /// `strict`: exports must exceed it.
    pub exports_for_floor: Option<Decimal>,
    /// Whether the threshold is strict.
    pub strict: bool,
}

/// The formula after a change in one partner's trade.
pub fn what_if(
    trade: &TradeFile,
    measures: &Measures,
    schedule: &Schedule,
    year: u16,
    params: &Params,
    country: &str,
    change: &TradeChange,
) -> Result<WhatIf, AnalyticsError> {
    let key = country.trim().to_ascii_uppercase();
    let all = partner_trade(trade, measures, year)?;
    let eu_member = measures
        .countries()
        .groups
        .get("EU")
        .is_some_and(|g| g.contains(&key));
    let p = all.iter().find(|p| p.country == key).ok_or_else(|| {
        AnalyticsError::Input(if eu_member {
            format!("{key} is an EU member: the formula is applied to the EU as a whole (use EU)")
        } else {
            format!("no {year} trade for partner {key:?} (ISO alpha-2, or EU)")
        })
    })?;
    let annex: BTreeMap<&str, Decimal> = trade
        .annex1
        .iter()
        .map(|a| (a.iso.as_str(), a.percent))
        .collect();
    let before = row(p, measures, schedule, params, &annex);
    let mut q = p.clone();
    let apply = |base: Decimal, v: Option<Decimal>, level: bool| match v {
        Some(v) if level => v,
        Some(v) => base + v,
        None => base,
    };
    q.exports = apply(q.exports, change.exports, change.exports_level);
    q.imports = apply(q.imports, change.imports, change.imports_level);
    if q.exports < Decimal::ZERO || q.imports < Decimal::ZERO {
        return Err(AnalyticsError::Input(format!(
            "the change leaves {key} with negative trade (exports {}, imports {})",
            q.exports, q.imports
        )));
    }
    let after = row(&q, measures, schedule, params, &annex);
    let floor = params.exports_for(q.imports, params.floor);
    Ok(WhatIf {
        country: key,
        name: p.name.clone(),
        year,
        before,
        after,
        exports_for_floor: floor.map(|(x, _)| x.round_dp(0).max(Decimal::ZERO)),
        strict: floor.is_some_and(|(_, s)| s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_rules() {
        let p = Params::default();
        // China 2024: x 143,545.7, m 438,947.4 ($M): 100·Δτ = 67.3 → chart 34, annex 34.
        assert_eq!(
            p.rate_with(d("143545.7"), d("438947.4"), Rounding::Chart),
            d("34")
        );
        // 46.2: chart ceil(46/2) = 23, annex ceil(23.1) = 24.
        assert_eq!(p.rate_with(d("53.8"), d("100"), Rounding::Chart), d("23"));
        assert_eq!(p.rate_with(d("53.8"), d("100"), Rounding::Annex), d("24"));
        // Surplus, balance, no imports: the floor.
        assert_eq!(p.rate(d("200"), d("100")), d("10"));
        assert_eq!(p.rate(d("100"), d("100")), d("10"));
        assert_eq!(p.rate(d("100"), d("0")), d("10"));
        // ε·φ scales Δτ: ε = 8 halves it.
        let p8 = Params {
            epsilon: d("8"),
            ..Params::default()
        };
        assert_eq!(p8.rate(d("0"), d("100")), d("25"));
        assert_eq!(p.rate(d("0"), d("100")), d("50"));
    }

    #[test]
    fn floor_threshold_is_exact() {
        for rounding in [Rounding::Chart, Rounding::Annex] {
            let p = Params {
                rounding,
                ..Params::default()
            };
            let m = d("1000");
            let (x, strict) = p.exports_for(m, p.floor).unwrap();
            let eps = d("0.0001");
            assert_eq!(p.rate(x + eps, m), p.floor, "{rounding:?}");
            assert!(p.rate(x - eps, m) > p.floor, "{rounding:?}");
            assert_eq!(p.rate(x, m) == p.floor, !strict, "{rounding:?}");
        }
    }
}
