//! The I/O edge of sansauth, and the only library crate that does I/O: HTTP
//! client traits with adapters, a loopback redirect receiver (RFC 8252 §7.3),
//! and sessions that sign, refresh and store tokens safely.
//!
//! **Architecture invariant:** built only on the public API of
//! `sansauth-oauth1` and `sansauth-oauth2`; it adds I/O, never protocol logic.
