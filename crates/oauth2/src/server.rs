//! The authorization server's half: parse what clients send, build what they
//! read. Used by the sandbox and by any stack building an authorization server.
//!
//! Parsers return [`Error`]; [`Error::to_error_response`] turns a parse
//! failure into the §5.2 error to send, and [`error_response`] into the HTTP
//! response. Token and error responses carry `Cache-Control: no-store` and
//! `Pragma: no-cache` (RFC 6749 §5.1).

use base64::Engine as _;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::Value;
use url::Url;

use crate::client::ClientAuth;
use crate::device::DeviceAuthorizationResponse;
use crate::error::ErrorResponse;
use crate::introspection::IntrospectionResponse;
use crate::pkce::{PkceChallenge, PkceMethod, PkceVerifier};
use crate::revocation::TokenTypeHint;
use crate::token::{DEVICE_CODE_GRANT_TYPE, Grant, TokenResponse};
use crate::types::{
    AccessToken, AnyToken, AuthorizationCode, ClientId, ClientSecret, DeviceCode, Password,
    RedirectUri, RefreshToken, Scope, State, Username, split_scopes,
};
use crate::wire::{take, unique_pairs};
use crate::{Error, FORM_CONTENT_TYPE};

/// How a client identified and authenticated itself (RFC 6749 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientCredentials {
    /// The client's identifier.
    pub client_id: ClientId,
    /// The secret it presented, if any.
    pub client_secret: Option<ClientSecret>,
    /// How it presented them: the Basic header, the body, or only `client_id`.
    pub method: ClientAuth,
}

impl ClientCredentials {
    /// Whether the presented secret equals `expected`, compared in constant time.
    pub fn secret_matches(&self, expected: &ClientSecret) -> bool {
        self.client_secret.as_ref() == Some(expected)
    }
}

/// Reads the client's credentials from an `Authorization: Basic` header
/// (§2.3.1, id and secret form-decoded) or from the body's `client_id` /
/// `client_secret`, removing them from `form`. Both at once is
/// [`Error::MultipleClientAuth`] (§2.3). Other `Authorization` schemes are
/// ignored here. `Ok(None)` when the client did not identify itself.
pub fn client_credentials(
    headers: &HeaderMap,
    form: &mut Vec<(String, String)>,
) -> Result<Option<ClientCredentials>, Error> {
    let body_id = take(form, "client_id");
    let body_secret = take(form, "client_secret");
    let basic = match headers.get(AUTHORIZATION) {
        None => None,
        Some(value) => {
            let text = value.to_str().map_err(|_| Error::MalformedClientAuth)?;
            match text.trim().split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("basic") => {
                    Some(decode_basic(rest.trim())?)
                }
                _ if text.trim().eq_ignore_ascii_case("basic") => {
                    return Err(Error::MalformedClientAuth);
                }
                _ => None,
            }
        }
    };
    match (basic, body_id, body_secret) {
        (Some((id, secret)), body_id, body_secret) => {
            if body_secret.is_some() || body_id.is_some_and(|b| b != id) {
                return Err(Error::MultipleClientAuth);
            }
            Ok(Some(ClientCredentials {
                client_id: ClientId::new(id),
                client_secret: Some(ClientSecret::new(secret)),
                method: ClientAuth::Basic,
            }))
        }
        (None, Some(id), Some(secret)) => Ok(Some(ClientCredentials {
            client_id: ClientId::new(id),
            client_secret: Some(ClientSecret::new(secret)),
            method: ClientAuth::Post,
        })),
        (None, Some(id), None) => Ok(Some(ClientCredentials {
            client_id: ClientId::new(id),
            client_secret: None,
            method: ClientAuth::None,
        })),
        (None, None, Some(_)) => Err(Error::missing("client_id")),
        (None, None, None) => Ok(None),
    }
}

/// Decodes Basic credentials: base64, split at the first `:`, each part
/// `application/x-www-form-urlencoded`-decoded (§2.3.1).
fn decode_basic(encoded: &str) -> Result<(String, String), Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| Error::MalformedClientAuth)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::MalformedClientAuth)?;
    let (id, secret) = text.split_once(':').ok_or(Error::MalformedClientAuth)?;
    let decode = |s: &str| -> Result<String, Error> {
        let bytes: Vec<u8> = url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())
            .unwrap_or_default();
        String::from_utf8(bytes).map_err(|_| Error::MalformedClientAuth)
    };
    // Percent-decoding never fails, but `&` would split the pair: reject it.
    if id.contains('&') || secret.contains('&') {
        return Err(Error::MalformedClientAuth);
    }
    Ok((decode(id)?, decode(secret)?))
}

