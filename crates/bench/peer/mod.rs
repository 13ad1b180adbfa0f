//! The peers, driven the way their documentation shows: `oauth1-request` 0.6
//! for OAuth 1 and `oauth2` 5 for OAuth 2. Shared by the benchmarks, the
//! tests and the instruction-count harness (all of which may use
//! dev-dependencies), through `#[path]`.

#![allow(dead_code, unreachable_pub)]

use std::fmt::{self, Display, Write as _};
use std::num::NonZeroU64;

use hmac::{Hmac, Mac};
use o1::signature_method::{Sign, SignatureMethod};
use oauth1_request as o1;
use sansauth_bench::{
    CONSUMER_KEY, CONSUMER_SECRET, NONCE, TIMESTAMP, TOKEN, TOKEN_SECRET, Workload,
};
use sha2::Sha256;

/// The parameters of `w` as `oauth1-request` takes them: borrowed, decoded pairs.
pub fn borrowed_pairs(w: &Workload) -> Vec<(&str, &str)> {
    w.pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// A builder with the shared credentials, fixed nonce and timestamp and
/// `oauth_version=1.0`, as the workloads sign.
pub fn builder<SM: SignatureMethod>(
    method: SM,
) -> o1::Builder<'static, SM, &'static str, &'static str> {
    let mut b = o1::Builder::new(o1::Credentials::new(CONSUMER_KEY, CONSUMER_SECRET), method);
    b.token(o1::Credentials::new(TOKEN, TOKEN_SECRET))
        .nonce(NONCE)
        .timestamp(NonZeroU64::new(TIMESTAMP))
        .version(true);
    b
}

/// `oauth1-request` signing the request whose parameters arrive unsorted:
/// it sorts them (in `scratch`, so no allocation is counted for the copy), then signs.
pub fn header_unsorted<'p, SM: SignatureMethod + Clone>(
    builder: &o1::Builder<'_, SM, &str, &str>,
    w: &Workload,
    pairs: &[(&'p str, &'p str)],
    scratch: &mut Vec<(&'p str, &'p str)>,
) -> String {
    scratch.clear();
    scratch.extend_from_slice(pairs);
    let list = o1::ParameterList::new(&mut scratch[..]);
    builder.authorize(w.method, w.base_uri, &list)
}

/// `oauth1-request` handed an already-sorted list (sorted before the clock starts).
pub fn header_sorted<SM: SignatureMethod + Clone>(
    builder: &o1::Builder<'_, SM, &str, &str>,
    w: &Workload,
    sorted: &o1::ParameterList<&str, &str, Vec<(&str, &str)>>,
) -> String {
    builder.authorize(w.method, w.base_uri, sorted)
}

/// `oauth1-request` 0.6 has HMAC-SHA1 only; this is HMAC-SHA256 on its public
/// `SignatureMethod` trait, written the way its own `HmacSha1` is (key
/// assembled on the stack, each piece of the base string fed to the MAC as
/// the serializer hands it over).
#[derive(Debug, Clone, Copy, Default)]
pub struct HmacSha256;

/// The signing state of [`HmacSha256`].
#[derive(Debug, Clone)]
pub struct HmacSha256Sign(Hmac<Sha256>);

/// The signature, shown base64 and percent-encoded.
#[derive(Debug)]
pub struct HmacSha256Signature([u8; 32]);

struct KeyBuf {
    buf: [u8; 192],
    len: usize,
    overflow: Vec<u8>,
}

impl fmt::Write for KeyBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if self.overflow.is_empty() && end <= self.buf.len() {
            self.buf[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
        } else {
            if self.overflow.is_empty() {
                self.overflow.extend_from_slice(&self.buf[..self.len]);
            }
            self.overflow.extend_from_slice(s.as_bytes());
        }
        Ok(())
    }
}

