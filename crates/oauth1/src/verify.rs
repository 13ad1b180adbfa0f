//! The server side (RFC 5849 §3.2): reading an incoming request's protocol
//! parameters and deciding whether to accept it.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use subtle::ConstantTimeEq;

use crate::encoding::{bytes_equal, decode_bytes, decode_text, escaped_byte};
use crate::params::{
    HeaderParams, ParamList, Sorted, Text, check_count, is_form, is_oauth_name, protocol_name,
    resolve, sorts_before_oauth, static_name,
};
use crate::secrets::{ConsumerSecret, TokenSecret};
use crate::sign::{BaseSource, Key, OauthPair, PROTOCOL, RequestParts, SIGNATURE, body_hash};
use crate::uri::Url;
use crate::{Error, SignatureMethod};

/// An incoming request's OAuth parameters, read by [`parse_request`].
///
/// The getters give what a server needs to look up the secrets
/// ([`consumer_key`](Self::consumer_key), [`token`](Self::token)); then
/// [`Verifier::verify`] decides.
pub struct ParsedRequest<'a> {
    method: &'a str,
    url: Url<'a>,
    /// The signed parameters (all but `realm` and `oauth_signature`), sorted,
    /// but for the protocol parameters of the header, which are in `merged`.
    params: ParamList<'a, 'a>,
    /// The header's protocol parameters, by slot (name order), encoded.
    merged: [Option<Text<'a>>; 10],
    /// Where the names of `params` that sort from `oauth_` on start.
    oauth_at: usize,
    body: &'a [u8],
    body_is_form: bool,
    realm: Option<&'a str>,
    consumer_key: Cow<'a, str>,
    token: Option<Cow<'a, str>>,
    signature_method: SignatureMethod,
    /// `oauth_signature` as sent, still encoded: decoded only to be compared.
    signature: Text<'a>,
    timestamp: Option<u64>,
    nonce: Option<Cow<'a, str>>,
    callback: Option<Cow<'a, str>>,
    verifier: Option<Cow<'a, str>>,
    body_hash: Option<Cow<'a, str>>,
}

impl fmt::Debug for ParsedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A PLAINTEXT signature is the secrets themselves: never shown.
        f.debug_struct("ParsedRequest")
            .field("method", &self.method)
            .field("consumer_key", &self.consumer_key)
            .field("token", &self.token)
            .field("signature_method", &self.signature_method)
            .field("signature", &"[redacted]")
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce)
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

/// A protocol parameter's value as [`parse_request`] found it: as text,
/// and already decoded when the header held it with no escape.
#[derive(Clone, Copy)]
struct Slot<'a> {
    text: Text<'a>,
    decoded: Option<&'a str>,
}

/// The protocol parameters of a request, each in its place (by name order).
#[derive(Default)]
struct Slots<'a> {
    slots: [Option<Slot<'a>>; 10],
}

impl<'a> Slots<'a> {
    /// Puts a protocol parameter (`name`) in `slot`, refusing it twice.
    fn put(
        &mut self,
        slot: usize,
        name: &[u8],
        text: Text<'a>,
        decoded: Option<&'a str>,
    ) -> Result<(), Error> {
        match self.slots.get_mut(slot) {
            Some(Some(_)) => Err(Error::DuplicateParameter {
                name: static_name(name),
            }),
            Some(slot) => {
                *slot = Some(Slot { text, decoded });
                Ok(())
            }
            None => Err(Error::Malformed { what: "request" }),
        }
    }

    /// Takes the `oauth_*` parameters of a sorted list, which sort
    /// together: each protocol parameter into its slot, once (§3.1), and no
    /// other `oauth_*` name twice. Returns where the names that sort from
    /// `oauth_` on start.
    fn take_sorted(&mut self, list: &ParamList<'a, '_>) -> Result<usize, Error> {
        let params = list.as_slice();
        let from = params.partition_point(|p| sorts_before_oauth(list.bytes(p.name)));
        let mut previous: Option<&[u8]> = None;
        for p in params.get(from..).unwrap_or_default() {
            let name = list.bytes(p.name);
            if !is_oauth_name(name) {
                break;
            }
            match slot_of(name) {
                Some(slot) => self.put(slot, name, p.value, None)?,
                None if previous == Some(name) => {
                    return Err(Error::DuplicateParameter {
                        name: "oauth_* parameter",
                    });
                }
                None => {}
            }
            previous = Some(name);
        }
        Ok(from)
    }
}

/// Whether `request` carries the signature `key` makes of its base string
/// (HMAC and PLAINTEXT keys).
fn signed_with(request: &ParsedRequest<'_>, key: &Key) -> Result<bool, Error> {
    let sent = resolve(request.signature, request.params.owned());
    request.with_base(|base| key.sign_with(base, |expected| same_signature(expected, sent)))
}

