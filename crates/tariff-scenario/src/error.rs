//! Errors of the scenario crate: every error about a scenario file names the file and, where
//! the file has one, the line.

/// Why a scenario could not be loaded or simulated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read {file}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Something is wrong at a place in the file.
    #[error("{file}:{line}: {message}")]
    At {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Something is wrong with the file as a whole.
    #[error("{file}: {message}")]
    File {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The elasticity table.
    #[error(transparent)]
    Elasticities(#[from] crate::elasticity::ElasticityError),
    /// The engine's data.
    #[error(transparent)]
    Engine(#[from] tariff_engine::EngineError),
    /// The embedded measures.
    #[error(transparent)]
    Measures(#[from] tariff_measures::MeasureError),
    /// The trade flows.
    #[error("trade flows: {0}")]
    Flows(String),
}
