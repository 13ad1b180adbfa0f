//! RFC 6749 (OAuth 2.0) and its companions — bearer tokens (RFC 6750),
//! revocation (RFC 7009), PKCE (RFC 7636), the device grant (RFC 8628) and
//! introspection (RFC 7662) — as messages, for clients and servers, with no I/O.
//!
//! Every exchange is a request you build and a response you read; the caller
//! sends the request with whatever HTTP client it has.
//!
//! **Architecture invariant:** no I/O, no clock, no global RNG. `now` and the
//! random source are arguments.

pub mod authorize;
pub mod bearer;
pub mod client;
pub mod device;
pub mod error;
pub mod introspection;
pub mod pkce;
pub mod revocation;
pub mod server;
pub mod token;
pub mod tokens;
pub mod types;
mod wire;

pub use http;
pub use url;

pub use error::Error;

use base64::Engine as _;

/// `application/x-www-form-urlencoded`, the content type of every request body here.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// One exchange: a request to build, and the response to read.
///
/// Lets a transport drive any of this crate's exchanges the same way.
pub trait Exchange {
    /// What a successful response yields.
    type Output;

    /// The HTTP request to send.
    fn to_request(&self) -> Result<http::Request<Vec<u8>>, Error>;

    /// Reads the response to that request.
    fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<Self::Output, Error>;
}

pub(crate) fn encode_b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
pub(crate) mod tests_rng {
    /// A deterministic RNG for tests (not random: it counts).
    #[derive(Debug)]
    pub(crate) struct Counter(pub(crate) u8);

    impl rand_core::RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl rand_core::CryptoRng for Counter {}
}
