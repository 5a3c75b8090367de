//! Special tariff treatment programs (SPI codes) as cited data.
//!
//! The "Special" rate-of-duty subcolumn of the HTSUS follows each special rate with the codes
//! of the programs that grant it, in parentheses: `Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,…)`.
//! General Note 3(c)(i) lists the codes. This module carries one [`SpecialProgram`] per code
//! — name, defining general note, statute, member countries, dates in force, citation and how
//! sure we are — loaded from `data/special_programs.yaml` (embedded at compile time), and
//! answers one question: does claiming a program on a line give its special rate for goods of
//! a given origin entered on a given date ([`Programs::eligibility`])?
//!
//! # Matching rules
//!
//! A claim is checked in this order; the first failing step is the answer.
//!
//! 1. The claimed code must be in the table, else [`Eligibility::UnknownProgram`].
//! 2. The claimed code must appear in the line's rate group, else [`Eligibility::NotOnLine`].
//!    A code *matches* a line code when both have the same base (the code without a trailing
//!    `*` or `+`); an exact match is preferred. So `A` claimed on a line listing `A*` or `A+`
//!    matches, and so do `E` on `E*`, `S` on `S+`, `P` on `P+`, `J` on `J*`.
//! 3. Both the claimed program and the matched line program must be in force on the entry
//!    date, else [`Eligibility::ProgramNotInForce`].
//! 4. The origin must be a member of both the claimed program and the matched line program
//!    and excluded from neither, else [`Eligibility::OriginNotBeneficiary`]. Because the
//!    matched line program is checked, `A` claimed on an `A+` line requires a least-developed
//!    beneficiary, as General Note 4(b) does.
//!
//! What the table cannot know, and so does not check: the countries excluded for one
//! subheading by a starred code (`A*`: General Note 4(d); `E*`: General Note 7), the party a
//! `+` rate is limited to (`S+`: General Note 11; `P+`: General Note 29), rules of origin,
//! direct shipment, certifications and quotas. A match on a starred or `+` line code is
//! reported [`Eligibility::Eligible`] with that line code, and its [`fmt::Display`] says the
//! general note must be checked.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The embedded program table, `data/special_programs.yaml`.
pub const EMBEDDED_YAML: &str = include_str!("../data/special_programs.yaml");

/// What kind of instrument a program is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramKind {
    /// A reciprocal trade agreement with one or more partner countries (KORUS, USMCA, …).
    FreeTradeAgreement,
    /// A unilateral preference granted by statute to designated countries (GSP, AGOA, …).
    PreferenceProgram,
    /// A product-based agreement whose rate depends on the goods, not on their origin
    /// (civil aircraft, pharmaceuticals, dye intermediates, Canadian automotive products).
    ProductAgreement,
}

/// How sure the data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Checked against the legal text or an official source.
    High,
    /// Believed right, with a part not confirmed; the entry's note says which.
    Medium,
    /// A best effort; do not rely on it without checking.
    Low,
}

/// The countries whose goods may qualify for a program.
///
/// In YAML: the word `any`, or a list of ISO 3166-1 alpha-2 codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CountriesRepr", into = "CountriesRepr")]
pub enum Countries {
    /// Goods of any origin (product-based programs).
    Any,
    /// Goods of these countries only (ISO 3166-1 alpha-2, uppercase).
    Only(Vec<String>),
}

impl Countries {
    /// Whether goods of `origin` (ISO alpha-2, uppercase) are covered.
    pub fn contains(&self, origin: &str) -> bool {
        match self {
            Countries::Any => true,
            Countries::Only(list) => list.iter().any(|c| c == origin),
        }
    }

