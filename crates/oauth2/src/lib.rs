//! RFC 6749 (OAuth 2.0) and its companions — bearer tokens (RFC 6750),
//! revocation (RFC 7009), PKCE (RFC 7636), the device grant (RFC 8628) and
//! introspection (RFC 7662) — as messages, for clients and servers, with no I/O.
//!
//! Every exchange is a value with two public methods: `to_request()` builds
//! an [`http::Request<Vec<u8>>`](http::Request), which the caller sends with
//! whatever HTTP client it has, and `read_response()` reads the
//! [`http::Response`] that came back. The [`Exchange`] trait names that pair
//! so a transport can drive any of them.
//!
//! **Architecture invariant:** no I/O, no clock, no global RNG. Time is unix
//! seconds passed in as `now`; randomness is a [`rand_core::CryptoRngCore`]
//! passed in (or the state and verifier themselves). The default `getrandom`
//! feature only makes [`rand_core::OsRng`] available.
//!
//! # Contents
//!
//! - [`client`]: the client's configuration — id, secret, authentication
//!   ([`client::ClientAuth`]: Basic, body, none), endpoints, extra headers and
//!   parameters, scope separator.
//! - [`types`]: newtypes; secrets are redacted in `Debug`, zeroized on drop and
//!   read with `.secret()`.
//! - [`pkce`]: RFC 7636 verifiers and challenges (S256 by default).
//! - [`authorize`]: the authorization URL, the pending value kept until the
//!   callback, callback and implicit-fragment parsing.
//! - [`token`]: token requests for every grant, and token responses (§5).
//! - [`tokens`]: a token set over time — expiry, refresh, rotation.
//! - [`bearer`]: `Authorization: Bearer`, and `WWW-Authenticate` challenges.
//! - [`revocation`], [`introspection`], [`device`]: RFC 7009, 7662, 8628.
//! - [`server`]: the authorization server's half — parse requests, check
//!   client authentication and PKCE, build responses.
//! - [`error`]: the one [`Error`] type, with stable [`Error::code`]s.
//!
//! Two safety notes for whoever sends the requests: do not let the HTTP
//! client follow redirects on token, revocation and introspection requests,
//! and state the client authentication method rather than trying one and
//! falling back to another (a failed try spends a one-time code or a rotating
//! refresh token).
//!
//! Why id and secret are form-encoded before Basic: RFC 6749 §2.3.1 says so
//! (Appendix B: space becomes `+`, everything but `[A-Za-z0-9*-._]` is
//! percent-encoded), and a secret holding `:` would otherwise split at the
//! wrong place. Servers that never decode exist; for them choose
//! [`client::BasicEncoding::Raw`].
//!
//! # Example: the MapMyFitness flow
//!
//! Authorization code, the client credentials in the form body, an
//! `Api-Key: <client id>` header on token calls, 60-day tokens, refresh.
//!
//! ```
//! use sansauth_oauth2::client::{Client, ClientAuth};
//! use sansauth_oauth2::http;
//! use sansauth_oauth2::tokens::TokenSet;
//! use sansauth_oauth2::types::{ClientSecret, RedirectUri, State};
//! use sansauth_oauth2::url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new("my-client-id")
//!     .with_secret(ClientSecret::new("my-client-secret"))
//!     .with_auth(ClientAuth::Post)
//!     .with_authorization_endpoint(Url::parse(
//!         "https://www.mapmyfitness.com/v7.1/oauth2/uacf/authorize/",
//!     )?)
//!     .with_token_endpoint(Url::parse(
//!         "https://api.mapmyfitness.com/v7.1/oauth2/access_token/",
//!     )?)
//!     .with_token_request_header("Api-Key", "my-client-id");
//!
//! // 1. Send the user to the provider. MapMyFitness documents no PKCE: state only.
//! let mut rng = sansauth_oauth2::rand_core::OsRng;
//! let (request, pending) = client.authorization_request_with(
//!     State::generate(&mut rng),
//!     None,
//!     Some(RedirectUri::new("http://localhost:12345/callback")),
//!     vec![],
//! )?;
//! let authorize_url = request.to_url()?; // open this in the browser
//! assert!(authorize_url.as_str().contains("response_type=code"));
//! // Keep `pending` (it is serde) until the browser comes back.
//! let stored = serde_json::to_string(&pending)?;
//!
//! // 2. The browser comes back to the redirect URI.
//! let pending: sansauth_oauth2::authorize::PendingAuthorization = serde_json::from_str(&stored)?;
//! let callback = format!(
//!     "http://localhost:12345/callback?code=abc123&state={}",
//!     pending.state
//! );
//! let code = pending.read_callback(&callback)?; // checks the state
//!
//! // 3. Redeem the code: credentials in the body, and the Api-Key header.
//! let exchange = pending.into_token_request(&client, code);
//! let request = exchange.to_request()?;
//! assert_eq!(request.headers()["api-key"], "my-client-id");
//! assert!(request.headers().get("authorization").is_none());
//! // ... send `request`; here is what came back:
//! let response = http::Response::builder()
//!     .status(200)
//!     .header("content-type", "application/json")
//!     .body(
//!         br#"{"access_token":"at1","token_type":"Bearer","expires_in":5183999,
//!              "refresh_token":"rt1","scope":"read","user_id":"123"}"#
//!             .to_vec(),
//!     )?;
//! let now = 1_700_000_000; // the caller's clock, in unix seconds
//! let mut tokens = TokenSet::from_response(exchange.read_response(&response)?, now);
//! assert_eq!(tokens.extra["user_id"], "123");
//!
//! // 4. Sixty days later, refresh (the demo also sends the current access token).
//! let later = now + 5_183_999 - 100;
//! assert!(tokens.needs_refresh(later, 300));
//! let refresh = tokens
//!     .refresh_request(&client, vec![])?
//!     .with_header("Authorization", format!("Bearer {}", tokens.access_token.secret()));
//! let request = refresh.to_request()?;
//! assert!(request.headers()["authorization"].is_sensitive());
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(br#"{"access_token":"at2","token_type":"Bearer","expires_in":5183999}"#.to_vec())?;
//! tokens.apply_refresh(refresh.read_response(&response)?, later);
//! assert_eq!(tokens.access_token.secret(), "at2");
//! assert_eq!(tokens.refresh_token.as_ref().map(|r| r.secret()), Some("rt1")); // kept
//! # Ok(())
//! # }
//! ```
//!
//! # Example: the Map My Tracks flow
//!
//! HTTP Basic client authentication, PKCE, a refresh that rotates the refresh
//! token, and revocation with `token_type_hint`.
//!
//! ```
//! use sansauth_oauth2::client::Client;
//! use sansauth_oauth2::http;
//! use sansauth_oauth2::revocation::RevocationRequest;
//! use sansauth_oauth2::tokens::{RefreshOutcome, TokenSet};
//! use sansauth_oauth2::types::{ClientSecret, RedirectUri, Scope};
//! use sansauth_oauth2::url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let api = "https://www.mapmytracks.com/api3/oauth";
//! let client = Client::new("tracks-client")
//!     .with_secret(ClientSecret::new("tracks-secret")) // Basic is the default with a secret
//!     .with_authorization_endpoint(Url::parse(&format!("{api}/authorize"))?)
//!     .with_token_endpoint(Url::parse(&format!("{api}/token"))?)
//!     .with_revocation_endpoint(Url::parse(&format!("{api}/revoke"))?);
//!
//! let mut rng = sansauth_oauth2::rand_core::OsRng;
//! let (request, pending) = client.authorization_request(
//!     &mut rng,
//!     Some(RedirectUri::new("http://127.0.0.1:8080/cb")),
//!     vec![Scope::new("read"), Scope::new("write")],
//! )?;
//! let url = request.to_url()?;
//! assert!(url.as_str().contains("code_challenge_method=S256"));
//!
//! let callback = format!("http://127.0.0.1:8080/cb?code=c0de&state={}", pending.state);
//! let code = pending.read_callback(&callback)?;
//! let exchange = pending.into_token_request(&client, code); // sends the PKCE verifier
//! let request = exchange.to_request()?;
//! assert!(request.headers()["authorization"].to_str()?.starts_with("Basic "));
//! let response = http::Response::builder().status(200).body(
//!     br#"{"access_token":"a1","token_type":"bearer","expires_in":3600,"refresh_token":"r1"}"#
//!         .to_vec(),
//! )?;
//! let mut tokens = TokenSet::from_response(exchange.read_response(&response)?, 1_000);
//!
//! // Each refresh returns a new refresh token and kills the old one.
//! let refresh = tokens.refresh_request(&client, vec![])?;
//! let response = http::Response::builder().status(200).body(
//!     br#"{"access_token":"a2","token_type":"bearer","expires_in":3600,"refresh_token":"r2"}"#
//!         .to_vec(),
//! )?;
//! let outcome = tokens.apply_refresh(refresh.read_response(&response)?, 4_000);
//! assert_eq!(outcome, RefreshOutcome::Rotated); // store the new set before using it
//! let stored = serde_json::to_string(&tokens)?;
//! assert!(!format!("{tokens:?}").contains("r2")); // Debug is redacted
//! # let _ = stored;
//!
//! // Revoke the refresh token (token_type_hint=refresh_token).
//! let refresh_token = tokens.refresh_token.as_ref().ok_or("no refresh token")?;
//! let revoke = RevocationRequest::refresh_token(&client, refresh_token);
//! let request = revoke.to_request()?;
//! assert_eq!(request.body(), b"token=r2&token_type_hint=refresh_token");
//! let response = http::Response::builder().status(200).body(Vec::new())?;
//! revoke.read_response(&response)?; // 200: revoked (even if the server did not know it)
//! # Ok(())
//! # }
//! ```
//!
//! # Example: the server's side
//!
//! ```
//! use sansauth_oauth2::client::Client;
//! use sansauth_oauth2::error::ErrorResponse;
//! use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
//! use sansauth_oauth2::server;
//! use sansauth_oauth2::token::{Grant, TokenResponse};
//! use sansauth_oauth2::types::{AccessToken, AuthorizationCode, ClientSecret, RedirectUri};
//! use sansauth_oauth2::url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The authorization request, as the browser brings it.
//! let params = server::parse_authorization_request(
//!     concat!(
//!         "https://as.example/authorize?response_type=code&client_id=app&state=s1",
//!         "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
//!         "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
//!     ),
//! )?;
//! let stored_challenge = params.code_challenge.clone(); // kept with the code
//! let redirect = server::authorization_redirect(
//!     params.redirect_uri.as_ref().ok_or("no redirect_uri")?,
//!     &AuthorizationCode::new("c1"),
//!     params.state.as_ref(),
//! )?;
//! assert_eq!(redirect.as_str(), "https://app.example/cb?code=c1&state=s1");
//!
//! // A client's token request (built here by the client half, for the example).
//! let client = Client::new("app")
//!     .with_secret(ClientSecret::new("s3cret"))
//!     .with_token_endpoint(Url::parse("https://as.example/token")?);
//! let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
//! let request = client
//!     .exchange_code(
//!         AuthorizationCode::new("c1"),
//!         Some(RedirectUri::new("https://app.example/cb")),
//!         Some(verifier),
//!     )
//!     .to_request()?;
//!
//! let response = match server::parse_token_request(&request) {
//!     Err(e) => server::error_response(&e.to_error_response()),
//!     Ok(params) => {
//!         let client_ok = params
//!             .client
//!             .as_ref()
//!             .is_some_and(|c| c.client_id.as_str() == "app"
//!                 && c.secret_matches(&ClientSecret::new("s3cret")));
//!         match params.grant {
//!             Grant::AuthorizationCode { code, code_verifier, .. } if client_ok => {
//!                 assert_eq!(code.secret(), "c1");
//!                 match server::verify_pkce(stored_challenge.as_ref(), code_verifier.as_ref()) {
//!                     Ok(()) => server::token_response(&TokenResponse::bearer(AccessToken::new("at"))),
//!                     Err(_) => server::error_response(&ErrorResponse::new("invalid_grant")),
//!                 }
//!             }
//!             _ => server::error_response(&ErrorResponse::new("invalid_client")),
//!         }
//!     }
//! };
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.headers()["cache-control"], "no-store");
//! # let _ = PkceMethod::S256;
//! # Ok(())
//! # }
//! ```

