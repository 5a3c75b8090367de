//! US trade measures as cited, dated data.
//!
//! Every duty beyond the base rate of the schedule — IEEPA fentanyl and reciprocal tariffs,
//! Sections 232, 301 and 122, … — is a [`Measure`] in a YAML file under `data/measures/`,
//! naming its legal instrument, its Chapter 99 heading, the countries and goods it covers,
//! its rate and how it stacks, and its effective interval `[from, until)`. Alongside them:
//! the country table and groups (`countries.yaml`), product lists (`lists/*.csv`), column 2
//! countries (`column2.yaml`), the MPF and HMF fees (`fees.yaml`) and the reporting order
//! (`stacking.yaml`). [`Measures::embedded`] loads and validates them all; a file that breaks
//! a rule is an error naming the file and the measure. No rate, country list or date is
//! written in Rust: the engine (`tariff-engine`) only follows these records.
//!
//! See `docs/measures.md` for the schema and the stacking rule.

pub mod coverage;
pub mod overrides;
pub mod schema;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use tariff_hts::HtsCode;

pub use schema::{
    Authority, BaseRateTest, Basis, CarveOut, CarvePortion, Conditions, Confidence, CountryScope,
    FloorAgainst, Interval, Measure, MeasureFile, MeasureRate, MeasureRow, Portion, ProductRule,
    ProductScope, Target,
};

mod chapter98;
pub use chapter98::{Chapter98, Chapter98Rule, Chapter98Treatment, Dutiable, ValueAdded};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

const COUNTRIES_YAML: &str = include_str!("../data/countries.yaml");
const STACKING_YAML: &str = include_str!("../data/stacking.yaml");
const COLUMN2_YAML: &str = include_str!("../data/column2.yaml");
const FEES_YAML: &str = include_str!("../data/fees.yaml");

/// The texts the measures are loaded from, by file: the embedded data ([`Sources::embedded`])
/// or files read elsewhere.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// Measure files, `(name, YAML)`.
    pub measure_files: &'a [(&'a str, &'a str)],
    /// Product list files, `(name.csv, text)`.
    pub list_files: &'a [(&'a str, &'a str)],
    /// `countries.yaml`.
    pub countries: &'a str,
    /// `stacking.yaml`.
    pub stacking: &'a str,
    /// `column2.yaml` (none: no column 2 country).
    pub column2: Option<&'a str>,
    /// `fees.yaml` (none: no fee).
    pub fees: Option<&'a str>,
}

impl Sources<'static> {
    /// The data embedded at compile time.
    pub fn embedded() -> Sources<'static> {
        Sources {
            measure_files: embedded::MEASURE_FILES,
            list_files: embedded::LIST_FILES,
            countries: COUNTRIES_YAML,
            stacking: STACKING_YAML,
            column2: Some(COLUMN2_YAML),
            fees: Some(FEES_YAML),
        }
    }
}

/// A country of origin as the measures index it ([`Measures::country_slot`]): its place in
/// the country table, or the place after the last for an origin not in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CountrySlot(usize);

/// Why the measure data is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MeasureError {
    /// A file is not valid YAML for its schema.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A measure breaks a rule.
    #[error("{file}: measure {id}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The measure id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// A table other than a measure file breaks a rule.
    #[error("{file}: {message}")]
    Table {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// The country table: ISO codes with names, and named groups.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Countries {
    /// ISO 3166 alpha-2 code → name.
    pub countries: BTreeMap<String, String>,
    /// Group name (`EU`) → member codes.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
}

impl Countries {
    /// Whether `code` is a known ISO code.
    pub fn is_country(&self, code: &str) -> bool {
        self.countries.contains_key(code)
    }

    /// The codes a name stands for: itself if a country, the members if a group.
    pub fn expand<'a>(&'a self, name: &'a str) -> Option<Vec<&'a str>> {
        if self.countries.contains_key(name) {
            Some(vec![name])
        } else {
            self.groups
                .get(name)
                .map(|m| m.iter().map(String::as_str).collect())
        }
    }

    /// The name of a country.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.countries.get(code).map(String::as_str)
    }
}

