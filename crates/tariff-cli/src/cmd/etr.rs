//! `tariff etr` (effective tariff rates over the 2024 import basket) and
//! `tariff data build-trade` (the trade dataset those analytics read).

use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::io::Write;
use std::path::{Path, PathBuf};
use tariff_analytics::etr::{self, Basket, Estimate, Options, SpiPolicy, Step, Sums};

/// `tariff data build-trade`: builds the trade dataset from the sources and writes it with
/// its provenance JSON beside it.
pub fn build_trade(sources: &Path, out: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    let file = tariff_analytics::trade::build(sources)
        .with_context(|| format!("building the trade dataset from {}", sources.display()))?;
    let bytes = tariff_analytics::trade::encode(&file)?;
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let prov = out.with_extension("provenance.json");
    std::fs::write(&prov, tariff_analytics::trade::provenance_json(&file))
        .with_context(|| format!("writing {}", prov.display()))?;
    eprintln!(
        "wrote {} ({} bytes) and {} in {:.1} s: {} bilateral rows, {} Annex I rates, {} HTS-10 rows, {} HS-2 rows",
        out.display(),
        bytes.len(),
        prov.display(),
        started.elapsed().as_secs_f64(),
        file.bilateral.len(),
        file.annex1.len(),
        file.hs10.cty.len(),
        file.hs2.cty.len()
    );
    Ok(())
}

