//! Pricing one row: the engine's quote reduced to what the batch writes, with an exact memo.
//!
//! # The memo, and why it is exact
//!
//! Quoting costs microseconds; a batch of millions of lines repeats the same goods, origin and
//! period many times with different values. For a row whose content fields (US, steel,
//! aluminum, copper) are empty and whose value is positive, the quote is *linear in the
//! value* line by line when every duty line is an ad valorem rate on the full value
//! (`amount = cents(value × percent / 100)`) and the column 1 general rate is ad valorem or
//! free (so that floors and base-rate conditions do not move with the value). The memo key
//! is everything in the entry except the value and the amount of the quantity (whether one is
//! given stays in the key; with every line ad valorem no amount depends on it), with the
//! entry date replaced by its *period*:
//! the interval between two consecutive dates that appear anywhere in the measure data or
//! as a revision's effective date (each such date and the day after it are breakpoints), so
//! two dates in one period see the same revision, measures, fees and column 2 status. Rows
//! claiming an SPI keep their exact date in the key (program dates live outside the
//! measure data).
//!
//! A key is trusted after one direct quote whose every duty line is an ad valorem percent
//! on a basis equal to the value (`full_value`, or `non_us_content`/`non_metal_content` with
//! no content given) with `amount = cents(value × percent / 100)`, whose general rate is
//! ad valorem or free, whose warnings, rates and notes do not quote the value or the date,
//! and whose fees follow the fee formula (MPF clamped to the fiscal year's minimum and
//! maximum, or zero when exempt under the claimed SPI; HMF ad valorem). Every other row, and
//! every key that fails a check, is quoted directly. Totals, the IEEPA part and the
//! effective rate are recomputed exactly as the engine does (sum of cent-rounded lines; rate
//! to 4 places, half away from zero). `tests/memo.rs` compares memoized and direct results
//! row by row.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};
use tariff_engine::{Engine, Entry, Mode, Quote, QuoteError};
use tariff_hts::HtsCode;
use tariff_hts::rate::Rate;

/// The duty columns of the batch output, in order.
pub const AUTHORITIES: [&str; 8] = [
    "base",
    "section_232",
    "section_301",
    "ieepa_reciprocal",
    "ieepa_fentanyl",
    "ieepa_other",
    "section_122",
    "other",
];

/// The column of [`AUTHORITIES`] a duty line's authority falls in.
pub fn authority_column(authority: &str) -> usize {
    match authority {
        a if a.starts_with("base") => 0,
        "section_232" => 1,
        "section_301" => 2,
        "ieepa_reciprocal" => 3,
        "ieepa_fentanyl" => 4,
        "ieepa_other" => 5,
        "section_122" => 6,
        _ => 7,
    }
}

/// A duty line without its amounts (shared by every row of a memo key).
#[derive(Clone, Debug, PartialEq)]
pub struct LineInfo {
    /// Chapter 99 heading, or the HTS line for the base duty.
    pub heading: Arc<str>,
    /// Authority as the engine names it (`base_general`, `section_301`, …).
    pub authority: Arc<str>,
    /// Measure id (none for the base duty).
    pub measure: Option<Arc<str>>,
    /// Rate text.
    pub rate: Arc<str>,
    /// Ad valorem percent, where the rate is one.
    pub percent: Option<Decimal>,
    /// Basis name (`full_value`, `steel_content`, …).
    pub basis: Arc<str>,
    /// Citation.
    pub citation: Arc<str>,
    /// Note.
    pub note: Option<Arc<str>>,
    /// Collected under IEEPA.
    pub ieepa: bool,
    /// Index into [`AUTHORITIES`].
    pub column: usize,
}

/// The value-independent part of a quote.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// Duty lines in reporting order, base last.
    pub lines: Vec<LineInfo>,
    /// Chapter 99 headings to declare, `;`-joined (including $0 ones).
    pub headings: Arc<str>,
    /// Warnings, ` | `-joined.
    pub warnings: Arc<str>,
    /// HTS revision in force.
    pub revision: Arc<str>,
}

/// One row's result: what the batch writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Priced {
    /// The value-independent part.
    pub stack: Arc<Stack>,
    /// Customs value.
    pub value: Decimal,
    /// Per line (same order as `stack.lines`): basis value and amount.
    pub amounts: Vec<(Decimal, Decimal)>,
    /// Total duty.
    pub total_duty: Decimal,
    /// Effective rate, percent, 4 places.
    pub effective_rate: Decimal,
    /// IEEPA part of the total.
    pub ieepa_duty: Decimal,
    /// Duty per [`AUTHORITIES`] column.
    pub by_authority: [Decimal; 8],
    /// MPF amount, when computed.
    pub mpf: Option<Decimal>,
    /// HMF amount, when computed (vessel).
    pub hmf: Option<Decimal>,
    /// HMF percent (for the memo's fee check).
    hmf_percent: Option<Decimal>,
}

