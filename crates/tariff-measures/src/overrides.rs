//! Measure data with changes: what a scenario ("Korea at 25% from 2025-07-09, no deal")
//! does to the embedded measures — replace a measure by id, remove one, add new ones — and
//! the result validated exactly like the embedded data.

use crate::schema::{Measure, MeasureFile};
use crate::{MeasureError, Measures, parse_yaml};
use std::collections::BTreeSet;

/// Changes to the embedded measures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeasureChanges {
    /// Measures that take the place of the embedded measure with the same id.
    pub replace: Vec<Measure>,
    /// Ids of embedded measures to drop.
    pub remove: Vec<String>,
    /// New measures (ids not in the embedded data).
    pub add: Vec<Measure>,
}

impl MeasureChanges {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.replace.is_empty() && self.remove.is_empty() && self.add.is_empty()
    }
}

/// The file name given to added measures in errors and in [`Measures::files`].
pub const ADDED_FILE: &str = "scenario";

impl Measures {
    /// The embedded measures with `changes` applied, validated as a whole (ids unique, no
    /// overlapping headings, known countries and lists...). An id to replace or remove that
    /// does not exist, or an added id that does, is an error.
    pub fn embedded_with(changes: &MeasureChanges) -> Result<Measures, MeasureError> {
        if changes.is_empty() {
            return Measures::embedded();
        }
        let mut files: Vec<(String, MeasureFile)> = crate::embedded::MEASURE_FILES
            .iter()
            .map(|(name, text)| Ok((name.to_string(), parse_yaml::<MeasureFile>(name, text)?)))
            .collect::<Result<_, MeasureError>>()?;
        let known: BTreeSet<String> = files
            .iter()
            .flat_map(|(_, f)| f.measures.iter().map(|m| m.id.clone()))
            .collect();
        let invalid = |id: &str, message: String| MeasureError::Invalid {
            file: ADDED_FILE.into(),
            id: id.to_string(),
            message,
        };
        for id in changes
            .replace
            .iter()
            .map(|m| m.id.as_str())
            .chain(changes.remove.iter().map(String::as_str))
        {
            if !known.contains(id) {
                return Err(invalid(id, "no embedded measure has this id".into()));
            }
        }
        for m in &changes.add {
            if known.contains(&m.id) {
                return Err(invalid(
                    &m.id,
                    "an embedded measure already has this id; replace it instead".into(),
                ));
            }
        }
        for (_, file) in &mut files {
            file.measures.retain(|m| !changes.remove.contains(&m.id));
            for m in &mut file.measures {
                if let Some(new) = changes.replace.iter().find(|r| r.id == m.id) {
                    *m = new.clone();
                }
            }
        }
        files.push((
            ADDED_FILE.to_string(),
            MeasureFile {
                measures: changes.add.clone(),
            },
        ));
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|(name, f)| Ok((name.clone(), to_yaml(name, f)?)))
            .collect::<Result<_, MeasureError>>()?;
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Measures::from_sources(&crate::Sources {
            measure_files: &refs,
            ..crate::Sources::embedded()
        })
    }
}

/// Writes a measure file in the same one-key-map form the loader reads.
fn to_yaml(name: &str, file: &MeasureFile) -> Result<String, MeasureError> {
    let mut out = Vec::new();
    let mut ser = serde_yaml_ng::Serializer::new(&mut out);
    serde_yaml_ng::with::singleton_map_recursive::serialize(file, &mut ser).map_err(|e| {
        MeasureError::Parse {
            file: name.to_string(),
            message: e.to_string(),
        }
    })?;
    String::from_utf8(out).map_err(|e| MeasureError::Parse {
        file: name.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::MeasureRate;
    use rust_decimal::Decimal;

    #[test]
    fn no_change_is_the_embedded_data() {
        let a = Measures::embedded().unwrap();
        let b = Measures::embedded_with(&MeasureChanges::default()).unwrap();
        assert_eq!(a.measures, b.measures);
    }

    #[test]
    fn round_trip_through_yaml_keeps_every_measure() {
        // A change that touches nothing else: remove one measure; every other measure must
        // come back identical after the YAML round trip.
        let a = Measures::embedded().unwrap();
        let gone = a.measures[0].id.clone();
        let b = Measures::embedded_with(&MeasureChanges {
            remove: vec![gone.clone()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(b.measures.len(), a.measures.len() - 1);
        let rest: Vec<&Measure> = a.measures.iter().filter(|m| m.id != gone).collect();
        assert_eq!(rest, b.measures.iter().collect::<Vec<_>>());
    }

    #[test]
    fn replace_changes_the_rate_and_is_validated() {
        let a = Measures::embedded().unwrap();
        let mut m = a
            .measures
            .iter()
            .find(|m| matches!(m.rate, MeasureRate::Additional { .. }))
            .unwrap()
            .clone();
        if let MeasureRate::Additional { percent, .. } = &mut m.rate {
            *percent = Decimal::from(25);
        }
        let b = Measures::embedded_with(&MeasureChanges {
            replace: vec![m.clone()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(b.get(&m.id), Some(&m));

        let mut bad = m.clone();
        bad.id = "no-such-measure".into();
        let err = Measures::embedded_with(&MeasureChanges {
            replace: vec![bad],
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("no embedded measure"), "{err}");

        let err = Measures::embedded_with(&MeasureChanges {
            add: vec![m],
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("already has this id"), "{err}");
    }
}
