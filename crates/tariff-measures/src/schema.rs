//! The measure schema: what a YAML file under `data/measures/` may say.
//!
//! Every type here rejects unknown fields, so a typo in a data file is a load error, not a
//! silently ignored rule. `docs/measures.md` explains the fields with examples.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tariff_hts::HtsCode;

/// One YAML file: a list of measures.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureFile {
    /// The measures of the file.
    pub measures: Vec<Measure>,
}

/// A legal measure that adds, replaces or switches off a duty, over a date interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Unique id, lower-case kebab (`ieepa-fentanyl-cn-20`).
    pub id: String,
    /// The legal authority, which is also the column of the batch output it falls in.
    pub authority: Authority,
    /// The Chapter 99 heading declared for it (`9903.01.24`), if it has one.
    pub heading: Option<HtsCode>,
    /// Scope in words, as a broker would say it.
    pub description: String,
    /// The instrument: `EO 14195`, `Proclamation 10908`, `Pub. L. 117-110`.
    pub instrument: String,
    /// The full citation: instrument with Federal Register cite, and the HTS heading and U.S.
    /// note that carry it (`EO 14195, 90 FR 9121; HTSUS 9903.01.20, subch. III U.S. note 2(s)`).
    pub citation: String,
    /// Files under `../shared/sources` holding the primary text (for auditors).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Entries on or after `from` and before `until` (entered for consumption or withdrawn
    /// from warehouse, 12:01 a.m. ET).
    pub effective: Interval,
    /// Countries of origin covered.
    pub countries: CountryScope,
    /// Countries of origin not covered even if `countries` includes them.
    #[serde(default)]
    pub except_countries: Vec<String>,
    /// Goods covered (default: all goods).
    #[serde(default)]
    pub products: ProductScope,
    /// Further conditions on the entry.
    #[serde(default)]
    pub conditions: Conditions,
    /// What it charges.
    pub rate: MeasureRate,
    /// Stacking group: measures of one group are alternatives (`reciprocal`, `fentanyl`).
    pub group: String,
    /// Higher precedence is decided first; a measure that applies switches off what it
    /// `excludes` before lower-precedence measures are looked at.
    #[serde(default)]
    pub precedence: i32,
    /// What this measure switches off when it applies: measure ids, or `group:<name>`.
    #[serde(default)]
    pub excludes: Vec<Target>,
    /// What this measure takes out of the basis of other measures when it applies (a Section
    /// 232 duty on the metal content: the reciprocal duty then applies to the rest only).
    #[serde(default)]
    pub carve_out: Vec<CarveOut>,
    /// Never matched on its own: declared at $0 by the measures whose `carve_out` names it,
    /// on the value they took out (9903.01.33, 9903.03.06: "articles subject to Section 232").
    #[serde(default)]
    pub declared_only: bool,
    /// Whether it was collected under IEEPA and so is the subject of refund claims after the
    /// Supreme Court's decision. Defaults from the authority.
    #[serde(default)]
    pub refundable: Option<bool>,
    /// How sure the data is.
    pub confidence: Confidence,
    /// Why the rate text is not what the HTS prints in the heading's general column, where it
    /// is not (a rate staged by the U.S. note while the heading keeps printing the first
    /// year's): the legal text wins, and the disagreement is recorded here.
    #[serde(default)]
    pub rate_differs_from_hts: Option<String>,
    /// Anything a reader should know: disagreements between sources, assumptions.
    #[serde(default)]
    pub note: Option<String>,
}

/// The legal authority of a measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// IEEPA duties on Canada, Mexico and China over fentanyl and the border.
    IeepaFentanyl,
    /// IEEPA reciprocal tariffs (EO 14257 and its amendments).
    IeepaReciprocal,
    /// Other IEEPA duties (Brazil EO 14323, India/Russian-oil EO 14329, secondary tariffs).
    IeepaOther,
    /// Section 232 of the Trade Expansion Act of 1962.
    #[serde(rename = "section_232")]
    Section232,
    /// Section 301 of the Trade Act of 1974.
    #[serde(rename = "section_301")]
    Section301,
    /// Section 122 of the Trade Act of 1974 (balance-of-payments surcharge).
    #[serde(rename = "section_122")]
    Section122,
    /// Section 201 safeguards.
    #[serde(rename = "section_201")]
    Section201,
    /// Section 338 of the Tariff Act of 1930.
    #[serde(rename = "section_338")]
    Section338,
    /// Anything else, named in the citation.
    Other,
}

