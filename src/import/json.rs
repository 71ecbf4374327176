//! What the three readers share: numbers written as strings or numbers,
//! ids, and reading a stream of JSON documents with errors that say where.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ImportError;

/// A whole number written as a number or as a string of digits (OTLP
/// writes 64-bit times as strings, so JavaScript does not round them).
#[derive(Debug, Clone, Copy)]
pub struct Number(pub u64);

impl Number {
    /// The number as a signed time, saturating.
    pub fn as_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Float(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(n) => Ok(Self(n)),
            Raw::Float(f) if f.is_finite() && f >= 0.0 => Ok(Self(f as u64)),
            Raw::Float(f) => Err(serde::de::Error::custom(format!(
                "{f} is not a time or count (a whole number ≥ 0)"
            ))),
            Raw::Text(t) => t
                .trim()
                .parse()
                .map(Self)
                .map_err(|_| serde::de::Error::custom(format!("\"{t}\" is not a whole number"))),
        }
    }
}

/// An enum written as its number or its name (span kinds, status codes).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrName {
    /// As a number.
    Number(Number),
    /// As a name.
    Name(String),
}

/// A trace or span id as a key: hex is compared without case, anything
/// else (base64) as written.
pub fn id(raw: String) -> String {
    if raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        raw.to_ascii_lowercase()
    } else {
        raw
    }
}

/// The JSON documents of `data`, one after another (a file of one
/// document, or JSON lines), each read as a `T`.
pub fn spans_of<'a, T: DeserializeOwned + 'a>(
    data: &'a [u8],
    file: &'a str,
) -> impl Iterator<Item = Result<T, ImportError>> + 'a {
    serde_json::Deserializer::from_slice(data)
        .into_iter::<T>()
        .map(move |r| r.map_err(|e| ImportError::json(file, &e)))
}

/// A start and a duration in microseconds (Jaeger, Zipkin) as start and
/// end in nanoseconds; no duration is no end (a span still open).
pub fn micros_to_span_ns(start_us: Number, duration_us: Option<Number>) -> (i64, i64) {
    let start_ns = start_us.as_i64().saturating_mul(1_000);
    let end_ns = duration_us.map_or(i64::MIN, |d| {
        start_ns.saturating_add(d.as_i64().saturating_mul(1_000))
    });
    (start_ns, end_ns)
}
