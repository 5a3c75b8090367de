//! HTS numbers.
//!
//! An HTS number is 2 (chapter), 4 (heading), 6 (subheading), 8 (tariff rate line) or 10
//! (statistical reporting number) digits. USITC writes them dotted — `8703`, `8703.23`,
//! `8703.23.01`, `8703.23.01.90` — and brokers often write them bare (`8703230190`).
//! [`HtsCode`] accepts both and stores the digits; it prints the dotted form.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A validated HTS number: 2, 4, 6, 8 or 10 ASCII digits.
///
/// The digits are kept without dots; [`fmt::Display`] writes the USITC dotted form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HtsCode {
    digits: [u8; 10],
    len: u8,
}

/// Why a string is not an HTS number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The text was empty.
    #[error("empty HTS number")]
    Empty,
    /// A character other than a digit, a dot or a space.
    #[error("invalid character {0:?} in HTS number (expected digits, optionally dotted)")]
    InvalidChar(char),
    /// The number of digits is not 2, 4, 6, 8 or 10.
    #[error("an HTS number has 2, 4, 6, 8 or 10 digits; {0:?} has {1}")]
    Length(String, usize),
}

impl HtsCode {
    /// Parses a dotted or bare HTS number.
    ///
    /// Dots and spaces between digit groups are ignored, so `8703.23.01`, `870323 01` and
    /// `87032301` are the same code.
    pub fn parse(text: &str) -> Result<HtsCode, CodeError> {
        let mut digits = [0u8; 10];
        let mut count = 0usize;
        // The most common forms, `dddd.dd.dd.dd` and `dddd.dd.dd`, by position.
        let b = text.as_bytes();
        let n = match b.len() {
            13 if b[10] == b'.' => 10,
            10 => 8,
            _ => 0,
        };
        if n > 0 && b[4] == b'.' && b[7] == b'.' {
            const AT: [usize; 10] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12];
            for (k, &i) in AT[..n].iter().enumerate() {
                digits[k] = b[i];
            }
            if digits[..n].iter().all(u8::is_ascii_digit) {
                return Ok(HtsCode {
                    digits,
                    len: n as u8,
                });
            }
            digits = [0u8; 10];
        }
        // The common form, `dddd.dd.dd.dd` or plain digits, byte by byte.
        if text.len() <= 13 && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            for b in text.bytes().filter(u8::is_ascii_digit) {
                if count < 10 {
                    digits[count] = b;
                }
                count += 1;
            }
            if matches!(count, 2 | 4 | 6 | 8 | 10) {
                return Ok(HtsCode {
                    digits,
                    len: count as u8,
                });
            }
        }
        Self::parse_any(text)
    }

    /// [`HtsCode::parse`] without its fast paths: any spacing and dotting, trimmed.
    fn parse_any(text: &str) -> Result<HtsCode, CodeError> {
        let mut digits = [0u8; 10];
        let mut len = 0usize;
        let mut count = 0usize;
        for ch in text.trim().chars() {
            match ch {
                '0'..='9' => {
                    if len < 10 {
                        digits[len] = ch as u8;
                    }
                    len += 1;
                    count += 1;
                }
                '.' | ' ' => {}
                other => return Err(CodeError::InvalidChar(other)),
            }
        }
        if count == 0 {
            return Err(CodeError::Empty);
        }
        if !matches!(count, 2 | 4 | 6 | 8 | 10) {
            return Err(CodeError::Length(text.trim().to_string(), count));
        }
        Ok(HtsCode {
            digits,
            len: count as u8,
        })
    }

    /// The digits without dots.
    pub fn digits(&self) -> &str {
        // The array holds only ASCII digits up to `len`.
        std::str::from_utf8(&self.digits[..self.len as usize]).unwrap_or("")
    }

    /// The code as one integer, distinct for distinct codes: its digits read as a decimal
    /// number, times 16, plus the number of digits (`87` and `8700` differ). Below 2^38.
    pub fn packed(&self) -> u64 {
        let n = self.digits[..self.len as usize]
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        n << 4 | u64::from(self.len)
    }

    /// The number of digits: 2, 4, 6, 8 or 10.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true: a code has at least two digits. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The chapter (first two digits), as a number 1–99.
    pub fn chapter(&self) -> u8 {
        (self.digits[0] - b'0') * 10 + (self.digits[1] - b'0')
    }

    /// The code cut to `len` digits (2, 4, 6 or 8), or `None` if it is not longer than that.
    pub fn truncate(&self, len: usize) -> Option<HtsCode> {
        if !matches!(len, 2 | 4 | 6 | 8) || len >= self.len() {
            return None;
        }
        let mut digits = [0u8; 10];
        digits[..len].copy_from_slice(&self.digits[..len]);
        Some(HtsCode {
            digits,
            len: len as u8,
        })
    }

    /// True when `self` is `other` or one of its ancestors by digits (`8703` covers
    /// `8703.23.01.90`).
    pub fn covers(&self, other: &HtsCode) -> bool {
        other.len >= self.len && other.digits[..self.len()] == self.digits[..self.len()]
    }

    /// The dotted USITC form: `8703.23.01.90`.
    pub fn dotted(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for HtsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Dotted in groups of 4, 2, 2, 2 (`8703.23.01.90`), written at once from a stack
        // buffer: quotes print many headings.
        let n = self.len();
        if n == 2 {
            return f.write_str(self.digits());
        }
        let mut buf = [0u8; 13];
        let mut at = 0;
        for (i, &b) in self.digits[..n].iter().enumerate() {
            if i >= 4 && i % 2 == 0 {
                buf[at] = b'.';
                at += 1;
            }
            buf[at] = b;
            at += 1;
        }
        // Only ASCII digits and dots were written.
        f.write_str(std::str::from_utf8(&buf[..at]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for HtsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HtsCode({self})")
    }
}

impl FromStr for HtsCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HtsCode::parse(s)
    }
}

