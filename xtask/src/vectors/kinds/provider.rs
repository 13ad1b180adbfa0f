//! `provider.*` kinds: built-in profiles of `sansauth-providers` turned into
//! the core clients they configure, so each vector checks the request a
//! provider's quirks produce.

use sansauth_oauth1::flow::{
    OUT_OF_BAND, TemporaryCredentialsRequest, TokenCredentialsRequest, authorize_url,
};
use sansauth_oauth1::{
    ConsumerSecret, Placement, ProtocolParams, RequestParts, TokenCredentials, TokenSecret,
    base_string, parse_authorization,
};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::http;
use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
use sansauth_oauth2::revocation::{RevocationRequest, TokenTypeHint};
use sansauth_oauth2::token::{Grant, TokenRequest};
use sansauth_oauth2::types::{
    AnyToken, AuthorizationCode, RedirectUri, RefreshToken, Scope, State,
};
use sansauth_providers::Profile;
use sansauth_providers::builtin;
use sansauth_providers::profile::{CallbackStyle, OAuth1Settings};
use sansauth_providers::template::{Vars, expand};
use serde_json::Value;

use crate::vectors::case::{ApiError, Case, InputResult};

/// Runs the `provider.<name>` kind, or `None` when there is no such kind.
pub(super) fn dispatch(name: &str, case: &mut Case<'_>) -> Option<InputResult<()>> {
    Some(match name {
        "authorization_url" => authorization_url(case),
        "token_request" => token_request(case),
        "revocation_request" => revocation_request(case),
        "signed_request" => signed_request(case),
        "token_response" => token_response(case),
        _ => return None,
    })
}

