//! The seed APIs' own resource calls, as sans-IO request builders and
//! response parsers.
//!
//! Each builder returns an unsigned `http::Request<Vec<u8>>` addressed from
//! the profile's `api_base_url`, carrying the profile's extra API headers and
//! query parameters (`Api-Key`, `api_key`, ...). The caller adds the
//! credentials — an OAuth 1 signature in the profile's `api_placement`, or a
//! bearer token — and sends it; the matching `read_*` function turns the
//! response into typed values.

pub mod fitbit;
pub mod mapmyfitness31;
pub mod mapmyfitness71;
pub mod mapmytracks;
pub mod multipart;
mod numbers;

use std::fmt;

use http::{Method, Request};

use crate::profile::Profile;
use crate::template::{Vars, expand};

/// An API call that did not give the expected answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
    /// The provider answered with its own error shape; the messages are its own.
    Provider {
        /// HTTP status of the response.
        status: u16,
        /// The provider's error code, when it gives one (`INVALID_PARAMENTER`, ...).
        code: Option<String>,
        /// The provider's messages, in order.
        messages: Vec<String>,
    },
    /// The response was not in the documented shape.
    UnexpectedResponse {
        /// HTTP status of the response.
        status: u16,
        /// Why it could not be read.
        reason: String,
        /// The first bytes of the body, for diagnosis.
        body_start: String,
    },
    /// The request could not be built (a profile template or URL problem).
    InvalidRequest(String),
}

impl ApiError {
    /// The stable machine-readable name of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Provider { .. } => "provider_error",
            Self::UnexpectedResponse { .. } => "unexpected_response",
            Self::InvalidRequest(_) => "invalid_request",
        }
    }

    /// A response body that could not be read as `reason` says.
    pub(crate) fn unexpected(status: u16, reason: impl fmt::Display, body: &[u8]) -> Self {
        const SHOWN: usize = 200;
        let shown = body.get(..SHOWN).unwrap_or(body);
        let mut body_start = String::from_utf8_lossy(shown).into_owned();
        if body.len() > SHOWN {
            body_start.push('…');
        }
        Self::UnexpectedResponse {
            status,
            reason: reason.to_string(),
            body_start,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Provider {
                status,
                code,
                messages,
            } => {
                write!(f, "the provider refused the call (HTTP {status}")?;
                if let Some(code) = code {
                    write!(f, ", {code}")?;
                }
                write!(f, "): {}", messages.join("; "))
            }
            Self::UnexpectedResponse {
                status,
                reason,
                body_start,
            } => {
                write!(
                    f,
                    "unexpected response (HTTP {status}): {reason}; body starts: {body_start:?}"
                )
            }
            Self::InvalidRequest(why) => write!(f, "cannot build the request: {why}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl Profile {
    /// An unsigned API request: `api_base_url` + `path` + `query`, with the
    /// profile's API headers and query parameters added (templated with
    /// `client_id`). The caller adds the credentials.
    ///
    /// # Errors
    ///
    /// [`ApiError::InvalidRequest`] when `path` does not join onto the base URL
    /// or a profile template is broken.
    pub fn api_request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        client_id: &str,
    ) -> Result<http::request::Builder, ApiError> {
        let vars = Vars {
            client_id,
            ..Vars::default()
        };
        let invalid = |e: &dyn fmt::Display| ApiError::InvalidRequest(e.to_string());
        let mut url = self.api_base_url.join(path).map_err(|e| invalid(&e))?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, template) in &self.api.query_params {
                pairs.append_pair(name, &expand(template, &vars).map_err(|e| invalid(&e))?);
            }
            pairs.extend_pairs(query);
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut builder = Request::builder().method(method).uri(url.as_str());
        for (name, template) in &self.api.headers {
            builder = builder.header(
                name.as_str(),
                expand(template, &vars).map_err(|e| invalid(&e))?,
            );
        }
        Ok(builder)
    }
}

/// Reads a JSON body, or says why it is not the expected shape.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::unexpected(status, e, body))
}

/// A GET request with an empty body.
pub(crate) fn get(builder: http::request::Builder) -> Result<Request<Vec<u8>>, ApiError> {
    builder
        .body(Vec::new())
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))
}
