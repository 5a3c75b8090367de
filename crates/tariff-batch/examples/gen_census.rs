//! Generates a benchmark input: entry lines drawn from the 2024 Census HTS-10 × country
//! import mix, weighted by 2024 import value.
//!
//! `cargo run --release -p tariff-batch --example gen_census -- OUT.{csv,parquet} LINES [SEED]
//! [CENSUS.csv.gz]`
//!
//! Each line: an HTS-10 × country pair drawn with probability proportional to its 2024
//! customs value (Census country codes mapped to ISO by `data/census_country_iso.csv`; the
//! EU aggregate is priced as Germany), an entry date uniform over the days the dataset
//! covers (2025-01-01 to 2026-06-29), a value uniform in whole cents from $100.00 to
//! $100,000.00, a quantity from 1 to 2,000 (the Census table has none; specific rates need
//! one), mode truck for Canada and Mexico, otherwise vessel (70 %) or air, and a carried-through
//! `entry_ref` column. HTS numbers not in the schedule on the drawn date are drawn again.
//! Deterministic (splitmix64 from SEED); integer arithmetic only, no floats.

use arrow_array::builder::{Date32Builder, Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use std::io::Write;
use std::sync::Arc;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: gen_census OUT LINES [SEED] [CENSUS.csv.gz]")?;
    let lines: u64 = args.get(2).ok_or("LINES")?.parse()?;
    let seed: u64 = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(2024);
    let census = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| tariff_batch::census::CENSUS_2024_HS10.into());
    let iso = tariff_batch::census::iso_by_census_code()?;
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&census)?);
    let mut pairs: Vec<(tariff_hts::HtsCode, String)> = Vec::new();
    let mut cumulative: Vec<u64> = Vec::new();
    let mut total = 0u64;
    for rec in csv::Reader::from_reader(std::io::BufReader::new(gz)).records() {
        let rec = rec?;
        let Some(country) = iso.get(&rec[0]) else {
            return Err(format!("census country {} not in the mapping", &rec[0]).into());
        };
        let value: u64 = rec[4].parse().unwrap_or(0);
        let Ok(hts) = tariff_hts::HtsCode::parse(&rec[2]) else {
            continue;
        };
        if value == 0 {
            continue;
        }
        total += value;
        cumulative.push(total);
        pairs.push((hts, country.clone()));
    }
    eprintln!(
        "{} HTS-10 × country pairs, 2024 value ${total}",
        pairs.len()
    );
    let engine = tariff_engine::Engine::embedded()?;
    let first = jiff::civil::date(2025, 1, 1);
    let last = engine.schedule().covered_through();
    let days = (last - first).get_days() as u64 + 1;
    let epoch = jiff::civil::date(1970, 1, 1);
    let mut rng = Rng(seed);
    let parquet = out.ends_with(".parquet");
    let mut csv_out = (!parquet)
        .then(|| -> std::io::Result<_> {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
            writeln!(w, "entry_ref,hts,origin,entry_date,value,quantity,mode")?;
            Ok(w)
        })
        .transpose()?;
    let schema = Arc::new(Schema::new(vec![
        Field::new("entry_ref", DataType::Utf8, false),
        Field::new("hts", DataType::Utf8, false),
        Field::new("origin", DataType::Utf8, false),
        Field::new("entry_date", DataType::Date32, false),
        Field::new("value", DataType::Decimal128(18, 2), false),
        Field::new("quantity", DataType::Int64, false),
        Field::new("mode", DataType::Utf8, false),
    ]));
    let mut pq = if parquet {
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .set_max_row_group_row_count(Some(65_536))
            .build();
        Some(parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(out)?,
            schema.clone(),
            Some(props),
        )?)
    } else {
        None
    };
    let batch_rows = 65_536usize;
    let mut i = 0u64;
    while i < lines {
        let n = (lines - i).min(batch_rows as u64) as usize;
        let mut refs = StringBuilder::new();
        let mut htss = StringBuilder::new();
        let mut origins = StringBuilder::new();
        let mut dates = Date32Builder::with_capacity(n);
        let mut values = Decimal128Builder::with_capacity(n).with_precision_and_scale(18, 2)?;
        let mut qtys = Int64Builder::with_capacity(n);
        let mut modes = StringBuilder::new();
        for _ in 0..n {
            let (hts, origin, date) = loop {
                let pick = rng.below(total);
                let k = cumulative.partition_point(|c| *c <= pick);
                let date = first.checked_add(jiff::Span::new().days(rng.below(days) as i64))?;
                let (hts, origin) = &pairs[k];
                if engine.schedule().line_at(hts, date).is_ok() {
                    break (hts, origin, date);
                }
            };
            let cents = 10_000 + rng.below(10_000_000 - 10_000 + 1);
            let qty = 1 + rng.below(2000);
            let mode = match origin.as_str() {
                "CA" | "MX" => "truck",
                _ if rng.below(10) < 7 => "vessel",
                _ => "air",
            };
            i += 1;
            let entry_ref = format!("E{:08}-{:03}", i / 7, i % 7 + 1);
            if let Some(w) = csv_out.as_mut() {
                writeln!(
                    w,
                    "{entry_ref},{hts},{origin},{date},{}.{:02},{qty},{mode}",
                    cents / 100,
                    cents % 100
                )?;
            } else {
                refs.append_value(&entry_ref);
                htss.append_value(hts.to_string());
                origins.append_value(origin);
                dates.append_value((date - epoch).get_days());
                values.append_value(i128::from(cents));
                qtys.append_value(qty as i64);
                modes.append_value(mode);
            }
        }
        if let Some(w) = pq.as_mut() {
            let cols: Vec<ArrayRef> = vec![
                Arc::new(refs.finish()),
                Arc::new(htss.finish()),
                Arc::new(origins.finish()),
                Arc::new(dates.finish()),
                Arc::new(values.finish()),
                Arc::new(qtys.finish()),
                Arc::new(modes.finish()),
            ];
            w.write(&RecordBatch::try_new(schema.clone(), cols)?)?;
        }
    }
    if let Some(w) = pq {
        w.close()?;
    }
    if let Some(mut w) = csv_out {
        w.flush()?;
    }
    eprintln!("wrote {lines} lines to {out}");
    Ok(())
}
