//! A scenario against its baseline over a basket of import flows: price every flow under
//! both sets of measures with the duty engine, run the model product by product, and add
//! the partner cuts and the commitments.
//!
//! The baseline flows are taken as the flows at the baseline tariffs (the SMART convention:
//! the data describe the status quo the scenario departs from).

use crate::elasticity::Elasticities;
use crate::error::ScenarioError;
use crate::model::{self, Effect, Params, Source};
use crate::scenario::{Area, CommitmentKind, DateRange, Loaded};
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tariff_analytics::etr::{self, BasketRow, Pricer};
use tariff_engine::{Engine, Entry, cents};
use tariff_hts::program::Programs;
use tariff_measures::overrides::MeasureChanges;
use tariff_measures::{CountryScope, Measures};
use tariff_schedule::Schedule;

/// One import flow of the basket: a product from a partner over a year (a basket row of
/// `tariff-analytics`, with its imputed quantity).
pub type Flow = BasketRow;

/// A basket of flows grouped into product markets (one per HTS-10 line).
#[derive(Clone, Debug)]
pub struct Basket {
    /// What the basket is (for reports).
    pub label: String,
    flows: Vec<Flow>,
    /// Start of each market in `flows` (flows sorted by product), plus the end.
    bounds: Vec<usize>,
    options: etr::Options,
}

impl Basket {
    /// Groups flows into markets by HTS-10 line; `options` are the pricing options of the
    /// analytics basket (program claims, metal content).
    pub fn new(label: impl Into<String>, mut flows: Vec<Flow>, options: etr::Options) -> Basket {
        flows.sort_by(|a, b| {
            a.hts
                .digits()
                .cmp(b.hts.digits())
                .then(a.partner.cmp(&b.partner))
        });
        let mut bounds = vec![0];
        for i in 1..flows.len() {
            if flows[i].hts != flows[i - 1].hts {
                bounds.push(i);
            }
        }
        if !flows.is_empty() {
            bounds.push(flows.len());
        }
        Basket {
            label: label.into(),
            flows,
            bounds,
            options,
        }
    }

    /// The flows, grouped by product.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// Total customs value.
    pub fn value(&self) -> Decimal {
        self.flows.iter().map(|f| f.value).sum()
    }
}

/// A partner's 2024 goods trade with the United States, USD (for the bilateral balance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bilateral {
    /// US exports to the partner.
    pub exports: Decimal,
    /// US imports from the partner.
    pub imports: Decimal,
}

/// What a run needs beside the scenario.
pub struct Inputs<'a> {
    /// The import flows.
    pub basket: &'a Basket,
    /// 2024 bilateral trade by partner, for the balance of the scenario's partners.
    pub bilateral: &'a BTreeMap<String, Bilateral>,
    /// The USTR reciprocal formula (`tariff-analytics`).
    pub formula: tariff_analytics::reciprocal::Params,
    /// The elasticity table.
    pub elasticities: &'a Elasticities,
    /// An engine over the embedded measures, used as the baseline when comparing with the
    /// baseline (built when `None`).
    pub engine: Option<&'a Engine>,
}

/// How to group the rows of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// The six negotiation areas.
    Area,
    /// Sectors: HS chapters for imports, the sector labels of partner measures and
    /// commitments.
    Sector,
    /// Partners.
    Partner,
}

/// One row of the result: the effects of a group, in USD rounded to the cent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The group (area name, sector, partner; `interaction` for what the area
    /// decomposition cannot assign).
    pub key: String,
    /// Baseline US imports of the group (none for area rows: an area's changes reach the
    /// whole basket).
    pub imports_before: Option<Decimal>,
    /// Scenario US imports of the group.
    pub imports_after: Option<Decimal>,
    /// Change in US imports.
    pub imports_change: Decimal,
    /// Trade creation.
    pub trade_creation: Decimal,
    /// Trade diversion (sums to zero over the sources of a product).
    pub trade_diversion: Decimal,
    /// Change in import value from world prices (zero with infinite export supply).
    pub valuation: Decimal,
    /// Duties collected, baseline.
    pub duties_before: Decimal,
    /// Duties collected, scenario.
    pub duties_after: Decimal,
    /// Change in consumer surplus.
    pub consumer_surplus: Decimal,
    /// Change in welfare (consumer surplus + duties).
    pub welfare: Decimal,
    /// Change in US exports from partner cuts, per year.
    pub exports_from_cuts: Decimal,
    /// US exports from purchase commitments, per year.
    pub exports_from_purchases: Decimal,
    /// Investment pledged (reported, not traded), total.
    pub investment_pledged: Decimal,
}

