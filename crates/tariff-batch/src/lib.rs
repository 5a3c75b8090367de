//! Batch quoting: millions of entry lines from CSV or Parquet to a cited duty table,
//! streaming, in parallel, with every row accounted for.
//!
//! [`run`] reads rows from a [`Source`] in chunks (8,192 rows by default), prices each chunk's
//! rows in parallel on a rayon pool (split into parts, one CSV buffer per part), and hands the
//! chunk to a writer thread; the reader, the pricing and the writer are joined by bounded
//! channels of two chunks, so memory stays flat whatever the input size, and parts are
//! written in input order, so the output is the same whatever the number of threads.
//!
//! Nothing is lost: every data row is either written (one row, or one row per duty line with
//! `detail`) or rejected with its 1-based row number, the column at fault, the reason and the
//! raw row ([`Rejection`]): a short or long row, bad UTF-8, an empty required field, a
//! malformed number or date, and every error of [`Engine::quote`] (unknown HTS number or
//! country, a date outside the dataset, …). [`Summary`] counts `read = quoted + rejected`.
//!
//! Money is [`rust_decimal::Decimal`] from parse to output; never a float. Pricing goes
//! through [`price::Pricer`], which memoizes quotes that are exactly linear in the value, per
//! entry facts and validity period ([`Options::memo_periods`]; see its module docs for why it
//! is exact and how it is checked).

pub mod census;
pub mod guard;
#[cfg(test)]
mod testing {
    /// A deterministic stream of 64-bit numbers (SplitMix64) for the unit tests that check a
    /// fast path against the general computation on many generated cases.
    pub(crate) fn splitmix(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z ^ (z >> 27)
        }
    }
}
pub mod io;
pub mod price;
pub mod row;
mod table;

pub use io::{CsvSink, CsvSource, ParquetSink, ParquetSource, RejectSink, Sink, Source};
pub use price::{AUTHORITIES, MemoStats, Priced, Pricer};
pub use row::{Dates, KNOWN, Layout, Refusal, Rejection};

use arrow_array::RecordBatch;
use csv::ByteRecord;
use rust_decimal::Decimal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use tariff_engine::Engine;

/// Why a batch stopped (rows that cannot be quoted are not errors: they are rejections).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Reading or writing failed (the message names the file where one is known).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The CSV layer failed (I/O underneath, or a malformed quote structure).
    #[error("CSV: {0}")]
    Csv(csv::Error),
    /// The Parquet layer failed.
    #[error("Parquet: {0}")]
    Parquet(String),
    /// The header is unusable (missing required column, duplicate, clash with an output column).
    #[error("header: {0}")]
    Header(String),
    /// A usage error (options, the same file given twice).
    #[error("{0}")]
    Usage(String),
    /// A broken invariant of the batch itself (a part or chunk not priced, rows not
    /// accounted for, a thread that panicked): a bug, reported rather than hidden.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<parquet::errors::ParquetError> for BatchError {
    fn from(e: parquet::errors::ParquetError) -> Self {
        BatchError::Parquet(e.to_string())
    }
}

impl From<arrow_schema::ArrowError> for BatchError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        BatchError::Parquet(e.to_string())
    }
}

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Rows per chunk.
    pub chunk_rows: usize,
    /// One output row per duty line instead of one per entry line.
    pub detail: bool,
    /// Bound of the memo, in key × validity periods (0 turns it off; see [`price`]). With
    /// `detail` the periods also follow the revision and the stacks hold every line's texts:
    /// the memo then costs more memory than it saves time, and `tariff batch` turns it off.
    pub memo_periods: usize,
    /// How rows take their entry dates: a default for rows without one (the `entry_date`
    /// column is then optional), and strict dates (rows after the schedule's horizon rejected).
    pub dates: Dates,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 0,
            chunk_rows: 8_192,
            detail: false,
            memo_periods: 400_000,
            dates: Dates::default(),
        }
    }
}

/// What a batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Data rows read.
    pub read: u64,
    /// Rows quoted and written.
    pub quoted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Sum of the quoted rows' values.
    pub value: Decimal,
    /// Sum of total duty.
    pub total_duty: Decimal,
    /// Duty per [`AUTHORITIES`] column.
    pub by_authority: [Decimal; price::N_AUTHORITIES],
    /// Sum of IEEPA duty.
    pub ieepa_duty: Decimal,
    /// Sum of MPF.
    pub mpf: Decimal,
    /// Sum of HMF.
    pub hmf: Decimal,
    /// How rows were priced.
    pub memo: MemoStats,
}

