//! End-to-end tests: each seed tutorial's flow run against the sandbox over
//! real loopback HTTP through `sansauth-transport`, with each HTTP client
//! adapter. The tests live in `tests/`.
//!
//! The README's Rust examples are compiled and run here as doctests, so they
//! stay true.

#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
