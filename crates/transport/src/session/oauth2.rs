//! The OAuth 2 sessions: bearer token, refresh, rotation, storage.

use core::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use sansauth_oauth2::bearer::BearerChallenge;
use sansauth_oauth2::client::Client;
use sansauth_oauth2::tokens::TokenSet;

use super::copy_request;
use crate::Error;
use crate::client::{AsyncHttpClient, HttpClient, HttpRequest, HttpResponse};
use crate::error::ReauthorizationReason;
use sansauth_oauth2::error::ErrorResponse;

use crate::policy::check_uri;
use crate::store::TokenStore;

/// How an OAuth 2 session behaves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuth2Options {
    /// Refresh when the access token expires within this much time.
    /// Default: 60 s.
    pub refresh_skew: Duration,
    /// Send the bearer token (and refresh) over plain `http://` to hosts that
    /// are not loopback. Default: `false`. Anyone on the path can then read
    /// and use the token (RFC 6750 §5.3).
    pub allow_insecure_http: bool,
    /// The clock, in unix seconds. Default: the system clock.
    pub clock: fn() -> u64,
    /// Reads a provider's own error bodies (when they are not RFC 6749 §5.2's)
    /// as an error response, so a refused refresh is recognised whatever its
    /// shape (a provider profile gives one: `ErrorFormat::reader`). Default:
    /// none beyond RFC 6749's, which is always read.
    pub error_reader: fn(&[u8]) -> Option<ErrorResponse>,
    /// Lifetime in seconds assumed when a refresh answer has no `expires_in`
    /// (a provider profile's `default_token_lifetime`). Default: none.
    pub default_token_lifetime: Option<u64>,
}

impl Default for OAuth2Options {
    fn default() -> Self {
        Self {
            refresh_skew: Duration::from_secs(60),
            allow_insecure_http: false,
            clock: sansauth_oauth1::unix_now,
            error_reader: |_| None,
            default_token_lifetime: None,
        }
    }
}

/// The tokens in use and how they came to be.
struct State {
    /// The stored token set in use.
    tokens: TokenSet,
    /// Bumped each time `tokens` is replaced: a caller that saw an older
    /// generation knows a refresh happened since.
    generation: u64,
    /// A refreshed set that the store refused: it is stored before anything
    /// else, and never used until then.
    pending: Option<TokenSet>,
}

#[derive(Clone)]
struct Snapshot {
    tokens: TokenSet,
    generation: u64,
    pending: bool,
}

enum RefreshStep {
    Done(Snapshot),
    Send(HttpRequest),
}

/// What both sessions share: everything but the HTTP client and the gate.
struct Core<S> {
    oauth: Client,
    store: S,
    account: String,
    options: OAuth2Options,
    state: Mutex<State>,
}

impl<S: TokenStore<TokenSet>> Core<S> {
    fn open(
        oauth: Client,
        store: S,
        account: String,
        options: OAuth2Options,
    ) -> Result<Self, Error> {
        let tokens = store.load(&account)?.ok_or(Error::ReauthorizationNeeded(
            ReauthorizationReason::NoStoredTokens,
        ))?;
        Ok(Self::with_tokens(oauth, store, account, options, tokens))
    }

    fn start(
        oauth: Client,
        store: S,
        account: String,
        options: OAuth2Options,
        tokens: TokenSet,
    ) -> Result<Self, Error> {
        store.save(&account, &tokens)?;
        Ok(Self::with_tokens(oauth, store, account, options, tokens))
    }