impl Row {
    fn add_effect(&mut self, e: &Effect) {
        self.imports_before = Some(self.imports_before.unwrap_or_default() + e.value0);
        self.imports_after = Some(self.imports_after.unwrap_or_default() + e.value1);
        self.imports_change += e.change();
        self.trade_creation += e.creation;
        self.trade_diversion += e.diversion;
        self.valuation += e.valuation;
        self.duties_before += e.duty0;
        self.duties_after += e.duty1;
        self.consumer_surplus += e.consumer_surplus;
        self.welfare += e.welfare;
    }

    fn add(&mut self, o: &Row) {
        let plus = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        };
        self.imports_before = plus(self.imports_before, o.imports_before);
        self.imports_after = plus(self.imports_after, o.imports_after);
        self.imports_change += o.imports_change;
        self.trade_creation += o.trade_creation;
        self.trade_diversion += o.trade_diversion;
        self.valuation += o.valuation;
        self.duties_before += o.duties_before;
        self.duties_after += o.duties_after;
        self.consumer_surplus += o.consumer_surplus;
        self.welfare += o.welfare;
        self.exports_from_cuts += o.exports_from_cuts;
        self.exports_from_purchases += o.exports_from_purchases;
        self.investment_pledged += o.investment_pledged;
    }

    fn sub(&mut self, o: &Row) {
        let mut neg = o.clone();
        neg.negate();
        self.add(&neg);
    }

    /// The always-present money fields, to change all alike.
    fn amounts_mut(&mut self) -> [&mut Decimal; 11] {
        [
            &mut self.imports_change,
            &mut self.trade_creation,
            &mut self.trade_diversion,
            &mut self.valuation,
            &mut self.duties_before,
            &mut self.duties_after,
            &mut self.consumer_surplus,
            &mut self.welfare,
            &mut self.exports_from_cuts,
            &mut self.exports_from_purchases,
            &mut self.investment_pledged,
        ]
    }

    fn negate(&mut self) {
        self.imports_before = self.imports_before.map(|x| -x);
        self.imports_after = self.imports_after.map(|x| -x);
        for x in self.amounts_mut() {
            *x = -*x;
        }
    }

    fn round(&mut self) {
        self.imports_before = self.imports_before.map(cents);
        self.imports_after = self.imports_after.map(cents);
        for x in self.amounts_mut() {
            *x = cents(*x);
        }
    }

    /// Change in duties collected.
    pub fn duties_change(&self) -> Decimal {
        self.duties_after - self.duties_before
    }
}

/// The bilateral balance of a partner, before and after, and the formula rate each implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// The partner.
    pub partner: String,
    /// 2024 US exports to it.
    pub exports_before: Decimal,
    /// 2024 US imports from it.
    pub imports_before: Decimal,
    /// US exports after: partner cuts and purchase commitments added (per year).
    pub exports_after: Decimal,
    /// US imports after: the model's change for this partner added.
    pub imports_after: Decimal,
    /// `exports − imports`, before.
    pub balance_before: Decimal,
    /// `exports − imports`, after.
    pub balance_after: Decimal,
    /// USTR's Δτ = (m − x)/(ε·φ·m) of the balance before, percent, unrounded.
    pub delta_tau_before: Option<Decimal>,
    /// Δτ after.
    pub delta_tau_after: Option<Decimal>,
    /// The reciprocal rate the balance before implies (half of Δτ, rounded up, at least the
    /// floor), percent.
    pub formula_rate_before: Decimal,
    /// The reciprocal rate the balance after implies, percent.
    pub formula_rate_after: Decimal,
}

