//! Builds tariff's embedded schedule dataset from public sources.
//!
//! `tariff data build --sources ../shared/sources --out schedule.bin` calls [`build`], which:
//!
//! 1. reads `dataset.yaml` (beside this crate's manifest, compiled in): where the inputs are,
//!    the last covered date, and which source files are deliberately left out of the series;
//! 2. reads the revision effective dates (`revision_dates.csv`) and orders the revisions by
//!    effective date;
//! 3. reads every USITC JSON export (`hts_<id>.json.gz`) in that order, turns each row into a
//!    line keyed by its HTS number (header rows by the first numbered line after them, their
//!    indent and text), finds each row's parent by indent, and keeps a line's fields as one
//!    *version* for as long as they stay the same — the history is a list of intervals, not 44
//!    copies;
//! 4. interns strings, parses every distinct rate text once with [`tariff_hts::rate`], and
//!    records the SHA-256 of every input file.
//!
//! Identical revisions (2025 Rev. 12 = 13, 18 = 19, 21 = 22, 2026 Rev. 5 = 7) stay in the
//! series as revisions in force from their own dates, with `identical_to` set; they change
//! no line. A source file that has no effective date is an error unless `dataset.yaml` lists
//! it under `excluded` with a reason, in which case it is still read, hashed and compared.
//!
//! Every table is sorted and every map is ordered, so the same inputs give the same bytes.

use jiff::civil::Date;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use tariff_hts::HtsCode;
use tariff_hts::rate::RateCell;
use tariff_schedule::codec::FORMAT_VERSION;
use tariff_schedule::model::{
    DatasetFile, ExcludedRevision, Footnote, InputFile, Line, LineKey, LineVersion, OPEN,
    Provenance, RateEntry, Revision, RevisionIdx,
};

/// The build configuration, compiled in from `dataset.yaml`.
pub const CONFIG_YAML: &str = include_str!("../dataset.yaml");

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file's content is not what was expected.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The configuration is invalid.
    #[error("dataset.yaml: {0}")]
    Config(String),
    /// The dataset could not be encoded.
    #[error(transparent)]
    Dataset(#[from] tariff_schedule::DatasetError),
}

#[derive(Debug, Deserialize)]
struct Config {
    hts_dir: String,
    revision_dates: String,
    covered_through: Date,
    covered_through_reason: String,
    law_known_through: Date,
    law_known_through_reason: String,
    /// Folders of dated legal sources (file names `YYYY-MM-DD-…`), none dated after
    /// `law_known_through`.
    law_sources: Vec<String>,
    #[serde(default)]
    excluded: BTreeMap<String, String>,
    #[serde(default)]
    carry_forward: Vec<CarryForward>,
    #[serde(default)]
    lists: Vec<ListSpec>,
}

#[derive(Debug, Deserialize)]
struct ListSpec {
    name: String,
    source: String,
    description: String,
    /// A CSV column holding HTS numbers (with `where`, only rows whose columns equal the
    /// given values).
    #[serde(default)]
    column: Option<String>,
    #[serde(default, rename = "where")]
    filter: BTreeMap<String, String>,
    /// In a text file: every HTS number between the first line containing `start` and the
    /// next line containing `end`.
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CarryForward {
    revision: String,
    code: String,
    #[allow(dead_code)]
    reason: String,
}

/// Figures about a build, for the log and the README.
#[derive(Clone, Debug, Default)]
pub struct BuildStats {
    /// Revisions in the series.
    pub revisions: usize,
    /// Rows read over all files.
    pub rows_read: u64,
    /// Lines (distinct keys) in the dataset.
    pub lines: usize,
    /// Line versions in the dataset.
    pub versions: usize,
    /// Distinct strings.
    pub strings: usize,
    /// Distinct rate texts, and how many of them parsed.
    pub rate_texts: usize,
    /// Distinct rate texts that parsed.
    pub rate_texts_parsed: usize,
}

/// The fields of one row, as compared between revisions.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fields {
    indent: u8,
    parent: Option<LineKey>,
    description: String,
    superior: bool,
    units: Vec<String>,
    general: String,
    special: String,
    other: String,
    footnotes: Vec<Footnote>,
    quota_quantity: String,
    additional_duties: String,
}

