//! `tariff batch` as a stand-alone binary, compiled from the CLI's own module
//! (`crates/tariff-cli/src/cmd/batch.rs`), for tests and the benchmark before and apart from
//! the `tariff` binary: `cargo run --release -p tariff-batch --example batch -- --input IN
//! --output OUT`.

#[path = "../../tariff-cli/src/cmd/batch.rs"]
mod batch;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "tariff-batch",
    about = "Quote every entry line of a CSV or Parquet file"
)]
struct Cli {
    #[command(flatten)]
    args: batch::BatchArgs,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match batch::run(&cli.args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
