//! Helpers shared by the fuzz targets.
//!
//! A target that needs several inputs reads them as lines: the first
//! `N - 1` fields end at a `\n`, the last field is the rest of the input
//! (so it may hold newlines). `cargo xtask fuzz` writes its seeds from the
//! conformance vectors in the same shape.

use std::borrow::Cow;

/// Splits `data` into `N` fields as described above; missing fields are empty.
pub fn fields<const N: usize>(data: &[u8]) -> [&[u8]; N] {
    let mut out = [&[][..]; N];
    let mut rest = data;
    for slot in out.iter_mut().take(N - 1) {
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                *slot = &rest[..i];
                rest = &rest[i + 1..];
            }
            None => {
                *slot = rest;
                rest = &[];
            }
        }
    }
    out[N - 1] = rest;
    out
}

/// The bytes as text, invalid UTF-8 replaced (so every input reaches the parser).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// An optional field: empty means absent.
pub fn optional(bytes: &[u8]) -> Option<Cow<'_, str>> {
    (!bytes.is_empty()).then(|| text(bytes))
}

/// Formats a value with `Debug` and `Display` (formatting must not panic either).
pub fn format_all<T: std::fmt::Debug + std::fmt::Display>(value: &T) {
    let _ = format!("{value:?} {value}");
}
