//! The compact trade dataset: what the analytics need from the Census tables, built from
//! `../shared/sources` and committed as `data/trade.bin`.
//!
//! Contents ([`TradeFile`]):
//!
//! - **Bilateral goods trade** by Census partner code and year, 2021–2024 (the full years of
//!   `census_country_trade/census_country_1985_2025.csv`, the CSV form of Census
//!   `country.xlsx`, in which every partner code is in the committed table): total exports and
//!   general imports in $ millions, each the exact sum of the twelve monthly figures (checked
//!   against the file's annual column).
//! - **EO 14257 Annex I as printed** (the White House PDF of Apr. 2, 2025, as parsed in
//!   `eo_annexes/EO14257_Annex-I_2025-04-02_whitehouse_pdf.csv`): name, ISO code (through
//!   `data/annex1_names.csv`), percent.
//! - **The 2024 import basket**: imports for consumption and calculated duty, in whole
//!   dollars, by HTS-10 × partner (50 partners and the EU aggregate) and by HS-2 × partner
//!   (226 codes), stored column by column, sorted.
//!
//! Format: the magic `TARIFFTR`, a little-endian `u32` format version, then zstd (level 19)
//! of the postcard serialization. Every table is sorted, so the same inputs give the same
//! bytes ([`build`] then [`encode`]); the SHA-256 and size of each input are inside.

use crate::partners::{PartnerKind, Partners, annex1_names};
use crate::{AnalyticsError, source_err};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

/// The magic bytes at the start of the file.
pub const MAGIC: &[u8; 8] = b"TARIFFTR";
/// The format version; bump it whenever a stored type changes shape.
pub const FORMAT_VERSION: u32 = 1;
const ZSTD_LEVEL: i32 = 19;

/// The committed dataset bytes (empty until `tariff data build-trade` has been run).
pub const TRADE: &[u8] = include_bytes!("../data/trade.bin");
/// Path of the committed dataset inside this crate, for tools that rebuild or compare it.
pub const TRADE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/trade.bin");

/// The inputs, relative to the sources folder.
pub const BILATERAL_CSV: &str = "census_country_trade/census_country_1985_2025.csv";
/// EO 14257 Annex I as parsed from the White House PDF.
pub const ANNEX1_CSV: &str = "eo_annexes/EO14257_Annex-I_2025-04-02_whitehouse_pdf.csv";
/// 2024 imports and calculated duty by HTS-10 × partner.
pub const HS10_CSV: &str =
    "census_imports_2024_hs10_by_country/imports_2024_hts10_by_country_top50_plus_eu.csv.gz";
/// 2024 imports and calculated duty by HS-2 × partner.
pub const HS2_CSV: &str = "census_imports_2024_hs2_by_country/imports_2024_hs2_by_country_with_duty_and_2025_increase.csv";

/// The bilateral years kept.
pub const YEARS: std::ops::RangeInclusive<u16> = 2021..=2024;

/// The whole dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeFile {
    /// Inputs and builder.
    pub provenance: Provenance,
    /// Bilateral trade by year and Census code (aggregates included, marked by the partner
    /// table), sorted by (year, code).
    pub bilateral: Vec<Bilateral>,
    /// EO 14257 Annex I as printed, in its order.
    pub annex1: Vec<AnnexRate>,
    /// The 2024 HTS-10 × partner table.
    pub hs10: Hs10Table,
    /// The 2024 HS-2 × partner table.
    pub hs2: Hs2Table,
}

/// Who built the file from what: the same record as the schedule dataset's (`builder` is
/// `tariff-analytics <version>`, `format` is [`FORMAT_VERSION`]).
pub use tariff_schedule::model::{InputFile, Provenance};

/// A year of goods trade with one Census partner code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilateral {
    /// Calendar year.
    pub year: u16,
    /// Census code.
    pub cty_code: String,
    /// Census name.
    pub name: String,
    /// US total exports to the partner, $ millions.
    pub exports_musd: Decimal,
    /// US general imports from the partner, $ millions.
    pub imports_musd: Decimal,
}

/// A country rate as printed in EO 14257 Annex I.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexRate {
    /// The name as printed.
    pub name: String,
    /// ISO 3166-1 alpha-2, or `EU`.
    pub iso: String,
    /// The "reciprocal tariff, adjusted", percent.
    pub percent: Decimal,
}

