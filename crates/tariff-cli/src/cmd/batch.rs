//! `tariff batch`: quote every entry line of a CSV or Parquet file (see `tariff-batch`).
//!
//! Exit status: 0 when every row was quoted; 3 when rows were rejected (each one written to
//! `--rejects`, or to stderr as CSV) unless `--allow-rejects`; 1 on an I/O or usage error
//! (unreadable file, missing required column, …); 2 on a command-line error (clap).

use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tariff_batch::{Options, RejectSink};
use tariff_engine::Engine;

/// The command-line inputs of `tariff batch`.
#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// Input: `.csv` or `.parquet` (by extension), `-` for CSV on stdin. Columns hts, origin,
    /// value required; entry_date (rows without one take --date, default today); quantity, spi, us_content, steel_content, aluminum_content,
    /// copper_content, loaded_on, export_country, mode optional; any other column is carried
    /// through.
    #[arg(long, short)]
    pub input: PathBuf,
    /// Output: `.csv` or `.parquet` (by extension), `-` for CSV on stdout.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Write rejected rows (row, column, reason, raw row) to this CSV file; default: stderr.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// One output row per duty line (heading, authority, rate, basis, amount, citation).
    #[arg(long)]
    pub detail: bool,
    /// Worker threads; default: all cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Exit 0 even when rows were rejected.
    #[arg(long)]
    pub allow_rejects: bool,
    /// Rows per chunk (at most three chunks are between the reader and the writer, two more
    /// read ahead).
    #[arg(long, default_value_t = 8_192)]
    pub chunk_rows: usize,
    /// Bound of the memo of value-linear quotes, in (HTS, origin, SPI, quantity given,
    /// loading date, export country, mode given) × validity periods; exact (rows are derived
    /// from a quote of the same facts whose stack the engine shows unchanged on their date).
    /// Default 400,000 (about 45 MB); 0 with `--detail`, whose periods also follow the
    /// revision and whose stacks hold every line's texts (more memory than they save time).
    /// 0 quotes every row directly.
    #[arg(long)]
    pub memo_periods: Option<usize>,
    /// Entry date (YYYY-MM-DD) of rows without one (an empty cell, or no entry_date column);
    /// default: today (said on stderr).
    #[arg(long)]
    pub date: Option<String>,
    /// Reject rows dated after the schedule's horizon (the last date the newest HTS revision
    /// in the dataset is known in force) instead of quoting them with a warning.
    #[arg(long)]
    pub strict_dates: bool,
    /// No summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// The entry date of rows without one: `--date`, or today, said on stderr. (This module is
/// also compiled into `tariff-batch`'s example, so it reads the clock itself.)
fn default_date(a: &BatchArgs) -> Result<jiff::civil::Date> {
    match &a.date {
        Some(d) => tariff_engine::parse_date(d).map_err(|m| anyhow::anyhow!("--date: {m}")),
        None => {
            let d = jiff::ZonedDateTime::now().date();
            if !a.quiet {
                eprintln!(
                    "note: no --date given; rows without an entry_date are priced at today's date, {d}"
                );
            }
            Ok(d)
        }
    }
}

/// Runs `tariff batch`.
pub fn run(a: &BatchArgs) -> Result<ExitCode> {
    let engine = Engine::embedded().context("loading the embedded data")?;
    let opts = Options {
        threads: a.threads.unwrap_or(0),
        chunk_rows: a.chunk_rows,
        detail: a.detail,
        memo_periods: a.memo_periods.unwrap_or(if a.detail { 0 } else { 400_000 }),
        dates: tariff_batch::Dates {
            default: Some(default_date(a)?),
            strict_through: a.strict_dates.then(|| engine.schedule().covered_through()),
        },
    };
    // An I/O error names its file already; the others are about the input.
    let (mut job, len) = tariff_batch::open(&a.input, &a.output, a.rejects.as_deref(), &opts)
        .map_err(|e| match e {
            tariff_batch::BatchError::Io(_) => anyhow::Error::new(e),
            other => anyhow::Error::new(other).context(format!("opening {}", a.input.display())),
        })?;
    if job.rejects.is_none() {
        let w: Box<dyn std::io::Write + Send> = Box::new(std::io::stderr());
        job.rejects = Some(RejectSink::new(w)?);
    }
    let bar = (std::io::stderr().is_terminal() && !a.quiet).then(|| {
        let style = match (len, job.progress_counts_rows()) {
            (Some(_), true) => "{bar:40} {pos}/{len} rows  {per_sec}  eta {eta}",
            (Some(_), false) => "{bar:40} {bytes}/{total_bytes}  {bytes_per_sec}  eta {eta}",
            (None, _) => "{spinner} {bytes} read  {bytes_per_sec}",
        };
        let pb = match len {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        pb.set_style(
            indicatif::ProgressStyle::with_template(style)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let progress = |pos: u64| {
        if let Some(pb) = &bar {
            pb.set_position(pos);
        }
    };
    let start = std::time::Instant::now();
    let summary = tariff_batch::run(&engine, job, &opts, &progress)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    if !a.quiet {
        let secs = start.elapsed().as_secs_f64();
        eprintln!("{summary}");
        eprintln!(
            "{:.2} s, {:.0} rows/s ({} quoted directly: {} new memo periods, {} not linear in the value; {} from the memo)",
            secs,
            summary.read as f64 / secs.max(1e-9),
            summary.memo.direct,
            summary.memo.periods,
            summary.memo.nonlinear,
            summary.memo.derived
        );
    }
    if summary.rejected > 0 && !a.allow_rejects {
        if !a.quiet {
            eprintln!(
                "{} row(s) rejected{}; exit status 3 (use --allow-rejects to exit 0)",
                summary.rejected,
                a.rejects
                    .as_ref()
                    .map(|p| format!(" (see {})", p.display()))
                    .unwrap_or_default()
            );
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
