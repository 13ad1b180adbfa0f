//! The workloads that the benchmarks, the allocation-count test and the
//! instruction-count harness share, and the floor they are measured against.
//!
//! OAuth 1 workloads (RFC 5849), each signed into an `Authorization` header
//! value with a fixed nonce and timestamp:
//!
//! - **W1**, the seed request: MapMyFitness API 3.1 `workouts/create_workout`,
//!   a `POST` with four form parameters plus the protocol ones; its signature
//!   base string is 447 bytes.
//! - **W2**: a `GET` with 20 query parameters of 16-byte values, in no order.
//! - **W3**: a `POST` with 200 parameters in no order, half in the query and
//!   half in the form body.
//!
//! The **floor** is what no implementation can avoid: the HMAC of the
//! already-built base string, keyed afresh, and the base64 of the digest.
//!
//! The peers (`oauth1-request`, `oauth2`) are dev-dependencies of this crate,
//! so their adapters live beside the benchmarks, not here.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sansauth_oauth1::{
    ConsumerSecret, Error, KeyedSecrets, NonceStore, ProtocolParams, RequestParts, SignatureMethod,
    Signer, TokenCredentials, TokenSecret, Verifier, VerifyKey, parse_request,
};
use sha1::Sha1;
use sha2::Sha256;

/// `application/x-www-form-urlencoded`.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// The client's and the token's credentials every workload is signed with.
pub const CONSUMER_KEY: &str = "a4e1b9d3c7f25e80b6d2c4f1";
/// The client's shared secret.
pub const CONSUMER_SECRET: &str = "3f9c2b7a1d8e4f60b5a9c3d7e1f2a8b4";
/// The token (`oauth_token`).
pub const TOKEN: &str = "8f2c6a1e0b7d4953a1c8e6f2b0d9c7a4";
/// The token's secret.
pub const TOKEN_SECRET: &str = "c9e7a5b3d1f8e6c4a2b0d9f7e5c3a1b8";
/// The fixed `oauth_nonce`.
pub const NONCE: &str = "d5c1f0e83a9b47f6a2e1c0b9d8f7e6a5";
/// The fixed `oauth_timestamp`.
pub const TIMESTAMP: u64 = 1_763_596_800;

/// One request to sign, as it would be sent.
#[derive(Debug, Clone)]
pub struct Workload {
    /// `W1`, `W2` or `W3`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The full URL, with its query.
    pub url: String,
    /// The URL without its query (the base string URI).
    pub base_uri: &'static str,
    /// `Content-Type` (form-encoded, or none).
    pub content_type: Option<&'static str>,
    /// The body (a form, or empty).
    pub body: String,
    /// Every query and body parameter, decoded, in the order the request has them.
    pub pairs: Vec<(String, String)>,
}

impl Workload {
    /// The request's parts as the signer reads them.
    pub fn parts(&self) -> RequestParts<'_> {
        RequestParts::new(self.method, &self.url).with_body(self.content_type, self.body.as_bytes())
    }

    /// The protocol parameters: fixed nonce and timestamp, `oauth_version=1.0`.
    pub fn protocol(&self) -> ProtocolParams<'static> {
        ProtocolParams::new(TIMESTAMP, NONCE).with_version("1.0")
    }

    /// The signature base string (to feed the floor).
    pub fn base_string(&self, signer: &Signer) -> String {
        signer
            .base_string(&self.parts(), &self.protocol())
            .unwrap_or_default()
    }
}

