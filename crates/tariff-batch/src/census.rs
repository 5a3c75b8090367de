//! The Census 2024 HTS-10 × partner import table, as used by the benchmark input generator
//! and the real-world comparison (`examples/gen_census.rs`, `examples/census_table.rs`).

use std::collections::HashMap;

/// Census country code → ISO 3166 alpha-2, for the 50 partners and the EU aggregate of the
/// 2024 table (`data/census_country_iso.csv`; the EU aggregate 0003 is priced as Germany).
pub const CENSUS_COUNTRY_ISO: &str = include_str!("../data/census_country_iso.csv");

/// Where the table is, relative to the project root, when `../shared` sits beside it.
pub const CENSUS_2024_HS10: &str = "../shared/sources/census_imports_2024_hs10_by_country/imports_2024_hts10_by_country_top50_plus_eu.csv.gz";

/// The mapping of [`CENSUS_COUNTRY_ISO`] as a map from Census code to ISO code.
pub fn iso_by_census_code() -> Result<HashMap<String, String>, csv::Error> {
    let mut iso = HashMap::new();
    for rec in csv::Reader::from_reader(CENSUS_COUNTRY_ISO.as_bytes()).records() {
        let rec = rec?;
        iso.insert(rec[0].to_string(), rec[1].to_string());
    }
    Ok(iso)
}
