//! RFC 6749 (OAuth 2.0) and its companions — bearer tokens (RFC 6750),
//! revocation (RFC 7009), PKCE (RFC 7636), the device grant (RFC 8628) and
//! introspection (RFC 7662) — as messages, for clients and servers, with no I/O.
//!
//! Every exchange is a request you build and a response you read; the caller
//! sends the request with whatever HTTP client it has.
//!
//! **Architecture invariant:** no I/O, no clock, no global RNG. `now` and the
//! random source are arguments.
