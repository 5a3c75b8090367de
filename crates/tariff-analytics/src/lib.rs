//! Trade analytics over the duty engine: the USTR reciprocal-tariff formula of April 2025 on
//! Census bilateral trade, and effective tariff rates (duties ÷ imports) over a fixed 2024
//! import basket priced by [`tariff_engine::Engine::quote`].
//!
//! - [`partners`]: the committed Census partner-code → ISO 3166 table
//!   (`data/census_partners.csv`), with the European Union aggregate (0003) and the
//!   regional/world aggregates marked as such.
//! - [`trade`]: the compact trade dataset `data/trade.bin` (bilateral goods trade by partner
//!   and year, EO 14257 Annex I as printed, and the 2024 import basket by HTS-10 × partner and
//!   HS-2 × partner with the Census calculated duty), built from `../shared/sources` by
//!   [`trade::build`] (`tariff data build-trade`), byte-identical on rebuild, with the
//!   SHA-256 of every input inside it and in `data/trade.provenance.json`.
//! - [`reciprocal`]: Δτ = (m − x)/(ε·φ·m), halved, rounded and floored at 10% as the
//!   administration did, against the rates written into HTS 9903.01.43–.76 (read from the
//!   measure data and the schedule, never retyped), with what-if changes in trade.
//! - [`etr`]: the basket, its pricing by the engine at one date (by country, chapter or
//!   authority), and the daily series computed by pricing each basket row only at the dates
//!   where its quote can change.
//! - [`plot`]: the series as an SVG line chart with the legal events marked.
//!
//! Money is `rust_decimal::Decimal` throughout; only the SVG coordinates are floating point.

pub mod audit;
pub mod etr;
pub mod partners;
pub mod plot;
pub mod reciprocal;
pub mod trade;

/// Why an analytics step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyticsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A source file does not have the expected shape.
    #[error("{path}: {message}")]
    Source {
        /// The file (relative to the sources folder).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The embedded trade dataset or a committed table is unreadable.
    #[error("trade dataset: {0}")]
    Dataset(String),
    /// The engine's data could not be loaded.
    #[error(transparent)]
    Engine(#[from] tariff_engine::EngineError),
    /// An argument is invalid (unknown partner, year without data, bad date range).
    #[error("{0}")]
    Input(String),
}

pub(crate) fn source_err(path: &str, message: impl Into<String>) -> AnalyticsError {
    AnalyticsError::Source {
        path: path.to_string(),
        message: message.into(),
    }
}