fn from_providers(e: &sansauth_providers::Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn from_api(e: &sansauth_providers::api::ApiError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn from_oauth1(e: &sansauth_oauth1::Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn from_oauth2(e: &sansauth_oauth2::Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// The built-in profile named by `profile`; an unknown name is a broken vector.
fn profile(case: &Case<'_>) -> InputResult<Profile> {
    let name = case.str("profile")?;
    builtin::get(name).map_err(|e| format!("input `profile`: {e}"))
}

fn status(case: &Case<'_>) -> InputResult<u16> {
    let s = case
        .opt_u64("status")?
        .ok_or("input `status` is required")?;
    u16::try_from(s).map_err(|_| "input `status` is not an HTTP status".to_owned())
}

fn owned(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn query_pairs(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('#').map_or(url, |(u, _)| u);
    let query = query.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Compares an OAuth 2 request: `method`, `url`, `headers`, `authorization`, `body`.
fn check_request(
    case: &mut Case<'_>,
    result: Result<http::Request<Vec<u8>>, sansauth_oauth2::Error>,
) {
    let Some(request) = case.outcome(result.map_err(|e| from_oauth2(&e))) else {
        return;
    };
    case.eq_str("method", request.method().as_str());
    case.eq_url("url", &request.uri().to_string());
    let headers = header_pairs(request.headers());
    case.has_headers("headers", &owned(&headers));
    let authorization = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    case.eq_opt_str("authorization", authorization.as_deref());
    case.eq_form("body", request.body());
}

/// `provider.authorization_url`: RFC 6749 §4.1.1 (with RFC 7636 §4.3) or
/// RFC 5849 §2.2, as the profile builds it.
fn authorization_url(case: &mut Case<'_>) -> InputResult<()> {
    let profile = profile(case)?;
    let client_id = case.str("client_id")?;
    let result = match (profile.oauth1_settings(), profile.oauth2_settings()) {
        (Ok(settings), _) => oauth1_authorization_url(case, &profile, settings, client_id)?,
        (_, Ok(settings)) => {
            let pkce = match (settings.pkce, case.opt_str("code_verifier")?) {
                (true, Some(v)) => Some(v),
                (false, None) => None,
                (true, None) => {
                    return Err(format!(
                        "profile {} uses PKCE: input `code_verifier` is required",
                        profile.name
                    ));
                }
                (false, Some(_)) => {
                    return Err(format!(
                        "profile {} does not use PKCE: drop input `code_verifier`",
                        profile.name
                    ));
                }
            };
            let redirect_uri = case.opt_str("redirect_uri")?.map(RedirectUri::new);
            let scopes = if case.value("scope").is_some() {
                case.list("scope")?.into_iter().map(Scope::new).collect()
            } else {
                profile.default_scopes()
            };
            let state = case.opt_str("state")?;
            (|| {
                let client = profile
                    .oauth2_client(client_id, None)
                    .map_err(|e| from_providers(&e))?;
                let pkce = pkce
                    .map(|v| PkceVerifier::new(v).map(|v| (v, PkceMethod::S256)))
                    .transpose()
                    .map_err(|e| from_oauth2(&e))?;
                let (mut request, _pending) = client
                    .authorization_request_with(
                        State::new(state.unwrap_or_default()),
                        pkce,
                        redirect_uri,
                        scopes,
                    )
                    .map_err(|e| from_oauth2(&e))?;
                if state.is_none() {
                    request.state = None;
                }
                request
                    .to_url()
                    .map(String::from)
                    .map_err(|e| from_oauth2(&e))
            })()
        }
        (Err(e), Err(_)) => Err(from_providers(&e)),
    };
    if let Some(url) = case.outcome(result) {
        case.eq_url("url", &url);
    }
    Ok(())
}

/// The OAuth 1 callback: the input's, or `oob` for a PIN-style profile.
fn callback<'a>(
    case: &Case<'a>,
    profile: &Profile,
    settings: &OAuth1Settings,
) -> InputResult<&'a str> {
    match (case.opt_str("callback")?, settings.callback) {
        (Some(callback), _) => Ok(callback),
        (None, CallbackStyle::Oob) => Ok(OUT_OF_BAND),
        (None, _) => Err(format!(
            "profile {} redirects to a callback URL: input `callback` is required",
            profile.name
        )),
    }
}

fn oauth1_authorization_url(
    case: &Case<'_>,
    profile: &Profile,
    settings: &OAuth1Settings,
    client_id: &str,
) -> InputResult<Result<String, ApiError>> {
    let token = case.str("temporary_token")?;
    let callback = callback(case, profile, settings)?;
    let vars = Vars {
        client_id,
        callback,
        ..Vars::default()
    };
    let mut extra = Vec::new();
    for (name, template) in &settings.authorize_params {
        match expand(template, &vars) {
            Ok(value) => extra.push((name.clone(), value)),
            Err(e) => return Ok(Err(from_providers(&e))),
        }
    }
    Ok(authorize_url(
        settings.authorization_endpoint.as_str(),
        token,
        &owned(&extra),
    )
    .map_err(|e| from_oauth1(&e)))
}

/// The OAuth 2 client the profile configures, with the vector's credentials.
fn oauth2_client(case: &Case<'_>, profile: &Profile) -> InputResult<Result<Client, ApiError>> {
    let client_id = case.str("client_id")?;
    let secret = case.opt_str("client_secret")?;
    Ok(profile
        .oauth2_client(client_id, secret)
        .map_err(|e| from_providers(&e)))
}

fn grant(case: &Case<'_>) -> InputResult<Result<Grant, sansauth_oauth2::Error>> {
    let required = |name: &str| -> InputResult<Result<String, sansauth_oauth2::Error>> {
        Ok(case
            .opt_str(name)?
            .map(str::to_owned)
            .ok_or(sansauth_oauth2::Error::MissingParameter {
                name: name.to_owned(),
            }))
    };
    let scopes: Vec<Scope> = case.list("scope")?.into_iter().map(Scope::new).collect();
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
        other => Err(sansauth_oauth2::Error::UnsupportedGrantType(
            other.to_owned(),
        )),
    })
}

/// `provider.token_request`: RFC 6749 §4.1.3, §4.4.2, §6 with the profile's
/// client authentication, extra headers and parameters.
fn token_request(case: &mut Case<'_>) -> InputResult<()> {
    let profile = profile(case)?;
    let client = match oauth2_client(case, &profile)? {
        Ok(client) => client,
        Err(e) => {
            case.outcome::<()>(Err(e));
            return Ok(());
        }
    };
    let grant = match grant(case)? {
        Ok(grant) => grant,
        Err(e) => {
            check_request(case, Err(e));
            return Ok(());
        }
    };
    let mut refresh_headers = Vec::new();
    if let (Grant::RefreshToken { .. }, Some(access_token)) =
        (&grant, case.opt_str("access_token")?)
    {
        match profile.refresh_headers(client.client_id.as_str(), access_token) {
            Ok(headers) => refresh_headers = headers,
            Err(e) => {
                case.outcome::<()>(Err(from_providers(&e)));
                return Ok(());
            }
        }
    }
    let mut request = TokenRequest::new(&client, grant);
    request.extra_headers = refresh_headers;
    check_request(case, request.to_request());
    Ok(())
}

/// `provider.revocation_request`: RFC 7009 §2.1 with the profile's endpoint
/// and revocation client authentication.
fn revocation_request(case: &mut Case<'_>) -> InputResult<()> {
    let profile = profile(case)?;
    let client = match oauth2_client(case, &profile)? {
        Ok(client) => client,
        Err(e) => {
            case.outcome::<()>(Err(e));
            return Ok(());
        }
    };
    let token = AnyToken::new(case.str("token")?);
    let hint = case.opt_str("token_type_hint")?.map(TokenTypeHint::parse);
    check_request(
        case,
        RevocationRequest::new(&client, token, hint).to_request(),
    );
    Ok(())
}

/// Where the protocol parameters of a signed request went, and what they are.
fn protocol_params(request: &http::Request<Vec<u8>>) -> (String, Vec<(String, String)>) {
    let mut places = Vec::new();
    let mut params = Vec::new();
    let has_signature =
        |pairs: &[(String, String)]| pairs.iter().any(|(n, _)| n == "oauth_signature");
    let oauth_only = |pairs: Vec<(String, String)>| -> Vec<(String, String)> {
        pairs
            .into_iter()
            .filter(|(n, _)| n.starts_with("oauth_"))
            .collect()
    };
    if let Some(value) = request.headers().get(http::header::AUTHORIZATION) {
        let value = String::from_utf8_lossy(value.as_bytes());
        if let Ok(parsed) = parse_authorization(&value) {
            let pairs = oauth_only(parsed.params);
            if has_signature(&pairs) {
                places.push("header");
            }
            params.extend(pairs);
        }
    }
    let query = oauth_only(query_pairs(&request.uri().to_string()));
    if has_signature(&query) {
        places.push("query");
    }
    params.extend(query);
    let body = oauth_only(
        url::form_urlencoded::parse(request.body())
            .into_owned()
            .collect(),
    );
    if has_signature(&body) {
        places.push("body");
    }
    params.extend(body);
    let placement = if places.is_empty() {
        "(none)".to_owned()
    } else {
        places.join("+")
    };
    (placement, params)
}

/// The parameters of the signature base string of a signed request (§3.4.1.3).
fn signed_params(
    request: &http::Request<Vec<u8>>,
) -> Result<Vec<(String, String)>, sansauth_oauth1::Error> {
    let url = request.uri().to_string();
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let authorization = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let mut parts =
        RequestParts::new(request.method().as_str(), &url).with_body(content_type, request.body());
    if let Some(authorization) = authorization {
        parts = parts.with_authorization(authorization);
    }
    let base = base_string(&parts, &[])?;
    // METHOD & encoded URI & encoded normalized parameters: neither of the
    // first two holds a bare `&`, and the encoding leaves no bare `+`.
    let normalized = base.splitn(3, '&').nth(2).unwrap_or_default();
    let decoded: String = url::form_urlencoded::parse(format!("v={normalized}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect();
    Ok(url::form_urlencoded::parse(decoded.as_bytes())
        .into_owned()
        .collect())
}

/// A `provider.signed_request` step and its own input.
#[derive(Clone, Copy)]
enum Step<'a> {
    /// RFC 5849 §2.1, with this callback.
    TemporaryCredentials(&'a str),
    /// RFC 5849 §2.3, with this verifier.
    TokenCredentials(&'a str),
    /// A resource request to this path under the API base URL.
    Api(&'a str),
}

/// `provider.signed_request`: the three legs of RFC 5849 §2 and API calls,
/// signed where the profile says.
fn signed_request(case: &mut Case<'_>) -> InputResult<()> {
    let profile = profile(case)?;
    let settings = match profile.oauth1_settings() {
        Ok(settings) => settings.clone(),
        Err(e) => {
            case.outcome::<()>(Err(from_providers(&e)));
            return Ok(());
        }
    };
    let client_id = case.str("client_id")?;
    let consumer_secret = ConsumerSecret::new(case.str("consumer_secret")?);
    let timestamp = case
        .opt_u64("timestamp")?
        .ok_or("input `timestamp` is required")?;
    let mut params = ProtocolParams::new(timestamp, case.str("nonce")?);
    if settings.send_version {
        params = params.with_version("1.0");
    }
    let token = match (case.opt_str("token")?, case.opt_str("token_secret")?) {
        (Some(token), Some(secret)) => Some(TokenCredentials::new(token, TokenSecret::new(secret))),
        (None, None) => None,
        _ => return Err("inputs `token` and `token_secret` go together".to_owned()),
    };
    let step = match case.str("step")? {
        "temporary_credentials" => Step::TemporaryCredentials(callback(case, &profile, &settings)?),
        "token_credentials" => Step::TokenCredentials(case.str("verifier")?),
        "api" => Step::Api(case.str("path")?),
        other => return Err(format!("unknown step {other:?}")),
    };
    let method = case.opt_str("method")?.unwrap_or("GET");
    let query = case.pairs("query")?;
    let token_headers: Vec<(String, String)> = {
        let vars = Vars {
            client_id,
            ..Vars::default()
        };
        let mut headers = Vec::new();
        for (name, template) in &settings.token_request_headers {
            match expand(template, &vars) {
                Ok(value) => headers.push((name.clone(), value)),
                Err(e) => {
                    case.outcome::<()>(Err(from_providers(&e)));
                    return Ok(());
                }
            }
        }
        headers
    };
    let result = (|| -> Result<http::Request<Vec<u8>>, ApiError> {
        let signer = profile
            .oauth1_signer(client_id, &consumer_secret, token.as_ref())
            .map_err(|e| from_providers(&e))?;
        let o1 = |e: sansauth_oauth1::Error| from_oauth1(&e);
        let signed = match step {
            Step::TemporaryCredentials(callback) => TemporaryCredentialsRequest::new(
                settings.temporary_credentials_endpoint.as_str(),
                callback,
            )
            .with_placement(Placement::from(settings.token_placement))
            .sign(&signer, &params)
            .map_err(o1)?,
            Step::TokenCredentials(verifier) => {
                TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), verifier)
                    .with_placement(Placement::from(settings.token_placement))
                    .sign(&signer, &params)
                    .map_err(o1)?
            }
            Step::Api(path) => {
                let method = http::Method::from_bytes(method.as_bytes()).map_err(|e| ApiError {
                    code: "malformed".to_owned(),
                    message: format!("method: {e}"),
                })?;
                let request = profile
                    .api_request(method, path, &query, client_id)
                    .map_err(|e| from_api(&e))?
                    .body(Vec::new())
                    .map_err(|e| ApiError {
                        code: "malformed".to_owned(),
                        message: e.to_string(),
                    })?;
                return signer
                    .sign_http(request, &params, Placement::from(settings.api_placement))
                    .map_err(o1);
            }
        };
        let mut request = signed.into_http().map_err(o1)?;
        for (name, value) in &token_headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| ApiError {
                code: "invalid_header".to_owned(),
                message: e.to_string(),
            })?;
            let value = http::HeaderValue::from_str(value).map_err(|e| ApiError {
                code: "invalid_header".to_owned(),
                message: e.to_string(),
            })?;
            request.headers_mut().insert(name, value);
        }
        Ok(request)
    })();
    let Some(request) = case.outcome(result) else {
        return Ok(());
    };
    let (placement, oauth) = protocol_params(&request);
    case.eq_str("placement", &placement);
    case.eq_str("method", request.method().as_str());
    let url = request.uri().to_string();
    case.eq_str("endpoint", url.split_once('?').map_or(&url, |(e, _)| e));
    case.has_headers("query", &owned(&query_pairs(&url)));
    case.has_headers("oauth_params", &owned(&oauth));
    case.has_headers("headers", &owned(&header_pairs(request.headers())));
    if case.expects("signed_params") {
        match signed_params(&request) {
            Ok(pairs) => case.has_headers("signed_params", &owned(&pairs)),
            Err(e) => case.checked(
                "signed_params",
                Some(format!("(no base string: {})", from_oauth1(&e).message)),
            ),
        }
    }
    Ok(())
}

/// `provider.token_response`: RFC 6749 §5.1 / §5.2, and the provider's own
/// error shape read as the same typed OAuth error.
fn token_response(case: &mut Case<'_>) -> InputResult<()> {
    let profile = profile(case)?;
    let client = match profile.oauth2_client("vector-client", None) {
        Ok(client) => client,
        Err(e) => {
            case.outcome::<()>(Err(from_providers(&e)));
            return Ok(());
        }
    };
    let mut builder = http::Response::builder().status(status(case)?);
    if let Some(ct) = case.opt_str("content_type")? {
        builder = builder.header(http::header::CONTENT_TYPE, ct);
    }
    let response = builder
        .body(case.str("body")?.as_bytes().to_vec())
        .map_err(|e| format!("input does not make an HTTP response: {e}"))?;
    let request = TokenRequest::new(&client, Grant::ClientCredentials { scopes: Vec::new() });
    let result = profile.read_token_response(&request, &response);
    if let Err(sansauth_oauth2::Error::ErrorResponse(r)) = &result {
        case.eq_opt_str("error_description", r.error_description.as_deref());
        case.eq_opt_str("error_uri", r.error_uri.as_deref());
    }
    if let Some(r) = case.outcome(result.map_err(|e| from_oauth2(&e))) {
        case.eq_str("access_token", r.access_token.secret());
        case.eq_str_ignore_case("token_type", Some(r.token_type.as_str()));
        case.eq_u64("expires_in", r.expires_in);
        case.eq_opt_str(
            "refresh_token",
            r.refresh_token.as_ref().map(RefreshToken::secret),
        );
        match r.scope.as_deref() {
            Some(scopes) => {
                let list: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
                case.eq_list("scope", &list);
            }
            None => case.eq_json("scope", &Value::Null),
        }
        case.eq_json("extra", &Value::Object(r.extra));
    }
    Ok(())
}
