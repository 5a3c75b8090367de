//! Writes the whole 2024 Census HTS-10 × country import table as a `tariff batch` input,
//! every row entered on one chosen date, with the Census calculated duty carried through —
//! the input of the real-world comparison in `bench/census-2024.sh`.
//!
//! `cargo run --release -p tariff-batch --example census_table -- OUT.csv DATE [CENSUS.csv.gz]`
//!
//! One row per HTS-10 × partner with a positive 2024 customs value: `hts`, `origin` (ISO, by
//! `data/census_country_iso.csv`; the EU aggregate priced as Germany), `entry_date` = DATE,
//! `value` = the 2024 value, and the carried-through columns `cty_code`,
//! `census_duty_2024`. No quantity: the Census table has none, so lines with specific rates
//! are rejected by the engine, and counted by the comparison.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: census_table OUT.csv DATE [CENSUS.csv.gz]")?;
    let date = args.get(2).ok_or("DATE")?;
    let census = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| tariff_batch::census::CENSUS_2024_HS10.into());
    let iso = tariff_batch::census::iso_by_census_code()?;
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&census)?);
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "hts,origin,entry_date,value,cty_code,census_duty_2024")?;
    let (mut rows, mut skipped) = (0u64, 0u64);
    for rec in csv::Reader::from_reader(std::io::BufReader::new(gz)).records() {
        let rec = rec?;
        let Some(country) = iso.get(&rec[0]) else {
            return Err(format!("census country {} not in the mapping", &rec[0]).into());
        };
        let value = rec[4].trim();
        if value.is_empty() || value == "0" {
            skipped += 1;
            continue;
        }
        writeln!(
            w,
            "{},{},{},{},{},{}",
            &rec[2],
            country,
            date,
            value,
            &rec[0],
            rec[5].trim()
        )?;
        rows += 1;
    }
    w.flush()?;
    eprintln!("wrote {rows} rows to {out} ({skipped} rows with no 2024 value skipped)");
    Ok(())
}