    fn with_tokens(
        oauth: Client,
        store: S,
        account: String,
        options: OAuth2Options,
        tokens: TokenSet,
    ) -> Self {
        Self {
            oauth,
            store,
            account,
            options,
            state: Mutex::new(State {
                tokens,
                generation: 0,
                pending: None,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn snapshot(&self) -> Snapshot {
        let state = self.state();
        Snapshot {
            tokens: state.tokens.clone(),
            generation: state.generation,
            pending: state.pending.is_some(),
        }
    }

    fn must_refresh(&self, snapshot: &Snapshot) -> bool {
        snapshot.pending
            || snapshot
                .tokens
                .needs_refresh((self.options.clock)(), self.options.refresh_skew.as_secs())
    }

    /// `request` with the bearer token, after the policy check.
    fn authorize(&self, request: &HttpRequest, tokens: &TokenSet) -> Result<HttpRequest, Error> {
        check_uri(request.uri(), self.options.allow_insecure_http)?;
        let mut out = copy_request(request);
        out.headers_mut()
            .insert(http::header::AUTHORIZATION, tokens.authorization()?);
        Ok(out)
    }

    /// Under the gate: reuse a refresh that happened since `seen`, store a
    /// pending set, or build the refresh request.
    fn refresh_step(&self, seen: u64) -> Result<RefreshStep, Error> {
        let (current, pending) = {
            let mut state = self.state();
            if state.generation != seen && state.pending.is_none() {
                return Ok(RefreshStep::Done(Snapshot {
                    tokens: state.tokens.clone(),
                    generation: state.generation,
                    pending: false,
                }));
            }
            (state.tokens.clone(), state.pending.take())
        };
        if let Some(pending) = pending {
            return self.commit(pending).map(RefreshStep::Done);
        }
        if current.refresh_token.is_none() {
            return Err(Error::ReauthorizationNeeded(
                ReauthorizationReason::NoRefreshToken,
            ));
        }
        let request = current
            .refresh_request(&self.oauth, Vec::new())?
            .to_request()?;
        check_uri(request.uri(), self.options.allow_insecure_http)?;
        Ok(RefreshStep::Send(request))
    }

    /// Under the gate: reads the refresh response, stores the new set, and
    /// only then makes it the one in use.
    fn finish_refresh(&self, response: &HttpResponse) -> Result<Snapshot, Error> {
        let mut tokens = self.state().tokens.clone();
        let exchange = tokens.refresh_request(&self.oauth, Vec::new())?;
        let provider_error = (self.options.error_reader)(response.body());
        let read = match provider_error {
            Some(error) => Err(sansauth_oauth2::Error::ErrorResponse(error)),
            None => exchange.read_response(response),
        };
        match read {
            Ok(fresh) => {
                tokens.apply_refresh_with_default_lifetime(
                    fresh,
                    (self.options.clock)(),
                    self.options.default_token_lifetime,
                );
                self.commit(tokens)
            }
            Err(e) => match e.error_response() {
                Some(r) if r.error.as_str() == "invalid_grant" => Err(
                    Error::ReauthorizationNeeded(ReauthorizationReason::RefreshRefused(r.clone())),
                ),
                _ => Err(e.into()),
            },
        }
    }

    /// Stores `tokens`, then puts them in use; if the store fails, keeps them
    /// pending (unused) and reports it.
    fn commit(&self, tokens: TokenSet) -> Result<Snapshot, Error> {
        match self.store.save(&self.account, &tokens) {
            Ok(()) => {
                let mut state = self.state();
                state.tokens = tokens;
                state.generation += 1;
                state.pending = None;
                Ok(Snapshot {
                    tokens: state.tokens.clone(),
                    generation: state.generation,
                    pending: false,
                })
            }
            Err(e) => {
                self.state().pending = Some(tokens);
                Err(Error::TokensNotStored(Box::new(e)))
            }
        }
    }
}

impl<S> fmt::Debug for Core<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Session")
            .field("client_id", &self.oauth.client_id)
            .field("account", &self.account)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn is_invalid_token(response: &HttpResponse) -> bool {
    response.status() == http::StatusCode::UNAUTHORIZED
        && BearerChallenge::from_response(response).is_some_and(|c| c.is_invalid_token())
}

/// A blocking OAuth 2 session over an [`HttpClient`]: attaches the access
/// token to each request (RFC 6750 §2.1) and keeps it fresh.
///
/// - Before a request, when the token expires within
///   [`OAuth2Options::refresh_skew`], it refreshes (RFC 6749 §6).
/// - After a `401` whose `WWW-Authenticate` says `error="invalid_token"`
///   (RFC 6750 §3.1), it refreshes once and sends the request once more.
/// - One refresh at a time: threads that need one while it runs wait, then
///   reuse its result, so a single-use refresh token is spent once.
/// - A new token set is saved to the store **before** it is used; if the
///   save fails the request fails with [`Error::TokensNotStored`], the store
///   keeps the old set, and the new one is saved before the next request.
/// - A refresh answered `invalid_grant` fails with
///   [`Error::ReauthorizationNeeded`], the stored tokens untouched.
///
/// Share it between threads by reference (`&`, `Arc`). The one-refresh rule
/// holds within one session: keep one session per account in a process (two
/// sessions, or two processes, on the same account each refresh on their
/// own, and with rotating refresh tokens the slower one is refused).
#[derive(Debug)]
pub struct OAuth2Session<C, S> {
    http: C,
    core: Core<S>,
    gate: Mutex<()>,
}

impl<C: HttpClient, S: TokenStore<TokenSet>> OAuth2Session<C, S> {
    /// A session for `account` with the tokens found in `store`.
    ///
    /// # Errors
    ///
    /// [`Error::ReauthorizationNeeded`] when the store has none; the store's
    /// errors.
    pub fn open(
        http: C,
        oauth: Client,
        store: S,
        account: impl Into<String>,
        options: OAuth2Options,
    ) -> Result<Self, Error<C::Error>> {
        let core = Core::open(oauth, store, account.into(), options).map_err(Error::widen)?;
        Ok(Self::from_core(http, core))
    }

    /// A session for `account` with fresh `tokens` (from the authorization
    /// flow), which are saved to `store` first.
    ///
    /// # Errors
    ///
    /// The store's errors (nothing is used then).
    pub fn start(
        http: C,
        oauth: Client,
        store: S,
        account: impl Into<String>,
        tokens: TokenSet,
        options: OAuth2Options,
    ) -> Result<Self, Error<C::Error>> {
        let core =
            Core::start(oauth, store, account.into(), options, tokens).map_err(Error::widen)?;
        Ok(Self::from_core(http, core))
    }

    fn from_core(http: C, core: Core<S>) -> Self {
        Self {
            http,
            core,
            gate: Mutex::new(()),
        }
    }

    /// Sends `request` with the access token, refreshing as described above.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] when the client fails; [`Error::Policy`] for a refused
    /// URL; [`Error::ReauthorizationNeeded`]; [`Error::TokensNotStored`];
    /// [`Error::Protocol`] for any other refresh failure.
    pub fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error<C::Error>> {
        let mut snapshot = self.core.snapshot();
        if self.core.must_refresh(&snapshot) {
            snapshot = self.refresh(snapshot.generation)?;
        }
        let first = self.send_with(&request, &snapshot.tokens)?;
        if !is_invalid_token(&first) {
            return Ok(first);
        }
        let snapshot = self.refresh(snapshot.generation)?;
        self.send_with(&request, &snapshot.tokens)
    }

    /// Refreshes now, unless another caller's refresh is under way (then its
    /// result is used).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn refresh_now(&self) -> Result<(), Error<C::Error>> {
        let seen = self.core.snapshot().generation;
        self.refresh(seen).map(drop)
    }

    /// The token set in use (stored).
    #[must_use]
    pub fn tokens(&self) -> TokenSet {
        self.core.snapshot().tokens
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.core.store
    }

    fn send_with(
        &self,
        request: &HttpRequest,
        tokens: &TokenSet,
    ) -> Result<HttpResponse, Error<C::Error>> {
        let request = self.core.authorize(request, tokens).map_err(Error::widen)?;
        self.http.send(request).map_err(Error::Http)
    }

    fn refresh(&self, seen: u64) -> Result<Snapshot, Error<C::Error>> {
        let _gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        match self.core.refresh_step(seen).map_err(Error::widen)? {
            RefreshStep::Done(snapshot) => Ok(snapshot),
            RefreshStep::Send(request) => {
                let response = self.http.send(request).map_err(Error::Http)?;
                self.core.finish_refresh(&response).map_err(Error::widen)
            }
        }
    }
}

/// The async [`OAuth2Session`], over an [`AsyncHttpClient`], with the same
/// behaviour; one refresh at a time across tasks and threads (the gate is an
/// async mutex that works on any executor).
///
/// The store is called from the task (its saves are short blocking writes).
#[derive(Debug)]
pub struct AsyncOAuth2Session<C, S> {
    http: C,
    core: Core<S>,
    gate: tokio::sync::Mutex<()>,
}

impl<C: AsyncHttpClient, S: TokenStore<TokenSet>> AsyncOAuth2Session<C, S> {
    /// A session for `account` with the tokens found in `store`.
    ///
    /// # Errors
    ///
    /// [`Error::ReauthorizationNeeded`] when the store has none; the store's
    /// errors.
    pub fn open(
        http: C,
        oauth: Client,
        store: S,
        account: impl Into<String>,
        options: OAuth2Options,
    ) -> Result<Self, Error<C::Error>> {
        let core = Core::open(oauth, store, account.into(), options).map_err(Error::widen)?;
        Ok(Self::from_core(http, core))
    }

    /// A session for `account` with fresh `tokens`, which are saved to
    /// `store` first.
    ///
    /// # Errors
    ///
    /// The store's errors (nothing is used then).
    pub fn start(
        http: C,
        oauth: Client,
        store: S,
        account: impl Into<String>,
        tokens: TokenSet,
        options: OAuth2Options,
    ) -> Result<Self, Error<C::Error>> {
        let core =
            Core::start(oauth, store, account.into(), options, tokens).map_err(Error::widen)?;
        Ok(Self::from_core(http, core))
    }

    fn from_core(http: C, core: Core<S>) -> Self {
        Self {
            http,
            core,
            gate: tokio::sync::Mutex::new(()),
        }
    }

    /// Sends `request` with the access token, refreshing as
    /// [`OAuth2Session::send`] does.
    ///
    /// # Errors
    ///
    /// As [`OAuth2Session::send`].
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error<C::Error>> {
        let mut snapshot = self.core.snapshot();
        if self.core.must_refresh(&snapshot) {
            snapshot = self.refresh(snapshot.generation).await?;
        }
        let first = self.send_with(&request, &snapshot.tokens).await?;
        if !is_invalid_token(&first) {
            return Ok(first);
        }
        let snapshot = self.refresh(snapshot.generation).await?;
        self.send_with(&request, &snapshot.tokens).await
    }

    /// Refreshes now, unless another caller's refresh is under way (then its
    /// result is used).
    ///
    /// # Errors
    ///
    /// As [`OAuth2Session::send`].
    pub async fn refresh_now(&self) -> Result<(), Error<C::Error>> {
        let seen = self.core.snapshot().generation;
        self.refresh(seen).await.map(drop)
    }

    /// The token set in use (stored).
    #[must_use]
    pub fn tokens(&self) -> TokenSet {
        self.core.snapshot().tokens
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.core.store
    }

    async fn send_with(
        &self,
        request: &HttpRequest,
        tokens: &TokenSet,
    ) -> Result<HttpResponse, Error<C::Error>> {
        let request = self.core.authorize(request, tokens).map_err(Error::widen)?;
        self.http.send(request).await.map_err(Error::Http)
    }

    async fn refresh(&self, seen: u64) -> Result<Snapshot, Error<C::Error>> {
        let _gate = self.gate.lock().await;
        let step = self.core.refresh_step(seen).map_err(Error::widen)?;
        match step {
            RefreshStep::Done(snapshot) => Ok(snapshot),
            RefreshStep::Send(request) => {
                let response = self.http.send(request).await.map_err(Error::Http)?;
                self.core.finish_refresh(&response).map_err(Error::widen)
            }
        }
    }
}