/// The spread of a headline figure over the sensitivity grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// The figure (`imports_change`, `duties_change`, `consumer_surplus`, `welfare`).
    pub figure: String,
    /// Its value at the central elasticities.
    pub central: Decimal,
    /// Lowest over the grid.
    pub min: Decimal,
    /// Highest over the grid.
    pub max: Decimal,
    /// The elasticities (ε, σ) at the lowest value.
    pub at_min: (Decimal, Decimal),
    /// The elasticities (ε, σ) at the highest value.
    pub at_max: (Decimal, Decimal),
}

/// The result of a simulation.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// What it is compared with (`baseline` or the other scenario's name).
    pub against: String,
    /// The days the tariffs are read over.
    pub days: DateRange,
    /// The basket.
    pub basket: String,
    /// The elasticities of the run.
    pub params: Params,
    /// How the rows are grouped.
    pub by: GroupBy,
    /// The rows, largest change in imports first.
    pub rows: Vec<Row>,
    /// All rows together.
    pub total: Row,
    /// Bilateral balances of the partners the scenario names.
    pub balances: Vec<Balance>,
    /// Flows the engine could not price (for example a specific rate without a quantity),
    /// left out of the model: count and value.
    pub unpriced_flows: usize,
    /// Their value, USD.
    pub unpriced_value: Decimal,
    /// Flows whose fall in imports was capped at their whole value.
    pub clamped_flows: usize,
    /// Spread over the sensitivity grid, when asked for.
    pub sensitivity: Vec<Spread>,
    /// What the reader should know.
    pub notes: Vec<String>,
}

/// A set of measures priced over the basket.
struct Priced {
    /// Effective tariff of each flow (fraction), averaged over the days; `None` if unpriced.
    rates: Vec<Option<Decimal>>,
    /// The baseline's plan of each flow for each date (empty in other pricings).
    plans: Vec<Option<Vec<Plan>>>,
}

/// Builds an engine for a set of measure changes (`validated`: the same, already loaded).
fn engine(changes: &MeasureChanges, validated: Option<&Measures>) -> Result<Engine, ScenarioError> {
    let measures = match validated {
        Some(m) => m.clone(),
        None => Measures::embedded_with(changes)?,
    };
    let schedule = Schedule::embedded().map_err(tariff_engine::EngineError::from)?;
    let programs = Programs::embedded().map_err(tariff_engine::EngineError::from)?;
    Ok(Engine::new(schedule, measures, programs)?)
}

/// The periods of `days` over which every quote of both engines is constant ([`Engine::change_dates`]:
/// measures, revisions, programs, column 2, fees and the horizons), each as its first date and
/// its length in days.
fn periods(engines: &[&Engine], days: DateRange) -> Vec<(Date, i64)> {
    let mut cuts: BTreeSet<Date> = BTreeSet::new();
    cuts.insert(days.from);
    for e in engines {
        cuts.extend(e.change_dates(days.from, days.until));
    }
    let cuts: Vec<Date> = cuts.into_iter().collect();
    cuts.iter()
        .enumerate()
        .map(|(i, d)| {
            let end = cuts.get(i + 1).copied().unwrap_or(days.until);
            (*d, (end - *d).get_days().into())
        })
        .collect()
}

/// The origins whose quotes the changes can alter (`None`: any origin).
fn touched_origins(base: &Measures, changes: &MeasureChanges) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut scope = |s: &CountryScope| -> bool {
        match s {
            CountryScope::All => false,
            CountryScope::Only(list) => {
                for c in list {
                    match base.countries().expand(c) {
                        Some(m) => out.extend(m.into_iter().map(str::to_string)),
                        None => {
                            out.insert(c.clone());
                        }
                    }
                }
                true
            }
        }
    };
    for m in changes.replace.iter().chain(&changes.add) {
        if !scope(&m.countries) {
            return None;
        }
        if let Some(old) = base.get(&m.id)
            && !scope(&old.countries)
        {
            return None;
        }
    }
    for id in &changes.remove {
        if let Some(old) = base.get(id)
            && !scope(&old.countries)
        {
            return None;
        }
    }
    Some(out)
}

