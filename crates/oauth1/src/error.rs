//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// Each variant has a stable, machine-readable [`code`](Error::code).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Input that does not follow the RFC 5849 grammar (a bad percent-escape, a broken header, ...).
    Malformed {
        /// What was being read when the input broke the grammar.
        what: &'static str,
    },
}

impl Error {
    /// The stable machine-readable name of this failure, as used by the conformance vectors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { what } => write!(f, "malformed {what}"),
        }
    }
}

impl core::error::Error for Error {}
