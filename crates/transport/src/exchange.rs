//! Driving any exchange of the OAuth 2 core (token, revocation,
//! introspection, device authorization) over an HTTP client.
//!
//! The core builds the request and reads the response
//! ([`sansauth_oauth2::Exchange`]); these functions add the policy check and
//! the sending in between.

use sansauth_oauth2::Exchange;

use crate::Error;
use crate::client::{AsyncHttpClient, HttpClient};
use crate::policy::check_uri;

/// Builds `exchange`'s request, sends it with `client`, and reads the
/// response.
///
/// # Errors
///
/// [`Error::Policy`] when the endpoint is plain `http://` to a non-loopback
/// host and `allow_insecure_http` is `false`; [`Error::Http`] when the client
/// fails; [`Error::Protocol`] when the request cannot be built or the
/// provider answered with an error.
pub fn run<C: HttpClient, X: Exchange>(
    client: &C,
    exchange: &X,
    allow_insecure_http: bool,
) -> Result<X::Output, Error<C::Error>> {
    let request = exchange.to_request()?;
    check_uri(request.uri(), allow_insecure_http)?;
    let response = client.send(request).map_err(Error::Http)?;
    Ok(exchange.read_response(&response)?)
}

/// [`run`] over an async client.
///
/// # Errors
///
/// As [`run`].
pub async fn run_async<C: AsyncHttpClient, X: Exchange>(
    client: &C,
    exchange: &X,
    allow_insecure_http: bool,
) -> Result<X::Output, Error<C::Error>> {
    let request = exchange.to_request()?;
    check_uri(request.uri(), allow_insecure_http)?;
    let response = client.send(request).await.map_err(Error::Http)?;
    Ok(exchange.read_response(&response)?)
}
