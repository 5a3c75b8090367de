//! A borrowed view of a line for the duty engine: only what pricing needs, no copies.
//!
//! [`crate::Schedule::line_at`] builds an owned [`crate::LineReport`] (ancestors, footnote
//! texts, normalized rates) for display; pricing a million entry lines needs far less, so
//! [`crate::Schedule::entry_line`] returns references into the dataset instead.

use crate::model::{LineId, LineKey, LineVersion, RevisionIdx};
use crate::{LookupError, Schedule};
use jiff::civil::Date;
use tariff_hts::HtsCode;
use tariff_hts::rate::RateCell;

/// A rate column of an entry line.
#[derive(Clone, Copy, Debug)]
pub struct EntryRate<'a> {
    /// The text as published.
    pub text: &'a str,
    /// The parse, if the text parsed.
    pub parsed: Option<&'a RateCell>,
}

/// The line in force for an entry, borrowed from the schedule.
#[derive(Clone, Debug)]
pub struct EntryLine<'a> {
    /// The line's number (an 8-digit number published only as its `00` line resolves to it).
    pub code: HtsCode,
    /// Its description.
    pub description: &'a str,
    /// The revision in force.
    pub revision: &'a str,
    /// The numbered line the rates come from, when not this one.
    pub rates_from: Option<HtsCode>,
    /// Column 1 general.
    pub general: Option<EntryRate<'a>>,
    /// Column 1 special.
    pub special: Option<EntryRate<'a>>,
    /// Column 2.
    pub other: Option<EntryRate<'a>>,
    /// HTS numbers referenced by the footnotes of the line and of its rate line.
    pub references: Vec<HtsCode>,
}

impl Schedule {
    /// The line in force on `date` for an entry of `code`, borrowed (see the module docs).
    pub fn entry_line(&self, code: &HtsCode, date: Date) -> Result<EntryLine<'_>, LookupError> {
        let rev = self.revision_at(date)?;
        let found = self.resolve(code, rev);
        let Some((id, code)) = found else {
            // The owned path builds the error with the nearest numbers.
            return Err(self
                .line_at(code, date)
                .err()
                .unwrap_or(LookupError::DateOutOfRange {
                    date,
                    first: self.first_date(),
                    last: self.covered_through(),
                }));
        };
        Ok(self.entry_line_of(id, code, rev))
    }

    fn resolve(&self, code: &HtsCode, rev: RevisionIdx) -> Option<(LineId, HtsCode)> {
        self.find_code(code)
            .filter(|&id| self.version_at(id, rev).is_some())
            .map(|id| (id, *code))
            .or_else(|| {
                if code.len() == 8 {
                    let mut digits = [0u8; 10];
                    digits[..8].copy_from_slice(code.digits().as_bytes());
                    digits[8] = b'0';
                    digits[9] = b'0';
                    let ten = HtsCode::parse(std::str::from_utf8(&digits).ok()?).ok()?;
                    self.find_code(&ten)
                        .filter(|&id| self.version_at(id, rev).is_some())
                        .map(|id| (id, ten))
                } else {
                    None
                }
            })
    }

    fn entry_line_of(&self, id: LineId, code: HtsCode, rev: RevisionIdx) -> EntryLine<'_> {
        let line = self.line(id);
        let v = self
            .version_at(id, rev)
            .unwrap_or(&line.versions[line.versions.len() - 1]);
        // The rate line: this one, or the nearest numbered ancestor with a general rate.
        let mut rate_line: Option<(LineId, &LineVersion)> = v.general.map(|_| (id, v));
        let mut parent = v.parent;
        while rate_line.is_none() {
            let Some(pid) = parent else { break };
            let Some(pv) = self.version_at(pid, rev) else {
                break;
            };
            if pv.general.is_some() && matches!(self.line(pid).key, LineKey::Code(_)) {
                rate_line = Some((pid, pv));
            }
            parent = pv.parent;
        }
        let (rates_from, rv) = match rate_line {
            Some((rid, rv)) if rid != id => (
                match &self.line(rid).key {
                    LineKey::Code(c) => Some(*c),
                    LineKey::Header { .. } => None,
                },
                rv,
            ),
            Some((_, rv)) => (None, rv),
            None => (None, v),
        };
        let rate = |rid: Option<u32>| {
            let entry = self.rate(rid?)?;
            Some(EntryRate {
                text: entry.text.as_str(),
                parsed: entry.parsed.as_ref().ok(),
            })
        };
        let mut references: Vec<HtsCode> = Vec::new();
        let own = v.footnotes.iter();
        let from_rate_line = if rates_from.is_some() {
            rv.footnotes.iter()
        } else {
            [].iter()
        };
        for f in own.chain(from_rate_line).filter_map(|&f| self.footnote(f)) {
            for r in &f.references {
                if !references.contains(r) {
                    references.push(*r);
                }
            }
        }
        EntryLine {
            code,
            description: self.string(v.description),
            revision: self.revisions()[rev as usize].id.as_str(),
            rates_from,
            general: rate(rv.general),
            special: rate(rv.special),
            other: rate(rv.other),
            references,
        }
    }
}
