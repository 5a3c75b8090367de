//! Scenario files: a negotiation package as data, and its loader.
//!
//! A scenario is a name, a description, the date (or date range) it is read at, its sources,
//! and three kinds of change, each tagged with one of the six negotiation [`Area`]s:
//!
//! - `us_measures`: changes to the embedded US measures by id — `override` an id with the
//!   top-level fields given under `set` (rate, countries, products, effective dates…),
//!   `remove` an id, or `add` a whole new measure (the schema of `docs/measures.md`);
//! - `partner_measures`: a partner's tariff cut or non-tariff barrier removed on US goods, as
//!   an ad valorem equivalent before and after, on a product group with its 2024 US exports;
//! - `commitments`: purchases of US goods (traded: value per year and years) and investment
//!   pledges (reported, not traded).
//!
//! [`Scenario::parse`] checks everything against the embedded measures and the country table
//! and reports the first problem as `file:line: message`: YAML syntax and unknown fields (from
//! the parser's location), an unknown measure id, overlapping dates (from validating the
//! changed measures as a whole), an unknown country, a missing source.

use crate::error::ScenarioError;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value;
use tariff_measures::overrides::MeasureChanges;
use tariff_measures::{Authority, Measure, MeasureError, MeasureRate, Measures};

/// The six areas of the 2025 Korea–US talks; every change is tagged with one, so results
/// can be read area by area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Trade imbalances: tariff rates, purchases meant to narrow the deficit.
    TradeImbalances,
    /// Non-tariff measures: standards, approvals, quotas, ad valorem equivalents.
    NonTariffMeasures,
    /// Economic security: investment, supply chains, sectoral (Section 232) tariffs.
    EconomicSecurity,
    /// Digital trade: data flows, platform rules, network fees.
    DigitalTrade,
    /// Country of origin: rules of origin, transshipment.
    CountryOfOrigin,
    /// Commercial considerations: company purchases (aircraft, energy), procurement.
    CommercialConsiderations,
}

impl Area {
    /// Every area, in the order results are decomposed.
    pub const ALL: [Area; 6] = [
        Area::TradeImbalances,
        Area::NonTariffMeasures,
        Area::EconomicSecurity,
        Area::DigitalTrade,
        Area::CountryOfOrigin,
        Area::CommercialConsiderations,
    ];

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Area::TradeImbalances => "trade_imbalances",
            Area::NonTariffMeasures => "non_tariff_measures",
            Area::EconomicSecurity => "economic_security",
            Area::DigitalTrade => "digital_trade",
            Area::CountryOfOrigin => "country_of_origin",
            Area::CommercialConsiderations => "commercial_considerations",
        }
    }
}

/// When the scenario is read: one date, or the days of `[from, until)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// First day.
    pub from: Date,
    /// Day after the last.
    pub until: Date,
}

/// A change to the US measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsChange {
    /// The negotiation area.
    pub area: Area,
    /// Id of an embedded measure to override with the fields of `set`.
    #[serde(default, rename = "override")]
    pub override_id: Option<String>,
    /// Top-level measure fields replacing the embedded ones (with `override`).
    #[serde(default)]
    pub set: Option<Value>,
    /// Id of an embedded measure to remove.
    #[serde(default)]
    pub remove: Option<String>,
    /// A new measure.
    #[serde(default)]
    pub add: Option<Box<Measure>>,
    /// Every embedded measure of these authorities that charges a duty charges 0% instead
    /// (their headings, exemptions and stacking stay as they are): "no IEEPA duties".
    #[serde(default)]
    pub zero_authority: Vec<Authority>,
    /// Why, in words.
    #[serde(default)]
    pub note: Option<String>,
}

impl UsChange {
    /// The measure id the change is about.
    pub fn id(&self) -> Option<&str> {
        self.override_id
            .as_deref()
            .or(self.remove.as_deref())
            .or(self.add.as_ref().map(|m| m.id.as_str()))
    }
}

/// A partner's barrier on US goods lowered or removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerMeasure {
    /// The negotiation area.
    pub area: Area,
    /// The partner (ISO 3166 alpha-2, or a group such as `EU`).
    pub partner: String,
    /// What changes, in words.
    pub description: String,
    /// The sector label results are grouped under (`autos`, `agriculture`).
    pub sector: String,
    /// HS chapters or headings of the product group, for readers.
    #[serde(default)]
    pub hs: Vec<String>,
    /// 2024 US exports of the group to the partner, USD.
    pub us_exports: Decimal,
    /// The barrier before, as an ad valorem equivalent in percent.
    pub ave_before: Decimal,
    /// The barrier after, in percent.
    pub ave_after: Decimal,
    /// The partner's import demand elasticity for these goods (default: the table's).
    #[serde(default)]
    pub elasticity: Option<Decimal>,
    /// Where the figures come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Assumptions and remarks.
    #[serde(default)]
    pub note: Option<String>,
}

