//! Sessions: a client that signs (OAuth 1) or carries and refreshes a bearer
//! token (OAuth 2) on every request, over any [`HttpClient`] or
//! [`AsyncHttpClient`].
//!
//! - [`OAuth1Session`] signs each request with the client and token
//!   credentials, at the configured [`Placement`] (RFC 5849 §3.5).
//! - [`OAuth2Session`] (blocking) and [`AsyncOAuth2Session`] attach the
//!   access token (RFC 6750 §2.1), refresh it before it expires and once
//!   after a `401` with `error="invalid_token"` (RFC 6750 §3.1), with one
//!   refresh in flight at a time, and store a new token set before using it.
//!
//! Every session applies the [`policy`](crate::policy): a request (and the
//! token endpoint) over plain `http://` to a non-loopback host is refused
//! unless the session's `allow_insecure_http` is set.
//!
//! [`HttpClient`]: crate::client::HttpClient
//! [`AsyncHttpClient`]: crate::client::AsyncHttpClient
//! [`Placement`]: sansauth_oauth1::Placement

mod oauth1;
mod oauth2;

pub use oauth1::OAuth1Session;
pub use oauth2::{AsyncOAuth2Session, OAuth2Options, OAuth2Session};

use crate::client::HttpRequest;

/// A copy of `request` (`http::Request` is not `Clone`: its extensions may
/// not be). Extensions are not copied.
fn copy_request(request: &HttpRequest) -> HttpRequest {
    let mut out = http::Request::new(request.body().clone());
    *out.method_mut() = request.method().clone();
    *out.uri_mut() = request.uri().clone();
    *out.version_mut() = request.version();
    *out.headers_mut() = request.headers().clone();
    out
}
