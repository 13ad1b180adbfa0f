//! Token requests (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6; RFC 8628 §3.4) and
//! token responses (§5.1, §5.2).

use http::{Request, Response};
use serde_json::{Map, Value};

use crate::client::{Client, DEFAULT_MAX_RESPONSE_BYTES};
use crate::pkce::PkceVerifier;
use crate::types::{
    AccessToken, AuthorizationCode, DeviceCode, Password, RedirectUri, RefreshToken, Scope,
    TokenType, Username, join_scopes,
};
use crate::wire::{self, Members};
use crate::{Error, Exchange};

/// The `grant_type` of the device grant (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the client presents to get tokens.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// `authorization_code` (§4.1.3), with the PKCE verifier (RFC 7636 §4.5).
    AuthorizationCode {
        /// The code from the callback.
        code: AuthorizationCode,
        /// Required when the authorization request had one (§4.1.3).
        redirect_uri: Option<RedirectUri>,
        /// The PKCE verifier.
        code_verifier: Option<PkceVerifier>,
    },
    /// `refresh_token` (§6); scopes, when given, narrow the grant.
    RefreshToken {
        /// The refresh token.
        refresh_token: RefreshToken,
        /// A narrower scope, or empty for the original one.
        scopes: Vec<Scope>,
    },
    /// `client_credentials` (§4.4.2).
    ClientCredentials {
        /// Requested scopes.
        scopes: Vec<Scope>,
    },
    /// `password` (§4.3.2).
    Password {
        /// The resource owner's user name.
        username: Username,
        /// The resource owner's password.
        password: Password,
        /// Requested scopes.
        scopes: Vec<Scope>,
    },
    /// The device grant (RFC 8628 §3.4).
    DeviceCode {
        /// The device code from the device authorization response.
        device_code: DeviceCode,
    },
}

impl Grant {
    /// The `grant_type` value.
    pub fn grant_type(&self) -> &'static str {
        match self {
            Self::AuthorizationCode { .. } => "authorization_code",
            Self::RefreshToken { .. } => "refresh_token",
            Self::ClientCredentials { .. } => "client_credentials",
            Self::Password { .. } => "password",
            Self::DeviceCode { .. } => DEVICE_CODE_GRANT_TYPE,
        }
    }

    /// The grant's own form parameters, `grant_type` first.
    pub(crate) fn params(&self, separator: &str) -> Vec<(String, String)> {
        let mut form = vec![("grant_type".to_owned(), self.grant_type().to_owned())];
        let mut push = |name: &str, value: &str| form.push((name.to_owned(), value.to_owned()));
        let scopes = match self {
            Self::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                push("code", code.secret());
                if let Some(r) = redirect_uri {
                    push("redirect_uri", r.as_str());
                }
                if let Some(v) = code_verifier {
                    push("code_verifier", v.secret());
                }
                None
            }
            Self::RefreshToken {
                refresh_token,
                scopes,
            } => {
                push("refresh_token", refresh_token.secret());
                Some(scopes)
            }
            Self::ClientCredentials { scopes } => Some(scopes),
            Self::Password {
                username,
                password,
                scopes,
            } => {
                push("username", username.as_str());
                push("password", password.secret());
                Some(scopes)
            }
            Self::DeviceCode { device_code } => {
                push("device_code", device_code.secret());
                None
            }
        };
        if let Some(scopes) = scopes.filter(|s| !s.is_empty()) {
            push("scope", &join_scopes(scopes, separator));
        }
        form
    }
}

/// A token request: a client and a grant (RFC 6749 §3.2).
///
/// `to_request` builds the POST with `Content-Type:
/// application/x-www-form-urlencoded`, `Accept: application/json`, the
/// client's authentication and extra headers and parameters;
/// `read_response` reads the answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct TokenRequest<'a> {
    /// The client making the request.
    pub client: &'a Client,
    /// The grant presented.
    pub grant: Grant,
    /// Headers for this request only (after the client's).
    pub extra_headers: Vec<(String, String)>,
    /// Form parameters for this request only (after the client's).
    pub extra_params: Vec<(String, String)>,
}

impl<'a> TokenRequest<'a> {
    /// A request for `grant` by `client`.
    pub fn new(client: &'a Client, grant: Grant) -> Self {
        Self {
            client,
            grant,
            extra_headers: Vec::new(),
            extra_params: Vec::new(),
        }
    }

