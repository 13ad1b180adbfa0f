//! The crate's one error type, and the RFC 6749 §5.2 error response as data.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Everything that can go wrong in this crate.
///
/// [`Error::code`] is a stable machine-readable name (the conformance vectors
/// use it). The provider's own error responses (RFC 6749 §4.1.2.1, §5.2,
/// RFC 7009 §2.2.1, RFC 8628 §3.5) are data inside [`Error::ErrorResponse`],
/// whose code is the provider's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The provider answered with an OAuth error (`access_denied`,
    /// `invalid_grant`, `authorization_pending`, ...). Look at its code.
    ErrorResponse(ErrorResponse),
    /// The callback's `state` is absent or not the one sent (RFC 6749 §10.12):
    /// the callback may be forged; discard it.
    StateMismatch,
    /// The callback carries neither `code` nor `error` (RFC 6749 §4.1.2).
    MissingCode,
    /// A required parameter or member is absent; the name says which.
    MissingParameter {
        /// The parameter's name.
        name: String,
    },
    /// Input that cannot be read: not a URL, a repeated parameter (§3.1),
    /// a member of the wrong type, a header that does not parse.
    Malformed {
        /// What was wrong (never contains a secret).
        what: String,
    },
    /// A response that is neither the expected success nor an OAuth error.
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The first bytes of the body, lossily decoded.
        body_start: String,
    },
    /// The response body is larger than the configured limit.
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The server answered 503 (RFC 7009 §2.2.1): retry later, after
    /// `retry_after` when the server said.
    TemporarilyUnavailable {
        /// The `Retry-After` header, when present.
        retry_after: Option<RetryAfter>,
    },
    /// A PKCE code verifier that is not 43 to 128 characters of
    /// `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
    InvalidCodeVerifier,
    /// A PKCE `code_challenge_method` other than `S256` or `plain` (RFC 7636 §4.3).
    UnsupportedChallengeMethod(String),
    /// The PKCE verifier does not match the stored challenge (RFC 7636 §4.6).
    PkceMismatch,
    /// The client has no endpoint configured for this exchange.
    MissingEndpoint(&'static str),
    /// A header name or value that cannot be sent (control characters, ...).
    InvalidHeader {
        /// The header's name.
        name: String,
    },
    /// A `grant_type` this crate does not know (RFC 6749 §5.2).
    UnsupportedGrantType(String),
    /// A `response_type` this crate does not know (RFC 6749 §3.1.1).
    UnsupportedResponseType(String),
    /// The client authenticated in more than one way at once (RFC 6749 §2.3).
    MultipleClientAuth,
    /// An `Authorization: Basic` header that does not decode (RFC 6749 §2.3.1).
    MalformedClientAuth,
    /// The device code expired before the user approved (RFC 8628 §3.5): start over.
    DeviceCodeExpired,
}

impl Error {
    /// The stable machine-readable code: the provider's error code for
    /// [`Error::ErrorResponse`], otherwise one fixed name per variant.
    pub fn code(&self) -> &str {
        match self {
            Self::ErrorResponse(response) => response.error.as_str(),
            Self::StateMismatch => "state_mismatch",
            Self::MissingCode => "missing_code",
            Self::MissingParameter { .. } => "missing_parameter",
            Self::Malformed { .. } => "malformed",
            Self::UnexpectedResponse { .. } => "unexpected_response",
            Self::ResponseTooLarge { .. } => "response_too_large",
            Self::TemporarilyUnavailable { .. } => "temporarily_unavailable",
            Self::InvalidCodeVerifier => "invalid_code_verifier",
            Self::UnsupportedChallengeMethod(_) => "unsupported_challenge_method",
            Self::PkceMismatch => "pkce_mismatch",
            Self::MissingEndpoint(_) => "missing_endpoint",
            Self::InvalidHeader { .. } => "invalid_header",
            Self::UnsupportedGrantType(_) => "unsupported_grant_type",
            Self::UnsupportedResponseType(_) => "unsupported_response_type",
            Self::MultipleClientAuth => "multiple_client_auth",
            Self::MalformedClientAuth => "malformed_client_auth",
            Self::DeviceCodeExpired => "device_code_expired",
        }
    }

