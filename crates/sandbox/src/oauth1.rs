//! The OAuth 1 provider (RFC 5849 §2): temporary credentials, the resource
//! owner's authorization, token credentials, and the signature check every
//! protected call goes through. Every check is `sansauth-oauth1`'s own.

use http::{Method, Response, StatusCode};
use sansauth_oauth1::flow::OUT_OF_BAND;
use sansauth_oauth1::{
    ConsumerSecret, RequestParts, TokenSecret, Verifier, VerifyKey, parse_request,
};
use subtle::ConstantTimeEq;

use crate::app::{Call, form, html, param, random_token, redirect};
use crate::store::{MAX_SKEW_SECONDS, OAuth1Token, Temporary};
use crate::{pages, users};

/// Why a signed request was refused, in the words of the OAuth Problem
/// Reporting extension (`oauth_problem`) and of the core's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// `signature_invalid`, `timestamp_refused`, `nonce_used`, ...
    pub(crate) problem: &'static str,
    /// What was wrong, for people.
    pub(crate) advice: String,
}

impl Refusal {
    fn new(problem: &'static str, advice: impl Into<String>) -> Self {
        Self {
            problem,
            advice: advice.into(),
        }
    }

    fn from_core(error: &sansauth_oauth1::Error) -> Self {
        let problem = match error.code() {
            "bad_signature" => "signature_invalid",
            "stale_timestamp" => "timestamp_refused",
            "replayed_nonce" => "nonce_used",
            "missing_parameter" => "parameter_absent",
            "duplicate_parameter" => "parameter_rejected",
            "unsupported_signature_method" => "signature_method_rejected",
            "unsupported_version" => "version_rejected",
            _ => "parameter_rejected",
        };
        Self::new(problem, error.to_string())
    }

    /// The `401` a token endpoint answers with.
    pub(crate) fn response(&self) -> Response<Vec<u8>> {
        form(
            StatusCode::UNAUTHORIZED,
            &[
                ("oauth_problem", self.problem),
                ("oauth_problem_advice", &self.advice),
            ],
        )
    }
}

/// What a request that passed the signature check carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    pub(crate) token: Option<String>,
    pub(crate) callback: Option<String>,
    pub(crate) verifier: Option<String>,
}

/// Checks a signed request: the client is registered, the token (if any) is
/// known to `token_secret`, and the core verifier accepts signature,
/// timestamp and nonce.
pub(crate) fn check(
    call: &Call<'_>,
    token_secret: impl Fn(&str) -> Option<String>,
) -> Result<Checked, Refusal> {
    let url = call.url();
    let headers: Vec<(&str, &str)> = call
        .request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let parts = RequestParts::from_headers(
        call.request.method().as_str(),
        &url,
        &headers,
        call.request.body(),
    );
    let parsed = parse_request(&parts).map_err(|e| Refusal::from_core(&e))?;
    let client = &call.served.client;
    if parsed.consumer_key() != client.client_id {
        return Err(Refusal::new(
            "consumer_key_unknown",
            "this consumer key is not registered",
        ));
    }
    let token_secret = match parsed.token() {
        None => None,
        Some(token) => Some(
            token_secret(token)
                .ok_or_else(|| Refusal::new("token_rejected", "unknown, used or expired token"))?,
        ),
    };
    let method = call
        .served
        .profile
        .signature_method()
        .map_err(|e| Refusal::new("signature_method_rejected", e.to_string()))?;
    let consumer_secret = ConsumerSecret::new(client.client_secret.clone());
    let token_secret = token_secret.map(TokenSecret::new);
    let key = VerifyKey::Secrets {
        consumer_secret: &consumer_secret,
        token_secret: token_secret.as_ref(),
    };
    let verifier = Verifier::new()
        .allow(&[method])
        .max_skew_seconds(MAX_SKEW_SECONDS);
    let mut state = call.state();
    verifier
        .verify(&parsed, key, call.now, &mut state.oauth1.nonces)
        .map_err(|e| Refusal::from_core(&e))?;
    Ok(Checked {
        token: parsed.token().map(str::to_owned),
        callback: parsed.callback().map(str::to_owned),
        verifier: parsed.verifier().map(str::to_owned),
    })
}

/// §2.1: issues temporary credentials to a client-signed request with a callback.
pub(crate) fn temporary_credentials(call: &Call<'_>) -> Response<Vec<u8>> {
    let checked = match check(call, |_| None) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.response(),
    };
    let Some(callback) = checked.callback else {
        return Refusal::new(
            "parameter_absent",
            "oauth_callback is required (RFC 5849 §2.1)",
        )
        .response();
    };
    let (token, secret) = (random_token(16), random_token(16));
    call.state().oauth1.temporary.insert(
        token.clone(),
        Temporary {
            client_id: call.served.client.client_id.clone(),
            secret: secret.clone(),
            callback,
            approval: None,
        },
    );
    form(
        StatusCode::OK,
        &[
            ("oauth_token", &token),
            ("oauth_token_secret", &secret),
            ("oauth_callback_confirmed", "true"),
        ],
    )
}

