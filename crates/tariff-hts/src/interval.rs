//! Date intervals `[from, until)`: how every dated rule in tariff says when it applies.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A half-open date interval: `from` inclusive, `until` exclusive; `until: None` is open-ended.
///
/// `until` is the first day on which the rule no longer applies (GSP expired at the end of
/// 2020-12-31, so its `until` is 2021-01-01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// First day covered.
    pub from: Date,
    /// First day no longer covered, if any.
    pub until: Option<Date>,
}

impl Interval {
    /// Whether `date` falls in the interval.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }

    /// Whether the interval holds no day (`until` on or before `from`).
    pub fn is_empty(&self) -> bool {
        self.until.is_some_and(|until| until <= self.from)
    }

    /// Whether two intervals share a day.
    pub fn overlaps(&self, other: &Interval) -> bool {
        let a_before_b = self.until.is_some_and(|u| u <= other.from);
        let b_before_a = other.until.is_some_and(|u| u <= self.from);
        !(a_before_b || b_before_a)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(until) => write!(f, "{} to {} (exclusive)", self.from, until),
            None => write!(f, "{} onward", self.from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn half_open() {
        let i = Interval {
            from: date(2025, 4, 5),
            until: Some(date(2025, 4, 10)),
        };
        assert!(i.contains(date(2025, 4, 5)) && i.contains(date(2025, 4, 9)));
        assert!(!i.contains(date(2025, 4, 10)) && !i.contains(date(2025, 4, 4)));
        let next = Interval {
            from: date(2025, 4, 10),
            until: None,
        };
        assert!(!i.overlaps(&next) && !next.overlaps(&i));
        assert!(next.overlaps(&Interval {
            from: date(2030, 1, 1),
            until: None
        }));
        assert!(
            Interval {
                from: date(2025, 1, 2),
                until: Some(date(2025, 1, 2))
            }
            .is_empty()
        );
    }
}
