//! RFC 5849 (OAuth 1.0) for clients and servers, with no I/O.
//!
//! This crate turns request parts into signatures and signatures back into
//! verdicts. It never opens a socket, never reads a clock and never draws from
//! a global random source: the timestamp and the nonce are arguments, so every
//! output is reproducible.
//!
//! **Architecture invariant:** no I/O, no clock, no global RNG; `no_std` +
//! `alloc` when the default `std` feature is off, so firmware can sign requests.
//!
//! # Contents
//!
//! - [Signing](#signing-a-request): [`Signer`] with [`RequestParts`],
//!   [`ProtocolParams`] and a [`Placement`]; the pieces on their own:
//!   [`base_string`], [`base_string_uri`], [`normalize_parameters`],
//!   [`encoding`].
//! - [The three legs](#the-three-legs): the [`flow`] module (RFC 5849 §2).
//! - [The server side](#verifying-a-request): [`parse_request`], [`Verifier`],
//!   [`NonceStore`] (§3.2).
//! - Headers: [`parse_authorization`]. Errors: [`Error`], each with a stable
//!   [`code`](Error::code).
//! - Features: `std` (default) adds `Signer::sign_http` for
//!   `http::Request`, `Signer::sign_now`, `Nonce::random` and
//!   `unix_now`; `rsa` adds the `RSA-SHA*` methods with keys read from PEM.
//!
//! # Signing a request
//!
//! A [`Signer`] holds one client's credentials (and a token once there is
//! one) and signs any number of requests. Here an API call is signed in the
//! `Authorization` header, with RFC 5849 §1.2's own values:
//!
//! ```
//! use sansauth_oauth1::{
//!     ConsumerSecret, Placement, ProtocolParams, RequestParts, SignatureMethod, Signer,
//!     TokenCredentials, TokenSecret,
//! };
//!
//! let token = TokenCredentials::new("nnch734d00sl2jdk", TokenSecret::new("pfkkdhi9sl3r4s00"));
//! let signer = Signer::new(
//!     SignatureMethod::HmacSha1,
//!     "dpf43f3p2l4k3l03",
//!     &ConsumerSecret::new("kd94hf93k423kf44"),
//!     Some(&token),
//! )?;
//! let parts = RequestParts::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original");
//! // Timestamp and nonce are arguments (`Signer::sign_now` draws them under `std`).
//! let params = ProtocolParams::new(137131202, "chapoH").with_realm("Photos");
//! let signed = signer.sign(&parts, &params, Placement::Header)?;
//! assert_eq!(
//!     signed.authorization().unwrap(),
//!     "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", \
//!      oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", oauth_signature_method=\"HMAC-SHA1\", \
//!      oauth_timestamp=\"137131202\", oauth_token=\"nnch734d00sl2jdk\"",
//! );
//! # Ok::<(), sansauth_oauth1::Error>(())
//! ```
//!
//! The same call signed in the query (as MapMyFitness API 3.1 wants), which
//! keeps the existing query and appends the protocol parameters:
//!
//! ```
//! # use sansauth_oauth1::*;
//! # let token = TokenCredentials::new("nnch734d00sl2jdk", TokenSecret::new("pfkkdhi9sl3r4s00"));
//! # let signer = Signer::new(SignatureMethod::HmacSha1, "dpf43f3p2l4k3l03",
//! #     &ConsumerSecret::new("kd94hf93k423kf44"), Some(&token))?;
//! let parts = RequestParts::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original");
//! let signed = signer.sign(&parts, &ProtocolParams::new(137131202, "chapoH"), Placement::Query)?;
//! assert_eq!(
//!     signed.url(),
//!     "http://photos.example.net/photos?file=vacation.jpg&size=original\
//!      &oauth_consumer_key=dpf43f3p2l4k3l03&oauth_nonce=chapoH&oauth_signature_method=HMAC-SHA1\
//!      &oauth_timestamp=137131202&oauth_token=nnch734d00sl2jdk\
//!      &oauth_signature=MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D",
//! );
//! # Ok::<(), sansauth_oauth1::Error>(())
//! ```
//!
//! With the `std` feature, an `http::Request` can be signed directly with
//! `Signer::sign_http`; the `Authorization` value is marked sensitive.
//!
//! # The three legs
//!
//! Each step of RFC 5849 §2 is a message to build or a response to read
//! (the values below are made-up examples):
//!
//! ```
//! use sansauth_oauth1::flow::{
//!     TemporaryCredentialsRequest, TokenCredentialsRequest, authorize_url, parse_callback,
//!     parse_credentials_response,
//! };
//! use sansauth_oauth1::{ConsumerSecret, Placement, ProtocolParams, SignatureMethod, Signer};
//!
//! let secret = ConsumerSecret::new("example-consumer-secret");
//! let callback = "http://localhost.mapmyapi.com:12345/callback";
//!
//! // 1. Temporary credentials (§2.1), signed in the form body.
//! let client = Signer::new(SignatureMethod::HmacSha1, "example-key", &secret, None)?;
//! let request = TemporaryCredentialsRequest::new(
//!     "http://api.mapmyfitness.com/3.1/oauth/request_token",
//!     callback,
//! )
//! .with_placement(Placement::Body)
//! .sign(&client, &ProtocolParams::new(1300000000, "n1"))?;
//! assert_eq!(request.method(), "POST");
//! // ... send `request`; the server answers:
//! let body = b"oauth_token=tmp&oauth_token_secret=tmp-secret&oauth_callback_confirmed=true";
//! let temporary = parse_credentials_response(body, true)?.credentials;
//!
//! // 2. The user authorizes (§2.2); MapMyFitness wants the callback again.
//! let url = authorize_url(
//!     "https://www.mapmyfitness.com/oauth/authorize/",
//!     temporary.token(),
//!     &[("oauth_callback", callback)],
//! )?;
//! assert!(url.starts_with("https://www.mapmyfitness.com/oauth/authorize/?oauth_token=tmp&"));
//! // ... the browser comes back to the callback:
//! let back = parse_callback(&format!("{callback}?oauth_token=tmp&oauth_verifier=v3r"), temporary.token())?;
//!
//! // 3. Token credentials (§2.3), signed with the temporary credentials.
//! let client = Signer::new(SignatureMethod::HmacSha1, "example-key", &secret, Some(&temporary))?;
//! let request = TokenCredentialsRequest::new(
//!     "http://api.mapmyfitness.com/3.1/oauth/access_token",
//!     &back.verifier,
//! )
//! .with_placement(Placement::Body)
//! .sign(&client, &ProtocolParams::new(1300000030, "n2"))?;
//! # let _ = request;
//! let token = parse_credentials_response(b"oauth_token=tok&oauth_token_secret=tok-secret", false)?;
//! assert_eq!(token.credentials.token(), "tok");
//! # Ok::<(), sansauth_oauth1::Error>(())
//! ```
//!
//! # Verifying a request
//!
//! A server reads the request's OAuth parameters, looks up the secrets for
//! its consumer key and token, and lets a [`Verifier`] decide (§3.2):
//!
//! ```
//! use sansauth_oauth1::{
//!     ConsumerSecret, MemoryNonceStore, RequestParts, TokenSecret, Verifier, VerifyKey,
//!     parse_request,
//! };
//!
//! let header = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
//!     oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", \
//!     oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", \
//!     oauth_token=\"nnch734d00sl2jdk\"";
//! let parts = RequestParts::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_authorization(header);
//! let request = parse_request(&parts)?;
//! assert_eq!(request.consumer_key(), "dpf43f3p2l4k3l03");
//! // Look the secrets up by `request.consumer_key()` and `request.token()`.
//! let consumer_secret = ConsumerSecret::new("kd94hf93k423kf44");
//! let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00");
//! let key = VerifyKey::Secrets { consumer_secret: &consumer_secret, token_secret: Some(&token_secret) };
//!
//! let verifier = Verifier::new().max_skew_seconds(300);
//! let mut nonces = MemoryNonceStore::new(verifier.max_skew(), 100_000);
//! let now = 137131230; // the server's clock
//! verifier.verify(&request, key, now, &mut nonces)?;
//! // The same request again is a replay.
//! assert_eq!(verifier.verify(&request, key, now, &mut nonces).unwrap_err().code(), "replayed_nonce");
//! # Ok::<(), sansauth_oauth1::Error>(())
//! ```
//!
//! A server that checks many requests of one client and token can key the
//! MAC once and keep it with the credentials, as a [`Signer`] does:
//! [`KeyedSecrets`] and [`VerifyKey::Keyed`] skip keying the MAC afresh on
//! every request (for a 65-byte key, four of HMAC-SHA1's blocks).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod encoding;
mod error;
pub mod flow;
mod method;
mod params;
mod secrets;
mod sign;
mod sink;
mod uri;
mod verify;

pub use error::Error;
pub use method::SignatureMethod;
pub use params::{AuthorizationHeader, MAX_PARAMS, normalize_parameters, parse_authorization};
pub use secrets::{ConsumerSecret, TokenCredentials, TokenSecret};
#[cfg(feature = "rsa")]
pub use secrets::{RsaPrivateKey, RsaPublicKey};
#[cfg(feature = "std")]
pub use sign::unix_now;
pub use sign::{
    Nonce, Placement, ProtocolParams, RequestParts, Signature, SignedRequest, Signer, base_string,
};
pub use uri::base_string_uri;
pub use verify::{
    KeyedSecrets, MemoryNonceStore, NonceStore, ParsedRequest, Verifier, VerifyKey, parse_request,
};
