//! Properties: every client request built here parses on the server side
//! here to the same values; arbitrary bytes into every parser never panic.

use proptest::prelude::*;
use sansauth_oauth2::authorize::{parse_callback, parse_fragment};
use sansauth_oauth2::bearer::{BearerChallenge, parse_authorization, parse_challenges};
use sansauth_oauth2::client::{Client, ClientAuth};
use sansauth_oauth2::device::DeviceAuthorizationResponse;
use sansauth_oauth2::error::RetryAfter;
use sansauth_oauth2::http;
use sansauth_oauth2::introspection::IntrospectionResponse;
use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
use sansauth_oauth2::revocation::{RevocationRequest, TokenTypeHint, read_revocation_response};
use sansauth_oauth2::server;
use sansauth_oauth2::token::{Grant, TokenRequest, TokenResponse};
use sansauth_oauth2::types::{
    AccessToken, AnyToken, AuthorizationCode, ClientId, ClientSecret, DeviceCode, Password,
    RedirectUri, RefreshToken, Scope, State, Username,
};
use sansauth_oauth2::url::Url;

/// Non-empty text with the characters that break naive encoders.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]{1,12}",
        "[ :+%&=/?#a-z]{1,12}",
        "\\PC{1,12}",
        "[ü€😀:+% ]{1,6}",
    ]
}

/// Scope tokens: no whitespace (the separator), otherwise anything printable.
fn scopes() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[^\\s]{1,8}", 0..4)
}

fn verifier() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{43,128}"
}

#[derive(Debug, Clone)]
enum GrantSpec {
    Code(String, Option<String>, Option<String>),
    Refresh(String, Vec<String>),
    ClientCredentials(Vec<String>),
    Password(String, String, Vec<String>),
    Device(String),
}

impl GrantSpec {
    fn build(&self) -> Grant {
        let scopes = |s: &[String]| s.iter().map(Scope::new).collect::<Vec<_>>();
        match self {
            Self::Code(code, redirect, verifier) => Grant::AuthorizationCode {
                code: AuthorizationCode::new(code),
                redirect_uri: redirect.as_ref().map(RedirectUri::new),
                code_verifier: verifier
                    .as_ref()
                    .map(|v| PkceVerifier::new(v.as_str()).expect("valid by strategy")),
            },
            Self::Refresh(token, s) => Grant::RefreshToken {
                refresh_token: RefreshToken::new(token),
                scopes: scopes(s),
            },
            Self::ClientCredentials(s) => Grant::ClientCredentials { scopes: scopes(s) },
            Self::Password(user, password, s) => Grant::Password {
                username: Username::new(user),
                password: Password::new(password),
                scopes: scopes(s),
            },
            Self::Device(code) => Grant::DeviceCode {
                device_code: DeviceCode::new(code),
            },
        }
    }
}

fn grant() -> impl Strategy<Value = GrantSpec> {
    prop_oneof![
        (
            text(),
            prop::option::of(text()),
            prop::option::of(verifier())
        )
            .prop_map(|(c, r, v)| GrantSpec::Code(c, r, v)),
        (text(), scopes()).prop_map(|(t, s)| GrantSpec::Refresh(t, s)),
        scopes().prop_map(GrantSpec::ClientCredentials),
        (text(), text(), scopes()).prop_map(|(u, p, s)| GrantSpec::Password(u, p, s)),
        text().prop_map(GrantSpec::Device),
    ]
}

fn auth() -> impl Strategy<Value = ClientAuth> {
    prop_oneof![
        Just(ClientAuth::Basic),
        Just(ClientAuth::Post),
        Just(ClientAuth::None)
    ]
}

