//! Pricing one row: the engine's quote reduced to what the batch writes, with an exact memo.
//!
//! # The memo, and why it is exact
//!
//! Quoting costs microseconds; a batch of millions of lines repeats the same goods, origin and
//! facts many times with different values and dates. The memo key is everything in the entry
//! except the value, the entry date and the amount of the quantity (whether one is given stays
//! in the key), with the mode of transport reduced to what the engine reads (none, vessel,
//! other); a detail pricer adds the revision (its citations name it). Under a key the memo
//! keeps *periods*: the engine's [`tariff_engine::Validity`] of a quote, the entry dates over
//! which every date the quote compared the entry date with falls the same way — schedule
//! rows, measures of the goods and origin in force, date conditions, programs, column 2,
//! fee-table entries, dated warnings — so that a quote on any of them differs only in the
//! revision's name (taken per row from the schedule). `tariff-engine`'s `tests/validity.rs`
//! checks that on every covered day for every legal case.
//!
//! Within a period, the quote is *linear in the value* when the row gives no content values
//! and a positive value, every duty line is an ad valorem percent on a basis equal to the value
//! with `amount = cents(value × percent / 100)`, the column 1 general rate is ad valorem or
//! free (floors and base-rate conditions compare against it), no warning, rate or note quotes
//! the value, and the fees follow their table entry's formula (MPF clamped to the fiscal
//! year's minimum and maximum, HMF ad valorem) or are zero (an exemption under the claimed
//! SPI). Such a period is trusted after one direct quote and derives every later row; a period
//! that fails a check is recorded as not linear and its rows are quoted directly. Totals, the
//! IEEPA part and the effective rate are recomputed exactly as the engine does (sum of
//! cent-rounded lines; rate to 4 places, half away from zero). `tests/memo.rs` compares
//! memoized and direct results row by row over the legal cases on dates across the whole
//! coverage, in summary and detail form; `bench/batch.sh` outputs are byte-identical with and
//! without the memo.
//!
//! The memo is bounded in periods (each shard is emptied when full), so memory does not grow
//! with the input.

use crate::table::{Published, Slot, Table};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};
use tariff_engine::{
    Authority, Column, Engine, Entry, LineSource, Mode, Quote, QuoteError, Validity, cents,
};
use tariff_hts::rate::Rate;

/// The duty columns of the batch output, in order.
pub const AUTHORITIES: [&str; 10] = [
    "base",
    "section_232",
    "section_301",
    "ieepa_reciprocal",
    "ieepa_fentanyl",
    "ieepa_other",
    "section_122",
    "section_201",
    "section_338",
    "other",
];

/// The number of duty columns.
pub const N_AUTHORITIES: usize = AUTHORITIES.len();

/// The column of [`AUTHORITIES`] a duty line falls in.
pub fn authority_column(source: LineSource) -> usize {
    match source {
        LineSource::Base(_) => 0,
        LineSource::Measure(a) => match a {
            Authority::Section232 => 1,
            Authority::Section301 => 2,
            Authority::IeepaReciprocal => 3,
            Authority::IeepaFentanyl => 4,
            Authority::IeepaOther => 5,
            Authority::Section122 => 6,
            Authority::Section201 => 7,
            Authority::Section338 => 8,
            Authority::Other => 9,
        },
    }
}

/// A duty line's texts (detail rows only; shared by every row of a memo period).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// What a duty line's amount needs: its percent, output column and whether it is IEEPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineRate {
    /// Ad valorem percent, where the rate is one.
    pub percent: Option<Decimal>,
    /// The percent's mantissa and scale, for the 64-bit path of the amount (`u64::MAX`
    /// where the percent is none, negative or larger).
    pub percent_mantissa: u64,
    /// See `percent_mantissa`.
    pub percent_scale: u32,
    /// Index into [`AUTHORITIES`].
    pub column: u8,
    /// Collected under IEEPA.
    pub ieepa: bool,
}

/// The value-independent part of a quote: what a summary row shows besides the amounts,
/// and with a detail pricer the lines' texts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stack {
    /// Duty lines in reporting order, base last (inline up to six: one memory access less
    /// for each derived row).
    pub rates: smallvec::SmallVec<[LineRate; 6]>,
    /// The same lines' texts — with a detail pricer only ([`Pricer::new`]); empty otherwise.
    pub lines: Vec<LineInfo>,
    /// Chapter 99 headings to declare, `;`-joined (including $0 ones).
    pub headings: Arc<str>,
    /// Warnings, ` | `-joined.
    pub warnings: Arc<str>,
    /// Whether `headings` and `warnings` go into CSV as they are (no comma, quote or line
    /// break to quote), found once per stack instead of once per row.
    pub(crate) plain: (bool, bool),
}

/// One row's result: what the batch writes. It borrows its stack from the memo (or from the
/// direct quote) and its revision's name from the engine: no reference count per row.
#[derive(Clone, Debug, PartialEq)]
pub struct Priced<'a> {
    /// The value-independent part.
    pub stack: &'a Stack,
    /// HTS revision in force.
    pub revision: &'a str,
    /// Customs value.
    pub value: Decimal,
    /// Per line (same order as `stack.lines`): basis value and amount — with a detail
    /// pricer only; empty otherwise.
    pub amounts: Vec<(Decimal, Decimal)>,
    /// Total duty.
    pub total_duty: Decimal,
    /// Effective rate, percent, 4 places.
    pub effective_rate: Decimal,
    /// IEEPA part of the total.
    pub ieepa_duty: Decimal,
    /// Duty per [`AUTHORITIES`] column.
    pub by_authority: [Decimal; N_AUTHORITIES],
    /// MPF amount, when computed.
    pub mpf: Option<Decimal>,
    /// HMF amount, when computed (vessel).
    pub hmf: Option<Decimal>,
}

