//! The seed tutorials end to end: the sandbox on loopback, the transport's
//! receiver, sessions and token store, with the ureq and the reqwest adapters.

use std::time::Duration;

use http::Request;
use sansauth_oauth1::flow::{
    OUT_OF_BAND, TemporaryCredentialsRequest, TokenCredentialsRequest, parse_callback,
    parse_credentials_response,
};
use sansauth_oauth1::{ConsumerSecret, Nonce, Placement, TokenCredentials, unix_now};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::revocation::RevocationRequest;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_oauth2::types::{RedirectUri, State};
use sansauth_providers::Profile;
use sansauth_providers::api::{fitbit, mapmyfitness31, mapmyfitness71, mapmytracks};
use sansauth_sandbox::{Sandbox, SandboxConfig};
use sansauth_transport::client::{
    ClientOptions, HttpClient, ReqwestBlockingClient, ReqwestClient, UreqClient,
};
use sansauth_transport::exchange;
use sansauth_transport::receiver::{LoopbackReceiver, ReceiverOptions};
use sansauth_transport::session::{
    AsyncOAuth2Session, OAuth1Session, OAuth2Options, OAuth2Session,
};
use sansauth_transport::store::{FileTokenStore, MemoryTokenStore, TokenStore};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default().auto_approve(true)).unwrap()
}

/// Plays the browser on another thread: opens `url`, follows the provider's
/// redirect to the receiver; returns the callback URL the receiver got.
fn browse<C: HttpClient + Clone + Send + 'static>(
    http: &C,
    url: &str,
    receiver: &LoopbackReceiver,
) -> String {
    let (http, url) = (http.clone(), url.to_owned());
    let browser = std::thread::spawn(move || {
        let page = http
            .send(Request::get(&url).body(Vec::new()).unwrap())
            .unwrap();
        let location = page.headers()["location"].to_str().unwrap().to_owned();
        http.send(Request::get(&location).body(Vec::new()).unwrap())
            .unwrap();
    });
    let callback = receiver.wait(Duration::from_secs(20)).unwrap();
    browser.join().unwrap();
    callback.url().to_owned()
}

/// The three OAuth 1 legs against a served profile.
fn oauth1_login<C: HttpClient + Clone + Send + 'static>(
    http: &C,
    profile: &Profile,
    id: &str,
    secret: &str,
) -> TokenCredentials {
    let settings = profile.oauth1_settings().unwrap();
    let placement = Placement::from(settings.token_placement);
    let consumer_secret = ConsumerSecret::new(secret);
    let receiver = (settings.callback != sansauth_providers::profile::CallbackStyle::Oob)
        .then(|| LoopbackReceiver::bind(ReceiverOptions::default()).unwrap());
    let callback = receiver
        .as_ref()
        .map_or(OUT_OF_BAND, LoopbackReceiver::redirect_uri)
        .to_owned();

    let signer = profile.oauth1_signer(id, &consumer_secret, None).unwrap();
    let nonce = Nonce::random();
    let signed = TemporaryCredentialsRequest::new(
        settings.temporary_credentials_endpoint.as_str(),
        &callback,
    )
    .with_placement(placement)
    .sign(&signer, &profile.oauth1_params(unix_now(), nonce.as_str()))
    .unwrap();
    let response = http.send(signed.into_http().unwrap()).unwrap();
    let temporary = parse_credentials_response(response.body(), true)
        .unwrap()
        .credentials;

    let url = profile
        .oauth1_authorize_url(temporary.token(), id, &callback)
        .unwrap();
    let verifier = match &receiver {
        Some(receiver) => {
            parse_callback(&browse(http, &url, receiver), temporary.token())
                .unwrap()
                .verifier
        }
        None => {
            let page = http
                .send(Request::get(&url).body(Vec::new()).unwrap())
                .unwrap();
            let html = String::from_utf8(page.into_body()).unwrap();
            let start = html.find("id=\"pin\">").unwrap() + "id=\"pin\">".len();
            html[start..start + html[start..].find('<').unwrap()].to_owned()
        }
    };

    let signer = profile
        .oauth1_signer(id, &consumer_secret, Some(&temporary))
        .unwrap();
    let nonce = Nonce::random();
    let signed =
        TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), &verifier)
            .with_placement(placement)
            .sign(&signer, &profile.oauth1_params(unix_now(), nonce.as_str()))
            .unwrap();
    let response = http.send(signed.into_http().unwrap()).unwrap();
    parse_credentials_response(response.body(), false)
        .unwrap()
        .credentials
}

