//! Token revocation (RFC 7009).

use http::{Request, Response};

use crate::client::Client;
use crate::error::RetryAfter;
use crate::types::{AccessToken, AnyToken, RefreshToken};
use crate::wire;
use crate::{Error, Exchange};

/// Which kind of token is being revoked or introspected (RFC 7009 §2.1,
/// RFC 7662 §2.1): a hint that helps the server find it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenTypeHint {
    /// `access_token`.
    AccessToken,
    /// `refresh_token`.
    RefreshToken,
    /// An extension value (RFC 7009 §4.1.2).
    Other(String),
}

impl TokenTypeHint {
    /// The `token_type_hint` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
            Self::Other(s) => s,
        }
    }

    /// Reads a `token_type_hint` value.
    pub fn parse(value: &str) -> Self {
        match value {
            "access_token" => Self::AccessToken,
            "refresh_token" => Self::RefreshToken,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A revocation request (RFC 7009 §2.1): the token, an optional hint, and the
/// client's authentication (`Client::revocation_auth`, else `Client::auth`).
#[derive(Debug)]
#[non_exhaustive]
pub struct RevocationRequest<'a> {
    /// The client.
    pub client: &'a Client,
    /// The token to revoke.
    pub token: AnyToken,
    /// The hint.
    pub token_type_hint: Option<TokenTypeHint>,
}

/// A revocation answered 200: the token is gone — also when the server did
/// not know it (RFC 7009 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Revoked;

impl<'a> RevocationRequest<'a> {
    /// A request to revoke `token`, with a hint or none.
    pub fn new(
        client: &'a Client,
        token: AnyToken,
        token_type_hint: Option<TokenTypeHint>,
    ) -> Self {
        Self {
            client,
            token,
            token_type_hint,
        }
    }

    /// Revokes a refresh token (`token_type_hint=refresh_token`; RFC 7009 §2.1
    /// says this revokes its access tokens too, where the server supports it).
    pub fn refresh_token(client: &'a Client, token: &RefreshToken) -> Self {
        Self::new(client, token.into(), Some(TokenTypeHint::RefreshToken))
    }

    /// Revokes an access token (`token_type_hint=access_token`).
    pub fn access_token(client: &'a Client, token: &AccessToken) -> Self {
        Self::new(client, token.into(), Some(TokenTypeHint::AccessToken))
    }

    /// The POST to the revocation endpoint.
    pub fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        let url = Client::endpoint(&self.client.revocation_endpoint, "revocation")?;
        let mut form = vec![("token".to_owned(), self.token.secret().to_owned())];
        if let Some(h) = &self.token_type_hint {
            form.push(("token_type_hint".to_owned(), h.as_str().to_owned()));
        }
        let mut headers = Vec::new();
        let auth = self.client.revocation_auth.unwrap_or(self.client.auth);
        self.client.authenticate(auth, &mut headers, &mut form);
        crate::client::form_post(url, headers, &[], &form)
    }

    /// Reads the answer (RFC 7009 §2.2): 200 is [`Revoked`] whatever the body;
    /// 503 is [`Error::TemporarilyUnavailable`] with `Retry-After` (unless the
    /// body is an error response); an error body is [`Error::ErrorResponse`]
    /// (`unsupported_token_type`, ...).
    pub fn read_response<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Revoked, Error> {
        read_revocation_response(response, self.client.max_response_bytes)
    }
}

/// Reads a revocation response with the given body limit (see
/// [`RevocationRequest::read_response`]).
pub fn read_revocation_response<B: AsRef<[u8]>>(
    response: &Response<B>,
    max_bytes: usize,
) -> Result<Revoked, Error> {
    let status = response.status().as_u16();
    if status == 200 {
        return Ok(Revoked);
    }
    let body = response.body().as_ref();
    let result = wire::read_members(
        status,
        wire::content_type(response.headers()),
        body,
        max_bytes,
    );
    match result {
        Err(e @ (Error::ErrorResponse(_) | Error::ResponseTooLarge { .. })) => Err(e),
        _ if status == 503 => Err(Error::TemporarilyUnavailable {
            retry_after: response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(RetryAfter::parse),
        }),
        _ => Err(wire::unexpected(status, body)),
    }
}

impl Exchange for RevocationRequest<'_> {
    type Output = Revoked;

    fn to_request(&self) -> Result<Request<Vec<u8>>, Error> {
        RevocationRequest::to_request(self)
    }

    fn read_response<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Revoked, Error> {
        RevocationRequest::read_response(self, response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientAuth;
    use crate::types::ClientSecret;
    use url::Url;

    fn client() -> Client {
        Client::new("s6BhdRkqt3")
            .with_secret(ClientSecret::new("gX1fBat3bV"))
            .with_revocation_endpoint(Url::parse("https://server.example.com/revoke").unwrap())
    }

    fn resp(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn rfc7009_2_1_request() {
        let c = client();
        let req = RevocationRequest::refresh_token(&c, &RefreshToken::new("45ghiukldjahdnhzdauz"))
            .to_request()
            .unwrap();
        assert_eq!(req.uri(), "https://server.example.com/revoke");
        assert_eq!(
            req.headers()["authorization"],
            "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"
        );
        assert_eq!(
            req.body(),
            b"token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token"
        );
        let mut public = c.clone().with_auth(ClientAuth::None);
        public.revocation_auth = Some(ClientAuth::None);
        let req = RevocationRequest::new(&public, AnyToken::new("t"), None)
            .to_request()
            .unwrap();
        assert_eq!(req.body(), b"token=t&client_id=s6BhdRkqt3");
    }

    #[test]
    fn rfc7009_2_2_responses() {
        let c = client();
        let r = RevocationRequest::new(&c, AnyToken::new("t"), None);
        assert_eq!(r.read_response(&resp(200, "")), Ok(Revoked));
        assert_eq!(
            r.read_response(&resp(200, "{\"error\":\"x\"}")),
            Ok(Revoked)
        );
        let e = r
            .read_response(&resp(400, r#"{"error":"unsupported_token_type"}"#))
            .unwrap_err();
        assert_eq!(e.code(), "unsupported_token_type");
        let mut busy = resp(503, "");
        busy.headers_mut()
            .insert(http::header::RETRY_AFTER, "30".parse().unwrap());
        assert_eq!(
            r.read_response(&busy),
            Err(Error::TemporarilyUnavailable {
                retry_after: Some(RetryAfter::Seconds(30))
            })
        );
        assert_eq!(
            r.read_response(&resp(404, "not here")).unwrap_err().code(),
            "unexpected_response"
        );
    }
}