fn cents(x: Decimal) -> Decimal {
    let mut c = x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    c.rescale(2);
    c
}

/// A cheap hash for interning: the length and up to 16 bytes from each end (equality is
/// still checked in full by the set).
#[derive(Default)]
struct QuickHasher(u64);

impl Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, b: &[u8]) {
        let mut h = self.0 ^ (b.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let take = |x: &[u8]| x.iter().fold(0u64, |a, c| (a << 8) | u64::from(*c));
        let n = b.len();
        for part in [
            &b[..n.min(8)],
            &b[n.saturating_sub(8)..],
            &b[n.min(8)..n.min(16)],
            &b[n.saturating_sub(16)..n.saturating_sub(8)],
        ] {
            h = (h ^ take(part))
                .wrapping_mul(0xBF58_476D_1CE4_E5B9)
                .rotate_left(23);
        }
        self.0 = h;
    }
}

/// Interns the strings of stacks so that keys sharing a measure share its citation.
#[derive(Default)]
struct Interner(HashSet<Arc<str>, BuildHasherDefault<QuickHasher>>);

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(a.clone());
        a
    }
}

fn arc(intern: &mut Option<&mut Interner>, s: &str) -> Arc<str> {
    match intern {
        Some(i) => i.get(s),
        None => Arc::from(s),
    }
}

impl Priced {
    fn from_quote(q: &Quote, mut intern: Option<&mut Interner>) -> Priced {
        let mut by_authority = [Decimal::ZERO; 8];
        let mut lines = Vec::with_capacity(q.lines.len());
        let mut amounts = Vec::with_capacity(q.lines.len());
        let mut headings = String::new();
        for l in &q.lines {
            let column = authority_column(&l.authority);
            by_authority[column] += l.amount;
            if l.measure.is_some() && l.heading.starts_with("99") {
                if !headings.is_empty() {
                    headings.push(';');
                }
                headings.push_str(&l.heading);
            }
            lines.push(LineInfo {
                heading: arc(&mut intern, &l.heading),
                authority: arc(&mut intern, &l.authority),
                measure: l.measure.as_deref().map(|m| arc(&mut intern, m)),
                rate: arc(&mut intern, &l.rate),
                percent: l.rate_percent,
                basis: arc(&mut intern, &l.basis),
                citation: arc(&mut intern, &l.citation),
                note: l.note.as_deref().map(|n| arc(&mut intern, n)),
                ieepa: l.ieepa,
                column,
            });
            amounts.push((l.basis_value, l.amount));
        }
        let fee = |name: &str| q.fees.lines.iter().find(|f| f.fee == name);
        Priced {
            stack: Arc::new(Stack {
                lines,
                headings: arc(&mut intern, &headings),
                warnings: arc(&mut intern, &q.warnings.join(" | ")),
                revision: arc(&mut intern, &q.revision),
            }),
            value: q.value,
            amounts,
            total_duty: q.total_duty,
            effective_rate: q.effective_rate,
            ieepa_duty: q.ieepa_duty,
            by_authority,
            mpf: fee("mpf").map(|f| f.amount),
            hmf: fee("hmf").map(|f| f.amount),
            hmf_percent: fee("hmf").map(|f| f.percent),
        }
    }

    /// Derives the result at value `v` from a trusted stack (see the module docs).
    fn derive(stack: &Arc<Stack>, fees: &FeeRules, v: Decimal) -> Priced {
        let mut by_authority = [Decimal::ZERO; 8];
        let mut amounts = Vec::with_capacity(stack.lines.len());
        let mut total = Decimal::ZERO;
        let mut ieepa = Decimal::ZERO;
        for l in &stack.lines {
            let amount = cents(v * l.percent.unwrap_or_default() / Decimal::ONE_HUNDRED);
            by_authority[l.column] += amount;
            total += amount;
            if l.ieepa {
                ieepa += amount;
            }
            amounts.push((v, amount));
        }
        let total_duty = cents(total);
        let mut effective_rate = (total_duty / v * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        effective_rate.rescale(4);
        Priced {
            stack: stack.clone(),
            value: v,
            amounts,
            total_duty,
            effective_rate,
            ieepa_duty: cents(ieepa),
            by_authority,
            mpf: fees.mpf.apply(v),
            hmf: fees.hmf.apply(v),
            hmf_percent: fees.hmf_percent,
        }
    }
}

/// How a fee follows the value for a trusted key.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FeeRule {
    /// Not computed.
    Absent,
    /// Always zero (exempt).
    Zero,
    /// `cents(v × percent / 100)`, clamped when bounds are given.
    Formula {
        percent: Decimal,
        bounds: Option<(Decimal, Decimal)>,
    },
}

