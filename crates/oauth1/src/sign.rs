//! Signing requests: the base string (RFC 5849 §3.4.1), the signature
//! (§3.4.2–3.4.4) and its placement in the request (§3.5).

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::Hmac;
use hmac::digest::KeyInit;
use rand_core::CryptoRngCore;
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding::{all_unreserved, encoded_len, put_encoded};
use crate::params::{
    HeaderParams, INLINE, LARGE, Param, ParamList, SMALL, Sorted, Text, cmp_encoded, is_form,
    is_oauth_name, is_oauth_scheme, put_encoded_pair, put_normalized, put_reencoded, resolve,
    sorts_before_oauth,
};
use crate::secrets::{ConsumerSecret, TokenCredentials};
#[cfg(feature = "rsa")]
use crate::sink::Hashing;
use crate::sink::{BlockCore, Blocks, Counter, Sink, SliceSink};
use crate::uri::{Url, format_u64};
use crate::{Error, SignatureMethod};

/// The parts of an HTTP request that signing reads (RFC 5849 §3.4.1), borrowed.
///
/// For stacks that do not use the `http` crate; with the `std` feature,
/// `Signer::sign_http` takes an `http::Request` instead.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestParts<'a> {
    /// The HTTP method (`GET`, `post`, ...); it is uppercased for signing.
    pub method: &'a str,
    /// The absolute request URL, with its query, as it is sent.
    pub url: &'a str,
    /// The `Content-Type` header, if any; the body's parameters are signed
    /// only when it is `application/x-www-form-urlencoded`.
    pub content_type: Option<&'a str>,
    /// The body bytes (empty when there is none).
    pub body: &'a [u8],
    /// An `Authorization` header already on the request. Its `OAuth`
    /// parameters count when a base string is computed for an already-signed
    /// request ([`base_string`], verification); signing replaces it.
    pub authorization: Option<&'a str>,
}

impl<'a> RequestParts<'a> {
    /// A request without a body.
    pub fn new(method: &'a str, url: &'a str) -> Self {
        Self {
            method,
            url,
            content_type: None,
            body: &[],
            authorization: None,
        }
    }

    /// A request from its header pairs: `Content-Type` and an `OAuth`
    /// `Authorization` header (names in any case) are picked from `headers`.
    pub fn from_headers(
        method: &'a str,
        url: &'a str,
        headers: &[(&'a str, &'a str)],
        body: &'a [u8],
    ) -> Self {
        let find = |want: &str, pick: fn(&str) -> bool| {
            headers
                .iter()
                .find(|(n, v)| n.eq_ignore_ascii_case(want) && pick(v))
                .map(|(_, v)| *v)
        };
        Self {
            method,
            url,
            content_type: find("content-type", |_| true),
            body,
            authorization: find("authorization", is_oauth_scheme),
        }
    }

    /// With a body and its content type.
    #[must_use]
    pub fn with_body(mut self, content_type: Option<&'a str>, body: &'a [u8]) -> Self {
        self.content_type = content_type;
        self.body = body;
        self
    }

    /// With an `Authorization` header value.
    #[must_use]
    pub fn with_authorization(mut self, authorization: &'a str) -> Self {
        self.authorization = Some(authorization);
        self
    }
}

/// The protocol parameters of one signature that do not come from the
/// credentials (RFC 5849 §3.1): timestamp and nonce, and the optional ones.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ProtocolParams<'a> {
    /// `oauth_timestamp`: seconds since the Unix epoch (absent only with `PLAINTEXT`).
    pub timestamp: Option<u64>,
    /// `oauth_nonce`: unique for this client, timestamp (and token); absent
    /// only with `PLAINTEXT`.
    pub nonce: Option<&'a str>,
    /// `oauth_callback` (§2.1): a URL, or `oob`.
    pub callback: Option<&'a str>,
    /// `oauth_verifier` (§2.3).
    pub verifier: Option<&'a str>,
    /// `realm` (§3.5.1), sent in the `Authorization` header only.
    pub realm: Option<&'a str>,
    /// `oauth_version`: sent only when set (it is optional; its value must be `1.0`).
    pub version: Option<&'a str>,
    /// Send `oauth_body_hash` (OAuth Request Body Hash extension): the
    /// base64 digest of the body, for bodies that are not form-encoded.
    pub body_hash: bool,
}

impl<'a> ProtocolParams<'a> {
    /// Parameters with this timestamp and nonce, and nothing optional.
    pub fn new(timestamp: u64, nonce: &'a str) -> Self {
        Self {
            timestamp: Some(timestamp),
            nonce: Some(nonce),
            ..Self::untimed()
        }
    }

    /// Parameters without `oauth_timestamp` and `oauth_nonce`, which §3.1
    /// allows only with `PLAINTEXT`; signing with another method fails.
    pub fn untimed() -> Self {
        Self {
            timestamp: None,
            nonce: None,
            callback: None,
            verifier: None,
            realm: None,
            version: None,
            body_hash: false,
        }
    }

    /// With `oauth_callback`.
    #[must_use]
    pub fn with_callback(mut self, callback: &'a str) -> Self {
        self.callback = Some(callback);
        self
    }

    /// With `oauth_verifier`.
    #[must_use]
    pub fn with_verifier(mut self, verifier: &'a str) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// With a `realm` in the `Authorization` header.
    #[must_use]
    pub fn with_realm(mut self, realm: &'a str) -> Self {
        self.realm = Some(realm);
        self
    }

    /// With `oauth_version` (normally `"1.0"`).
    #[must_use]
    pub fn with_version(mut self, version: &'a str) -> Self {
        self.version = Some(version);
        self
    }

    /// With `oauth_body_hash`.
    #[must_use]
    pub fn with_body_hash(mut self) -> Self {
        self.body_hash = true;
        self
    }
}

/// A nonce (`oauth_nonce`, RFC 5849 §3.3): 32 hex digits, 128 random bits.
#[derive(Clone, PartialEq, Eq)]
pub struct Nonce([u8; 32]);

impl Nonce {
    /// A fresh nonce from `rng`.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut random = [0u8; 16];
        rng.fill_bytes(&mut random);
        let mut out = [0u8; 32];
        for (pair, b) in out.chunks_exact_mut(2).zip(random) {
            pair.copy_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
        Self(out)
    }

    /// A fresh nonce from the operating system's RNG.
    #[cfg(feature = "std")]
    pub fn random() -> Self {
        Self::generate(&mut rand_core::OsRng)
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        // Only hex digits are ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Nonce").field(&self.as_str()).finish()
    }
}

/// Seconds since the Unix epoch, from the system clock (0 if the clock is before 1970).
#[cfg(feature = "std")]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where the protocol parameters go (RFC 5849 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Placement {
    /// The `Authorization` header (§3.5.1), the recommended place.
    #[default]
    Header,
    /// The form-encoded body (§3.5.2).
    Body,
    /// The query of the URL (§3.5.3).
    Query,
}

/// A signature, base64 (HMAC, RSA) or the PLAINTEXT key, not percent-encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature(SigText);

#[derive(Clone, PartialEq, Eq)]
enum SigText {
    /// Base64 of an HMAC digest (at most SHA-512's 88 characters).
    Inline([u8; 88], usize),
    Heap(Zeroizing<String>),
}

impl Signature {
    /// A signature of ASCII text (base64 of a digest or of an RSA signature).
    fn from_ascii(text: &[u8]) -> Self {
        let mut buf = [0u8; 88];
        match buf.get_mut(..text.len()) {
            Some(slot) => {
                slot.copy_from_slice(text);
                Self(SigText::Inline(buf, text.len()))
            }
            None => Self(SigText::Heap(Zeroizing::new(
                String::from_utf8_lossy(text).into_owned(),
            ))),
        }
    }

    /// The signature text, as `oauth_signature` carries it (before percent-encoding).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            SigText::Inline(buf, len) => buf
                .get(..*len)
                .and_then(|b| core::str::from_utf8(b).ok())
                .unwrap_or_default(),
            SigText::Heap(s) => s,
        }
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            // A PLAINTEXT signature is the secrets themselves.
            SigText::Heap(_) => f.write_str("Signature([redacted])"),
            SigText::Inline(..) => f.debug_tuple("Signature").field(&self.as_str()).finish(),
        }
    }
}