impl Authority {
    /// Whether duties under this authority were IEEPA duties.
    pub fn is_ieepa(self) -> bool {
        matches!(
            self,
            Authority::IeepaFentanyl | Authority::IeepaReciprocal | Authority::IeepaOther
        )
    }

    /// The snake_case name used in data and output.
    pub fn name(self) -> &'static str {
        match self {
            Authority::IeepaFentanyl => "ieepa_fentanyl",
            Authority::IeepaReciprocal => "ieepa_reciprocal",
            Authority::IeepaOther => "ieepa_other",
            Authority::Section232 => "section_232",
            Authority::Section301 => "section_301",
            Authority::Section122 => "section_122",
            Authority::Section201 => "section_201",
            Authority::Section338 => "section_338",
            Authority::Other => "other",
        }
    }
}

pub use tariff_hts::Interval;

/// Countries a measure covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryScope {
    /// Every country of origin (less `except_countries`).
    All,
    /// These ISO 3166 alpha-2 codes; a group name from `countries.yaml` (`EU`) stands for
    /// its members.
    Only(Vec<String>),
}

/// Goods a measure covers. An empty `include` means all goods.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductScope {
    /// Goods are covered if any rule matches (or if there is no rule).
    #[serde(default)]
    pub include: Vec<ProductRule>,
    /// Goods matching any of these are not covered.
    #[serde(default)]
    pub exclude: Vec<ProductRule>,
}

/// One way of naming goods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductRule {
    /// HTS numbers or prefixes (`"2709"`, `"8703.23.01"`): a line is covered when its
    /// number starts with one of them.
    Hts(Vec<String>),
    /// A named list under `data/lists/<name>.csv` (HTS-8 or HTS-10 numbers).
    List(String),
    /// Lines whose footnotes (in the HTS revision in force on the entry date) reference this
    /// Chapter 99 heading — how the HTS itself links goods to Section 301 and 232 headings.
    Footnote(String),
    /// Whole chapters (`[72, 73]`).
    Chapters(Vec<u8>),
}

/// Conditions on the entry beyond origin, goods and date. All given conditions must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// The entry claims one of these SPI codes (and is eligible for it on the line).
    #[serde(default)]
    pub spi_claimed: Vec<String>,
    /// The entry claims none of these SPI codes.
    #[serde(default)]
    pub spi_not_claimed: Vec<String>,
    /// Goods loaded onto the final mode of transport before this date (in-transit rules);
    /// the entry must give `loaded_on`.
    #[serde(default)]
    pub loaded_before: Option<Date>,
    /// Entered before this date (the in-transit cut-off for entry).
    #[serde(default)]
    pub entered_before: Option<Date>,
    /// US content at least this percentage of the customs value.
    #[serde(default)]
    pub us_content_at_least_percent: Option<Decimal>,
    /// Countries of export (for transshipment rules).
    #[serde(default)]
    pub export_countries: Vec<String>,
    /// CBP has determined that the goods were transshipped to evade duties (entry field
    /// `transshipped`): `true` makes the measure apply only to such goods.
    #[serde(default)]
    pub transshipped: Option<bool>,
    /// The importer declares this measure's heading (entry field `declared`): for exemptions
    /// that turn on facts only the importer knows (donations, informational materials).
    #[serde(default)]
    pub declared: bool,
    /// The column 1 rate (as an ad valorem equivalent) is at least this (the "15% or more"
    /// twin headings of the all-in floors, such as 9903.02.19).
    #[serde(default)]
    pub base_rate_at_least: Option<BaseRateTest>,
    /// The column 1 rate (as an ad valorem equivalent) is below this (the floor headings,
    /// such as 9903.02.20).
    #[serde(default)]
    pub base_rate_below: Option<BaseRateTest>,
    /// The weight of the metal is below this percentage of the article's weight (entry field
    /// `metal_weight_percent`; the Section 232 "less than 15 percent" rule, 9903.82.03). Not
    /// met, with a warning, when the entry does not give the weight.
    #[serde(default)]
    pub metal_weight_below_percent: Option<Decimal>,
    /// The metal was melted and poured (steel) or smelted and cast (aluminum, copper) in the
    /// United States (entry field `metal_melted_in_us`): `true` makes the measure apply only
    /// to such goods, `false` only to others.
    #[serde(default)]
    pub metal_melted_in_us: Option<bool>,
}