/// A sum of decimals that adds whole-cent amounts (scale 2, nearly all of them) as integers;
/// [`Sum::get`] is exactly the decimal sum.
#[derive(Clone, Copy, Debug, Default)]
struct Sum {
    cents: i128,
    any_cents: bool,
    other: Decimal,
}

impl Sum {
    fn add(&mut self, d: Decimal) {
        if d.scale() == 2 {
            self.cents += d.mantissa();
            self.any_cents = true;
        } else {
            self.other += d;
        }
    }
    fn get(self) -> Decimal {
        if self.any_cents {
            self.other + Decimal::from_i128_with_scale(self.cents, 2)
        } else {
            self.other
        }
    }
}

/// A part's sums, added into [`Summary`] once per part.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    quoted: u64,
    value: Sum,
    total_duty: Sum,
    by_authority: [Sum; price::N_AUTHORITIES],
    ieepa_duty: Sum,
    mpf: Sum,
    hmf: Sum,
}

impl Tally {
    fn add(&mut self, p: &Priced) {
        self.quoted += 1;
        self.value.add(p.value);
        self.total_duty.add(p.total_duty);
        for (a, d) in self.by_authority.iter_mut().zip(p.by_authority) {
            a.add(d);
        }
        self.ieepa_duty.add(p.ieepa_duty);
        if let Some(m) = p.mpf {
            self.mpf.add(m);
        }
        if let Some(h) = p.hmf {
            self.hmf.add(h);
        }
    }
}

impl Summary {
    fn add_tally(&mut self, t: &Tally) {
        self.quoted += t.quoted;
        self.value += t.value.get();
        self.total_duty += t.total_duty.get();
        for (a, d) in self.by_authority.iter_mut().zip(t.by_authority) {
            *a += d.get();
        }
        self.ieepa_duty += t.ieepa_duty.get();
        self.mpf += t.mpf.get();
        self.hmf += t.hmf.get();
    }

    fn merge(&mut self, o: &Summary) {
        self.read += o.read;
        self.quoted += o.quoted;
        self.rejected += o.rejected;
        self.value += o.value;
        self.total_duty += o.total_duty;
        for (a, d) in self.by_authority.iter_mut().zip(o.by_authority) {
            *a += d;
        }
        self.ieepa_duty += o.ieepa_duty;
        self.mpf += o.mpf;
        self.hmf += o.hmf;
        self.memo.direct += o.memo.direct;
        self.memo.derived += o.memo.derived;
        self.memo.nonlinear += o.memo.nonlinear;
        self.memo.periods += o.memo.periods;
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "rows read {}  quoted {}  rejected {}",
            self.read, self.quoted, self.rejected
        )?;
        writeln!(
            f,
            "value {}  total duty {}  IEEPA part {}",
            self.value, self.total_duty, self.ieepa_duty
        )?;
        for (a, d) in AUTHORITIES.iter().zip(self.by_authority) {
            let mut d = d;
            d.rescale(2);
            writeln!(f, "  duty {a:<17} {d:>20}")?;
        }
        write!(f, "fees mpf {}  hmf {}", self.mpf, self.hmf)
    }
}

/// Output format of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV.
    Csv,
    /// Parquet.
    Parquet,
}

/// The output header for a layout.
pub fn output_header(layout: &Layout, detail: bool) -> Result<Vec<String>, BatchError> {
    if detail {
        return Ok(io::detail_columns());
    }
    let computed = io::summary_columns();
    if let Some(c) = layout
        .names
        .iter()
        .find(|n| computed.iter().any(|c| c == n.trim()))
    {
        return Err(BatchError::Header(format!(
            "input column {c:?} has the name of an output column; rename it"
        )));
    }
    let mut h = layout.names.clone();
    h.extend(computed);
    Ok(h)
}

