//! `sansauth login`: the browser flow of the profile's protocol, ending with
//! the tokens stored under the profile and account name.
//!
//! - OAuth 2 (RFC 6749 §4.1): a loopback receiver (RFC 8252 §7.3) on
//!   `--port`, `state` always and PKCE S256 when the profile says the
//!   provider accepts it, the code redeemed at the token endpoint.
//! - OAuth 1 (RFC 5849 §2): temporary credentials with the receiver's URI as
//!   callback (or `oob`, then the user types the PIN the provider shows),
//!   the authorization page, token credentials.

use std::io::BufRead as _;
use std::time::Duration;

use sansauth_oauth1::flow::{
    OUT_OF_BAND, TemporaryCredentialsRequest, TokenCredentialsRequest, authorize_url,
    parse_callback, parse_credentials_response,
};
use sansauth_oauth1::{ConsumerSecret, Nonce, Placement, ProtocolParams, SignedRequest};
use sansauth_oauth2::rand_core::OsRng;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_oauth2::types::{RedirectUri, Scope, State};
use sansauth_providers::Profile;
use sansauth_providers::profile::{CallbackStyle, Protocol};
use sansauth_providers::template::{Vars, expand};
use sansauth_transport::browser::{self, Opened};
use sansauth_transport::client::{HttpClient, HttpResponse};
use sansauth_transport::receiver::{LoopbackReceiver, ReceiverOptions};
use sansauth_transport::store::TokenStore;

use crate::accounts::{self, AccountRecord, Accounts, LoggedClient, OAuth1Tokens};
use crate::cli::LoginArgs;
use crate::error::{CliError, CliResult, Kind};
use crate::redact::{Redactor, secret_from};

/// Runs `sansauth login`.
///
/// # Errors
///
/// Usage for profile problems and a missing secret; network for a failed
/// connection or a browser that did not come back in time; provider when
/// the provider refused a step.
pub fn run(args: &LoginArgs) -> CliResult {
    if args.account.is_empty() {
        return Err(CliError::usage("--account must not be empty"));
    }
    let accounts = Accounts::open()?;
    let profile = accounts::resolve_profile(&args.profile, None)?;
    let secret = secret_from(None, args.client_secret_env.as_deref())?;
    let mut redactor = Redactor::default();
    if let Some(secret) = &secret {
        redactor.add(secret);
    }
    let http = accounts::http_client(&profile, redactor.clone());
    let login = Login {
        args,
        profile: &profile,
        secret: secret.as_deref(),
        http,
        redactor,
    };
    let tokens_path = accounts
        .tokens(&profile.name)
        .path(&args.account)
        .map_err(|e| accounts::store_error(&e))?;
    match profile.protocol {
        Protocol::OAuth2 => {
            let tokens = login.oauth2()?;
            accounts
                .tokens(&profile.name)
                .save(&args.account, &tokens)
                .map_err(|e| accounts::store_error(&e))?;
        }
        Protocol::OAuth1 => {
            let tokens = login.oauth1()?;
            accounts
                .tokens(&profile.name)
                .save(&args.account, &tokens)
                .map_err(|e| accounts::store_error(&e))?;
        }
    }
    let record = AccountRecord {
        profile: profile.name.clone(),
        protocol: profile.protocol,
        client_id: args.client_id.clone(),
        client_secret: secret,
        profile_file: args.profile.profile_file.as_deref().map(absolute),
        base_url: args.profile.base_url.clone(),
        logged_in_at: accounts::now(),
    };
    accounts
        .records(&profile.name)
        .save(&args.account, &record)
        .map_err(|e| accounts::store_error(&e))?;
    println!(
        "Logged in to {} as account `{}`; tokens stored in {}",
        profile.display_name,
        args.account,
        tokens_path.display()
    );
    Ok(())
}

/// A path that still names the same file when a later command runs elsewhere.
fn absolute(path: &std::path::Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// One login in progress.
struct Login<'a> {
    args: &'a LoginArgs,
    profile: &'a Profile,
    secret: Option<&'a str>,
    http: LoggedClient,
    redactor: Redactor,
}

