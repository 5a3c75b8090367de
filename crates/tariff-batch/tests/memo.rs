//! The memo of value-linear quotes gives exactly what the engine gives.

use jiff::civil::date;
use rust_decimal::Decimal;
use tariff_batch::{MemoStats, Pricer};
use tariff_engine::{Engine, Entry, Mode};
use tariff_hts::HtsCode;

#[test]
fn memo_equals_direct() {
    let engine = Engine::embedded().unwrap();
    let pricer = Pricer::new(&engine, 100_000);
    let direct = Pricer::new(&engine, 0);
    eprintln!(
        "{} breakpoints: {:?}",
        pricer.breakpoints().len(),
        pricer.breakpoints()
    );
    let cases = [
        ("6109.10.00.04", "CN"),
        ("6109.10.00.04", "VN"),
        ("8703.23.01.90", "KR"),
        ("8429.52.10.50", "JP"),
        ("3204.13.80.00", "GB"),
        ("1703.10.50.00", "HN"),
        ("7208.51.00.30", "CA"),
        ("8471.30.01.00", "MX"),
    ];
    let mut stats = MemoStats::default();
    let mut n = 0;
    for (k, (hts, origin)) in cases.iter().enumerate() {
        for i in 0..200u32 {
            let d = date(2025, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from((i * 37 + k as u32 * 11) % 540)))
                .unwrap();
            let mut e = Entry::new(
                HtsCode::parse(hts).unwrap(),
                origin,
                d,
                Decimal::new(i64::from(i * 7919 % 1_000_000 + 1), 2) * Decimal::from(k + 1),
            );
            e.quantity = Some(Decimal::from(10));
            e.mode = Some(if i % 2 == 0 { Mode::Vessel } else { Mode::Air });
            let a = pricer.price(&e, &mut stats);
            let b = direct.price(&e, &mut MemoStats::default());
            match (a, b) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{e:?}"),
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("{e:?}: {a:?} vs {b:?}"),
            }
            n += 1;
        }
    }
    eprintln!("{n} rows: {stats:?}");
    assert!(stats.derived > 0, "the memo was never used: {stats:?}");
}
