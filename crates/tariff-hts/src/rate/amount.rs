//! Duty arithmetic: the amount of duty a [`Rate`] gives on a [`Basis`], and its ad valorem
//! equivalent.

use super::ast::{Adjustment, Component, Rate, Unit};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a duty is computed on: the customs value, quantities and component values.
///
/// Build one with [`Basis::new`] and the `with_*` methods:
///
/// ```
/// use rust_decimal::Decimal;
/// use tariff_hts::rate::{Basis, RateCell};
///
/// let cell = RateCell::parse("68¢/kg + 3.2%").unwrap();
/// let basis = Basis::new(Decimal::from(5000)).with_quantity(Decimal::from(100));
/// assert_eq!(cell.groups[0].rate.amount(&basis).unwrap(), Decimal::from(228));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// The customs value of the goods, in US dollars.
    pub value: Decimal,
    /// The quantity of the goods in the rate's unit ([`Rate::unit`]).
    pub quantity: Option<Decimal>,
    /// Quantities in other units, for rates with parts in several units
    /// (`15¢ each + 4% + 2.5¢/jewel` needs a number of jewels). A unit found here is used
    /// before [`Basis::quantity`].
    pub quantities: BTreeMap<Unit, Decimal>,
    /// Values and quantities of components, keyed by the component text of the rate
    /// ([`Component::text`], e.g. `the case`, `drained weight`, `the value of the steel
    /// content`); [`Rate::components`] lists the keys a rate needs.
    pub components: BTreeMap<String, ComponentBasis>,
    /// The polariscope reading in degrees, for sugar sliding-scale rates.
    pub degrees: Option<Decimal>,
}

/// The value and quantity of one component of the goods.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentBasis {
    /// The value of the component, in US dollars (for ad valorem parts).
    pub value: Option<Decimal>,
    /// The quantity of the component in the unit of the rate part (for specific parts).
    pub quantity: Option<Decimal>,
}

/// Why a duty amount cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum AmountError {
    /// A specific rate needs a quantity the basis does not have.
    #[error("specific rate {rate} needs a quantity in {unit}")]
    MissingQuantity {
        /// The rate part.
        rate: String,
        /// The unit.
        unit: Unit,
    },
    /// A rate on a component needs the component's value.
    #[error("rate {rate} needs the value of the component {component:?}")]
    MissingComponentValue {
        /// The rate part.
        rate: String,
        /// The component key.
        component: String,
    },
    /// A specific rate on a component needs the component's quantity.
    #[error("rate {rate} needs the quantity in {unit} of the component {component:?}")]
    MissingComponentQuantity {
        /// The rate part.
        rate: String,
        /// The component key.
        component: String,
        /// The unit.
        unit: Unit,
    },
    /// A sliding-scale rate needs the polariscope reading.
    #[error("sliding-scale rate {rate} needs the polariscope reading in degrees")]
    MissingDegrees {
        /// The rate part.
        rate: String,
    },
    /// The rate is a rule or reference that a value and quantity cannot compute.
    #[error("rate {rate:?} cannot be computed: {reason}")]
    NotComputable {
        /// The rate.
        rate: String,
        /// Why.
        reason: String,
    },
    /// The arithmetic overflowed.
    #[error("duty arithmetic overflowed for {rate}")]
    Overflow {
        /// The rate.
        rate: String,
    },
    /// The ad valorem equivalent of goods of zero value is undefined.
    #[error("the ad valorem equivalent is undefined for a customs value of zero")]
    ZeroValue,
}

impl Basis {
    /// A basis of the given customs value (USD) and nothing else.
    pub fn new(value: Decimal) -> Basis {
        Basis {
            value,
            ..Basis::default()
        }
    }

    /// Sets the quantity in the rate's unit.
    pub fn with_quantity(mut self, quantity: Decimal) -> Basis {
        self.quantity = Some(quantity);
        self
    }

    /// Sets the quantity in a given unit.
    pub fn with_unit_quantity(mut self, unit: Unit, quantity: Decimal) -> Basis {
        self.quantities.insert(unit, quantity);
        self
    }

    /// Sets the value (USD) of a component.
    pub fn with_component_value(mut self, component: &str, value: Decimal) -> Basis {
        self.components
            .entry(component.to_string())
            .or_default()
            .value = Some(value);
        self
    }