impl Serialize for HtsCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HtsCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        HtsCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_bare_are_the_same() {
        let a = HtsCode::parse("8703.23.01").unwrap();
        let b = HtsCode::parse("87032301").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "8703.23.01");
        assert_eq!(
            HtsCode::parse("8703230190").unwrap().to_string(),
            "8703.23.01.90"
        );
        assert_eq!(HtsCode::parse("87").unwrap().to_string(), "87");
        assert_eq!(HtsCode::parse("870323").unwrap().to_string(), "8703.23");
    }

    #[test]
    fn bad_codes_say_why() {
        assert_eq!(HtsCode::parse(""), Err(CodeError::Empty));
        assert!(matches!(
            HtsCode::parse("8703.2"),
            Err(CodeError::Length(_, 5))
        ));
        assert_eq!(HtsCode::parse("87x3"), Err(CodeError::InvalidChar('x')));
        assert!(matches!(
            HtsCode::parse("123456789012"),
            Err(CodeError::Length(_, 12))
        ));
    }

    #[test]
    fn hierarchy() {
        let line = HtsCode::parse("8703.23.01.90").unwrap();
        let heading = HtsCode::parse("8703").unwrap();
        assert!(heading.covers(&line));
        assert!(!line.covers(&heading));
        assert_eq!(line.truncate(8).unwrap().to_string(), "8703.23.01");
        assert_eq!(line.chapter(), 87);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = HtsCode::parse(&s);
        }

        /// The fast paths give what the general reading gives.
        #[test]
        fn fast_paths_are_the_general_reading(
            s in "[0-9]{4}[.x][0-9]{2}[. ][0-9x]{2}([.][0-9]{2})?|[0-9. x]{0,14}"
        ) {
            proptest::prop_assert_eq!(HtsCode::parse(&s), HtsCode::parse_any(&s));
        }

        /// Distinct codes pack to distinct integers.
        #[test]
        fn packed_is_distinct(a in "[0-9]{1,5}", b in "[0-9]{1,5}") {
            let code = |d: &str| HtsCode::parse(&d.repeat(2)).unwrap();
            let (x, y) = (code(&a), code(&b));
            proptest::prop_assert_eq!(x == y, x.packed() == y.packed());
            proptest::prop_assert!(x.packed() < 1 << 38);
        }

        #[test]
        fn round_trips(d in "[0-9]{10}") {
            let c = HtsCode::parse(&d).unwrap();
            proptest::prop_assert_eq!(HtsCode::parse(&c.to_string()).unwrap(), c);
            proptest::prop_assert_eq!(c.digits(), d.as_str());
        }
    }
}
