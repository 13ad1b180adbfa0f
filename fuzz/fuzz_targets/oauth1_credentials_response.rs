//! `sansauth_oauth1::flow::parse_credentials_response`: a form-encoded
//! credentials response (RFC 5849 §2.1, §2.3), read both with and without
//! `oauth_callback_confirmed` required.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::format_all;
use sansauth_oauth1::flow::parse_credentials_response;

fuzz_target!(|data: &[u8]| {
    for require_confirmed in [false, true] {
        match parse_credentials_response(data, require_confirmed) {
            Ok(response) => {
                let _ = format!("{response:?}");
                let _ = response.credentials.token();
            }
            Err(e) => format_all(&e),
        }
    }
});