impl FeeRule {
    fn apply(self, v: Decimal) -> Option<Decimal> {
        match self {
            FeeRule::Absent => None,
            FeeRule::Zero => Some(cents(Decimal::ZERO)),
            FeeRule::Formula { percent, bounds } => {
                let raw = cents(v * percent / Decimal::ONE_HUNDRED);
                Some(match bounds {
                    Some((min, _)) if raw < min => min,
                    Some((_, max)) if raw > max => max,
                    _ => raw,
                })
            }
        }
    }

    /// The rule that reproduces the observation: the formula, or zero (an exemption, which
    /// depends on the SPI claim in the key, not on the value).
    fn infer(v: Decimal, seen: Option<Decimal>, candidate: Option<FeeRule>) -> Option<FeeRule> {
        match seen {
            None => Some(FeeRule::Absent),
            Some(x) => {
                if let Some(c) = candidate
                    && c.apply(v) == Some(x)
                {
                    return Some(c);
                }
                x.is_zero().then_some(FeeRule::Zero)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct FeeRules {
    mpf: FeeRule,
    hmf: FeeRule,
    hmf_percent: Option<Decimal>,
}

/// The memo key: the entry less its value, with the date as a period (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    hts: HtsCode,
    origin: [u8; 2],
    when: i64,
    spi: [u8; 4],
    /// Whether a quantity is given; its amount is not in the key, since a trusted key's
    /// duties are all ad valorem (see the module docs).
    has_quantity: bool,
    loaded_on: Option<jiff::civil::Date>,
    export: [u8; 2],
    mode: u8,
}

enum Memo {
    /// Trusted: derive.
    Linear(Arc<Stack>, FeeRules),
    /// Not linear: always quote directly.
    Direct,
}

#[derive(Default)]
struct Shard {
    map: HashMap<Key, Memo>,
    intern: Interner,
}

const SHARDS: usize = 64;

/// Prices rows: the engine, the period table, and the shared memo.
pub struct Pricer<'e> {
    engine: &'e Engine,
    breakpoints: Vec<jiff::civil::Date>,
    shards: Option<Vec<Mutex<Shard>>>,
    per_shard: usize,
    hasher: std::collections::hash_map::RandomState,
}

/// Counters of how rows were priced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoStats {
    /// Rows quoted by the engine.
    pub direct: u64,
    /// Rows derived from a trusted memo entry.
    pub derived: u64,
}

fn small<const N: usize>(s: Option<&str>) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    match s {
        None => Some(out),
        Some(s) if s.len() <= N && !s.is_empty() => {
            out[..s.len()].copy_from_slice(s.as_bytes());
            Some(out)
        }
        _ => None,
    }
}

/// Every `YYYY-MM-DD` in a text, as dates.
fn dates_in(text: &str) -> Vec<jiff::civil::Date> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let d = |i: usize| b[i].is_ascii_digit();
    let mut i = 0;
    while i + 10 <= b.len() {
        if d(i)
            && d(i + 1)
            && d(i + 2)
            && d(i + 3)
            && b[i + 4] == b'-'
            && d(i + 5)
            && d(i + 6)
            && b[i + 7] == b'-'
            && d(i + 8)
            && d(i + 9)
            && let Ok(date) = text[i..i + 10].parse::<jiff::civil::Date>()
        {
            out.push(date);
            i += 10;
            continue;
        }
        i += 1;
    }
    out
}

