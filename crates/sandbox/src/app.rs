//! The provider logic behind the HTTP edge: a route table built from the
//! served profiles, and [`App::handle`], which turns one request into one
//! response with no I/O of its own.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use http::{HeaderValue, Request, Response, StatusCode, header};
use rand_core::{OsRng, RngCore};
use sansauth_providers::Profile;
use sansauth_providers::template::{Vars, expand};
use serde_json::Value;
use url::Url;

use crate::config::ClientRegistration;
use crate::store::ProviderState;
use crate::{oauth1, oauth2, resources};

/// One served profile: the profile rebased onto the sandbox, and its client.
#[derive(Debug)]
pub(crate) struct Served {
    pub(crate) profile: Profile,
    pub(crate) client: ClientRegistration,
    pub(crate) state: Mutex<ProviderState>,
}

/// Which protocol endpoint or API call a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    TemporaryCredentials,
    OAuth1Authorize,
    TokenCredentials,
    OAuth2Authorize,
    Token,
    Revocation,
    Introspection,
    /// A resource API call, named by its path below the API base.
    Api(&'static str),
}

#[derive(Debug)]
struct Route {
    path: String,
    served: usize,
    endpoint: Endpoint,
}

/// The sandbox's provider logic.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) served: Vec<Served>,
    routes: Vec<Route>,
    pub(crate) auto_approve: bool,
    clock_offset: AtomicI64,
}

impl App {
    pub(crate) fn new(served: Vec<Served>, auto_approve: bool) -> Self {
        let mut routes = Vec::new();
        for (index, s) in served.iter().enumerate() {
            let mut add = |url: &Url, endpoint| {
                routes.push(Route {
                    path: url.path().to_owned(),
                    served: index,
                    endpoint,
                })
            };
            if let Some(o1) = &s.profile.oauth1 {
                add(
                    &o1.temporary_credentials_endpoint,
                    Endpoint::TemporaryCredentials,
                );
                add(&o1.authorization_endpoint, Endpoint::OAuth1Authorize);
                add(&o1.token_credentials_endpoint, Endpoint::TokenCredentials);
            }
            if let Some(o2) = &s.profile.oauth2 {
                add(&o2.token_endpoint, Endpoint::Token);
                if let Some(url) = &o2.authorization_endpoint {
                    add(url, Endpoint::OAuth2Authorize);
                }
                if let Some(url) = &o2.revocation_endpoint {
                    add(url, Endpoint::Revocation);
                }
                if let Some(url) = &o2.introspection_endpoint {
                    add(url, Endpoint::Introspection);
                }
            }
            for call in resources::calls(&s.profile.name) {
                let url = resources::call_url(&s.profile, call);
                if let Some(url) = url {
                    add(&url, Endpoint::Api(call));
                }
            }
        }
        Self {
            served,
            routes,
            auto_approve,
            clock_offset: AtomicI64::new(0),
        }
    }

    /// The sandbox's clock, in unix seconds (the system clock plus any advance).
    pub(crate) fn now(&self) -> u64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        system.saturating_add_signed(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves the sandbox's clock forward, to expire tokens in tests.
    pub(crate) fn advance_clock(&self, seconds: i64) {
        self.clock_offset.fetch_add(seconds, Ordering::Relaxed);
    }

    /// Answers one request.
    pub(crate) fn handle(&self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let path = request.uri().path();
        let route = self.routes.iter().find(|r| r.path == path).or_else(|| {
            self.routes
                .iter()
                .find(|r| r.path.trim_end_matches('/') == path.trim_end_matches('/'))
        });
        let Some(route) = route else {
            return text(
                StatusCode::NOT_FOUND,
                &format!("the sandbox serves nothing at {path}"),
            );
        };
        let served = &self.served[route.served];
        let call = Call {
            app: self,
            served,
            request,
            now: self.now(),
        };
        match route.endpoint {
            Endpoint::TemporaryCredentials => oauth1::temporary_credentials(&call),
            Endpoint::OAuth1Authorize => oauth1::authorize(&call),
            Endpoint::TokenCredentials => oauth1::token_credentials(&call),
            Endpoint::OAuth2Authorize => oauth2::authorize(&call),
            Endpoint::Token => oauth2::token(&call),
            Endpoint::Revocation => oauth2::revoke(&call),
            Endpoint::Introspection => oauth2::introspect(&call),
            Endpoint::Api(name) => resources::serve(&call, name),
        }
    }
}

/// One request being answered, with what answering it needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    pub(crate) app: &'a App,
    pub(crate) served: &'a Served,
    pub(crate) request: &'a Request<Vec<u8>>,
    pub(crate) now: u64,
}

impl Call<'_> {
    /// The absolute URL the client sent the request to, as it would have signed it.
    pub(crate) fn url(&self) -> String {
        let uri = self.request.uri();
        if uri.scheme().is_some() {
            return uri.to_string();
        }
        let host = self
            .request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        format!("http://{host}{path}")
    }

    /// A header's value, when present and text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
    }

    /// The decoded query pairs.
    pub(crate) fn query(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    /// The decoded form body (empty unless form-encoded).
    pub(crate) fn form(&self) -> Vec<(String, String)> {
        let is_form = self.header("content-type").is_some_and(|ct| {
            ct.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
        if !is_form {
            return Vec::new();
        }
        url::form_urlencoded::parse(self.request.body())
            .into_owned()
            .collect()
    }

    /// The first of `wanted` (a profile's header templates, such as
    /// `Api-Key = "{client_id}"`) that the request lacks or gets wrong.
    pub(crate) fn missing_header<'w>(
        &self,
        wanted: &'w BTreeMap<String, String>,
    ) -> Option<&'w str> {
        self.first_unmet(wanted, |name| self.header(name).map(str::to_owned))
    }

    /// The first of `wanted` (a profile's query templates, such as
    /// `api_key = "{client_id}"`) that the query lacks or gets wrong.
    pub(crate) fn missing_query_param<'w>(
        &self,
        wanted: &'w BTreeMap<String, String>,
    ) -> Option<&'w str> {
        let query = self.query();
        self.first_unmet(wanted, |name| param(&query, name).map(str::to_owned))
    }

    fn first_unmet<'w>(
        &self,
        wanted: &'w BTreeMap<String, String>,
        sent: impl Fn(&str) -> Option<String>,
    ) -> Option<&'w str> {
        let vars = Vars {
            client_id: &self.served.client.client_id,
            ..Vars::default()
        };
        wanted
            .iter()
            .find(|(name, template)| {
                let expected = expand(template, &vars).ok();
                expected.is_none() || sent(name) != expected
            })
            .map(|(name, _)| name.as_str())
    }

    /// The provider's state, locked.
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, ProviderState> {
        self.served
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The first value of `name` in `pairs`.
pub(crate) fn param<'p>(pairs: &'p [(String, String)], name: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A fresh random token of `bytes` random bytes, hex-encoded.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    OsRng.fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// A plain-text response.
pub(crate) fn text(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    with_type(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

/// An HTML page.
pub(crate) fn html(status: StatusCode, body: String) -> Response<Vec<u8>> {
    with_type(status, "text/html; charset=utf-8", body.into_bytes())
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response<Vec<u8>> {
    with_type(status, "application/json", value.to_string().into_bytes())
}

/// A form-encoded response (OAuth 1 credentials).
pub(crate) fn form(status: StatusCode, pairs: &[(&str, &str)]) -> Response<Vec<u8>> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let mut response = with_type(
        status,
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::FOUND;
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => text(
            StatusCode::BAD_REQUEST,
            "the redirect URI cannot be sent in a Location header",
        ),
    }
}

fn with_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