    /// Sets the quantity of a component.
    pub fn with_component_quantity(mut self, component: &str, quantity: Decimal) -> Basis {
        self.components
            .entry(component.to_string())
            .or_default()
            .quantity = Some(quantity);
        self
    }

    /// Sets the polariscope reading in degrees.
    pub fn with_degrees(mut self, degrees: Decimal) -> Basis {
        self.degrees = Some(degrees);
        self
    }
}

fn overflow(rate: &Rate) -> AmountError {
    AmountError::Overflow {
        rate: rate.to_string(),
    }
}

fn not_computable(rate: &Rate, reason: &str) -> AmountError {
    AmountError::NotComputable {
        rate: rate.to_string(),
        reason: reason.to_string(),
    }
}

impl Rate {
    /// The duty in US dollars, unrounded.
    ///
    /// Compound rates are the sum of their parts; [`Rate::Minimum`] and [`Rate::Maximum`] take
    /// the larger and smaller amount. For [`Rate::Additional`], [`Rate::NoChange`] and
    /// [`Rate::NoAdditionalDuty`] (see [`Rate::is_additional`]) the amount is only what the
    /// rate adds to the duty otherwise applicable (zero for "no change"), and may be negative
    /// for `minus`.
    pub fn amount(&self, basis: &Basis) -> Result<Decimal, AmountError> {
        self.amount_with(basis, self.unit())
    }

    /// The ad valorem equivalent: [`Rate::amount`] divided by the customs value, as a fraction
    /// (`0.025` for 2.5%).
    pub fn ave(&self, basis: &Basis) -> Result<Decimal, AmountError> {
        if basis.value.is_zero() {
            return Err(AmountError::ZeroValue);
        }
        let amount = self.amount(basis)?;
        amount
            .checked_div(basis.value)
            .ok_or_else(|| overflow(self))
    }

