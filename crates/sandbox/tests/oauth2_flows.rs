//! The OAuth 2 providers over real HTTP: code grants with each provider's
//! client authentication, PKCE, refresh with and without rotation,
//! revocation, introspection, expiry, and their failures.

mod common;

use common::{auto_approving, body, get, location, send};
use http::{Request, header};
use rand_core::OsRng;
use sansauth_oauth2::authorize::PendingAuthorization;
use sansauth_oauth2::client::Client;
use sansauth_oauth2::introspection::IntrospectionRequest;
use sansauth_oauth2::revocation::RevocationRequest;
use sansauth_oauth2::token::{Grant, TokenRequest, TokenResponse};
use sansauth_oauth2::types::{AnyToken, AuthorizationCode, RedirectUri, RefreshToken};
use sansauth_providers::api::{fitbit, mapmyfitness71, mapmytracks};
use sansauth_sandbox::Sandbox;

const REDIRECT: &str = "http://127.0.0.1:12345/callback";

fn client(sandbox: &Sandbox, name: &str) -> Client {
    let registration = sandbox.client(name).unwrap();
    sandbox
        .profile(name)
        .unwrap()
        .oauth2_client(&registration.client_id, Some(&registration.client_secret))
        .unwrap()
}

/// Authorizes as alice and returns the pending authorization and the code.
fn authorize(
    sandbox: &Sandbox,
    name: &str,
    client: &Client,
) -> (PendingAuthorization, AuthorizationCode) {
    let profile = sandbox.profile(name).unwrap();
    let (request, pending) = if profile.oauth2.as_ref().unwrap().pkce {
        client
            .authorization_request(
                &mut OsRng,
                Some(RedirectUri::new(REDIRECT)),
                profile.default_scopes(),
            )
            .unwrap()
    } else {
        let state = sansauth_oauth2::types::State::generate(&mut OsRng);
        client
            .authorization_request_with(
                state,
                None,
                Some(RedirectUri::new(REDIRECT)),
                profile.default_scopes(),
            )
            .unwrap()
    };
    let callback = location(&get(request.to_url().unwrap().as_str()));
    let code = pending.read_callback(&callback).unwrap();
    (pending, code)
}

/// Exchanges a code for tokens.
fn tokens(sandbox: &Sandbox, name: &str, client: &Client) -> TokenResponse {
    let (pending, code) = authorize(sandbox, name, client);
    let request = pending.into_token_request(client, code);
    let response = send(request.to_request().unwrap());
    sandbox
        .profile(name)
        .unwrap()
        .read_token_response(&request, &response)
        .unwrap()
}

fn refresh(
    sandbox: &Sandbox,
    name: &str,
    client: &Client,
    token: &RefreshToken,
) -> Result<TokenResponse, sansauth_oauth2::Error> {
    let grant = Grant::RefreshToken {
        refresh_token: token.clone(),
        scopes: Vec::new(),
    };
    let request = TokenRequest::new(client, grant);
    let response = send(request.to_request().unwrap());
    sandbox
        .profile(name)
        .unwrap()
        .read_token_response(&request, &response)
}

fn bearer(mut request: Request<Vec<u8>>, token: &TokenResponse) -> Request<Vec<u8>> {
    sansauth_oauth2::bearer::authorize_request(&mut request, &token.access_token).unwrap();
    request
}

