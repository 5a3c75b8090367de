//! The line audit (docs/audit/): every one of the 50 largest gaps between the engine's duty on
//! 2025-01-01 and the 2024 Census duty, for the partners that use few preferences, is explained
//! in docs/audit/explanations.yaml — a data change that opens a new gap fails here until it is
//! fixed or explained.

use jiff::civil::date;
use tariff_analytics::audit::{
    EXPLANATIONS_YAML, Explanations, FEW_PREFERENCE_PARTNERS, line_gaps,
};
use tariff_analytics::etr::{Basket, Options};

#[test]
fn the_fifty_largest_gaps_are_explained() {
    let engine = tariff_engine::Engine::embedded().unwrap();
    let trade = tariff_analytics::trade::embedded().unwrap();
    let basket = Basket::build(&trade, &engine, &Options::default()).unwrap();
    let partners: Vec<String> = FEW_PREFERENCE_PARTNERS
        .iter()
        .map(|p| p.to_string())
        .collect();
    let gaps = line_gaps(&engine, &basket, date(2025, 1, 1), &partners, 50).unwrap();
    assert_eq!(gaps.len(), 50);
    let explained = Explanations::from_yaml(EXPLANATIONS_YAML).unwrap();
    let missing: Vec<String> = gaps
        .iter()
        .filter(|g| explained.of(&g.partner, &g.hts).is_none())
        .map(|g| format!("{} {} gap {}", g.partner, g.hts, g.gap))
        .collect();
    assert!(
        missing.is_empty(),
        "unexplained (run bench/line-audit.sh and explain them in docs/audit/explanations.yaml):\n{}",
        missing.join("\n")
    );
    // The ranking is by the absolute gap, largest first.
    assert!(gaps.windows(2).all(|w| w[0].gap.abs() >= w[1].gap.abs()));
}