/// 2024 imports by HTS-10 × partner, column by column, sorted by (code, HTS).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hs10Table {
    /// Census codes of the partners (the `cty` column indexes it).
    pub codes: Vec<String>,
    /// Index into `codes`.
    pub cty: Vec<u16>,
    /// HTS-10 number as an integer (`8703230190`).
    pub hts: Vec<u64>,
    /// Imports for consumption, USD.
    pub value: Vec<u64>,
    /// Calculated duty, USD.
    pub duty: Vec<u64>,
}

/// 2024 imports by HS-2 × partner, column by column, sorted by (code, chapter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hs2Table {
    /// Census codes of the partners (the `cty` column indexes it).
    pub codes: Vec<String>,
    /// Index into `codes`.
    pub cty: Vec<u16>,
    /// HS chapter (1–99).
    pub chapter: Vec<u8>,
    /// Imports, USD.
    pub value: Vec<u64>,
    /// Calculated duty, USD.
    pub duty: Vec<u64>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn read(sources: &Path, rel: &str) -> Result<Vec<u8>, AnalyticsError> {
    let p = sources.join(rel);
    std::fs::read(&p).map_err(|source| AnalyticsError::Io {
        path: p.display().to_string(),
        source,
    })
}

fn dec(path: &str, field: &str, s: &str) -> Result<Decimal, AnalyticsError> {
    Decimal::from_str(s.trim())
        .or_else(|_| Decimal::from_scientific(s.trim()))
        .map_err(|e| source_err(path, format!("{field} {s:?}: {e}")))
}

fn whole_usd(path: &str, field: &str, s: &str) -> Result<u64, AnalyticsError> {
    let d = dec(path, field, s)?;
    if d.fract() != Decimal::ZERO || d.is_sign_negative() {
        return Err(source_err(
            path,
            format!("{field} {s:?}: not a whole, non-negative dollar amount"),
        ));
    }
    u64::try_from(d).map_err(|e| source_err(path, format!("{field} {s:?}: {e}")))
}

