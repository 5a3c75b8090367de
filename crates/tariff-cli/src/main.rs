//! `tariff`: US import duties and the Harmonized Tariff Schedule over time, offline and cited.
//!
//! This binary is glue: it parses the command line (clap), loads the embedded dataset
//! (`tariff-schedule`), and prints answers as a human table or as stable JSON (`--json`).
//! `tariff data build` runs the importer (`tariff-import`) that makes the dataset.
//!
//! Exit status: 0 on success, 1 when the query has no answer (unknown code, date outside the
//! dataset) or an input is invalid, 2 on a command-line usage error (clap), 3 when `tariff batch`
//! rejected rows (without `--allow-rejects`).

mod cmd;

/// mimalloc: batch pricing allocates small strings and vectors from several threads at once,
/// where it is markedly faster than the system allocator (see bench/batch.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`, mimalloc.h, the same
/// in mimalloc 2 and 3): how long freed memory stays committed before it is returned to the
/// system, in milliseconds (mimalloc 3's default: 1,000; -1 never).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Freed memory stays with the process instead of going back to the system after mimalloc's
/// purge delay (1 s). A batch frees and reallocates its chunk buffers all the time; returned,
/// they come back as fresh pages the kernel must zero. Kept (5 M lines, bench/batch.sh): CSV
/// 10.0–10.7 -> 9.3–9.6 CPU-seconds (page faults 3,400–4,400 -> 1,300); Parquet 20,500 ->
/// 1,500 faults and about 1 CPU-second less, its peak memory 186–194 -> 208–214 MB (the bound
/// is 300 MB). Only `tariff batch` keeps it. `MIMALLOC_PURGE_DELAY` in the environment wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    #[allow(unsafe_code)]
    // SAFETY: setting a runtime option of the allocator in use; mimalloc reads the option
    // each time it considers a purge, and any value is valid.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1)
    }
}

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "tariff",
    version,
    about = "US import duties and the HTS over time, offline and cited"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build or describe the embedded dataset.
    #[command(subcommand)]
    Data(DataCommand),
    /// Show an HTS line as in force on a date, or its history.
    Hts {
        /// HTS number, 4 to 10 digits, dotted or not (`8703.23.01`, `8703230190`).
        code: String,
        /// Date (YYYY-MM-DD); default: the last date the dataset covers (said in the output).
        #[arg(long)]
        date: Option<String>,
        /// List every change to the line across revisions instead.
        #[arg(long)]
        history: bool,
        /// Check a special-program claim (SPI code such as KR or S); needs --origin.
        #[arg(long, requires = "origin")]
        spi: Option<String>,
        /// Country of origin (ISO 3166 alpha-2) for --spi.
        #[arg(long, requires = "spi")]
        origin: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ranked keyword search over HTS descriptions (ancestors' text included).
    Search {
        /// Words to look for.
        #[arg(required = true)]
        words: Vec<String>,
        /// Date (YYYY-MM-DD); default: the last date the dataset covers.
        #[arg(long)]
        date: Option<String>,
        /// Number of results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the measures (Chapter 99 duties and exemptions) in force on a date.
    Measures {
        /// Date (YYYY-MM-DD); default: the last date the dataset covers.
        #[arg(long, conflicts_with = "coverage")]
        date: Option<String>,
        /// Instead: every Chapter 99 heading of any revision, modeled or why not.
        #[arg(long)]
        coverage: bool,
        /// Instead: the stacking rule table (what switches off or carves out what).
        #[arg(long, conflicts_with_all = ["coverage", "date"])]
        stacking: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Quote every entry line of a CSV or Parquet file: streaming, parallel, nothing lost.
    Batch(Box<cmd::batch::BatchArgs>),
    /// Quote the duties on an entry line: every duty cited, with fees and warnings.
    Quote(Box<cmd::quote::QuoteArgs>),
    /// The USTR reciprocal-tariff formula on Census trade against the enacted Annex I rates.
    Reciprocal(Box<cmd::reciprocal::ReciprocalArgs>),
    /// Effective tariff rates over the 2024 import basket: on a date, or as a daily series.
    Etr(Box<cmd::etr::EtrArgs>),
    /// A negotiation package (scenario file) against the baseline: trade, duties, welfare, balance.
    Simulate(Box<cmd::simulate::SimulateArgs>),
    /// Serve the JSON API and the web calculator over HTTP.
    Serve(Box<cmd::serve::ServeArgs>),
    /// List the special tariff treatment programs (SPI codes), their countries and dates.
    Programs {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the HTS revisions with their effective dates and policy events.
    Revisions {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DataCommand {
    /// Build the dataset from the public sources.
    Build {
        /// The sources folder (the project's `../shared/sources`).
        #[arg(long)]
        sources: PathBuf,
        /// Where to write the dataset; the provenance JSON is written beside it.
        #[arg(long)]
        out: PathBuf,
        /// Also write the product lists named in dataset.yaml into this folder
        /// (the project keeps them in crates/tariff-measures/data/lists).
        #[arg(long)]
        lists: Option<PathBuf>,
    },
    /// Build the trade dataset (Census bilateral trade, Annex I, the 2024 import basket) of
    /// tariff-analytics from the public sources.
    BuildTrade {
        /// The sources folder (the project's `../shared/sources`).
        #[arg(long)]
        sources: PathBuf,
        /// Where to write it (crates/tariff-analytics/data/trade.bin); the provenance JSON
        /// is written beside it.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the embedded dataset's provenance and figures.
    Info {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Data(DataCommand::Build {
            sources,
            out,
            lists,
        }) => cmd::data::build(&sources, &out, lists.as_deref()),
        Command::Data(DataCommand::Info { json }) => cmd::data::info(json),
        Command::Data(DataCommand::BuildTrade { sources, out }) => {
            cmd::etr::build_trade(&sources, &out)
        }
        Command::Hts {
            code,
            date,
            history,
            spi,
            origin,
            json,
        } => match (spi, origin) {
            (Some(spi), Some(origin)) => {
                cmd::hts::special(&code, date.as_deref(), &spi, &origin, json)
            }
            _ => cmd::hts::run(&code, date.as_deref(), history, json),
        },
        Command::Search {
            words,
            date,
            limit,
            json,
        } => cmd::search::run(&words.join(" "), date.as_deref(), limit, json),
        Command::Revisions { json } => cmd::revisions::run(json),
        Command::Programs { json } => cmd::programs::run(json),
        Command::Quote(args) => cmd::quote::run(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
        Command::Reciprocal(args) => cmd::reciprocal::run(&args),
        Command::Etr(args) => cmd::etr::run(&args),
        Command::Batch(args) => {
            keep_freed_memory();
            match cmd::batch::run(&args) {
                Ok(code) => return code,
                Err(e) => Err(e),
            }
        }
        Command::Measures {
            date,
            coverage,
            stacking,
            json,
        } => {
            if stacking {
                cmd::measures::stacking(json)
            } else if coverage {
                cmd::measures::coverage(json)
            } else {
                cmd::measures::run(date.as_deref(), json)
            }
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                // `tariff ... | head`: the reader went away; that is not a failure.
                return std::process::ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    /// The option set by `keep_freed_memory` is the purge delay: 1,000 ms by default, and
    /// `use_numa_nodes` after it defaults to 0.
    #[test]
    fn purge_delay_option_is_mimallocs() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            println!("skipped: MIMALLOC_PURGE_DELAY is set");
            return;
        }
        #[allow(unsafe_code)]
        // SAFETY: reading runtime options of the allocator in use.
        let (delay, numa) = unsafe {
            (
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY + 1),
            )
        };
        assert_eq!((delay, numa), (1000, 0));
    }
}