/// The form of a POST request with an `application/x-www-form-urlencoded`
/// body, with no parameter repeated (§3.2).
fn form_of<B: AsRef<[u8]>>(request: &Request<B>) -> Result<Vec<(String, String)>, Error> {
    if request.method() != Method::POST {
        return Err(Error::malformed(
            "the request must be a POST (RFC 6749 §3.2)",
        ));
    }
    let is_form = crate::wire::content_type(request.headers()).is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(FORM_CONTENT_TYPE))
    });
    if !is_form {
        return Err(Error::malformed(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    unique_pairs(request.body().as_ref())
}

/// An authorization request as the server sees it (§4.1.1, §4.2.1; RFC 7636 §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationRequestParams {
    /// `code`, `token`, or an extension.
    pub response_type: String,
    /// The client.
    pub client_id: ClientId,
    /// Where to send the browser back.
    pub redirect_uri: Option<RedirectUri>,
    /// Requested scopes.
    pub scopes: Vec<Scope>,
    /// To return unchanged.
    pub state: Option<State>,
    /// PKCE; the method defaults to `plain` when absent (RFC 7636 §4.3).
    pub code_challenge: Option<PkceChallenge>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Parses an authorization request URL (or its query).
pub fn parse_authorization_request(
    url_or_query: &str,
) -> Result<AuthorizationRequestParams, Error> {
    let text = url_or_query.trim();
    let query = if text.contains("://") {
        Url::parse(text)
            .map_err(|e| Error::malformed(format!("authorization URL: {e}")))?
            .query()
            .unwrap_or("")
            .to_owned()
    } else {
        text.strip_prefix('?').unwrap_or(text).to_owned()
    };
    let mut pairs = unique_pairs(query.as_bytes())?;
    let response_type =
        take(&mut pairs, "response_type").ok_or_else(|| Error::missing("response_type"))?;
    let client_id = take(&mut pairs, "client_id").ok_or_else(|| Error::missing("client_id"))?;
    let redirect_uri = take(&mut pairs, "redirect_uri").map(RedirectUri::new);
    let scopes = take(&mut pairs, "scope").map_or_else(Vec::new, |s| split_scopes(&s, " "));
    let state = take(&mut pairs, "state").map(State::new);
    let method = take(&mut pairs, "code_challenge_method");
    let code_challenge = match take(&mut pairs, "code_challenge") {
        Some(c) => {
            let method = match method {
                Some(m) => PkceMethod::parse(&m)?,
                None => PkceMethod::Plain,
            };
            Some(PkceChallenge::new(c, method))
        }
        None if method.is_some() => return Err(Error::missing("code_challenge")),
        None => None,
    };
    Ok(AuthorizationRequestParams {
        response_type,
        client_id: ClientId::new(client_id),
        redirect_uri,
        scopes,
        state,
        code_challenge,
        extra: pairs,
    })
}

/// The redirect carrying a code (§4.1.2).
pub fn authorization_redirect(
    redirect_uri: &RedirectUri,
    code: &AuthorizationCode,
    state: Option<&State>,
) -> Result<Url, Error> {
    let mut url = parse_redirect(redirect_uri)?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("code", code.secret());
        if let Some(s) = state {
            q.append_pair("state", s.as_str());
        }
    }
    Ok(url)
}

/// The redirect carrying an error (§4.1.2.1).
pub fn authorization_error_redirect(
    redirect_uri: &RedirectUri,
    error: &ErrorResponse,
    state: Option<&State>,
) -> Result<Url, Error> {
    let mut url = parse_redirect(redirect_uri)?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", error.error.as_str());
        if let Some(d) = &error.error_description {
            q.append_pair("error_description", d);
        }
        if let Some(u) = &error.error_uri {
            q.append_pair("error_uri", u);
        }
        if let Some(s) = state {
            q.append_pair("state", s.as_str());
        }
    }
    Ok(url)
}

/// The implicit grant's redirect, with the token in the fragment (§4.2.2).
pub fn implicit_redirect(
    redirect_uri: &RedirectUri,
    token: &TokenResponse,
    state: Option<&State>,
) -> Result<Url, Error> {
    let mut url = parse_redirect(redirect_uri)?;
    let mut f = url::form_urlencoded::Serializer::new(String::new());
    f.append_pair("access_token", token.access_token.secret());
    f.append_pair("token_type", token.token_type.as_str());
    if let Some(e) = token.expires_in {
        f.append_pair("expires_in", &e.to_string());
    }
    if let Some(s) = &token.scope {
        f.append_pair("scope", &crate::types::join_scopes(s, " "));
    }
    if let Some(s) = state {
        f.append_pair("state", s.as_str());
    }
    url.set_fragment(Some(&f.finish()));
    Ok(url)
}

