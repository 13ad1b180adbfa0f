//! The `sansauth` command line: a signing calculator, a verifier, browser
//! login, signed requests with stored tokens, and the end-to-end demo against
//! the sandbox.
//!
//! **Architecture invariant:** composes the other crates; adds no protocol
//! logic of its own.
//!
//! Exit codes: 0 success; 1 a check failed (a signature did not verify, a
//! demo step failed); 2 usage; 3 network; 4 the provider refused; 5 the
//! stored tokens no longer work (log in again).

pub mod accounts;
pub mod cli;
pub mod commands;
pub mod error;
pub mod redact;

pub use error::{CliError, CliResult, Kind};
