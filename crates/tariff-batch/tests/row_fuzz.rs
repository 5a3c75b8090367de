//! The batch row parser on generated rows (the stable twin of the fuzz target
//! `fuzz/fuzz_targets/batch_row.rs`): every record of every column, with text drawn from the
//! values people and attackers write (extreme numbers, many decimals, dates in other forms,
//! invalid UTF-8, quotes, huge fields), parses into an entry or a rejection that names its
//! column and reason; nothing panics, and a row the parser accepts is then quoted or rejected
//! by the engine, never a panic.

use proptest::prelude::*;
use tariff_batch::{KNOWN, Layout};
use tariff_engine::Engine;

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

/// Cell text: plausible values, extremes and garbage.
fn cell() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "-1",
            "0.0000000000000000000000000001",
            "1000000000000000",
            "1000000000000000.01",
            "79228162514264337593543950335",
            "1e40",
            "-0",
            "$1,000.50",
            "1_000",
            "NaN",
            "inf",
            "6109.10.00.04",
            "6109100004",
            "0201.10.10",
            "9802.00.80",
            "9903.01.30",
            "VN",
            "cn",
            "ZZ",
            "2025-06-01",
            "20250601",
            "2026-08-24",
            "2024-12-31",
            "9999-12-31",
            "S",
            "KR",
            "vessel",
            "true",
            "yes",
            "50",
            "100.0001",
            "\u{feff}1",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
        "[0-9.,eE+-]{0,60}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn every_row_is_an_entry_or_a_named_rejection(
        cells in prop::collection::vec(cell(), KNOWN.len()),
        short in 0usize..3,
    ) {
        let layout = Layout::new(KNOWN.iter().map(|k| k.to_string()).collect()).unwrap();
        // A row may also be short (fewer fields than the header).
        let mut record = csv::ByteRecord::new();
        for c in cells.iter().take(KNOWN.len() - short.min(1)) {
            record.push_field(c);
        }
        match layout.entry(&record) {
            Ok(e) => {
                if let Err(err) = engine().quote(&e) {
                    prop_assert!(!err.to_string().is_empty());
                }
            }
            Err(tariff_batch::Refusal { column, reason }) => {
                prop_assert!(!reason.is_empty());
                prop_assert!(column.is_empty() || KNOWN.contains(&column.as_str()), "{column}");
            }
        }
    }
}