/// Whether `sent`, a signature as a request carries it (§3.6-encoded, its
/// escapes checked as it was read), decodes to `expected`, in time that
/// depends only on `sent`: every branch looks at `sent` alone (or at the
/// lengths), and the differences are gathered, then compared with zero in
/// constant time.
///
/// It is decoded as it is compared, four bytes at a time where `sent` has
/// no escape, with no buffer. `expected` is read in the four-byte quads its
/// base64 was written in, each found whole in the store that wrote it.
fn same_signature(expected: &[u8], sent: &[u8]) -> bool {
    let mut diff = 0u32;
    // Where decoding goes on in `sent`.
    let mut at = 0;
    let mut quads = expected.chunks_exact(4);
    for quad in quads.by_ref() {
        let four = match sent.get(at..).and_then(<[u8]>::first_chunk::<4>) {
            Some(four) if bytes_equal(u64::from(u32::from_le_bytes(*four)), b'%') == 0 => {
                at += 4;
                u32::from_le_bytes(*four)
            }
            _ => {
                let mut four = [0u8; 4];
                for byte in &mut four {
                    let Some(b) = next_decoded(sent, &mut at) else {
                        return false;
                    };
                    *byte = b;
                }
                u32::from_le_bytes(four)
            }
        };
        diff |= four ^ u32::from_le_bytes(quad.try_into().unwrap_or_default());
    }
    for &e in quads.remainder() {
        let Some(b) = next_decoded(sent, &mut at) else {
            return false;
        };
        diff |= u32::from(b ^ e);
    }
    // Nothing of `sent` is left over.
    let all_read = at.ct_eq(&sent.len());
    (diff.ct_eq(&0) & all_read).into()
}

/// The byte that `sent` holds at `at`, decoded, and `at` moved past it:
/// none at the end, or at a broken escape (which checked text never has).
fn next_decoded(sent: &[u8], at: &mut usize) -> Option<u8> {
    let (byte, width) = match *sent.get(*at)? {
        b'%' => (escaped_byte(sent, *at)?, 3),
        b => (b, 1),
    };
    *at += width;
    Some(byte)
}

/// A number of seconds in decimal digits (at least one, and no sign), if it
/// fits in a `u64`.
fn seconds(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// The slot of `oauth_signature`.
const SIGNATURE_SLOT: usize = SIGNATURE.order as usize;

/// Where a protocol parameter goes among [`parse_request`]'s slots (in
/// name order), by its name.
fn slot_of(name: &[u8]) -> Option<usize> {
    protocol_name(name).map(|spec| usize::from(spec.order))
}

/// The text of an encoded protocol parameter (owned ones in `owned`).
fn text<'a>(slot: Slot<'a>, owned: &[u8]) -> Result<Cow<'a, str>, Error> {
    let encoded = slot.text;
    if let Some(decoded) = slot.decoded {
        return Ok(Cow::Borrowed(decoded));
    }
    Ok(if encoded.is_owned() {
        Cow::Owned(decode_text(resolve(encoded, owned))?.into_owned())
    } else if encoded.is_escaped() {
        decode_text(resolve(encoded, &[]))?
    } else {
        // Unreserved bytes only: ASCII.
        Cow::Borrowed(core::str::from_utf8(resolve(encoded, &[])).map_err(|_| {
            Error::Malformed {
                what: "parameter (not UTF-8)",
            }
        })?)
    })
}