#[test]
fn mapmyfitness_wants_the_api_key_header_and_body_credentials() {
    let sandbox = auto_approving();
    let name = "mapmyfitness";
    let client = client(&sandbox, name);
    let issued = tokens(&sandbox, name, &client);
    assert_eq!(issued.expires_in, Some(5_183_999));
    assert_eq!(issued.extra["user_id"], "26345682");

    let profile = sandbox.profile(name).unwrap();
    let request = bearer(
        mapmyfitness71::list_activity_types(profile, client.client_id.as_str()).unwrap(),
        &issued,
    );
    let response = send(request);
    let types =
        mapmyfitness71::read_activity_types(response.status().as_u16(), response.body()).unwrap();
    assert!(types.iter().any(|t| t.name == "Run"));

    // Without the Api-Key header the token endpoint refuses the client.
    let mut bare = client.clone();
    bare.token_request_headers.clear();
    let (pending, code) = authorize(&sandbox, name, &client);
    let request = pending.into_token_request(&bare, code);
    let response = send(request.to_request().unwrap());
    assert_eq!(
        request.read_response(&response).unwrap_err().code(),
        "invalid_client"
    );

    // Refresh, with the demo's bearer header; the refresh token does not rotate here.
    let refresh_token = issued.refresh_token.clone().unwrap();
    let mut request = TokenRequest::new(
        &client,
        Grant::RefreshToken {
            refresh_token: refresh_token.clone(),
            scopes: Vec::new(),
        },
    );
    for (k, v) in profile
        .refresh_headers(client.client_id.as_str(), issued.access_token.secret())
        .unwrap()
    {
        request = request.with_header(k, v);
    }
    let refreshed = request
        .read_response(&send(request.to_request().unwrap()))
        .unwrap();
    assert_eq!(refreshed.refresh_token.as_ref(), Some(&refresh_token));
    assert!(refresh(&sandbox, name, &client, &refresh_token).is_ok());
}

#[test]
fn mapmytracks_rotates_refresh_tokens_and_revokes() {
    let sandbox = auto_approving();
    let name = "mapmytracks";
    let client = client(&sandbox, name);
    let first = tokens(&sandbox, name, &client);
    let old = first.refresh_token.clone().unwrap();
    let second = refresh(&sandbox, name, &client, &old).unwrap();
    let new = second.refresh_token.clone().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        refresh(&sandbox, name, &client, &old).unwrap_err().code(),
        "invalid_grant"
    );

    // A live activity: start, update, stop, and the data kept.
    let profile = sandbox.profile(name).unwrap();
    let mut start =
        mapmytracks::StartActivity::new(mapmytracks::Visibility::Private, "running", "Lunch run");
    start.data.points.push(mapmytracks::TrackPoint {
        lat: 51.5,
        lon: -0.12,
        ele: Some(10.0),
        unix_timestamp: 1_700_000_000,
    });
    let response = send(bearer(
        mapmytracks::start_activity(profile, &start, "bNd1").unwrap(),
        &second,
    ));
    let id = mapmytracks::read_started(response.status().as_u16(), response.body()).unwrap();
    let mut more = mapmytracks::ActivityData::default();
    more.heart_rate.push(mapmytracks::HeartRate {
        bpm: 150,
        unix_timestamp: 1_700_000_010,
    });
    let response = send(bearer(
        mapmytracks::update_activity(profile, id, &more, "bNd2").unwrap(),
        &second,
    ));
    mapmytracks::read_ok(
        response.status().as_u16(),
        response.body(),
        "updateActivity",
    )
    .unwrap();
    let response = send(bearer(
        mapmytracks::stop_activity(profile, id, "bNd3").unwrap(),
        &second,
    ));
    mapmytracks::read_ok(response.status().as_u16(), response.body(), "stopActivity").unwrap();
    let response = send(bearer(
        mapmytracks::stop_activity(profile, id, "bNd4").unwrap(),
        &second,
    ));
    assert_eq!(
        mapmytracks::read_ok(response.status().as_u16(), response.body(), "stopActivity")
            .unwrap_err()
            .code(),
        "provider_error"
    );
    let kept = sandbox.activities();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].stopped);
    assert_eq!(kept[0].data[0]["loc"][0]["lat"], 51.5);
    assert_eq!(kept[0].data[1]["hr"][0]["hr"], 150);

    // Revoking the refresh token ends the grant: the access token stops working too.
    let revoke = RevocationRequest::refresh_token(&client, &new);
    assert!(
        revoke
            .read_response(&send(revoke.to_request().unwrap()))
            .is_ok()
    );
    assert_eq!(
        refresh(&sandbox, name, &client, &new).unwrap_err().code(),
        "invalid_grant"
    );
    let response = send(bearer(mapmytracks::get_routes(profile).unwrap(), &second));
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
}