/// The base64 (RFC 4648 §4, padded) of a digest of at most 64 bytes,
/// written into `out`; its length, or `None` for a longer digest.
#[inline]
fn base64_into(digest: &[u8], out: &mut [u8; 88]) -> Option<usize> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let len = digest.len().div_ceil(3) * 4;
    let out = out.get_mut(..len)?;
    // Each quad is put together in a register and stored whole: a verifier
    // reads it back at once, and a load that finds its bytes in one store
    // gets them straight from it.
    for (group, quad) in digest.chunks(3).zip(out.chunks_exact_mut(4)) {
        let byte = |i: usize| u32::from(group.get(i).copied().unwrap_or(0));
        let bits = byte(0) << 16 | byte(1) << 8 | byte(2);
        // Six bits index a 64-entry alphabet.
        let symbol = |k: u32| u32::from(ALPHABET[(bits >> (18 - 6 * k) & 63) as usize]);
        let mut symbols = symbol(0) | symbol(1) << 8 | symbol(2) << 16 | symbol(3) << 24;
        if group.len() < 3 {
            // A last group of one or two bytes has two or three symbols, then `=`.
            let kept = (1u32 << (8 * (group.len() + 1))) - 1;
            symbols = symbols & kept | u32::from_le_bytes([b'='; 4]) & !kept;
        }
        quad.copy_from_slice(&symbols.to_le_bytes());
    }
    Some(len)
}

/// The signing key of one method, ready to sign many requests.
#[derive(Clone)]
pub(crate) enum Key {
    HmacSha1(Hmac<Sha1>),
    HmacSha256(Hmac<Sha256>),
    HmacSha512(Hmac<Sha512>),
    /// `encode(consumer secret) & encode(token secret)` (§3.4.4).
    Plaintext(Zeroizing<String>),
    #[cfg(feature = "rsa")]
    RsaSha1(rsa::pkcs1v15::SigningKey<Sha1>),
    #[cfg(feature = "rsa")]
    RsaSha256(rsa::pkcs1v15::SigningKey<Sha256>),
    #[cfg(feature = "rsa")]
    RsaSha512(rsa::pkcs1v15::SigningKey<Sha512>),
}

impl Key {
    /// The HMAC / PLAINTEXT key of §3.4.2 and §3.4.4.
    ///
    /// A server keys a MAC for every request it checks, so an HMAC key is
    /// assembled in a stack buffer (wiped afterwards) when it fits.
    pub(crate) fn from_secrets(
        method: SignatureMethod,
        consumer_secret: &str,
        token_secret: &str,
    ) -> Result<Self, Error> {
        let (cs, ts) = (consumer_secret.as_bytes(), token_secret.as_bytes());
        let len = encoded_len(cs) + 1 + encoded_len(ts);
        // Only the bytes used are wiped afterwards (a server keys a MAC per request).
        let mut stack = [0u8; 256];
        let mut heap = Zeroizing::new(Vec::new());
        let key = Self::keyed(method, cs, ts, len, &mut stack, &mut heap);
        if let Some(used) = stack.get_mut(..len) {
            used.zeroize();
        }
        key
    }

    /// [`Self::from_secrets`] with the key text written into `stack` when it
    /// fits (and the method is not PLAINTEXT), into `heap` otherwise.
    fn keyed(
        method: SignatureMethod,
        cs: &[u8],
        ts: &[u8],
        len: usize,
        stack: &mut [u8; 256],
        heap: &mut Zeroizing<Vec<u8>>,
    ) -> Result<Self, Error> {
        let text: &[u8] = match stack.get_mut(..len) {
            Some(buf) if method != SignatureMethod::Plaintext => {
                let mut out = SliceSink::new(buf);
                put_encoded(cs, &mut out);
                out.put(b"&");
                put_encoded(ts, &mut out);
                out.buf
            }
            _ => {
                heap.reserve_exact(len);
                put_encoded(cs, &mut **heap);
                heap.push(b'&');
                put_encoded(ts, &mut **heap);
                heap
            }
        };
        let bad = |_| Error::InvalidKey {
            what: "HMAC key rejected",
        };
        Ok(match method {
            SignatureMethod::HmacSha1 => Self::HmacSha1(Hmac::new_from_slice(text).map_err(bad)?),
            SignatureMethod::HmacSha256 => {
                Self::HmacSha256(Hmac::new_from_slice(text).map_err(bad)?)
            }
            SignatureMethod::HmacSha512 => {
                Self::HmacSha512(Hmac::new_from_slice(text).map_err(bad)?)
            }
            SignatureMethod::Plaintext => Self::Plaintext(Zeroizing::new(
                // Only §3.6 output (ASCII) was written.
                String::from_utf8(core::mem::take(&mut **heap)).unwrap_or_default(),
            )),
            #[cfg(feature = "rsa")]
            _ => {
                return Err(Error::InvalidKey {
                    what: "an RSA method needs an RSA private key, not secrets",
                });
            }
        })
    }

    #[cfg(feature = "rsa")]
    fn from_rsa(method: SignatureMethod, key: &crate::RsaPrivateKey) -> Result<Self, Error> {
        use rsa::pkcs1v15::SigningKey;
        let key = key.0.clone();
        Ok(match method {
            SignatureMethod::RsaSha1 => Self::RsaSha1(SigningKey::new(key)),
            SignatureMethod::RsaSha256 => Self::RsaSha256(SigningKey::new(key)),
            SignatureMethod::RsaSha512 => Self::RsaSha512(SigningKey::new(key)),
            _ => {
                return Err(Error::InvalidKey {
                    what: "an RSA key needs an RSA signature method",
                });
            }
        })
    }

    /// Signs the base string `base`, streamed into the MAC or digest.
    pub(crate) fn sign(&self, base: &BaseSource<'_>) -> Result<Signature, Error> {
        match self {
            Self::Plaintext(text) => Ok(Signature(SigText::Heap(text.clone()))),
            _ => self.sign_with(base, Signature::from_ascii),
        }
    }

    /// Signs `base` and hands the signature text to `then`: an HMAC
    /// signature stays in this frame (it is never moved, only read).
    pub(crate) fn sign_with<T>(
        &self,
        base: &BaseSource<'_>,
        then: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, Error> {
        #[inline]
        fn mac<C: BlockCore, T>(
            core: &C,
            base: &BaseSource<'_>,
            then: impl FnOnce(&[u8]) -> T,
        ) -> T {
            let mut sink = Blocks::new(core.clone());
            base.put(&mut sink);
            let digest = sink.finish();
            let mut buf = [0u8; 88];
            // A digest has at most 64 bytes: its base64 always fits.
            let len = base64_into(digest.as_ref(), &mut buf).unwrap_or_default();
            then(buf.get(..len).unwrap_or_default())
        }
        Ok(match self {
            Self::HmacSha1(m) => mac(m, base, then),
            Self::HmacSha256(m) => mac(m, base, then),
            Self::HmacSha512(m) => mac(m, base, then),
            Self::Plaintext(text) => then(text.as_bytes()),
            #[cfg(feature = "rsa")]
            Self::RsaSha1(k) => then(rsa_sign(k, base)?.as_bytes()),
            #[cfg(feature = "rsa")]
            Self::RsaSha256(k) => then(rsa_sign(k, base)?.as_bytes()),
            #[cfg(feature = "rsa")]
            Self::RsaSha512(k) => then(rsa_sign(k, base)?.as_bytes()),
        })
    }
}

/// Where a base string comes from: a request's parts, or given whole.
#[derive(Clone, Copy)]
pub(crate) enum BaseSource<'x> {
    /// Method, URL and the sorted parameters (§3.4.1.1).
    Parts {
        method: &'x str,
        url: &'x Url<'x>,
        list: Sorted<'x>,
        /// What the list's owned [`Text`]s point into.
        owned: &'x [u8],
        /// The signer's protocol parameters, in name order, merged into
        /// `list` as the base string is written (empty when `list` has them).
        oauth: &'x [OauthPair<'x>],
        /// Where the names of `list` that sort from `oauth_` on start, when
        /// the caller has found it already (a verifier has).
        oauth_at: Option<usize>,
    },
    /// An already-built base string.
    Raw(&'x [u8]),
}

impl BaseSource<'_> {
    /// Writes the base string.
    pub(crate) fn put(&self, sink: &mut impl Sink) {
        match *self {
            Self::Parts {
                method,
                url,
                list,
                owned,
                oauth,
                oauth_at,
            } => put_base_string(method, url, list, owned, oauth, oauth_at, sink),
            Self::Raw(bytes) => sink.put(bytes),
        }
    }
}

