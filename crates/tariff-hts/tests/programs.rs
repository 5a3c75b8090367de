//! The special-program table: it loads, covers every SPI code of the real schedule, and
//! answers eligibility questions as documented.

use jiff::civil::{Date, date};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use tariff_hts::program::{Countries, Eligibility, ProgramError, ProgramKind, Programs};

fn table() -> Programs {
    match Programs::embedded() {
        Ok(programs) => programs,
        Err(e) => panic!("embedded table does not load: {e}"),
    }
}

fn line(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

/// A typical 2025 special-column group.
fn korus_line() -> Vec<String> {
    line(&[
        "A+", "AU", "BH", "CL", "CO", "D", "E", "IL", "JO", "KR", "MA", "OM", "P", "PA", "PE", "S",
        "SG",
    ])
}

const MAY_2025: Date = date(2025, 5, 20);

#[test]
fn embedded_table_loads_and_validates() {
    let programs = table();
    assert!(programs.len() >= 33, "only {} programs", programs.len());
    for code in [
        "A", "A*", "A+", "KR", "S", "S+", "D", "NP", "C", "K", "L", "JP",
    ] {
        assert!(programs.get(code).is_some(), "{code} missing");
    }
    for program in programs.iter() {
        assert!(
            !program.citation.trim().is_empty(),
            "{} citation",
            program.code
        );
        if program.confidence != tariff_hts::program::Confidence::High {
            assert!(
                program.note.is_some(),
                "{} is not high confidence but has no note",
                program.code
            );
        }
    }
    let c = programs.get("C").map(|p| (&p.countries, p.kind));
    assert_eq!(c, Some((&Countries::Any, ProgramKind::ProductAgreement)));
}

/// The program codes inside the parentheses of one special-column text. Only innermost
/// groups whose every token looks like a code count, so `(see U.S. note 3 …)` and `3(e)` are
/// skipped; a leading `.` (the USITC typo `.OM`) is dropped.
fn codes_in(special: &str, out: &mut BTreeSet<String>) {
    let mut start = None;
    for (i, ch) in special.char_indices() {
        match ch {
            '(' => start = Some(i + 1),
            ')' => {
                if let Some(s) = start.take() {
                    let group = &special[s..i];
                    let tokens: Vec<&str> = group
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .map(|t| t.trim_start_matches('.'))
                        .filter(|t| !t.is_empty())
                        .collect();
                    let looks_like_codes = !tokens.is_empty()
                        && tokens.iter().all(|t| {
                            let base = t.strip_suffix(['*', '+']).unwrap_or(t);
                            (1..=2).contains(&base.len())
                                && base.bytes().all(|b| b.is_ascii_uppercase())
                        });
                    if looks_like_codes {
                        out.extend(tokens.iter().map(|t| (*t).to_owned()));
                    }
                }
            }
            _ => {}
        }
    }
}

#[derive(serde::Deserialize)]
struct Row {
    #[serde(default)]
    special: Option<String>,
}

#[test]
fn every_code_in_the_real_special_column_has_an_entry() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sources/usitc_hts_json"
    ));
    let Ok(entries) = std::fs::read_dir(dir) else {
        tariff_testkit::skip(module_path!(), "../shared not present");
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .json.gz files in {}", dir.display());
    let mut codes = BTreeSet::new();
    for file in &files {
        let raw = std::fs::read(file).expect("read HTS file");
        let mut json = String::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_string(&mut json)
            .expect("gunzip HTS file");
        let rows: Vec<Row> = serde_json::from_str(&json).expect("parse HTS JSON");
        for row in rows {
            if let Some(special) = row.special {
                codes_in(&special, &mut codes);
            }
        }
    }
    let programs = table();
    let missing: Vec<&String> = codes.iter().filter(|c| programs.get(c).is_none()).collect();
    assert!(
        missing.is_empty(),
        "codes in the special column without an entry: {missing:?} (found {codes:?})"
    );
    // The extraction itself found the programs we expect.
    for code in [
        "A", "A*", "A+", "KR", "S", "S+", "P+", "NP", "JP", "CA", "MX", "J*",
    ] {
        assert!(
            codes.contains(code),
            "{code} not found in the schedule: {codes:?}"
        );
    }
}

