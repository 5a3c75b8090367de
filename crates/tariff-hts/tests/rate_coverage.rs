//! Parses every distinct rate text of every USITC HTS JSON revision in `../shared` and checks
//! coverage and round trip. Skips (passes) when `../shared` is not present.

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tariff_hts::rate::{Rate, RateCell, RateError};

const SOURCE_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/sources/usitc_hts_json"
);

/// The fields of a USITC JSON row this test reads.
#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    htsno: Option<String>,
    #[serde(default)]
    general: Option<String>,
    #[serde(default)]
    special: Option<String>,
    #[serde(default)]
    other: Option<String>,
    #[serde(default, rename = "additionalDuties")]
    additional_duties: Option<String>,
}

const COLUMNS: [&str; 4] = ["general", "special", "other", "additionalDuties"];

fn variant(rate: &Rate) -> &'static str {
    match rate {
        Rate::Free => "free",
        Rate::ConditionalFree { .. } => "conditional_free",
        Rate::AdValorem { on: None, .. } => "ad_valorem",
        Rate::AdValorem { on: Some(_), .. } => "ad_valorem_on_component",
        Rate::Specific { on: None, .. } => "specific",
        Rate::Specific { on: Some(_), .. } => "specific_on_component",
        Rate::Compound(_) => "compound",
        Rate::SlidingScale { .. } => "sliding_scale",
        Rate::Minimum { .. } => "minimum",
        Rate::Maximum { .. } => "maximum",
        Rate::Proviso { .. } => "proviso",
        Rate::Additional {
            adjustment: None, ..
        } => "additional_none",
        Rate::Additional { .. } => "additional",
        Rate::NoChange => "no_change",
        Rate::NoAdditionalDuty => "no_additional_duty",
        Rate::See(_) => "see",
        Rate::Textual { .. } => "textual",
    }
}

#[test]
fn every_rate_text_in_the_usitc_json_parses_and_round_trips() {
    let dir = Path::new(SOURCE_DIR);
    if !dir.is_dir() {
        tariff_testkit::skip(
            module_path!(),
            &format!("../shared not present ({SOURCE_DIR} is not a directory)"),
        );
        return;
    }
    let started = std::time::Instant::now();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .json.gz files in {SOURCE_DIR}");

    // Distinct texts per column, and general texts of 8- and 10-digit lines.
    let mut distinct: BTreeMap<&str, BTreeSet<String>> =
        COLUMNS.iter().map(|c| (*c, BTreeSet::new())).collect();
    let mut general_8_10: BTreeSet<String> = BTreeSet::new();
    for file in &files {
        let reader = std::io::BufReader::new(GzDecoder::new(std::fs::File::open(file).unwrap()));
        let rows: Vec<Row> =
            serde_json::from_reader(reader).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for row in rows {
            let digits = row
                .htsno
                .as_deref()
                .unwrap_or("")
                .chars()
                .filter(char::is_ascii_digit)
                .count();
            for (column, value) in [
                ("general", &row.general),
                ("special", &row.special),
                ("other", &row.other),
                ("additionalDuties", &row.additional_duties),
            ] {
                if let Some(text) = value.as_ref().filter(|t| !t.is_empty()) {
                    distinct.get_mut(column).unwrap().insert(text.clone());
                    if column == "general" && (digits == 8 || digits == 10) {
                        general_8_10.insert(text.clone());
                    }
                }
            }
        }
    }
    let read_time = started.elapsed();

    let mut parsed: BTreeMap<String, Result<RateCell, RateError>> = BTreeMap::new();
    for texts in distinct.values() {
        for text in texts {
            parsed
                .entry(text.clone())
                .or_insert_with(|| RateCell::parse(text));
        }
    }

    // Report.
    eprintln!(
        "rate coverage: {} files read in {:.1?}, parsed in {:.1?}",
        files.len(),
        read_time,
        started.elapsed() - read_time
    );
    let mut failures = Vec::new();
    for column in COLUMNS {
        let texts = &distinct[column];
        let mut variants: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ok = 0usize;
        for text in texts {
            match &parsed[text] {
                Ok(cell) => {
                    ok += 1;
                    if cell.is_blank() {
                        *variants.entry("blank").or_default() += 1;
                    }
                    for group in &cell.groups {
                        *variants.entry(variant(&group.rate)).or_default() += 1;
                    }
                }
                Err(e) => failures.push((column, text.clone(), e.clone())),
            }
        }
        eprintln!(
            "  {column}: {} distinct, {ok} parsed ({:.2}%); groups by variant: {variants:?}",
            texts.len(),
            100.0 * ok as f64 / texts.len().max(1) as f64
        );
    }
    eprintln!("  unparsed ({}):", failures.len());
    for (column, text, error) in &failures {
        eprintln!(
            "    [{column}] {:?}: {text:?} — {}",
            error.category, error.message
        );
    }

    // Round trip: the normalized text parses back to the same tree.
    for (text, result) in &parsed {
        if let Ok(cell) = result {
            let normalized = cell.to_string();
            assert_eq!(
                RateCell::parse(&normalized).as_ref(),
                Ok(cell),
                "round trip of {text:?} via {normalized:?}"
            );
        }
    }

    // Targets.
    let general_failures: Vec<&String> = general_8_10
        .iter()
        .filter(|t| parsed[*t].is_err())
        .collect();
    assert!(
        general_failures.is_empty(),
        "general-column texts of 8/10-digit lines that do not parse: {general_failures:?}"
    );
    let three: BTreeSet<&String> = ["general", "special", "other"]
        .iter()
        .flat_map(|c| distinct[c].iter())
        .collect();
    let ok = three.iter().filter(|t| parsed[**t].is_ok()).count();
    let share = ok as f64 / three.len() as f64;
    eprintln!(
        "  general/special/other: {ok} of {} distinct texts parse ({:.2}%); general on 8/10-digit lines: {} of {} parse",
        three.len(),
        100.0 * share,
        general_8_10.len() - general_failures.len(),
        general_8_10.len()
    );
    assert!(
        share >= 0.995,
        "only {:.2}% of distinct texts parse",
        100.0 * share
    );
}
