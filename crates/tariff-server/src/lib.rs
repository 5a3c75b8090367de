//! `tariff serve`: the duty engine over HTTP, and a web calculator on top of it.
//!
//! [`router`] builds an axum [`Router`] over one shared [`tariff_engine::Engine`]:
//!
//! - JSON endpoints mirroring the command line ([`api`]): `/api/quote` (one entry line),
//!   `/api/quote/compare` (several origins), `/api/quote/history` (a date range, with the
//!   legal events that changed the stack), `/api/hts/{code}` and `/api/hts/{code}/history`,
//!   `/api/search`, `/api/measures`, `/api/meta`; each takes its inputs as a query string
//!   (`GET`) or a JSON object (`POST`), with the command line's names.
//! - `POST /api/batch` ([`batch`]): CSV in, CSV streamed back, the columns of `tariff batch`.
//! - `/openapi.json`: an OpenAPI 3.1 document of these endpoints ([`OPENAPI`]).
//! - `/`: the calculator page ([`assets`]), plain HTML, CSS and JS embedded in the binary, so
//!   it works with no network; its charts are SVG drawn by the page's script.
//!
//! **Errors** are [`ApiError`], answered as JSON naming the field at fault; internal failures
//! are logged and answered without detail. **Bounds**: request bodies (JSON and batch, each
//! its own limit: 413), requests in flight (a semaphore shared by all routes: a request that
//! cannot get a slot within the time limit is a 503), time to answer (503 past the limit),
//! the size of every field, of comparisons, of date ranges and of search results; amounts are
//! bounded so decimal arithmetic cannot overflow, and a panic anywhere is caught and answered
//! as a 500. Requests are logged through `tracing`.
//!
//! **The OpenAPI document is written by hand** (`assets/openapi.json`) rather than derived
//! with `utoipa`: the response types belong to other crates (`tariff-engine`'s `Quote`,
//! `tariff-schedule`'s `LineReport`) that would all need schema derives and a dependency on
//! the generator, for one consumer. The document is instead checked against the running
//! router by the tests (`tests/http.rs`): every documented path and method is served, every
//! route in [`ROUTES`] is documented, and the documented properties of a quote are present in
//! a real answer.

pub mod api;
pub mod assets;
pub mod batch;
pub mod conn;
pub mod error;
pub mod params;

pub use error::ApiError;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Duration;
use tariff_engine::Engine;
use tokio::sync::Semaphore;

/// The OpenAPI document served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Every route: path (axum syntax) and methods. The OpenAPI test checks the document against
/// this list and the list against the running router.
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/", &["GET"]),
    ("/assets/{file}", &["GET"]),
    ("/openapi.json", &["GET"]),
    ("/api/meta", &["GET"]),
    ("/api/quote", &["GET", "POST"]),
    ("/api/quote/compare", &["GET", "POST"]),
    ("/api/quote/history", &["GET", "POST"]),
    ("/api/hts/{code}", &["GET"]),
    ("/api/hts/{code}/history", &["GET"]),
    ("/api/search", &["GET"]),
    ("/api/measures", &["GET"]),
    ("/api/batch", &["POST"]),
];

/// Limits of the service.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest JSON request body, bytes.
    pub body_limit: usize,
    /// Largest batch upload, bytes.
    pub batch_body_limit: usize,
    /// Requests handled at once; more wait for a slot (within `timeout`).
    pub concurrency: usize,
    /// Batch jobs at once; more are refused with 503.
    pub batch_jobs: usize,
    /// Longest time to answer a request once its body has arrived (the headers of a streamed
    /// batch).
    pub timeout: Duration,
    /// Longest time for a client to send a request's headers; the connection is closed after.
    pub header_timeout: Duration,
    /// Time a request body may take before `min_body_rate` counts.
    pub body_timeout: Duration,
    /// Slowest accepted body, bytes per second after `body_timeout` (a 16 MB batch upload at
    /// 64 KiB/s takes about four minutes; slower clients get a 408).
    pub min_body_rate: usize,
    /// Connections open at once; more wait in the kernel's backlog. Below the process's
    /// file-descriptor limit ([`conn::default_max_connections`]).
    pub max_connections: usize,
    /// Quote histories (the heaviest requests: a stack per day of a range) computed at once.
    pub history_jobs: usize,
    /// On shutdown, how long open connections may finish before the process leaves.
    pub shutdown_deadline: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            body_limit: 64 * 1024,
            batch_body_limit: 16 * 1024 * 1024,
            concurrency: 512,
            batch_jobs: 2,
            timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            min_body_rate: 64 * 1024,
            max_connections: conn::default_max_connections(),
            history_jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The engine (schedule, measures, programs).
    pub engine: Arc<Engine>,
    /// The limits.
    pub config: Arc<Config>,
    slots: Arc<Semaphore>,
    batch_slots: Arc<Semaphore>,
    pub(crate) history_slots: Arc<Semaphore>,
}

