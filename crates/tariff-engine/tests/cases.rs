//! Legal cases as data: every `tests/cases/*.yaml` file holds entry lines with the stack,
//! total and warnings expected, and a comment with the arithmetic and the source.

use rust_decimal::Decimal;
use serde::Deserialize;
use tariff_engine::{Engine, Entry};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The arithmetic and the source.
    #[allow(dead_code)]
    comment: String,
    entry: Entry,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    total_duty: Option<Decimal>,
    /// The duty lines, in order (all of them).
    #[serde(default)]
    lines: Option<Vec<ExpectLine>>,
    #[serde(default)]
    ieepa_duty: Option<Decimal>,
    #[serde(default)]
    fees_total: Option<Decimal>,
    #[serde(default)]
    warnings_contain: Vec<String>,
    /// For a case that must be refused: the field named in the error.
    #[serde(default)]
    error_field: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectLine {
    heading: String,
    authority: String,
    amount: Decimal,
    #[serde(default)]
    basis_value: Option<Decimal>,
}

#[test]
fn legal_cases() {
    let engine = Engine::embedded().expect("embedded data loads");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut run, mut failures) = (0, Vec::new());
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let file: CaseFile =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in file.cases {
            run += 1;
            let name = format!(
                "{}: {}",
                path.file_name().unwrap().to_string_lossy(),
                case.name
            );
            let result = engine.quote(&case.entry);
            if let Some(field) = &case.expect.error_field {
                match result {
                    Err(err) if err.field().name() == field => {}
                    other => failures.push(format!(
                        "{name}: expected an error on {field}, got {other:?}"
                    )),
                }
                continue;
            }
            let q = match result {
                Ok(q) => q,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let got: Vec<String> = q
                .lines
                .iter()
                .map(|l| {
                    format!(
                        "{} {} {} on {}",
                        l.heading, l.authority, l.amount, l.basis_value
                    )
                })
                .collect();
            if let Some(t) = case.expect.total_duty
                && q.total_duty != t
            {
                failures.push(format!(
                    "{name}: total {} != expected {t}; lines {got:?}",
                    q.total_duty
                ));
            }
            if let Some(t) = case.expect.ieepa_duty
                && q.ieepa_duty != t
            {
                failures.push(format!(
                    "{name}: IEEPA part {} != expected {t}",
                    q.ieepa_duty
                ));
            }
            if let Some(t) = case.expect.fees_total
                && q.fees.total != t
            {
                failures.push(format!(
                    "{name}: fees {} != expected {t}: {:?}",
                    q.fees.total, q.fees.lines
                ));
            }
            if let Some(lines) = &case.expect.lines {
                let want: Vec<(String, String, Decimal)> = lines
                    .iter()
                    .map(|l| (l.heading.clone(), l.authority.clone(), l.amount))
                    .collect();
                let have: Vec<(String, String, Decimal)> = q
                    .lines
                    .iter()
                    .map(|l| (l.heading.clone(), l.authority.clone(), l.amount))
                    .collect();
                if want != have {
                    failures.push(format!(
                        "{name}: lines differ\n  want {want:?}\n  have {got:?}"
                    ));
                }
                for (w, h) in lines.iter().zip(&q.lines) {
                    if let Some(b) = w.basis_value
                        && b != h.basis_value
                    {
                        failures.push(format!(
                            "{name}: {} basis {} != expected {b}",
                            h.heading, h.basis_value
                        ));
                    }
                }
            }
            for w in &case.expect.warnings_contain {
                if !q.warnings.iter().any(|x| x.text.contains(w.as_str())) {
                    failures.push(format!(
                        "{name}: no warning containing {w:?} in {:?}",
                        q.warnings
                    ));
                }
            }
            for w in &q.warnings {
                if let Some(why) = code_disagrees(w) {
                    failures.push(format!("{name}: warning {:?} {why}: {}", w.code, w.text));
                }
            }
            for l in &q.lines {
                if l.citation.trim().is_empty() {
                    failures.push(format!("{name}: line {} has no citation", l.heading));
                }
            }
        }
    }
    eprintln!("{run} legal cases run, {} failed", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(run > 0);
}

/// Whether a warning's code disagrees with what its text says (the codes are what programs
/// test; the texts are what people read, and what the tools read before the codes).
fn code_disagrees(w: &tariff_engine::Warning) -> Option<&'static str> {
    use tariff_engine::WarningCode as C;
    let t = w.text.as_str();
    let says = [
        (
            C::AfterScheduleHorizon,
            t.starts_with("after the schedule's horizon"),
        ),
        (C::AfterLawHorizon, t.starts_with("after the law's horizon")),
        (
            C::SpiNotApplied,
            t.starts_with("SPI ") && t.contains(" not applied"),
        ),
        (
            C::BetterClaim,
            t.starts_with("SPI ") && t.contains("would remove"),
        ),
        (
            C::ContentAssumed,
            t.contains("content, which was not given"),
        ),
        (C::LoadingDateMissing, t.contains("no loading date given")),
        (
            C::MetalWeightMissing,
            t.contains("no metal_weight_percent given"),
        ),
        (
            C::FeeRateMissing,
            t.starts_with("no MPF rate") || t.starts_with("no HMF rate"),
        ),
        (C::ModeMissing, t.starts_with("no mode of transport")),
        (
            C::NoAdValoremEquivalent,
            t.contains("no ad valorem equivalent"),
        ),
        (C::StatisticalSplit, t.contains("is an 8-digit subheading")),
        (
            C::Chapter98FieldsIgnored,
            t.contains("apply only to an entry claimed under a Chapter 98"),
        ),
    ];
    if w.code.is_incomplete() != t.starts_with("incomplete:") {
        return Some("and its text disagree on being incomplete");
    }
    for (code, text_says) in says {
        if (w.code == code) != text_says {
            return Some("and its text disagree");
        }
    }
    None
}
