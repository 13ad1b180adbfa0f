//! The OAuth 2 sessions against a provider on loopback that accepts each
//! refresh token once and rotates it.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use common::{Reply, Seen, Server};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::token::TokenResponse;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_oauth2::types::{AccessToken, ClientSecret, RefreshToken};
use sansauth_oauth2::url::Url;
use sansauth_transport::client::{ClientOptions, ReqwestClient, UreqClient};
use sansauth_transport::error::ReauthorizationReason;
use sansauth_transport::session::{AsyncOAuth2Session, OAuth2Options, OAuth2Session};
use sansauth_transport::store::{FileTokenStore, MemoryTokenStore, TokenStore, WriteStage};

/// The provider's side: which tokens are good, and what it was asked.
#[derive(Default)]
struct Provider {
    refresh_tokens: Mutex<HashSet<String>>,
    access_tokens: Mutex<HashSet<String>>,
    issued: AtomicU32,
    refresh_requests: AtomicU32,
    api_requests: AtomicU32,
}

impl Provider {
    fn new(refresh: &[&str], access: &[&str]) -> Arc<Self> {
        let p = Self::default();
        p.refresh_tokens
            .lock()
            .unwrap()
            .extend(refresh.iter().map(|s| (*s).to_owned()));
        p.access_tokens
            .lock()
            .unwrap()
            .extend(access.iter().map(|s| (*s).to_owned()));
        Arc::new(p)
    }

    fn handle(&self, seen: &Seen) -> Reply {
        match (seen.method.as_str(), seen.target.as_str()) {
            ("POST", "/token") => self.token(seen),
            ("GET", "/api") => self.api(seen),
            _ => Reply::new(404, &[], b""),
        }
    }

    fn token(&self, seen: &Seen) -> Reply {
        self.refresh_requests.fetch_add(1, Ordering::SeqCst);
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&seen.body)
            .into_owned()
            .collect();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let json = |status, body: String| {
            Reply::new(
                status,
                &[("content-type", "application/json")],
                body.as_bytes(),
            )
            // Keeps the refresh in flight for a while, so callers pile up.
            .delayed(Duration::from_millis(150))
        };
        if get("grant_type").as_deref() != Some("refresh_token") {
            return json(400, r#"{"error":"unsupported_grant_type"}"#.to_owned());
        }
        let presented = get("refresh_token").unwrap_or_default();
        if !self.refresh_tokens.lock().unwrap().remove(&presented) {
            return json(400, r#"{"error":"invalid_grant"}"#.to_owned());
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let (access, refresh) = (format!("a{n}"), format!("r{n}"));
        self.access_tokens.lock().unwrap().insert(access.clone());
        self.refresh_tokens.lock().unwrap().insert(refresh.clone());
        json(
            200,
            format!(
                r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":3600,"refresh_token":"{refresh}"}}"#
            ),
        )
    }

    fn api(&self, seen: &Seen) -> Reply {
        self.api_requests.fetch_add(1, Ordering::SeqCst);
        let token = seen
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if self.access_tokens.lock().unwrap().contains(token) {
            Reply::new(200, &[], format!("hello {token}").as_bytes())
        } else {
            Reply::new(
                401,
                &[(
                    "www-authenticate",
                    r#"Bearer realm="api", error="invalid_token""#,
                )],
                b"",
            )
        }
    }
}

fn start(provider: &Arc<Provider>) -> Server {
    let provider = Arc::clone(provider);
    Server::start(move |seen| provider.handle(seen))
}

fn oauth_client(server: &Server) -> Client {
    Client::new("app")
        .with_secret(ClientSecret::new("app-secret"))
        .with_token_endpoint(Url::parse(&server.url("/token")).unwrap())
}

/// A token set issued `age` seconds ago, valid for an hour.
fn tokens(access: &str, refresh: Option<&str>, age: u64) -> TokenSet {
    let mut response = TokenResponse::bearer(AccessToken::new(access));
    response.expires_in = Some(3600);
    response.refresh_token = refresh.map(RefreshToken::new);
    TokenSet::from_response(response, sansauth_oauth1::unix_now() - age)
}

const EXPIRED: u64 = 7200;
const FRESH: u64 = 0;

fn api(server: &Server) -> http::Request<Vec<u8>> {
    http::Request::get(server.url("/api"))
        .body(Vec::new())
        .unwrap()
}

fn refresh_of(t: &TokenSet) -> Option<String> {
    t.refresh_token.as_ref().map(|r| r.secret().to_owned())
}

#[test]
fn sixteen_threads_share_one_refresh() {
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    let barrier = Barrier::new(16);
    let bodies: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let response = session.send(api(&server)).unwrap();
                    assert_eq!(response.status(), 200);
                    String::from_utf8(response.into_body()).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert!(bodies.iter().all(|b| b == "hello a1"), "{bodies:?}");
    let stored = session.store().load("alice").unwrap().unwrap();
    assert_eq!(refresh_of(&stored).as_deref(), Some("r1"));
    assert_eq!(stored, session.tokens());
}

#[test]
fn sixteen_tasks_share_one_refresh() {
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let session = Arc::new(
        AsyncOAuth2Session::start(
            ReqwestClient::new(ClientOptions::default()).unwrap(),
            oauth_client(&server),
            MemoryTokenStore::new(),
            "alice",
            tokens("a0", Some("r0"), EXPIRED),
            OAuth2Options::default(),
        )
        .unwrap(),
    );
    let url = server.url("/api");
    let bodies = runtime.block_on(async {
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let session = Arc::clone(&session);
                let barrier = Arc::clone(&barrier);
                let url = url.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    let request = http::Request::get(url).body(Vec::new()).unwrap();
                    let response = session.send(request).await.unwrap();
                    assert_eq!(response.status(), 200);
                    String::from_utf8(response.into_body()).unwrap()
                })
            })
            .collect();
        let mut bodies = Vec::new();
        for t in tasks {
            bodies.push(t.await.unwrap());
        }
        bodies
    });
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert!(bodies.iter().all(|b| b == "hello a1"), "{bodies:?}");
}

