//! `tariff hts CODE [--date D] [--history] [--json]`.

use anyhow::{Context, Result, bail};
use std::io::Write;
use tariff_hts::HtsCode;
use tariff_schedule::{LineReport, RateReport};

pub fn run(code: &str, date: Option<&str>, history: bool, json: bool) -> Result<()> {
    let code: HtsCode = code
        .parse()
        .with_context(|| format!("HTS number {code:?}"))?;
    if code.len() < 4 {
        bail!(
            "HTS number {code}: give at least a 4-digit heading (a chapter has no line of its own)"
        );
    }
    let s = super::schedule()?;
    if history {
        let Some(changes) = s.history(&code) else {
            bail!("HTS number {code} does not appear in any revision of the dataset");
        };
        if json {
            return super::print_json(
                &serde_json::json!({ "code": code.to_string(), "changes": changes }),
            );
        }
        let mut out = std::io::stdout().lock();
        let edits = changes
            .iter()
            .filter(|c| c.field != "added" && c.field != "removed")
            .count();
        writeln!(
            out,
            "history of {code}: {} change(s) to its fields across {} revisions ({} to {})",
            edits,
            s.revisions().len(),
            s.first_date(),
            s.covered_through()
        )?;
        for c in &changes {
            writeln!(
                out,
                "{}  {:<12} {:<17} {:?} -> {:?}",
                c.date,
                c.revision,
                c.field,
                c.old.trim(),
                c.new.trim()
            )?;
        }
        if edits == 0 && changes.len() == 1 {
            writeln!(
                out,
                "unchanged: the line reads the same in every revision since it was added"
            )?;
        }
        return Ok(());
    }
    let date = super::date_or_today(date, json)?;
    let line = s.line_at(&code, date)?;
    if json {
        return super::print_json(&line);
    }
    print_line(&line)?;
    if date > s.covered_through() {
        eprintln!(
            "warning: {date} is after the schedule's horizon: HTS {} is the newest revision in the dataset, known in force through {}; later revisions are not in the dataset",
            s.last_revision().name,
            s.covered_through()
        );
    }
    Ok(())
}

/// `tariff hts CODE --spi KR --origin KR [--date D]`: does the claim give the special rate?
pub fn special(code: &str, date: Option<&str>, spi: &str, origin: &str, json: bool) -> Result<()> {
    let code: HtsCode = code
        .parse()
        .with_context(|| format!("HTS number {code:?}"))?;
    let origin = origin.trim().to_ascii_uppercase();
    if origin.len() != 2 || !origin.bytes().all(|b| b.is_ascii_uppercase()) {
        bail!("--origin {origin:?}: expected an ISO 3166 alpha-2 country code such as KR");
    }
    let s = super::schedule()?;
    let programs =
        tariff_hts::program::Programs::embedded().context("loading the special-program table")?;
    let date = super::date_or_today(date, json)?;
    let a = s.special_rate(&programs, &code, date, spi.trim(), &origin)?;
    if json {
        return super::print_json(&a);
    }
    let mut out = std::io::stdout().lock();
    match &a.rate {
        Some(rate) => writeln!(
            out,
            "{} from {} on {} claiming {}: special rate {rate}",
            a.code, a.origin, a.date, a.spi
        )?,
        None => writeln!(
            out,
            "{} from {} on {} claiming {}: no special rate",
            a.code, a.origin, a.date, a.spi
        )?,
    }
    writeln!(out, "{}", a.reason)?;
    Ok(())
}

fn rate_line(label: &str, r: &Option<RateReport>) -> String {
    match r {
        None => format!("{label:<9} (blank)"),
        Some(r) => match (&r.normalized, &r.error) {
            (Some(n), _) if n.trim() == r.text.trim() => format!("{label:<9} {}", r.text.trim()),
            (Some(n), _) => format!("{label:<9} {}   [normalized: {n}]", r.text.trim()),
            (None, Some(e)) => format!("{label:<9} {}   [not parsed: {e}]", r.text.trim()),
            (None, None) => format!("{label:<9} {}", r.text.trim()),
        },
    }
}

fn print_line(l: &LineReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  {}", l.code, l.description.trim())?;
    for (depth, a) in l.ancestors.iter().enumerate() {
        let code = a.code.clone().unwrap_or_default();
        writeln!(
            out,
            "  {:indent$}{:<12} {}",
            "",
            code,
            a.description.trim(),
            indent = depth * 2
        )?;
    }
    if !l.units.is_empty() {
        writeln!(out, "units     {}", l.units.join(", "))?;
    }
    writeln!(out, "{}", rate_line("general", &l.general))?;
    writeln!(out, "{}", rate_line("special", &l.special))?;
    writeln!(out, "{}", rate_line("other", &l.other))?;
    if let Some(from) = &l.rates_from {
        writeln!(out, "          (rates from {from})")?;
    }
    if let Some(a) = &l.additional_duties {
        writeln!(out, "{}", rate_line("add'l", &Some(a.clone())))?;
    }
    if let Some(q) = &l.quota_quantity {
        writeln!(out, "quota     {q}")?;
    }
    for f in &l.footnotes {
        writeln!(out, "note      [{}] {}", f.columns.join(","), f.text)?;
    }
    if !l.chapter99_references.is_empty() {
        writeln!(out, "refs      {}", l.chapter99_references.join(", "))?;
    }
    let until = l
        .line_until
        .map(|d| format!(" until {d}"))
        .unwrap_or_default();
    writeln!(
        out,
        "revision  {} (in force from {}); this reading since {}{}",
        l.revision, l.effective_from, l.line_since, until
    )?;
    Ok(())
}