/// Countries whose goods pay the column 2 rate.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column2Entry {
    /// ISO codes.
    pub countries: Vec<String>,
    /// Legal citation.
    pub citation: String,
    /// When.
    pub effective: Interval,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Column2File {
    column2: Vec<Column2Entry>,
}

/// The merchandise processing fee for one fiscal year.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MpfRate {
    /// Fiscal year (October–September, named by the year it ends in).
    pub fiscal_year: u16,
    /// Entry dates it covers.
    pub effective: Interval,
    /// Ad valorem percent.
    pub percent: Decimal,
    /// Minimum per formal entry, USD.
    pub minimum: Decimal,
    /// Maximum per formal entry, USD.
    pub maximum: Decimal,
    /// SPI codes whose originating goods are exempt from the MPF (19 U.S.C. 58c(b)(10) and
    /// the FTA implementing acts), when the claim is eligible.
    #[serde(default)]
    pub exempt_spi: Vec<String>,
    /// Legal citation.
    pub citation: String,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
}

/// The harbor maintenance fee.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmfRate {
    /// Entry dates it covers.
    pub effective: Interval,
    /// Ad valorem percent.
    pub percent: Decimal,
    /// Legal citation.
    pub citation: String,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
}

/// The fee tables.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fees {
    /// MPF per fiscal year.
    pub mpf: Vec<MpfRate>,
    /// HMF.
    pub hmf: Vec<HmfRate>,
}

impl Fees {
    /// The MPF rate for an entry date.
    pub fn mpf_at(&self, date: Date) -> Option<&MpfRate> {
        self.mpf.iter().find(|m| m.effective.contains(date))
    }

    /// The HMF rate for an entry date.
    pub fn hmf_at(&self, date: Date) -> Option<&HmfRate> {
        self.hmf.iter().find(|m| m.effective.contains(date))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StackingFile {
    reporting_order: Vec<Authority>,
    #[serde(default)]
    not_modeled: Vec<NotModeled>,
    #[serde(default)]
    unknown_content: Option<UnknownContent>,
    #[serde(default)]
    chapter98: Chapter98,
}

/// What a quote assumes for a Section 232 metal content the entry does not give
/// (`stacking.yaml`): CBP's instruction, cited.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnknownContent {
    /// The instruction, cited (CSMS messages, the notes).
    pub citation: String,
    /// How the engine applies it, and what the sources leave open.
    pub note: String,
}

/// A duty that applies in law but is not yet modeled: quotes that may be subject to it get a
/// warning (`stacking.yaml`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotModeled {
    /// Its authority.
    pub authority: Authority,
    /// The line's footnotes reference a heading starting with one of these.
    #[serde(default)]
    pub footnote_prefixes: Vec<String>,
    /// Or the line's number starts with one of these.
    #[serde(default)]
    pub hts_prefixes: Vec<String>,
    /// Only for these origins (empty: any).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Only for entries in this interval.
    #[serde(default)]
    pub effective: Option<Interval>,
    /// What to tell the user.
    pub note: String,
}

/// A named product list: HTS numbers (8 or 10 digits), sorted.
#[derive(Clone, Debug, Default)]
pub struct ProductList {
    /// The digits of each number, sorted and unique.
    pub codes: Vec<String>,
    /// Header comments of the file (its provenance).
    pub header: Vec<String>,
}

impl ProductList {
    fn parse(file: &str, text: &str) -> Result<ProductList, MeasureError> {
        let mut list = ProductList::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix('#') {
                list.header.push(comment.trim().to_string());
                continue;
            }
            if line.is_empty() || (n == 0 || list.codes.is_empty()) && line.starts_with("hts") {
                continue;
            }
            let first = line.split(',').next().unwrap_or("").trim();
            let code = HtsCode::parse(first).map_err(|e| MeasureError::Table {
                file: file.to_string(),
                message: format!("line {}: {e}", n + 1),
            })?;
            list.codes.push(code.digits().to_string());
        }
        list.codes.sort();
        list.codes.dedup();
        Ok(list)
    }
}

