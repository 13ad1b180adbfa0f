//! A token endpoint's answer (RFC 6749 §5.1, §5.2) through
//! `TokenResponse::parse`, and the same bytes through the device
//! authorization (RFC 8628 §3.2), introspection (RFC 7662 §2.2) and
//! revocation (RFC 7009 §2.2) readers.
//! Input: `status \n content type (empty: none) \n body`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{fields, format_all, optional, text};
use sansauth_oauth2::device::DeviceAuthorizationResponse;
use sansauth_oauth2::introspection::IntrospectionResponse;
use sansauth_oauth2::revocation::read_revocation_response;
use sansauth_oauth2::token::TokenResponse;

/// Small enough that the fuzzer reaches the limit.
const MAX_BYTES: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let [status, content_type, body] = fields::<3>(data);
    let status = text(status).trim().parse::<u16>().unwrap_or(200);
    let content_type = optional(content_type);
    let content_type = content_type.as_deref();
    for separator in [" ", ","] {
        match TokenResponse::parse(status, content_type, body, MAX_BYTES, separator) {
            Ok(response) => {
                let _ = format!("{response:?}");
                let _ = response.to_json();
            }
            Err(e) => format_all(&e),
        }
    }
    match DeviceAuthorizationResponse::parse(status, content_type, body, MAX_BYTES) {
        Ok(response) => {
            let _ = format!("{response:?}");
        }
        Err(e) => format_all(&e),
    }
    match IntrospectionResponse::parse(status, content_type, body, MAX_BYTES) {
        Ok(response) => {
            let _ = format!("{response:?}");
            let _ = response.to_json();
        }
        Err(e) => format_all(&e),
    }
    if let Ok(status) = http::StatusCode::from_u16(status) {
        let mut builder = http::Response::builder().status(status);
        if let Some(ct) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, ct);
        }
        if let Ok(response) = builder.body(body) {
            match read_revocation_response(&response, MAX_BYTES) {
                Ok(revoked) => {
                    let _ = format!("{revoked:?}");
                }
                Err(e) => format_all(&e),
            }
        }
    }
});
