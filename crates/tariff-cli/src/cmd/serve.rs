//! `tariff serve [--addr 127.0.0.1:8080]`: the JSON API and the web calculator
//! (`tariff-server`), until Ctrl-C or SIGTERM.

use anyhow::{Context, Result};
use std::time::Duration;

/// The command-line inputs of `tariff serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Largest JSON request body, bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    body_limit: usize,
    /// Largest batch upload (POST /api/batch), bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    batch_limit: usize,
    /// Requests handled at once; more wait for a slot.
    #[arg(long, default_value_t = 512)]
    concurrency: usize,
    /// Longest time to answer a request, seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

pub fn run(a: &ServeArgs) -> Result<()> {
    tariff_server::init_tracing();
    let config = tariff_server::Config {
        body_limit: a.body_limit,
        batch_body_limit: a.batch_limit,
        concurrency: a.concurrency,
        timeout: Duration::from_secs(a.timeout.max(1)),
        ..tariff_server::Config::default()
    };
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = a.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let state =
            tariff_server::AppState::embedded(config).context("loading the embedded data")?;
        let listener = tokio::net::TcpListener::bind(&a.addr)
            .await
            .with_context(|| format!("binding {}", a.addr))?;
        let local = listener.local_addr()?;
        eprintln!("tariff serve: listening on http://{local}/ (Ctrl-C to stop)");
        tariff_server::serve(listener, state).await?;
        Ok(())
    })
}