/// Reads an incoming request's OAuth parameters from its query, its `OAuth`
/// `Authorization` header and its form-encoded body (RFC 5849 §3.5).
///
/// Checks, in this order: the grammar (URL, header, escapes) and that there
/// are at most [`MAX_PARAMS`](crate::MAX_PARAMS) parameters; that no
/// `oauth_*` parameter appears twice or in two places (§3.1); that
/// `oauth_consumer_key`, `oauth_signature_method` and `oauth_signature` are
/// present, and `oauth_timestamp` and `oauth_nonce` unless the method is
/// `PLAINTEXT` (§3.1); that the method is one this build knows; that
/// `oauth_version`, when present, is `1.0`.
///
/// # Errors
///
/// [`Error::Malformed`], [`Error::DuplicateParameter`],
/// [`Error::MissingParameter`], [`Error::UnsupportedSignatureMethod`],
/// [`Error::UnsupportedVersion`], in that order of checking.
pub fn parse_request<'a>(parts: &RequestParts<'a>) -> Result<ParsedRequest<'a>, Error> {
    let url = Url::parse(parts.url)?;
    // Room for a parameter per 32 bytes of URL and body, and a few of the
    // header's (a guess, not a bound: the list grows when it must). Not
    // more: the list of a small request stays small enough for the
    // allocator's fast path (glibc's caches blocks of up to about 1 KiB;
    // W1's list at one per 16 bytes and 16 more took the slow path, a
    // twentieth of its verification, and W2's at one per 24 bytes and 8
    // more). Counting the `&`s first cost more than it saved.
    let capacity = (parts.url.len() + parts.body.len()) / 32 + 4;
    let mut params = ParamList::with_capacity(capacity);
    let mut slots = Slots::default();
    // The header's protocol parameters, to merge into the list as the base
    // string is written (never the signature); they are not in `params`.
    let mut merged = [None; 10];
    let mut realm = None;
    // How many protocol parameters the header has.
    let mut header_protocol = 0;
    // A parameter the header has twice, told after the grammar of the body.
    let mut duplicate = None;
    if let Some(query) = url.query_on {
        params.add_query(query.as_bytes())?;
    }
    // A header of another scheme is not this protocol's: left alone.
    if let Some(header) = parts.authorization.and_then(|h| HeaderParams::new(h).ok()) {
        for param in header {
            let param = param?;
            if param.name == "realm" {
                if realm.is_some() {
                    duplicate.get_or_insert(Error::DuplicateParameter { name: "realm" });
                }
                // `realm` is kept as written (RFC 2617), not percent-decoded.
                realm = Some(param.value);
                continue;
            }
            let slot = match param.protocol {
                Some(order) => Some(usize::from(order)),
                None => slot_of(param.name.as_bytes()),
            };
            if let Some(slot) = slot {
                // Protocol parameters stay out of the list: they are merged
                // into it, in name order, as the base string is written.
                let value = param.value_text(&mut params)?;
                // A value in its §3.6 form with no escape is its own decoding.
                let decoded = (param.value_form == Some(false)).then_some(param.value);
                if let Err(e) = slots.put(slot, param.name.as_bytes(), value, decoded) {
                    duplicate.get_or_insert(e);
                }
                if slot != SIGNATURE_SLOT
                    && let Some(out) = merged.get_mut(slot)
                {
                    *out = Some(value);
                }
                header_protocol += 1;
            } else {
                param.push_to(&mut params)?;
            }
        }
    }
    let body_is_form = is_form(parts.content_type);
    if body_is_form {
        params.add_form(parts.body)?;
    }
    check_count(params.as_slice().len() + header_protocol)?;
    if let Some(e) = duplicate {
        return Err(e);
    }
    // What is signed: everything but `realm` and the signature (an
    // `oauth_signature` of the query or the body stays in the list; the
    // base string leaves it out, as it does for the signer).
    params.sort();
    let oauth_at = slots.take_sorted(&params)?;
    let [
        body_hash,
        callback,
        consumer_key,
        nonce,
        signature,
        signature_method,
        timestamp,
        token,
        verifier,
        version,
    ] = &slots.slots;
    let missing = |name| Error::MissingParameter { name };
    let owned = params.owned();
    let text = |t: &Slot<'a>| text(*t, owned);
    let consumer_key = text(consumer_key.as_ref().ok_or(missing("oauth_consumer_key"))?)?;
    let signature_method = signature_method
        .as_ref()
        .ok_or(missing("oauth_signature_method"))?;
    // Told after the parameters that must be present (see the errors above).
    let method = SignatureMethod::from_name(resolve(signature_method.text, owned));
    let signature = signature.as_ref().ok_or(missing("oauth_signature"))?.text;
    let plaintext = method == Ok(SignatureMethod::Plaintext);
    if !plaintext {
        if timestamp.is_none() {
            return Err(missing("oauth_timestamp"));
        }
        if nonce.is_none() {
            return Err(missing("oauth_nonce"));
        }
    }
    let signature_method = method?;
    if version.is_some_and(|v| resolve(v.text, owned) != b"1.0") {
        return Err(Error::UnsupportedVersion);
    }
    let timestamp = match timestamp {
        None => None,
        Some(t) => Some(seconds(resolve(t.text, owned)).ok_or(Error::Malformed {
            what: "oauth_timestamp (not a number of seconds)",
        })?),
    };

    let token = token.as_ref().map(text).transpose()?;
    let nonce = nonce.as_ref().map(text).transpose()?;
    let callback = callback.as_ref().map(text).transpose()?;
    let verifier = verifier.as_ref().map(text).transpose()?;
    let body_hash = body_hash.as_ref().map(text).transpose()?;
    Ok(ParsedRequest {
        method: parts.method,
        url,
        params,
        merged,
        oauth_at,
        body: parts.body,
        body_is_form,
        realm,
        consumer_key,
        token,
        signature_method,
        signature,
        timestamp,
        nonce,
        callback,
        verifier,
        body_hash,
    })
}