/// A form or query string of unreserved pairs.
fn join(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(n);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// W1: the seed request, `POST workouts/create_workout` with four form parameters.
pub fn w1() -> Workload {
    let pairs = vec![
        ("user_id".to_owned(), "26345682".to_owned()),
        (
            "workout_description".to_owned(),
            "Morning run along the river".to_owned(),
        ),
        ("activity_type_id".to_owned(), "16".to_owned()),
        ("workout_date".to_owned(), "2026-11-21".to_owned()),
    ];
    Workload {
        name: "W1",
        method: "POST",
        url: "http://api.mapmyfitness.com/3.1/workouts/create_workout".to_owned(),
        base_uri: "http://api.mapmyfitness.com/3.1/workouts/create_workout",
        content_type: Some(FORM),
        // As clients send it: `%20` for the spaces.
        body: "user_id=26345682&workout_description=Morning%20run%20along%20the%20river\
               &activity_type_id=16&workout_date=2026-11-21"
            .to_owned(),
        pairs,
    }
}

/// `n` parameters named `{prefix}NNN`, with 16-byte alphanumeric values,
/// in a fixed scrambled order (never sorted).
fn scrambled(n: usize, width: usize) -> Vec<(String, String)> {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut state: u32 = 0x9E37_79B9;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let mut pairs: Vec<(String, String)> = (0..n)
        .map(|i| {
            let value: String = (0..16)
                .map(|_| char::from(ALNUM[(next() % 62) as usize]))
                .collect();
            (format!("field{i:0width$}"), value)
        })
        .collect();
    // Fisher-Yates with the same generator: a fixed, unsorted order.
    for i in (1..pairs.len()).rev() {
        let j = (next() as usize) % (i + 1);
        pairs.swap(i, j);
    }
    pairs
}

/// W2: `GET` with 20 query parameters of 16-byte values, unsorted.
pub fn w2() -> Workload {
    search("W2", scrambled(20, 2))
}

/// A `GET` of the search endpoint with `pairs` as its query, in their order.
fn search(name: &'static str, pairs: Vec<(String, String)>) -> Workload {
    Workload {
        name,
        method: "GET",
        url: format!("https://api.example.com/1.1/search/items?{}", join(&pairs)),
        base_uri: "https://api.example.com/1.1/search/items",
        content_type: None,
        body: String::new(),
        pairs,
    }
}

/// W3: `POST` with 200 parameters, unsorted, 100 in the query and 100 in the form body.
pub fn w3() -> Workload {
    let pairs = scrambled(200, 3);
    let (query, body) = pairs.split_at(100);
    Workload {
        name: "W3",
        method: "POST",
        url: format!("https://api.example.com/1.1/batch/update?{}", join(query)),
        base_uri: "https://api.example.com/1.1/batch/update",
        content_type: Some(FORM),
        body: join(body),
        pairs,
    }
}

/// A `GET` with `n` query parameters like W2's, in `orders` different
/// orders (the same pairs each time): a client that signs many requests
/// does not send their parameters in one fixed order, so a sort that a
/// branch predictor can learn on one order is measured on many.
pub fn reorderings(n: usize, orders: usize) -> Vec<Workload> {
    let mut pairs = scrambled(n, 2);
    let mut state: u32 = 0x2545_F491;
    (0..orders)
        .map(|_| {
            for i in (1..pairs.len()).rev() {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                pairs.swap(i, (state as usize) % (i + 1));
            }
            search("reordered", pairs.clone())
        })
        .collect()
}

/// The three OAuth 1 workloads.
pub fn workloads() -> [Workload; 3] {
    [w1(), w2(), w3()]
}

/// Our signer for the shared credentials.
pub fn signer(method: SignatureMethod) -> Signer {
    let token = TokenCredentials::new(TOKEN, TokenSecret::new(TOKEN_SECRET));
    Signer::new(
        method,
        CONSUMER_KEY,
        &ConsumerSecret::new(CONSUMER_SECRET),
        Some(&token),
    )
    .unwrap_or_else(|e| panic!("the benchmark's credentials are valid: {e}"))
}

/// Ours: the `Authorization` header value for `w`.
pub fn sign_header(signer: &Signer, w: &Workload) -> Result<String, Error> {
    signer.authorization(&w.parts(), &w.protocol())
}

/// A nonce store that remembers nothing: verification is measured, not the store.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoStore;

impl NonceStore for NoStore {
    fn check_and_insert(&mut self, _: &str, _: u64, _: &str, _: u64) -> Result<(), Error> {
        Ok(())
    }
}

/// The server's side of `w` carrying `header`: parse, then verify with the
/// shared secrets (keyed afresh, as a server that looks secrets up per request does).
pub fn verify(w: &Workload, header: &str) -> Result<(), Error> {
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);
    let token_secret = TokenSecret::new(TOKEN_SECRET);
    let key = VerifyKey::Secrets {
        consumer_secret: &consumer_secret,
        token_secret: Some(&token_secret),
    };
    verify_with(w, header, key)
}

/// Parses `w` carrying `header` as the server receives it and verifies it with `key`.
fn verify_with(w: &Workload, header: &str, key: VerifyKey<'_>) -> Result<(), Error> {
    let parts = w.parts().with_authorization(header);
    let parsed = parse_request(&parts)?;
    Verifier::new().verify(&parsed, key, TIMESTAMP, NoStore)
}