    /// The number of listed countries, or `None` for [`Countries::Any`].
    pub fn count(&self) -> Option<usize> {
        match self {
            Countries::Any => None,
            Countries::Only(list) => Some(list.len()),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CountriesRepr {
    Word(String),
    List(Vec<String>),
}

impl TryFrom<CountriesRepr> for Countries {
    type Error = String;

    fn try_from(repr: CountriesRepr) -> Result<Self, Self::Error> {
        match repr {
            CountriesRepr::Word(word) if word == "any" => Ok(Countries::Any),
            CountriesRepr::Word(word) => Err(format!(
                "countries must be `any` or a list of ISO alpha-2 codes, not {word:?}"
            )),
            CountriesRepr::List(list) => Ok(Countries::Only(list)),
        }
    }
}

impl From<Countries> for CountriesRepr {
    fn from(countries: Countries) -> Self {
        match countries {
            Countries::Any => CountriesRepr::Word("any".to_owned()),
            Countries::Only(list) => CountriesRepr::List(list),
        }
    }
}

pub use crate::interval::Interval;

/// One special tariff treatment program, identified by its SPI code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialProgram {
    /// The code as printed in the special column: `A`, `A*`, `A+`, `KR`, `S+`, …
    pub code: String,
    /// The program's name.
    pub name: String,
    /// The HTS general note(s) that define the program, e.g. `General Note 3(c)(i); General
    /// Note 33`.
    pub general_note: String,
    /// The statute or agreement, with its Public Law number where known.
    pub authority: String,
    /// What kind of instrument it is.
    pub kind: ProgramKind,
    /// Whose goods may qualify.
    pub countries: Countries,
    /// Countries excluded even though otherwise covered (ISO alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_countries: Vec<String>,
    /// When the program is in force; non-overlapping.
    pub effective: Vec<Interval>,
    /// The legal instrument to cite.
    pub citation: String,
    /// Where set, the program may also be claimed on a line whose column 1 general rate is
    /// Free, which lists no special program because no duty preference is needed there: the
    /// claim then carries the program's other effects for originating goods (the MPF
    /// exemption, the Chapter 99 exceptions for USMCA goods). The text cites the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_on_free_lines: Option<String>,
    /// How sure the entry is.
    pub confidence: Confidence,
    /// What is uncertain or worth knowing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl SpecialProgram {
    /// Whether the program is in force on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.effective.iter().any(|i| i.contains(date))
    }

    /// Whether goods of `origin` (ISO alpha-2, uppercase) are covered and not excluded.
    pub fn covers_origin(&self, origin: &str) -> bool {
        self.countries.contains(origin) && !self.excluded_countries.iter().any(|c| c == origin)
    }

    /// The last day before `date` on which the program ended (the `until` of the latest
    /// interval ending on or before `date`), if any.
    pub fn ended_before(&self, date: Date) -> Option<Date> {
        self.effective
            .iter()
            .filter_map(|i| i.until)
            .filter(|until| *until <= date)
            .max()
    }

    /// The first start of an interval after `date`, if any.
    pub fn starts_after(&self, date: Date) -> Option<Date> {
        self.effective
            .iter()
            .map(|i| i.from)
            .filter(|from| *from > date)
            .min()
    }
}

/// Why a program table is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProgramError {
    /// The YAML does not parse into program entries.
    #[error("special programs YAML does not parse: {message}")]
    Yaml {
        /// The parser's message, with the line and column where it has one.
        message: String,
    },
    /// A code is not one or two uppercase letters with an optional `*` or `+`.
    #[error("program code {code:?} is not 1-2 uppercase letters with an optional `*` or `+`")]
    BadCode {
        /// The code at fault.
        code: String,
    },
    /// Two entries share a code.
    #[error("program {code}: the code appears more than once")]
    DuplicateCode {
        /// The duplicated code.
        code: String,
    },
    /// A required text field is empty.
    #[error("program {code}: field `{field}` is empty")]
    EmptyField {
        /// The program at fault.
        code: String,
        /// The empty field.
        field: &'static str,
    },
    /// A country code is not two uppercase ASCII letters.
    #[error(
        "program {code}: field `{field}` has {value:?}, not a two-letter uppercase country code"
    )]
    BadCountry {
        /// The program at fault.
        code: String,
        /// `countries` or `excluded_countries`.
        field: &'static str,
        /// The bad value.
        value: String,
    },
    /// A country code is listed twice in the same field.
    #[error("program {code}: field `{field}` lists {value} more than once")]
    DuplicateCountry {
        /// The program at fault.
        code: String,
        /// `countries` or `excluded_countries`.
        field: &'static str,
        /// The repeated country.
        value: String,
    },
    /// `countries` is an empty list.
    #[error(
        "program {code}: field `countries` is an empty list (use `any` for product-based programs)"
    )]
    NoCountries {
        /// The program at fault.
        code: String,
    },
    /// `effective` is empty.
    #[error("program {code}: field `effective` has no interval")]
    NoIntervals {
        /// The program at fault.
        code: String,
    },
    /// An interval does not end after it starts.
    #[error(
        "program {code}: field `effective`: interval {from} to {until} does not end after it starts"
    )]
    EmptyInterval {
        /// The program at fault.
        code: String,
        /// The interval's start.
        from: Date,
        /// The interval's end.
        until: Date,
    },
    /// Two intervals overlap.
    #[error("program {code}: field `effective`: intervals {first} and {second} overlap")]
    OverlappingIntervals {
        /// The program at fault.
        code: String,
        /// The earlier interval.
        first: Interval,
        /// The interval that starts before the earlier one ends.
        second: Interval,
    },
}

