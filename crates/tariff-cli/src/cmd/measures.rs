//! `tariff measures [--date D] [--json]`: the measures in force on a date.

use anyhow::{Context, Result};
use std::io::Write;
use tariff_measures::{CountryScope, MeasureRate, Measures};

pub fn run(date: Option<&str>, json: bool) -> Result<()> {
    let m = Measures::embedded().context("loading the measure data")?;
    let s = super::schedule()?;
    let date = super::date_or_latest(&s, date, json)?;
    let mut rows: Vec<serde_json::Value> = Vec::new();
    for me in m.measures.iter().filter(|x| x.effective.contains(date)) {
        let rate = match &me.rate {
            MeasureRate::Additional { percent, basis, .. } => format!("+{percent}% on {basis:?}"),
            MeasureRate::Floor {
                percent, against, ..
            } => format!("{percent}% all-in floor ({against:?})"),
            MeasureRate::Exempt { reason, .. } => format!("exempt: {reason}"),
        };
        let countries = match &me.countries {
            CountryScope::All => "all countries".to_string(),
            CountryScope::Only(list) => list.join(","),
        };
        rows.push(serde_json::json!({
            "id": me.id,
            "heading": me.heading.map(|h| h.to_string()),
            "authority": me.authority.name(),
            "rate": rate,
            "countries": countries,
            "except_countries": me.except_countries,
            "scope": me.description,
            "from": me.effective.from.to_string(),
            "until": me.effective.until.map(|u| u.to_string()),
            "citation": me.citation,
            "confidence": me.confidence,
        }));
    }
    if json {
        return super::print_json(
            &serde_json::json!({ "date": date.to_string(), "measures": rows }),
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} measures in force on {date}", rows.len())?;
    for r in &rows {
        writeln!(
            out,
            "{:<12} {:<17} {:<28} {}",
            r["heading"].as_str().unwrap_or("-"),
            r["authority"].as_str().unwrap_or(""),
            r["rate"].as_str().unwrap_or(""),
            r["countries"].as_str().unwrap_or("")
        )?;
        writeln!(out, "{:<12} {}", "", r["scope"].as_str().unwrap_or(""))?;
        writeln!(out, "{:<12} {}", "", r["citation"].as_str().unwrap_or(""))?;
    }
    Ok(())
}
