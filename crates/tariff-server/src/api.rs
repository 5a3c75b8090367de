//! The JSON endpoints: quote (one line, compared origins, a date range), HTS line and
//! history, search, measures in force, and the dataset's metadata.
//!
//! Each endpoint that takes inputs accepts them as a query string (`GET`) or a JSON object
//! (`POST`), parsed by [`crate::params`]. Work that loops (a comparison, a date range) runs
//! on the blocking pool so the async workers stay free for single quotes.

use crate::AppState;
use crate::error::ApiError;
use crate::params::{ENTRY_FIELDS, Fields, country};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;
use tariff_engine::{Engine, Period, Quote};
use tariff_hts::HtsCode;
use tariff_schedule::LookupError;

/// Most origins in one comparison.
pub const MAX_ORIGINS: usize = 60;
/// Longest date range of one history request, days (the dataset spans about 550).
pub const MAX_RANGE_DAYS: i32 = 1000;
/// Most search hits.
pub const MAX_HITS: usize = 100;

/// The raw inputs of a request: query pairs (`GET`) or a JSON body (any other method).
pub struct Inputs(Raw);

enum Raw {
    Pairs(Vec<(String, String)>),
    Json(bytes::Bytes),
}

impl Inputs {
    /// Parses into fields, checked against `allowed`.
    pub fn fields(self, allowed: &[&str]) -> Result<Fields, ApiError> {
        match self.0 {
            Raw::Pairs(p) => Fields::from_pairs(p, allowed),
            Raw::Json(b) => Fields::from_json(&b, allowed),
        }
    }
}

/// The query pairs of a request.
pub fn query_pairs(uri: &axum::http::Uri) -> Result<Vec<(String, String)>, ApiError> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(p)| p)
        .map_err(|e| ApiError::invalid("query", e.body_text()))
}

/// Reads a request body up to the limit set for its route, as an [`ApiError`] on failure.
pub async fn body_bytes(req: Request, limit: usize) -> Result<bytes::Bytes, ApiError> {
    bytes::Bytes::from_request(req, &())
        .await
        .map_err(|e| match e.status().as_u16() {
            413 => ApiError::TooLarge { limit },
            _ => ApiError::invalid("body", e.body_text()),
        })
}

/// Reads a body of at most `limit` bytes that must keep arriving: by `body_timeout` after the
/// start, plus one second per `min_body_rate` bytes received. A client that sends slower, or
/// stops, gets a 408 and holds nothing after it.
pub async fn read_body(
    body: axum::body::Body,
    limit: usize,
    config: &crate::Config,
) -> Result<bytes::Bytes, ApiError> {
    use http_body_util::BodyExt;
    let start = tokio::time::Instant::now();
    let rate = config.min_body_rate.max(1) as u64;
    let slow = || ApiError::SlowBody {
        grace_secs: config.body_timeout.as_secs(),
        min_rate: rate,
    };
    let mut body = body;
    let mut out = bytes::BytesMut::new();
    loop {
        let allowed = config.body_timeout
            + std::time::Duration::from_millis((out.len() as u64).saturating_mul(1000) / rate);
        let frame = match tokio::time::timeout_at(start + allowed, body.frame()).await {
            Err(_) => return Err(slow()),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(ApiError::invalid("body", e.to_string())),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(ApiError::TooLarge { limit });
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out.freeze())
}

impl FromRequest<AppState> for Inputs {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return Ok(Inputs(Raw::Pairs(query_pairs(req.uri())?)));
        }
        let body = body_bytes(req, state.config.body_limit).await?;
        Ok(Inputs(Raw::Json(body)))
    }
}

fn with(list: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    list.iter().chain(extra).copied().collect()
}

fn required_date(f: &Fields, name: &str) -> Result<Date, ApiError> {
    f.date(name)?.ok_or_else(|| f.invalid(name, "required"))
}

/// With `strict_dates`, refuses a date after the schedule's horizon (without it the date is
/// quoted from the newest revision, with a warning).
fn check_strict(s: &AppState, f: &Fields, name: &str, on: Date) -> Result<(), ApiError> {
    if f.flag("strict_dates")? {
        s.engine
            .schedule()
            .check_strict(on)
            .map_err(|e| f.invalid(name, e.to_string()))?;
    }
    Ok(())
}

/// Runs a closure on the blocking pool; a panic in it is an internal error.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(ApiError::internal)?
}

