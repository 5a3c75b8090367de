//! `tariff programs`: the special tariff treatment programs (SPI codes) and their countries.

use anyhow::{Context, Result};
use std::io::Write;
use tariff_hts::program::Programs;

pub fn run(json: bool) -> Result<()> {
    let programs = Programs::embedded().context("loading the embedded special-program table")?;
    if json {
        return super::print_json(&programs.iter().collect::<Vec<_>>());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<4} {:<58} {:<9} {:<23} confidence",
        "SPI", "program", "countries", "in force"
    )?;
    for p in programs.iter() {
        let countries = p
            .countries
            .count()
            .map(|n| n.to_string())
            .unwrap_or_else(|| "any".into());
        let spans: Vec<String> = p
            .effective
            .iter()
            .map(|i| match i.until {
                Some(u) => format!("{}..{}", i.from, u),
                None => format!("{}..", i.from),
            })
            .collect();
        let name: String = p.name.chars().take(58).collect();
        writeln!(
            out,
            "{:<4} {:<58} {:<9} {:<23} {:?}",
            p.code,
            name,
            countries,
            spans.join(", "),
            p.confidence
        )?;
    }
    Ok(())
}
