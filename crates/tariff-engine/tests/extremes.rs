//! No value panics the engine: every amount and quantity field of an entry, at extreme values
//! (zero, the smallest decimal, many decimals, the bound of 10^15 and just above it, the largest
//! decimal), on lines with ad valorem, specific, compound and metal-content duties, on dates
//! before and after the horizons, gives a quote or an input error naming a field. Issue 17:
//! a value of 79228162514264337593543950335 used to panic and lose a whole batch file.

use jiff::civil::date;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tariff_engine::{Engine, Entry, MAX_AMOUNT, QuoteError};
use tariff_hts::HtsCode;

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

/// Amounts an entry may give: up to the bound, any number of decimals.
fn ordinary() -> impl Strategy<Value = Decimal> {
    (0u64..=1_000_000_000_000_000, 0u32..=28).prop_map(|(m, s)| {
        let d = Decimal::from_i128_with_scale(m as i128, s);
        if d > MAX_AMOUNT { MAX_AMOUNT } else { d }
    })
}

/// Extreme and ordinary decimals, non-negative and negative.
fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => ordinary(),
        1 => Just(Decimal::ZERO),
        1 => Just(Decimal::new(1, 28)),
        1 => Just(MAX_AMOUNT),
        1 => Just(MAX_AMOUNT + Decimal::new(1, 28)),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => Just("999999999999999.9999999999999".parse::<Decimal>().unwrap()),
        1 => (any::<u64>(), 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m as i128, s)),
        1 => (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m as i128, s)),
        1 => (any::<u32>(), any::<u32>(), any::<u32>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, s)| Decimal::from_parts(lo, mid, hi, false, s)),
    ]
}

/// Lines with every kind of rate: ad valorem (T-shirts), specific (beef, per kg), compound
/// (watches), metal contents (steel derivatives, copper), autos, solar, chapter 98 claims.
const LINES: [&str; 8] = [
    "6109.10.00.04",
    "0201.10.10",
    "9101.11.40",
    "7326.90.86.88",
    "8544.42.90",
    "8703.23.01.90",
    "8541.43.00.10",
    "3004.90.92",
];

fn entry() -> impl Strategy<Value = Entry> {
    let facts = (
        0..LINES.len(),
        prop::sample::select(vec!["CN", "MX", "CA", "VN", "DE", "KR", "RU", "GB"]),
        prop::sample::select(vec![
            date(2025, 1, 1),
            date(2025, 6, 4),
            date(2025, 9, 1),
            date(2026, 3, 1),
            date(2026, 8, 24),
            date(2027, 6, 1),
        ]),
        prop::option::of(prop::sample::select(vec!["S", "KR", "A+"])),
        prop::option::of(prop::sample::select(vec![
            "9802.00.50",
            "9802.00.80",
            "9801.00.10",
        ])),
    );
    let amounts = (
        prop_oneof![3 => ordinary(), 1 => amount()],
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
        prop::option::weighted(0.12, amount()),
    );
    (facts, amounts).prop_map(|((line, origin, on, spi, ch98), a)| {
        let mut e = Entry::new(HtsCode::parse(LINES[line]).unwrap(), origin, on, a.0);
        e.quantity = a.1;
        e.us_content = a.2;
        e.steel_content = a.3;
        e.aluminum_content = a.4;
        e.copper_content = a.5;
        e.processing_value = a.6;
        e.us_components = a.7;
        e.metal_weight_percent = a.8;
        e.spi = spi.map(tariff_engine::Spi::from);
        e.chapter98 = ch98.map(|c| HtsCode::parse(c).unwrap());
        e
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]

    #[test]
    fn extreme_values_give_a_quote_or_a_named_error(e in entry()) {
        match engine().quote(&e) {
            Ok(q) => {
                // An accepted entry is within the bound, and its duty adds up.
                prop_assert!(e.value <= MAX_AMOUNT);
                prop_assert!(q.total_duty >= Decimal::ZERO);
                prop_assert!(q.total_duty <= tariff_engine::MAX_DUTY);
                prop_assert!(q.effective_rate <= tariff_engine::MAX_EFFECTIVE_RATE);
                let sum: Decimal = q.lines.iter().map(|l| l.amount).sum();
                prop_assert_eq!(sum, q.total_duty);
            }
            Err(err) => {
                prop_assert!(!err.message().is_empty(), "{err:?}");
                prop_assert!(err.to_string().starts_with(err.field().name()), "{err}");
            }
        }
        // The best claim takes the same path for every program open to the goods.
        let _ = engine().best_claim(&e);
    }
}

/// The property above is not vacuous: a good share of the generated entries is quoted.
#[test]
fn most_generated_entries_are_quoted() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = entry();
    let (mut ok, n) = (0, 2000);
    for _ in 0..n {
        let e = strategy.new_tree(&mut runner).unwrap().current();
        ok += usize::from(engine().quote(&e).is_ok());
    }
    assert!(ok * 5 >= n, "{ok} of {n} quoted");
}

#[test]
fn the_value_of_issue_17_is_refused_naming_the_field() {
    let mut e = Entry::new(
        HtsCode::parse("6109.10.00.04").unwrap(),
        "VN",
        date(2025, 6, 1),
        "79228162514264337593543950335".parse().unwrap(),
    );
    match engine().quote(&e) {
        Err(QuoteError::Input { field, message }) => {
            assert_eq!(field, tariff_engine::Field::Value);
            assert!(message.contains("limit"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The smallest value with a specific duty on the largest quantity: the ad valorem
    // equivalent does not fit a decimal (found by the property test in CI).
    let mut tiny = Entry::new(
        HtsCode::parse("0201.10.10").unwrap(),
        "CN",
        date(2025, 1, 1),
        Decimal::new(1, 28),
    );
    tiny.quantity = Some(MAX_AMOUNT);
    let q = engine().quote(&tiny).unwrap();
    assert!(q.total_duty > Decimal::ZERO);
    assert_eq!(q.effective_rate, tariff_engine::MAX_EFFECTIVE_RATE);
    assert_eq!(q.effective_rate.to_string(), "99999999.9999");
    // A specific duty on a quantity near the bound that would exceed the largest amount the
    // tools state is refused, naming the quantity: 4.4 cents/kg is fine, $44/kg would be 4.4e16.
    let mut heavy = tiny.clone();
    heavy.hts = HtsCode::parse("0201.10.10").unwrap();
    heavy.value = MAX_AMOUNT;
    let q = engine().quote(&heavy).unwrap();
    assert!(q.total_duty <= tariff_engine::MAX_DUTY);
    assert_eq!(tariff_engine::MAX_DUTY.to_string(), "9999999999999999.99");
    // At the bound itself the quote is exact: 26.5% of 10^15.
    e.value = MAX_AMOUNT;
    let q = engine().quote(&e).unwrap();
    assert_eq!(q.total_duty, "265000000000000.00".parse().unwrap());
}