/// How a flow is entered on one date: the line priced (the 8-digit subheading when the
/// 10-digit line is not in that revision) and the program claimed. It depends on the schedule
/// and the programs only, so the baseline's plan serves every other set of measures.
#[derive(Clone, Debug)]
struct Plan {
    hts: tariff_hts::HtsCode,
    spi: Option<String>,
}

/// Prices every flow. Without `base`: with the analytics pricer, recording each flow's plan.
/// With `base`: with the baseline's plans, and the baseline's rates for flows whose origin is
/// not in `touched` (when given).
fn price(
    engine: &Engine,
    basket: &Basket,
    dates: &[(Date, i64)],
    base: Option<(&Priced, Option<&BTreeSet<String>>)>,
) -> Result<Priced, ScenarioError> {
    let pricer = Pricer::with_options(engine, &basket.options)
        .map_err(|e| ScenarioError::Flows(e.to_string()))?;
    // Plans carry the line and the program, not content values: with a metal share every
    // pricing goes through the analytics pricer.
    let base = base.filter(|_| basket.options.metal_share.is_none());
    let total_days = Decimal::from(dates.iter().map(|(_, n)| *n).sum::<i64>().max(1));
    let priced: Vec<(Option<Decimal>, Option<Vec<Plan>>)> = basket
        .flows
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            if f.value <= Decimal::ZERO {
                return (Some(Decimal::ZERO), None);
            }
            let mut sum = Decimal::ZERO;
            match base {
                Some((b, touched)) => {
                    if touched.is_some_and(|t| !t.contains(&f.origin)) {
                        return (b.rates[i], None);
                    }
                    let Some(plans) = &b.plans[i] else {
                        return (None, None);
                    };
                    for ((date, n), plan) in dates.iter().zip(plans) {
                        let mut e = Entry::new(plan.hts, &f.origin, *date, f.value);
                        e.quantity = f.quantity;
                        e.spi = plan.spi.as_deref().map(tariff_engine::Spi::from);
                        let Ok(q) = engine.quote(&e) else {
                            return (None, None);
                        };
                        sum += q.total_duty / f.value * Decimal::from(*n);
                    }
                    (Some(sum / total_days), None)
                }
                None => {
                    let mut plans = Vec::with_capacity(dates.len());
                    for (date, n) in dates {
                        let Ok(q) = pricer.price(f, *date) else {
                            return (None, None);
                        };
                        let hts = if q.hts8_fallback {
                            f.hts.truncate(8).unwrap_or(f.hts)
                        } else {
                            f.hts
                        };
                        plans.push(Plan { hts, spi: q.spi });
                        sum += q.duty / f.value * Decimal::from(*n);
                    }
                    (Some(sum / total_days), Some(plans))
                }
            }
        })
        .collect();
    let (rates, plans) = priced.into_iter().unzip();
    Ok(Priced { rates, plans })
}

/// Runs the model over the basket with rates `t0` → `t1`: one effect per flow.
fn run_model(basket: &Basket, t0: &Priced, t1: &Priced, p: &Params) -> Vec<Option<Effect>> {
    basket
        .bounds
        .par_windows(2)
        .flat_map_iter(|w| {
            let idx: Vec<usize> = (w[0]..w[1])
                .filter(|&i| t0.rates[i].is_some() && t1.rates[i].is_some())
                .collect();
            let sources: Vec<Source> = idx
                .iter()
                .map(|&i| Source {
                    value: basket.flows[i].value,
                    t0: t0.rates[i].unwrap_or_default(),
                    t1: t1.rates[i].unwrap_or_default(),
                })
                .collect();
            let effects = model::market(&sources, p);
            let mut out: Vec<Option<Effect>> = vec![None; w[1] - w[0]];
            for (k, &i) in idx.iter().enumerate() {
                out[i - w[0]] = effects.get(k).cloned();
            }
            out.into_iter()
        })
        .collect()
}

/// A headline figure of a row.
type Figure = fn(&Row) -> Decimal;

/// Options of a run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// How to group rows.
    pub by: GroupBy,
    /// Rerun over the elasticity grid and report the spread.
    pub sensitivity: bool,
}

