//! Keyword search over line descriptions.
//!
//! Every version of every numbered line is indexed under the words of its own description
//! and of its ancestors' descriptions (so `passenger motor vehicles spark ignition` finds
//! `8703.23.01` although its own text is only "Of a cylinder capacity exceeding 1,500 cc…").
//! Words are lower-cased, split on anything that is not a letter or digit, crudely
//! de-pluralized, and common function words are dropped.
//!
//! Ranking: lines matching more of the query's words first; then the sum over matched words
//! of `idf × weight`, where a word in the line's own description weighs 2 and a word only in
//! an ancestor weighs 1; then rate lines (8 digits) before statistical lines, then schedule
//! order.

use crate::Schedule;
use crate::model::{LineId, LineKey, RevisionIdx};
use serde::Serialize;
use std::collections::HashMap;

const STOPWORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "not", "of", "on", "or",
    "the", "to", "with", "other", "than", "its", "their", "thereof", "be", "which", "such",
];

/// One search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    /// Dotted HTS number.
    pub code: String,
    /// The line's description.
    pub description: String,
    /// Ancestors' descriptions joined by ` › `, outermost first.
    pub context: String,
    /// Column 1 general rate text (own, or from the rate line above).
    pub general: Option<String>,
    /// How many of the query's words matched.
    pub matched: usize,
    /// The ranking score.
    pub score: f64,
}

#[derive(Debug)]
pub(crate) struct SearchIndex {
    /// (line, version index) per entry.
    entries: Vec<(LineId, u16)>,
    /// word → (entry, weight), entries ascending.
    postings: HashMap<String, Vec<(u32, u8)>>,
}

pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
}

fn stem(w: &str) -> String {
    if w.len() > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

impl SearchIndex {
    pub(crate) fn build(s: &Schedule) -> SearchIndex {
        // Tokenize each distinct description once: string id → word ids.
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let tokens: Vec<Vec<u32>> = s
            .file()
            .strings
            .iter()
            .map(|text| {
                let mut ids: Vec<u32> = words(text)
                    .map(|w| {
                        let next = vocab.len() as u32;
                        *vocab.entry(w).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            })
            .collect();
        let mut lists: Vec<Vec<(u32, u8)>> = vec![Vec::new(); vocab.len()];
        let mut entries = Vec::new();
        let mut weight: HashMap<u32, u8> = HashMap::new();
        for (lid, line) in s.lines().iter().enumerate() {
            if !matches!(line.key, LineKey::Code(_)) {
                continue;
            }
            for (vi, v) in line.versions.iter().enumerate() {
                let entry = entries.len() as u32;
                entries.push((lid as LineId, vi as u16));
                weight.clear();
                for &w in &tokens[v.description as usize] {
                    weight.insert(w, 2);
                }
                let mut parent = v.parent;
                while let Some(pid) = parent {
                    let Some(pv) = s.version_at(pid, v.from) else {
                        break;
                    };
                    for &w in &tokens[pv.description as usize] {
                        weight.entry(w).or_insert(1);
                    }
                    parent = pv.parent;
                }
                for (&w, &wt) in &weight {
                    lists[w as usize].push((entry, wt));
                }
            }
        }
        let postings = vocab
            .into_iter()
            .map(|(w, id)| (w, std::mem::take(&mut lists[id as usize])))
            .collect();
        SearchIndex { entries, postings }
    }

    pub(crate) fn query(
        &self,
        s: &Schedule,
        query: &str,
        rev: RevisionIdx,
        limit: usize,
    ) -> Vec<SearchHit> {
        let mut terms: Vec<String> = words(query).collect();
        terms.sort();
        terms.dedup();
        let n = self.entries.len().max(1) as f64;
        // entry → (matched terms, score)
        let mut acc: HashMap<u32, (usize, f64)> = HashMap::new();
        for t in &terms {
            let Some(list) = self.postings.get(t) else {
                continue;
            };
            let idf = (n / list.len() as f64).ln().max(0.01);
            for &(e, w) in list {
                let (lid, vi) = self.entries[e as usize];
                if !s.line(lid).versions[vi as usize].in_force(rev) {
                    continue;
                }
                let slot = acc.entry(e).or_insert((0, 0.0));
                slot.0 += 1;
                slot.1 += idf * f64::from(w);
            }
        }
        let mut ranked: Vec<(u32, usize, f64, usize, LineId)> = acc
            .into_iter()
            .map(|(e, (m, sc))| {
                let (lid, _) = self.entries[e as usize];
                let depth_rank = match &s.line(lid).key {
                    LineKey::Code(c) if c.len() == 8 => 0,
                    LineKey::Code(c) if c.len() == 10 => 1,
                    _ => 2,
                };
                (e, m, sc, depth_rank, lid)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.total_cmp(&a.2))
                .then(a.3.cmp(&b.3))
                .then(a.4.cmp(&b.4))
        });
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, matched, score, _, lid)| {
                let report = crate::report::line_report(s, lid, rev);
                let context = report
                    .ancestors
                    .iter()
                    .map(|a| a.description.trim_end_matches(':').to_string())
                    .collect::<Vec<_>>()
                    .join(" › ");
                SearchHit {
                    code: report.code,
                    description: report.description,
                    context,
                    general: report.general.map(|g| g.text),
                    matched,
                    score: (score * 1000.0).round() / 1000.0,
                }
            })
            .collect()
    }
}
