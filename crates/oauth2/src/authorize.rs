//! The authorization step (RFC 6749 §4.1.1–§4.1.2, §4.2.2; RFC 7636 §4.3):
//! the URL the browser opens, the value kept until the callback, and the
//! callback itself.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::client::Client;
use crate::error::{ErrorCode, ErrorResponse};
use crate::pkce::{PkceChallenge, PkceMethod, PkceVerifier};
use crate::token::{Grant, TokenRequest};
use crate::types::{
    AccessToken, AuthorizationCode, ClientId, RedirectUri, Scope, State, TokenType, join_scopes,
    split_scopes,
};
use crate::wire::{take, unique_pairs};

/// An authorization request (RFC 6749 §4.1.1, §4.2.1), as a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The authorization endpoint; its own query is kept (§3.1).
    pub endpoint: Url,
    /// `code` (§4.1.1) or `token` (§4.2.1).
    pub response_type: String,
    /// The client.
    pub client_id: ClientId,
    /// Where the browser comes back.
    pub redirect_uri: Option<RedirectUri>,
    /// Requested scopes (omitted when empty).
    pub scopes: Vec<Scope>,
    /// Joins the scopes (§3.3 says a space).
    pub scope_separator: String,
    /// Sent, and expected back on the callback.
    pub state: Option<State>,
    /// PKCE (RFC 7636 §4.3).
    pub code_challenge: Option<PkceChallenge>,
    /// Further parameters, after the standard ones.
    pub extra: Vec<(String, String)>,
}

impl AuthorizationRequest {
    /// A request with the given endpoint, response type and client, and nothing else.
    pub fn new(endpoint: Url, response_type: impl Into<String>, client_id: ClientId) -> Self {
        Self {
            endpoint,
            response_type: response_type.into(),
            client_id,
            redirect_uri: None,
            scopes: Vec::new(),
            scope_separator: " ".to_owned(),
            state: None,
            code_challenge: None,
            extra: Vec::new(),
        }
    }

    /// The URL to open in the user's browser. An endpoint with a fragment is
    /// [`Error::Malformed`] (§3.1).
    pub fn to_url(&self) -> Result<Url, Error> {
        if self.endpoint.fragment().is_some() {
            return Err(Error::malformed(
                "the authorization endpoint has a fragment (RFC 6749 §3.1)",
            ));
        }
        let mut url = self.endpoint.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", &self.response_type);
            q.append_pair("client_id", self.client_id.as_str());
            if let Some(r) = &self.redirect_uri {
                q.append_pair("redirect_uri", r.as_str());
            }
            if !self.scopes.is_empty() {
                q.append_pair("scope", &join_scopes(&self.scopes, &self.scope_separator));
            }
            if let Some(s) = &self.state {
                q.append_pair("state", s.as_str());
            }
            if let Some(c) = &self.code_challenge {
                q.append_pair("code_challenge", &c.challenge);
                q.append_pair("code_challenge_method", c.method.as_str());
            }
            for (name, value) in &self.extra {
                q.append_pair(name, value);
            }
        }
        Ok(url)
    }
}

/// What the client keeps between sending the user away and the callback:
/// the state to expect and the PKCE verifier to send with the code.
/// Store it (serde) in the user's session; it is not `Clone`.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingAuthorization {
    /// The state sent.
    pub state: State,
    /// The PKCE verifier, when PKCE was used.
    pub pkce_verifier: Option<PkceVerifier>,
    /// The redirect URI sent (it must be repeated on the token request, §4.1.3).
    pub redirect_uri: Option<RedirectUri>,
    /// The scopes asked for.
    pub scopes: Vec<Scope>,
}

impl PendingAuthorization {
    /// Reads the callback URL and checks its state: see [`parse_callback`].
    pub fn read_callback(&self, url: &str) -> Result<AuthorizationCode, Error> {
        parse_callback(url, Some(&self.state)).map(|r| r.code)
    }

    /// The authorization-code token request (§4.1.3) for `code`, with the
    /// redirect URI and PKCE verifier kept here. Consumes the pending value:
    /// a code is redeemed once.
    pub fn into_token_request(self, client: &Client, code: AuthorizationCode) -> TokenRequest<'_> {
        let mut this = self;
        TokenRequest::new(
            client,
            Grant::AuthorizationCode {
                code,
                redirect_uri: this.redirect_uri.take(),
                code_verifier: this.pkce_verifier.take(),
            },
        )
    }
}

impl Client {
    /// Starts the authorization-code flow (§4.1.1) with a random `state` and
    /// PKCE S256 (RFC 7636): the request to turn into a URL, and the value to
    /// keep until the callback.
    pub fn authorization_request(
        &self,
        rng: &mut impl rand_core::CryptoRngCore,
        redirect_uri: Option<RedirectUri>,
        scopes: Vec<Scope>,
    ) -> Result<(AuthorizationRequest, PendingAuthorization), Error> {
        self.authorization_request_with(
            State::generate(rng),
            Some((PkceVerifier::generate(rng), PkceMethod::S256)),
            redirect_uri,
            scopes,
        )
    }