/// The result of claiming a program on a line for an origin and date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// The special rate of the group applies (subject to the program's rules of origin and
    /// other requirements, which this table does not check).
    Eligible {
        /// The code as it appears on the line that granted the match (`A*` when `A` was
        /// claimed on an `A*` line). A code ending in `*` or `+` carries a per-line
        /// restriction the table cannot check; see the module documentation.
        program: String,
    },
    /// The claimed program is not among the line's programs.
    NotOnLine {
        /// The claimed code.
        claimed: String,
        /// The line's codes.
        line_programs: Vec<String>,
    },
    /// Goods of the origin are not covered by the program.
    OriginNotBeneficiary {
        /// The program whose membership excludes the origin.
        program: String,
        /// The program's name.
        name: String,
        /// The origin as given.
        origin: String,
    },
    /// The program is not in force on the date.
    ProgramNotInForce {
        /// The program not in force.
        program: String,
        /// The program's name.
        name: String,
        /// The entry date.
        date: Date,
        /// When the program last ended before the date, if it did.
        ended: Option<Date>,
        /// When the program next starts after the date, if it does.
        starts: Option<Date>,
    },
    /// The claimed code is not in the table.
    UnknownProgram {
        /// The claimed code.
        claimed: String,
    },
    /// The line's column 1 general rate is Free, so it lists no special rate for the program,
    /// and the program may be claimed on such lines
    /// ([`SpecialProgram::claim_on_free_lines`]): the claim stands for the program's other
    /// effects (subject to its rules of origin, which this table does not check).
    FreeLineClaim {
        /// The claimed code.
        program: String,
        /// The program's name.
        name: String,
        /// The rule that allows the claim, cited.
        citation: String,
    },
}

impl Eligibility {
    /// Whether the claim gives the special rate.
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible { .. })
    }

    /// Whether the claim stands: it gives the special rate, or it is a claim on a line whose
    /// general rate is Free that carries the program's other effects.
    pub fn is_claim_valid(&self) -> bool {
        matches!(
            self,
            Eligibility::Eligible { .. } | Eligibility::FreeLineClaim { .. }
        )
    }
}

impl fmt::Display for Eligibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Eligibility::Eligible { program } => {
                write!(f, "eligible for the special rate under {program}")?;
                if program.ends_with('*') {
                    write!(
                        f,
                        "; the starred code means some beneficiary countries are excluded for \
                         this subheading, so check the general note's exclusion list"
                    )?;
                } else if program.ends_with('+') {
                    write!(
                        f,
                        "; the `+` code means the rate is limited to certain countries or \
                         parties for this line, so check the general note"
                    )?;
                }
                Ok(())
            }
            Eligibility::NotOnLine {
                claimed,
                line_programs,
            } => {
                if line_programs.is_empty() {
                    write!(
                        f,
                        "{claimed} is not available: the line lists no special program"
                    )
                } else {
                    write!(
                        f,
                        "{claimed} is not among the programs of this rate ({})",
                        line_programs.join(",")
                    )
                }
            }
            Eligibility::OriginNotBeneficiary {
                program,
                name,
                origin,
            } => write!(
                f,
                "goods of {origin:?} do not qualify for {program} ({name}): the origin is not \
                 a covered country"
            ),
            Eligibility::ProgramNotInForce {
                program,
                name,
                date,
                ended,
                starts,
            } => {
                write!(f, "{program} ({name}) is not in force on {date}")?;
                match (ended, starts) {
                    (Some(ended), Some(starts)) => {
                        write!(f, ": it lapsed from {ended} and resumes on {starts}")
                    }
                    (Some(ended), None) => {
                        let last_day = ended.yesterday().unwrap_or(*ended);
                        write!(f, ": it expired after {last_day}")
                    }
                    (None, Some(starts)) => write!(f, ": it takes effect on {starts}"),
                    (None, None) => Ok(()),
                }
            }
            Eligibility::UnknownProgram { claimed } => {
                write!(f, "{claimed:?} is not a known special program code")
            }
            Eligibility::FreeLineClaim {
                program,
                name,
                citation,
            } => write!(
                f,
                "{program} ({name}) claimed on a line whose column 1 general rate is Free: no \
                 special rate is needed, and the claim stands for the program's other effects \
                 on originating goods ({citation})"
            ),
        }
    }
}

