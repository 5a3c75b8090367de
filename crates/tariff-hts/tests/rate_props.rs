//! Properties of the rate parser: it never panics, and printing then parsing gives back the
//! tree (for generated trees, and for anything that parses).

use proptest::prelude::*;
use rust_decimal::Decimal;
use tariff_hts::rate::{
    Adjustment, BaseDuty, Component, HeadingRange, Money, Preposition, Rate, RateCell, RateGroup,
    Reference, TextualKind, Unit,
};

/// If `text` parses, its normalized text parses to the same cell.
fn check_round_trip(text: &str) -> Result<(), TestCaseError> {
    if let Ok(cell) = RateCell::parse(text) {
        let normalized = cell.to_string();
        prop_assert_eq!(
            RateCell::parse(&normalized),
            Ok(cell),
            "input {:?} normalized to {:?}",
            text,
            normalized
        );
    }
    Ok(())
}

const TOKENS: &[&str] = &[
    "Free",
    "Free,",
    "free",
    "(",
    ")",
    "A+",
    "AU",
    "KR",
    "S+",
    ",",
    " ",
    " ",
    " ",
    "+",
    "%",
    "¢",
    "$",
    "/",
    "kg",
    "/kg",
    "/ liter",
    "pf.",
    "each",
    "1",
    "2.5",
    "0",
    "99",
    ".",
    "on the case",
    "on",
    "of",
    "upon",
    ", including",
    "the value of the steel content",
    "but not less than",
    "but not less",
    "not to exceed",
    ", but if",
    "The duty provided in the applicable subheading",
    "The duty rate provided in such subheading",
    "The duty provided in subheadings",
    "9903.88.15",
    "-",
    "See",
    "additional U.S. note 5",
    "plus",
    "minus",
    "a duty of",
    "less",
    "for each degree under",
    "degrees",
    "(and fractions of a degree in proportion)",
    "for each other piece or part",
    "<u>",
    "</u>",
    "<sup>",
    "<",
    ">",
    "\n",
    "under bond",
    "percent",
    "1,000",
    "pins",
    "m2",
    "No change",
    "The rate applicable to the article of which it is a part",
    "A duty upon the value of the repairs",
    "- ",
    "é",
    "\u{a0}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|tokens| tokens.concat())
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000, 0u32..6).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn money() -> impl Strategy<Value = Money> {
    (decimal(), any::<bool>()).prop_map(|(amount, cents)| {
        if cents {
            Money::cents(amount)
        } else {
            Money::dollars(amount)
        }
    })
}

fn unit() -> impl Strategy<Value = Unit> {
    prop::sample::select(Unit::ALL.to_vec())
}

fn component() -> impl Strategy<Value = Option<Component>> {
    prop::option::of(
        prop::sample::select(vec![
            (Preposition::On, "the case"),
            (Preposition::On, "the strap, band or bracelet"),
            (Preposition::On, "drained weight"),
            (Preposition::On, "the value of the rifle"),
            (Preposition::Of, "total sugars"),
            (Preposition::Of, "the fair retail value"),
            (Preposition::Upon, "the value of the steel content"),
            (Preposition::Including, "weight of container"),
        ])
        .prop_map(|(preposition, text)| Component {
            preposition,
            text: text.to_string(),
        }),
    )
}

fn simple() -> impl Strategy<Value = Rate> {
    prop_oneof![
        (decimal(), component()).prop_map(|(percent, on)| Rate::AdValorem { percent, on }),
        (money(), unit(), component()).prop_map(|(amount, unit, on)| Rate::Specific {
            amount,
            unit,
            on
        }),
    ]
}

fn compound() -> impl Strategy<Value = Rate> {
    prop::collection::vec(simple(), 2..5).prop_map(Rate::Compound)
}

fn sliding() -> impl Strategy<Value = Rate> {
    (money(), money(), unit(), decimal()).prop_map(|(base, less, unit, degrees)| {
        Rate::SlidingScale {
            base,
            less,
            unit,
            degrees,
        }
    })
}

fn arithmetic() -> impl Strategy<Value = Rate> {
    prop_oneof![simple(), compound(), sliding()]
}

fn heading() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["9903.88.15", "9823.01.01", "9921.01.02", "8716.39.00"])
        .prop_map(str::to_string)
}

