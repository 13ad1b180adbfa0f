//! Token introspection (RFC 7662).

use http::{Request, Response};
use serde_json::{Map, Value};

use crate::client::Client;
use crate::revocation::TokenTypeHint;
use crate::types::{AccessToken, AnyToken, Scope, join_scopes};
use crate::wire;
use crate::{Error, Exchange};

/// An introspection request (RFC 7662 §2.1). The caller authenticates with
/// the client's credentials, or with a bearer token when `bearer` is set
/// (the second example of §2.1; Fitbit does this).
#[derive(Debug)]
#[non_exhaustive]
pub struct IntrospectionRequest<'a> {
    /// The client (its endpoint and credentials).
    pub client: &'a Client,
    /// The token asked about.
    pub token: AnyToken,
    /// The hint.
    pub token_type_hint: Option<TokenTypeHint>,
    /// Authenticate with this bearer token instead of client credentials.
    pub bearer: Option<AccessToken>,
}

impl<'a> IntrospectionRequest<'a> {
    /// A request about `token`.
    pub fn new(client: &'a Client, token: AnyToken) -> Self {
        Self {
            client,
            token,
            token_type_hint: None,
            bearer: None,
        }
    }

    /// The POST to the introspection endpoint.
    pub fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        let url = Client::endpoint(&self.client.introspection_endpoint, "introspection")?;
        let mut form = vec![("token".to_owned(), self.token.secret().to_owned())];
        if let Some(h) = &self.token_type_hint {
            form.push(("token_type_hint".to_owned(), h.as_str().to_owned()));
        }
        let mut headers = Vec::new();
        match &self.bearer {
            Some(token) => headers.push((
                http::header::AUTHORIZATION,
                crate::bearer::authorization(token)?,
            )),
            None => self
                .client
                .authenticate(self.client.auth, &mut headers, &mut form),
        }
        crate::client::form_post(url, headers, &[], &form)
    }

    /// Reads the §2.2 response.
    pub fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<IntrospectionResponse, Error> {
        IntrospectionResponse::parse(
            response.status().as_u16(),
            wire::content_type(response.headers()),
            response.body().as_ref(),
            self.client.max_response_bytes,
        )
    }
}

impl Exchange for IntrospectionRequest<'_> {
    type Output = IntrospectionResponse;

    fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        IntrospectionRequest::to_request(self)
    }

    fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<IntrospectionResponse, Error> {
        IntrospectionRequest::read_response(self, response)
    }
}

/// An introspection response (RFC 7662 §2.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntrospectionResponse {
    /// Whether the token is active. Nothing else is meaningful when it is not.
    pub active: bool,
    /// Its scopes.
    pub scope: Option<Vec<Scope>>,
    /// The client it was issued to.
    pub client_id: Option<String>,
    /// The resource owner's user name.
    pub username: Option<String>,
    /// Its type.
    pub token_type: Option<String>,
    /// Expiry (unix seconds).
    pub exp: Option<u64>,
    /// Issued at (unix seconds).
    pub iat: Option<u64>,
    /// Not before (unix seconds).
    pub nbf: Option<u64>,
    /// Subject.
    pub sub: Option<String>,
    /// Audiences (a single string is a list of one).
    pub aud: Option<Vec<String>>,
    /// Issuer.
    pub iss: Option<String>,
    /// Token identifier.
    pub jti: Option<String>,
    /// Other members.
    pub extra: Map<String, Value>,
}

impl IntrospectionResponse {
    /// The answer for an inactive (or unknown) token: `{"active": false}`.
    pub fn inactive() -> Self {
        Self::default()
    }

