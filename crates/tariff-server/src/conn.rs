//! The accept loop, bounded against slow and idle clients: HTTP/1 connections served by hyper
//! with a header-read timeout, at most [`Config::max_connections`] open at once (the rest wait
//! in the kernel's backlog), and on shutdown each connection asked to close, the process
//! leaving after [`Config::shutdown_deadline`] whatever is still open.

use crate::Config;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Serves `app` on `listener` until `shutdown` completes, then closes gracefully within the
/// deadline.
pub async fn serve_until(
    listener: TcpListener,
    app: Router,
    config: &Config,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // A connection is accepted only when it can be served: the others wait in the backlog
        // instead of taking a file descriptor each.
        let permit = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or a reset before accept: wait a little, go on.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection: {e}");
            }
            drop(permit);
        });
    }
    drop(listener);
    let open_now = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_deadline) => {
            tracing::warn!(
                "shutdown deadline reached with connections still open ({open_now} at the signal)"
            );
        }
    }
    Ok(())
}

/// The soft limit on open file descriptors of this process, where the system says
/// (`/proc/self/limits` on Linux).
pub fn fd_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The default bound on open connections: 4,096 (about 30 KB each while idle or slow, so
/// some 120 MB at the bound), or less where the descriptor limit is low (a quarter of it is
/// kept for files, the engine and the runtime).
pub fn default_max_connections() -> usize {
    match fd_limit() {
        Some(n) => (n - n / 4).clamp(16, 4096),
        None => 1024,
    }
}
