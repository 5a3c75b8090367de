//! The typed tree of a rate-of-duty cell.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A whole rate column cell (general, special, other or additional duties) of one HTS line.
///
/// A cell holds one or more [`RateGroup`]s: the general and other columns hold one group without
/// programs; the special column holds groups such as `Free (A+,AU,KR) 2.8% (JP)`. An empty
/// `groups` is a blank cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCell {
    /// The groups in the order they appear in the cell; empty for a blank cell.
    pub groups: Vec<RateGroup>,
}

/// One rate with the special tariff programs (SPI codes) it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateGroup {
    /// The rate of duty.
    pub rate: Rate,
    /// The SPI codes listed in the parentheses after the rate (`["A+", "AU", "KR"]`), in the
    /// order written; empty in the general and other columns.
    pub programs: Vec<String>,
}

/// A rate of duty, as a typed tree.
///
/// Amounts are computed by [`Rate::amount`]; a few forms are rules written in words (see
/// [`Rate::Textual`] and [`Rate::See`]) and cannot be computed from a value and a quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    /// `Free`: no duty.
    Free,
    /// `Free, under bond, as prescribed in U.S. note 1 to this subchapter`: no duty, subject to
    /// a condition stated in words.
    ConditionalFree {
        /// The condition, as written after `Free,` (or inside `Free (...)`).
        condition: String,
    },
    /// An ad valorem rate: `2.5%`, `4.2% on the case`, `3 percent of the fair retail value`.
    AdValorem {
        /// The rate in percent (`2.5` for 2.5%).
        percent: Decimal,
        /// The part of the goods whose value the percentage applies to; `None` for the whole
        /// customs value.
        on: Option<Component>,
    },
    /// A specific rate: `4.4¢/kg`, `$1.035/kg`, `32¢ each`, `10.1¢/kg on drained weight`.
    Specific {
        /// The money amount per unit.
        amount: Money,
        /// The unit of quantity.
        unit: Unit,
        /// The part of the goods whose quantity the rate applies to; `None` for the whole
        /// quantity of the goods.
        on: Option<Component>,
    },
    /// The sum of two or more [`Rate::AdValorem`] and [`Rate::Specific`] parts:
    /// `68¢/kg + 3.2%`, `32¢ each + 4.8% on the case + 4.2% on the battery`.
    Compound(Vec<Rate>),
    /// The sugar sliding scale: `1.4606¢/kg less 0.020668¢/kg for each degree under 100 degrees
    /// (and fractions of a degree in proportion)`. Usually wrapped in a [`Rate::Minimum`].
    SlidingScale {
        /// The rate at the reference polarization.
        base: Money,
        /// The reduction per degree under the reference.
        less: Money,
        /// The unit of quantity of both amounts.
        unit: Unit,
        /// The reference polarization in degrees (100).
        degrees: Decimal,
    },
    /// `rate but not less than floor`: the larger of the two amounts.
    Minimum {
        /// The rate.
        rate: Box<Rate>,
        /// The floor.
        floor: Box<Rate>,
    },
    /// `rate but not to exceed cap`: the smaller of the two amounts.
    Maximum {
        /// The rate.
        rate: Box<Rate>,
        /// The cap.
        cap: Box<Rate>,
    },
    /// A rate followed by a proviso in words that may change it: `4.3% + 1.7¢/jewel + ...,
    /// but if consisting in part of a plate or a set of plates the total duty shall not exceed
    /// the duty for the complete movement`.
    Proviso {
        /// The rate.
        rate: Box<Rate>,
        /// The proviso, as written after `, but ` (it starts with `if`).
        proviso: String,
    },
    /// A Chapter 99 rate that adds to (or subtracts from) the duty of another provision:
    /// `The duty provided in the applicable subheading + 25%`.
    ///
    /// [`Rate::amount`] computes only the adjustment: the base duty is computed from the
    /// provision named by `base`.
    Additional {
        /// The provision whose duty is the base.
        base: BaseDuty,
        /// What is added or subtracted; `None` means the base duty alone, i.e. no additional
        /// duty.
        adjustment: Option<Adjustment>,
    },
    /// `No change`: the duty otherwise applicable is not changed (adds nothing).
    NoChange,
    /// `No additional duty` (additional duties column).
    NoAdditionalDuty,
    /// A reference to other provisions: `See 9903.88.15`, `See additional U.S. note 5`.
    See(Reference),
    /// A rule written in words, of a recognized kind: `The rate applicable to the article of
    /// which it is a part or accessory`.
    Textual {
        /// What kind of rule this is.
        kind: TextualKind,
        /// The text, whitespace-normalized.
        text: String,
    },
}

/// A money amount, in cents (`4.4¢`) or dollars (`$1.035`), kept as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// The number as written.
    pub amount: Decimal,
    /// Whether the number is cents or dollars.
    pub denomination: Denomination,
}

/// The denomination of a [`Money`] amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denomination {
    /// `¢`.
    Cents,
    /// `$`.
    Dollars,
}