/// Simulates `scenario` against `against` (`None`: the baseline, the embedded measures).
pub fn simulate(
    scenario: &Loaded,
    against: Option<&Loaded>,
    inputs: &Inputs<'_>,
    options: Options,
) -> Result<Outcome, ScenarioError> {
    check_same_days(scenario, against)?;
    let params = inputs.elasticities.central();
    let built;
    let base_engine = match (against, inputs.engine) {
        (None, Some(e)) => e,
        _ => {
            let changes = against.map(Loaded::all_changes).unwrap_or_default();
            built = engine(&changes, against.and_then(|a| a.measures.as_ref()))?;
            &built
        }
    };
    let scen_engine = engine(&scenario.all_changes(), scenario.measures.as_ref())?;
    let dates = periods(&[base_engine, &scen_engine], scenario.days);
    let t0 = price(base_engine, inputs.basket, &dates, None)?;
    let reuse_for = |changes: &MeasureChanges| -> Option<BTreeSet<String>> {
        if against.is_some() {
            return None;
        }
        touched_origins(base_engine.measures(), changes)
    };
    let touched = reuse_for(&scenario.all_changes());
    let t1 = price(
        &scen_engine,
        inputs.basket,
        &dates,
        Some((&t0, touched.as_ref())),
    )?;
    let effects = run_model(inputs.basket, &t0, &t1, &params);

    let mut notes = vec![
        "2024 flows are taken as the flows at the baseline tariffs (SMART convention)".to_string(),
        "purchase commitments are counted as additional US exports in full; investment pledges are reported, not traded".to_string(),
    ];
    if params.export_supply.is_none() {
        notes.push("export supply infinitely elastic: world prices fixed, the whole duty falls on US buyers".into());
    }
    let area_rows = if options.by == GroupBy::Area {
        let step = |changes: &MeasureChanges| -> Result<Priced, ScenarioError> {
            let e = engine(changes, None)?;
            let touched = reuse_for(changes);
            price(&e, inputs.basket, &dates, Some((&t0, touched.as_ref())))
        };
        let (rows, decomposed) = area_rows(
            scenario,
            against,
            inputs.basket,
            (&t0, &t1),
            &effects,
            &params,
            step,
        )?;
        if decomposed {
            notes.push("by area: the import effects of the US measure changes are decomposed area by area in the order of the six areas, each step from the 2024 flows; `interaction` is what the steps do not add up to".into());
        }
        rows
    } else {
        Vec::new()
    };
    let flows = inputs.basket.flows();
    let mut rows = import_rows(options.by, flows, &effects, area_rows);
    let mut by_partner_exports: BTreeMap<String, Decimal> = BTreeMap::new();
    let elasticity = inputs
        .elasticities
        .partner_import_demand
        .central
        .unwrap_or(Decimal::ONE);
    for (l, sign) in
        std::iter::once((scenario, Decimal::ONE)).chain(against.map(|a| (a, -Decimal::ONE)))
    {
        partner_side(
            l,
            sign,
            options.by,
            elasticity,
            &mut rows,
            &mut by_partner_exports,
        );
    }
    let balances = balances(scenario, against, inputs, &effects, &by_partner_exports);
    let (rows, total) = rows_and_total(rows, &effects, options.by);

    let unpriced: Vec<&Flow> = flows
        .iter()
        .enumerate()
        .filter(|(i, _)| t0.rates[*i].is_none() || t1.rates[*i].is_none())
        .map(|(_, f)| f)
        .collect();
    let clamped_flows = effects.iter().flatten().filter(|e| e.clamped).count();
    let sensitivity = if options.sensitivity {
        sensitivity(inputs, &t0, &t1)
    } else {
        Vec::new()
    };
    if dates.len() > 1 {
        notes.push(format!(
            "tariffs averaged over {} periods between {} and {}, weighted by days",
            dates.len(),
            scenario.days.from,
            scenario.days.until
        ));
    }

    Ok(Outcome {
        scenario: scenario.scenario.name.clone(),
        against: against.map_or(BASELINE.to_string(), |a| a.scenario.name.clone()),
        days: scenario.days,
        basket: inputs.basket.label.clone(),
        params,
        by: options.by,
        rows,
        total,
        balances,
        unpriced_flows: unpriced.len(),
        unpriced_value: cents(unpriced.iter().map(|f| f.value).sum()),
        clamped_flows,
        sensitivity,
        notes,
    })
}

