//! Signature methods (RFC 5849 §3.4).

use core::fmt;
use core::str::FromStr;

use crate::Error;

/// A signature method (RFC 5849 §3.4), named on the wire by `oauth_signature_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `HMAC-SHA1` (§3.4.2).
    HmacSha1,
    /// `HMAC-SHA256`: §3.4.2 with SHA-256, a common extension.
    HmacSha256,
    /// `HMAC-SHA512`: §3.4.2 with SHA-512, a common extension.
    HmacSha512,
    /// `PLAINTEXT` (§3.4.4): the key itself, for use over TLS only.
    Plaintext,
    /// `RSA-SHA1` (§3.4.3), RSASSA-PKCS1-v1_5.
    #[cfg(feature = "rsa")]
    RsaSha1,
    /// `RSA-SHA256`: §3.4.3 with SHA-256, a common extension.
    #[cfg(feature = "rsa")]
    RsaSha256,
    /// `RSA-SHA512`: §3.4.3 with SHA-512, a common extension.
    #[cfg(feature = "rsa")]
    RsaSha512,
}

impl SignatureMethod {
    /// Every method this build supports.
    pub const ALL: &'static [Self] = &[
        Self::HmacSha1,
        Self::HmacSha256,
        Self::HmacSha512,
        Self::Plaintext,
        #[cfg(feature = "rsa")]
        Self::RsaSha1,
        #[cfg(feature = "rsa")]
        Self::RsaSha256,
        #[cfg(feature = "rsa")]
        Self::RsaSha512,
    ];

    /// The wire name (`HMAC-SHA1`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha512 => "HMAC-SHA512",
            Self::Plaintext => "PLAINTEXT",
            #[cfg(feature = "rsa")]
            Self::RsaSha1 => "RSA-SHA1",
            #[cfg(feature = "rsa")]
            Self::RsaSha256 => "RSA-SHA256",
            #[cfg(feature = "rsa")]
            Self::RsaSha512 => "RSA-SHA512",
        }
    }

    /// Whether the method signs with an RSA key rather than shared secrets.
    pub fn is_rsa(self) -> bool {
        !matches!(
            self,
            Self::HmacSha1 | Self::HmacSha256 | Self::HmacSha512 | Self::Plaintext
        )
    }

    /// A bit of its own, for sets of methods.
    pub(crate) fn bit(self) -> u8 {
        match self {
            Self::HmacSha1 => 1,
            Self::HmacSha256 => 2,
            Self::HmacSha512 => 4,
            Self::Plaintext => 8,
            #[cfg(feature = "rsa")]
            Self::RsaSha1 => 16,
            #[cfg(feature = "rsa")]
            Self::RsaSha256 => 32,
            #[cfg(feature = "rsa")]
            Self::RsaSha512 => 64,
        }
    }
}

impl FromStr for SignatureMethod {
    type Err = Error;

    /// Reads a wire name; names are case-sensitive (RFC 5849 §3.4).
    fn from_str(name: &str) -> Result<Self, Error> {
        Self::from_name(name.as_bytes())
    }
}

impl SignatureMethod {
    /// [`FromStr`] of a name's bytes. Every name is unreserved (§3.6), so a
    /// name's encoding is the name: encoded text can be read as it is.
    pub(crate) fn from_name(name: &[u8]) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .copied()
            .find(|m| m.as_str().as_bytes() == name)
            .ok_or(Error::UnsupportedSignatureMethod)
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
