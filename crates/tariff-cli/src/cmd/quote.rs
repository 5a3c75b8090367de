//! `tariff quote`: the duty stack of an entry line, for one origin, several, or a date range.

use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use std::io::Write;
use tariff_engine::{Engine, Entry, Field, Quote};

/// The command-line inputs of `tariff quote`.
#[derive(clap::Args)]
pub struct QuoteArgs {
    /// HTS number, 8 or 10 digits.
    #[arg(long)]
    hts: String,
    /// Country of origin, ISO 3166 alpha-2 (or use --compare-origins).
    #[arg(long, required_unless_present = "compare_origins")]
    origin: Option<String>,
    /// Entry date (YYYY-MM-DD), or use --dates; default: today (said on stderr). A date past
    /// the dataset's horizons is quoted with warnings.
    #[arg(long, visible_alias = "date")]
    entry_date: Option<String>,
    /// Refuse an entry date after the schedule's horizon (the last date the newest HTS
    /// revision in the dataset is known in force) instead of quoting it with a warning.
    #[arg(long)]
    strict_dates: bool,
    /// Customs value in USD.
    #[arg(long, allow_hyphen_values = true)]
    value: String,
    /// Quantity in the unit of the line's specific rate.
    #[arg(long, visible_alias = "qty", allow_hyphen_values = true)]
    quantity: Option<String>,
    /// Special program claimed (SPI code: KR, S, AU, …).
    #[arg(long)]
    spi: Option<String>,
    /// Value of US content, USD.
    #[arg(long, allow_hyphen_values = true)]
    us_content: Option<String>,
    /// Value of steel content, USD.
    #[arg(long, allow_hyphen_values = true)]
    steel_content: Option<String>,
    /// Value of aluminum content, USD.
    #[arg(long, allow_hyphen_values = true)]
    aluminum_content: Option<String>,
    /// Value of copper content, USD.
    #[arg(long, allow_hyphen_values = true)]
    copper_content: Option<String>,
    /// Date the goods were loaded onto the final mode of transport (YYYY-MM-DD).
    #[arg(long)]
    loaded_on: Option<String>,
    /// Country of export, ISO 3166 alpha-2.
    #[arg(long)]
    export_country: Option<String>,
    /// Mode of transport: vessel, air, truck, rail, other.
    #[arg(long)]
    mode: Option<String>,
    /// CBP has determined the goods were transshipped to evade duties (40% headings).
    #[arg(long)]
    transshipped: bool,
    /// Weight of the Section 232 metal as a percentage of the article's weight (the 2026
    /// "under 15% by weight" exemption).
    #[arg(long)]
    metal_weight_percent: Option<String>,
    /// The metal was melted and poured (smelted and cast) in the United States.
    #[arg(long)]
    metal_melted_in_us: bool,
    /// Declare a Chapter 99 exemption heading for a fact the entry line cannot show, such as
    /// donations (9903.01.30) or informational materials (9903.01.31); repeatable.
    #[arg(long, visible_alias = "declare", value_delimiter = ',')]
    declared: Vec<String>,
    /// The Chapter 98 provision under which entry is claimed (9802.00.80, 9801.00.10), with
    /// --hts the article's Chapter 1-97 number.
    #[arg(long)]
    chapter98: Option<String>,
    /// Value of the repairs, alterations or processing performed abroad, USD (9802.00.40,
    /// .50, .60).
    #[arg(long, allow_hyphen_values = true)]
    processing_value: Option<String>,
    /// Cost or value of the US products assembled abroad, USD (9802.00.80).
    #[arg(long, allow_hyphen_values = true)]
    us_components: Option<String>,
    /// Compare origins: one row per country (comma-separated ISO codes).
    #[arg(long, value_delimiter = ',')]
    compare_origins: Vec<String>,
    /// A date range FROM..TO: the stack for each distinct period in it.
    #[arg(long)]
    dates: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn date(field: &str, s: &str) -> Result<Date> {
    super::parse_date(field, s)
}

/// The entry line of the arguments, each field read as [`Entry::set`] reads it (the one
/// grammar of the tools); an error names the option.
fn entry(a: &QuoteArgs, origin: &str, on: Date) -> Result<Entry> {
    let bad =
        |field: Field, m: String| anyhow::anyhow!("--{}: {m}", field.name().replace('_', "-"));
    let hts = tariff_engine::input::parse_code(&a.hts).map_err(|m| bad(Field::Hts, m))?;
    let value = tariff_engine::parse_amount(&a.value).map_err(|m| bad(Field::Value, m))?;
    let mut e = Entry::new(hts, &origin.trim().to_ascii_uppercase(), on, value);
    let texts = [
        (Field::Quantity, &a.quantity),
        (Field::Spi, &a.spi),
        (Field::UsContent, &a.us_content),
        (Field::SteelContent, &a.steel_content),
        (Field::AluminumContent, &a.aluminum_content),
        (Field::CopperContent, &a.copper_content),
        (Field::LoadedOn, &a.loaded_on),
        (Field::ExportCountry, &a.export_country),
        (Field::Mode, &a.mode),
        (Field::MetalWeightPercent, &a.metal_weight_percent),
        (Field::Chapter98, &a.chapter98),
        (Field::ProcessingValue, &a.processing_value),
        (Field::UsComponents, &a.us_components),
    ];
    for (field, text) in texts {
        if let Some(t) = text {
            e.set(field, t).map_err(|m| bad(field, m))?;
        }
    }
    for d in &a.declared {
        e.set(Field::Declared, d)
            .map_err(|m| bad(Field::Declared, m))?;
    }
    e.transshipped = a.transshipped;
    e.metal_melted_in_us = a.metal_melted_in_us;
    Ok(e)
}

pub fn run(a: &QuoteArgs) -> Result<()> {
    let engine = Engine::embedded().context("loading the embedded data")?;
    let on = match &a.dates {
        Some(_) => None,
        None => Some(super::date_or_today(a.entry_date.as_deref(), a.json)?),
    };
    if a.strict_dates
        && let Some(d) = on
    {
        engine.check_strict_date(d)?;
    }
    if !a.compare_origins.is_empty() {
        let on = on.context("--compare-origins takes --date, not --dates")?;
        let mut rows = Vec::new();
        for o in &a.compare_origins {
            rows.push(
                engine
                    .quote(&entry(a, o, on)?)
                    .with_context(|| format!("origin {o}"))?,
            );
        }
        if a.json {
            return super::print_json(&rows);
        }
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{:<7} {:>14} {:>10} {:>14}  stack",
            "origin", "total duty", "rate %", "IEEPA part"
        )?;
        for q in &rows {
            let stack: Vec<String> = q
                .lines
                .iter()
                .map(|l| format!("{} {}", l.heading, l.amount))
                .collect();
            writeln!(
                out,
                "{:<7} {:>14} {:>10} {:>14}  {}",
                q.origin,
                q.total_duty,
                q.effective_rate,
                q.ieepa_duty,
                stack.join(" | ")
            )?;
        }
        return Ok(());
    }
    let origin = a.origin.clone().unwrap_or_default();
    if let Some(range) = &a.dates {
        let (from, to) = range
            .split_once("..")
            .with_context(|| format!("--dates {range:?}: expected FROM..TO"))?;
        let (from, to) = (date("dates", from)?, date("dates", to)?);
        if to < from {
            bail!("--dates {range:?}: the end is before the start");
        }
        if a.strict_dates {
            engine.check_strict_date(to)?;
        }
        let periods = engine.periods(&entry(a, &origin, from)?, from, to)?;
        if a.json {
            return super::print_json(&periods);
        }
        let mut out = std::io::stdout().lock();
        for p in &periods {
            writeln!(
                out,
                "{} .. {}  total {} ({}%)",
                p.from, p.to, p.quote.total_duty, p.quote.effective_rate
            )?;
            for l in &p.quote.lines {
                writeln!(
                    out,
                    "    {:<14} {:<17} {:>12}  {}",
                    l.heading, l.authority, l.amount, l.rate
                )?;
            }
        }
        return Ok(());
    }
    let on = on.context("no entry date")?;
    let q = engine.quote(&entry(a, &origin, on)?)?;
    if a.json {
        return super::print_json(&q);
    }
    print_quote(&q)
}

