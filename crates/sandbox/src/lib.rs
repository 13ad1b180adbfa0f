//! A local OAuth provider: a real HTTP server on loopback that plays each
//! built-in provider profile, built on the server side of the core crates.
//! For tests, the end-to-end demo, and users' own integration tests.
//!
//! **Architecture invariant:** binds loopback addresses only; every check it
//! makes (signatures, nonces, state, PKCE, client authentication) is the
//! core crates' own.
