//! RFC 5849 (OAuth 1.0) for clients and servers, with no I/O.
//!
//! This crate turns request parts into signatures and signatures back into
//! verdicts. It never opens a socket, never reads a clock and never draws from
//! a global random source: the timestamp and the nonce are arguments, so every
//! output is reproducible.
//!
//! **Architecture invariant:** no I/O, no clock, no global RNG; `no_std` +
//! `alloc` when the default `std` feature is off, so firmware can sign requests.

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
pub use params::{AuthorizationHeader, normalize_parameters, parse_authorization};
pub use secrets::{ConsumerSecret, TokenCredentials, TokenSecret};
#[cfg(feature = "rsa")]
pub use secrets::{RsaPrivateKey, RsaPublicKey};
#[cfg(feature = "std")]
pub use sign::unix_now;
pub use sign::{
    Nonce, Placement, ProtocolParams, RequestParts, Signature, SignedRequest, Signer, base_string,
};
pub use uri::base_string_uri;
pub use verify::{MemoryNonceStore, NonceStore, ParsedRequest, Verifier, VerifyKey, parse_request};