/// The key of the area row holding what the area steps do not add up to.
const INTERACTION: &str = "interaction";
/// The key of the one area row of a comparison of two scenarios (their US measures differ).
const US_MEASURES: &str = "us_measures";
/// The key of the total row.
const TOTAL: &str = "total";
/// What a scenario is compared with when no other scenario is given.
const BASELINE: &str = "baseline";

/// Two scenarios are compared over the same dates only.
fn check_same_days(scenario: &Loaded, against: Option<&Loaded>) -> Result<(), ScenarioError> {
    match against {
        Some(a) if a.days != scenario.days => Err(ScenarioError::File {
            file: a.file.clone(),
            message: format!(
                "read over {}..{}, the scenario over {}..{}: compare scenarios over the same dates",
                a.days.from, a.days.until, scenario.days.from, scenario.days.until
            ),
        }),
        _ => Ok(()),
    }
}

/// The rows of a result by area: against the baseline with changes in several areas, the
/// import effects decomposed area by area in the order of the six areas (each step priced by
/// `step` from the changes through that area, the last step the whole scenario), with the
/// `interaction` row; else one row with all the effects. The flag says whether the effects
/// were decomposed.
fn area_rows(
    scenario: &Loaded,
    against: Option<&Loaded>,
    basket: &Basket,
    (t0, t1): (&Priced, &Priced),
    effects: &[Option<Effect>],
    params: &Params,
    step: impl Fn(&MeasureChanges) -> Result<Priced, ScenarioError>,
) -> Result<(Vec<Row>, bool), ScenarioError> {
    let present: Vec<usize> = scenario
        .changes
        .iter()
        .filter_map(|(a, _)| Area::ALL.iter().position(|x| x == a))
        .collect();
    let all_effects = |key: &str| {
        let mut row = Row {
            key: key.to_string(),
            ..Row::default()
        };
        for e in effects.iter().flatten() {
            row.add_effect(e);
        }
        row
    };
    if against.is_some() || present.len() <= 1 {
        let key = match scenario.changes.first() {
            Some((a, _)) if against.is_none() => a.name(),
            Some(_) => US_MEASURES,
            None if against.is_some() => US_MEASURES,
            None => return Ok((Vec::new(), false)),
        };
        return Ok((vec![all_effects(key)], false));
    }
    let mut rows = Vec::new();
    let mut prev = Priced {
        rates: t0.rates.clone(),
        plans: Vec::new(),
    };
    let mut sum = Row::default();
    for (k, &n) in present.iter().enumerate() {
        let next = if k + 1 == present.len() {
            Priced {
                rates: t1.rates.clone(),
                plans: Vec::new(),
            }
        } else {
            step(&scenario.changes_through(n + 1))?
        };
        let mut row = Row {
            key: Area::ALL[n].name().to_string(),
            ..Row::default()
        };
        for e in run_model(basket, &prev, &next, params).iter().flatten() {
            row.add_effect(e);
        }
        // Each step reaches the whole basket: only the change is an area's.
        row.imports_before = None;
        row.imports_after = None;
        sum.add(&row);
        rows.push(row);
        prev = next;
    }
    let mut interaction = Row {
        key: INTERACTION.into(),
        ..Row::default()
    };
    interaction.add(&all_effects(TOTAL));
    interaction.sub(&sum);
    rows.push(interaction);
    Ok((rows, true))
}

/// The import rows by partner or sector (or the area rows, by area).
fn import_rows(
    by: GroupBy,
    flows: &[Flow],
    effects: &[Option<Effect>],
    area_rows: Vec<Row>,
) -> BTreeMap<String, Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    if by == GroupBy::Area {
        for r in area_rows {
            rows.insert(r.key.clone(), r);
        }
        return rows;
    }
    for (f, e) in flows.iter().zip(effects) {
        let Some(e) = e else { continue };
        let key = match by {
            GroupBy::Partner => f.partner.clone(),
            _ => format!("HS {:02}", f.chapter),
        };
        row_of(&mut rows, key).add_effect(e);
    }
    rows
}

