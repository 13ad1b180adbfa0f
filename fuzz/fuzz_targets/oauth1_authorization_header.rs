//! `sansauth_oauth1::parse_authorization`: an `OAuth` `Authorization` header (RFC 5849 §3.5.1).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{format_all, text};

fuzz_target!(|data: &[u8]| {
    let header = text(data);
    match sansauth_oauth1::parse_authorization(&header) {
        Ok(parsed) => {
            let _ = format!("{parsed:?}");
            for name in [
                "realm",
                "oauth_consumer_key",
                "oauth_signature",
                "oauth_token",
            ] {
                let _ = parsed.get(name);
            }
        }
        Err(e) => {
            format_all(&e);
            let _ = e.code();
        }
    }
});
