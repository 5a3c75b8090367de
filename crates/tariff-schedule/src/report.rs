//! Owned, serializable answers: a line as in force on a date, and a line's history.
//!
//! These structs are the stable JSON of `tariff hts --json` and `tariff hts --history
//! --json`: fields are only ever added.

use crate::Schedule;
use crate::model::{LineId, LineKey, LineVersion, OPEN, RevisionIdx};
use jiff::civil::Date;
use serde::Serialize;
use tariff_hts::rate::{RateCell, RateError};

/// A line as in force on a date.
#[derive(Clone, Debug, Serialize)]
pub struct LineReport {
    /// Dotted HTS number.
    pub code: String,
    /// The line's own description.
    pub description: String,
    /// The headings and header rows above it, outermost first.
    pub ancestors: Vec<AncestorReport>,
    /// Indent level as published.
    pub indent: u8,
    /// Units of quantity.
    pub units: Vec<String>,
    /// Column 1 general rate (own, or inherited from the rate line above a statistical line).
    pub general: Option<RateReport>,
    /// Column 1 special rate.
    pub special: Option<RateReport>,
    /// Column 2 rate.
    pub other: Option<RateReport>,
    /// The numbered line the rates come from, when it is not this line (10-digit
    /// statistical lines carry no rates of their own).
    pub rates_from: Option<String>,
    /// Footnotes and endnotes of the line.
    pub footnotes: Vec<FootnoteReport>,
    /// HTS numbers referenced by the footnotes (Chapter 99 headings and others), deduplicated,
    /// in order of first mention.
    pub chapter99_references: Vec<String>,
    /// HTS numbers referenced by the footnotes of the line the rates come from (when that is
    /// not this line): the links from a 10-digit line's 8-digit rate line to Chapter 99.
    pub rate_line_references: Vec<String>,
    /// Quota quantity text, if any.
    pub quota_quantity: Option<String>,
    /// Additional duties text and parse, if any.
    pub additional_duties: Option<RateReport>,
    /// The revision in force on the date asked for.
    pub revision: String,
    /// The date from which that revision is in force.
    pub effective_from: Date,
    /// The date from which this line has read as shown (start of this version).
    pub line_since: Date,
    /// The date on which this reading was replaced, if it was within the dataset.
    pub line_until: Option<Date>,
}

/// A header or heading above a line.
#[derive(Clone, Debug, Serialize)]
pub struct AncestorReport {
    /// Dotted number, or `None` for an unnumbered header row.
    pub code: Option<String>,
    /// Description.
    pub description: String,
}

/// A rate column: the text as published and its parse.
#[derive(Clone, Debug, Serialize)]
pub struct RateReport {
    /// Text exactly as published.
    pub text: String,
    /// Normalized text (the parse printed back), when it parsed.
    pub normalized: Option<String>,
    /// The typed tree, when it parsed.
    pub parsed: Option<RateCell>,
    /// Why it did not parse.
    pub error: Option<RateError>,
}

/// A footnote of a line.
#[derive(Clone, Debug, Serialize)]
pub struct FootnoteReport {
    /// Columns it is attached to.
    pub columns: Vec<String>,
    /// Marker, if any.
    pub marker: Option<String>,
    /// Text.
    pub text: String,
    /// `footnote` or `endnote`.
    pub kind: String,
    /// HTS numbers it references.
    pub references: Vec<String>,
}

/// One change to a line between two revisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The date the change took effect (effective date of the revision).
    pub date: Date,
    /// The revision that made it.
    pub revision: String,
    /// `added`, `removed`, or the field that changed (`description`, `general`, `special`,
    /// `other`, `units`, `footnotes`, `indent`, `quota_quantity`, `additional_duties`).
    pub field: String,
    /// The text before (empty for `added`).
    pub old: String,
    /// The text after (empty for `removed`).
    pub new: String,
}

pub(crate) fn rate_report(s: &Schedule, id: Option<u32>) -> Option<RateReport> {
    let id = id?;
    let entry = s.rate(id)?;
    Some(match &entry.parsed {
        Ok(cell) => RateReport {
            text: entry.text.clone(),
            normalized: s.normalized(id).map(str::to_string),
            parsed: Some(cell.clone()),
            error: None,
        },
        Err(e) => RateReport {
            text: entry.text.clone(),
            normalized: None,
            parsed: None,
            error: Some(e.clone()),
        },
    })
}

fn key_code(key: &LineKey) -> Option<String> {
    match key {
        LineKey::Code(c) => Some(c.to_string()),
        LineKey::Header { .. } => None,
    }
}

