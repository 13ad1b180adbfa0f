//! Proof Key for Code Exchange (RFC 7636): verifiers, challenges, and the
//! server's check. S256 is the default; `plain` only when asked.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::Error;

/// How the challenge is derived from the verifier (RFC 7636 §4.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PkceMethod {
    /// `BASE64URL(SHA256(verifier))`, the default.
    #[default]
    #[serde(rename = "S256")]
    S256,
    /// The verifier itself; only for clients that cannot hash (§4.2).
    #[serde(rename = "plain")]
    Plain,
}

impl PkceMethod {
    /// The `code_challenge_method` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
        }
    }

    /// Reads a `code_challenge_method` value (case-sensitive, §4.3).
    pub fn parse(value: &str) -> Result<Self, Error> {
        match value {
            "S256" => Ok(Self::S256),
            "plain" => Ok(Self::Plain),
            other => Err(Error::UnsupportedChallengeMethod(other.to_owned())),
        }
    }
}

/// A code verifier (RFC 7636 §4.1): 43 to 128 characters of `[A-Za-z0-9-._~]`.
///
/// Not `Clone` on purpose: it is meant to be used once. It implements serde so
/// that it can be stored with the pending authorization until the callback.
#[derive(Deserialize)]
#[serde(try_from = "String")]
pub struct PkceVerifier(String);

impl Serialize for PkceVerifier {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl PkceVerifier {
    /// A verifier from 32 random bytes, base64url without padding (43 characters, §4.1).
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        let verifier = Self(crate::encode_b64url(&bytes));
        bytes.zeroize();
        verifier
    }

    /// A verifier from its text, checked against §4.1.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        let ok = (43..=128).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if ok {
            Ok(Self(value))
        } else {
            Err(Error::InvalidCodeVerifier)
        }
    }

    /// The verifier.
    ///
    /// **Security warning:** whoever holds it can redeem the code.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The challenge sent on the authorization request (§4.2).
    pub fn challenge(&self, method: PkceMethod) -> PkceChallenge {
        let challenge = match method {
            PkceMethod::S256 => crate::encode_b64url(&Sha256::digest(self.0.as_bytes())),
            PkceMethod::Plain => self.0.clone(),
        };
        PkceChallenge { challenge, method }
    }
}

impl TryFrom<String> for PkceVerifier {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

impl Drop for PkceVerifier {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Constant-time in the contents.
impl PartialEq for PkceVerifier {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.as_bytes().ct_eq(other.0.as_bytes()))
    }
}

impl Eq for PkceVerifier {}

/// A code challenge and its method (RFC 7636 §4.3), as a server stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PkceChallenge {
    /// The `code_challenge` value.
    pub challenge: String,
    /// The `code_challenge_method`.
    pub method: PkceMethod,
}

impl PkceChallenge {
    /// A challenge as received.
    pub fn new(challenge: impl Into<String>, method: PkceMethod) -> Self {
        Self {
            challenge: challenge.into(),
            method,
        }
    }

    /// The server's check (§4.6): derives the challenge from `verifier` and
    /// compares in constant time.
    pub fn verify(&self, verifier: &PkceVerifier) -> Result<(), Error> {
        let derived = verifier.challenge(self.method);
        if bool::from(
            derived
                .challenge
                .as_bytes()
                .ct_eq(self.challenge.as_bytes()),
        ) {
            Ok(())
        } else {
            Err(Error::PkceMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPENDIX_B_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn appendix_b() {
        let v = PkceVerifier::new(APPENDIX_B_VERIFIER).unwrap();
        let c = v.challenge(PkceMethod::S256);
        assert_eq!(c.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(c.verify(&v).is_ok());
        assert_eq!(
            v.challenge(PkceMethod::Plain).challenge,
            APPENDIX_B_VERIFIER
        );
    }

    #[test]
    fn bad_verifiers_are_refused() {
        assert_eq!(
            PkceVerifier::new("short").err(),
            Some(Error::InvalidCodeVerifier)
        );
        assert_eq!(
            PkceVerifier::new("a".repeat(129)).err(),
            Some(Error::InvalidCodeVerifier)
        );
        assert_eq!(
            PkceVerifier::new(format!("{}+", "a".repeat(43))).err(),
            Some(Error::InvalidCodeVerifier)
        );
        assert!(PkceVerifier::new("a".repeat(128)).is_ok());
    }

    #[test]
    fn mismatch_is_detected() {
        let v = PkceVerifier::new(APPENDIX_B_VERIFIER).unwrap();
        let other = PkceVerifier::new("b".repeat(43)).unwrap();
        let c = v.challenge(PkceMethod::S256);
        assert_eq!(c.verify(&other), Err(Error::PkceMismatch));
        assert_eq!(
            PkceMethod::parse("s256"),
            Err(Error::UnsupportedChallengeMethod("s256".into()))
        );
    }

    #[test]
    fn generated_verifier_is_valid_and_redacted() {
        let mut rng = crate::tests_rng::Counter(1);
        let v = PkceVerifier::generate(&mut rng);
        assert_eq!(v.secret().len(), 43);
        assert!(PkceVerifier::new(v.secret()).is_ok());
        assert_eq!(format!("{v:?}"), "PkceVerifier([redacted])");
        let json = serde_json::to_string(&v).unwrap();
        let back: PkceVerifier = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<PkceVerifier>("\"short\"").is_err());
    }
}
