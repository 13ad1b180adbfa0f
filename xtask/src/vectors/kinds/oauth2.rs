//! `oauth2.*` kinds, run through `sansauth-oauth2`'s public API.

use sansauth_oauth2::authorize::{AuthorizationRequest, parse_callback, parse_fragment};
use sansauth_oauth2::bearer::{authorization, parse_challenges};
use sansauth_oauth2::client::{
    BasicEncoding, Client, ClientAuth, DEFAULT_MAX_RESPONSE_BYTES, basic_authorization,
};
use sansauth_oauth2::device::{DeviceAuthorizationRequest, DeviceAuthorizationResponse};
use sansauth_oauth2::http;
use sansauth_oauth2::introspection::{IntrospectionRequest, IntrospectionResponse};
use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
use sansauth_oauth2::revocation::{RevocationRequest, TokenTypeHint, read_revocation_response};
use sansauth_oauth2::token::{DEVICE_CODE_GRANT_TYPE, Grant, TokenRequest, TokenResponse};
use sansauth_oauth2::types::{
    AccessToken, AnyToken, AuthorizationCode, ClientId, ClientSecret, DeviceCode, Password,
    RedirectUri, RefreshToken, Scope, State, Username,
};
use sansauth_oauth2::url::Url;
use sansauth_oauth2::{Error, error::RetryAfter};
use serde_json::Value;

use crate::vectors::case::{ApiError, Case, InputResult};

/// Runs the `oauth2.<name>` kind, or `None` when there is no such kind.
pub(super) fn dispatch(name: &str, case: &mut Case<'_>) -> Option<InputResult<()>> {
    Some(match name {
        "pkce_challenge" => pkce_challenge(case),
        "client_secret_basic" => client_secret_basic(case),
        "authorization_url" => authorization_url(case),
        "parse_callback" => callback(case),
        "parse_fragment" => fragment(case),
        "token_request" => token_request(case),
        "token_response" => token_response(case),
        "revocation_request" => revocation_request(case),
        "revocation_response" => revocation_response(case),
        "bearer_header" => bearer_header(case),
        "www_authenticate" => www_authenticate(case),
        "device_authorization_response" => device_authorization_response(case),
        "introspection_request" => introspection_request(case),
        "device_authorization_request" => device_authorization_request(case),
        "parse_token_request" => parse_token_request(case),
        "introspection_response" => introspection_response(case),
        _ => return None,
    })
}