/// The authorization code grant against a served profile, tokens from the transport's exchange.
fn oauth2_login<C: HttpClient + Clone + Send + 'static>(
    http: &C,
    profile: &Profile,
    client: &Client,
) -> TokenSet {
    let settings = profile.oauth2_settings().unwrap();
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let redirect = Some(RedirectUri::new(receiver.redirect_uri()));
    let mut rng = sansauth_oauth2::rand_core::OsRng;
    let (request, pending) = if settings.pkce {
        client
            .authorization_request(&mut rng, redirect, profile.default_scopes())
            .unwrap()
    } else {
        client
            .authorization_request_with(
                State::generate(&mut rng),
                None,
                redirect,
                profile.default_scopes(),
            )
            .unwrap()
    };
    let callback = browse(http, request.to_url().unwrap().as_str(), &receiver);
    let code = pending.read_callback(&callback).unwrap();
    let token_request = pending.into_token_request(client, code);
    let response = exchange::run(http, &token_request, false).unwrap();
    TokenSet::from_response_with_default_lifetime(
        response,
        unix_now(),
        settings.default_token_lifetime,
    )
}

fn client(sandbox: &Sandbox, name: &str) -> (Client, String) {
    let registration = sandbox.client(name).unwrap();
    let client = sandbox
        .profile(name)
        .unwrap()
        .oauth2_client(&registration.client_id, Some(&registration.client_secret))
        .unwrap();
    (client, registration.client_id.clone())
}

fn mapmyfitness_oauth1<C: HttpClient + Clone + Send + 'static>(http: &C) {
    let sandbox = sandbox();
    let name = "mapmyfitness-oauth1";
    let (profile, registration) = (
        sandbox.profile(name).unwrap(),
        sandbox.client(name).unwrap(),
    );
    let token = oauth1_login(
        http,
        profile,
        &registration.client_id,
        &registration.client_secret,
    );
    let signer = profile
        .oauth1_signer(
            &registration.client_id,
            &ConsumerSecret::new(registration.client_secret.clone()),
            Some(&token),
        )
        .unwrap();
    let settings = profile.oauth1_settings().unwrap();
    let session = OAuth1Session::new(
        http.clone(),
        signer,
        Placement::from(settings.api_placement),
    )
    .send_version(settings.send_version);
    let id = &registration.client_id;

    let response = session
        .send(mapmyfitness31::get_user(profile, id).unwrap())
        .unwrap();
    let user = mapmyfitness31::read_user(response.status().as_u16(), response.body()).unwrap();
    let workout = mapmyfitness31::NewWorkout::new(user.user_id, "Hill repeats", 16, "2026-11-21");
    let response = session
        .send(mapmyfitness31::create_workout(profile, id, &workout).unwrap())
        .unwrap();
    let created =
        mapmyfitness31::read_created_workout(response.status().as_u16(), response.body()).unwrap();
    let response = session
        .send(mapmyfitness31::get_workouts(profile, id, None).unwrap())
        .unwrap();
    let list = mapmyfitness31::read_workouts(response.status().as_u16(), response.body()).unwrap();
    assert_eq!(
        list.workouts
            .iter()
            .map(|w| w.workout_id)
            .collect::<Vec<_>>(),
        [created.workout_id]
    );
}