fn encode_into(out: &mut KeyBuf, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            let _ = out.write_char(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

impl SignatureMethod for HmacSha256 {
    type Sign = HmacSha256Sign;

    fn sign_with(self, client_secret: &str, token_secret: Option<&str>) -> HmacSha256Sign {
        let mut key = KeyBuf {
            buf: [0; 192],
            len: 0,
            overflow: Vec::new(),
        };
        encode_into(&mut key, client_secret);
        let _ = key.write_char('&');
        encode_into(&mut key, token_secret.unwrap_or(""));
        let bytes = if key.overflow.is_empty() {
            &key.buf[..key.len]
        } else {
            &key.overflow[..]
        };
        HmacSha256Sign(Hmac::new_from_slice(bytes).expect("HMAC takes any key length"))
    }
}

struct UpdateWrite<'a>(&'a mut Hmac<Sha256>);

impl fmt::Write for UpdateWrite<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl Sign for HmacSha256Sign {
    type Signature = HmacSha256Signature;

    fn get_signature_method_name(&self) -> &'static str {
        "HMAC-SHA256"
    }

    fn request_method(&mut self, method: &str) {
        self.0.update(method.as_bytes());
        self.0.update(b"&");
    }

    fn uri<T: Display>(&mut self, uri: T) {
        let _ = write!(UpdateWrite(&mut self.0), "{uri}&");
    }

    fn parameter<V: Display>(&mut self, key: &str, value: V) {
        self.0.update(key.as_bytes());
        self.0.update(b"%3D");
        let _ = write!(UpdateWrite(&mut self.0), "{value}");
    }

    fn delimiter(&mut self) {
        self.0.update(b"%26");
    }

    fn end(self) -> HmacSha256Signature {
        HmacSha256Signature(self.0.finalize().into_bytes().into())
    }
}

impl Display for HmacSha256Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use base64::Engine as _;
        let mut b64 = [0u8; 44];
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(self.0, &mut b64)
            .map_err(|_| fmt::Error)?;
        for &b in &b64[..n] {
            match b {
                b'+' => f.write_str("%2B")?,
                b'/' => f.write_str("%2F")?,
                b'=' => f.write_str("%3D")?,
                _ => f.write_char(char::from(b))?,
            }
        }
        Ok(())
    }
}

/// The `oauth2` crate's side of the OAuth 2 rows.
pub mod oauth2_crate {
    use oauth2::basic::{BasicClient, BasicTokenResponse};
    use oauth2::{
        AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
        HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
        TokenUrl,
    };
    use sansauth_bench::oauth2::{
        AUTHORIZE, CLIENT_ID, CLIENT_SECRET, CODE, REDIRECT, SCOPES, STATE, TOKEN, TOKEN_RESPONSE,
        VERIFIER,
    };

    /// The configured client type.
    pub type Client =
        BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

    /// The client of the OAuth 2 workloads.
    pub fn client() -> Client {
        BasicClient::new(ClientId::new(CLIENT_ID.to_owned()))
            .set_client_secret(ClientSecret::new(CLIENT_SECRET.to_owned()))
            .set_auth_uri(AuthUrl::new(AUTHORIZE.to_owned()).expect("a valid URL"))
            .set_token_uri(TokenUrl::new(TOKEN.to_owned()).expect("a valid URL"))
            .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).expect("a valid URL"))
    }

    /// Parses the typical token response.
    pub fn parse_token_response() -> Option<BasicTokenResponse> {
        serde_json::from_slice(TOKEN_RESPONSE).ok()
    }

    /// The authorization URL with PKCE S256, state and scopes.
    pub fn authorization_url(client: &Client) -> String {
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            VERIFIER.to_owned(),
        ));
        let (url, _state) = client
            .authorize_url(|| CsrfToken::new(STATE.to_owned()))
            .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        url.into()
    }

    #[derive(Debug)]
    struct Captured;

    impl std::fmt::Display for Captured {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("captured")
        }
    }

    impl std::error::Error for Captured {}

    /// The authorization-code token request, as the crate builds it. It builds
    /// requests only on the way to sending them, so the "HTTP client" here
    /// takes the request and stops (an error, which the crate wraps).
    pub fn token_request(client: &Client) -> Option<HttpRequest> {
        let cell = std::cell::Cell::new(None);
        let http = |request: HttpRequest| -> Result<HttpResponse, Captured> {
            cell.set(Some(request));
            Err(Captured)
        };
        let _ = client
            .exchange_code(AuthorizationCode::new(CODE.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(VERIFIER.to_owned()))
            .request(&http);
        cell.take()
    }
}
