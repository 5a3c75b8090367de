//! The memo of value-linear quotes gives exactly what the engine gives.

/// The engine's one reader of the legal cases.
#[path = "../../tariff-engine/tests/support/cases.rs"]
mod cases;

use jiff::civil::date;
use rust_decimal::Decimal;
use tariff_batch::{MemoStats, Pricer};
use tariff_engine::{Engine, Entry, Mode};
use tariff_hts::HtsCode;

/// Prices `e` through the memo and directly, and checks the results are equal (both rows,
/// or both errors).
fn same(memo: &Pricer<'_>, direct: &Pricer<'_>, e: &Entry, stats: &mut MemoStats, what: &str) {
    let compared = memo.price_with(e, stats, |a| {
        direct
            .price_with(e, &mut MemoStats::default(), |b| {
                assert_eq!(a, b, "{what} {e:?}")
            })
            .map_err(|b| format!("the memo priced {e:?} but the engine says {b}"))
    });
    match compared {
        Ok(Ok(())) => {}
        Ok(Err(m)) => panic!("{m}"),
        Err(a) => assert_eq!(
            Err(a),
            direct.price_with(e, &mut MemoStats::default(), |_| ()),
            "{what} {e:?}"
        ),
    }
}

#[test]
fn memo_equals_direct() {
    let engine = Engine::embedded().unwrap();
    let pricer = Pricer::new(&engine, 100_000, false);
    let direct = Pricer::new(&engine, 0, false);
    let cases = [
        ("6109.10.00.04", "CN"),
        ("6109.10.00.04", "VN"),
        ("8703.23.01.90", "KR"),
        ("8429.52.10.50", "JP"),
        ("3204.13.80.00", "GB"),
        ("1703.10.50.00", "HN"),
        ("7208.51.00.30", "CA"),
        ("8471.30.01.00", "MX"),
        // Specific and compound general rates: wine (EU floor compares their AVE), sugar,
        // watches, cheese.
        ("2204.21.50.40", "FR"),
        ("2204.21.50.40", "CL"),
        ("1701.99.10.25", "BR"),
        ("9102.11.10.00", "CH"),
        ("0406.90.12.00", "DE"),
        ("2402.20.80.00", "JP"),
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
            // One row in ten above $200,000: the MPF at its maximum.
            if i % 10 == 0 {
                e.value *= Decimal::from(100);
            }
            e.quantity = Some(Decimal::from(10 + i % 7 * 13));
            e.mode = Some(if i % 2 == 0 { Mode::Vessel } else { Mode::Air });
            same(&pricer, &direct, &e, &mut stats, "");
            n += 1;
        }
    }
    eprintln!("{n} rows: {stats:?}");
    assert!(stats.derived > 0, "the memo was never used: {stats:?}");
}

/// Every entry of the engine's legal cases (every kind of rule), on dates across the whole
/// coverage and at several values, priced through the memo equals pricing it directly, in
/// summary and in detail form.
#[test]
fn memo_equals_direct_on_the_legal_cases() {
    let engine = Engine::embedded().unwrap();
    let entries: Vec<Entry> = cases::read_cases().into_iter().map(|c| c.entry).collect();
    let first = engine.schedule().first_date();
    let days = i64::from((engine.schedule().covered_through() - first).get_days());
    for detail in [false, true] {
        let memo = Pricer::new(&engine, 1_000_000, detail);
        let direct = Pricer::new(&engine, 0, detail);
        let mut stats = MemoStats::default();
        let mut rows = 0;
        // Twice over, so that the second pass finds the periods the first one recorded.
        for pass in 0..2i64 {
            for (k, entry) in entries.iter().enumerate() {
                for step in 0..40i64 {
                    let day = (step * 14 + k as i64 * 3 + pass * 5) % (days + 1);
                    let mut e = entry.clone();
                    e.entry_date = first.checked_add(jiff::Span::new().days(day)).unwrap();
                    e.value = entry.value * Decimal::new(step + 1, 0) / Decimal::from(7);
                    e.value = e.value.round_dp(2);
                    if let Some(q) = entry.quantity {
                        e.quantity = Some(q * Decimal::from(step % 5 + 1));
                    }
                    same(
                        &memo,
                        &direct,
                        &e,
                        &mut stats,
                        if detail { "detail" } else { "" },
                    );
                    rows += 1;
                }
            }
        }
        eprintln!("detail {detail}: {rows} rows: {stats:?}");
        assert!(
            stats.derived > rows / 4,
            "the memo was rarely used: {stats:?}"
        );
    }
}
