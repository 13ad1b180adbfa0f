//! The OAuth 1 server side (RFC 5849 §3.2): `parse_request` then
//! `Verifier::verify` with shared secrets, on a fuzzed request. A request
//! accepted once with a timestamp and a nonce must be refused when replayed
//! with the same nonce store.
//! Input lines: `now`, `method`, `url`, `content type`, `Authorization`,
//! `consumer secret`, `token secret`, then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{fields, format_all, optional, text};
use sansauth_oauth1::{
    ConsumerSecret, Error, MemoryNonceStore, RequestParts, TokenSecret, Verifier, VerifyKey,
    parse_request,
};

fuzz_target!(|data: &[u8]| {
    let [
        now,
        method,
        url,
        content_type,
        authorization,
        consumer_secret,
        token_secret,
        body,
    ] = fields::<8>(data);
    let (method, url) = (text(method), text(url));
    let (content_type, authorization) = (optional(content_type), optional(authorization));
    let mut parts = RequestParts::new(&method, &url).with_body(content_type.as_deref(), body);
    if let Some(authorization) = authorization.as_deref() {
        parts = parts.with_authorization(authorization);
    }
    let request = match parse_request(&parts) {
        Ok(request) => request,
        Err(e) => {
            format_all(&e);
            return;
        }
    };
    let _ = format!("{request:?}");
    let _ = request.base_string();
    let now = text(now)
        .trim()
        .parse::<u64>()
        .ok()
        .or(request.timestamp())
        .unwrap_or(0);
    let consumer_secret = ConsumerSecret::new(text(consumer_secret).into_owned());
    let token_secret = TokenSecret::new(text(token_secret).into_owned());
    let key = VerifyKey::Secrets {
        consumer_secret: &consumer_secret,
        token_secret: request.token().map(|_| &token_secret),
    };
    let verifier = Verifier::new();
    let mut nonces = MemoryNonceStore::new(verifier.max_skew(), 64);
    let first = verifier.verify(&request, key, now, &mut nonces);
    if let Err(e) = &first {
        format_all(e);
    }
    // A nonce is remembered with its timestamp (RFC 5849 §3.3); a PLAINTEXT
    // request may carry neither, and is then not protected from replay.
    if first.is_ok() && request.timestamp().is_some() && request.nonce().is_some() {
        let again = verifier.verify(&request, key, now, &mut nonces);
        assert!(
            matches!(again, Err(Error::ReplayedNonce)),
            "a replayed request was not refused: {again:?}"
        );
    }
});