fn process_part(
    pricer: &Pricer<'_>,
    layout: &Layout,
    format: Format,
    detail: bool,
    first_row: u64,
    rows: Rows<'_>,
) -> Result<(io::Part, Summary), BatchError> {
    let (recs, typed) = match rows {
        Rows::Records(r) => (r, None),
        Rows::Typed(b) => (&[][..], Some(b)),
    };
    let cells = typed.as_ref().map(|b| io::TypedRows::new(layout, b));
    let n = cells.as_ref().map_or(recs.len(), io::TypedRows::len);
    let mut sum = Summary {
        read: n as u64,
        ..Summary::default()
    };
    let mut part = io::Part {
        first_row,
        csv: Vec::new(),
        columns: Vec::new(),
        column_rows: 0,
        rejects: Vec::new(),
    };
    let mut columns = (format == Format::Parquet)
        .then(|| io::ParquetColumns::new(layout, detail, typed.is_some(), n));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(if format == Format::Csv && detail {
            n * 400
        } else {
            0
        }));
    let mut out = Vec::with_capacity(if format == Format::Csv && !detail {
        n * 320
    } else {
        0
    });
    let mut buf = Vec::new();
    let mut tally = Tally::default();
    // Typed rows have no record: their carried columns are the input's arrays.
    let no_record = ByteRecord::new();
    // The part's entries are parsed first and their memo keys hashed, so that each row's
    // memo slot is fetched into the cache `AHEAD` rows before it is priced: the lookups'
    // cache misses overlap instead of coming one after another.
    const AHEAD: usize = 4;
    // (The entries stay where they were parsed: an entry is some 300 bytes, and moving
    // each out of the vector again cost a copy per row.)
    let mut entries = Vec::with_capacity(n);
    let mut prepared = Vec::with_capacity(n);
    for i in 0..n {
        entries.push(match &cells {
            Some(c) => layout.entry_of(|k| c.cell(k, i)),
            None => layout.entry(recs.get(i).unwrap_or(&no_record)),
        });
        prepared.push(entries[i].as_ref().ok().map(|e| pricer.prepare(e)));
    }
    for p in prepared.iter().take(AHEAD).flatten() {
        pricer.prefetch(p);
    }
    for i in 0..n {
        if let Some(Some(p)) = prepared.get(i + AHEAD) {
            pricer.prefetch(p);
        }
        // Two rows ahead, the slot has arrived: its period's next reads are fetched.
        if let (Some(Ok(e)), Some(Some(p))) = (entries.get(i + 2), prepared.get(i + 2)) {
            pricer.prefetch_period(e, p);
        }
        let entry = &mut entries[i];
        let rec = recs.get(i).unwrap_or(&no_record);
        let row = first_row + i as u64;
        // The row is formatted while its stack is borrowed from the memo.
        let mut write = |p: &Priced<'_>| -> Result<(), BatchError> {
            tally.add(p);
            match format {
                Format::Csv if detail => io::csv_detail_rows(&mut w, layout, rec, row, p, &mut buf),
                Format::Csv => {
                    io::csv_summary_row(&mut out, rec, row, p);
                    Ok(())
                }
                Format::Parquet => {
                    if let Some(c) = columns.as_mut() {
                        c.push(layout, rec, row, p);
                    }
                    Ok(())
                }
            }
        };
        let priced = match entry {
            Err(r) => Err((std::mem::take(&mut r.column), std::mem::take(&mut r.reason))),
            Ok(e) => {
                let prepared = prepared[i].unwrap_or_else(|| pricer.prepare(e));
                pricer
                    .price_prepared(e, &prepared, &mut sum.memo, &mut write)
                    .map_err(|err| (err.field().name().to_string(), err.message()))
            }
        };
        match priced {
            Err((column, reason)) => {
                sum.rejected += 1;
                let raw = match &cells {
                    Some(c) => &c.record(i),
                    None => rec,
                };
                part.rejects.push(io::reject(row, column, reason, raw));
            }
            Ok(written) => written?,
        }
    }
    sum.add_tally(&tally);
    if let Some(c) = columns {
        // The input's typed columns, less the rejected rows.
        let carried = match typed {
            Some(batch) if part.rejects.is_empty() => batch.columns().to_vec(),
            Some(batch) => {
                let first = part.first_row;
                let mut keep = vec![true; batch.num_rows()];
                for r in &part.rejects {
                    keep[(r.row - first) as usize] = false;
                }
                let keep = arrow_array::BooleanArray::from(keep);
                batch
                    .columns()
                    .iter()
                    .map(|a| arrow_select::filter::filter(a.as_ref(), &keep))
                    .collect::<Result<_, _>>()?
            }
            None => Vec::new(),
        };
        part.column_rows = c.len();
        part.columns = c.finish(carried);
    }
    part.csv = if detail {
        w.into_inner().map_err(|e| BatchError::Io(e.into_error()))?
    } else {
        out
    };
    Ok((part, sum))
}

