//! How a sandbox is started.

use std::net::{Ipv4Addr, SocketAddr};

/// A client application registered with one served profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// The profile (provider) it is registered with.
    pub profile: String,
    /// The client id (OAuth 1 consumer key).
    pub client_id: String,
    /// The client secret (OAuth 1 consumer secret). Test data.
    pub client_secret: String,
}

/// Settings for [`crate::Sandbox::start`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Where to listen; must be a loopback address. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Approve every authorization as the first test user, without a page.
    pub auto_approve: bool,
    /// The built-in profiles to serve; empty serves every built-in profile.
    pub profiles: Vec<String>,
    /// Client registrations; a served profile with none gets a generated one.
    pub clients: Vec<ClientRegistration>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            auto_approve: false,
            profiles: Vec::new(),
            clients: Vec::new(),
        }
    }
}

impl SandboxConfig {
    /// Approve every authorization as the first test user.
    #[must_use]
    pub fn auto_approve(mut self, yes: bool) -> Self {
        self.auto_approve = yes;
        self
    }

    /// Listen on this loopback address.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serve only these built-in profiles.
    #[must_use]
    pub fn profiles<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.profiles = names.into_iter().map(Into::into).collect();
        self
    }

    /// Register a client with a profile.
    #[must_use]
    pub fn client(mut self, profile: &str, client_id: &str, client_secret: &str) -> Self {
        self.clients.push(ClientRegistration {
            profile: profile.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
        });
        self
    }
}
