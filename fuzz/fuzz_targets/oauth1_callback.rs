//! `sansauth_oauth1::flow::parse_callback`: the callback redirect (RFC 5849 §2.2).
//! Input: `temporary token \n callback URL or query`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{fields, format_all, text};
use sansauth_oauth1::flow::parse_callback;

fuzz_target!(|data: &[u8]| {
    let [token, callback] = fields::<2>(data);
    match parse_callback(&text(callback), &text(token)) {
        Ok(cb) => {
            let _ = format!("{cb:?}");
        }
        Err(e) => format_all(&e),
    }
});
