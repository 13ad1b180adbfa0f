//! The OAuth 1 session against a loopback server that verifies each
//! signature with the core's server half (RFC 5849 §3.2).

mod common;

use std::sync::{Arc, Mutex};

use common::{Reply, Seen, Server};
use sansauth_oauth1::{
    ConsumerSecret, MemoryNonceStore, Placement, RequestParts, SignatureMethod, TokenCredentials,
    TokenSecret, Verifier, VerifyKey, parse_request, unix_now,
};
use sansauth_transport::client::{ClientOptions, ReqwestClient, UreqClient};
use sansauth_transport::session::OAuth1Session;

const CONSUMER_KEY: &str = "dpf43f3p2l4k3l03";
const CONSUMER_SECRET: &str = "kd94hf93k423kf44";
const TOKEN: &str = "nnch734d00sl2jdk";
const TOKEN_SECRET: &str = "pfkkdhi9sl3r4s00";

/// A server that answers 200 when the request's signature verifies, else
/// 401 with the core's error code; it records where the parameters were.
fn verifying_server() -> Server {
    let nonces = Arc::new(Mutex::new(MemoryNonceStore::new(300, 10_000)));
    Server::start(move |seen: &Seen| {
        let url = format!(
            "http://{}{}",
            seen.header("host").unwrap_or(""),
            seen.target
        );
        let headers: Vec<(&str, &str)> = seen
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let parts = RequestParts::from_headers(&seen.method, &url, &headers, &seen.body);
        let verdict = parse_request(&parts).and_then(|request| {
            assert_eq!(request.consumer_key(), CONSUMER_KEY);
            assert_eq!(request.token(), Some(TOKEN));
            let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);
            let token_secret = TokenSecret::new(TOKEN_SECRET);
            let key = VerifyKey::Secrets {
                consumer_secret: &consumer_secret,
                token_secret: Some(&token_secret),
            };
            let mut nonces = nonces.lock().unwrap();
            Verifier::new().verify(&request, key, unix_now(), &mut *nonces)
        });
        let place = if seen
            .header("authorization")
            .is_some_and(|a| a.starts_with("OAuth "))
        {
            "header"
        } else if seen.target.contains("oauth_signature=") {
            "query"
        } else if String::from_utf8_lossy(&seen.body).contains("oauth_signature=") {
            "body"
        } else {
            "nowhere"
        };
        match verdict {
            Ok(()) => Reply::new(200, &[("x-placement", place)], b"verified"),
            Err(e) => Reply::new(401, &[("x-placement", place)], e.code().as_bytes()),
        }
    })
}

fn token() -> TokenCredentials {
    TokenCredentials::new(TOKEN, TokenSecret::new(TOKEN_SECRET))
}

fn session<C>(client: C, placement: Placement, consumer_secret: &str) -> OAuth1Session<C> {
    OAuth1Session::from_credentials(
        client,
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &ConsumerSecret::new(consumer_secret),
        &token(),
        placement,
    )
    .unwrap()
}

fn request(server: &Server, placement: Placement) -> http::Request<Vec<u8>> {
    match placement {
        Placement::Body => http::Request::post(server.url("/photos?size=original"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"file=vacation.jpg&note=a+b".to_vec())
            .unwrap(),
        _ => http::Request::get(server.url("/photos?file=vacation.jpg&size=original"))
            .body(Vec::new())
            .unwrap(),
    }
}

const PLACEMENTS: [(Placement, &str); 3] = [
    (Placement::Header, "header"),
    (Placement::Query, "query"),
    (Placement::Body, "body"),
];

#[test]
fn every_placement_is_signed_and_verifies_blocking() {
    let server = verifying_server();
    for (placement, name) in PLACEMENTS {
        let s = session(
            UreqClient::new(ClientOptions::default()),
            placement,
            CONSUMER_SECRET,
        );
        // Twice: each request gets its own nonce, so no replay.
        for _ in 0..2 {
            let response = s.send(request(&server, placement)).unwrap();
            assert_eq!(response.status(), 200, "{name}: {:?}", response.body());
            assert_eq!(response.headers()["x-placement"], name);
        }
    }
}

#[tokio::test]
async fn every_placement_is_signed_and_verifies_async() {
    let server = verifying_server();
    for (placement, name) in PLACEMENTS {
        let client = ReqwestClient::new(ClientOptions::default()).unwrap();
        let s = session(client, placement, CONSUMER_SECRET);
        let response = s.send_async(request(&server, placement)).await.unwrap();
        assert_eq!(response.status(), 200, "{name}: {:?}", response.body());
        assert_eq!(response.headers()["x-placement"], name);
    }
}

#[test]
fn a_wrong_secret_is_caught_by_the_server() {
    let server = verifying_server();
    let s = session(
        UreqClient::new(ClientOptions::default()),
        Placement::Header,
        "not-the-secret",
    );
    let response = s.send(request(&server, Placement::Header)).unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.body(), b"bad_signature");
}

#[test]
fn plain_http_to_a_remote_host_needs_the_opt_in() {
    let s = session(
        UreqClient::new(ClientOptions::default()),
        Placement::Query,
        CONSUMER_SECRET,
    );
    let legacy = || {
        http::Request::get("http://api.mapmyfitness.com/3.1/users/get_user")
            .body(Vec::new())
            .unwrap()
    };
    assert_eq!(s.send(legacy()).unwrap_err().code(), "insecure_http");
    // With the opt-in the request is signed (not sent here: no network).
    let s = s.allow_insecure_http(true);
    let signed = s.sign(legacy()).unwrap();
    assert!(signed.uri().query().unwrap().contains("oauth_signature="));
}

#[test]
fn a_body_placement_on_a_non_form_body_is_a_protocol_error() {
    let s = session(
        UreqClient::new(ClientOptions::default()),
        Placement::Body,
        CONSUMER_SECRET,
    );
    let json = http::Request::post("https://api.example.com/x")
        .header("content-type", "application/json")
        .body(b"{}".to_vec())
        .unwrap();
    let err = s.sign(json).unwrap_err();
    assert!(
        matches!(err, sansauth_transport::Error::Protocol(_)),
        "{err:?}"
    );
}

#[test]
fn oauth_version_is_sent_only_when_asked_and_still_verifies() {
    let server = verifying_server();
    let http = UreqClient::new(ClientOptions::default());
    let plain = session(http.clone(), Placement::Query, CONSUMER_SECRET);
    let signed = plain.sign(request(&server, Placement::Query)).unwrap();
    assert!(!signed.uri().to_string().contains("oauth_version"));

    let versioned = session(http, Placement::Query, CONSUMER_SECRET).send_version(true);
    let signed = versioned.sign(request(&server, Placement::Query)).unwrap();
    assert!(signed.uri().to_string().contains("oauth_version=1.0"));
    let response = versioned.send(request(&server, Placement::Query)).unwrap();
    assert_eq!(
        response.status(),
        200,
        "{}",
        String::from_utf8_lossy(response.body())
    );
}