impl AppState {
    /// State over an engine.
    pub fn new(engine: Arc<Engine>, config: Config) -> AppState {
        AppState {
            engine,
            slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
            batch_slots: Arc::new(Semaphore::new(config.batch_jobs.max(1))),
            history_slots: Arc::new(Semaphore::new(config.history_jobs.max(1))),
            config: Arc::new(config),
        }
    }

    /// State over the embedded data.
    pub fn embedded(config: Config) -> Result<AppState, ServerError> {
        let engine = Engine::embedded()?;
        engine.schedule().warm_search();
        Ok(AppState::new(Arc::new(engine), config))
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The engine's data.
    #[error(transparent)]
    Engine(#[from] tariff_engine::EngineError),
    /// The special-program table.
    #[error(transparent)]
    Programs(#[from] tariff_hts::program::ProgramError),
    /// Binding or serving.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Bounds every request: its body read first (JSON bodies: at most `body_limit`, arriving
/// at `min_body_rate`; a batch upload is read by its handler once admitted), then a slot among
/// `concurrency`, and an answer within `timeout`. A slow client holds no slot.
async fn guard(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let req = if req.method() == axum::http::Method::POST && req.uri().path() != "/api/batch" {
        let (parts, body) = req.into_parts();
        match api::read_body(body, s.config.body_limit, &s.config).await {
            Ok(bytes) => Request::from_parts(parts, axum::body::Body::from(bytes)),
            Err(e) => return e.into_response(),
        }
    } else {
        req
    };
    let deadline = tokio::time::Instant::now() + s.config.timeout;
    let permit = match tokio::time::timeout_at(deadline, s.slots.clone().acquire_owned()).await {
        Ok(Ok(p)) => p,
        _ => return ApiError::Unavailable("the server is busy; retry later").into_response(),
    };
    // The wait for a slot used the whole time: no work is started that could not finish.
    if tokio::time::Instant::now() >= deadline {
        return ApiError::Unavailable("the request took too long").into_response();
    }
    let r = match tokio::time::timeout_at(deadline, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!("request timed out");
            ApiError::Unavailable("the request took too long").into_response()
        }
    };
    drop(permit);
    r
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}

async fn no_route(uri: axum::http::Uri) -> ApiError {
    ApiError::NoRoute {
        path: uri.path().chars().take(200).collect(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::Method
}

/// The router over a state.
pub fn router(state: AppState) -> Router {
    let batch_limit = state.config.batch_body_limit;
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{file}", get(assets::asset))
        .route("/openapi.json", get(assets::openapi))
        .route("/api/meta", get(api::meta))
        .route("/api/quote", get(api::quote).post(api::quote))
        .route("/api/quote/compare", get(api::compare).post(api::compare))
        .route("/api/quote/history", get(api::history).post(api::history))
        .route("/api/hts/{code}", get(api::hts))
        .route("/api/hts/{code}/history", get(api::hts_history))
        .route("/api/search", get(api::search))
        .route("/api/measures", get(api::measures))
        .route(
            "/api/batch",
            post(batch::batch).layer(DefaultBodyLimit::max(batch_limit)),
        )
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the router on a bound listener until Ctrl-C (or SIGTERM), then closes within
/// [`Config::shutdown_deadline`].
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> Result<(), ServerError> {
    serve_until(listener, state, shutdown_signal()).await
}

/// [`serve`] until `shutdown` completes.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), ServerError> {
    let config = state.config.clone();
    let app = router(state);
    conn::serve_until(listener, app, &config, shutdown).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Sends `tracing` events to stderr, filtered by `RUST_LOG` (default: `info`; one line per
/// request with `RUST_LOG=info,tower_http=debug`). For binaries.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