/// The ends of a batch: where rows come from and go.
pub struct Job {
    /// The rows.
    pub source: Box<dyn Source>,
    /// Their header.
    pub layout: Layout,
    /// Where quoted rows go.
    pub sink: Box<dyn Sink>,
    /// The sink's format (CSV rows are formatted in parallel).
    pub format: Format,
    /// Where rejections go.
    pub rejects: Option<RejectSink<Box<dyn std::io::Write + Send>>>,
    /// Whether rows are read as the source's Arrow arrays ([`Source::next_batch`]) and the
    /// sink writes the carried-through columns from them (Parquet to Parquet).
    pub typed_carry: bool,
}

impl Job {
    /// Whether the source's progress counts rows (Parquet) rather than bytes (CSV).
    pub fn progress_counts_rows(&self) -> bool {
        self.source.counts_rows()
    }
}

/// Refuses an output (or rejects file) that is the input or the other output, also through
/// links or another spelling of the path, before anything is opened for writing: writing it
/// would destroy the input (issue 17: `--input f.csv --output f.csv` lost the file and read
/// rows back from its own output).
fn refuse_same_file(
    input: &std::path::Path,
    output: &std::path::Path,
    rejects: Option<&std::path::Path>,
    stdio: &dyn Fn(&std::path::Path) -> bool,
) -> Result<(), BatchError> {
    // The file a path names: the target of its links, or for a file not yet created, its
    // folder's real path joined with its name.
    let real = |p: &std::path::Path| -> Option<std::path::PathBuf> {
        if stdio(p) {
            return None;
        }
        std::fs::canonicalize(p).ok().or_else(|| {
            let name = p.file_name()?;
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => std::path::Path::new("."),
            };
            std::fs::canonicalize(dir).ok().map(|d| d.join(name))
        })
    };
    let named = [
        ("--input", Some(input)),
        ("--output", Some(output)),
        ("--rejects", rejects),
    ];
    let files: Vec<(&str, &std::path::Path, std::path::PathBuf)> = named
        .iter()
        .filter_map(|(flag, p)| p.and_then(|p| real(p).map(|r| (*flag, p, r))))
        .collect();
    for (i, (a, pa, ra)) in files.iter().enumerate() {
        for (b, pb, rb) in &files[i + 1..] {
            if ra == rb || same_inode(ra, rb) {
                return Err(BatchError::Usage(format!(
                    "{a} {} and {b} {} are the same file: refusing to overwrite it",
                    pa.display(),
                    pb.display()
                )));
            }
        }
    }
    Ok(())
}

/// Whether two existing paths are one file under two names (a hard link).
#[cfg(unix)]
fn same_inode(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &std::path::Path, _: &std::path::Path) -> bool {
    false
}

