//! The entry line: what is being imported, from where, when, for how much.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tariff_hts::HtsCode;

/// Mode of transport of the entry (the harbor maintenance fee applies to vessel shipments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Ocean or other vessel.
    Vessel,
    /// Air.
    Air,
    /// Truck.
    Truck,
    /// Rail.
    Rail,
    /// Anything else (mail, pipeline, …).
    Other,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        let t = s.trim();
        let is = |name: &str| t.eq_ignore_ascii_case(name);
        if is("vessel") || is("ocean") || is("sea") {
            Ok(Mode::Vessel)
        } else if is("air") {
            Ok(Mode::Air)
        } else if is("truck") || is("road") {
            Ok(Mode::Truck)
        } else if is("rail") {
            Ok(Mode::Rail)
        } else if is("other") {
            Ok(Mode::Other)
        } else {
            Err(format!(
                "mode {:?}: expected vessel, air, truck, rail or other",
                t.to_ascii_lowercase()
            ))
        }
    }
}

/// A special program indicator as claimed (`KR`, `S`, `S+`, `A*`): trimmed and upper case
/// however it was given, so that it is compared as the schedule writes it. Whether the
/// program exists and the goods are eligible is the engine's to say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spi(String);

impl Spi {
    /// The code, normalized.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Spi {
    fn from(code: &str) -> Spi {
        Spi(code.trim().to_ascii_uppercase())
    }
}

impl From<String> for Spi {
    fn from(code: String) -> Spi {
        Spi::from(code.as_str())
    }
}

impl std::ops::Deref for Spi {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Spi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Spi {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Spi {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Spi, D::Error> {
        String::deserialize(d).map(Spi::from)
    }
}

/// One entry line, as a broker would key it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// HTS number, 8 or 10 digits.
    pub hts: HtsCode,
    /// Country of origin, ISO 3166 alpha-2.
    pub origin: String,
    /// Date of entry for consumption or withdrawal from warehouse for consumption.
    #[serde(alias = "date")]
    pub entry_date: Date,
    /// Customs value in USD.
    pub value: Decimal,
    /// Quantity in the unit of the line's specific rate, if it has one.
    #[serde(default, alias = "qty")]
    pub quantity: Option<Decimal>,
    /// Special program claimed (SPI code such as `KR` or `S`).
    #[serde(default)]
    pub spi: Option<Spi>,
    /// Value of US content, USD.
    #[serde(default)]
    pub us_content: Option<Decimal>,
    /// Value of the steel content, USD.
    #[serde(default)]
    pub steel_content: Option<Decimal>,
    /// Value of the aluminum content, USD.
    #[serde(default)]
    pub aluminum_content: Option<Decimal>,
    /// Value of the copper content, USD.
    #[serde(default)]
    pub copper_content: Option<Decimal>,
    /// Date the goods were loaded onto the final mode of transport (in-transit rules).
    #[serde(default)]
    pub loaded_on: Option<Date>,
    /// Country of export, ISO 3166 alpha-2.
    #[serde(default)]
    pub export_country: Option<String>,
    /// Mode of transport.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// CBP has determined that the goods were transshipped to evade duties (the 40% headings
    /// 9903.01.16 and 9903.02.01 apply only then).
    #[serde(default)]
    pub transshipped: bool,
    /// Weight of the Section 232 metal (steel, aluminum, copper; several listed metals
    /// together) as a percentage of the article's weight. From 2026-04-06 an article outside
    /// chapters 72, 73, 74 and 76 with less than 15% is not subject to the metals duty
    /// (heading 9903.82.03); without it, the duty is applied and the quote says so.
    #[serde(default)]
    pub metal_weight_percent: Option<Decimal>,
    /// The metal content was melted and poured (steel) or smelted and cast (aluminum, copper)
    /// in the United States — at least 95% of it, as the 2026 headings 9903.82.06-.08 require;
    /// in 2025, derivatives processed abroad from such metal (9903.81.92, 9903.85.09).
    #[serde(default)]
    pub metal_melted_in_us: bool,
    /// Chapter 99 headings the importer declares for facts the entry line cannot show, such
    /// as donations (9903.01.30) or informational materials (9903.01.31): the measures with
    /// the `declared` condition apply only when their heading is declared.
    #[serde(default, alias = "declare")]
    pub declared: Vec<String>,
    /// The Chapter 98 provision under which entry is claimed (`9802.00.80`, `9801.00.10`),
    /// with `hts` the article's Chapter 1-97 number (a Chapter 98 number given as `hts` is
    /// taken as the provision, with no article number). Measures treat the claim as their
    /// instruments say (`stacking.yaml`, `chapter98`).
    #[serde(default)]
    pub chapter98: Option<HtsCode>,
    /// Value of the repairs, alterations or processing performed abroad, USD: the dutiable
    /// value under 9802.00.40, .50 and .60 (chapter 98 subchapter II U.S. note 3).
    #[serde(default)]
    pub processing_value: Option<Decimal>,
    /// Cost or value of the products of the United States assembled abroad, USD: 9802.00.80
    /// charges the full value less this (chapter 98 subchapter II U.S. note 4).
    #[serde(default)]
    pub us_components: Option<Decimal>,
}

impl Entry {
    /// An entry with only the required fields.
    pub fn new(hts: HtsCode, origin: &str, entry_date: Date, value: Decimal) -> Entry {
        Entry {
            hts,
            origin: origin.to_string(),
            entry_date,
            value,
            quantity: None,
            spi: None,
            us_content: None,
            steel_content: None,
            aluminum_content: None,
            copper_content: None,
            loaded_on: None,
            export_country: None,
            mode: None,
            transshipped: false,
            metal_weight_percent: None,
            metal_melted_in_us: false,
            declared: Vec::new(),
            chapter98: None,
            processing_value: None,
            us_components: None,
        }
    }
}
