//! Rate-of-duty text (placeholder: being written).
use serde::{Deserialize, Serialize};
use std::fmt;

/// A parsed rate column cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCell {
    /// The groups of the cell.
    pub groups: Vec<String>,
}

/// Why a rate text could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("unparsed rate text")]
pub struct RateError;

impl RateCell {
    /// Parses a cell.
    pub fn parse(text: &str) -> Result<RateCell, RateError> {
        Ok(RateCell { groups: vec![text.trim().to_string()] })
    }
}

impl fmt::Display for RateCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.groups.join(" "))
    }
}