impl<'e> Pricer<'e> {
    /// A pricer; `memo_keys` bounds the memo (0 turns it off).
    pub fn new(engine: &'e Engine, memo_keys: usize) -> Pricer<'e> {
        // Every date written anywhere in the measure data (its Debug form includes every
        // field, present and future), and every revision date, with the day after each.
        let mut dates = dates_in(&format!("{:?}", engine.measures()));
        dates.extend(engine.derived_dates());
        for r in engine.schedule().revisions() {
            dates.push(r.effective_from);
            dates.extend(r.policy_effective);
        }
        let mut breakpoints: Vec<_> = dates
            .iter()
            .flat_map(|d| [Some(*d), d.tomorrow().ok()])
            .flatten()
            .collect();
        breakpoints.sort();
        breakpoints.dedup();
        let shards = (memo_keys > 0).then(|| (0..SHARDS).map(|_| Mutex::default()).collect());
        Pricer {
            engine,
            breakpoints,
            shards,
            per_shard: memo_keys.div_ceil(SHARDS).max(1),
            hasher: Default::default(),
        }
    }

    /// The dates at which the memo's periods change.
    pub fn breakpoints(&self) -> &[jiff::civil::Date] {
        &self.breakpoints
    }

    fn key(&self, e: &Entry) -> Option<Key> {
        let memoizable = e.value > Decimal::ZERO
            && e.value.scale() <= 6
            && e.value < Decimal::from(1_000_000_000_000_000i64)
            && e.us_content.is_none()
            && e.steel_content.is_none()
            && e.aluminum_content.is_none()
            && e.copper_content.is_none()
            && e.metal_weight_percent.is_none()
            && !e.metal_melted_in_us
            && !e.transshipped
            && e.declared.is_empty()
            && e.quantity.is_none_or(|q| !q.is_sign_negative());
        if !memoizable || e.origin.len() != 2 {
            return None;
        }
        let when = match &e.spi {
            None => self.breakpoints.partition_point(|b| *b <= e.entry_date) as i64,
            Some(_) => {
                -1 - (i64::from(e.entry_date.year()) * 512
                    + i64::from(e.entry_date.month()) * 32
                    + i64::from(e.entry_date.day()))
            }
        };
        Some(Key {
            hts: e.hts,
            origin: small::<2>(Some(&e.origin))?,
            when,
            spi: small::<4>(e.spi.as_deref())?,
            has_quantity: e.quantity.is_some(),
            loaded_on: e.loaded_on,
            export: small::<2>(e.export_country.as_deref())?,
            mode: match e.mode {
                None => 0,
                Some(Mode::Vessel) => 1,
                Some(Mode::Air) => 2,
                Some(Mode::Truck) => 3,
                Some(Mode::Rail) => 4,
                Some(Mode::Other) => 5,
            },
        })
    }

    /// Prices one entry line.
    pub fn price(&self, e: &Entry, stats: &mut MemoStats) -> Result<Priced, QuoteError> {
        let (Some(shards), Some(key)) = (&self.shards, self.key(e)) else {
            stats.direct += 1;
            let q = self.engine.quote(e)?;
            return Ok(Priced::from_quote(&q, None));
        };
        let shard = &shards[(self.hasher.hash_one(key) as usize) % SHARDS];
        {
            let guard = shard.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(Memo::Linear(stack, fees)) = guard.map.get(&key) {
                stats.derived += 1;
                return Ok(Priced::derive(stack, fees, e.value));
            }
        }
        stats.direct += 1;
        let q = self.engine.quote(e)?;
        let mut guard = shard.lock().unwrap_or_else(|p| p.into_inner());
        let shard = &mut *guard;
        if shard.map.len() >= self.per_shard {
            shard.map.clear();
            shard.intern.0.clear();
        }
        let priced = Priced::from_quote(&q, Some(&mut shard.intern));
        let memo = match self.trust(&priced, e) {
            Some(fees) => Memo::Linear(priced.stack.clone(), fees),
            None => Memo::Direct,
        };
        shard.map.insert(key, memo);
        Ok(priced)
    }

    /// Whether a direct quote shows its key linear in the value (see the module docs).
    fn trust(&self, a: &Priced, e: &Entry) -> Option<FeeRules> {
        let v = a.value;
        let s = &a.stack;
        let linear = s.lines.iter().zip(&a.amounts).all(|(l, (bv, amt))| {
            matches!(
                &*l.basis,
                "full_value" | "non_us_content" | "non_metal_content"
            ) && l
                .percent
                .is_some_and(|pc| *bv == v && *amt == cents(v * pc / Decimal::ONE_HUNDRED))
        });
        if !linear {
            return None;
        }
        // A stack whose texts quote the value or the date is not a stack of every value in
        // the period.
        let texts = || {
            std::iter::once(&*s.warnings).chain(
                s.lines
                    .iter()
                    .flat_map(|l| [Some(&*l.rate), l.note.as_deref()].into_iter().flatten()),
            )
        };
        let needles = [
            v.to_string(),
            v.normalize().to_string(),
            e.entry_date.to_string(),
        ];
        if texts().any(|t| needles.iter().any(|n| t.contains(n.as_str()))) {
            return None;
        }
        // The general rate must be ad valorem or free: floors and base-rate conditions
        // compare against it.
        let line = self.engine.schedule().line_at(&e.hts, e.entry_date).ok()?;
        let general = line.general.as_ref()?.parsed.as_ref()?.groups.first()?;
        if !matches!(general.rate, Rate::Free | Rate::AdValorem { on: None, .. }) {
            return None;
        }
        let mpf = self
            .engine
            .measures()
            .fees
            .mpf_at(e.entry_date)
            .map(|m| FeeRule::Formula {
                percent: m.percent,
                bounds: Some((m.minimum, m.maximum)),
            });
        let hmf = a.hmf_percent.map(|percent| FeeRule::Formula {
            percent,
            bounds: None,
        });
        Some(FeeRules {
            mpf: FeeRule::infer(v, a.mpf, mpf)?,
            hmf: FeeRule::infer(v, a.hmf, hmf)?,
            hmf_percent: a.hmf_percent,
        })
    }
}