/// The loaded, validated program table.
#[derive(Clone, Debug)]
pub struct Programs {
    programs: Vec<SpecialProgram>,
    index: BTreeMap<String, usize>,
}

impl Programs {
    /// The table embedded in the crate (`data/special_programs.yaml`), parsed and validated.
    pub fn embedded() -> Result<Programs, ProgramError> {
        Programs::from_yaml(EMBEDDED_YAML)
    }

    /// Parses and validates a table: a YAML list of [`SpecialProgram`] entries.
    ///
    /// Checks that every code is well formed and unique, the text fields are not empty,
    /// country codes are two uppercase letters without repeats, and each program has at least
    /// one interval, every interval ends after it starts and none overlap.
    pub fn from_yaml(text: &str) -> Result<Programs, ProgramError> {
        let programs: Vec<SpecialProgram> =
            serde_yaml_ng::from_str(text).map_err(|e| ProgramError::Yaml {
                message: e.to_string(),
            })?;
        Programs::from_programs(programs)
    }

    /// Validates a list of programs (see [`Programs::from_yaml`]).
    pub fn from_programs(programs: Vec<SpecialProgram>) -> Result<Programs, ProgramError> {
        let mut index = BTreeMap::new();
        for (i, program) in programs.iter().enumerate() {
            validate(program)?;
            if index.insert(program.code.clone(), i).is_some() {
                return Err(ProgramError::DuplicateCode {
                    code: program.code.clone(),
                });
            }
        }
        Ok(Programs { programs, index })
    }

    /// The program with this code (exact, e.g. `A+`), if any.
    pub fn get(&self, code: &str) -> Option<&SpecialProgram> {
        self.index.get(code).and_then(|&i| self.programs.get(i))
    }

    /// All programs, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &SpecialProgram> {
        self.programs.iter()
    }

    /// The number of programs.
    pub fn len(&self) -> usize {
        self.programs.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }

    /// Whether claiming `spi` on a line whose special-column programs are `line_programs`
    /// (the codes in the parentheses of one rate group, e.g. `["A+","AU","KR"]`) for goods of
    /// `origin` (ISO alpha-2) entered on `date` gives that special rate.
    ///
    /// Codes and origin are trimmed and uppercased; line codes also lose a leading `.` (a
    /// typo found in the USITC data: `.OM`). See the module documentation for the rules.
    pub fn eligibility(
        &self,
        spi: &str,
        line_programs: &[String],
        origin: &str,
        date: Date,
    ) -> Eligibility {
        let claimed = normalize_code(spi);
        let Some(claimed_program) = self.get(&claimed) else {
            return Eligibility::UnknownProgram { claimed };
        };
        // Matched without allocating: the line's codes as written, compared in normal form.
        let matched = line_programs
            .iter()
            .map(|c| trim_code(c))
            .find(|c| c.eq_ignore_ascii_case(&claimed))
            .or_else(|| {
                line_programs
                    .iter()
                    .map(|c| trim_code(c))
                    .find(|c| base_code(c).eq_ignore_ascii_case(base_code(&claimed)))
            })
            .map(normalize_code);
        let Some(matched) = matched else {
            return Eligibility::NotOnLine {
                claimed,
                line_programs: line_programs
                    .iter()
                    .map(|c| normalize_code(c))
                    .filter(|c| !c.is_empty())
                    .collect(),
            };
        };
        let matched = &matched;
        let mut governing = vec![claimed_program];
        if let Some(line_program) = self.get(matched)
            && line_program.code != claimed_program.code
        {
            governing.push(line_program);
        }
        for program in &governing {
            if !program.in_force(date) {
                return Eligibility::ProgramNotInForce {
                    program: program.code.clone(),
                    name: program.name.clone(),
                    date,
                    ended: program.ended_before(date),
                    starts: program.starts_after(date),
                };
            }
        }
        let origin_code = origin.trim().to_ascii_uppercase();
        for program in &governing {
            if !program.covers_origin(&origin_code) {
                return Eligibility::OriginNotBeneficiary {
                    program: program.code.clone(),
                    name: program.name.clone(),
                    origin: origin.to_owned(),
                };
            }
        }
        Eligibility::Eligible {
            program: matched.clone(),
        }
    }
}

