//! The crate's one error type.

use core::convert::Infallible;
use core::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::policy::PolicyError;

/// An error of the protocol cores: what the provider answered, or a message
/// that could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// From `sansauth-oauth1` (signing, a credentials response).
    OAuth1(sansauth_oauth1::Error),
    /// From `sansauth-oauth2` (a token response, an OAuth error response).
    OAuth2(sansauth_oauth2::Error),
}

impl ProtocolError {
    /// The core's stable code (for an OAuth 2 error response, the provider's
    /// `error` code).
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::OAuth1(e) => e.code(),
            Self::OAuth2(e) => e.code(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OAuth1(e) => e.fmt(f),
            Self::OAuth2(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProtocolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::OAuth1(e) => Some(e),
            Self::OAuth2(e) => Some(e),
        }
    }
}

/// Why the user has to authorize the application again.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReauthorizationReason {
    /// The store holds no tokens for the account.
    NoStoredTokens,
    /// The access token is no longer accepted and there is no refresh token.
    NoRefreshToken,
    /// The provider refused the refresh token (`invalid_grant`, RFC 6749
    /// §5.2): revoked, expired, or already used. The stored tokens were left
    /// as they were.
    RefreshRefused(sansauth_oauth2::error::ErrorResponse),
}

/// What went wrong, with the HTTP client's own failure (`E`) kept apart from
/// everything else.
///
/// `E` is the [`HttpClient::Error`](crate::client::HttpClient::Error) of the
/// client in use; parts that send nothing (the receiver, the stores) use the
/// default, [`Infallible`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The HTTP client could not send the request or read the response.
    Http(E),
    /// The protocol failed: the provider answered with an error, or a message
    /// could not be built or read.
    Protocol(ProtocolError),
    /// The user must authorize the application again (run the authorization
    /// flow and start a new session with its tokens).
    ReauthorizationNeeded(ReauthorizationReason),
    /// New tokens arrived (a refresh) but could not be stored, so they were
    /// not used: the store still holds the previous tokens. The session keeps
    /// the new ones in memory and stores them before its next request; fix
    /// the store (disk full, permissions) and retry.
    TokensNotStored(Box<Error>),
    /// The URL was refused before anything was sent.
    Policy(PolicyError),
    /// Waiting ran out of time.
    Timeout {
        /// What was being waited for.
        waiting_for: &'static str,
        /// How long it waited.
        after: Duration,
    },
    /// An I/O operation failed.
    Io {
        /// What was being done.
        doing: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The loopback receiver was configured wrongly (for example a callback
    /// path that does not start with `/`).
    InvalidReceiverConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// An account name that cannot name a stored token set (it is empty).
    InvalidAccount,
    /// A stored file is not valid JSON, or its record does not have the
    /// expected shape. It is left as it is: delete or repair it.
    StoreCorrupt {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// A file in the store's directory was not written by a token store (or
    /// belongs to another account). It is never overwritten: move it away.
    StoreForeign {
        /// The file.
        path: PathBuf,
    },
}

impl<E> Error<E> {
    /// A stable, machine-readable code.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Http(_) => "http",
            Self::Protocol(e) => e.code(),
            Self::ReauthorizationNeeded(_) => "reauthorization_needed",
            Self::TokensNotStored(_) => "tokens_not_stored",
            Self::Policy(e) => e.code(),
            Self::Timeout { .. } => "timeout",
            Self::Io { .. } => "io",
            Self::InvalidReceiverConfig { .. } => "invalid_receiver_config",
            Self::InvalidAccount => "invalid_account",
            Self::StoreCorrupt { .. } => "store_corrupt",
            Self::StoreForeign { .. } => "store_foreign",
        }
    }

    pub(crate) fn io(doing: &'static str, source: std::io::Error) -> Self {
        Self::Io { doing, source }
    }
}

impl Error<Infallible> {
    /// The same error, typed for a context with an HTTP client error `E`.
    #[must_use]
    pub fn widen<E>(self) -> Error<E> {
        match self {
            Self::Http(never) => match never {},
            Self::Protocol(e) => Error::Protocol(e),
            Self::ReauthorizationNeeded(r) => Error::ReauthorizationNeeded(r),
            Self::TokensNotStored(inner) => Error::TokensNotStored(inner),
            Self::Policy(e) => Error::Policy(e),
            Self::Timeout { waiting_for, after } => Error::Timeout { waiting_for, after },
            Self::Io { doing, source } => Error::Io { doing, source },
            Self::InvalidReceiverConfig { reason } => Error::InvalidReceiverConfig { reason },
            Self::InvalidAccount => Error::InvalidAccount,
            Self::StoreCorrupt { path, detail } => Error::StoreCorrupt { path, detail },
            Self::StoreForeign { path } => Error::StoreForeign { path },
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Http(e) => write!(f, "http client: {e}"),
            Self::Protocol(e) => e.fmt(f),
            Self::ReauthorizationNeeded(reason) => {
                f.write_str("the user must authorize the application again: ")?;
                match reason {
                    ReauthorizationReason::NoStoredTokens => {
                        f.write_str("no tokens are stored for this account")
                    }
                    ReauthorizationReason::NoRefreshToken => {
                        f.write_str("the access token is refused and there is no refresh token")
                    }
                    ReauthorizationReason::RefreshRefused(r) => {
                        write!(f, "the provider refused the refresh token ({r})")
                    }
                }
            }
            Self::TokensNotStored(inner) => write!(
                f,
                "refreshed tokens could not be stored, so they were not used (the store keeps \
                 the previous ones): {inner}"
            ),
            Self::Policy(e) => e.fmt(f),
            Self::Timeout { waiting_for, after } => {
                write!(f, "gave up waiting for {waiting_for} after {after:?}")
            }
            Self::Io { doing, source } => write!(f, "{doing}: {source}"),
            Self::InvalidReceiverConfig { reason } => {
                write!(f, "invalid loopback receiver configuration: {reason}")
            }
            Self::InvalidAccount => f.write_str("the account name is empty"),
            Self::StoreCorrupt { path, detail } => write!(
                f,
                "the token file {} is corrupt ({detail}); it was left untouched: delete it and \
                 authorize again",
                path.display()
            ),
            Self::StoreForeign { path } => write!(
                f,
                "{} was not written by this token store for this account; it is never \
                 overwritten: move it away",
                path.display()
            ),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            Self::Protocol(e) => Some(e),
            Self::TokensNotStored(inner) => Some(&**inner),
            Self::Policy(e) => Some(e),
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl<E> From<sansauth_oauth1::Error> for Error<E> {
    fn from(e: sansauth_oauth1::Error) -> Self {
        Self::Protocol(ProtocolError::OAuth1(e))
    }
}

impl<E> From<sansauth_oauth2::Error> for Error<E> {
    fn from(e: sansauth_oauth2::Error) -> Self {
        Self::Protocol(ProtocolError::OAuth2(e))
    }
}

impl<E> From<PolicyError> for Error<E> {
    fn from(e: PolicyError) -> Self {
        Self::Policy(e)
    }
}
