//! The OAuth 2 provider (RFC 6749): the authorization page, the token
//! endpoint (authorization code with PKCE, refresh with or without
//! rotation), revocation (RFC 7009), introspection (RFC 7662), and the
//! bearer check every protected call goes through. Parsing and PKCE are
//! `sansauth-oauth2`'s own; errors come in the provider's own shape.

use http::{HeaderValue, Method, Response, StatusCode, header};
use sansauth_oauth2::bearer::{BearerChallenge, parse_authorization};
use sansauth_oauth2::client::ClientAuth;
use sansauth_oauth2::error::{ErrorCode, ErrorResponse};
use sansauth_oauth2::introspection::IntrospectionResponse;
use sansauth_oauth2::server::{self, ClientCredentials, parse_authorization_request};
use sansauth_oauth2::token::{Grant, TokenResponse};
use sansauth_oauth2::types::{AccessToken, ClientSecret, RedirectUri, RefreshToken, Scope};
use sansauth_providers::profile::ErrorFormat;
use serde_json::{Value, json};

use crate::app::{Call, html, json as json_response, param, random_token, redirect};
use crate::store::{AccessGrant, CodeGrant, RefreshGrant};
use crate::{pages, users};

/// How long an authorization code may wait for its exchange (RFC 6749 §4.1.2 says at most 10 minutes).
const CODE_LIFETIME: u64 = 600;
/// Access token lifetime when the profile names none.
const DEFAULT_TOKEN_LIFETIME: u64 = 3600;

/// The provider's error body for `error`.
pub(crate) fn error(call: &Call<'_>, error: &ErrorResponse) -> Response<Vec<u8>> {
    let format = call.served.profile.oauth2.as_ref().map(|o| o.error_format);
    match format {
        Some(ErrorFormat::FitbitErrors) => {
            let message = error
                .error_description
                .clone()
                .unwrap_or_else(|| error.error.as_str().to_owned());
            let body = json!({"errors": [{"errorType": error.error.as_str(), "message": message}], "success": false});
            let mut response = json_response(error.status(), &body);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        _ => server::error_response(error),
    }
}

fn oauth_error(call: &Call<'_>, code: &str, description: &str) -> Response<Vec<u8>> {
    error(
        call,
        &ErrorResponse::new(code).with_description(description),
    )
}

/// §4.1.1: the login + consent page, and its answer (§4.1.2).
pub(crate) fn authorize(call: &Call<'_>) -> Response<Vec<u8>> {
    let posted = call.request.method() == Method::POST;
    let provider = call.served.profile.display_name.as_str();
    let raw: Vec<(String, String)> = if posted { call.form() } else { call.query() };
    // The page posts the original parameters back beside the user's answer.
    let answer = ["username", "password", "decision"];
    let original: Vec<(String, String)> = raw
        .iter()
        .filter(|(n, _)| !answer.contains(&n.as_str()))
        .cloned()
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&original)
        .finish();
    let request = match parse_authorization_request(&query) {
        Ok(request) => request,
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::message(provider, &format!("Bad authorization request: {e}")),
            );
        }
    };
    // Until client and redirect URI are known good, errors are shown, never redirected (§4.1.2.1).
    if request.client_id.as_str() != call.served.client.client_id {
        return html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, "Unknown client_id."),
        );
    }
    let Some(redirect_uri) = request.redirect_uri.clone() else {
        return html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, "redirect_uri is required by this sandbox."),
        );
    };
    if url::Url::parse(redirect_uri.as_str()).is_err() {
        return html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, "redirect_uri is not an absolute URL."),
        );
    }
    let send_error = |code: &str, description: &str| {
        let error = ErrorResponse::new(code).with_description(description);
        match server::authorization_error_redirect(&redirect_uri, &error, request.state.as_ref()) {
            Ok(url) => redirect(&fitbit_fragment(call, url.as_str())),
            Err(e) => html(
                StatusCode::BAD_REQUEST,
                pages::message(provider, &e.to_string()),
            ),
        }
    };
    if request.response_type != "code" {
        return send_error(
            "unsupported_response_type",
            "this sandbox serves the authorization code grant",
        );
    }
    let settings = call.served.profile.oauth2.as_ref();
    if request.code_challenge.is_some() && !settings.is_some_and(|o| o.pkce) {
        return send_error("invalid_request", "this provider does not support PKCE");
    }
    let scopes: Vec<String> = if request.scopes.is_empty() {
        call.served
            .profile
            .default_scopes()
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    } else {
        request
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    };
    let user = if posted {
        if param(&raw, "decision") == Some("deny") {
            return send_error("access_denied", "the resource owner denied the request");
        }
        match users::login(
            param(&raw, "username").unwrap_or(""),
            param(&raw, "password").unwrap_or(""),
        ) {
            Some(user) => user,
            None => {
                let page = pages::consent(
                    provider,
                    request.client_id.as_str(),
                    &scopes.join(" "),
                    &original,
                    Some("Wrong username or password."),
                );
                return html(StatusCode::UNAUTHORIZED, page);
            }
        }
    } else if call.app.auto_approve {
        &users::TEST_USERS[0]
    } else {
        return html(
            StatusCode::OK,
            pages::consent(
                provider,
                request.client_id.as_str(),
                &scopes.join(" "),
                &original,
                None,
            ),
        );
    };
    let code = random_token(16);
    call.state().oauth2.codes.insert(
        code.clone(),
        CodeGrant {
            client_id: request.client_id.as_str().to_owned(),
            redirect_uri: Some(redirect_uri.as_str().to_owned()),
            challenge: request.code_challenge.clone(),
            scopes,
            user_id: user.user_id,
            expires_at: call.now + CODE_LIFETIME,
        },
    );
    let code = sansauth_oauth2::types::AuthorizationCode::new(code);
    match server::authorization_redirect(&redirect_uri, &code, request.state.as_ref()) {
        Ok(url) => redirect(&fitbit_fragment(call, url.as_str())),
        Err(e) => html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, &e.to_string()),
        ),
    }
}