    /// The unit of [`Basis::quantity`]: the unit of the first specific part that is not on a
    /// component, or `None` if the rate needs no quantity of the whole goods.
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Rate::Specific { unit, on: None, .. } | Rate::SlidingScale { unit, .. } => Some(*unit),
            Rate::Compound(parts) => parts.iter().find_map(Rate::unit),
            Rate::Minimum { rate, floor: other } | Rate::Maximum { rate, cap: other } => {
                rate.unit().or_else(|| other.unit())
            }
            Rate::Proviso { rate, .. } => rate.unit(),
            Rate::Additional {
                adjustment: Some(Adjustment::Plus(rate) | Adjustment::Minus(rate)),
                ..
            } => rate.unit(),
            _ => None,
        }
    }

    /// Every unit of quantity the rate mentions, including those of component parts, without
    /// repetition, in order of appearance.
    pub fn units(&self) -> Vec<Unit> {
        let mut out = Vec::new();
        self.visit(&mut |rate| {
            if let Rate::Specific { unit, .. } | Rate::SlidingScale { unit, .. } = rate
                && !out.contains(unit)
            {
                out.push(*unit);
            }
        });
        out
    }

    /// The components the rate applies to (the keys of [`Basis::components`]), without
    /// repetition, in order of appearance.
    pub fn components(&self) -> Vec<&Component> {
        let mut out: Vec<&Component> = Vec::new();
        self.visit(&mut |rate| {
            if let Rate::AdValorem { on: Some(c), .. } | Rate::Specific { on: Some(c), .. } = rate
                && !out.iter().any(|o| o.text == c.text)
            {
                out.push(c);
            }
        });
        out
    }

    /// True for rates whose amount adds to the duty otherwise applicable rather than replacing
    /// it: [`Rate::Additional`], [`Rate::NoChange`] and [`Rate::NoAdditionalDuty`].
    pub fn is_additional(&self) -> bool {
        matches!(
            self,
            Rate::Additional { .. } | Rate::NoChange | Rate::NoAdditionalDuty
        )
    }

    /// Calls `f` on this rate and every rate inside it, depth first.
    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Rate)) {
        f(self);
        match self {
            Rate::Compound(parts) => parts.iter().for_each(|p| p.visit(f)),
            Rate::Minimum { rate, floor: other } | Rate::Maximum { rate, cap: other } => {
                rate.visit(f);
                other.visit(f);
            }
            Rate::Proviso { rate, .. } => rate.visit(f),
            Rate::Additional {
                adjustment: Some(Adjustment::Plus(rate) | Adjustment::Minus(rate)),
                ..
            } => rate.visit(f),
            _ => {}
        }
    }

    /// The quantity in `unit` for this specific part: from [`Basis::quantities`], else from
    /// [`Basis::quantity`] if `unit` is the rate's primary unit.
    fn quantity_in(
        &self,
        basis: &Basis,
        unit: Unit,
        primary: Option<Unit>,
    ) -> Result<Decimal, AmountError> {
        basis
            .quantities
            .get(&unit)
            .copied()
            .or(basis.quantity.filter(|_| primary == Some(unit)))
            .ok_or_else(|| AmountError::MissingQuantity {
                rate: self.to_string(),
                unit,
            })
    }

    fn amount_with(&self, basis: &Basis, primary: Option<Unit>) -> Result<Decimal, AmountError> {
        let zero = Decimal::ZERO;
        match self {
            Rate::Free | Rate::ConditionalFree { .. } => Ok(zero),
            Rate::NoChange | Rate::NoAdditionalDuty => Ok(zero),
            Rate::AdValorem { percent, on } => {
                let value = match on {
                    None => basis.value,
                    Some(c) => basis
                        .components
                        .get(&c.text)
                        .and_then(|b| b.value)
                        .ok_or_else(|| AmountError::MissingComponentValue {
                            rate: self.to_string(),
                            component: c.text.clone(),
                        })?,
                };
                let fraction = percent
                    .checked_mul(Decimal::new(1, 2))
                    .ok_or_else(|| overflow(self))?;
                value.checked_mul(fraction).ok_or_else(|| overflow(self))
            }
            Rate::Specific { amount, unit, on } => {
                let quantity = match on {
                    None => self.quantity_in(basis, *unit, primary)?,
                    Some(c) => basis
                        .components
                        .get(&c.text)
                        .and_then(|b| b.quantity)
                        .ok_or_else(|| AmountError::MissingComponentQuantity {
                            rate: self.to_string(),
                            component: c.text.clone(),
                            unit: *unit,
                        })?,
                };
                quantity
                    .checked_mul(amount.usd())
                    .ok_or_else(|| overflow(self))
            }
            Rate::Compound(parts) => parts.iter().try_fold(zero, |sum, part| {
                sum.checked_add(part.amount_with(basis, primary)?)
                    .ok_or_else(|| overflow(self))
            }),
            Rate::SlidingScale {
                base,
                less,
                unit,
                degrees,
            } => {
                let reading = basis.degrees.ok_or_else(|| AmountError::MissingDegrees {
                    rate: self.to_string(),
                })?;
                let quantity = self.quantity_in(basis, *unit, primary)?;
                let under = degrees
                    .checked_sub(reading)
                    .ok_or_else(|| overflow(self))?
                    .max(zero);
                let per_unit = less
                    .usd()
                    .checked_mul(under)
                    .and_then(|reduction| base.usd().checked_sub(reduction))
                    .ok_or_else(|| overflow(self))?;
                quantity.checked_mul(per_unit).ok_or_else(|| overflow(self))
            }
            Rate::Minimum { rate, floor } => Ok(rate
                .amount_with(basis, primary)?
                .max(floor.amount_with(basis, primary)?)),
            Rate::Maximum { rate, cap } => Ok(rate
                .amount_with(basis, primary)?
                .min(cap.amount_with(basis, primary)?)),
            Rate::Proviso { .. } => Err(not_computable(
                self,
                "a proviso in words may change the duty; compute the rate before \", but\" \
                 only if the proviso does not apply",
            )),
            Rate::Additional { adjustment, .. } => match adjustment {
                None => Ok(zero),
                Some(Adjustment::Plus(rate)) => rate.amount_with(basis, primary),
                Some(Adjustment::Minus(rate)) => Ok(-rate.amount_with(basis, primary)?),
            },
            Rate::See(_) => Err(not_computable(
                self,
                "the rate is given by another provision",
            )),
            Rate::Textual { kind, .. } => Err(not_computable(self, kind.describe())),
        }
    }
}
