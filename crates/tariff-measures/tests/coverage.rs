//! Chapter 99 coverage: every 9903 heading of every revision in the dataset is modeled by a
//! measure or deliberately not modeled, with a reason (`data/coverage.yaml`).

use tariff_measures::Measures;
use tariff_measures::coverage::{Coverage, HeadingStatus, NotModeledKind};
use tariff_schedule::Schedule;

#[test]
fn every_chapter_99_heading_is_modeled_or_explained() {
    let measures = Measures::embedded().unwrap_or_else(|e| panic!("{e}"));
    let coverage = Coverage::embedded(&measures).unwrap_or_else(|e| panic!("{e}"));
    let schedule = Schedule::embedded().expect("embedded schedule");
    let (mut modeled, mut not_modeled, mut gaps) = (0, 0, Vec::new());
    for (_, code) in schedule.numbered_lines("9903", 8) {
        match coverage.status(&code.to_string()) {
            HeadingStatus::Modeled(_) => modeled += 1,
            HeadingStatus::NotModeled(_) => not_modeled += 1,
            HeadingStatus::Gap => gaps.push(code.to_string()),
        }
    }
    eprintln!(
        "{modeled} headings modeled, {not_modeled} not modeled with a reason, {} gaps",
        gaps.len()
    );
    // The dataset holds 743 distinct 9903 headings over 2025 basic - 2026 Rev. 10.
    assert!(modeled + not_modeled + gaps.len() >= 743);
    assert!(
        gaps.is_empty(),
        "headings neither modeled nor explained: {gaps:?}"
    );
    assert!(
        coverage.stale().is_empty(),
        "coverage.yaml names headings a measure now declares: {:?}",
        coverage.stale()
    );
}

#[test]
fn every_declared_heading_exists_in_the_schedule() {
    let measures = Measures::embedded().unwrap_or_else(|e| panic!("{e}"));
    let schedule = Schedule::embedded().expect("embedded schedule");
    let known: std::collections::BTreeSet<String> = schedule
        .numbered_lines("9903", 8)
        .map(|(_, c)| c.to_string())
        .collect();
    // A heading published after the schedule's horizon (in a revision the dataset does not
    // hold) is declared only by measures that start after that horizon.
    let missing: Vec<String> = measures
        .all()
        .iter()
        .filter(|m| m.effective.from <= schedule.covered_through())
        .filter_map(|m| m.heading)
        .map(|h| h.to_string())
        .filter(|h| h.starts_with("9903") && !known.contains(h))
        .collect();
    assert!(missing.is_empty(), "headings in no revision: {missing:?}");
}

#[test]
fn bad_rules_are_refused() {
    let measures = Measures::embedded().unwrap_or_else(|e| panic!("{e}"));
    for (text, why) in [
        (
            "not_modeled: [{headings: ['9902.01'], kind: quota, reason: x}]",
            "not a 9903",
        ),
        (
            "not_modeled: [{headings: ['9903.01'], kind: quota, reason: ' '}]",
            "empty reason",
        ),
        (
            "not_modeled: [{headings: ['9903.01'], kind: sometimes, reason: x}]",
            "unknown variant",
        ),
        (
            "not_modeled: [{headings: [], kind: quota, reason: x}]",
            "no headings",
        ),
    ] {
        let err = Coverage::from_yaml(text, &measures)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{text}: {err}");
    }
    let ok = Coverage::from_yaml(
        "not_modeled: [{headings: ['9903.17', '9903.17.0'], kind: quota, reason: a}]",
        &measures,
    )
    .unwrap();
    match ok.status("9903.17.01") {
        HeadingStatus::NotModeled(r) => {
            assert_eq!(r.kind, NotModeledKind::Quota);
            assert_eq!(r.headings[1], "9903.17.0");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ok.status("9903.99.99"), HeadingStatus::Gap);
}
