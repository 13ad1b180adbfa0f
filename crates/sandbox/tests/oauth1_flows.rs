//! The OAuth 1 providers over real HTTP: the MapMyFitness API 3.1 tutorial's
//! three legs and API calls, and Fitbit's PIN flow, with the failures a real
//! provider gives.

mod common;

use common::{auto_approving, body, element_text, get, location, send};
use http::Request;
use sansauth_oauth1::flow::{
    OUT_OF_BAND, TemporaryCredentialsRequest, TokenCredentialsRequest, authorize_url,
    parse_callback, parse_credentials_response,
};
use sansauth_oauth1::{
    ConsumerSecret, Placement, ProtocolParams, RequestParts, SignedRequest, Signer,
    TokenCredentials, unix_now,
};
use sansauth_providers::api::mapmyfitness31::{self, NewWorkout};
use sansauth_providers::api::{ApiError, fitbit};
use sansauth_providers::template::{Vars, expand};
use sansauth_sandbox::Sandbox;

const CALLBACK: &str = "http://127.0.0.1:12345/callback";

fn signed_to_http(signed: SignedRequest) -> Request<Vec<u8>> {
    signed.into_http().unwrap()
}

/// Runs the three legs for `name` and returns the token credentials.
fn three_legs(sandbox: &Sandbox, name: &str, callback: &str) -> TokenCredentials {
    let profile = sandbox.profile(name).unwrap();
    let settings = profile.oauth1_settings().unwrap();
    let client = sandbox.client(name).unwrap();
    let secret = ConsumerSecret::new(client.client_secret.clone());
    let placement = Placement::from(settings.token_placement);

    let signer = profile
        .oauth1_signer(&client.client_id, &secret, None)
        .unwrap();
    let nonce = sansauth_oauth1::Nonce::random();
    let signed = TemporaryCredentialsRequest::new(
        settings.temporary_credentials_endpoint.as_str(),
        callback,
    )
    .with_placement(placement)
    .sign(&signer, &ProtocolParams::new(unix_now(), nonce.as_str()))
    .unwrap();
    let response = send(signed_to_http(signed));
    assert_eq!(response.status(), 200, "{}", body(&response));
    let temporary = parse_credentials_response(response.body(), true)
        .unwrap()
        .credentials;

    let vars = Vars {
        client_id: &client.client_id,
        callback,
        ..Vars::default()
    };
    let extra: Vec<(String, String)> = settings
        .authorize_params
        .iter()
        .map(|(k, v)| (k.clone(), expand(v, &vars).unwrap()))
        .collect();
    let extra: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = authorize_url(
        settings.authorization_endpoint.as_str(),
        temporary.token(),
        &extra,
    )
    .unwrap();
    let page = get(&url);
    let verifier = if callback == OUT_OF_BAND {
        assert_eq!(page.status(), 200);
        element_text(&body(&page), "pin").expect("the consent page shows a PIN")
    } else {
        parse_callback(&location(&page), temporary.token())
            .unwrap()
            .verifier
    };

    let signer = profile
        .oauth1_signer(&client.client_id, &secret, Some(&temporary))
        .unwrap();
    let nonce = sansauth_oauth1::Nonce::random();
    let signed =
        TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), &verifier)
            .with_placement(placement)
            .sign(&signer, &ProtocolParams::new(unix_now(), nonce.as_str()))
            .unwrap();
    let response = send(signed_to_http(signed));
    assert_eq!(response.status(), 200, "{}", body(&response));
    parse_credentials_response(response.body(), false)
        .unwrap()
        .credentials
}

/// Signs an API call the way the profile says.
fn api_call(
    sandbox: &Sandbox,
    name: &str,
    token: &TokenCredentials,
    request: Request<Vec<u8>>,
) -> Request<Vec<u8>> {
    let profile = sandbox.profile(name).unwrap();
    let client = sandbox.client(name).unwrap();
    let signer = profile
        .oauth1_signer(
            &client.client_id,
            &ConsumerSecret::new(client.client_secret.clone()),
            Some(token),
        )
        .unwrap();
    let placement = Placement::from(profile.oauth1_settings().unwrap().api_placement);
    let nonce = sansauth_oauth1::Nonce::random();
    signer
        .sign_http(
            request,
            &ProtocolParams::new(unix_now(), nonce.as_str()),
            placement,
        )
        .unwrap()
}

