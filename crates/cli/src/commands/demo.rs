//! `sansauth demo`: every seed tutorial, end to end, against an in-process
//! sandbox over real HTTP, narrated step by step as the tutorials tell it.
//!
//! Every request goes through `Narrated`, an HTTP client that prints one
//! line per exchange and remembers the last one, so a failing step shows the
//! request sent and the response got. Secrets are redacted in all output.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Request, Response};
use sansauth_oauth1::flow::{
    CredentialsResponse, OUT_OF_BAND, TemporaryCredentialsRequest, TokenCredentialsRequest,
    parse_callback, parse_credentials_response,
};
use sansauth_oauth1::{
    ConsumerSecret, Nonce, Placement, SignedRequest, TokenCredentials, unix_now,
};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::introspection::IntrospectionRequest;
use sansauth_oauth2::revocation::RevocationRequest;
use sansauth_oauth2::token::{Grant, TokenRequest};
use sansauth_oauth2::tokens::TokenSet;
use sansauth_oauth2::types::{AnyToken, RedirectUri, State};
use sansauth_providers::Profile;
use sansauth_providers::api::{fitbit, mapmyfitness31, mapmyfitness71, mapmytracks};
use sansauth_sandbox::{Sandbox, SandboxConfig};
use sansauth_transport::client::{
    ClientOptions, HttpClient, HttpRequest, HttpResponse, UreqClient,
};
use sansauth_transport::receiver::{LoopbackReceiver, ReceiverOptions};
use sansauth_transport::session::{OAuth1Session, OAuth2Options, OAuth2Session};
use sansauth_transport::store::MemoryTokenStore;

use crate::cli::DemoArgs;
use crate::redact::Redactor;
use crate::{CliError, CliResult, Kind};

/// The flows, in the order the tutorials come.
const FLOWS: [&str; 5] = [
    "mapmyfitness-oauth1",
    "fitbit-oauth1",
    "mapmyfitness",
    "mapmytracks",
    "fitbit",
];

/// Runs the demo.
///
/// # Errors
///
/// A usage error for an unknown `--profile`; [`Kind::Failed`] naming the step
/// that failed, after printing its request and response.
pub fn run(args: &DemoArgs) -> CliResult {
    let selected: Vec<&str> = if args.profiles.is_empty() {
        FLOWS.to_vec()
    } else {
        args.profiles
            .iter()
            .map(|p| {
                FLOWS.iter().copied().find(|f| f == p).ok_or_else(|| {
                    CliError::usage(format!(
                        "no demo for `{p}`; the demo knows {}",
                        FLOWS.join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let config = SandboxConfig::default()
        .auto_approve(true)
        .profiles(selected.iter().copied());
    let sandbox = Sandbox::start(config)
        .map_err(|e| CliError::new(Kind::Failed, format!("cannot start the sandbox: {e}")))?;
    println!(
        "sansauth demo: the seed tutorials, end to end, against a local sandbox at {}",
        sandbox.base_url()
    );
    println!("(every request below is real HTTP on loopback; secrets are shown as [redacted])");
    let mut demo = Demo::new(&sandbox);
    for flow in selected {
        let result = match flow {
            "mapmyfitness-oauth1" => demo.mapmyfitness_oauth1(),
            "fitbit-oauth1" => demo.fitbit_oauth1(),
            "mapmyfitness" => demo.mapmyfitness(),
            "mapmytracks" => demo.mapmytracks(),
            _ => demo.fitbit(),
        };
        if let Err(failure) = result {
            return Err(demo.fail(&failure));
        }
    }
    println!("\nAll {} steps succeeded.", demo.steps);
    Ok(())
}

/// An HTTP client that narrates each exchange and remembers the last one.
#[derive(Debug, Clone)]
struct Narrated {
    inner: UreqClient,
    redactor: Arc<Mutex<Redactor>>,
    last: Arc<Mutex<Option<(String, String)>>>,
}

impl Narrated {
    fn redact(&self, text: &str) -> String {
        self.redactor
            .lock()
            .map(|r| r.apply(text))
            .unwrap_or_else(|_| "[redacted]".to_owned())
    }
}

impl HttpClient for Narrated {
    type Error = <UreqClient as HttpClient>::Error;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, Self::Error> {
        let shown_request = dump_request(&request);
        let line = format!("{} {}", request.method(), request.uri());
        let result = self.inner.send(request);
        let shown_response = match &result {
            Ok(response) => {
                let reason = response.status().canonical_reason().unwrap_or("");
                println!(
                    "       {}  ->  {} {reason}",
                    self.redact(&line),
                    response.status().as_u16()
                );
                dump_response(response)
            }
            Err(e) => {
                println!("       {}  ->  failed: {e}", self.redact(&line));
                format!("(no response: {e})")
            }
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some((shown_request, shown_response));
        }
        result
    }
}

fn dump_request(request: &HttpRequest) -> String {
    let mut text = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            value.to_str().unwrap_or("(binary)")
        ));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(request.body()));
    text
}

fn dump_response(response: &HttpResponse) -> String {
    let mut text = format!("{}\n", response.status());
    for (name, value) in response.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            value.to_str().unwrap_or("(binary)")
        ));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(response.body()));
    text
}

/// A step that went wrong: which, and why.
#[derive(Debug)]
struct Failure {
    step: String,
    why: String,
}

type Step<T> = Result<T, Failure>;

struct Demo<'s> {
    sandbox: &'s Sandbox,
    http: Narrated,
    steps: usize,
    current: String,
}