/// A comparison of the entry's column 1 rate with a percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseRateTest {
    /// The percentage (`"15"`).
    pub percent: Decimal,
    /// Which column 1 rate: `general`, or `applied` (special when an eligible program is
    /// claimed).
    pub against: FloorAgainst,
}

/// What a measure charges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MeasureRate {
    /// An additional ad valorem duty on a value basis.
    Additional {
        /// Percent (`"25"` for 25%).
        percent: Decimal,
        /// The value it is charged on.
        #[serde(default)]
        basis: Basis,
        /// The rate as the HTS writes it (`The duty provided in the applicable subheading +
        /// 25%`), for display and the cross-check against the schedule.
        text: String,
    },
    /// An all-in floor: the additional duty is `max(0, percent − base rate)` on the full
    /// value, where the base rate is the column 1 rate that applies.
    Floor {
        /// The floor in percent (`"15"`).
        percent: Decimal,
        /// Which column 1 rate is compared: `general`, or `applied` (the special rate when a
        /// program is claimed and eligible, else general — as in the Korea deal).
        against: FloorAgainst,
        /// The rate as the HTS writes it.
        text: String,
    },
    /// No duty under this heading, but the heading is declared (at $0): exemptions and
    /// "not subject to" headings.
    ///
    /// With `portion`, the exemption covers only that part of the value: instead of switching
    /// off the measures it `excludes`, it takes the portion out of their basis, and is
    /// declared with the portion as its basis value (the US-content rule of the reciprocal
    /// tariffs, 9903.01.34).
    Exempt {
        /// Why, in words (`Annex II`, `in transit`).
        reason: String,
        /// The part of the value exempted, when not all of it.
        #[serde(default)]
        portion: Option<Portion>,
    },
}

/// A measure as one row of a table (`tariff measures --json`, `/api/measures`).
#[derive(Clone, Debug, Serialize)]
pub struct MeasureRow<'a> {
    /// Measure id.
    pub id: &'a str,
    /// Chapter 99 heading, dotted.
    pub heading: Option<String>,
    /// Authority name (`section_232`, …).
    pub authority: &'static str,
    /// [`MeasureRate::summary`].
    pub rate: String,
    /// [`CountryScope::summary`].
    pub countries: String,
    /// Countries excepted.
    pub except_countries: &'a [String],
    /// Scope in words.
    pub scope: &'a str,
    /// First day in force.
    pub from: Date,
    /// First day no longer in force.
    pub until: Option<Date>,
    /// Legal citation.
    pub citation: &'a str,
    /// How sure the encoding is.
    pub confidence: Confidence,
}

impl Measure {
    /// How a quote names it: its Chapter 99 heading, else its id.
    pub fn label(&self) -> String {
        self.heading
            .map_or_else(|| self.id.clone(), |h| h.to_string())
    }

    /// The measure as a table row.
    pub fn row(&self) -> MeasureRow<'_> {
        MeasureRow {
            id: &self.id,
            heading: self.heading.map(|h| h.to_string()),
            authority: self.authority.name(),
            rate: self.rate.summary(),
            countries: self.countries.summary(),
            except_countries: &self.except_countries,
            scope: &self.description,
            from: self.effective.from,
            until: self.effective.until,
            citation: &self.citation,
            confidence: self.confidence,
        }
    }
}

impl MeasureRate {
    /// The rate in a few words, for tables (`+25% on FullValue`, `15% all-in floor
    /// (General)`, `exempt: Annex II`).
    pub fn summary(&self) -> String {
        match self {
            MeasureRate::Additional { percent, basis, .. } => format!("+{percent}% on {basis}"),
            MeasureRate::Floor {
                percent, against, ..
            } => format!("{percent}% all-in floor ({against:?})"),
            MeasureRate::Exempt { reason, .. } => format!("exempt: {reason}"),
        }
    }
}

