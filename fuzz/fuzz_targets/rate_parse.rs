//! Fuzzes the rate-of-duty parser: it must never panic, and anything it parses must print as
//! text that parses back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tariff_hts::rate::RateCell;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cell) = RateCell::parse(text) {
        let normalized = cell.to_string();
        match RateCell::parse(&normalized) {
            Ok(again) => assert_eq!(
                again, cell,
                "round trip changed the tree: {text:?} -> {normalized:?}"
            ),
            Err(e) => panic!("normalized text does not parse: {text:?} -> {normalized:?}: {e}"),
        }
        for group in &cell.groups {
            // Amounts must not panic either (errors are fine).
            let basis = tariff_hts::rate::Basis::new(1000.into()).with_quantity(7.into());
            let _ = group.rate.amount(&basis);
            let _ = group.rate.ave(&basis);
        }
    }
});
