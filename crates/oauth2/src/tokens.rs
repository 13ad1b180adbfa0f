//! A token set over time: when it was issued, when it expires, whether to
//! refresh, and how a refresh response replaces it (RFC 6749 §5.1, §6).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;
use crate::client::Client;
use crate::token::{TokenRequest, TokenResponse};
use crate::types::{AccessToken, RefreshToken, Scope, TokenType};

/// The tokens a client holds, with the time they were issued (unix seconds,
/// from the caller's clock). Serializable for token stores; `Debug` redacts
/// the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token.
    pub access_token: AccessToken,
    /// Its type.
    pub token_type: TokenType,
    /// The refresh token, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshToken>,
    /// The granted scopes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    /// When the access token was issued (unix seconds).
    pub issued_at: u64,
    /// When it expires (unix seconds), when the provider said or a default applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The response's other members (`user_id`, `id_token`, ...).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// What applying a refresh response did to the refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshOutcome {
    /// The provider issued a new refresh token; the old one is gone (rotation).
    Rotated,
    /// No new refresh token came back; the old one is kept (§6).
    Kept,
}

impl TokenSet {
    /// The tokens of a response received at `now`.
    pub fn from_response(response: TokenResponse, now: u64) -> Self {
        Self::from_response_with_default_lifetime(response, now, None)
    }

    /// As [`TokenSet::from_response`], assuming `default_lifetime` seconds
    /// when the response has no `expires_in`.
    pub fn from_response_with_default_lifetime(
        response: TokenResponse,
        now: u64,
        default_lifetime: Option<u64>,
    ) -> Self {
        let lifetime = response.expires_in.or(default_lifetime);
        Self {
            access_token: response.access_token,
            token_type: response.token_type,
            refresh_token: response.refresh_token,
            scopes: response.scope,
            issued_at: now,
            expires_at: lifetime.map(|l| now.saturating_add(l)),
            extra: response.extra,
        }
    }

    /// Seconds left at `now` (zero once expired); `None` when the expiry is unknown.
    pub fn expires_in(&self, now: u64) -> Option<u64> {
        self.expires_at.map(|at| at.saturating_sub(now))
    }

    /// Whether the access token has expired at `now`.
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }

    /// Whether to refresh now: the token expires within `skew` seconds of
    /// `now`. `false` when the expiry is unknown (wait for a 401 instead).
    pub fn needs_refresh(&self, now: u64, skew: u64) -> bool {
        self.expires_at
            .is_some_and(|at| now.saturating_add(skew) >= at)
    }

    /// A refresh request (§6) with this set's refresh token; `scopes`, when
    /// not empty, narrow the grant.
    pub fn refresh_request<'a>(
        &self,
        client: &'a Client,
        scopes: Vec<Scope>,
    ) -> Result<TokenRequest<'a>, Error> {
        let refresh_token = self
            .refresh_token
            .clone()
            .ok_or_else(|| Error::missing("refresh_token"))?;
        Ok(client.refresh(refresh_token, scopes))
    }

    /// Applies a refresh response received at `now`: a new refresh token
    /// replaces the old one (rotation); when none is returned the old one is
    /// kept. Scopes absent from the response stay as they were (§5.1).
    pub fn apply_refresh(&mut self, response: TokenResponse, now: u64) -> RefreshOutcome {
        self.apply_refresh_with_default_lifetime(response, now, None)
    }

    /// As [`TokenSet::apply_refresh`], with a default lifetime for responses
    /// without `expires_in`.
    pub fn apply_refresh_with_default_lifetime(
        &mut self,
        response: TokenResponse,
        now: u64,
        default_lifetime: Option<u64>,
    ) -> RefreshOutcome {
        let lifetime = response.expires_in.or(default_lifetime);
        self.access_token = response.access_token;
        self.token_type = response.token_type;
        self.issued_at = now;
        self.expires_at = lifetime.map(|l| now.saturating_add(l));
        if let Some(scopes) = response.scope {
            self.scopes = Some(scopes);
        }
        for (k, v) in response.extra {
            self.extra.insert(k, v);
        }
        match response.refresh_token {
            Some(new) => {
                self.refresh_token = Some(new);
                RefreshOutcome::Rotated
            }
            None => RefreshOutcome::Kept,
        }
    }

    /// The `Authorization: Bearer` header for this set's access token (RFC 6750 §2.1).
    pub fn authorization(&self) -> Result<http::HeaderValue, Error> {
        crate::bearer::authorization(&self.access_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(access: &str, refresh: Option<&str>, expires_in: Option<u64>) -> TokenResponse {
        let mut r = TokenResponse::bearer(AccessToken::new(access));
        r.refresh_token = refresh.map(RefreshToken::new);
        r.expires_in = expires_in;
        r
    }

    #[test]
    fn expiry_and_skew() {
        let t = TokenSet::from_response(response("a", Some("r"), Some(3600)), 1000);
        assert_eq!(t.expires_at, Some(4600));
        assert_eq!(t.expires_in(4000), Some(600));
        assert!(!t.needs_refresh(4000, 60));
        assert!(t.needs_refresh(4540, 60));
        assert!(!t.is_expired(4599));
        assert!(t.is_expired(4600));
        let unknown = TokenSet::from_response(response("a", None, None), 1000);
        assert!(!unknown.needs_refresh(u64::MAX, 60));
        let defaulted = TokenSet::from_response_with_default_lifetime(
            response("a", None, None),
            1000,
            Some(5_183_999),
        );
        assert_eq!(defaulted.expires_at, Some(5_184_999));
    }

    #[test]
    fn rotation_replaces_and_absence_keeps() {
        let mut t = TokenSet::from_response(response("a1", Some("r1"), Some(60)), 0);
        let outcome = t.apply_refresh(response("a2", Some("r2"), Some(60)), 100);
        assert_eq!(outcome, RefreshOutcome::Rotated);
        assert_eq!(t.refresh_token.as_ref().unwrap().secret(), "r2");
        assert_eq!(t.access_token.secret(), "a2");
        assert_eq!(t.expires_at, Some(160));
        let outcome = t.apply_refresh(response("a3", None, None), 200);
        assert_eq!(outcome, RefreshOutcome::Kept);
        assert_eq!(t.refresh_token.as_ref().unwrap().secret(), "r2");
        assert_eq!(t.expires_at, None);
    }

    #[test]
    fn serde_and_debug() {
        let t = TokenSet::from_response(response("secret-a", Some("secret-r"), Some(60)), 7);
        let json = serde_json::to_string(&t).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        let debug = format!("{t:?}");
        assert!(!debug.contains("secret-a"));
        assert!(!debug.contains("secret-r"));
    }

    #[test]
    fn refresh_request_needs_a_refresh_token() {
        let client = Client::new("c");
        let t = TokenSet::from_response(response("a", None, None), 0);
        assert_eq!(
            t.refresh_request(&client, vec![]).unwrap_err().code(),
            "missing_parameter"
        );
    }
}