/// The command-line inputs of `tariff etr`.
#[derive(clap::Args)]
pub struct EtrArgs {
    /// The date of a point estimate (YYYY-MM-DD); default: the last date the dataset covers.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    date: Option<String>,
    /// Breakdown of a point estimate: country, chapter or authority.
    #[arg(long, default_value = "country")]
    by: String,
    /// Start of a series (YYYY-MM-DD); default: the first date the dataset covers.
    #[arg(long)]
    from: Option<String>,
    /// End of a series, inclusive; default: the last date the dataset covers.
    #[arg(long)]
    to: Option<String>,
    /// Step of a series: day or week.
    #[arg(long, default_value = "day")]
    step: String,
    /// Draw the series to this SVG file (implies a series).
    #[arg(long)]
    plot: Option<PathBuf>,
    /// SPI claims: eligible (claim a program the origin is eligible for on the line) or none.
    #[arg(long, default_value = "eligible")]
    spi: String,
    /// Give steel, aluminum and copper content each as this percent of the value (a
    /// sensitivity); default: no content, so metal-content duties fall back to the full value.
    #[arg(long)]
    metal_share: Option<String>,
    /// The EU member whose goods stand for the Census EU aggregate.
    #[arg(long, default_value = "DE")]
    eu_origin: String,
    /// Instead: the point estimate against the Census calculated duty for 2024, by partner,
    /// as a Markdown report (both SPI policies).
    #[arg(long)]
    vs_census: bool,
    /// Instead: the N HTS-10 lines of --partners whose duty on --date differs most from the
    /// Census calculated duty for 2024, as a Markdown report, each with its explanation from
    /// --explanations (the line audit, docs/audit/).
    #[arg(long, value_name = "N")]
    audit_lines: Option<usize>,
    /// Partners of the line audit, comma-separated (ISO codes, EU for the EU aggregate);
    /// default: EU, JP, VN, TW, IN, TH, CH, GB, MY, ID (few preferences used).
    #[arg(long, value_delimiter = ',')]
    partners: Vec<String>,
    /// The explanations of the line audit (YAML); default: the ones built in
    /// (docs/audit/explanations.yaml).
    #[arg(long)]
    explanations: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Print CSV (the breakdown of a point estimate, or the series).
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

fn date(s: &str, flag: &str) -> Result<Date> {
    s.trim()
        .parse::<Date>()
        .with_context(|| format!("--{flag} {s:?} is not a date (expected YYYY-MM-DD)"))
}

fn bn(x: Decimal) -> String {
    format!("{:.2}", x / Decimal::from(1_000_000_000))
}

fn share(a: Decimal, b: Decimal) -> String {
    if b.is_zero() {
        "0.0".into()
    } else {
        format!("{:.1}", a / b * Decimal::ONE_HUNDRED)
    }
}

pub fn run(a: &EtrArgs) -> Result<()> {
    let spi: SpiPolicy = a.spi.parse().map_err(anyhow::Error::msg)?;
    let options = Options {
        spi,
        eu_origin: a.eu_origin.trim().to_ascii_uppercase(),
        metal_share: match &a.metal_share {
            None => None,
            Some(s) => {
                let p: Decimal = s
                    .trim()
                    .trim_end_matches('%')
                    .parse()
                    .with_context(|| format!("--metal-share {s:?} is not a number"))?;
                if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                    bail!("--metal-share must be between 0 and 100");
                }
                Some(p)
            }
        },
        ..Options::default()
    };
    let engine = tariff_engine::Engine::embedded().context("loading the engine data")?;
    let trade = tariff_analytics::trade::embedded()?;
    let series_mode = a.from.is_some() || a.to.is_some() || a.plot.is_some();
    if let Some(n) = a.audit_lines {
        let d = super::date_or_today(a.date.as_deref(), false)?;
        return audit_lines(
            &engine,
            &trade,
            &options,
            d,
            &a.partners,
            n,
            a.explanations.as_deref(),
        );
    }
    if a.vs_census {
        let d = super::date_or_today(a.date.as_deref(), false)?;
        return vs_census(&engine, &trade, &options, d);
    }
    let basket = Basket::build(&trade, &engine, &options)?;
    if series_mode {
        let s = engine.schedule();
        let from = match &a.from {
            Some(f) => date(f, "from")?,
            None => s.first_date(),
        };
        let to = match &a.to {
            Some(t) => date(t, "to")?,
            None => super::date_or_today(None, a.json || a.csv)?,
        };
        let step: Step = a.step.parse().map_err(anyhow::Error::msg)?;
        let started = std::time::Instant::now();
        let series = etr::series(&engine, &basket, from, to, step)?;
        for w in engine.horizon_notes(to) {
            eprintln!("warning: the series ends on {to}: {w}");
        }
        eprintln!(
            "series {from} to {to}: {} rows priced by {} quotes at {} change dates ({} rows × {} days priced naively), {:.1} s",
            series.rows,
            series.quotes,
            series.change_dates,
            basket.rows.len(),
            (to - from).get_days() + 1,
            started.elapsed().as_secs_f64()
        );
        if let Some(path) = &a.plot {
            let ev =
                tariff_analytics::plot::events(&engine, &series.points, Decimal::new(25, 2), 14);
            let title = format!(
                "Effective US tariff rate on the fixed 2024 import basket ({} to {}; SPI {}; engine duties ÷ ${} bn)",
                from,
                to,
                a.spi,
                bn(series.value)
            );
            std::fs::write(
                path,
                tariff_analytics::plot::svg(&title, &series.points, &ev),
            )
            .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {} ({} events marked)", path.display(), ev.len());
        }
        if a.json {
            return super::print_json(&series);
        }
        let mut out = std::io::stdout().lock();
        if a.csv {
            writeln!(out, "date,duty,rate")?;
        } else {
            writeln!(
                out,
                "effective tariff rate, {} basket rows, imports ${} bn ({} rows, ${} bn not priced on some date, left out)",
                series.rows,
                bn(series.value),
                series.unpriced_rows,
                bn(series.unpriced_value)
            )?;
        }
        for p in &series.points {
            if a.csv {
                writeln!(out, "{},{},{}", p.date, p.duty, p.rate)?;
            } else {
                writeln!(out, "{}  {:>8}%  duty ${} bn", p.date, p.rate, bn(p.duty))?;
            }
        }
        return Ok(());
    }
    let d = super::date_or_today(a.date.as_deref(), a.json || a.csv)?;
    let est = etr::estimate(&engine, &basket, d)?;
    if a.json {
        return super::print_json(&est);
    }
    let rows: Vec<(String, Sums)> = match a.by.as_str() {
        "country" => est
            .by_country
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        "chapter" => est
            .by_chapter
            .iter()
            .map(|(k, v)| (format!("{k:02}"), v.clone()))
            .collect(),
        "authority" => est
            .by_authority
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Sums {
                        value: est.total.value,
                        duty: *v,
                        ..Sums::default()
                    },
                )
            })
            .collect(),
        other => bail!("--by {other:?}: expected country, chapter or authority"),
    };
    let mut out = std::io::stdout().lock();
    if a.csv {
        writeln!(
            out,
            "{},value,duty,rate,census_duty_2024,census_rate_2024",
            a.by
        )?;
        for (k, s) in &rows {
            writeln!(
                out,
                "{k},{},{},{},{},{}",
                s.value,
                s.duty,
                s.rate(),
                s.census_duty,
                s.census_rate()
            )?;
        }
        return Ok(());
    }
    print_estimate(&mut out, &est, a, &rows)
}

