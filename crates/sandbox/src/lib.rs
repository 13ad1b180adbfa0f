//! A local OAuth provider: a real HTTP server on loopback that plays each
//! built-in provider profile, built on the server side of the core crates.
//! For tests, the end-to-end demo, and users' own integration tests.
//!
//! **Architecture invariant:** binds loopback addresses only; every protocol
//! check it makes (signatures, timestamps, nonces, state, PKCE, redirect URI,
//! single-use codes, client authentication, token expiry and revocation) is
//! the core crates' own. The HTTP server is only an edge: each request is
//! read whole and answered by plain provider logic over `http` values.
//!
//! # Serving the built-in profiles
//!
//! Each profile is served under `/<profile-name>/`, with the provider's own
//! paths below that prefix (hosts folded in), so
//! `https://api.fitbit.com/oauth2/token` is served at
//! `http://127.0.0.1:PORT/fitbit/oauth2/token`. [`Sandbox::profile`] gives
//! the profile already rebased there.
//!
//! | profile | what the sandbox checks and answers |
//! |---|---|
//! | `mapmyfitness-oauth1` | body-signed `request_token` / `access_token`; query-signed `users/get_user`, `workouts/get_workouts`, `workouts/create_workout` (with `api_key`), answered in the `{"result": ...}` envelope |
//! | `mapmyfitness` | client credentials in the body plus `Api-Key`; 60-day tokens; refresh; `activity_type/` and `user/self/` with `Api-Key` |
//! | `mapmytracks` | HTTP Basic; refresh tokens that rotate; revocation; multipart `startActivity`, `updateActivity`, `stopActivity`, `uploadActivity`; `get_routes` |
//! | `fitbit-oauth1` | header-signed calls; PIN (`oob`) verifier shown on the consent page; `encoded_user_id`; `profile.json` |
//! | `fitbit` | HTTP Basic; PKCE; single-use refresh tokens; revocation; introspection with a bearer token; `{"errors": [...]}` bodies; redirects with `#_=_` |
//!
//! # Test users
//!
//! `alice` / `wonderland` (user id 26345682) and `bob` / `builder` (1001)
//! can log in on every consent page; with [`SandboxConfig::auto_approve`],
//! every authorization is approved as `alice` without a page.
//!
//! # Example
//!
//! ```
//! use sansauth_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default().auto_approve(true)).unwrap();
//! let fitbit = sandbox.profile("fitbit").unwrap();
//! let token = fitbit.oauth2.as_ref().unwrap().token_endpoint.as_str();
//! assert!(token.starts_with("http://127.0.0.1:"));
//! assert!(token.ends_with("/fitbit/oauth2/token"));
//! let client = sandbox.client("fitbit").unwrap();
//! assert!(!client.client_secret.is_empty());
//! // The server stops when `sandbox` is dropped.
//! ```

mod app;
mod config;
mod error;
mod manifest;
mod multipart;
mod oauth1;
mod oauth2;
mod pages;
mod resources;
mod server;
mod store;
mod users;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use http::{Request, Response};
use sansauth_providers::{Profile, builtin};
use serde_json::Value;
use url::Url;

pub use config::{ClientRegistration, SandboxConfig};
pub use error::Error;
pub use manifest::{Manifest, ServedProfile};
pub use server::MAX_BODY_BYTES;
pub use store::Activity;
pub use users::{TEST_USERS, TestUser};

use app::{App, Served};
use store::ProviderState;

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    app: Arc<App>,
    base_url: Url,
    _server: server::Server,
}

impl Sandbox {
    /// Starts a sandbox serving the configured profiles on loopback.
    ///
    /// # Errors
    ///
    /// [`Error::NotLoopback`], [`Error::Bind`] and [`Error::Runtime`] when it
    /// cannot listen; [`Error::Profile`] for an unknown profile name;
    /// [`Error::UnservedProfile`] for a client registered with a profile not served.
    pub fn start(config: SandboxConfig) -> Result<Self, Error> {
        let listener = server::Server::bind(config.listen)?;
        let addr = listener.local_addr().map_err(Error::Runtime)?;
        let base_url = Url::parse(&format!("http://{addr}/"))
            .map_err(|e| Error::Runtime(std::io::Error::other(e)))?;
        let served = serve(&config, &base_url)?;
        let app = Arc::new(App::new(served, config.auto_approve));
        let server = server::Server::start(listener, Arc::clone(&app))?;
        Ok(Self {
            app,
            base_url,
            _server: server,
        })
    }