/// The base64 of an RSASSA-PKCS1-v1_5 signature of `base` (§3.4.3).
#[cfg(feature = "rsa")]
fn rsa_sign<D>(key: &rsa::pkcs1v15::SigningKey<D>, base: &BaseSource<'_>) -> Result<String, Error>
where
    D: Digest + rsa::pkcs8::AssociatedOid + hmac::digest::Update,
{
    use rsa::signature::{DigestSigner, SignatureEncoding};
    let mut sink = Hashing::new(D::new());
    base.put(&mut sink);
    let sig = key
        .try_sign_digest(sink.finish())
        .map_err(|_| Error::InvalidKey {
            what: "RSA signing failed",
        })?;
    Ok(BASE64.encode(sig.to_bytes()))
}

/// Collects a request's parameters (§3.4.1.3.1), to be sorted and written by
/// [`put_base_string`] (which leaves out `oauth_signature`).
///
/// `header_params` says whether the `OAuth` parameters of `parts.authorization`
/// count (they do for an already-signed request; `realm` never does); `form`
/// is the body when it is form-encoded ([`form_body`]), else empty.
pub(crate) fn collect<'a>(
    parts: &RequestParts<'a>,
    header_params: bool,
    form: &'a [u8],
    list: &mut ParamList<'a, '_>,
) -> Result<Url<'a>, Error> {
    let url = Url::parse(parts.url)?;
    if let Some(query) = url.query_on {
        list.add_query(query.as_bytes())?;
    }
    if let Some(header) = parts
        .authorization
        .filter(|h| header_params && is_oauth_scheme(h))
    {
        for param in HeaderParams::new(header)? {
            let param = param?;
            if param.name != "realm" {
                param.push_to(list)?;
            }
        }
    }
    if !form.is_empty() {
        list.add_form(form)?;
    }
    Ok(url)
}

/// The body of `parts` when it is form-encoded (its parameters are signed,
/// §3.4.1.3.1), else nothing.
fn form_body<'a>(parts: &RequestParts<'a>) -> &'a [u8] {
    if is_form(parts.content_type) {
        parts.body
    } else {
        &[]
    }
}

/// Writes the signature base string (§3.4.1.1) of a sorted list, with the
/// (sorted) protocol pairs `oauth` merged in. A pair of the list named
/// `oauth_signature` is left out (never signed, §3.4.1.3.1): only a list
/// with `oauth_*` names of its own can hold one, and those are written one
/// by one, looked at anyway.
pub(crate) fn put_base_string(
    method: &str,
    url: &Url<'_>,
    list: Sorted<'_>,
    owned: &[u8],
    oauth: &[OauthPair<'_>],
    oauth_at: Option<usize>,
    sink: &mut impl Sink,
) {
    let method = method.as_bytes();
    if method.iter().all(|b| b.is_ascii_uppercase()) {
        sink.put(method);
    } else {
        let mut upper = [0u8; 16];
        for chunk in method.chunks(upper.len()) {
            let out = upper.get_mut(..chunk.len()).unwrap_or_default();
            for (o, &b) in out.iter_mut().zip(chunk) {
                *o = b.to_ascii_uppercase();
            }
            put_encoded(out, sink);
        }
    }
    sink.put(b"&");
    url.put_base_uri_encoded(sink);
    sink.put(b"&");
    let Some((first, _)) = oauth.split_first() else {
        // The list has the protocol parameters (an already-signed request).
        put_signed_pairs(list, owned, false, sink);
        return;
    };
    // Most requests have no `oauth_*` parameter of their own: theirs sort
    // wholly before or wholly after the protocol parameters.
    let at = oauth_at
        .unwrap_or_else(|| list.partition_point(|p| sorts_before_oauth(resolve(p.name, owned))));
    let (head, tail) = list.split_at(at);
    if tail
        .get(0)
        .is_none_or(|p| !is_oauth_name(resolve(p.name, owned)))
    {
        put_normalized(head, owned, true, sink);
        for (i, pair) in oauth.iter().enumerate() {
            pair.put_base(i == 0 && head.is_empty(), sink);
        }
        tail.put_encoded(owned, true, sink);
        return;
    }
    // The request's parameters that sort before the first protocol
    // parameter, then a merge of the two sorted lists.
    let before = list.partition_point(|p| {
        cmp_pair(resolve(p.name, owned), resolve(p.value, owned), first) == Ordering::Less
    });
    let (head, rest) = list.split_at(before);
    let mut first_written = !put_signed_pairs(head, owned, false, sink);
    // The next of `rest` to write.
    let mut next = 0;
    for pair in oauth {
        while let Some(p) = rest.get(next) {
            let (name, value) = (resolve(p.name, owned), resolve(p.value, owned));
            if cmp_pair(name, value, pair) != Ordering::Less {
                break;
            }
            if is_signed(p, owned) {
                put_encoded_pair(p, owned, true, sink);
            }
            next += 1;
        }
        pair.put_base(first_written, sink);
        first_written = false;
    }
    put_signed_pairs(rest.split_at(next).1, owned, true, sink);
}

/// Whether a request's parameter is signed: all but `oauth_signature`
/// (§3.4.1.3.1).
fn is_signed(p: &Param<'_>, owned: &[u8]) -> bool {
    resolve(p.name, owned) != SIGNATURE.name.as_bytes()
}

/// Writes the signed pairs of `list` as a base string holds them, the
/// first after another pair when `after_another`; whether a pair now comes
/// before what is written next.
fn put_signed_pairs(
    list: Sorted<'_>,
    owned: &[u8],
    after_another: bool,
    sink: &mut impl Sink,
) -> bool {
    let mut wrote = after_another;
    list.for_each(|p| {
        if is_signed(p, owned) {
            put_encoded_pair(p, owned, wrote, sink);
            wrote = true;
        }
    });
    wrote
}

/// The order of a request's parameter (`name`, `value`, encoded) against a protocol pair.
#[inline]
fn cmp_pair(name: &[u8], value: &[u8], pair: &OauthPair<'_>) -> Ordering {
    cmp_encoded(name, pair.spec.name.as_bytes()).then_with(|| cmp_encoded(value, pair.bytes()))
}

/// The signature base string of a request as it stands (RFC 5849 §3.4.1):
/// parameters from the query, the `OAuth` `Authorization` header (without
/// `realm` and `oauth_signature`) and a form-encoded body, plus `extra`
/// (raw, unencoded pairs). `oauth_signature` is left out wherever it
/// appears (§3.4.1.3.1).
///
/// ```
/// use sansauth_oauth1::{RequestParts, base_string};
/// let parts = RequestParts::new("get", "http://Example.com:80/p?b=2&a=1");
/// assert_eq!(
///     base_string(&parts, &[("oauth_nonce", "n")]).unwrap(),
///     "GET&http%3A%2F%2Fexample.com%2Fp&a%3D1%26b%3D2%26oauth_nonce%3Dn",
/// );
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] for a URL that is not absolute, a bad percent-escape
/// or a broken `Authorization` header.
pub fn base_string(parts: &RequestParts<'_>, extra: &[(&str, &str)]) -> Result<String, Error> {
    let mut slots = [Param::EMPTY; INLINE];
    let mut list = ParamList::on(&mut slots);
    let url = collect(parts, true, form_body(parts), &mut list)?;
    for (name, value) in extra {
        if *name != "oauth_signature" {
            list.push_raw(name.as_bytes(), value.as_bytes());
        }
    }
    list.sort();
    let mut out = Vec::new();
    put_base_string(
        parts.method,
        &url,
        Sorted::in_place(list.as_slice()),
        list.owned(),
        &[],
        None,
        &mut out,
    );
    String::from_utf8(out).map_err(|_| Error::Malformed {
        what: "base string",
    })
}

/// A protocol parameter's name and the pieces that write it.
#[derive(Debug)]
pub(crate) struct OauthName {
    /// The name.
    pub(crate) name: &'static str,
    /// Its place in name order among the protocol names ([`PROTOCOL`]'s index).
    pub(crate) order: u8,
    /// `%26name%3D`: the pair's start in a base string, after another pair.
    base: &'static str,
    /// `", name="`: the pair's start in an `Authorization` header, after
    /// another pair (whose value the quote closes).
    pub(crate) header: &'static str,
    /// `&name=`: the pair's start in a form or query, after another pair.
    form: &'static str,
}

