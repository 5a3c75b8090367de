//! Legal cases as data: every `tests/cases/*.yaml` file holds entry lines with the stack,
//! total and warnings expected, and a comment with the arithmetic and the source. Each case is
//! its own test, named `file::case` (`cargo test -p tariff-engine --test cases --
//! section-232-autos::korea-car-may`), run by a libtest-compatible harness.

/// The one reader of the legal cases.
#[path = "support/cases.rs"]
mod cases;

use cases::{Case, read_cases};
use libtest_mimic::{Arguments, Failed, Trial};
use rust_decimal::Decimal;
use std::sync::OnceLock;
use tariff_engine::Engine;

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let trials = read_cases()
        .into_iter()
        .map(|case| Trial::test(case.id(), move || check(&case)))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().expect("embedded data loads"))
}

/// One case: the quote (or the refusal) the law gives, every line cited, every warning's code
/// agreeing with its text.
fn check(case: &Case) -> Result<(), Failed> {
    let result = engine().quote(&case.entry);
    let mut failures: Vec<String> = Vec::new();
    if let Some(field) = &case.expect.error_field {
        return match result {
            Err(err) if err.field().name() == field => Ok(()),
            other => Err(format!("expected an error on {field}, got {other:?}").into()),
        };
    }
    let q = result.map_err(|e| e.to_string())?;
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
            "total {} != expected {t}; lines {got:?}",
            q.total_duty
        ));
    }
    if let Some(t) = case.expect.ieepa_duty
        && q.ieepa_duty != t
    {
        failures.push(format!("IEEPA part {} != expected {t}", q.ieepa_duty));
    }
    if let Some(t) = case.expect.fees_total
        && q.fees.total != t
    {
        failures.push(format!(
            "fees {} != expected {t}: {:?}",
            q.fees.total, q.fees.lines
        ));
    }
    if let Some(lines) = &case.expect.lines {
        let want: Vec<(&str, &str, Decimal)> = lines
            .iter()
            .map(|l| (l.heading.as_str(), l.authority.as_str(), l.amount))
            .collect();
        let have: Vec<(&str, &str, Decimal)> = q
            .lines
            .iter()
            .map(|l| (l.heading.as_str(), l.authority.name(), l.amount))
            .collect();
        if want != have {
            failures.push(format!("lines differ\n  want {want:?}\n  have {got:?}"));
        }
        for (w, h) in lines.iter().zip(&q.lines) {
            if let Some(b) = w.basis_value
                && b != h.basis_value
            {
                failures.push(format!(
                    "{} basis {} != expected {b}",
                    h.heading, h.basis_value
                ));
            }
        }
    }
    for w in &case.expect.warnings_contain {
        if !q.warnings.iter().any(|x| x.text.contains(w.as_str())) {
            failures.push(format!("no warning containing {w:?} in {:?}", q.warnings));
        }
    }
    for w in &q.warnings {
        if let Some(why) = code_disagrees(w) {
            failures.push(format!("warning {:?} {why}: {}", w.code, w.text));
        }
    }
    for l in &q.lines {
        if l.citation.trim().is_empty() {
            failures.push(format!("line {} has no citation", l.heading));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
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