fn parse_redirect(redirect_uri: &RedirectUri) -> Result<Url, Error> {
    let url = Url::parse(redirect_uri.as_str())
        .map_err(|e| Error::malformed(format!("redirect_uri: {e}")))?;
    if url.fragment().is_some() {
        return Err(Error::malformed("redirect_uri has a fragment (§3.1.2)"));
    }
    Ok(url)
}

/// A token request as the server sees it (§3.2, §4.1.3, §4.3.2, §4.4.2, §6;
/// RFC 8628 §3.4).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRequestParams {
    /// The client, if it identified itself.
    pub client: Option<ClientCredentials>,
    /// The grant.
    pub grant: Grant,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Parses a token request: a form POST, client authentication (§2.3), the grant.
pub fn parse_token_request<B: AsRef<[u8]>>(
    request: &Request<B>,
) -> Result<TokenRequestParams, Error> {
    let mut form = form_of(request)?;
    let client = client_credentials(request.headers(), &mut form)?;
    let grant_type = take(&mut form, "grant_type").ok_or_else(|| Error::missing("grant_type"))?;
    let mut required = |name: &str| take(&mut form, name).ok_or_else(|| Error::missing(name));
    let grant = match grant_type.as_str() {
        "authorization_code" => {
            let code = AuthorizationCode::new(required("code")?);
            let redirect_uri = take(&mut form, "redirect_uri").map(RedirectUri::new);
            let code_verifier = take(&mut form, "code_verifier")
                .map(PkceVerifier::new)
                .transpose()?;
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            }
        }
        "refresh_token" => Grant::RefreshToken {
            refresh_token: RefreshToken::new(required("refresh_token")?),
            scopes: scopes(&mut form),
        },
        "client_credentials" => Grant::ClientCredentials {
            scopes: scopes(&mut form),
        },
        "password" => {
            let username = Username::new(required("username")?);
            let password = Password::new(required("password")?);
            Grant::Password {
                username,
                password,
                scopes: scopes(&mut form),
            }
        }
        DEVICE_CODE_GRANT_TYPE => Grant::DeviceCode {
            device_code: DeviceCode::new(required("device_code")?),
        },
        other => return Err(Error::UnsupportedGrantType(other.to_owned())),
    };
    Ok(TokenRequestParams {
        client,
        grant,
        extra: form,
    })
}

fn scopes(form: &mut Vec<(String, String)>) -> Vec<Scope> {
    take(form, "scope").map_or_else(Vec::new, |s| split_scopes(&s, " "))
}

/// The server's PKCE check (RFC 7636 §4.6): with a stored challenge the
/// verifier is required and must match; without one, any verifier is ignored.
pub fn verify_pkce(
    stored: Option<&PkceChallenge>,
    verifier: Option<&PkceVerifier>,
) -> Result<(), Error> {
    match (stored, verifier) {
        (Some(challenge), Some(v)) => challenge.verify(v),
        (Some(_), None) => Err(Error::missing("code_verifier")),
        (None, _) => Ok(()),
    }
}

/// A revocation request as the server sees it (RFC 7009 §2.1).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationParams {
    /// The client, if it identified itself.
    pub client: Option<ClientCredentials>,
    /// The token to revoke.
    pub token: AnyToken,
    /// The hint.
    pub token_type_hint: Option<TokenTypeHint>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Parses a revocation request.
pub fn parse_revocation_request<B: AsRef<[u8]>>(
    request: &Request<B>,
) -> Result<RevocationParams, Error> {
    let mut form = form_of(request)?;
    let client = client_credentials(request.headers(), &mut form)?;
    let token = AnyToken::new(take(&mut form, "token").ok_or_else(|| Error::missing("token"))?);
    let token_type_hint = take(&mut form, "token_type_hint").map(|h| TokenTypeHint::parse(&h));
    Ok(RevocationParams {
        client,
        token,
        token_type_hint,
        extra: form,
    })
}

/// The answer to a revocation: 200, also for unknown tokens (RFC 7009 §2.2).
pub fn revocation_response() -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    no_store(response.headers_mut());
    response
}