impl CountryScope {
    /// The countries in words, for tables (`all countries`, `CN,HK`).
    pub fn summary(&self) -> String {
        match self {
            CountryScope::All => "all countries".to_string(),
            CountryScope::Only(list) => list.join(","),
        }
    }
}

/// A part of the customs value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Portion {
    /// The value of the US content (entry field `us_content`).
    UsContent,
}

/// Measures named by another's `excludes` or `carve_out.from`: one measure by its id, or a
/// stacking group, written `group:<name>`. Read once, when the data loads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The measure with this id.
    Id(String),
    /// Every measure of this stacking group.
    Group(String),
}

impl Target {
    /// Reads `group:<name>` as a group, anything else as an id.
    pub fn parse(text: &str) -> Target {
        match text.strip_prefix("group:") {
            Some(g) => Target::Group(g.to_string()),
            None => Target::Id(text.to_string()),
        }
    }

    /// Whether it names measure `m`.
    pub fn names(&self, m: &Measure) -> bool {
        match self {
            Target::Id(id) => m.id == *id,
            Target::Group(g) => m.group == *g,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Id(id) => f.write_str(id),
            Target::Group(g) => write!(f, "group:{g}"),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
        String::deserialize(d).map(|t| Target::parse(&t))
    }
}

/// A value that an applying measure takes out of the basis of other measures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarveOut {
    /// The measures that lose it: ids, or `group:<name>`.
    pub from: Vec<Target>,
    /// How much: the value this measure is charged on (`basis`, the default) or the whole
    /// customs value (`all`, which switches the targets off).
    #[serde(default)]
    pub portion: CarvePortion,
    /// The id of a `declared_only` measure to declare at $0 on the value taken out, when at
    /// least one target was in play (`9903.01.33` for the reciprocal duties).
    #[serde(default)]
    pub declare: Option<String>,
}

/// How much a [`CarveOut`] takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarvePortion {
    /// The value the carving measure is charged on (its basis: metal content or full value).
    /// A target whose basis falls to zero is not reported.
    #[default]
    Basis,
    /// The whole customs value: the targets are switched off, as by `excludes`.
    All,
}

/// The base of a floor comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorAgainst {
    /// Column 1 general.
    General,
    /// The column 1 rate that applies to the entry: special if claimed and eligible.
    Applied,
}

/// The value an additional duty is charged on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The customs value.
    #[default]
    FullValue,
    /// The customs value less the value of US content (reciprocal tariffs when US content is
    /// at least 20%).
    NonUsContent,
    /// The value of the steel content.
    SteelContent,
    /// The value of the aluminum content.
    AluminumContent,
    /// The value of the copper content.
    CopperContent,
    /// The customs value less steel, aluminum and copper content charged under Section 232.
    NonMetalContent,
}

impl Basis {
    /// The name in the data files and in quotes (`full_value`, `steel_content`, …).
    pub fn name(self) -> &'static str {
        match self {
            Basis::FullValue => "full_value",
            Basis::NonUsContent => "non_us_content",
            Basis::SteelContent => "steel_content",
            Basis::AluminumContent => "aluminum_content",
            Basis::CopperContent => "copper_content",
            Basis::NonMetalContent => "non_metal_content",
        }
    }
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How sure the data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in the legal text in the sources.
    High,
    /// Legal text with an inferred detail, or consistent secondary sources.
    Medium,
    /// A single secondary source or an unverified number.
    Low,
}

#[cfg(test)]
mod basis_names {
    use super::Basis;

    /// The name quotes and `tariff measures` print is the one the data files write.
    #[test]
    fn names_are_the_serde_names() {
        for b in [
            Basis::FullValue,
            Basis::NonUsContent,
            Basis::SteelContent,
            Basis::AluminumContent,
            Basis::CopperContent,
            Basis::NonMetalContent,
        ] {
            let yaml = serde_yaml_ng::to_string(&b).unwrap();
            assert_eq!(yaml.trim(), b.name());
            assert_eq!(b.to_string(), b.name());
        }
    }
}