fn fitbit_pin<C: HttpClient + Clone + Send + 'static>(http: &C) {
    let sandbox = sandbox();
    let name = "fitbit-oauth1";
    let (profile, registration) = (
        sandbox.profile(name).unwrap(),
        sandbox.client(name).unwrap(),
    );
    let token = oauth1_login(
        http,
        profile,
        &registration.client_id,
        &registration.client_secret,
    );
    let signer = profile
        .oauth1_signer(
            &registration.client_id,
            &ConsumerSecret::new(registration.client_secret.clone()),
            Some(&token),
        )
        .unwrap();
    let session = OAuth1Session::new(http.clone(), signer, Placement::Header);
    let response = session
        .send(fitbit::get_profile(profile, "").unwrap())
        .unwrap();
    assert_eq!(
        fitbit::read_profile(response.status().as_u16(), response.body())
            .unwrap()
            .display_name,
        "Alice Runner"
    );
}

fn mapmyfitness<C: HttpClient + Clone + Send + 'static>(http: &C) {
    let sandbox = sandbox();
    let name = "mapmyfitness";
    let profile = sandbox.profile(name).unwrap();
    let (client, id) = client(&sandbox, name);
    let tokens = oauth2_login(http, profile, &client);
    assert_eq!(tokens.expires_in(unix_now()), Some(5_183_999));
    let session = OAuth2Session::start(
        http.clone(),
        client,
        MemoryTokenStore::new(),
        "alice",
        tokens,
        OAuth2Options::default(),
    )
    .unwrap();
    let response = session
        .send(mapmyfitness71::list_activity_types(profile, &id).unwrap())
        .unwrap();
    assert!(
        !mapmyfitness71::read_activity_types(response.status().as_u16(), response.body())
            .unwrap()
            .is_empty()
    );
}

fn mapmytracks_rotation<C: HttpClient + Clone + Send + 'static>(http: &C) {
    let sandbox = sandbox();
    let name = "mapmytracks";
    let profile = sandbox.profile(name).unwrap();
    let (client, _) = client(&sandbox, name);
    let tokens = oauth2_login(http, profile, &client);
    let dir = std::env::temp_dir().join(format!(
        "sansauth-e2e-{}-{}",
        std::process::id(),
        unix_now() % 100_000
    ));
    let store = FileTokenStore::new(&dir);
    let session = OAuth2Session::start(
        http.clone(),
        client.clone(),
        &store,
        "alice",
        tokens,
        OAuth2Options::default(),
    )
    .unwrap();

    let start =
        mapmytracks::StartActivity::new(mapmytracks::Visibility::Public, "cycling", "Commute");
    let response = session
        .send(mapmytracks::start_activity(profile, &start, "e2e-boundary-1").unwrap())
        .unwrap();
    let activity = mapmytracks::read_started(response.status().as_u16(), response.body()).unwrap();
    let mut data = mapmytracks::ActivityData::default();
    data.points.push(mapmytracks::TrackPoint {
        lat: 48.85,
        lon: 2.35,
        ele: None,
        unix_timestamp: 1_795_255_200,
    });
    let response = session
        .send(mapmytracks::update_activity(profile, activity, &data, "e2e-boundary-2").unwrap())
        .unwrap();
    mapmytracks::read_ok(
        response.status().as_u16(),
        response.body(),
        "updateActivity",
    )
    .unwrap();
    let response = session
        .send(mapmytracks::stop_activity(profile, activity, "e2e-boundary-3").unwrap())
        .unwrap();
    mapmytracks::read_ok(response.status().as_u16(), response.body(), "stopActivity").unwrap();
    assert!(sandbox.activities()[0].stopped);

    // Rotation: the new set is on disk, the old refresh token is dead.
    let before = session.tokens();
    session.refresh_now().unwrap();
    let stored: TokenSet = store.load("alice").unwrap().unwrap();
    assert_ne!(stored.refresh_token, before.refresh_token);
    assert_eq!(stored.refresh_token, session.tokens().refresh_token);
    let stale = OAuth2Session::start(
        http.clone(),
        client.clone(),
        MemoryTokenStore::new(),
        "old",
        before,
        OAuth2Options::default(),
    )
    .unwrap();
    assert_eq!(
        stale.refresh_now().unwrap_err().code(),
        "reauthorization_needed"
    );

    // Revocation ends the grant.
    let revoke = RevocationRequest::refresh_token(&client, stored.refresh_token.as_ref().unwrap());
    exchange::run(http, &revoke, false).unwrap();
    assert_eq!(
        session.refresh_now().unwrap_err().code(),
        "reauthorization_needed"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn fitbit_reauthorization<C: HttpClient + Clone + Send + 'static>(http: &C) {
    let sandbox = sandbox();
    let name = "fitbit";
    let profile = sandbox.profile(name).unwrap();
    let (client, _) = client(&sandbox, name);
    let tokens = oauth2_login(http, profile, &client);
    let mut options = OAuth2Options::default();
    options.error_reader = profile.oauth2_settings().unwrap().error_format.reader();
    let session = OAuth2Session::start(
        http.clone(),
        client.clone(),
        MemoryTokenStore::new(),
        "alice",
        tokens.clone(),
        options,
    )
    .unwrap();
    let response = session
        .send(fitbit::get_profile(profile, "").unwrap())
        .unwrap();
    assert_eq!(response.status(), 200);
    session.refresh_now().unwrap();
    // The first refresh token is spent: Fitbit's {"errors": [...]} refusal is
    // read as invalid_grant, so the session says "authorize again".
    let stale = OAuth2Session::start(
        http.clone(),
        client,
        MemoryTokenStore::new(),
        "old",
        tokens,
        {
            let mut options = OAuth2Options::default();
            options.error_reader = profile.oauth2_settings().unwrap().error_format.reader();
            options
        },
    )
    .unwrap();
    assert_eq!(
        stale.refresh_now().unwrap_err().code(),
        "reauthorization_needed"
    );
}

