//! Whole flows with no socket: the client half talks to a small in-memory
//! authorization server built on the server half, with a fake clock.

use std::collections::HashMap;

use sansauth_oauth2::Exchange;
use sansauth_oauth2::client::{Client, ClientAuth};
use sansauth_oauth2::device::{DevicePoll, DevicePoller};
use sansauth_oauth2::error::ErrorResponse;
use sansauth_oauth2::http::{Request, Response};
use sansauth_oauth2::pkce::PkceChallenge;
use sansauth_oauth2::rand_core;
use sansauth_oauth2::revocation::RevocationRequest;
use sansauth_oauth2::server;
use sansauth_oauth2::token::{Grant, TokenResponse};
use sansauth_oauth2::tokens::{RefreshOutcome, TokenSet};
use sansauth_oauth2::types::{
    AccessToken, AuthorizationCode, ClientSecret, RedirectUri, RefreshToken, Scope,
};
use sansauth_oauth2::url::Url;

/// A deterministic RNG for the test (it counts; not random).
#[derive(Debug)]
struct Counter(u8);

impl rand_core::RngCore for Counter {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            self.0 = self.0.wrapping_add(7);
            *b = self.0;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for Counter {}

/// An authorization server that rotates refresh tokens and accepts each once.
#[derive(Default)]
struct Server {
    codes: HashMap<String, Option<PkceChallenge>>,
    refresh_tokens: HashMap<String, bool>,
    issued: u32,
    device_polls: u32,
}

impl Server {
    fn authorize(&mut self, url: &Url) -> Url {
        let params = server::parse_authorization_request(url.as_str()).expect("valid request");
        self.issued += 1;
        let code = format!("code{}", self.issued);
        self.codes.insert(code.clone(), params.code_challenge);
        server::authorization_redirect(
            params.redirect_uri.as_ref().expect("redirect"),
            &AuthorizationCode::new(code),
            params.state.as_ref(),
        )
        .expect("redirect URL")
    }

    fn tokens(&mut self) -> TokenResponse {
        self.issued += 1;
        let refresh = format!("rt{}", self.issued);
        self.refresh_tokens.insert(refresh.clone(), true);
        let mut r = TokenResponse::bearer(AccessToken::new(format!("at{}", self.issued)));
        r.expires_in = Some(3600);
        r.refresh_token = Some(RefreshToken::new(refresh));
        r
    }

    fn token(&mut self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let params = match server::parse_token_request(request) {
            Ok(p) => p,
            Err(e) => return server::error_response(&e.to_error_response()),
        };
        let client_ok = params.client.as_ref().is_some_and(|c| {
            c.client_id.as_str() == "tracks" && c.secret_matches(&ClientSecret::new("s:e c+r%t"))
        });
        if !client_ok {
            return server::error_response(&ErrorResponse::new("invalid_client"));
        }
        let invalid_grant = || server::error_response(&ErrorResponse::new("invalid_grant"));
        match params.grant {
            Grant::AuthorizationCode {
                code,
                code_verifier,
                ..
            } => match self.codes.remove(code.secret()) {
                Some(challenge) => {
                    match server::verify_pkce(challenge.as_ref(), code_verifier.as_ref()) {
                        Ok(()) => server::token_response(&self.tokens()),
                        Err(_) => invalid_grant(),
                    }
                }
                None => invalid_grant(),
            },
            Grant::RefreshToken { refresh_token, .. } => {
                match self.refresh_tokens.get_mut(refresh_token.secret()) {
                    Some(live) if *live => {
                        *live = false; // rotation: the old one dies
                        server::token_response(&self.tokens())
                    }
                    _ => invalid_grant(),
                }
            }
            Grant::DeviceCode { .. } => {
                self.device_polls += 1;
                match self.device_polls {
                    1 => server::error_response(&ErrorResponse::new("authorization_pending")),
                    2 => server::error_response(&ErrorResponse::new("slow_down")),
                    _ => server::token_response(&self.tokens()),
                }
            }
            _ => server::error_response(&ErrorResponse::new("unsupported_grant_type")),
        }
    }