/// Opens a job by file names: `.parquet`/`.pq` is Parquet, anything else CSV; `-` is
/// stdin or stdout (CSV). Returns the job and the input size for a progress bar.
pub fn open(
    input: &std::path::Path,
    output: &std::path::Path,
    rejects: Option<&std::path::Path>,
    opts: &Options,
) -> Result<(Job, Option<u64>), BatchError> {
    let is_parquet = |p: &std::path::Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
    };
    let stdio = |p: &std::path::Path| p.as_os_str() == "-";
    refuse_same_file(input, output, rejects, &stdio)?;
    let opened = |p: &std::path::Path| {
        std::fs::File::open(p).map_err(|e| {
            BatchError::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", p.display()),
            ))
        })
    };
    let created = |p: &std::path::Path| {
        std::fs::File::create(p).map_err(|e| {
            BatchError::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", p.display()),
            ))
        })
    };
    let source: Box<dyn Source> = if stdio(input) {
        Box::new(CsvSource::new(std::io::stdin(), None)?)
    } else if is_parquet(input) {
        Box::new(ParquetSource::new(opened(input)?, opts.chunk_rows.max(1))?)
    } else {
        let f = opened(input)?;
        let len = f.metadata().ok().map(|m| m.len());
        Box::new(CsvSource::new(f, len)?)
    };
    let len = source.len_hint();
    let layout = Layout::with_dates(source.names().to_vec(), opts.dates)?;
    let header = output_header(&layout, opts.detail)?;
    let (sink, format): (Box<dyn Sink>, Format) = if stdio(output) {
        (
            Box::new(CsvSink::new(std::io::stdout(), &header)?),
            Format::Csv,
        )
    } else if is_parquet(output) {
        let input = source.arrow_schema().filter(|_| !opts.detail);
        (
            Box::new(ParquetSink::new(
                created(output)?,
                &layout,
                opts.detail,
                input.as_deref(),
            )?),
            Format::Parquet,
        )
    } else {
        (
            Box::new(CsvSink::new(created(output)?, &header)?),
            Format::Csv,
        )
    };
    let rejects = match rejects {
        Some(p) => {
            let w: Box<dyn std::io::Write + Send> = Box::new(std::io::BufWriter::new(created(p)?));
            Some(RejectSink::new(w)?)
        }
        None => None,
    };
    Ok((
        Job {
            typed_carry: format == Format::Parquet
                && !opts.detail
                && source.arrow_schema().is_some(),
            source,
            layout,
            sink,
            format,
            rejects,
        },
        len,
    ))
}

/// A chunk in flight: its records, shared by the tasks that price its parts, and the parts'
/// results as they finish (in any order).
struct Flight {
    seq: u64,
    first_row: u64,
    records: Arc<Vec<ByteRecord>>,
    /// The chunk's typed columns, when the sink carries them through.
    batch: Option<RecordBatch>,
    done: Mutex<Vec<Option<PartResult>>>,
    left: AtomicUsize,
}

/// A chunk as read: its records, or (typed reading) no records and the input's arrays.
type Chunk = (Vec<ByteRecord>, Option<RecordBatch>);

/// A part's rows: records, or a slice of the input's arrays (Parquet to Parquet).
enum Rows<'a> {
    Records(&'a [ByteRecord]),
    Typed(RecordBatch),
}

type PartResult = Result<(io::Part, Summary), BatchError>;

/// Chunks priced ahead of the writer, at most: enough that no worker waits at the end of a
/// chunk for the others (the next chunk's parts are already queued), few enough that memory
/// stays flat.
const IN_FLIGHT: usize = 3;