/// `cents(v × p / 100)` for non-negative `v` and `p`, in integers: the exact product
/// rounded half away from zero to the cent, which is what the decimal computation gives
/// whenever that computation is itself exact (product under 2^96, scale at most 28 after the
/// division); otherwise the decimal computation.
fn percent_of(v: Decimal, p: Decimal) -> Decimal {
    from_cents(percent_cents(v, p))
}

/// An amount from whole cents (what `Decimal::from_i128_with_scale(c, 2)` gives, without
/// 128-bit arithmetic when the cents fit in 64 bits: always, for amounts under 9.2 × 10^16).
fn from_cents(c: i128) -> Decimal {
    match u64::try_from(c.unsigned_abs()) {
        // The 96-bit mantissa's low and middle words, the sign, scale 2.
        Ok(m) => Decimal::from_parts(m as u32, (m >> 32) as u32, 0, c < 0, 2),
        Err(_) => Decimal::from_i128_with_scale(c, 2),
    }
}

/// [`percent_of`] in cents.
fn percent_cents(v: Decimal, p: Decimal) -> i128 {
    let (mv, mp) = (v.mantissa(), p.mantissa());
    let k = v.scale() + p.scale();
    if mv >= 0
        && mp >= 0
        && k + 2 <= 28
        && let Some(m) = mv.checked_mul(mp)
        && m < (1i128 << 96)
    {
        return round_div(m, 10i128.pow(k));
    }
    cents(v * p / Decimal::ONE_HUNDRED).mantissa()
}

/// `x` held to `[lo, hi]`, as the fee table's minimum and maximum hold the MPF (`lo` first,
/// should a table ever give `lo > hi`; `Ord::clamp` would panic).
fn bounded<T: PartialOrd>(x: T, lo: T, hi: T) -> T {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// Powers of ten that fit 64 bits.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `n / d` rounded half away from zero, for `n >= 0`, `d > 0` (in 64 bits when both fit).
fn round_div(n: i128, d: i128) -> i128 {
    if let (Ok(n), Ok(d)) = (u64::try_from(n), u64::try_from(d)) {
        return i128::from(round_div_u64(n, d));
    }
    let (q, r) = (n / d, n % d);
    if 2 * r >= d { q + 1 } else { q }
}

/// `n / d` rounded half away from zero, `d > 0`, in 64 bits.
fn round_div_u64(n: u64, d: u64) -> u64 {
    let (q, r) = (n / d, n % d);
    q + u64::from(r >= d - r)
}

/// The effective rate of a row as the engine computes it — `total / value × 100` in
/// percent, rounded half away from zero to 4 places — from the total in cents: in integers,
/// `round(cents × 10^(scale+4) / mantissa)`, which is the exact quotient rounded once. The
/// decimal computation rounds the quotient to 28 digits first; that cannot move it across a
/// rounding midpoint when the value's mantissa is under 10^18 (a quotient off a midpoint
/// is at least `1 / (2 × mantissa)` from it, far more than the 28-digit error), so the
/// integer path is taken only then; otherwise the decimal computation.
fn effective_rate(total_cents: i128, v: Decimal) -> Decimal {
    let (mv, sv) = (v.mantissa(), v.scale());
    if total_cents >= 0
        && mv > 0
        && mv < 1_000_000_000_000_000_000
        && sv <= 10
        && let Some(n) = total_cents.checked_mul(10i128.pow(sv + 4))
    {
        let r = round_div(n, mv);
        if let Ok(r) = i64::try_from(r) {
            return Decimal::new(r, 4);
        }
        if let Ok(d) = Decimal::try_from_i128_with_scale(r, 4) {
            return d;
        }
    }
    let total = Decimal::from_i128_with_scale(total_cents, 2);
    let mut rate = (total / v * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    rate.rescale(4);
    rate
}

/// The base duty of a specific or compound general rate at the row's value and quantity,
/// as the engine computes it; `Some(None)` without such a rate, `None` when it cannot be
/// computed (the row is then quoted directly, and the engine says why).
fn base_amount(rate: Option<&Rate>, e: &Entry) -> Option<Option<Decimal>> {
    let Some(rate) = rate else {
        return Some(None);
    };
    let mut basis = tariff_hts::rate::Basis::new(e.value);
    if let Some(q) = e.quantity {
        basis = basis.with_quantity(q);
    }
    rate.amount(&basis).ok().map(|a| Some(cents(a)))
}

/// A fast hash for the memo's keys and stacks (process-local tables; no untrusted party
/// chooses the keys' layout, and equality is still checked in full).
#[derive(Default)]
struct FoldHasher(u64);

impl Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^ (h >> 31)
    }
    fn write(&mut self, b: &[u8]) {
        let mut h = self.0;
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(26);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(26);
        }
        self.0 = h;
    }
}

type Fold = BuildHasherDefault<FoldHasher>;