impl Login<'_> {
    fn receiver(&self) -> Result<LoopbackReceiver, CliError> {
        let mut options = ReceiverOptions::default();
        options.port = self.args.port;
        LoopbackReceiver::bind(options).map_err(|e| {
            CliError::usage(format!(
                "cannot listen for the redirect on 127.0.0.1:{}: {e} (try another --port, or 0 for any)",
                self.args.port
            ))
        })
    }

    /// Sends the user to `url`, saying what happens next.
    fn send_user_to(&self, url: &str, waiting_for: &str) {
        let name = &self.profile.display_name;
        if self.args.no_browser {
            eprintln!("Open this address in your browser to sign in with {name}:\n\n    {url}\n");
        } else if browser::open_in_browser(url) == Opened::Browser {
            eprintln!(
                "Opened your browser to sign in with {name}. If it did not open, go to:\n\n    {url}\n"
            );
        }
        eprintln!("{waiting_for}");
    }

    fn wait(
        &self,
        receiver: &LoopbackReceiver,
    ) -> Result<sansauth_transport::receiver::Callback, CliError> {
        receiver
            .wait(Duration::from_secs(self.args.timeout))
            .map_err(|e| {
                let mut error = CliError::transport(&e);
                if e.code() == "timeout" {
                    error.message = format!(
                        "{e}: no answer from the browser in {} s (raise --timeout)",
                        self.args.timeout
                    );
                }
                error
            })
    }

    fn send(&self, request: http::Request<Vec<u8>>) -> Result<HttpResponse, CliError> {
        self.http
            .send(request)
            .map_err(|e| CliError::new(Kind::Network, self.redactor.apply(&e.to_string())))
    }

    /// The OAuth 2 authorization code flow.
    fn oauth2(&self) -> Result<TokenSet, CliError> {
        let settings = self
            .profile
            .oauth2_settings()
            .map_err(|e| CliError::usage(e.to_string()))?;
        let needs_secret = settings.client_auth != sansauth_oauth2::client::ClientAuth::None;
        if needs_secret && self.secret.is_none() {
            return Err(CliError::usage(format!(
                "the profile `{}` authenticates the client with its secret: pass \
                 --client-secret-env VAR with the secret in the variable VAR",
                self.profile.name
            )));
        }
        let client = self
            .profile
            .oauth2_client(&self.args.client_id, self.secret)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let scopes = if self.args.scopes.is_empty() {
            self.profile.default_scopes()
        } else {
            self.args.scopes.iter().map(Scope::new).collect()
        };
        let receiver = self.receiver()?;
        let redirect = Some(RedirectUri::new(receiver.redirect_uri()));
        let started = if settings.pkce {
            client.authorization_request(&mut OsRng, redirect, scopes)
        } else {
            client.authorization_request_with(State::generate(&mut OsRng), None, redirect, scopes)
        };
        let (request, pending) = started.map_err(|e| CliError::usage(e.to_string()))?;
        let url = request
            .to_url()
            .map_err(|e| CliError::usage(e.to_string()))?;
        self.send_user_to(
            url.as_str(),
            &format!(
                "Waiting up to {} s for the browser to come back to {} ...",
                self.args.timeout,
                receiver.redirect_uri()
            ),
        );
        let callback = self.wait(&receiver)?;
        let code = pending.read_callback(callback.url()).map_err(|e| {
            CliError::new(
                Kind::Provider,
                format!("the authorization did not succeed: {e}"),
            )
        })?;
        eprintln!("Authorized; exchanging the code for tokens ...");
        let token_request = pending.into_token_request(&client, code);
        let request = token_request
            .to_request()
            .map_err(|e| CliError::usage(e.to_string()))?;
        let response = self.send(request)?;
        let issued = self
            .profile
            .read_token_response(&token_request, &response)
            .map_err(|e| CliError::new(Kind::Provider, format!("the token request failed: {e}")))?;
        Ok(TokenSet::from_response_with_default_lifetime(
            issued,
            accounts::now(),
            settings.default_token_lifetime,
        ))
    }

    /// The OAuth 1 three legs.
    fn oauth1(&self) -> Result<OAuth1Tokens, CliError> {
        let settings = self
            .profile
            .oauth1_settings()
            .map_err(|e| CliError::usage(e.to_string()))?;
        let Some(secret) = self.secret else {
            return Err(CliError::usage(format!(
                "OAuth 1 signs with the consumer secret: pass --client-secret-env VAR with the \
                 secret of `{}` in the variable VAR",
                self.args.client_id
            )));
        };
        let secret = ConsumerSecret::new(secret);
        let placement = Placement::from(settings.token_placement);
        let oob = settings.callback == CallbackStyle::Oob;
        let receiver = if oob { None } else { Some(self.receiver()?) };
        let callback = receiver
            .as_ref()
            .map_or(OUT_OF_BAND, LoopbackReceiver::redirect_uri);
        let vars = Vars {
            client_id: &self.args.client_id,
            callback,
            ..Vars::default()
        };
        let expand_all = |map: &std::collections::BTreeMap<String, String>| {
            map.iter()
                .map(|(k, v)| Ok((k.clone(), expand(v, &vars)?)))
                .collect::<Result<Vec<(String, String)>, sansauth_providers::Error>>()
                .map_err(|e| CliError::usage(e.to_string()))
        };
        let token_headers = expand_all(&settings.token_request_headers)?;
        let version = settings.send_version.then_some("1.0");

        // §2.1: temporary credentials.
        let signer = self
            .profile
            .oauth1_signer(&self.args.client_id, &secret, None)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let nonce = Nonce::random();
        let signed = TemporaryCredentialsRequest::new(
            settings.temporary_credentials_endpoint.as_str(),
            callback,
        )
        .with_placement(placement)
        .sign(&signer, &params(&nonce, version))
        .map_err(|e| CliError::usage(e.to_string()))?;
        let response = self.send(with_headers(signed, &token_headers)?)?;
        let body = self.expect_success(&response, "temporary credentials request")?;
        let temporary = parse_credentials_response(body, true)
            .map_err(|e| {
                CliError::new(
                    Kind::Provider,
                    format!("the temporary credentials response: {e}"),
                )
            })?
            .credentials;
        let mut redactor = self.redactor.clone();
        redactor.add(temporary.secret().secret());

        // §2.2: the user authorizes.
        let extra = expand_all(&settings.authorize_params)?;
        let extra: Vec<(&str, &str)> = extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let url = authorize_url(
            settings.authorization_endpoint.as_str(),
            temporary.token(),
            &extra,
        )
        .map_err(|e| CliError::usage(e.to_string()))?;
        let verifier = match &receiver {
            None => {
                self.send_user_to(
                    &url,
                    &format!(
                        "After approving, {} shows a PIN. Type it here and press Enter:",
                        self.profile.display_name
                    ),
                );
                read_pin()?
            }
            Some(receiver) => {
                self.send_user_to(
                    &url,
                    &format!(
                        "Waiting up to {} s for the browser to come back to {} ...",
                        self.args.timeout,
                        receiver.redirect_uri()
                    ),
                );
                let callback = self.wait(receiver)?;
                parse_callback(callback.url(), temporary.token())
                    .map_err(|e| {
                        CliError::new(
                            Kind::Provider,
                            format!("the authorization did not succeed: {e}"),
                        )
                    })?
                    .verifier
            }
        };

        // §2.3: token credentials.
        eprintln!("Authorized; asking for token credentials ...");
        let signer = self
            .profile
            .oauth1_signer(&self.args.client_id, &secret, Some(&temporary))
            .map_err(|e| CliError::usage(e.to_string()))?;
        let nonce = Nonce::random();
        let signed =
            TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), &verifier)
                .with_placement(placement)
                .sign(&signer, &params(&nonce, version))
                .map_err(|e| CliError::usage(e.to_string()))?;
        let response = self.send(with_headers(signed, &token_headers)?)?;
        let body = self.expect_success(&response, "token credentials request")?;
        let issued = parse_credentials_response(body, false).map_err(|e| {
            CliError::new(
                Kind::Provider,
                format!("the token credentials response: {e}"),
            )
        })?;
        Ok(OAuth1Tokens {
            token: issued.credentials.token().to_owned(),
            token_secret: issued.credentials.secret().secret().to_owned(),
            issued_at: accounts::now(),
            extra: issued.extra.into_iter().collect(),
        })
    }

    /// The body of a 2xx response; else a provider error quoting the body.
    fn expect_success<'r>(
        &self,
        response: &'r HttpResponse,
        what: &str,
    ) -> Result<&'r [u8], CliError> {
        if response.status().is_success() {
            return Ok(response.body());
        }
        let body = String::from_utf8_lossy(response.body());
        let shown: String = body.chars().take(300).collect();
        Err(CliError::new(
            Kind::Provider,
            format!(
                "the provider refused the {what} (HTTP {}): {}",
                response.status().as_u16(),
                self.redactor.apply(shown.trim())
            ),
        ))
    }
}

