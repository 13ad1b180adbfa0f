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
//!   reqwest (features `reqwest`, `reqwest-blocking`) and ureq (`ureq`), all
//!   with redirects off, a body cap and timeouts ([`client::ClientOptions`]).
//! - [`policy`]: plain `http://` is refused unless the host is loopback or the
//!   caller sets `allow_insecure_http`.
//! - [`receiver`]: catch the authorization redirect on a loopback port
//!   (RFC 8252 §7.3).
//! - [`browser`]: open the authorization page (feature `webbrowser`), or print it.
//! - [`exchange`]: send any exchange of the OAuth 2 core (token, revocation,
//!   ...) over a client.
//! - [`session`]: [`OAuth1Session`](session::OAuth1Session) signs every
//!   request; [`OAuth2Session`](session::OAuth2Session) and
//!   [`AsyncOAuth2Session`](session::AsyncOAuth2Session) attach the bearer
//!   token, refresh it (one refresh in flight at a time) and store new tokens
//!   before using them.
//! - [`store`]: keep token sets between runs, in memory or in files (an
//!   OAuth 2 `TokenSet`, or OAuth 1 credentials as [`store::OAuth1Token`]).
//! - [`Error`]: the one error type; the HTTP client's failure stays apart as
//!   [`Error::Http`], the protocol's as [`Error::Protocol`].
//!
//! # Example: authorization code on loopback, then a session
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use sansauth_oauth2::client::Client;
//! use sansauth_oauth2::tokens::TokenSet;
//! use sansauth_oauth2::types::{ClientSecret, RedirectUri, Scope};
//! use sansauth_oauth2::url::Url;
//! use sansauth_transport::client::{ClientOptions, UreqClient};
//! use sansauth_transport::receiver::{LoopbackReceiver, ReceiverOptions};
//! use sansauth_transport::session::{OAuth2Options, OAuth2Session};
//! use sansauth_transport::store::FileTokenStore;
//! use sansauth_transport::{browser, exchange};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let oauth = Client::new("my-client-id")
//!     .with_secret(ClientSecret::new("my-client-secret"))
//!     .with_authorization_endpoint(Url::parse("https://provider.example/authorize")?)
//!     .with_token_endpoint(Url::parse("https://provider.example/token")?);
//! let http = UreqClient::new(ClientOptions::default()); // feature `ureq-rustls` for https
//!
//! // 1. Listen on loopback, send the user to the provider (state + PKCE S256).
//! let receiver = LoopbackReceiver::bind(ReceiverOptions::default())?;
//! let mut rng = sansauth_oauth2::rand_core::OsRng;
//! let (request, pending) = oauth.authorization_request(
//!     &mut rng,
//!     Some(RedirectUri::new(receiver.redirect_uri())),
//!     vec![Scope::new("read")],
//! )?;
//! browser::open_in_browser(request.to_url()?.as_str());
//!
//! // 2. The browser comes back; the core checks `state`.
//! let callback = receiver.wait(Duration::from_secs(300))?;
//! let code = pending.read_callback(callback.url())?;
//!
//! // 3. Redeem the code, store the tokens, and use them.
//! let token_request = pending.into_token_request(&oauth, code);
//! let response = exchange::run(&http, &token_request, false)?;
//! let tokens = TokenSet::from_response(response, sansauth_oauth1::unix_now());
//! let store = FileTokenStore::new("/home/me/.config/my-app/tokens");
//! let session = OAuth2Session::start(http, oauth, store, "me", tokens, OAuth2Options::default())?;
//! let me = session.send(http::Request::get("https://api.provider.example/me").body(Vec::new())?)?;
//! println!("{}", String::from_utf8_lossy(me.body()));
//!
//! // A later run: `OAuth2Session::open(http, oauth, store, "me", options)`.
//! # Ok(())
//! # }
//! ```
//!
//! # Plugging in any HTTP client
//!
//! A client is anything that turns an `http::Request<Vec<u8>>` into an
//! `http::Response<Vec<u8>>`. Implement [`client::HttpClient`] (blocking) or
//! [`client::AsyncHttpClient`] for a wrapper around your client, or just pass
//! a closure. Whatever you plug in should not follow redirects, and should
//! bound the response size and the time spent (wrap the call in your
//! runtime's timeout). Here is hyper 1, with no connection pool, over plain
//! TCP (add TLS with your connector of choice):
//!
//! ```no_run
//! use http_body_util::{BodyExt as _, Full, Limited};
//! use hyper::body::Bytes;
//! use sansauth_transport::client::{AsyncHttpClient, HttpRequest, HttpResponse};
//! use std::io::Error as IoError;
//!
//! /// hyper 1 over plain TCP, one connection per request, bodies capped at 1 MiB.
//! struct Hyper;
//!
//! impl AsyncHttpClient for Hyper {
//!     type Error = IoError;
//!
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, IoError> {
//!         let authority = request.uri().authority().cloned().ok_or(IoError::other("no host"))?;
//!         let port = authority.port_u16().unwrap_or(80);
//!         let tcp = tokio::net::TcpStream::connect((authority.host(), port)).await?;
//!         let io = hyper_util::rt::TokioIo::new(tcp);
//!         let (mut sender, connection) =
//!             hyper::client::conn::http1::handshake(io).await.map_err(IoError::other)?;
//!         tokio::spawn(connection);
//!         let (mut parts, body) = request.into_parts();
//!         // hyper sends the URI as given: use the origin form (`/path?query`), and a Host.
//!         parts.uri = parts.uri.path_and_query().map_or("/", |p| p.as_str()).parse().map_err(IoError::other)?;
//!         parts.headers.insert(http::header::HOST, authority.as_str().parse().map_err(IoError::other)?);
//!         let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
//!         let response = sender.send_request(request).await.map_err(IoError::other)?;
//!         let (parts, body) = response.into_parts();
//!         let body = Limited::new(body, 1 << 20).collect().await.map_err(IoError::other)?;
//!         Ok(http::Response::from_parts(parts, body.to_bytes().to_vec()))
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
//! None is on by default; without any, the crate has the traits, the
//! receiver, the stores and the sessions, and pulls in no HTTP client.
//!
//! | feature | adds | pulls in |
//! | --- | --- | --- |
//! | `reqwest` | `client::ReqwestClient` (async) | reqwest without TLS (enable a reqwest TLS feature yourself), hyper, tokio |
//! | `reqwest-blocking` | `client::ReqwestBlockingClient` | reqwest's blocking client |
//! | `ureq` | `client::UreqClient` (blocking) | ureq without TLS |
//! | `ureq-rustls` | TLS for `UreqClient` | rustls with `ring`, webpki roots (a C compiler, no cmake) |
//! | `webbrowser` | [`browser::open_in_browser`] opens the browser | webbrowser |
//!
//! The sessions always depend on tokio's `sync` primitives (no runtime):
//! [`session::AsyncOAuth2Session`] works on any executor.

pub mod browser;
pub mod client;
pub mod error;
pub mod exchange;
pub mod policy;
pub mod receiver;
pub mod session;
pub mod store;

pub use error::Error;