/// The row of a key, made empty if new.
fn row_of(rows: &mut BTreeMap<String, Row>, key: String) -> &mut Row {
    rows.entry(key.clone()).or_insert_with(|| Row {
        key,
        ..Row::default()
    })
}

/// One scenario's partner measures and commitments, added to the rows (`sign` −1 for the
/// scenario compared against) and to each partner's export change.
fn partner_side(
    l: &Loaded,
    sign: Decimal,
    by: GroupBy,
    elasticity: Decimal,
    rows: &mut BTreeMap<String, Row>,
    by_partner_exports: &mut BTreeMap<String, Decimal>,
) {
    for m in &l.scenario.partner_measures {
        let x = model::export_change(
            m.us_exports,
            m.ave_before / Decimal::ONE_HUNDRED,
            m.ave_after / Decimal::ONE_HUNDRED,
            m.elasticity.unwrap_or(elasticity),
        ) * sign;
        *by_partner_exports.entry(m.partner.clone()).or_default() += x;
        let key = match by {
            GroupBy::Area => m.area.name().to_string(),
            GroupBy::Sector => m.sector.clone(),
            GroupBy::Partner => m.partner.clone(),
        };
        row_of(rows, key).exports_from_cuts += x;
    }
    for c in &l.scenario.commitments {
        let key = match by {
            GroupBy::Area => c.area.name().to_string(),
            GroupBy::Sector => c.sector.clone(),
            GroupBy::Partner => c.partner.clone(),
        };
        let row = row_of(rows, key);
        match c.kind {
            CommitmentKind::Purchase => {
                let x = c.annual() * sign;
                row.exports_from_purchases += x;
                *by_partner_exports.entry(c.partner.clone()).or_default() += x;
            }
            CommitmentKind::Investment => row.investment_pledged += c.total_value() * sign,
        }
    }
}

/// The trade balances of the partners the scenarios name, before and after, with the USTR
/// formula on each.
fn balances(
    scenario: &Loaded,
    against: Option<&Loaded>,
    inputs: &Inputs<'_>,
    effects: &[Option<Effect>],
    by_partner_exports: &BTreeMap<String, Decimal>,
) -> Vec<Balance> {
    let mut partners: BTreeSet<String> = BTreeSet::new();
    for l in std::iter::once(scenario).chain(against) {
        partners.extend(l.scenario.partner.iter().cloned());
        partners.extend(
            l.scenario
                .partner_measures
                .iter()
                .map(|m| m.partner.clone()),
        );
        partners.extend(l.scenario.commitments.iter().map(|c| c.partner.clone()));
    }
    let mut import_change: BTreeMap<&str, Decimal> = BTreeMap::new();
    for (f, e) in inputs.basket.flows().iter().zip(effects) {
        if let Some(e) = e
            && partners.contains(&f.partner)
        {
            *import_change.entry(f.partner.as_str()).or_default() += e.change();
        }
    }
    partners
        .iter()
        .filter_map(|p| {
            let b = inputs.bilateral.get(p)?;
            let exports_after = b.exports + by_partner_exports.get(p).copied().unwrap_or_default();
            let imports_after =
                b.imports + import_change.get(p.as_str()).copied().unwrap_or_default();
            Some(Balance {
                partner: p.clone(),
                exports_before: cents(b.exports),
                imports_before: cents(b.imports),
                exports_after: cents(exports_after),
                imports_after: cents(imports_after),
                balance_before: cents(b.exports - b.imports),
                balance_after: cents(exports_after - imports_after),
                delta_tau_before: inputs
                    .formula
                    .delta_tau_percent(b.exports, b.imports)
                    .map(|x| x.round_dp(2)),
                delta_tau_after: inputs
                    .formula
                    .delta_tau_percent(exports_after, imports_after)
                    .map(|x| x.round_dp(2)),
                formula_rate_before: inputs.formula.rate(b.exports, b.imports),
                formula_rate_after: inputs.formula.rate(exports_after, imports_after),
            })
        })
        .collect()
}