/// The shared secrets keyed once for `method`, as a server that keeps a key
/// per client and token has them (the verifying side of [`signer`]).
pub fn kept_key(method: SignatureMethod) -> KeyedSecrets {
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);
    let token_secret = TokenSecret::new(TOKEN_SECRET);
    KeyedSecrets::new(method, &consumer_secret, Some(&token_secret))
        .unwrap_or_else(|e| panic!("the benchmark's secrets key an HMAC: {e}"))
}

/// The server's side of `w` carrying `header`, with a key kept from earlier
/// requests: parse, then verify.
pub fn verify_kept(w: &Workload, header: &str, key: &KeyedSecrets) -> Result<(), Error> {
    verify_with(w, header, VerifyKey::Keyed(key))
}

/// The HMAC key of the shared secrets (RFC 5849 §3.4.2): both are unreserved,
/// so their encodings are themselves.
pub fn floor_key() -> String {
    format!("{CONSUMER_SECRET}&{TOKEN_SECRET}")
}

/// The floor for HMAC-SHA1: key the MAC, hash the prebuilt base string, base64.
pub fn floor_sha1(key: &[u8], base: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(base);
    BASE64.encode(mac.finalize().into_bytes())
}

/// The floor for HMAC-SHA256.
pub fn floor_sha256(key: &[u8], base: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(base);
    BASE64.encode(mac.finalize().into_bytes())
}

/// OAuth 2 workloads: a typical token response, the client and its inputs.
pub mod oauth2 {
    /// A typical token endpoint answer (RFC 6749 §5.1), as a provider sends it.
    pub const TOKEN_RESPONSE: &[u8] = br#"{"access_token":"2YotnFZFEjr1zCsicMWpAA8fe9f4a0c2b1d3e5f7a9b8c6d4e2f0a1b3c5d7e9f","token_type":"Bearer","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA7c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7","scope":"read write profile"}"#;
    /// The client id.
    pub const CLIENT_ID: &str = "s6BhdRkqt3";
    /// The client secret.
    pub const CLIENT_SECRET: &str = "7Fjfp0ZBr1KtDRbnfVdmIw";
    /// The authorization endpoint.
    pub const AUTHORIZE: &str = "https://server.example.com/authorize";
    /// The token endpoint.
    pub const TOKEN: &str = "https://server.example.com/token";
    /// The redirect URI.
    pub const REDIRECT: &str = "https://client.example.com/cb";
    /// The state sent with the authorization request.
    pub const STATE: &str = "af0ifjsldkj4a9d2c8e7b6f5";
    /// The code from the callback.
    pub const CODE: &str = "SplxlOBeZQQYbYS6WxSbIA";
    /// The PKCE verifier (RFC 7636 Appendix B's).
    pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    /// The scopes asked for.
    pub const SCOPES: [&str; 3] = ["read", "write", "profile"];

    use sansauth_oauth2::client::{Client, ClientAuth};
    use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
    use sansauth_oauth2::token::TokenResponse;
    use sansauth_oauth2::types::{AuthorizationCode, ClientSecret, RedirectUri, Scope, State};
    use sansauth_oauth2::url::Url;
    use sansauth_oauth2::{Error, http};

    /// Our client for the OAuth 2 workloads (Basic client authentication).
    pub fn client() -> Client {
        let url = |u: &str| Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}"));
        Client::new(CLIENT_ID)
            .with_secret(ClientSecret::new(CLIENT_SECRET))
            .with_auth(ClientAuth::Basic)
            .with_authorization_endpoint(url(AUTHORIZE))
            .with_token_endpoint(url(TOKEN))
    }

    /// Ours: parse the typical token response.
    pub fn parse_token_response() -> Result<TokenResponse, Error> {
        TokenResponse::parse(200, Some("application/json"), TOKEN_RESPONSE, 1 << 20, " ")
    }

    /// Ours: the authorization URL with PKCE S256, state and scopes.
    pub fn authorization_url(client: &Client) -> Result<Url, Error> {
        let (request, _pending) = client.authorization_request_with(
            State::new(STATE),
            Some((PkceVerifier::new(VERIFIER)?, PkceMethod::S256)),
            Some(RedirectUri::new(REDIRECT)),
            SCOPES.iter().map(|s| Scope::new(*s)).collect(),
        )?;
        request.to_url()
    }

    /// Ours: the authorization-code token request with the PKCE verifier.
    pub fn token_request(client: &Client) -> Result<http::Request<Vec<u8>>, Error> {
        client
            .exchange_code(
                AuthorizationCode::new(CODE),
                Some(RedirectUri::new(REDIRECT)),
                Some(PkceVerifier::new(VERIFIER)?),
            )
            .to_request()
    }
}
