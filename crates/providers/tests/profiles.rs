//! The profile format: built-ins, round trips through TOML, rebasing, and errors.

use std::path::Path;

use sansauth_providers::profile::{CallbackStyle, ClientAuth, Placement, Protocol};
use sansauth_providers::{Error, Profile, builtin};
use url::Url;

fn problem(text: &str) -> sansauth_providers::ProfileProblem {
    match Profile::from_toml(text, Some(Path::new("my-provider.toml"))) {
        Err(Error::InvalidProfile(problem)) => problem,
        other => panic!("expected an invalid profile, got {other:?}"),
    }
}

const MINIMAL: &str = r#"
name = "example"
display_name = "Example"
protocol = "oauth2"
api_base_url = "https://api.example.com/v1/"

[oauth2]
authorization_endpoint = "https://example.com/authorize"
token_endpoint = "https://api.example.com/token"
client_auth = "basic"
"#;

#[test]
fn every_builtin_profile_loads_and_is_named_after_its_file() {
    let names: Vec<&str> = builtin::names().collect();
    assert_eq!(
        names,
        [
            "mapmyfitness-oauth1",
            "mapmyfitness",
            "mapmytracks",
            "fitbit-oauth1",
            "fitbit"
        ]
    );
    for name in names {
        let profile = builtin::get(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(profile.name, name);
        assert!(!profile.docs.is_empty(), "{name} cites no document");
        assert!(
            profile.problems().is_empty(),
            "{name}: {:?}",
            profile.problems()
        );
    }
    assert_eq!(builtin::get("nope").unwrap_err().code(), "unknown_profile");
}

#[test]
fn every_builtin_profile_round_trips_through_toml() {
    for profile in builtin::all().unwrap() {
        let text = profile.to_toml().unwrap();
        let back = Profile::from_toml(&text, None)
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", profile.name));
        assert_eq!(back, profile, "{text}");
    }
}

#[test]
fn builtin_profiles_state_their_quirks() {
    let mmf1 = builtin::get("mapmyfitness-oauth1").unwrap();
    let o1 = mmf1.oauth1.as_ref().unwrap();
    assert_eq!(
        (o1.token_placement, o1.api_placement),
        (Placement::Body, Placement::Query)
    );
    assert_eq!(o1.authorize_params["oauth_callback"], "{callback}");
    assert_eq!(mmf1.api.query_params["api_key"], "{client_id}");
    assert!(mmf1.allow_insecure_http);

    let mmf2 = builtin::get("mapmyfitness").unwrap();
    let o2 = mmf2.oauth2.as_ref().unwrap();
    assert_eq!(o2.client_auth, ClientAuth::Post);
    assert_eq!(o2.token_request_headers["Api-Key"], "{client_id}");
    assert_eq!(mmf2.api.headers["Api-Key"], "{client_id}");
    assert_eq!(
        o2.token_endpoint.as_str(),
        "https://api.mapmyfitness.com/v7.1/oauth2/access_token/"
    );

    let tracks = builtin::get("mapmytracks").unwrap();
    let o2 = tracks.oauth2.as_ref().unwrap();
    assert_eq!(o2.client_auth, ClientAuth::Basic);
    assert!(o2.refresh_token_rotation);
    assert!(o2.revocation_endpoint.is_some());

    let fitbit1 = builtin::get("fitbit-oauth1").unwrap();
    let o1 = fitbit1.oauth1.as_ref().unwrap();
    assert_eq!(
        (o1.callback, o1.token_placement, o1.api_placement),
        (CallbackStyle::Oob, Placement::Header, Placement::Header)
    );

    let fitbit = builtin::get("fitbit").unwrap();
    let o2 = fitbit.oauth2.as_ref().unwrap();
    assert!(o2.pkce && o2.refresh_token_rotation);
    assert_eq!(o2.default_token_lifetime, Some(28800));
    assert_eq!(fitbit.protocol, Protocol::OAuth2);
}

#[test]
fn rebasing_keeps_paths_and_queries_and_folds_hosts() {
    let base = Url::parse("http://127.0.0.1:8080/fitbit").unwrap();
    let rebased = builtin::get("fitbit").unwrap().rebase(&base).unwrap();
    let o2 = rebased.oauth2.as_ref().unwrap();
    assert_eq!(
        o2.authorization_endpoint.as_ref().unwrap().as_str(),
        "http://127.0.0.1:8080/fitbit/oauth2/authorize"
    );
    assert_eq!(
        o2.token_endpoint.as_str(),
        "http://127.0.0.1:8080/fitbit/oauth2/token"
    );
    assert_eq!(
        o2.introspection_endpoint.as_ref().unwrap().as_str(),
        "http://127.0.0.1:8080/fitbit/1.1/oauth2/introspect"
    );
    assert_eq!(
        rebased.api_base_url.as_str(),
        "http://127.0.0.1:8080/fitbit/"
    );
    // Plain http to loopback is fine without the insecure opt-in.
    assert!(rebased.problems().is_empty(), "{:?}", rebased.problems());

    let mmf1 = builtin::get("mapmyfitness-oauth1").unwrap();
    let rebased = mmf1
        .rebase(&Url::parse("http://127.0.0.1:9/m/").unwrap())
        .unwrap();
    let o1 = rebased.oauth1.as_ref().unwrap();
    assert_eq!(
        o1.temporary_credentials_endpoint.as_str(),
        "http://127.0.0.1:9/m/3.1/oauth/request_token"
    );
    assert_eq!(
        o1.authorization_endpoint.as_str(),
        "http://127.0.0.1:9/m/oauth/authorize/"
    );

    let mut with_query = Profile::from_toml(MINIMAL, None).unwrap();
    with_query.oauth2.as_mut().unwrap().token_endpoint =
        Url::parse("https://api.example.com/token?v=2").unwrap();
    let rebased = with_query
        .rebase(&Url::parse("http://localhost:1/x/").unwrap())
        .unwrap();
    assert_eq!(
        rebased.oauth2.unwrap().token_endpoint.as_str(),
        "http://localhost:1/x/token?v=2"
    );

    let err = with_query
        .rebase(&Url::parse("mailto:a@b.c").unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "invalid_base_url");
}

#[test]
fn a_minimal_user_profile_loads() {
    let profile = Profile::from_toml(MINIMAL, None).unwrap();
    let o2 = profile.oauth2.unwrap();
    assert_eq!(o2.scope_separator, " ");
    assert!(!o2.pkce);
}

#[test]
fn an_unknown_field_is_reported_with_file_line_and_field() {
    let text = MINIMAL.replace(
        "client_auth = \"basic\"",
        "client_auth = \"basic\"\nrefresh_rotates = true",
    );
    let p = problem(&text);
    assert_eq!(p.file.as_deref(), Some(Path::new("my-provider.toml")));
    assert_eq!(p.line, Some(11));
    assert_eq!(p.field.as_deref(), Some("oauth2.refresh_rotates"));
    assert!(
        p.message.contains("unknown field `refresh_rotates`"),
        "{}",
        p.message
    );
    let shown = Error::InvalidProfile(p).to_string();
    assert!(
        shown.starts_with("my-provider.toml:11:1: field `oauth2.refresh_rotates`: "),
        "{shown}"
    );
}

#[test]
fn a_missing_endpoint_is_reported() {
    let text = MINIMAL.replace("token_endpoint = \"https://api.example.com/token\"\n", "");
    let p = problem(&text);
    assert!(p.message.contains("token_endpoint"), "{}", p.message);
    assert_eq!(
        (p.line, p.field.as_deref()),
        (Some(7), Some("oauth2")),
        "{p:?}"
    );
}

#[test]
fn a_missing_protocol_table_is_reported() {
    let text = MINIMAL.replace("protocol = \"oauth2\"", "protocol = \"oauth1\"");
    let p = problem(&text);
    assert_eq!(p.field.as_deref(), Some("oauth1"));
    assert!(p.message.contains("no [oauth1] table"), "{}", p.message);
}

#[test]
fn an_insecure_url_is_reported_at_its_line() {
    let text = MINIMAL.replace(
        "https://api.example.com/token",
        "http://api.example.com/token",
    );
    let p = problem(&text);
    assert_eq!(p.field.as_deref(), Some("oauth2.token_endpoint"));
    assert_eq!(p.line, Some(9));
    assert!(p.message.contains("allow_insecure_http"), "{}", p.message);

    let allowed = text.replace("[oauth2]", "allow_insecure_http = true\n\n[oauth2]");
    assert!(Profile::from_toml(&allowed, None).is_ok());
}

#[test]
fn a_bad_value_and_a_bad_placeholder_are_reported() {
    let p = problem(&MINIMAL.replace("\"basic\"", "\"basik\""));
    assert_eq!(p.field.as_deref(), Some("oauth2.client_auth"));
    assert_eq!(p.line, Some(10));

    let p = problem(&format!(
        "{MINIMAL}\n[api.headers]\nApi-Key = \"{{client}}\"\n"
    ));
    assert_eq!(p.field.as_deref(), Some("api.headers.Api-Key"));
    assert!(p.message.contains("{client}"), "{}", p.message);

    let p = problem("name = \"x\"\nthis is not toml");
    assert_eq!(p.line, Some(2));
}