/// What kind of commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentKind {
    /// Purchases of US goods: traded, they add to US exports.
    Purchase,
    /// An investment pledge: reported, not traded.
    Investment,
}

/// A purchase or investment commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// The negotiation area.
    pub area: Area,
    /// The partner making it.
    pub partner: String,
    /// Purchase or investment.
    pub kind: CommitmentKind,
    /// What, in words.
    pub description: String,
    /// The sector label (`energy`, `aircraft`, `agriculture`).
    pub sector: String,
    /// Value per year, USD (give this or `total`).
    #[serde(default)]
    pub per_year: Option<Decimal>,
    /// Total value, USD, spread evenly over `years` (give this or `per_year`).
    #[serde(default)]
    pub total: Option<Decimal>,
    /// Over how many years (`3.5` for mid-2025 to the end of 2028).
    pub years: Decimal,
    /// Where the figures come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Assumptions and remarks.
    #[serde(default)]
    pub note: Option<String>,
}

impl Commitment {
    /// Value per year, USD.
    pub fn annual(&self) -> Decimal {
        match (self.per_year, self.total) {
            (Some(v), _) => v,
            (None, Some(t)) if self.years > Decimal::ZERO => t / self.years,
            _ => Decimal::ZERO,
        }
    }

    /// Total value over the years, USD.
    pub fn total_value(&self) -> Decimal {
        match (self.total, self.per_year) {
            (Some(t), _) => t,
            (None, Some(v)) => v * self.years,
            _ => Decimal::ZERO,
        }
    }
}

/// A scenario file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What it is, in words.
    pub description: String,
    /// The date the measures are read at (give this or `dates`).
    #[serde(default)]
    pub date: Option<Date>,
    /// A date range: tariffs are averaged over its days.
    #[serde(default)]
    pub dates: Option<DateRange>,
    /// The partner whose bilateral balance and formula rate are reported (optional).
    #[serde(default)]
    pub partner: Option<String>,
    /// Where the package comes from: paths under `../shared/sources`, or `URL https://…`.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Changes to the US measures.
    #[serde(default)]
    pub us_measures: Vec<UsChange>,
    /// Partner barriers on US goods lowered.
    #[serde(default)]
    pub partner_measures: Vec<PartnerMeasure>,
    /// Purchase and investment commitments.
    #[serde(default)]
    pub commitments: Vec<Commitment>,
}

/// A scenario checked against the embedded data, ready to simulate.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The file name used in messages.
    pub file: String,
    /// The scenario.
    pub scenario: Scenario,
    /// The measure changes of each area that has any, in [`Area::ALL`] order.
    pub changes: Vec<(Area, MeasureChanges)>,
    /// The days the tariffs are read over: `[from, until)` (one day for `date`).
    pub days: DateRange,
    /// The embedded measures with all the scenario's changes, as validated (`None` when it
    /// changes no measure).
    pub measures: Option<Measures>,
}

impl Loaded {
    /// All measure changes of the scenario together.
    pub fn all_changes(&self) -> MeasureChanges {
        self.changes_through(Area::ALL.len())
    }

    /// The measure changes of the first `n` areas of [`Area::ALL`] together (for the area
    /// decomposition).
    pub fn changes_through(&self, n: usize) -> MeasureChanges {
        let mut all = MeasureChanges::default();
        for (area, c) in &self.changes {
            if Area::ALL
                .iter()
                .position(|a| a == area)
                .is_some_and(|i| i < n)
            {
                all.replace.extend(c.replace.iter().cloned());
                all.remove.extend(c.remove.iter().cloned());
                all.add.extend(c.add.iter().cloned());
            }
        }
        all
    }
}