/// An introspection request as the server sees it (RFC 7662 §2.1).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntrospectionParams {
    /// The client, if it identified itself.
    pub client: Option<ClientCredentials>,
    /// A bearer token the caller authenticated with instead.
    pub bearer: Option<AccessToken>,
    /// The token asked about.
    pub token: AnyToken,
    /// The hint.
    pub token_type_hint: Option<TokenTypeHint>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Parses an introspection request.
pub fn parse_introspection_request<B: AsRef<[u8]>>(
    request: &Request<B>,
) -> Result<IntrospectionParams, Error> {
    let mut form = form_of(request)?;
    let client = client_credentials(request.headers(), &mut form)?;
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| crate::bearer::parse_authorization(v).ok());
    let token = AnyToken::new(take(&mut form, "token").ok_or_else(|| Error::missing("token"))?);
    let token_type_hint = take(&mut form, "token_type_hint").map(|h| TokenTypeHint::parse(&h));
    Ok(IntrospectionParams {
        client,
        bearer,
        token,
        token_type_hint,
        extra: form,
    })
}

/// The §2.2 introspection answer.
pub fn introspection_response(response: &IntrospectionResponse) -> Response<Vec<u8>> {
    json_response(StatusCode::OK, &response.to_json())
}

/// A device authorization request as the server sees it (RFC 8628 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceAuthorizationParams {
    /// The client.
    pub client: Option<ClientCredentials>,
    /// Requested scopes.
    pub scopes: Vec<Scope>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Parses a device authorization request.
pub fn parse_device_authorization_request<B: AsRef<[u8]>>(
    request: &Request<B>,
) -> Result<DeviceAuthorizationParams, Error> {
    let mut form = form_of(request)?;
    let client = client_credentials(request.headers(), &mut form)?;
    let scopes = scopes(&mut form);
    Ok(DeviceAuthorizationParams {
        client,
        scopes,
        extra: form,
    })
}

/// The §3.2 device authorization answer.
pub fn device_authorization_response(response: &DeviceAuthorizationResponse) -> Response<Vec<u8>> {
    let mut map = response.extra.clone();
    map.insert("device_code".into(), response.device_code.secret().into());
    map.insert("user_code".into(), response.user_code.as_str().into());
    map.insert(
        "verification_uri".into(),
        response.verification_uri.clone().into(),
    );
    if let Some(c) = &response.verification_uri_complete {
        map.insert("verification_uri_complete".into(), c.clone().into());
    }
    map.insert("expires_in".into(), response.expires_in.into());
    if let Some(i) = response.interval {
        map.insert("interval".into(), i.into());
    }
    json_response(StatusCode::OK, &Value::Object(map))
}

/// A §5.1 token response: 200, JSON, `Cache-Control: no-store`, `Pragma: no-cache`.
pub fn token_response(response: &TokenResponse) -> Response<Vec<u8>> {
    json_response(StatusCode::OK, &response.to_json())
}

/// A §5.2 error response: 400 (401 with `WWW-Authenticate: Basic` for
/// `invalid_client`), JSON, no-store.
pub fn error_response(error: &ErrorResponse) -> Response<Vec<u8>> {
    let value = serde_json::to_value(error).unwrap_or(Value::Null);
    let mut response = json_response(error.status(), &value);
    if error.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"oauth\""),
        );
    }
    response
}