/// Fitbit's redirects may arrive with `#_=_` appended; the sandbox does it too,
/// so clients meet the quirk here before they meet it in the wild.
fn fitbit_fragment(call: &Call<'_>, url: &str) -> String {
    if call.served.profile.name == "fitbit" {
        format!("{url}#_=_")
    } else {
        url.to_owned()
    }
}

/// Checks the client's authentication against the profile's stated method.
fn authenticate_client(
    call: &Call<'_>,
    presented: Option<&ClientCredentials>,
    method: ClientAuth,
) -> Result<(), Box<Response<Vec<u8>>>> {
    let client = &call.served.client;
    let invalid = |why: &str| Err(Box::new(oauth_error(call, "invalid_client", why)));
    let Some(presented) = presented else {
        return if method == ClientAuth::None {
            Ok(())
        } else {
            invalid("client authentication is required")
        };
    };
    if presented.client_id.as_str() != client.client_id {
        return invalid("unknown client");
    }
    if method == ClientAuth::None {
        return Ok(());
    }
    if presented.method != method {
        let how = if method == ClientAuth::Basic {
            "HTTP Basic"
        } else {
            "client_id and client_secret in the body"
        };
        return invalid(&format!("this provider authenticates clients with {how}"));
    }
    if !presented.secret_matches(&ClientSecret::new(client.client_secret.clone())) {
        return invalid("wrong client secret");
    }
    Ok(())
}

/// §3.2: the token endpoint.
pub(crate) fn token(call: &Call<'_>) -> Response<Vec<u8>> {
    let params = match server::parse_token_request(call.request) {
        Ok(params) => params,
        Err(e) => return error(call, &e.to_error_response()),
    };
    let method = call
        .served
        .profile
        .oauth2
        .as_ref()
        .map_or(ClientAuth::Basic, |o| o.client_auth);
    if let Err(response) = authenticate_client(call, params.client.as_ref(), method) {
        return *response;
    }
    // Headers the profile says every token request carries (MapMyFitness: Api-Key).
    let wanted = call
        .served
        .profile
        .oauth2
        .as_ref()
        .map(|o| &o.token_request_headers);
    if let Some(name) = wanted.and_then(|w| call.missing_header(w)) {
        return oauth_error(
            call,
            "invalid_client",
            &format!("the {name} header is missing or wrong"),
        );
    }
    let client_id = call.served.client.client_id.clone();
    match params.grant {
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            let grant = call.state().oauth2.codes.remove(code.secret());
            let Some(grant) = grant else {
                return oauth_error(
                    call,
                    "invalid_grant",
                    "unknown or already used authorization code",
                );
            };
            if grant.client_id != client_id {
                return oauth_error(
                    call,
                    "invalid_grant",
                    "the code was issued to another client",
                );
            }
            if grant.expires_at < call.now {
                return oauth_error(call, "invalid_grant", "the authorization code expired");
            }
            if grant.redirect_uri.as_deref() != redirect_uri.as_ref().map(RedirectUri::as_str) {
                return oauth_error(
                    call,
                    "invalid_grant",
                    "redirect_uri differs from the authorization request's",
                );
            }
            if let Err(e) = server::verify_pkce(grant.challenge.as_ref(), code_verifier.as_ref()) {
                return oauth_error(call, "invalid_grant", &format!("PKCE: {e}"));
            }
            issue(call, &client_id, grant.user_id, grant.scopes, None)
        }
        Grant::RefreshToken {
            refresh_token,
            scopes,
        } => refresh(call, &client_id, &refresh_token, &scopes),
        other => oauth_error(
            call,
            "unsupported_grant_type",
            &format!("{} is not served here", other.grant_type()),
        ),
    }
}

