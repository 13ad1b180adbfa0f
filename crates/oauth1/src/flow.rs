//! The redirection-based authorization flow (RFC 5849 §2): each step as a
//! message to build or a response to read, with no I/O.
//!
//! 1. [`TemporaryCredentialsRequest`] → send → [`parse_credentials_response`] (§2.1).
//! 2. [`authorize_url`] → the user's browser; the callback comes back →
//!    [`parse_callback`] (§2.2).
//! 3. [`TokenCredentialsRequest`] → send → [`parse_credentials_response`] (§2.3).

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::encoding::put_encoded;
use crate::params::{ParamList, check_count, decoded, static_name};
use crate::secrets::{TokenCredentials, TokenSecret};
use crate::sign::{Placement, ProtocolParams, RequestParts, SignedRequest, Signer};
use crate::uri::Url;

/// `oauth_callback` value for clients that cannot receive a callback (§2.1):
/// the user copies the verifier (a PIN) by hand.
pub const OUT_OF_BAND: &str = "oob";

/// The temporary-credentials request (RFC 5849 §2.1): sign it with a signer
/// that has no token.
#[derive(Debug, Clone, Copy)]
pub struct TemporaryCredentialsRequest<'a> {
    endpoint: &'a str,
    callback: &'a str,
    method: &'a str,
    placement: Placement,
}

impl<'a> TemporaryCredentialsRequest<'a> {
    /// A `POST` to `endpoint` with `oauth_callback` = `callback` (an absolute
    /// URL, or [`OUT_OF_BAND`]), signed in the `Authorization` header.
    pub fn new(endpoint: &'a str, callback: &'a str) -> Self {
        Self {
            endpoint,
            callback,
            method: "POST",
            placement: Placement::Header,
        }
    }

    /// With another HTTP method (some servers want `GET`).
    #[must_use]
    pub fn with_method(mut self, method: &'a str) -> Self {
        self.method = method;
        self
    }

    /// With the protocol parameters placed elsewhere (§3.5).
    #[must_use]
    pub fn with_placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// Signs the request; `params` gives timestamp, nonce and optional
    /// `realm` / `oauth_version` (its callback is replaced by this request's).
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`].
    pub fn sign(
        &self,
        signer: &Signer,
        params: &ProtocolParams<'_>,
    ) -> Result<SignedRequest, Error> {
        let mut params = *params;
        params.callback = Some(self.callback);
        params.verifier = None;
        signer.sign(
            &RequestParts::new(self.method, self.endpoint),
            &params,
            self.placement,
        )
    }
}

/// The token-credentials request (RFC 5849 §2.3): sign it with a signer that
/// holds the temporary credentials.
#[derive(Debug, Clone, Copy)]
pub struct TokenCredentialsRequest<'a> {
    endpoint: &'a str,
    verifier: &'a str,
    method: &'a str,
    placement: Placement,
}

impl<'a> TokenCredentialsRequest<'a> {
    /// A `POST` to `endpoint` with `oauth_verifier` = `verifier`, signed in
    /// the `Authorization` header.
    pub fn new(endpoint: &'a str, verifier: &'a str) -> Self {
        Self {
            endpoint,
            verifier,
            method: "POST",
            placement: Placement::Header,
        }
    }

    /// With another HTTP method.
    #[must_use]
    pub fn with_method(mut self, method: &'a str) -> Self {
        self.method = method;
        self
    }

    /// With the protocol parameters placed elsewhere (§3.5).
    #[must_use]
    pub fn with_placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// Signs the request (`params`' verifier is replaced by this request's).
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`], and [`Error::MissingParameter`] when the signer
    /// holds no (temporary) token.
    pub fn sign(
        &self,
        signer: &Signer,
        params: &ProtocolParams<'_>,
    ) -> Result<SignedRequest, Error> {
        if signer.token().is_none() {
            return Err(Error::MissingParameter {
                name: "oauth_token",
            });
        }
        let mut params = *params;
        params.verifier = Some(self.verifier);
        params.callback = None;
        signer.sign(
            &RequestParts::new(self.method, self.endpoint),
            &params,
            self.placement,
        )
    }
}

/// A credentials response (RFC 5849 §2.1, §2.3), read by [`parse_credentials_response`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CredentialsResponse {
    /// `oauth_token` and `oauth_token_secret`.
    pub credentials: TokenCredentials,
    /// `oauth_callback_confirmed`, when the server sent it.
    pub callback_confirmed: Option<bool>,
    /// Every other parameter, decoded, in order (e.g. a provider's user id).
    pub extra: Vec<(String, String)>,
}

