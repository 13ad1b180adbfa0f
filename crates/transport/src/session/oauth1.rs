//! The OAuth 1 session.

use sansauth_oauth1::{
    ConsumerSecret, Nonce, Placement, ProtocolParams, SignatureMethod, Signer, TokenCredentials,
    unix_now,
};

use crate::Error;
use crate::client::{AsyncHttpClient, HttpClient, HttpRequest, HttpResponse};
use crate::policy::check_uri;

/// Signs every request with the client and token credentials (RFC 5849
/// §3), placing the protocol parameters where it was told: the
/// `Authorization` header, the query, or a form-encoded body (§3.5).
///
/// Each request gets a fresh nonce from the OS RNG and the system clock's
/// timestamp. [`send`](Self::send) works over an [`HttpClient`],
/// [`send_async`](Self::send_async) over an [`AsyncHttpClient`].
#[derive(Debug, Clone)]
pub struct OAuth1Session<C> {
    client: C,
    signer: Signer,
    placement: Placement,
    allow_insecure_http: bool,
    send_version: bool,
}

impl<C> OAuth1Session<C> {
    /// A session over `client` signing with `signer` (which holds the client
    /// credentials and, after the three legs, the token credentials).
    #[must_use]
    pub fn new(client: C, signer: Signer, placement: Placement) -> Self {
        Self {
            client,
            signer,
            placement,
            allow_insecure_http: false,
            send_version: false,
        }
    }

    /// A session from the credentials themselves, with an HMAC or PLAINTEXT
    /// method.
    ///
    /// # Errors
    ///
    /// [`Error::Protocol`] when `method` needs an RSA key (build the
    /// [`Signer`] with `Signer::with_rsa_key` and use [`new`](Self::new)).
    pub fn from_credentials(
        client: C,
        method: SignatureMethod,
        consumer_key: &str,
        consumer_secret: &ConsumerSecret,
        token: &TokenCredentials,
        placement: Placement,
    ) -> Result<Self, Error> {
        let signer = Signer::new(method, consumer_key, consumer_secret, Some(token))?;
        Ok(Self::new(client, signer, placement))
    }

    /// Allows signed requests over plain `http://` to hosts that are not
    /// loopback. Only for APIs that speak nothing else (MapMyFitness API 3.1
    /// is one): the signature does not hide the request, and a listener can
    /// replay it within the server's timestamp window.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends `oauth_version="1.0"` with every signature (optional in RFC 5849
    /// §3.1; some providers want it). Default: not sent.
    #[must_use]
    pub fn send_version(mut self, send: bool) -> Self {
        self.send_version = send;
        self
    }

    /// Where the protocol parameters go.
    #[must_use]
    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// The signer.
    #[must_use]
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The HTTP client.
    #[must_use]
    pub fn client(&self) -> &C {
        &self.client
    }

    /// Signs `request` (its URI absolute; a body to sign is form-encoded with
    /// its `Content-Type` set) without sending it.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] for a refused URL; [`Error::Protocol`] when the
    /// core cannot sign the request (a relative URI, a body placement on a
    /// non-form body, ...).
    pub fn sign(&self, request: HttpRequest) -> Result<HttpRequest, Error> {
        check_uri(request.uri(), self.allow_insecure_http)?;
        let nonce = Nonce::random();
        let params = ProtocolParams::new(unix_now(), nonce.as_str());
        let params = if self.send_version {
            params.with_version("1.0")
        } else {
            params
        };
        Ok(self.signer.sign_http(request, &params, self.placement)?)
    }
}

impl<C: HttpClient> OAuth1Session<C> {
    /// Signs and sends `request`.
    ///
    /// # Errors
    ///
    /// As [`sign`](Self::sign), and [`Error::Http`] when the client fails.
    pub fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error<C::Error>> {
        let signed = self.sign(request).map_err(Error::widen)?;
        self.client.send(signed).map_err(Error::Http)
    }
}

impl<C: AsyncHttpClient> OAuth1Session<C> {
    /// Signs and sends `request` over the async client.
    ///
    /// # Errors
    ///
    /// As [`sign`](Self::sign), and [`Error::Http`] when the client fails.
    pub async fn send_async(&self, request: HttpRequest) -> Result<HttpResponse, Error<C::Error>> {
        let signed = self.sign(request).map_err(Error::widen)?;
        self.client.send(signed).await.map_err(Error::Http)
    }
}