impl Stack {
    /// The stack of a quote; `detail` keeps the lines' texts.
    fn of(q: &Quote, detail: bool) -> Stack {
        let mut headings = String::new();
        let mut rates = smallvec::SmallVec::new();
        let mut lines = Vec::with_capacity(if detail { q.lines.len() } else { 0 });
        for l in &q.lines {
            let column = authority_column(l.authority);
            if l.measure.is_some() && l.heading.starts_with("99") {
                if !headings.is_empty() {
                    headings.push(';');
                }
                headings.push_str(&l.heading);
            }
            let fast = l
                .rate_percent
                .and_then(|p| u64::try_from(p.mantissa()).ok().map(|m| (m, p.scale())))
                .filter(|(m, _)| *m < u64::MAX);
            rates.push(LineRate {
                percent: l.rate_percent,
                percent_mantissa: fast.map_or(u64::MAX, |f| f.0),
                percent_scale: fast.map_or(0, |f| f.1),
                column: column as u8,
                ieepa: l.ieepa,
            });
            if detail {
                lines.push(LineInfo {
                    heading: Arc::from(l.heading.as_str()),
                    authority: Arc::from(l.authority.name()),
                    measure: l.measure.as_deref().map(Arc::from),
                    rate: Arc::from(l.rate.as_str()),
                    percent: l.rate_percent,
                    basis: Arc::from(l.basis.as_str()),
                    citation: Arc::from(l.citation.as_str()),
                    note: l.note.as_deref().map(Arc::from),
                    ieepa: l.ieepa,
                    column,
                });
            }
        }
        let warnings = q
            .warnings
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let plain = |t: &str| !t.contains([',', '"', '\r', '\n']);
        Stack {
            rates,
            lines,
            plain: (plain(&headings), plain(&warnings)),
            headings: Arc::from(headings),
            warnings: Arc::from(warnings),
        }
    }
}

impl<'a> Priced<'a> {
    /// The row as quoted, on its stack; `detail` keeps per-line amounts.
    fn from_quote(q: &Quote, stack: &'a Stack, detail: bool, revision: &'a str) -> Priced<'a> {
        let mut by_authority = [Decimal::ZERO; N_AUTHORITIES];
        for (l, r) in q.lines.iter().zip(&stack.rates) {
            by_authority[usize::from(r.column)] += l.amount;
        }
        let amounts = if detail {
            q.lines.iter().map(|l| (l.basis_value, l.amount)).collect()
        } else {
            Vec::new()
        };
        let fee = |name: &str| q.fees.lines.iter().find(|f| f.fee == name);
        Priced {
            stack,
            revision,
            value: q.value,
            amounts,
            total_duty: q.total_duty,
            effective_rate: q.effective_rate,
            ieepa_duty: q.ieepa_duty,
            by_authority,
            mpf: fee("mpf").map(|f| f.amount),
            hmf: fee("hmf").map(|f| f.amount),
        }
    }

    /// Derives the result at value `v` from a trusted stack (see the module docs).
    /// `base` is the amount of the line without a percent (a specific or compound base
    /// rate), when there is one.
    fn derive(
        stack: &'a Stack,
        fees: (Option<Decimal>, Option<Decimal>),
        v: Decimal,
        base: Option<Decimal>,
        revision: &'a str,
        detail: bool,
    ) -> Priced<'a> {
        // Every amount is whole cents (scale 2): sums in integers are the decimal sums.
        let mut by_authority = [0i128; N_AUTHORITIES];
        let mut amounts = Vec::with_capacity(if detail { stack.rates.len() } else { 0 });
        let mut total = 0i128;
        let mut ieepa = 0i128;
        let base = base.map(|b| cents(b).mantissa());
        // The value's mantissa and scale once per row; a line's amount in 64 bits where the
        // product fits (what `percent_cents` computes, without its 128-bit arithmetic).
        let (mv, sv) = (u64::try_from(v.mantissa()).ok(), v.scale());
        for l in &stack.rates {
            let amount = match l.percent {
                Some(p) if !p.is_zero() => {
                    let k = (sv + l.percent_scale) as usize;
                    match mv.and_then(|m| m.checked_mul(l.percent_mantissa)) {
                        Some(m) if l.percent_mantissa != u64::MAX && k < POW10.len() => {
                            i128::from(round_div_u64(m, POW10[k]))
                        }
                        _ => percent_cents(v, p),
                    }
                }
                Some(_) => 0,
                None => base.unwrap_or(0),
            };
            by_authority[usize::from(l.column)] += amount;
            total += amount;
            if l.ieepa {
                ieepa += amount;
            }
            if detail {
                amounts.push((v, from_cents(amount)));
            }
        }
        let by_authority = by_authority.map(from_cents);
        let ieepa = from_cents(ieepa);
        let total_duty = from_cents(total);
        let effective_rate = effective_rate(total, v);
        Priced {
            stack,
            revision,
            value: v,
            amounts,
            total_duty,
            effective_rate,
            ieepa_duty: ieepa,
            by_authority,
            mpf: fees.0,
            hmf: fees.1,
        }
    }
}

/// How a fee follows the value for a trusted period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum FeeRule {
    /// Not computed.
    Absent,
    /// Always zero (exempt).
    Zero,
    /// The MPF formula of the fee table's entry (percent, clamped to the fiscal year's
    /// minimum and maximum).
    Mpf(u16),
}

/// What a trusted period derives rows with besides its stack: the MPF rule (HMF follows each
/// row's mode and date) and the base rate when it is not ad valorem (its amount follows the
/// row's value and quantity).
#[derive(Clone, Copy)]
struct Derivation<'e> {
    mpf: FeeRule,
    base: Option<&'e Rate>,
}

/// A date as a day number (days since 1970-01-01, clamped to `0..=u16::MAX`, which holds
/// every date from 1970 to 2149): one comparison per bound where the memo looks up a row's
/// period, and a small period. Validities lie within the dataset's coverage, so no two
/// covered dates share a number and no date outside matches a period.
fn day(d: jiff::civil::Date) -> u16 {
    // Days from civil (H. Hinnant's algorithm), in the proleptic Gregorian calendar.
    let (m, dd) = (i32::from(d.month()), i32::from(d.day()));
    let y = i32::from(d.year()) - i32::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days.clamp(0, i32::from(u16::MAX)) as u16
}

