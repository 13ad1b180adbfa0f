//! Property tests of the verifier's security checks (RFC 5849 §3.2, §3.3):
//! a replayed nonce is always refused, a timestamp outside the window is
//! always refused, and changing any protocol parameter of a signed header
//! (its name or value, keeping the grammar) is always refused.

use proptest::prelude::*;
use sansauth_oauth1::{
    ConsumerSecret, Error, MemoryNonceStore, Placement, ProtocolParams, RequestParts,
    SignatureMethod, Signer, TokenCredentials, TokenSecret, Verifier, VerifyKey, parse_request,
};

const FORM: &str = "application/x-www-form-urlencoded";
const NOW: u64 = 1_700_000_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    }
}

fn method() -> impl Strategy<Value = SignatureMethod> {
    prop::sample::select(vec![
        SignatureMethod::HmacSha1,
        SignatureMethod::HmacSha256,
        SignatureMethod::HmacSha512,
        SignatureMethod::Plaintext,
    ])
}

fn placement() -> impl Strategy<Value = Placement> {
    prop::sample::select(vec![Placement::Header, Placement::Query, Placement::Body])
}

struct Keys {
    consumer: ConsumerSecret,
    token: TokenCredentials,
}

fn keys() -> Keys {
    Keys {
        consumer: ConsumerSecret::new("kd94hf93k423kf44"),
        token: TokenCredentials::new("nnch734d00sl2jdk", TokenSecret::new("pfkkdhi9sl3r4s00")),
    }
}

/// A signed request, as owned parts.
struct Sent {
    method: String,
    url: String,
    body: Vec<u8>,
    authorization: Option<String>,
}

fn send(
    keys: &Keys,
    method: SignatureMethod,
    placement: Placement,
    timestamp: u64,
    nonce: &str,
) -> Sent {
    let signer = Signer::new(
        method,
        "dpf43f3p2l4k3l03",
        &keys.consumer,
        Some(&keys.token),
    )
    .unwrap();
    let parts = RequestParts::new("POST", "https://photos.example.net/photos?size=original")
        .with_body(Some(FORM), b"file=vacation.jpg");
    let signed = signer
        .sign(&parts, &ProtocolParams::new(timestamp, nonce), placement)
        .unwrap();
    Sent {
        method: signed.method().to_owned(),
        url: signed.url().to_owned(),
        body: signed.body().to_vec(),
        authorization: signed.authorization().map(str::to_owned),
    }
}

fn verify(
    keys: &Keys,
    sent: &Sent,
    verifier: &Verifier,
    now: u64,
    nonces: &mut MemoryNonceStore,
) -> Result<(), Error> {
    let mut parts = RequestParts::new(&sent.method, &sent.url).with_body(Some(FORM), &sent.body);
    if let Some(a) = &sent.authorization {
        parts = parts.with_authorization(a);
    }
    let parsed = parse_request(&parts)?;
    verifier.verify(
        &parsed,
        VerifyKey::Secrets {
            consumer_secret: &keys.consumer,
            token_secret: Some(keys.token.secret()),
        },
        now,
        nonces,
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_replayed_nonce_is_always_refused(
        method in method(),
        placement in placement(),
        nonce in "[A-Za-z0-9._~-]{1,40}",
        skew in 0u64..=300,
        later in 0u64..=300,
        resent_placement in placement(),
    ) {
        let keys = keys();
        let verifier = Verifier::new();
        let mut nonces = MemoryNonceStore::new(verifier.max_skew(), 1024);
        let timestamp = NOW - skew;
        let first = send(&keys, method, placement, timestamp, &nonce);
        prop_assert_eq!(verify(&keys, &first, &verifier, NOW, &mut nonces), Ok(()));
        // The same request again, at once or later within the window.
        let again = verify(&keys, &first, &verifier, NOW + later.min(300 - skew), &mut nonces);
        prop_assert_eq!(again, Err(Error::ReplayedNonce));
        // Signed anew with the same nonce and timestamp, in any placement.
        let resent = send(&keys, method, resent_placement, timestamp, &nonce);
        prop_assert_eq!(
            verify(&keys, &resent, &verifier, NOW, &mut nonces),
            Err(Error::ReplayedNonce)
        );
    }

    #[test]
    fn a_timestamp_outside_the_window_is_always_refused(
        method in method(),
        placement in placement(),
        window in 0u64..=3600,
        beyond in 1u64..=1_000_000,
        future in any::<bool>(),
    ) {
        let keys = keys();
        let verifier = Verifier::new().max_skew_seconds(window);
        let mut nonces = MemoryNonceStore::new(window, 16);
        let timestamp = if future { NOW + window + beyond } else { NOW - window - beyond };
        let sent = send(&keys, method, placement, timestamp, "n");
        prop_assert_eq!(
            verify(&keys, &sent, &verifier, NOW, &mut nonces),
            Err(Error::StaleTimestamp)
        );
        // Nothing was remembered: a refused request uses up no nonce.
        prop_assert!(nonces.is_empty());
        // At the edge of the window it is accepted.
        let edge = if future { NOW + window } else { NOW - window };
        let sent = send(&keys, method, placement, edge, "n");
        prop_assert_eq!(verify(&keys, &sent, &verifier, NOW, &mut nonces), Ok(()));
    }

    #[test]
    fn a_changed_header_parameter_is_always_refused(
        method in prop::sample::select(vec![
            SignatureMethod::HmacSha1,
            SignatureMethod::HmacSha256,
            SignatureMethod::HmacSha512,
        ]),
        which in 0usize..5,
        replacement in "[A-Za-z0-9]{1,12}",
    ) {
        let keys = keys();
        let verifier = Verifier::new();
        let mut sent = send(&keys, method, Placement::Header, NOW, "nonce-0");
        let header = sent.authorization.clone().unwrap();
        let name = ["oauth_consumer_key", "oauth_token", "oauth_nonce", "oauth_timestamp", "oauth_signature"][which];
        let start = header.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + header[start..].find('"').unwrap();
        let old = &header[start..end];
        // A timestamp must stay digits and within the window to reach the signature check.
        let new = if name == "oauth_timestamp" {
            (NOW - 1 - replacement.len() as u64).to_string()
        } else {
            replacement.clone()
        };
        prop_assume!(new != old);
        sent.authorization = Some(format!("{}{}{}", &header[..start], new, &header[end..]));
        let mut nonces = MemoryNonceStore::new(300, 16);
        prop_assert_eq!(
            verify(&keys, &sent, &verifier, NOW, &mut nonces),
            Err(Error::BadSignature)
        );
        prop_assert!(nonces.is_empty());
    }
}
