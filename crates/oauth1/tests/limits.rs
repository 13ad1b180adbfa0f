//! The parsers of what arrives from the network take at most `MAX_PARAMS`
//! parameters: at the limit they work, one past it they fail with a clear
//! error, and far past it they still only fail.

use sansauth_oauth1::flow::{parse_callback, parse_credentials_response};
use sansauth_oauth1::{Error, MAX_PARAMS, RequestParts, parse_authorization, parse_request};

const TOO_MANY: Error = Error::Malformed {
    what: "parameters (more than MAX_PARAMS, 1024)",
};

/// `n` pairs `p0=v&p1=v&...`, with `first` in front.
fn form(first: &str, n: usize) -> String {
    let mut out = String::from(first);
    for i in 0..n {
        out.push_str(&format!("&p{i}=v"));
    }
    out
}

#[test]
fn credentials_responses_hold_at_most_max_params() {
    let at = form("oauth_token=t&oauth_token_secret=s", MAX_PARAMS - 2);
    let parsed = parse_credentials_response(at.as_bytes(), false).unwrap();
    assert_eq!(parsed.extra.len(), MAX_PARAMS - 2);
    for past in [MAX_PARAMS - 1, 100_000] {
        let body = form("oauth_token=t&oauth_token_secret=s", past);
        assert_eq!(
            parse_credentials_response(body.as_bytes(), false).unwrap_err(),
            TOO_MANY
        );
    }
}

#[test]
fn callbacks_hold_at_most_max_params() {
    let at = form(
        "http://127.0.0.1/cb?oauth_token=t&oauth_verifier=v",
        MAX_PARAMS - 2,
    );
    assert_eq!(parse_callback(&at, "t").unwrap().verifier, "v");
    for past in [MAX_PARAMS - 1, 100_000] {
        let url = form("http://127.0.0.1/cb?oauth_token=t&oauth_verifier=v", past);
        assert_eq!(parse_callback(&url, "t").unwrap_err(), TOO_MANY);
    }
}

/// An `Authorization` header with `n` parameters.
fn header(n: usize) -> String {
    let params: Vec<String> = (0..n).map(|i| format!("p{i}=\"v\"")).collect();
    format!("OAuth {}", params.join(", "))
}

#[test]
fn authorization_headers_hold_at_most_max_params() {
    assert_eq!(
        parse_authorization(&header(MAX_PARAMS))
            .unwrap()
            .params
            .len(),
        MAX_PARAMS
    );
    for past in [MAX_PARAMS + 1, 100_000] {
        assert_eq!(parse_authorization(&header(past)).unwrap_err(), TOO_MANY);
    }
}

#[test]
fn incoming_requests_hold_at_most_max_params() {
    let oauth = "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", \
                 oauth_signature=\"s%26\"";
    // Three protocol parameters in the header, the rest in the query.
    let at = form("https://api.example.com/r?a=1", MAX_PARAMS - 4);
    let parts = RequestParts::new("GET", &at).with_authorization(oauth);
    assert!(parse_request(&parts).is_ok());
    for past in [MAX_PARAMS - 3, 100_000] {
        let url = form("https://api.example.com/r?a=1", past);
        let parts = RequestParts::new("GET", &url).with_authorization(oauth);
        assert_eq!(parse_request(&parts).unwrap_err(), TOO_MANY);
    }
}