impl<'s> Demo<'s> {
    fn new(sandbox: &'s Sandbox) -> Self {
        let mut redactor = Redactor::default();
        for name in FLOWS {
            if let Some(client) = sandbox.client(name) {
                redactor.add(&client.client_secret);
            }
        }
        let http = Narrated {
            inner: UreqClient::new(ClientOptions::default()),
            redactor: Arc::new(Mutex::new(redactor)),
            last: Arc::new(Mutex::new(None)),
        };
        Self {
            sandbox,
            http,
            steps: 0,
            current: String::new(),
        }
    }

    /// Starts a flow's section.
    fn section(&self, name: &str) -> (&'s Profile, String, String) {
        let profile = self
            .sandbox
            .profile(name)
            .expect("the demo serves every flow it runs");
        let client = self
            .sandbox
            .client(name)
            .expect("every served profile has a client");
        println!("\n{}  [{name}]", profile.display_name);
        (
            profile,
            client.client_id.clone(),
            client.client_secret.clone(),
        )
    }

    /// Announces the next step.
    fn step(&mut self, title: &str) {
        self.steps += 1;
        self.current = format!("{}. {title}", self.steps);
        println!("  {}", self.current);
    }

    /// Prints what a step found.
    fn say(&self, text: &str) {
        println!("       {}", self.http.redact(text));
    }

    /// Hides a secret in everything printed from now on.
    fn secret(&self, value: &str) {
        if let Ok(mut r) = self.http.redactor.lock() {
            r.add(value);
        }
    }

    /// A failure of the current step.
    fn failed(&self, why: impl std::fmt::Display) -> Failure {
        Failure {
            step: self.current.clone(),
            why: why.to_string(),
        }
    }

    /// Sends a request; any transport failure fails the step.
    fn send(&self, request: Request<Vec<u8>>) -> Step<Response<Vec<u8>>> {
        self.http.send(request).map_err(|e| self.failed(e))
    }

    /// Prints the failing step with its last exchange, and the error to return.
    fn fail(&self, failure: &Failure) -> CliError {
        eprintln!(
            "\nstep {} failed: {}",
            failure.step,
            self.http.redact(&failure.why)
        );
        if let Ok(last) = self.http.last.lock()
            && let Some((request, response)) = last.as_ref()
        {
            eprintln!(
                "\nrequest sent:\n{}\n\nresponse got:\n{}",
                self.http.redact(request),
                self.http.redact(response)
            );
        }
        CliError::new(
            Kind::Failed,
            format!("the demo failed at step {}", failure.step),
        )
    }

