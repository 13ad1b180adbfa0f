//! What can go wrong in a command, and the exit code each kind gets.

use std::fmt;
use std::process::ExitCode;

/// The kinds of failure, each with its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A check failed (a signature did not verify, a demo step failed): exit 1.
    Failed,
    /// The command line or its inputs are wrong: exit 2 (as clap's own usage errors).
    Usage,
    /// The network failed (refused, timed out, TLS): exit 3.
    Network,
    /// The provider refused (an OAuth error, an API error): exit 4.
    Provider,
    /// The stored tokens no longer work: log in again. Exit 5.
    Reauthorize,
}

impl Kind {
    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Self::Failed => 1,
            Self::Usage => 2,
            Self::Network => 3,
            Self::Provider => 4,
            Self::Reauthorize => 5,
        })
    }
}

/// A failed command: its kind and a message that says what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// Decides the exit code.
    pub kind: Kind,
    /// Shown on stderr.
    pub message: String,
}

impl CliError {
    /// A failure of `kind`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Wrong command-line input.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// A transport error, classified: network, provider, or re-authorization.
    pub fn transport<E: std::error::Error + Send + Sync + 'static>(
        error: &sansauth_transport::Error<E>,
    ) -> Self {
        let kind = match error {
            sansauth_transport::Error::ReauthorizationNeeded(_) => Kind::Reauthorize,
            sansauth_transport::Error::Http(_) | sansauth_transport::Error::Timeout { .. } => {
                Kind::Network
            }
            sansauth_transport::Error::Policy(_) => Kind::Usage,
            sansauth_transport::Error::Protocol(_) => Kind::Provider,
            _ => Kind::Failed,
        };
        Self::new(kind, error.to_string())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// A command's result.
pub type CliResult = Result<(), CliError>;