#[derive(Debug, Deserialize)]
struct RawRow {
    htsno: String,
    indent: serde_json::Value,
    description: Option<String>,
    superior: Option<String>,
    #[serde(default)]
    units: Option<Vec<String>>,
    general: Option<String>,
    special: Option<String>,
    other: Option<String>,
    footnotes: Option<Vec<RawFootnote>>,
    #[serde(rename = "quotaQuantity")]
    quota_quantity: Option<String>,
    #[serde(rename = "additionalDuties")]
    additional_duties: Option<String>,
    #[serde(rename = "addiitionalDuties")]
    additional_duties_misspelt: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawFootnote {
    #[serde(default)]
    columns: Vec<String>,
    marker: Option<String>,
    value: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// The result of a build: the dataset and its figures.
#[derive(Debug)]
pub struct Built {
    /// The dataset.
    pub dataset: DatasetFile,
    /// Figures.
    pub stats: BuildStats,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn fmt_err(path: &Path, message: impl Into<String>) -> ImportError {
    ImportError::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `basic` → `2025_basic`, `rev_7` → `2025_rev_7`, `2026_rev_3` unchanged.
fn normalize_revision_id(id: &str) -> String {
    if id.starts_with("20") {
        id.to_string()
    } else {
        format!("2025_{id}")
    }
}

/// `2025_rev_7` → `2025 Revision 7`; `2026_basic` → `2026 Basic Edition`.
fn revision_name(id: &str) -> String {
    let (year, rest) = id.split_once('_').unwrap_or((id, ""));
    match rest.strip_prefix("rev_") {
        Some(n) => format!("{year} Revision {n}"),
        None => format!("{year} Basic Edition"),
    }
}

/// Sort key of a revision id: (year, revision number, basic = 0).
fn revision_order(id: &str) -> (u32, u32) {
    let (year, rest) = id.split_once('_').unwrap_or((id, ""));
    let year = year.parse().unwrap_or(0);
    let n = rest
        .strip_prefix("rev_")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (year, n)
}

struct DateRow {
    id: String,
    effective: Date,
    policy: Option<Date>,
    event: Option<String>,
}

fn read_revision_dates(path: &Path, bytes: &[u8]) -> Result<Vec<DateRow>, ImportError> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| fmt_err(path, e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| fmt_err(path, format!("missing column {name}")))
    };
    let (c_rev, c_eff, c_pol, c_evt) = (
        col("revision")?,
        col("effective_date")?,
        col("policy_effective_date")?,
        col("policy_event")?,
    );
    let na = |s: &str| -> Option<String> { (!s.is_empty() && s != "NA").then(|| s.to_string()) };
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| fmt_err(path, format!("row {}: {e}", i + 2)))?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let effective: Date = get(c_eff).parse().map_err(|e| {
            fmt_err(
                path,
                format!("row {}: effective_date {:?}: {e}", i + 2, get(c_eff)),
            )
        })?;
        let policy = match na(get(c_pol)) {
            Some(p) => Some(p.parse::<Date>().map_err(|e| {
                fmt_err(
                    path,
                    format!("row {}: policy_effective_date {p:?}: {e}", i + 2),
                )
            })?),
            None => None,
        };
        out.push(DateRow {
            id: normalize_revision_id(get(c_rev)),
            effective,
            policy,
            event: na(get(c_evt)),
        });
    }
    Ok(out)
}