pub mod authorize;
pub mod bearer;
pub mod client;
pub mod device;
pub mod error;
pub mod introspection;
pub mod pkce;
pub mod revocation;
pub mod server;
pub mod token;
pub mod tokens;
pub mod types;
mod wire;

pub use http;
pub use rand_core;
pub use url;

pub use error::Error;

use base64::Engine as _;

/// `application/x-www-form-urlencoded`, the content type of every request body here.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The most parameters a query, fragment or form-encoded request body may
/// carry when this crate reads one (a callback; an authorization, token,
/// revocation, introspection or device request on the server side). More is
/// [`Error::Malformed`] before any is decoded: real ones carry a dozen at most,
/// and the check for repeated names must stay cheap. (Responses are bounded by
/// [`Client::max_response_bytes`](client::Client::max_response_bytes).)
pub const MAX_FORM_PARAMS: usize = 256;

/// One exchange: a request to build, and the response to read.
///
/// Lets a transport drive any of this crate's exchanges the same way.
pub trait Exchange {
    /// What a successful response yields.
    type Output;

    /// The HTTP request to send.
    fn to_request(&self) -> Result<http::Request<Vec<u8>>, Error>;

    /// Reads the response to that request.
    fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<Self::Output, Error>;
}

pub(crate) fn encode_b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
pub(crate) mod tests_rng {
    /// A deterministic RNG for tests (not random: it counts).
    #[derive(Debug)]
    pub(crate) struct Counter(pub(crate) u8);

    impl rand_core::RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl rand_core::CryptoRng for Counter {}
}