    fn revoke(&mut self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let params = server::parse_revocation_request(request).expect("valid revocation");
        if let Some(live) = self.refresh_tokens.get_mut(params.token.secret()) {
            *live = false;
        }
        server::revocation_response()
    }
}

fn client() -> Client {
    let base = "https://tracks.example/api3/oauth";
    Client::new("tracks")
        .with_secret(ClientSecret::new("s:e c+r%t"))
        .with_authorization_endpoint(Url::parse(&format!("{base}/authorize")).expect("url"))
        .with_token_endpoint(Url::parse(&format!("{base}/token")).expect("url"))
        .with_revocation_endpoint(Url::parse(&format!("{base}/revoke")).expect("url"))
}

#[test]
fn code_refresh_rotation_and_revocation() {
    let mut server = Server::default();
    let client = client();
    let mut rng = Counter(0);
    let (request, pending) = client
        .authorization_request(
            &mut rng,
            Some(RedirectUri::new("http://127.0.0.1:9/cb")),
            vec![Scope::new("read")],
        )
        .expect("request");
    let callback = server.authorize(&request.to_url().expect("url"));
    let code = pending.read_callback(callback.as_str()).expect("callback");
    let exchange = pending.into_token_request(&client, code);
    let response = server.token(&exchange.to_request().expect("request"));
    let mut tokens = TokenSet::from_response(exchange.read_response(&response).expect("tokens"), 0);
    assert!(!tokens.needs_refresh(3000, 300));
    assert!(tokens.needs_refresh(3300, 300));

    let old_refresh = tokens.refresh_token.clone().expect("refresh token");
    let refresh = tokens.refresh_request(&client, vec![]).expect("refresh");
    let response = server.token(&Exchange::to_request(&refresh).expect("request"));
    let outcome = tokens.apply_refresh(refresh.read_response(&response).expect("refreshed"), 3300);
    assert_eq!(outcome, RefreshOutcome::Rotated);
    assert_ne!(tokens.refresh_token.as_ref(), Some(&old_refresh));

    // The old refresh token is dead: reusing it is invalid_grant.
    let replay = client.refresh(old_refresh, vec![]);
    let response = server.token(&replay.to_request().expect("request"));
    assert_eq!(
        replay.read_response(&response).unwrap_err().code(),
        "invalid_grant"
    );

    // Revoke the live one; it no longer refreshes.
    let live = tokens.refresh_token.clone().expect("refresh token");
    let revoke = RevocationRequest::refresh_token(&client, &live);
    let response = server.revoke(&revoke.to_request().expect("request"));
    revoke.read_response(&response).expect("revoked");
    let after = client.refresh(live, vec![]);
    let response = server.token(&after.to_request().expect("request"));
    assert_eq!(
        after.read_response(&response).unwrap_err().code(),
        "invalid_grant"
    );
}

#[test]
fn wrong_verifier_and_wrong_secret_are_refused() {
    let mut server = Server::default();
    let client = client();
    let mut rng = Counter(50);
    let (request, pending) = client
        .authorization_request(
            &mut rng,
            Some(RedirectUri::new("http://127.0.0.1:9/cb")),
            vec![],
        )
        .expect("request");
    let callback = server.authorize(&request.to_url().expect("url"));
    let code = pending.read_callback(callback.as_str()).expect("callback");
    // Another flow's verifier.
    let (_, other) = client
        .authorization_request(&mut rng, None, vec![])
        .expect("request");
    let exchange = other.into_token_request(&client, code);
    let response = server.token(&exchange.to_request().expect("request"));
    assert_eq!(
        exchange.read_response(&response).unwrap_err().code(),
        "invalid_grant"
    );

    let mut wrong = client.clone();
    wrong.client_secret = Some(ClientSecret::new("nope"));
    wrong.auth = ClientAuth::Post;
    let request = wrong.client_credentials(vec![]);
    let response = server.token(&request.to_request().expect("request"));
    assert_eq!(response.status(), 401);
    let err = request.read_response(&response).unwrap_err();
    assert_eq!(err.code(), "invalid_client");
}

#[test]
fn device_flow_with_slow_down() {
    let mut server = Server::default();
    let client = client();
    let body = br#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://tracks.example/device","expires_in":600}"#;
    let response = Response::builder()
        .status(200)
        .body(body.to_vec())
        .expect("response");
    let auth = client
        .device_authorization(vec![])
        .read_response(&response)
        .expect("device authorization");
    let mut poller = DevicePoller::new(&auth, 100);
    let mut now = poller.poll_timeout();
    let mut waits = Vec::new();
    let tokens = loop {
        let request = poller.token_request(&client);
        let response = server.token(&request.to_request().expect("request"));
        match poller.handle_response(request.read_response(&response), now) {
            DevicePoll::Done(tokens) => break tokens,
            DevicePoll::Wait { until } => {
                waits.push(until - now);
                now = until;
            }
            DevicePoll::Failed(e) => panic!("device flow failed: {e}"),
        }
    };
    assert_eq!(waits, vec![5, 10]);
    assert!(tokens.token_type.is_bearer());
}
