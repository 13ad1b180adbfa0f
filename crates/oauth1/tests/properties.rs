//! Property tests: sign -> verify round trips in every placement and with
//! every method, tampering always detected, encode -> decode identity,
//! normalization independent of order, parsers that never panic.

use proptest::prelude::*;
use sansauth_oauth1::encoding::{percent_decode, percent_encode};
use sansauth_oauth1::flow::{parse_callback, parse_credentials_response};
use sansauth_oauth1::{
    ConsumerSecret, MemoryNonceStore, Placement, ProtocolParams, RequestParts, SignatureMethod,
    SignedRequest, Signer, TokenCredentials, TokenSecret, Verifier, VerifyKey, base_string_uri,
    normalize_parameters, parse_authorization, parse_request,
};
#[cfg(feature = "rsa")]
use sansauth_oauth1::{RsaPrivateKey, RsaPublicKey};

#[cfg(feature = "rsa")]
const PKCS8: &str = include_str!("data/test-rsa-1024.pkcs8.pem");
#[cfg(feature = "rsa")]
const PKCS1: &str = include_str!("data/test-rsa-1024.pkcs1.pem");
#[cfg(feature = "rsa")]
const PUBLIC: &str = include_str!("data/test-rsa-1024.pub.pem");

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

/// Text with the characters that trip encoders up.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("+".to_owned()),
            Just("~".to_owned()),
            Just("*".to_owned()),
            Just("%".to_owned()),
            Just("%20".to_owned()),
            Just(" ".to_owned()),
            Just("&".to_owned()),
            Just("=".to_owned()),
            Just("é".to_owned()),
            Just("🦀".to_owned()),
            "[a-zA-Z0-9._-]{1,4}",
            any::<char>().prop_map(String::from),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        "[a-z]{1,5}",
        tricky_text().prop_filter("names are not empty", |n| !n.is_empty()),
    ]
    .prop_filter("no protocol parameters", |n| !n.starts_with("oauth_"));
    let pair = (name, tricky_text());
    prop::collection::vec(pair, 0..6)
        .prop_flat_map(|pairs| {
            // Repeat some pairs, to have duplicates.
            let n = pairs.len();
            (Just(pairs), prop::collection::vec(0..n.max(1), 0..3))
        })
        .prop_map(|(mut pairs, repeats)| {
            for i in repeats {
                if let Some(p) = pairs.get(i).cloned() {
                    pairs.push(p);
                }
            }
            pairs
        })
}

fn form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Debug, Clone)]
struct Req {
    method: String,
    url: String,
    body: String,
    placement: Placement,
    method_index: usize,
}

fn methods() -> Vec<SignatureMethod> {
    SignatureMethod::ALL.to_vec()
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop_oneof![
            Just("GET"),
            Just("POST"),
            Just("put"),
            Just("DELETE"),
            Just("PATCH")
        ],
        prop_oneof![Just("http"), Just("https"), Just("HTTP")],
        prop_oneof![
            Just("api.example.com"),
            Just("Example.NET"),
            Just("[::1]"),
            Just("127.0.0.1")
        ],
        prop_oneof![Just(""), Just(":80"), Just(":443"), Just(":8080")],
        prop::collection::vec("[a-zA-Z0-9._~-]{0,6}|%20|%E2%82%AC", 0..4),
        params(),
        params(),
        prop_oneof![
            Just(Placement::Header),
            Just(Placement::Query),
            Just(Placement::Body)
        ],
        0..methods().len(),
    )
        .prop_map(
            |(method, scheme, host, port, segments, query, body, placement, method_index)| {
                let path = segments.iter().map(|s| format!("/{s}")).collect::<String>();
                let query = form(&query);
                let url = if query.is_empty() {
                    format!("{scheme}://{host}{port}{path}")
                } else {
                    format!("{scheme}://{host}{port}{path}?{query}")
                };
                Req {
                    method: method.to_owned(),
                    url,
                    body: form(&body),
                    placement,
                    method_index,
                }
            },
        )
}

struct Keys {
    consumer: ConsumerSecret,
    token: TokenCredentials,
    #[cfg(feature = "rsa")]
    rsa: RsaPrivateKey,
    #[cfg(feature = "rsa")]
    public: RsaPublicKey,
}