fn params<'a>(nonce: &'a Nonce, version: Option<&'a str>) -> ProtocolParams<'a> {
    let params = ProtocolParams::new(accounts::now(), nonce.as_str());
    match version {
        Some(v) => params.with_version(v),
        None => params,
    }
}

/// The signed request as an HTTP request, with the profile's extra headers
/// for token calls (they are not signed: RFC 5849 §3.4.1 signs no header).
fn with_headers(
    signed: SignedRequest,
    headers: &[(String, String)],
) -> Result<http::Request<Vec<u8>>, CliError> {
    let mut request = signed
        .into_http()
        .map_err(|e| CliError::usage(e.to_string()))?;
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            CliError::usage(format!("the profile's header name `{name}` is not valid"))
        })?;
        let value = http::HeaderValue::from_str(value).map_err(|_| {
            CliError::usage(format!(
                "the profile's value for the header `{name}` is not valid"
            ))
        })?;
        request.headers_mut().insert(name, value);
    }
    Ok(request)
}

/// One line from standard input, trimmed.
fn read_pin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read the PIN from standard input: {e}")))?;
    let pin = line.trim();
    if pin.is_empty() {
        return Err(CliError::usage(
            "no PIN was entered: run `sansauth login` again and type the PIN the provider shows",
        ));
    }
    Ok(pin.to_owned())
}