/// The rows, rounded and by size of the import change, and their total (by area: the area
/// rows hold changes only, and the total holds the whole basket).
fn rows_and_total(
    rows: BTreeMap<String, Row>,
    effects: &[Option<Effect>],
    by: GroupBy,
) -> (Vec<Row>, Row) {
    let mut rows: Vec<Row> = rows.into_values().collect();
    let mut total = Row {
        key: TOTAL.into(),
        ..Row::default()
    };
    if by == GroupBy::Area {
        for e in effects.iter().flatten() {
            total.add_effect(e);
        }
        for r in &rows {
            total.exports_from_cuts += r.exports_from_cuts;
            total.exports_from_purchases += r.exports_from_purchases;
            total.investment_pledged += r.investment_pledged;
        }
    } else {
        for r in &rows {
            total.add(r);
        }
    }
    for r in &mut rows {
        if by == GroupBy::Area {
            r.imports_before = None;
            r.imports_after = None;
        }
        r.round();
    }
    total.round();
    rows.sort_by(|a, b| {
        b.imports_change
            .abs()
            .cmp(&a.imports_change.abs())
            .then(a.key.cmp(&b.key))
    });
    (rows, total)
}

/// The spread of the main figures over the elasticities' sensitivity grid.
fn sensitivity(inputs: &Inputs<'_>, t0: &Priced, t1: &Priced) -> Vec<Spread> {
    let grid = inputs.elasticities.sensitivity_grid();
    let runs: Vec<(Params, Row)> = grid
        .iter()
        .map(|p| {
            let mut r = Row::default();
            for e in run_model(inputs.basket, t0, t1, p).iter().flatten() {
                r.add_effect(e);
            }
            (*p, r)
        })
        .collect();
    let figures: [(&str, Figure); 4] = [
        ("imports_change", |r| r.imports_change),
        ("duties_change", Row::duties_change),
        ("consumer_surplus", |r| r.consumer_surplus),
        ("welfare", |r| r.welfare),
    ];
    let mut out = Vec::new();
    for (name, f) in figures {
        let central = runs.first().map(|(_, r)| f(r)).unwrap_or_default();
        let (mut lo, mut hi) = (runs[0].clone(), runs[0].clone());
        for (p, r) in &runs {
            if f(r) < f(&lo.1) {
                lo = (*p, r.clone());
            }
            if f(r) > f(&hi.1) {
                hi = (*p, r.clone());
            }
        }
        out.push(Spread {
            figure: name.to_string(),
            central: cents(central),
            min: cents(f(&lo.1)),
            max: cents(f(&hi.1)),
            at_min: (lo.0.import_demand, lo.0.substitution),
            at_max: (hi.0.import_demand, hi.0.substitution),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A range is averaged over periods cut wherever any quote may change: measures, and
    /// also the HTS revisions and program dates that the simulator once missed (issue 24).
    #[test]
    fn periods_cut_at_revisions_and_programs() {
        let engine = Engine::embedded().expect("embedded data loads");
        let days = DateRange {
            from: jiff::civil::date(2025, 1, 1),
            until: jiff::civil::date(2026, 7, 1),
        };
        let starts: BTreeSet<Date> = periods(&[&engine], days).iter().map(|p| p.0).collect();
        let revisions: Vec<Date> = engine
            .schedule()
            .revisions()
            .iter()
            .map(|r| r.effective_from)
            .filter(|d| days.from < *d && *d < days.until)
            .collect();
        assert!(revisions.len() > 10, "{revisions:?}");
        for d in &revisions {
            assert!(
                starts.contains(d),
                "no period starts at the revision of {d}"
            );
        }
        for p in engine.programs().iter() {
            for i in &p.effective {
                for d in std::iter::once(i.from).chain(i.until) {
                    if days.from < d && d < days.until {
                        assert!(starts.contains(&d), "no period starts at {} on {d}", p.code);
                    }
                }
            }
        }
        let total: i64 = periods(&[&engine], days).iter().map(|p| p.1).sum();
        assert_eq!(total, i64::from((days.until - days.from).get_days()));
    }
}
