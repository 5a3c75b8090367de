//! The entry fields by name: one vocabulary and one input grammar for every tool.
//!
//! Each field of an [`Entry`] has one canonical name — the engine's, as in [`Entry`] and in
//! `tariff batch`'s columns — and the aliases the tools have used (`date` for `entry_date`,
//! `qty` for `quantity`, `declare` for `declared`). The CLI, the API, batch and bindings all
//! read names through [`Field::from_name`] and text through [`Entry::set`], so a field reads
//! the same everywhere:
//!
//! | kind | fields | accepted text |
//! |---|---|---|
//! | HTS number | `hts`, `chapter98` | `8471.30.01.00`, `8471300100`, 8 or 10 digits |
//! | country | `origin`, `export_country` | ISO 3166 alpha-2, any case (checked by the engine) |
//! | date | `entry_date`, `loaded_on` | `YYYY-MM-DD` ([`parse_date`]) |
//! | amount | `value`, `quantity`, the contents, `metal_weight_percent`, … | [`parse_amount`] |
//! | flag | `transshipped`, `metal_melted_in_us` | [`parse_flag`] |
//! | list | `declared` | headings separated by `,`, `;` or spaces |
//! | SPI | `spi` | a program code, any case |
//! | mode | `mode` | `vessel`, `air`, `truck`, `rail`, `other` (and `ocean`, `sea`, `road`) |
//!
//! Text is trimmed; empty text is an absent field. Bounds (negative amounts, the largest
//! amount, contents above the value) are the engine's to check when quoting, so that an entry
//! built in code is checked like one read from text.

use crate::{Entry, Mode, Spi};
use jiff::civil::Date;
use rust_decimal::Decimal;
use tariff_hts::HtsCode;

/// A field of an entry line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `hts`: the HTS number.
    Hts,
    /// `origin`: the country of origin.
    Origin,
    /// `entry_date` (alias `date`).
    EntryDate,
    /// `value`: the customs value, USD.
    Value,
    /// `quantity` (alias `qty`).
    Quantity,
    /// `spi`: the special program claimed.
    Spi,
    /// `us_content`.
    UsContent,
    /// `steel_content`.
    SteelContent,
    /// `aluminum_content`.
    AluminumContent,
    /// `copper_content`.
    CopperContent,
    /// `loaded_on`.
    LoadedOn,
    /// `export_country`.
    ExportCountry,
    /// `mode`: the mode of transport.
    Mode,
    /// `transshipped`.
    Transshipped,
    /// `metal_weight_percent`.
    MetalWeightPercent,
    /// `metal_melted_in_us`.
    MetalMeltedInUs,
    /// `declared` (alias `declare`): Chapter 99 headings declared.
    Declared,
    /// `chapter98`: the Chapter 98 provision claimed.
    Chapter98,
    /// `processing_value`.
    ProcessingValue,
    /// `us_components`.
    UsComponents,
}

/// What text a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// An HTS number.
    Code,
    /// An ISO 3166 alpha-2 country code.
    Country,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A non-negative decimal amount.
    Amount,
    /// Yes or no.
    Flag,
    /// A list of Chapter 99 headings.
    List,
    /// A special program indicator.
    Spi,
    /// A mode of transport.
    Mode,
}

impl Field {
    /// Every field, in the order of `tariff quote` and of the batch columns. The first four
    /// are required.
    pub const ALL: [Field; 20] = [
        Field::Hts,
        Field::Origin,
        Field::EntryDate,
        Field::Value,
        Field::Quantity,
        Field::Spi,
        Field::UsContent,
        Field::SteelContent,
        Field::AluminumContent,
        Field::CopperContent,
        Field::LoadedOn,
        Field::ExportCountry,
        Field::Mode,
        Field::Transshipped,
        Field::MetalWeightPercent,
        Field::MetalMeltedInUs,
        Field::Declared,
        Field::Chapter98,
        Field::ProcessingValue,
        Field::UsComponents,
    ];

