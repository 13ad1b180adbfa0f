//! The sandbox's size limits over real HTTP: a body of `MAX_BODY_BYTES` is
//! read, one byte more is refused with 413, an OAuth 2 form with more than
//! `MAX_FORM_PARAMS` parameters is refused with a clear 400, at once however
//! many it has, and an OAuth 1 request with as many as fit is answered.

mod common;

use common::{body, send};
use http::{Request, Response, header};
use sansauth_oauth2::MAX_FORM_PARAMS;
use sansauth_sandbox::{MAX_BODY_BYTES, Sandbox};

fn token_url(sandbox: &Sandbox) -> String {
    sandbox
        .base_url()
        .join("mapmytracks/api3/oauth/token")
        .unwrap()
        .to_string()
}

fn post(url: &str, form: Vec<u8>) -> Response<Vec<u8>> {
    send(
        Request::post(url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .unwrap(),
    )
}

/// `grant_type=client_credentials` and `p0=v&p1=v...`: `n` parameters in all.
fn form(n: usize) -> Vec<u8> {
    let mut form = String::from("grant_type=client_credentials");
    for i in 1..n {
        form.push_str(&format!("&p{i}=v"));
    }
    form.into_bytes()
}

#[test]
fn bodies_are_read_up_to_the_limit_and_refused_past_it() {
    let sandbox = common::auto_approving();
    let url = token_url(&sandbox);
    let mut at_limit = b"grant_type=client_credentials&pad=".to_vec();
    at_limit.resize(MAX_BODY_BYTES, b'x');
    let read = post(&url, at_limit);
    assert_eq!(read.status(), 401, "read and answered: {}", body(&read));

    let mut past = b"grant_type=client_credentials&pad=".to_vec();
    past.resize(MAX_BODY_BYTES + 1, b'x');
    let refused = post(&url, past);
    assert_eq!(refused.status(), 413, "{}", body(&refused));
    assert!(
        body(&refused).contains(&format!("limited to {MAX_BODY_BYTES} bytes")),
        "{}",
        body(&refused)
    );
    // The sandbox still answers afterwards.
    assert_eq!(post(&url, form(1)).status(), 401);
}

#[test]
fn forms_with_too_many_parameters_are_refused_clearly() {
    let sandbox = common::auto_approving();
    let url = token_url(&sandbox);
    // At the limit the request is read (and refused for its missing client).
    let read = post(&url, form(MAX_FORM_PARAMS));
    assert_eq!(read.status(), 401, "{}", body(&read));
    for n in [MAX_FORM_PARAMS + 1, 300_000] {
        let refused = post(&url, form(n));
        assert_eq!(refused.status(), 400, "{n}: {}", body(&refused));
        let text = body(&refused);
        assert!(text.contains("invalid_request"), "{n}: {text}");
        assert!(
            text.contains(&format!("at most {MAX_FORM_PARAMS}")),
            "{n}: {text}"
        );
    }
}

#[test]
fn oauth1_requests_with_many_parameters_are_answered() {
    let sandbox = common::auto_approving();
    let url = sandbox
        .base_url()
        .join("mapmyfitness-oauth1/3.1/oauth/request_token")
        .unwrap()
        .to_string();
    // Unsigned, with about 450 000 parameters in a form body just under the
    // body limit: a clear refusal, not a hang.
    let mut form = String::from("oauth_consumer_key=x");
    let mut i = 0;
    while form.len() < MAX_BODY_BYTES - 16 {
        form.push_str(&format!("&p{i}=v"));
        i += 1;
    }
    let refused = post(&url, form.into_bytes());
    assert!(
        refused.status().is_client_error(),
        "{}: {}",
        refused.status(),
        body(&refused)
    );
}