    /// Adds a header to this request.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Adds a form parameter to this request.
    #[must_use]
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((name.into(), value.into()));
        self
    }

    /// The HTTP request to send to the token endpoint.
    pub fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        let url = Client::endpoint(&self.client.token_endpoint, "token")?;
        let mut form = self.grant.params(&self.client.scope_separator);
        let mut headers = Vec::new();
        self.client
            .authenticate(self.client.auth, &mut headers, &mut form);
        form.extend(self.client.token_request_params.iter().cloned());
        form.extend(self.extra_params.iter().cloned());
        let mut extra_headers = self.client.token_request_headers.clone();
        extra_headers.extend(self.extra_headers.iter().cloned());
        crate::client::form_post(url, headers, &extra_headers, &form)
    }

    /// Reads the token endpoint's answer (§5.1, §5.2), with the client's size
    /// limit and scope separator.
    pub fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<TokenResponse, Error> {
        TokenResponse::parse(
            response.status().as_u16(),
            wire::content_type(response.headers()),
            response.body().as_ref(),
            self.client.max_response_bytes,
            &self.client.scope_separator,
        )
    }
}

impl Exchange for TokenRequest<'_> {
    type Output = TokenResponse;

    fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        TokenRequest::to_request(self)
    }

    fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<TokenResponse, Error> {
        TokenRequest::read_response(self, response)
    }
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The access token.
    pub access_token: AccessToken,
    /// Its type (compare with [`TokenType::is`]; §5.1 says case-insensitive).
    pub token_type: TokenType,
    /// Lifetime in seconds (sent as a number or, by some providers, a string).
    pub expires_in: Option<u64>,
    /// A refresh token (§6), when issued.
    pub refresh_token: Option<RefreshToken>,
    /// The granted scopes; `None` means as requested (§5.1).
    pub scope: Option<Vec<Scope>>,
    /// Every other member, as sent (`id_token`, `user_id`, ...).
    pub extra: Map<String, Value>,
}

impl TokenResponse {
    /// A bearer token response with no lifetime, refresh token or scope.
    pub fn bearer(access_token: AccessToken) -> Self {
        Self {
            access_token,
            token_type: TokenType::bearer(),
            expires_in: None,
            refresh_token: None,
            scope: None,
            extra: Map::new(),
        }
    }

    /// Reads a token endpoint's response with the default limit and a space
    /// as scope separator.
    pub fn from_http<B: AsRef<[u8]>>(response: &Response<B>) -> Result<Self, Error> {
        Self::parse(
            response.status().as_u16(),
            wire::content_type(response.headers()),
            response.body().as_ref(),
            DEFAULT_MAX_RESPONSE_BYTES,
            " ",
        )
    }

    /// Reads a token endpoint's response from its parts.
    ///
    /// A JSON object, or a form-encoded body (some providers send one). An
    /// `error` member is a §5.2 error whatever the status (some providers
    /// answer 200 with one); a body that is neither is
    /// [`Error::UnexpectedResponse`] with the status and the first bytes.
    pub fn parse(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
        max_bytes: usize,
        scope_separator: &str,
    ) -> Result<Self, Error> {
        let members = wire::read_members(status, content_type, body, max_bytes)?;
        Self::from_members(members, scope_separator)
    }

    pub(crate) fn from_members(mut members: Members, separator: &str) -> Result<Self, Error> {
        // The known members are taken out (the tokens moved, not copied);
        // what is left is the provider's own.
        let access_token = AccessToken::new(wire::take_string(&mut members, "access_token")?);
        let token_type = TokenType::new(wire::take_string(&mut members, "token_type")?);
        let expires_in = wire::opt_u64(&members, "expires_in")?;
        let refresh_token =
            wire::take_opt_string(&mut members, "refresh_token")?.map(RefreshToken::new);
        let scope = wire::opt_scopes(&members, separator)?;
        members.remove("expires_in");
        members.remove("scope");
        Ok(Self {
            access_token,
            token_type,
            expires_in,
            refresh_token,
            scope,
            extra: members,
        })
    }

    /// The §5.1 JSON object, for a server.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("access_token".into(), self.access_token.secret().into());
        map.insert("token_type".into(), self.token_type.as_str().into());
        if let Some(e) = self.expires_in {
            map.insert("expires_in".into(), e.into());
        }
        if let Some(r) = &self.refresh_token {
            map.insert("refresh_token".into(), r.secret().into());
        }
        if let Some(s) = &self.scope {
            map.insert("scope".into(), join_scopes(s, " ").into());
        }
        for (k, v) in &self.extra {
            map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(map)
    }
}

