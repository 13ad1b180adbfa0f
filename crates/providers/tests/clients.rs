//! Profiles turned into core clients: each provider's quirks show in the
//! requests the cores then build.

use http::{Response, header};
use sansauth_oauth1::flow::{OUT_OF_BAND, TemporaryCredentialsRequest};
use sansauth_oauth1::{ConsumerSecret, Placement, ProtocolParams};
use sansauth_oauth2::token::{Grant, TokenRequest};
use sansauth_oauth2::types::{AuthorizationCode, RedirectUri};
use sansauth_providers::builtin;

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn code_grant() -> Grant {
    Grant::AuthorizationCode {
        code: AuthorizationCode::new("the-code"),
        redirect_uri: Some(RedirectUri::new("http://localhost:12345/callback")),
        code_verifier: None,
    }
}

#[test]
fn mapmyfitness_sends_the_api_key_header_and_credentials_in_the_body() {
    let profile = builtin::get("mapmyfitness").unwrap();
    let client = profile.oauth2_client("my-id", Some("my-secret")).unwrap();
    let request = TokenRequest::new(&client, code_grant())
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri(),
        "https://api.mapmyfitness.com/v7.1/oauth2/access_token/"
    );
    assert_eq!(request.headers()["Api-Key"], "my-id");
    assert!(request.headers().get(header::AUTHORIZATION).is_none());
    let body = form(request.body());
    assert!(body.contains(&("client_id".into(), "my-id".into())));
    assert!(body.contains(&("client_secret".into(), "my-secret".into())));
    assert_eq!(
        profile.refresh_headers("my-id", "at").unwrap(),
        [("Authorization".to_owned(), "Bearer at".to_owned())]
    );
}

#[test]
fn mapmytracks_and_fitbit_authenticate_with_basic() {
    for name in ["mapmytracks", "fitbit"] {
        let profile = builtin::get(name).unwrap();
        let client = profile.oauth2_client("id", Some("secret")).unwrap();
        let request = TokenRequest::new(&client, code_grant())
            .to_request()
            .unwrap();
        // base64("id:secret")
        assert_eq!(
            request.headers()[header::AUTHORIZATION],
            "Basic aWQ6c2VjcmV0",
            "{name}"
        );
        assert!(
            !form(request.body())
                .iter()
                .any(|(k, _)| k == "client_secret"),
            "{name}"
        );
    }
}

#[test]
fn fitbit_errors_surface_as_typed_oauth_errors() {
    let profile = builtin::get("fitbit").unwrap();
    let client = profile.oauth2_client("id", Some("secret")).unwrap();
    let request = TokenRequest::new(&client, code_grant());
    let response = Response::builder()
        .status(400)
        .body(br#"{"errors":[{"errorType":"invalid_grant","message":"Authorization code invalid"}],"success":false}"#.to_vec())
        .unwrap();
    let err = profile
        .read_token_response(&request, &response)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_grant");
    assert_eq!(
        err.error_response().unwrap().error_description.as_deref(),
        Some("Authorization code invalid")
    );
}

#[test]
fn oauth1_profiles_give_signers_that_place_where_the_provider_wants() {
    let profile = builtin::get("mapmyfitness-oauth1").unwrap();
    let settings = profile.oauth1_settings().unwrap();
    let signer = profile
        .oauth1_signer("ck", &ConsumerSecret::new("cs"), None)
        .unwrap();
    let endpoint = settings.temporary_credentials_endpoint.as_str();
    let signed = TemporaryCredentialsRequest::new(endpoint, "http://127.0.0.1:12345/")
        .with_placement(Placement::from(settings.token_placement))
        .sign(&signer, &ProtocolParams::new(1_300_000_000, "n0nce"))
        .unwrap();
    assert!(signed.authorization().is_none());
    let body = form(signed.body());
    assert!(body.iter().any(|(k, _)| k == "oauth_signature"));
    assert!(body.contains(&("oauth_callback".into(), "http://127.0.0.1:12345/".into())));

    let fitbit = builtin::get("fitbit-oauth1").unwrap();
    let settings = fitbit.oauth1_settings().unwrap();
    let signer = fitbit
        .oauth1_signer("ck", &ConsumerSecret::new("cs"), None)
        .unwrap();
    let signed = TemporaryCredentialsRequest::new(
        settings.temporary_credentials_endpoint.as_str(),
        OUT_OF_BAND,
    )
    .with_placement(Placement::from(settings.token_placement))
    .sign(&signer, &ProtocolParams::new(1_300_000_000, "n0nce"))
    .unwrap();
    assert!(
        signed
            .authorization()
            .unwrap()
            .contains("oauth_callback=\"oob\"")
    );
}

#[test]
fn the_wrong_protocol_is_an_error() {
    let profile = builtin::get("fitbit").unwrap();
    assert_eq!(
        profile.oauth1_settings().unwrap_err().code(),
        "wrong_protocol"
    );
    let profile = builtin::get("fitbit-oauth1").unwrap();
    assert_eq!(
        profile.oauth2_client("a", None).unwrap_err().code(),
        "wrong_protocol"
    );
}

#[test]
fn oauth1_quirks_come_from_the_profile() {
    let profile = builtin::get("mapmyfitness-oauth1").unwrap();
    let url = profile
        .oauth1_authorize_url("tok", "ck", "http://127.0.0.1:12345/")
        .unwrap();
    assert_eq!(
        url,
        "https://www.mapmyfitness.com/oauth/authorize/?oauth_token=tok&oauth_callback=http%3A%2F%2F127.0.0.1%3A12345%2F"
    );
    assert_eq!(
        profile.oauth1_token_headers("ck").unwrap(),
        [(
            "Accept".to_owned(),
            "application/x-www-form-urlencoded".to_owned()
        )]
    );
    assert_eq!(profile.oauth1_params(1, "n").version, Some("1.0"));
    let fitbit = builtin::get("fitbit-oauth1").unwrap();
    assert_eq!(
        fitbit.oauth1_authorize_url("tok", "ck", "oob").unwrap(),
        "https://www.fitbit.com/oauth/authorize?oauth_token=tok"
    );
    assert_eq!(
        builtin::get("fitbit")
            .unwrap()
            .oauth1_token_headers("x")
            .unwrap_err()
            .code(),
        "wrong_protocol"
    );
}
