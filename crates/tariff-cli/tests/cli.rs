//! The `tariff` binary as a user runs it: real process, real embedded dataset.

use std::process::{Command, Output};

fn tariff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tariff"))
        .args(args)
        .output()
        .expect("run tariff")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = tariff(args);
    assert!(o.status.success(), "tariff {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

#[test]
fn hts_8703_23_01_on_2025_05_20() {
    let v = json(&["hts", "8703.23.01", "--date", "2025-05-20", "--json"]);
    assert_eq!(v["code"], "8703.23.01");
    assert_eq!(v["general"]["text"], "2.5%");
    assert_eq!(v["general"]["normalized"], "2.5%");
    let parsed = v["general"]["parsed"].to_string();
    assert!(parsed.contains("2.5"), "parsed general rate: {parsed}");
    assert!(v["special"]["text"].as_str().unwrap().contains("KR"));
    assert!(!v["footnotes"].as_array().unwrap().is_empty());
    assert!(
        v["chapter99_references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "9903.88.01")
    );
    for key in [
        "description",
        "other",
        "revision",
        "effective_from",
        "ancestors",
        "units",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["revision"], "2025_rev_15");
}

#[test]
fn hts_reciprocal_baseline_heading() {
    let o = tariff(&["hts", "9903.01.25", "--date", "2025-04-10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("The duty provided in the applicable subheading + 10%"),
        "{out}"
    );
    assert!(out.contains("2025_rev_10"), "{out}");
}

#[test]
fn hts_history_of_6109_10_00() {
    let o = tariff(&["hts", "6109.10.00", "--history"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("history of 6109.10.00"), "{out}");
    assert!(out.contains("2025-01-01"), "{out}");
    let v = json(&["hts", "6109.10.00", "--history", "--json"]);
    assert_eq!(v["changes"][0]["field"], "added");
}

#[test]
fn history_lists_field_changes() {
    let v = json(&["hts", "9903.01.25", "--history", "--json"]);
    let changes = v["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "description" && c["revision"].is_string())
    );
}

#[test]
fn unknown_code_names_the_nearest() {
    let o = tariff(&["hts", "8703.23.02", "--date", "2025-05-20"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("8703.23.02") && err.contains("8703.23.01"),
        "{err}"
    );
}

#[test]
fn date_outside_the_dataset_says_the_range() {
    let o = tariff(&["hts", "8703.23.01", "--date", "2024-06-01"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("outside the dataset") && err.contains("2025-01-01"),
        "{err}"
    );
}

#[test]
fn bad_inputs_are_clear_errors() {
    for (args, needle) in [
        (vec!["hts", "87x3"], "invalid character"),
        (vec!["hts", "8703.2"], "2, 4, 6, 8 or 10 digits"),
        (vec!["hts", "8703", "--date", "2025-13-01"], "not a date"),
    ] {
        let o = tariff(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn no_date_says_which_date_it_used() {
    let o = tariff(&["hts", "8703.23.01"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("no --date given"), "{}", stderr(&o));
}

#[test]
fn search_json() {
    let v = json(&[
        "search",
        "passenger",
        "motor",
        "vehicles",
        "spark",
        "ignition",
        "--date",
        "2025-05-20",
        "--json",
    ]);
    let hits = v["hits"].as_array().unwrap();
    assert!(
        hits.iter()
            .any(|h| h["code"].as_str().unwrap().starts_with("8703.2")),
        "{v}"
    );
}

#[test]
fn revisions_and_info() {
    let v = json(&["revisions", "--json"]);
    let revs = v.as_array().unwrap();
    assert_eq!(revs.len(), 43);
    assert_eq!(revs[0]["id"], "2025_basic");
    let info = json(&["data", "info", "--json"]);
    let inputs = info["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 45, "44 exports + revision dates");
    assert!(
        inputs
            .iter()
            .all(|i| i["sha256"].as_str().unwrap().len() == 64)
    );
}

#[test]
fn special_program_claims() {
    let kr = json(&[
        "hts",
        "8703.23.01",
        "--date",
        "2025-05-20",
        "--spi",
        "KR",
        "--origin",
        "KR",
        "--json",
    ]);
    assert_eq!(kr["eligible"], true);
    assert_eq!(kr["rate"], "Free");
    let jp = json(&[
        "hts",
        "8703.23.01",
        "--date",
        "2025-05-20",
        "--spi",
        "KR",
        "--origin",
        "JP",
        "--json",
    ]);
    assert_eq!(jp["eligible"], false);
    assert!(jp["reason"].as_str().unwrap().contains("JP"));
    let gsp = json(&[
        "hts",
        "8703.23.01",
        "--date",
        "2025-05-20",
        "--spi",
        "A",
        "--origin",
        "IN",
        "--json",
    ]);
    assert_eq!(gsp["eligible"], false);
    assert!(
        gsp["reason"].as_str().unwrap().contains("not in force"),
        "{gsp}"
    );
    let o = tariff(&["hts", "8703.23.01", "--spi", "KR", "--origin", "Korea"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ISO 3166"), "{}", stderr(&o));
}

#[test]
fn quote_json_has_the_documented_keys() {
    let v = json(&[
        "quote",
        "--hts",
        "6109.10.00.04",
        "--origin",
        "VN",
        "--date",
        "2025-01-15",
        "--value",
        "10000",
        "--json",
    ]);
    assert_eq!(v["total_duty"], "1650.00");
    for key in [
        "total_duty",
        "effective_rate",
        "lines",
        "fees",
        "warnings",
        "ieepa_duty",
        "revision",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let line = &v["lines"][0];
    for key in [
        "heading",
        "authority",
        "rate",
        "basis_value",
        "amount",
        "citation",
    ] {
        assert!(line.get(key).is_some(), "missing lines[].{key}: {line}");
    }
}

#[test]
fn dates_after_the_horizons_are_quoted_with_warnings() {
    // HTS 2026 Rev. 10 answers; the warnings name it and the law's horizon.
    let q = json(&[
        "quote",
        "--hts",
        "6109.10.00.04",
        "--origin",
        "VN",
        "--date",
        "2030-01-15",
        "--value",
        "1000",
        "--json",
    ]);
    assert_eq!(q["revision"], "2026_rev_10");
    let warnings: Vec<&str> = q["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("after the schedule's horizon: HTS 2026 Revision 10")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("after the law's horizon") && w.contains("2026-08-21")),
        "{warnings:?}"
    );
    // Without --date, today's date is used and said.
    let o = tariff(&[
        "quote",
        "--hts",
        "6109.10.00.04",
        "--origin",
        "VN",
        "--value",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("using today's date"), "{}", stderr(&o));
    // Both horizons in data info.
    let info = json(&["data", "info", "--json"]);
    assert_eq!(info["covered_through"], "2026-06-29");
    assert_eq!(info["law_known_through"], "2026-08-21");
}

#[test]
fn quote_compare_origins_and_dates() {
    let rows = json(&[
        "quote",
        "--hts",
        "6109.10.00.04",
        "--date",
        "2025-01-15",
        "--value",
        "10000",
        "--compare-origins",
        "VN,KR,RU",
        "--spi",
        "KR",
        "--json",
    ]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["total_duty"], "0.00", "KORUS for Korea");
    let periods = json(&[
        "quote",
        "--hts",
        "6109.10.00.04",
        "--origin",
        "VN",
        "--dates",
        "2025-01-01..2025-01-31",
        "--value",
        "10000",
        "--json",
    ]);
    assert!(!periods.as_array().unwrap().is_empty());
}

#[test]
fn quote_bad_inputs_name_the_field() {
    for (args, needle) in [
        (
            vec!["--origin", "ZZ", "--date", "2025-01-15", "--value", "1"],
            "origin",
        ),
        (
            vec!["--origin", "VN", "--date", "2025-01-15", "--value", "abc"],
            "--value",
        ),
        (
            vec!["--origin", "VN", "--date", "2024-12-31", "--value", "1"],
            "entry_date",
        ),
        (
            vec![
                "--origin",
                "VN",
                "--date",
                "2030-01-15",
                "--value",
                "1",
                "--strict-dates",
            ],
            "schedule's horizon",
        ),
        (
            vec!["--origin", "VN", "--date", "2025-01-15", "--value", "-5"],
            "value",
        ),
        (
            vec![
                "--origin",
                "VN",
                "--date",
                "2025-01-15",
                "--value",
                "79228162514264337593543950335",
            ],
            "value: 79228162514264337593543950335 is larger than the limit",
        ),
    ] {
        let mut full = vec!["quote", "--hts", "6109.10.00.04"];
        full.extend(args.iter());
        let o = tariff(&full);
        assert_eq!(o.status.code(), Some(1), "{full:?}");
        assert!(stderr(&o).contains(needle), "{full:?}: {}", stderr(&o));
    }
}

#[test]
fn measures_coverage_has_no_gap() {
    let v = json(&["measures", "--coverage", "--json"]);
    let headings = v["headings"].as_array().unwrap();
    assert!(headings.len() >= 743, "{}", headings.len());
    assert!(headings.iter().all(|h| h["status"] != "gap"));
    let h = headings
        .iter()
        .find(|h| h["heading"] == "9903.17.01")
        .unwrap();
    assert_eq!(h["status"], "not_modeled");
    assert_eq!(h["kind"], "quota");
}

#[test]
fn measures_stacking_rule_table() {
    let v = json(&["measures", "--stacking", "--json"]);
    let rules = v["rules"].as_array().unwrap();
    // Section 232 copper takes its basis out of the reciprocal duty and declares 9903.01.33
    // (Proclamation 10962; HTSUS note 2(v)).
    assert!(rules.iter().any(|r| {
        r["group"] == "s232-copper"
            && r["target_group"] == "reciprocal"
            && r["rule"] == "carves its basis out of"
            && r["declares"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "9903.01.33")
    }));
    // Section 301 on China stacks on everything: only its own 2024 increases replace the list
    // duty. (The 2026 forced-labor duties do not apply to Section 232 goods: note 52(f).)
    assert!(rules.iter().all(|r| {
        !r["target_group"]
            .as_str()
            .unwrap_or("")
            .starts_with("s301-cn")
            || r["group"].as_str().unwrap_or("").starts_with("s301")
    }));
    assert!(rules.iter().any(|r| {
        r["target_group"] == "s301-forced-labor"
            && r["group"].as_str().unwrap_or("").starts_with("s232")
    }));
    assert!(rules.iter().any(|r| r["group"] == "s301-cn-review"
        && r["target_group"] == "s301-cn-lists"
        && r["rule"] == "switches off"));
}

#[test]
fn a_missing_file_is_said_once() {
    // Issue 17, point 7: the error used to repeat "No such file or directory".
    for args in [
        vec!["batch", "-i", "/nonexistent/in.csv", "-o", "-"],
        vec!["simulate", "--scenario", "/nonexistent/s.yaml"],
    ] {
        let o = tariff(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.matches("No such file").count(), 1, "{args:?}: {err}");
        assert!(err.contains("/nonexistent/"), "{err}");
    }
}
