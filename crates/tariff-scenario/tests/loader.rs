//! Bad scenario files get a clear error with file and line; good ones load.

use tariff_measures::Measures;
use tariff_scenario::{Scenario, ScenarioError};

fn measures() -> &'static Measures {
    static M: std::sync::OnceLock<Measures> = std::sync::OnceLock::new();
    M.get_or_init(|| Measures::embedded().unwrap())
}

const GOOD: &str = r#"name: test
description: Korea at 25% from the end of the pause
date: 2025-12-01
partner: KR
sources:
  - whitehouse_presidential_actions/presidential-actions/2025-07-31-further-modifying-the-reciprocal-tariff-rates.md
us_measures:
  - area: trade_imbalances
    override: ieepa-reciprocal-annex1-54-25
    set:
      effective: {from: 2025-07-09, until: 2026-02-24}
  - area: trade_imbalances
    remove: ieepa-reciprocal-eo14326-kr-15
  - area: trade_imbalances
    remove: ieepa-reciprocal-kr-floor-15
  - area: trade_imbalances
    remove: ieepa-reciprocal-kr-at-or-above-15
commitments:
  - area: commercial_considerations
    partner: KR
    kind: purchase
    description: energy
    sector: energy
    total: "100000000000"
    years: 4
    sources: [a source]
"#;

/// Parses `text` and returns `(line, message)` of the error.
fn error(text: &str) -> (usize, String) {
    match Scenario::parse("bad.yaml", text, measures()) {
        Err(ScenarioError::At {
            file,
            line,
            message,
        }) => {
            assert_eq!(file, "bad.yaml");
            (line, message)
        }
        Err(e) => panic!("expected a located error, got {e}"),
        Ok(_) => panic!("expected an error"),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn good_file_loads_with_its_changes_by_area() {
    let l = Scenario::parse("good.yaml", GOOD, measures()).unwrap();
    assert_eq!(l.changes.len(), 1);
    let c = l.all_changes();
    assert_eq!(c.replace.len(), 1);
    assert_eq!(c.remove.len(), 3);
    let m = &c.replace[0];
    assert_eq!(m.effective.from, jiff::civil::date(2025, 7, 9));
    // Only the dates changed: the rate is the embedded one.
    assert_eq!(
        m.rate,
        measures()
            .get("ieepa-reciprocal-annex1-54-25")
            .unwrap()
            .rate
    );
    assert_eq!(
        l.scenario.commitments[0].annual(),
        "25000000000".parse().unwrap()
    );
}

#[test]
fn unknown_measure_id_is_located() {
    let bad = GOOD.replace(
        "remove: ieepa-reciprocal-eo14326-kr-15",
        "remove: ieepa-reciprocal-kr-99",
    );
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "ieepa-reciprocal-kr-99"), "{msg}");
    assert!(
        msg.contains("unknown measure id") && msg.contains("ieepa-reciprocal-kr-99"),
        "{msg}"
    );
    let bad = GOOD.replace("override: ieepa-reciprocal-annex1-54-25", "override: nope");
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "override: nope"), "{msg}");
}

#[test]
fn overlapping_dates_are_located() {
    // Keeping the EO 14326 Korea measure while the 25% covers the same dates is not an
    // overlap of one heading (they are different headings), but two 9903.01.54 measures are.
    let bad = GOOD.replace(
        "  - area: trade_imbalances\n    remove: ieepa-reciprocal-eo14326-kr-15\n",
        "  - area: trade_imbalances\n    remove: ieepa-reciprocal-eo14326-kr-15\n  - area: economic_security\n    add:\n      id: kr-25-again\n      authority: ieepa_reciprocal\n      heading: \"9903.01.54\"\n      description: Korea 25% again\n      instrument: test\n      citation: test\n      effective: {from: 2025-08-01, until: 2025-09-01}\n      countries: {only: [KR]}\n      rate:\n        additional: {percent: \"25\", text: \"+ 25%\"}\n      group: reciprocal\n      confidence: low\n",
    );
    let (line, msg) = error(&bad);
    assert!(msg.contains("overlap"), "{msg}");
    let l = line;
    assert!(
        l == line_of(&bad, "override: ieepa-reciprocal-annex1-54-25") - 1
            || l == line_of(&bad, "id: kr-25-again") - 2,
        "line {l}: {msg}"
    );
    let bad = GOOD.replace(
        "date: 2025-12-01",
        "dates: {from: 2025-12-01, until: 2025-11-01}",
    );
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "dates:"));
    assert!(msg.contains("not before"), "{msg}");
}

#[test]
fn unknown_country_is_located() {
    let bad = GOOD.replace("    partner: KR", "    partner: XX");
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "partner: XX"));
    assert!(msg.contains("unknown country \"XX\""), "{msg}");
    let bad = GOOD.replace("partner: KR\nsources", "partner: ZZ\nsources");
    let (line, _) = error(&bad);
    assert_eq!(line, line_of(&bad, "partner: ZZ"));
}

