//! The device authorization grant (RFC 8628): the device authorization
//! request (§3.1) and response (§3.2), and polling (§3.4, §3.5).
//!
//! Polling is a small state machine driven by the caller's clock:
//! [`DevicePoller::poll_timeout`] says when the next token request may go,
//! [`DevicePoller::token_request`] builds it, and
//! [`DevicePoller::handle_response`] feeds the answer in.

use http::{Request, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::Client;
use crate::token::{TokenRequest, TokenResponse};
use crate::types::{DeviceCode, Scope, UserCode, join_scopes};
use crate::wire;
use crate::{Error, Exchange};

/// The polling interval when the server names none (§3.2).
pub const DEFAULT_INTERVAL: u64 = 5;

/// How much `slow_down` adds to the interval (§3.5).
pub const SLOW_DOWN_INCREMENT: u64 = 5;

/// The device authorization request (§3.1).
#[derive(Debug)]
#[non_exhaustive]
pub struct DeviceAuthorizationRequest<'a> {
    /// The client.
    pub client: &'a Client,
    /// Requested scopes.
    pub scopes: Vec<Scope>,
}

impl<'a> DeviceAuthorizationRequest<'a> {
    /// A request by `client` for `scopes`.
    pub fn new(client: &'a Client, scopes: Vec<Scope>) -> Self {
        Self { client, scopes }
    }

    /// The POST to the device authorization endpoint: `client_id` (or the
    /// client's authentication) and `scope`.
    pub fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        let url = Client::endpoint(
            &self.client.device_authorization_endpoint,
            "device authorization",
        )?;
        let mut form = Vec::new();
        let mut headers = Vec::new();
        self.client
            .authenticate(self.client.auth, &mut headers, &mut form);
        if !self.scopes.is_empty() {
            form.push((
                "scope".to_owned(),
                join_scopes(&self.scopes, &self.client.scope_separator),
            ));
        }
        crate::client::form_post(url, headers, &[], &form)
    }

    /// Reads the §3.2 response.
    pub fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<DeviceAuthorizationResponse, Error> {
        DeviceAuthorizationResponse::parse(
            response.status().as_u16(),
            wire::content_type(response.headers()),
            response.body().as_ref(),
            self.client.max_response_bytes,
        )
    }
}

impl Exchange for DeviceAuthorizationRequest<'_> {
    type Output = DeviceAuthorizationResponse;

    fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        DeviceAuthorizationRequest::to_request(self)
    }

    fn read_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<DeviceAuthorizationResponse, Error> {
        DeviceAuthorizationRequest::read_response(self, response)
    }
}

/// The device authorization response (§3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeviceAuthorizationResponse {
    /// The device verification code (secret).
    pub device_code: DeviceCode,
    /// The code the user types.
    pub user_code: UserCode,
    /// Where the user goes.
    pub verification_uri: String,
    /// The same, with the user code in it.
    pub verification_uri_complete: Option<String>,
    /// Lifetime of both codes, in seconds.
    pub expires_in: u64,
    /// Seconds between polls, as sent; see [`DeviceAuthorizationResponse::interval`].
    pub interval: Option<u64>,
    /// Other members.
    pub extra: Map<String, Value>,
}

impl DeviceAuthorizationResponse {
    /// Reads a §3.2 response from its parts; errors are §5.2 error responses.
    pub fn parse(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
        max_bytes: usize,
    ) -> Result<Self, Error> {
        let mut m = wire::read_members(status, content_type, body, max_bytes)?;
        let verification_uri = match wire::opt_string(&m, "verification_uri")? {
            Some(v) => v,
            // Some servers predate the final name.
            None => wire::opt_string(&m, "verification_url")?
                .ok_or_else(|| Error::missing("verification_uri"))?,
        };
        let this = Self {
            device_code: DeviceCode::new(wire::string(&m, "device_code")?),
            user_code: UserCode::new(wire::string(&m, "user_code")?),
            verification_uri,
            verification_uri_complete: wire::opt_string(&m, "verification_uri_complete")?,
            expires_in: wire::opt_u64(&m, "expires_in")?
                .ok_or_else(|| Error::missing("expires_in"))?,
            interval: wire::opt_u64(&m, "interval")?,
            extra: Map::new(),
        };
        for name in [
            "device_code",
            "user_code",
            "verification_uri",
            "verification_url",
            "verification_uri_complete",
            "expires_in",
            "interval",
        ] {
            m.remove(name);
        }
        Ok(Self { extra: m, ..this })
    }

    /// The polling interval: as sent, or 5 seconds (§3.2).
    pub fn interval(&self) -> u64 {
        self.interval.unwrap_or(DEFAULT_INTERVAL)
    }
}

/// What to do after a polling response.
#[derive(Debug)]
#[must_use]
pub enum DevicePoll {
    /// The user approved: here are the tokens.
    Done(TokenResponse),
    /// Not yet (`authorization_pending` or `slow_down`): poll again at this time.
    Wait {
        /// Unix seconds.
        until: u64,
    },
    /// The flow is over: `access_denied`, `expired_token`, another error, or
    /// [`Error::DeviceCodeExpired`].
    Failed(Error),
}