    /// Reads a §2.2 response from its parts; an error body (§2.3) is an
    /// [`Error::ErrorResponse`].
    pub fn parse(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
        max_bytes: usize,
    ) -> Result<Self, Error> {
        let mut m = wire::read_members(status, content_type, body, max_bytes)?;
        let is_json = body.trim_ascii_start().starts_with(b"{");
        let active = match m.get("active") {
            Some(Value::Bool(b)) => *b,
            // A form-encoded body can only carry text; JSON must carry a boolean (§2.2).
            Some(Value::String(s)) if !is_json && (s == "true" || s == "false") => s == "true",
            Some(_) => return Err(Error::malformed("`active` is not a boolean")),
            None => return Err(Error::missing("active")),
        };
        let aud = match m.get("aud") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(vec![s.clone()]),
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| Error::malformed("`aud` is not a string or list of strings"))?,
            ),
            Some(_) => return Err(Error::malformed("`aud` is not a string or list of strings")),
        };
        let this = Self {
            active,
            scope: wire::opt_scopes(&m, " ")?,
            client_id: wire::opt_string(&m, "client_id")?,
            username: wire::opt_string(&m, "username")?,
            token_type: wire::opt_string(&m, "token_type")?,
            exp: wire::opt_u64(&m, "exp")?,
            iat: wire::opt_u64(&m, "iat")?,
            nbf: wire::opt_u64(&m, "nbf")?,
            sub: wire::opt_string(&m, "sub")?,
            aud,
            iss: wire::opt_string(&m, "iss")?,
            jti: wire::opt_string(&m, "jti")?,
            extra: Map::new(),
        };
        for name in [
            "active",
            "scope",
            "client_id",
            "username",
            "token_type",
            "exp",
            "iat",
            "nbf",
            "sub",
            "aud",
            "iss",
            "jti",
        ] {
            m.remove(name);
        }
        Ok(Self { extra: m, ..this })
    }

    /// The §2.2 JSON object, for a server.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("active".into(), self.active.into());
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(v) = value {
                map.insert(name.into(), v);
            }
        };
        put(
            "scope",
            self.scope.as_ref().map(|s| join_scopes(s, " ").into()),
        );
        put("client_id", self.client_id.clone().map(Into::into));
        put("username", self.username.clone().map(Into::into));
        put("token_type", self.token_type.clone().map(Into::into));
        put("exp", self.exp.map(Into::into));
        put("iat", self.iat.map(Into::into));
        put("nbf", self.nbf.map(Into::into));
        put("sub", self.sub.clone().map(Into::into));
        put(
            "aud",
            self.aud.clone().map(|a| match a.as_slice() {
                [one] => Value::String(one.clone()),
                _ => a.into(),
            }),
        );
        put("iss", self.iss.clone().map(Into::into));
        put("jti", self.jti.clone().map(Into::into));
        for (k, v) in &self.extra {
            map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ClientSecret;
    use url::Url;

    #[test]
    fn rfc7662_2_1_requests() {
        let c = Client::new("s6BhdRkqt3")
            .with_secret(ClientSecret::new("gX1fBat3bV"))
            .with_introspection_endpoint(
                Url::parse("https://server.example.com/introspect").unwrap(),
            );
        let mut r = IntrospectionRequest::new(&c, AnyToken::new("mF_9.B5f-4.1JqM"));
        r.token_type_hint = Some(TokenTypeHint::AccessToken);
        let req = r.to_request().unwrap();
        assert_eq!(
            req.headers()["authorization"],
            "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"
        );
        assert_eq!(
            req.body(),
            b"token=mF_9.B5f-4.1JqM&token_type_hint=access_token"
        );
        r.bearer = Some(AccessToken::new("23410913-abewfq.123483"));
        let req = r.to_request().unwrap();
        assert_eq!(
            req.headers()["authorization"],
            "Bearer 23410913-abewfq.123483"
        );
    }

    #[test]
    fn rfc7662_2_2_response() {
        let body = br#"{
          "active": true,
          "client_id": "l238j323ds-23ij4",
          "username": "jdoe",
          "scope": "read write dolphin",
          "sub": "Z5O3upPC88QrAjx00dis",
          "aud": "https://protected.example.net/resource",
          "iss": "https://server.example.com/",
          "exp": 1419356238,
          "iat": 1419350238,
          "extension_field": "twenty-seven"
        }"#;
        let r = IntrospectionResponse::parse(200, None, body, 10_000).unwrap();
        assert!(r.active);
        assert_eq!(r.scope.as_ref().unwrap().len(), 3);
        assert_eq!(
            r.aud,
            Some(vec!["https://protected.example.net/resource".to_owned()])
        );
        assert_eq!(r.exp, Some(1_419_356_238));
        assert_eq!(r.extra["extension_field"], "twenty-seven");
        let back =
            IntrospectionResponse::parse(200, None, r.to_json().to_string().as_bytes(), 10_000)
                .unwrap();
        assert_eq!(back, r);
        let inactive =
            IntrospectionResponse::parse(200, None, br#"{"active":false}"#, 100).unwrap();
        assert_eq!(inactive, IntrospectionResponse::inactive());
        assert_eq!(
            IntrospectionResponse::parse(200, None, br#"{"x":1}"#, 100)
                .unwrap_err()
                .code(),
            "missing_parameter"
        );
        assert_eq!(
            IntrospectionResponse::parse(401, None, br#"{"error":"invalid_client"}"#, 100)
                .unwrap_err()
                .code(),
            "invalid_client"
        );
    }
}
