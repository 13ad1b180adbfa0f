//! `WWW-Authenticate` (RFC 6750 §3, RFC 9110 §11.6.1) through
//! `bearer::parse_challenges` and `BearerChallenge::parse`; a parsed Bearer
//! challenge is written back as a header value and read again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{format_all, text};
use sansauth_oauth2::bearer::{BearerChallenge, parse_authorization, parse_challenges};

fuzz_target!(|data: &[u8]| {
    let header = text(data);
    match parse_challenges(&header) {
        Ok(challenges) => {
            for c in &challenges {
                let _ = format!("{c:?}");
                let _ = c.param("error");
            }
        }
        Err(e) => format_all(&e),
    }
    match BearerChallenge::parse(&header) {
        Ok(Some(challenge)) => {
            let _ = challenge.is_invalid_token();
            if let Ok(value) = challenge.to_header_value()
                && let Ok(value) = value.to_str()
            {
                // What we write we must read back.
                let again = BearerChallenge::parse(value);
                assert!(
                    matches!(again, Ok(Some(_))),
                    "a written challenge does not parse: {value:?} -> {again:?}"
                );
            }
        }
        Ok(None) => {}
        Err(e) => format_all(&e),
    }
    // The same text as an `Authorization: Bearer` value (RFC 6750 §2.1).
    match parse_authorization(&header) {
        Ok(token) => {
            let _ = format!("{token:?}");
        }
        Err(e) => format_all(&e),
    }
});