#[test]
fn mapmytracks_refuses_body_credentials() {
    let sandbox = auto_approving();
    let mut client = client(&sandbox, "mapmytracks");
    client.auth = sansauth_oauth2::client::ClientAuth::Post;
    let (pending, code) = authorize(&sandbox, "mapmytracks", &client);
    let request = pending.into_token_request(&client, code);
    let err = request
        .read_response(&send(request.to_request().unwrap()))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_client");
}

#[test]
fn fitbit_checks_pkce_and_single_use_codes_and_speaks_its_error_shape() {
    let sandbox = auto_approving();
    let name = "fitbit";
    let client = client(&sandbox, name);
    let profile = sandbox.profile(name).unwrap();

    // The redirect carries Fitbit's `#_=_`, which the callback reader ignores.
    let (request, pending) = client
        .authorization_request(
            &mut OsRng,
            Some(RedirectUri::new(REDIRECT)),
            profile.default_scopes(),
        )
        .unwrap();
    assert!(
        request
            .to_url()
            .unwrap()
            .as_str()
            .contains("code_challenge_method=S256")
    );
    let callback = location(&get(request.to_url().unwrap().as_str()));
    assert!(callback.ends_with("#_=_"), "{callback}");
    let code = pending.read_callback(&callback).unwrap();

    // A wrong verifier fails, and so does the code afterwards (it was spent).
    let wrong = TokenRequest::new(
        &client,
        Grant::AuthorizationCode {
            code: code.clone(),
            redirect_uri: Some(RedirectUri::new(REDIRECT)),
            code_verifier: Some(sansauth_oauth2::pkce::PkceVerifier::generate(&mut OsRng)),
        },
    );
    let response = send(wrong.to_request().unwrap());
    assert!(
        body(&response).contains("\"errors\""),
        "{}",
        body(&response)
    );
    assert_eq!(
        profile
            .read_token_response(&wrong, &response)
            .unwrap_err()
            .code(),
        "invalid_grant"
    );
    let request = pending.into_token_request(&client, code);
    let response = send(request.to_request().unwrap());
    assert_eq!(
        profile
            .read_token_response(&request, &response)
            .unwrap_err()
            .code(),
        "invalid_grant"
    );

    // A fresh flow works; its refresh token works once.
    let issued = tokens(&sandbox, name, &client);
    assert_eq!(issued.expires_in, Some(28_800));
    let response = send(bearer(fitbit::get_profile(profile, "").unwrap(), &issued));
    assert_eq!(
        fitbit::read_profile(response.status().as_u16(), response.body())
            .unwrap()
            .display_name,
        "Alice Runner"
    );
    let old = issued.refresh_token.clone().unwrap();
    let renewed = refresh(&sandbox, name, &client, &old).unwrap();
    assert_eq!(
        refresh(&sandbox, name, &client, &old).unwrap_err().code(),
        "invalid_grant"
    );

    // Introspection, authenticated with a bearer token.
    let introspect =
        IntrospectionRequest::new(&client, AnyToken::new(renewed.access_token.secret()));
    let mut http_request = introspect.to_request().unwrap();
    http_request.headers_mut().remove(header::AUTHORIZATION);
    let http_request = bearer(http_request, &renewed);
    let answer = introspect.read_response(&send(http_request)).unwrap();
    assert!(answer.active);

    // Expiry: past 28800 seconds the access token is refused as expired.
    sandbox.advance_clock(28_801);
    let response = send(bearer(fitbit::get_profile(profile, "").unwrap(), &renewed));
    assert_eq!(response.status(), 401);
    let err = fitbit::read_profile(401, response.body()).unwrap_err();
    assert!(err.to_string().contains("expired_token"), "{err}");
}

#[test]
fn a_redirect_uri_that_differs_from_the_authorized_one_is_refused() {
    let sandbox = auto_approving();
    let client = client(&sandbox, "mapmytracks");
    let (_, code) = authorize(&sandbox, "mapmytracks", &client);
    let request = TokenRequest::new(
        &client,
        Grant::AuthorizationCode {
            code,
            redirect_uri: Some(RedirectUri::new("http://127.0.0.1:9/elsewhere")),
            code_verifier: None,
        },
    );
    let err = request
        .read_response(&send(request.to_request().unwrap()))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_grant");
}
