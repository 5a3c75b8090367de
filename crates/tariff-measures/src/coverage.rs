//! Coverage of Chapter 99: which 9903 headings the measure data models, and for every other
//! heading why it is deliberately not modeled (`data/coverage.yaml`).
//!
//! A heading is *modeled* when some measure declares it (`heading:`). Otherwise the most
//! specific rule of `coverage.yaml` whose heading or prefix matches it says why it is left
//! out; a heading neither modeled nor named by a rule is a *gap*, which the tests forbid.

use crate::{MeasureError, Measures};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const COVERAGE_YAML: &str = include_str!("../data/coverage.yaml");
const FILE: &str = "coverage.yaml";

/// Why a heading is not modeled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotModeledKind {
    /// Tariff-rate quotas and quota periods: whether a good is in quota depends on the fill of
    /// the quota, which no entry line tells.
    Quota,
    /// Headings that stand in the schedule without charging anything in 2025-2026:
    /// suspended retaliation, expired or zero-rate provisions.
    Dormant,
    /// Headings decided by a fact no entry field gives (end use, donations, a certificate,
    /// the quarter's aggregate quantity).
    EntryFact,
    /// Measures that begin after the last date the dataset covers.
    AfterCoverage,
    /// Duties in force in law that the data does not yet encode: quotes that may be subject to
    /// one carry an `incomplete:` warning (`stacking.yaml`).
    NotYetEncoded,
    /// Declaration-only or statistical headings that change no duty the engine computes.
    Declaration,
}

impl NotModeledKind {
    /// The snake_case name used in data and output.
    pub fn name(self) -> &'static str {
        match self {
            NotModeledKind::Quota => "quota",
            NotModeledKind::Dormant => "dormant",
            NotModeledKind::EntryFact => "entry_fact",
            NotModeledKind::AfterCoverage => "after_coverage",
            NotModeledKind::NotYetEncoded => "not_yet_encoded",
            NotModeledKind::Declaration => "declaration",
        }
    }
}

/// One rule of `coverage.yaml`: headings left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotModeledRule {
    /// Headings (`9903.52.01`) or prefixes of them (`9903.52`, `9903.88.6`) in dotted form.
    pub headings: Vec<String>,
    /// The kind of reason.
    pub kind: NotModeledKind,
    /// The reason in words, with the legal reference that makes it so.
    pub reason: String,
    /// For a `not_yet_encoded` rule: the origins whose goods it reaches (ISO alpha-2; empty:
    /// any). A quote for goods whose line's footnotes reference one of its headings, of one
    /// of these origins, carries an `incomplete:` warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageFile {
    not_modeled: Vec<NotModeledRule>,
}

/// What the data says about one heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadingStatus<'a> {
    /// Declared by these measures (ids).
    Modeled(Vec<&'a str>),
    /// Deliberately left out, by this rule.
    NotModeled(&'a NotModeledRule),
    /// Neither: a silent gap.
    Gap,
}

/// The coverage rules, loaded and checked.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// The rules, in file order.
    pub rules: Vec<NotModeledRule>,
    /// Measure ids by the heading they declare.
    modeled: BTreeMap<String, Vec<String>>,
}

impl Coverage {
    /// The embedded rules, against the embedded measures.
    pub fn embedded(measures: &Measures) -> Result<Coverage, MeasureError> {
        Coverage::from_yaml(COVERAGE_YAML, measures)
    }

    /// Rules from YAML text, against `measures`.
    pub fn from_yaml(text: &str, measures: &Measures) -> Result<Coverage, MeasureError> {
        let file: CoverageFile =
            serde_yaml_ng::from_str(text).map_err(|e| MeasureError::Parse {
                file: FILE.into(),
                message: e.to_string(),
            })?;
        for (n, rule) in file.not_modeled.iter().enumerate() {
            if rule.reason.trim().is_empty() {
                return Err(table(format!("rule {}: empty reason", n + 1)));
            }
            if rule.headings.is_empty() {
                return Err(table(format!("rule {}: no headings", n + 1)));
            }
            for h in &rule.headings {
                if !is_heading_prefix(h) {
                    return Err(table(format!(
                        "rule {}: {h:?} is not a 9903 heading or a dotted prefix of one",
                        n + 1
                    )));
                }
            }
        }
        let mut modeled: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in &measures.measures {
            if let Some(h) = m.heading {
                modeled.entry(h.to_string()).or_default().push(m.id.clone());
            }
        }
        Ok(Coverage {
            rules: file.not_modeled,
            modeled,
        })
    }

    /// The status of a heading (dotted, `9903.88.03`).
    pub fn status(&self, heading: &str) -> HeadingStatus<'_> {
        if let Some(ids) = self.modeled.get(heading) {
            return HeadingStatus::Modeled(ids.iter().map(String::as_str).collect());
        }
        self.rules
            .iter()
            .flat_map(|r| r.headings.iter().map(move |h| (h, r)))
            .filter(|(h, _)| heading.starts_with(h.as_str()))
            .max_by_key(|(h, _)| h.len())
            .map_or(HeadingStatus::Gap, |(_, r)| HeadingStatus::NotModeled(r))
    }

    /// Headings named exactly by a rule that a measure now declares: stale rules.
    pub fn stale(&self) -> Vec<&str> {
        self.rules
            .iter()
            .flat_map(|r| &r.headings)
            .filter(|h| self.modeled.contains_key(h.as_str()))
            .map(String::as_str)
            .collect()
    }
}

fn table(message: String) -> MeasureError {
    MeasureError::Table {
        file: FILE.into(),
        message,
    }
}

/// `9903`, `9903.52`, `9903.88.6`, `9903.88.69`: digits in dotted groups of 4, 2, 2.
fn is_heading_prefix(h: &str) -> bool {
    let parts: Vec<&str> = h.split('.').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    parts.first() == Some(&"9903")
        && parts.len() <= 3
        && parts
            .iter()
            .skip(1)
            .enumerate()
            .all(|(i, p)| digits(p) && (p.len() == 2 || (i + 2 == parts.len() && p.len() == 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_prefixes() {
        for ok in ["9903", "9903.52", "9903.88.6", "9903.88.69", "9903.5"] {
            assert!(is_heading_prefix(ok), "{ok}");
        }
        for bad in [
            "9903.88.690",
            "9902.52",
            "9903.x",
            "9903..",
            "99",
            "9903.88.69.10",
        ] {
            assert!(!is_heading_prefix(bad), "{bad}");
        }
    }
}