fn print_estimate(
    out: &mut impl Write,
    est: &Estimate,
    a: &EtrArgs,
    rows: &[(String, Sums)],
) -> Result<()> {
    let t = &est.total;
    writeln!(
        out,
        "effective tariff rate on {}: {}% — duty ${} bn on ${} bn of 2024 imports ({} basket rows priced)",
        est.date,
        t.rate(),
        bn(t.duty),
        bn(t.value),
        t.rows
    )?;
    for w in &est.horizons {
        writeln!(out, "warning: {w}")?;
    }
    print_assumptions(out, est)?;
    let mut rows: Vec<&(String, Sums)> = rows.iter().collect();
    if a.by == "authority" {
        rows.sort_by_key(|x| std::cmp::Reverse(x.1.duty));
        writeln!(out, "\n{:<20} {:>10} {:>8}", "authority", "duty $bn", "pt")?;
        for (k, s) in rows {
            writeln!(out, "{:<20} {:>10} {:>8}", k, bn(s.duty), s.rate())?;
        }
        return Ok(());
    }
    rows.sort_by_key(|x| std::cmp::Reverse(x.1.value));
    writeln!(
        out,
        "\n{:<8} {:>11} {:>9} {:>8} {:>12}   (largest 40 by imports; --csv or --json for all)",
        a.by, "imports $bn", "duty $bn", "rate %", "Census 2024 %"
    )?;
    for (k, s) in rows.into_iter().take(40) {
        writeln!(
            out,
            "{:<8} {:>11} {:>9} {:>8} {:>12}",
            k,
            bn(s.value),
            bn(s.duty),
            format!("{:.2}", s.rate()),
            format!("{:.2}", s.census_rate())
        )?;
    }
    Ok(())
}