/// The memo key: the entry less its value, its date and the amount of its quantity (see the
/// module docs); in detail output, the revision (its name is in the citations).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    /// The HTS number, packed ([`tariff_hts::HtsCode::packed`]): compared and hashed as one
    /// integer.
    hts: u64,
    origin: [u8; 2],
    spi: [u8; 4],
    /// Whether a quantity is given; its amount is not in the key, since a trusted key's
    /// duties are all ad valorem (see the module docs).
    has_quantity: bool,
    /// The loading date, packed (year, month, day in bits; exact for every date), 0 without
    /// one.
    loaded_on: u32,
    export: [u8; 2],
    mode: u8,
    revision: u16,
}

impl Key {
    /// The key's hash for the memo: its fields packed into three words and mixed (a tenth of
    /// the work of hashing it field by field). The table takes a key's slot from the top
    /// bits and the memo its shard from the middle ones: the last steps spread every input
    /// bit over both.
    fn hash64(&self) -> u64 {
        const M: u64 = 0x9E37_79B9_7F4A_7C15;
        let w0 = self.hts
            | u64::from(u16::from_le_bytes(self.origin)) << 38
            | u64::from(self.has_quantity) << 54
            | u64::from(self.mode) << 55;
        let w1 = u64::from(u32::from_le_bytes(self.spi)) | u64::from(self.loaded_on) << 32;
        let w2 = u64::from(u16::from_le_bytes(self.export)) | u64::from(self.revision) << 16;
        let mut h = (w0 ^ M).wrapping_mul(M).rotate_left(26);
        h = (h ^ w1).wrapping_mul(M).rotate_left(26);
        h = (h ^ w2).wrapping_mul(M);
        h ^= h >> 32;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^ (h >> 29)
    }
}

/// A key's memo over the entry dates `[from, until)` (as [`day`]s) of one validity: the
/// index of the stack and fee rules to derive rows from in the shard's table, or
/// [`NOT_LINEAR`] when the quote was not linear in the value (rows are then quoted
/// directly).
#[derive(Clone, Copy, Default)]
struct Period {
    from: u16,
    until: u16,
    derivation: u32,
}

const NOT_LINEAR: u32 = u32::MAX;

impl Period {
    /// Whether the period holds the day `d`.
    fn covers(&self, d: u16) -> bool {
        self.from <= d && d < self.until
    }
}

fn find(ps: &Slot<Key, Period>, d: u16) -> Option<Period> {
    ps.values().find(|p| p.covers(d))
}

/// A key's table slot: the key and its first periods in two cache lines (most keys have
/// fewer periods than that; see [`crate::table`]).
const _: () = assert!(size_of::<Slot<Key, Period>>() == 128);

struct Shard<'e> {
    /// Keys and their periods.
    table: Table<Key, Period>,
    periods: usize,
    /// The stacks and fee rules periods derive from, once each (few, so they stay in cache).
    derivations: Vec<(Arc<Stack>, Derivation<'e>)>,
    /// Where each (stack, MPF rule, base rate) is in `derivations`.
    derivation_index: HashMap<(usize, FeeRule, usize), u32, Fold>,
}

impl<'e> Shard<'e> {
    fn clear(&mut self) {
        self.table.clear();
        self.derivations.clear();
        self.derivation_index.clear();
        self.periods = 0;
    }

    /// The index of a (stack, derivation) in the table.
    fn derivation(&mut self, stack: &Arc<Stack>, how: Derivation<'e>) -> u32 {
        let id = (
            Arc::as_ptr(stack) as usize,
            how.mpf,
            how.base.map_or(0, |r| r as *const Rate as usize),
        );
        if let Some(i) = self.derivation_index.get(&id) {
            return *i;
        }
        let i = self.derivations.len() as u32;
        self.derivations.push((stack.clone(), how));
        self.derivation_index.insert(id, i);
        i
    }
}

/// A shard: its table and derivations under a lock. Aligned so that no two shards share a
/// cache line (or the pair the processor fetches together): two workers locking
/// neighbouring shards would otherwise take the line from each other.
#[repr(align(128))]
struct ShardCell<'e> {
    shard: Mutex<Shard<'e>>,
}

impl ShardCell<'_> {
    fn new(published: &Published) -> Self {
        let shard = Shard {
            table: Table::new(6, published),
            periods: 0,
            derivations: Vec::new(),
            derivation_index: HashMap::default(),
        };
        ShardCell {
            shard: Mutex::new(shard),
        }
    }
}

/// A row's memo key and its hash, found before the row is priced so that its memo slot can
/// be fetched into the cache a few rows ahead ([`Pricer::prefetch`]).
#[derive(Clone, Copy)]
pub struct Prepared {
    key: Option<Key>,
    hash: u64,
}

const SHARDS: usize = 64;