#[test]
fn a_401_invalid_token_refreshes_once_and_retries() {
    // The provider revoked a0 although it has not expired yet.
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), FRESH),
        OAuth2Options::default(),
    )
    .unwrap();
    let response = session.send(api(&server)).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), b"hello a1");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 2);
}

#[test]
fn a_401_that_persists_after_the_refresh_is_returned_not_retried_again() {
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    // The provider forgets every access token it issues.
    let forgetful = {
        let provider = Arc::clone(&provider);
        Server::start(move |seen| {
            let reply = provider.handle(seen);
            provider.access_tokens.lock().unwrap().clear();
            reply
        })
    };
    drop(server);
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&forgetful),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), FRESH),
        OAuth2Options::default(),
    )
    .unwrap();
    let response = session.send(api(&forgetful)).unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 2);
}

#[test]
fn a_401_without_invalid_token_does_not_refresh() {
    let refreshes = Arc::new(AtomicU32::new(0));
    let server = {
        let refreshes = Arc::clone(&refreshes);
        Server::start(move |seen| {
            if seen.target == "/token" {
                refreshes.fetch_add(1, Ordering::SeqCst);
            }
            Reply::new(401, &[("www-authenticate", r#"Bearer realm="api""#)], b"")
        })
    };
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), FRESH),
        OAuth2Options::default(),
    )
    .unwrap();
    assert_eq!(session.send(api(&server)).unwrap().status(), 401);
    assert_eq!(refreshes.load(Ordering::SeqCst), 0);
}