impl Client {
    /// An `authorization_code` token request (§4.1.3).
    pub fn exchange_code(
        &self,
        code: AuthorizationCode,
        redirect_uri: Option<RedirectUri>,
        code_verifier: Option<PkceVerifier>,
    ) -> TokenRequest<'_> {
        TokenRequest::new(
            self,
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            },
        )
    }

    /// A `refresh_token` request (§6), optionally narrowing the scope.
    pub fn refresh(&self, refresh_token: RefreshToken, scopes: Vec<Scope>) -> TokenRequest<'_> {
        TokenRequest::new(
            self,
            Grant::RefreshToken {
                refresh_token,
                scopes,
            },
        )
    }

    /// A `client_credentials` request (§4.4.2).
    pub fn client_credentials(&self, scopes: Vec<Scope>) -> TokenRequest<'_> {
        TokenRequest::new(self, Grant::ClientCredentials { scopes })
    }

    /// A `password` request (§4.3.2).
    pub fn password(
        &self,
        username: Username,
        password: Password,
        scopes: Vec<Scope>,
    ) -> TokenRequest<'_> {
        TokenRequest::new(
            self,
            Grant::Password {
                username,
                password,
                scopes,
            },
        )
    }

    /// A device-code polling request (RFC 8628 §3.4).
    pub fn device_token(&self, device_code: DeviceCode) -> TokenRequest<'_> {
        TokenRequest::new(self, Grant::DeviceCode { device_code })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientAuth;
    use crate::types::ClientSecret;
    use url::Url;

    fn form(body: &[u8]) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body).into_owned().collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    fn client() -> Client {
        Client::new("s6BhdRkqt3")
            .with_secret(ClientSecret::new("gX1fBat3bV"))
            .with_token_endpoint(Url::parse("https://server.example.com/token").unwrap())
    }

    #[test]
    fn rfc6749_4_1_3_request() {
        let c = client();
        let req = c
            .exchange_code(
                AuthorizationCode::new("SplxlOBeZQQYbYS6WxSbIA"),
                Some(RedirectUri::new("https://client.example.com/cb")),
                None,
            )
            .to_request()
            .unwrap();
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(req.uri(), "https://server.example.com/token");
        assert_eq!(
            req.headers()["authorization"],
            "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"
        );
        assert!(req.headers()["authorization"].is_sensitive());
        assert_eq!(
            req.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            form(req.body()),
            pairs(&[
                ("grant_type", "authorization_code"),
                ("code", "SplxlOBeZQQYbYS6WxSbIA"),
                ("redirect_uri", "https://client.example.com/cb"),
            ])
        );
    }

    #[test]
    fn post_auth_and_extras_mapmyfitness_style() {
        let c = client()
            .with_auth(ClientAuth::Post)
            .with_token_request_header("Api-Key", "s6BhdRkqt3");
        let req = c
            .refresh(RefreshToken::new("tGzv3JOkF0XG5Qx2TlKWIA"), vec![])
            .to_request()
            .unwrap();
        assert!(req.headers().get("authorization").is_none());
        assert_eq!(req.headers()["api-key"], "s6BhdRkqt3");
        assert_eq!(
            form(req.body()),
            pairs(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "tGzv3JOkF0XG5Qx2TlKWIA"),
                ("client_id", "s6BhdRkqt3"),
                ("client_secret", "gX1fBat3bV"),
            ])
        );
    }

    #[test]
    fn missing_endpoint() {
        let c = Client::new("x");
        let e = c.client_credentials(vec![]).to_request().unwrap_err();
        assert_eq!(e, Error::MissingEndpoint("token"));
    }

    #[test]
    fn rfc6749_5_1_response() {
        let body = br#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","example_parameter":"example_value"}"#;
        let r = TokenResponse::parse(200, Some("application/json"), body, 1000, " ").unwrap();
        assert_eq!(r.access_token.secret(), "2YotnFZFEjr1zCsicMWpAA");
        assert!(r.token_type.is("EXAMPLE"));
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(
            r.refresh_token.as_ref().unwrap().secret(),
            "tGzv3JOkF0XG5Qx2TlKWIA"
        );
        assert_eq!(r.scope, None);
        assert_eq!(r.extra["example_parameter"], "example_value");
        assert_eq!(r.extra.len(), 1);
        let back =
            TokenResponse::parse(200, None, r.to_json().to_string().as_bytes(), 1000, " ").unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn lenient_shapes() {
        let r = TokenResponse::parse(
            200,
            Some("application/x-www-form-urlencoded"),
            b"access_token=a&token_type=bearer&expires_in=60&scope=x+y",
            1000,
            " ",
        )
        .unwrap();
        assert_eq!(r.expires_in, Some(60));
        assert_eq!(r.scope, Some(vec![Scope::new("x"), Scope::new("y")]));
        let e = TokenResponse::parse(
            200,
            None,
            br#"{"error":"invalid_grant","error_description":"d","error_uri":"u"}"#,
            1000,
            " ",
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(
            e.error_response().unwrap().error_description.as_deref(),
            Some("d")
        );
        let e =
            TokenResponse::parse(200, None, br#"{"token_type":"bearer"}"#, 1000, " ").unwrap_err();
        assert_eq!(e, Error::missing("access_token"));
        let e = TokenResponse::parse(502, Some("text/html"), b"<h1>Bad gateway</h1>", 1000, " ")
            .unwrap_err();
        assert_eq!(e.code(), "unexpected_response");
        assert!(e.to_string().contains("502"));
        assert!(e.to_string().contains("Bad gateway"));
    }
}