/// Prices rows: the engine, the revisions' names, and the shared memo.
pub struct Pricer<'e> {
    engine: &'e Engine,
    revisions: Vec<&'e str>,
    /// [`day`] of the first covered date.
    first_day: u16,
    /// The revision in force on each covered day, from `first_day`.
    revision_by_day: Vec<u16>,
    detail: bool,
    shards: Option<Vec<ShardCell<'e>>>,
    /// Where each shard's table is, apart from the shards (a kilobyte, which stays in
    /// cache: finding the address to prefetch must not itself wait on memory).
    published: Vec<Published>,
    per_shard: usize,
    /// Keys a shard holds at most: as many as fit the smallest table with room for
    /// `per_shard` keys (a power of two of slots, seven tenths full), so that a memo of
    /// distinct keys — one period each — stops at that table instead of growing to the next,
    /// twice the size (400,000 periods: at most 64 × 8,192 slots of 128 bytes, 64 MB,
    /// holding 367,000 keys).
    keys_per_shard: usize,
    /// One copy of every stack, shared by the shards: the same duties stand for many keys
    /// in every shard (a 5 M-line batch makes 335,000 periods over 16,000 distinct stacks;
    /// shard by shard, 115,000 copies). Emptied when it holds an eighth of the memo's bound
    /// in stacks (50,000 by default, about 16 MB); the shards keep theirs.
    stacks: Mutex<HashSet<Arc<Stack>, Fold>>,
    /// Each MPF table entry's minimum and maximum in cents, where both are written to the
    /// cent (scale 2, positive): the fee of a derived row is then found in integers.
    mpf_cents: Vec<Option<(i128, i128)>>,
    stack_bound: usize,
}

/// Counters of how rows were priced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoStats {
    /// Rows quoted by the engine.
    pub direct: u64,
    /// Rows derived from a trusted memo entry.
    pub derived: u64,
    /// Of the rows quoted, those that found their key's period in the memo but not linear in
    /// the value (specific rates, content values, …).
    pub nonlinear: u64,
    /// Periods added to the memo (a quote each).
    pub periods: u64,
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

impl<'e> Pricer<'e> {
    /// A pricer; `memo_periods` bounds the memo in key × validity periods (0 turns it off);
    /// `detail` keeps the citations, and the revision in the key (the citations name it).
    pub fn new(engine: &'e Engine, memo_periods: usize, detail: bool) -> Pricer<'e> {
        let per_shard = memo_periods.div_ceil(SHARDS).max(1);
        let published: Vec<Published> = (0..SHARDS).map(|_| Published::default()).collect();
        let shards = (memo_periods > 0).then(|| published.iter().map(ShardCell::new).collect());
        let schedule = engine.schedule();
        let mut revision_by_day = Vec::new();
        let mut d = schedule.first_date();
        // (Day numbers start in 1970: an earlier dataset gets no table, and rows are quoted.)
        while d >= jiff::civil::date(1970, 1, 1)
            && let Ok(i) = schedule.revision_at(d)
        {
            revision_by_day.push(i);
            let Ok(next) = d.tomorrow() else { break };
            d = next;
        }
        Pricer {
            engine,
            revisions: schedule.revisions().iter().map(|r| r.id.as_str()).collect(),
            first_day: day(schedule.first_date()),
            revision_by_day,
            detail,
            shards,
            published,
            per_shard,
            keys_per_shard: Table::<Key, Period>::capacity(
                per_shard.next_power_of_two().trailing_zeros(),
            )
            .max(1),
            stacks: Mutex::default(),
            stack_bound: (memo_periods / 8).max(1),
            mpf_cents: engine
                .measures()
                .fees()
                .mpf
                .iter()
                .map(|m| {
                    let cents = |d: Decimal| {
                        (d.scale() == 2 && !d.is_sign_negative()).then(|| d.mantissa())
                    };
                    Some((cents(m.minimum)?, cents(m.maximum)?))
                })
                .collect(),
        }
    }

    fn key(&self, e: &Entry) -> Option<Key> {
        // Every field of the entry is named here, so that a new one is a compile error until
        // it is either in the key or makes the row unmemoizable.
        let Entry {
            hts: _,
            origin,
            entry_date: _,
            value,
            quantity,
            spi: _,
            us_content,
            steel_content,
            aluminum_content,
            copper_content,
            loaded_on: _,
            export_country: _,
            mode: _,
            transshipped,
            metal_weight_percent,
            metal_melted_in_us,
            declared,
            chapter98,
            processing_value,
            us_components,
        } = e;
        // 0 < value < 10^15 with at most 6 decimals, on the mantissa (no decimal comparison).
        let (m, scale) = (value.mantissa(), value.scale());
        let memoizable = m > 0
            && scale <= 6
            && m < 10i128.pow(15 + scale)
            && us_content.is_none()
            && steel_content.is_none()
            && aluminum_content.is_none()
            && copper_content.is_none()
            && metal_weight_percent.is_none()
            && !metal_melted_in_us
            && !transshipped
            && declared.is_empty()
            && chapter98.is_none()
            && processing_value.is_none()
            && us_components.is_none()
            && quantity.is_none_or(|q| !q.is_sign_negative());
        if !memoizable || origin.len() != 2 {
            return None;
        }
        let revision = if self.detail {
            self.engine.schedule().revision_at(e.entry_date).ok()?
        } else {
            u16::MAX
        };
        Some(Key {
            hts: e.hts.packed(),
            origin: small::<2>(Some(&e.origin))?,
            spi: small::<4>(e.spi.as_deref())?,
            has_quantity: e.quantity.is_some(),
            loaded_on: e.loaded_on.map_or(0, |d| {
                ((i32::from(d.year()) + 10_000) as u32) << 9
                    | (d.month() as u32) << 5
                    | d.day() as u32
            }),
            export: small::<2>(e.export_country.as_deref())?,
            // The engine reads whether a mode is given (a warning when not) and whether it
            // is vessel, which only adds the HMF line: that is priced per row.
            mode: u8::from(e.mode.is_some()),
            revision,
        })
    }

    /// The name of the revision in force on a covered date (by day number, from a table of
    /// the covered days: the revision for every row derived from the memo).
    fn revision(&self, date: jiff::civil::Date) -> Option<&'e str> {
        let k = usize::from(day(date)).checked_sub(usize::from(self.first_day))?;
        let i = *self.revision_by_day.get(k)?;
        self.revisions.get(usize::from(i)).copied()
    }

