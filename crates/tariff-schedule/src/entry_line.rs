//! A borrowed view of a line for the duty engine: only what pricing needs, no copies.
//!
//! [`crate::Schedule::line_at`] builds an owned [`crate::LineReport`] (ancestors, footnote
//! texts, normalized rates) for display; pricing a million entry lines needs far less, so
//! [`crate::Schedule::entry_line`] returns references into the dataset instead.

use crate::model::{LineId, LineKey, LineVersion, OPEN, RevisionIdx};
use crate::{LookupError, Schedule};
use jiff::civil::Date;
use tariff_hts::HtsCode;
use tariff_hts::Interval;
use tariff_hts::rate::RateCell;

/// Revisions `[from, until)` over which the rows read stay the same.
struct RevSpan {
    from: RevisionIdx,
    until: RevisionIdx,
}

impl RevSpan {
    fn narrow(&mut self, from: RevisionIdx, until: RevisionIdx) {
        self.from = self.from.max(from);
        self.until = self.until.min(until);
    }
}

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
        self.entry_line_span(code, date).map(|(line, _)| line)
    }

    /// [`Schedule::entry_line`], with the dates `[from, until)` around `date` over which the
    /// same entry line would be found with the same versions of every row read (the line,
    /// its rate line and the ancestors walked to find it): only the revision's name may
    /// differ within them, and the date stands the same way against the dataset's horizons
    /// ([`Schedule::horizon`]: a quote past a horizon says so).
    pub fn entry_line_span(
        &self,
        code: &HtsCode,
        date: Date,
    ) -> Result<(EntryLine<'_>, Interval), LookupError> {
        let rev = self.revision_at(date)?;
        let mut span = RevSpan {
            from: 0,
            until: OPEN,
        };
        let found = self.resolve(code, rev, &mut span);
        let Some((id, code)) = found else {
            // The owned path builds the error with the nearest numbers.
            return Err(self
                .line_at(code, date)
                .err()
                .unwrap_or(LookupError::DateOutOfRange {
                    date,
                    first: self.first_date(),
                }));
        };
        let line = self.entry_line_of(id, code, rev, &mut span);
        let revisions = self.revisions();
        let (_, horizon) = self.horizon(date);
        let until = match revisions.get(span.until as usize) {
            Some(r) if span.until != OPEN => Some(r.effective_from),
            _ => None,
        };
        let until = match (until, horizon.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let from = revisions[span.from as usize]
            .effective_from
            .max(horizon.from);
        Ok((line, Interval { from, until }))
    }

    /// The version of `id` standing in `rev`, narrowing `span` to the revisions over which
    /// that stays so (the version's own range, or the gap between versions when none stands).
    fn version_in<'s>(
        &'s self,
        id: LineId,
        rev: RevisionIdx,
        span: &mut RevSpan,
    ) -> Option<&'s LineVersion> {
        // Versions are ordered by `from` and do not overlap.
        let versions = &self.line(id).versions;
        let after = versions.partition_point(|v| v.from <= rev);
        let candidate = after.checked_sub(1).map(|i| &versions[i]);
        match candidate.filter(|v| v.in_force(rev)) {
            Some(v) => {
                span.narrow(v.from, v.until);
                Some(v)
            }
            None => {
                let from = candidate.map_or(0, |v| v.until);
                let until = versions.get(after).map_or(OPEN, |v| v.from);
                span.narrow(from, until);
                None
            }
        }
    }

    fn resolve(
        &self,
        code: &HtsCode,
        rev: RevisionIdx,
        span: &mut RevSpan,
    ) -> Option<(LineId, HtsCode)> {
        if let Some(id) = self.find_code(code)
            && self.version_in(id, rev, span).is_some()
        {
            return Some((id, *code));
        }
        if code.len() != 8 {
            return None;
        }
        let mut digits = [0u8; 10];
        digits[..8].copy_from_slice(code.digits().as_bytes());
        digits[8] = b'0';
        digits[9] = b'0';
        let ten = HtsCode::parse(std::str::from_utf8(&digits).ok()?).ok()?;
        let id = self.find_code(&ten)?;
        self.version_in(id, rev, span).map(|_| (id, ten))
    }

    fn entry_line_of(
        &self,
        id: LineId,
        code: HtsCode,
        rev: RevisionIdx,
        span: &mut RevSpan,
    ) -> EntryLine<'_> {
        let line = self.line(id);
        let v = self
            .version_in(id, rev, span)
            .unwrap_or(&line.versions[line.versions.len() - 1]);
        // The rate line: this one, or the nearest numbered ancestor with a general rate.
        let mut rate_line: Option<(LineId, &LineVersion)> = v.general.map(|_| (id, v));
        let mut parent = v.parent;
        while rate_line.is_none() {
            let Some(pid) = parent else { break };
            let Some(pv) = self.version_in(pid, rev, span) else {
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