impl Programs {
    /// Whether `spi` may be claimed for goods of `origin` entered on `date` on a line whose
    /// column 1 general rate is Free and whose special column does not list it:
    /// [`Eligibility::FreeLineClaim`] when the program allows such claims
    /// ([`SpecialProgram::claim_on_free_lines`]), is in force and covers the origin; else the
    /// refusal ([`Eligibility::NotOnLine`] when the program does not allow them).
    pub fn claim_on_free_line(&self, spi: &str, origin: &str, date: Date) -> Eligibility {
        let claimed = normalize_code(spi);
        let Some(program) = self.get(&claimed) else {
            return Eligibility::UnknownProgram { claimed };
        };
        let Some(citation) = &program.claim_on_free_lines else {
            return Eligibility::NotOnLine {
                claimed,
                line_programs: Vec::new(),
            };
        };
        if !program.in_force(date) {
            return Eligibility::ProgramNotInForce {
                program: program.code.clone(),
                name: program.name.clone(),
                date,
                ended: program.ended_before(date),
                starts: program.starts_after(date),
            };
        }
        if !program.covers_origin(&origin.trim().to_ascii_uppercase()) {
            return Eligibility::OriginNotBeneficiary {
                program: program.code.clone(),
                name: program.name.clone(),
                origin: origin.to_owned(),
            };
        }
        Eligibility::FreeLineClaim {
            program: program.code.clone(),
            name: program.name.clone(),
            citation: citation.clone(),
        }
    }
}

/// Trims and drops leading dots, without copying.
fn trim_code(code: &str) -> &str {
    code.trim().trim_start_matches('.').trim()
}

/// Trims, drops leading dots and uppercases a program code.
fn normalize_code(code: &str) -> String {
    code.trim()
        .trim_start_matches('.')
        .trim()
        .to_ascii_uppercase()
}

/// The code without a trailing `*` or `+`.
fn base_code(code: &str) -> &str {
    code.strip_suffix(['*', '+']).unwrap_or(code)
}

fn is_program_code(code: &str) -> bool {
    let base = base_code(code);
    (1..=2).contains(&base.len()) && base.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn validate(program: &SpecialProgram) -> Result<(), ProgramError> {
    let code = &program.code;
    if !is_program_code(code) {
        return Err(ProgramError::BadCode { code: code.clone() });
    }
    for (field, value) in [
        ("name", &program.name),
        ("general_note", &program.general_note),
        ("authority", &program.authority),
        ("citation", &program.citation),
    ] {
        if value.trim().is_empty() {
            return Err(ProgramError::EmptyField {
                code: code.clone(),
                field,
            });
        }
    }
    if let Countries::Only(list) = &program.countries {
        if list.is_empty() {
            return Err(ProgramError::NoCountries { code: code.clone() });
        }
        check_countries(code, "countries", list)?;
    }
    check_countries(code, "excluded_countries", &program.excluded_countries)?;
    if program.effective.is_empty() {
        return Err(ProgramError::NoIntervals { code: code.clone() });
    }
    for interval in &program.effective {
        if let (true, Some(until)) = (interval.is_empty(), interval.until) {
            return Err(ProgramError::EmptyInterval {
                code: code.clone(),
                from: interval.from,
                until,
            });
        }
    }
    let mut sorted = program.effective.clone();
    sorted.sort_by_key(|i| i.from);
    for pair in sorted.windows(2) {
        if let [first, second] = pair
            && first.overlaps(second)
        {
            return Err(ProgramError::OverlappingIntervals {
                code: code.clone(),
                first: *first,
                second: *second,
            });
        }
    }
    Ok(())
}

fn check_countries(code: &str, field: &'static str, list: &[String]) -> Result<(), ProgramError> {
    let mut seen = std::collections::BTreeSet::new();
    for value in list {
        if !is_country_code(value) {
            return Err(ProgramError::BadCountry {
                code: code.to_owned(),
                field,
                value: value.clone(),
            });
        }
        if !seen.insert(value.as_str()) {
            return Err(ProgramError::DuplicateCountry {
                code: code.to_owned(),
                field,
                value: value.clone(),
            });
        }
    }
    Ok(())
}
