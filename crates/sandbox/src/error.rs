//! The crate's one error type.

use std::fmt;
use std::net::SocketAddr;

/// What can keep a sandbox from starting.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The sandbox only listens on loopback addresses.
    NotLoopback(SocketAddr),
    /// The address could not be bound (in use, no permission, ...).
    Bind(SocketAddr, std::io::Error),
    /// The server's thread or runtime could not be started.
    Runtime(std::io::Error),
    /// A profile named in the configuration could not be served.
    Profile(sansauth_providers::Error),
    /// A client registration names a profile that is not served.
    UnservedProfile(String),
}

impl Error {
    /// The stable machine-readable name of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotLoopback(_) => "not_loopback",
            Self::Bind(..) => "bind_failed",
            Self::Runtime(_) => "runtime_failed",
            Self::Profile(_) => "invalid_profile",
            Self::UnservedProfile(_) => "unserved_profile",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLoopback(addr) => {
                write!(
                    f,
                    "the sandbox listens on loopback only; {addr} is not (use 127.0.0.1 or [::1])"
                )
            }
            Self::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            Self::Runtime(e) => write!(f, "cannot start the sandbox's server: {e}"),
            Self::Profile(e) => write!(f, "cannot serve the profile: {e}"),
            Self::UnservedProfile(name) => write!(
                f,
                "a client is registered with `{name}`, which is not served"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(_, e) | Self::Runtime(e) => Some(e),
            Self::Profile(e) => Some(e),
            _ => None,
        }
    }
}
