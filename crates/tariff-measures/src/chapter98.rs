//! Entries claimed under a Chapter 98 provision (`stacking.yaml`, `chapter98`): which
//! provisions charge duty on a part of the value, and how each authority's measures treat a
//! Chapter 98 claim, as its instrument says.

use crate::{Authority, Measure};
use serde::{Deserialize, Serialize};
use tariff_hts::HtsCode;

/// The Chapter 98 rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter98 {
    /// The provisions whose duty falls on a part of the value (chapter 98 subchapter II U.S.
    /// notes 3 and 4): repairs, alterations and processing abroad, assembly of US components.
    pub value_added: Vec<ValueAdded>,
    /// How the measures of an authority (or named measures) treat a Chapter 98 claim; the
    /// first rule naming a measure's id, else its authority, governs it. A measure no rule
    /// names gets no relief: its duty is charged on the full value.
    pub rules: Vec<Chapter98Rule>,
}

/// A provision whose duty falls on a part of the value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueAdded {
    /// The provision (`9802.00.80`).
    pub provision: HtsCode,
    /// The part of the value it charges.
    pub dutiable: Dutiable,
    /// The legal text, cited.
    pub citation: String,
}

/// The part of the value a Chapter 98 provision charges duty on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dutiable {
    /// The value of the repairs, alterations or processing performed abroad (entry field
    /// `processing_value`; 9802.00.40, .50, .60).
    ProcessingValue,
    /// The full value less the cost or value of the products of the United States assembled
    /// abroad (entry field `us_components`; 9802.00.80).
    ValueLessUsComponents,
}

impl Dutiable {
    /// The basis name of a duty line charged on it.
    pub fn name(self) -> &'static str {
        match self {
            Dutiable::ProcessingValue => "processing_value",
            Dutiable::ValueLessUsComponents => "value_less_us_components",
        }
    }
}

/// How measures treat a Chapter 98 claim.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter98Rule {
    /// The authorities whose measures it governs.
    #[serde(default)]
    pub authorities: Vec<Authority>,
    /// Measures it governs by id (before any authority rule).
    #[serde(default)]
    pub measures: Vec<String>,
    /// The treatment.
    pub treatment: Chapter98Treatment,
    /// Value-added provisions on whose entries the duty is charged on the full value all the
    /// same (`9802.00.60` under Section 232).
    #[serde(default)]
    pub full_value: Vec<HtsCode>,
    /// The legal text, cited.
    pub citation: String,
}

/// What a Chapter 98 claim does to a measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chapter98Treatment {
    /// The IEEPA, Section 122 and Section 301 wording: the duty does not apply to goods
    /// properly entered under a Chapter 98 provision, except the value-added provisions, where
    /// it applies to the part of the value they charge.
    ValueAddedOnly,
    /// The Section 232 wording: the goods are "eligible for and subject to the terms of such
    /// provision": the value-added provisions' part of the value (but the full value for those
    /// in `full_value`); other provisions do not reduce the duty.
    FollowsProvision,
    /// No Chapter 98 claim reduces the duty.
    NoRelief,
}

impl Chapter98 {
    /// The value-added rule of a provision, if it is one.
    pub fn value_added(&self, provision: &HtsCode) -> Option<&ValueAdded> {
        self.value_added
            .iter()
            .find(|v| provision.digits().starts_with(v.provision.digits()))
    }

    /// The rule governing a measure, if any.
    pub fn rule(&self, m: &Measure) -> Option<&Chapter98Rule> {
        self.rules
            .iter()
            .find(|r| r.measures.contains(&m.id))
            .or_else(|| {
                self.rules
                    .iter()
                    .find(|r| r.authorities.contains(&m.authority))
            })
    }
}
