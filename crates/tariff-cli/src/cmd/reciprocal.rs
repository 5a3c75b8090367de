//! `tariff reciprocal`: the USTR formula of April 2025 on Census bilateral trade, against the
//! rates enacted in HTS 9903.01.43–.76, and what-if changes in a partner's trade.

use anyhow::{Context, Result, bail};
use rust_decimal::Decimal;
use std::io::Write;
use tariff_analytics::reciprocal::{self, Params, Rounding, Row, TradeChange};

/// The command-line inputs of `tariff reciprocal`.
#[derive(clap::Args)]
pub struct ReciprocalArgs {
    /// Year of the Census bilateral trade (2021–2024).
    #[arg(long, default_value_t = 2024)]
    year: u16,
    /// ε, the elasticity of import demand (USTR: 4).
    #[arg(long, default_value = "4")]
    epsilon: String,
    /// φ, the passthrough of tariffs to import prices (USTR: 0.25).
    #[arg(long, default_value = "0.25")]
    phi: String,
    /// Rounding of the half rate: chart = ceil(round(100·Δτ)/2), as the HTS rates follow;
    /// annex = ceil(100·Δτ/2), as the Annex I PDF follows.
    #[arg(long, default_value = "chart")]
    rounding: String,
    /// List every partner, not only the Annex I partners and those with a difference.
    #[arg(long)]
    all: bool,
    /// A partner (ISO alpha-2, or EU) whose trade changes: shows the formula before and after.
    #[arg(long, value_name = "CC")]
    what_if: Option<String>,
    /// With --what-if: change in exports, USD (+100e9, -5e9), or a level without a sign.
    #[arg(long, allow_hyphen_values = true, requires = "what_if")]
    exports: Option<String>,
    /// With --what-if: change in imports, USD (+100e9, -5e9), or a level without a sign.
    #[arg(long, allow_hyphen_values = true, requires = "what_if")]
    imports: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn decimal(field: &str, s: &str) -> Result<Decimal> {
    let t = s.trim().replace([',', '_', '$'], "");
    t.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&t))
        .with_context(|| format!("--{field} {s:?} is not a number"))
}

/// `+100e9` → (100e9, change); `-5e9` → (−5e9, change); `300e9` → (300e9, level).
fn change(field: &str, s: &Option<String>) -> Result<(Option<Decimal>, bool)> {
    let Some(s) = s else {
        return Ok((None, false));
    };
    let t = s.trim();
    let (body, level) = match t.strip_prefix('+') {
        Some(rest) => (rest, false),
        None => (t, !t.starts_with('-')),
    };
    Ok((Some(decimal(field, body)?), level))
}

fn bn(x: Decimal) -> String {
    format!("{:.1}", x / Decimal::from(1_000_000_000))
}

fn pct(x: Option<Decimal>) -> String {
    x.map(|v| format!("{}%", v.normalize()))
        .unwrap_or_else(|| "-".into())
}

pub fn run(a: &ReciprocalArgs) -> Result<()> {
    let rounding: Rounding = a.rounding.parse().map_err(anyhow::Error::msg)?;
    let params = Params {
        epsilon: decimal("epsilon", &a.epsilon)?,
        phi: decimal("phi", &a.phi)?,
        rounding,
        ..Params::default()
    };
    if params.epsilon <= Decimal::ZERO || params.phi <= Decimal::ZERO {
        bail!("--epsilon and --phi must be positive");
    }
    let trade = tariff_analytics::trade::embedded()?;
    let measures = tariff_measures::Measures::embedded().context("loading the measures")?;
    let schedule = super::schedule()?;
    if let Some(cc) = &a.what_if {
        let (exports, exports_level) = change("exports", &a.exports)?;
        let (imports, imports_level) = change("imports", &a.imports)?;
        if exports.is_none() && imports.is_none() {
            bail!("--what-if needs --exports and/or --imports");
        }
        let w = reciprocal::what_if(
            &trade,
            &measures,
            &schedule,
            a.year,
            &params,
            cc,
            &TradeChange {
                exports,
                exports_level,
                imports,
                imports_level,
            },
        )?;
        if a.json {
            return super::print_json(&w);
        }
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} {} — Census {} goods trade, ε = {}, φ = {}, {} rounding",
            w.country, w.name, w.year, params.epsilon, params.phi, a.rounding
        )?;
        writeln!(
            out,
            "{:<8} {:>12} {:>12} {:>12} {:>9} {:>8} {:>8}",
            "", "exports $bn", "imports $bn", "balance $bn", "100·Δτ", "formula", "enacted"
        )?;
        for (label, r) in [("before", &w.before), ("after", &w.after)] {
            writeln!(
                out,
                "{:<8} {:>12} {:>12} {:>12} {:>9} {:>8} {:>8}",
                label,
                bn(r.exports),
                bn(r.imports),
                bn(r.balance),
                r.delta_tau_percent
                    .map(|t| format!("{:.1}", t))
                    .unwrap_or_else(|| "-".into()),
                pct(Some(r.formula_rate)),
                pct(r.enacted_rate)
            )?;
        }
        if let Some(x) = w.exports_for_floor {
            writeln!(
                out,
                "the formula gives the {}% floor when exports {} ${} bn (imports as after the change){}",
                params.floor,
                if w.strict { "exceed" } else { "reach" },
                bn(x),
                if x <= w.after.exports {
                    ": reached"
                } else {
                    ""
                }
            )?;
        }
        return Ok(());
    }

    let rows = reciprocal::table(&trade, &measures, &schedule, a.year, &params)?;
    if a.json {
        return super::print_json(&rows);
    }
    print_table(a, &params, &rows)
}