/// Finds lines in block-style YAML, for messages.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            lines: text.lines().collect(),
        }
    }

    /// The 1-based line of a top-level key, or 1.
    fn key(&self, key: &str) -> usize {
        self.lines
            .iter()
            .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
            .map_or(1, |i| i + 1)
    }

    /// The 1-based line of item `index` of the block sequence under top-level `key` (the
    /// key's line if not found).
    fn item(&self, key: &str, index: usize) -> usize {
        let start = self.key(key);
        let mut indent = None;
        let mut n = 0;
        for (i, l) in self.lines.iter().enumerate().skip(start) {
            if !l.is_empty() && !l.starts_with(' ') && !l.starts_with('-') && !l.starts_with('#') {
                break;
            }
            let trimmed = l.trim_start();
            let ind = l.len() - trimmed.len();
            if trimmed.starts_with("- ") || trimmed == "-" {
                match indent {
                    None => indent = Some(ind),
                    Some(x) if x != ind => continue,
                    _ => {}
                }
                if n == index {
                    return i + 1;
                }
                n += 1;
            }
        }
        start
    }

    /// The 1-based line of `field:` inside item `index` under `key` (the item's line if not
    /// found).
    fn field(&self, key: &str, index: usize, field: &str) -> usize {
        let first = self.item(key, index);
        let last = self.item(key, index + 1);
        let end = if last > first {
            last
        } else {
            self.lines.len() + 1
        };
        for i in first..end {
            let Some(l) = self.lines.get(i - 1) else {
                break;
            };
            let t = l.trim_start().trim_start_matches("- ");
            if t.starts_with(field) && t[field.len()..].trim_start().starts_with(':') {
                return i;
            }
        }
        first
    }
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &std::path::Path, measures: &Measures) -> Result<Loaded, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Scenario::parse(&file, &text, measures)
    }

    /// Parses and checks a scenario: `file` names it in messages. `measures` are the embedded
    /// measures (ids and the country table).
    pub fn parse(file: &str, text: &str, measures: &Measures) -> Result<Loaded, ScenarioError> {
        let at = At {
            file,
            lines: Lines::new(text),
        };
        let de = serde_yaml_ng::Deserializer::from_str(text);
        let scenario: Scenario = serde_yaml_ng::with::singleton_map_recursive::deserialize(de)
            .map_err(|e| at.line(e.location().map_or(1, |l| l.line()), e.to_string()))?;
        let days = at.days(&scenario)?;
        at.sources(&scenario)?;
        at.partners(&scenario, measures)?;
        let (changes, touched) = at.us_measure_changes(&scenario, measures)?;
        at.change_rates(&changes, &touched)?;
        let mut loaded = Loaded {
            file: file.to_string(),
            scenario,
            changes,
            days,
            measures: None,
        };
        loaded.measures = at.validated(&loaded, &touched)?;
        Ok(loaded)
    }
}

/// Where a scenario file's errors point: the file and its lines.
struct At<'a> {
    file: &'a str,
    lines: Lines<'a>,
}

/// The measure ids a scenario changes, with the line of the change.
type Touched = Vec<(String, usize)>;