pub(crate) fn line_report(s: &Schedule, id: LineId, rev: RevisionIdx) -> LineReport {
    let line = s.line(id);
    // `line_at` only calls this for a line in force in `rev`.
    let v = s
        .version_at(id, rev)
        .unwrap_or_else(|| &line.versions[line.versions.len() - 1]);

    let mut ancestors = Vec::new();
    let mut parent = v.parent;
    let mut rates_line: Option<(LineId, &LineVersion)> = v.general.map(|_| (id, v));
    while let Some(pid) = parent {
        let Some(pv) = s.version_at(pid, rev) else {
            break;
        };
        let pline = s.line(pid);
        ancestors.push(AncestorReport {
            code: key_code(&pline.key),
            description: s.string(pv.description).to_string(),
        });
        if rates_line.is_none() && pv.general.is_some() && matches!(pline.key, LineKey::Code(_)) {
            rates_line = Some((pid, pv));
        }
        parent = pv.parent;
    }
    ancestors.reverse();

    let (rates_from, rv) = match rates_line {
        Some((rid, rv)) if rid != id => (key_code(&s.line(rid).key), rv),
        Some((_, rv)) => (None, rv),
        None => (None, v),
    };

    let footnotes: Vec<FootnoteReport> = v
        .footnotes
        .iter()
        .filter_map(|&f| s.footnote(f))
        .map(|f| FootnoteReport {
            columns: f.columns.clone(),
            marker: f.marker.clone(),
            text: f.text.clone(),
            kind: f.kind.clone(),
            references: f.references.iter().map(|c| c.to_string()).collect(),
        })
        .collect();
    let mut refs: Vec<String> = Vec::new();
    for f in &footnotes {
        for r in &f.references {
            if !refs.contains(r) {
                refs.push(r.clone());
            }
        }
    }
    let mut rate_line_references: Vec<String> = Vec::new();
    if let Some((rid, rv)) = rates_line
        && rid != id
    {
        let _ = rid;
        for f in rv.footnotes.iter().filter_map(|&f| s.footnote(f)) {
            for r in &f.references {
                let r = r.to_string();
                if !rate_line_references.contains(&r) {
                    rate_line_references.push(r);
                }
            }
        }
    }
    let revision = &s.revisions()[rev as usize];
    LineReport {
        code: key_code(&line.key).unwrap_or_default(),
        description: s.string(v.description).to_string(),
        ancestors,
        indent: v.indent,
        units: v.units.iter().map(|&u| s.string(u).to_string()).collect(),
        general: rate_report(s, rv.general),
        special: rate_report(s, rv.special),
        other: rate_report(s, rv.other),
        rates_from,
        footnotes,
        chapter99_references: refs,
        rate_line_references,
        quota_quantity: v.quota_quantity.map(|q| s.string(q).to_string()),
        additional_duties: rate_report(s, v.additional_duties),
        revision: revision.id.clone(),
        effective_from: revision.effective_from,
        line_since: s.revisions()[v.from as usize].effective_from,
        line_until: (v.until != OPEN).then(|| s.revisions()[v.until as usize].effective_from),
    }
}

fn field_texts(s: &Schedule, v: &LineVersion) -> [(&'static str, String); 9] {
    let rate = |id: Option<u32>| {
        id.and_then(|i| s.rate(i))
            .map(|r| r.text.clone())
            .unwrap_or_default()
    };
    let notes: Vec<String> = v
        .footnotes
        .iter()
        .filter_map(|&f| s.footnote(f))
        .map(|f| format!("[{}] {}", f.columns.join(","), f.text))
        .collect();
    [
        ("description", s.string(v.description).to_string()),
        ("indent", v.indent.to_string()),
        (
            "units",
            v.units
                .iter()
                .map(|&u| s.string(u))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("general", rate(v.general)),
        ("special", rate(v.special)),
        ("other", rate(v.other)),
        ("footnotes", notes.join(" | ")),
        (
            "quota_quantity",
            v.quota_quantity
                .map(|q| s.string(q).to_string())
                .unwrap_or_default(),
        ),
        ("additional_duties", rate(v.additional_duties)),
    ]
}

pub(crate) fn history(s: &Schedule, id: LineId) -> Vec<Change> {
    let revs = s.revisions();
    let line = s.line(id);
    let mut out = Vec::new();
    let mut prev: Option<&LineVersion> = None;
    for v in &line.versions {
        let r = &revs[v.from as usize];
        match prev {
            Some(p) if p.until == v.from => {
                for ((field, old), (_, new)) in field_texts(s, p).into_iter().zip(field_texts(s, v))
                {
                    if old != new {
                        out.push(Change {
                            date: r.effective_from,
                            revision: r.id.clone(),
                            field: field.to_string(),
                            old,
                            new,
                        });
                    }
                }
            }
            _ => out.push(Change {
                date: r.effective_from,
                revision: r.id.clone(),
                field: "added".to_string(),
                old: String::new(),
                new: s.string(v.description).to_string(),
            }),
        }
        if v.until != OPEN && line.versions.iter().all(|w| w.from != v.until) {
            let r = &revs[v.until as usize];
            out.push(Change {
                date: r.effective_from,
                revision: r.id.clone(),
                field: "removed".to_string(),
                old: s.string(v.description).to_string(),
                new: String::new(),
            });
        }
        prev = Some(v);
    }
    out
}
