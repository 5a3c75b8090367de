//! The elasticities of the model, from the committed data file `data/elasticities.yaml`
//! (each with its sources and a low–high range for the sensitivity run).

use crate::model::Params;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const ELASTICITIES_YAML: &str = include_str!("../data/elasticities.yaml");

/// A cited reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Short id used by the values.
    pub id: String,
    /// Full citation.
    pub cite: String,
    /// Where to read it.
    #[serde(default)]
    pub url: Option<String>,
}

/// One elasticity: central value and sensitivity range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// The value of a normal run (`None`: infinite).
    pub central: Option<Decimal>,
    /// The low end of the sensitivity range.
    #[serde(default)]
    pub low: Option<Decimal>,
    /// The high end of the sensitivity range.
    #[serde(default)]
    pub high: Option<Decimal>,
    /// Reference ids.
    pub sources: Vec<String>,
}

/// The elasticity table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elasticities {
    /// The references cited.
    pub references: Vec<Reference>,
    /// ε: import demand elasticity (positive magnitude).
    pub import_demand: Range,
    /// σ: substitution between sources.
    pub substitution: Range,
    /// e: export supply (central `None` = infinite).
    pub export_supply: Range,
    /// The partner's import demand elasticity for US goods.
    pub partner_import_demand: Range,
}

/// Why an elasticity table is not valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ElasticityError {
    /// Not valid YAML for the schema.
    #[error("elasticities.yaml: {0}")]
    Parse(#[from] serde_yaml_ng::Error),
    /// A value breaks a rule.
    #[error("elasticities.yaml: {0}")]
    Invalid(String),
}

impl Elasticities {
    /// The committed table.
    pub fn embedded() -> Result<Elasticities, ElasticityError> {
        Elasticities::from_yaml(ELASTICITIES_YAML)
    }

    /// Parses and checks a table: values positive, low ≤ central ≤ high, references known.
    pub fn from_yaml(text: &str) -> Result<Elasticities, ElasticityError> {
        let e: Elasticities = serde_yaml_ng::from_str(text)?;
        let named = [
            ("import_demand", &e.import_demand, false),
            ("substitution", &e.substitution, false),
            ("export_supply", &e.export_supply, true),
            ("partner_import_demand", &e.partner_import_demand, false),
        ];
        for (name, r, may_be_infinite) in named {
            let bad = |m: &str| ElasticityError::Invalid(format!("{name}: {m}"));
            if r.central.is_none() && !may_be_infinite {
                return Err(bad("a central value is required"));
            }
            for x in [r.central, r.low, r.high].into_iter().flatten() {
                if x < Decimal::ZERO {
                    return Err(bad("values must not be negative"));
                }
            }
            if let (Some(l), Some(c)) = (r.low, r.central)
                && l > c
            {
                return Err(bad("low is above central"));
            }
            if let (Some(c), Some(h)) = (r.central, r.high)
                && h < c
            {
                return Err(bad("high is below central"));
            }
            if r.sources.is_empty() {
                return Err(bad("no source"));
            }
            if let Some(s) = r
                .sources
                .iter()
                .find(|s| !e.references.iter().any(|x| &x.id == *s))
            {
                return Err(bad(&format!("unknown reference {s}")));
            }
        }
        Ok(e)
    }

    /// The parameters of a normal run.
    pub fn central(&self) -> Params {
        Params {
            import_demand: self.import_demand.central.unwrap_or(Decimal::ONE),
            substitution: self.substitution.central.unwrap_or(Decimal::ONE),
            export_supply: self.export_supply.central,
        }
    }

    /// The parameter sets of the sensitivity run: every combination of the low, central and
    /// high values of ε and σ (export supply at its central value), central first.
    pub fn sensitivity_grid(&self) -> Vec<Params> {
        let mut out = vec![self.central()];
        let values = |r: &Range| -> Vec<Decimal> {
            let mut v: Vec<Decimal> = [r.low, r.central, r.high].into_iter().flatten().collect();
            v.dedup();
            v
        };
        for eps in values(&self.import_demand) {
            for sigma in values(&self.substitution) {
                let p = Params {
                    import_demand: eps,
                    substitution: sigma,
                    export_supply: self.export_supply.central,
                };
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_loads_with_smart_default() {
        let e = Elasticities::embedded().unwrap();
        assert_eq!(e.substitution.central, Some("1.5".parse().unwrap()));
        assert_eq!(e.export_supply.central, None);
        let grid = e.sensitivity_grid();
        assert_eq!(grid[0], e.central());
        assert_eq!(grid.len(), 9);
    }

    #[test]
    fn bad_tables_are_refused() {
        let good = ELASTICITIES_YAML;
        let bad = good.replacen("low: \"0.5\"", "low: \"5\"", 1);
        assert!(
            Elasticities::from_yaml(&bad)
                .unwrap_err()
                .to_string()
                .contains("low is above")
        );
        let bad = good.replacen("sources: [kno2008, smart]", "sources: [nobody]", 1);
        assert!(
            Elasticities::from_yaml(&bad)
                .unwrap_err()
                .to_string()
                .contains("unknown reference")
        );
    }
}