#[test]
fn missing_source_is_located() {
    let bad = GOOD.replace("    sources: [a source]\n", "");
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "- area: commercial_considerations"));
    assert!(msg.contains("missing source"), "{msg}");
    let i = GOOD.find("sources:\n").unwrap();
    let j = GOOD.find("us_measures:").unwrap();
    let bad = format!("{}{}", &GOOD[..i], &GOOD[j..]);
    let (_, msg) = error(&bad);
    assert!(msg.contains("missing source"), "{msg}");
}

#[test]
fn syntax_and_unknown_fields_carry_the_parser_line() {
    let bad = GOOD.replace(
        "    remove: ieepa-reciprocal-kr-floor-15",
        "    remvoe: ieepa-reciprocal-kr-floor-15",
    );
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "remvoe"), "{msg}");
    assert!(msg.contains("unknown field"), "{msg}");
    let bad = GOOD.replace("date: 2025-12-01", "date: 2025-13-01");
    let (line, _) = error(&bad);
    assert_eq!(line, 3);
    let bad = GOOD.replace("      effective: {from", "      effective: [from");
    let (line, _) = error(&bad);
    assert!(line >= 9, "{line}");
}

#[test]
fn a_change_names_exactly_one_thing() {
    let bad = GOOD.replace(
        "    remove: ieepa-reciprocal-kr-floor-15",
        "    remove: ieepa-reciprocal-kr-floor-15\n    override: ieepa-reciprocal-kr-at-or-above-15",
    );
    let (line, msg) = error(&bad);
    assert_eq!(
        line,
        line_of(&bad, "remove: ieepa-reciprocal-kr-floor-15") - 1
    );
    assert!(msg.contains("exactly one"), "{msg}");
    let bad = GOOD.replace(
        "remove: ieepa-reciprocal-kr-at-or-above-15",
        "remove: ieepa-reciprocal-kr-floor-15",
    );
    let (_, msg) = error(&bad);
    assert!(msg.contains("changed twice"), "{msg}");
}

#[test]
fn set_is_checked_against_the_measure_schema() {
    let bad = GOOD.replace(
        "      effective: {from: 2025-07-09, until: 2026-02-24}",
        "      rate: {additional: {percnt: \"25\"}}",
    );
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "set:"));
    assert!(msg.contains("percnt"), "{msg}");
}

#[test]
fn every_shipped_scenario_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            Scenario::load(&p, measures()).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 5, "{n} scenarios");
}

/// Every file a shipped scenario cites is in `../shared` (sources, or the research map for
/// secondary figures); URLs are left alone.
#[test]
fn cited_files_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared");
    if !shared.is_dir() {
        tariff_testkit::skip(module_path!(), "../shared is absent");
        return;
    }
    let mut n = 0;
    for e in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let l = Scenario::load(&p, measures()).unwrap();
        let s = &l.scenario;
        let all = s
            .sources
            .iter()
            .chain(s.commitments.iter().flat_map(|c| &c.sources))
            .chain(s.partner_measures.iter().flat_map(|m| &m.sources));
        for src in all {
            if src.starts_with("URL ") {
                continue;
            }
            let path = src.split_whitespace().next().unwrap();
            let found = shared.join("sources").join(path).is_file() || shared.join(path).is_file();
            assert!(found, "{}: {path} not in ../shared", p.display());
            n += 1;
        }
    }
    assert!(n > 10, "{n}");
}

#[test]
fn absurd_figures_are_refused_not_overflowed() {
    let bad = GOOD.replace("total: \"100000000000\"", "total: \"1e27\"");
    assert!(Scenario::parse("bad.yaml", &bad, measures()).is_err());
    let bad = GOOD.replace(
        "total: \"100000000000\"",
        "total: \"100000000000000000000000\"",
    );
    let (line, msg) = error(&bad);
    assert_eq!(line, line_of(&bad, "- area: commercial_considerations"));
    assert!(msg.contains("between 0 and"), "{msg}");
    let bad = GOOD.replace(
        "      effective: {from: 2025-07-09, until: 2026-02-24}",
        "      rate: {additional: {percent: \"1e20\", text: \"+ a lot\"}}",
    );
    assert!(Scenario::parse("bad.yaml", &bad, measures()).is_err());
    let bad = GOOD.replace(
        "      effective: {from: 2025-07-09, until: 2026-02-24}",
        "      rate: {additional: {percent: \"5000\", text: \"+ 5000%\"}}",
    );
    let (line, msg) = error(&bad);
    assert_eq!(
        line,
        line_of(&bad, "override: ieepa-reciprocal-annex1-54-25") - 1
    );
    assert!(msg.contains("rate must be between"), "{msg}");
}