impl ParsedRequest<'_> {
    /// `oauth_consumer_key`: which client signed the request.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// `oauth_token`, if the request carries one.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `oauth_signature_method`.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// `oauth_timestamp` (absent only with `PLAINTEXT`).
    pub fn timestamp(&self) -> Option<u64> {
        self.timestamp
    }

    /// `oauth_nonce` (absent only with `PLAINTEXT`).
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// `oauth_callback` (temporary-credentials requests, §2.1).
    pub fn callback(&self) -> Option<&str> {
        self.callback.as_deref()
    }

    /// `oauth_verifier` (token-credentials requests, §2.3).
    pub fn verifier(&self) -> Option<&str> {
        self.verifier.as_deref()
    }

    /// The `realm` of the `Authorization` header, as written.
    pub fn realm(&self) -> Option<&str> {
        self.realm
    }

    /// `oauth_signature` as sent, decoded. It is decoded on each call (a
    /// server compares it without building text); bytes that are not UTF-8
    /// are shown as U+FFFD (such a signature never matches).
    pub fn signature(&self) -> Cow<'_, str> {
        let encoded = resolve(self.signature, self.params.owned());
        match decode_bytes(encoded, false) {
            Ok(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
            // Its escapes were checked as the request was read.
            Err(_) => String::from_utf8_lossy(encoded),
        }
    }

    /// The signature base string of the request (§3.4.1), as the client
    /// should have built it: useful to explain a [`Error::BadSignature`].
    pub fn base_string(&self) -> String {
        let mut out = Vec::new();
        self.with_base(|base| base.put(&mut out));
        String::from_utf8(out).unwrap_or_default()
    }

    /// Hands the base string's source to `then`.
    fn with_base<T>(&self, then: impl FnOnce(&BaseSource<'_>) -> T) -> T {
        let owned = self.params.owned();
        let mut pairs = [OauthPair::EMPTY; 10];
        let mut n = 0;
        for (text, spec) in self.merged.iter().zip(PROTOCOL) {
            if let (Some(text), Some(slot)) = (text, pairs.get_mut(n)) {
                *slot = OauthPair::new(spec, *text, owned);
                n += 1;
            }
        }
        then(&BaseSource::Parts {
            method: self.method,
            url: &self.url,
            list: Sorted::in_place(self.params.as_slice()),
            owned,
            oauth: pairs.get(..n).unwrap_or_default(),
            oauth_at: Some(self.oauth_at),
        })
    }
}

