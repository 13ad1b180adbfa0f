//! The client's configuration (RFC 6749 §2): identity, authentication, endpoints.

use base64::Engine as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Request};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::types::{ClientId, ClientSecret};
use crate::{Error, FORM_CONTENT_TYPE};

/// The default limit on response bodies: 256 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// How the client authenticates to the token, revocation and introspection
/// endpoints (RFC 6749 §2.3). Always stated, never guessed: a client that
/// tries one method and retries with another spends a one-time code or a
/// rotating refresh token on the failed try.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: `Authorization: Basic` (§2.3.1), the method
    /// every server must support.
    #[default]
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the body (§2.3.1).
    Post,
    /// `none`: a public client sends only `client_id` in the body (§2.1, §3.2.1).
    None,
}

/// How `Authorization: Basic` credentials are encoded (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BasicEncoding {
    /// Each of id and secret is `application/x-www-form-urlencoded` (Appendix B)
    /// before they are joined with `:` and base64-encoded, as §2.3.1 says.
    #[default]
    FormUrlEncoded,
    /// Joined as they are, for servers that never decode (RFC 7617 style).
    Raw,
}

/// An OAuth 2 client: who it is, how it authenticates, where it sends requests.
///
/// Fields are public; [`Client::new`] and the `with_*` methods are shortcuts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Client {
    /// The client identifier (§2.2).
    pub client_id: ClientId,
    /// The client secret, for confidential clients (§2.3.1).
    pub client_secret: Option<ClientSecret>,
    /// How the client authenticates to the token endpoint.
    pub auth: ClientAuth,
    /// For [`ClientAuth::Basic`]: how id and secret are encoded.
    pub basic_encoding: BasicEncoding,
    /// How the client authenticates to the revocation endpoint, when not `auth`.
    pub revocation_auth: Option<ClientAuth>,
    /// The authorization endpoint (§3.1).
    pub authorization_endpoint: Option<Url>,
    /// The token endpoint (§3.2).
    pub token_endpoint: Option<Url>,
    /// The revocation endpoint (RFC 7009).
    pub revocation_endpoint: Option<Url>,
    /// The device authorization endpoint (RFC 8628 §3.1).
    pub device_authorization_endpoint: Option<Url>,
    /// The introspection endpoint (RFC 7662).
    pub introspection_endpoint: Option<Url>,
    /// Extra headers on every token request (MapMyFitness: `Api-Key: <client id>`).
    pub token_request_headers: Vec<(String, String)>,
    /// Extra form parameters on every token request.
    pub token_request_params: Vec<(String, String)>,
    /// The separator between scopes on requests (§3.3 says a space).
    pub scope_separator: String,
    /// Responses with a larger body are refused.
    pub max_response_bytes: usize,
}

impl Client {
    /// A public client ([`ClientAuth::None`]) with no endpoints; see
    /// [`Client::with_secret`] for a confidential one.
    pub fn new(client_id: impl Into<ClientId>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            auth: ClientAuth::None,
            basic_encoding: BasicEncoding::default(),
            revocation_auth: None,
            authorization_endpoint: None,
            token_endpoint: None,
            revocation_endpoint: None,
            device_authorization_endpoint: None,
            introspection_endpoint: None,
            token_request_headers: Vec::new(),
            token_request_params: Vec::new(),
            scope_separator: " ".to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Sets the secret; a client still on [`ClientAuth::None`] switches to
    /// Basic authentication (§2.3.1), any other choice is kept.
    #[must_use]
    pub fn with_secret(mut self, secret: ClientSecret) -> Self {
        self.client_secret = Some(secret);
        if self.auth == ClientAuth::None {
            self.auth = ClientAuth::Basic;
        }
        self
    }

    /// Sets the authentication method.
    #[must_use]
    pub fn with_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the authorization endpoint.
    #[must_use]
    pub fn with_authorization_endpoint(mut self, url: Url) -> Self {
        self.authorization_endpoint = Some(url);
        self
    }

    /// Sets the token endpoint.
    #[must_use]
    pub fn with_token_endpoint(mut self, url: Url) -> Self {
        self.token_endpoint = Some(url);
        self
    }

    /// Sets the revocation endpoint.
    #[must_use]
    pub fn with_revocation_endpoint(mut self, url: Url) -> Self {
        self.revocation_endpoint = Some(url);
        self
    }

    /// Sets the device authorization endpoint.
    #[must_use]
    pub fn with_device_authorization_endpoint(mut self, url: Url) -> Self {
        self.device_authorization_endpoint = Some(url);
        self
    }

    /// Sets the introspection endpoint.
    #[must_use]
    pub fn with_introspection_endpoint(mut self, url: Url) -> Self {
        self.introspection_endpoint = Some(url);
        self
    }

    /// Adds a header to every token request.
    #[must_use]
    pub fn with_token_request_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.token_request_headers.push((name.into(), value.into()));
        self
    }