/// A unit of quantity of a specific rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// `kg`.
    Kg,
    /// `clean kg` (wool, clean yield).
    CleanKg,
    /// `g`.
    Gram,
    /// `t` (metric ton).
    Ton,
    /// `liter`.
    Liter,
    /// `pf.liter` (proof liter).
    ProofLiter,
    /// `bbl` (barrel).
    Barrel,
    /// `m2`.
    SquareMeter,
    /// `m3`.
    CubicMeter,
    /// `m`.
    Meter,
    /// `lin. m` (linear meter).
    LinearMeter,
    /// `doz.`.
    Dozen,
    /// `pr.` (pair).
    Pair,
    /// `gross` (144).
    Gross,
    /// `line/gross` (buttons: per line of size, per gross).
    LineGross,
    /// `1,000` (also written `1000` or `thousand`).
    Thousand,
    /// `1,000 pins`.
    ThousandPins,
    /// `head`.
    Head,
    /// `jewel`.
    Jewel,
    /// `jewel over 7`: each jewel in excess of seven.
    JewelOver7,
    /// `article`.
    Article,
    /// `pack`.
    Pack,
    /// `each`: written `32¢ each`.
    Each,
    /// `for each other piece or part`: written `0.2¢ for each other piece or part`.
    OtherPiece,
}

/// The part of the goods a rate part applies to: `on the case`, `of total sugars`,
/// `upon the value of the steel content`, `, including weight of container`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// The word joining the rate to the component.
    pub preposition: Preposition,
    /// The component, as written after the preposition (`the case`, `drained weight`). This is
    /// the key of the component in [`super::Basis::components`].
    pub text: String,
}

/// The word joining a rate to its [`Component`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preposition {
    /// `on`.
    On,
    /// `of`.
    Of,
    /// `upon`.
    Upon,
    /// `, including`.
    Including,
}

/// The provision whose duty a [`Rate::Additional`] adds to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseDuty {
    /// `The duty provided in the applicable subheading` (also `provided for in`).
    ApplicableSubheading,
    /// `The duty rate provided in such subheading`.
    SuchSubheading,
    /// `The duty provided in subheadings 8716.39.00, 8716.90.30 or 8716.90.50`.
    Subheadings(Vec<String>),
}

/// What a [`Rate::Additional`] adds to or subtracts from its base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// `+ 25%`, `plus 25%`, `+ a duty of 50% upon the value of the steel content`.
    Plus(Box<Rate>),
    /// `minus 0.5%`.
    Minus(Box<Rate>),
}

/// What a `See ...` rate refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// Headings or ranges of headings: `See 9823.01.01-9823.08.01`, `See 9921.01.01, 9921.01.02`.
    Headings(Vec<HeadingRange>),
    /// A note, as written after `See`: `additional U.S. note 5`, `U.S. note 3(e)`.
    Note(String),
}

/// One heading, or a range of headings, in a [`Reference::Headings`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadingRange {
    /// The (first) heading, as written (`9823.01.01`).
    pub first: String,
    /// The last heading of a range, if a range.
    pub last: Option<String>,
}

/// The recognized kinds of rules written in words ([`Rate::Textual`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextualKind {
    /// `The rate applicable to the article of which it is a part or accessory`.
    ArticleOfWhichPart,
    /// `The rate applicable to each garment in the ensemble if separately entered`.
    EachGarmentSeparately,
    /// `The rate of duty applicable to that article in the set subject to the highest rate of
    /// duty`.
    HighestRateInSet,
    /// `The rate applicable to the complete, assembled movement`.
    CompleteMovement,
    /// `The rate applicable to the natural juice in heading 2009`.
    NaturalJuice,
    /// `The rate applicable in the absence of this heading` (or subheading).
    AbsentThisProvision,
    /// `The duty rate provided for originating goods of Korea in such subheading`, `The rate
    /// provided for beneficiary countries in heading 9901.00.50`.
    ProgramRate,
    /// `A duty upon the value of the repairs or alterations (see U.S. note 3 of this
    /// subchapter)`.
    ValueOfRepairs,
    /// `A duty upon the value of such processing outside the United States`.
    ValueOfProcessing,
    /// `A duty upon the full value of the imported article less the value of ... of the United
    /// States`.
    ValueLessUsContent,
    /// `A duty equal to the duty upon the importation of like articles not previously
    /// exported, ...` (returned exports; duty capped by drawback and taxes).
    ReturnedExports,
}

/// Why a rate text did not parse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{category}: {message}")]
pub struct RateError {
    /// The category of the failure.
    pub category: UnparsedReason,
    /// A human-readable explanation naming the offending fragment.
    pub message: String,
}

/// The category of a [`RateError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnparsedReason {
    /// Parentheses do not balance.
    UnbalancedParentheses,
    /// HTML markup other than the known harmless tags, or a stray `<` or `>`.
    Markup,
    /// A program list in parentheses with no rate before it, or an empty part.
    MissingRate,
    /// A number that is malformed or too large.
    BadNumber,
    /// A fraction such as `33 1/3%`, which a decimal cannot hold exactly.
    Fraction,
    /// A specific rate whose unit is not known.
    UnknownUnit,
    /// A rate followed by text that is not a recognized component or qualifier.
    TrailingText,
    /// Text that is not any recognized form.
    UnknownText,
}