/// Defines the protocol names, given in name order (each `order` counts up from 0).
macro_rules! oauth_names {
    ($($id:ident = $name:literal),* $(,)?) => { oauth_names!(@ 0; $($id = $name,)*); };
    (@ $order:expr; $id:ident = $name:literal, $($rest:tt)*) => {
        pub(crate) const $id: OauthName = OauthName {
            name: $name,
            order: $order,
            base: concat!("%26", $name, "%3D"),
            header: concat!("\", ", $name, "=\""),
            form: concat!("&", $name, "="),
        };
        oauth_names!(@ $order + 1; $($rest)*);
    };
    (@ $order:expr;) => {};
}

/// A protocol name's `piece`, without its leading `separator` when the pair
/// comes `first` (every piece starts with its separator: only its length is
/// needed, no comparison).
#[inline]
fn lead(piece: &'static str, separator: &str, first: bool) -> &'static [u8] {
    let skip = if first { separator.len() } else { 0 };
    piece.as_bytes().get(skip..).unwrap_or_default()
}

/// The protocol parameters' names in name order (the order of
/// [`crate::verify`]'s slots).
pub(crate) static PROTOCOL: [&OauthName; 10] = [
    &BODY_HASH,
    &CALLBACK,
    &CONSUMER_KEY,
    &NONCE,
    &SIGNATURE,
    &SIGNATURE_METHOD,
    &TIMESTAMP,
    &TOKEN,
    &VERIFIER,
    &VERSION,
];

oauth_names! {
    BODY_HASH = "oauth_body_hash",
    CALLBACK = "oauth_callback",
    CONSUMER_KEY = "oauth_consumer_key",
    NONCE = "oauth_nonce",
    SIGNATURE = "oauth_signature",
    SIGNATURE_METHOD = "oauth_signature_method",
    TIMESTAMP = "oauth_timestamp",
    TOKEN = "oauth_token",
    VERIFIER = "oauth_verifier",
    VERSION = "oauth_version",
}

/// One protocol parameter of a signature, its value in its §3.6 encoding
/// (a slice of the request or the signer, or of an encoding made for it).
#[derive(Clone, Copy)]
pub(crate) struct OauthPair<'a> {
    spec: &'static OauthName,
    /// Borrowed text (never [`Text::is_owned`]).
    value: Text<'a>,
}

impl<'a> OauthPair<'a> {
    /// No pair (a free slot).
    pub(crate) const EMPTY: OauthPair<'static> = OauthPair {
        spec: &SIGNATURE,
        value: Text::plain(&[]),
    };

    /// A pair of `spec` with the encoded `value`, with its `%`s or without
    /// (an owned text is read from `owned`).
    pub(crate) fn new(spec: &'static OauthName, value: Text<'a>, owned: &'a [u8]) -> Self {
        let value = if value.is_owned() {
            // A re-encoded text may hold a `%`.
            Text::escaped_in(value.tail_in(owned), value.len())
        } else {
            value
        };
        Self { spec, value }
    }

    /// The value's bytes.
    fn bytes(&self) -> &'a [u8] {
        resolve(self.value, &[])
    }

    /// Writes `%26name%3Dvalue` as the base string holds the pair (without
    /// the `%26` when it is `first`).
    fn put_base(&self, first: bool, sink: &mut impl Sink) {
        sink.put(lead(self.spec.base, "%26", first));
        put_reencoded(self.value, &[], sink);
    }
}

/// The protocol parameters of one signature, in name order.
struct OauthPairs<'a> {
    pairs: [OauthPair<'a>; 9],
    len: usize,
    /// How many of them sort before `oauth_signature` (counted as they
    /// are pushed, so that placing the signature reads no pair).
    before_signature: usize,
}

impl<'a> OauthPairs<'a> {
    fn new() -> Self {
        Self {
            pairs: [OauthPair::EMPTY; 9],
            len: 0,
            before_signature: 0,
        }
    }

    /// Adds a value that is already encoded and holds no `%`.
    fn push_plain(&mut self, spec: &'static OauthName, encoded: &'a [u8]) {
        self.push(spec, Text::plain(encoded));
    }

    fn push(&mut self, spec: &'static OauthName, value: Text<'a>) {
        if let Some(slot) = self.pairs.get_mut(self.len) {
            *slot = OauthPair { spec, value };
            self.len += 1;
            self.before_signature += usize::from(spec.order < SIGNATURE.order);
        }
    }

    /// Adds a raw value: as it is when it needs no escape, else encoded
    /// into `encoded` (and taken from there by [`Self::borrow_encoded`]).
    #[inline(always)]
    fn push_raw(&mut self, spec: &'static OauthName, raw: &'a [u8], encoded: &mut Vec<u8>) {
        if all_unreserved(raw) {
            self.push_plain(spec, raw);
        } else {
            self.push_encoded(spec, raw, encoded);
        }
    }

    /// [`Self::push_raw`] of a value that needs escapes.
    #[cold]
    #[inline(never)]
    fn push_encoded(&mut self, spec: &'static OauthName, raw: &[u8], encoded: &mut Vec<u8>) {
        let start = encoded.len();
        encoded.reserve(encoded_len(raw));
        put_encoded(raw, encoded);
        self.push(spec, Text::owned_range(start, encoded.len()));
    }

    /// Points the values [`Self::push_raw`] encoded at `encoded`, once
    /// every one is there.
    fn borrow_encoded(&mut self, encoded: &'a [u8]) {
        for pair in self.pairs.iter_mut().take(self.len) {
            *pair = OauthPair::new(pair.spec, pair.value, encoded);
        }
    }

    fn as_slice(&self) -> &[OauthPair<'a>] {
        self.pairs.get(..self.len).unwrap_or_default()
    }

    /// The pairs that sort before `oauth_signature`, and those after it.
    fn around_signature(&self) -> (&[OauthPair<'a>], &[OauthPair<'a>]) {
        self.as_slice()
            .split_at(self.before_signature.min(self.len))
    }
}