fn print_assumptions(out: &mut impl Write, est: &Estimate) -> Result<()> {
    let b = &est.basket;
    let x = &est.assumptions;
    let t = est.total.value;
    writeln!(
        out,
        "basket: Census 2024 imports, HTS-10 × partner for {} rows (${} bn; Slovakia's {} rows are inside the EU aggregate, priced as --eu-origin), HS-2 × partner for {} other partners ({} rows, ${} bn, split over each chapter's main HTS-10 lines into {} rows; {} rows, ${} bn, in chapters without HTS-10 lines, not priced)",
        b.hs10_rows,
        bn(b.hs10_value),
        b.hs10_dropped_rows,
        b.hs2_partners,
        b.hs2_rows,
        bn(b.hs2_value),
        b.hs2_split_rows,
        b.hs2_unsplit_rows,
        bn(b.hs2_unsplit_value)
    )?;
    writeln!(
        out,
        "assumptions: SPI {}: claimed on {} rows ({}% of value); {}: a metal-content duty fell back to the full value on {} rows ({}% of value); quantities imputed from the Census duty for {} lines ({} rows, {}% of value; {} lines needing one got none); {} rows ({}% of value) priced as their 8-digit subheading; {} rows flagged as subject to duties not modeled ({}% of value)",
        match x.spi {
            Some(SpiPolicy::None) => "none",
            _ => "when eligible",
        },
        x.spi_rows,
        share(x.spi_value, t),
        match x.metal_share {
            Some(p) => format!("steel, aluminum and copper content each {p}% of the value"),
            None => "no content values given".into(),
        },
        x.content_fallback_rows,
        share(x.content_fallback_value, t),
        b.quantity_lines_imputed,
        x.quantity_rows,
        share(x.quantity_value, t),
        b.quantity_lines_missing,
        x.hts8_fallback_rows,
        share(x.hts8_fallback_value, t),
        x.incomplete_rows,
        share(x.incomplete_value, t)
    )?;
    let mut reasons: Vec<(&String, &(usize, Decimal))> = x.unpriced_reasons.iter().collect();
    reasons.sort_by_key(|p| std::cmp::Reverse(p.1.1));
    writeln!(
        out,
        "not priced (left out of duty and imports): {} rows, ${} bn{}",
        x.unpriced_rows,
        bn(x.unpriced_value),
        if reasons.is_empty() {
            String::new()
        } else {
            format!(
                "; reasons: {}",
                reasons
                    .iter()
                    .take(4)
                    .map(|(r, (n, v))| format!("{n} rows, ${} bn: {r}", bn(*v)))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    )?;
    Ok(())
}

/// The Markdown report: the regime on `d` applied to the 2024 flows against the Census
/// calculated duty for 2024, by partner, with and without SPI claims.
fn vs_census(
    engine: &tariff_engine::Engine,
    trade: &tariff_analytics::trade::TradeFile,
    options: &Options,
    d: Date,
) -> Result<()> {
    let with = Options {
        spi: SpiPolicy::Eligible,
        ..options.clone()
    };
    let without = Options {
        spi: SpiPolicy::None,
        ..options.clone()
    };
    let b_with = Basket::build(trade, engine, &with)?;
    let b_without = Basket::build(trade, engine, &without)?;
    let e_with = etr::estimate(engine, &b_with, d)?;
    let e_without = etr::estimate(engine, &b_without, d)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# The tariff regime on {d} applied to the 2024 imports, against the Census calculated duty for 2024\n"
    )?;
    writeln!(
        out,
        "Generated by `tariff etr --date {d} --vs-census` (crate `tariff-analytics`, `docs/etr.md`); do not edit by hand.\n"
    )?;
    writeln!(
        out,
        "The Census *calculated duty* is what importers declared in 2024, after preference claims, exclusions and Section 301/232 duties in force then. The engine prices the same rows under the regime of {d}: *no SPI* claims nothing (column 1 general), *SPI* claims a program whenever the origin is eligible on the line. Where preference programs are used, the Census rate lies between the two; where the engine says a duty in force is not modeled (`incomplete` share), the Census rate can be above both.\n"
    )?;
    writeln!(out, "```text")?;
    print_assumptions(&mut out, &e_with)?;
    writeln!(out, "```\n")?;
    writeln!(
        out,
        "| partner | imports $bn | Census duty $bn | Census % | no SPI % | SPI % | SPI-eligible % of value | not-modeled % of value | reading |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---|")?;
    let mut keys: Vec<(&String, &Sums)> = e_with.by_country.iter().collect();
    keys.sort_by_key(|x| std::cmp::Reverse(x.1.value));
    let total_row = ("ALL".to_string(), e_with.total.clone());
    let mut list: Vec<(String, Sums, Sums)> = keys
        .into_iter()
        .take(50)
        .map(|(k, s)| {
            (
                k.clone(),
                s.clone(),
                e_without.by_country.get(k).cloned().unwrap_or_default(),
            )
        })
        .collect();
    list.push((total_row.0, total_row.1, e_without.total.clone()));
    for (k, s, n) in list {
        let (c, yes, no) = (s.census_rate(), s.rate(), n.rate());
        let reading = reading(c, yes, no, &s);
        writeln!(
            out,
            "| {k} | {} | {} | {:.2} | {:.2} | {:.2} | {} | {} | {reading} |",
            bn(s.value),
            bn(s.census_duty),
            c,
            no,
            yes,
            share(s.spi_value, s.value),
            share(s.incomplete_value, s.value)
        )?;
    }
    writeln!(
        out,
        "\nThe 50 largest partners by 2024 imports, then the whole basket. *reading* is computed from the columns: `reproduced` when the Census rate is within 0.15 point or 10% of one of the two prices; `preference use` when it lies between them; `not modeled` when it is above both and at least 5% of the value is flagged as subject to a duty the engine does not model yet (Section 301 on China before issue 4, for instance); `below` / `above` otherwise."
    )?;
    Ok(())
}

fn reading(census: Decimal, spi: Decimal, no_spi: Decimal, s: &Sums) -> &'static str {
    let close = |a: Decimal, b: Decimal| {
        (a - b).abs() <= Decimal::new(15, 2) || (a - b).abs() <= b.abs() * Decimal::new(1, 1)
    };
    let (lo, hi) = (spi.min(no_spi), spi.max(no_spi));
    if close(census, no_spi) || close(census, spi) {
        "reproduced"
    } else if census > lo && census < hi {
        "preference use"
    } else if census > hi
        && !s.value.is_zero()
        && s.incomplete_value / s.value >= Decimal::new(5, 2)
    {
        "not modeled"
    } else if census > hi {
        "above"
    } else {
        "below"
    }
}

