//! Numbers that some APIs send as strings (`"count": "1"`, `"user_id": "26345682"`).

use std::str::FromStr;

use serde::Deserialize;
use serde::de::{self, Deserializer};

/// A JSON number, or a string holding one.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString<T> {
    Number(T),
    Text(String),
}

/// Deserializes a number sent either as a JSON number or as a string.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + Deserialize<'de>,
    T::Err: std::fmt::Display,
{
    match NumberOrString::<T>::deserialize(deserializer)? {
        NumberOrString::Number(n) => Ok(n),
        NumberOrString::Text(s) => s.trim().parse().map_err(de::Error::custom),
    }
}

/// Like [`lenient`], for optional fields (absent, `null` and `""` are `None`).
pub(crate) fn lenient_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + Deserialize<'de>,
    T::Err: std::fmt::Display,
{
    match Option::<NumberOrString<T>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(NumberOrString::Number(n)) => Ok(Some(n)),
        Some(NumberOrString::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(NumberOrString::Text(s)) => s.trim().parse().map(Some).map_err(de::Error::custom),
    }
}
