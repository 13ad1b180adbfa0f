//! The crate's one error type.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong with a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A profile file (or text) is not a valid profile. Says where and why.
    InvalidProfile(ProfileProblem),
    /// No built-in profile has this name.
    UnknownProfile(String),
    /// A template value names a placeholder this crate does not fill.
    UnknownPlaceholder {
        /// The template.
        template: String,
        /// The placeholder, without braces.
        placeholder: String,
    },
    /// A base URL that a profile cannot be rebased onto.
    InvalidBaseUrl(String),
    /// The profile speaks the other OAuth.
    WrongProtocol {
        /// The profile's name.
        profile: String,
        /// The protocol the caller wanted (`oauth1` or `oauth2`).
        wanted: &'static str,
    },
    /// A signature method the OAuth 1 core cannot sign with here.
    UnsupportedSignatureMethod(String),
    /// The OAuth 1 core refused a value built from the profile.
    OAuth1(sansauth_oauth1::Error),
}

impl Error {
    /// The stable machine-readable name of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidProfile(_) => "invalid_profile",
            Self::UnknownProfile(_) => "unknown_profile",
            Self::UnknownPlaceholder { .. } => "unknown_placeholder",
            Self::InvalidBaseUrl(_) => "invalid_base_url",
            Self::WrongProtocol { .. } => "wrong_protocol",
            Self::UnsupportedSignatureMethod(_) => "unsupported_signature_method",
            Self::OAuth1(e) => e.code(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidProfile(problem) => problem.fmt(f),
            Self::UnknownProfile(name) => write!(
                f,
                "no built-in profile is named `{name}` (see `sansauth_providers::builtin::names()`)"
            ),
            Self::UnknownPlaceholder {
                template,
                placeholder,
            } => write!(
                f,
                "`{template}` uses the placeholder `{{{placeholder}}}`, which is not one of \
                 {{client_id}}, {{callback}}, {{access_token}}"
            ),
            Self::InvalidBaseUrl(why) => write!(f, "cannot rebase onto that URL: {why}"),
            Self::WrongProtocol { profile, wanted } => {
                write!(f, "profile `{profile}` does not speak {wanted}")
            }
            Self::OAuth1(e) => write!(f, "OAuth 1: {e}"),
            Self::UnsupportedSignatureMethod(name) => write!(
                f,
                "signature method `{name}` is not one this build signs with \
                 (HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, PLAINTEXT; RSA needs a private key)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Where in a profile file something is wrong, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileProblem {
    /// The file, when the profile came from one.
    pub file: Option<PathBuf>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field's dotted path (`oauth2.token_endpoint`), when the problem is in one field.
    pub field: Option<String>,
    /// What is wrong, and what to do about it.
    pub message: String,
}

impl fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "<profile>".to_owned(), |p| p.display().to_string());
        write!(f, "{file}")?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