/// Reads the sources and makes the dataset.
pub fn build(sources: &Path) -> Result<TradeFile, AnalyticsError> {
    let partners = Partners::embedded()?;
    let mut inputs = Vec::new();
    let mut record = |rel: &str, bytes: &[u8]| {
        inputs.push(InputFile {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        })
    };

    // Bilateral trade.
    let bytes = read(sources, BILATERAL_CSV)?;
    record(BILATERAL_CSV, &bytes);
    let mut bilateral = Vec::new();
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| source_err(BILATERAL_CSV, e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| source_err(BILATERAL_CSV, format!("no column {name}")))
    };
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let (c_year, c_code, c_name) = (col("year")?, col("CTY_CODE")?, col("CTYNAME")?);
    let (c_iyr, c_eyr) = (col("IYR")?, col("EYR")?);
    let c_im: Vec<usize> = MONTHS
        .iter()
        .map(|m| col(&format!("I{m}")))
        .collect::<Result<_, _>>()?;
    let c_ex: Vec<usize> = MONTHS
        .iter()
        .map(|m| col(&format!("E{m}")))
        .collect::<Result<_, _>>()?;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| source_err(BILATERAL_CSV, e.to_string()))?;
        let year: u16 = rec[c_year]
            .trim()
            .parse()
            .map_err(|_| source_err(BILATERAL_CSV, format!("year {:?}", &rec[c_year])))?;
        if !YEARS.contains(&year) {
            continue;
        }
        let code = rec[c_code].trim().to_string();
        if partners.get(&code).is_none() {
            return Err(source_err(
                BILATERAL_CSV,
                format!(
                    "Census code {code} ({}) is not in data/census_partners.csv",
                    &rec[c_name]
                ),
            ));
        }
        let sum = |cols: &[usize], total: usize, what: &str| {
            let mut s = Decimal::ZERO;
            for &c in cols {
                s += dec(BILATERAL_CSV, what, &rec[c])?;
            }
            let annual = dec(BILATERAL_CSV, what, &rec[total])?;
            if (annual - s).abs() > Decimal::new(1, 3) {
                return Err(source_err(
                    BILATERAL_CSV,
                    format!("{year} {code}: {what} months sum to {s}, annual column {annual}"),
                ));
            }
            Ok(s.normalize())
        };
        let imports_musd = sum(&c_im, c_iyr, "imports")?;
        let exports_musd = sum(&c_ex, c_eyr, "exports")?;
        bilateral.push(Bilateral {
            year,
            cty_code: code,
            name: rec[c_name].trim().to_string(),
            exports_musd,
            imports_musd,
        });
    }
    bilateral.sort_by(|a, b| (a.year, &a.cty_code).cmp(&(b.year, &b.cty_code)));
    for w in bilateral.windows(2) {
        if (w[0].year, &w[0].cty_code) == (w[1].year, &w[1].cty_code) {
            return Err(source_err(
                BILATERAL_CSV,
                format!("{} {} twice", w[0].year, w[0].cty_code),
            ));
        }
    }

    // Annex I.
    let names = annex1_names()?;
    let bytes = read(sources, ANNEX1_CSV)?;
    record(ANNEX1_CSV, &bytes);
    let mut annex1 = Vec::new();
    for rec in csv::Reader::from_reader(bytes.as_slice()).records() {
        let rec = rec.map_err(|e| source_err(ANNEX1_CSV, e.to_string()))?;
        let name = rec[0].trim().to_string();
        let iso = names.get(&name).ok_or_else(|| {
            source_err(
                ANNEX1_CSV,
                format!("{name:?} is not in data/annex1_names.csv"),
            )
        })?;
        annex1.push(AnnexRate {
            iso: iso.clone(),
            percent: dec(ANNEX1_CSV, "rate", &rec[1])?,
            name,
        });
    }

    // HTS-10 × partner.
    let gz = read(sources, HS10_CSV)?;
    record(HS10_CSV, &gz);
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut text)
        .map_err(|e| source_err(HS10_CSV, e.to_string()))?;
    let mut rows: BTreeMap<(String, u64), (u64, u64)> = BTreeMap::new();
    let mut rdr = csv::Reader::from_reader(text.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| source_err(HS10_CSV, e.to_string()))?
        .clone();
    let pos = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| source_err(HS10_CSV, format!("no column {name}")))
    };
    let (c_code, c_hts) = (pos("cty_code")?, pos("hts10")?);
    let (c_val, c_dut) = (pos("con_val_yr_2024_usd")?, pos("cal_dut_yr_2024_usd")?);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| source_err(HS10_CSV, e.to_string()))?;
        let code = rec[c_code].trim().to_string();
        known(&partners, HS10_CSV, &code)?;
        let h = rec[c_hts].trim();
        if h.len() != 10 || !h.bytes().all(|b| b.is_ascii_digit()) {
            return Err(source_err(HS10_CSV, format!("hts10 {h:?}")));
        }
        let hts: u64 = h.parse().map_err(|_| source_err(HS10_CSV, h))?;
        let v = whole_usd(HS10_CSV, "value", &rec[c_val])?;
        let d = whole_usd(HS10_CSV, "duty", &rec[c_dut])?;
        if rows.insert((code.clone(), hts), (v, d)).is_some() {
            return Err(source_err(HS10_CSV, format!("{code} {h} twice")));
        }
    }
    let mut hs10 = Hs10Table::default();
    for ((code, hts), (v, d)) in rows {
        hs10.cty.push(code_index(&mut hs10.codes, &code));
        hs10.hts.push(hts);
        hs10.value.push(v);
        hs10.duty.push(d);
    }

    // HS-2 × partner.
    let bytes = read(sources, HS2_CSV)?;
    record(HS2_CSV, &bytes);
    let mut rows: BTreeMap<(String, u8), (u64, u64)> = BTreeMap::new();
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| source_err(HS2_CSV, e.to_string()))?
        .clone();
    let pos = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| source_err(HS2_CSV, format!("no column {name}")))
    };
    let (c_hs2, c_val, c_dut, c_code) = (
        pos("HS2")?,
        pos("2024_imports")?,
        pos("2024_duty")?,
        pos("CTY_CODE")?,
    );
    for rec in rdr.records() {
        let rec = rec.map_err(|e| source_err(HS2_CSV, e.to_string()))?;
        let code = rec[c_code].trim().to_string();
        known(&partners, HS2_CSV, &code)?;
        let ch: u8 = rec[c_hs2]
            .trim()
            .parse()
            .ok()
            .filter(|c| (1..=99).contains(c))
            .ok_or_else(|| source_err(HS2_CSV, format!("HS2 {:?}", &rec[c_hs2])))?;
        let v = whole_usd(HS2_CSV, "2024_imports", &rec[c_val])?;
        let d = whole_usd(HS2_CSV, "2024_duty", &rec[c_dut])?;
        if rows.insert((code.clone(), ch), (v, d)).is_some() {
            return Err(source_err(HS2_CSV, format!("{code} {ch:02} twice")));
        }
    }
    let mut hs2 = Hs2Table::default();
    for ((code, ch), (v, d)) in rows {
        hs2.cty.push(code_index(&mut hs2.codes, &code));
        hs2.chapter.push(ch);
        hs2.value.push(v);
        hs2.duty.push(d);
    }

    Ok(TradeFile {
        provenance: Provenance {
            builder: format!("tariff-analytics {}", env!("CARGO_PKG_VERSION")),
            format: FORMAT_VERSION,
            inputs,
        },
        bilateral,
        annex1,
        hs10,
        hs2,
    })
}

