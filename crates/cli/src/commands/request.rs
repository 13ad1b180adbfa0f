//! `sansauth request METHOD URL`: one API call with an account's stored
//! tokens — signed (OAuth 1, at the profile's API placement) or with the
//! bearer token (OAuth 2, refreshed first when it is about to expire, and
//! the new tokens stored before they are used).

use std::io::{IsTerminal as _, Write as _};

use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, Method};
use sansauth_oauth1::{ConsumerSecret, Placement, TokenCredentials, TokenSecret};
use sansauth_oauth2::tokens::TokenSet;
use sansauth_transport::client::{HttpRequest, HttpResponse};
use sansauth_transport::session::{OAuth1Session, OAuth2Options, OAuth2Session};
use sansauth_transport::store::TokenStore;

use crate::accounts::{self, Account, OAuth1Tokens};
use crate::cli::RequestArgs;
use crate::error::{CliError, CliResult, Kind};
use crate::redact::Redactor;

/// Runs `sansauth request`; `verbose` > 0 prints the status and headers on
/// standard error.
///
/// # Errors
///
/// Usage for a bad method, URL, header or body; reauthorize when nothing is
/// stored or the tokens no longer work; network; provider for a non-2xx
/// status (after the body is printed).
pub fn run(args: &RequestArgs, verbose: u8) -> CliResult {
    let account = Account::open(&args.account.profile, &args.account.account)?;
    let request = build(&account, args)?;
    let response = match account.profile.protocol {
        sansauth_providers::profile::Protocol::OAuth2 => send_oauth2(&account, request)?,
        sansauth_providers::profile::Protocol::OAuth1 => send_oauth1(&account, request)?,
    };
    let redactor = account.redactor();
    if verbose > 0 {
        let status = response.status();
        eprintln!("{:?} {}", response.version(), status);
        for (name, value) in response.headers() {
            let value = String::from_utf8_lossy(value.as_bytes());
            eprintln!("{name}: {}", redactor.apply(&value));
        }
        eprintln!();
    }
    print_body(response.body())?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(CliError::new(
            Kind::Provider,
            format!("the provider answered HTTP {status} (the body is above)"),
        ))
    }
}

/// The unsigned request: the URL resolved against the profile, its API
/// headers and query parameters, the caller's headers and body.
fn build(account: &Account, args: &RequestArgs) -> Result<HttpRequest, CliError> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| CliError::usage(format!("`{}` is not an HTTP method", args.method)))?;
    let profile = &account.profile;
    // A name of the profile's [api.endpoints] (`routes`) stands for its URL.
    let target = profile
        .api
        .endpoints
        .get(&args.url)
        .map_or(args.url.as_str(), url::Url::as_str);
    let mut builder = profile
        .api_request(method, target, &[], &account.record.client_id)
        .map_err(|e| CliError::usage(format!("`{}`: {e}", args.url)))?;
    let mut extra = Vec::new();
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| CliError::usage(format!("-H `{header}`: write it as `Name: value`")))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            CliError::usage(format!(
                "-H `{header}`: `{}` is not a header name",
                name.trim()
            ))
        })?;
        let value = HeaderValue::from_str(value.trim()).map_err(|_| {
            CliError::usage(format!(
                "-H `{header}`: the value is not a valid header value"
            ))
        })?;
        extra.push((name, value));
    }
    let (content_type, body) = if let Some(json) = &args.json {
        serde_json::from_str::<serde_json::Value>(json)
            .map_err(|e| CliError::usage(format!("--json is not valid JSON: {e}")))?;
        (Some("application/json"), json.clone().into_bytes())
    } else if args.data.is_empty() {
        (None, Vec::new())
    } else {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for pair in &args.data {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                CliError::usage(format!("--data `{pair}`: write it as `name=value`"))
            })?;
            form.append_pair(k, v);
        }
        (
            Some("application/x-www-form-urlencoded"),
            form.finish().into_bytes(),
        )
    };
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    let mut request = builder
        .body(body)
        .map_err(|e| CliError::usage(format!("cannot build the request: {e}")))?;
    // The caller's headers replace the profile's (and the body's type) of the same name.
    let headers = request.headers_mut();
    for (name, _) in &extra {
        headers.remove(name);
    }
    for (name, value) in extra {
        headers.append(name, value);
    }
    Ok(request)
}

