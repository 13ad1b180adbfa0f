//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// Each variant has a stable, machine-readable [`code`](Error::code); the
/// conformance vectors name failures by these codes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The signature does not match the request (RFC 5849 §3.2), or the
    /// `oauth_body_hash` does not match the body. Check the secrets and that the
    /// request was not changed after signing.
    BadSignature,
    /// A form-encoded body cannot carry `oauth_body_hash` (OAuth Request Body
    /// Hash extension §3.1): sign it without the body hash.
    BodyHashNotAllowed,
    /// The temporary-credentials response did not say
    /// `oauth_callback_confirmed=true` (RFC 5849 §2.1); the server may not
    /// support this version of the protocol.
    CallbackNotConfirmed,
    /// A protocol parameter appears more than once, or in more than one place
    /// (RFC 5849 §3.1).
    DuplicateParameter {
        /// The parameter's name.
        name: &'static str,
    },
    /// The key cannot be used: a PEM that does not hold an RSA key, or a key of
    /// the wrong kind for the signature method.
    InvalidKey {
        /// What is wrong with it.
        what: &'static str,
    },
    /// Input that does not follow the RFC 5849 grammar (a bad percent-escape, a broken header, ...).
    Malformed {
        /// What was being read when the input broke the grammar.
        what: &'static str,
    },
    /// A required parameter is absent (RFC 5849 §2, §3.1).
    MissingParameter {
        /// The parameter's name.
        name: &'static str,
    },
    /// The nonce store is full of nonces that are still inside the timestamp
    /// window; try again later or give the store more room.
    NonceStoreFull,
    /// This nonce was already used with this client and timestamp (RFC 5849 §3.3).
    ReplayedNonce,
    /// The timestamp is outside the accepted window around `now` (RFC 5849 §3.3).
    StaleTimestamp,
    /// The callback's `oauth_token` is not the temporary token this flow
    /// started with (RFC 5849 §2.2).
    TokenMismatch,
    /// The signature method is not one this side accepts (RFC 5849 §3.4).
    UnsupportedSignatureMethod,
    /// `oauth_version` is present but not `1.0` (RFC 5849 §3.1).
    UnsupportedVersion,
}

impl Error {
    /// The stable machine-readable name of this failure, as used by the conformance vectors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadSignature => "bad_signature",
            Self::BodyHashNotAllowed => "body_hash_not_allowed",
            Self::CallbackNotConfirmed => "callback_not_confirmed",
            Self::DuplicateParameter { .. } => "duplicate_parameter",
            Self::InvalidKey { .. } => "invalid_key",
            Self::Malformed { .. } => "malformed",
            Self::MissingParameter { .. } => "missing_parameter",
            Self::NonceStoreFull => "nonce_store_full",
            Self::ReplayedNonce => "replayed_nonce",
            Self::StaleTimestamp => "stale_timestamp",
            Self::TokenMismatch => "token_mismatch",
            Self::UnsupportedSignatureMethod => "unsupported_signature_method",
            Self::UnsupportedVersion => "unsupported_version",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSignature => f.write_str("the signature does not match the request"),
            Self::BodyHashNotAllowed => {
                f.write_str("oauth_body_hash is not allowed with a form-encoded body")
            }
            Self::CallbackNotConfirmed => {
                f.write_str("the server did not confirm the callback (oauth_callback_confirmed)")
            }
            Self::DuplicateParameter { name } => write!(f, "parameter {name} is given twice"),
            Self::InvalidKey { what } => write!(f, "invalid key: {what}"),
            Self::Malformed { what } => write!(f, "malformed {what}"),
            Self::MissingParameter { name } => write!(f, "parameter {name} is missing"),
            Self::NonceStoreFull => f.write_str("the nonce store is full"),
            Self::ReplayedNonce => f.write_str("this nonce was already used"),
            Self::StaleTimestamp => f.write_str("the timestamp is outside the accepted window"),
            Self::TokenMismatch => {
                f.write_str("the callback's oauth_token is not the temporary token")
            }
            Self::UnsupportedSignatureMethod => f.write_str("unsupported signature method"),
            Self::UnsupportedVersion => f.write_str("oauth_version is not 1.0"),
        }
    }
}

impl core::error::Error for Error {}
