//! Request inputs: one parser for query strings and JSON bodies, with field-named errors.
//!
//! A `GET` takes its inputs from the query string, a `POST` from a JSON object; both become
//! [`Fields`], a list of (name, text) pairs checked against the endpoint's allowed names (an
//! unknown or repeated field is an error naming it). JSON numbers and booleans are taken as
//! their text, arrays of scalars as a comma-separated list, so `{"value": 1000}`,
//! `{"value": "1,000"}` and `?value=1000` mean the same. Money is parsed to
//! [`rust_decimal::Decimal`], never a float, and bounded, so no input can overflow the
//! arithmetic downstream.

use crate::error::ApiError;
use jiff::civil::Date;
use rust_decimal::Decimal;
use tariff_engine::{Entry, Field};

/// Longest accepted text of one field (lists of origins included).
const MAX_FIELD_LEN: usize = 2048;

/// Largest accepted money amount or quantity: the engine's bound (a quadrillion).
use serde_json::value::RawValue;
use tariff_engine::MAX_AMOUNT;

/// The fields of one entry line: the engine's names ([`Field::ALL`]), each also accepted under
/// its aliases (`date`, `qty`, `declare`).
pub const ENTRY_FIELDS: &[&str] = &Field::NAMES;

/// The inputs of one request.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    /// (name, as given, text): an entry field by its canonical name.
    pairs: Vec<(String, String, String)>,
}

impl Fields {
    /// From query-string pairs, checked against `allowed`.
    pub fn from_pairs(pairs: Vec<(String, String)>, allowed: &[&str]) -> Result<Fields, ApiError> {
        let mut out = Fields::default();
        for (k, v) in pairs {
            out.push(k, v, allowed)?;
        }
        Ok(out)
    }

    /// From a JSON object, checked against `allowed`. Numbers are read as the decimal text
    /// written in the body, never through a binary float: `100000000000000.01` stays exact.
    pub fn from_json(body: &[u8], allowed: &[&str]) -> Result<Fields, ApiError> {
        let not_json =
            |e: serde_json::Error| ApiError::invalid("body", format!("not valid JSON: {e}"));
        let value: serde_json::Value = serde_json::from_slice(body).map_err(not_json)?;
        if !value.is_object() {
            return Err(ApiError::invalid("body", "expected a JSON object"));
        }
        // The same body again, each value as its raw text (the object is known to be valid).
        let map: Vec<(String, Box<RawValue>)> = serde_json::from_slice::<RawObject>(body)
            .map_err(not_json)?
            .0;
        let mut out = Fields::default();
        for (k, v) in map {
            let text = match v.get().trim_start().as_bytes().first() {
                Some(b'n') => continue,
                Some(b'[') => {
                    let items: Vec<Box<RawValue>> =
                        serde_json::from_str(v.get()).map_err(not_json)?;
                    let mut parts = Vec::with_capacity(items.len());
                    for item in &items {
                        parts.push(scalar(&k, item)?);
                    }
                    parts.join(",")
                }
                _ => scalar(&k, &v)?,
            };
            out.push(k, text, allowed)?;
        }
        Ok(out)
    }

    fn push(&mut self, name: String, text: String, allowed: &[&str]) -> Result<(), ApiError> {
        // An entry field's alias is read as its canonical name where the endpoint takes
        // entry fields (elsewhere `date` is the endpoint's own parameter).
        let canon = match Field::from_name(&name) {
            Some(f) if allowed.contains(&f.name()) => f.name().to_string(),
            _ => name.clone(),
        };
        if !allowed.contains(&canon.as_str()) {
            return Err(ApiError::invalid(
                name,
                format!("unknown field; expected one of: {}", allowed.join(", ")),
            ));
        }
        if text.len() > MAX_FIELD_LEN {
            return Err(ApiError::invalid(
                name,
                format!("longer than {MAX_FIELD_LEN} characters"),
            ));
        }
        if self.pairs.iter().any(|(k, _, _)| *k == canon) {
            return Err(ApiError::invalid(name, "given more than once"));
        }
        self.pairs.push((canon, name, text));
        Ok(())
    }

    /// A field's name as the request spelled it (`qty` for `quantity`), or as asked when
    /// it was not given: errors name the field as the client knows it.
    pub fn spelled<'a>(&'a self, name: &'a str) -> &'a str {
        self.pairs
            .iter()
            .find(|(k, _, _)| k == name)
            .map_or(name, |(_, given, _)| given.as_str())
    }

    /// An invalid-input error for a field, named as the request spelled it.
    pub fn invalid(&self, name: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(self.spelled(name).to_string(), message)
    }

    /// An engine error, naming the field as the request spelled it.
    pub fn quote_error(&self, e: tariff_engine::QuoteError) -> ApiError {
        self.respell(e.into())
    }

    /// The trimmed text of a field; empty counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _, _)| k == name)
            .map(|(_, _, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A required field.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| self.invalid(name, "required"))
    }

    /// A date, `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> Result<Option<Date>, ApiError> {
        self.get(name)
            .map(|t| date(name, t).map_err(|e| self.respell(e)))
            .transpose()
    }

    /// A flag: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`; absent is false.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "0" | "no" | "off") => Ok(false),
            Some("true" | "1" | "yes" | "on") => Ok(true),
            Some(other) => Err(self.invalid(name, format!("{other:?} is not true or false"))),
        }
    }

    /// A comma-separated list, items trimmed, empty items dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An error about a field, naming it as the request spelled it.
    fn respell(&self, e: ApiError) -> ApiError {
        match e {
            ApiError::Invalid { field, message } => self.invalid(&field, message),
            other => other,
        }
    }

    /// A bounded count.
    pub fn count(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(t) => match t.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::invalid(
                    name,
                    format!("{t:?} is not a whole number from 1 to {max}"),
                )),
            },
        }
    }
}