macro_rules! with_each_adapter {
    ($($flow:ident),* $(,)?) => {
        mod ureq {
            $(#[test] fn $flow() { super::$flow(&super::UreqClient::new(super::ClientOptions::default())); })*
        }
        mod reqwest_blocking {
            $(#[test] fn $flow() { super::$flow(&super::ReqwestBlockingClient::new(super::ClientOptions::default()).unwrap()); })*
        }
    };
}

with_each_adapter!(
    mapmyfitness_oauth1,
    fitbit_pin,
    mapmyfitness,
    mapmytracks_rotation,
    fitbit_reauthorization
);

/// The async side: tokens from a blocking login, then the async reqwest
/// adapter under an async session, refreshing with rotation.
#[tokio::test(flavor = "current_thread")]
async fn mapmytracks_with_the_async_reqwest_adapter() {
    let sandbox = sandbox();
    let profile = sandbox.profile("mapmytracks").unwrap();
    let (client, _) = client(&sandbox, "mapmytracks");
    let login_http = UreqClient::new(ClientOptions::default());
    let tokens = {
        let (profile, client) = (profile.clone(), client.clone());
        tokio::task::spawn_blocking(move || oauth2_login(&login_http, &profile, &client))
            .await
            .unwrap()
    };
    let http = ReqwestClient::new(ClientOptions::default()).unwrap();
    let session = AsyncOAuth2Session::start(
        http,
        client,
        MemoryTokenStore::new(),
        "alice",
        tokens,
        OAuth2Options::default(),
    )
    .unwrap();
    let before = session.tokens();
    session.refresh_now().await.unwrap();
    assert_ne!(session.tokens().refresh_token, before.refresh_token);
    let start =
        mapmytracks::StartActivity::new(mapmytracks::Visibility::Private, "running", "Async run");
    let response = session
        .send(mapmytracks::start_activity(profile, &start, "async-boundary").unwrap())
        .await
        .unwrap();
    assert!(mapmytracks::read_started(response.status().as_u16(), response.body()).is_ok());
}
