//! Rate-of-duty text: the general, special, other and additional-duties columns of the HTS.
//!
//! [`RateCell::parse`] turns a cell's text into a typed tree; the tree prints back as
//! normalized text ([`std::fmt::Display`]), and `RateCell::parse(&cell.to_string())` gives
//! back the same tree. [`Rate::amount`] and [`Rate::ave`] compute the duty on a [`Basis`].
//!
//! ```
//! use tariff_hts::rate::{Rate, RateCell};
//!
//! let cell = RateCell::parse("Free (A+,AU,KR) 2.8% (JP)").unwrap();
//! assert_eq!(cell.groups.len(), 2);
//! assert_eq!(cell.groups[0].rate, Rate::Free);
//! assert_eq!(cell.groups[1].programs, ["JP"]);
//! assert_eq!(cell.to_string(), "Free (A+,AU,KR) 2.8% (JP)");
//! ```
//!
//! The forms understood, with their [`Rate`] variant:
//!
//! | text | variant |
//! |---|---|
//! | `Free` | [`Rate::Free`] |
//! | `Free, under bond, as prescribed in U.S. note 1 to this subchapter` | [`Rate::ConditionalFree`] |
//! | `2.5%`, `3 percent of the fair retail value`, `4.2% on the case` | [`Rate::AdValorem`] |
//! | `4.4¢/kg`, `$1.035/kg`, `32¢ each`, `10.1¢/kg on drained weight` | [`Rate::Specific`] |
//! | `68¢/kg + 3.2%`, `32¢ each + 4.8% on the case + 4.2% on the battery` | [`Rate::Compound`] |
//! | `2.2¢/kg less 0.020668¢/kg for each degree under 100 degrees (...)` | [`Rate::SlidingScale`] |
//! | `... but not less than 1.5¢/kg` / `... not to exceed ...` | [`Rate::Minimum`] / [`Rate::Maximum`] |
//! | `..., but if consisting in part of a plate ...` | [`Rate::Proviso`] |
//! | `The duty provided in the applicable subheading + 25%` | [`Rate::Additional`] |
//! | `No change`, `No additional duty` | [`Rate::NoChange`], [`Rate::NoAdditionalDuty`] |
//! | `See 9903.88.15`, `See additional U.S. note 5` | [`Rate::See`] |
//! | `The rate applicable to the article of which it is a part or accessory` | [`Rate::Textual`] |

mod amount;
mod ast;
mod display;
mod parse;

pub use amount::{AmountError, Basis, ComponentBasis};
pub use ast::{
    Adjustment, BaseDuty, Component, Denomination, HeadingRange, Money, Preposition, Rate,
    RateCell, RateError, RateGroup, Reference, TextualKind, Unit, UnparsedReason,
};

impl RateCell {
    /// Parses the text of a rate column cell. Never panics.
    ///
    /// Blank text (empty, spaces, line breaks, or only markup) is a blank cell.
    pub fn parse(text: &str) -> Result<RateCell, RateError> {
        parse::parse_cell(text)
    }

    /// True for a blank cell.
    pub fn is_blank(&self) -> bool {
        self.groups.is_empty()
    }

    /// The rate of the group listing `program`, if any.
    pub fn rate_for(&self, program: &str) -> Option<&Rate> {
        self.groups
            .iter()
            .find(|g| g.programs.iter().any(|p| p == program))
            .map(|g| &g.rate)
    }
}

impl std::str::FromStr for RateCell {
    type Err = RateError;