fn refresh(
    call: &Call<'_>,
    client_id: &str,
    token: &RefreshToken,
    scopes: &[Scope],
) -> Response<Vec<u8>> {
    let rotate = call
        .served
        .profile
        .oauth2
        .as_ref()
        .is_some_and(|o| o.refresh_token_rotation);
    let grant = call.state().oauth2.refresh.get(token.secret()).cloned();
    let Some(grant) = grant else {
        return oauth_error(
            call,
            "invalid_grant",
            "unknown, used or revoked refresh token",
        );
    };
    if grant.client_id != client_id {
        return oauth_error(
            call,
            "invalid_grant",
            "the refresh token was issued to another client",
        );
    }
    let narrowed: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
    if narrowed.iter().any(|s| !grant.scopes.contains(s)) {
        return oauth_error(
            call,
            "invalid_scope",
            "a refresh may only narrow the granted scope (RFC 6749 §6)",
        );
    }
    let scopes = if narrowed.is_empty() {
        grant.scopes.clone()
    } else {
        narrowed
    };
    if rotate {
        // The old refresh token dies now: it can never be used twice.
        call.state().oauth2.refresh.remove(token.secret());
        issue(call, client_id, grant.user_id, scopes, None)
    } else {
        issue(
            call,
            client_id,
            grant.user_id,
            scopes,
            Some(token.secret().to_owned()),
        )
    }
}

/// Issues an access token and a refresh token (a new one, or `keep_refresh`).
fn issue(
    call: &Call<'_>,
    client_id: &str,
    user_id: u64,
    scopes: Vec<String>,
    keep_refresh: Option<String>,
) -> Response<Vec<u8>> {
    let lifetime = call
        .served
        .profile
        .oauth2
        .as_ref()
        .and_then(|o| o.default_token_lifetime)
        .unwrap_or(DEFAULT_TOKEN_LIFETIME);
    let access = random_token(20);
    let refresh = keep_refresh.unwrap_or_else(|| random_token(20));
    {
        let mut state = call.state();
        let grants = &mut state.oauth2;
        grants.refresh.insert(
            refresh.clone(),
            RefreshGrant {
                client_id: client_id.to_owned(),
                scopes: scopes.clone(),
                user_id,
            },
        );
        grants.access.insert(
            access.clone(),
            AccessGrant {
                client_id: client_id.to_owned(),
                scopes: scopes.clone(),
                user_id,
                expires_at: call.now + lifetime,
                refresh_token: Some(refresh.clone()),
            },
        );
    }
    let mut response = TokenResponse::bearer(AccessToken::new(access));
    response.expires_in = Some(lifetime);
    response.refresh_token = Some(RefreshToken::new(refresh));
    response.scope = Some(scopes.iter().map(Scope::new).collect());
    match call.served.profile.name.as_str() {
        "mapmyfitness" => {
            response
                .extra
                .insert("user_id".into(), Value::String(user_id.to_string()));
            response.extra.insert(
                "user_href".into(),
                Value::String(format!("/v7.1/user/{user_id}/")),
            );
        }
        "fitbit" => {
            response
                .extra
                .insert("user_id".into(), Value::String(fitbit_user_id(user_id)));
        }
        _ => {}
    }
    server::token_response(&response)
}

/// The encoded user id Fitbit reports for a test user.
pub(crate) fn fitbit_user_id(user_id: u64) -> String {
    format!("{user_id:X}")
}

