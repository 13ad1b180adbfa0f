//! The sandbox provider's request handling (`Sandbox::handle`, in memory):
//! every endpoint it serves (OAuth 1 and OAuth 2 protocol endpoints, consent
//! pages, resource APIs) on fuzzed requests. One sandbox serves the whole
//! run, so state (codes, tokens, nonces) builds up as it would.
//! Input: `METHOD path-and-query \n` then header lines `Name: value` up to
//! an empty line, then the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::text;
use sansauth_sandbox::{Sandbox, SandboxConfig};

fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        Sandbox::start(SandboxConfig::default().auto_approve(true)).expect("a sandbox on loopback")
    })
}

fuzz_target!(|data: &[u8]| {
    let sandbox = sandbox();
    let Some(request) = request(sandbox, data) else {
        return;
    };
    let response = sandbox.handle(&request);
    let _ = response.status();
});

/// The request the input describes, or `None` when `http` itself refuses a part.
fn request(sandbox: &Sandbox, data: &[u8]) -> Option<http::Request<Vec<u8>>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = text(head);
    let mut lines = head.split('\n');
    let (method, target) = lines.next()?.trim().split_once(' ')?;
    let method = http::Method::from_bytes(method.as_bytes()).ok()?;
    let url = sandbox
        .base_url()
        .join(target.trim().trim_start_matches('/'))
        .ok()?;
    let mut builder = http::Request::builder().method(method).uri(url.as_str());
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
        let value = http::HeaderValue::from_bytes(value.trim().as_bytes()).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(body.to_vec()).ok()
}