#[test]
fn the_mapmyfitness_tutorial_runs_end_to_end() {
    let sandbox = auto_approving();
    let name = "mapmyfitness-oauth1";
    let token = three_legs(&sandbox, name, CALLBACK);
    let profile = sandbox.profile(name).unwrap();
    let client_id = sandbox.client(name).unwrap().client_id.clone();

    let response = send(api_call(
        &sandbox,
        name,
        &token,
        mapmyfitness31::get_user(profile, &client_id).unwrap(),
    ));
    let user = mapmyfitness31::read_user(response.status().as_u16(), response.body()).unwrap();
    assert_eq!(
        (user.user_id, user.username.as_str()),
        (26_345_682, "alice")
    );

    let workout = NewWorkout::new(user.user_id, "Lunch run + hills", 16, "2026-11-21");
    let response = send(api_call(
        &sandbox,
        name,
        &token,
        mapmyfitness31::create_workout(profile, &client_id, &workout).unwrap(),
    ));
    let created =
        mapmyfitness31::read_created_workout(response.status().as_u16(), response.body()).unwrap();
    assert_eq!(created.workout_description, "Lunch run + hills");

    let response = send(api_call(
        &sandbox,
        name,
        &token,
        mapmyfitness31::get_workouts(profile, &client_id, None).unwrap(),
    ));
    let list = mapmyfitness31::read_workouts(response.status().as_u16(), response.body()).unwrap();
    assert_eq!(list.count, 1);
    assert_eq!(list.workouts[0].workout_id, created.workout_id);
    assert_eq!(sandbox.workouts().len(), 1);
}

#[test]
fn unsigned_forged_and_replayed_api_calls_get_the_tutorials_message() {
    let sandbox = auto_approving();
    let name = "mapmyfitness-oauth1";
    let token = three_legs(&sandbox, name, CALLBACK);
    let profile = sandbox.profile(name).unwrap();
    let client_id = sandbox.client(name).unwrap().client_id.clone();
    let refused = |response: http::Response<Vec<u8>>| {
        let err =
            mapmyfitness31::read_user(response.status().as_u16(), response.body()).unwrap_err();
        let ApiError::Provider { messages, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(messages, [mapmyfitness31::AUTHENTICATION_FAILED]);
    };

    refused(send(mapmyfitness31::get_user(profile, &client_id).unwrap()));

    let signed = api_call(
        &sandbox,
        name,
        &token,
        mapmyfitness31::get_user(profile, &client_id).unwrap(),
    );
    let forged = signed
        .uri()
        .to_string()
        .replace("oauth_signature=", "oauth_signature=A");
    refused(get(&forged));

    let signed = api_call(
        &sandbox,
        name,
        &token,
        mapmyfitness31::get_user(profile, &client_id).unwrap(),
    );
    let again = signed.uri().to_string();
    assert_eq!(send(signed).status(), 200);
    refused(get(&again));

    let wrong_secret =
        TokenCredentials::new(token.token(), sansauth_oauth1::TokenSecret::new("not-it"));
    refused(send(api_call(
        &sandbox,
        name,
        &wrong_secret,
        mapmyfitness31::get_user(profile, &client_id).unwrap(),
    )));
}

#[test]
fn token_calls_with_bad_signatures_or_old_timestamps_are_refused() {
    let sandbox = auto_approving();
    let name = "mapmyfitness-oauth1";
    let profile = sandbox.profile(name).unwrap();
    let settings = profile.oauth1_settings().unwrap();
    let client = sandbox.client(name).unwrap();
    let endpoint = settings.temporary_credentials_endpoint.as_str();
    let sign = |secret: &str, timestamp: u64| {
        let signer = Signer::new(
            profile.signature_method().unwrap(),
            &client.client_id,
            &ConsumerSecret::new(secret),
            None,
        )
        .unwrap();
        TemporaryCredentialsRequest::new(endpoint, CALLBACK)
            .with_placement(Placement::Body)
            .sign(&signer, &ProtocolParams::new(timestamp, "fixed-nonce"))
            .unwrap()
    };
    let response = send(signed_to_http(sign("wrong", unix_now())));
    assert_eq!(response.status(), 401);
    assert!(
        body(&response).contains("oauth_problem=signature_invalid"),
        "{}",
        body(&response)
    );

    let response = send(signed_to_http(sign(
        &client.client_secret,
        unix_now() - 3600,
    )));
    assert!(
        body(&response).contains("oauth_problem=timestamp_refused"),
        "{}",
        body(&response)
    );

    // A request that parses but is not for this provider's client.
    let stranger = Signer::new(
        profile.signature_method().unwrap(),
        "someone-else",
        &ConsumerSecret::new("x"),
        None,
    )
    .unwrap();
    let signed = TemporaryCredentialsRequest::new(endpoint, CALLBACK)
        .sign(&stranger, &ProtocolParams::new(unix_now(), "n"))
        .unwrap();
    assert!(body(&send(signed_to_http(signed))).contains("consumer_key_unknown"));
}

#[test]
fn a_verifier_must_match_and_a_request_token_works_once() {
    let sandbox = auto_approving();
    let name = "mapmyfitness-oauth1";
    let profile = sandbox.profile(name).unwrap();
    let settings = profile.oauth1_settings().unwrap();
    let client = sandbox.client(name).unwrap();
    let secret = ConsumerSecret::new(client.client_secret.clone());
    let signer = profile
        .oauth1_signer(&client.client_id, &secret, None)
        .unwrap();
    let signed = TemporaryCredentialsRequest::new(
        settings.temporary_credentials_endpoint.as_str(),
        CALLBACK,
    )
    .with_placement(Placement::Body)
    .sign(&signer, &ProtocolParams::new(unix_now(), "n1"))
    .unwrap();
    let temporary = parse_credentials_response(send(signed_to_http(signed)).body(), true)
        .unwrap()
        .credentials;
    let url = authorize_url(
        settings.authorization_endpoint.as_str(),
        temporary.token(),
        &[],
    )
    .unwrap();
    let verifier = parse_callback(&location(&get(&url)), temporary.token())
        .unwrap()
        .verifier;

    let signer = profile
        .oauth1_signer(&client.client_id, &secret, Some(&temporary))
        .unwrap();
    let exchange = |verifier: &str, nonce: &str| {
        let signed =
            TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), verifier)
                .with_placement(Placement::Body)
                .sign(&signer, &ProtocolParams::new(unix_now(), nonce))
                .unwrap();
        send(signed_to_http(signed))
    };
    assert!(body(&exchange("wrong-pin", "n2")).contains("verifier_invalid"));
    assert_eq!(exchange(&verifier, "n3").status(), 200);
    assert!(body(&exchange(&verifier, "n4")).contains("token_rejected"));
}