    /// [`Client::authorization_request`] with the state and PKCE chosen by the
    /// caller: `None` sends no PKCE (for servers that reject it), and
    /// [`PkceMethod::Plain`] only when asked.
    pub fn authorization_request_with(
        &self,
        state: State,
        pkce: Option<(PkceVerifier, PkceMethod)>,
        redirect_uri: Option<RedirectUri>,
        scopes: Vec<Scope>,
    ) -> Result<(AuthorizationRequest, PendingAuthorization), Error> {
        let endpoint = Self::endpoint(&self.authorization_endpoint, "authorization")?;
        let mut request =
            AuthorizationRequest::new(endpoint.clone(), "code", self.client_id.clone());
        request.redirect_uri.clone_from(&redirect_uri);
        request.scopes.clone_from(&scopes);
        request.scope_separator.clone_from(&self.scope_separator);
        request.state = Some(state.clone());
        request.code_challenge = pkce.as_ref().map(|(v, m)| v.challenge(*m));
        Ok((
            request,
            PendingAuthorization {
                state,
                pkce_verifier: pkce.map(|(v, _)| v),
                redirect_uri,
                scopes,
            },
        ))
    }
}

/// A successful authorization response (§4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationResponse {
    /// The code to redeem.
    pub code: AuthorizationCode,
    /// The state, as returned.
    pub state: Option<State>,
    /// Other parameters (`iss`, ...).
    pub extra: Vec<(String, String)>,
}

/// Reads the redirect the browser made back to the client (§4.1.2): either a
/// full URL or just its query.
///
/// Order of checks: a present `state` that differs from `expected_state` is
/// [`Error::StateMismatch`] whatever else the callback says; then an `error`
/// is the provider's [`Error::ErrorResponse`] (§4.1.2.1), also when it carries
/// no state; then a missing state (when one is expected) is a mismatch; then
/// a missing `code` is [`Error::MissingCode`]. A repeated parameter is
/// [`Error::Malformed`]. A fragment (`#_=_`) is ignored.
pub fn parse_callback(
    url_or_query: &str,
    expected_state: Option<&State>,
) -> Result<AuthorizationResponse, Error> {
    let mut pairs = unique_pairs(query_of(url_or_query)?.as_bytes())?;
    let state = take(&mut pairs, "state").map(State::new);
    check_state(
        state.as_ref(),
        expected_state,
        pairs.iter().any(|(n, _)| n == "error"),
    )?;
    if let Some(error) = take_error(&mut pairs) {
        return Err(Error::ErrorResponse(error));
    }
    let code = take(&mut pairs, "code").ok_or(Error::MissingCode)?;
    Ok(AuthorizationResponse {
        code: AuthorizationCode::new(code),
        state,
        extra: pairs,
    })
}

/// The state rules shared by the code and implicit callbacks.
fn check_state(got: Option<&State>, expected: Option<&State>, is_error: bool) -> Result<(), Error> {
    match (got, expected) {
        (Some(g), Some(e)) if g != e => Err(Error::StateMismatch),
        (None, Some(_)) if !is_error => Err(Error::StateMismatch),
        _ => Ok(()),
    }
}

fn take_error(pairs: &mut Vec<(String, String)>) -> Option<ErrorResponse> {
    let code = take(pairs, "error")?;
    Some(ErrorResponse {
        error: ErrorCode::new(code),
        error_description: take(pairs, "error_description"),
        error_uri: take(pairs, "error_uri"),
    })
}

/// The query of a URL, or the text itself when it is not a URL with a scheme.
fn query_of(url_or_query: &str) -> Result<String, Error> {
    let text = url_or_query.trim();
    if text.contains("://") {
        let url = Url::parse(text).map_err(|e| Error::malformed(format!("callback URL: {e}")))?;
        return Ok(url.query().unwrap_or("").to_owned());
    }
    let text = text.split('#').next().unwrap_or("");
    Ok(text.strip_prefix('?').unwrap_or(text).to_owned())
}

/// An implicit-grant access token from the redirect fragment (§4.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImplicitResponse {
    /// The access token.
    pub access_token: AccessToken,
    /// Its type (compare with [`TokenType::is`]).
    pub token_type: TokenType,
    /// Lifetime in seconds.
    pub expires_in: Option<u64>,
    /// Granted scopes, when they differ from those asked for.
    pub scope: Option<Vec<Scope>>,
    /// The state, as returned.
    pub state: Option<State>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

