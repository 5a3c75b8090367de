//! One module per subcommand, plus what they share.

pub mod batch;
pub mod data;
pub mod etr;
pub mod hts;
pub mod measures;
pub mod programs;
pub mod quote;
pub mod reciprocal;
pub mod revisions;
pub mod search;
pub mod serve;
pub mod simulate;

use anyhow::{Context, Result};
use jiff::civil::Date;
use std::io::Write;
use tariff_schedule::Schedule;

/// Loads the embedded schedule.
pub fn schedule() -> Result<Schedule> {
    Schedule::embedded().context("loading the embedded dataset")
}

/// Parses `--date`, or takes the last covered date and says so on stderr.
pub fn date_or_latest(s: &Schedule, date: Option<&str>, quiet: bool) -> Result<Date> {
    match date {
        Some(d) => d
            .trim()
            .parse::<Date>()
            .with_context(|| format!("--date {d:?} is not a date (expected YYYY-MM-DD)")),
        None => {
            let d = s.covered_through();
            if !quiet {
                eprintln!("note: no --date given; using {d}, the last date the dataset covers");
            }
            Ok(d)
        }
    }
}

/// Writes pretty JSON and a newline to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