#[test]
fn the_fitbit_pin_flow_runs_with_header_signatures() {
    let sandbox = auto_approving();
    let name = "fitbit-oauth1";
    let token = three_legs(&sandbox, name, OUT_OF_BAND);
    let profile = sandbox.profile(name).unwrap();
    let request = api_call(
        &sandbox,
        name,
        &token,
        fitbit::get_profile(profile, "").unwrap(),
    );
    assert!(
        request.headers()["authorization"]
            .to_str()
            .unwrap()
            .starts_with("OAuth ")
    );
    let response = send(request);
    let user = fitbit::read_profile(response.status().as_u16(), response.body()).unwrap();
    assert_eq!(user.display_name, "Alice Runner");

    let unsigned = send(fitbit::get_profile(profile, "").unwrap());
    assert_eq!(unsigned.status(), 401);
    assert!(matches!(
        fitbit::read_profile(401, unsigned.body()),
        Err(ApiError::Provider { .. })
    ));
}

#[test]
fn the_plain_parts_api_verifies_too() {
    // The same check, fed through RequestParts rather than http::Request.
    let sandbox = auto_approving();
    let name = "fitbit-oauth1";
    let token = three_legs(&sandbox, name, OUT_OF_BAND);
    let profile = sandbox.profile(name).unwrap();
    let client = sandbox.client(name).unwrap();
    let url = profile.api_base_url.join("1/user/-/profile.json").unwrap();
    let signer = profile
        .oauth1_signer(
            &client.client_id,
            &ConsumerSecret::new(client.client_secret.clone()),
            Some(&token),
        )
        .unwrap();
    let signed = signer
        .sign(
            &RequestParts::new("GET", url.as_str()),
            &ProtocolParams::new(unix_now(), "parts-nonce"),
            Placement::Header,
        )
        .unwrap();
    let request = Request::get(url.as_str())
        .header("authorization", signed.authorization().unwrap())
        .body(Vec::new())
        .unwrap();
    assert_eq!(send(request).status(), 200);
}