    /// The provider's error response, when this is one.
    pub fn error_response(&self) -> Option<&ErrorResponse> {
        match self {
            Self::ErrorResponse(response) => Some(response),
            _ => None,
        }
    }

    /// Whether the user must authorize again: the provider refused the grant
    /// (`invalid_grant`, RFC 6749 §5.2: the code or refresh token is invalid,
    /// expired or revoked). Keep the stored tokens as they were.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, Self::ErrorResponse(r) if r.error.as_str() == "invalid_grant")
    }

    /// For a server: the RFC 6749 §5.2 error response to send for a request
    /// that failed to parse with this error.
    pub fn to_error_response(&self) -> ErrorResponse {
        let (code, description): (&str, String) = match self {
            Self::ErrorResponse(response) => return response.clone(),
            Self::MultipleClientAuth => (
                "invalid_request",
                "more than one client authentication method".into(),
            ),
            Self::MalformedClientAuth => ("invalid_client", self.to_string()),
            Self::UnsupportedGrantType(_) => ("unsupported_grant_type", self.to_string()),
            Self::UnsupportedResponseType(_) => ("unsupported_response_type", self.to_string()),
            Self::PkceMismatch | Self::InvalidCodeVerifier => ("invalid_grant", self.to_string()),
            Self::TemporarilyUnavailable { .. } => ("temporarily_unavailable", self.to_string()),
            _ => ("invalid_request", self.to_string()),
        };
        ErrorResponse {
            error: ErrorCode::new(code),
            error_description: Some(description),
            error_uri: None,
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        Self::Malformed { what: what.into() }
    }

    pub(crate) fn missing(name: &str) -> Self {
        Self::MissingParameter {
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ErrorResponse(response) => write!(f, "the provider answered: {response}"),
            Self::StateMismatch => f.write_str(
                "the callback's state does not match the one sent: discard the callback",
            ),
            Self::MissingCode => f.write_str("the callback carries neither `code` nor `error`"),
            Self::MissingParameter { name } => write!(f, "required parameter `{name}` is missing"),
            Self::Malformed { what } => write!(f, "malformed input: {what}"),
            Self::UnexpectedResponse { status, body_start } => write!(
                f,
                "unexpected response: status {status}, body starts with {body_start:?}"
            ),
            Self::ResponseTooLarge { limit } => {
                write!(
                    f,
                    "the response body is larger than the limit of {limit} bytes"
                )
            }
            Self::TemporarilyUnavailable { retry_after } => match retry_after {
                Some(RetryAfter::Seconds(s)) => {
                    write!(f, "the server is unavailable: retry after {s} seconds")
                }
                Some(RetryAfter::HttpDate(d)) => {
                    write!(f, "the server is unavailable: retry after {d}")
                }
                None => f.write_str("the server is unavailable: retry later"),
            },
            Self::InvalidCodeVerifier => {
                f.write_str("a PKCE code verifier must be 43 to 128 characters of [A-Za-z0-9-._~]")
            }
            Self::UnsupportedChallengeMethod(m) => {
                write!(f, "unsupported PKCE code_challenge_method {m:?}")
            }
            Self::PkceMismatch => {
                f.write_str("the PKCE code verifier does not match the challenge")
            }
            Self::MissingEndpoint(name) => write!(f, "the client has no {name} endpoint"),
            Self::InvalidHeader { name } => write!(f, "header {name:?} cannot be sent as given"),
            Self::UnsupportedGrantType(g) => write!(f, "unsupported grant_type {g:?}"),
            Self::UnsupportedResponseType(r) => write!(f, "unsupported response_type {r:?}"),
            Self::MultipleClientAuth => {
                f.write_str("the client used more than one authentication method")
            }
            Self::MalformedClientAuth => {
                f.write_str("the Authorization: Basic header does not decode")
            }
            Self::DeviceCodeExpired => {
                f.write_str("the device code expired before the user approved: start over")
            }
        }
    }
}

