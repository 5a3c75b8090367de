//! `POST /api/batch`: a CSV file of entry lines in, the quoted CSV streamed back.
//!
//! The body (bounded by the batch body limit) is handed to [`tariff_batch::run`] on the
//! blocking pool, one worker thread per job and a bounded number of jobs at once; its CSV
//! sink writes into a channel that the response body drains, so the first rows reach the
//! client while later ones are priced, and a client that goes away stops the job (the write
//! fails). The columns are those of `tariff batch` (`?detail=true`: one row per duty line).
//!
//! Nothing is lost, as on the command line: every data row is quoted or rejected. The
//! quoted rows carry their 1-based `row` number; `?output=rejects` answers the same file with
//! the rejections instead (`row,column,reason,raw`), and the response header
//! `x-tariff-output` says which of the two a response is. `?output=all` answers both at once,
//! with the counts, as one JSON object once the job is done (`read = quoted + rejected`). A
//! header that cannot be used (a required column missing) is a 400 naming `header` before
//! anything is streamed.

use crate::AppState;
use crate::api::{query_pairs, read_body};
use crate::error::ApiError;
use crate::params::Fields;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::io::Write;
use tariff_batch::{CsvSink, CsvSource, Format, Job, Layout, Options, RejectSink, Source};
use tokio::sync::mpsc;

/// A writer that sends what it is given, in pieces, to the response body.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How a job of the API runs: one worker thread; as `tariff batch`, no memo for detail rows
/// (see `Options::memo_periods`).
fn job_options(detail: bool) -> Options {
    Options {
        threads: 1,
        detail,
        memo_periods: if detail {
            0
        } else {
            Options::default().memo_periods
        },
        ..Options::default()
    }
}

/// A writer into a buffer shared with the handler.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

/// `?output=all`: the job run to its end, then the rows, the rejections and the counts in one
/// JSON object.
async fn whole(
    s: AppState,
    permit: tokio::sync::OwnedSemaphorePermit,
    source: CsvSource<std::io::Cursor<Bytes>>,
    layout: Layout,
    header: &[String],
    detail: bool,
) -> Result<Response, ApiError> {
    let (rows, rejects) = (Shared::default(), Shared::default());
    let job = Job {
        source: Box::new(source),
        layout,
        sink: Box::new(
            CsvSink::new(rows.clone(), header)
                .map_err(|e| ApiError::invalid("header", e.to_string()))?,
        ),
        format: Format::Csv,
        typed_carry: false,
        rejects: Some(
            RejectSink::new(Box::new(rejects.clone()) as Box<dyn Write + Send>)
                .map_err(ApiError::internal)?,
        ),
    };
    let engine = s.engine.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        tariff_batch::run(&engine, job, &job_options(detail), &|_| {})
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(axum::Json(serde_json::json!({
        "read": summary.read,
        "quoted": summary.quoted,
        "rejected": summary.rejected,
        "value": summary.value.to_string(),
        "total_duty": summary.total_duty.to_string(),
        "ieepa_duty": summary.ieepa_duty.to_string(),
        "rows": rows.text(),
        "rejects": rejects.text(),
    }))
    .into_response())
}

/// The handler.
pub async fn batch(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let f = Fields::from_pairs(
        query_pairs(req.uri())?,
        &["detail", "output", "date", "strict_dates"],
    )?;
    let detail = f.flag("detail")?;
    // Rows without an entry date take `date`; `strict_dates` rejects rows after the
    // schedule's horizon.
    let dates = tariff_batch::Dates {
        default: f.date("date")?,
        strict_through: f
            .flag("strict_dates")?
            .then(|| s.engine.schedule().covered_through()),
    };
    let (rejects_only, all) = match f.get("output") {
        None | Some("rows") => (false, false),
        Some("rejects") => (true, false),
        Some("all") => (false, true),
        Some(other) => {
            return Err(ApiError::invalid(
                "output",
                format!("{other:?}: expected rows, rejects or all"),
            ));
        }
    };
    let permit = s
        .batch_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Unavailable("too many batch jobs running; retry later"))?;
    // Admitted first, then read: a refused upload is not buffered (issue 17).
    let body = read_body(req.into_body(), s.config.batch_body_limit, &s.config).await?;
    let source = CsvSource::new(std::io::Cursor::new(body), None)
        .map_err(|e| ApiError::invalid("header", e.to_string()))?;
    let layout = Layout::with_dates(source.names().to_vec(), dates)
        .map_err(|e| ApiError::invalid("header", e.to_string()))?;
    let header = tariff_batch::output_header(&layout, detail)
        .map_err(|e| ApiError::invalid("header", e.to_string()))?;
    if all {
        return whole(s, permit, source, layout, &header, detail).await;
    }
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let engine = s.engine.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let err_tx = tx.clone();
        let made = (|| -> Result<Job, tariff_batch::BatchError> {
            let out = ChannelWriter { tx };
            let (sink, rejects): (Box<dyn tariff_batch::Sink>, _) = if rejects_only {
                let w: Box<dyn Write + Send> = Box::new(out);
                (
                    Box::new(CsvSink::new(std::io::sink(), &header)?),
                    Some(RejectSink::new(w)?),
                )
            } else {
                (Box::new(CsvSink::new(out, &header)?), None)
            };
            Ok(Job {
                source: Box::new(source),
                layout,
                sink,
                format: Format::Csv,
                typed_carry: false,
                rejects,
            })
        })();
        let result =
            made.and_then(|job| tariff_batch::run(&engine, job, &job_options(detail), &|_| {}));
        match result {
            Ok(summary) => tracing::info!(
                read = summary.read,
                quoted = summary.quoted,
                rejected = summary.rejected,
                "batch done"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "batch stopped");
                let _ = err_tx.blocking_send(Err(std::io::Error::other("batch stopped")));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        "x-tariff-output",
        HeaderValue::from_static(if rejects_only { "rejects" } else { "rows" }),
    );
    Ok(r)
}
