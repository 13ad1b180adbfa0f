//! End-to-end tests: each seed tutorial's flow run against the sandbox over
//! real loopback HTTP. The tests live in `tests/`.