/// Polling state for one device code (§3.4, §3.5), in the caller's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DevicePoller {
    /// The device code polled with.
    pub device_code: DeviceCode,
    /// The current interval in seconds (grows by 5 on `slow_down`).
    pub interval: u64,
    /// When the next poll may be sent (unix seconds).
    pub next_poll_at: u64,
    /// When the device code expires (unix seconds).
    pub expires_at: u64,
}

impl DevicePoller {
    /// Polling for a §3.2 response received at `now`; the first poll waits one interval.
    pub fn new(response: &DeviceAuthorizationResponse, now: u64) -> Self {
        let interval = response.interval();
        Self {
            device_code: response.device_code.clone(),
            interval,
            next_poll_at: now.saturating_add(interval),
            expires_at: now.saturating_add(response.expires_in),
        }
    }

    /// When the next token request may be sent (unix seconds).
    pub fn poll_timeout(&self) -> u64 {
        self.next_poll_at
    }

    /// Whether the device code has expired at `now`.
    pub fn is_expired(&self, now: u64) -> bool {
        now >= self.expires_at
    }

    /// The polling token request (§3.4).
    pub fn token_request<'a>(&self, client: &'a Client) -> TokenRequest<'a> {
        client.device_token(self.device_code.clone())
    }

    /// Feeds the answer to a polling request, received at `now` (§3.5):
    /// `authorization_pending` waits one interval, `slow_down` adds 5 seconds
    /// to the interval first; anything else ends the flow.
    pub fn handle_response(
        &mut self,
        result: Result<TokenResponse, Error>,
        now: u64,
    ) -> DevicePoll {
        let error = match result {
            Ok(tokens) => return DevicePoll::Done(tokens),
            Err(error) => error,
        };
        let slow_down = match &error {
            Error::ErrorResponse(r) if r.error.as_str() == "authorization_pending" => false,
            Error::ErrorResponse(r) if r.error.as_str() == "slow_down" => true,
            _ => return DevicePoll::Failed(error),
        };
        if slow_down {
            self.interval = self.interval.saturating_add(SLOW_DOWN_INCREMENT);
        }
        if self.is_expired(now) {
            return DevicePoll::Failed(Error::DeviceCodeExpired);
        }
        self.next_poll_at = now.saturating_add(self.interval);
        DevicePoll::Wait {
            until: self.next_poll_at,
        }
    }
}

impl Client {
    /// A device authorization request (RFC 8628 §3.1).
    pub fn device_authorization(&self, scopes: Vec<Scope>) -> DeviceAuthorizationRequest<'_> {
        DeviceAuthorizationRequest::new(self, scopes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorResponse;
    use url::Url;

    const RFC8628_3_2: &str = r#"{
        "device_code": "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://example.com/device",
        "verification_uri_complete": "https://example.com/device?user_code=WDJB-MJHT",
        "expires_in": 1800,
        "interval": 5
    }"#;

    #[test]
    fn rfc8628_request_and_response() {
        let c = Client::new("1406020730").with_device_authorization_endpoint(
            Url::parse("https://server.example.com/device_authorization").unwrap(),
        );
        let req = c
            .device_authorization(vec![Scope::new("example_scope")])
            .to_request()
            .unwrap();
        assert_eq!(req.body(), b"client_id=1406020730&scope=example_scope");
        let r =
            DeviceAuthorizationResponse::parse(200, None, RFC8628_3_2.as_bytes(), 10_000).unwrap();
        assert_eq!(r.user_code.as_str(), "WDJB-MJHT");
        assert_eq!(r.expires_in, 1800);
        assert_eq!(r.interval(), 5);
        assert!(r.extra.is_empty());
        let no_interval = DeviceAuthorizationResponse::parse(
            200,
            None,
            br#"{"device_code":"d","user_code":"u","verification_uri":"v","expires_in":"60"}"#,
            10_000,
        )
        .unwrap();
        assert_eq!(no_interval.interval(), DEFAULT_INTERVAL);
    }

    #[test]
    fn interval_rule() {
        let r =
            DeviceAuthorizationResponse::parse(200, None, RFC8628_3_2.as_bytes(), 10_000).unwrap();
        let mut p = DevicePoller::new(&r, 1000);
        assert_eq!(p.poll_timeout(), 1005);
        let pending = Err(Error::ErrorResponse(ErrorResponse::new(
            "authorization_pending",
        )));
        assert!(matches!(
            p.handle_response(pending, 1005),
            DevicePoll::Wait { until: 1010 }
        ));
        let slow = Err(Error::ErrorResponse(ErrorResponse::new("slow_down")));
        assert!(matches!(
            p.handle_response(slow, 1010),
            DevicePoll::Wait { until: 1020 }
        ));
        assert_eq!(p.interval, 10);
        let denied = Err(Error::ErrorResponse(ErrorResponse::new("access_denied")));
        match p.handle_response(denied, 1020) {
            DevicePoll::Failed(e) => assert_eq!(e.code(), "access_denied"),
            other => panic!("{other:?}"),
        }
        let pending = Err(Error::ErrorResponse(ErrorResponse::new(
            "authorization_pending",
        )));
        assert!(matches!(
            p.handle_response(pending, 2800),
            DevicePoll::Failed(Error::DeviceCodeExpired)
        ));
        let c = Client::new("x");
        assert_eq!(
            p.token_request(&c).grant.grant_type(),
            crate::token::DEVICE_CODE_GRANT_TYPE
        );
    }
}
