//! The dataset's byte format.
//!
//! A file is the 8-byte magic `TARIFFHS`, the format version as a little-endian `u32`, then
//! the [`DatasetFile`] serialized with postcard and compressed with zstd at a fixed level.
//! Postcard writes fields in declaration order and the importer sorts every table, so the
//! same inputs always give the same bytes.

use crate::DatasetError;
use crate::model::DatasetFile;

/// The magic bytes at the start of every dataset file.
pub const MAGIC: &[u8; 8] = b"TARIFFHS";
/// The current format version. Bump it whenever a stored type changes shape.
pub const FORMAT_VERSION: u32 = 2;
/// zstd level used when writing (19: slow to write, small, fast to read).
pub const ZSTD_LEVEL: i32 = 19;

/// Serializes and compresses a dataset.
pub fn encode(file: &DatasetFile) -> Result<Vec<u8>, DatasetError> {
    let raw = postcard::to_allocvec(file).map_err(|e| DatasetError::Encode(e.to_string()))?;
    let packed =
        zstd::bulk::compress(&raw, ZSTD_LEVEL).map_err(|e| DatasetError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(packed.len() + 12);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&packed);
    Ok(out)
}

/// Checks the header, decompresses and deserializes a dataset.
pub fn decode(bytes: &[u8]) -> Result<DatasetFile, DatasetError> {
    if bytes.len() < 12 || &bytes[..8] != MAGIC {
        return Err(DatasetError::NotADataset);
    }
    let mut version = [0u8; 4];
    version.copy_from_slice(&bytes[8..12]);
    let version = u32::from_le_bytes(version);
    if version != FORMAT_VERSION {
        return Err(DatasetError::Version {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let raw =
        zstd::stream::decode_all(&bytes[12..]).map_err(|e| DatasetError::Decode(e.to_string()))?;
    postcard::from_bytes(&raw).map_err(|e| DatasetError::Decode(e.to_string()))
}
