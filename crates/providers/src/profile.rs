//! The profile format: one provider's endpoints and quirks, as data.
//!
//! A profile is a TOML file with these tables (every field is documented on
//! its struct below; unknown fields are errors, so a typo never goes unseen):
//!
//! ```toml
//! name = "mapmytracks"                      # lowercase letters, digits and '-'
//! display_name = "Map My Tracks (API v3)"
//! protocol = "oauth2"                       # or "oauth1"
//! api_base_url = "https://www.mapmytracks.com/api3/"
//! docs = ["https://github.com/MapMyTracks/api-v3"]
//! notes = "Each refresh returns a new refresh token and expires the old one."
//!
//! [oauth2]                                  # [oauth1] for OAuth 1 profiles
//! authorization_endpoint = "https://www.mapmytracks.com/api3/oauth/authorize"
//! token_endpoint = "https://www.mapmytracks.com/api3/oauth/token"
//! client_auth = "basic"                     # stated, never guessed
//! refresh_token_rotation = true
//! ```

use std::collections::BTreeMap;

pub use sansauth_oauth2::client::{BasicEncoding, ClientAuth};
use serde::{Deserialize, Serialize};
use url::Url;

/// One provider's endpoints and quirks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Profile {
    /// Short identifier: lowercase ASCII letters, digits and `-` (`mapmyfitness-oauth1`).
    pub name: String,
    /// Name for people (`MapMyFitness API 3.1 (OAuth 1.0a)`).
    pub display_name: String,
    /// Which OAuth the provider speaks; the matching table (`[oauth1]` or `[oauth2]`) is required.
    pub protocol: Protocol,
    /// Base URL of the provider's resource API; API paths are relative to it.
    pub api_base_url: Url,
    /// Allow plain `http://` endpoints on hosts that are not loopback. Off by
    /// default; only for legacy APIs that never offered TLS.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_insecure_http: bool,
    /// OAuth 1 settings (required when `protocol = "oauth1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth1: Option<OAuth1Settings>,
    /// OAuth 2 settings (required when `protocol = "oauth2"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<OAuth2Settings>,
    /// What every resource API call carries besides the credentials.
    #[serde(default, skip_serializing_if = "ApiSettings::is_empty")]
    pub api: ApiSettings,
    /// Links to the provider documents the values come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// Free-form remarks: inconsistencies in the provider's documents and the choice made.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// The OAuth version a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// RFC 5849 (OAuth 1.0 / 1.0a).
    OAuth1,
    /// RFC 6749 (OAuth 2.0).
    OAuth2,
}

/// OAuth 1 settings (RFC 5849 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OAuth1Settings {
    /// Temporary credentials request endpoint (§2.1), often called `request_token`.
    pub temporary_credentials_endpoint: Url,
    /// Resource owner authorization endpoint (§2.2), opened in the browser.
    pub authorization_endpoint: Url,
    /// Token credentials request endpoint (§2.3), often called `access_token`.
    pub token_credentials_endpoint: Url,
    /// Signature method name as sent in `oauth_signature_method` (`HMAC-SHA1`,
    /// `HMAC-SHA256`, `PLAINTEXT`, `RSA-SHA1`, ...).
    #[serde(default = "default_signature_method")]
    pub signature_method: String,
    /// Where the OAuth parameters go on the §2.1 and §2.3 token calls.
    #[serde(default)]
    pub token_placement: Placement,
    /// Where the OAuth parameters go on resource API calls.
    #[serde(default)]
    pub api_placement: Placement,
    /// Whether the provider redirects to a callback URL or shows a PIN (`oob`).
    #[serde(default)]
    pub callback: CallbackStyle,
    /// Extra parameters on the authorization URL; values may use `{callback}`
    /// and `{client_id}`. MapMyFitness API 3.1 repeats `oauth_callback` here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorize_params: BTreeMap<String, String>,
    /// Extra headers on the §2.1 and §2.3 token calls (MapMyFitness API 3.1 wants
    /// `Accept: application/x-www-form-urlencoded`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_request_headers: BTreeMap<String, String>,
    /// Whether to send `oauth_version="1.0"` (optional in RFC 5849 §3.1).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub send_version: bool,
}

/// Where OAuth 1 protocol parameters are placed (RFC 5849 §3.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// The `Authorization: OAuth ...` header (§3.5.1).
    #[default]
    Header,
    /// The `application/x-www-form-urlencoded` body (§3.5.2).
    Body,
    /// The query string (§3.5.3).
    Query,
}

/// How the resource owner's verifier reaches the client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallbackStyle {
    /// The provider redirects the browser to the client's callback URL.
    #[default]
    Url,
    /// Out of band: the provider shows a PIN the user types in (`oauth_callback=oob`).
    Oob,
}