/// Signs requests for one client (and optionally one token) with one method.
///
/// The signer keeps the keyed state (for HMAC, the key already absorbed), so
/// each signature only hashes the request. One signer serves any number of
/// requests; it holds secrets and never shows them in `Debug`.
#[derive(Clone)]
pub struct Signer {
    method: SignatureMethod,
    consumer_key: String,
    /// The consumer key in its §3.6 encoding, computed once.
    consumer_key_encoded: String,
    token: Option<String>,
    token_encoded: Option<String>,
    /// Whether the encoded consumer key and token hold a `%` (found once).
    consumer_key_escaped: bool,
    token_escaped: bool,
    key: Key,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("method", &self.method)
            .field("consumer_key", &self.consumer_key)
            .field("token", &self.token)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl Signer {
    /// A signer for an HMAC or PLAINTEXT method, with the client's
    /// credentials and, once the client has them, temporary or token credentials.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `method` is an RSA method.
    pub fn new(
        method: SignatureMethod,
        consumer_key: &str,
        consumer_secret: &ConsumerSecret,
        token: Option<&TokenCredentials>,
    ) -> Result<Self, Error> {
        let token_secret = token.map_or("", |t| t.secret().secret());
        let key = Key::from_secrets(method, consumer_secret.secret(), token_secret)?;
        Ok(Self::with_key(
            method,
            consumer_key,
            token.map(TokenCredentials::token),
            key,
        ))
    }

    /// A signer for an RSA method (§3.4.3); `token` is the `oauth_token` to
    /// send, if any (RSA does not use the token secret).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `method` is not an RSA method.
    #[cfg(feature = "rsa")]
    pub fn with_rsa_key(
        method: SignatureMethod,
        consumer_key: &str,
        key: &crate::RsaPrivateKey,
        token: Option<&str>,
    ) -> Result<Self, Error> {
        let key = Key::from_rsa(method, key)?;
        Ok(Self::with_key(method, consumer_key, token, key))
    }

    /// A signer of `key` for this client and token, their encodings found once.
    fn with_key(
        method: SignatureMethod,
        consumer_key: &str,
        token: Option<&str>,
        key: Key,
    ) -> Self {
        let consumer_key_encoded = encoded_string(consumer_key);
        let token_encoded = token.map(encoded_string);
        Self {
            method,
            consumer_key: consumer_key.into(),
            consumer_key_escaped: consumer_key_encoded.contains('%'),
            consumer_key_encoded,
            token: token.map(Into::into),
            token_escaped: token_encoded.as_ref().is_some_and(|t| t.contains('%')),
            token_encoded,
            key,
        }
    }

    /// The signature method.
    pub fn method(&self) -> SignatureMethod {
        self.method
    }

    /// The client identifier (`oauth_consumer_key`).
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The token (`oauth_token`) sent with each request, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Signs an already-built signature base string (§3.4.2–3.4.4).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the RSA operation fails.
    pub fn sign_base_string(&self, base_string: &str) -> Result<Signature, Error> {
        self.key.sign(&BaseSource::Raw(base_string.as_bytes()))
    }

    /// The protocol parameters this signer sends for `params`, body hash
    /// computed into `hash_buf` and timestamp formatted into `ts_buf`.
    fn oauth_pairs<'a>(
        &'a self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'a>,
        ts_buf: &'a mut [u8; 20],
        hash_buf: &'a mut [u8; 88],
        encoded: &mut Vec<u8>,
        out: &mut OauthPairs<'a>,
    ) -> Result<(), Error> {
        if params.body_hash {
            if is_form(parts.content_type) {
                return Err(Error::BodyHashNotAllowed);
            }
            let len = body_hash(self.method, parts.body, hash_buf);
            out.push_raw(&BODY_HASH, hash_buf.get(..len).unwrap_or_default(), encoded);
        }
        if let Some(callback) = params.callback {
            out.push_raw(&CALLBACK, callback.as_bytes(), encoded);
        }
        out.push(
            &CONSUMER_KEY,
            text_of(&self.consumer_key_encoded, self.consumer_key_escaped),
        );
        let plaintext = self.method == SignatureMethod::Plaintext;
        match params.nonce {
            Some(nonce) => out.push_raw(&NONCE, nonce.as_bytes(), encoded),
            None if plaintext => {}
            None => {
                return Err(Error::MissingParameter {
                    name: "oauth_nonce",
                });
            }
        }
        // Method names and decimal digits are unreserved.
        out.push_plain(&SIGNATURE_METHOD, self.method.as_str().as_bytes());
        match params.timestamp {
            Some(ts) => out.push_plain(&TIMESTAMP, format_u64(ts, ts_buf)),
            None if plaintext => {}
            None => {
                return Err(Error::MissingParameter {
                    name: "oauth_timestamp",
                });
            }
        }
        if let Some(token) = &self.token_encoded {
            out.push(&TOKEN, text_of(token, self.token_escaped));
        }
        if let Some(verifier) = params.verifier {
            out.push_raw(&VERIFIER, verifier.as_bytes(), encoded);
        }
        if let Some(version) = params.version {
            out.push_raw(&VERSION, version.as_bytes(), encoded);
        }
        Ok(())
    }

    fn with_base<T>(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
        then: impl FnOnce(&BaseSource<'_>, &OauthPairs<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (mut ts_buf, mut hash_buf) = ([0u8; 20], [0u8; 88]);
        // The encodings of the protocol values that needed one (none, mostly).
        let mut encoded = Vec::new();
        let mut oauth = OauthPairs::new();
        self.oauth_pairs(
            parts,
            params,
            &mut ts_buf,
            &mut hash_buf,
            &mut encoded,
            &mut oauth,
        )?;
        if !encoded.is_empty() {
            oauth.borrow_encoded(&encoded);
        }
        // The stack tier to read the parameters into, by the request's
        // length; a tier that turns out too small hands the request to the
        // next one, which reads it again (counting the `&`s up front cost
        // more than the rare second reading). The largest tier moves to the
        // heap when it is full.
        let form = form_body(parts);
        let len = parts.url.len() + form.len();
        if len <= SMALL_REQUEST {
            sorted_then::<SMALL, INLINE, T>(parts, form, &oauth, then)
        } else if len <= LARGE_REQUEST {
            sorted_then::<INLINE, LARGE, T>(parts, form, &oauth, then)
        } else {
            sorted_then::<LARGE, LARGE, T>(parts, form, &oauth, then)
        }
    }

    /// The signature base string this signer signs for `parts` (§3.4.1).
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`].
    pub fn base_string(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
    ) -> Result<String, Error> {
        self.with_base(parts, params, |base, _| {
            let mut out = Vec::new();
            base.put(&mut out);
            String::from_utf8(out).map_err(|_| Error::Malformed {
                what: "base string",
            })
        })
    }

    /// The signature for `parts` (§3.4), not yet placed in the request.
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`].
    pub fn signature(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
    ) -> Result<Signature, Error> {
        self.with_base(parts, params, |base, _| self.key.sign(base))
    }

