//! `tariff simulate`: a negotiation package (scenario file) against the baseline or another
//! scenario, over the 2024 import basket, with the partial-equilibrium model of
//! `tariff-scenario`.

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::io::Write;
use std::path::PathBuf;
use tariff_measures::Measures;
use tariff_scenario::simulate::Balance;
use tariff_scenario::{Elasticities, GroupBy, Inputs, Options, Outcome, Row, Scenario};

/// How rows are grouped.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum By {
    /// The six negotiation areas.
    Area,
    /// HS chapters (imports) and the sectors of partner cuts and commitments.
    Sector,
    /// Partners.
    Partner,
}

/// The command-line inputs of `tariff simulate`.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// The scenario file (YAML; see scenarios/ and docs/simulation.md).
    #[arg(long)]
    scenario: PathBuf,
    /// What to compare with: `baseline` (the embedded measures) or another scenario file.
    #[arg(long, default_value = "baseline")]
    against: String,
    /// How to group the rows. `area` decomposes the US measure changes area by area, which
    /// prices the basket once more for each area after the first.
    #[arg(long, value_enum, default_value = "partner")]
    by: By,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the rows as CSV (USD).
    #[arg(long)]
    csv: bool,
    /// Also write a bar chart of the rows (change in imports and in duties) as SVG.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Rerun over the elasticity ranges of the committed table and report the spread.
    #[arg(long)]
    sensitivity: bool,
}

/// Runs `tariff simulate`.
pub fn run(args: &SimulateArgs) -> Result<()> {
    let measures = Measures::embedded().context("loading the embedded measures")?;
    let scenario = Scenario::load(&args.scenario, &measures)?;
    let against = if args.against == "baseline" {
        None
    } else {
        Some(Scenario::load(
            std::path::Path::new(&args.against),
            &measures,
        )?)
    };
    let trade = tariff_analytics::trade::embedded().context("loading the trade dataset")?;
    let engine = tariff_engine::Engine::embedded().context("loading the engine")?;
    let (basket, bilateral, _notes) = tariff_scenario::basket::from_trade(&trade, &engine)?;
    let elasticities = Elasticities::embedded()?;
    let by = match args.by {
        By::Area => GroupBy::Area,
        By::Sector => GroupBy::Sector,
        By::Partner => GroupBy::Partner,
    };
    let outcome = tariff_scenario::simulate(
        &scenario,
        against.as_ref(),
        &Inputs {
            basket: &basket,
            bilateral: &bilateral,
            formula: tariff_analytics::reciprocal::Params::default(),
            elasticities: &elasticities,
            engine: Some(&engine),
        },
        Options {
            by,
            sensitivity: args.sensitivity,
        },
    )?;
    if let Some(path) = &args.plot {
        std::fs::write(path, tariff_scenario::plot::svg(&outcome))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        return super::print_json(&outcome);
    }
    let mut out = std::io::stdout().lock();
    if args.csv {
        write_csv(&mut out, &outcome)?;
    } else {
        write_table(&mut out, &outcome)?;
    }
    Ok(())
}

fn bn(x: Decimal) -> String {
    format!("{:.3}", (x / Decimal::from(1_000_000_000)).round_dp(3))
}

fn opt(x: Option<Decimal>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

const CSV_HEADER: &str = "key,imports_before,imports_after,imports_change,trade_creation,trade_diversion,valuation,duties_before,duties_after,consumer_surplus,welfare,exports_from_cuts,exports_from_purchases,investment_pledged";

fn csv_row(out: &mut impl Write, r: &Row) -> Result<()> {
    let key = if r.key.contains([',', '"']) {
        format!("\"{}\"", r.key.replace('"', "\"\""))
    } else {
        r.key.clone()
    };
    writeln!(
        out,
        "{key},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        opt(r.imports_before),
        opt(r.imports_after),
        r.imports_change,
        r.trade_creation,
        r.trade_diversion,
        r.valuation,
        r.duties_before,
        r.duties_after,
        r.consumer_surplus,
        r.welfare,
        r.exports_from_cuts,
        r.exports_from_purchases,
        r.investment_pledged
    )?;
    Ok(())
}

fn write_csv(out: &mut impl Write, o: &Outcome) -> Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for r in &o.rows {
        csv_row(out, r)?;
    }
    csv_row(out, &o.total)?;
    Ok(())
}