/// RFC 7009: revokes an access or refresh token (with the tokens issued with it).
pub(crate) fn revoke(call: &Call<'_>) -> Response<Vec<u8>> {
    let params = match server::parse_revocation_request(call.request) {
        Ok(params) => params,
        Err(e) => return error(call, &e.to_error_response()),
    };
    let settings = call.served.profile.oauth2.as_ref();
    let method = settings.map_or(ClientAuth::Basic, |o| {
        o.revocation_client_auth.unwrap_or(o.client_auth)
    });
    if let Err(response) = authenticate_client(call, params.client.as_ref(), method) {
        return *response;
    }
    let token = params.token.secret();
    let mut state = call.state();
    let grants = &mut state.oauth2;
    if grants.refresh.remove(token).is_some() {
        grants
            .access
            .retain(|_, a| a.refresh_token.as_deref() != Some(token));
    } else if let Some(access) = grants.access.remove(token)
        && call.served.profile.name == "fitbit"
        && let Some(refresh) = access.refresh_token
    {
        // Fitbit revokes the whole grant whichever token is presented.
        grants.refresh.remove(&refresh);
        grants
            .access
            .retain(|_, a| a.refresh_token.as_deref() != Some(refresh.as_str()));
    }
    // §2.2: 200 also for tokens that were unknown or already revoked.
    server::revocation_response()
}

/// RFC 7662: tells a bearer-authenticated (Fitbit) or client-authenticated caller about a token.
pub(crate) fn introspect(call: &Call<'_>) -> Response<Vec<u8>> {
    let params = match server::parse_introspection_request(call.request) {
        Ok(params) => params,
        Err(e) => return error(call, &e.to_error_response()),
    };
    let caller_ok = match &params.bearer {
        Some(bearer) => active_grant(call, bearer.secret()).is_some(),
        None => authenticate_client(call, params.client.as_ref(), ClientAuth::Basic).is_ok(),
    };
    if !caller_ok {
        return *unauthorized(
            call,
            "invalid_token",
            "introspection needs a valid bearer token or client credentials",
        );
    }
    let answer = match active_grant(call, params.token.secret()) {
        None => IntrospectionResponse::inactive(),
        Some(grant) => {
            let mut answer = IntrospectionResponse::inactive();
            answer.active = true;
            answer.scope = Some(grant.scopes.iter().map(Scope::new).collect());
            answer.client_id = Some(grant.client_id.clone());
            answer.exp = Some(grant.expires_at);
            answer.token_type = Some("Bearer".to_owned());
            answer.extra.insert(
                "user_id".into(),
                Value::String(fitbit_user_id(grant.user_id)),
            );
            answer
        }
    };
    server::introspection_response(&answer)
}

/// The live grant behind an access token.
fn active_grant(call: &Call<'_>, token: &str) -> Option<AccessGrant> {
    call.state()
        .oauth2
        .access
        .get(token)
        .filter(|g| g.expires_at > call.now)
        .cloned()
}

/// RFC 6750: the grant behind the request's bearer token, or the `401` to answer with.
pub(crate) fn authenticate(call: &Call<'_>) -> Result<AccessGrant, Box<Response<Vec<u8>>>> {
    let Some(value) = call.header("authorization") else {
        return Err(unauthorized(call, "invalid_request", "no access token"));
    };
    let Ok(token) = parse_authorization(value) else {
        return Err(unauthorized(
            call,
            "invalid_request",
            "the Authorization header is not a bearer token",
        ));
    };
    let grant = call.state().oauth2.access.get(token.secret()).cloned();
    match grant {
        None => Err(unauthorized(
            call,
            "invalid_token",
            "unknown or revoked access token",
        )),
        Some(g) if g.expires_at <= call.now => Err(unauthorized(
            call,
            "invalid_token",
            "the access token expired",
        )),
        Some(g) => Ok(g),
    }
}

/// A `401` with a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3), in the provider's body shape.
fn unauthorized(call: &Call<'_>, code: &str, description: &str) -> Box<Response<Vec<u8>>> {
    let error_type = if call.served.profile.name == "fitbit" && description.contains("expired") {
        "expired_token"
    } else {
        code
    };
    let mut response = error(
        call,
        &ErrorResponse::new(error_type).with_description(description),
    );
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let mut challenge = BearerChallenge::default();
    challenge.realm = Some(call.served.profile.name.clone());
    challenge.error = Some(ErrorCode::new(code));
    challenge.error_description = Some(description.to_owned());
    if let Ok(value) = challenge.to_header_value() {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    Box::new(response)
}