/// All measure data, loaded and validated.
#[derive(Clone, Debug)]
pub struct Measures {
    /// Every measure, in file order (files sorted by name).
    measures: Vec<Measure>,
    /// Which file each measure came from (same index).
    files: Vec<String>,
    /// Country table.
    countries: Countries,
    /// Named product lists.
    lists: BTreeMap<String, ProductList>,
    /// Column 2 countries.
    column2: Vec<Column2Entry>,
    /// Fees.
    fees: Fees,
    /// Reporting order of authorities.
    reporting_order: Vec<Authority>,
    /// Duties not yet modeled, for warnings.
    not_modeled: Vec<NotModeled>,
    /// What a quote assumes for a metal content not given.
    unknown_content: Option<UnknownContent>,
    /// Entries claimed under a Chapter 98 provision.
    chapter98: Chapter98,
    /// Per measure (same index): the countries covered (`None`: all) and excepted, with
    /// groups expanded.
    scopes: Vec<(Option<CountrySet>, CountrySet)>,
    /// The country codes in table order (sorted), for [`Measures::country_slot`].
    country_codes: Vec<String>,
    /// Per measure (same index): the digits of its `hts` product rules, sorted, for include
    /// and exclude.
    hts_rules: Vec<(PrefixSet, PrefixSet)>,
    /// Per country (by [`Measures::country_slot`], plus one last list for origins not in the
    /// table): the indices of the measures whose countries cover it, in data order.
    by_country: Vec<Vec<u32>>,
    /// Measure index by id.
    ids: std::collections::HashMap<String, usize>,
    /// Per measure (same index): the 8-digit subheadings (as numbers) under which its `hts` or
    /// `list` rules name particular 10-digit statistical numbers, sorted.
    splits: Vec<Vec<u64>>,
    /// Per measure (same index): the headings of its `footnote` rules, include and exclude.
    footnote_rules: Vec<(Vec<HtsCode>, Vec<HtsCode>)>,
    /// Per measure (same index): the chapters its `include` rules can reach, as bits 1-99
    /// (`None`: any chapter — no include rule, or a footnote rule), for a quick first test.
    include_chapters: Vec<Option<u128>>,
}

/// Parses YAML with enums written as one-key maps (`{only: [KR]}`, `{additional: {...}}`)
/// or plain strings for unit variants (`all`), at any depth.
fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, MeasureError> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    serde_yaml_ng::with::singleton_map_recursive::deserialize(de).map_err(|e| MeasureError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })
}

impl Measures {
    /// Loads and validates the data embedded at compile time.
    pub fn embedded() -> Result<Measures, MeasureError> {
        Measures::from_sources(&Sources::embedded())
    }

