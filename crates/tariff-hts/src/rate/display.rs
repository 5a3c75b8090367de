//! Normalized text of a rate tree. [`super::RateCell::parse`] of the output gives back the tree.

use super::ast::{
    Adjustment, BaseDuty, Component, Denomination, HeadingRange, Money, Preposition, Rate,
    RateCell, RateGroup, Reference, Unit,
};
use std::fmt;

impl fmt::Display for RateCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{group}")?;
        }
        Ok(())
    }
}

impl fmt::Display for RateGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rate)?;
        if !self.programs.is_empty() {
            write!(f, " ({})", self.programs.join(","))?;
        }
        Ok(())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.denomination {
            Denomination::Cents => write!(f, "{}¢", self.amount),
            Denomination::Dollars => write!(f, "${}", self.amount),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.preposition {
            Preposition::On => write!(f, " on {}", self.text),
            Preposition::Of => write!(f, " of {}", self.text),
            Preposition::Upon => write!(f, " upon {}", self.text),
            Preposition::Including => write!(f, ", including {}", self.text),
        }
    }
}

/// Writes `amount` with its unit: `4.4¢/kg`, `32¢ each`, `0.2¢ for each other piece or part`.
fn write_specific(f: &mut fmt::Formatter<'_>, amount: &Money, unit: Unit) -> fmt::Result {
    match unit {
        Unit::Each => write!(f, "{amount} each"),
        Unit::OtherPiece => write!(f, "{amount} for each other piece or part"),
        unit => write!(f, "{amount}/{unit}"),
    }
}

impl fmt::Display for BaseDuty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseDuty::ApplicableSubheading => {
                f.write_str("The duty provided in the applicable subheading")
            }
            BaseDuty::SuchSubheading => f.write_str("The duty rate provided in such subheading"),
            BaseDuty::Subheadings(codes) => {
                f.write_str("The duty provided in subheadings ")?;
                for (i, code) in codes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(if i + 1 == codes.len() { " or " } else { ", " })?;
                    }
                    f.write_str(code)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for HeadingRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.last {
            Some(last) => write!(f, "{}-{}", self.first, last),
            None => f.write_str(&self.first),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Headings(items) => {
                f.write_str("See ")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Reference::Note(text) => write!(f, "See {text}"),
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rate::Free => f.write_str("Free"),
            Rate::ConditionalFree { condition } => write!(f, "Free, {condition}"),
            Rate::AdValorem { percent, on } => {
                write!(f, "{percent}%")?;
                if let Some(on) = on {
                    write!(f, "{on}")?;
                }
                Ok(())
            }
            Rate::Specific { amount, unit, on } => {
                write_specific(f, amount, *unit)?;
                if let Some(on) = on {
                    write!(f, "{on}")?;
                }
                Ok(())
            }
            Rate::Compound(parts) => {
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{part}")?;
                }
                Ok(())
            }
            Rate::SlidingScale {
                base,
                less,
                unit,
                degrees,
            } => {
                write_specific(f, base, *unit)?;
                f.write_str(" less ")?;
                write_specific(f, less, *unit)?;
                write!(
                    f,
                    " for each degree under {degrees} degrees (and fractions of a degree in proportion)"
                )
            }
            Rate::Minimum { rate, floor } => write!(f, "{rate} but not less than {floor}"),
            Rate::Maximum { rate, cap } => write!(f, "{rate} but not to exceed {cap}"),
            Rate::Proviso { rate, proviso } => write!(f, "{rate}, but {proviso}"),
            Rate::Additional { base, adjustment } => {
                write!(f, "{base}")?;
                match adjustment {
                    None => Ok(()),
                    Some(Adjustment::Plus(rate)) => write!(f, " + {rate}"),
                    Some(Adjustment::Minus(rate)) => write!(f, " minus {rate}"),
                }
            }
            Rate::NoChange => f.write_str("No change"),
            Rate::NoAdditionalDuty => f.write_str("No additional duty"),
            Rate::See(reference) => write!(f, "{reference}"),
            Rate::Textual { text, .. } => f.write_str(text),
        }
    }
}
