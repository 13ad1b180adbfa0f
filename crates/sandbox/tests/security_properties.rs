//! Property tests of the OAuth 2 server side, run in memory through
//! `Sandbox::handle`: a code is never exchanged for tokens twice, nor with
//! a wrong PKCE verifier, nor for a `redirect_uri` other than the one
//! authorized (RFC 6749 §4.1.3, §10.5; RFC 7636 §4.6).

mod common;

use http::Request;
use proptest::prelude::*;
use sansauth_oauth2::client::Client;
use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
use sansauth_oauth2::token::{Grant, TokenRequest};
use sansauth_oauth2::types::{AuthorizationCode, RedirectUri, State};
use sansauth_sandbox::Sandbox;

/// Fitbit's profile uses PKCE.
const PROFILE: &str = "fitbit";
const REDIRECT: &str = "http://127.0.0.1:12345/callback";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    }
}

fn client(sandbox: &Sandbox) -> Client {
    let registration = sandbox.client(PROFILE).unwrap();
    sandbox
        .profile(PROFILE)
        .unwrap()
        .oauth2_client(&registration.client_id, Some(&registration.client_secret))
        .unwrap()
}

fn handle(sandbox: &Sandbox, request: Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    sandbox.handle(&request)
}

/// Authorizes (the sandbox approves at once) with this verifier; the code.
fn authorize(sandbox: &Sandbox, client: &Client, verifier: &PkceVerifier) -> AuthorizationCode {
    let (request, pending) = client
        .authorization_request_with(
            State::new("st"),
            Some((copy(verifier), PkceMethod::S256)),
            Some(RedirectUri::new(REDIRECT)),
            sandbox.profile(PROFILE).unwrap().default_scopes(),
        )
        .unwrap();
    let url = request.to_url().unwrap();
    let page = handle(
        sandbox,
        Request::get(url.as_str()).body(Vec::new()).unwrap(),
    );
    assert_eq!(page.status(), 302, "{}", common::body(&page));
    pending.read_callback(&common::location(&page)).unwrap()
}

/// The code exchange, with what the client sends.
fn exchange(
    sandbox: &Sandbox,
    client: &Client,
    code: &AuthorizationCode,
    redirect_uri: &str,
    verifier: Option<&PkceVerifier>,
) -> (u16, String) {
    let grant = Grant::AuthorizationCode {
        code: code.clone(),
        redirect_uri: Some(RedirectUri::new(redirect_uri)),
        code_verifier: verifier.map(copy),
    };
    let request = TokenRequest::new(client, grant).to_request().unwrap();
    let response = handle(sandbox, request);
    (response.status().as_u16(), common::body(&response))
}

fn copy(verifier: &PkceVerifier) -> PkceVerifier {
    PkceVerifier::new(verifier.secret()).unwrap()
}

fn verifier() -> impl Strategy<Value = PkceVerifier> {
    "[A-Za-z0-9._~-]{43,128}".prop_map(|v| PkceVerifier::new(v).unwrap())
}

/// A redirect URI that differs from `REDIRECT`.
fn other_redirect() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}".prop_map(|p| format!("http://127.0.0.1:12345/{p}")),
        (1u16..=65535)
            .prop_filter("another port", |p| *p != 12345)
            .prop_map(|p| format!("http://127.0.0.1:{p}/callback")),
        "[a-z]{1,8}".prop_map(|q| format!("{REDIRECT}?{q}=1")),
        Just(format!("{REDIRECT}/")),
        Just("http://localhost:12345/callback".to_owned()),
        Just("https://127.0.0.1:12345/callback".to_owned()),
    ]
}

#[track_caller]
fn refused(what: &str, (status, body): &(u16, String)) {
    assert_eq!(*status, 400, "{what}: {body}");
    assert!(body.contains("invalid_grant"), "{what}: {body}");
    assert!(!body.contains("access_token"), "{what}: {body}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_code_is_never_exchanged_twice(verifier in verifier(), again_with_other_redirect in any::<bool>()) {
        let sandbox = common::auto_approving();
        let client = client(&sandbox);
        let code = authorize(&sandbox, &client, &verifier);
        let (status, body) = exchange(&sandbox, &client, &code, REDIRECT, Some(&verifier));
        prop_assert_eq!(status, 200, "{}", body);
        prop_assert!(body.contains("access_token"));
        let redirect = if again_with_other_redirect { "http://127.0.0.1:1/x" } else { REDIRECT };
        refused("the same code again", &exchange(&sandbox, &client, &code, redirect, Some(&verifier)));
    }

    #[test]
    fn a_wrong_or_missing_verifier_gets_no_token(
        verifier in verifier(),
        wrong in verifier(),
        missing in any::<bool>(),
    ) {
        prop_assume!(wrong.secret() != verifier.secret());
        let sandbox = common::auto_approving();
        let client = client(&sandbox);
        let code = authorize(&sandbox, &client, &verifier);
        let sent = if missing { None } else { Some(&wrong) };
        refused("a wrong PKCE verifier", &exchange(&sandbox, &client, &code, REDIRECT, sent));
        // The code is spent: the right verifier does not bring it back.
        refused("the code after a refusal", &exchange(&sandbox, &client, &code, REDIRECT, Some(&verifier)));
    }

    #[test]
    fn another_redirect_uri_gets_no_token(verifier in verifier(), redirect in other_redirect()) {
        let sandbox = common::auto_approving();
        let client = client(&sandbox);
        let code = authorize(&sandbox, &client, &verifier);
        refused(
            &format!("redirect_uri {redirect}"),
            &exchange(&sandbox, &client, &code, &redirect, Some(&verifier)),
        );
    }
}
