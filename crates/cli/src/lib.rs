//! The `sansauth` command line: a signing calculator, a verifier, browser
//! login, signed requests with stored tokens, and the end-to-end demo against
//! the sandbox.
//!
//! **Architecture invariant:** composes the other crates; adds no protocol
//! logic of its own.