impl At<'_> {
    /// An error at a line of the file.
    fn line(&self, line: usize, message: String) -> ScenarioError {
        ScenarioError::At {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    /// The days the scenario is read over: `date` (one day) or `dates`, not both.
    fn days(&self, scenario: &Scenario) -> Result<DateRange, ScenarioError> {
        let lines = &self.lines;
        match (scenario.date, scenario.dates) {
            (Some(_), Some(_)) => Err(self.line(
                lines.key("dates"),
                "give `date` or `dates`, not both".into(),
            )),
            (None, None) => {
                Err(self.line(1, "no `date` or `dates`: when is the scenario read?".into()))
            }
            (None, Some(r)) if r.from >= r.until => Err(self.line(
                lines.key("dates"),
                format!("dates: from {} is not before until {}", r.from, r.until),
            )),
            (None, Some(r)) => Ok(r),
            (Some(d), None) => Ok(DateRange {
                from: d,
                until: d
                    .tomorrow()
                    .map_err(|e| self.line(lines.key("date"), format!("date {d}: {e}")))?,
            }),
        }
    }

    /// A scenario names where its package comes from.
    fn sources(&self, scenario: &Scenario) -> Result<(), ScenarioError> {
        if scenario.sources.iter().all(|s| s.trim().is_empty()) {
            return Err(self.line(
                self.lines.key("sources").max(self.lines.key("name")),
                "missing source: a scenario names where its package comes from (`sources:`)".into(),
            ));
        }
        Ok(())
    }

    /// The partner, the partner measures and the commitments: known countries, sources,
    /// figures in range.
    fn partners(&self, scenario: &Scenario, measures: &Measures) -> Result<(), ScenarioError> {
        let lines = &self.lines;
        let known_country = |c: &str| {
            measures.countries().is_country(c) || measures.countries().expand(c).is_some()
        };
        if let Some(p) = &scenario.partner
            && !known_country(p)
        {
            return Err(self.line(lines.key("partner"), format!("unknown country {p:?}")));
        }
        for (i, m) in scenario.partner_measures.iter().enumerate() {
            if !known_country(&m.partner) {
                return Err(self.line(
                    lines.field("partner_measures", i, "partner"),
                    format!("unknown country {:?}", m.partner),
                ));
            }
            if m.sources.is_empty() {
                return Err(self.line(
                    lines.item("partner_measures", i),
                    format!("missing source for partner measure {:?}", m.description),
                ));
            }
            if m.ave_before < Decimal::ZERO
                || m.ave_after < Decimal::ZERO
                || m.us_exports < Decimal::ZERO
            {
                return Err(self.line(
                    lines.item("partner_measures", i),
                    format!(
                        "us_exports must be between 0 and {MAX_USD}, ave_before and ave_after between 0 and {MAX_PERCENT}, elasticity between 0 and {MAX_ELASTICITY}"
                    ),
                ));
            }
        }
        for (i, c) in scenario.commitments.iter().enumerate() {
            if !known_country(&c.partner) {
                return Err(self.line(
                    lines.field("commitments", i, "partner"),
                    format!("unknown country {:?}", c.partner),
                ));
            }
            if c.sources.is_empty() {
                return Err(self.line(
                    lines.item("commitments", i),
                    format!("missing source for commitment {:?}", c.description),
                ));
            }
            if c.per_year.is_some() == c.total.is_some() {
                return Err(self.line(
                    lines.item("commitments", i),
                    "give exactly one of `per_year` and `total`".into(),
                ));
            }
            if [c.per_year, c.total]
                .into_iter()
                .flatten()
                .any(|v| !within(v, MAX_USD))
            {
                return Err(self.line(
                    lines.item("commitments", i),
                    format!("values must be between 0 and {MAX_USD} USD"),
                ));
            }
            if c.years <= Decimal::ZERO || c.years > Decimal::from(100) {
                return Err(self.line(
                    lines.field("commitments", i, "years"),
                    "years must be positive and at most 100".into(),
                ));
            }
        }
        Ok(())
    }

    /// The US measure changes by area (in the order of the areas), and the measures each
    /// touches with its line (a measure changed twice is an error).
    fn us_measure_changes(
        &self,
        scenario: &Scenario,
        measures: &Measures,
    ) -> Result<(Vec<(Area, MeasureChanges)>, Touched), ScenarioError> {
        let lines = &self.lines;
        let mut changes: Vec<(Area, MeasureChanges)> = Vec::new();
        let mut touched: Touched = Vec::new();
        for (i, c) in scenario.us_measures.iter().enumerate() {
            let line = lines.item("us_measures", i);
            let kinds = [
                c.override_id.is_some(),
                c.remove.is_some(),
                c.add.is_some(),
                !c.zero_authority.is_empty(),
            ];
            if kinds.iter().filter(|k| **k).count() != 1 {
                return Err(self.line(
                    line,
                    "give exactly one of `override`, `remove`, `add` and `zero_authority`".into(),
                ));
            }
            if c.set.is_some() != c.override_id.is_some() {
                return Err(self.line(line, "`set` goes with `override` (and only with it)".into()));
            }
            let ids: Vec<String> = if c.zero_authority.is_empty() {
                vec![c.id().unwrap_or_default().to_string()]
            } else {
                measures
                    .all()
                    .iter()
                    .filter(|m| c.zero_authority.contains(&m.authority) && charges(m))
                    .map(|m| m.id.clone())
                    .collect()
            };
            for id in ids {
                if let Some((_, first)) = touched.iter().find(|(t, _)| *t == id) {
                    return Err(self.line(
                        line,
                        format!("measure {id} is changed twice (first at line {first})"),
                    ));
                }
                touched.push((id, line));
            }
            let slot = match changes.iter().position(|(a, _)| *a == c.area) {
                Some(k) => k,
                None => {
                    changes.push((c.area, MeasureChanges::default()));
                    changes.len() - 1
                }
            };
            self.change(&mut changes[slot].1, c, i, measures)?;
        }
        changes.sort_by_key(|(a, _)| Area::ALL.iter().position(|x| x == a));
        Ok((changes, touched))
    }

    /// One US measure change (the `i`th), added to its area's changes.
    fn change(
        &self,
        into: &mut MeasureChanges,
        c: &UsChange,
        i: usize,
        measures: &Measures,
    ) -> Result<(), ScenarioError> {
        let lines = &self.lines;
        if let Some(id) = &c.override_id {
            let Some(base) = measures.get(id) else {
                return Err(self.line(
                    lines.field("us_measures", i, "override"),
                    format!("unknown measure id {id:?}"),
                ));
            };
            let m = apply_set(base, c.set.as_ref())
                .map_err(|e| self.line(lines.field("us_measures", i, "set"), e))?;
            into.replace.push(m);
        } else if let Some(id) = &c.remove {
            if measures.get(id).is_none() {
                return Err(self.line(
                    lines.field("us_measures", i, "remove"),
                    format!("unknown measure id {id:?}"),
                ));
            }
            into.remove.push(id.clone());
        } else if let Some(m) = &c.add {
            if measures.get(&m.id).is_some() {
                return Err(self.line(
                    lines.field("us_measures", i, "add"),
                    format!("measure {:?} already exists: use `override`", m.id),
                ));
            }
            into.add.push((**m).clone());
        } else {
            for m in measures.all().iter() {
                if c.zero_authority.contains(&m.authority) && charges(m) {
                    let mut z = m.clone();
                    z.rate = MeasureRate::Additional {
                        percent: Decimal::ZERO,
                        basis: match &m.rate {
                            MeasureRate::Additional { basis, .. } => *basis,
                            _ => tariff_measures::Basis::FullValue,
                        },
                        text: "0% (scenario: duty not collected)".into(),
                    };
                    into.replace.push(z);
                }
            }
        }
        Ok(())
    }

    /// Every rate a change sets is within bounds.
    fn change_rates(
        &self,
        changes: &[(Area, MeasureChanges)],
        touched: &Touched,
    ) -> Result<(), ScenarioError> {
        for (_, c) in changes {
            for m in c.replace.iter().chain(&c.add) {
                let percent = match &m.rate {
                    MeasureRate::Additional { percent, .. }
                    | MeasureRate::Floor { percent, .. } => Some(*percent),
                    MeasureRate::Exempt { .. } => None,
                };
                if percent.is_some_and(|p| !within(p, MAX_PERCENT)) {
                    let line = touched
                        .iter()
                        .find(|(t, _)| *t == m.id)
                        .map_or(self.lines.key("us_measures"), |(_, l)| *l);
                    return Err(self.line(
                        line,
                        format!(
                            "measure {}: rate must be between 0 and {MAX_PERCENT}%",
                            m.id
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The changed measures validated as a whole (overlapping dates, unknown countries or
    /// lists in a measure, ...), pointing at the change the error names; none without
    /// changes.
    fn validated(
        &self,
        loaded: &Loaded,
        touched: &Touched,
    ) -> Result<Option<Measures>, ScenarioError> {
        let all = loaded.all_changes();
        if all.is_empty() {
            return Ok(None);
        }
        Measures::embedded_with(&all).map(Some).map_err(|e| {
            let (id, message) = match &e {
                MeasureError::Invalid { id, message, .. } => (Some(id.clone()), message.clone()),
                other => (None, other.to_string()),
            };
            let line = touched
                .iter()
                .find(|(t, _)| Some(t) == id.as_ref() || message.contains(t.as_str()))
                .map_or(self.lines.key("us_measures"), |(_, l)| *l);
            let what = id.map(|i| format!("measure {i}: ")).unwrap_or_default();
            self.line(line, format!("{what}{message}"))
        })
    }
}

/// The largest money figure a scenario may give (a thousand trillion dollars): far above any
/// trade figure, and far enough below `Decimal`'s range that no product of the model overflows.
const MAX_USD: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);
/// The largest rate or ad valorem equivalent, percent.
const MAX_PERCENT: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
/// The largest elasticity.
const MAX_ELASTICITY: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

fn within(x: Decimal, max: Decimal) -> bool {
    x >= Decimal::ZERO && x <= max
}

/// Whether a measure charges a duty (additional or floor), as opposed to an exemption.
fn charges(m: &Measure) -> bool {
    !matches!(m.rate, MeasureRate::Exempt { .. })
}

/// The embedded measure with the top-level fields of `set` replacing its own.
fn apply_set(base: &Measure, set: Option<&Value>) -> Result<Measure, String> {
    let Some(set) = set else {
        return Ok(base.clone());
    };
    let Value::Mapping(set) = set else {
        return Err("`set` must be a mapping of measure fields".into());
    };
    let mut current: Value = serde_yaml_ng::with::singleton_map_recursive::serialize(
        base,
        serde_yaml_ng::value::Serializer,
    )
    .map_err(|e| e.to_string())?;
    let Value::Mapping(fields) = &mut current else {
        return Err("a measure did not serialize as a mapping".into());
    };
    for (k, v) in set {
        if k.as_str() == Some("id") {
            return Err("`set` cannot change the id (remove it and add another)".into());
        }
        fields.insert(k.clone(), v.clone());
    }
    serde_yaml_ng::with::singleton_map_recursive::deserialize(current)
        .map_err(|e| format!("set: {e}"))
}