/// The key material to check a signature with.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum VerifyKey<'k> {
    /// For `HMAC-*` and `PLAINTEXT`: the client's secret and the token's
    /// secret (none when the request carries no token).
    Secrets {
        /// The client's shared secret.
        consumer_secret: &'k ConsumerSecret,
        /// The secret of the request's `oauth_token`.
        token_secret: Option<&'k TokenSecret>,
    },
    /// For `HMAC-*` and `PLAINTEXT`: the secrets, keyed once for one method
    /// (a server that checks many requests of one client and token keeps it).
    Keyed(&'k KeyedSecrets),
    /// For `RSA-*`: the client's public key.
    #[cfg(feature = "rsa")]
    Rsa(&'k crate::RsaPublicKey),
}

/// A client's and a token's shared secrets, keyed once for one signature
/// method: [`VerifyKey::Keyed`] checks a request without keying the MAC afresh.
///
/// ```
/// use sansauth_oauth1::{ConsumerSecret, KeyedSecrets, SignatureMethod, TokenSecret, VerifyKey};
///
/// let consumer_secret = ConsumerSecret::new("kd94hf93k423kf44");
/// let token_secret = TokenSecret::new("pfkkdhi9sl3r4s00");
/// let keyed = KeyedSecrets::new(SignatureMethod::HmacSha1, &consumer_secret, Some(&token_secret))?;
/// // Kept with the credentials, then for each request:
/// let key = VerifyKey::Keyed(&keyed);
/// # let _ = key;
/// # Ok::<(), sansauth_oauth1::Error>(())
/// ```
#[derive(Clone)]
pub struct KeyedSecrets {
    method: SignatureMethod,
    key: Key,
}

impl KeyedSecrets {
    /// Keys `method` with the client's secret and the token's (none when
    /// requests carry no token).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `method` is an RSA method.
    pub fn new(
        method: SignatureMethod,
        consumer_secret: &ConsumerSecret,
        token_secret: Option<&TokenSecret>,
    ) -> Result<Self, Error> {
        let key = Key::from_secrets(
            method,
            consumer_secret.secret(),
            token_secret.map_or("", TokenSecret::secret),
        )?;
        Ok(Self { method, key })
    }

    /// The signature method the secrets are keyed for.
    pub fn method(&self) -> SignatureMethod {
        self.method
    }
}

impl fmt::Debug for KeyedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedSecrets")
            .field("method", &self.method)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// Remembers nonces so that no signed request is accepted twice (RFC 5849 §3.3).
pub trait NonceStore {
    /// Records the nonce; fails with [`Error::ReplayedNonce`] when this
    /// client already used it with this timestamp.
    ///
    /// `now` lets a store forget what the timestamp window already refuses.
    ///
    /// # Errors
    ///
    /// [`Error::ReplayedNonce`], or [`Error::NonceStoreFull`] when the store
    /// cannot take another nonce.
    fn check_and_insert(
        &mut self,
        consumer_key: &str,
        timestamp: u64,
        nonce: &str,
        now: u64,
    ) -> Result<(), Error>;
}

/// A bounded in-memory [`NonceStore`]: it keeps the nonces whose timestamps
/// the verifier could still accept and forgets older ones.
#[derive(Debug, Clone)]
pub struct MemoryNonceStore {
    window: u64,
    capacity: usize,
    seen: BTreeSet<(u64, String, String)>,
}

impl MemoryNonceStore {
    /// A store for a verifier that accepts timestamps within `window` seconds
    /// of `now`, holding at most `capacity` nonces.
    pub fn new(window: u64, capacity: usize) -> Self {
        Self {
            window,
            capacity,
            seen: BTreeSet::new(),
        }
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

impl NonceStore for MemoryNonceStore {
    fn check_and_insert(
        &mut self,
        consumer_key: &str,
        timestamp: u64,
        nonce: &str,
        now: u64,
    ) -> Result<(), Error> {
        let oldest = now.saturating_sub(self.window);
        while self.seen.first().is_some_and(|(t, _, _)| *t < oldest) {
            self.seen.pop_first();
        }
        let entry = (timestamp, String::from(consumer_key), String::from(nonce));
        if self.seen.contains(&entry) {
            return Err(Error::ReplayedNonce);
        }
        if self.seen.len() >= self.capacity {
            return Err(Error::NonceStoreFull);
        }
        self.seen.insert(entry);
        Ok(())
    }
}

impl<S: NonceStore + ?Sized> NonceStore for &mut S {
    fn check_and_insert(
        &mut self,
        consumer_key: &str,
        timestamp: u64,
        nonce: &str,
        now: u64,
    ) -> Result<(), Error> {
        (**self).check_and_insert(consumer_key, timestamp, nonce, now)
    }
}

/// The server's rules for accepting a signed request (RFC 5849 §3.2).
#[derive(Debug, Clone)]
pub struct Verifier {
    allowed: u8,
    max_skew: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Verifier {
    /// Every method this build supports, timestamps within 300 seconds of `now`.
    pub fn new() -> Self {
        Self {
            allowed: SignatureMethod::ALL.iter().fold(0, |acc, m| acc | m.bit()),
            max_skew: 300,
        }
    }

    /// Accepts only these signature methods.
    #[must_use]
    pub fn allow(mut self, methods: &[SignatureMethod]) -> Self {
        self.allowed = methods.iter().fold(0, |acc, m| acc | m.bit());
        self
    }

    /// Accepts timestamps at most this many seconds before or after `now`.
    #[must_use]
    pub fn max_skew_seconds(mut self, seconds: u64) -> Self {
        self.max_skew = seconds;
        self
    }

    /// The accepted skew, in seconds.
    pub fn max_skew(&self) -> u64 {
        self.max_skew
    }

    /// Decides whether to accept `request`.
    ///
    /// Checks, after what [`parse_request`] checked: the method is allowed and
    /// matches the key; the timestamp is within the window of `now`; the
    /// body hash (when sent) matches the body; the signature matches,
    /// compared in constant time; and last, the nonce is new, so a forged
    /// request cannot use up a nonce.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedSignatureMethod`], [`Error::StaleTimestamp`],
    /// [`Error::BadSignature`], [`Error::ReplayedNonce`] (or what the nonce
    /// store returns), in that order of checking.
    pub fn verify(
        &self,
        request: &ParsedRequest<'_>,
        key: VerifyKey<'_>,
        now: u64,
        mut nonces: impl NonceStore,
    ) -> Result<(), Error> {
        let method = request.signature_method;
        if self.allowed & method.bit() == 0 {
            return Err(Error::UnsupportedSignatureMethod);
        }
        if request
            .timestamp
            .is_some_and(|ts| ts.abs_diff(now) > self.max_skew)
        {
            return Err(Error::StaleTimestamp);
        }
        if let Some(sent) = &request.body_hash {
            let mut buf = [0u8; 88];
            let len = body_hash(method, request.body, &mut buf);
            let ok = !request.body_is_form
                && bool::from(buf.get(..len).unwrap_or_default().ct_eq(sent.as_bytes()));
            if !ok {
                return Err(Error::BadSignature);
            }
        }
        let good = match key {
            VerifyKey::Secrets {
                consumer_secret,
                token_secret,
            } => {
                if method.is_rsa() {
                    return Err(Error::UnsupportedSignatureMethod);
                }
                let key = Key::from_secrets(
                    method,
                    consumer_secret.secret(),
                    token_secret.map_or("", TokenSecret::secret),
                )?;
                signed_with(request, &key)?
            }
            VerifyKey::Keyed(keyed) => {
                if keyed.method != method {
                    return Err(Error::UnsupportedSignatureMethod);
                }
                signed_with(request, &keyed.key)?
            }
            #[cfg(feature = "rsa")]
            VerifyKey::Rsa(public) => rsa_verify(method, public, request)?,
        };
        if !good {
            return Err(Error::BadSignature);
        }
        if let (Some(ts), Some(nonce)) = (request.timestamp, request.nonce.as_deref()) {
            nonces.check_and_insert(&request.consumer_key, ts, nonce, now)?;
        }
        Ok(())
    }
}

#[cfg(feature = "rsa")]
fn rsa_verify(
    method: SignatureMethod,
    public: &crate::RsaPublicKey,
    request: &ParsedRequest<'_>,
) -> Result<bool, Error> {
    use base64::Engine as _;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::DigestVerifier;
    use sha1::{Digest, Sha1};
    use sha2::{Sha256, Sha512};

    use crate::sink::Hashing;

    fn check<D>(key: &rsa::RsaPublicKey, sig: &Signature, base: &BaseSource<'_>) -> bool
    where
        D: Digest + rsa::pkcs8::AssociatedOid + hmac::digest::Update,
    {
        let mut sink = Hashing::new(D::new());
        base.put(&mut sink);
        VerifyingKey::<D>::new(key.clone())
            .verify_digest(sink.finish(), sig)
            .is_ok()
    }

    let sent = decode_bytes(resolve(request.signature, request.params.owned()), false)?;
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(sent) else {
        return Ok(false);
    };
    let Ok(sig) = Signature::try_from(bytes.as_slice()) else {
        return Ok(false);
    };
    request.with_base(|base| {
        Ok(match method {
            SignatureMethod::RsaSha1 => check::<Sha1>(&public.0, &sig, base),
            SignatureMethod::RsaSha256 => check::<Sha256>(&public.0, &sig, base),
            SignatureMethod::RsaSha512 => check::<Sha512>(&public.0, &sig, base),
            _ => return Err(Error::UnsupportedSignatureMethod),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    fn parse(url: &str, auth: Option<&str>, body: &str) -> Result<(), &'static str> {
        let mut parts = RequestParts::new("GET", url).with_body(FORM, body.as_bytes());
        parts.authorization = auth;
        parse_request(&parts).map(|_| ()).map_err(|e| e.code())
    }

    #[test]
    fn header_protocol_pairs_merge_into_parameters_named_like_them() {
        use crate::{ConsumerSecret, ProtocolParams, Signer, TokenCredentials, TokenSecret};
        // Query and body parameters around the protocol names, in every
        // subset: what the verifier rebuilds is what the signer signed.
        let names = crate::sign::NAMES_AROUND_PROTOCOL;
        let (cs, ts) = (ConsumerSecret::new("cs"), TokenSecret::new("ts"));
        let token = TokenCredentials::new("tok en", ts.clone());
        let signer = Signer::new(SignatureMethod::HmacSha1, "key~1", &cs, Some(&token)).unwrap();
        let params = ProtocolParams::new(1_318_622_958, "n%nce").with_version("1.0");
        // One kept key checks every request (its keyed state is reused).
        let keyed = KeyedSecrets::new(SignatureMethod::HmacSha1, &cs, Some(&ts)).unwrap();
        for subset in 0u32..1 << names.len() {
            let (mut query, mut body) = (String::new(), String::new());
            for (i, name) in names.iter().enumerate() {
                if subset >> i & 1 == 1 {
                    let to = if i % 2 == 0 { &mut query } else { &mut body };
                    to.push_str(if to.is_empty() { "" } else { "&" });
                    to.push_str(&alloc::format!("{name}={i}"));
                }
            }
            let url = alloc::format!("http://example.com/p?{query}");
            let parts = RequestParts::new("POST", &url).with_body(FORM, body.as_bytes());
            let header = signer.authorization(&parts, &params).unwrap();
            let signed = parts.with_authorization(&header);
            let parsed = parse_request(&signed).unwrap();
            assert_eq!(
                parsed.base_string(),
                signer.base_string(&parts, &params).unwrap(),
                "{url} {body}"
            );
            let fresh = VerifyKey::Secrets {
                consumer_secret: &cs,
                token_secret: Some(&ts),
            };
            for key in [fresh, VerifyKey::Keyed(&keyed)] {
                let nonces = MemoryNonceStore::new(600, 16);
                assert_eq!(
                    Verifier::new().verify(&parsed, key, 1_318_622_958, nonces),
                    Ok(())
                );
            }
        }
    }

    #[test]
    fn timestamps_are_decimal_seconds_that_fit() {
        for (text, want) in [
            ("0", Some(0)),
            ("1318622958", Some(1_318_622_958)),
            ("007", Some(7)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("99999999999999999999", None),
            ("", None),
            ("+1", None),
            ("-1", None),
            ("1.0", None),
            ("1 ", None),
            ("/", None),
            (":", None),
        ] {
            assert_eq!(seconds(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn kept_keys_refuse_other_methods_and_other_secrets() {
        use crate::{ConsumerSecret, ProtocolParams, Signer, TokenCredentials, TokenSecret};
        let (cs, ts) = (ConsumerSecret::new("cs"), TokenSecret::new("ts"));
        let token = TokenCredentials::new("tok", ts.clone());
        let signer = Signer::new(SignatureMethod::HmacSha256, "key", &cs, Some(&token)).unwrap();
        let parts = RequestParts::new("GET", "https://a.example/r?x=1");
        let header = signer
            .authorization(&parts, &ProtocolParams::new(100, "n"))
            .unwrap();
        let signed = parts.with_authorization(&header);
        let parsed = parse_request(&signed).unwrap();
        let check = |keyed: &KeyedSecrets| {
            let nonces = MemoryNonceStore::new(600, 16);
            Verifier::new().verify(&parsed, VerifyKey::Keyed(keyed), 100, nonces)
        };
        let right = KeyedSecrets::new(SignatureMethod::HmacSha256, &cs, Some(&ts)).unwrap();
        assert_eq!(check(&right), Ok(()));
        let sha1 = KeyedSecrets::new(SignatureMethod::HmacSha1, &cs, Some(&ts)).unwrap();
        assert_eq!(check(&sha1), Err(Error::UnsupportedSignatureMethod));
        let no_token = KeyedSecrets::new(SignatureMethod::HmacSha256, &cs, None).unwrap();
        assert_eq!(check(&no_token), Err(Error::BadSignature));
        assert!(!alloc::format!("{right:?}").contains("cs"));
    }

    const BASE: &str = "oauth_consumer_key=k&oauth_signature_method=HMAC-SHA1&oauth_signature=s\
                        &oauth_timestamp=1&oauth_nonce=n";

    #[test]
    fn signatures_are_compared_as_sent_decoded() {
        let expected = b"tR3+Ty81lMeYAr/Fid0kMTYa/WM=";
        let canonical = b"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D";
        assert!(same_signature(expected, canonical));
        // Any escape stands for its byte, in either case of hex digit.
        assert!(same_signature(
            expected,
            b"%74R3%2bTy81lMeYAr%2FFid0kMTYa%2fWM="
        ));
        assert!(same_signature(b"", b""));
        assert!(same_signature(b"k&s", b"k%26s"));
        let mut wrong = Vec::new();
        // Every single-byte change, and one byte more or less, is told.
        for at in 0..canonical.len() {
            wrong.clear();
            wrong.extend_from_slice(canonical);
            wrong[at] ^= 0x01;
            assert!(!same_signature(expected, &wrong), "byte {at}");
        }
        assert!(!same_signature(expected, &canonical[..canonical.len() - 3]));
        assert!(!same_signature(
            expected,
            b"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D%3D"
        ));
        assert!(!same_signature(
            expected,
            b"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3Da"
        ));
        assert!(!same_signature(expected, b""));
        assert!(!same_signature(b"", b"a"));
        // An escape that stands for a byte past the end of what is expected.
        assert!(!same_signature(b"ab", b"ab%00"));
        // Broken escapes (which checked text never has) match nothing.
        for broken in [&b"%"[..], b"%4", b"a%G1", b"%%41"] {
            assert!(!same_signature(b"A", broken), "{broken:?}");
            assert!(!same_signature(broken, broken), "{broken:?}");
        }
    }

    #[test]
    fn the_signature_getter_decodes_what_was_sent() {
        let header = |sig: &str| {
            alloc::format!(
                "OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature=\"{sig}\", \
                 oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\""
            )
        };
        for (sent, shown) in [
            (
                "tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D",
                "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
            ),
            ("plain", "plain"),
            // Not in its §3.6 form: read again into canonical form first.
            ("a+b%3d", "a+b="),
            // Not UTF-8: shown with U+FFFD, and never a match.
            ("%FF%FE", "\u{FFFD}\u{FFFD}"),
        ] {
            let header = header(sent);
            let parts = RequestParts::new("GET", "https://a.example/").with_authorization(&header);
            let parsed = parse_request(&parts).unwrap();
            assert_eq!(parsed.signature(), shown, "{sent}");
        }
    }

    #[test]
    fn parse_checks_presence_duplicates_method_and_version() {
        let url = |q: &str| alloc::format!("https://a.example/?{q}");
        assert_eq!(parse(&url(BASE), None, ""), Ok(()));
        // Twice in one place, or once in two places (§3.1).
        assert_eq!(
            parse(&url(&alloc::format!("{BASE}&oauth_nonce=m")), None, ""),
            Err("duplicate_parameter")
        );
        assert_eq!(
            parse(&url(BASE), None, "oauth_nonce=n"),
            Err("duplicate_parameter")
        );
        assert_eq!(
            parse(&url(BASE), Some("OAuth oauth_timestamp=\"1\""), ""),
            Err("duplicate_parameter")
        );
        // The grammar of every part is checked before duplicates.
        let twice = "OAuth oauth_token=\"t\", oauth_token=\"t\"";
        assert_eq!(
            parse(&url(BASE), Some(twice), ""),
            Err("duplicate_parameter")
        );
        assert_eq!(parse(&url(BASE), Some(twice), "a=%G1"), Err("malformed"));
        assert_eq!(
            parse(&url(BASE), None, "oauth_nonce=n&a=%G1"),
            Err("malformed")
        );
        assert_eq!(
            parse(
                &url(&alloc::format!("{BASE}&oauth_x=1")),
                Some("OAuth oauth_x=\"2\""),
                ""
            ),
            Err("duplicate_parameter")
        );
        assert_eq!(
            parse(
                &url(&alloc::format!("{BASE}&oauth_x=1&oauth_x=2")),
                None,
                ""
            ),
            Err("duplicate_parameter")
        );
        // Ordinary parameters may repeat.
        assert_eq!(
            parse(&url(&alloc::format!("{BASE}&a=1&a=1")), None, ""),
            Ok(())
        );
        assert_eq!(
            parse(
                &url(
                    "oauth_consumer_key=k&oauth_signature_method=HMAC-SHA1&oauth_signature=s&oauth_nonce=n"
                ),
                None,
                ""
            ),
            Err("missing_parameter")
        );
        // PLAINTEXT may go without timestamp and nonce.
        assert_eq!(
            parse(
                &url("oauth_consumer_key=k&oauth_signature_method=PLAINTEXT&oauth_signature=s"),
                None,
                ""
            ),
            Ok(())
        );
        assert_eq!(
            parse(&url(&BASE.replace("HMAC-SHA1", "HMAC-MD5")), None, ""),
            Err("unsupported_signature_method")
        );
        assert_eq!(
            parse(&url(&alloc::format!("{BASE}&oauth_version=1.0")), None, ""),
            Ok(())
        );
        assert_eq!(
            parse(&url(&alloc::format!("{BASE}&oauth_version=2.0")), None, ""),
            Err("unsupported_version")
        );
        assert_eq!(
            parse(&url(&BASE.replace("timestamp=1", "timestamp=x1")), None, ""),
            Err("malformed")
        );
    }

    #[test]
    fn nonce_store_forgets_old_nonces_and_stays_bounded() {
        let mut store = MemoryNonceStore::new(300, 2);
        assert_eq!(store.check_and_insert("k", 1000, "a", 1000), Ok(()));
        assert_eq!(
            store.check_and_insert("k", 1000, "a", 1000),
            Err(Error::ReplayedNonce)
        );
        // Another client, or another timestamp, may use the same nonce.
        assert_eq!(store.check_and_insert("j", 1000, "a", 1000), Ok(()));
        assert_eq!(
            store.check_and_insert("k", 1001, "a", 1001),
            Err(Error::NonceStoreFull)
        );
        // Once the window has passed, old entries go and room is made.
        assert_eq!(store.check_and_insert("k", 1400, "a", 1400), Ok(()));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn methods_outside_the_allowed_set_are_refused_before_the_signature() {
        let url = alloc::format!(
            "https://a.example/?{}",
            BASE.replace("HMAC-SHA1", "PLAINTEXT")
        );
        let parts = RequestParts::new("GET", &url);
        let parsed = parse_request(&parts).unwrap();
        let cs = ConsumerSecret::new("x");
        let key = VerifyKey::Secrets {
            consumer_secret: &cs,
            token_secret: None,
        };
        let mut store = MemoryNonceStore::new(300, 2);
        let strict = Verifier::new().allow(&[SignatureMethod::HmacSha1]);
        assert_eq!(
            strict.verify(&parsed, key, 1, &mut store),
            Err(Error::UnsupportedSignatureMethod)
        );
        // A bad signature does not use up the nonce.
        assert_eq!(
            Verifier::new().verify(&parsed, key, 1, &mut store),
            Err(Error::BadSignature)
        );
        assert!(store.is_empty());
    }
}