    /// Adds a form parameter to every token request.
    #[must_use]
    pub fn with_token_request_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.token_request_params.push((name.into(), value.into()));
        self
    }

    /// The `Authorization: Basic` value for this client (§2.3.1), marked sensitive.
    pub fn basic_authorization(&self) -> HeaderValue {
        basic_authorization(
            self.client_id.as_str(),
            self.client_secret.as_ref().map_or("", ClientSecret::secret),
            self.basic_encoding,
        )
    }

    /// Adds this client's credentials to a request's headers and form, by `auth` (§2.3).
    pub(crate) fn authenticate(
        &self,
        auth: ClientAuth,
        headers: &mut Vec<(HeaderName, HeaderValue)>,
        form: &mut Vec<(String, String)>,
    ) {
        match auth {
            ClientAuth::Basic => headers.push((AUTHORIZATION, self.basic_authorization())),
            ClientAuth::Post => {
                form.push(("client_id".into(), self.client_id.as_str().into()));
                // §2.3.1: the parameter may be omitted when there is no secret.
                if let Some(secret) = &self.client_secret {
                    form.push(("client_secret".into(), secret.secret().into()));
                }
            }
            ClientAuth::None => form.push(("client_id".into(), self.client_id.as_str().into())),
        }
    }

    pub(crate) fn endpoint<'a>(url: &'a Option<Url>, name: &'static str) -> Result<&'a Url, Error> {
        url.as_ref().ok_or(Error::MissingEndpoint(name))
    }
}

/// The `Authorization: Basic` value for `client_id` and `client_secret`
/// (RFC 6749 §2.3.1), marked sensitive.
///
/// With [`BasicEncoding::FormUrlEncoded`] each part is first encoded with the
/// `application/x-www-form-urlencoded` algorithm (Appendix B: space becomes
/// `+`, everything but `[A-Za-z0-9*-._]` is percent-encoded).
pub fn basic_authorization(
    client_id: &str,
    client_secret: &str,
    encoding: BasicEncoding,
) -> HeaderValue {
    let joined = match encoding {
        BasicEncoding::FormUrlEncoded => {
            format!("{}:{}", form_encode(client_id), form_encode(client_secret))
        }
        BasicEncoding::Raw => format!("{client_id}:{client_secret}"),
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(joined.as_bytes());
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        // Base64 output and "Basic " are visible ASCII: always a valid header value.
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

/// `application/x-www-form-urlencoded` encoding of one string (RFC 6749 Appendix B).
pub fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Builds a form POST (RFC 6749 §3.2 and kin) with `Accept: application/json`.
pub(crate) fn form_post(
    url: &Url,
    headers: Vec<(HeaderName, HeaderValue)>,
    extra_headers: &[(String, String)],
    form: &[(String, String)],
) -> Result<Request<Vec<u8>>, Error> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        body.append_pair(name, value);
    }
    let mut builder = Request::post(url.as_str())
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .header(ACCEPT, "application/json");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    for (name, value) in extra_headers {
        let header_name = HeaderName::try_from(name.as_str())
            .map_err(|_| Error::InvalidHeader { name: name.clone() })?;
        let mut header_value = HeaderValue::try_from(value.as_str())
            .map_err(|_| Error::InvalidHeader { name: name.clone() })?;
        if is_credential_header(&header_name) {
            header_value.set_sensitive(true);
        }
        builder = builder.header(header_name, header_value);
    }
    builder
        .body(body.finish().into_bytes())
        .map_err(|e| Error::malformed(format!("cannot build the request: {e}")))
}

/// Headers whose values are credentials (`Authorization`, API keys).
fn is_credential_header(name: &HeaderName) -> bool {
    let n = name.as_str();
    n == "authorization" || n.contains("key") || n.contains("token") || n.contains("secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6749_basic_example() {
        // RFC 6749 §2.3.1: s6BhdRkqt3 / gX1fBat3bV.
        let v = basic_authorization("s6BhdRkqt3", "gX1fBat3bV", BasicEncoding::FormUrlEncoded);
        assert_eq!(v.to_str().unwrap(), "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW");
        assert!(v.is_sensitive());
    }

    #[test]
    fn basic_form_encodes_each_part_before_joining() {
        let v = basic_authorization("id:1", "a b+c", BasicEncoding::FormUrlEncoded);
        let expected = base64::engine::general_purpose::STANDARD.encode("id%3A1:a+b%2Bc");
        assert_eq!(v.to_str().unwrap(), format!("Basic {expected}"));
        let raw = basic_authorization("id:1", "a b+c", BasicEncoding::Raw);
        let expected = base64::engine::general_purpose::STANDARD.encode("id:1:a b+c");
        assert_eq!(raw.to_str().unwrap(), format!("Basic {expected}"));
    }

    #[test]
    fn extra_headers_are_checked_and_credentials_hidden() {
        let url = Url::parse("https://a.example/token").unwrap();
        let bad = form_post(&url, vec![], &[("Bad Name".into(), "x".into())], &[]);
        assert_eq!(bad.unwrap_err().code(), "invalid_header");
        let ok = form_post(&url, vec![], &[("Api-Key".into(), "k".into())], &[]).unwrap();
        assert!(ok.headers()["api-key"].is_sensitive());
        assert_eq!(ok.headers()["accept"], "application/json");
    }
}