/// OAuth 2 settings (RFC 6749).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OAuth2Settings {
    /// Authorization endpoint (§3.1); absent for providers with no browser flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<Url>,
    /// Token endpoint (§3.2).
    pub token_endpoint: Url,
    /// Token revocation endpoint (RFC 7009).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<Url>,
    /// Device authorization endpoint (RFC 8628).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<Url>,
    /// Token introspection endpoint (RFC 7662).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<Url>,
    /// How the client authenticates to the token endpoint. Always stated: a
    /// client that tries one method and retries with another spends a one-time
    /// code or a rotating refresh token on the failed try.
    pub client_auth: ClientAuth,
    /// For `client_auth = "basic"`: `"form_url_encoded"` (RFC 6749 §2.3.1, the
    /// default) encodes id and secret before joining them; `"raw"` does not,
    /// for servers that never decode them.
    #[serde(default, skip_serializing_if = "is_default")]
    pub basic_encoding: BasicEncoding,
    /// How the revocation endpoint authenticates the client (defaults to `client_auth`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_client_auth: Option<ClientAuth>,
    /// Extra headers on every token request; values may use `{client_id}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_request_headers: BTreeMap<String, String>,
    /// Extra form parameters on every token request; values may use `{client_id}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_request_params: BTreeMap<String, String>,
    /// Extra headers on refresh requests only; values may use `{client_id}` and `{access_token}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refresh_request_headers: BTreeMap<String, String>,
    /// Separator between scopes in the `scope` parameter (RFC 6749 §3.3 says a space).
    #[serde(default = "default_scope_separator", skip_serializing_if = "is_space")]
    pub scope_separator: String,
    /// Scopes requested when the caller names none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_scopes: Vec<String>,
    /// Whether the provider accepts PKCE (RFC 7636); when true, S256 is always sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pkce: bool,
    /// Whether each refresh returns a new refresh token and kills the old one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub refresh_token_rotation: bool,
    /// Lifetime in seconds assumed when a token response has no `expires_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_token_lifetime: Option<u64>,
    /// The shape of the provider's error bodies when they are not RFC 6749 §5.2's.
    #[serde(default, skip_serializing_if = "is_default")]
    pub error_format: ErrorFormat,
}

/// The shape of a provider's error bodies; [`ErrorFormat::reader`] reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorFormat {
    /// `{"error": "...", "error_description": "..."}` (RFC 6749 §5.2).
    #[default]
    Rfc6749,
    /// Fitbit: `{"errors": [{"errorType": "...", "message": "..."}], "success": false}`.
    FitbitErrors,
}

/// What every resource API call carries besides the credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ApiSettings {
    /// Headers on every API call; values may use `{client_id}` (MapMyFitness: `Api-Key`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Query parameters on every API call (signed, for OAuth 1); values may use `{client_id}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query_params: BTreeMap<String, String>,
    /// Named API URLs outside `api_base_url` (Map My Tracks serves routes from
    /// another host); rebasing moves them with the rest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints: BTreeMap<String, Url>,
}

impl ApiSettings {
    /// Whether there is nothing to add to API calls.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query_params.is_empty() && self.endpoints.is_empty()
    }
}

fn default_signature_method() -> String {
    "HMAC-SHA1".to_owned()
}

fn default_scope_separator() -> String {
    " ".to_owned()
}

const fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_space(s: &str) -> bool {
    s == " "
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Profile {
    /// Every URL of the profile with its field path, in a stable order.
    pub fn urls(&self) -> Vec<(String, &Url)> {
        let mut urls = vec![("api_base_url".to_owned(), &self.api_base_url)];
        for (name, url) in &self.api.endpoints {
            urls.push((format!("api.endpoints.{name}"), url));
        }
        if let Some(o1) = &self.oauth1 {
            urls.push((
                "oauth1.temporary_credentials_endpoint".to_owned(),
                &o1.temporary_credentials_endpoint,
            ));
            urls.push((
                "oauth1.authorization_endpoint".to_owned(),
                &o1.authorization_endpoint,
            ));
            urls.push((
                "oauth1.token_credentials_endpoint".to_owned(),
                &o1.token_credentials_endpoint,
            ));
        }
        if let Some(o2) = &self.oauth2 {
            let optional = [
                ("authorization_endpoint", &o2.authorization_endpoint),
                ("revocation_endpoint", &o2.revocation_endpoint),
                (
                    "device_authorization_endpoint",
                    &o2.device_authorization_endpoint,
                ),
                ("introspection_endpoint", &o2.introspection_endpoint),
            ];
            urls.push(("oauth2.token_endpoint".to_owned(), &o2.token_endpoint));
            for (name, url) in optional {
                if let Some(url) = url {
                    urls.push((format!("oauth2.{name}"), url));
                }
            }
        }
        urls
    }

    /// Everything wrong with this profile, as (field path, what to fix); empty when valid.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let name_ok = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            problems.push((
                "name".to_owned(),
                format!(
                    "`{}` must be lowercase ASCII letters, digits and '-'",
                    self.name
                ),
            ));
        }
        match (self.protocol, &self.oauth1, &self.oauth2) {
            (Protocol::OAuth1, None, _) => {
                problems.push((
                    "oauth1".to_owned(),
                    "protocol is \"oauth1\" but there is no [oauth1] table".to_owned(),
                ));
            }
            (Protocol::OAuth2, _, None) => {
                problems.push((
                    "oauth2".to_owned(),
                    "protocol is \"oauth2\" but there is no [oauth2] table".to_owned(),
                ));
            }
            (Protocol::OAuth1, Some(_), Some(_)) | (Protocol::OAuth2, Some(_), Some(_)) => {
                let other = if self.protocol == Protocol::OAuth1 {
                    "oauth2"
                } else {
                    "oauth1"
                };
                problems.push((
                    other.to_owned(),
                    format!("a profile speaks one protocol: remove the [{other}] table"),
                ));
            }
            _ => {}
        }
        if let Some(o1) = &self.oauth1
            && o1
                .signature_method
                .parse::<sansauth_oauth1::SignatureMethod>()
                .is_err()
        {
            problems.push((
                "oauth1.signature_method".to_owned(),
                format!(
                    "`{}` is not a signature method this build knows",
                    o1.signature_method
                ),
            ));
        }
        for (field, url) in self.urls() {
            if let Some(problem) = url_problem(url, self.allow_insecure_http) {
                problems.push((field, problem));
            }
        }
        for (field, template) in self.templates() {
            if let Err(e) = crate::template::expand(template, &crate::template::Vars::default()) {
                problems.push((field, e.to_string()));
            }
        }
        problems
    }

    /// Every templated value with its field path.
    fn templates(&self) -> Vec<(String, &str)> {
        let mut maps: Vec<(&str, &BTreeMap<String, String>)> = vec![
            ("api.headers", &self.api.headers),
            ("api.query_params", &self.api.query_params),
        ];
        if let Some(o1) = &self.oauth1 {
            maps.push(("oauth1.authorize_params", &o1.authorize_params));
            maps.push(("oauth1.token_request_headers", &o1.token_request_headers));
        }
        if let Some(o2) = &self.oauth2 {
            maps.push(("oauth2.token_request_headers", &o2.token_request_headers));
            maps.push(("oauth2.token_request_params", &o2.token_request_params));
            maps.push((
                "oauth2.refresh_request_headers",
                &o2.refresh_request_headers,
            ));
        }
        maps.into_iter()
            .flat_map(|(table, map)| {
                map.iter()
                    .map(move |(k, v)| (format!("{table}.{k}"), v.as_str()))
            })
            .collect()
    }

    /// The same profile served from `base` instead of the provider's hosts:
    /// every URL becomes `base` + its original path and query, so
    /// `https://api.example.com/oauth/token` rebased onto
    /// `http://127.0.0.1:8080/example/` is `http://127.0.0.1:8080/example/oauth/token`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidBaseUrl`] when `base` cannot hold a path (`mailto:`, ...).
    pub fn rebase(&self, base: &Url) -> Result<Self, crate::Error> {
        if base.cannot_be_a_base() || base.host_str().is_none() {
            return Err(crate::Error::InvalidBaseUrl(format!(
                "`{base}` has no host to serve paths from"
            )));
        }
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let move_url = |url: &Url| -> Result<Url, crate::Error> {
            let mut moved = base
                .join(url.path().trim_start_matches('/'))
                .map_err(|e| crate::Error::InvalidBaseUrl(e.to_string()))?;
            moved.set_query(url.query());
            Ok(moved)
        };
        let mut rebased = self.clone();
        rebased.api_base_url = move_url(&self.api_base_url)?;
        for url in rebased.api.endpoints.values_mut() {
            *url = move_url(url)?;
        }
        if let Some(o1) = &mut rebased.oauth1 {
            o1.temporary_credentials_endpoint = move_url(&o1.temporary_credentials_endpoint)?;
            o1.authorization_endpoint = move_url(&o1.authorization_endpoint)?;
            o1.token_credentials_endpoint = move_url(&o1.token_credentials_endpoint)?;
        }
        if let Some(o2) = &mut rebased.oauth2 {
            o2.token_endpoint = move_url(&o2.token_endpoint)?;
            for url in [
                &mut o2.authorization_endpoint,
                &mut o2.revocation_endpoint,
                &mut o2.device_authorization_endpoint,
                &mut o2.introspection_endpoint,
            ]
            .into_iter()
            .flatten()
            {
                *url = move_url(url)?;
            }
        }
        Ok(rebased)
    }
}

/// Why `url` is not acceptable as an endpoint, if it is not.
fn url_problem(url: &Url, allow_insecure_http: bool) -> Option<String> {
    match url.scheme() {
        "https" => None,
        "http" if allow_insecure_http || is_loopback(url) => None,
        "http" => Some(format!(
            "`{url}` is plain http to a host that is not loopback: use https, or set \
             `allow_insecure_http = true` if the provider offers nothing else"
        )),
        other => Some(format!(
            "`{url}`: the scheme must be https (or http), not `{other}`"
        )),
    }
}

/// Whether the URL's host is a loopback address or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
