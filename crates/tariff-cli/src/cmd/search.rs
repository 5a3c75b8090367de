//! `tariff search`.

use anyhow::Result;
use std::io::Write;

pub fn run(query: &str, date: Option<&str>, limit: usize, json: bool) -> Result<()> {
    let s = super::schedule()?;
    let date = super::date_or_today(date, json)?;
    let hits = s.search(query, date, limit)?;
    if json {
        return super::print_json(
            &serde_json::json!({ "query": query, "date": date.to_string(), "hits": hits }),
        );
    }
    let mut out = std::io::stdout().lock();
    if hits.is_empty() {
        writeln!(out, "no line in force on {date} matches {query:?}")?;
    }
    for h in hits {
        writeln!(
            out,
            "{:<14} {:<12} {}",
            h.code,
            h.general.as_deref().unwrap_or("").trim(),
            h.description.trim()
        )?;
        if !h.context.is_empty() {
            writeln!(out, "{:<27} in: {}", "", h.context)?;
        }
    }
    Ok(())
}