/// HTS numbers mentioned in a note: `9903.88.15`, `9903.01.43-9903.01.76` (both ends).
fn references(text: &str) -> Vec<HtsCode> {
    let b = text.as_bytes();
    let mut out: Vec<HtsCode> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.')) {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_digit()
                    || (b[j] == b'.' && j + 1 < b.len() && b[j + 1].is_ascii_digit()))
            {
                j += 1;
            }
            let tok = &text[i..j];
            let groups: Vec<&str> = tok.split('.').collect();
            let shaped = groups.len() >= 2
                && groups[0].len() == 4
                && groups[1..].iter().all(|g| g.len() == 2)
                && groups.len() <= 4;
            if shaped
                && let Ok(code) = HtsCode::parse(tok)
                && !out.contains(&code)
            {
                out.push(code);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn indent_of(v: &serde_json::Value) -> u8 {
    match v {
        serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
        serde_json::Value::Number(n) => n.as_u64().unwrap_or(0).min(255) as u8,
        _ => 0,
    }
}

/// Reads one export into (key, fields) in schedule order.
fn read_export(path: &Path, gz: &[u8]) -> Result<(Vec<(LineKey, Fields)>, String), ImportError> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut json)
        .map_err(io_err(path))?;
    let content_hash = sha256_hex(&json);
    let rows: Vec<RawRow> =
        serde_json::from_slice(&json).map_err(|e| fmt_err(path, e.to_string()))?;
    // The first numbered row at or after each position: the anchor of header rows.
    let mut next_code: Vec<Option<String>> = vec![None; rows.len()];
    let mut upcoming: Option<String> = None;
    for (i, r) in rows.iter().enumerate().rev() {
        if !r.htsno.trim().is_empty() {
            upcoming = Some(r.htsno.trim().replace('.', ""));
        }
        next_code[i] = upcoming.clone();
    }
    let mut out: Vec<(LineKey, Fields)> = Vec::with_capacity(rows.len());
    let mut seen: HashMap<LineKey, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let indent = indent_of(&r.indent);
        let description = plain_text(r.description.as_deref().unwrap_or(""));
        let key = if r.htsno.trim().is_empty() {
            LineKey::Header {
                anchor: next_code[i]
                    .clone()
                    .unwrap_or_else(|| "99999999999".to_string()),
                indent,
                description: description.trim().to_string(),
            }
        } else {
            LineKey::Code(
                HtsCode::parse(&r.htsno)
                    .map_err(|e| fmt_err(path, format!("row {}: {e}", i + 1)))?,
            )
        };
        let footnotes = r
            .footnotes
            .iter()
            .flatten()
            .map(|f| {
                let text = f.value.as_deref().unwrap_or("").trim().to_string();
                Footnote {
                    columns: f.columns.clone(),
                    marker: f
                        .marker
                        .as_ref()
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty()),
                    references: references(&text),
                    text,
                    kind: f.kind.clone().unwrap_or_default(),
                }
            })
            .collect();
        let additional = [&r.additional_duties, &r.additional_duties_misspelt]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_default();
        let fields = Fields {
            indent,
            parent: None,
            description,
            superior: r.superior.as_deref() == Some("true"),
            units: r.units.clone().unwrap_or_default(),
            general: r.general.clone().unwrap_or_default(),
            special: r.special.clone().unwrap_or_default(),
            other: r.other.clone().unwrap_or_default(),
            footnotes,
            quota_quantity: r.quota_quantity.clone().unwrap_or_default(),
            additional_duties: additional,
        };
        if let Some(&prev) = seen.get(&key) {
            return Err(fmt_err(
                path,
                format!(
                    "rows {} and {} have the same identity {:?}",
                    prev + 1,
                    i + 1,
                    key
                ),
            ));
        }
        seen.insert(key.clone(), i);
        out.push((key, fields));
    }
    link_parents(&mut out);
    Ok((out, content_hash))
}

