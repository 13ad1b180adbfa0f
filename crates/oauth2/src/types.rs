//! Newtypes for the strings that must not be mixed up, and for the secrets
//! that must not leak.
//!
//! Secret types print `Name([redacted])` in `Debug`, have no `Display`, are
//! zeroized on drop, compare in constant time, and are read with an explicit
//! `.secret()` call. They implement serde so that token stores can persist
//! them: whatever you serialize them into is as sensitive as they are.

use std::fmt;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

macro_rules! plain_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident $(, $clone:ident)?) => {
        $(#[$doc])*
        #[derive(Serialize, Deserialize $(, $clone)?)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret value.
            ///
            /// **Security warning:** whatever receives this value can leak
            /// it; never log it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        /// Constant-time in the contents (the length is not hidden).
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                bool::from(self.0.as_bytes().ct_eq(other.0.as_bytes()))
            }
        }

        impl Eq for $name {}
    };
}

plain_type!(
    /// A client identifier (RFC 6749 §2.2).
    ClientId
);
plain_type!(
    /// An opaque value the client sends and expects back unchanged (RFC 6749 §4.1.1, §10.12).
    State
);
plain_type!(
    /// A redirection endpoint (RFC 6749 §3.1.2), compared as a string.
    RedirectUri
);
plain_type!(
    /// One scope token (RFC 6749 §3.3).
    Scope
);
plain_type!(
    /// An access token type (RFC 6749 §7.1), compared case-insensitively by [`TokenType::is`].
    TokenType
);
plain_type!(
    /// The code the user types on the verification page (RFC 8628 §3.2).
    UserCode
);
plain_type!(
    /// A resource owner's user name (RFC 6749 §4.3.2).
    Username
);

impl TokenType {
    /// `Bearer` (RFC 6750).
    pub fn bearer() -> Self {
        Self::new("Bearer")
    }

    /// Whether this is `name`, ignoring ASCII case (RFC 6749 §5.1).
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name)
    }

    /// Whether this is a bearer token.
    pub fn is_bearer(&self) -> bool {
        self.is("bearer")
    }
}

impl State {
    /// A state of 128 random bits, base64url without padding (22 characters).
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        Self(crate::encode_b64url(&bytes))
    }
}

secret_type!(
    /// A client secret (RFC 6749 §2.3.1).
    ClientSecret, Clone
);
secret_type!(
    /// An authorization code (RFC 6749 §4.1.2), single-use.
    AuthorizationCode, Clone
);
secret_type!(
    /// An access token (RFC 6749 §1.4).
    AccessToken, Clone
);
secret_type!(
    /// A refresh token (RFC 6749 §1.5).
    RefreshToken, Clone
);
secret_type!(
    /// A device verification code (RFC 8628 §3.2).
    DeviceCode, Clone
);
secret_type!(
    /// A resource owner's password (RFC 6749 §4.3.2).
    Password, Clone
);
secret_type!(
    /// A token of either kind, as sent to revocation and introspection
    /// endpoints (RFC 7009 §2.1, RFC 7662 §2.1).
    AnyToken, Clone
);

impl From<&AccessToken> for AnyToken {
    fn from(token: &AccessToken) -> Self {
        Self::new(token.secret())
    }
}

impl From<&RefreshToken> for AnyToken {
    fn from(token: &RefreshToken) -> Self {
        Self::new(token.secret())
    }
}

/// Joins scopes with `separator` (RFC 6749 §3.3 says a space).
pub fn join_scopes(scopes: &[Scope], separator: &str) -> String {
    let parts: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
    parts.join(separator)
}

/// Splits a `scope` value on `separator`, dropping empty parts.
pub fn split_scopes(value: &str, separator: &str) -> Vec<Scope> {
    if separator.is_empty() {
        return vec![Scope::new(value)];
    }
    value
        .split(separator)
        .filter(|s| !s.is_empty())
        .map(Scope::new)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_compare_by_value() {
        let a = AccessToken::new("mF_9.B5f-4.1JqM");
        assert_eq!(format!("{a:?}"), "AccessToken([redacted])");
        assert_eq!(a.secret(), "mF_9.B5f-4.1JqM");
        assert_eq!(a, AccessToken::new("mF_9.B5f-4.1JqM"));
        assert_ne!(a, AccessToken::new("other"));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"mF_9.B5f-4.1JqM\"".to_owned()
        );
    }

    #[test]
    fn token_type_ignores_case() {
        assert!(TokenType::new("bEaReR").is_bearer());
        assert!(!TokenType::new("mac").is_bearer());
    }

    #[test]
    fn scopes_split_and_join() {
        let s = split_scopes("read  write", " ");
        assert_eq!(s, vec![Scope::new("read"), Scope::new("write")]);
        assert_eq!(join_scopes(&s, ","), "read,write");
    }

    #[test]
    fn generated_state_is_22_url_safe_characters() {
        let mut rng = crate::tests_rng::Counter(7);
        let s = State::generate(&mut rng);
        assert_eq!(s.as_str().len(), 22);
        assert!(
            s.as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
