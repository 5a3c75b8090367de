//! Census partner codes → ISO 3166-1 alpha-2, as committed data.
//!
//! `data/census_partners.csv` maps every code of the 2024 rows of the Census `country.xlsx`
//! (which the HTS-10 and HS-2 import tables use too) to an ISO code, and marks the aggregates:
//! `eu` for the European Union (0003, priced and compared as one partner, `EU`; its members are
//! also listed one by one) and `aggregate` for world, regional, product-group and
//! trade-agreement subtotals, which are never partners. `data/annex1_names.csv` maps the
//! country names printed in EO 14257 Annex I to the same codes.

use crate::AnalyticsError;
use std::collections::BTreeMap;

/// The committed Census code → ISO table (CSV, `#` comments).
pub const CENSUS_PARTNERS: &str = include_str!("../data/census_partners.csv");
/// The committed EO 14257 Annex I name → ISO table (CSV, `#` comments).
pub const ANNEX1_NAMES: &str = include_str!("../data/annex1_names.csv");

/// What a Census code stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartnerKind {
    /// A country or territory.
    Country,
    /// The European Union aggregate (0003).
    Eu,
    /// A world, regional or other subtotal: not a partner.
    Aggregate,
}

/// One Census partner code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    /// Census code (`5800`).
    pub cty_code: String,
    /// ISO 3166-1 alpha-2 (`KR`), `EU` for the EU aggregate, empty for other aggregates.
    pub iso: String,
    /// Country, EU aggregate or other aggregate.
    pub kind: PartnerKind,
    /// The name as Census spells it (`Korea, South`).
    pub census_name: String,
}

/// The Census code table.
#[derive(Clone, Debug)]
pub struct Partners {
    by_code: BTreeMap<String, Partner>,
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

impl Partners {
    /// Parses the committed table.
    pub fn embedded() -> Result<Partners, AnalyticsError> {
        let mut by_code = BTreeMap::new();
        for rec in reader(CENSUS_PARTNERS).records() {
            let rec = rec.map_err(|e| AnalyticsError::Dataset(format!("census_partners: {e}")))?;
            let kind = match &rec[2] {
                "country" => PartnerKind::Country,
                "eu" => PartnerKind::Eu,
                "aggregate" => PartnerKind::Aggregate,
                other => {
                    return Err(AnalyticsError::Dataset(format!(
                        "census_partners: unknown kind {other:?}"
                    )));
                }
            };
            by_code.insert(
                rec[0].to_string(),
                Partner {
                    cty_code: rec[0].to_string(),
                    iso: rec[1].to_string(),
                    kind,
                    census_name: rec[3].to_string(),
                },
            );
        }
        Ok(Partners { by_code })
    }

    /// The partner of a Census code.
    pub fn get(&self, cty_code: &str) -> Option<&Partner> {
        self.by_code.get(cty_code)
    }

    /// Every code, in code order.
    pub fn iter(&self) -> impl Iterator<Item = &Partner> {
        self.by_code.values()
    }
}

/// The Annex I name → ISO (or `EU`) table.
pub fn annex1_names() -> Result<BTreeMap<String, String>, AnalyticsError> {
    let mut out = BTreeMap::new();
    for rec in reader(ANNEX1_NAMES).records() {
        let rec = rec.map_err(|e| AnalyticsError::Dataset(format!("annex1_names: {e}")))?;
        out.insert(rec[0].to_string(), rec[1].to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_code_is_iso_and_aggregates_are_marked() {
        let p = Partners::embedded().unwrap();
        let m = tariff_measures::Measures::embedded().unwrap();
        let mut n = 0;
        for x in p.iter() {
            match x.kind {
                PartnerKind::Country => {
                    assert!(m.countries().is_country(&x.iso), "{x:?}");
                    n += 1;
                }
                PartnerKind::Eu => {
                    assert_eq!((x.cty_code.as_str(), x.iso.as_str()), ("0003", "EU"))
                }
                PartnerKind::Aggregate => {
                    assert!(x.iso.is_empty() && x.cty_code.as_str() < "1000", "{x:?}")
                }
            }
        }
        assert!(n > 230, "{n} country codes");
        assert_eq!(p.get("5800").unwrap().iso, "KR");
        assert_eq!(p.get("5700").unwrap().iso, "CN");
        assert_eq!(p.get("0015").unwrap().kind, PartnerKind::Aggregate);
    }

    #[test]
    fn agrees_with_the_batch_census_table() {
        // tariff-batch keeps its own 51-row table for its examples (the EU priced as DE): every
        // code it maps must map to the same ISO code here.
        let p = Partners::embedded().unwrap();
        let batch = tariff_batch::census::iso_by_census_code().unwrap();
        for (code, iso) in &batch {
            let x = p.get(code).unwrap();
            if x.kind == PartnerKind::Eu {
                assert_eq!(iso, "DE");
            } else {
                assert_eq!(&x.iso, iso, "{code}");
            }
        }
    }

    #[test]
    fn annex_names_map_to_countries_or_the_eu() {
        let m = tariff_measures::Measures::embedded().unwrap();
        let names = annex1_names().unwrap();
        assert_eq!(names.len(), 57);
        for iso in names.values() {
            assert!(iso == "EU" || m.countries().is_country(iso), "{iso}");
        }
    }
}