#[test]
fn extraction_handles_the_quirks() {
    let mut codes = BTreeSet::new();
    codes_in(
        "Free (AU,BH,CL,CO,IL,JO,KR,MA,.OM,P,PA,PE,S,SG) See 9919.04.67 (PA (PA) \
         A duty upon the value (see U.S. note 3 of this subchapter) (B,C,) See U.S. note 3(e)",
        &mut codes,
    );
    let expected: BTreeSet<String> = [
        "AU", "BH", "CL", "CO", "IL", "JO", "KR", "MA", "OM", "P", "PA", "PE", "S", "SG", "B", "C",
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect();
    assert_eq!(codes, expected);
}

#[test]
fn korus_for_korea_is_eligible() {
    let e = table().eligibility("KR", &korus_line(), "KR", MAY_2025);
    assert_eq!(
        e,
        Eligibility::Eligible {
            program: "KR".to_owned()
        }
    );
    assert!(e.is_eligible());
}

#[test]
fn korus_for_japan_is_not_a_beneficiary() {
    let e = table().eligibility("KR", &korus_line(), "JP", MAY_2025);
    assert!(
        matches!(&e, Eligibility::OriginNotBeneficiary { program, origin, .. }
            if program == "KR" && origin == "JP"),
        "{e:?}"
    );
    assert!(e.to_string().contains("JP"), "{e}");
}

#[test]
fn usmca_for_mexico_is_eligible() {
    let e = table().eligibility("S", &korus_line(), "MX", MAY_2025);
    assert_eq!(
        e,
        Eligibility::Eligible {
            program: "S".to_owned()
        }
    );
}

#[test]
fn gsp_is_not_in_force_in_2025_for_any_origin() {
    let programs = table();
    let gsp_line = line(&["A", "AU", "KR"]);
    for origin in ["IN", "BR", "KH", "ZZ", "KR"] {
        let e = programs.eligibility("A", &gsp_line, origin, MAY_2025);
        match &e {
            Eligibility::ProgramNotInForce { program, ended, .. } => {
                assert_eq!(program, "A");
                assert_eq!(*ended, Some(date(2021, 1, 1)));
            }
            other => panic!("{origin}: {other:?}"),
        }
        assert!(e.to_string().contains("2020-12-31"), "{e}");
    }
    // Also on A+ and A* lines.
    for variant in ["A+", "A*"] {
        let e = programs.eligibility("A", &line(&[variant, "KR"]), "KH", MAY_2025);
        assert!(
            matches!(e, Eligibility::ProgramNotInForce { .. }),
            "{variant}: {e:?}"
        );
    }
    // GSP was in force in 2019: A on an A* line is eligible (exclusions not checked), and A on
    // an A+ line only for a least-developed beneficiary.
    let in_2019 = date(2019, 6, 1);
    let e = programs.eligibility("A", &line(&["A*", "KR"]), "BR", in_2019);
    assert_eq!(
        e,
        Eligibility::Eligible {
            program: "A*".to_owned()
        }
    );
    assert!(e.to_string().contains("excluded"), "{e}");
    let e = programs.eligibility("A", &line(&["A+"]), "KH", in_2019);
    assert!(e.is_eligible(), "{e:?}");
    let e = programs.eligibility("A", &line(&["A+"]), "BR", in_2019);
    assert!(
        matches!(&e, Eligibility::OriginNotBeneficiary { program, .. } if program == "A+"),
        "{e:?}"
    );
}

#[test]
fn starred_and_plus_variants_match_their_base() {
    let programs = table();
    let e = programs.eligibility("S", &line(&["S+"]), "CA", MAY_2025);
    assert_eq!(
        e,
        Eligibility::Eligible {
            program: "S+".to_owned()
        }
    );
    let e = programs.eligibility("E", &line(&["E*", "KR"]), "JM", MAY_2025);
    assert!(e.is_eligible(), "{e:?}");
    let e = programs.eligibility("P", &line(&["P", "P+"]), "CR", MAY_2025);
    assert_eq!(
        e,
        Eligibility::Eligible {
            program: "P".to_owned()
        }
    );
}

#[test]
fn korus_on_a_line_without_korus_is_not_on_line() {
    let e = table().eligibility("KR", &line(&["A", "AU", "S"]), "KR", MAY_2025);
    assert!(
        matches!(&e, Eligibility::NotOnLine { claimed, .. } if claimed == "KR"),
        "{e:?}"
    );
    let e = table().eligibility("KR", &[], "KR", MAY_2025);
    assert!(matches!(e, Eligibility::NotOnLine { .. }), "{e:?}");
}

#[test]
fn unknown_code_is_unknown() {
    let e = table().eligibility("ZQ", &line(&["ZQ", "KR"]), "KR", MAY_2025);
    assert_eq!(
        e,
        Eligibility::UnknownProgram {
            claimed: "ZQ".to_owned()
        }
    );
    assert!(!e.to_string().is_empty());
}

#[test]
fn agoa_nepal_and_nafta_dates() {
    let programs = table();
    // AGOA: extended through 2026-12-31, retroactive to the 2025-09-30 lapse.
    let e = programs.eligibility("D", &line(&["D"]), "KE", date(2025, 11, 15));
    assert!(e.is_eligible(), "{e:?}");
    let e = programs.eligibility("D", &line(&["D"]), "KE", date(2027, 1, 1));
    assert!(matches!(e, Eligibility::ProgramNotInForce { .. }), "{e:?}");
    // Nepal: expired after 2025-12-31.
    let e = programs.eligibility("NP", &line(&["NP"]), "NP", date(2025, 12, 31));
    assert!(e.is_eligible(), "{e:?}");
    let e = programs.eligibility("NP", &line(&["NP"]), "NP", date(2026, 1, 1));
    assert!(matches!(e, Eligibility::ProgramNotInForce { .. }), "{e:?}");
    // NAFTA codes survive on Chapter 99 lines but ended with USMCA.
    let e = programs.eligibility("MX", &line(&["CA", "IL", "MX"]), "MX", MAY_2025);
    assert!(matches!(e, Eligibility::ProgramNotInForce { .. }), "{e:?}");
    // Product programs ignore origin.
    let e = programs.eligibility("C", &line(&["B", "C"]), "FR", MAY_2025);
    assert!(e.is_eligible(), "{e:?}");
    // Input is normalized: lower case, spaces, the `.OM` typo.
    let e = programs.eligibility(" om ", &line(&[".OM"]), "om", MAY_2025);
    assert!(e.is_eligible(), "{e:?}");
}

const GOOD_ENTRY: &str = r#"
- code: KR
  name: KORUS
  general_note: General Note 33
  authority: Pub. L. 112-41
  kind: free_trade_agreement
  countries: [KR]
  effective:
    - {from: 2012-03-15, until: null}
  citation: HTSUS General Note 33
  confidence: high
"#;

#[test]
fn a_minimal_table_round_trips() {
    let programs = Programs::from_yaml(GOOD_ENTRY).expect("valid");
    assert_eq!(programs.len(), 1);
    let program = programs.get("KR").expect("KR");
    let yaml = serde_yaml_ng::to_string(&vec![program.clone()]).expect("serialize");
    let again = Programs::from_yaml(&yaml).expect("reparse");
    assert_eq!(again.get("KR"), Some(program));
    let json = serde_json::to_string(&program.countries).expect("json");
    assert_eq!(json, r#"["KR"]"#);
}

#[test]
fn duplicate_code_is_rejected() {
    let text = format!("{GOOD_ENTRY}{}", GOOD_ENTRY.trim_start_matches('\n'));
    assert_eq!(
        Programs::from_yaml(&text).err(),
        Some(ProgramError::DuplicateCode {
            code: "KR".to_owned()
        })
    );
}

#[test]
fn overlapping_intervals_are_rejected() {
    let text = GOOD_ENTRY.replace(
        "    - {from: 2012-03-15, until: null}",
        "    - {from: 2012-03-15, until: 2020-01-01}\n    - {from: 2019-06-01, until: null}",
    );
    let err = Programs::from_yaml(&text).err();
    assert!(
        matches!(&err, Some(ProgramError::OverlappingIntervals { code, .. }) if code == "KR"),
        "{err:?}"
    );
    // An open interval followed by a later one also overlaps.
    let text = GOOD_ENTRY.replace(
        "    - {from: 2012-03-15, until: null}",
        "    - {from: 2012-03-15, until: null}\n    - {from: 2019-06-01, until: 2020-01-01}",
    );
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::OverlappingIntervals { .. })
    ));
    // Touching intervals do not overlap.
    let text = GOOD_ENTRY.replace(
        "    - {from: 2012-03-15, until: null}",
        "    - {from: 2012-03-15, until: 2020-01-01}\n    - {from: 2020-01-01, until: null}",
    );
    assert!(Programs::from_yaml(&text).is_ok());
}