    /// Loads and validates measure files `(name, yaml)` and list files `(name.csv, text)`
    /// with the given tables.
    pub fn from_sources(sources: &Sources<'_>) -> Result<Measures, MeasureError> {
        let Sources {
            measure_files,
            list_files,
            countries: countries_yaml,
            stacking: stacking_yaml,
            column2: column2_yaml,
            fees: fees_yaml,
        } = *sources;
        let countries: Countries = parse_yaml("countries.yaml", countries_yaml)?;
        for (g, members) in &countries.groups {
            if let Some(bad) = members.iter().find(|m| !countries.is_country(m)) {
                return Err(MeasureError::Table {
                    file: "countries.yaml".into(),
                    message: format!("group {g}: unknown country {bad}"),
                });
            }
        }
        let stacking: StackingFile = parse_yaml("stacking.yaml", stacking_yaml)?;
        let column2 = match column2_yaml {
            Some(t) => parse_yaml::<Column2File>("column2.yaml", t)?.column2,
            None => Vec::new(),
        };
        for c in &column2 {
            check_countries_table("column2.yaml", &countries, &c.countries)?;
        }
        let fees: Fees = match fees_yaml {
            Some(t) => parse_yaml("fees.yaml", t)?,
            None => Fees::default(),
        };
        let mut lists = BTreeMap::new();
        for (name, text) in list_files {
            let key = name.strip_suffix(".csv").unwrap_or(name).to_string();
            lists.insert(key, ProductList::parse(name, text)?);
        }
        let mut measures = Vec::new();
        let mut files = Vec::new();
        for (name, text) in measure_files {
            let file: MeasureFile = parse_yaml(name, text)?;
            for m in file.measures {
                measures.push(m);
                files.push(name.to_string());
            }
        }
        let mut all = Measures {
            measures,
            files,
            countries,
            lists,
            column2,
            fees,
            reporting_order: stacking.reporting_order,
            not_modeled: stacking.not_modeled,
            unknown_content: stacking.unknown_content,
            chapter98: stacking.chapter98,
            scopes: Vec::new(),
            country_codes: Vec::new(),
            hts_rules: Vec::new(),
            footnote_rules: Vec::new(),
            ids: Default::default(),
            splits: Vec::new(),
            by_country: Vec::new(),
            include_chapters: Vec::new(),
        };
        all.validate()?;
        let index: BTreeMap<&str, usize> = all
            .countries
            .countries
            .keys()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let to_set = |names: &mut dyn Iterator<Item = &String>| {
            let mut set = CountrySet::default();
            for n in names {
                for c in all.countries.expand(n).unwrap_or_default() {
                    if let Some(&i) = index.get(c) {
                        set.insert(i);
                    }
                }
            }
            set
        };
        let scopes = all
            .measures
            .iter()
            .map(|m| {
                let inside = match &m.countries {
                    CountryScope::All => None,
                    CountryScope::Only(list) => Some(to_set(&mut list.iter())),
                };
                (inside, to_set(&mut m.except_countries.iter()))
            })
            .collect();
        all.scopes = scopes;
        all.country_codes = all.countries.countries.keys().cloned().collect();
        all.hts_rules = all
            .measures
            .iter()
            .map(|m| {
                (
                    hts_digits(&m.products.include, &all.lists),
                    hts_digits(&m.products.exclude, &all.lists),
                )
            })
            .collect();
        all.splits = all
            .hts_rules
            .iter()
            .map(|(inc, exc)| {
                let mut v: Vec<u64> = inc
                    .0
                    .iter()
                    .chain(exc.0.iter())
                    .filter(|k| *k & 0xf == 10)
                    .map(|k| (k >> 4) / 100)
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        all.by_country = (0..=all.country_codes.len())
            .map(|c| {
                let c = CountrySlot(c);
                (0..all.measures.len())
                    .filter(|&i| all.covers_country_at(i, c))
                    .map(|i| i as u32)
                    .collect()
            })
            .collect();
        all.ids = all
            .measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        all.footnote_rules = all
            .measures
            .iter()
            .map(|m| {
                (
                    footnote_codes(&m.products.include),
                    footnote_codes(&m.products.exclude),
                )
            })
            .collect();
        all.include_chapters = all
            .measures
            .iter()
            .map(|m| include_chapters(&m.products.include, &all.lists))
            .collect();
        Ok(all)
    }

    /// Whether the `hts`/`list` rules of the measure at `index` name particular 10-digit
    /// statistical numbers under the 8-digit subheading `code8` (its digits as a number), so
    /// that an entry given at 8 digits may not get the duty of its statistical number.
    pub fn splits_below(&self, index: usize, code8: u64) -> bool {
        self.splits
            .get(index)
            .is_some_and(|v| v.binary_search(&code8).is_ok())
    }

    /// The headings named by the `footnote` rules of the measure at `index` (include,
    /// exclude), parsed at load.
    pub fn footnote_rules(&self, index: usize) -> (&[HtsCode], &[HtsCode]) {
        self.footnote_rules
            .get(index)
            .map_or((&[][..], &[][..]), |(i, e)| (i.as_slice(), e.as_slice()))
    }

    /// Whether the `include` rules of the measure at `index` can cover a line of `chapter` at
    /// all (a cheap test before [`Measures::hts_rule_match`] and the other rules).
    pub fn may_cover_chapter(&self, index: usize, chapter: u8) -> bool {
        match self.include_chapters.get(index) {
            Some(Some(bits)) => chapter < 128 && bits & (1u128 << chapter) != 0,
            _ => true,
        }
    }

    /// Whether an entry line's number, given as its [`hts_prefixes`], falls under the `hts`
    /// and `list` product rules of the measure at `index`: `(in include rules, in exclude rules)`.
    pub fn hts_rule_match(&self, index: usize, prefixes: &[(u8, u64)]) -> (bool, bool) {
        match self.hts_rules.get(index) {
            Some((inc, exc)) => (
                !inc.is_empty() && prefixes.iter().any(|p| inc.contains(p)),
                !exc.is_empty() && prefixes.iter().any(|p| exc.contains(p)),
            ),
            None => (false, false),
        }
    }

    fn validate(&self) -> Result<(), MeasureError> {
        let mut ids = BTreeSet::new();
        let groups: BTreeSet<&str> = self.measures.iter().map(|m| m.group.as_str()).collect();
        for (m, file) in self.measures.iter().zip(&self.files) {
            let bad = |message: String| {
                Err(MeasureError::Invalid {
                    file: file.clone(),
                    id: m.id.clone(),
                    message,
                })
            };
            let kebab = !m.id.is_empty()
                && m.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !kebab {
                return bad("id must be lower-case kebab (a-z, 0-9, -)".into());
            }
            if !ids.insert(m.id.as_str()) {
                return bad("duplicate id".into());
            }
            if m.citation.trim().is_empty() || m.instrument.trim().is_empty() {
                return bad("citation and instrument are required".into());
            }
            if m.group.trim().is_empty() {
                return bad("group is required".into());
            }
            if m.effective.is_empty() {
                return bad(format!(
                    "empty interval: from {} until {:?}",
                    m.effective.from, m.effective.until
                ));
            }
            if let CountryScope::Only(list) = &m.countries {
                if list.is_empty() {
                    return bad("countries: only [] is empty; use `all` or name countries".into());
                }
                if let Some(c) = list.iter().find(|c| self.countries.expand(c).is_none()) {
                    return bad(format!("unknown country or group {c}"));
                }
            }
            if let Some(c) = m
                .except_countries
                .iter()
                .find(|c| self.countries.expand(c).is_none())
            {
                return bad(format!("unknown country or group {c} in except_countries"));
            }
            if let Some(c) = m
                .conditions
                .export_countries
                .iter()
                .find(|c| self.countries.expand(c).is_none())
            {
                return bad(format!(
                    "unknown country {c} in conditions.export_countries"
                ));
            }
            for rule in m.products.include.iter().chain(&m.products.exclude) {
                match rule {
                    ProductRule::Hts(codes) => {
                        for c in codes {
                            if HtsCode::parse(c).is_err() {
                                return bad(format!(
                                    "products: {c:?} is not an HTS number or prefix"
                                ));
                            }
                        }
                    }
                    ProductRule::List(name) => {
                        if !self.lists.contains_key(name) {
                            return bad(format!("products: no list data/lists/{name}.csv"));
                        }
                    }
                    ProductRule::Footnote(h) => {
                        if HtsCode::parse(h).map(|c| c.len()) != Ok(8) {
                            return bad(format!(
                                "products: footnote {h:?} is not an 8-digit heading"
                            ));
                        }
                    }
                    ProductRule::Chapters(ch) => {
                        if ch.iter().any(|&c| c == 0 || c > 99) {
                            return bad("products: chapters are 1-99".into());
                        }
                    }
                }
            }
            match &m.rate {
                MeasureRate::Additional { percent, .. } | MeasureRate::Floor { percent, .. } => {
                    if percent.is_sign_negative() {
                        return bad("negative rate".into());
                    }
                }
                MeasureRate::Exempt { reason, .. } => {
                    if reason.trim().is_empty() {
                        return bad("exempt needs a reason".into());
                    }
                }
            }
            let names = |x: &Target| match x {
                Target::Group(g) => groups.contains(g.as_str()),
                Target::Id(id) => self.measures.iter().any(|o| o.id == *id),
            };
            if let Some(x) = m.excludes.iter().find(|x| !names(x)) {
                return bad(format!(
                    "excludes {:?}: no such measure or group",
                    x.to_string()
                ));
            }
            for c in &m.carve_out {
                if c.from.is_empty() {
                    return bad("carve_out: `from` is empty".into());
                }
                if let Some(x) = c.from.iter().find(|x| !names(x)) {
                    return bad(format!(
                        "carve_out from {:?}: no such measure or group",
                        x.to_string()
                    ));
                }
                if let Some(d) = &c.declare {
                    match self.measures.iter().find(|o| &o.id == d) {
                        Some(o) if o.declared_only => {}
                        Some(_) => {
                            return bad(format!(
                                "carve_out declares {d:?}, which is not `declared_only`"
                            ));
                        }
                        None => return bad(format!("carve_out declares {d:?}: no such measure")),
                    }
                }
            }
            if m.conditions.declared && m.heading.is_none() {
                return bad("a measure with the `declared` condition needs a heading".into());
            }
            if m.declared_only && !matches!(m.rate, MeasureRate::Exempt { .. }) {
                return bad("a `declared_only` measure must be `exempt`".into());
            }
        }
        // One heading, one country, one day: at most one measure.
        for (i, a) in self.measures.iter().enumerate() {
            let Some(h) = a.heading else { continue };
            for b in &self.measures[i + 1..] {
                if b.heading == Some(h)
                    && a.effective.overlaps(&b.effective)
                    && self.countries_overlap(a, b)
                    && a.products == b.products
                    && a.conditions == b.conditions
                {
                    return Err(MeasureError::Invalid {
                        file: self.files[i].clone(),
                        id: a.id.clone(),
                        message: format!(
                            "heading {h} overlaps measure {} in time and countries",
                            b.id
                        ),
                    });
                }
            }
        }
        for f in &self.fees.mpf {
            if f.minimum > f.maximum {
                return Err(MeasureError::Table {
                    file: "fees.yaml".into(),
                    message: format!("MPF FY{}: minimum above maximum", f.fiscal_year),
                });
            }
        }
        self.validate_chapter98(&ids)
    }

    /// The Chapter 98 rules of `stacking.yaml` name Chapter 98 provisions and known measures.
    fn validate_chapter98(&self, ids: &BTreeSet<&str>) -> Result<(), MeasureError> {
        let bad = |message: String| {
            Err(MeasureError::Table {
                file: "stacking.yaml".into(),
                message: format!("chapter98: {message}"),
            })
        };
        let c = &self.chapter98;
        let provisions = c
            .value_added
            .iter()
            .map(|v| &v.provision)
            .chain(c.rules.iter().flat_map(|r| &r.full_value));
        for p in provisions {
            if p.chapter() != 98 {
                return bad(format!("{p} is not a chapter 98 provision"));
            }
        }
        for r in &c.rules {
            if r.citation.trim().is_empty() {
                return bad("every rule needs a citation".into());
            }
            if let Some(id) = r.measures.iter().find(|id| !ids.contains(id.as_str())) {
                return bad(format!("unknown measure {id}"));
            }
        }
        Ok(())
    }

    fn expand_scope(&self, m: &Measure) -> Option<BTreeSet<String>> {
        match &m.countries {
            CountryScope::All => None,
            CountryScope::Only(list) => Some(
                list.iter()
                    .flat_map(|c| self.countries.expand(c).unwrap_or_default())
                    .map(str::to_string)
                    .collect(),
            ),
        }
    }

    fn countries_overlap(&self, a: &Measure, b: &Measure) -> bool {
        match (self.expand_scope(a), self.expand_scope(b)) {
            (Some(x), Some(y)) => x.intersection(&y).next().is_some(),
            _ => true,
        }
    }

    /// The place of `origin` in the country table, as the measures index it (an origin not
    /// in the table has the place after the last: no measure names it).
    pub fn country_slot(&self, origin: &str) -> CountrySlot {
        CountrySlot(
            self.country_codes
                .binary_search_by(|c| c.as_str().cmp(origin))
                .unwrap_or(self.country_codes.len()),
        )
    }

    /// The indices of the measures whose countries cover the country at `country`.
    pub fn for_country(&self, country: CountrySlot) -> &[u32] {
        self.by_country
            .get(country.0)
            .map_or(&[][..], Vec::as_slice)
    }

    /// Whether goods of the country at `country` (from [`Measures::country_slot`]) are
    /// covered by the countries of the measure at `index`.
    pub fn covers_country_at(&self, index: usize, country: CountrySlot) -> bool {
        let c = country.0;
        match self.scopes.get(index) {
            Some((inside, except)) => {
                inside.as_ref().is_none_or(|s| s.contains(c)) && !except.contains(c)
            }
            None => false,
        }
    }

    /// Column 2 applies to goods of `origin` on `date`.
    pub fn column2(&self, origin: &str, date: Date) -> Option<&Column2Entry> {
        self.column2
            .iter()
            .find(|c| c.effective.contains(date) && c.countries.iter().any(|x| x == origin))
    }

    /// Every measure, in file order (files sorted by name).
    pub fn all(&self) -> &[Measure] {
        &self.measures
    }

    /// Which file each measure came from (same index as [`Measures::all`]).
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The country table.
    pub fn countries(&self) -> &Countries {
        &self.countries
    }

    /// The named product lists.
    pub fn lists(&self) -> &BTreeMap<String, ProductList> {
        &self.lists
    }

    /// The column 2 entries (countries and dates).
    pub fn column2_entries(&self) -> &[Column2Entry] {
        &self.column2
    }

    /// The fees.
    pub fn fees(&self) -> &Fees {
        &self.fees
    }

    /// The reporting order of authorities.
    pub fn reporting_order(&self) -> &[Authority] {
        &self.reporting_order
    }

    /// The duties not yet modeled (for warnings).
    pub fn not_modeled(&self) -> &[NotModeled] {
        &self.not_modeled
    }

    /// What a quote assumes for a metal content not given.
    pub fn unknown_content(&self) -> Option<&UnknownContent> {
        self.unknown_content.as_ref()
    }

    /// How entries claimed under a Chapter 98 provision are treated.
    pub fn chapter98(&self) -> &Chapter98 {
        &self.chapter98
    }

    /// A measure by id.
    pub fn get(&self, id: &str) -> Option<&Measure> {
        self.index_of(id).map(|i| &self.measures[i])
    }

    /// The position of a measure by id, for [`Measures::covers_country_at`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// Position of an authority in the reporting order.
    pub fn report_rank(&self, a: Authority) -> usize {
        self.reporting_order
            .iter()
            .position(|x| *x == a)
            .unwrap_or(self.reporting_order.len())
    }
}

/// HTS numbers as (digit count, value) keys.
/// HTS numbers and prefixes as (number of digits, value), packed into one `u64` and hashed
/// with a multiplicative hash: a lookup is a multiply and a probe (SipHash cost more than the
/// rest of a quote's matching).
#[derive(Clone, Debug, Default)]
struct PrefixSet(std::collections::HashSet<u64, std::hash::BuildHasherDefault<PackedHasher>>);

/// Hashes a packed prefix key (Fibonacci hashing); only `write_u64` is used.
#[derive(Clone, Copy, Debug, Default)]
struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Digits of an HTS number or prefix (at most 10, so below 2^34) and its length in one key.
fn pack((len, value): (u8, u64)) -> u64 {
    (value << 4) | u64::from(len)
}

impl PrefixSet {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, key: &(u8, u64)) -> bool {
        self.0.contains(&pack(*key))
    }
}

impl Extend<(u8, u64)> for PrefixSet {
    fn extend<I: IntoIterator<Item = (u8, u64)>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(pack));
    }
}