fn send_oauth2(account: &Account, request: HttpRequest) -> Result<HttpResponse, CliError> {
    let store = account.token_store();
    let mut redactor = account.redactor();
    if let Some(tokens) = TokenStore::<TokenSet>::load(&store, &account.name)
        .map_err(|e| accounts::store_error(&e))?
    {
        hide_token_set(&mut redactor, &tokens);
    }
    let session = open_oauth2(account, redactor)?;
    session.send(request).map_err(|e| account.session_error(&e))
}

/// An OAuth 2 session over the account's stored tokens.
///
/// # Errors
///
/// Reauthorize when nothing is stored; usage for a profile problem.
pub(crate) fn open_oauth2(
    account: &Account,
    redactor: Redactor,
) -> Result<
    OAuth2Session<accounts::LoggedClient, sansauth_transport::store::FileTokenStore>,
    CliError,
> {
    let client = account
        .profile
        .oauth2_client(
            &account.record.client_id,
            account.record.client_secret.as_deref(),
        )
        .map_err(|e| CliError::usage(e.to_string()))?;
    let mut options = OAuth2Options::default();
    options.allow_insecure_http = account.profile.allow_insecure_http;
    if let Some(settings) = &account.profile.oauth2 {
        // Fitbit refuses a refresh in its own error shape; read it as OAuth's.
        options.error_reader = settings.error_format.reader();
        options.default_token_lifetime = settings.default_token_lifetime;
    }
    let http = accounts::http_client(&account.profile, redactor);
    OAuth2Session::open(http, client, account.token_store(), &account.name, options)
        .map_err(|e| account.session_error(&e))
}

/// Remembers a token set's secrets in `redactor`.
pub(crate) fn hide_token_set(redactor: &mut Redactor, tokens: &TokenSet) {
    redactor.add(tokens.access_token.secret());
    if let Some(refresh) = &tokens.refresh_token {
        redactor.add(refresh.secret());
    }
}

fn send_oauth1(account: &Account, request: HttpRequest) -> Result<HttpResponse, CliError> {
    let settings = account
        .profile
        .oauth1_settings()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let tokens: OAuth1Tokens = account
        .token_store()
        .load(&account.name)
        .map_err(|e| accounts::store_error(&e))?
        .ok_or_else(|| {
            account.session_error(
                &sansauth_transport::Error::<std::convert::Infallible>::ReauthorizationNeeded(
                    sansauth_transport::error::ReauthorizationReason::NoStoredTokens,
                ),
            )
        })?;
    let Some(secret) = &account.record.client_secret else {
        return Err(CliError::usage(format!(
            "the account `{}` has no consumer secret stored: run `sansauth login` again with --client-secret-env",
            account.name
        )));
    };
    let mut redactor = account.redactor();
    redactor.add(&tokens.token_secret);
    let credentials = TokenCredentials::new(
        tokens.token.clone(),
        TokenSecret::new(tokens.token_secret.clone()),
    );
    let signer = account
        .profile
        .oauth1_signer(
            &account.record.client_id,
            &ConsumerSecret::new(secret.clone()),
            Some(&credentials),
        )
        .map_err(|e| CliError::usage(e.to_string()))?;
    let placement = Placement::from(settings.api_placement);
    let form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    if placement == Placement::Body && !form {
        return Err(CliError::usage(format!(
            "the profile `{}` signs API calls in a form body (RFC 5849 §3.5.2): send the \
             fields with --data",
            account.profile.name
        )));
    }
    let http = accounts::http_client(&account.profile, redactor);
    let send_version = account
        .profile
        .oauth1
        .as_ref()
        .is_some_and(|o| o.send_version);
    let session = OAuth1Session::new(http, signer, placement)
        .allow_insecure_http(account.profile.allow_insecure_http)
        .send_version(send_version);
    session.send(request).map_err(|e| account.session_error(&e))
}

/// Writes the body to standard output: JSON pretty-printed when standard
/// output is a terminal, anything else (and any body when piped) as is.
fn print_body(body: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let pretty = stdout
        .is_terminal()
        .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
        .flatten()
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    let written = match pretty {
        Some(text) => writeln!(stdout, "{text}"),
        None => stdout.write_all(body),
    };
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::new(Kind::Failed, format!("cannot write the response body: {e}")))
}
