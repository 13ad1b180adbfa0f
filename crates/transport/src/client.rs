//! The seam with HTTP clients: [`HttpClient`] (blocking) and
//! [`AsyncHttpClient`], both sending an [`HttpRequest`] and returning an
//! [`HttpResponse`], with the client's own error type.
//!
//! A closure is a client (blanket impls), so a test or a one-off integration
//! needs no new type. The adapters here (`ReqwestClient`,
//! `ReqwestBlockingClient`, `UreqClient`, behind the features `reqwest`,
//! `reqwest-blocking` and `ureq`) never follow redirects, cap the response body and enforce
//! connect and overall timeouts, all set in one [`ClientOptions`].
//!
//! A client that is not an adapter here gets none of that for free: when you
//! plug one in, turn its redirects off (a redirect can carry a token or a
//! signed request to another host) and bound its body size and time.

use core::fmt;
use core::future::Future;
use std::time::Duration;

use crate::policy::PolicyError;

#[cfg(feature = "reqwest")]
mod reqwest_client;
#[cfg(feature = "ureq")]
mod ureq_client;

#[cfg(feature = "reqwest-blocking")]
pub use reqwest_client::ReqwestBlockingClient;
#[cfg(feature = "reqwest")]
pub use reqwest_client::ReqwestClient;
#[cfg(feature = "ureq")]
pub use ureq_client::UreqClient;

/// The request every client sends: the shape the protocol cores build.
pub type HttpRequest = http::Request<Vec<u8>>;

/// The response every client returns, its body read in full.
pub type HttpResponse = http::Response<Vec<u8>>;

/// A blocking HTTP client.
///
/// Implemented for every `Fn(HttpRequest) -> Result<HttpResponse, E>`.
pub trait HttpClient {
    /// The client's own failure (connection refused, timeout, ...): kept apart
    /// from protocol errors as [`Error::Http`](crate::Error::Http).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Sends `request` and returns the response with its whole body.
    ///
    /// Any status is a response, not an error: the protocol layer reads it.
    ///
    /// # Errors
    ///
    /// The client's error when no response could be read.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, Self::Error>;
}

impl<F, E> HttpClient for F
where
    F: Fn(HttpRequest) -> Result<HttpResponse, E>,
    E: std::error::Error + Send + Sync + 'static,
{
    type Error = E;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, E> {
        self(request)
    }
}

/// An async HTTP client.
///
/// Implemented for every `Fn(HttpRequest) -> Fut` where `Fut` is a `Send`
/// future of `Result<HttpResponse, E>`. The future must be `Send` so a
/// session can be shared between tasks of a multi-threaded runtime.
pub trait AsyncHttpClient {
    /// The client's own failure: kept apart from protocol errors as
    /// [`Error::Http`](crate::Error::Http).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Sends `request` and returns the response with its whole body.
    ///
    /// Any status is a response, not an error: the protocol layer reads it.
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Self::Error>> + Send;
}

impl<F, Fut, E> AsyncHttpClient for F
where
    F: Fn(HttpRequest) -> Fut,
    Fut: Future<Output = Result<HttpResponse, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    type Error = E;

    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, E>> + Send {
        self(request)
    }
}

/// Settings shared by every adapter.
///
/// ```
/// use std::time::Duration;
/// use sansauth_transport::client::ClientOptions;
///
/// let mut options = ClientOptions::default();
/// options.timeout = Duration::from_secs(10);
/// options.max_response_bytes = 64 * 1024;
/// assert!(!options.allow_insecure_http);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Time allowed to open the connection (TCP and TLS). Default: 10 s.
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange, connection and body included.
    /// Default: 30 s.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes; a larger one fails with
    /// [`AdapterError::BodyTooLarge`]. Default: 4 MiB (token responses are a
    /// few hundred bytes; API responses rarely need more).
    pub max_response_bytes: u64,
    /// Send credentials over plain `http://` to hosts that are not loopback.
    /// Default: `false`. Only for servers that speak nothing else (the legacy
    /// MapMyFitness API 3.1 is one): anyone on the path can read and replay
    /// what is sent. See [`policy`](crate::policy).
    pub allow_insecure_http: bool,
}

impl ClientOptions {
    /// The default connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default overall timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default response body cap.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            timeout: Self::DEFAULT_TIMEOUT,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }
}

/// Why an adapter got no response: the `E` of [`Error::Http`](crate::Error::Http)
/// for the adapters of this module.
#[derive(Debug)]
#[non_exhaustive]
pub enum AdapterError {
    /// The URL was refused before anything was sent.
    Policy(PolicyError),
    /// The connection could not be opened (refused, unreachable, DNS, TLS).
    Connect(Box<dyn std::error::Error + Send + Sync>),
    /// The connect or overall timeout of [`ClientOptions`] ran out.
    Timeout,
    /// The response body was larger than [`ClientOptions::max_response_bytes`].
    BodyTooLarge {
        /// The cap that was exceeded, in bytes.
        limit: u64,
    },
    /// The client could not be built from its options.
    Build(Box<dyn std::error::Error + Send + Sync>),
    /// Any other failure while sending or reading (connection reset, bad
    /// framing, ...).
    Request(Box<dyn std::error::Error + Send + Sync>),
}

impl AdapterError {
    /// A stable, machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Policy(e) => e.code(),
            Self::Connect(_) => "connect",
            Self::Timeout => "timeout",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::Build(_) => "client_build",
            Self::Request(_) => "request",
        }
    }
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Policy(e) => e.fmt(f),
            Self::Connect(e) => write!(f, "could not connect: {e}"),
            Self::Timeout => f.write_str(
                "the request timed out (raise ClientOptions::timeout or connect_timeout if the \
                 server is slow)",
            ),
            Self::BodyTooLarge { limit } => write!(
                f,
                "the response body is larger than {limit} bytes (raise \
                 ClientOptions::max_response_bytes if that is expected)"
            ),
            Self::Build(e) => write!(f, "could not build the HTTP client: {e}"),
            Self::Request(e) => write!(f, "the request failed: {e}"),
        }
    }
}

impl std::error::Error for AdapterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Policy(e) => Some(e),
            Self::Connect(e) | Self::Build(e) | Self::Request(e) => Some(&**e),
            Self::Timeout | Self::BodyTooLarge { .. } => None,
        }
    }
}

impl From<PolicyError> for AdapterError {
    fn from(e: PolicyError) -> Self {
        Self::Policy(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Never;
    impl fmt::Display for Never {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("never")
        }
    }
    impl std::error::Error for Never {}

    fn send_with<C: HttpClient>(client: &C, req: HttpRequest) -> Result<HttpResponse, C::Error> {
        client.send(req)
    }

    #[test]
    fn a_closure_is_a_blocking_client() {
        let client = |req: HttpRequest| -> Result<HttpResponse, Never> {
            http::Response::builder()
                .status(201)
                .body(req.into_body())
                .map_err(|_| Never)
        };
        let req = http::Request::builder()
            .uri("https://example.com/")
            .body(b"echo".to_vec())
            .unwrap();
        let resp = send_with(&client, req).unwrap();
        assert_eq!(resp.status(), 201);
        assert_eq!(resp.body(), b"echo");
    }

    #[test]
    fn adapter_error_codes_are_stable() {
        assert_eq!(AdapterError::Timeout.code(), "timeout");
        assert_eq!(
            AdapterError::BodyTooLarge { limit: 1 }.code(),
            "body_too_large"
        );
        let p = PolicyError::InsecureHttp {
            url: "http://x/".into(),
        };
        assert_eq!(AdapterError::from(p).code(), "insecure_http");
    }
}
