//! The I/O edge of sansauth, and the only library crate that does I/O: HTTP
//! client traits with adapters, a loopback redirect receiver (RFC 8252 §7.3),
//! token stores, and sessions that sign, refresh and store tokens safely.
//!
//! **Architecture invariant:** built only on the public API of
//! `sansauth-oauth1` and `sansauth-oauth2`; it adds I/O, never protocol logic.
//!
//! # Contents
//!
//! - [`client`]: the [`HttpClient`](client::HttpClient) and
//!   [`AsyncHttpClient`](client::AsyncHttpClient) traits, and adapters over
//!   reqwest (features `reqwest`, `reqwest-blocking`) and ureq (`ureq`).
//! - [`policy`]: plain `http://` is refused unless the host is loopback or the
//!   caller sets `allow_insecure_http`.
//! - [`receiver`]: catch the authorization redirect on a loopback port.
//! - [`browser`]: open the authorization page (feature `webbrowser`), or print it.
//! - [`store`]: keep token sets between runs, in memory or in files.
//! - [`Error`]: the one error type; the HTTP client's failure stays apart as
//!   [`Error::Http`].
//!
//! # Plugging in any HTTP client
//!
//! A client is anything that turns an `http::Request<Vec<u8>>` into an
//! `http::Response<Vec<u8>>`. Implement [`client::HttpClient`] (blocking) or
//! [`client::AsyncHttpClient`] for a wrapper around your client, or just pass
//! a closure. Whatever you plug in should not follow redirects, and should
//! bound the response size and the time spent. Here is hyper 1, with no
//! connection pool, over plain TCP (add TLS with your connector of choice):
//!
//! ```no_run
//! use http_body_util::{BodyExt as _, Full, Limited};
//! use sansauth_transport::client::{AsyncHttpClient, HttpRequest, HttpResponse};
//!
//! type BoxError = Box<dyn std::error::Error + Send + Sync>;
//!
//! #[derive(Debug)]
//! struct Hyper;
//!
//! impl Hyper {
//!     async fn call(&self, request: HttpRequest) -> Result<HttpResponse, BoxError> {
//!         let authority = request.uri().authority().ok_or("no host")?.clone();
//!         let port = authority.port_u16().unwrap_or(80);
//!         let tcp = tokio::net::TcpStream::connect((authority.host(), port)).await?;
//!         let io = hyper_util::rt::TokioIo::new(tcp);
//!         let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
//!         tokio::spawn(connection);
//!         let (mut parts, body) = request.into_parts();
//!         // hyper sends the URI as given: use the origin form (`/path?query`).
//!         parts.uri = parts.uri.path_and_query().map_or("/", |p| p.as_str()).parse()?;
//!         parts.headers.insert(http::header::HOST, authority.as_str().parse()?);
//!         let response = sender
//!             .send_request(http::Request::from_parts(parts, Full::new(hyper::body::Bytes::from(body))))
//!             .await?;
//!         let (parts, body) = response.into_parts();
//!         let bytes = Limited::new(body, 1 << 20).collect().await?.to_bytes();
//!         Ok(http::Response::from_parts(parts, bytes.to_vec()))
//!     }
//! }
//!
//! // Adapt `BoxError` into a type that implements `std::error::Error`:
//! #[derive(Debug)]
//! struct HyperError(BoxError);
//! impl std::fmt::Display for HyperError {
//!     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!         self.0.fmt(f)
//!     }
//! }
//! impl std::error::Error for HyperError {}
//!
//! impl AsyncHttpClient for Hyper {
//!     type Error = HyperError;
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HyperError> {
//!         self.call(request).await.map_err(HyperError)
//!     }
//! }
//! ```
//!
//! A closure works as well, which is handy in tests:
//!
//! ```
//! use sansauth_transport::client::{HttpClient, HttpRequest, HttpResponse};
//!
//! let canned = |request: HttpRequest| -> Result<HttpResponse, std::io::Error> {
//!     assert_eq!(request.uri(), "https://provider.example/token");
//!     Ok(http::Response::new(br#"{"access_token":"a","token_type":"Bearer"}"#.to_vec()))
//! };
//! let request = http::Request::post("https://provider.example/token").body(Vec::new())?;
//! let response = canned.send(request)?;
//! assert_eq!(response.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! None is on by default. `reqwest` (async adapter), `reqwest-blocking`,
//! `ureq`, `ureq-rustls` (ureq with rustls and the `ring` provider), and
//! `webbrowser`.

pub mod browser;
pub mod client;
pub mod error;
pub mod policy;
pub mod receiver;
pub mod session;
pub mod store;

pub use error::Error;