fn api(e: Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// Checks `error_description` / `error_uri` of a provider error, then the outcome.
fn outcome_with_details<T>(case: &mut Case<'_>, result: Result<T, Error>) -> Option<T> {
    if let Err(Error::ErrorResponse(r)) = &result {
        case.eq_opt_str("error_description", r.error_description.as_deref());
        case.eq_opt_str("error_uri", r.error_uri.as_deref());
    }
    case.outcome(result.map_err(api))
}

fn status(case: &Case<'_>) -> InputResult<u16> {
    let s = case
        .opt_u64("status")?
        .ok_or("input `status` is required")?;
    u16::try_from(s).map_err(|_| "input `status` is not an HTTP status".to_owned())
}

fn basic_encoding(case: &Case<'_>) -> InputResult<BasicEncoding> {
    match case.opt_str("basic_encoding")? {
        None | Some("form") => Ok(BasicEncoding::FormUrlEncoded),
        Some("raw") => Ok(BasicEncoding::Raw),
        Some(other) => Err(format!("unknown basic_encoding {other:?}")),
    }
}

fn client_auth(case: &Case<'_>) -> InputResult<ClientAuth> {
    match case.opt_str("client_auth")? {
        Some("basic") => Ok(ClientAuth::Basic),
        Some("post") => Ok(ClientAuth::Post),
        None | Some("none") => Ok(ClientAuth::None),
        Some(other) => Err(format!("unknown client_auth {other:?}")),
    }
}

/// A client from the common inputs, with `endpoint` parsed by `set`.
fn client(case: &Case<'_>) -> InputResult<Client> {
    let mut client = Client::new(ClientId::new(case.str("client_id")?));
    client.client_secret = case.opt_str("client_secret")?.map(ClientSecret::new);
    client.auth = client_auth(case)?;
    client.basic_encoding = basic_encoding(case)?;
    if let Some(sep) = case.opt_str("scope_separator")? {
        sep.clone_into(&mut client.scope_separator);
    }
    Ok(client)
}

fn endpoint(case: &Case<'_>, key: &str) -> InputResult<Result<Url, Error>> {
    let text = case.str(key)?;
    Ok(Url::parse(text).map_err(|e| Error::Malformed {
        what: format!("{key}: {e}"),
    }))
}

/// `scope` as a list (joined by the client) or a string (sent as is).
fn scopes(case: &Case<'_>) -> InputResult<Vec<Scope>> {
    match case.value("scope") {
        Some(Value::String(s)) => Ok(vec![Scope::new(s.as_str())]),
        _ => Ok(case.list("scope")?.into_iter().map(Scope::new).collect()),
    }
}

fn owned_pairs(pairs: Vec<(&str, &str)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

/// Compares a built request: `method`, `url`, `headers`, `body`.
fn check_request(case: &mut Case<'_>, result: Result<http::Request<Vec<u8>>, Error>) {
    let Some(request) = case.outcome(result.map_err(api)) else {
        return;
    };
    case.eq_str("method", request.method().as_str());
    case.eq_url("url", &request.uri().to_string());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    case.has_headers("headers", &borrowed);
    case.eq_form("body", request.body());
}

/// `oauth2.pkce_challenge`: RFC 7636 §4.2.
fn pkce_challenge(case: &mut Case<'_>) -> InputResult<()> {
    let verifier = case.str("verifier")?;
    let method = case.str("method")?;
    let result = PkceMethod::parse(method)
        .and_then(|m| PkceVerifier::new(verifier).map(|v| v.challenge(m).challenge));
    if let Some(challenge) = case.outcome(result.map_err(api)) {
        case.eq_str("challenge", &challenge);
    }
    Ok(())
}

/// `oauth2.client_secret_basic`: RFC 6749 §2.3.1.
fn client_secret_basic(case: &mut Case<'_>) -> InputResult<()> {
    let value = basic_authorization(
        case.str("client_id")?,
        case.str("client_secret")?,
        basic_encoding(case)?,
    );
    case.eq_str("authorization", &String::from_utf8_lossy(value.as_bytes()));
    Ok(())
}

/// `oauth2.authorization_url`: RFC 6749 §4.1.1, RFC 7636 §4.3.
fn authorization_url(case: &mut Case<'_>) -> InputResult<()> {
    let endpoint = endpoint(case, "authorization_endpoint")?;
    let response_type = case.opt_str("response_type")?.unwrap_or("code");
    let client_id = ClientId::new(case.str("client_id")?);
    let redirect_uri = case.opt_str("redirect_uri")?.map(RedirectUri::new);
    let scopes: Vec<Scope> = case.list("scope")?.into_iter().map(Scope::new).collect();
    let separator = case.opt_str("scope_separator")?.unwrap_or(" ");
    let state = case.opt_str("state")?.map(State::new);
    let challenge = case.opt_str("code_challenge")?;
    let method = case.opt_str("code_challenge_method")?;
    let extra = owned_pairs(case.pairs("extra")?);
    let result = endpoint.and_then(|endpoint| {
        let mut request = AuthorizationRequest::new(endpoint, response_type, client_id);
        request.redirect_uri = redirect_uri;
        request.scopes = scopes;
        separator.clone_into(&mut request.scope_separator);
        request.state = state;
        match (challenge, method) {
            (Some(c), Some(m)) => {
                request.code_challenge = Some(sansauth_oauth2::pkce::PkceChallenge::new(
                    c,
                    PkceMethod::parse(m)?,
                ));
            }
            // A challenge without a method (RFC 7636 §4.3 makes it `plain`) is sent as given.
            (Some(c), None) => request.extra.push(("code_challenge".into(), c.into())),
            (None, Some(m)) => request
                .extra
                .push(("code_challenge_method".into(), m.into())),
            (None, None) => {}
        }
        request.extra.extend(extra);
        request.to_url()
    });
    if let Some(url) = case.outcome(result.map_err(api)) {
        case.eq_url("url", url.as_str());
    }
    Ok(())
}

/// `oauth2.parse_callback`: RFC 6749 §4.1.2, §4.1.2.1.
fn callback(case: &mut Case<'_>) -> InputResult<()> {
    let url = case.str("url")?;
    let expected = case.opt_str("expected_state")?.map(State::new);
    let result = parse_callback(url, expected.as_ref());
    if let Some(r) = outcome_with_details(case, result) {
        case.eq_str("code", r.code.secret());
        case.eq_opt_str("state", r.state.as_ref().map(State::as_str));
    }
    Ok(())
}

/// `oauth2.parse_fragment`: RFC 6749 §4.2.2, §4.2.2.1.
fn fragment(case: &mut Case<'_>) -> InputResult<()> {
    let url = case.str("url")?;
    let expected = case.opt_str("expected_state")?.map(State::new);
    let result = parse_fragment(url, expected.as_ref());
    if let Some(r) = outcome_with_details(case, result) {
        case.eq_str("access_token", r.access_token.secret());
        case.eq_str_ignore_case("token_type", Some(r.token_type.as_str()));
        case.eq_u64("expires_in", r.expires_in);
        check_scope(case, r.scope.as_deref());
        case.eq_opt_str("state", r.state.as_ref().map(State::as_str));
    }
    Ok(())
}

fn check_scope(case: &mut Case<'_>, got: Option<&[Scope]>) {
    match got {
        Some(scopes) => {
            let list: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
            case.eq_list("scope", &list);
        }
        None => case.eq_json("scope", &Value::Null),
    }
}

/// `oauth2.token_request`: RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6; RFC 8628 §3.4.
fn token_request(case: &mut Case<'_>) -> InputResult<()> {
    let mut client = client(case)?;
    let endpoint = endpoint(case, "token_endpoint")?;
    let grant = grant(case)?;
    let extra_headers = owned_pairs(case.pairs("extra_headers")?);
    let extra_params = owned_pairs(case.pairs("extra_params")?);
    let result = endpoint.and_then(|url| {
        client.token_endpoint = Some(url);
        let mut request = TokenRequest::new(&client, grant?);
        request.extra_headers = extra_headers;
        request.extra_params = extra_params;
        request.to_request()
    });
    check_request(case, result);
    Ok(())
}

fn grant(case: &Case<'_>) -> InputResult<Result<Grant, Error>> {
    let required = |name: &str| -> InputResult<Result<String, Error>> {
        Ok(case
            .opt_str(name)?
            .map(str::to_owned)
            .ok_or(Error::MissingParameter {
                name: name.to_owned(),
            }))
    };
    let scopes = scopes(case)?;
    Ok(match case.str("grant_type")? {
        "authorization_code" => {
            let code = required("code")?;
            let redirect_uri = case.opt_str("redirect_uri")?.map(RedirectUri::new);
            let verifier = case.opt_str("code_verifier")?.map(PkceVerifier::new);
            (|| {
                Ok(Grant::AuthorizationCode {
                    code: AuthorizationCode::new(code?),
                    redirect_uri,
                    code_verifier: verifier.transpose()?,
                })
            })()
        }
        "refresh_token" => required("refresh_token")?.map(|r| Grant::RefreshToken {
            refresh_token: RefreshToken::new(r),
            scopes,
        }),
        "client_credentials" => Ok(Grant::ClientCredentials { scopes }),
        "password" => {
            let username = required("username")?;
            let password = required("password")?;
            username.and_then(|u| {
                Ok(Grant::Password {
                    username: Username::new(u),
                    password: Password::new(password?),
                    scopes,
                })
            })
        }
        DEVICE_CODE_GRANT_TYPE => required("device_code")?.map(|d| Grant::DeviceCode {
            device_code: DeviceCode::new(d),
        }),
        other => Err(Error::UnsupportedGrantType(other.to_owned())),
    })
}

/// `oauth2.token_response`: RFC 6749 §5.1, §5.2.
fn token_response(case: &mut Case<'_>) -> InputResult<()> {
    let status = status(case)?;
    let content_type = case.opt_str("content_type")?;
    let body = case.str("body")?;
    let limit = case
        .opt_u64("max_body_bytes")?
        .map_or(DEFAULT_MAX_RESPONSE_BYTES, |l| {
            usize::try_from(l).unwrap_or(usize::MAX)
        });
    let result = TokenResponse::parse(status, content_type, body.as_bytes(), limit, " ");
    if let Some(r) = outcome_with_details(case, result) {
        case.eq_str("access_token", r.access_token.secret());
        case.eq_str_ignore_case("token_type", Some(r.token_type.as_str()));
        case.eq_u64("expires_in", r.expires_in);
        case.eq_opt_str(
            "refresh_token",
            r.refresh_token.as_ref().map(RefreshToken::secret),
        );
        check_scope(case, r.scope.as_deref());
        case.eq_json("extra", &Value::Object(r.extra));
    }
    Ok(())
}

/// `oauth2.revocation_request`: RFC 7009 §2.1.
fn revocation_request(case: &mut Case<'_>) -> InputResult<()> {
    let mut client = client(case)?;
    let endpoint = endpoint(case, "revocation_endpoint")?;
    let token = AnyToken::new(case.str("token")?);
    let hint = case.opt_str("token_type_hint")?.map(TokenTypeHint::parse);
    let result = endpoint.and_then(|url| {
        client.revocation_endpoint = Some(url);
        RevocationRequest::new(&client, token, hint).to_request()
    });
    check_request(case, result);
    Ok(())
}

/// `oauth2.revocation_response`: RFC 7009 §2.2, §2.2.1.
fn revocation_response(case: &mut Case<'_>) -> InputResult<()> {
    let mut builder = http::Response::builder().status(status(case)?);
    if let Some(r) = case.opt_str("retry_after")? {
        builder = builder.header(http::header::RETRY_AFTER, r);
    }
    if let Some(ct) = case.opt_str("content_type")? {
        builder = builder.header(http::header::CONTENT_TYPE, ct);
    }
    let body = case.opt_str("body")?.unwrap_or("").as_bytes().to_vec();
    let response = builder.body(body).map_err(|e| e.to_string())?;
    let result = read_revocation_response(&response, DEFAULT_MAX_RESPONSE_BYTES);
    if let Err(Error::TemporarilyUnavailable { retry_after }) = &result {
        let seconds = match retry_after {
            Some(RetryAfter::Seconds(s)) => Some(*s),
            _ => None,
        };
        case.eq_u64("retry_after", seconds);
    }
    if outcome_with_details(case, result).is_some() {
        case.eq_bool("revoked", true);
    }
    Ok(())
}

/// `oauth2.bearer_header`: RFC 6750 §2.1.
fn bearer_header(case: &mut Case<'_>) -> InputResult<()> {
    let token = AccessToken::new(case.str("access_token")?);
    if let Some(value) = case.outcome(authorization(&token).map_err(api)) {
        case.eq_str("authorization", &String::from_utf8_lossy(value.as_bytes()));
    }
    Ok(())
}

/// `oauth2.www_authenticate`: RFC 6750 §3.
fn www_authenticate(case: &mut Case<'_>) -> InputResult<()> {
    let header = case.str("header")?;
    let result = parse_challenges(header).map(|challenges| {
        let index = challenges
            .iter()
            .position(|c| c.scheme.eq_ignore_ascii_case("bearer"))
            .unwrap_or(0);
        challenges.into_iter().nth(index)
    });
    if let Some(Some(c)) = case.outcome(result.map_err(api)) {
        case.eq_str("scheme", &c.scheme);
        let params: Vec<(&str, &str)> = c
            .params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        case.eq_pairs("params", &params);
    }
    Ok(())
}

/// `oauth2.device_authorization_response`: RFC 8628 §3.2.
fn device_authorization_response(case: &mut Case<'_>) -> InputResult<()> {
    let status = status(case)?;
    let content_type = case.opt_str("content_type")?;
    let body = case.str("body")?;
    let result = DeviceAuthorizationResponse::parse(
        status,
        content_type,
        body.as_bytes(),
        DEFAULT_MAX_RESPONSE_BYTES,
    );
    if let Some(r) = outcome_with_details(case, result) {
        case.eq_str("device_code", r.device_code.secret());
        case.eq_str("user_code", r.user_code.as_str());
        case.eq_str("verification_uri", &r.verification_uri);
        case.eq_opt_str(
            "verification_uri_complete",
            r.verification_uri_complete.as_deref(),
        );
        case.eq_u64("expires_in", Some(r.expires_in));
        case.eq_u64("interval", Some(r.interval()));
    }
    Ok(())
}

/// `oauth2.introspection_request`: RFC 7662 §2.1.
fn introspection_request(case: &mut Case<'_>) -> InputResult<()> {
    let mut client = client(case)?;
    let endpoint = endpoint(case, "introspection_endpoint")?;
    let token = AnyToken::new(case.str("token")?);
    let hint = case.opt_str("token_type_hint")?.map(TokenTypeHint::parse);
    let bearer = case.opt_str("bearer_token")?.map(AccessToken::new);
    let result = endpoint.and_then(|url| {
        client.introspection_endpoint = Some(url);
        let mut request = IntrospectionRequest::new(&client, token);
        request.token_type_hint = hint;
        request.bearer = bearer;
        request.to_request()
    });
    check_request(case, result);
    Ok(())
}

/// `oauth2.introspection_response`: RFC 7662 §2.2, §2.3.
fn introspection_response(case: &mut Case<'_>) -> InputResult<()> {
    let status = status(case)?;
    let content_type = case.opt_str("content_type")?;
    let body = case.str("body")?;
    let result = IntrospectionResponse::parse(
        status,
        content_type,
        body.as_bytes(),
        DEFAULT_MAX_RESPONSE_BYTES,
    );
    if let Some(r) = outcome_with_details(case, result) {
        case.eq_bool("active", r.active);
        check_scope(case, r.scope.as_deref());
        case.eq_opt_str("client_id", r.client_id.as_deref());
        case.eq_opt_str("username", r.username.as_deref());
        case.eq_opt_str("token_type", r.token_type.as_deref());
        case.eq_u64("exp", r.exp);
        case.eq_u64("iat", r.iat);
        case.eq_u64("nbf", r.nbf);
        case.eq_opt_str("sub", r.sub.as_deref());
        match &r.aud {
            Some(aud) => {
                let list: Vec<&str> = aud.iter().map(String::as_str).collect();
                case.eq_list("aud", &list);
            }
            None => case.eq_json("aud", &Value::Null),
        }
        case.eq_opt_str("iss", r.iss.as_deref());
        case.eq_opt_str("jti", r.jti.as_deref());
        case.eq_json("extra", &Value::Object(r.extra));
    }
    Ok(())
}

/// `oauth2.device_authorization_request`: RFC 8628 §3.1.
fn device_authorization_request(case: &mut Case<'_>) -> InputResult<()> {
    let mut client = client(case)?;
    let endpoint = endpoint(case, "device_authorization_endpoint")?;
    let scopes: Vec<Scope> = case.list("scope")?.into_iter().map(Scope::new).collect();
    let result = endpoint.and_then(|url| {
        client.device_authorization_endpoint = Some(url);
        DeviceAuthorizationRequest::new(&client, scopes).to_request()
    });
    check_request(case, result);
    Ok(())
}

/// `oauth2.parse_token_request` (server side): RFC 6749 §2.3, §3.2, §4.1.3,
/// §4.3.2, §4.4.2, §6; RFC 8628 §3.4.
fn parse_token_request(case: &mut Case<'_>) -> InputResult<()> {
    let method = case.opt_str("method")?.unwrap_or("POST");
    let content_type = case
        .opt_str("content_type")?
        .unwrap_or("application/x-www-form-urlencoded");
    let mut builder = http::Request::builder()
        .method(method)
        .uri("https://server.example.com/token")
        .header(http::header::CONTENT_TYPE, content_type);
    for (name, value) in case.pairs("headers")? {
        builder = builder.header(name, value);
    }
    let request = builder
        .body(case.str("body")?.as_bytes().to_vec())
        .map_err(|e| format!("input does not make an HTTP request: {e}"))?;
    let result = sansauth_oauth2::server::parse_token_request(&request);
    let Some(params) = case.outcome(result.map_err(api)) else {
        return Ok(());
    };
    let client = params.client.as_ref();
    case.eq_opt_str("client_id", client.map(|c| c.client_id.as_str()));
    case.eq_opt_str(
        "client_secret",
        client.and_then(|c| c.client_secret.as_ref().map(ClientSecret::secret)),
    );
    case.eq_opt_str(
        "client_auth",
        client.map(|c| match c.method {
            ClientAuth::Basic => "basic",
            ClientAuth::Post => "post",
            _ => "none",
        }),
    );
    case.eq_str("grant_type", params.grant.grant_type());
    let (mut code, mut redirect_uri, mut code_verifier, mut refresh_token) =
        (None, None, None, None);
    let (mut username, mut password, mut device_code) = (None, None, None);
    let mut scopes: &[Scope] = &[];
    match &params.grant {
        Grant::AuthorizationCode {
            code: c,
            redirect_uri: r,
            code_verifier: v,
        } => {
            code = Some(c.secret());
            redirect_uri = r.as_ref().map(RedirectUri::as_str);
            code_verifier = v.as_ref().map(PkceVerifier::secret);
        }
        Grant::RefreshToken {
            refresh_token: r,
            scopes: s,
        } => {
            refresh_token = Some(r.secret());
            scopes = s;
        }
        Grant::ClientCredentials { scopes: s } => scopes = s,
        Grant::Password {
            username: u,
            password: p,
            scopes: s,
        } => {
            username = Some(u.as_str());
            password = Some(p.secret());
            scopes = s;
        }
        Grant::DeviceCode { device_code: d } => device_code = Some(d.secret()),
        _ => {}
    }
    case.eq_opt_str("code", code);
    case.eq_opt_str("redirect_uri", redirect_uri);
    case.eq_opt_str("code_verifier", code_verifier);
    case.eq_opt_str("refresh_token", refresh_token);
    case.eq_opt_str("username", username);
    case.eq_opt_str("password", password);
    case.eq_opt_str("device_code", device_code);
    let list: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
    case.eq_list("scope", &list);
    Ok(())
}
