//! The embedded dataset against the raw USITC exports, and the query API's contracts.

use jiff::civil::{Date, date};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use tariff_hts::HtsCode;
use tariff_schedule::{Horizon, LookupError, Schedule};

fn shared_hts_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sources/usitc_hts_json"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        tariff_testkit::skip(
            module_path!(),
            &format!("../shared not present ({} missing)", dir.display()),
        );
        None
    }
}

#[derive(serde::Deserialize)]
struct Row {
    htsno: String,
    general: Option<String>,
}

/// 8- and 10-digit numbers of one export with their general-rate text (trimmed).
fn generals(path: &std::path::Path) -> BTreeMap<String, String> {
    let gz = std::fs::read(path).unwrap();
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut json)
        .unwrap();
    let rows: Vec<Row> = serde_json::from_slice(&json).unwrap();
    rows.into_iter()
        .filter(|r| matches!(r.htsno.replace('.', "").len(), 8 | 10))
        .map(|r| {
            (
                r.htsno.replace('.', ""),
                r.general.unwrap_or_default().trim().to_string(),
            )
        })
        .collect()
}

fn schedule() -> Schedule {
    Schedule::embedded().expect("embedded dataset decodes")
}

#[test]
fn general_rate_changes_between_basic_editions_match_the_raw_json() {
    let Some(dir) = shared_hts_dir() else { return };
    let a = generals(&dir.join("hts_2025_basic.json.gz"));
    let b = generals(&dir.join("hts_2026_basic.json.gz"));
    let raw: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();

    let s = schedule();
    let (r25, r26) = (
        s.revision_at(date(2025, 1, 1)).unwrap(),
        s.revision_at(date(2026, 1, 1)).unwrap(),
    );
    let mut ours: Vec<String> = Vec::new();
    for line in s.lines() {
        let tariff_schedule::model::LineKey::Code(code) = &line.key else {
            continue;
        };
        if !matches!(code.len(), 8 | 10) {
            continue;
        }
        let (Some(v25), Some(v26)) = (
            line.versions.iter().find(|v| v.in_force(r25)),
            line.versions.iter().find(|v| v.in_force(r26)),
        ) else {
            continue;
        };
        if s.general_text(v25).trim() != s.general_text(v26).trim() {
            ours.push(code.digits().to_string());
        }
    }
    eprintln!(
        "8/10-digit lines whose general rate differs, 2025 basic vs 2026 basic: raw {}, dataset {}",
        raw.len(),
        ours.len()
    );
    let raw: Vec<String> = raw.into_iter().cloned().collect();
    // The two editions agree on every general rate they share (0 differ), so also check the
    // lines each edition alone has: those numbers are not zero.
    assert_eq!(raw, ours);
    let raw_removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let raw_added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let in_force = |code: &HtsCode, rev| {
        s.find_code(code)
            .and_then(|id| s.version_at(id, rev))
            .is_some()
    };
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for line in s.lines() {
        let tariff_schedule::model::LineKey::Code(code) = &line.key else {
            continue;
        };
        if !matches!(code.len(), 8 | 10) {
            continue;
        }
        match (in_force(code, r25), in_force(code, r26)) {
            (true, false) => removed.push(code.digits().to_string()),
            (false, true) => added.push(code.digits().to_string()),
            _ => {}
        }
    }
    eprintln!(
        "8/10-digit lines only in 2025 basic: raw {}, dataset {}; only in 2026 basic: raw {}, dataset {}",
        raw_removed.len(),
        removed.len(),
        raw_added.len(),
        added.len()
    );
    assert_eq!(raw_removed, removed.iter().collect::<Vec<_>>());
    assert_eq!(raw_added, added.iter().collect::<Vec<_>>());
    assert!(!removed.is_empty() && !added.is_empty());
}

#[test]
fn every_revision_matches_its_export_line_for_line() {
    // For a sample of revisions, every numbered line of the export is in force in the dataset
    // on the revision's date with the same general rate.
    let Some(dir) = shared_hts_dir() else { return };
    let s = schedule();
    for r in s
        .revisions()
        .iter()
        .filter(|r| ["2025_basic", "2025_rev_18", "2026_rev_10"].contains(&r.id.as_str()))
    {
        let raw = generals(&dir.join(format!("hts_{}.json.gz", r.id)));
        let rev = s.revision_at(r.effective_from).unwrap();
        for (digits, general) in &raw {
            let code = HtsCode::parse(digits).unwrap();
            let id = s
                .find_code(&code)
                .unwrap_or_else(|| panic!("{digits} missing"));
            let v = s
                .version_at(id, rev)
                .unwrap_or_else(|| panic!("{digits} not in force in {}", r.id));
            assert_eq!(s.general_text(v).trim(), general, "{digits} in {}", r.id);
        }
    }
}