    /// The canonical names, in the order of [`Field::ALL`].
    pub const NAMES: [&'static str; Field::ALL.len()] = {
        let mut names = [""; Field::ALL.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = Field::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The canonical name: the [`Entry`] field's.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Hts => "hts",
            Field::Origin => "origin",
            Field::EntryDate => "entry_date",
            Field::Value => "value",
            Field::Quantity => "quantity",
            Field::Spi => "spi",
            Field::UsContent => "us_content",
            Field::SteelContent => "steel_content",
            Field::AluminumContent => "aluminum_content",
            Field::CopperContent => "copper_content",
            Field::LoadedOn => "loaded_on",
            Field::ExportCountry => "export_country",
            Field::Mode => "mode",
            Field::Transshipped => "transshipped",
            Field::MetalWeightPercent => "metal_weight_percent",
            Field::MetalMeltedInUs => "metal_melted_in_us",
            Field::Declared => "declared",
            Field::Chapter98 => "chapter98",
            Field::ProcessingValue => "processing_value",
            Field::UsComponents => "us_components",
        }
    }

    /// Other names accepted for the field.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::EntryDate => &["date"],
            Field::Quantity => &["qty"],
            Field::Declared => &["declare"],
            _ => &[],
        }
    }

    /// What text the field takes.
    pub const fn kind(self) -> Kind {
        match self {
            Field::Hts | Field::Chapter98 => Kind::Code,
            Field::Origin | Field::ExportCountry => Kind::Country,
            Field::EntryDate | Field::LoadedOn => Kind::Date,
            Field::Value
            | Field::Quantity
            | Field::UsContent
            | Field::SteelContent
            | Field::AluminumContent
            | Field::CopperContent
            | Field::MetalWeightPercent
            | Field::ProcessingValue
            | Field::UsComponents => Kind::Amount,
            Field::Transshipped | Field::MetalMeltedInUs => Kind::Flag,
            Field::Declared => Kind::List,
            Field::Spi => Kind::Spi,
            Field::Mode => Kind::Mode,
        }
    }

    /// Whether every entry line has it (`hts`, `origin`, `entry_date`, `value`).
    pub const fn required(self) -> bool {
        matches!(
            self,
            Field::Hts | Field::Origin | Field::EntryDate | Field::Value
        )
    }

    /// The field a name stands for: the canonical name or an alias, trimmed, in any case,
    /// with `-` for `_` (`--entry-date`, `Entry_Date`, `date`).
    pub fn from_name(name: &str) -> Option<Field> {
        let n = name.trim();
        let same = |known: &str| {
            known.len() == n.len()
                && known
                    .bytes()
                    .zip(n.bytes())
                    .all(|(k, b)| k == b.to_ascii_lowercase() || (k == b'_' && b == b'-'))
        };
        Field::ALL
            .into_iter()
            .find(|f| same(f.name()) || f.aliases().iter().any(|a| same(a)))
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Entry {
    /// Sets a field from its text as the tools take it (see the [module](self) table);
    /// empty text leaves an optional field absent (or false), and is an error for a required
    /// one. The error says what is wrong with the text, without the field's name.
    pub fn set(&mut self, field: Field, text: &str) -> Result<(), String> {
        let t = text.trim();
        if t.is_empty() {
            if field.required() {
                return Err("empty".into());
            }
            return self.clear(field);
        }
        match field.kind() {
            Kind::Amount => self.set_amount(field, parse_amount(t)?),
            Kind::Date => self.set_date(field, parse_date(t)?),
            _ => self.set_other(field, t),
        }
    }

    /// Sets an amount field (`value`, `quantity`, a content, …) to a number already read.
    pub fn set_amount(&mut self, field: Field, v: Decimal) -> Result<(), String> {
        let slot = match field {
            Field::Value => {
                self.value = v;
                return Ok(());
            }
            Field::Quantity => &mut self.quantity,
            Field::UsContent => &mut self.us_content,
            Field::SteelContent => &mut self.steel_content,
            Field::AluminumContent => &mut self.aluminum_content,
            Field::CopperContent => &mut self.copper_content,
            Field::MetalWeightPercent => &mut self.metal_weight_percent,
            Field::ProcessingValue => &mut self.processing_value,
            Field::UsComponents => &mut self.us_components,
            other => return Err(format!("{other} is not an amount")),
        };
        *slot = Some(v);
        Ok(())
    }

    /// Sets a date field (`entry_date`, `loaded_on`) to a date already read.
    pub fn set_date(&mut self, field: Field, d: Date) -> Result<(), String> {
        match field {
            Field::EntryDate => self.entry_date = d,
            Field::LoadedOn => self.loaded_on = Some(d),
            other => return Err(format!("{other} is not a date")),
        }
        Ok(())
    }

    fn set_other(&mut self, field: Field, t: &str) -> Result<(), String> {
        match field {
            Field::Hts => self.hts = parse_code(t)?,
            Field::Chapter98 => self.chapter98 = Some(parse_code(t)?),
            Field::Origin => self.origin = parse_country(t),
            Field::ExportCountry => self.export_country = Some(parse_country(t)),
            Field::Spi => self.spi = Some(Spi::from(t)),
            Field::Mode => self.mode = Some(t.parse::<Mode>()?),
            Field::Transshipped => self.transshipped = parse_flag(t)?,
            Field::MetalMeltedInUs => self.metal_melted_in_us = parse_flag(t)?,
            Field::Declared => self.declared.extend(parse_list(t)),
            other => return Err(format!("{other} takes no text here")),
        }
        Ok(())
    }

    /// An optional field made absent.
    fn clear(&mut self, field: Field) -> Result<(), String> {
        match field {
            Field::Quantity => self.quantity = None,
            Field::Spi => self.spi = None,
            Field::UsContent => self.us_content = None,
            Field::SteelContent => self.steel_content = None,
            Field::AluminumContent => self.aluminum_content = None,
            Field::CopperContent => self.copper_content = None,
            Field::LoadedOn => self.loaded_on = None,
            Field::ExportCountry => self.export_country = None,
            Field::Mode => self.mode = None,
            Field::Transshipped => self.transshipped = false,
            Field::MetalWeightPercent => self.metal_weight_percent = None,
            Field::MetalMeltedInUs => self.metal_melted_in_us = false,
            Field::Declared => self.declared.clear(),
            Field::Chapter98 => self.chapter98 = None,
            Field::ProcessingValue => self.processing_value = None,
            Field::UsComponents => self.us_components = None,
            required => return Err(format!("{required} is required")),
        }
        Ok(())
    }
}

/// Reads an HTS number (dotted or not; 8 or 10 digits for an entry line, which the engine
/// checks).
pub fn parse_code(text: &str) -> Result<HtsCode, String> {
    HtsCode::parse(text.trim()).map_err(|e| e.to_string())
}

/// Reads a country code: trimmed, upper case (the engine checks it is a country).
pub fn parse_country(text: &str) -> String {
    text.trim().to_ascii_uppercase()
}

/// Reads yes or no: `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`, `on`/`off`, any case.
pub fn parse_flag(text: &str) -> Result<bool, String> {
    let t = text.trim();
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["true", "yes", "y", "1", "on"]) {
        Ok(true)
    } else if is(&["false", "no", "n", "0", "off"]) {
        Ok(false)
    } else {
        Err(format!(
            "{:?} is not a yes/no value (true/false, yes/no, y/n, 1/0, on/off)",
            t.to_ascii_lowercase()
        ))
    }
}

