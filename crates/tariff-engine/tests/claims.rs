//! Which programs goods may claim on a line, and the claim an importer would make.

use jiff::civil::date;
use rust_decimal::Decimal;
use tariff_engine::{Engine, Entry};
use tariff_hts::HtsCode;

fn engine() -> Engine {
    Engine::embedded().expect("embedded data loads")
}

fn code(s: &str) -> HtsCode {
    HtsCode::parse(s).unwrap()
}

#[test]
fn usmca_is_claimable_on_a_free_line_for_canada_and_mexico_only() {
    let e = engine();
    let laptop = code("8471.30.01.00");
    let d = date(2026, 1, 1);
    assert_eq!(e.claimable_programs(&laptop, "MX", d).unwrap(), ["S"]);
    assert_eq!(e.claimable_programs(&laptop, "CA", d).unwrap(), ["S"]);
    assert!(e.claimable_programs(&laptop, "JP", d).unwrap().is_empty());
    // Korea's agreement also allows a claim on Free lines (the MPF exemption).
    assert_eq!(e.claimable_programs(&laptop, "KR", d).unwrap(), ["KR"]);
}

#[test]
fn claimable_programs_follow_the_special_column_on_dutiable_lines() {
    let e = engine();
    // 8708.99.81: 2.5% general; Free (A+, AU, B, BH, CL, CO, D, E, IL, JO, KR, MA, OM, P, PA,
    // PE, S, SG): Canada may claim B (APTA) and S (USMCA), not GSP (A+) or KORUS.
    let part = code("8708.99.81");
    let claims = e.claimable_programs(&part, "CA", date(2025, 6, 1)).unwrap();
    assert!(claims.iter().any(|c| c == "B"), "{claims:?}");
    assert!(claims.iter().any(|c| c == "S"), "{claims:?}");
    assert!(!claims.iter().any(|c| c == "KR" || c == "A+"), "{claims:?}");
}

#[test]
fn the_best_claim_is_the_one_an_importer_would_make() {
    let e = engine();
    let mut entry = Entry::new(
        code("8708.99.81"),
        "CA",
        date(2025, 6, 1),
        Decimal::from(1000),
    );
    entry.spi = Some("B".into());
    // B leaves the +25% border duty; S removes it.
    let claimed_b = e.quote(&entry).unwrap();
    assert_eq!(claimed_b.total_duty, Decimal::new(25000, 2));
    let (best, spi) = e.best_claim(&entry).unwrap();
    assert_eq!(spi.as_deref(), Some("S"));
    assert!(best.total_duty < claimed_b.total_duty);
    // With nothing to claim, the quote is made without a claim.
    let jp = Entry::new(
        code("8471.30.01.00"),
        "JP",
        date(2026, 1, 1),
        Decimal::from(1000),
    );
    let (_, spi) = e.best_claim(&jp).unwrap();
    assert_eq!(spi, None);
}

#[test]
fn an_alternative_program_that_cannot_be_priced_does_not_fail_the_quote() {
    // 8415.90.80.85: Free under C (civil aircraft) and others; for Japan the special column
    // points to 9921.01.01/.02, a rate the engine cannot compute. A claim of C is quoted; the
    // JP alternative is passed over.
    let e = engine();
    let mut entry = Entry::new(
        code("8415.90.80.85"),
        "JP",
        date(2025, 12, 1),
        Decimal::from(1000),
    );
    entry.spi = Some("JP".into());
    assert!(e.quote(&entry).is_err());
    entry.spi = Some("C".into());
    let q = e.quote(&entry).unwrap();
    assert_eq!(q.lines.last().unwrap().amount, Decimal::ZERO);
}