impl std::fmt::Display for UnparsedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UnparsedReason::UnbalancedParentheses => "unbalanced parentheses",
            UnparsedReason::Markup => "markup",
            UnparsedReason::MissingRate => "missing rate",
            UnparsedReason::BadNumber => "bad number",
            UnparsedReason::Fraction => "fraction",
            UnparsedReason::UnknownUnit => "unknown unit",
            UnparsedReason::TrailingText => "trailing text",
            UnparsedReason::UnknownText => "unknown text",
        })
    }
}

impl RateError {
    pub(crate) fn new(category: UnparsedReason, message: impl Into<String>) -> RateError {
        RateError {
            category,
            message: message.into(),
        }
    }
}

impl Money {
    /// Cents.
    pub fn cents(amount: Decimal) -> Money {
        Money {
            amount,
            denomination: Denomination::Cents,
        }
    }

    /// Dollars.
    pub fn dollars(amount: Decimal) -> Money {
        Money {
            amount,
            denomination: Denomination::Dollars,
        }
    }

    /// The amount in US dollars, exactly (`4.4¢` is `0.044`).
    pub fn usd(&self) -> Decimal {
        match self.denomination {
            Denomination::Dollars => self.amount,
            // Multiplying by 0.01 only shifts the scale: exact.
            Denomination::Cents => self.amount * Decimal::new(1, 2),
        }
    }
}

/// The unit table: each unit with its canonical spelling first, then accepted aliases.
/// Matching ignores whitespace and ASCII case.
pub(crate) const UNIT_ALIASES: &[(Unit, &[&str])] = &[
    (Unit::Kg, &["kg"]),
    (Unit::CleanKg, &["clean kg"]),
    (Unit::Gram, &["g"]),
    (Unit::Ton, &["t"]),
    (Unit::Liter, &["liter"]),
    (Unit::ProofLiter, &["pf.liter"]),
    (Unit::Barrel, &["bbl"]),
    (Unit::SquareMeter, &["m2"]),
    (Unit::CubicMeter, &["m3"]),
    (Unit::Meter, &["m"]),
    (Unit::LinearMeter, &["lin. m"]),
    (Unit::Dozen, &["doz.", "doz"]),
    (Unit::Pair, &["pr.", "pr"]),
    (Unit::Gross, &["gross"]),
    (Unit::LineGross, &["line/gross"]),
    (Unit::Thousand, &["1,000", "1000", "thousand"]),
    (Unit::ThousandPins, &["1,000 pins", "1000 pins"]),
    (Unit::Head, &["head"]),
    (Unit::Jewel, &["jewel"]),
    (Unit::JewelOver7, &["jewel over 7"]),
    (Unit::Article, &["article"]),
    (Unit::Pack, &["pack"]),
];

impl Unit {
    /// The canonical spelling: `kg`, `pf.liter`, `each`, `other piece or part`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Unit::Each => "each",
            Unit::OtherPiece => "other piece or part",
            unit => UNIT_ALIASES
                .iter()
                .find(|(u, _)| u == unit)
                .map(|(_, aliases)| aliases[0])
                .unwrap_or("?"),
        }
    }

    /// Every unit, in declaration order.
    pub const ALL: [Unit; 24] = [
        Unit::Kg,
        Unit::CleanKg,
        Unit::Gram,
        Unit::Ton,
        Unit::Liter,
        Unit::ProofLiter,
        Unit::Barrel,
        Unit::SquareMeter,
        Unit::CubicMeter,
        Unit::Meter,
        Unit::LinearMeter,
        Unit::Dozen,
        Unit::Pair,
        Unit::Gross,
        Unit::LineGross,
        Unit::Thousand,
        Unit::ThousandPins,
        Unit::Head,
        Unit::Jewel,
        Unit::JewelOver7,
        Unit::Article,
        Unit::Pack,
        Unit::Each,
        Unit::OtherPiece,
    ];
}

impl TextualKind {
    /// A short description of the rule, for error messages and reports.
    pub fn describe(&self) -> &'static str {
        match self {
            TextualKind::ArticleOfWhichPart => {
                "the rate of the article of which the good is a part or accessory"
            }
            TextualKind::EachGarmentSeparately => {
                "the rate of each garment of the ensemble as if entered separately"
            }
            TextualKind::HighestRateInSet => "the highest rate of any article in the set",
            TextualKind::CompleteMovement => "the rate of the complete, assembled movement",
            TextualKind::NaturalJuice => "the rate of the natural juice in heading 2009",
            TextualKind::AbsentThisProvision => {
                "the rate applicable in the absence of this provision"
            }
            TextualKind::ProgramRate => "the rate another provision gives to a program's goods",
            TextualKind::ValueOfRepairs => "a duty upon the value of repairs or alterations",
            TextualKind::ValueOfProcessing => "a duty upon the value of processing abroad",
            TextualKind::ValueLessUsContent => {
                "a duty upon the full value less the value of U.S. content"
            }
            TextualKind::ReturnedExports => {
                "a duty equal to the duty on like articles not previously exported, capped"
            }
        }
    }
}
