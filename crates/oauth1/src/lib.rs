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

pub use error::Error;