    /// Plays the browser: opens the authorization URL (the sandbox approves as
    /// alice) and follows its redirect to the loopback receiver.
    fn browse_to_callback(&self, url: &str, receiver: &LoopbackReceiver) -> Step<String> {
        let http = self.http.clone();
        let url = url.to_owned();
        let browser = std::thread::spawn(move || -> Result<(), String> {
            let page = http
                .send(
                    Request::get(&url)
                        .body(Vec::new())
                        .map_err(|e| e.to_string())?,
                )
                .map_err(|e| e.to_string())?;
            let location = page
                .headers()
                .get(http::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    format!(
                        "the authorization page answered {} without a redirect",
                        page.status()
                    )
                })?
                .to_owned();
            http.send(
                Request::get(&location)
                    .body(Vec::new())
                    .map_err(|e| e.to_string())?,
            )
            .map_err(|e| e.to_string())?;
            Ok(())
        });
        let callback = receiver.wait(Duration::from_secs(30));
        let browsed = browser
            .join()
            .map_err(|_| self.failed("the browser thread panicked"))?;
        browsed.map_err(|e| self.failed(e))?;
        let callback = callback.map_err(|e| self.failed(e))?;
        Ok(callback.url().to_owned())
    }

    // ---- OAuth 1 ------------------------------------------------------------

    /// The three legs (§2); returns the token credentials.
    fn oauth1_legs(
        &mut self,
        name: &str,
        profile: &Profile,
        client_id: &str,
        client_secret: &str,
    ) -> Step<TokenCredentials> {
        let settings = profile.oauth1_settings().map_err(|e| self.failed(e))?;
        let secret = ConsumerSecret::new(client_secret);
        let placement = Placement::from(settings.token_placement);
        let oob = settings.callback == sansauth_providers::profile::CallbackStyle::Oob;
        let receiver = if oob {
            None
        } else {
            Some(LoopbackReceiver::bind(ReceiverOptions::default()).map_err(|e| self.failed(e))?)
        };
        let callback = receiver
            .as_ref()
            .map_or(OUT_OF_BAND, |r| r.redirect_uri())
            .to_owned();

        self.step(&format!(
            "Temporary credentials (signed in the {}; oauth_callback={callback})",
            where_(placement)
        ));
        let signer = profile
            .oauth1_signer(client_id, &secret, None)
            .map_err(|e| self.failed(e))?;
        let nonce = Nonce::random();
        let signed = TemporaryCredentialsRequest::new(
            settings.temporary_credentials_endpoint.as_str(),
            &callback,
        )
        .with_placement(placement)
        .sign(&signer, &profile.oauth1_params(unix_now(), nonce.as_str()));
        let temporary = self
            .token_call(profile, client_id, signed, true)?
            .credentials;
        self.secret(temporary.secret().secret());
        self.say(&format!(
            "oauth_token={}, oauth_token_secret={}, oauth_callback_confirmed=true",
            temporary.token(),
            temporary.secret().secret()
        ));

        self.step("Authorize: the user approves in the browser");
        let url = profile
            .oauth1_authorize_url(temporary.token(), client_id, &callback)
            .map_err(|e| self.failed(e))?;
        let verifier = match &receiver {
            Some(receiver) => {
                let callback_url = self.browse_to_callback(&url, receiver)?;
                self.step("Callback: the verifier arrives on the loopback receiver");
                self.say(&callback_url);
                parse_callback(&callback_url, temporary.token())
                    .map_err(|e| self.failed(e))?
                    .verifier
            }
            None => {
                let page = self.send(
                    Request::get(&url)
                        .body(Vec::new())
                        .map_err(|e| self.failed(e))?,
                )?;
                let html = String::from_utf8_lossy(page.body()).into_owned();
                let pin = element_text(&html, "pin")
                    .ok_or_else(|| self.failed("the authorize page shows no PIN"))?;
                self.step("PIN: the page shows a verifier, which the user types into the app");
                self.say(&format!("PIN {pin}"));
                pin
            }
        };

        self.step(&format!(
            "Token credentials (oauth_verifier, signed in the {})",
            where_(placement)
        ));
        let signer = profile
            .oauth1_signer(client_id, &secret, Some(&temporary))
            .map_err(|e| self.failed(e))?;
        let nonce = Nonce::random();
        let signed =
            TokenCredentialsRequest::new(settings.token_credentials_endpoint.as_str(), &verifier)
                .with_placement(placement)
                .sign(&signer, &profile.oauth1_params(unix_now(), nonce.as_str()));
        let answer = self.token_call(profile, client_id, signed, false)?;
        self.secret(answer.credentials.secret().secret());
        let extra: Vec<String> = answer
            .extra
            .iter()
            .map(|(k, v)| format!(", {k}={v}"))
            .collect();
        self.say(&format!(
            "oauth_token={}, oauth_token_secret={}{}",
            answer.credentials.token(),
            answer.credentials.secret().secret(),
            extra.concat()
        ));
        let _ = name;
        Ok(answer.credentials)
    }

    /// Sends a signed §2.1 / §2.3 token call with the profile's extra headers
    /// and reads the credentials (`temporary`: the callback must be confirmed).
    fn token_call(
        &self,
        profile: &Profile,
        client_id: &str,
        signed: Result<SignedRequest, sansauth_oauth1::Error>,
        temporary: bool,
    ) -> Step<CredentialsResponse> {
        let mut request = signed
            .and_then(SignedRequest::into_http)
            .map_err(|e| self.failed(e))?;
        let headers = profile
            .oauth1_token_headers(client_id)
            .map_err(|e| self.failed(e))?;
        add_headers(&mut request, &headers);
        let response = self.send(request)?;
        parse_credentials_response(response.body(), temporary).map_err(|e| self.failed(e))
    }

    /// The signing session for API calls.
    fn oauth1_session(
        &self,
        profile: &Profile,
        client_id: &str,
        client_secret: &str,
        token: &TokenCredentials,
    ) -> Step<OAuth1Session<Narrated>> {
        let settings = profile.oauth1_settings().map_err(|e| self.failed(e))?;
        let signer = profile
            .oauth1_signer(client_id, &ConsumerSecret::new(client_secret), Some(token))
            .map_err(|e| self.failed(e))?;
        Ok(OAuth1Session::new(
            self.http.clone(),
            signer,
            Placement::from(settings.api_placement),
        )
        .send_version(settings.send_version))
    }

    fn mapmyfitness_oauth1(&mut self) -> Step<()> {
        let name = "mapmyfitness-oauth1";
        let (profile, client_id, client_secret) = self.section(name);
        let token = self.oauth1_legs(name, profile, &client_id, &client_secret)?;
        let session = self.oauth1_session(profile, &client_id, &client_secret, &token)?;

        self.step("users/get_user (signed in the query, with api_key)");
        let request = mapmyfitness31::get_user(profile, &client_id).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let user = mapmyfitness31::read_user(response.status().as_u16(), response.body())
            .map_err(|e| self.failed(e))?;
        self.say(&format!(
            "user {} ({} {})",
            user.user_id, user.first_name, user.last_name
        ));

        self.step("workouts/create_workout (form body, signed in the query)");
        let workout = mapmyfitness31::NewWorkout::new(
            user.user_id,
            "Lunch run along the river",
            16,
            "2026-11-21",
        );
        let request = mapmyfitness31::create_workout(profile, &client_id, &workout)
            .map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let created =
            mapmyfitness31::read_created_workout(response.status().as_u16(), response.body())
                .map_err(|e| self.failed(e))?;
        self.say(&format!(
            "workout {} \"{}\"",
            created.workout_id, created.workout_description
        ));

        self.step("workouts/get_workouts");
        let request =
            mapmyfitness31::get_workouts(profile, &client_id, None).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let list = mapmyfitness31::read_workouts(response.status().as_u16(), response.body())
            .map_err(|e| self.failed(e))?;
        if !list
            .workouts
            .iter()
            .any(|w| w.workout_id == created.workout_id)
        {
            return Err(self.failed("the new workout is not listed"));
        }
        self.say(&format!("{} workout(s), including the new one", list.count));

        self.step("An unsigned call is refused with the tutorial's message");
        let request = mapmyfitness31::get_user(profile, &client_id).map_err(|e| self.failed(e))?;
        let response = self.send(request)?;
        match mapmyfitness31::read_user(response.status().as_u16(), response.body()) {
            Err(e) => self.say(&format!("refused: {e}")),
            Ok(_) => return Err(self.failed("an unsigned call was accepted")),
        }
        Ok(())
    }

    fn fitbit_oauth1(&mut self) -> Step<()> {
        let name = "fitbit-oauth1";
        let (profile, client_id, client_secret) = self.section(name);
        let token = self.oauth1_legs(name, profile, &client_id, &client_secret)?;
        let session = self.oauth1_session(profile, &client_id, &client_secret, &token)?;
        self.step("1/user/-/profile.json (signed in the Authorization header)");
        let request = fitbit::get_profile(profile, &client_id).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let user = fitbit::read_profile(response.status().as_u16(), response.body())
            .map_err(|e| self.failed(e))?;
        self.say(&format!("{} ({})", user.display_name, user.encoded_id));
        Ok(())
    }

    // ---- OAuth 2 ------------------------------------------------------------

    /// Authorization code (with PKCE S256 when the profile supports it) and
    /// the token request; returns the token set.
    fn oauth2_code(&mut self, profile: &Profile, client: &Client) -> Step<TokenSet> {
        let settings = profile.oauth2_settings().map_err(|e| self.failed(e))?;
        let receiver =
            LoopbackReceiver::bind(ReceiverOptions::default()).map_err(|e| self.failed(e))?;
        let redirect = Some(RedirectUri::new(receiver.redirect_uri()));
        let mut rng = sansauth_oauth2::rand_core::OsRng;
        let (request, pending) = if settings.pkce {
            client.authorization_request(&mut rng, redirect, profile.default_scopes())
        } else {
            client.authorization_request_with(
                State::generate(&mut rng),
                None,
                redirect,
                profile.default_scopes(),
            )
        }
        .map_err(|e| self.failed(e))?;
        let pkce = if settings.pkce { " with PKCE S256" } else { "" };
        self.step(&format!(
            "Authorize{pkce}: the user approves in the browser"
        ));
        let url = request.to_url().map_err(|e| self.failed(e))?;
        let callback = self.browse_to_callback(url.as_str(), &receiver)?;
        self.step("Callback: the code arrives on the loopback receiver, state checked");
        let code = pending
            .read_callback(&callback)
            .map_err(|e| self.failed(e))?;
        self.secret(code.secret());
        self.say(&callback);

        let how = match settings.client_auth {
            sansauth_oauth2::client::ClientAuth::Basic => {
                "HTTP Basic client authentication".to_owned()
            }
            sansauth_oauth2::client::ClientAuth::Post => {
                "client credentials in the form body".to_owned()
            }
            _ => "a public client".to_owned(),
        };
        let headers: Vec<&str> = settings
            .token_request_headers
            .keys()
            .map(String::as_str)
            .collect();
        let extra = if headers.is_empty() {
            String::new()
        } else {
            format!(" and a {} header", headers.join(", "))
        };
        self.step(&format!("Token request ({how}{extra})"));
        let token_request = pending.into_token_request(client, code);
        let request = token_request.to_request().map_err(|e| self.failed(e))?;
        let response = self.send(request)?;
        let answer = profile
            .read_token_response(&token_request, &response)
            .map_err(|e| self.failed(e))?;
        let tokens = TokenSet::from_response_with_default_lifetime(
            answer,
            unix_now(),
            settings.default_token_lifetime,
        );
        self.show_tokens(&tokens);
        Ok(tokens)
    }

    fn show_tokens(&self, tokens: &TokenSet) {
        self.secret(tokens.access_token.secret());
        if let Some(refresh) = &tokens.refresh_token {
            self.secret(refresh.secret());
        }
        let expires = tokens
            .expires_in(unix_now())
            .map_or_else(|| "no expiry".to_owned(), |s| format!("expires in {s} s"));
        self.say(&format!(
            "access_token={}, refresh_token={}, {expires}",
            tokens.access_token.secret(),
            tokens
                .refresh_token
                .as_ref()
                .map_or("(none)", |r| r.secret()),
        ));
    }

    fn oauth2_client(
        &self,
        profile: &Profile,
        client_id: &str,
        client_secret: &str,
    ) -> Step<Client> {
        profile
            .oauth2_client(client_id, Some(client_secret))
            .map_err(|e| self.failed(e))
    }

    fn session(
        &self,
        client: &Client,
        tokens: TokenSet,
    ) -> Step<OAuth2Session<Narrated, MemoryTokenStore<TokenSet>>> {
        OAuth2Session::start(
            self.http.clone(),
            client.clone(),
            MemoryTokenStore::new(),
            "alice",
            tokens,
            OAuth2Options::default(),
        )
        .map_err(|e| self.failed(e))
    }

    /// Refreshes through the session; returns (old, new) refresh tokens.
    fn refresh(
        &mut self,
        session: &OAuth2Session<Narrated, MemoryTokenStore<TokenSet>>,
        what: &str,
    ) -> Step<(TokenSet, TokenSet)> {
        self.step(what);
        let before = session.tokens();
        session.refresh_now().map_err(|e| self.failed(e))?;
        let after = session.tokens();
        self.show_tokens(&after);
        Ok((before, after))
    }

    /// Shows that a spent refresh token is refused.
    fn old_refresh_refused(
        &mut self,
        profile: &Profile,
        client: &Client,
        old: &TokenSet,
    ) -> Step<()> {
        self.step("The old refresh token no longer works");
        let Some(refresh_token) = old.refresh_token.clone() else {
            return Err(self.failed("there was no refresh token"));
        };
        let request = TokenRequest::new(
            client,
            Grant::RefreshToken {
                refresh_token,
                scopes: Vec::new(),
            },
        );
        let response = self.send(request.to_request().map_err(|e| self.failed(e))?)?;
        match profile.read_token_response(&request, &response) {
            Err(e) if e.code() == "invalid_grant" => {
                self.say("refused: invalid_grant, as the provider documents");
                Ok(())
            }
            Err(e) => Err(self.failed(format!("refused, but with {e}"))),
            Ok(_) => Err(self.failed("a spent refresh token was accepted")),
        }
    }

    fn mapmyfitness(&mut self) -> Step<()> {
        let (profile, client_id, client_secret) = self.section("mapmyfitness");
        let client = self.oauth2_client(profile, &client_id, &client_secret)?;
        let tokens = self.oauth2_code(profile, &client)?;
        let session = self.session(&client, tokens)?;
        self.step("activity_type/ (bearer token, and the Api-Key header on every API call)");
        let request =
            mapmyfitness71::list_activity_types(profile, &client_id).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let types =
            mapmyfitness71::read_activity_types(response.status().as_u16(), response.body())
                .map_err(|e| self.failed(e))?;
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        self.say(&format!(
            "{} activity types: {}",
            types.len(),
            names.join(", ")
        ));
        self.refresh(&session, "Refresh (the refresh token stays the same here)")?;
        Ok(())
    }

    fn mapmytracks(&mut self) -> Step<()> {
        let (profile, client_id, client_secret) = self.section("mapmytracks");
        let client = self.oauth2_client(profile, &client_id, &client_secret)?;
        let tokens = self.oauth2_code(profile, &client)?;
        let session = self.session(&client, tokens)?;

        self.step("startActivity (multipart, bearer token)");
        let mut start = mapmytracks::StartActivity::new(
            mapmytracks::Visibility::Private,
            "running",
            "Morning run",
        );
        let t0 = 1_795_255_200;
        start.data.points.push(mapmytracks::TrackPoint {
            lat: 51.5007,
            lon: -0.1246,
            ele: Some(11.0),
            unix_timestamp: t0,
        });
        start.data.heart_rate.push(mapmytracks::HeartRate {
            bpm: 118,
            unix_timestamp: t0,
        });
        let request = mapmytracks::start_activity(profile, &start, &boundary())
            .map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let id = mapmytracks::read_started(response.status().as_u16(), response.body())
            .map_err(|e| self.failed(e))?;
        self.say(&format!("activity {id} started"));

        self.step("updateActivity (more track points and heart rate)");
        let mut more = mapmytracks::ActivityData::default();
        more.points.push(mapmytracks::TrackPoint {
            lat: 51.5014,
            lon: -0.1419,
            ele: Some(14.0),
            unix_timestamp: t0 + 60,
        });
        more.heart_rate.push(mapmytracks::HeartRate {
            bpm: 141,
            unix_timestamp: t0 + 60,
        });
        let request = mapmytracks::update_activity(profile, id, &more, &boundary())
            .map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        mapmytracks::read_ok(
            response.status().as_u16(),
            response.body(),
            "updateActivity",
        )
        .map_err(|e| self.failed(e))?;

        self.step("stopActivity");
        let request =
            mapmytracks::stop_activity(profile, id, &boundary()).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        mapmytracks::read_ok(response.status().as_u16(), response.body(), "stopActivity")
            .map_err(|e| self.failed(e))?;
        let kept = self
            .sandbox
            .activities()
            .into_iter()
            .find(|a| a.activity_id == id);
        let samples = kept.map_or(0, |a| a.data.len());
        self.say(&format!(
            "activity {id} stopped; the provider kept {samples} sample batches"
        ));

        let (old, new) = self.refresh(
            &session,
            "Refresh: a new refresh token, stored before it is used",
        )?;
        if old.refresh_token == new.refresh_token {
            return Err(self.failed("the refresh token did not rotate"));
        }
        self.old_refresh_refused(profile, &client, &old)?;

        self.step("Revoke the refresh token (token_type_hint=refresh_token)");
        let Some(refresh_token) = new.refresh_token.clone() else {
            return Err(self.failed("no refresh token to revoke"));
        };
        let revoke = RevocationRequest::refresh_token(&client, &refresh_token);
        let response = self.send(revoke.to_request().map_err(|e| self.failed(e))?)?;
        revoke
            .read_response(&response)
            .map_err(|e| self.failed(e))?;

        self.step("The revoked grant's access token is refused");
        let request = mapmytracks::get_routes(profile).map_err(|e| self.failed(e))?;
        let mut request = request;
        sansauth_oauth2::bearer::authorize_request(&mut request, &new.access_token)
            .map_err(|e| self.failed(e))?;
        let response = self.send(request)?;
        if response.status() != 401 {
            return Err(self.failed(format!("expected 401, got {}", response.status())));
        }
        self.say("401 with WWW-Authenticate: Bearer error=\"invalid_token\"");
        Ok(())
    }

    fn fitbit(&mut self) -> Step<()> {
        let (profile, client_id, client_secret) = self.section("fitbit");
        let client = self.oauth2_client(profile, &client_id, &client_secret)?;
        let tokens = self.oauth2_code(profile, &client)?;
        let session = self.session(&client, tokens)?;

        self.step("1/user/-/profile.json (bearer token)");
        let request = fitbit::get_profile(profile, &client_id).map_err(|e| self.failed(e))?;
        let response = session.send(request).map_err(|e| self.failed(e))?;
        let user = fitbit::read_profile(response.status().as_u16(), response.body())
            .map_err(|e| self.failed(e))?;
        self.say(&format!("{} ({})", user.display_name, user.encoded_id));

        let (old, new) = self.refresh(&session, "Refresh: Fitbit refresh tokens work once")?;
        self.old_refresh_refused(profile, &client, &old)?;

        self.step("Introspect the access token (authenticated with a bearer token)");
        let introspect =
            IntrospectionRequest::new(&client, AnyToken::new(new.access_token.secret()));
        let mut request = introspect.to_request().map_err(|e| self.failed(e))?;
        request.headers_mut().remove(http::header::AUTHORIZATION);
        sansauth_oauth2::bearer::authorize_request(&mut request, &new.access_token)
            .map_err(|e| self.failed(e))?;
        let answer = introspect
            .read_response(&self.send(request)?)
            .map_err(|e| self.failed(e))?;
        self.say(&format!(
            "active={}, scope={}",
            answer.active,
            answer
                .scope
                .iter()
                .flatten()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ));

        self.step("Revoke the access token (RFC 7009)");
        let revoke = RevocationRequest::access_token(&client, &new.access_token);
        let response = self.send(revoke.to_request().map_err(|e| self.failed(e))?)?;
        revoke
            .read_response(&response)
            .map_err(|e| self.failed(e))?;
        let request = fitbit::get_profile(profile, &client_id).map_err(|e| self.failed(e))?;
        let mut request = request;
        sansauth_oauth2::bearer::authorize_request(&mut request, &new.access_token)
            .map_err(|e| self.failed(e))?;
        let response = self.send(request)?;
        if response.status() != 401 {
            return Err(self.failed(format!(
                "the revoked token still works ({})",
                response.status()
            )));
        }
        self.say("the revoked token is refused");
        Ok(())
    }
}

/// Where a placement puts the parameters, in words.
fn where_(placement: Placement) -> &'static str {
    match placement {
        Placement::Header => "Authorization header",
        Placement::Query => "query",
        _ => "form body",
    }
}

/// Adds headers to a request (names and values the profile checked).
fn add_headers(request: &mut Request<Vec<u8>>, headers: &[(String, String)]) {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            request.headers_mut().insert(name, value);
        }
    }
}

/// A fresh multipart boundary.
fn boundary() -> String {
    format!(
        "sansauth-{}",
        Nonce::random().as_str().get(..24).unwrap_or("boundary")
    )
}

/// The text of the element with `id` in an HTML page.
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    Some(rest[open..open + close].to_owned())
}