/// A description as plain text: inline HTML tags removed (`<i>`, `<il>`, `<sup>`, …; line
/// break tags become a space) and white space collapsed. The USITC export carries such markup
/// in some revisions and not in others, so without this a change of formatting would read as
/// a change of the line.
fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(close)) => {
                let name = after[..close].trim_start_matches('/');
                if ["br", "newline", "nl"].iter().any(|t| name.starts_with(t)) {
                    out.push(' ');
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sets each row's parent: the nearest preceding row with a smaller indent.
fn link_parents(rows: &mut [(LineKey, Fields)]) {
    let mut stack: Vec<(u8, LineKey)> = Vec::new();
    for (key, fields) in rows.iter_mut() {
        while stack.last().is_some_and(|(d, _)| *d >= fields.indent) {
            stack.pop();
        }
        fields.parent = stack.last().map(|(_, k)| k.clone());
        stack.push((fields.indent, key.clone()));
    }
}

/// Puts back rows that `dataset.yaml` lists as missing from this export, taking them from the
/// previous revision at the place they held there.
fn carry_forward(
    rev_id: &str,
    rows: &mut Vec<(LineKey, Fields)>,
    previous: Option<&Vec<(LineKey, Fields)>>,
    repairs: &[CarryForward],
) -> Result<(), ImportError> {
    for r in repairs.iter().filter(|r| r.revision == rev_id) {
        let code = HtsCode::parse(&r.code)
            .map_err(|e| ImportError::Config(format!("carry_forward {}: {e}", r.code)))?;
        let key = LineKey::Code(code);
        if rows.iter().any(|(k, _)| *k == key) {
            return Err(ImportError::Config(format!(
                "carry_forward: {} is present in {rev_id}; remove the repair",
                r.code
            )));
        }
        let prev = previous.ok_or_else(|| {
            ImportError::Config(format!("carry_forward into the first revision {rev_id}"))
        })?;
        let Some(pos) = prev.iter().position(|(k, _)| *k == key) else {
            return Err(ImportError::Config(format!(
                "carry_forward: {} is not in the revision before {rev_id}",
                r.code
            )));
        };
        // Insert before the row that followed it in the previous revision.
        let at = prev
            .get(pos + 1)
            .and_then(|(next, _)| rows.iter().position(|(k, _)| k == next))
            .unwrap_or(rows.len());
        rows.insert(at, prev[pos].clone());
    }
    link_parents(rows);
    Ok(())
}

/// A line key's schedule order, owned.
type OrderKey = (String, u8, u8, String);
/// A version before interning: `[from, until)` and the fields.
type Span = (RevisionIdx, RevisionIdx, Fields);

/// Versions under construction: key → (from, fields) for lines open in the current revision.
type Open = BTreeMap<LineKey, (RevisionIdx, Fields)>;

/// Builds the dataset from the sources folder.
pub fn build(sources: &Path) -> Result<Built, ImportError> {
    let config: Config =
        serde_yaml_ng::from_str(CONFIG_YAML).map_err(|e| ImportError::Config(e.to_string()))?;
    let mut inputs: Vec<InputFile> = Vec::new();
    let mut record_input = |rel: &str, bytes: &[u8]| {
        inputs.push(InputFile {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        })
    };

    // Revision dates.
    let dates_path = sources.join(&config.revision_dates);
    let dates_bytes = std::fs::read(&dates_path).map_err(io_err(&dates_path))?;
    record_input(&config.revision_dates, &dates_bytes);
    let mut dates = read_revision_dates(&dates_path, &dates_bytes)?;
    dates.sort_by(|a, b| {
        a.effective
            .cmp(&b.effective)
            .then(revision_order(&a.id).cmp(&revision_order(&b.id)))
    });

    // The export files present.
    let hts_dir = sources.join(&config.hts_dir);
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in std::fs::read_dir(&hts_dir).map_err(io_err(&hts_dir))? {
        let entry = entry.map_err(io_err(&hts_dir))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(id) = name
            .strip_prefix("hts_")
            .and_then(|n| n.strip_suffix(".json.gz"))
        {
            files.insert(id.to_string(), entry.path());
        }
    }
    for d in &dates {
        if !files.contains_key(&d.id) {
            return Err(fmt_err(
                &dates_path,
                format!("revision {} has a date but no export file", d.id),
            ));
        }
    }
    for id in files.keys() {
        if !dates.iter().any(|d| &d.id == id) && !config.excluded.contains_key(id) {
            return Err(ImportError::Config(format!(
                "export {id} has no effective date in revision_dates and is not listed under `excluded`"
            )));
        }
    }
    for id in config.excluded.keys() {
        if !files.contains_key(id) {
            return Err(ImportError::Config(format!(
                "excluded revision {id} has no export file"
            )));
        }
    }

    let mut stats = BuildStats::default();
    let mut revisions: Vec<Revision> = Vec::new();
    let mut open: Open = BTreeMap::new();
    let mut closed: Vec<(LineKey, RevisionIdx, RevisionIdx, Fields)> = Vec::new();
    let mut content_seen: Vec<(String, String)> = Vec::new();
    let mut previous_rows: Option<Vec<(LineKey, Fields)>> = None;
    let mut excluded: Vec<ExcludedRevision> = Vec::new();

    // The order in which files are read: series revisions by date, each excluded file right
    // after the series revision that precedes it by number.
    for (idx, d) in dates.iter().enumerate() {
        let path = &files[&d.id];
        let gz = std::fs::read(path).map_err(io_err(path))?;
        record_input(&format!("{}/hts_{}.json.gz", config.hts_dir, d.id), &gz);
        let (mut rows, content_hash) = read_export(path, &gz)?;
        carry_forward(
            &d.id,
            &mut rows,
            previous_rows.as_ref(),
            &config.carry_forward,
        )?;
        stats.rows_read += rows.len() as u64;
        let identical_to = content_seen
            .iter()
            .find(|(h, _)| *h == content_hash)
            .map(|(_, id)| id.clone());
        content_seen.push((content_hash, d.id.clone()));
        let rev = idx as RevisionIdx;
        revisions.push(Revision {
            id: d.id.clone(),
            name: revision_name(&d.id),
            effective_from: d.effective,
            policy_effective: d.policy.filter(|p| *p != d.effective),
            event: d.event.clone(),
            identical_to,
            rows: rows.len() as u32,
        });

        let mut present: BTreeMap<&LineKey, &Fields> = BTreeMap::new();
        for (k, f) in &rows {
            present.insert(k, f);
        }
        // Close versions that changed or disappeared.
        let keys: Vec<LineKey> = open.keys().cloned().collect();
        for k in keys {
            let same = match (open.get(&k), present.get(&k)) {
                (Some((_, old)), Some(new)) => old == *new,
                _ => false,
            };
            if !same && let Some((from, fields)) = open.remove(&k) {
                closed.push((k, from, rev, fields));
            }
        }
        for (k, f) in &rows {
            open.entry(k.clone()).or_insert_with(|| (rev, f.clone()));
        }

        // Excluded exports that follow this revision by number are compared with it.
        for (xid, reason) in &config.excluded {
            let next_in_series = dates.get(idx + 1).map(|n| revision_order(&n.id));
            let x = revision_order(xid);
            let follows = x > revision_order(&d.id) && next_in_series.is_none_or(|n| x < n);
            if follows {
                let xpath = &files[xid];
                let xgz = std::fs::read(xpath).map_err(io_err(xpath))?;
                record_input(&format!("{}/hts_{}.json.gz", config.hts_dir, xid), &xgz);
                let (xrows, _) = read_export(xpath, &xgz)?;
                excluded.push(ExcludedRevision {
                    id: xid.clone(),
                    reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
                    changed_fields_vs_previous: count_changed(&rows, &xrows),
                });
            }
        }
        previous_rows = Some(rows);
    }
    drop(previous_rows);
    for (k, (from, fields)) in std::mem::take(&mut open) {
        closed.push((k, from, OPEN, fields));
    }

    // Group versions by key in schedule order.
    let mut by_key: BTreeMap<OrderKey, (LineKey, Vec<Span>)> = BTreeMap::new();
    for (k, from, until, f) in closed {
        let (a, b, c, d) = k.order();
        let ord = (a.to_string(), b, c, d.to_string());
        by_key
            .entry(ord)
            .or_insert_with(|| (k, Vec::new()))
            .1
            .push((from, until, f));
    }
    let key_ids: HashMap<LineKey, u32> = by_key
        .values()
        .enumerate()
        .map(|(i, (k, _))| (k.clone(), i as u32))
        .collect();

    let mut strings = Interner::default();
    let mut rate_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut rate_list: Vec<String> = Vec::new();
    let mut footnote_ids: BTreeMap<Footnote, u32> = BTreeMap::new();
    let mut footnote_list: Vec<Footnote> = Vec::new();
    let mut rate_id = |text: &str| -> Option<u32> {
        if text.trim().is_empty() {
            return None;
        }
        Some(*rate_ids.entry(text.to_string()).or_insert_with(|| {
            rate_list.push(text.to_string());
            (rate_list.len() - 1) as u32
        }))
    };
    let mut lines: Vec<Line> = Vec::with_capacity(by_key.len());
    for (_, (key, mut versions)) in by_key {
        versions.sort_by_key(|(from, _, _)| *from);
        let mut out = Vec::with_capacity(versions.len());
        for (from, until, f) in versions {
            let footnotes = f
                .footnotes
                .iter()
                .map(|n| {
                    *footnote_ids.entry(n.clone()).or_insert_with(|| {
                        footnote_list.push(n.clone());
                        (footnote_list.len() - 1) as u32
                    })
                })
                .collect();
            out.push(LineVersion {
                from,
                until,
                indent: f.indent,
                parent: f.parent.as_ref().and_then(|p| key_ids.get(p).copied()),
                description: strings.id(&f.description),
                superior: f.superior,
                units: f.units.iter().map(|u| strings.id(u)).collect(),
                general: rate_id(&f.general),
                special: rate_id(&f.special),
                other: rate_id(&f.other),
                footnotes,
                quota_quantity: (!f.quota_quantity.trim().is_empty())
                    .then(|| strings.id(&f.quota_quantity)),
                additional_duties: rate_id(&f.additional_duties),
            });
        }
        lines.push(Line { key, versions: out });
    }

    let rates: Vec<RateEntry> = rate_list
        .into_iter()
        .map(|text| RateEntry {
            parsed: RateCell::parse(&text),
            text,
        })
        .collect();

    stats.revisions = revisions.len();
    stats.lines = lines.len();
    stats.versions = lines.iter().map(|l| l.versions.len()).sum();
    stats.strings = strings.list.len();
    stats.rate_texts = rates.len();
    stats.rate_texts_parsed = rates.iter().filter(|r| r.parsed.is_ok()).count();

    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let dataset = DatasetFile {
        provenance: Provenance {
            builder: format!("tariff-import {}", env!("CARGO_PKG_VERSION")),
            format: FORMAT_VERSION,
            inputs,
        },
        revisions,
        excluded,
        covered_through: config.covered_through,
        covered_through_reason: one_line(&config.covered_through_reason),
        law_known_through: config.law_known_through,
        law_known_through_reason: law_horizon_reason(sources, &config)?,
        strings: strings.list,
        rates,
        footnotes: footnote_list,
        lines,
    };
    // Check the invariants the reader relies on before handing it out.
    tariff_schedule::Schedule::from_file(dataset.clone())?;
    Ok(Built { dataset, stats })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The law's horizon as `dataset.yaml` states it, checked against the dated legal sources (no
/// file dated after it), with the newest one named.
fn law_horizon_reason(sources: &Path, config: &Config) -> Result<String, ImportError> {
    let mut newest: Option<(Date, String)> = None;
    for dir in &config.law_sources {
        let mut stack = vec![sources.join(dir)];
        while let Some(path) = stack.pop() {
            for entry in std::fs::read_dir(&path).map_err(io_err(&path))? {
                let entry = entry.map_err(io_err(&path))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.path().is_dir() {
                    stack.push(entry.path());
                    continue;
                }
                let Some(d) = name.get(..10).and_then(|p| p.parse::<Date>().ok()) else {
                    continue;
                };
                let rel = entry
                    .path()
                    .strip_prefix(sources)
                    .map_or(name.clone(), |p| p.display().to_string());
                if newest.as_ref().is_none_or(|(n, r)| (d, &rel) > (*n, r)) {
                    newest = Some((d, rel));
                }
            }
        }
    }
    let Some((date, path)) = newest else {
        return Err(ImportError::Config(
            "law_sources: no dated file found".into(),
        ));
    };
    if date > config.law_known_through {
        return Err(ImportError::Config(format!(
            "law_known_through {} is before the newest legal source, {path} ({date})",
            config.law_known_through
        )));
    }
    Ok(format!(
        "{} Newest dated legal source: {path} ({date}).",
        one_line(&config.law_known_through_reason)
    ))
}

/// Number of lines added, removed or changed between two exports.
fn count_changed(a: &[(LineKey, Fields)], b: &[(LineKey, Fields)]) -> u32 {
    let am: HashMap<&LineKey, &Fields> = a.iter().map(|(k, f)| (k, f)).collect();
    let bm: HashMap<&LineKey, &Fields> = b.iter().map(|(k, f)| (k, f)).collect();
    let changed = am.iter().filter(|(k, f)| bm.get(*k) != Some(*f)).count();
    let added = bm.keys().filter(|k| !am.contains_key(*k)).count();
    (changed + added) as u32
}

#[derive(Default)]
struct Interner {
    map: HashMap<String, u32>,
    list: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(s.to_string());
        self.map.insert(s.to_string(), id);
        id
    }
}

/// Builds and encodes the dataset; returns the bytes and the figures.
pub fn build_bytes(sources: &Path) -> Result<(Vec<u8>, BuildStats), ImportError> {
    let built = build(sources)?;
    let bytes = tariff_schedule::codec::encode(&built.dataset)?;
    Ok((bytes, built.stats))
}

/// The provenance as pretty JSON, written beside the dataset for readers without the binary.
pub fn provenance_json(dataset: &DatasetFile) -> String {
    let revisions: Vec<serde_json::Value> = dataset
        .revisions
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "effective_from": r.effective_from.to_string(),
                "identical_to": r.identical_to, "rows": r.rows,
            })
        })
        .collect();
    let v = serde_json::json!({
        "builder": dataset.provenance.builder,
        "format": dataset.provenance.format,
        "covered_through": dataset.covered_through.to_string(),
        "covered_through_reason": dataset.covered_through_reason,
        "law_known_through": dataset.law_known_through.to_string(),
        "law_known_through_reason": dataset.law_known_through_reason,
        "inputs": dataset.provenance.inputs.iter().map(|i| serde_json::json!({
            "path": i.path, "sha256": i.sha256, "bytes": i.bytes})).collect::<Vec<_>>(),
        "revisions": revisions,
        "excluded": dataset.excluded.iter().map(|x| serde_json::json!({
            "id": x.id, "reason": x.reason, "changed_lines_vs_previous": x.changed_fields_vs_previous})).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes the product lists named in `dataset.yaml` into `dir` as `<name>.csv`: a comment
/// header with the description and the source's path and SHA-256, a `hts` header, then the
/// dotted HTS numbers sorted and unique. Returns the names written.
pub fn build_lists(sources: &Path, dir: &Path) -> Result<Vec<String>, ImportError> {
    let config: Config =
        serde_yaml_ng::from_str(CONFIG_YAML).map_err(|e| ImportError::Config(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut written = Vec::new();
    for spec in &config.lists {
        let path = sources.join(&spec.source);
        let bytes = std::fs::read(&path).map_err(io_err(&path))?;
        let (codes, how) = match (&spec.column, &spec.start, &spec.end) {
            (Some(column), None, None) => (list_from_csv(&path, &bytes, column, &spec.filter)?, {
                let mut how = format!("column {column}");
                for (k, v) in &spec.filter {
                    how.push_str(&format!(" where {k} = {v}"));
                }
                how
            }),
            (None, Some(start), Some(end)) => (
                list_from_text(&path, &bytes, start, end)?,
                format!("the text from {start:?} to {end:?}"),
            ),
            _ => {
                return Err(ImportError::Config(format!(
                    "list {}: give either `column` or both `start` and `end`",
                    spec.name
                )));
            }
        };
        if codes.is_empty() {
            return Err(ImportError::Config(format!(
                "list {}: no HTS numbers found",
                spec.name
            )));
        }
        let mut out = String::new();
        out.push_str(&format!(
            "# {}: {}\n",
            spec.name,
            spec.description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ));
        out.push_str(&format!(
            "# generated by `tariff data build --lists` from {} (sha256 {}), {how}; {} numbers\n",
            spec.source,
            sha256_hex(&bytes),
            codes.len()
        ));
        out.push_str("hts\n");
        for c in &codes {
            out.push_str(&c.to_string());
            out.push('\n');
        }
        let target = dir.join(format!("{}.csv", spec.name));
        std::fs::write(&target, out).map_err(io_err(&target))?;
        written.push(spec.name.clone());
    }
    Ok(written)
}

fn list_from_csv(
    path: &Path,
    bytes: &[u8],
    column: &str,
    filter: &BTreeMap<String, String>,
) -> Result<std::collections::BTreeSet<HtsCode>, ImportError> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| fmt_err(path, e.to_string()))?
        .clone();
    let position = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| fmt_err(path, format!("no column {name}")))
    };
    let col = position(column)?;
    let filters: Vec<(usize, &String)> = filter
        .iter()
        .map(|(k, v)| position(k).map(|i| (i, v)))
        .collect::<Result<_, _>>()?;
    let mut codes = std::collections::BTreeSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| fmt_err(path, format!("row {}: {e}", i + 2)))?;
        if !filters.iter().all(|(c, v)| rec.get(*c) == Some(v.as_str())) {
            continue;
        }
        let raw = rec.get(col).unwrap_or("").trim();
        let code = HtsCode::parse(raw).map_err(|e| fmt_err(path, format!("row {}: {e}", i + 2)))?;
        codes.insert(code);
    }
    Ok(codes)
}