    fn from_str(text: &str) -> Result<RateCell, RateError> {
        RateCell::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn one(text: &str) -> Rate {
        let cell = RateCell::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(cell.groups.len(), 1, "{text:?}");
        assert!(cell.groups[0].programs.is_empty(), "{text:?}");
        let again = RateCell::parse(&cell.to_string()).unwrap();
        assert_eq!(again, cell, "round trip of {text:?} via {cell}");
        cell.groups.into_iter().next().unwrap().rate
    }

    fn av(percent: &str) -> Rate {
        Rate::AdValorem {
            percent: d(percent),
            on: None,
        }
    }

    fn av_on(percent: &str, prep: Preposition, text: &str) -> Rate {
        Rate::AdValorem {
            percent: d(percent),
            on: Some(Component {
                preposition: prep,
                text: text.into(),
            }),
        }
    }

    fn cents(amount: &str, unit: Unit) -> Rate {
        Rate::Specific {
            amount: Money::cents(d(amount)),
            unit,
            on: None,
        }
    }

    fn cents_on(amount: &str, unit: Unit, prep: Preposition, text: &str) -> Rate {
        Rate::Specific {
            amount: Money::cents(d(amount)),
            unit,
            on: Some(Component {
                preposition: prep,
                text: text.into(),
            }),
        }
    }

    fn dollars(amount: &str, unit: Unit) -> Rate {
        Rate::Specific {
            amount: Money::dollars(d(amount)),
            unit,
            on: None,
        }
    }

    fn display(text: &str) -> String {
        RateCell::parse(text).unwrap().to_string()
    }

    #[test]
    fn blank_cells() {
        for text in ["", " ", "\n", "  \n\t", "<u></u>"] {
            let cell = RateCell::parse(text).unwrap();
            assert!(cell.is_blank(), "{text:?}");
            assert_eq!(cell.to_string(), "");
        }
    }

    #[test]
    fn free_and_keywords() {
        assert_eq!(one("Free"), Rate::Free);
        assert_eq!(one("free "), Rate::Free);
        assert_eq!(one("No change"), Rate::NoChange);
        assert_eq!(one("no change"), Rate::NoChange);
        assert_eq!(one("No change."), Rate::NoChange);
        assert_eq!(one("No additional duty"), Rate::NoAdditionalDuty);
        assert_eq!(display("no change"), "No change");
    }

    #[test]
    fn conditional_free() {
        let text = "Free, under bond, as prescribed in U.S. note 1 to this subchapter";
        assert_eq!(
            one(text),
            Rate::ConditionalFree {
                condition: "under bond, as prescribed in U.S. note 1 to this subchapter".into()
            }
        );
        assert_eq!(display(text), text);
        assert_eq!(
            one("Free (See U.S. note 4 of this subchapter)"),
            Rate::ConditionalFree {
                condition: "See U.S. note 4 of this subchapter".into()
            }
        );
        assert_eq!(
            display("Free (See U.S. note 4 of this subchapter)"),
            "Free, See U.S. note 4 of this subchapter"
        );
        assert!(RateCell::parse("Freedom").is_err());
    }

    #[test]
    fn ad_valorem() {
        assert_eq!(one("2.5%"), av("2.5"));
        assert_eq!(one("2.5% "), av("2.5"));
        assert_eq!(one("2.5% <u></u>"), av("2.5"));
        assert_eq!(one("2.5%<u></u>"), av("2.5"));
        assert_eq!(one("10% <u></u>"), av("10"));
        assert_eq!(one("20%<il></il>"), av("20"));
        assert_eq!(display("1.0%"), "1.0%");
        assert_eq!(
            one("1.5 percent of the fair retail value"),
            av_on("1.5", Preposition::Of, "the fair retail value")
        );
        assert_eq!(
            display("1.5 percent of the fair retail value"),
            "1.5% of the fair retail value"
        );
        assert_eq!(
            one("2.5% on the value of the lead content"),
            av_on("2.5", Preposition::On, "the value of the lead content")
        );
        assert_eq!(
            one("6.5% on the entire set"),
            av_on("6.5", Preposition::On, "the entire set")
        );
    }

    #[test]
    fn specific() {
        assert_eq!(one("4.4¢/kg"), cents("4.4", Unit::Kg));
        assert_eq!(one("$1.035/kg"), dollars("1.035", Unit::Kg));
        assert_eq!(one("37.5¢/doz."), cents("37.5", Unit::Dozen));
        assert_eq!(one("10.5¢/bbl"), cents("10.5", Unit::Barrel));
        assert_eq!(one("0.5¢/pf.liter"), cents("0.5", Unit::ProofLiter));
        assert_eq!(one("14.27¢/ liter"), cents("14.27", Unit::Liter));
        assert_eq!(one("14.5¢/m<sup>2</sup>"), cents("14.5", Unit::SquareMeter));
        assert_eq!(one("14.5¢/m2"), cents("14.5", Unit::SquareMeter));
        assert_eq!(
            one("$1.13/m<sup>3</sup>"),
            dollars("1.13", Unit::CubicMeter)
        );
        assert_eq!(one("$4.95/t"), dollars("4.95", Unit::Ton));
        assert_eq!(one("0.9¢ each"), cents("0.9", Unit::Each));
        assert_eq!(
            one("62¢/pr. + 13.7%"),
            Rate::Compound(vec![cents("62", Unit::Pair), av("13.7")])
        );
        assert_eq!(one("6.5¢/gross<il></il>"), cents("6.5", Unit::Gross));
        assert_eq!(one("68¢/head"), cents("68", Unit::Head));
        assert_eq!(one("20¢/thousand + 3.5%").unit(), Some(Unit::Thousand));
        assert_eq!(one("$1.34/1000"), dollars("1.34", Unit::Thousand));
        assert_eq!(one("$2.50/thou- sand + 40%").unit(), Some(Unit::Thousand));
        assert_eq!(one("$1/1,000 pins + 35%").unit(), Some(Unit::ThousandPins));
        assert_eq!(one("18.7¢/clean kg"), cents("18.7", Unit::CleanKg));
        assert_eq!(one("3.3¢/lin. m"), cents("3.3", Unit::LinearMeter));
        assert_eq!(one("10.6¢/g"), cents("10.6", Unit::Gram));
        assert_eq!(
            one("0.18¢/line/ gross + 2.5%").unit(),
            Some(Unit::LineGross)
        );
        assert_eq!(
            display("0.18¢/line/ gross + 2.5%"),
            "0.18¢/line/gross + 2.5%"
        );
        assert_eq!(display("$1.34/1000"), "$1.34/1,000");
        assert_eq!(display("37.5¢/doz."), "37.5¢/doz.");
        assert_eq!(display("32¢ each"), "32¢ each");
        assert!(RateCell::parse("4.4¢/kgs").is_err());
    }

    #[test]
    fn specific_on_components() {
        assert_eq!(
            one("10.1¢/kg on drained weight"),
            cents_on("10.1", Unit::Kg, Preposition::On, "drained weight")
        );
        assert_eq!(
            one("22¢/kg on drained weght + 45%"),
            Rate::Compound(vec![
                cents_on("22", Unit::Kg, Preposition::On, "drained weight"),
                av("45")
            ])
        );
        assert_eq!(
            one("0.01¢/kg of total sugars"),
            cents_on("0.01", Unit::Kg, Preposition::Of, "total sugars")
        );
        assert_eq!(
            one("$1.32/t, including weight of container"),
            Rate::Specific {
                amount: Money::dollars(d("1.32")),
                unit: Unit::Ton,
                on: Some(Component {
                    preposition: Preposition::Including,
                    text: "weight of container".into()
                })
            }
        );
        assert_eq!(
            one("86.1¢/m<sup>2</sup>of recording surface"),
            cents_on(
                "86.1",
                Unit::SquareMeter,
                Preposition::Of,
                "recording surface"
            )
        );
        assert_eq!(
            display("<il>86.1¢/m<sup>2</sup></il> of recording surface"),
            "86.1¢/m2 of recording surface"
        );
    }

    #[test]
    fn compound() {
        assert_eq!(
            one("68¢/kg + 3.2%"),
            Rate::Compound(vec![cents("68", Unit::Kg), av("3.2")])
        );
        assert_eq!(
            one("40¢/kg +10.4%"),
            Rate::Compound(vec![cents("40", Unit::Kg), av("10.4")])
        );
        assert_eq!(
            one("13.5¢/kg + 6.3% + 1.9¢/article"),
            Rate::Compound(vec![
                cents("13.5", Unit::Kg),
                av("6.3"),
                cents("1.9", Unit::Article)
            ])
        );
        let watch = "32¢ each + 4.8% on the case + 2.2% on the strap, band or bracelet + 4.2% on the battery";
        assert_eq!(
            one(watch),
            Rate::Compound(vec![
                cents("32", Unit::Each),
                av_on("4.8", Preposition::On, "the case"),
                av_on("2.2", Preposition::On, "the strap, band or bracelet"),
                av_on("4.2", Preposition::On, "the battery"),
            ])
        );
        assert_eq!(display(watch), watch);
        assert_eq!(
            display("3.9% on the movement and case+ 5.3% on the battery"),
            "3.9% on the movement and case + 5.3% on the battery"
        );
        assert_eq!(
            display("$2.70 each + 45% on the case + 35% on thebattery"),
            "$2.70 each + 45% on the case + 35% on the battery"
        );
        assert_eq!(
            one("43¢ each + 2.8¢/jewel over 7 + 3.7% on the case"),
            Rate::Compound(vec![
                cents("43", Unit::Each),
                cents("2.8", Unit::JewelOver7),
                av_on("3.7", Preposition::On, "the case"),
            ])
        );
        assert_eq!(
            one("3.1¢/liter + 22.1¢/pf. liter on ethyl alcohol content"),
            Rate::Compound(vec![
                cents("3.1", Unit::Liter),
                cents_on(
                    "22.1",
                    Unit::ProofLiter,
                    Preposition::On,
                    "ethyl alcohol content"
                ),
            ])
        );
    }

    #[test]
    fn sliding_scale_and_minimum() {
        let text = "2.2¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 1.5¢/kg";
        let rate = one(text);
        assert_eq!(
            rate,
            Rate::Minimum {
                rate: Box::new(Rate::SlidingScale {
                    base: Money::cents(d("2.2")),
                    less: Money::cents(d("0.020668")),
                    unit: Unit::Kg,
                    degrees: d("100"),
                }),
                floor: Box::new(cents("1.5", Unit::Kg)),
            }
        );
        assert_eq!(rate.to_string(), text);
        // Odd spacing and the missing "than" in the data.
        let odd = "4.3817¢/kg less 0.0622005¢ /kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less 2.831562¢ /kg";
        assert!(matches!(one(odd), Rate::Minimum { .. }));
        // 1,000 kg at 96 degrees: (2.2 - 4 × 0.020668)¢ = 2.117328¢/kg → $21.17328.
        let basis = Basis::new(d("500"))
            .with_quantity(d("1000"))
            .with_degrees(d("96"));
        assert_eq!(rate.amount(&basis).unwrap(), d("21.17328"));
        // At 50 degrees the scale gives 1.1666¢ < floor 1.5¢ → $15.
        let low = basis.clone().with_degrees(d("50"));
        assert_eq!(rate.amount(&low).unwrap(), d("15"));
        assert!(matches!(
            rate.amount(&Basis::new(d("500")).with_quantity(d("1000"))),
            Err(AmountError::MissingDegrees { .. })
        ));
    }

    #[test]
    fn maximum() {
        let rate = one("5% but not to exceed 10¢/kg");
        assert_eq!(
            rate,
            Rate::Maximum {
                rate: Box::new(av("5")),
                cap: Box::new(cents("10", Unit::Kg))
            }
        );
        let basis = Basis::new(d("1000")).with_quantity(d("100"));
        assert_eq!(rate.amount(&basis).unwrap(), d("10"));
    }

    #[test]
    fn proviso() {
        let text = "4.3% + 1.7¢/jewel + 0.2¢ for each other piece or part, but if consisting in part of a plate or a set of plates the total duty shall not exceed the duty for the complete movement";
        let rate = one(text);
        let Rate::Proviso {
            rate: inner,
            proviso,
        } = &rate
        else {
            panic!("{rate:?}");
        };
        assert_eq!(
            **inner,
            Rate::Compound(vec![
                av("4.3"),
                cents("1.7", Unit::Jewel),
                cents("0.2", Unit::OtherPiece)
            ])
        );
        assert!(proviso.starts_with("if consisting"));
        assert_eq!(rate.to_string(), text);
        assert!(matches!(
            rate.amount(&Basis::new(d("1"))),
            Err(AmountError::NotComputable { .. })
        ));
    }

    fn additional(plus: Rate) -> Rate {
        Rate::Additional {
            base: BaseDuty::ApplicableSubheading,
            adjustment: Some(Adjustment::Plus(Box::new(plus))),
        }
    }

    #[test]
    fn chapter_99() {
        let plus25 = additional(av("25"));
        for text in [
            "The duty provided in the applicable subheading + 25%",
            "The duty provided in the applicable subheading +25%",
            "The duty provided in the applicable subheading + 25%.",
            "The duty provided in the applicable subheading plus 25%",
            "The duty provided inthe applicable subheading+ 25%",
            "The duty provided in the applicable subheading + a duty of 25%",
        ] {
            assert_eq!(one(text), plus25, "{text}");
            assert_eq!(
                display(text),
                "The duty provided in the applicable subheading + 25%"
            );
        }
        let none = Rate::Additional {
            base: BaseDuty::ApplicableSubheading,
            adjustment: None,
        };
        assert_eq!(one("The duty provided in the applicable subheading"), none);
        assert_eq!(one("The duty provided in the applicable subheading."), none);
        assert_eq!(
            one("The duty provided for in the applicable subheading"),
            none
        );
        assert_eq!(
            one(
                "The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content."
            ),
            additional(av_on(
                "50",
                Preposition::Upon,
                "the value of the steel content"
            ))
        );
        assert_eq!(
            display(
                "The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content."
            ),
            "The duty provided in the applicable subheading + 50% upon the value of the steel content"
        );
        assert_eq!(
            one("The duty rate provided in such subheading minus 0.5%"),
            Rate::Additional {
                base: BaseDuty::SuchSubheading,
                adjustment: Some(Adjustment::Minus(Box::new(av("0.5"))))
            }
        );
        let text = "The duty provided in subheadings 8716.39.00, 8716.90.30 or 8716.90.50 + 100%";
        assert_eq!(
            one(text),
            Rate::Additional {
                base: BaseDuty::Subheadings(vec![
                    "8716.39.00".into(),
                    "8716.90.30".into(),
                    "8716.90.50".into()
                ]),
                adjustment: Some(Adjustment::Plus(Box::new(av("100"))))
            }
        );
        assert_eq!(display(text), text);
        assert!(one(text).is_additional());
    }

    #[test]
    fn chapter_99_amounts() {
        let basis = Basis::new(d("10000"));
        assert_eq!(
            one("The duty provided in the applicable subheading + 25%")
                .amount(&basis)
                .unwrap(),
            d("2500")
        );
        assert_eq!(
            one("The duty provided in the applicable subheading")
                .amount(&basis)
                .unwrap(),
            d("0")
        );
        assert_eq!(
            one("The duty rate provided in such subheading minus 0.5%")
                .amount(&basis)
                .unwrap(),
            d("-50")
        );
        let steel = one(
            "The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content",
        );
        assert_eq!(
            steel.amount(&basis).unwrap_err(),
            AmountError::MissingComponentValue {
                rate: "50% upon the value of the steel content".into(),
                component: "the value of the steel content".into()
            }
        );
        let with_steel = basis.with_component_value("the value of the steel content", d("4000"));
        assert_eq!(steel.amount(&with_steel).unwrap(), d("2000"));
    }

    #[test]
    fn references() {
        assert_eq!(
            one("See 9903.88.15"),
            Rate::See(Reference::Headings(vec![HeadingRange {
                first: "9903.88.15".into(),
                last: None
            }]))
        );
        assert_eq!(
            one("See 9823.01.01-9823.08.01"),
            Rate::See(Reference::Headings(vec![HeadingRange {
                first: "9823.01.01".into(),
                last: Some("9823.08.01".into())
            }]))
        );
        assert_eq!(
            display("See 9921.01.01,9921.01.02"),
            "See 9921.01.01, 9921.01.02"
        );
        assert_eq!(
            one("See additional U.S. note 5"),
            Rate::See(Reference::Note("additional U.S. note 5".into()))
        );
    }

    #[test]
    fn textual() {
        for (text, kind) in [
            (
                "The rate applicable to the article of which it is a part or accessory",
                TextualKind::ArticleOfWhichPart,
            ),
            (
                "The rate applicable to each garment in the ensemble if separately entered",
                TextualKind::EachGarmentSeparately,
            ),
            (
                "The rate of duty appli- cable to that article in the set subject to the high- est rate of duty",
                TextualKind::HighestRateInSet,
            ),
            (
                "A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter)",
                TextualKind::ValueOfRepairs,
            ),
            (
                "The duty rate provided for origin- ating goods of Colombia in such subheading",
                TextualKind::ProgramRate,
            ),
        ] {
            assert_eq!(
                one(text),
                Rate::Textual {
                    kind,
                    text: text.into()
                }
            );
            let err = one(text).amount(&Basis::new(d("1"))).unwrap_err();
            assert!(matches!(err, AmountError::NotComputable { .. }), "{err}");
        }
    }

    #[test]
    fn special_column_groups() {
        let cell =
            RateCell::parse("Free \n(A+, AU, BH, CL,CO,D, E, IL, JO, KR, MA, OM,P, PA, PE, S, SG)")
                .unwrap();
        assert_eq!(cell.groups.len(), 1);
        assert_eq!(cell.groups[0].rate, Rate::Free);
        assert_eq!(
            cell.groups[0].programs,
            [
                "A+", "AU", "BH", "CL", "CO", "D", "E", "IL", "JO", "KR", "MA", "OM", "P", "PA",
                "PE", "S", "SG"
            ]
        );
        assert_eq!(
            cell.to_string(),
            "Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)"
        );
        let cell = RateCell::parse("Free (A*,AU,BH)2.8% (JP)").unwrap();
        assert_eq!(cell.groups[1].rate, av("2.8"));
        assert_eq!(cell.rate_for("JP"), Some(&av("2.8")));
        assert_eq!(cell.rate_for("AU"), Some(&Rate::Free));
        let cell = RateCell::parse(
            "Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PE,S,SG) See 9822.09.22-9822.09.24 (PA)",
        )
        .unwrap();
        assert!(matches!(cell.groups[1].rate, Rate::See(_)));
        let cell = RateCell::parse(
            "No change (A) Free (CA,IL, MX) See U.S. note 3 to this sub- chapter (E) See U.S. note 3(e) (CO,PE)",
        )
        .unwrap();
        assert_eq!(cell.groups.len(), 4);
        assert_eq!(
            cell.groups[3].rate,
            Rate::See(Reference::Note("U.S. note 3(e)".into()))
        );
        // Stray separators in program lists.
        let cell = RateCell::parse("Free (AU,BH,CL,CO,IL,JO,KR,MA,.OM,P,PA,PE,S,SG) ").unwrap();
        assert!(cell.groups[0].programs.contains(&"OM".to_string()));
        let cell = RateCell::parse("Free (AU) A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter) (B,C,)").unwrap();
        assert_eq!(cell.groups[1].programs, ["B", "C"]);
        assert!(matches!(
            cell.groups[1].rate,
            Rate::Textual {
                kind: TextualKind::ValueOfRepairs,
                ..
            }
        ));
    }

    #[test]
    fn errors_are_categorized() {
        let cat = |t: &str| RateCell::parse(t).unwrap_err().category;
        assert_eq!(cat("33 1/3%"), UnparsedReason::Fraction);
        assert_eq!(cat("37% /"), UnparsedReason::TrailingText);
        assert_eq!(cat(":"), UnparsedReason::UnknownText);
        assert_eq!(cat("5¢/furlong"), UnparsedReason::UnknownUnit);
        assert_eq!(cat("Free (A"), UnparsedReason::UnbalancedParentheses);
        assert_eq!(cat("<script>"), UnparsedReason::Markup);
        assert_eq!(cat("(A,B)"), UnparsedReason::MissingRate);
        assert_eq!(cat("99999999999999999999%"), UnparsedReason::BadNumber);
        let e = RateCell::parse("banana").unwrap_err();
        assert!(e.to_string().contains("banana"), "{e}");
    }

    #[test]
    fn amounts() {
        // 2.5% of $10,000 = $250.
        let basis = Basis::new(d("10000"));
        assert_eq!(one("2.5%").amount(&basis).unwrap(), d("250"));
        assert_eq!(one("2.5%").ave(&basis).unwrap(), d("0.025"));
        assert_eq!(one("Free").amount(&basis).unwrap(), d("0"));
        // 4.4¢/kg × 1,000 kg = $44; AVE on $2,000 = 2.2%.
        let rate = one("4.4¢/kg");
        assert_eq!(rate.unit(), Some(Unit::Kg));
        let basis = Basis::new(d("2000")).with_quantity(d("1000"));
        assert_eq!(rate.amount(&basis).unwrap(), d("44"));
        assert_eq!(rate.ave(&basis).unwrap(), d("0.022"));
        // Cents convert exactly.
        assert_eq!(Money::cents(d("4.4")).usd(), d("0.044"));
        // 68¢/kg + 3.2% on $5,000 and 100 kg = $68 + $160 = $228.
        let rate = one("68¢/kg + 3.2%");
        let basis = Basis::new(d("5000")).with_quantity(d("100"));
        assert_eq!(rate.amount(&basis).unwrap(), d("228"));
        assert_eq!(rate.ave(&basis).unwrap(), d("0.0456"));
        // $1.035/kg on 10 kg = $10.35.
        let basis = Basis::new(d("100")).with_quantity(d("10"));
        assert_eq!(one("$1.035/kg").amount(&basis).unwrap(), d("10.35"));
    }

    #[test]
    fn amount_errors() {
        let err = one("4.4¢/kg").amount(&Basis::new(d("100"))).unwrap_err();
        assert_eq!(
            err,
            AmountError::MissingQuantity {
                rate: "4.4¢/kg".into(),
                unit: Unit::Kg
            }
        );
        assert_eq!(
            err.to_string(),
            "specific rate 4.4¢/kg needs a quantity in kg"
        );
        assert_eq!(
            one("2.5%").ave(&Basis::new(d("0"))).unwrap_err(),
            AmountError::ZeroValue
        );
        // A second unit needs its own quantity.
        let rate = one("15¢ each + 4% + 2.5¢/jewel");
        assert_eq!(rate.unit(), Some(Unit::Each));
        assert_eq!(rate.units(), [Unit::Each, Unit::Jewel]);
        let basis = Basis::new(d("100")).with_quantity(d("10"));
        assert_eq!(
            rate.amount(&basis).unwrap_err().to_string(),
            "specific rate 2.5¢/jewel needs a quantity in jewel"
        );
        // 10 × 15¢ + 4% × $100 + 170 × 2.5¢ = 1.50 + 4 + 4.25.
        let basis = basis.with_unit_quantity(Unit::Jewel, d("170"));
        assert_eq!(rate.amount(&basis).unwrap(), d("9.75"));
    }

    #[test]
    fn component_amounts() {
        let rate = one("$1.53 each + 4.2% on the case + 2% on the strap, band or bracelet");
        let keys: Vec<&str> = rate.components().iter().map(|c| c.text.as_str()).collect();
        assert_eq!(keys, ["the case", "the strap, band or bracelet"]);
        let basis = Basis::new(d("200")).with_quantity(d("2"));
        // The full value is NOT used for the case.
        assert_eq!(
            rate.amount(&basis).unwrap_err(),
            AmountError::MissingComponentValue {
                rate: "4.2% on the case".into(),
                component: "the case".into()
            }
        );
        let basis = basis
            .with_component_value("the case", d("50"))
            .with_component_value("the strap, band or bracelet", d("20"));
        // 2 × $1.53 + 4.2% × 50 + 2% × 20 = 3.06 + 2.1 + 0.4.
        assert_eq!(rate.amount(&basis).unwrap(), d("5.56"));

        let rate = one("5.7¢/kg on drained weight + 8%");
        assert_eq!(rate.unit(), None);
        let basis = Basis::new(d("100")).with_quantity(d("12"));
        assert_eq!(
            rate.amount(&basis).unwrap_err().to_string(),
            "rate 5.7¢/kg on drained weight needs the quantity in kg of the component \"drained weight\""
        );
        let basis = basis.with_component_quantity("drained weight", d("10"));
        assert_eq!(rate.amount(&basis).unwrap(), d("8.57"));
    }

    #[test]
    fn serde_shape() {
        let cell = RateCell::parse("68¢/kg + 3.2% (KR)").unwrap();
        let json = serde_json::to_string(&cell).unwrap();
        assert_eq!(
            json,
            r#"{"groups":[{"rate":{"compound":[{"specific":{"amount":{"amount":"68","denomination":"cents"},"unit":"kg","on":null}},{"ad_valorem":{"percent":"3.2","on":null}}]},"programs":["KR"]}]}"#
        );
        let back: RateCell = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cell);
        let err = RateCell::parse("33 1/3%").unwrap_err();
        let json = serde_json::to_string(&err).unwrap();
        assert!(json.contains(r#""category":"fraction""#), "{json}");
    }
}