fn client(id: &str, secret: &str, auth: ClientAuth) -> Client {
    let mut c = Client::new(ClientId::new(id))
        .with_secret(ClientSecret::new(secret))
        .with_auth(auth)
        .with_token_endpoint(Url::parse("https://as.example/token").expect("valid"))
        .with_revocation_endpoint(Url::parse("https://as.example/revoke").expect("valid"));
    if auth == ClientAuth::None {
        c.client_secret = None;
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn token_requests_round_trip(
        id in text(),
        secret in text(),
        auth in auth(),
        spec in grant(),
    ) {
        let c = client(&id, &secret, auth);
        let request = TokenRequest::new(&c, spec.build()).to_request().expect("builds");
        prop_assert_eq!(request.method(), http::Method::POST);
        let parsed = server::parse_token_request(&request).expect("parses");
        prop_assert_eq!(parsed.grant, spec.build());
        prop_assert!(parsed.extra.is_empty());
        let credentials = parsed.client.expect("identified");
        prop_assert_eq!(credentials.client_id.as_str(), id.as_str());
        prop_assert_eq!(credentials.method, auth);
        prop_assert_eq!(
            credentials.client_secret.as_ref().map(ClientSecret::secret),
            (auth != ClientAuth::None).then_some(secret.as_str())
        );
    }

    #[test]
    fn revocation_requests_round_trip(
        id in text(),
        secret in text(),
        auth in auth(),
        token in text(),
        hint in prop::option::of(prop_oneof![
            Just(TokenTypeHint::AccessToken),
            Just(TokenTypeHint::RefreshToken),
        ]),
    ) {
        let c = client(&id, &secret, auth);
        let request = RevocationRequest::new(&c, AnyToken::new(&token), hint.clone())
            .to_request()
            .expect("builds");
        let parsed = server::parse_revocation_request(&request).expect("parses");
        prop_assert_eq!(parsed.token.secret(), token.as_str());
        prop_assert_eq!(parsed.token_type_hint, hint);
        let credentials = parsed.client.expect("identified");
        prop_assert_eq!(credentials.client_id.as_str(), id.as_str());
        prop_assert_eq!(credentials.method, auth);
    }

    #[test]
    fn authorization_requests_and_callbacks_round_trip(
        id in text(),
        state in text(),
        code in text(),
        scope_list in scopes(),
        verifier in verifier(),
        plain in any::<bool>(),
    ) {
        let c = Client::new(ClientId::new(&id))
            .with_authorization_endpoint(Url::parse("https://as.example/authorize?tenant=1").expect("valid"));
        let method = if plain { PkceMethod::Plain } else { PkceMethod::S256 };
        let redirect = RedirectUri::new("https://app.example/cb?x=1");
        let scopes: Vec<Scope> = scope_list.iter().map(Scope::new).collect();
        let (request, pending) = c
            .authorization_request_with(
                State::new(&state),
                Some((PkceVerifier::new(verifier.as_str()).expect("valid"), method)),
                Some(redirect.clone()),
                scopes.clone(),
            )
            .expect("builds");
        let params = server::parse_authorization_request(request.to_url().expect("valid endpoint").as_str()).expect("parses");
        prop_assert_eq!(params.client_id.as_str(), id.as_str());
        prop_assert_eq!(params.state.as_ref(), Some(&State::new(&state)));
        prop_assert_eq!(params.scopes, scopes);
        prop_assert_eq!(params.redirect_uri.as_ref(), Some(&redirect));
        prop_assert_eq!(params.extra, vec![("tenant".to_owned(), "1".to_owned())]);
        let challenge = params.code_challenge.expect("PKCE sent");
        let verifier_back = pending.pkce_verifier.as_ref().expect("kept");
        prop_assert!(server::verify_pkce(Some(&challenge), Some(verifier_back)).is_ok());

        let back = server::authorization_redirect(&redirect, &AuthorizationCode::new(&code), Some(&pending.state))
            .expect("redirect");
        let got = pending.read_callback(back.as_str()).expect("callback");
        prop_assert_eq!(got.secret(), code.as_str());
        let wrong = format!("{}x", pending.state);
        let mismatch = parse_callback(back.as_str(), Some(&State::new(wrong))).unwrap_err();
        prop_assert_eq!(mismatch.code(), "state_mismatch");
    }

    #[test]
    fn token_responses_round_trip(
        access in text(),
        refresh in prop::option::of(text()),
        expires_in in prop::option::of(any::<u64>()),
        scope_list in prop::option::of(prop::collection::vec("[!-~]{1,8}", 1..4)),
    ) {
        let mut response = TokenResponse::bearer(AccessToken::new(&access));
        response.refresh_token = refresh.map(RefreshToken::new);
        response.expires_in = expires_in;
        response.scope = scope_list.map(|s| s.into_iter().map(Scope::new).collect());
        let http_response = server::token_response(&response);
        prop_assert_eq!(TokenResponse::from_http(&http_response).expect("parses"), response);
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), status in 100u16..600) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_callback(&text, Some(&State::new("s")));
        let _ = parse_fragment(&text, None);
        let _ = parse_callback(&format!("https://c.example/cb?{text}"), None);
        let _ = parse_fragment(&format!("https://c.example/cb#{text}"), None);
        let _ = TokenResponse::parse(status, None, &bytes, 100, " ");
        let _ = TokenResponse::parse(status, Some("application/x-www-form-urlencoded"), &bytes, 1000, " ");
        let _ = DeviceAuthorizationResponse::parse(status, None, &bytes, 1000);
        let _ = IntrospectionResponse::parse(status, None, &bytes, 1000);
        let _ = parse_challenges(&text);
        let _ = BearerChallenge::parse(&text);
        let _ = parse_authorization(&text);
        let _ = server::parse_authorization_request(&text);
        let _ = PkceVerifier::new(text.as_ref());
        let _ = RetryAfter::parse(&text);
        if let Ok(response) = http::Response::builder().status(status).body(bytes.clone()) {
            let _ = read_revocation_response(&response, 1000);
        }
        let mut builder = http::Request::post("https://as.example/token")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Ok(value) = http::HeaderValue::from_bytes(&bytes[..bytes.len().min(40)]) {
            builder = builder.header("authorization", value);
        }
        if let Ok(request) = builder.body(bytes.clone()) {
            let _ = server::parse_token_request(&request);
            let _ = server::parse_revocation_request(&request);
            let _ = server::parse_introspection_request(&request);
            let _ = server::parse_device_authorization_request(&request);
        }
    }

    #[test]
    fn challenge_parser_survives_structured_noise(
        parts in prop::collection::vec(prop_oneof![
            Just("Bearer".to_owned()), Just(" ".to_owned()), Just(",".to_owned()),
            Just("=".to_owned()), Just("\"".to_owned()), Just("\\".to_owned()),
            Just("realm".to_owned()), Just("x".to_owned()), Just("Basic".to_owned()),
            Just("==".to_owned()), Just("\"a\\\"b\"".to_owned()),
        ], 0..16)
    ) {
        let header: String = parts.concat();
        if let Ok(challenges) = parse_challenges(&header) {
            prop_assert!(!challenges.is_empty());
        }
    }

    #[test]
    fn basic_header_with_arbitrary_credentials_decodes(id in text(), secret in text()) {
        let c = client(&id, &secret, ClientAuth::Basic);
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, c.basic_authorization());
        let mut form = Vec::new();
        let got = server::client_credentials(&headers, &mut form).expect("decodes").expect("present");
        prop_assert_eq!(got.client_id.as_str(), id.as_str());
        prop_assert!(got.secret_matches(&ClientSecret::new(&secret)));
    }
}
