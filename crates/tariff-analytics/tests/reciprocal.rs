//! The reciprocal formula on the committed Census 2024 trade against the enacted Annex I rates
//! (measure data and schedule), and the what-if.

use rust_decimal::Decimal;
use std::collections::BTreeSet;
use tariff_analytics::reciprocal::{self, Params, Rounding, TradeChange};
use tariff_measures::Measures;
use tariff_schedule::Schedule;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn setup() -> (tariff_analytics::trade::TradeFile, Measures, Schedule) {
    (
        tariff_analytics::trade::embedded().unwrap(),
        Measures::embedded().unwrap(),
        Schedule::embedded().unwrap(),
    )
}

#[test]
fn census_2024_reproduces_the_hts_rates_but_for_known_partners() {
    let (trade, measures, schedule) = setup();
    let rows = reciprocal::table(&trade, &measures, &schedule, 2024, &Params::default()).unwrap();
    let get = |c: &str| rows.iter().find(|r| r.country == c).unwrap();
    // Census 2024 as published (MANIFEST sanity figures): China and the EU, $ millions.
    let musd = |x: Decimal| (x / d("1000000")).round_dp(1);
    assert_eq!(musd(get("CN").imports), d("438947.4"));
    assert_eq!(musd(get("CN").exports), d("143545.7"));
    assert_eq!(musd(get("EU").imports), d("605760.4"));
    assert_eq!(musd(get("EU").exports), d("370189.2"));
    // EU members are inside the EU partner, not partners of their own.
    assert!(rows.iter().all(|r| r.country != "DE" && r.country != "FR"));

    let annex: Vec<_> = rows
        .iter()
        .filter(|r| r.enacted.as_ref().is_some_and(|e| e.kind == "annex_i"))
        .collect();
    // 57 Annex I lines: the EU counts once, China's heading also names Hong Kong and Macau.
    assert_eq!(annex.len(), 59);
    let differ: BTreeSet<&str> = annex
        .iter()
        .filter(|r| r.difference.is_some())
        .map(|r| r.country.as_str())
        .collect();
    assert_eq!(
        differ,
        BTreeSet::from(["HK", "JP", "MO", "VN"]),
        "{differ:?}"
    );
    // Japan and Vietnam: one point, the Annex rounding.
    for c in ["JP", "VN"] {
        let r = get(c);
        assert_eq!(r.difference, Some(d("1")));
        assert_eq!(Some(r.formula_rate_annex), r.enacted_rate);
    }
    // Hong Kong and Macau have a US surplus; they carry China's 34% by the heading.
    for c in ["HK", "MO"] {
        let r = get(c);
        assert!(r.balance > Decimal::ZERO);
        assert_eq!(r.formula_rate, d("10"));
        assert_eq!(r.enacted_rate, Some(d("34")));
    }
    // China: 34% as first written (9903.01.63, 2025 Rev. 7), 84% on April 9 (EO 14259).
    let cn = get("CN");
    assert_eq!(cn.formula_rate, d("34"));
    let e = cn.enacted.as_ref().unwrap();
    assert_eq!(
        (e.hts_first_percent, e.in_force_percent),
        (Some(d("34")), d("84"))
    );
    // Partners outside Annex I: the baseline, or exempt (Canada, Mexico, column 2).
    assert_eq!(get("GB").enacted_rate, Some(d("10")));
    assert_eq!(get("GB").formula_rate, d("10"));
    for c in ["CA", "MX", "RU"] {
        assert_eq!(get(c).enacted.as_ref().unwrap().kind, "exempt", "{c}");
    }
}

#[test]
fn annex_as_printed_is_the_annex_rounding_but_for_switzerland() {
    let (trade, measures, schedule) = setup();
    let params = Params {
        rounding: Rounding::Annex,
        ..Params::default()
    };
    let rows = reciprocal::table(&trade, &measures, &schedule, 2024, &params).unwrap();
    let printed: Vec<_> = rows
        .iter()
        .filter(|r| r.annex_i_printed.is_some())
        .collect();
    assert_eq!(printed.len(), 57);
    let off: BTreeSet<&str> = printed
        .iter()
        .filter(|r| r.annex_i_printed != Some(r.formula_rate))
        .map(|r| r.country.as_str())
        .collect();
    assert_eq!(off, BTreeSet::from(["CH"]), "{off:?}");
    let notes = rows.iter().filter(|r| r.annex_i_note.is_some()).count();
    assert!(notes >= 14, "{notes} printed rates differ from the HTS");
}

#[test]
fn what_if_korea_exports_more() {
    let (trade, measures, schedule) = setup();
    let p = Params::default();
    let change = TradeChange {
        exports: Some(d("100000000000")),
        ..TradeChange::default()
    };
    let w = reciprocal::what_if(&trade, &measures, &schedule, 2024, &p, "kr", &change).unwrap();
    assert_eq!(w.before.formula_rate, d("25"));
    assert_eq!(w.after.formula_rate, d("10"));
    assert_eq!(w.after.exports - w.before.exports, d("100000000000"));
    assert_eq!(w.after.imports, w.before.imports);
    // The floor threshold is exact: just above it the floor, just below it not.
    let x = w.exports_for_floor.unwrap();
    assert!(w.strict);
    let at = |exports: Decimal| {
        let c = TradeChange {
            exports: Some(exports),
            exports_level: true,
            ..TradeChange::default()
        };
        reciprocal::what_if(&trade, &measures, &schedule, 2024, &p, "KR", &c)
            .unwrap()
            .after
            .formula_rate
    };
    assert_eq!(at(x + d("1000")), d("10"));
    assert_eq!(at(x - d("1000000")), d("11"));
    // An EU member is refused with the reason; the EU as a whole works.
    let err = reciprocal::what_if(&trade, &measures, &schedule, 2024, &p, "DE", &change)
        .unwrap_err()
        .to_string();
    assert!(err.contains("EU member"), "{err}");
    assert!(reciprocal::what_if(&trade, &measures, &schedule, 2024, &p, "EU", &change).is_ok());
    // A change that leaves negative trade is refused.
    let neg = TradeChange {
        imports: Some(d("-1000000000000000")),
        ..TradeChange::default()
    };
    assert!(reciprocal::what_if(&trade, &measures, &schedule, 2024, &p, "KR", &neg).is_err());
}

#[test]
fn other_years_and_unknown_years() {
    let (trade, measures, schedule) = setup();
    let p = Params::default();
    assert!(reciprocal::table(&trade, &measures, &schedule, 2023, &p).is_ok());
    let err = reciprocal::table(&trade, &measures, &schedule, 2019, &p).unwrap_err();
    assert!(
        err.to_string().contains("no bilateral trade for 2019"),
        "{err}"
    );
}