/// Quotes every row of `source` into `sink`, rejections into `rejects`; calls `progress` with
/// the source's position after each chunk. Returns the summary (`read = quoted + rejected`).
///
/// Three kinds of thread: a reader, the pool's workers and a writer. The reader reads chunks;
/// each chunk is cut into parts which are queued on the pool (first in, first out) as soon
/// as the chunk is read, without waiting for the previous chunk to finish (at most
/// [`IN_FLIGHT`] chunks are between the reader and the writer); the task that finishes a
/// chunk's last part hands the chunk to the writer, which writes chunks in input order.
pub fn run(
    engine: &Engine,
    job: Job,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, BatchError> {
    let Job {
        source,
        layout,
        sink,
        format,
        rejects,
        typed_carry,
    } = job;
    let layout = &layout;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| BatchError::Internal(format!("thread pool: {e}")))?;
    let threads = pool.current_num_threads().max(1);
    let pool = &pool;
    let pricer = &Pricer::new(engine, opts.memo_periods, opts.detail);
    let chunk = opts.chunk_rows.max(1);
    let detail = opts.detail;
    let mut source = source;
    let (tx_in, rx_in) = sync_channel::<Result<Chunk, BatchError>>(2);
    // Finished chunks, in any order, to the writer.
    let (tx_done, rx_done) = std::sync::mpsc::channel::<Arc<Flight>>();
    // Tokens for chunks in flight: the writer gives one back per chunk written.
    let (tx_token, rx_token) = sync_channel::<()>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        let _ = tx_token.send(());
    }
    // Written chunks go back to the reader, which reads into their records.
    let (tx_back, rx_back) = sync_channel::<Vec<ByteRecord>>(IN_FLIGHT + 1);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            loop {
                let reuse = rx_back.try_recv().unwrap_or_default();
                // Parquet to Parquet reads the input's arrays as they are (no text).
                let next = if typed_carry {
                    source.next_batch().map(|b| b.map(|b| (reuse, Some(b))))
                } else {
                    source
                        .next_chunk_reusing(chunk, reuse)
                        .map(|r| r.map(|r| (r, None)))
                };
                let pos = source.position();
                match next {
                    Ok(Some(read)) => {
                        if tx_in.send(Ok(read)).is_err() {
                            return;
                        }
                        progress(pos);
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx_in.send(Err(e));
                        return;
                    }
                }
            }
        });
        let mut sink = sink;
        let mut rejects = rejects;
        let writer = s.spawn(move || -> Result<Summary, BatchError> {
            let mut summary = Summary::default();
            let mut next = 0u64;
            let mut waiting = std::collections::BTreeMap::new();
            for f in rx_done {
                waiting.insert(f.seq, f);
                while let Some(f) = waiting.remove(&next) {
                    next += 1;
                    let done =
                        std::mem::take(&mut *f.done.lock().unwrap_or_else(|p| p.into_inner()));
                    let mut parts = Vec::with_capacity(done.len());
                    for d in done {
                        let (p, s) =
                            d.ok_or_else(|| BatchError::Internal("a part was not priced".into()))??;
                        summary.merge(&s);
                        parts.push(p);
                    }
                    sink.write(&f.records, &parts, pool)?;
                    if let Some(r) = rejects.as_mut() {
                        for part in &parts {
                            r.write(&part.rejects)?;
                        }
                    }
                    drop(parts);
                    if let Ok(f) = Arc::try_unwrap(f)
                        && let Ok(recs) = Arc::try_unwrap(f.records)
                    {
                        let _ = tx_back.try_send(recs);
                    }
                    let _ = tx_token.send(());
                }
            }
            if !waiting.is_empty() {
                return Err(BatchError::Internal("a chunk was not priced".into()));
            }
            sink.finish(pool)?;
            if let Some(r) = rejects {
                r.finish()?;
            }
            Ok(summary)
        });
        let result = pool.in_place_scope_fifo(|scope| -> Result<(), BatchError> {
            let mut first_row = 1u64;
            for (seq, read) in (0u64..).zip(rx_in) {
                let (recs, batch) = read?;
                if rx_token.recv().is_err() {
                    // The writer stopped (its error is reported below).
                    break;
                }
                // Rows of the chunk: its records, or the rows of its arrays (typed reading).
                let rows = batch.as_ref().map_or(recs.len(), RecordBatch::num_rows);
                let part_rows = rows.div_ceil(threads * 16).max(128);
                let parts = rows.div_ceil(part_rows);
                let n = rows as u64;
                let flight = Arc::new(Flight {
                    seq,
                    first_row,
                    records: Arc::new(recs),
                    batch,
                    done: Mutex::new((0..parts).map(|_| None).collect()),
                    left: AtomicUsize::new(parts),
                });
                first_row += n;
                for k in 0..parts {
                    let flight = flight.clone();
                    let tx_done = tx_done.clone();
                    scope.spawn_fifo(move |_| {
                        let from = k * part_rows;
                        let until = (from + part_rows).min(rows);
                        let part = match &flight.batch {
                            Some(b) => Rows::Typed(b.slice(from, until - from)),
                            None => Rows::Records(&flight.records[from..until]),
                        };
                        let r = process_part(
                            pricer,
                            layout,
                            format,
                            detail,
                            flight.first_row + from as u64,
                            part,
                        );
                        flight.done.lock().unwrap_or_else(|p| p.into_inner())[k] = Some(r);
                        if flight.left.fetch_sub(1, Ordering::AcqRel) == 1 {
                            let _ = tx_done.send(flight);
                        }
                    });
                }
            }
            Ok(())
        });
        drop(tx_done);
        let w = writer
            .join()
            .map_err(|_| BatchError::Internal("the writer thread panicked".into()))?;
        let _ = reader.join();
        let summary = w?;
        result?;
        Ok::<Summary, BatchError>(summary)
    })
    .and_then(|summary| {
        if summary.read != summary.quoted + summary.rejected {
            return Err(BatchError::Internal(format!(
                "{} rows read but {} quoted and {} rejected",
                summary.read, summary.quoted, summary.rejected
            )));
        }
        Ok(summary)
    })
}