#[test]
fn empty_interval_is_rejected() {
    let text = GOOD_ENTRY.replace("until: null", "until: 2012-03-15");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::EmptyInterval { .. })
    ));
}

#[test]
fn bad_country_code_is_rejected() {
    for bad in ["Kr", "KOR", "K1", "", "kr"] {
        let text = GOOD_ENTRY.replace("countries: [KR]", &format!("countries: [\"{bad}\"]"));
        let err = Programs::from_yaml(&text).err();
        assert_eq!(
            err,
            Some(ProgramError::BadCountry {
                code: "KR".to_owned(),
                field: "countries",
                value: bad.to_owned(),
            }),
            "{bad:?}"
        );
    }
    let text = GOOD_ENTRY.replace("countries: [KR]", "countries: [KR, KR]");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::DuplicateCountry { .. })
    ));
    let text = GOOD_ENTRY.replace("countries: [KR]", "countries: all");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::Yaml { .. })
    ));
    let text = GOOD_ENTRY.replace("countries: [KR]", "countries: []");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::NoCountries { .. })
    ));
}

#[test]
fn empty_citation_and_bad_code_are_rejected() {
    let text = GOOD_ENTRY.replace("citation: HTSUS General Note 33", "citation: \" \"");
    assert_eq!(
        Programs::from_yaml(&text).err(),
        Some(ProgramError::EmptyField {
            code: "KR".to_owned(),
            field: "citation"
        })
    );
    let text = GOOD_ENTRY.replace("code: KR", "code: KRX");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::BadCode { .. })
    ));
    assert!(matches!(
        Programs::from_yaml("- code: [unclosed"),
        Err(ProgramError::Yaml { .. })
    ));
    let text = GOOD_ENTRY.replace("confidence: high", "confidence: high\n  typo_field: 1");
    assert!(matches!(
        Programs::from_yaml(&text),
        Err(ProgramError::Yaml { .. })
    ));
}
