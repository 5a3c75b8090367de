//! The committed trade dataset: decodes, holds what the analytics need, and — when
//! `../shared/sources` is present — is exactly what `tariff data build-trade` makes from it.

use std::path::Path;
use tariff_analytics::trade;

fn sources() -> Option<&'static Path> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sources"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        tariff_testkit::skip(
            module_path!(),
            "../shared/sources is absent, the rebuild cannot be checked",
        );
        None
    }
}

#[test]
fn committed_dataset_decodes() {
    let f = trade::embedded().unwrap();
    assert_eq!(f.provenance.inputs.len(), 4);
    assert!(f.provenance.inputs.iter().all(|i| i.sha256.len() == 64));
    assert_eq!(f.annex1.len(), 57);
    assert!(f.hs10.cty.len() > 200_000);
    assert!(f.hs2.codes.len() > 200);
    assert!(
        f.bilateral
            .iter()
            .any(|b| b.year == 2024 && b.cty_code == "5700")
    );
    // The provenance JSON beside it says the same.
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/trade.provenance.json"
    ))
    .unwrap();
    assert_eq!(json, trade::provenance_json(&f));
}

#[test]
fn rebuild_is_byte_identical() {
    let Some(src) = sources() else { return };
    let built = trade::build(src).unwrap();
    let bytes = trade::encode(&built).unwrap();
    assert!(
        bytes == trade::TRADE,
        "crates/tariff-analytics/data/trade.bin differs from a rebuild ({} vs {} bytes): run `tariff data build-trade --sources ../shared/sources --out crates/tariff-analytics/data/trade.bin`",
        bytes.len(),
        trade::TRADE.len()
    );
    // And the bytes decode to the same file.
    assert_eq!(trade::decode(&bytes).unwrap(), built);
}

#[test]
fn a_missing_source_is_an_error_naming_the_file() {
    let dir = std::env::temp_dir().join("tariff-analytics-no-sources");
    let _ = std::fs::create_dir_all(&dir);
    let err = trade::build(&dir).unwrap_err().to_string();
    assert!(err.contains("census_country_1985_2025.csv"), "{err}");
}