/// A set of countries by their position in the country table.
#[derive(Clone, Debug, Default)]
struct CountrySet(Vec<u64>);

impl CountrySet {
    fn insert(&mut self, i: usize) {
        if self.0.len() <= i / 64 {
            self.0.resize(i / 64 + 1, 0);
        }
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The prefixes of an HTS number as (length, value): `8703.23.01` gives (2, 87), (4, 8703),
/// (6, 870323), (8, 87032301). Product rules are matched on these.
pub fn hts_prefixes(code: &HtsCode) -> Vec<(u8, u64)> {
    // The whole number's value, cut down a power of ten per prefix (no text parsed).
    let (len, all) = (code.len(), code.packed() >> 4);
    [2usize, 4, 6, 8, 10]
        .iter()
        .filter(|&&n| n <= len)
        .map(|&n| (n as u8, all / 10u64.pow((len - n) as u32)))
        .collect()
}

/// The `hts` and `list` rules of a rule list as (length, value) keys: named lists are
/// expanded here, once, so that matching an entry line is a few hash lookups.
fn hts_digits(rules: &[ProductRule], lists: &BTreeMap<String, ProductList>) -> PrefixSet {
    let mut set = PrefixSet::default();
    for r in rules {
        match r {
            ProductRule::Hts(codes) => set.extend(
                codes
                    .iter()
                    .filter_map(|c| HtsCode::parse(c).ok())
                    .filter_map(|c| c.digits().parse::<u64>().ok().map(|v| (c.len() as u8, v))),
            ),
            ProductRule::List(name) => {
                if let Some(list) = lists.get(name) {
                    set.extend(
                        list.codes
                            .iter()
                            .filter_map(|d| d.parse::<u64>().ok().map(|v| (d.len() as u8, v))),
                    );
                }
            }
            ProductRule::Footnote(_) | ProductRule::Chapters(_) => {}
        }
    }
    set
}

/// The Chapter 99 headings of a rule list's `footnote` rules, parsed once.
fn footnote_codes(rules: &[ProductRule]) -> Vec<HtsCode> {
    rules
        .iter()
        .filter_map(|r| match r {
            ProductRule::Footnote(h) => HtsCode::parse(h).ok(),
            _ => None,
        })
        .collect()
}

/// The chapters an `include` rule list reaches, as bits; `None` when it reaches any chapter.
fn include_chapters(rules: &[ProductRule], lists: &BTreeMap<String, ProductList>) -> Option<u128> {
    if rules.is_empty() {
        return None;
    }
    let mut bits = 0u128;
    let bit = |digits: &str| {
        digits
            .get(..2)
            .and_then(|d| d.parse::<u8>().ok())
            .map_or(0, |ch| 1u128 << ch)
    };
    for r in rules {
        match r {
            ProductRule::Hts(codes) => {
                for c in codes.iter().filter_map(|c| HtsCode::parse(c).ok()) {
                    bits |= bit(c.digits());
                }
            }
            ProductRule::List(name) => {
                for d in lists
                    .get(name)
                    .map(|l| l.codes.as_slice())
                    .unwrap_or_default()
                {
                    bits |= bit(d);
                }
            }
            ProductRule::Chapters(chs) => {
                for &ch in chs.iter().filter(|&&c| c < 128) {
                    bits |= 1u128 << ch;
                }
            }
            ProductRule::Footnote(_) => return None,
        }
    }
    Some(bits)
}

fn check_countries_table(
    file: &str,
    countries: &Countries,
    list: &[String],
) -> Result<(), MeasureError> {
    match list.iter().find(|c| !countries.is_country(c)) {
        Some(c) => Err(MeasureError::Table {
            file: file.into(),
            message: format!("unknown country {c}"),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod prefix_tests {
    use super::hts_prefixes;
    use tariff_hts::HtsCode;

    /// The prefixes are what reading the number's leading digits as text gives, for codes of
    /// every length (leading zeros included).
    #[test]
    fn prefixes_are_the_leading_digits_read() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 2 * (1 + i % 5);
            let digits: String = (0..len)
                .map(|k| char::from(b'0' + ((x >> (k * 3)) % if k < 3 { 2 } else { 10 }) as u8))
                .collect();
            let code = HtsCode::parse(&digits).unwrap();
            let expected: Vec<(u8, u64)> = [2usize, 4, 6, 8, 10]
                .iter()
                .filter(|&&n| n <= digits.len())
                .map(|&n| (n as u8, digits[..n].parse::<u64>().unwrap()))
                .collect();
            assert_eq!(hts_prefixes(&code), expected, "{digits}");
        }
    }
}