/// `/api/quote`: the duty stack of one entry line.
pub async fn quote(State(s): State<AppState>, inputs: Inputs) -> Result<Response, ApiError> {
    let f = inputs.fields(&with(ENTRY_FIELDS, &["strict_dates"]))?;
    let origin = country("origin", f.required("origin")?)?;
    let on = required_date(&f, "entry_date")?;
    check_strict(&s, &f, "entry_date", on)?;
    let e = crate::params::entry(&f, &origin, on)?;
    let q = s.engine.quote(&e).map_err(|e| f.quote_error(e))?;
    Ok(Json(q).into_response())
}

/// The answer of `/api/quote/compare`.
#[derive(Serialize)]
struct Compared {
    date: Date,
    quotes: Vec<Quote>,
}

/// `/api/quote/compare`: the same line from several origins.
pub async fn compare(State(s): State<AppState>, inputs: Inputs) -> Result<Response, ApiError> {
    let f = inputs.fields(&with(ENTRY_FIELDS, &["origins", "strict_dates"]))?;
    let on = required_date(&f, "entry_date")?;
    check_strict(&s, &f, "entry_date", on)?;
    let mut origins: Vec<String> = Vec::new();
    if let Some(o) = f.get("origin") {
        origins.push(country("origin", o)?);
    }
    for o in f.list("origins") {
        let c = country("origins", &o)?;
        if !origins.contains(&c) {
            origins.push(c);
        }
    }
    if origins.is_empty() {
        return Err(ApiError::invalid(
            "origins",
            "required: a comma-separated list",
        ));
    }
    if origins.len() > MAX_ORIGINS {
        return Err(ApiError::invalid(
            "origins",
            format!("{} origins; at most {MAX_ORIGINS}", origins.len()),
        ));
    }
    // Check the line's fields once before the loop, so an error names them, not an origin.
    let template = crate::params::entry(&f, &origins[0], on)?;
    let engine = s.engine.clone();
    let quotes = blocking(move || {
        origins
            .iter()
            .map(|o| {
                let mut e = template.clone();
                e.origin = o.clone();
                engine.quote(&e).map_err(|err| match f.quote_error(err) {
                    ApiError::Invalid { field, message } if field == "origin" => {
                        ApiError::invalid("origins", format!("{o}: {message}"))
                    }
                    other => other,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(Json(Compared { date: on, quotes }).into_response())
}

/// A legal event on the line over the range: a measure in its stack starting or ending, or a
/// new HTS revision changing its base rate.
#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    date: Date,
    /// `starts`, `ends` or `revision`.
    kind: &'static str,
    /// The Chapter 99 heading (or the line, for a revision).
    heading: String,
    /// The measure id, if a measure.
    measure: Option<String>,
    /// The measure's authority, if a measure.
    authority: Option<String>,
    /// What it is.
    description: String,
    /// Its citation.
    citation: String,
}

/// The answer of `/api/quote/history`.
#[derive(Serialize)]
struct History {
    from: Date,
    to: Date,
    periods: Vec<Period>,
    events: Vec<Event>,
}

/// `/api/quote/history`: the stack for each distinct period of a date range, with the legal
/// events (measure start and end dates, revisions) that changed it.
pub async fn history(State(s): State<AppState>, inputs: Inputs) -> Result<Response, ApiError> {
    let f = inputs.fields(&with(ENTRY_FIELDS, &["from", "to", "strict_dates"]))?;
    if f.get("entry_date").is_some() {
        return Err(f.invalid(
            "entry_date",
            "a history takes a range: give from and to (default: the whole dataset)",
        ));
    }
    let origin = country("origin", f.required("origin")?)?;
    let schedule = s.engine.schedule();
    let from = f.date("from")?.unwrap_or(schedule.first_date());
    let to = f.date("to")?.unwrap_or(schedule.law_known_through());
    check_strict(&s, &f, "to", to)?;
    if to < from {
        return Err(ApiError::invalid(
            "to",
            format!("{to} is before from {from}"),
        ));
    }
    let days = (to - from).get_days();
    if days > MAX_RANGE_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("the range is {days} days; at most {MAX_RANGE_DAYS}"),
        ));
    }
    for (name, d) in [("from", from), ("to", to)] {
        schedule
            .revision_at(d)
            .map_err(|e| ApiError::invalid(name, e.to_string()))?;
    }
    let template = crate::params::entry(&f, &origin, from)?;
    let engine = s.engine.clone();
    // At most `history_jobs` histories at once: each holds a stack per period of its range.
    let _job = s
        .history_slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::Unavailable("the server is shutting down"))?;
    let answer = blocking(move || {
        let periods = engine
            .periods(&template, from, to)
            .map_err(|e| f.quote_error(e))?;
        let events = events(&engine, &periods, from, to);
        Ok(History {
            from,
            to,
            periods,
            events,
        })
    })
    .await?;
    Ok(Json(answer).into_response())
}

/// The legal events of a history: for every measure in any period's stack, its effective
/// start and end when they fall in the range; and where the base line's rate changed between
/// periods, the revision that changed it. All dates come from the data.
fn events(engine: &Engine, periods: &[Period], from: Date, to: Date) -> Vec<Event> {
    let mut out: BTreeSet<Event> = BTreeSet::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for p in periods {
        for l in &p.quote.lines {
            let Some(id) = l.measure.as_deref() else {
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            let Some(m) = engine.measures().get(id) else {
                continue;
            };
            let mut push = |date: Date, kind: &'static str| {
                out.insert(Event {
                    date,
                    kind,
                    heading: l.heading.clone(),
                    measure: Some(m.id.clone()),
                    authority: Some(m.authority.name().to_string()),
                    description: m.description.clone(),
                    citation: m.citation.clone(),
                });
            };
            if m.effective.from > from && m.effective.from <= to {
                push(m.effective.from, "starts");
            }
            if let Some(u) = m.effective.until
                && u > from
                && u <= to
            {
                push(u, "ends");
            }
        }
    }
    let base = |q: &Quote| {
        q.lines
            .iter()
            .find(|l| l.measure.is_none())
            .map(|l| (l.heading.clone(), l.rate.clone()))
    };
    for w in periods.windows(2) {
        let (a, b) = (&w[0].quote, &w[1].quote);
        if base(a) != base(b) {
            let rev = engine
                .schedule()
                .revisions()
                .iter()
                .find(|r| r.id == b.revision);
            let description = match rev {
                Some(r) => match &r.event {
                    Some(ev) => format!("{}: {ev}", r.name),
                    None => r.name.clone(),
                },
                None => b.revision.clone(),
            };
            out.insert(Event {
                date: w[1].from,
                kind: "revision",
                heading: b.hts.clone(),
                measure: None,
                authority: None,
                description,
                citation: format!("HTSUS {} ({})", b.hts, b.revision),
            });
        }
    }
    out.into_iter().collect()
}

/// The HTS number of a path (`/api/hts/{code}`): a path that is not UTF-8 once decoded is a
/// JSON error naming `code`, like any other bad number.
fn path_code(path: Result<Path<String>, PathRejection>) -> Result<HtsCode, ApiError> {
    match path {
        Ok(Path(code)) => hts_code(&code),
        Err(e) => Err(ApiError::invalid("code", e.body_text())),
    }
}

fn hts_code(text: &str) -> Result<HtsCode, ApiError> {
    let code: HtsCode = text
        .parse()
        .map_err(|e: tariff_hts::CodeError| ApiError::invalid("code", e.to_string()))?;
    if code.len() < 4 {
        return Err(ApiError::invalid(
            "code",
            format!("{code}: give at least a 4-digit heading"),
        ));
    }
    Ok(code)
}

fn lookup(e: LookupError) -> ApiError {
    match e {
        LookupError::DateOutOfRange { .. } => ApiError::invalid("date", e.to_string()),
        other => ApiError::NotFound {
            field: "code".into(),
            message: other.to_string(),
        },
    }
}

/// `/api/hts/{code}`: the line in force on a date; with `spi` and `origin`, whether the claim
/// gives the special rate.
pub async fn hts(
    State(s): State<AppState>,
    code: Result<Path<String>, PathRejection>,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let f = Fields::from_pairs(query_pairs(&uri)?, &["date", "spi", "origin"])?;
    let code = path_code(code)?;
    let schedule = s.engine.schedule();
    let on = f.date("date")?.unwrap_or(schedule.covered_through());
    match (f.get("spi"), f.get("origin")) {
        (Some(spi), Some(origin)) => {
            let origin = country("origin", origin)?;
            let a = schedule
                .special_rate(
                    s.engine.programs(),
                    &code,
                    on,
                    &spi.to_ascii_uppercase(),
                    &origin,
                )
                .map_err(lookup)?;
            Ok(Json(a).into_response())
        }
        (Some(_), None) => Err(ApiError::invalid("origin", "required with spi")),
        (None, Some(_)) => Err(ApiError::invalid("spi", "required with origin")),
        (None, None) => Ok(Json(schedule.line_at(&code, on).map_err(lookup)?).into_response()),
    }
}

/// `/api/hts/{code}/history`: every change to a line across the revisions.
pub async fn hts_history(
    State(s): State<AppState>,
    code: Result<Path<String>, PathRejection>,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    Fields::from_pairs(query_pairs(&uri)?, &[])?;
    let code = path_code(code)?;
    let Some(changes) = s.engine.schedule().history(&code) else {
        return Err(ApiError::NotFound {
            field: "code".into(),
            message: format!("HTS number {code} does not appear in any revision of the dataset"),
        });
    };
    Ok(Json(serde_json::json!({ "code": code.to_string(), "changes": changes })).into_response())
}

/// `/api/search`: ranked keyword search over the lines in force on a date.
pub async fn search(State(s): State<AppState>, uri: axum::http::Uri) -> Result<Response, ApiError> {
    let f = Fields::from_pairs(query_pairs(&uri)?, &["q", "date", "limit"])?;
    let q = f.required("q")?.to_string();
    if q.chars().count() > 200 {
        return Err(ApiError::invalid("q", "longer than 200 characters"));
    }
    let schedule = s.engine.schedule();
    let on = f.date("date")?.unwrap_or(schedule.covered_through());
    let limit = f.count("limit", 10, MAX_HITS)?;
    let rev = schedule
        .revision_at(on)
        .map_err(|e| ApiError::invalid("date", e.to_string()))?;
    let digits: String = q.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    if (2..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        // A number, or the start of one: the lines in force whose number starts with it.
        let mut ids: Vec<(&HtsCode, tariff_schedule::model::LineId)> = [8, 10]
            .into_iter()
            .flat_map(|n| schedule.numbered_lines(&digits, n))
            .filter(|(id, _)| schedule.version_at(*id, rev).is_some())
            .map(|(id, c)| (c, id))
            .collect();
        ids.sort_by(|a, b| a.0.digits().cmp(b.0.digits()));
        let hits: Vec<serde_json::Value> = ids
            .into_iter()
            .take(limit)
            .filter_map(|(c, _)| schedule.line_at(c, on).ok())
            .map(|l| {
                let context: Vec<&str> = l.ancestors.iter().map(|a| a.description.trim()).collect();
                serde_json::json!({
                    "code": l.code,
                    "description": l.description.trim(),
                    "context": context.join(" › "),
                    "general": l.general.as_ref().map(|r| r.text.trim()),
                })
            })
            .collect();
        return Ok(Json(
            serde_json::json!({ "query": q, "date": on, "mode": "code", "hits": hits }),
        )
        .into_response());
    }
    let hits = schedule
        .search(&q, on, limit)
        .map_err(|e| ApiError::invalid("date", e.to_string()))?;
    Ok(
        Json(serde_json::json!({ "query": q, "date": on, "mode": "words", "hits": hits }))
            .into_response(),
    )
}

/// `/api/measures`: the measures in force on a date (the rows of `tariff measures --json`).
pub async fn measures(
    State(s): State<AppState>,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let f = Fields::from_pairs(query_pairs(&uri)?, &["date"])?;
    let schedule = s.engine.schedule();
    let on = f.date("date")?.unwrap_or(schedule.covered_through());
    schedule
        .revision_at(on)
        .map_err(|e| ApiError::invalid("date", e.to_string()))?;
    let rows: Vec<_> = s
        .engine
        .measures()
        .all()
        .iter()
        .filter(|m| m.effective.contains(on))
        .map(|m| m.row())
        .collect();
    Ok(Json(serde_json::json!({ "date": on, "measures": rows })).into_response())
}

/// `/api/meta`: what the dataset covers, its revisions, and the country table.
pub async fn meta(State(s): State<AppState>, uri: axum::http::Uri) -> Result<Response, ApiError> {
    Fields::from_pairs(query_pairs(&uri)?, &[])?;
    let schedule = s.engine.schedule();
    let revisions: Vec<serde_json::Value> = schedule
        .revisions()
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "name": r.name, "effective_from": r.effective_from, "event": r.event,
            })
        })
        .collect();
    let countries: Vec<serde_json::Value> = s
        .engine
        .measures()
        .countries()
        .countries
        .iter()
        .map(|(code, name)| serde_json::json!({ "code": code, "name": name }))
        .collect();
    Ok(Json(serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "first_date": schedule.first_date(),
        "covered_through": schedule.covered_through(),
        "covered_through_reason": schedule.file().covered_through_reason,
        "law_known_through": schedule.law_known_through(),
        "law_known_through_reason": schedule.file().law_known_through_reason,
        "last_revision": schedule.last_revision().name,
        "revisions": revisions,
        "countries": countries,
        "measures": s.engine.measures().all().len(),
    }))
    .into_response())
}