fn musd(x: Decimal) -> String {
    format!("{:.2}", x / Decimal::from(1_000_000))
}

/// The line audit as a Markdown report.
fn audit_lines(
    engine: &tariff_engine::Engine,
    trade: &tariff_analytics::trade::TradeFile,
    options: &Options,
    d: Date,
    partners: &[String],
    n: usize,
    explanations: Option<&Path>,
) -> Result<()> {
    use tariff_analytics::audit::{Explanations, line_gaps};
    let explained = match explanations {
        Some(p) => Explanations::from_yaml(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )
        .with_context(|| format!("reading {}", p.display()))?,
        None => Explanations::from_yaml(tariff_analytics::audit::EXPLANATIONS_YAML)?,
    };
    let partners: Vec<String> = if partners.is_empty() {
        tariff_analytics::audit::FEW_PREFERENCE_PARTNERS
            .iter()
            .map(|p| p.to_string())
            .collect()
    } else {
        partners
            .iter()
            .map(|p| p.trim().to_ascii_uppercase())
            .collect()
    };
    let basket = Basket::build(trade, engine, options)?;
    let gaps = line_gaps(engine, &basket, d, &partners, n)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# Line audit: the regime on {d} on the 2024 imports of {}, against the Census calculated duty for 2024\n",
        partners.join(", ")
    )?;
    writeln!(
        out,
        "Generated by `bench/line-audit.sh` (`tariff etr --date {d} --audit-lines {n} --partners {} --explanations docs/audit/explanations.yaml`); do not edit by hand: explain a line in `docs/audit/explanations.yaml`.\n",
        partners.join(",")
    )?;
    writeln!(
        out,
        "The {n} HTS-10 rows with the largest gap, in dollars, between the engine's duty claiming no program and the duty importers declared in 2024. *claimed*: the engine's duty with the program an importer would claim. *stack*: the Chapter 99 headings charging a duty, with their percent, and the base rate, claiming nothing. Amounts in $ million.\n"
    )?;
    writeln!(
        out,
        "| # | partner | HTS | imports | Census duty | Census % | engine % | claimed % (program) | gap | stack | kind | why |"
    )?;
    writeln!(
        out,
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"
    )?;
    let pct = |a: Decimal, b: Decimal| {
        if b.is_zero() {
            "-".to_string()
        } else {
            format!("{:.2}", a / b * Decimal::ONE_HUNDRED)
        }
    };
    let mut unexplained = 0;
    for (i, g) in gaps.iter().enumerate() {
        let why = explained.of(&g.partner, &g.hts);
        if why.is_none() {
            unexplained += 1;
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} ({}) | {} | {}{} | {} | {} |",
            i + 1,
            g.partner,
            g.hts,
            musd(g.value),
            musd(g.census_duty),
            pct(g.census_duty, g.value),
            pct(g.duty, g.value),
            pct(g.duty_claimed, g.value),
            g.claim.as_deref().unwrap_or("none"),
            musd(g.gap),
            g.stack,
            if g.incomplete { " (incomplete)" } else { "" },
            why.map_or("**unexplained**", |w| w.kind.name()),
            why.map_or("", |w| w.note.as_str()),
        )?;
    }
    writeln!(
        out,
        "\n{} of the {} lines explained; {unexplained} unexplained.",
        gaps.len() - unexplained,
        gaps.len()
    )?;
    Ok(())
}