fn write_table(out: &mut impl Write, o: &Outcome) -> Result<()> {
    writeln!(out, "scenario  {}", o.scenario)?;
    writeln!(out, "against   {}", o.against)?;
    writeln!(out, "dates     {} .. {} (until)", o.days.from, o.days.until)?;
    writeln!(out, "basket    {}", o.basket)?;
    writeln!(
        out,
        "model     import demand ε {}, substitution σ {}, export supply {}",
        o.params.import_demand,
        o.params.substitution,
        o.params
            .export_supply
            .map_or("infinite".to_string(), |e| e.to_string())
    )?;
    writeln!(out, "$ billions per year")?;
    writeln!(
        out,
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "group",
        "Δimports",
        "creation",
        "diversion",
        "Δduties",
        "cons.surp",
        "welfare",
        "X cuts",
        "X purch.",
        "invest."
    )?;
    // Rows come largest change first; the table shows those that change something, at most
    // MAX_ROWS of them (--csv and --json give all).
    let moving: Vec<&Row> = o.rows.iter().filter(|r| !is_quiet(r)).collect();
    let shown = moving.len().min(MAX_ROWS);
    for r in moving[..shown]
        .iter()
        .copied()
        .chain(std::iter::once(&o.total))
    {
        let key: String = r.key.chars().take(28).collect();
        writeln!(
            out,
            "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            key,
            bn(r.imports_change),
            bn(r.trade_creation),
            bn(r.trade_diversion),
            bn(r.duties_change()),
            bn(r.consumer_surplus),
            bn(r.welfare),
            bn(r.exports_from_cuts),
            bn(r.exports_from_purchases),
            bn(r.investment_pledged)
        )?;
    }
    if o.rows.len() > shown {
        writeln!(
            out,
            "({} more rows, {} of them with no change: --csv or --json for all)",
            o.rows.len() - shown,
            o.rows.len() - moving.len()
        )?;
    }
    if let (Some(b), Some(a)) = (o.total.imports_before, o.total.imports_after) {
        writeln!(
            out,
            "imports {} → {}, duties {} → {} ($ bn)",
            bn(b),
            bn(a),
            bn(o.total.duties_before),
            bn(o.total.duties_after)
        )?;
    }
    for b in &o.balances {
        write_balance(out, b)?;
    }
    if !o.sensitivity.is_empty() {
        writeln!(out, "sensitivity (ε, σ over the committed ranges), $ bn:")?;
        for s in &o.sensitivity {
            writeln!(
                out,
                "  {:<18} central {:>9}  range {:>9} (ε {}, σ {}) .. {:>9} (ε {}, σ {})",
                s.figure,
                bn(s.central),
                bn(s.min),
                s.at_min.0,
                s.at_min.1,
                bn(s.max),
                s.at_max.0,
                s.at_max.1
            )?;
        }
    }
    if o.unpriced_flows > 0 {
        writeln!(
            out,
            "not priced: {} flows, {} $ bn (the engine could not quote them, e.g. a specific rate without a quantity); left out of the model",
            o.unpriced_flows,
            bn(o.unpriced_value)
        )?;
    }
    if o.clamped_flows > 0 {
        writeln!(
            out,
            "{} flows fell to zero (their fall capped at their whole value)",
            o.clamped_flows
        )?;
    }
    for n in &o.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

const MAX_ROWS: usize = 25;

/// A row with nothing to show at a thousandth of a billion.
fn is_quiet(r: &Row) -> bool {
    let small = |x: Decimal| x.abs() < Decimal::from(500_000);
    [
        r.imports_change,
        r.duties_change(),
        r.welfare,
        r.consumer_surplus,
        r.exports_from_cuts,
        r.exports_from_purchases,
        r.investment_pledged,
    ]
    .into_iter()
    .all(small)
}

fn write_balance(out: &mut impl Write, b: &Balance) -> Result<()> {
    writeln!(
        out,
        "balance {}: exports {} → {}, imports {} → {}, balance {} → {} ($ bn); USTR Δτ {}% → {}%, formula rate {}% → {}%",
        b.partner,
        bn(b.exports_before),
        bn(b.exports_after),
        bn(b.imports_before),
        bn(b.imports_after),
        bn(b.balance_before),
        bn(b.balance_after),
        opt(b.delta_tau_before),
        opt(b.delta_tau_after),
        b.formula_rate_before,
        b.formula_rate_after
    )?;
    Ok(())
}
