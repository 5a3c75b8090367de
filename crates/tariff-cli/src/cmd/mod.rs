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

/// Parses `--date`, or takes today's date (the only place the tools read the clock) and says
/// so on stderr unless `quiet`: users ask about today. A date past the dataset's horizons is
/// answered with warnings (`--strict-dates` refuses it where the command has the option).
pub fn date_or_today(date: Option<&str>, quiet: bool) -> Result<Date> {
    match date {
        Some(d) => parse_date("date", d),
        None => {
            let d = jiff::ZonedDateTime::now().date();
            if !quiet {
                eprintln!("note: no --date given; using today's date, {d}");
            }
            Ok(d)
        }
    }
}

/// Parses the date of option `--{field}`.
pub fn parse_date(field: &str, d: &str) -> Result<Date> {
    tariff_engine::parse_date(d).map_err(|m| anyhow::anyhow!("--{field}: {m}"))
}

/// Writes pretty JSON and a newline to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
