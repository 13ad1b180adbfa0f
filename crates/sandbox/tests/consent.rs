//! The consent page as a person uses it (a real HTML form posted back), and
//! the sandbox's own lifecycle: loopback only, unknown paths, the manifest.

mod common;

use common::{body, element_text, get, hidden_inputs, location, post_form};
use rand_core::OsRng;
use sansauth_oauth2::authorize::parse_callback;
use sansauth_oauth2::types::RedirectUri;
use sansauth_sandbox::{Sandbox, SandboxConfig};

/// Opens the Map My Tracks consent page and returns (page URL, hidden fields).
fn consent_page(
    sandbox: &Sandbox,
) -> (String, Vec<(String, String)>, sansauth_oauth2::types::State) {
    let registration = sandbox.client("mapmytracks").unwrap();
    let client = sandbox
        .profile("mapmytracks")
        .unwrap()
        .oauth2_client(&registration.client_id, None)
        .unwrap();
    let state = sansauth_oauth2::types::State::generate(&mut OsRng);
    let (request, _) = client
        .authorization_request_with(
            state.clone(),
            None,
            Some(RedirectUri::new("http://127.0.0.1:1/cb")),
            Vec::new(),
        )
        .unwrap();
    let url = request.to_url().unwrap().to_string();
    let page = get(&url);
    assert_eq!(page.status(), 200);
    let html = body(&page);
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert_eq!(
        element_text(&html, "client").as_deref(),
        Some(registration.client_id.as_str())
    );
    (url, hidden_inputs(&html), state)
}

fn answer(
    fields: &[(String, String)],
    username: &str,
    password: &str,
    decision: &str,
) -> Vec<(String, String)> {
    let mut form = fields.to_vec();
    form.push(("username".into(), username.into()));
    form.push(("password".into(), password.into()));
    form.push(("decision".into(), decision.into()));
    form
}

#[test]
fn approving_on_the_form_redirects_with_a_code_and_the_state() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let (url, hidden, state) = consent_page(&sandbox);
    let redirect = location(&post_form(
        &url,
        &answer(&hidden, "bob", "builder", "approve"),
    ));
    let response = parse_callback(&redirect, Some(&state)).unwrap();
    assert!(!response.code.secret().is_empty());
}

#[test]
fn a_wrong_password_shows_the_form_again_and_deny_sends_access_denied() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let (url, hidden, state) = consent_page(&sandbox);
    let page = post_form(
        &url,
        &answer(&hidden, "alice", "not-her-password", "approve"),
    );
    assert_eq!(page.status(), 401);
    assert!(body(&page).contains("Wrong username or password."));

    let redirect = location(&post_form(
        &url,
        &answer(&hidden, "alice", "wonderland", "deny"),
    ));
    let err = parse_callback(&redirect, Some(&state)).unwrap_err();
    assert_eq!(err.code(), "access_denied");
}

#[test]
fn the_sandbox_listens_on_loopback_only_and_serves_only_its_paths() {
    let err =
        Sandbox::start(SandboxConfig::default().listen("0.0.0.0:0".parse().unwrap())).unwrap_err();
    assert_eq!(err.code(), "not_loopback");
    let err = Sandbox::start(SandboxConfig::default().profiles(["fitbit"]).client(
        "mapmytracks",
        "a",
        "b",
    ))
    .unwrap_err();
    assert_eq!(err.code(), "unserved_profile");
    let err = Sandbox::start(SandboxConfig::default().profiles(["nope"])).unwrap_err();
    assert_eq!(err.code(), "invalid_profile");

    let sandbox = Sandbox::start(
        SandboxConfig::default()
            .profiles(["fitbit"])
            .client("fitbit", "my-app", "s3cret"),
    )
    .unwrap();
    assert_eq!(
        get(sandbox.base_url().join("favicon.ico").unwrap().as_str()).status(),
        404
    );
    let manifest = sandbox.manifest();
    assert_eq!(manifest.profiles.len(), 1);
    assert_eq!(manifest.profiles[0].client_id, "my-app");
    assert_eq!(
        manifest.profiles[0].endpoints["token"],
        format!("{}fitbit/oauth2/token", sandbox.base_url())
    );
    let line = serde_json::to_string(&manifest).unwrap();
    assert!(!line.contains('\n'));
}

#[test]
fn the_server_stops_when_the_handle_is_dropped() {
    let sandbox = Sandbox::start(SandboxConfig::default().profiles(["fitbit"])).unwrap();
    let url = sandbox.base_url().join("fitbit/oauth2/token").unwrap();
    drop(sandbox);
    let refused = sansauth_transport::client::HttpClient::send(
        &sansauth_transport::client::UreqClient::new(
            sansauth_transport::client::ClientOptions::default(),
        ),
        http::Request::get(url.as_str()).body(Vec::new()).unwrap(),
    );
    assert!(refused.is_err());
}