/// Reads a list of declared headings, separated by `,`, `;` or white space.
pub fn parse_list(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// Reads an amount or quantity as the tools accept it: decimal digits with at most one point,
/// optionally a leading `$`, `,` as thousands separators, an exponent (`1e3`, `2.5E-2`), a
/// leading `-` (which the engine then refuses as negative, naming the field); at most 40
/// characters; never through a binary float. Not `_`, spaces inside, or anything else. The one
/// grammar of `tariff quote`, `tariff batch` and the API.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if let Some(d) = plain_decimal(t.as_bytes()) {
        return Ok(d);
    }
    let bad = || format!("{text:?} is not a number");
    let body = t.strip_prefix('$').unwrap_or(t);
    if body.is_empty()
        || body.len() > 40
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+' | b'e' | b'E'))
        || body.starts_with(',')
    {
        return Err(bad());
    }
    let cleaned: std::borrow::Cow<'_, str> = if body.contains(',') {
        body.replace(',', "").into()
    } else {
        body.into()
    };
    cleaned
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&cleaned))
        .map_err(|_| bad())
}

/// `digits[.digits]` of at most 18 digits read directly, as rust_decimal reads it (the scale
/// is the number of digits after the point); `None` for anything else (signs, separators,
/// exponents, longer numbers go to rust_decimal's parser). The common case of a batch row.
fn plain_decimal(b: &[u8]) -> Option<Decimal> {
    let (mut m, mut digits, mut scale, mut point) = (0u64, 0u32, 0u32, false);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                digits += 1;
                if point {
                    scale += 1;
                }
                if digits > 18 {
                    return None;
                }
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    // "5." and "." are rust_decimal's to judge.
    if digits == 0 || (point && scale == 0) {
        return None;
    }
    Some(Decimal::from_i128_with_scale(i128::from(m), scale))
}