#[test]
fn invalid_grant_asks_for_reauthorization_and_leaves_the_store_alone() {
    let provider = Provider::new(&[], &[]); // r0 already revoked
    let server = start(&provider);
    let dir = tempfile::tempdir().unwrap();
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        FileTokenStore::new(dir.path()),
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    let path = session.store().path("alice").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = session.send(api(&server)).unwrap_err();
    assert_eq!(err.code(), "reauthorization_needed");
    match &err {
        sansauth_transport::Error::ReauthorizationNeeded(
            ReauthorizationReason::RefreshRefused(r),
        ) => {
            assert_eq!(r.error.as_str(), "invalid_grant");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 0);
}

#[test]
fn a_rotation_the_store_refuses_keeps_the_old_tokens_and_is_reported() {
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let dir = tempfile::tempdir().unwrap();
    let failing = Arc::new(AtomicBool::new(false));
    let store = FileTokenStore::new(dir.path()).with_write_hook({
        let failing = Arc::clone(&failing);
        move |_: &str, stage| {
            if failing.load(Ordering::SeqCst) && stage == WriteStage::TempWritten {
                Err(std::io::Error::other("no space left on device"))
            } else {
                Ok(())
            }
        }
    });
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        store,
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    failing.store(true, Ordering::SeqCst);

    let err = session.send(api(&server)).unwrap_err();
    assert_eq!(err.code(), "tokens_not_stored", "{err}");
    assert!(err.to_string().contains("no space left on device"), "{err}");
    // The rotation happened at the provider, but nothing used the new tokens,
    // and the store still holds the old set.
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 0);
    let on_disk: TokenSet = FileTokenStore::new(dir.path())
        .load("alice")
        .unwrap()
        .unwrap();
    assert_eq!(refresh_of(&on_disk).as_deref(), Some("r0"));
    assert_eq!(refresh_of(&session.tokens()).as_deref(), Some("r0"));

    // While the store keeps failing, the new set is not used either.
    let err = session.send(api(&server)).unwrap_err();
    assert_eq!(err.code(), "tokens_not_stored");
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 0);

    // Once the store works, the pending set is stored, then used: no second refresh.
    failing.store(false, Ordering::SeqCst);
    let response = session.send(api(&server)).unwrap();
    assert_eq!(response.body(), b"hello a1");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    let on_disk: TokenSet = FileTokenStore::new(dir.path())
        .load("alice")
        .unwrap()
        .unwrap();
    assert_eq!(refresh_of(&on_disk).as_deref(), Some("r1"));
}

#[test]
fn a_crash_between_storing_and_using_new_tokens_leaves_a_valid_set_on_disk() {
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let dir = tempfile::tempdir().unwrap();
    let crash = Arc::new(AtomicBool::new(false));
    let store = FileTokenStore::new(dir.path()).with_write_hook({
        let crash = Arc::clone(&crash);
        move |_: &str, stage| {
            if crash.load(Ordering::SeqCst) && stage == WriteStage::Replaced {
                panic!("process killed right after storing the new tokens");
            }
            Ok(())
        }
    });
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        store,
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    crash.store(true, Ordering::SeqCst);
    let request = api(&server);
    let died = std::thread::spawn(move || session.send(request)).join();
    assert!(died.is_err(), "the simulated crash must end the call");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 0);

    // The next run reads the disk: the rotated set, which the provider accepts.
    let restarted = OAuth2Session::open(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        FileTokenStore::new(dir.path()),
        "alice",
        OAuth2Options::default(),
    )
    .unwrap();
    assert_eq!(refresh_of(&restarted.tokens()).as_deref(), Some("r1"));
    assert_eq!(restarted.send(api(&server)).unwrap().body(), b"hello a1");
    restarted.refresh_now().unwrap();
    assert_eq!(refresh_of(&restarted.tokens()).as_deref(), Some("r2"));
    assert_eq!(restarted.send(api(&server)).unwrap().body(), b"hello a2");
}

#[test]
fn without_tokens_or_refresh_token_the_user_must_authorize_again() {
    let provider = Provider::new(&[], &[]);
    let server = start(&provider);
    let err = OAuth2Session::open(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "nobody",
        OAuth2Options::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        sansauth_transport::Error::ReauthorizationNeeded(ReauthorizationReason::NoStoredTokens)
    ));

    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", None, EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    let err = session.send(api(&server)).unwrap_err();
    assert!(matches!(
        err,
        sansauth_transport::Error::ReauthorizationNeeded(ReauthorizationReason::NoRefreshToken)
    ));
}

#[test]
fn bearer_tokens_never_go_over_plain_http_to_remote_hosts() {
    let provider = Provider::new(&["r0"], &["a0"]);
    let server = start(&provider);
    let session = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), FRESH),
        OAuth2Options::default(),
    )
    .unwrap();
    let request = http::Request::get("http://api.example.com/v3.1/me")
        .body(Vec::new())
        .unwrap();
    assert_eq!(session.send(request).unwrap_err().code(), "insecure_http");
    // https and loopback are fine.
    assert_eq!(session.send(api(&server)).unwrap().body(), b"hello a0");
}