    /// The revision of a direct quote: the one in force on its date, which is the one the
    /// engine quoted (found by name should the two ever part).
    fn revision_of(&self, q: &Quote) -> Result<&'e str, QuoteError> {
        self.revision(q.entry_date)
            .filter(|r| *r == q.revision)
            .or_else(|| self.revisions.iter().copied().find(|r| *r == q.revision))
            .ok_or_else(|| QuoteError::Input {
                field: tariff_engine::Field::EntryDate,
                message: format!("revision {} is not in the schedule", q.revision),
            })
    }

    /// A row's memo key and its hash (see [`Pricer::prefetch`]).
    pub fn prepare(&self, e: &Entry) -> Prepared {
        match (&self.shards, self.key(e)) {
            (Some(_), Some(key)) => Prepared {
                key: Some(key),
                hash: key.hash64(),
            },
            _ => Prepared { key: None, hash: 0 },
        }
    }

    /// The shard of a hash. Middle bits pick it. Not the top ones: a shard's table takes the
    /// slot a key starts probing at from them.
    fn shard(hash: u64) -> usize {
        (hash >> 32) as usize % SHARDS
    }

    /// Brings the memo slot of a prepared row into the cache, ahead of pricing it: a hint,
    /// which changes no result.
    pub fn prefetch(&self, p: &Prepared) {
        if let (Some(shards), Some(_)) = (&self.shards, p.key) {
            let i = Self::shard(p.hash);
            // The lock and the table's header, to be written (locked), and the key's slot.
            crate::table::prefetch::<true>(std::ptr::from_ref(&shards[i]).cast());
            self.published[i].prefetch::<Key, Period>(p.hash);
        }
    }

    /// The second prefetch of a prepared row, once its slot has arrived (see
    /// [`Pricer::prefetch`]): finds the row's period without waiting for the lock (a hint
    /// gives up rather than wait), and brings into the cache what pricing the row will read
    /// next: the periods spilled out of the slot, or the period's derivation.
    pub fn prefetch_period(&self, e: &Entry, p: &Prepared) {
        let (Some(shards), Some(key)) = (&self.shards, p.key) else {
            return;
        };
        let Ok(guard) = shards[Self::shard(p.hash)].shard.try_lock() else {
            return;
        };
        let Some(slot) = guard.table.get(p.hash, &key) else {
            return;
        };
        let d = day(e.entry_date);
        let (inline, spilled) = slot.inline_and_spilled();
        match inline.iter().find(|p| p.covers(d)) {
            Some(p) if p.derivation != NOT_LINEAR => {
                let at = guard
                    .derivations
                    .as_ptr()
                    .wrapping_add(p.derivation as usize);
                crate::table::prefetch::<false>(at.cast());
            }
            Some(_) => {}
            None => {
                for line in spilled.chunks(8) {
                    crate::table::prefetch::<false>(line.as_ptr().cast());
                }
            }
        }
    }

    /// Prices one entry line and hands the result to `f` (which runs while the memo shard
    /// the row's stack lives in is locked: keep it short — format the row, no I/O).
    pub fn price_with<R>(
        &self,
        e: &Entry,
        stats: &mut MemoStats,
        f: impl FnOnce(&Priced<'_>) -> R,
    ) -> Result<R, QuoteError> {
        self.price_prepared(e, &self.prepare(e), stats, f)
    }

    /// [`Pricer::price_with`] for a row prepared by [`Pricer::prepare`] (from this entry).
    pub fn price_prepared<R>(
        &self,
        e: &Entry,
        prepared: &Prepared,
        stats: &mut MemoStats,
        f: impl FnOnce(&Priced<'_>) -> R,
    ) -> Result<R, QuoteError> {
        let (Some(shards), Some(key)) = (&self.shards, prepared.key) else {
            stats.direct += 1;
            return self.direct(e, f);
        };
        let hash = prepared.hash;
        let d = day(e.entry_date);
        let i = Self::shard(hash);
        let (cell, published) = (&shards[i], &self.published[i]);
        {
            let guard = cell.shard.lock().unwrap_or_else(|p| p.into_inner());
            match guard.table.get(hash, &key).and_then(|ps| find(ps, d)) {
                Some(p) if p.derivation == NOT_LINEAR => {
                    drop(guard);
                    stats.direct += 1;
                    stats.nonlinear += 1;
                    return self.direct(e, f);
                }
                Some(p) => {
                    let (stack, how) = &guard.derivations[p.derivation as usize];
                    if let (Some(revision), Some(hmf), Some(base)) = (
                        self.revision(e.entry_date),
                        self.hmf(e),
                        base_amount(how.base, e),
                    ) {
                        stats.derived += 1;
                        let fees = (self.fee(how.mpf, e.value), hmf);
                        let priced =
                            Priced::derive(stack, fees, e.value, base, revision, self.detail);
                        return Ok(f(&priced));
                    }
                }
                None => {}
            }
        }
        stats.direct += 1;
        let (q, mut valid) = self.engine.quote_valid(e)?;
        let revision = self.revision_of(&q)?;
        if self.detail
            && let Ok(i) = self.engine.schedule().revision_at(e.entry_date)
        {
            // Detail rows cite the revision: keep to its dates.
            let revisions = self.engine.schedule().revisions();
            valid = valid.cut_at(revisions[usize::from(i)].effective_from);
            if let Some(next) = revisions.get(usize::from(i) + 1) {
                valid = valid.cut_at(next.effective_from);
            }
        }
        let stack = self.stack(Stack::of(&q, self.detail));
        let how = self.trust(&q, e, &valid);
        let mut guard = cell.shard.lock().unwrap_or_else(|p| p.into_inner());
        let shard = &mut *guard;
        if shard.periods >= self.per_shard
            || (shard.table.len() >= self.keys_per_shard && shard.table.get(hash, &key).is_none())
        {
            shard.clear();
        }
        let derivation = match how {
            Some(how) => shard.derivation(&stack, how),
            None => NOT_LINEAR,
        };
        let period = Period {
            from: day(valid.from()),
            until: day(valid.until()),
            derivation,
        };
        let ps = shard.table.entry(hash, key, published);
        if find(ps, d).is_none() {
            ps.push(period);
            shard.periods += 1;
            stats.periods += 1;
        }
        drop(guard);
        Ok(f(&Priced::from_quote(&q, &stack, self.detail, revision)))
    }

    /// The memo's copy of a stack.
    fn stack(&self, stack: Stack) -> Arc<Stack> {
        let mut stacks = self.stacks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = stacks.get(&stack) {
            return s.clone();
        }
        if stacks.len() >= self.stack_bound {
            stacks.clear();
        }
        let s = Arc::new(stack);
        stacks.insert(s.clone());
        s
    }

    fn direct<R>(&self, e: &Entry, f: impl FnOnce(&Priced<'_>) -> R) -> Result<R, QuoteError> {
        let q = self.engine.quote(e)?;
        let revision = self.revision_of(&q)?;
        let stack = Stack::of(&q, self.detail);
        Ok(f(&Priced::from_quote(&q, &stack, self.detail, revision)))
    }

    /// The HMF of a derived row: `Some(None)` when not a vessel shipment, `Some(Some(fee))`
    /// by the fee table's entry in force, `None` when the table has none (the engine then
    /// warns; the row is quoted directly).
    fn hmf(&self, e: &Entry) -> Option<Option<Decimal>> {
        if e.mode != Some(Mode::Vessel) {
            return Some(None);
        }
        let h = self.engine.measures().fees().hmf_at(e.entry_date)?;
        Some(Some(percent_of(e.value, h.percent)))
    }

    /// A fee at value `v` by its rule.
    fn fee(&self, rule: FeeRule, v: Decimal) -> Option<Decimal> {
        let fees = &self.engine.measures().fees();
        match rule {
            FeeRule::Absent => None,
            FeeRule::Zero => Some(cents(Decimal::ZERO)),
            FeeRule::Mpf(i) => {
                let m = fees.mpf.get(usize::from(i))?;
                if let Some(&(lo, hi)) = self.mpf_cents.get(usize::from(i)).and_then(Option::as_ref)
                {
                    // In cents: the same comparisons, and the same amounts (the bounds are
                    // whole cents at scale 2, as `from_cents` makes them).
                    return Some(from_cents(bounded(percent_cents(v, m.percent), lo, hi)));
                }
                Some(bounded(percent_of(v, m.percent), m.minimum, m.maximum))
            }
        }
    }

    /// The rule that reproduces a fee seen in a quote at value `v`: the formula of the fee
    /// table's entry in force, or zero (an exemption, which depends on the SPI claim in the
    /// key, not on the value).
    fn fee_rule(
        &self,
        v: Decimal,
        seen: Option<Decimal>,
        formula: Option<FeeRule>,
    ) -> Option<FeeRule> {
        match seen {
            None => Some(FeeRule::Absent),
            Some(x) => {
                if let Some(f) = formula
                    && self.fee(f, v) == Some(x)
                {
                    return Some(f);
                }
                x.is_zero().then_some(FeeRule::Zero)
            }
        }
    }

    /// Whether a direct quote shows its period linear in the value (see the module docs):
    /// how to derive its other rows, or `None`.
    fn trust(&self, q: &Quote, e: &Entry, valid: &Validity) -> Option<Derivation<'e>> {
        let v = q.value;
        let line = self
            .engine
            .schedule()
            .entry_line(&e.hts, e.entry_date)
            .ok()?;
        let general: &'e Rate = &line.general?.parsed?.groups.first()?.rate;
        let general_ad_valorem = matches!(general, Rate::Free | Rate::AdValorem { on: None, .. });
        // A general rate that is not ad valorem is fine only where nothing compared its
        // ad valorem equivalent (floors, base-rate conditions).
        if !general_ad_valorem && valid.by_value() {
            return None;
        }
        let mut base = None;
        for l in &q.lines {
            let on_value = matches!(
                l.basis.as_str(),
                "full_value"
                    | "non_us_content"
                    | "non_metal_content"
                    | "steel_content"
                    | "aluminum_content"
                    | "copper_content"
                    | "carved_out"
            ) && l.basis_value == v;
            if !on_value {
                return None;
            }
            match l.rate_percent {
                Some(pc) if l.amount == cents(v * pc / Decimal::ONE_HUNDRED) => {}
                Some(_) => return None,
                // The general rate, specific or compound: its amount follows value and
                // quantity (the rate is the one the engine charged: same amount here).
                None if l.authority == LineSource::Base(Column::General) && !valid.by_value() => {
                    if base_amount(Some(general), e) != Some(Some(l.amount)) {
                        return None;
                    }
                    base = Some(general);
                }
                None => return None,
            }
        }
        // A stack whose texts quote the value is not a stack of every value. The value's
        // normalized text is a prefix of its full text (trailing zeros dropped), so a text
        // holding either holds the normalized one: one needle, searched for by one finder.
        let needle = v.normalize().to_string();
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let quotes_value = |t: &str| finder.find(t.as_bytes()).is_some();
        if q.warnings.iter().any(|w| quotes_value(w.as_str()))
            || q.lines
                .iter()
                .any(|l| quotes_value(&l.rate) || l.note.as_deref().is_some_and(quotes_value))
        {
            return None;
        }
        // The fee tables' entries in force (the validity is bounded by their dates).
        let fees = &self.engine.measures().fees();
        let d = e.entry_date;
        let mpf = fees
            .mpf
            .iter()
            .position(|m| m.effective.contains(d))
            .map(|i| FeeRule::Mpf(i as u16));
        let fee = |name: &str| {
            q.fees
                .lines
                .iter()
                .find(|f| f.fee == name)
                .map(|f| f.amount)
        };
        // The HMF is priced per row (`Pricer::hmf`); the quote's must be that.
        if self.hmf(e)? != fee("hmf") {
            return None;
        }
        Some(Derivation {
            mpf: self.fee_rule(v, fee("mpf"), mpf)?,
            base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{cents, day, effective_rate, from_cents, percent_of};
    use rust_decimal::Decimal;

    /// Amounts made from cents in 64 bits are the 128-bit construction's, digit for digit.
    #[test]
    fn from_cents_is_from_i128_with_scale() {
        let mut next = crate::testing::splitmix(5);
        let edges = [0i128, 1, -1, 99, -100, i64::MAX as i128, i64::MIN as i128];
        let wide = [
            i64::MAX as i128 + 1,
            i64::MIN as i128 - 1,
            1i128 << 95,
            -(1i128 << 95),
        ];
        let random = (0..100_000).map(|_| next() as i64 as i128 >> (next() % 64));
        for c in edges.into_iter().chain(wide).chain(random) {
            let (a, b) = (from_cents(c), Decimal::from_i128_with_scale(c, 2));
            assert_eq!(
                (a, a.scale(), a.to_string()),
                (b, b.scale(), b.to_string()),
                "{c}"
            );
        }
    }

    /// The integer effective rate is the engine's decimal computation, over totals and values
    /// of every size and scale, midpoints included.
    #[test]
    fn effective_rate_is_the_decimal_computation() {
        use rust_decimal::RoundingStrategy;
        let mut next = crate::testing::splitmix(11);
        // 0.01 / 32 × 100 = 0.03125 and 0.03 / 64 × 100 = 0.046875: midpoints at 4 places.
        let mut cases = vec![
            (1i128, Decimal::new(2, 0)),
            (5, Decimal::new(1_000_000, 2)),
            (1, Decimal::new(32, 0)),
            (3, Decimal::new(6400, 2)),
        ];
        for i in 0..400_000u64 {
            let v = Decimal::new(
                (next() % 10u64.pow(1 + (i % 17) as u32)) as i64 + 1,
                (next() % 7) as u32,
            );
            let t = match i % 3 {
                0 => (next() % 100_000_000) as i128,
                1 => (next() % 1000) as i128,
                // Near the value (rates around 100%) and at exact midpoints.
                _ => v.mantissa() * 100 / 10i128.pow(v.scale()) + (next() % 3) as i128,
            };
            cases.push((t, v));
        }
        for (t, v) in cases {
            let total = Decimal::from_i128_with_scale(t, 2);
            let mut expected = (total / v * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
            expected.rescale(4);
            let got = effective_rate(t, v);
            assert_eq!(got, expected, "{total} / {v}");
            assert_eq!(got.to_string(), expected.to_string(), "{total} / {v}");
        }
    }

    /// `day` counts days as jiff does, over every date of 1970-2149, and clamps outside.
    #[test]
    fn day_is_jiffs_day_count() {
        let epoch = jiff::civil::date(1970, 1, 1);
        let mut d = epoch;
        let mut n = 0u16;
        while d < jiff::civil::date(2149, 6, 1) {
            assert_eq!(day(d), n, "{d}");
            assert_eq!(i64::from(n), (d - epoch).get_days() as i64);
            d = d.tomorrow().unwrap();
            n += 1;
        }
        assert_eq!(day(jiff::civil::date(1969, 12, 31)), 0);
        assert_eq!(day(jiff::civil::Date::MIN), 0);
        assert_eq!(day(jiff::civil::Date::MAX), u16::MAX);
    }

    /// The integer path gives what the engine's decimal computation gives, over values and
    /// percents of every scale, midpoints included.
    #[test]
    fn percent_of_is_the_decimal_computation() {
        let mut next = crate::testing::splitmix(7);
        let mut n = 0;
        for i in 0..300_000u64 {
            let v = Decimal::new(
                (next() % 10u64.pow(1 + (i % 15) as u32)) as i64,
                (next() % 7) as u32,
            );
            let p = match i % 4 {
                0 => Decimal::new((next() % 20_000) as i64, 2),
                1 => Decimal::new((next() % 1000) as i64, 1),
                2 => Decimal::new(5, (next() % 5) as u32),
                _ => Decimal::new((next() % 10_000_000) as i64, (next() % 9) as u32),
            };
            assert_eq!(
                percent_of(v, p),
                cents(v * p / Decimal::ONE_HUNDRED),
                "{v} x {p}%"
            );
            n += 1;
        }
        // A midpoint: 0.05 at 10% is 0.005, exactly half a cent, rounded away from zero.
        assert_eq!(
            percent_of(Decimal::new(5, 2), Decimal::TEN),
            Decimal::new(1, 2)
        );
        assert!(n > 0);
    }
}
