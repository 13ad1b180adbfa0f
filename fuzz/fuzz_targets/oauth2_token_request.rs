//! The OAuth 2 server side: `server::parse_token_request` (RFC 6749 §3.2,
//! §2.3, §4), and the same request through the revocation, introspection and
//! device authorization readers.
//! Input: `METHOD \n` then header lines `Name: value` up to an empty line,
//! then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{format_all, text};
use sansauth_oauth2::server::{
    parse_device_authorization_request, parse_introspection_request, parse_revocation_request,
    parse_token_request,
};

fuzz_target!(|data: &[u8]| {
    let Some(request) = request(data) else {
        return;
    };
    match parse_token_request(&request) {
        Ok(params) => {
            let _ = format!("{params:?}");
        }
        Err(e) => format_all(&e),
    }
    match parse_revocation_request(&request) {
        Ok(params) => {
            let _ = format!("{params:?}");
        }
        Err(e) => format_all(&e),
    }
    match parse_introspection_request(&request) {
        Ok(params) => {
            let _ = format!("{params:?}");
        }
        Err(e) => format_all(&e),
    }
    match parse_device_authorization_request(&request) {
        Ok(params) => {
            let _ = format!("{params:?}");
        }
        Err(e) => format_all(&e),
    }
});

/// The request the input describes, or `None` when `http` itself refuses a part.
fn request(data: &[u8]) -> Option<http::Request<&[u8]>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = text(head);
    let mut lines = head.split('\n');
    let method = http::Method::from_bytes(lines.next()?.trim().as_bytes()).ok()?;
    let mut builder = http::Request::builder()
        .method(method)
        .uri("https://server.example.com/token");
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
        let value = http::HeaderValue::from_bytes(value.trim().as_bytes()).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(body).ok()
}