/// Reads the fragment of an implicit-grant redirect (§4.2.2, errors §4.2.2.1),
/// with the state rules of [`parse_callback`]. Takes a URL or the bare fragment.
pub fn parse_fragment(
    url_or_fragment: &str,
    expected_state: Option<&State>,
) -> Result<ImplicitResponse, Error> {
    let text = url_or_fragment.trim();
    let fragment = if text.contains("://") {
        let url = Url::parse(text).map_err(|e| Error::malformed(format!("redirect URL: {e}")))?;
        url.fragment()
            .ok_or_else(|| Error::malformed("the redirect has no fragment"))?
            .to_owned()
    } else {
        text.strip_prefix('#').unwrap_or(text).to_owned()
    };
    let mut pairs = unique_pairs(fragment.as_bytes())?;
    let state = take(&mut pairs, "state").map(State::new);
    check_state(
        state.as_ref(),
        expected_state,
        pairs.iter().any(|(n, _)| n == "error"),
    )?;
    if let Some(error) = take_error(&mut pairs) {
        return Err(Error::ErrorResponse(error));
    }
    let access_token =
        take(&mut pairs, "access_token").ok_or_else(|| Error::missing("access_token"))?;
    let token_type = take(&mut pairs, "token_type").ok_or_else(|| Error::missing("token_type"))?;
    let expires_in = match take(&mut pairs, "expires_in") {
        None => None,
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| Error::malformed("`expires_in` is not a non-negative integer"))?,
        ),
    };
    let scope = take(&mut pairs, "scope").map(|s| split_scopes(&s, " "));
    Ok(ImplicitResponse {
        access_token: AccessToken::new(access_token),
        token_type: TokenType::new(token_type),
        expires_in,
        scope,
        state,
        extra: pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> State {
        State::new(s)
    }

    #[test]
    fn rfc6749_4_1_2_callback() {
        let r = parse_callback(
            "https://client.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz",
            Some(&st("xyz")),
        )
        .unwrap();
        assert_eq!(r.code.secret(), "SplxlOBeZQQYbYS6WxSbIA");
        assert_eq!(r.state, Some(st("xyz")));
    }

    #[test]
    fn callback_errors_are_distinct() {
        let e = parse_callback(
            "https://client.example.com/cb?error=access_denied&error_description=no&error_uri=https%3A%2F%2Fe&state=xyz",
            Some(&st("xyz")),
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::ErrorResponse(
                ErrorResponse::new("access_denied")
                    .with_description("no")
                    .with_uri("https://e")
            )
        );
        let no_state_error =
            parse_callback("https://c.example/cb?error=server_error", Some(&st("a"))).unwrap_err();
        assert_eq!(no_state_error.code(), "server_error");
        let e = parse_callback("https://c.example/cb?code=x&state=other", Some(&st("a")));
        assert_eq!(e.unwrap_err(), Error::StateMismatch);
        let e = parse_callback("https://c.example/cb?code=x", Some(&st("a")));
        assert_eq!(e.unwrap_err(), Error::StateMismatch);
        let e = parse_callback("https://c.example/cb?state=a", Some(&st("a")));
        assert_eq!(e.unwrap_err(), Error::MissingCode);
        let e = parse_callback("https://c.example/cb?code=a&code=b", None);
        assert_eq!(e.unwrap_err().code(), "malformed");
        let e = parse_callback("http://[oops/cb?code=a", None);
        assert_eq!(e.unwrap_err().code(), "malformed");
        let r = parse_callback("code=a&state=s#_=_", Some(&st("s"))).unwrap();
        assert_eq!(r.code.secret(), "a");
    }

    #[test]
    fn rfc6749_4_2_2_fragment() {
        let r = parse_fragment(
            "http://example.com/cb#access_token=2YotnFZFEjr1zCsicMWpAA&state=xyz&token_type=example&expires_in=3600",
            Some(&st("xyz")),
        )
        .unwrap();
        assert_eq!(r.access_token.secret(), "2YotnFZFEjr1zCsicMWpAA");
        assert!(r.token_type.is("Example"));
        assert_eq!(r.expires_in, Some(3600));
        let e = parse_fragment(
            "https://c.example/cb#error=access_denied&state=xyz",
            Some(&st("xyz")),
        );
        assert_eq!(e.unwrap_err().code(), "access_denied");
        let e = parse_fragment("https://c.example/cb#token_type=bearer", None);
        assert_eq!(e.unwrap_err().code(), "missing_parameter");
        let e = parse_fragment("https://c.example/cb?access_token=x", None);
        assert_eq!(e.unwrap_err().code(), "malformed");
    }

    #[test]
    fn authorization_url_keeps_endpoint_query_and_sends_pkce() {
        let client = Client::new("s6BhdRkqt3").with_authorization_endpoint(
            Url::parse("https://server.example.com/authorize?x=1").unwrap(),
        );
        let mut rng = crate::tests_rng::Counter(3);
        let (req, pending) = client
            .authorization_request(
                &mut rng,
                Some(RedirectUri::new("https://client.example.com/cb")),
                vec![Scope::new("a"), Scope::new("b")],
            )
            .unwrap();
        let url = req.to_url().unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("x"), Some("1"));
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("scope"), Some("a b"));
        assert_eq!(get("state"), Some(pending.state.as_str()));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        let verifier = pending.pkce_verifier.as_ref().unwrap();
        assert_eq!(
            get("code_challenge"),
            Some(verifier.challenge(PkceMethod::S256).challenge.as_str())
        );
        let json = serde_json::to_string(&pending).unwrap();
        let back: PendingAuthorization = serde_json::from_str(&json).unwrap();
        assert_eq!(back, pending);
    }
}