    /// The `Authorization` header value for `parts` (§3.5.1):
    /// `OAuth realm="..", oauth_..="..", ...`, the `oauth_*` parameters in
    /// name order, each value percent-encoded and quoted.
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`].
    pub fn authorization(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
    ) -> Result<String, Error> {
        check_realm(params.realm)?;
        self.signed_pairs(parts, params, |oauth, sig| header(params.realm, oauth, sig))
    }

    /// Signs `parts` and places the protocol parameters (§3.5).
    ///
    /// With [`Placement::Header`] the result carries the `Authorization` value;
    /// with [`Placement::Query`], a new URL (the parameters appended to its
    /// query); with [`Placement::Body`], a new form body (the parameters
    /// appended) and its content type. Everything else about the request stays
    /// as the caller has it.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a URL that is not absolute, a bad
    /// percent-escape in the query or form body, a `realm` that cannot be
    /// quoted, or [`Placement::Body`] with a body that is not form-encoded;
    /// [`Error::BodyHashNotAllowed`] for `oauth_body_hash` on a form body;
    /// [`Error::InvalidKey`] when the RSA operation fails.
    pub fn sign(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
        placement: Placement,
    ) -> Result<SignedRequest, Error> {
        let mut out = SignedRequest {
            method: parts.method.into(),
            url: String::new(),
            authorization: None,
            content_type: parts.content_type.map(Into::into),
            body: Vec::new(),
        };
        match placement {
            Placement::Header => {
                out.authorization = Some(self.authorization(parts, params)?);
                out.url = parts.url.into();
                out.body = parts.body.to_vec();
            }
            Placement::Query => {
                out.url = self.signed_pairs(parts, params, |oauth, sig| {
                    let (head, fragment) = parts
                        .url
                        .find('#')
                        .map_or((parts.url, ""), |i| parts.url.split_at(i));
                    let sep: &[u8] = match head.find('?') {
                        None => b"?",
                        Some(i) if i + 1 == head.len() || head.ends_with('&') => b"",
                        Some(_) => b"&",
                    };
                    let mut counter = Counter(head.len() + sep.len() + fragment.len());
                    put_form_pairs(oauth, sig, &mut counter);
                    let mut url = Vec::with_capacity(counter.0);
                    url.put(head.as_bytes());
                    url.put(sep);
                    put_form_pairs(oauth, sig, &mut url);
                    url.put(fragment.as_bytes());
                    ascii_string(url)
                })?;
                out.body = parts.body.to_vec();
            }
            Placement::Body => {
                if !(is_form(parts.content_type)
                    || parts.content_type.is_none() && parts.body.is_empty())
                {
                    return Err(Error::Malformed {
                        what: "request for body placement (the body must be form-encoded)",
                    });
                }
                let body = self.signed_pairs(parts, params, |oauth, sig| {
                    let mut body = Vec::new();
                    let sep: &[u8] = if parts.body.is_empty() || parts.body.ends_with(b"&") {
                        b""
                    } else {
                        b"&"
                    };
                    let mut counter = Counter(parts.body.len() + sep.len());
                    put_form_pairs(oauth, sig, &mut counter);
                    body.reserve_exact(counter.0);
                    body.extend_from_slice(parts.body);
                    body.extend_from_slice(sep);
                    put_form_pairs(oauth, sig, &mut body);
                    body
                })?;
                out.url = parts.url.into();
                out.body = body;
                if out.content_type.is_none() {
                    out.content_type = Some(FORM_CONTENT_TYPE.into());
                }
            }
        }
        Ok(out)
    }

    /// Signs and hands the protocol pairs and the signature to `place`.
    fn signed_pairs<T>(
        &self,
        parts: &RequestParts<'_>,
        params: &ProtocolParams<'_>,
        place: impl FnOnce(&OauthPairs<'_>, &[u8]) -> T,
    ) -> Result<T, Error> {
        self.with_base(parts, params, |base, oauth| {
            self.key.sign_with(base, |sig| place(oauth, sig))
        })
    }

    /// Signs `parts` with a fresh nonce from the OS RNG and the system clock's time.
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`].
    #[cfg(feature = "std")]
    pub fn sign_now(
        &self,
        parts: &RequestParts<'_>,
        placement: Placement,
    ) -> Result<SignedRequest, Error> {
        let nonce = Nonce::random();
        self.sign(
            parts,
            &ProtocolParams::new(unix_now(), nonce.as_str()),
            placement,
        )
    }

    /// Signs an `http::Request` (its URI must be absolute) and returns it with
    /// the protocol parameters placed; the `Authorization` value is marked
    /// sensitive.
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`], and [`Error::Malformed`] for a relative URI or a
    /// `Content-Type` that is not visible ASCII.
    #[cfg(feature = "std")]
    pub fn sign_http<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
        params: &ProtocolParams<'_>,
        placement: Placement,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let (head, body) = request.into_parts();
        if head.uri.scheme().is_none() {
            return Err(Error::Malformed {
                what: "request URI (it must be absolute)",
            });
        }
        let url = head.uri.to_string();
        let content_type = match head.headers.get(http::header::CONTENT_TYPE) {
            Some(v) => Some(v.to_str().map_err(|_| Error::Malformed {
                what: "Content-Type header",
            })?),
            None => None,
        };
        let parts =
            RequestParts::new(head.method.as_str(), &url).with_body(content_type, body.as_ref());
        let signed = self.sign(&parts, params, placement)?;
        signed.into_http_from(head)
    }
}

/// Requests with at most this many bytes of URL and form body start in the
/// smallest stack tier of parameters.
const SMALL_REQUEST: usize = 256;

/// Requests with more bytes of URL and form body than this start in the
/// largest stack tier of parameters.
const LARGE_REQUEST: usize = 2048;

/// [`Signer::with_base`] with a list of `N` stack slots; a request with
/// more parameters is read again into `NEXT` slots (the largest tier, where
/// `NEXT == N`, moves to the heap instead).
fn sorted_then<'a, const N: usize, const NEXT: usize, T>(
    parts: &RequestParts<'a>,
    form: &'a [u8],
    oauth: &OauthPairs<'_>,
    then: impl FnOnce(&BaseSource<'_>, &OauthPairs<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut slots = [Param::EMPTY; N];
    let mut list = if NEXT > N {
        ParamList::on_fixed(&mut slots)
    } else {
        ParamList::on(&mut slots)
    };
    let url = collect(parts, false, form, &mut list)?;
    if list.overflowed() {
        return sorted_then::<NEXT, LARGE, T>(parts, form, oauth, then);
    }
    let mut order = [0; N];
    let (list, owned) = list.sorted(&mut order);
    let base = BaseSource::Parts {
        method: parts.method,
        url: &url,
        list,
        owned,
        oauth: oauth.as_slice(),
        oauth_at: None,
    };
    then(&base, oauth)
}

/// An encoded text of the signer's as parameter text (`escaped` when it holds a `%`).
fn text_of(encoded: &str, escaped: bool) -> Text<'_> {
    if escaped {
        Text::escaped(encoded.as_bytes())
    } else {
        Text::plain(encoded.as_bytes())
    }
}

/// The §3.6 encoding of `text`.
fn encoded_string(text: &str) -> String {
    let mut out = String::new();
    crate::encoding::percent_encode_into(text.as_bytes(), &mut out);
    out
}

/// `application/x-www-form-urlencoded`.
pub(crate) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A `String` of bytes that are known to be UTF-8 (ASCII escapes and
/// punctuation, and slices of `&str`s).
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// A `realm` goes in the header as written, so it must be quotable.
fn check_realm(realm: Option<&str>) -> Result<(), Error> {
    match realm {
        Some(r)
            if r.bytes()
                .any(|b| b == b'"' || b == b'\\' || b.is_ascii_control()) =>
        {
            Err(Error::Malformed {
                what: "realm (it cannot hold a quote, a backslash or a control character)",
            })
        }
        _ => Ok(()),
    }
}

/// The `Authorization` header value (§3.5.1), written once on the stack
/// when it fits (as it nearly always does), then copied into a string of
/// exactly its length; a longer one is counted first, then written.
fn header(realm: Option<&str>, oauth: &OauthPairs<'_>, sig: &[u8]) -> String {
    let mut stack = [0u8; 512];
    let mut out = SliceSink::new(&mut stack);
    put_header(realm, oauth, sig, &mut out);
    let bytes = if out.dropped {
        let mut len = Counter(0);
        put_header(realm, oauth, sig, &mut len);
        let mut out = Vec::with_capacity(len.0);
        put_header(realm, oauth, sig, &mut out);
        out
    } else {
        out.written().to_vec()
    };
    // Only the realm (a `&str`) and ASCII were written.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes the `Authorization` header value: the pairs in name order, the
/// signature in its place among them.
fn put_header(realm: Option<&str>, oauth: &OauthPairs<'_>, sig: &[u8], sink: &mut impl Sink) {
    sink.put(b"OAuth ");
    let mut first = true;
    if let Some(realm) = realm {
        sink.put(b"realm=\"");
        sink.put(realm.as_bytes());
        first = false;
    }
    // Each piece `", name="` closes the value before it.
    let mut start = |sink: &mut _, spec: &OauthName| {
        Sink::put(sink, lead(spec.header, "\", ", first));
        first = false;
    };
    let (before, after) = oauth.around_signature();
    for pair in before {
        start(sink, pair.spec);
        sink.put(pair.bytes());
    }
    start(sink, &SIGNATURE);
    put_encoded(sig, sink);
    for pair in after {
        start(sink, pair.spec);
        sink.put(pair.bytes());
    }
    sink.put(b"\"");
}

fn put_form_pairs(oauth: &OauthPairs<'_>, sig: &[u8], sink: &mut impl Sink) {
    for (i, pair) in oauth.as_slice().iter().enumerate() {
        sink.put(lead(pair.spec.form, "&", i == 0));
        sink.put(pair.bytes());
    }
    sink.put(b"&oauth_signature=");
    put_encoded(sig, sink);
}

pub(crate) fn body_hash(method: SignatureMethod, body: &[u8], out: &mut [u8; 88]) -> usize {
    let encode = |digest: &[u8], out: &mut [u8; 88]| BASE64.encode_slice(digest, out).unwrap_or(0);
    match method {
        SignatureMethod::HmacSha256 => encode(&Sha256::digest(body), out),
        SignatureMethod::HmacSha512 => encode(&Sha512::digest(body), out),
        #[cfg(feature = "rsa")]
        SignatureMethod::RsaSha256 => encode(&Sha256::digest(body), out),
        #[cfg(feature = "rsa")]
        SignatureMethod::RsaSha512 => encode(&Sha512::digest(body), out),
        _ => encode(&Sha1::digest(body), out),
    }
}

/// A request signed by [`Signer::sign`]: what to send, as owned parts.
#[derive(Clone)]
#[must_use]
pub struct SignedRequest {
    method: String,
    url: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            // The query may carry a PLAINTEXT signature, which is the secrets.
            .field("url", &self.url.split('?').next().unwrap_or_default())
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "[redacted]"),
            )
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl SignedRequest {
    /// The HTTP method, as given.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL to request (with the protocol parameters for [`Placement::Query`]).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `Authorization` header value, for [`Placement::Header`].
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// The `Content-Type` to send with the body, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body to send (with the protocol parameters for [`Placement::Body`]).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The request as an `http::Request`, with `Authorization` (marked
    /// sensitive) and `Content-Type` headers as needed.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when the method, URL or a header value is not
    /// acceptable to the `http` crate.
    #[cfg(feature = "std")]
    pub fn into_http(self) -> Result<http::Request<Vec<u8>>, Error> {
        let (head, ()) = http::Request::new(()).into_parts();
        self.into_http_from(head)
    }

    #[cfg(feature = "std")]
    fn into_http_from(
        self,
        mut head: http::request::Parts,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        fn bad<E>(what: &'static str) -> impl FnOnce(E) -> Error {
            move |_| Error::Malformed { what }
        }
        head.method = http::Method::from_bytes(self.method.as_bytes()).map_err(bad("method"))?;
        head.uri = self.url.parse().map_err(bad("URL"))?;
        if let Some(auth) = self.authorization {
            let mut value =
                http::HeaderValue::from_str(&auth).map_err(bad("Authorization header"))?;
            value.set_sensitive(true);
            head.headers.insert(http::header::AUTHORIZATION, value);
        }
        if let Some(ct) = self.content_type {
            let value = http::HeaderValue::from_str(&ct).map_err(bad("Content-Type header"))?;
            head.headers.insert(http::header::CONTENT_TYPE, value);
        }
        Ok(http::Request::from_parts(head, self.body))
    }
}

/// Parameter names that sort before, among and after the protocol names
/// and share their prefixes: the tests of merging use every subset.
#[cfg(test)]
pub(crate) const NAMES_AROUND_PROTOCOL: [&str; 11] = [
    "a",
    "oauth_",
    "oauth_a",
    "oauth_consumer",
    "oauth_d",
    "oauth_nonce_x",
    "oauth_s",
    "oauth_signature_methods",
    "oauth_tz",
    "oauth_z",
    "z",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_is_no_part_of_the_query() {
        for (url, want) in [
            ("http://example.com/p?b=2&a=1#x=3&c", "a%3D1%26b%3D2"),
            ("http://example.com/p?b=2&a=1#", "a%3D1%26b%3D2"),
            ("http://example.com/p?b=2&a#1", "a%3D%26b%3D2"),
            ("http://example.com/p?#b=2", ""),
            ("http://example.com/p#b=2?a=1", ""),
        ] {
            let base = base_string(&RequestParts::new("GET", url), &[]).unwrap();
            assert_eq!(
                base,
                alloc::format!("GET&http%3A%2F%2Fexample.com%2Fp&{want}"),
                "{url}"
            );
        }
    }

    #[test]
    fn protocol_pairs_merge_into_request_parameters_named_like_them() {
        // Request parameters whose names sort before, among and after the
        // protocol parameters (and share their prefixes), in every subset:
        // the merge must agree with one sort of everything together.
        let names = NAMES_AROUND_PROTOCOL;
        let token = TokenCredentials::new("tok en", crate::TokenSecret::new("ts"));
        let signer = Signer::new(
            SignatureMethod::HmacSha1,
            "key~1",
            &ConsumerSecret::new("cs"),
            Some(&token),
        )
        .unwrap();
        let params = ProtocolParams::new(1_318_622_958, "n%nce")
            .with_version("1.0")
            .with_callback("http://cb.example/x?y=1")
            .with_verifier("v");
        // With names that sort before and after all of them, every other
        // subset has more than a few parameters (a list the signer writes
        // in an order of indexes, not moved).
        let fillers = ["b0", "b1", "b2", "b3", "b4", "b5", "y0", "y1", "y2", "y3"];
        for subset in 0u32..1 << names.len() {
            let mut query = String::new();
            let with_fillers = subset % 2 == 1;
            for (i, name) in names.iter().enumerate() {
                if subset >> i & 1 == 1 {
                    query.push_str(if query.is_empty() { "?" } else { "&" });
                    query.push_str(&alloc::format!("{name}={i}"));
                }
            }
            for filler in fillers.iter().filter(|_| with_fillers) {
                query.push_str(&alloc::format!("&{filler}=f"));
            }
            let url = alloc::format!("http://example.com/p{query}");
            let parts = RequestParts::new("GET", &url);
            let merged = signer.base_string(&parts, &params).unwrap();
            let together = base_string(
                &parts,
                &[
                    ("oauth_callback", "http://cb.example/x?y=1"),
                    ("oauth_consumer_key", "key~1"),
                    ("oauth_nonce", "n%nce"),
                    ("oauth_signature_method", "HMAC-SHA1"),
                    ("oauth_timestamp", "1318622958"),
                    ("oauth_token", "tok en"),
                    ("oauth_verifier", "v"),
                    ("oauth_version", "1.0"),
                ],
            )
            .unwrap();
            assert_eq!(merged, together, "{url}");
        }
    }

    #[test]
    fn oauth_signature_is_never_signed_and_its_neighbours_are() {
        // §3.4.1.3.1, wherever it is and however often; the names that sort
        // right before and after it stay.
        let url = "http://e.x/p?b=2&oauth_signature=x&a=1&oauth_signatur=3\
                   &oauth_signature=y&oauth_signaturez=4";
        let parts = RequestParts::new("GET", url)
            .with_body(Some(FORM_CONTENT_TYPE), b"oauth_signature=z&c=5");
        assert_eq!(
            base_string(&parts, &[("oauth_signature", "w")]).unwrap(),
            "GET&http%3A%2F%2Fe.x%2Fp&a%3D1%26b%3D2%26c%3D5\
             %26oauth_signatur%3D3%26oauth_signaturez%3D4"
        );
        // A signer drops them too, and merges its own pairs around the rest.
        let signer = Signer::new(
            SignatureMethod::HmacSha1,
            "k",
            &ConsumerSecret::new("s"),
            None,
        );
        let params = ProtocolParams::new(1, "n");
        assert_eq!(
            signer.unwrap().base_string(&parts, &params).unwrap(),
            "GET&http%3A%2F%2Fe.x%2Fp&a%3D1%26b%3D2%26c%3D5\
             %26oauth_consumer_key%3Dk%26oauth_nonce%3Dn%26oauth_signatur%3D3\
             %26oauth_signature_method%3DHMAC-SHA1%26oauth_signaturez%3D4%26oauth_timestamp%3D1"
        );
    }

    #[test]
    fn headers_longer_than_the_stack_buffer_are_written_whole() {
        use crate::parse_authorization;
        let signer = Signer::new(
            SignatureMethod::HmacSha1,
            "k",
            &ConsumerSecret::new("s"),
            None,
        )
        .unwrap();
        let parts = RequestParts::new("GET", "https://a.example/r");
        for len in [0, 300, 511, 512, 600, 2000] {
            let realm = "r".repeat(len);
            let callback = alloc::format!("https://c.example/{}", "c".repeat(len / 2));
            let params = ProtocolParams::new(1, "n")
                .with_realm(&realm)
                .with_callback(&callback);
            let header = signer.authorization(&parts, &params).unwrap();
            let parsed = parse_authorization(&header).unwrap();
            assert_eq!(parsed.realm.as_deref(), Some(realm.as_str()), "{len}");
            assert_eq!(parsed.get("oauth_callback"), Some(callback.as_str()));
            assert_eq!(parsed.get("oauth_nonce"), Some("n"));
            let sig = signer.signature(&parts, &params).unwrap();
            assert_eq!(parsed.get("oauth_signature"), Some(sig.as_str()));
            assert!(header.ends_with('"'), "{header}");
        }
    }

    #[test]
    fn protocol_names_are_listed_in_name_order_with_their_places() {
        for (i, spec) in PROTOCOL.iter().enumerate() {
            assert_eq!(usize::from(spec.order), i, "{}", spec.name);
        }
        assert!(PROTOCOL.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn digests_are_base64_as_rfc_4648_writes_them() {
        let base64 = |raw: &[u8]| {
            let mut buf = [0u8; 88];
            base64_into(raw, &mut buf).map(|len| String::from_utf8(buf[..len].to_vec()).unwrap())
        };
        // RFC 4648 §10's test vectors, then every length a digest can have.
        for (raw, want) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw).as_deref(), Some(want));
        }
        let bytes: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
        for len in 0..=64 {
            for start in [0, 1, 100, 200, 300] {
                let digest = &bytes[start..start + len];
                assert_eq!(base64(digest), Some(BASE64.encode(digest)));
            }
        }
        // Longer than any digest: refused, not cut short.
        assert_eq!(base64(&[7; 67]), None);
    }
    use crate::verify::{MemoryNonceStore, Verifier, VerifyKey, parse_request};

    /// RFC 5849 §3.4.1.1's request.
    const RFC_AUTH: &str = "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\", \
        oauth_token=\"kkk9d7dh3k39sjv7\", oauth_signature_method=\"HMAC-SHA1\", \
        oauth_timestamp=\"137131201\", oauth_nonce=\"7d8f3e4a\", \
        oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"";

    fn rfc_parts() -> RequestParts<'static> {
        RequestParts::new(
            "POST",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
        )
        .with_body(Some("application/x-www-form-urlencoded"), b"c2&a3=2+q")
        .with_authorization(RFC_AUTH)
    }

    #[test]
    fn rfc5849_3_4_1_1_base_string() {
        assert_eq!(
            base_string(&rfc_parts(), &[]).unwrap(),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    fn photos_signer() -> Signer {
        let token = TokenCredentials::new(
            "nnch734d00sl2jdk",
            crate::TokenSecret::new("pfkkdhi9sl3r4s00"),
        );
        Signer::new(
            SignatureMethod::HmacSha1,
            "dpf43f3p2l4k3l03",
            &ConsumerSecret::new("kd94hf93k423kf44"),
            Some(&token),
        )
        .unwrap()
    }

    #[test]
    fn versions_are_sent_encoded() {
        let parts = RequestParts::new("GET", "http://photos.example.net/photos?size=original");
        for (version, in_base, in_header) in [
            ("1.0", "%26oauth_version%3D1.0", "oauth_version=\"1.0\""),
            // Not a version this protocol has, but what a caller sets is
            // sent, encoded like any value (§3.6), and encoded again in
            // the base string (§3.4.1.3.2).
            (
                "2.0 beta",
                "%26oauth_version%3D2.0%2520beta",
                "oauth_version=\"2.0%20beta\"",
            ),
        ] {
            let params = ProtocolParams::new(137_131_202, "chapoH").with_version(version);
            let signer = photos_signer();
            let base = signer.base_string(&parts, &params).unwrap();
            assert!(base.contains(in_base), "{base}");
            let header = signer.authorization(&parts, &params).unwrap();
            assert!(header.ends_with(in_header), "{header}");
        }
    }

    /// RFC 5849 §1.2: the signed request for the vacation photo.
    #[test]
    fn rfc5849_1_2_header() {
        let parts = RequestParts::new(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
        );
        let params = ProtocolParams::new(137131202, "chapoH").with_realm("Photos");
        let header = photos_signer().authorization(&parts, &params).unwrap();
        assert_eq!(
            header,
            "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", \
             oauth_token=\"nnch734d00sl2jdk\""
        );
        // The server side accepts it, once.
        let signed = parts.with_authorization(&header);
        let parsed = parse_request(&signed).unwrap();
        assert_eq!(parsed.realm(), Some("Photos"));
        let key = VerifyKey::Secrets {
            consumer_secret: &ConsumerSecret::new("kd94hf93k423kf44"),
            token_secret: Some(&crate::TokenSecret::new("pfkkdhi9sl3r4s00")),
        };
        let mut store = MemoryNonceStore::new(300, 10);
        let verifier = Verifier::new();
        assert_eq!(verifier.verify(&parsed, key, 137131250, &mut store), Ok(()));
        assert_eq!(
            verifier.verify(&parsed, key, 137131250, &mut store),
            Err(Error::ReplayedNonce)
        );
        assert_eq!(
            verifier.verify(&parsed, key, 137131202 + 301, &mut store),
            Err(Error::StaleTimestamp)
        );
    }

    #[test]
    fn query_and_body_placements_keep_what_was_there() {
        let signer = photos_signer();
        let params = ProtocolParams::new(137131202, "chapoH");
        let parts = RequestParts::new(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg#top",
        );
        let signed = signer.sign(&parts, &params, Placement::Query).unwrap();
        assert!(
            signed.url().starts_with(
                "http://photos.example.net/photos?file=vacation.jpg&oauth_consumer_key="
            )
        );
        assert!(signed.url().ends_with("#top"));
        assert!(signed.url().contains("&oauth_signature="));
        let form = RequestParts::new("POST", "http://photos.example.net/photos")
            .with_body(Some(FORM_CONTENT_TYPE), b"a=1");
        let signed = signer.sign(&form, &params, Placement::Body).unwrap();
        assert!(signed.body().starts_with(b"a=1&oauth_consumer_key="));
        let json = RequestParts::new("POST", "http://photos.example.net/photos")
            .with_body(Some("application/json"), b"{}");
        assert_eq!(
            signer
                .sign(&json, &params, Placement::Body)
                .err()
                .map(|e| e.code()),
            Some("malformed")
        );
        assert_eq!(
            signer
                .sign(&form, &params.with_body_hash(), Placement::Header)
                .err()
                .map(|e| e.code()),
            Some("body_hash_not_allowed")
        );
    }

    #[test]
    fn every_method_signs_and_verifies_in_every_placement() {
        let cs = ConsumerSecret::new("c s");
        let ts = crate::TokenSecret::new("t&s");
        let token = TokenCredentials::new("tok", ts.clone());
        for &method in &[
            SignatureMethod::HmacSha1,
            SignatureMethod::HmacSha256,
            SignatureMethod::HmacSha512,
            SignatureMethod::Plaintext,
        ] {
            let signer = Signer::new(method, "ck", &cs, Some(&token)).unwrap();
            for placement in [Placement::Header, Placement::Query, Placement::Body] {
                let parts = RequestParts::new("post", "https://A.example:443/p%20q?x=1+2&y=%7E");
                let params = ProtocolParams::new(1000, "n").with_version("1.0");
                let signed = signer.sign(&parts, &params, placement).unwrap();
                let mut incoming = RequestParts::new("POST", signed.url())
                    .with_body(signed.content_type(), signed.body());
                incoming.authorization = signed.authorization();
                let parsed = parse_request(&incoming).unwrap();
                let key = VerifyKey::Secrets {
                    consumer_secret: &cs,
                    token_secret: Some(&ts),
                };
                let store = MemoryNonceStore::new(300, 10);
                assert_eq!(
                    Verifier::new().verify(&parsed, key, 1000, store),
                    Ok(()),
                    "{method} {placement:?}"
                );
                let wrong = VerifyKey::Secrets {
                    consumer_secret: &cs,
                    token_secret: None,
                };
                let store = MemoryNonceStore::new(300, 10);
                assert_eq!(
                    Verifier::new().verify(&parsed, wrong, 1000, store),
                    Err(Error::BadSignature)
                );
            }
        }
    }

    #[test]
    fn parts_from_header_pairs_and_debug_without_secrets() {
        let headers = [
            ("Authorization", "Bearer x"),
            ("authorization", "OAuth oauth_nonce=\"n\""),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        let parts = RequestParts::from_headers("POST", "http://a.example/", &headers, b"a=1");
        assert_eq!(parts.authorization, Some("OAuth oauth_nonce=\"n\""));
        assert_eq!(
            parts.content_type,
            Some("application/x-www-form-urlencoded")
        );

        let cs = ConsumerSecret::new("hunter2");
        let signer = Signer::new(SignatureMethod::Plaintext, "ck", &cs, None).unwrap();
        let signed = signer
            .sign(
                &RequestParts::new("GET", "https://a.example/p"),
                &ProtocolParams::untimed(),
                Placement::Query,
            )
            .unwrap();
        assert!(signed.url().contains("oauth_signature=hunter2%26"));
        let shown = alloc::format!("{signed:?} {signer:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        // PLAINTEXT may go without timestamp and nonce; HMAC may not.
        let hmac = Signer::new(SignatureMethod::HmacSha1, "ck", &cs, None).unwrap();
        assert_eq!(
            hmac.sign(
                &RequestParts::new("GET", "https://a.example/p"),
                &ProtocolParams::untimed(),
                Placement::Header
            )
            .unwrap_err(),
            Error::MissingParameter {
                name: "oauth_nonce"
            }
        );
    }

    #[cfg(feature = "std")]
    #[test]
    fn signing_reaches_http_requests() {
        let req = http::Request::post("http://photos.example.net/photos?x=1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"y=2".to_vec())
            .unwrap();
        let params = ProtocolParams::new(137131202, "chapoH");
        let signed = photos_signer()
            .sign_http(req, &params, Placement::Header)
            .unwrap();
        let auth = signed.headers().get(http::header::AUTHORIZATION).unwrap();
        assert!(auth.is_sensitive());
        assert!(
            auth.to_str()
                .unwrap()
                .starts_with("OAuth oauth_consumer_key=")
        );
        assert_eq!(signed.body(), b"y=2");
    }
}