/// Reads a date as the tools accept it: `YYYY-MM-DD` (ISO 8601 extended), nothing else.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let bad = || format!("{text:?} is not a date (expected YYYY-MM-DD)");
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0i16, |a, c| {
            c.is_ascii_digit().then(|| a * 10 + i16::from(c - b'0'))
        })
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => Date::new(
            y,
            i8::try_from(m).map_err(|_| bad())?,
            i8::try_from(d).map_err(|_| bad())?,
        )
        .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
            assert_eq!(Field::from_name(&f.name().to_uppercase()), Some(f));
            assert_eq!(Field::from_name(&f.name().replace('_', "-")), Some(f));
            for a in f.aliases() {
                assert_eq!(Field::from_name(a), Some(f));
            }
        }
        assert_eq!(Field::from_name(" Date "), Some(Field::EntryDate));
        assert_eq!(Field::from_name("qty"), Some(Field::Quantity));
        assert_eq!(Field::from_name("declare"), Some(Field::Declared));
        assert_eq!(Field::from_name("valeu"), None);
        assert_eq!(Field::from_name("entry date"), None);
        let names: std::collections::BTreeSet<_> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Field::ALL.len());
    }

    /// The canonical names are the [`Entry`] fields' (as serde writes them).
    #[test]
    fn canonical_names_are_the_entrys() {
        let e = Entry::new(
            HtsCode::parse("6109.10.00.04").unwrap(),
            "CN",
            jiff::civil::date(2025, 6, 1),
            Decimal::ONE,
        );
        let json = serde_json::to_value(&e).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, names);
    }

    #[test]
    fn set_reads_each_kind() {
        let mut e = Entry::new(
            HtsCode::parse("6109.10.00.04").unwrap(),
            "CN",
            jiff::civil::date(2025, 6, 1),
            Decimal::ONE,
        );
        for (f, t) in [
            (Field::Hts, " 8703.23.01.90 "),
            (Field::Origin, "kr"),
            (Field::EntryDate, "2025-05-20"),
            (Field::Value, "$30,000"),
            (Field::Quantity, "2"),
            (Field::Spi, " kr "),
            (Field::ExportCountry, "jp"),
            (Field::Mode, "Ocean"),
            (Field::Transshipped, "Y"),
            (Field::MetalMeltedInUs, "off"),
            (Field::Declared, "9903.01.30; 9903.01.31,9903.01.32"),
            (Field::Chapter98, "9802.00.80"),
            (Field::LoadedOn, "2025-04-01"),
        ] {
            e.set(f, t).unwrap_or_else(|m| panic!("{f}: {m}"));
        }
        assert_eq!(e.hts.to_string(), "8703.23.01.90");
        assert_eq!((e.origin.as_str(), e.spi.as_deref()), ("KR", Some("KR")));
        assert_eq!(e.entry_date, jiff::civil::date(2025, 5, 20));
        assert_eq!(e.value, Decimal::from(30_000));
        assert_eq!(e.export_country.as_deref(), Some("JP"));
        assert_eq!(e.mode, Some(Mode::Vessel));
        assert!(e.transshipped && !e.metal_melted_in_us);
        assert_eq!(e.declared.len(), 3);
        assert_eq!(e.set(Field::Value, ""), Err("empty".into()));
        e.set(Field::Quantity, " ").unwrap();
        assert_eq!(e.quantity, None);
        assert!(e.set(Field::Transshipped, "maybe").is_err());
        assert!(e.set(Field::Mode, "teleport").is_err());
        assert!(e.set(Field::EntryDate, "20250520").is_err());
        assert!(e.set(Field::Value, "1_000").is_err());
        assert!(e.set_amount(Field::Spi, Decimal::ONE).is_err());
    }

    #[test]
    fn one_grammar_for_amounts() {
        for (t, v) in [
            ("1000", "1000"),
            ("1,000.50", "1000.50"),
            ("$1000", "1000"),
            ("1e3", "1000"),
            ("2.5E-2", "0.025"),
            (" 7 ", "7"),
            ("100000000000000.01", "100000000000000.01"),
            ("-5", "-5"),
        ] {
            assert_eq!(parse_amount(t).unwrap().to_string(), v, "{t}");
        }
        for t in [
            "", "1_000", "1 000", "abc", "NaN", "inf", "0x10", ",5", "$", "1.2.3",
        ] {
            assert!(parse_amount(t).is_err(), "{t}");
        }
    }

    /// The direct reading of plain numbers is rust_decimal's, scale included.
    #[test]
    fn plain_decimal_is_rust_decimals() {
        let mut state = 5u64;
        let mut next = move || {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut cases: Vec<String> = [
            "0",
            "00",
            "0.0",
            "007",
            "1.50",
            "123456789012345678",
            "1234567890123456789",
            "0.000000000000000001",
            ".5",
            "5.",
            "1.2.3",
            "",
            "-1",
            "+1",
            "1e3",
            "1,000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..100_000 {
            let x = next();
            let int = (x >> 20) % 10u64.pow((x % 13) as u32 + 1);
            let frac = (x >> 7) % 1000;
            cases.push(match x % 3 {
                0 => int.to_string(),
                1 => format!("{int}.{frac}"),
                _ => format!("{int}.{frac:03}"),
            });
        }
        for t in cases {
            if let Some(d) = plain_decimal(t.as_bytes()) {
                let r: Decimal = t.parse().unwrap();
                assert_eq!(d, r, "{t}");
                assert_eq!(d.to_string(), r.to_string(), "{t}");
            }
        }
        assert_eq!(plain_decimal(b"29927.76").unwrap().to_string(), "29927.76");
        assert!(plain_decimal(b"1234567890123456789").is_none());
    }

    /// The date reader agrees with jiff's parser on every date, and refuses what jiff refuses
    /// among `YYYY-MM-DD` shapes, and every other shape.
    #[test]
    fn one_grammar_for_dates() {
        let mut d = jiff::civil::date(1999, 1, 1);
        while d < jiff::civil::date(2031, 1, 1) {
            assert_eq!(parse_date(&d.to_string()), Ok(d));
            d = d.tomorrow().unwrap();
        }
        for t in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-01-32",
            "2025-1-011",
            "20x5-01-01",
            "0000-01-01",
        ] {
            assert_eq!(parse_date(t).ok(), t.parse::<Date>().ok(), "{t}");
        }
        assert_eq!(
            parse_date(" 2025-06-01 ").unwrap().to_string(),
            "2025-06-01"
        );
        for t in [
            "20250601",
            "2025-6-1",
            "2025-06-01T00:00",
            "2025-02-30",
            "06/01/2025",
            "+025-06-01",
        ] {
            assert!(parse_date(t).is_err(), "{t}");
        }
    }
}
