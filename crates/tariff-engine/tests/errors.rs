//! The error messages people read, as a snapshot: every kind of refusal of the engine and of
//! the input grammar, with the field it names, in `tests/snapshots/errors.txt`. A change to a
//! message shows in review as a change to that file (`UPDATE_SNAPSHOTS=1 cargo test -p
//! tariff-engine --test errors` rewrites it).

use rust_decimal::Decimal;
use tariff_engine::{Engine, Entry, Field, parse_amount, parse_date};
use tariff_hts::HtsCode;

fn entry(hts: &str, origin: &str, date: &str, value: &str) -> Entry {
    Entry::new(
        HtsCode::parse(hts).unwrap(),
        origin,
        date.parse().unwrap(),
        value.parse().unwrap(),
    )
}

#[test]
fn error_messages() {
    let engine = Engine::embedded().expect("embedded data loads");
    let base = || entry("6109.10.00.04", "VN", "2025-06-01", "1000");
    let mut refusals: Vec<(&str, Entry)> = vec![
        (
            "unknown number",
            entry("6109.10.00.99", "VN", "2025-06-01", "1000"),
        ),
        (
            "a heading, not a line",
            entry("6109", "VN", "2025-06-01", "1000"),
        ),
        (
            "before the dataset",
            entry("6109.10.00.04", "VN", "2024-06-01", "1000"),
        ),
        (
            "not a country",
            entry("6109.10.00.04", "ZZ", "2025-06-01", "1000"),
        ),
        (
            "specific rate, no quantity",
            entry("2204.21.50", "FR", "2025-01-15", "5000"),
        ),
    ];
    let mut e = base();
    e.value = Decimal::NEGATIVE_ONE;
    refusals.push(("negative value", e));
    let mut e = base();
    e.value = "1000000000000001".parse().unwrap();
    refusals.push(("value over the limit", e));
    let mut e = base();
    e.steel_content = Some(Decimal::from(2000));
    refusals.push(("content above the value", e));
    let mut e = base();
    e.export_country = Some("XX".into());
    refusals.push(("export country", e));
    let mut e = base();
    e.declared = vec!["1234".into()];
    refusals.push(("declared heading", e));
    let mut e = base();
    e.metal_weight_percent = Some(Decimal::from(150));
    refusals.push(("metal weight", e));
    let mut e = base();
    e.chapter98 = Some(HtsCode::parse("9802.00.50").unwrap());
    refusals.push(("chapter 98 without the value of the processing", e));
    let mut e = base();
    e.chapter98 = Some(HtsCode::parse("9802.99.99").unwrap());
    refusals.push(("unknown chapter 98 provision", e));

    let mut out = String::from("# engine refusals: what, field, message\n");
    for (what, e) in &refusals {
        match engine.quote(e) {
            Ok(q) => panic!("{what}: quoted {}", q.total_duty),
            Err(err) => {
                assert!(err.to_string().starts_with(err.field().name()), "{err}");
                out.push_str(&format!("{what}\t{}\t{}\n", err.field(), err.message()));
            }
        }
    }
    let strict = engine
        .check_strict_date(jiff::civil::date(2030, 1, 1))
        .unwrap_err();
    out.push_str(&format!(
        "strict date\t{}\t{}\n",
        strict.field(),
        strict.message()
    ));

    out.push_str("# the input grammar: field, text, message\n");
    for t in ["abc", "1_000", "$", "1.2.3"] {
        out.push_str(&format!(
            "amount\t{t:?}\t{}\n",
            parse_amount(t).unwrap_err()
        ));
    }
    for t in ["20250601", "2025-13-01", "2025-02-30"] {
        out.push_str(&format!("date\t{t:?}\t{}\n", parse_date(t).unwrap_err()));
    }
    let mut e = base();
    for (f, t) in [
        (Field::Mode, "teleport"),
        (Field::Transshipped, "maybe"),
        (Field::Chapter98, "98x"),
        (Field::Hts, "abcd"),
        (Field::Value, ""),
    ] {
        out.push_str(&format!("{f}\t{t:?}\t{}\n", e.set(f, t).unwrap_err()));
    }

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/errors.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &out).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        want == out,
        "the error messages changed (UPDATE_SNAPSHOTS=1 to accept):\n--- {path}\n{want}\n--- now\n{out}"
    );
}
