//! The vocabulary of the Harmonized Tariff Schedule of the United States (HTSUS).
//!
//! This crate knows what the words and numbers in a schedule line mean, and nothing about
//! time or files:
//!
//! - [`code`]: [`HtsCode`], a validated 2–10 digit HTS number (`8703.23.01`, `8703230190`).
//! - [`rate`]: the rate-of-duty text of the general, special and other columns parsed into a
//!   typed tree ([`rate::RateCell`]) that prints back as normalized text, with the duty amount
//!   and ad valorem equivalent of any parsed rate.
//! - [`interval`]: [`Interval`], the half-open date interval `[from, until)` of every dated rule.
//! - [`program`]: the special tariff treatment programs (SPI codes such as `KR` for KORUS or
//!   `S` for USMCA) as cited data, and whether a claimed program gives a special rate for an
//!   origin on a date.
//!
//! The schedule over time (which line says what on which date) lives in `tariff-schedule`.

pub mod code;
pub mod interval;
pub mod program;
pub mod rate;

pub use code::{CodeError, HtsCode};
pub use interval::Interval;