fn print_table(a: &ReciprocalArgs, params: &Params, rows: &[Row]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let rule = match params.rounding {
        Rounding::Chart => "ceil(round(100·Δτ)/2)",
        Rounding::Annex => "ceil(100·Δτ/2)",
    };
    writeln!(
        out,
        "USTR reciprocal formula on Census {} goods trade: Δτ = (m − x)/(ε·φ·m), ε = {}, φ = {}; rate = max({}, {rule})",
        a.year, params.epsilon, params.phi, params.floor
    )?;
    writeln!(
        out,
        "enacted: the EO 14257 Annex I heading (9903.01.43–.76, 9903.01.63) as first written into the HTS; partners without one: the measure in force on 2025-04-09"
    )?;
    writeln!(
        out,
        "{:<3} {:<26} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7} {:>6} {:<10} {:>5}",
        "cc",
        "name",
        "exp $bn",
        "imp $bn",
        "bal $bn",
        "100·Δτ",
        "formula",
        "enacted",
        "annexI",
        "heading",
        "diff"
    )?;
    let mut shown: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            a.all
                || r.difference.is_some()
                || r.enacted.as_ref().is_some_and(|e| e.kind == "annex_i")
        })
        .collect();
    shown.sort_by_key(|x| std::cmp::Reverse(x.imports));
    for r in &shown {
        let name: String = r.name.chars().take(26).collect();
        writeln!(
            out,
            "{:<3} {:<26} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7} {:>6} {:<10} {:>5}",
            r.country,
            name,
            bn(r.exports),
            bn(r.imports),
            bn(r.balance),
            r.delta_tau_percent
                .map(|t| format!("{:.1}", t))
                .unwrap_or_else(|| "-".into()),
            pct(Some(r.formula_rate)),
            pct(r.enacted_rate),
            pct(r.annex_i_printed),
            r.enacted
                .as_ref()
                .map(|e| e.heading.as_str())
                .unwrap_or("-"),
            r.difference
                .map(|d| format!("{:+}", d.normalize()))
                .unwrap_or_default()
        )?;
    }
    let annex: Vec<&Row> = rows
        .iter()
        .filter(|r| r.enacted.as_ref().is_some_and(|e| e.kind == "annex_i"))
        .collect();
    let same = annex.iter().filter(|r| r.difference.is_none()).count();
    writeln!(
        out,
        "\n{} partners in {}; {} with an Annex I heading, of which the formula reproduces {} exactly",
        rows.len(),
        a.year,
        annex.len(),
        same
    )?;
    let mut diffs: Vec<&Row> = rows.iter().filter(|r| r.difference.is_some()).collect();
    diffs.sort_by(|x, y| {
        let ka = x.enacted.as_ref().map(|e| e.kind).unwrap_or("");
        let kb = y.enacted.as_ref().map(|e| e.kind).unwrap_or("");
        ka.cmp(kb).then(y.imports.cmp(&x.imports))
    });
    let printed: Vec<&Row> = rows.iter().filter(|r| r.annex_i_note.is_some()).collect();
    if !printed.is_empty() {
        writeln!(
            out,
            "Annex I as printed (White House PDF) differs from the HTS for {} partner(s):",
            printed.len()
        )?;
        for r in printed {
            writeln!(
                out,
                "  {} {}: {}",
                r.country,
                r.name,
                r.annex_i_note.as_deref().unwrap_or("")
            )?;
        }
    }
    if !diffs.is_empty() {
        writeln!(out, "differences (enacted − formula):")?;
    }
    for r in diffs {
        let d = r.difference.unwrap_or_default();
        writeln!(
            out,
            "  {} {}: {:+} pt — {}",
            r.country,
            r.name,
            d.normalize(),
            r.explanation.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}
