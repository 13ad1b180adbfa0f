//! Credentials (RFC 5849 §1.1): identifiers in the clear, secrets in newtypes
//! that hide themselves from `Debug` and are wiped from memory on drop.

use alloc::string::String;
use core::fmt;

use zeroize::Zeroizing;

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a secret.
            pub fn new(secret: impl Into<String>) -> Self {
                Self(Zeroizing::new(secret.into()))
            }

            /// The secret itself.
            ///
            /// **Security warning:** the value must not reach logs, URLs or
            /// error messages.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret! {
    /// The client's shared secret (RFC 5849 §1.1 "client credentials"; the
    /// "consumer secret" of OAuth Core 1.0).
    ConsumerSecret
}

secret! {
    /// The secret of temporary or token credentials (RFC 5849 §1.1).
    TokenSecret
}

/// A token and its secret: temporary credentials (§2.1) or token credentials (§2.3).
#[derive(Debug, Clone)]
pub struct TokenCredentials {
    token: String,
    secret: TokenSecret,
}

impl TokenCredentials {
    /// A token and its secret.
    pub fn new(token: impl Into<String>, secret: TokenSecret) -> Self {
        Self {
            token: token.into(),
            secret,
        }
    }

    /// The token (`oauth_token`), which is not secret.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The token secret.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }
}

#[cfg(feature = "rsa")]
mod rsa_keys {
    use core::fmt;

    use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};

    use crate::Error;

    /// An RSA private key for the `RSA-SHA*` methods (RFC 5849 §3.4.3).
    ///
    /// `Debug` prints `[redacted]`; the key material is zeroized on drop
    /// (by the `rsa` crate).
    #[derive(Clone)]
    pub struct RsaPrivateKey(pub(crate) rsa::RsaPrivateKey);

    impl RsaPrivateKey {
        /// Reads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
        /// (`BEGIN RSA PRIVATE KEY`).
        ///
        /// # Errors
        ///
        /// [`Error::InvalidKey`] when the PEM holds no unencrypted RSA private key.
        pub fn from_pem(pem: &str) -> Result<Self, Error> {
            let pem = pem.trim();
            rsa::RsaPrivateKey::from_pkcs8_pem(pem)
                .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
                .map(Self)
                .map_err(|_| Error::InvalidKey {
                    what: "not a PEM RSA private key (PKCS#8 or PKCS#1)",
                })
        }

        /// The matching public key.
        pub fn public_key(&self) -> RsaPublicKey {
            RsaPublicKey(self.0.to_public_key())
        }
    }

    impl fmt::Debug for RsaPrivateKey {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("RsaPrivateKey([redacted])")
        }
    }

    /// An RSA public key, to verify `RSA-SHA*` signatures (RFC 5849 §3.4.3.2).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RsaPublicKey(pub(crate) rsa::RsaPublicKey);

    impl RsaPublicKey {
        /// Reads a PEM public key: SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`),
        /// PKCS#1 (`BEGIN RSA PUBLIC KEY`), or the subject key of an X.509
        /// certificate (`BEGIN CERTIFICATE`, as RSA-SHA1 servers were often
        /// given; the certificate itself is not checked).
        ///
        /// # Errors
        ///
        /// [`Error::InvalidKey`] when the PEM holds no RSA public key.
        pub fn from_pem(pem: &str) -> Result<Self, Error> {
            let pem = pem.trim();
            rsa::RsaPublicKey::from_public_key_pem(pem)
                .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem))
                .ok()
                .or_else(|| key_of_certificate(pem))
                .map(Self)
                .ok_or(Error::InvalidKey {
                    what: "not a PEM RSA public key (SubjectPublicKeyInfo, PKCS#1 or certificate)",
                })
        }
    }

    /// The subject public key of a PEM X.509 certificate (RFC 5280 §4.1).
    fn key_of_certificate(pem: &str) -> Option<rsa::RsaPublicKey> {
        use rsa::pkcs8::der::asn1::AnyRef;
        use rsa::pkcs8::der::{Decode, Document, Encode, Reader, SliceReader, Tag, TagNumber};

        let (label, doc) = Document::from_pem(pem).ok()?;
        if label != "CERTIFICATE" {
            return None;
        }
        let mut reader = SliceReader::new(doc.as_bytes()).ok()?;
        let spki = reader
            .sequence(|cert| {
                let spki = cert.sequence(|tbs| {
                    let version = Tag::ContextSpecific {
                        constructed: true,
                        number: TagNumber::N0,
                    };
                    if tbs.peek_tag()? == version {
                        AnyRef::decode(tbs)?;
                    }
                    // serialNumber, signature, issuer, validity, subject
                    for _ in 0..5 {
                        AnyRef::decode(tbs)?;
                    }
                    let spki = AnyRef::decode(tbs)?.to_der()?;
                    let rest = tbs.remaining_len();
                    tbs.read_slice(rest)?;
                    Ok(spki)
                })?;
                let rest = cert.remaining_len();
                cert.read_slice(rest)?;
                Ok(spki)
            })
            .ok()?;
        rsa::RsaPublicKey::from_public_key_der(&spki).ok()
    }
}

#[cfg(feature = "rsa")]
pub use rsa_keys::{RsaPrivateKey, RsaPublicKey};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug() {
        let creds = TokenCredentials::new("tok", TokenSecret::new("hunter2"));
        let shown = alloc::format!("{creds:?} {:?}", ConsumerSecret::new("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(creds.secret().secret(), "hunter2");
    }
}
