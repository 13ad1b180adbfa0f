//! OAuth 1 signing and verification agree (RFC 5849 §3.4, §3.2): whatever
//! request `Signer::sign` accepts, `parse_request` + `Verifier::verify` with
//! the same secrets accepts what it produced, once; a replay is refused.
//! Input lines: placement (`header`, `query` or `body`), method, URL,
//! content type, then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{fields, optional, text};
use sansauth_oauth1::{
    ConsumerSecret, Error, MemoryNonceStore, Placement, ProtocolParams, RequestParts,
    SignatureMethod, Signer, TokenCredentials, TokenSecret, Verifier, VerifyKey, parse_request,
};

const NOW: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let [placement, method, url, content_type, body] = fields::<5>(data);
    // Protocol parameters already in the request are the caller's mistake
    // (§3.1 forbids them twice); the signer does not promise to catch them.
    if data.windows(6).any(|w| w.eq_ignore_ascii_case(b"oauth_")) {
        return;
    }
    let placement = match placement {
        b"query" => Placement::Query,
        b"body" => Placement::Body,
        _ => Placement::Header,
    };
    let (method, url) = (text(method), text(url));
    let content_type = optional(content_type);
    let consumer = ConsumerSecret::new("kd94hf93k423kf44");
    let token = TokenCredentials::new("nnch734d00sl2jdk", TokenSecret::new("pfkkdhi9sl3r4s00"));
    for signature_method in [SignatureMethod::HmacSha1, SignatureMethod::Plaintext] {
        let signer = Signer::new(
            signature_method,
            "dpf43f3p2l4k3l03",
            &consumer,
            Some(&token),
        )
        .expect("an HMAC or PLAINTEXT signer");
        let parts = RequestParts::new(&method, &url).with_body(content_type.as_deref(), body);
        let Ok(signed) = signer.sign(&parts, &ProtocolParams::new(NOW, "nonce-1"), placement)
        else {
            continue;
        };
        let mut received = RequestParts::new(signed.method(), signed.url())
            .with_body(signed.content_type(), signed.body());
        if let Some(authorization) = signed.authorization() {
            received = received.with_authorization(authorization);
        }
        let parsed = parse_request(&received)
            .unwrap_or_else(|e| panic!("a signed request does not parse: {e} ({signed:?})"));
        let key = VerifyKey::Secrets {
            consumer_secret: &consumer,
            token_secret: Some(token.secret()),
        };
        let mut nonces = MemoryNonceStore::new(300, 16);
        let verdict = Verifier::new().verify(&parsed, key, NOW, &mut nonces);
        assert_eq!(
            verdict,
            Ok(()),
            "a signed request does not verify ({signed:?})"
        );
        let again = Verifier::new().verify(&parsed, key, NOW, &mut nonces);
        assert_eq!(again, Err(Error::ReplayedNonce));
    }
});