/// §2.2: the login + consent page, and its answer.
pub(crate) fn authorize(call: &Call<'_>) -> Response<Vec<u8>> {
    let posted = call.request.method() == Method::POST;
    let params = if posted { call.form() } else { call.query() };
    let provider = call.served.profile.display_name.as_str();
    let Some(token) = param(&params, "oauth_token").map(str::to_owned) else {
        return html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, "The link has no oauth_token."),
        );
    };
    let temporary = call.state().oauth1.temporary.get(&token).cloned();
    let Some(temporary) = temporary else {
        return html(
            StatusCode::BAD_REQUEST,
            pages::message(provider, "This request token is unknown or already used."),
        );
    };
    if !posted {
        if call.app.auto_approve {
            return approve(call, &token, &temporary, users::TEST_USERS[0].user_id);
        }
        let hidden = vec![("oauth_token".to_owned(), token)];
        return html(
            StatusCode::OK,
            pages::consent(provider, &temporary.client_id, "", &hidden, None),
        );
    }
    if param(&params, "decision") == Some("deny") {
        call.state().oauth1.temporary.remove(&token);
        if temporary.callback == OUT_OF_BAND {
            return html(
                StatusCode::OK,
                pages::message(provider, "You denied access. You may close this window."),
            );
        }
        return redirect(&with_query(
            &temporary.callback,
            &[("oauth_token", &token), ("denied", &token)],
        ));
    }
    let login = users::login(
        param(&params, "username").unwrap_or(""),
        param(&params, "password").unwrap_or(""),
    );
    let Some(user) = login else {
        let hidden = vec![("oauth_token".to_owned(), token)];
        let page = pages::consent(
            provider,
            &temporary.client_id,
            "",
            &hidden,
            Some("Wrong username or password."),
        );
        return html(StatusCode::UNAUTHORIZED, page);
    };
    approve(call, &token, &temporary, user.user_id)
}

/// Records the approval and sends the verifier: to the callback, or on a PIN page.
fn approve(call: &Call<'_>, token: &str, temporary: &Temporary, user_id: u64) -> Response<Vec<u8>> {
    let verifier = random_token(4);
    if let Some(t) = call.state().oauth1.temporary.get_mut(token) {
        t.approval = Some((verifier.clone(), user_id));
    }
    if temporary.callback == OUT_OF_BAND {
        return html(
            StatusCode::OK,
            pages::pin(&call.served.profile.display_name, &verifier),
        );
    }
    redirect(&with_query(
        &temporary.callback,
        &[("oauth_token", token), ("oauth_verifier", &verifier)],
    ))
}

/// §2.3: exchanges approved temporary credentials and the verifier for token credentials.
pub(crate) fn token_credentials(call: &Call<'_>) -> Response<Vec<u8>> {
    let lookup = |token: &str| {
        call.state()
            .oauth1
            .temporary
            .get(token)
            .map(|t| t.secret.clone())
    };
    let checked = match check(call, lookup) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.response(),
    };
    let Some(token) = checked.token else {
        return Refusal::new(
            "parameter_absent",
            "oauth_token is required (RFC 5849 §2.3)",
        )
        .response();
    };
    let mut state = call.state();
    let Some(temporary) = state.oauth1.temporary.get(&token).cloned() else {
        return Refusal::new("token_used", "this request token was already exchanged").response();
    };
    let Some((expected, user_id)) = temporary.approval else {
        return Refusal::new(
            "permission_unknown",
            "the resource owner has not approved this request token",
        )
        .response();
    };
    let sent = checked.verifier.unwrap_or_default();
    if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        return Refusal::new("verifier_invalid", "oauth_verifier does not match").response();
    }
    state.oauth1.temporary.remove(&token);
    let (token, secret) = (random_token(16), random_token(16));
    state.oauth1.tokens.insert(
        token.clone(),
        OAuth1Token {
            client_id: temporary.client_id,
            secret: secret.clone(),
            user_id,
        },
    );
    drop(state);
    let user_id = crate::oauth2::fitbit_user_id(user_id);
    let mut pairs = vec![
        ("oauth_token", token.as_str()),
        ("oauth_token_secret", secret.as_str()),
    ];
    if call.served.profile.name == "fitbit-oauth1" {
        // Fitbit's legacy token response names the user.
        pairs.push(("encoded_user_id", &user_id));
    }
    form(StatusCode::OK, &pairs)
}

/// Checks a protected API call signed with token credentials; the user it acts for.
pub(crate) fn authenticate(call: &Call<'_>) -> Result<u64, Refusal> {
    // A token is only good in the hands of the client it was issued to.
    let client_id = call.served.client.client_id.as_str();
    let lookup = |token: &str| {
        let state = call.state();
        let issued = state.oauth1.tokens.get(token);
        issued
            .filter(|t| t.client_id == client_id)
            .map(|t| t.secret.clone())
    };
    let checked = check(call, lookup)?;
    let token = checked
        .token
        .ok_or_else(|| Refusal::new("parameter_absent", "oauth_token is required"))?;
    call.state()
        .oauth1
        .tokens
        .get(&token)
        .map(|t| t.user_id)
        .ok_or_else(|| Refusal::new("token_rejected", "unknown token"))
}

/// `url` with `pairs` added to its query.
pub(crate) fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.query_pairs_mut().extend_pairs(pairs);
            parsed.into()
        }
        Err(_) => url.to_owned(),
    }
}