#[test]
fn dates_outside_the_dataset_are_errors() {
    let s = schedule();
    let code = HtsCode::parse("8703.23.01").unwrap();
    let before = s.line_at(&code, date(2024, 12, 31)).unwrap_err();
    assert!(matches!(before, LookupError::DateOutOfRange { .. }));
    assert!(before.to_string().contains("2025-01-01"), "{before}");
    // After the schedule's horizon the newest revision answers; strict dates refuse.
    let after = s
        .covered_through()
        .checked_add(jiff::Span::new().days(1))
        .unwrap();
    let last = s.line_at(&code, s.covered_through()).unwrap();
    let later = s.line_at(&code, after).unwrap();
    assert_eq!(later.revision, last.revision);
    assert_eq!(later.revision, s.last_revision().id);
    assert!(s.check_strict(s.covered_through()).is_ok());
    assert!(matches!(
        s.check_strict(after),
        Err(LookupError::AfterHorizon { .. })
    ));
    assert!(s.law_known_through() >= s.covered_through());
}

#[test]
fn horizons_split_the_dates() {
    let s = schedule();
    let (ct, lt) = (s.covered_through(), s.law_known_through());
    let day = |d: jiff::civil::Date| d.tomorrow().unwrap();
    let (h, i) = s.horizon(ct);
    assert_eq!(h, Horizon::Within);
    assert_eq!(i.until, Some(day(ct)));
    let (h, i) = s.horizon(day(ct));
    assert_eq!(h, Horizon::AfterSchedule);
    assert_eq!((i.from, i.until), (day(ct), Some(day(lt))));
    let (h, i) = s.horizon(day(lt));
    assert_eq!(h, Horizon::AfterLaw);
    assert_eq!((i.from, i.until), (day(lt), None));
    // An entry line's span stops at each horizon, so a quote's validity does too.
    let code = HtsCode::parse("8703.23.01").unwrap();
    let (_, span) = s.entry_line_span(&code, ct).unwrap();
    assert_eq!(span.until, Some(day(ct)));
    let (_, span) = s.entry_line_span(&code, day(ct)).unwrap();
    assert_eq!((span.from, span.until), (day(ct), Some(day(lt))));
}

#[test]
fn unknown_code_names_nearest() {
    let s = schedule();
    let err = s
        .line_at(&HtsCode::parse("8703.23.02").unwrap(), date(2025, 5, 20))
        .unwrap_err();
    let LookupError::UnknownCode { nearest, .. } = &err else {
        panic!("{err}")
    };
    assert!(nearest.iter().any(|c| c == "8703.23.01"), "{nearest:?}");
    assert!(err.to_string().contains("8703.23.01"));
}

#[test]
fn the_known_lines() {
    let s = schedule();
    let l = s
        .line_at(&HtsCode::parse("8703.23.01").unwrap(), date(2025, 5, 20))
        .unwrap();
    assert_eq!(l.general.as_ref().unwrap().text, "2.5%");
    assert!(l.special.as_ref().unwrap().text.contains("KR"));
    assert_eq!(l.ancestors[0].code.as_deref(), Some("8703"));
    assert!(l.chapter99_references.contains(&"9903.88.01".to_string()));

    let r = s
        .line_at(&HtsCode::parse("9903.01.25").unwrap(), date(2025, 4, 10))
        .unwrap();
    assert!(r.general.as_ref().unwrap().text.ends_with("+ 10%"));
    // Before the reciprocal tariffs the heading did not exist.
    assert!(
        s.line_at(&HtsCode::parse("9903.01.25").unwrap(), date(2025, 3, 1))
            .is_err()
    );

    // A 10-digit statistical line takes its rates from its 8-digit line.
    let stat = s
        .line_at(&HtsCode::parse("6109.10.00.04").unwrap(), date(2025, 5, 20))
        .unwrap();
    assert_eq!(stat.rates_from.as_deref(), Some("6109.10.00"));
    assert_eq!(stat.general.unwrap().text, "16.5%");

    // An 8-digit number published only as its 00 line resolves to it.
    let one = s
        .line_at(&HtsCode::parse("8471.30.01").unwrap(), date(2025, 5, 20))
        .unwrap();
    assert_eq!(one.code, "8471.30.01.00");
}

#[test]
fn history_of_the_baseline_heading() {
    let s = schedule();
    let h = s.history(&HtsCode::parse("9903.01.25").unwrap()).unwrap();
    assert_eq!(h[0].field, "added");
    assert!(h.iter().any(|c| c.field == "description"), "{h:#?}");
    let dates: Vec<Date> = h.iter().map(|c| c.date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn search_finds_passenger_cars_by_engine() {
    let s = schedule();
    let hits = s
        .search(
            "passenger motor vehicles spark ignition",
            date(2025, 5, 20),
            10,
        )
        .unwrap();
    assert!(
        hits.iter().filter(|h| h.code.starts_with("8703.2")).count() >= 3,
        "{hits:#?}"
    );
}

#[test]
fn revisions_are_ordered_and_identical_ones_marked() {
    let s = schedule();
    let revs = s.revisions();
    assert!(
        revs.windows(2)
            .all(|w| w[0].effective_from <= w[1].effective_from)
    );
    let r13 = revs.iter().find(|r| r.id == "2025_rev_13").unwrap();
    assert_eq!(r13.identical_to.as_deref(), Some("2025_rev_12"));
    assert!(s.file().excluded.iter().any(|x| x.id == "2026_rev_8"));
    assert_eq!(
        s.file().provenance.inputs.len(),
        revs.len() + s.file().excluded.len() + 1
    );
}
