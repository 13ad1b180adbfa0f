//! Provider profiles as data: each provider's endpoints and quirks (where it
//! signs, how it authenticates clients, whether refresh tokens rotate, ...)
//! kept in TOML, turned into configured `sansauth-oauth1` / `sansauth-oauth2`
//! clients; plus the seed APIs' own resource calls as request builders and
//! response parsers.
//!
//! **Architecture invariant:** no I/O. A new provider is a profile file, not a
//! code path. This crate never reads files itself: callers hand it the text.

pub mod api;
pub mod builtin;
mod clients;
mod error;
mod load;
pub mod profile;
pub mod template;

pub use error::{Error, ProfileProblem};
pub use profile::Profile;