fn leaf() -> impl Strategy<Value = Rate> {
    prop_oneof![
        Just(Rate::Free),
        Just(Rate::NoChange),
        Just(Rate::NoAdditionalDuty),
        prop::sample::select(vec![
            "under bond, as prescribed in U.S. note 1 to this subchapter",
            "for such temporary periods as the Secretary of the Treasury by regulation may prescribe",
            "See U.S. note 4 of this subchapter",
            "under the terms of U.S. note 1(b) to this subchapter",
        ])
        .prop_map(|c| Rate::ConditionalFree {
            condition: c.to_string()
        }),
        prop::collection::vec((heading(), prop::option::of(heading())), 1..4).prop_map(|items| {
            Rate::See(Reference::Headings(
                items
                    .into_iter()
                    .map(|(first, last)| HeadingRange { first, last })
                    .collect(),
            ))
        }),
        prop::sample::select(vec!["additional U.S. note 5", "U.S. note 3(e)"])
            .prop_map(|n| Rate::See(Reference::Note(n.to_string()))),
        prop::sample::select(vec![
            (
                TextualKind::ArticleOfWhichPart,
                "The rate applicable to the article of which it is a part or accessory"
            ),
            (
                TextualKind::ValueOfRepairs,
                "A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter)"
            ),
            (
                TextualKind::HighestRateInSet,
                "The rate of duty applicable to that article in the set subject to the highest rate of duty"
            ),
        ])
        .prop_map(|(kind, text)| Rate::Textual {
            kind,
            text: text.to_string()
        }),
        arithmetic(),
    ]
}

fn base_duty() -> impl Strategy<Value = BaseDuty> {
    prop_oneof![
        Just(BaseDuty::ApplicableSubheading),
        Just(BaseDuty::SuchSubheading),
        prop::collection::vec(heading(), 1..4).prop_map(BaseDuty::Subheadings),
    ]
}

fn rate() -> impl Strategy<Value = Rate> {
    prop_oneof![
        3 => leaf(),
        1 => (arithmetic(), prop_oneof![simple(), compound()]).prop_map(|(rate, floor)| Rate::Minimum {
            rate: Box::new(rate),
            floor: Box::new(floor)
        }),
        1 => (prop_oneof![simple(), compound()], simple()).prop_map(|(rate, cap)| Rate::Maximum {
            rate: Box::new(rate),
            cap: Box::new(cap)
        }),
        1 => arithmetic().prop_map(|rate| Rate::Proviso {
            rate: Box::new(rate),
            proviso: "if consisting in part of a plate or a set of plates the total duty shall not exceed the duty for the complete movement".to_string()
        }),
        2 => (base_duty(), prop::option::of((any::<bool>(), prop_oneof![simple(), compound()])))
            .prop_map(|(base, adjustment)| Rate::Additional {
                base,
                adjustment: adjustment.map(|(plus, rate)| if plus {
                    Adjustment::Plus(Box::new(rate))
                } else {
                    Adjustment::Minus(Box::new(rate))
                })
            }),
    ]
}

fn programs() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "A", "A+", "A*", "AU", "KR", "S+", "JP", "E*", "CA", "NP",
        ])
        .prop_map(str::to_string),
        1..5,
    )
}

/// Cells as the parser produces them: every group but the last lists programs.
fn cell() -> impl Strategy<Value = RateCell> {
    (
        prop::collection::vec((rate(), programs()), 0..4),
        prop::option::of(rate()),
    )
        .prop_map(|(groups, last)| {
            let mut groups: Vec<RateGroup> = groups
                .into_iter()
                .map(|(rate, programs)| RateGroup { rate, programs })
                .collect();
            if let Some(rate) = last {
                groups.push(RateGroup {
                    rate,
                    programs: Vec::new(),
                });
            }
            RateCell { groups }
        })
}

/// Counterexamples proptest found, kept.
#[test]
fn found_cases_round_trip() {
    for text in [
        // A textual rate run into `not to exceed`: a maximum whether printed or not.
        "A duty upon the value of the repairsnot to exceedNo change",
        "A duty upon the value of the repairs, but if No change",
        "A duty upon the value of the repairs but not less than 5%",
        // A Chapter 99 base run into `not to exceed`.
        "The duty provided in the applicable subheadingnot to exceedNo change",
        // A textual rate ending in a dangling `, but if`.
        "The rate applicable to the article of which it is a part, but ifnot to exceedNo change",
    ] {
        check_round_trip(text).unwrap();
    }
}

/// 2,000 cases from a fixed seed, so that every CI run checks the same cases (after the
/// failures recorded in `rate_props.proptest-regressions`); set `PROPTEST_RNG_SEED` to
/// explore others (what that finds is recorded there; add it to `found_cases_round_trip`).
fn config() -> ProptestConfig {
    let mut c = ProptestConfig::with_cases(2000);
    if matches!(c.rng_seed, proptest::test_runner::RngSeed::Random) {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x5EED_2026);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_never_panics_on_any_text(text in "\\PC*") {
        check_round_trip(&text)?;
    }

    #[test]
    fn parse_never_panics_on_rate_like_text(text in token_soup()) {
        check_round_trip(&text)?;
    }

    #[test]
    fn generated_trees_round_trip(cell in cell()) {
        let text = cell.to_string();
        prop_assert_eq!(RateCell::parse(&text), Ok(cell), "text {:?}", text);
    }

    #[test]
    fn amount_never_panics(cell in cell(), value in decimal(), quantity in decimal()) {
        let basis = tariff_hts::rate::Basis::new(value).with_quantity(quantity);
        for group in &cell.groups {
            let _ = group.rate.amount(&basis);
            let _ = group.rate.ave(&basis);
        }
    }
}