/// Reads a form-encoded credentials response (RFC 5849 §2.1, §2.3).
///
/// With `require_callback_confirmed` (the temporary-credentials response),
/// `oauth_callback_confirmed` must be `true`.
///
/// ```
/// use sansauth_oauth1::flow::parse_credentials_response;
/// let r = parse_credentials_response(
///     b"oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03&oauth_callback_confirmed=true",
///     true,
/// ).unwrap();
/// assert_eq!(r.credentials.token(), "hh5s93j4hdidpola");
/// assert_eq!(r.credentials.secret().secret(), "hdhd0244k9j7ao03");
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] for a bad escape, more than
/// [`MAX_PARAMS`](crate::MAX_PARAMS) parameters, or text that is not UTF-8 (or
/// `oauth_callback_confirmed` other than `true` / `false`);
/// [`Error::DuplicateParameter`]; [`Error::MissingParameter`] without
/// `oauth_token` or `oauth_token_secret`; [`Error::CallbackNotConfirmed`].
pub fn parse_credentials_response(
    body: &[u8],
    require_callback_confirmed: bool,
) -> Result<CredentialsResponse, Error> {
    let mut list = ParamList::with_capacity(4);
    list.add_form(body)?;
    check_count(list.as_slice().len())?;
    let (mut token, mut secret, mut confirmed) = (None, None, None);
    let mut extra = Vec::new();
    for p in list.as_slice() {
        let (slot, name) = match list.bytes(p.name) {
            b"oauth_token" => (&mut token, "oauth_token"),
            b"oauth_token_secret" => (&mut secret, "oauth_token_secret"),
            b"oauth_callback_confirmed" => (&mut confirmed, "oauth_callback_confirmed"),
            _ => {
                extra.push((decoded(list.bytes(p.name))?, decoded(list.bytes(p.value))?));
                continue;
            }
        };
        if slot.replace(decoded(list.bytes(p.value))?).is_some() {
            return Err(Error::DuplicateParameter { name });
        }
    }
    let token = token.ok_or(Error::MissingParameter {
        name: "oauth_token",
    })?;
    let secret = secret.ok_or(Error::MissingParameter {
        name: "oauth_token_secret",
    })?;
    let callback_confirmed = match confirmed.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(Error::Malformed {
                what: "oauth_callback_confirmed (not true or false)",
            });
        }
    };
    if require_callback_confirmed && callback_confirmed != Some(true) {
        return Err(Error::CallbackNotConfirmed);
    }
    Ok(CredentialsResponse {
        credentials: TokenCredentials::new(token, TokenSecret::new(secret)),
        callback_confirmed,
        extra,
    })
}

/// The resource-owner authorization URL (RFC 5849 §2.2): `endpoint` with
/// `oauth_token` and then `extra` pairs (raw; e.g. MapMyFitness also wants
/// `oauth_callback`) added to its query.
///
/// ```
/// use sansauth_oauth1::flow::authorize_url;
/// let url = authorize_url("https://server.example.com/authorize", "hh5s93j4hdidpola", &[]).unwrap();
/// assert_eq!(url, "https://server.example.com/authorize?oauth_token=hh5s93j4hdidpola");
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] when `endpoint` is not an absolute URL.
pub fn authorize_url(
    endpoint: &str,
    temporary_token: &str,
    extra: &[(&str, &str)],
) -> Result<String, Error> {
    Url::parse(endpoint)?;
    let (head, fragment) = endpoint
        .find('#')
        .map_or((endpoint, ""), |i| endpoint.split_at(i));
    let mut out = Vec::with_capacity(head.len() + 64);
    out.extend_from_slice(head.as_bytes());
    let mut sep: &[u8] = match head.find('?') {
        None => b"?",
        Some(i) if i + 1 == head.len() || head.ends_with('&') => b"",
        Some(_) => b"&",
    };
    for (name, value) in
        core::iter::once(("oauth_token", temporary_token)).chain(extra.iter().copied())
    {
        out.extend_from_slice(sep);
        put_encoded(name.as_bytes(), &mut out);
        out.push(b'=');
        put_encoded(value.as_bytes(), &mut out);
        sep = b"&";
    }
    out.extend_from_slice(fragment.as_bytes());
    String::from_utf8(out).map_err(|_| Error::Malformed { what: "URL" })
}

/// What the callback carried (RFC 5849 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Callback {
    /// `oauth_verifier`, for the token-credentials request.
    pub verifier: String,
}

/// Reads the callback redirect (RFC 5849 §2.2): `callback` is the URL the
/// browser was sent to (or just its query). `oauth_token` must be the
/// temporary token this flow started with.
///
/// ```
/// use sansauth_oauth1::flow::parse_callback;
/// let cb = parse_callback(
///     "http://printer.example.com/ready?oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884",
///     "hh5s93j4hdidpola",
/// ).unwrap();
/// assert_eq!(cb.verifier, "hfdp7dh39dks9884");
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] for a bad escape or more than
/// [`MAX_PARAMS`](crate::MAX_PARAMS) parameters; [`Error::DuplicateParameter`];
/// [`Error::MissingParameter`] without `oauth_token` or `oauth_verifier`;
/// [`Error::TokenMismatch`] when the token is not `temporary_token`.
pub fn parse_callback(callback: &str, temporary_token: &str) -> Result<Callback, Error> {
    let without_fragment = callback.split_once('#').map_or(callback, |(c, _)| c);
    let query = match without_fragment.split_once('?') {
        Some((_, q)) => q,
        None if without_fragment.contains("://") => "",
        None => without_fragment,
    };
    let mut list = ParamList::with_capacity(4);
    list.add_form(query.as_bytes())?;
    check_count(list.as_slice().len())?;
    let (mut token, mut verifier) = (None, None);
    for p in list.as_slice() {
        let name = list.bytes(p.name);
        let slot = match name {
            b"oauth_token" => &mut token,
            b"oauth_verifier" => &mut verifier,
            _ => continue,
        };
        if slot.replace(decoded(list.bytes(p.value))?).is_some() {
            return Err(Error::DuplicateParameter {
                name: static_name(name),
            });
        }
    }
    let token = token.ok_or(Error::MissingParameter {
        name: "oauth_token",
    })?;
    let verifier = verifier.ok_or(Error::MissingParameter {
        name: "oauth_verifier",
    })?;
    let same: bool =
        subtle::ConstantTimeEq::ct_eq(token.as_bytes(), temporary_token.as_bytes()).into();
    if !same {
        return Err(Error::TokenMismatch);
    }
    Ok(Callback { verifier })
}