fn json_response(status: StatusCode, value: &Value) -> Response<Vec<u8>> {
    let mut response = Response::new(value.to_string().into_bytes());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    no_store(response.headers_mut());
    response
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, http::HeaderValue::from_static("no-cache"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{BasicEncoding, Client};
    use crate::types::ClientSecret;

    fn post(body: &str, auth: Option<&str>) -> Request<Vec<u8>> {
        let mut b = Request::post("https://server.example.com/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(a) = auth {
            b = b.header(AUTHORIZATION, a);
        }
        b.body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn rfc6749_4_1_3_parsed() {
        let req = post(
            "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb",
            Some("Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"),
        );
        let p = parse_token_request(&req).unwrap();
        let c = p.client.unwrap();
        assert_eq!(c.client_id.as_str(), "s6BhdRkqt3");
        assert!(c.secret_matches(&ClientSecret::new("gX1fBat3bV")));
        assert_eq!(c.method, ClientAuth::Basic);
        assert_eq!(
            p.grant,
            Grant::AuthorizationCode {
                code: AuthorizationCode::new("SplxlOBeZQQYbYS6WxSbIA"),
                redirect_uri: Some(RedirectUri::new("https://client.example.com/cb")),
                code_verifier: None,
            }
        );
    }

    #[test]
    fn client_auth_rules() {
        let both = post(
            "grant_type=client_credentials&client_id=s6BhdRkqt3&client_secret=x",
            Some("Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"),
        );
        assert_eq!(
            parse_token_request(&both).unwrap_err(),
            Error::MultipleClientAuth
        );
        let bad = post("grant_type=client_credentials", Some("Basic !!!"));
        assert_eq!(
            parse_token_request(&bad).unwrap_err(),
            Error::MalformedClientAuth
        );
        let bearer_ignored = post(
            "grant_type=refresh_token&refresh_token=r&client_id=a&client_secret=b",
            Some("Bearer at"),
        );
        let p = parse_token_request(&bearer_ignored).unwrap();
        assert_eq!(p.client.unwrap().method, ClientAuth::Post);
        let unknown = post("grant_type=magic", None);
        assert_eq!(
            parse_token_request(&unknown).unwrap_err().code(),
            "unsupported_grant_type"
        );
        let dup = post("grant_type=password&grant_type=password", None);
        assert_eq!(parse_token_request(&dup).unwrap_err().code(), "malformed");
        let get = Request::get("https://s.example/token")
            .body(Vec::new())
            .unwrap();
        assert_eq!(parse_token_request(&get).unwrap_err().code(), "malformed");
    }

    #[test]
    fn basic_with_special_characters_round_trips() {
        let client = Client::new("id:ü+%")
            .with_secret(ClientSecret::new("s e:c+r%t"))
            .with_token_endpoint(Url::parse("https://s.example/token").unwrap());
        let req = client.client_credentials(vec![]).to_request().unwrap();
        let p = parse_token_request(&req).unwrap().client.unwrap();
        assert_eq!(p.client_id.as_str(), "id:ü+%");
        assert_eq!(p.client_secret.unwrap().secret(), "s e:c+r%t");
        let mut raw = client.clone();
        raw.basic_encoding = BasicEncoding::Raw;
        let v = raw.basic_authorization();
        let text = v.to_str().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&text[6..])
            .unwrap();
        assert_eq!(decoded, "id:ü+%:s e:c+r%t".as_bytes());
    }

    #[test]
    fn authorization_request_and_redirects() {
        let p = parse_authorization_request(
            "https://server.example.com/authorize?response_type=code&client_id=s6BhdRkqt3&state=xyz&redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb&code_challenge=abc",
        )
        .unwrap();
        assert_eq!(p.response_type, "code");
        assert_eq!(
            p.code_challenge,
            Some(PkceChallenge::new("abc", PkceMethod::Plain))
        );
        let url = authorization_redirect(
            p.redirect_uri.as_ref().unwrap(),
            &AuthorizationCode::new("SplxlOBeZQQYbYS6WxSbIA"),
            p.state.as_ref(),
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://client.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz"
        );
        let back = crate::authorize::parse_callback(url.as_str(), p.state.as_ref()).unwrap();
        assert_eq!(back.code.secret(), "SplxlOBeZQQYbYS6WxSbIA");
        let err = authorization_error_redirect(
            p.redirect_uri.as_ref().unwrap(),
            &ErrorResponse::new("access_denied"),
            p.state.as_ref(),
        )
        .unwrap();
        assert_eq!(
            crate::authorize::parse_callback(err.as_str(), p.state.as_ref())
                .unwrap_err()
                .code(),
            "access_denied"
        );
        assert_eq!(
            parse_authorization_request("client_id=x").unwrap_err(),
            Error::missing("response_type")
        );
    }

    #[test]
    fn responses_are_not_cached() {
        let r = token_response(&TokenResponse::bearer(AccessToken::new("a")));
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[PRAGMA], "no-cache");
        let e = error_response(&ErrorResponse::new("invalid_client"));
        assert_eq!(e.status(), StatusCode::UNAUTHORIZED);
        assert!(e.headers().contains_key(WWW_AUTHENTICATE));
        assert_eq!(e.headers()[CACHE_CONTROL], "no-store");
        let parsed = TokenResponse::from_http(&e).unwrap_err();
        assert_eq!(parsed.code(), "invalid_client");
    }

    #[test]
    fn pkce_check() {
        let v = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let c = v.challenge(PkceMethod::S256);
        assert!(verify_pkce(Some(&c), Some(&v)).is_ok());
        assert_eq!(
            verify_pkce(Some(&c), None).unwrap_err().code(),
            "missing_parameter"
        );
        assert!(verify_pkce(None, None).is_ok());
    }
}