fn known(partners: &Partners, path: &str, code: &str) -> Result<(), AnalyticsError> {
    match partners.get(code) {
        Some(p) if p.kind != PartnerKind::Aggregate => Ok(()),
        Some(_) => Err(source_err(
            path,
            format!("{code} is an aggregate, not a partner"),
        )),
        None => Err(source_err(
            path,
            format!("Census code {code} is not in data/census_partners.csv"),
        )),
    }
}

/// Rows arrive sorted by code, so a new code is always the next index.
fn code_index(codes: &mut Vec<String>, code: &str) -> u16 {
    if codes.last().map(String::as_str) != Some(code) {
        codes.push(code.to_string());
    }
    (codes.len() - 1) as u16
}

/// Serializes and compresses.
pub fn encode(file: &TradeFile) -> Result<Vec<u8>, AnalyticsError> {
    let raw = postcard::to_allocvec(file).map_err(|e| AnalyticsError::Dataset(e.to_string()))?;
    let packed = zstd::bulk::compress(&raw, ZSTD_LEVEL)
        .map_err(|e| AnalyticsError::Dataset(e.to_string()))?;
    let mut out = Vec::with_capacity(packed.len() + 12);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&packed);
    Ok(out)
}

/// Checks the header, decompresses and deserializes.
pub fn decode(bytes: &[u8]) -> Result<TradeFile, AnalyticsError> {
    if bytes.is_empty() {
        return Err(AnalyticsError::Dataset(
            "the trade dataset is empty: run `tariff data build-trade --sources ../shared/sources --out crates/tariff-analytics/data/trade.bin`".into(),
        ));
    }
    if bytes.len() < 12 || &bytes[..8] != MAGIC {
        return Err(AnalyticsError::Dataset("not a trade dataset".into()));
    }
    let mut version = [0u8; 4];
    version.copy_from_slice(&bytes[8..12]);
    let version = u32::from_le_bytes(version);
    if version != FORMAT_VERSION {
        return Err(AnalyticsError::Dataset(format!(
            "format version {version}, expected {FORMAT_VERSION}"
        )));
    }
    let raw = zstd::stream::decode_all(&bytes[12..])
        .map_err(|e| AnalyticsError::Dataset(e.to_string()))?;
    let file: TradeFile =
        postcard::from_bytes(&raw).map_err(|e| AnalyticsError::Dataset(e.to_string()))?;
    let n = file.hs10.cty.len();
    let m = file.hs2.cty.len();
    if [
        file.hs10.hts.len(),
        file.hs10.value.len(),
        file.hs10.duty.len(),
    ] != [n; 3]
        || [
            file.hs2.chapter.len(),
            file.hs2.value.len(),
            file.hs2.duty.len(),
        ] != [m; 3]
        || file
            .hs10
            .cty
            .iter()
            .any(|&c| c as usize >= file.hs10.codes.len())
        || file
            .hs2
            .cty
            .iter()
            .any(|&c| c as usize >= file.hs2.codes.len())
    {
        return Err(AnalyticsError::Dataset("columns of unequal length".into()));
    }
    Ok(file)
}

/// The committed dataset, decoded.
pub fn embedded() -> Result<TradeFile, AnalyticsError> {
    decode(TRADE)
}

/// The provenance as pretty JSON (written beside the dataset as `*.provenance.json`).
pub fn provenance_json(file: &TradeFile) -> String {
    let years: std::collections::BTreeSet<u16> = file.bilateral.iter().map(|b| b.year).collect();
    let v = serde_json::json!({
        "builder": file.provenance.builder,
        "format": file.provenance.format,
        "inputs": file.provenance.inputs.iter().map(|i| serde_json::json!({
            "path": i.path, "sha256": i.sha256, "bytes": i.bytes})).collect::<Vec<_>>(),
        "bilateral_years": years,
        "bilateral_rows": file.bilateral.len(),
        "annex1_rows": file.annex1.len(),
        "hs10_rows": file.hs10.cty.len(),
        "hs10_partners": file.hs10.codes,
        "hs2_rows": file.hs2.cty.len(),
        "hs2_partners": file.hs2.codes.len(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