/// A JSON object's members in order, each value as its raw text.
struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawObject, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<RawObject, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Box<RawValue>>()? {
                    out.push((k, v));
                }
                Ok(RawObject(out))
            }
        }
        d.deserialize_map(Members)
    }
}

/// A scalar JSON value as text: a string's contents, a number exactly as written, a boolean.
fn scalar(field: &str, v: &RawValue) -> Result<String, ApiError> {
    let raw = v.get().trim();
    let bad = || {
        ApiError::invalid(
            field,
            "expected a string, a number, a boolean or a list of them",
        )
    };
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).map_err(|_| bad()),
        Some(b't' | b'f') => Ok(raw.to_string()),
        Some(b'-' | b'0'..=b'9') => Ok(raw.to_string()),
        _ => Err(bad()),
    }
}

/// Parses money text in the one grammar of the tools ([`tariff_engine::parse_amount`]:
/// `1000`, `1,000.50`, `$1000`, `1e3`), not negative, at most [`MAX_AMOUNT`].
pub fn money(field: &str, text: &str) -> Result<Decimal, ApiError> {
    let d = tariff_engine::parse_amount(text).map_err(|m| ApiError::invalid(field, m))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(ApiError::invalid(field, format!("{text:?} is negative")));
    }
    if d > MAX_AMOUNT {
        return Err(ApiError::invalid(
            field,
            format!("{text:?} is larger than the limit of {MAX_AMOUNT}"),
        ));
    }
    Ok(d.abs())
}

/// Parses a date, `YYYY-MM-DD` ([`tariff_engine::parse_date`]).
pub fn date(field: &str, text: &str) -> Result<Date, ApiError> {
    tariff_engine::parse_date(text).map_err(|m| ApiError::invalid(field, m))
}

/// A country code as given: trimmed, upper case, two ASCII letters.
pub fn country(field: &str, text: &str) -> Result<String, ApiError> {
    let c = text.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(ApiError::invalid(
            field,
            format!("{text:?} is not an ISO 3166 alpha-2 country code such as CN"),
        ))
    }
}

/// The entry line of a request, for `origin` and the entry date (which compare and history
/// vary): every other entry field read as [`Entry::set`] reads it, the one grammar of the
/// tools; bounds (negative amounts, the largest amount) are the engine's when it quotes.
pub fn entry(f: &Fields, origin: &str, on: Date) -> Result<Entry, ApiError> {
    let hts =
        tariff_engine::input::parse_code(f.required("hts")?).map_err(|m| f.invalid("hts", m))?;
    let value = money("value", f.required("value")?).map_err(|e| f.respell(e))?;
    let mut e = Entry::new(hts, origin, on, value);
    for field in Field::ALL.into_iter().filter(|x| !x.required()) {
        if let Some(text) = f.get(field.name()) {
            e.set(field, text).map_err(|m| f.invalid(field.name(), m))?;
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_amount_is_a_quadrillion() {
        assert_eq!(MAX_AMOUNT, Decimal::from(1_000_000_000_000_000u64));
    }

    #[test]
    fn money_forms() {
        assert_eq!(
            money("value", "$1,000.50").unwrap(),
            Decimal::new(100050, 2)
        );
        assert_eq!(money("value", "1e3").unwrap(), Decimal::from(1000));
        for bad in ["", "abc", "1e400", "NaN", "-5", "1e20", "--1", "1.2.3", "٣"] {
            let e = money("value", bad).unwrap_err();
            assert_eq!(e.field(), Some("value"), "{bad}");
        }
    }

    #[test]
    fn json_and_query_agree() {
        let allowed = ENTRY_FIELDS;
        let j = Fields::from_json(
            br#"{"hts":"6109.10.00.04","value":1000,"declare":["9903.01.30"],"spi":null}"#,
            allowed,
        )
        .unwrap();
        let q = Fields::from_pairs(
            vec![
                ("hts".into(), "6109.10.00.04".into()),
                ("value".into(), "1000".into()),
                ("declared".into(), "9903.01.30".into()),
            ],
            allowed,
        )
        .unwrap();
        for k in ["hts", "value", "declared", "spi"] {
            assert_eq!(j.get(k), q.get(k), "{k}");
        }
        assert_eq!(j.get("declared"), Some("9903.01.30"));
        assert_eq!(
            (j.spelled("declared"), q.spelled("declared")),
            ("declare", "declared")
        );
        let e = Fields::from_json(br#"{"valeu":1}"#, allowed).unwrap_err();
        assert_eq!(e.field(), Some("valeu"));
        let e = Fields::from_json(br#"{"value":{"x":1}}"#, allowed).unwrap_err();
        assert_eq!(e.field(), Some("value"));
        let e = Fields::from_json(b"[1]", allowed).unwrap_err();
        assert_eq!(e.field(), Some("body"));
        let e = Fields::from_pairs(
            vec![
                ("date".into(), "x".into()),
                ("entry_date".into(), "y".into()),
            ],
            allowed,
        )
        .unwrap_err();
        // `date` and `entry_date` are one field: the repeat is named as it was spelled.
        assert_eq!(e.field(), Some("entry_date"));
    }
}