#[test]
fn the_refresh_skew_is_the_callers() {
    let provider = Provider::new(&["r0"], &["a0"]);
    let server = start(&provider);
    // Issued 50 minutes ago: 10 minutes left.
    let mut options = OAuth2Options::default();
    options.refresh_skew = Duration::from_secs(5 * 60);
    let relaxed = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), 50 * 60),
        options.clone(),
    )
    .unwrap();
    assert_eq!(relaxed.send(api(&server)).unwrap().body(), b"hello a0");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 0);

    options.refresh_skew = Duration::from_secs(15 * 60);
    let eager = OAuth2Session::start(
        UreqClient::new(ClientOptions::default()),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), 50 * 60),
        options,
    )
    .unwrap();
    assert_eq!(eager.send(api(&server)).unwrap().body(), b"hello a1");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
}

#[test]
fn exchange_run_sends_a_core_exchange_and_reads_its_answer() {
    let server = Server::start(|seen| {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&seen.body)
            .into_owned()
            .collect();
        assert!(form.contains(&("grant_type".to_owned(), "authorization_code".to_owned())));
        assert!(form.contains(&("code".to_owned(), "c0de".to_owned())));
        Reply::new(
            200,
            &[("content-type", "application/json")],
            br#"{"access_token":"a0","token_type":"Bearer","expires_in":60,"refresh_token":"r0"}"#,
        )
    });
    let oauth = oauth_client(&server);
    let exchange = oauth.exchange_code(
        sansauth_oauth2::types::AuthorizationCode::new("c0de"),
        None,
        None,
    );
    let http = UreqClient::new(ClientOptions::default());
    let response = sansauth_transport::exchange::run(&http, &exchange, false).unwrap();
    assert_eq!(response.access_token.secret(), "a0");
    assert_eq!(response.refresh_token.unwrap().secret(), "r0");

    // The same exchange to a plain-http remote endpoint is refused before sending.
    let remote = Client::new("app")
        .with_token_endpoint(Url::parse("http://provider.example/token").unwrap());
    let exchange = remote.exchange_code(
        sansauth_oauth2::types::AuthorizationCode::new("c0de"),
        None,
        None,
    );
    let err = sansauth_transport::exchange::run(&http, &exchange, false).unwrap_err();
    assert_eq!(err.code(), "insecure_http");
}

#[test]
fn the_async_session_also_stops_at_invalid_grant_and_store_failures() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // invalid_grant: reauthorization, tokens untouched.
    let provider = Provider::new(&[], &[]);
    let server = start(&provider);
    let session = AsyncOAuth2Session::start(
        ReqwestClient::new(ClientOptions::default()).unwrap(),
        oauth_client(&server),
        MemoryTokenStore::new(),
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    let err = runtime.block_on(session.send(api(&server))).unwrap_err();
    assert_eq!(err.code(), "reauthorization_needed");
    let stored = session.store().load("alice").unwrap().unwrap();
    assert_eq!(refresh_of(&stored).as_deref(), Some("r0"));

    // A store that refuses the rotated set: reported, old set kept, nothing used.
    let provider = Provider::new(&["r0"], &[]);
    let server = start(&provider);
    let failing = Arc::new(AtomicBool::new(false));
    let store = MemoryTokenStore::new().with_write_hook({
        let failing = Arc::clone(&failing);
        move |_: &str, stage| {
            if failing.load(Ordering::SeqCst) && stage == WriteStage::Start {
                Err(std::io::Error::other("read-only file system"))
            } else {
                Ok(())
            }
        }
    });
    let session = AsyncOAuth2Session::start(
        ReqwestClient::new(ClientOptions::default()).unwrap(),
        oauth_client(&server),
        store,
        "alice",
        tokens("a0", Some("r0"), EXPIRED),
        OAuth2Options::default(),
    )
    .unwrap();
    failing.store(true, Ordering::SeqCst);
    let err = runtime.block_on(session.send(api(&server))).unwrap_err();
    assert_eq!(err.code(), "tokens_not_stored");
    let stored = session.store().load("alice").unwrap().unwrap();
    assert_eq!(refresh_of(&stored).as_deref(), Some("r0"));
    assert_eq!(provider.api_requests.load(Ordering::SeqCst), 0);
    failing.store(false, Ordering::SeqCst);
    let response = runtime.block_on(session.send(api(&server))).unwrap();
    assert_eq!(response.body(), b"hello a1");
    assert_eq!(provider.refresh_requests.load(Ordering::SeqCst), 1);
}