impl std::error::Error for Error {}

/// When to retry, from a `Retry-After` header (RFC 9110 §10.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAfter {
    /// A delay in seconds.
    Seconds(u64),
    /// An HTTP date, as sent (this crate reads no clock).
    HttpDate(String),
}

impl RetryAfter {
    /// Reads a `Retry-After` header value.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        Some(match value.parse() {
            Ok(seconds) => Self::Seconds(seconds),
            Err(_) => Self::HttpDate(value.to_owned()),
        })
    }
}

/// An OAuth error code as the provider sent it (`invalid_grant`, ...;
/// RFC 6749 §4.1.2.1, §5.2, RFC 8628 §3.5, or an extension).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(String);

impl ErrorCode {
    /// A code.
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An OAuth error response (RFC 6749 §4.1.2.1 and §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The error code.
    pub error: ErrorCode,
    /// Human-readable text from the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// A page about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_uri: Option<String>,
}

impl ErrorResponse {
    /// An error response with only a code.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            error: ErrorCode::new(code),
            error_description: None,
            error_uri: None,
        }
    }

    /// Adds a description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.error_description = Some(description.into());
        self
    }

    /// Adds an error URI.
    #[must_use]
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.error_uri = Some(uri.into());
        self
    }

    /// Reads an error body (JSON or form-encoded) with an `error` member, as
    /// any OAuth endpoint sends it; `None` when the body is not one.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(body).ok()?.trim();
        let members: serde_json::Map<String, serde_json::Value> = if text.starts_with('{') {
            serde_json::from_str(text).ok()?
        } else {
            url::form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect()
        };
        crate::wire::error_response(&members).ok().flatten()
    }

    /// The HTTP status a token endpoint answers with (RFC 6749 §5.2):
    /// 401 for `invalid_client`, 400 otherwise.
    pub fn status(&self) -> http::StatusCode {
        if self.error.as_str() == "invalid_client" {
            http::StatusCode::UNAUTHORIZED
        } else {
            http::StatusCode::BAD_REQUEST
        }
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error.as_str())?;
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        if let Some(u) = &self.error_uri {
            write!(f, " (see {u})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_code_is_the_error_code() {
        let e = Error::ErrorResponse(ErrorResponse::new("invalid_grant").with_description("x"));
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(Error::StateMismatch.code(), "state_mismatch");
        assert_eq!(e.to_error_response().error.as_str(), "invalid_grant");
    }

    #[test]
    fn server_mapping_uses_rfc_codes() {
        assert_eq!(
            Error::MultipleClientAuth.to_error_response().error.as_str(),
            "invalid_request"
        );
        assert_eq!(
            Error::PkceMismatch.to_error_response().error.as_str(),
            "invalid_grant"
        );
        assert_eq!(
            ErrorResponse::new("invalid_client").status(),
            http::StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn error_bodies_parse_and_invalid_grant_means_reauthorize() {
        let r = ErrorResponse::parse(br#"{"error":"invalid_grant","error_description":"expired"}"#)
            .unwrap();
        assert_eq!(
            r,
            ErrorResponse::new("invalid_grant").with_description("expired")
        );
        assert!(Error::ErrorResponse(r).needs_reauthorization());
        assert_eq!(
            ErrorResponse::parse(b"error=access_denied").unwrap(),
            ErrorResponse::new("access_denied")
        );
        assert_eq!(ErrorResponse::parse(b"<html>"), None);
        assert!(!Error::StateMismatch.needs_reauthorization());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(RetryAfter::parse(" 120 "), Some(RetryAfter::Seconds(120)));
        assert_eq!(
            RetryAfter::parse("Fri, 31 Dec 1999 23:59:59 GMT"),
            Some(RetryAfter::HttpDate("Fri, 31 Dec 1999 23:59:59 GMT".into()))
        );
        assert_eq!(RetryAfter::parse(""), None);
    }
}
