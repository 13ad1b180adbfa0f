//! End-to-end tests: each seed tutorial's flow run against the sandbox over
//! real loopback HTTP through `sansauth-transport`, with each HTTP client
//! adapter. The tests live in `tests/`; this library is empty on purpose.
