//! `sansauth_oauth2::authorize::parse_callback` and `parse_fragment`: the
//! redirect back to the client (RFC 6749 §4.1.2, §4.2.2), with and without
//! an expected state. Input: `expected state \n URL or query`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{fields, format_all, text};
use sansauth_oauth2::authorize::{parse_callback, parse_fragment};
use sansauth_oauth2::types::State;

fuzz_target!(|data: &[u8]| {
    let [state, url] = fields::<2>(data);
    let url = text(url);
    let state = State::new(text(state).into_owned());
    for expected in [None, Some(&state)] {
        match parse_callback(&url, expected) {
            Ok(response) => {
                let _ = format!("{response:?}");
            }
            Err(e) => format_all(&e),
        }
        match parse_fragment(&url, expected) {
            Ok(response) => {
                let _ = format!("{response:?}");
            }
            Err(e) => format_all(&e),
        }
    }
});