fn list_from_text(
    path: &Path,
    bytes: &[u8],
    start: &str,
    end: &str,
) -> Result<std::collections::BTreeSet<HtsCode>, ImportError> {
    let text = String::from_utf8_lossy(bytes);
    let from = text
        .find(start)
        .ok_or_else(|| fmt_err(path, format!("start marker {start:?} not found")))?;
    let to = text[from..].find(end).map(|n| from + n).ok_or_else(|| {
        fmt_err(
            path,
            format!("end marker {end:?} not found after the start"),
        )
    })?;
    // The marker line itself names headings (9903.01.32); take numbers from the next line on.
    let body_start = text[from..to].find('\n').map(|n| from + n).unwrap_or(to);
    let mut codes = std::collections::BTreeSet::new();
    for token in text[body_start..to].split_whitespace() {
        // Only bare numbers (a trailing comma or semicolon allowed): "(2026)" in a page header
        // is not a heading.
        let token = token.trim_end_matches([',', ';']);
        if !token.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            continue;
        }
        let groups: Vec<&str> = token.split('.').collect();
        // 8542, 8541.21.00, and statistical numbers written 8505.11.0070.
        let last = groups.len().saturating_sub(1);
        let shaped = !groups.is_empty()
            && groups[0].len() == 4
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            && groups[1..]
                .iter()
                .enumerate()
                .all(|(i, g)| g.len() == 2 || (g.len() == 4 && i + 1 == last && i == 1));
        // Page furniture such as "99 - III - 6" or a year never has this shape.
        if shaped
            && !token.starts_with("9903")
            && let Ok(code) = HtsCode::parse(token)
        {
            codes.insert(code);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        let r = references("See 9903.88.15. and 9903.01.43-9903.01.76; heading 8703.23.01.90");
        let s: Vec<String> = r.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            s,
            ["9903.88.15", "9903.01.43", "9903.01.76", "8703.23.01.90"]
        );
        assert!(references("See chapter 99 statistical note 1.").is_empty());
        assert!(references("1,500 cc 2025.5").is_empty());
    }

    #[test]
    fn strips_markup() {
        assert_eq!(
            plain_text("not more than <il>10 kg</il>, of"),
            "not more than 10 kg, of"
        );
        assert_eq!(
            plain_text("m<sup>2</sup> <i>Bos taurus</i><br />x"),
            "m2 Bos taurus x"
        );
        assert_eq!(plain_text("a < b and c<5"), "a < b and c<5");
        assert_eq!(plain_text("  two   spaces\n"), "two spaces");
    }

    #[test]
    fn revision_names() {
        assert_eq!(normalize_revision_id("rev_7"), "2025_rev_7");
        assert_eq!(normalize_revision_id("2026_basic"), "2026_basic");
        assert_eq!(revision_name("2025_rev_7"), "2025 Revision 7");
        assert_eq!(revision_name("2026_basic"), "2026 Basic Edition");
        assert!(revision_order("2026_rev_8") > revision_order("2026_rev_7"));
        assert!(revision_order("2026_basic") > revision_order("2025_rev_32"));
    }
}
