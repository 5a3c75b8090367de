//! The embedded measure data: it loads, its citations point at real sources, and every rate it
//! states is the rate the HTS itself prints for the heading.

use std::path::PathBuf;
use tariff_hts::HtsCode;
use tariff_measures::{MeasureError, MeasureRate, Measures};
use tariff_schedule::Schedule;

fn shared_sources() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sources"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        tariff_testkit::skip(module_path!(), "../shared not present");
        None
    }
}

#[test]
fn embedded_data_loads() {
    let m = Measures::embedded().unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{} measures in {} files, {} lists, {} countries",
        m.all().len(),
        m.files()
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        m.lists().len(),
        m.countries().countries.len()
    );
    assert!(m.lists().contains_key("annex-ii-2025-04-02"));
    assert_eq!(m.lists()["annex-ii-2025-04-02"].codes.len(), 1039);
}

#[test]
fn rates_match_the_hts_text_of_their_heading() {
    // Each measure's rate text must be what the HTS prints in the general column of its
    // heading in at least one revision in force during the measure's interval (revisions are
    // dated by publication, and some measures are retroactive, so not necessarily all).
    let m = Measures::embedded().unwrap();
    let s = Schedule::embedded().unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for me in m.all() {
        let Some(heading) = me.heading else { continue };
        if me.rate_differs_from_hts.is_some() {
            continue;
        }
        let text = match &me.rate {
            MeasureRate::Additional { text, .. } | MeasureRate::Floor { text, .. } => text,
            MeasureRate::Exempt { .. } => continue,
        };
        let Some(id) = s.find_code(&heading) else {
            // A heading published after the schedule's horizon cannot be checked against the
            // HTS: its measure must start after the horizon and cannot claim high confidence.
            if me.effective.from <= s.covered_through() {
                problems.push(format!("{}: heading {heading} is in no revision", me.id));
            } else if me.confidence == tariff_measures::Confidence::High {
                problems.push(format!(
                    "{}: heading {heading} is after the schedule's horizon, so its rate is unchecked: confidence cannot be high",
                    me.id
                ));
            }
            continue;
        };
        let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = s.lines()[id as usize].versions.iter().any(|v| {
            let from = s.revision_date(v.from).unwrap();
            let until = (v.until != tariff_schedule::model::OPEN)
                .then(|| s.revision_date(v.until).unwrap());
            let overlaps = me.effective.until.is_none_or(|u| from < u)
                && until.is_none_or(|u| {
                    me.effective.from < u.checked_add(jiff::Span::new().days(60)).unwrap()
                });
            overlaps && norm(s.general_text(v)) == norm(text)
        });
        checked += 1;
        if !found {
            problems.push(format!(
                "{}: {heading} never reads {text:?} around its interval",
                me.id
            ));
        }
    }
    eprintln!("{checked} measure rates checked against the HTS");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn sources_named_by_measures_exist() {
    let Some(dir) = shared_sources() else { return };
    let m = Measures::embedded().unwrap();
    let missing: Vec<String> = m
        .all()
        .iter()
        .flat_map(|me| me.sources.iter().map(move |s| (me, s)))
        .filter(|(_, s)| !dir.join(s).exists())
        .map(|(me, s)| format!("{}: {s}", me.id))
        .collect();
    assert!(
        missing.is_empty(),
        "missing sources:\n{}",
        missing.join("\n")
    );
}

const COUNTRIES: &str = "countries:\n  KR: Korea\n  JP: Japan\ngroups:\n  EU: [JP]\n";
const STACKING: &str = "reporting_order: [ieepa_reciprocal]\n";

fn one(measure: &str) -> Result<Measures, MeasureError> {
    let text = format!("measures:\n{measure}");
    Measures::from_sources(&tariff_measures::Sources {
        measure_files: &[("t.yaml", &text)],
        list_files: &[],
        countries: COUNTRIES,
        stacking: STACKING,
        column2: None,
        fees: None,
    })
}

const GOOD: &str = r#"  - id: a
    authority: ieepa_reciprocal
    heading: "9903.01.25"
    description: d
    instrument: EO 14257
    citation: c
    effective: {from: 2025-04-05, until: 2025-08-07}
    countries: {only: [KR]}
    rate: {additional: {percent: "10", text: t}}
    group: reciprocal
    confidence: high
"#;

#[test]
fn a_good_measure_loads() {
    let m = one(GOOD).unwrap();
    assert_eq!(
        m.all()[0].heading,
        Some(HtsCode::parse("9903.01.25").unwrap())
    );
}

#[test]
fn bad_measures_are_named_errors() {
    let cases = [
        (GOOD.replace("citation: c", "citation: ''"), "citation"),
        (GOOD.replace("[KR]", "[XX]"), "unknown country"),
        (
            GOOD.replace("group: reciprocal", "group: reciprocal\n    colour: red"),
            "unknown field",
        ),
        (
            GOOD.replace("until: 2025-08-07", "until: 2025-04-01"),
            "empty interval",
        ),
        (GOOD.replace("id: a", "id: A b"), "kebab"),
        (
            GOOD.replace(
                "group: reciprocal",
                "group: reciprocal\n    excludes: [nope]",
            ),
            "no such measure",
        ),
        (
            format!("{GOOD}{}", GOOD.replace("id: a", "id: b")),
            "overlaps",
        ),
        (
            format!(
                "{GOOD}{}",
                GOOD.replace("id: a", "id: b").replace("[KR]", "[EU]")
            ),
            "",
        ),
    ];
    for (yaml, needle) in cases {
        let r = one(&yaml);
        if needle.is_empty() {
            assert!(r.is_ok(), "{r:?}");
        } else {
            let e = r.expect_err(needle).to_string();
            assert!(e.contains(needle), "{needle}: {e}");
        }
    }
}

#[test]
fn annex_ii_amendments_add_up_to_the_2026_list() {
    // EO 14257 Annex II as signed, plus the dated additions, less the dated removals, must be
    // the list printed in HTSUS 2026 Rev. 6 U.S. note 2(v)(iii)(a). The one known difference:
    // the third-party record dates the addition of 8505.11.00 where the note lists only the
    // statistical number 8505.11.00.70 (the legal text wins: the measures use the note's list
    // from 2025-11-13 on).
    let m = Measures::embedded().unwrap();
    let set = |name: &str| -> std::collections::BTreeSet<String> {
        m.lists()[name].codes.iter().cloned().collect()
    };
    let mut calc = set("annex-ii-2025-04-02");
    for add in [
        "annex-ii-added-2025-04-05",
        "annex-ii-added-2025-09-08",
        "annex-ii-added-2025-11-13",
    ] {
        calc.extend(set(add));
    }
    for rem in [
        "annex-ii-removed-2025-07-31",
        "annex-ii-removed-2025-09-07",
        "annex-ii-removed-2025-10-13",
    ] {
        for c in set(rem) {
            calc.remove(&c);
        }
    }
    let fin = set("annex-ii-2026-rev-6");
    let only_calc: Vec<&String> = calc.difference(&fin).collect();
    let only_final: Vec<&String> = fin.difference(&calc).collect();
    assert_eq!(only_calc, ["85051100"]);
    assert_eq!(only_final, ["8505110070"]);
    assert_eq!(fin.len(), 1082);
}