    /// The sandbox's root URL (`http://127.0.0.1:PORT/`).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// A served profile, rebased onto the sandbox.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.served(name).map(|s| &s.profile)
    }

    /// The client registered with a served profile.
    pub fn client(&self, name: &str) -> Option<&ClientRegistration> {
        self.served(name).map(|s| &s.client)
    }

    /// Everything a client needs, as the sandbox process prints it.
    pub fn manifest(&self) -> Manifest {
        let profiles = self
            .app
            .served
            .iter()
            .map(|s| {
                let mut endpoints = BTreeMap::new();
                if let Some(o1) = &s.profile.oauth1 {
                    endpoints.insert(
                        "temporary_credentials".to_owned(),
                        o1.temporary_credentials_endpoint.to_string(),
                    );
                    endpoints.insert(
                        "authorization".to_owned(),
                        o1.authorization_endpoint.to_string(),
                    );
                    endpoints.insert(
                        "token_credentials".to_owned(),
                        o1.token_credentials_endpoint.to_string(),
                    );
                }
                if let Some(o2) = &s.profile.oauth2 {
                    endpoints.insert("token".to_owned(), o2.token_endpoint.to_string());
                    let optional = [
                        ("authorization", &o2.authorization_endpoint),
                        ("revocation", &o2.revocation_endpoint),
                        ("introspection", &o2.introspection_endpoint),
                    ];
                    for (role, url) in optional {
                        if let Some(url) = url {
                            endpoints.insert(role.to_owned(), url.to_string());
                        }
                    }
                }
                ServedProfile {
                    name: s.profile.name.clone(),
                    protocol: if s.profile.oauth1.is_some() {
                        "oauth1"
                    } else {
                        "oauth2"
                    }
                    .to_owned(),
                    endpoints,
                    api_base_url: s.profile.api_base_url.to_string(),
                    client_id: s.client.client_id.clone(),
                    client_secret: s.client.client_secret.clone(),
                }
            })
            .collect();
        Manifest {
            base_url: self.base_url.to_string(),
            profiles,
            test_users: manifest::test_users(),
        }
    }

    /// Moves the sandbox's clock forward (or back), to expire tokens in tests.
    pub fn advance_clock(&self, seconds: i64) {
        self.app.advance_clock(seconds);
    }

    /// The Map My Tracks activities received so far.
    pub fn activities(&self) -> Vec<Activity> {
        self.state("mapmytracks")
            .map(|s| s.activities.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The MapMyFitness API 3.1 workouts created so far, as the API lists them.
    pub fn workouts(&self) -> Vec<Value> {
        self.state("mapmyfitness-oauth1")
            .map(|s| s.workouts.clone())
            .unwrap_or_default()
    }

    /// Answers a request in memory, exactly as over HTTP (the request's URI
    /// may be absolute, or a path with a `Host` header).
    pub fn handle(&self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        self.app.handle(request)
    }

    fn served(&self, name: &str) -> Option<&Served> {
        self.app.served.iter().find(|s| s.profile.name == name)
    }

    fn state(&self, name: &str) -> Option<std::sync::MutexGuard<'_, ProviderState>> {
        self.served(name).map(|s| {
            s.state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
    }
}

/// The profiles to serve, rebased under `base_url`, each with its client.
fn serve(config: &SandboxConfig, base_url: &Url) -> Result<Vec<Served>, Error> {
    let names: Vec<String> = if config.profiles.is_empty() {
        builtin::names().map(str::to_owned).collect()
    } else {
        config.profiles.clone()
    };
    if let Some(unserved) = config.clients.iter().find(|c| !names.contains(&c.profile)) {
        return Err(Error::UnservedProfile(unserved.profile.clone()));
    }
    names
        .iter()
        .map(|name| {
            let prefix = base_url
                .join(&format!("{name}/"))
                .map_err(|e| Error::Runtime(std::io::Error::other(e)))?;
            let profile = builtin::get(name)
                .and_then(|p| p.rebase(&prefix))
                .map_err(Error::Profile)?;
            let client = config
                .clients
                .iter()
                .find(|c| &c.profile == name)
                .cloned()
                .unwrap_or_else(|| ClientRegistration {
                    profile: name.clone(),
                    client_id: format!("{name}-{}", app::random_token(4)),
                    client_secret: app::random_token(16),
                });
            Ok(Served {
                profile,
                client,
                state: Mutex::new(ProviderState::new()),
            })
        })
        .collect()
}