fn keys() -> Keys {
    Keys {
        consumer: ConsumerSecret::new("consumer secret ✓&"),
        token: TokenCredentials::new("token~1", TokenSecret::new("token+secret")),
        #[cfg(feature = "rsa")]
        rsa: RsaPrivateKey::from_pem(PKCS8).unwrap(),
        #[cfg(feature = "rsa")]
        public: RsaPublicKey::from_pem(PUBLIC).unwrap(),
    }
}

fn signer(keys: &Keys, method: SignatureMethod) -> Signer {
    #[cfg(feature = "rsa")]
    if method.is_rsa() {
        return Signer::with_rsa_key(method, "ck", &keys.rsa, Some(keys.token.token())).unwrap();
    }
    Signer::new(method, "ck", &keys.consumer, Some(&keys.token)).unwrap()
}

fn verify_key(keys: &Keys, method: SignatureMethod) -> VerifyKey<'_> {
    #[cfg(feature = "rsa")]
    if method.is_rsa() {
        return VerifyKey::Rsa(&keys.public);
    }
    let _ = method;
    VerifyKey::Secrets {
        consumer_secret: &keys.consumer,
        token_secret: Some(keys.token.secret()),
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

fn sign(keys: &Keys, req: &Req) -> (SignatureMethod, SignedRequest) {
    let method = methods()[req.method_index];
    let parts = RequestParts::new(&req.method, &req.url).with_body(Some(FORM), req.body.as_bytes());
    let params = ProtocolParams::new(1_700_000_000, "nonce-1").with_version("1.0");
    let signed = signer(keys, method)
        .sign(&parts, &params, req.placement)
        .unwrap();
    (method, signed)
}

fn check(
    keys: &Keys,
    method: SignatureMethod,
    http_method: &str,
    url: &str,
    body: &[u8],
    authorization: Option<&str>,
) -> Result<(), sansauth_oauth1::Error> {
    let mut parts = RequestParts::new(http_method, url).with_body(Some(FORM), body);
    if let Some(a) = authorization {
        parts = parts.with_authorization(a);
    }
    let parsed = parse_request(&parts)?;
    Verifier::new().verify(
        &parsed,
        verify_key(keys, method),
        1_700_000_010,
        MemoryNonceStore::new(300, 16),
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn signed_requests_verify(req in request()) {
        let keys = keys();
        let (method, signed) = sign(&keys, &req);
        prop_assert_eq!(
            check(&keys, method, &req.method, signed.url(), signed.body(), signed.authorization()),
            Ok(())
        );
        // The server's base string is the client's.
        let parts = RequestParts::new(&req.method, &req.url).with_body(Some(FORM), req.body.as_bytes());
        let params = ProtocolParams::new(1_700_000_000, "nonce-1").with_version("1.0");
        let mut incoming = RequestParts::new(&req.method, signed.url()).with_body(Some(FORM), signed.body());
        incoming.authorization = signed.authorization();
        prop_assert_eq!(
            parse_request(&incoming).unwrap().base_string(),
            signer(&keys, method).base_string(&parts, &params).unwrap()
        );
    }

    #[test]
    fn tampering_is_detected(req in request(), which in 0..4usize, pick in any::<prop::sample::Index>()) {
        let keys = keys();
        let (method, signed) = sign(&keys, &req);
        // PLAINTEXT signs nothing of the request (§3.4.4): only its signature can be checked.
        prop_assume!(method != SignatureMethod::Plaintext || which == 3);
        let mut http_method = req.method.clone();
        let mut url = signed.url().to_owned();
        let mut body = signed.body().to_vec();
        let mut auth = signed.authorization().map(str::to_owned);
        let flip = |b: u8| if b == b'q' { b'r' } else { b'q' };
        match which {
            0 => http_method = if http_method.eq_ignore_ascii_case("GET") { "HEAD".into() } else { "GET".into() },
            1 => {
                // A byte of the path or query (not the case-insensitive scheme and host).
                let start = url.find("://").unwrap() + 3;
                let start = url[start..].find('/').map_or(url.len(), |i| start + i);
                if start < url.len() {
                    let i = start + pick.index(url.len() - start);
                    let mut bytes = url.into_bytes();
                    bytes[i] = flip(bytes[i]);
                    url = String::from_utf8_lossy(&bytes).into_owned();
                } else {
                    url.push_str("/x");
                }
            }
            2 => {
                // A signed parameter: one more in the form body.
                if body.is_empty() { body.extend_from_slice(b"q=1") } else { body.extend_from_slice(b"&q=1") }
            }
            _ => {
                // A byte of the signature, wherever it was placed.
                let mut text = match (&auth, req.placement) {
                    (Some(a), _) => a.clone(),
                    (None, Placement::Query) => url.clone(),
                    (None, _) => String::from_utf8(body.clone()).unwrap(),
                };
                let i = text.find("oauth_signature=").unwrap() + "oauth_signature=".len();
                let i = if text.as_bytes()[i] == b'"' { i + 1 } else { i };
                let mut b = text.into_bytes();
                b[i] = flip(b[i]);
                text = String::from_utf8(b).unwrap();
                match (&mut auth, req.placement) {
                    (Some(a), _) => *a = text,
                    (None, Placement::Query) => url = text,
                    (None, _) => body = text.into_bytes(),
                }
            }
        }
        let result = check(&keys, method, &http_method, &url, &body, auth.as_deref());
        prop_assert!(result.is_err(), "{which}: accepted {http_method} {url} {:?}", auth);
    }

    #[test]
    fn percent_encoding_round_trips(text in any::<String>()) {
        let encoded = percent_encode(&text);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded, false).unwrap(), text.clone());
        prop_assert_eq!(percent_decode(&encoded, true).unwrap(), text);
    }

    #[test]
    fn normalization_ignores_input_order(
        pairs in params(),
        shuffle in any::<prop::sample::Index>(),
    ) {
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let mut rotated = refs.clone();
        if !rotated.is_empty() {
            let k = shuffle.index(rotated.len());
            rotated.rotate_left(k);
            rotated.reverse();
        }
        let normalized = normalize_parameters(&refs);
        prop_assert_eq!(&normalized, &normalize_parameters(&rotated));
        // And it is sorted by the encoded pairs, as §3.4.1.3.2 says.
        let mut encoded: Vec<(String, String)> =
            pairs.iter().map(|(n, v)| (percent_encode(n), percent_encode(v))).collect();
        encoded.sort();
        let joined: Vec<String> = encoded.iter().map(|(n, v)| format!("{n}={v}")).collect();
        prop_assert_eq!(normalized, joined.join("&"));
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), text in ".{0,120}") {
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = parse_authorization(&lossy);
        let _ = parse_authorization(&format!("OAuth {text}"));
        let _ = parse_credentials_response(&bytes, true);
        let _ = parse_callback(&lossy, "t");
        let _ = base_string_uri(&lossy);
        let _ = base_string_uri(&format!("http://{text}"));
        let _ = percent_decode(&lossy, true);
        let header = format!("OAuth {text}");
        let parts = RequestParts::new(&text, &lossy)
            .with_body(Some(FORM), &bytes)
            .with_authorization(&header);
        let _ = parse_request(&parts);
        let url = format!("https://a.example/{text}");
        let parts = RequestParts::new("GET", &url).with_body(Some(FORM), &bytes);
        if let Ok(parsed) = parse_request(&parts) {
            let _ = parsed.base_string();
        }
    }
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_keys_load_from_pkcs8_and_pkcs1() {
    let a = RsaPrivateKey::from_pem(PKCS8).unwrap();
    let b = RsaPrivateKey::from_pem(PKCS1).unwrap();
    assert_eq!(a.public_key(), b.public_key());
    assert_eq!(a.public_key(), RsaPublicKey::from_pem(PUBLIC).unwrap());
    let certificate = include_str!("data/test-rsa-1024.cert.pem");
    assert_eq!(a.public_key(), RsaPublicKey::from_pem(certificate).unwrap());
    assert_eq!(
        RsaPublicKey::from_pem(PKCS8).unwrap_err().code(),
        "invalid_key"
    );
    assert_eq!(
        RsaPrivateKey::from_pem("nope").unwrap_err().code(),
        "invalid_key"
    );
    assert_eq!(format!("{a:?}"), "RsaPrivateKey([redacted])");
}
