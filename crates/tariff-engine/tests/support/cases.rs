//! The one reader of the legal cases (`crates/tariff-engine/tests/cases/*.yaml`): the engine's
//! case harness, the validity walk, the batch memo test and the server test read them through
//! it (included with `#[path]` by the other crates' tests).

#![allow(dead_code)]

use rust_decimal::Decimal;
use serde::Deserialize;
use tariff_engine::Entry;

/// A file of cases.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    cases: Vec<Case>,
}

/// One legal case: an entry line and what the law gives for it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within its file.
    pub name: String,
    /// The arithmetic and the source.
    pub comment: String,
    /// The entry line.
    pub entry: Entry,
    /// What the quote must show.
    pub expect: Expect,
    /// The file's name without `.yaml` (filled in when read).
    #[serde(skip)]
    pub file: String,
}

/// What a case expects.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The total duty.
    #[serde(default)]
    pub total_duty: Option<Decimal>,
    /// The duty lines, in order (all of them).
    #[serde(default)]
    pub lines: Option<Vec<ExpectLine>>,
    /// The IEEPA part.
    #[serde(default)]
    pub ieepa_duty: Option<Decimal>,
    /// The fees' total.
    #[serde(default)]
    pub fees_total: Option<Decimal>,
    /// Texts some warning contains.
    #[serde(default)]
    pub warnings_contain: Vec<String>,
    /// For a case that must be refused: the field named in the error.
    #[serde(default)]
    pub error_field: Option<String>,
}

/// An expected duty line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectLine {
    /// Heading (or the HTS line of the base duty).
    pub heading: String,
    /// Its source's name (`base_general`, `section_232`, …).
    pub authority: String,
    /// Duty, USD.
    pub amount: Decimal,
    /// The value charged, USD.
    #[serde(default)]
    pub basis_value: Option<Decimal>,
}

impl Case {
    /// `file::name`, the case's test name.
    pub fn id(&self) -> String {
        format!("{}::{}", self.file, self.name)
    }
}

/// Every case of every file, files in name order, cases in file order.
pub fn read_cases() -> Vec<Case> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tariff-engine/tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: CaseFile =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        for mut case in file.cases {
            case.file = stem.clone();
            out.push(case);
        }
    }
    assert!(out.len() > 200, "the legal cases were not found in {dir}");
    let mut ids: Vec<String> = out.iter().map(Case::id).collect();
    ids.sort();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        panic!("two legal cases are named {}", w[0]);
    }
    out
}