/// The rate as a broker reads it in a table: the base rate's text, `+20%` for an additional
/// duty, `exempt ($0)` for a heading declared at $0.
fn short_rate(l: &tariff_engine::DutyLine) -> String {
    if l.authority.is_base() {
        return l.rate.chars().take(28).collect();
    }
    match l.rate_percent {
        Some(_) if l.rate == "no additional duty" => "exempt ($0)".into(),
        Some(p) if l.rate.contains("floor") => {
            format!("+{}% (floor)", p.normalize())
        }
        Some(p) => format!("+{}%", p.normalize()),
        None => l.rate.chars().take(28).collect(),
    }
}

fn print_quote(q: &Quote) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let desc: String = q.description.chars().take(70).collect();
    writeln!(out, "{} {}", q.hts, desc)?;
    writeln!(
        out,
        "origin {}  entered {}  value {}  (HTS {}){}",
        q.origin,
        q.entry_date,
        q.value,
        q.revision,
        q.chapter98
            .as_ref()
            .map(|p| format!("  claimed under chapter 98 provision {p}"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "{:<14} {:<17} {:<20} {:>14} {:>12}",
        "heading", "authority", "rate", "basis value", "amount"
    )?;
    for l in &q.lines {
        writeln!(
            out,
            "{:<14} {:<17} {:<20} {:>14} {:>12}",
            l.heading,
            l.authority,
            short_rate(l),
            format!(
                "{} {}",
                l.basis_value,
                if l.basis == "full_value" {
                    ""
                } else {
                    &l.basis
                }
            )
            .trim(),
            l.amount
        )?;
        writeln!(out, "{:<14}   {}", "", l.citation)?;
        if let Some(n) = &l.note {
            writeln!(out, "{:<14}   note: {n}", "")?;
        }
    }
    writeln!(
        out,
        "total duty {}  effective rate {}%  (IEEPA part {})",
        q.total_duty, q.effective_rate, q.ieepa_duty
    )?;
    for f in &q.fees.lines {
        let note = f
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        writeln!(
            out,
            "fee {} {}% = {}{}   {}",
            f.fee, f.percent, f.amount, note, f.citation
        )?;
    }
    for w in &q.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}
